#include "settings/SettingsPages.h"

#include <algorithm>

namespace PoolDesk::Ui::SettingsPages {

static QList<SettingsPage> &registry() {
    static QList<SettingsPage> pages;
    return pages;
}

bool add(SettingsPage page) {
    auto &pages = registry();
    const auto same =
        std::find_if(pages.begin(), pages.end(), [&](const SettingsPage &p) { return p.id == page.id; });
    if (same != pages.end())
        *same = std::move(page);
    else
        pages.append(std::move(page));
    return true;
}

QList<SettingsPage> all() {
    QList<SettingsPage> pages = registry();
    std::stable_sort(pages.begin(), pages.end(),
                     [](const SettingsPage &a, const SettingsPage &b) { return a.order < b.order; });
    return pages;
}

} // namespace PoolDesk::Ui::SettingsPages
