// pooldesk-service goes on by itself after its database went away and came back: a PostgreSQL
// restart (the real executable against a cluster of the test's own) and a SQLite file that became
// unreadable (the service in this process, over a SQLite VFS that fails like an unplugged disk).
// Requests meanwhile get 503 with Retry-After, every one within a bound (nothing hangs), /healthz
// stays up, /readyz says since when the database is gone, and the books balance afterwards: several
// backends keep a history of what they were told (OperationHistory), and it must agree with the
// database operation by operation.

#include "FaultySqliteVfs.h"
#include "OperationHistory.h"
#include "PrivatePostgres.h"
#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "domain/Types.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "service/PoolService.h"
#include "storage/Database.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};
constexpr int LoadLeaseSeconds = 4;
constexpr int OutageMs = 4000;
// "Within a few seconds of the database coming back": the backoff's ceiling plus room for a busy
// machine.
constexpr qint64 RecoveryLimitMs = 6000;
// Backends calling at once, each its own calls, one after another.
constexpr int Backends = 4;
// Every request gets an answer within this, outage or not; no answer counts as a hang.
constexpr int AnswerBoundMs = 15000;

struct Pool {
    std::unique_ptr<Database> db;
    QByteArray key;
};

Pool makePool(const QString &url) {
    Pool pool;
    auto opened = Database::open(url);
    if (!opened)
        qFatal("cannot open the test database: %s", qPrintable(opened.error().message));
    pool.db = std::move(opened).value();
    if (!Companies(*pool.db).add(TestActor, QStringLiteral("Acme"), Plan::Standard))
        qFatal("cannot add the test company");
    for (int i = 1; i <= 8; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        if (!Numbers(*pool.db).add(TestActor, number))
            qFatal("cannot add a test number");
    }
    // The backend runs as fast as the service answers (thousands a second on SQLite once it is
    // back): far above a key's default rate, which is not what these tests are about.
    auto key =
        ApiKeys(*pool.db).create(TestActor, {QStringLiteral("backend"), std::nullopt, 1'000'000, 1'000'000});
    if (!key)
        qFatal("cannot create the test key");
    pool.key = key->secret.toLatin1();
    return pool;
}

QJsonObject allocation(const QString &session, int ttl) {
    return {{QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("operator"), QStringLiteral("op-1")},
            {QStringLiteral("session"), session},
            {QStringLiteral("ttl_seconds"), ttl}};
}

const QJsonObject Ending{{QStringLiteral("duration_seconds"), 30},
                         {QStringLiteral("direction"), QStringLiteral("outbound")}};

