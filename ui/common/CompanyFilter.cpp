#include "common/CompanyFilter.h"

#include "pool/Companies.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QSignalBlocker>

#include <algorithm>

namespace PoolDesk::Ui::CompanyFilter {

void reload(QComboBox *combo, Database &db) {
    const QVariant current = combo->currentData();
    const QSignalBlocker blocker(combo);
    combo->clear();
    combo->addItem(QCoreApplication::translate("CompanyFilter", "All companies"), QVariant());
    if (auto companies = Companies(db).list())
        for (const Company &company : companies.value())
            combo->addItem(company.name, company.id);
    combo->setCurrentIndex(std::max(0, combo->findData(current)));
}

void retranslate(QComboBox *combo) {
    if (combo->count() > 0 && !combo->itemData(0).isValid())
        combo->setItemText(0, QCoreApplication::translate("CompanyFilter", "All companies"));
}

} // namespace PoolDesk::Ui::CompanyFilter
