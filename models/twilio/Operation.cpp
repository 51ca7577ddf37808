#include "twilio/Operation.h"

#include "twilio/TwilioClient.h"

#include <QCoreApplication>

namespace PoolDesk::Twilio {

Operation::Operation(OperationContext context, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_client(m_context.client) {}

Operation::~Operation() {
    if (m_client)
        m_client->cancel(this);
}

void Operation::start() {
    if (m_running || m_finished)
        return;
    m_running = true;
    run();
}

void Operation::cancel() {
    if (m_finished)
        return;
    m_cancelled = true;
    if (m_client)
        m_client->cancel(this);
    if (!m_running)
        finish(makeError(Error::Code::Cancelled, tr("Cancelled.")));
}

bool Operation::stopIfCancelled() {
    if (!m_cancelled)
        return false;
    finish(makeError(Error::Code::Cancelled, tr("Cancelled.")));
    return true;
}

void Operation::finish(const Status &status) {
    if (m_finished)
        return;
    m_finished = true;
    m_running = false;
    if (!status)
        m_error = status.error();
    emit finished(status.ok());
}

} // namespace PoolDesk::Twilio