qint64 monotonicMs() {
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

// A call backend on a thread of its own: allocates, then releases until the release is
// acknowledged, one call after another, as long as it is told to; then stops after settling the
// call it holds. It keeps what the service answered.
class Backend {
public:
    Backend(quint16 port, QByteArray key, QString name, OperationHistory &history)
        : m_port(port)
        , m_key(std::move(key))
        , m_name(std::move(name))
        , m_history(history) {}
    ~Backend() { stop(); }

    void start() {
        m_thread = std::thread([this] { run(); });
    }
    void stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    // From now on, the time of the first successful allocation is kept.
    void databaseIsBack() { m_backAtMs = monotonicMs(); }
    qint64 msFromBackToFirstAllocation() const { return m_firstAfterBackMs.load(); }

    QMap<int, int> statuses() const {
        QMutexLocker lock(&m_mutex);
        return m_statuses;
    }
    QStringList problems() const {
        QMutexLocker lock(&m_mutex);
        return m_problems;
    }
    int acknowledgedReleases() const { return m_acknowledged; }
    int allocations() const { return m_allocated; }
    qint64 slowestAnswerMs() const { return m_slowestMs; }

private:
    void note(const HttpReply &reply, const char *what) {
        QMutexLocker lock(&m_mutex);
        ++m_statuses[reply.status];
        // 404 for a release: the lease ran out during the outage and the reaper freed the number.
        const bool ok = reply.status == 200 || reply.status == 201 ||
                        (reply.status == 404 && QByteArray(what) == "release");
        if (ok)
            return;
        const QString message = reply.json()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QString problem;
        if (reply.status != 503)
            problem =
                QStringLiteral("%1 answered %2: %3").arg(QLatin1String(what)).arg(reply.status).arg(message);
        else if (reply.errorCode() != QLatin1String("database_unavailable"))
            problem = QStringLiteral("%1: 503 with code %2").arg(QLatin1String(what), reply.errorCode());
        else if (reply.headers.value("retry-after").toInt() < 1)
            problem = QStringLiteral("%1: 503 without Retry-After").arg(QLatin1String(what));
        else if (message.isEmpty() || message.contains(QLatin1String("QPSQL")) ||
                 message.contains(QLatin1String("FATAL")) || message.contains(QLatin1String("SQLite")) ||
                 message.contains(QLatin1String("disk I/O")))
            problem = QStringLiteral("%1: 503 message names internals: %2").arg(QLatin1String(what), message);
        if (!problem.isEmpty() && m_problems.size() < 20)
            m_problems.append(problem);
    }
    // One request, timed and written into the history: invoked, then ok, fail or unknown (no
    // answer, or 503: the database may or may not have done it before it went away).
    HttpReply request(OperationHistory::Kind kind, const QString &session, const QByteArray &method,
                      const QByteArray &path, const QJsonObject &body) {
        const int id = m_history.invoke(m_name, kind, session, QStringLiteral("Acme"),
                                        kind == OperationHistory::Kind::Release ? 30 : 0);
        QElapsedTimer timer;
        timer.start();
        const HttpReply reply = httpJson(m_port, method, path, body, m_key, AnswerBoundMs);
        m_slowestMs = std::max(m_slowestMs.load(), timer.elapsed());
        if (reply.status == 200 || reply.status == 201) {
            if (kind == OperationHistory::Kind::Allocate)
                m_history.allocated(id, reply.json().value(QStringLiteral("number")).toString(),
                                    reply.json().value(QStringLiteral("lease_expires_epoch")).toInteger());
            else
                m_history.ok(id);
        } else if (reply.status == 0 || reply.status == 503) {
            m_history.unknown(id, QStringLiteral("%1 %2").arg(reply.status).arg(reply.errorCode()));
        } else {
            m_history.fail(id, QStringLiteral("%1 %2").arg(reply.status).arg(reply.errorCode()));
        }
        return reply;
    }
    void run() {
        for (int call = 0; !m_stop && call < 100'000; ++call) {
            const QString session = QStringLiteral("%1-load-%2").arg(m_name).arg(call);
            bool held = false;
            while (!m_stop && !held) {
                const HttpReply reply = request(OperationHistory::Kind::Allocate, session, "POST",
                                                "/v1/allocations", allocation(session, LoadLeaseSeconds));
                note(reply, "allocate");
                held = reply.status == 201 || reply.status == 200;
                if (held) {
                    ++m_allocated;
                    const qint64 back = m_backAtMs.load();
                    qint64 none = -1;
                    if (back >= 0)
                        m_firstAfterBackMs.compare_exchange_strong(none, monotonicMs() - back);
                } else {
                    QThread::msleep(20); // a real backend would wait Retry-After
                }
            }
            if (!held)
                return;
            // A held number is always given back, outage or not, stop or not: the books must balance.
            for (int attempt = 0; attempt < 2000; ++attempt) {
                const HttpReply reply = request(OperationHistory::Kind::Release, session, "DELETE",
                                                "/v1/allocations/" + session.toUtf8(), Ending);
                note(reply, "release");
                if (reply.status == 200) {
                    ++m_acknowledged;
                    break;
                }
                // 404: the lease ran out during the outage and the reaper freed the number.
                if (reply.status == 404)
                    break;
                QThread::msleep(20);
            }
        }
    }

    quint16 m_port;
    QByteArray m_key;
    QString m_name;
    OperationHistory &m_history;
    std::thread m_thread;
    std::atomic<qint64> m_slowestMs{0};
    std::atomic<bool> m_stop{false};
    std::atomic<qint64> m_backAtMs{-1};
    std::atomic<qint64> m_firstAfterBackMs{-1};
    std::atomic<int> m_acknowledged{0};
    std::atomic<int> m_allocated{0};
    mutable QMutex m_mutex;
    QMap<int, int> m_statuses;
    QStringList m_problems;
};

// Several backends at once, one history. Reads as one backend: answers summed, the first
// allocation after the database came back by whichever backend made it.
class Load {
public:
    Load(quint16 port, const QByteArray &key) {
        for (int i = 0; i < Backends; ++i)
            m_backends.push_back(
                std::make_unique<Backend>(port, key, QStringLiteral("b%1").arg(i), m_history));
    }
    void start() {
        for (auto &backend : m_backends)
            backend->start();
    }
    void stop() {
        for (auto &backend : m_backends)
            backend->stop();
    }
    void databaseIsBack() {
        for (auto &backend : m_backends)
            backend->databaseIsBack();
    }
    qint64 msFromBackToFirstAllocation() const {
        qint64 first = -1;
        for (const auto &backend : m_backends) {
            const qint64 ms = backend->msFromBackToFirstAllocation();
            if (ms >= 0 && (first < 0 || ms < first))
                first = ms;
        }
        return first;
    }
    QMap<int, int> statuses() const {
        QMap<int, int> all;
        for (const auto &backend : m_backends) {
            const QMap<int, int> some = backend->statuses();
            for (auto it = some.cbegin(); it != some.cend(); ++it)
                all[it.key()] += it.value();
        }
        return all;
    }
    QStringList problems() const {
        QStringList all;
        for (const auto &backend : m_backends)
            all += backend->problems();
        return all;
    }
    int acknowledgedReleases() const {
        int all = 0;
        for (const auto &backend : m_backends)
            all += backend->acknowledgedReleases();
        return all;
    }
    qint64 slowestAnswerMs() const {
        qint64 slowest = 0;
        for (const auto &backend : m_backends)
            slowest = std::max(slowest, backend->slowestAnswerMs());
        return slowest;
    }
    const OperationHistory &history() const { return m_history; }

private:
    OperationHistory m_history; // before the backends, which write into it
    std::vector<std::unique_ptr<Backend>> m_backends;
};

// Waits for a condition while the calling thread's events run (an in-process service's reaper).
template <typename Condition>
bool waitFor(Condition condition, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

QString describe(const QMap<int, int> &statuses) {
    QStringList parts;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        parts.append(QStringLiteral("%1: %2").arg(it.key()).arg(it.value()));
    return parts.join(QStringLiteral(", "));
}

} // namespace

class TestServiceReconnect : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { FaultySqliteVfs::install(); }
    void cleanup() { FaultySqliteVfs::setUnreadable(false); }
    void postgresRestart();
    void sqliteFileUnreadable();

private:
    // What both cases check once the database is back and the backends have stopped.
    void checkBooks(Database &db, const Load &backend);
};

