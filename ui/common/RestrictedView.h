#pragma once

#include "common/View.h"

#include <functional>

class QLabel;

namespace PoolDesk::Ui {

// Stands in for a view the signed-in role may not open, so nothing of it is built or read; it
// keeps the view's place (page numbers, shortcuts) and says which role would be needed.
class RestrictedView final : public View {
    Q_OBJECT
public:
    RestrictedView(Workspace &workspace, std::function<QString()> title, QIcon icon,
                   std::function<QString()> reason, QWidget *parent = nullptr);

    QString title() const override { return m_title(); }
    QIcon icon() const override { return m_icon; }

private:
    std::function<QString()> m_title;
    QIcon m_icon;
    QLabel *m_reason = nullptr;
};

} // namespace PoolDesk::Ui
