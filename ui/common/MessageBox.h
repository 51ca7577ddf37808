#pragma once

#include <QMessageBox>
#include <QString>

namespace PoolDesk::Ui {

// Every modal question the console asks goes through here, so GUI tests can answer it ahead of
// time (setNextAnswer) instead of blocking on a dialog (after KeePassXC's MessageBox). Errors are
// not asked here: they go to the inline MessageWidget.
class MessageBox final {
public:
    enum Answer { Accept, Reject };

    // A yes/no question whose accepting button says what will happen ("Remove number").
    // Returns true when the user accepted.
    static bool confirm(QWidget *parent, const QString &title, const QString &text, const QString &acceptText,
                        bool destructive = false);
    // Information the user must acknowledge (rare: most notices are banners).
    static void information(QWidget *parent, const QString &title, const QString &text);
    // Only for failures with no window to show a banner in (the database cannot be opened).
    static void critical(QWidget *parent, const QString &title, const QString &text);

    // For tests: the next question is answered without showing anything.
    static void setNextAnswer(Answer answer);
    static void clearNextAnswer();
    // The text of the most recent question, so a test can assert what was asked.
    static QString lastText();
    static int questionsAsked();
    // For tests: a question nobody answered ahead of time is rejected (and logged) instead of
    // waiting for a click that never comes.
    static void setNonInteractive(bool nonInteractive);

private:
    MessageBox() = delete;
};

} // namespace PoolDesk::Ui
