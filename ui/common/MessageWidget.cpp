#include "common/MessageWidget.h"

#include "common/Retranslate.h"
#include "common/Theme.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace PoolDesk::Ui {

MessageWidget::MessageWidget(QWidget *parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("messageWidget"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    m_icon = new QLabel(this);
    m_icon->setObjectName(QStringLiteral("messageIconLabel"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("messageTextLabel"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_text->setOpenExternalLinks(true);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_action = new QToolButton(this);
    m_action->setObjectName(QStringLiteral("messageActionButton"));
    m_action->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_action->hide();
    m_close = new QToolButton(this);
    m_close->setObjectName(QStringLiteral("messageCloseButton"));
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    retranslate(this, [this] {
        m_close->setToolTip(tr("Close this message"));
        m_close->setAccessibleName(tr("Close message"));
    });
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &MessageWidget::hideMessage);
    connect(m_action, &QToolButton::clicked, this, [this] {
        auto callback = m_callback;
        hideMessage();
        if (callback)
            callback();
    });
    m_hideTimer.setSingleShot(true);
    connect(&m_hideTimer, &QTimer::timeout, this, &MessageWidget::hideMessage);
    hide();
}

void MessageWidget::showMessage(const QString &text, Type type) {
    const bool transient = type == Type::Information || type == Type::Positive;
    showMessage(text, type, transient ? 8000 : 0);
}

void MessageWidget::showMessage(const QString &text, Type type, int autoHideMs) {
    m_type = type;
    m_text->setText(text);
    m_callback = {};
    m_action->hide();
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    if (type == Type::Warning)
        pixmap = QStyle::SP_MessageBoxWarning;
    else if (type == Type::Error)
        pixmap = QStyle::SP_MessageBoxCritical;
    else if (type == Type::Positive)
        pixmap = QStyle::SP_DialogApplyButton;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap).pixmap(size, size));
    applyColours();
    if (autoHideMs > 0)
        m_hideTimer.start(autoHideMs);
    else
        m_hideTimer.stop();
    show();
    setAccessibleDescription(text);
}

void MessageWidget::setAction(const QString &text, std::function<void()> callback) {
    m_callback = std::move(callback);
    m_action->setText(text);
    m_action->setVisible(!text.isEmpty());
    m_hideTimer.stop();
}

void MessageWidget::hideMessage() {
    m_hideTimer.stop();
    m_callback = {};
    hide();
}

QString MessageWidget::text() const {
    return m_text->text();
}

void MessageWidget::changeEvent(QEvent *event) {
    QFrame::changeEvent(event);
    if (!m_applying && (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange))
        applyColours();
}

void MessageWidget::applyColours() {
    Theme::Tone tone = Theme::Tone::Information;
    switch (m_type) {
    case Type::Information:
        tone = Theme::Tone::Information;
        break;
    case Type::Positive:
        tone = Theme::Tone::Positive;
        break;
    case Type::Warning:
        tone = Theme::Tone::Warning;
        break;
    case Type::Error:
        tone = Theme::Tone::Negative;
        break;
    }
    const QPalette base = parentWidget() ? parentWidget()->palette() : QPalette();
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Theme::tint(tone, base));
    pal.setColor(QPalette::WindowText, base.color(QPalette::WindowText));
    m_applying = true;
    setPalette(pal);
    m_applying = false;
}

} // namespace PoolDesk::Ui