void TestServiceReconnect::checkBooks(Database &db, const Load &backend) {
    QVERIFY2(backend.problems().isEmpty(), qPrintable(backend.problems().join(QLatin1Char('\n'))));
    // Leases of allocations whose answer was lost run out and are reaped.
    QVERIFY(waitFor([&] { return scalar(db, QStringLiteral("SELECT COUNT(*) FROM reservations")) == 0; },
                    (LoadLeaseSeconds + 10) * 1000));
    QCOMPARE(scalar(db, QStringLiteral("SELECT COALESCE(SUM(active_calls), 0) FROM phone_numbers")), 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status <> 'available'")), 0);
    // One call record per acknowledged release, none for the rest.
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM call_records")),
             qint64(backend.acknowledgedReleases()));
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(DISTINCT session) FROM call_records")),
             qint64(backend.acknowledgedReleases()));
    // And the history, operation by operation (OperationHistory::check).
    const QStringList violations = backend.history().check(db, 1);
    for (const QString &violation : violations)
        qWarning("%s", qPrintable(violation)); // in full: a failure message is cut short
    QVERIFY2(violations.isEmpty(),
             qPrintable(QStringLiteral("%1 problems, listed above").arg(violations.size())));
    // The outage met requests under way: some answers were lost or refused (which requests, allocations or
    // releases, depends on where the backends were when the database went).
    QVERIFY(backend.history().count(OperationHistory::Kind::Allocate, OperationHistory::Outcome::Unknown) +
                backend.history().count(OperationHistory::Kind::Release, OperationHistory::Outcome::Unknown) >
            0);
}

