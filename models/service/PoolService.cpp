#include "service/PoolService.h"

#include "service/NativeSocket.h"

#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"
#include "domain/Types.h"
#include "security/AuditSigning.h"
#include "security/Identity.h"
#include "service/AccessLog.h"
#include "service/ApiExecutor.h"
#include "service/HttpFrontend.h"
#include "service/RecordingRelay.h"
#include "service/WebhookCredentials.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"
#include "storage/WalCheckpointer.h"
#include "twilio/AutoscaleScheduler.h"
#include "twilio/TwilioClient.h"

#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTcpServer>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcPoolService, "pooldesk.service")

namespace PoolDesk {

namespace {
constexpr int ListenBacklog = 4096;
} // namespace

// Lives in its own thread with an HTTP front; the API and its database connection run on a second
// thread (ApiExecutor), so reading and answering connections overlaps with committing.
class PoolService::Worker final : public QObject {
public:
    Worker(const DatabaseUrl &url, ServiceShared &shared, AccessLog *accessLog, HttpLimits limits,
           std::shared_ptr<ConnectionGate> gate)
        : m_executor(url, shared)
        , m_shared(shared)
        , m_accessLog(accessLog)
        , m_limits(limits)
        , m_gate(std::move(gate)) {}

    // Runs in the worker's thread.
    Status init(qintptr listeningDescriptor, const QString &name) {
        if (auto started = m_executor.start(name + QStringLiteral("-db")); !started) {
            NativeSocket::close(listeningDescriptor);
            return started.error();
        }
        m_frontend = std::make_unique<HttpFrontend>(m_executor, m_shared, m_accessLog, m_limits, m_gate);
        if (!m_frontend->adopt(listeningDescriptor)) {
            NativeSocket::close(listeningDescriptor);
            return makeError(Error::Code::Unavailable,
                             QCoreApplication::translate(
                                 "PoolService", "A worker thread could not take the listening socket."));
        }
        return success();
    }
    HttpFrontend *frontend() { return m_frontend.get(); }
    // Runs in the worker's thread, before it ends. The executor stops first: a batch still under
    // way finishes, and its answers are dropped with the front.
    void teardown() {
        m_executor.stop();
        m_frontend.reset();
    }

private:
    ApiExecutor m_executor;
    ServiceShared &m_shared;
    AccessLog *m_accessLog;
    HttpLimits m_limits;
    std::shared_ptr<ConnectionGate> m_gate; // one for all workers
    std::unique_ptr<HttpFrontend> m_frontend;
};

PoolService::PoolService(ServiceConfig config, const WebhookCredentials *webhooks, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_shared(std::make_unique<ServiceShared>()) {
    m_shared->environment = m_config.environment;
    m_shared->webhooks = webhooks;
    m_shared->rateLimiter.setDefaults(m_config.rateLimit);
    connect(&m_reapTimer, &QTimer::timeout, this, &PoolService::reap);
    connect(&m_reviewTimer, &QTimer::timeout, this, [this] {
        if (!restoreReaper())
            return;
        if (auto reviewed = m_reaperApi->reviewReputation(); !reviewed) {
            if (m_db->noteFailure(reviewed.error()))
                reaperConnectionLost();
            else if (!writeRefused(reviewed.error()))
                qCWarning(lcPoolService) << "cannot review the numbers' health:" << reviewed.error().message;
            return;
        }
        if (m_calleesForgotten.isValid() && !m_calleesForgotten.hasExpired(24 * 3600 * 1000LL))
            return;
        auto forgotten = m_reaperApi->forgetStaleCallees();
        if (!forgotten) {
            if (m_db->noteFailure(forgotten.error()))
                reaperConnectionLost();
            else if (!writeRefused(forgotten.error()))
                qCWarning(lcPoolService)
                    << "cannot forget stale sticky callees:" << forgotten.error().message;
            return;
        }
        m_calleesForgotten.start();
        if (forgotten.value() > 0)
            qCInfo(lcPoolService) << "forgot" << forgotten.value() << "sticky callees past sticky_days";
    });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        if (restoreReaper())
            reap(); // leases that ran out while the database was away
    });
    m_shutdownTimer.setSingleShot(true);
    connect(&m_shutdownTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcPoolService) << "connections still busy after" << m_config.shutdownTimeoutMs
                                 << "ms; stopping anyway";
        finishShutdown();
    });
}

PoolService::~PoolService() {
    if (!m_stopped && !m_threads.isEmpty())
        finishShutdown();
}

