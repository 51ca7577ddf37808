#include "twilio/OperationDialog.h"

#include "common/InlineError.h"
#include "twilio/Operation.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

OperationDialog::OperationDialog(const QString &title, Twilio::Operation *operation,
                                 std::function<QString(Twilio::Operation &)> summary, QWidget *parent)
    : QDialog(parent)
    , m_operation(operation)
    , m_summary(std::move(summary))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_result(new QPlainTextEdit(this))
    , m_error(new InlineError(this))
    , m_cancel(new QPushButton(tr("&Cancel"), this)) {
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    setObjectName(QStringLiteral("twilioOperationDialog"));
    m_operation->setParent(this);
    m_progress->setObjectName(QStringLiteral("operationProgressBar"));
    m_progress->setRange(0, 0);
    m_status->setObjectName(QStringLiteral("operationStatusLabel"));
    m_status->setWordWrap(true);
    m_result->setObjectName(QStringLiteral("operationResultText"));
    m_result->setReadOnly(true);
    m_result->hide();
    m_cancel->setObjectName(QStringLiteral("operationCancelButton"));
    auto layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_error);
    layout->addWidget(m_result, 1);
    auto buttons = new QDialogButtonBox(this);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    layout->addWidget(buttons);
    resize(560, 220);

    connect(m_cancel, &QPushButton::clicked, this, &OperationDialog::reject);
    connect(m_operation, &Twilio::Operation::progress, this,
            [this](int done, int total, const QString &message) {
                m_status->setText(message);
                if (total > 0) {
                    m_progress->setRange(0, total);
                    m_progress->setValue(done);
                } else {
                    m_progress->setRange(0, 0);
                }
            });
    connect(m_operation, &Twilio::Operation::finished, this, &OperationDialog::onFinished);
}

void OperationDialog::start() {
    show();
    m_operation->start();
}

void OperationDialog::reject() {
    if (m_operation->isRunning()) {
        m_status->setText(tr("Cancelling…"));
        m_operation->cancel();
        return;
    }
    QDialog::reject();
}

void OperationDialog::onFinished(bool ok) {
    m_succeeded = ok;
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_cancel->setText(tr("&Close"));
    if (ok) {
        m_status->setText(tr("Done."));
        m_result->setPlainText(m_summary ? m_summary(*m_operation) : QString());
        m_result->setVisible(!m_result->toPlainText().isEmpty());
    } else {
        m_status->setText(tr("Stopped."));
        m_error->showError(m_operation->error() ? m_operation->error()->message
                                                : tr("The operation failed."));
    }
    emit operationFinished(ok);
}

} // namespace PoolDesk::Ui
