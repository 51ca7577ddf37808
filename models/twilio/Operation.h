#pragma once

#include "credentials/EnvironmentProfile.h"
#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Twilio {

class Client;

// What an operation works on: the pool database (used on the operation's thread), a Twilio client
// for the environment, the environment's profile, and who started it (for the audit log).
struct OperationContext {
    Database *db = nullptr;
    Client *client = nullptr;
    EnvironmentProfile profile;
    Actor actor;
};

// A long-running Twilio task for the console and pooldeskctl: asynchronous, reports progress,
// can be cancelled, and finishes exactly once. The result is read from the subclass after
// finished(); error() is set when it failed (or was cancelled).
class Operation : public QObject {
    Q_OBJECT
public:
    explicit Operation(OperationContext context, QObject *parent = nullptr);
    ~Operation() override;

    // Starts the work; returns at once.
    void start();
    bool isRunning() const { return m_running; }
    bool isFinished() const { return m_finished; }
    bool isCancelled() const { return m_cancelled; }
    const std::optional<Error> &error() const { return m_error; }
    const OperationContext &context() const { return m_context; }

public slots:
    // Stops as soon as possible: requests in flight are aborted; work already committed stays.
    void cancel();

signals:
    // total is 0 when unknown; message says what is happening, for a status line.
    void progress(int done, int total, const QString &message);
    void finished(bool ok);

protected:
    virtual void run() = 0;
    // Ends the operation (only the first call counts).
    void finish(const Status &status);
    void report(int done, int total, const QString &message) { emit progress(done, total, message); }
    Database &db() { return *m_context.db; }
    Client &client() { return *m_context.client; }
    // Stops with a Cancelled error when cancel() was called; for checks between steps.
    bool stopIfCancelled();

    OperationContext m_context;

private:
    // The client may go first (a window closing deletes its children in creation order).
    QPointer<Client> m_client;
    bool m_running = false;
    bool m_finished = false;
    bool m_cancelled = false;
    std::optional<Error> m_error;
};

} // namespace PoolDesk::Twilio