Status PoolService::start() {
    if (!isValidEnvironmentName(m_config.environment))
        return makeError(Error::Code::InvalidInput,
                         tr("\"%1\" is not a valid environment name.").arg(m_config.environment));
    auto log = AccessLog::open(m_config.accessLog);
    if (!log)
        return log.error();
    m_accessLog = std::move(log.value());

    auto opened = Database::open(m_config.databaseUrl, Database::Migrate::Yes);
    if (!opened)
        return opened.error();
    // The service runs the pool for every company: a person's narrower login would have each
    // allocation refused one by one, so it is refused once, here, saying what to use.
    auto me = Identity::whoAmI(*opened.value());
    if (!me)
        return me.error();
    if (me->role != Role::Service && me->role != Role::Administrator)
        return makeError(Error::Code::Refused,
                         tr("pooldesk-service is signed in as %1, whose role is %2. It needs a login of its "
                            "own with the service role: `pooldeskctl user add LOGIN --role service`.")
                             .arg(me->login, displayName(me->role)),
                         QStringLiteral("role_required"));
    if (opened.value()->isReadOnly()) {
        const Error readOnly = Sql::readOnlyError(opened.value()->location(), opened.value()->isPostgreSql());
        qCWarning(lcPoolService).noquote()
            << "the pool database is read-only; the service answers 503" << readOnly.reason
            << "to changes until it is writable:" << readOnly.message;
        m_writeRefusal = readOnly.reason;
    }
    m_db = std::make_unique<ReconnectingDatabase>(std::move(opened.value()));
    m_reaperApi = std::make_unique<ServiceApi>(*m_db->get(), *m_shared);
    if (m_db->get()->isSqlite()) {
        m_checkpointer = std::make_unique<WalCheckpointer>(m_db->url(), &m_shared->sqliteWriteGate);
        m_checkpointer->start();
    }

    // Recordings for consoles without Twilio credentials (PostgreSQL workspaces issue the tickets).
    if (m_db->get()->isPostgreSql()) {
        auto *relay = new RecordingRelay(
            [this]() -> Database * { return m_db && !m_db->isLost() ? m_db->get() : nullptr; },
            m_config.environment, this);
        m_shared->recordingMedia = [relay](const QString &environment, const QString &sid, QObject *receiver,
                                           std::function<void(Result<QByteArray>)> done) {
            QPointer<QObject> back(receiver);
            QMetaObject::invokeMethod(
                relay,
                [relay, environment, sid, back, done] {
                    relay->fetch(environment, sid, [back, done](Result<QByteArray> audio) {
                        if (back)
                            QMetaObject::invokeMethod(
                                back, [done, audio] { done(audio); }, Qt::QueuedConnection);
                    });
                },
                Qt::QueuedConnection);
        };
    }

    m_listener = new QTcpServer(this);
    // Qt's default backlog (50) overflows when many clients connect at once, and each connection
    // beyond it waits for a SYN retransmission (a second or more); the kernel caps this at somaxconn.
    m_listener->setListenBacklogSize(ListenBacklog);
    if (!m_listener->listen(m_config.address, m_config.port))
        return makeError(Error::Code::Unavailable, tr("Cannot listen on %1:%2: %3")
                                                       .arg(m_config.address.toString())
                                                       .arg(m_config.port)
                                                       .arg(m_listener->errorString()));
    // The workers accept on their own copies of the socket; this one only holds the address.
    m_listener->pauseAccepting();

#ifdef Q_OS_WIN
    // Winsock lets one socket notifier watch a listening socket, whichever duplicate it watches
    // through: a second worker's would silence the first's. Windows serves with one.
    const int threads = 1;
    if (m_config.threads > 1)
        qCWarning(lcPoolService) << "--threads" << m_config.threads
                                 << "is not available on Windows: serving with 1";
#else
    const bool sqlite = m_db->url().engine == DatabaseUrl::Engine::Sqlite;
    const int threads = m_config.threads > 0 ? m_config.threads : (sqlite ? 1 : 4);
#endif
    HttpLimits limits;
    limits.maxBodyBytes = m_config.maxBodyBytes;
    limits.requestTimeoutMs = m_config.requestTimeoutMs;
    limits.idleTimeoutMs = m_config.idleTimeoutMs;
    const auto gate = std::make_shared<ConnectionGate>(m_config.maxConnections);
    for (int i = 0; i < threads; ++i) {
        const qintptr descriptor = NativeSocket::duplicate(m_listener->socketDescriptor());
        if (descriptor == NativeSocket::Invalid)
            return makeError(Error::Code::Unavailable,
                             tr("Cannot share the listening socket with a worker thread."));
        auto *thread = new QThread(this);
        thread->setObjectName(QStringLiteral("pooldesk-http-%1").arg(i));
        auto *worker = new Worker(m_db->url(), *m_shared, m_accessLog.get(), limits, gate);
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        m_threads.append(thread);
        m_workers.append(worker);
        Status initialised = success();
        QMetaObject::invokeMethod(
            worker,
            [worker, descriptor, name = thread->objectName(), &initialised] {
                initialised = worker->init(descriptor, name);
            },
            Qt::BlockingQueuedConnection);
        if (!initialised)
            return initialised.error();
        connect(worker->frontend(), &HttpFrontend::drained, this, &PoolService::workerDrained,
                Qt::QueuedConnection);
    }
    if (m_config.reapIntervalMs > 0) {
        m_reapTimer.start(m_config.reapIntervalMs);
        reap(); // leases that ran out while no service was running
        // A number's health moves with its calls over days: a quarter of an hour is prompt enough.
        constexpr int ReviewIntervalMs = 15 * 60 * 1000;
        m_reviewTimer.start(ReviewIntervalMs);
    }
    if (m_config.autoscaleIntervalMs > 0)
        startAutoscale();
    if (!m_config.auditWitness.isEmpty())
        startAuditCheckpoints();
    qCInfo(lcPoolService).noquote() << "listening on" << address().toString() << port() << "with" << threads
                                    << "thread(s), environment" << m_config.environment << "database"
                                    << m_db->url().redacted();
    return success();
}

