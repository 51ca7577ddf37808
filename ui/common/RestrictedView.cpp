#include "common/RestrictedView.h"

#include "common/Retranslate.h"

#include <QLabel>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

RestrictedView::RestrictedView(Workspace &workspace, std::function<QString()> title, QIcon icon,
                               std::function<QString()> reason, QWidget *parent)
    : View(workspace, parent)
    , m_title(std::move(title))
    , m_icon(std::move(icon)) {
    setObjectName(QStringLiteral("restrictedView"));
    auto *layout = new QVBoxLayout(this);
    m_reason = new QLabel(this);
    m_reason->setObjectName(QStringLiteral("restrictedReasonLabel"));
    m_reason->setAlignment(Qt::AlignCenter);
    m_reason->setWordWrap(true);
    layout->addWidget(m_reason);
    retranslate(this, [this, reason = std::move(reason)] { m_reason->setText(reason()); });
}

} // namespace PoolDesk::Ui
