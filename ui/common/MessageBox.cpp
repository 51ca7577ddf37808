#include "common/MessageBox.h"

#include <QPushButton>

#include <optional>

namespace PoolDesk::Ui {

namespace {
std::optional<MessageBox::Answer> nextAnswer;
QString lastQuestion;
int asked = 0;
bool nonInteractive = false;
} // namespace

bool MessageBox::confirm(QWidget *parent, const QString &title, const QString &text,
                         const QString &acceptText, bool destructive) {
    lastQuestion = text;
    ++asked;
    if (nextAnswer) {
        const Answer answer = *nextAnswer;
        nextAnswer.reset();
        return answer == Accept;
    }
    if (nonInteractive) {
        qWarning("Unanswered question rejected: %s", qUtf8Printable(text));
        return false;
    }
    QMessageBox box(destructive ? QMessageBox::Warning : QMessageBox::Question, title, text,
                    QMessageBox::NoButton, parent);
    box.setObjectName(QStringLiteral("confirmMessageBox"));
    QPushButton *accept = box.addButton(acceptText, QMessageBox::AcceptRole);
    accept->setObjectName(QStringLiteral("confirmAcceptButton"));
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(destructive ? cancel : accept);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

void MessageBox::information(QWidget *parent, const QString &title, const QString &text) {
    lastQuestion = text;
    ++asked;
    if (nextAnswer) {
        nextAnswer.reset();
        return;
    }
    if (nonInteractive)
        return;
    QMessageBox box(QMessageBox::Information, title, text, QMessageBox::Ok, parent);
    box.setObjectName(QStringLiteral("informationMessageBox"));
    box.exec();
}

void MessageBox::critical(QWidget *parent, const QString &title, const QString &text) {
    lastQuestion = text;
    ++asked;
    if (nextAnswer) {
        nextAnswer.reset();
        return;
    }
    if (nonInteractive) {
        qWarning("Error not shown (non-interactive): %s", qUtf8Printable(text));
        return;
    }
    QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok, parent);
    box.setObjectName(QStringLiteral("criticalMessageBox"));
    box.exec();
}

void MessageBox::setNextAnswer(Answer answer) {
    nextAnswer = answer;
}
void MessageBox::setNonInteractive(bool value) {
    nonInteractive = value;
}
void MessageBox::clearNextAnswer() {
    nextAnswer.reset();
}
QString MessageBox::lastText() {
    return lastQuestion;
}
int MessageBox::questionsAsked() {
    return asked;
}

} // namespace PoolDesk::Ui
