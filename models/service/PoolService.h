#pragma once

#include "domain/Result.h"
#include "service/ServiceApi.h"
#include "service/ServiceConfig.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;
class QTcpServer;
class QThread;

namespace PoolDesk {

class AccessLog;
class Database;
class ReconnectingDatabase;
class SecretStore;
namespace AuditSigning {
struct Key;
}
class WalCheckpointer;
namespace Twilio {
class AutoscaleScheduler;
class Client;
} // namespace Twilio
class WebhookCredentials;

// pooldesk-service, minus argument parsing: opens (and migrates) the database, listens, answers
// on `threads` worker threads that each own a database connection, an allocator and an HTTP
// front sharing one listening socket, and reaps expired leases on a timer.
class PoolService final : public QObject {
    Q_OBJECT
public:
    PoolService(ServiceConfig config, const WebhookCredentials *webhooks, QObject *parent = nullptr);
    ~PoolService() override;

    Status start();
    QHostAddress address() const;
    quint16 port() const;
    int threadCount() const { return int(m_workers.size()); }
    const ServiceConfig &config() const { return m_config; }
    ServiceShared &shared() { return *m_shared; }

    // Stops accepting, finishes the requests under way, then emits stopped(). Connections still
    // busy after the configured timeout are dropped.
    void shutdown();

signals:
    void stopped();

private:
    class Worker;
    void reap();
    // The reaper's connection (this thread's): true when it is open and the reaper built on it.
    bool restoreReaper();
    void reaperConnectionLost();
    // A background write refused because the database is read-only or its disk full: logged once
    // per cause, not at every reap. False for other errors.
    bool writeRefused(const Error &error);
    // The auto-scaler's connection, checked (and opened again) only between its passes, when no
    // operation holds it.
    Database *autoscaleDatabase();
    void startAutoscale();
    void startAuditCheckpoints();
    void signAuditCheckpointIfDue();
    void workerDrained();
    void finishShutdown();

    ServiceConfig m_config;
    std::unique_ptr<ServiceShared> m_shared;
    std::unique_ptr<AccessLog> m_accessLog;
    std::unique_ptr<ReconnectingDatabase> m_db; // the reaper's
    std::unique_ptr<ServiceApi> m_reaperApi;    // null while m_db is lost
    QTimer m_reconnectTimer;
    std::unique_ptr<ReconnectingDatabase> m_autoscaleDb;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite only
    QTcpServer *m_listener = nullptr;
    QList<Worker *> m_workers;
    QList<QThread *> m_threads;
    QTimer m_reapTimer;
    QString m_writeRefusal;           // the reason background writes are refused for, already logged
    QTimer m_reviewTimer;             // Reputation::review, on the reaper's connection
    QElapsedTimer m_calleesForgotten; // when stale sticky callees were last forgotten (daily)
    // Auto-scaling (when configured), on this thread and its database connection.
    SecretStore *m_secrets = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    Twilio::Client *m_twilio = nullptr;
    Twilio::AutoscaleScheduler *m_autoscale = nullptr;
    // Signed audit checkpoints (with --audit-witness), on this thread and the reaper's connection.
    SecretStore *m_auditSecrets = nullptr;
    std::unique_ptr<AuditSigning::Key> m_auditKey;
    QTimer m_auditTimer;
    QTimer m_shutdownTimer;
    int m_drained = 0;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace PoolDesk
