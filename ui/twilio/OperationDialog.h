#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QProgressBar;
class QPushButton;
class QPlainTextEdit;

namespace PoolDesk::Twilio {
class Operation;
}

namespace PoolDesk::Ui {

class InlineError;

// Runs one Twilio operation with a progress bar, a status line and Cancel (Esc); shows the
// outcome inline when it ends. The dialog owns the operation.
class OperationDialog final : public QDialog {
    Q_OBJECT
public:
    // `summary` turns the finished operation into the text shown on success.
    OperationDialog(const QString &title, Twilio::Operation *operation,
                    std::function<QString(Twilio::Operation &)> summary, QWidget *parent = nullptr);
    // Starts the operation and shows the dialog (non-modal; deletes itself when closed).
    void start();
    bool succeeded() const { return m_succeeded; }

signals:
    void operationFinished(bool ok);

protected:
    void reject() override;

private:
    void onFinished(bool ok);

    Twilio::Operation *m_operation;
    std::function<QString(Twilio::Operation &)> m_summary;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPlainTextEdit *m_result;
    InlineError *m_error;
    QPushButton *m_cancel;
    bool m_succeeded = false;
};

} // namespace PoolDesk::Ui