QHostAddress PoolService::address() const {
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

quint16 PoolService::port() const {
    return m_listener ? m_listener->serverPort() : 0;
}

void PoolService::reap() {
    if (!restoreReaper())
        return;
    auto reaped = m_reaperApi->reapExpired();
    if (reaped) {
        if (!m_writeRefusal.isEmpty())
            qCInfo(lcPoolService) << "the pool database takes changes again";
        m_writeRefusal.clear();
        return;
    }
    if (m_db->noteFailure(reaped.error()))
        reaperConnectionLost();
    else if (!writeRefused(reaped.error()))
        qCWarning(lcPoolService) << "cannot free expired leases:" << reaped.error().message;
}

bool PoolService::writeRefused(const Error &error) {
    if (!Sql::isWriteRefused(error))
        return false;
    // Said once, not at every reap: the message names the database and what to do.
    if (m_writeRefusal != error.reason)
        qCWarning(lcPoolService).noquote() << "the service cannot save changes; it answers 503"
                                           << error.reason << "to them meanwhile:" << error.message;
    m_writeRefusal = error.reason;
    if (m_db->readOnlyRecheckDue()) {
        m_reaperApi.reset(); // before the connection it was built on
        m_db->reopenIfReadOnly();
        restoreReaper();
    }
    return true;
}

namespace {
const QString ReaperPart = QStringLiteral("reaper");
const Actor AuditActor = Actor::system(QStringLiteral("audit-checkpoints"));
} // namespace

void PoolService::reaperConnectionLost() {
    m_reaperApi.reset();
    m_shared->databaseHealth.lost(ReaperPart);
    restoreReaper(); // at once (a restarted server is often back), else on the timer
}

bool PoolService::restoreReaper() {
    if (m_reaperApi)
        return true;
    if (!m_db || m_stopping)
        return false;
    if (!m_db->tryReopen()) {
        if (!m_reconnectTimer.isActive())
            m_reconnectTimer.start(int(std::max<qint64>(1, m_db->msUntilNextAttempt())));
        return false;
    }
    m_reaperApi = std::make_unique<ServiceApi>(*m_db->get(), *m_shared);
    m_shared->databaseHealth.restored(ReaperPart);
    return true;
}

Database *PoolService::autoscaleDatabase() {
    if (!m_autoscaleDb)
        return nullptr;
    // Not part of the readiness: requests are served without it, and it is looked at only every
    // few minutes.
    if (!m_autoscaleDb->isLost())
        m_autoscaleDb->probe();
    m_autoscaleDb->tryReopen();
    return m_autoscaleDb->get();
}

void PoolService::startAutoscale() {
    auto profile = Environments(*m_db->get()).find(m_config.environment);
    if (!profile) {
        qCWarning(lcPoolService).noquote() << "auto-scaling is off:" << profile.error().message;
        return;
    }
    auto opened = Database::open(m_db->url(), Database::Migrate::No);
    if (!opened) {
        qCWarning(lcPoolService).noquote() << "auto-scaling is off:" << opened.error().message;
        return;
    }
    m_autoscaleDb = std::make_unique<ReconnectingDatabase>(std::move(opened).value());
    m_secrets = new SecretStore(this);
    m_secrets->setTimeout(5000);
    m_network = new QNetworkAccessManager(this);
    CredentialResolver::resolve(
        profile.value(), *m_secrets, this, [this, profile](Result<TwilioCredentials> credentials) {
            if (!credentials) {
                qCWarning(lcPoolService).noquote() << "auto-scaling is off:" << credentials.error().message;
                return;
            }
            if (m_stopping)
                return;
            m_twilio = new Twilio::Client(m_network, this);
            m_twilio->setCredentials(credentials.value());
            auto overridden = CredentialResolver::applyEnvironment(profile.value());
            const EnvironmentProfile effective = overridden ? overridden->profile : profile.value();
            Twilio::AutoscaleScheduler::Options options;
            options.interval = std::chrono::milliseconds(m_config.autoscaleIntervalMs);
            options.environments = {m_config.environment};
            m_autoscale = new Twilio::AutoscaleScheduler(
                [this, effective](const QString &environment) -> std::optional<Twilio::OperationContext> {
                    if (environment != m_config.environment)
                        return std::nullopt;
                    return Twilio::OperationContext{autoscaleDatabase(), m_twilio, effective,
                                                    Actor::policy(QStringLiteral("autoscale"))};
                },
                options, nullptr, this);
            // The scheduler logs each pass itself (pooldesk.twilio.autoscale).
            m_autoscale->start();
            qCInfo(lcPoolService).noquote()
                << "auto-scaling" << m_config.environment << "every" << m_config.autoscaleIntervalMs / 1000
                << "s with" << credentials->describe();
        });
}

void PoolService::startAuditCheckpoints() {
    m_auditSecrets = new SecretStore(this);
    m_auditSecrets->setTimeout(5000);
    AuditSigning::loadKey(
        *m_db->get(), *m_auditSecrets, true, AuditActor, this,
        [this](Result<AuditSigning::Key> key) {
            if (!key) {
                qCWarning(lcPoolService).noquote()
                    << "signed audit checkpoints are off:" << key.error().message;
                return;
            }
            if (m_stopping)
                return;
            m_auditKey = std::make_unique<AuditSigning::Key>(key.value());
            qCInfo(lcPoolService).noquote() << "signing audit checkpoints with" << m_auditKey->fingerprint
                                            << "into" << QDir::toNativeSeparators(m_config.auditWitness);
            connect(&m_auditTimer, &QTimer::timeout, this, &PoolService::signAuditCheckpointIfDue);
            m_auditTimer.start(m_config.auditCheckIntervalMs);
            signAuditCheckpointIfDue();
        },
        // The reaper's connection is replaced when the database comes back after an outage.
        [this]() -> Database * { return m_db && m_reaperApi ? m_db->get() : nullptr; });
}

void PoolService::signAuditCheckpointIfDue() {
    if (!m_auditKey || !restoreReaper())
        return;
    Database &db = *m_db->get();
    auto due = AuditSigning::due(db);
    if (due && !due.value())
        return;
    auto made =
        due ? AuditSigning::checkpoint(db, *m_auditKey, AuditActor) : Result<AuditCheckpoint>(due.error());
    if (!made) {
        if (m_db->noteFailure(made.error()))
            reaperConnectionLost();
        else
            qCWarning(lcPoolService).noquote() << "cannot sign an audit checkpoint:" << made.error().message;
        return;
    }
    auto file = AuditCheckpoints::writeWitness(m_config.auditWitness, made.value());
    if (!file) {
        // Stored in the database all the same; the next one is written out when the folder is back.
        qCWarning(lcPoolService).noquote() << file.error().message;
        return;
    }
    qCInfo(lcPoolService).noquote() << "signed audit checkpoint at entry" << made.value().seq << "->"
                                    << QDir::toNativeSeparators(file.value());
}

void PoolService::shutdown() {
    if (m_stopping)
        return;
    m_stopping = true;
    m_auditTimer.stop();
    m_reapTimer.stop();
    m_reviewTimer.stop();
    m_reconnectTimer.stop();
    if (m_autoscale)
        m_autoscale->stop();
    if (m_listener)
        m_listener->close();
    qCInfo(lcPoolService) << "shutting down: finishing requests under way";
    if (m_workers.isEmpty()) {
        finishShutdown();
        return;
    }
    m_shutdownTimer.start(m_config.shutdownTimeoutMs);
    for (Worker *worker : std::as_const(m_workers))
        QMetaObject::invokeMethod(worker->frontend(), &HttpFrontend::beginShutdown, Qt::QueuedConnection);
}

void PoolService::workerDrained() {
    if (++m_drained >= m_workers.size())
        finishShutdown();
}

void PoolService::finishShutdown() {
    if (m_stopped)
        return;
    m_stopped = true;
    m_shutdownTimer.stop();
    for (int i = 0; i < m_workers.size(); ++i) {
        Worker *worker = m_workers.at(i);
        QMetaObject::invokeMethod(
            worker, [worker] { worker->teardown(); }, Qt::BlockingQueuedConnection);
        m_threads.at(i)->quit();
        m_threads.at(i)->wait();
    }
    m_workers.clear();
    m_threads.clear();
    m_reaperApi.reset();
    m_checkpointer.reset(); // a last checkpoint, after the last commit
    m_autoscaleDb.reset();
    m_db.reset();
    qCInfo(lcPoolService) << "stopped";
    emit stopped();
}

} // namespace PoolDesk
