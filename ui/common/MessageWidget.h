#pragma once

#include <QFrame>
#include <QTimer>

#include <functional>

class QLabel;
class QToolButton;
class QHBoxLayout;

namespace PoolDesk::Ui {

// An inline banner at the top of a window or page (after KeePassXC's MessageWidget): errors and
// confirmations appear where the user is looking instead of as a pile of modal boxes. Colours are
// derived from the current palette so the banner reads well in light and dark themes.
class MessageWidget final : public QFrame {
    Q_OBJECT
public:
    enum class Type { Information, Positive, Warning, Error };
    Q_ENUM(Type)

    explicit MessageWidget(QWidget *parent = nullptr);

    // Shows the message; Information and Positive messages hide themselves after a while,
    // warnings and errors stay until closed or replaced.
    void showMessage(const QString &text, Type type);
    void showMessage(const QString &text, Type type, int autoHideMs);
    // An optional action button beside the text ("Retry", "Create demo workspace" ...).
    void setAction(const QString &text, std::function<void()> callback);
    void hideMessage();

    QString text() const;
    Type type() const { return m_type; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColours();

    Type m_type = Type::Information;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_action = nullptr;
    QToolButton *m_close = nullptr;
    std::function<void()> m_callback;
    QTimer m_hideTimer;
    bool m_applying = false;
};

} // namespace PoolDesk::Ui