void TestServiceReconnect::postgresRestart() {
    PrivatePostgres server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const QString url = server.freshDatabaseUrl();
    Pool pool = makePool(url);
    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--reap-interval"), QStringLiteral("1"),
                                 QStringLiteral("--access-log"), QStringLiteral("off")}),
             service.output().constData());
    const quint16 port = service.port();
    QCOMPARE(http(port, "GET", "/readyz").status, 200);

    Load backend(port, pool.key);
    backend.start();
    QVERIFY(waitFor([&] { return backend.acknowledgedReleases() >= 20; }, 20000));
    pool.db.reset(); // the fixture's own connection would die with the server anyway

    const int answered503Before = backend.statuses().value(503);
    QElapsedTimer down; // from the moment the server is told to stop until it is up again
    down.start();
    QVERIFY2(server.pause(), qPrintable(server.error()));
    const qint64 outageStarted = monotonicMs();
    // The process is alive, and says it is not ready and since when.
    QVERIFY(waitFor([&] { return http(port, "GET", "/readyz").status == 503; }, 5000));
    const HttpReply ready = http(port, "GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QVERIFY(ready.headers.value("retry-after").toInt() >= 1);
    QVERIFY(QDateTime::fromString(ready.json().value(QStringLiteral("database_unavailable_since")).toString(),
                                  Qt::ISODate)
                .isValid());
    QElapsedTimer health;
    health.start();
    QCOMPARE(http(port, "GET", "/healthz").status, 200);
    QVERIFY(health.elapsed() < 1000);
    while (monotonicMs() - outageStarted < OutageMs) {
        QTest::qWait(100);
        service.output(); // keeps the service's log pipe from filling up
    }
    const QMap<int, int> duringOutage = backend.statuses();

    QVERIFY2(server.resume(), qPrintable(server.error()));
    const qint64 outageMs = down.elapsed();
    backend.databaseIsBack();
    QVERIFY2(waitFor([&] { return backend.msFromBackToFirstAllocation() >= 0; }, 30000),
             service.output().constData());
    QVERIFY(waitFor([&] { return http(port, "GET", "/readyz").status == 200; }, int(RecoveryLimitMs)));
    const qint64 recovered = backend.msFromBackToFirstAllocation();
    qInfo("PostgreSQL: first allocation %lld ms after the server was back; answers so far: %s", recovered,
          qPrintable(describe(duringOutage)));
    QVERIFY2(recovered <= RecoveryLimitMs, qPrintable(QString::number(recovered)));
    QVERIFY2(duringOutage.value(503) > 0, qPrintable(describe(duringOutage)));
    const int before = backend.acknowledgedReleases();
    QVERIFY(waitFor([&] { return backend.acknowledgedReleases() >= before + 20; }, 20000));
    backend.stop();
    qInfo("PostgreSQL outage: %.1f s down, %d requests answered 503 with Retry-After meanwhile, slowest "
          "answer %lld ms (bound %d ms); history: %s",
          double(outageMs) / 1000.0, backend.statuses().value(503) - answered503Before,
          backend.slowestAnswerMs(), AnswerBoundMs, qPrintable(backend.history().summary()));

    const QByteArray metrics = http(port, "GET", "/metrics").body;
    QVERIFY2(metrics.contains("\npooldesk_database_up 1\n"), metrics.constData());
    QVERIFY(!metrics.contains("\npooldesk_database_reconnects_total 0\n"));
    QVERIFY(metrics.contains("code=\"503\""));

    auto books = Database::open(url, Database::Migrate::No);
    QVERIFY(books);
    checkBooks(*books.value(), backend);
    QCOMPARE(service.terminate(), 0);
}

void TestServiceReconnect::sqliteFileUnreadable() {
    const QString url = freshDatabaseUrl(QStringLiteral("sqlite"));
    Pool pool = makePool(url);
    ServiceConfig config;
    config.databaseUrl = url;
    config.environment = DevelopmentEnvironment;
    config.port = 0;
    config.reapIntervalMs = 1000;
    config.accessLog = QStringLiteral("off");
    PoolService service(config, nullptr);
    const Status started = service.start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    const quint16 port = service.port();

    Load backend(port, pool.key);
    backend.start();
    QVERIFY(waitFor([&] { return backend.acknowledgedReleases() >= 20; }, 20000));

    FaultySqliteVfs::setUnreadable(true);
    QVERIFY(waitFor([&] { return http(port, "GET", "/readyz").status == 503; }, 5000));
    QCOMPARE(http(port, "GET", "/healthz").status, 200);
    QTest::qWait(OutageMs);
    const QMap<int, int> duringOutage = backend.statuses();

    FaultySqliteVfs::setUnreadable(false);
    backend.databaseIsBack();
    QVERIFY(waitFor([&] { return backend.msFromBackToFirstAllocation() >= 0; }, 30000));
    QVERIFY(waitFor([&] { return http(port, "GET", "/readyz").status == 200; }, int(RecoveryLimitMs)));
    const qint64 recovered = backend.msFromBackToFirstAllocation();
    qInfo("SQLite: first allocation %lld ms after the file was readable again; answers so far: %s", recovered,
          qPrintable(describe(duringOutage)));
    QVERIFY2(recovered <= RecoveryLimitMs, qPrintable(QString::number(recovered)));
    QVERIFY2(duringOutage.value(503) > 0, qPrintable(describe(duringOutage)));
    const int before = backend.acknowledgedReleases();
    QVERIFY(waitFor([&] { return backend.acknowledgedReleases() >= before + 20; }, 20000));
    backend.stop();

    const QByteArray metrics = http(port, "GET", "/metrics").body;
    QVERIFY2(metrics.contains("\npooldesk_database_up 1\n"), metrics.constData());
    QVERIFY(!metrics.contains("\npooldesk_database_reconnects_total 0\n"));
    checkBooks(*pool.db, backend);
    service.shutdown();
    QVERIFY(waitFor([&] { return service.threadCount() == 0; }, 15000));
}

QTEST_GUILESS_MAIN(TestServiceReconnect)
#include "tst_servicereconnect.moc"
