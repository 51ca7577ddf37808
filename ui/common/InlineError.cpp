#include "common/InlineError.h"

#include "common/Theme.h"

#include <QEvent>

namespace PoolDesk::Ui {

InlineError::InlineError(QWidget *parent)
    : QLabel(parent) {
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    hide();
}

void InlineError::showError(const QString &text) {
    m_isError = true;
    setText(text);
    applyColour();
    setVisible(!text.isEmpty());
}

void InlineError::showHint(const QString &text) {
    m_isError = false;
    setText(text);
    applyColour();
    setVisible(!text.isEmpty());
}

void InlineError::clearMessage() {
    clear();
    hide();
}

void InlineError::changeEvent(QEvent *event) {
    QLabel::changeEvent(event);
    if (!m_applying && event->type() == QEvent::PaletteChange)
        applyColour();
}

void InlineError::applyColour() {
    const QPalette base = parentWidget() ? parentWidget()->palette() : QPalette();
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, m_isError ? Theme::accent(Theme::Tone::Negative, base)
                                                 : base.color(QPalette::PlaceholderText));
    m_applying = true;
    setPalette(pal);
    m_applying = false;
}

} // namespace PoolDesk::Ui
