#pragma once

#include <QLabel>

namespace PoolDesk::Ui {

// A message shown inside a dialog or form, next to what it is about, in the error colour of the
// current palette. Hidden while empty.
class InlineError final : public QLabel {
    Q_OBJECT
public:
    explicit InlineError(QWidget *parent = nullptr);
    void showError(const QString &text);
    void showHint(const QString &text);
    void clearMessage();

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColour();
    bool m_isError = true;
    bool m_applying = false;
};

} // namespace PoolDesk::Ui
