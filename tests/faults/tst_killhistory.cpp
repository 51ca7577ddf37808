// kill -9 at random points, with a Jepsen-style history. pooldeskctl processes (allocate and
// release) and a running pooldesk-service with HTTP backends work one pool at once; the test kills
// the pooldeskctl processes and the service with SIGKILL at random moments, hundreds of times, and
// starts them again. Every operation is recorded as invoked, then ok, fail or unknown (a process
// killed in flight, a connection cut). Once the leases have run out and the reaper has run, the
// history is held against the database (OperationHistory::check): no number stuck, none held by
// two sessions at once, one call record per acknowledged release and none without an acknowledged
// or unknown release, usage equal to the sums over the call records. Runs on SQLite and PostgreSQL.
//
// The random choices (which process to kill, when, what to call) come from one seed, printed at
// the start and with every failure; POOLDESK_KILL_SEED=N runs the same choices again (the timing of
// the processes themselves still varies from run to run).

#include "OperationHistory.h"
#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "domain/Clock.h"
#include "domain/Types.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};
const QStringList CompanyNames{QStringLiteral("Acme"), QStringLiteral("Beta"), QStringLiteral("Hybrid Co"),
                               QStringLiteral("Enterprise Co")};
// Short enough that a number a killed client held comes back while the test runs; long enough
// that a client on a busy machine normally releases before it runs out.
constexpr int LeaseSeconds = 5;
constexpr int PerNumber = 1;
constexpr int CliLanes = 3;
constexpr int HttpClients = 4;
// Kills per engine; the two engines together make well over 200.
constexpr int CliKillTarget = 80;
constexpr int ServiceKillTarget = 30;
// Not a speed check: a bound after which the run is reported as stuck.
constexpr qint64 GiveUpMs = 300'000;

using Kind = OperationHistory::Kind;

// Two calls in three name one of twenty callees, so releases also keep the callee's sticky number
// and clients contend for the same local numbers; the rest name none.
QString calleeFor(std::mt19937_64 &random) {
    const int pick = std::uniform_int_distribution<int>(0, 29)(random);
    return pick < 20 ? QStringLiteral("+1415555%1").arg(9900 + pick) : QString();
}

// Problems that are not in the database: crashes nobody caused, answers no client should get.
class Problems {
public:
    void add(const QString &problem) {
        QMutexLocker lock(&m_mutex);
        if (m_list.size() < 40)
            m_list.append(problem);
    }
    QStringList list() const {
        QMutexLocker lock(&m_mutex);
        return m_list;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_list;
};

struct Shared {
    QString url;
    QByteArray key;
    OperationHistory history;
    Problems problems;
    std::atomic<bool> stop{false};
    std::atomic<int> port{0}; // the running service's, 0 while it is down
    std::atomic<int> cliKillsAllocate{0};
    std::atomic<int> cliKillsRelease{0};
    std::atomic<int> cliRuns{0};
    int cliKills() const { return cliKillsAllocate.load() + cliKillsRelease.load(); }
};

// One pooldeskctl process, maybe killed with SIGKILL after killAfterMs.
struct CliRun {
    bool killed = false;
    bool crashed = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;
};

CliRun runCli(const QString &url, const QStringList &arguments, std::optional<int> killAfterMs) {
    CliRun run;
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(POOLDESKCTL_EXE),
                  QStringList{QStringLiteral("--db"), url, QStringLiteral("--json")} + arguments);
    if (!process.waitForStarted(30000)) {
        run.crashed = true;
        run.err = "did not start";
        return run;
    }
    // Signalled only while QProcess still holds the child's id: until it has reaped the child,
    // that id cannot belong to anyone else. (Once it has, processId() is 0, and kill(0) would
    // signal this whole process group, the test included.)
    const pid_t pid = pid_t(process.processId());
    bool finished = killAfterMs && process.waitForFinished(*killAfterMs);
    if (killAfterMs && !finished && pid > 0 && pid_t(process.processId()) == pid) {
        ::kill(pid, SIGKILL);
        run.killed = true;
    }
    if (!finished && process.state() != QProcess::NotRunning) {
        finished = process.waitForFinished(120'000);
        if (!finished) {
            process.kill();
            process.waitForFinished();
            run.crashed = true;
            run.err = "did not finish in 120 s";
            return run;
        }
    }
    run.elapsedMs = timer.elapsed();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError().trimmed();
    if (run.killed && process.exitStatus() == QProcess::NormalExit) {
        // The process ended on its own just before the signal arrived.
        run.killed = false;
    }
    if (!run.killed && process.exitStatus() != QProcess::NormalExit)
        run.crashed = true;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return run;
}

QString errorReason(const QByteArray &json) {
    const QJsonObject error =
        QJsonDocument::fromJson(json).object().value(QStringLiteral("error")).toObject();
    const QString reason = error.value(QStringLiteral("reason")).toString();
    return reason.isEmpty() ? error.value(QStringLiteral("code")).toString() : reason;
}

// A call backend that drives pooldeskctl: allocate, hold a moment, release; some of its processes
// are killed. After an unknown allocation it sometimes releases the session anyway (a backend that
// cannot tell whether it got a number), and an unknown release is usually tried again.
class CliLane {
public:
    CliLane(Shared &shared, int lane, quint64 seed)
        : m_shared(shared)
        , m_name(QStringLiteral("cli-%1").arg(lane))
        , m_random(seed) {}

    void run() {
        for (int call = 0; !m_shared.stop; ++call) {
            const QString session = QStringLiteral("%1-%2").arg(m_name).arg(call);
            const QString company = CompanyNames.at(pick(0, int(CompanyNames.size()) - 1));
            const auto allocated = allocate(session, company);
            if (allocated == OperationHistory::Outcome::Fail) {
                QThread::msleep(pick(2, 20)); // "busy": wait a little before asking again
                continue;
            }
            if (allocated == OperationHistory::Outcome::Unknown && chance(50))
                continue; // given up: the lease brings the number back, if it was taken
            QThread::msleep(pick(0, 20));
            const int duration = pick(0, 400);
            for (int attempt = 0; attempt < 3 && !m_shared.stop; ++attempt) {
                if (release(session, company, duration) != OperationHistory::Outcome::Unknown || chance(30))
                    break;
            }
        }
    }

private:
    int pick(int from, int to) { return std::uniform_int_distribution<int>(from, to)(m_random); }
    bool chance(int percent) { return pick(0, 99) < percent; }

    // Half the processes are killed, at a moment spread over how long such a process takes, so
    // the kills land before, inside and after its transaction.
    std::optional<int> killPoint(qint64 typicalMs) {
        if (!chance(50))
            return std::nullopt;
        return pick(0, int(std::max<qint64>(10, typicalMs * 6 / 5)));
    }

    OperationHistory::Outcome allocate(const QString &session, const QString &company) {
        OperationHistory &history = m_shared.history;
        const std::optional<int> killAt = killPoint(m_typicalAllocateMs);
        QStringList arguments{QStringLiteral("allocate"),
                              QStringLiteral("--company"),
                              company,
                              QStringLiteral("--operator"),
                              m_name,
                              QStringLiteral("--session"),
                              session,
                              QStringLiteral("--ttl"),
                              QString::number(LeaseSeconds)};
        if (const QString callee = calleeFor(m_random); !callee.isEmpty())
            arguments += {QStringLiteral("--to"), callee};
        const int id = history.invoke(m_name, Kind::Allocate, session, company);
        const CliRun done = runCli(m_shared.url, arguments, killAt);
        ++m_shared.cliRuns;
        if (done.killed) {
            ++m_shared.cliKillsAllocate;
            history.unknown(id, QStringLiteral("killed after %1 ms").arg(*killAt));
            return OperationHistory::Outcome::Unknown;
        }
        m_typicalAllocateMs = (m_typicalAllocateMs * 7 + done.elapsedMs) / 8;
        if (done.crashed) {
            m_shared.problems.add(QStringLiteral("%1: pooldeskctl allocate crashed: %2")
                                      .arg(session, QString::fromUtf8(done.err)));
            history.unknown(id, QStringLiteral("crashed"));
            return OperationHistory::Outcome::Unknown;
        }
        if (done.exitCode == 0) {
            const QJsonObject answer = QJsonDocument::fromJson(done.out).object();
            const QDateTime lease = QDateTime::fromString(
                answer.value(QStringLiteral("lease_expires_at")).toString(), Qt::ISODate);
            history.allocated(id, answer.value(QStringLiteral("number")).toString(),
                              lease.toSecsSinceEpoch());
            return OperationHistory::Outcome::Ok;
        }
        // 3: refused; 2: not found or invalid. Both say nothing was taken.
        if (done.exitCode == 2 || done.exitCode == 3) {
            history.fail(id, errorReason(done.out));
            return OperationHistory::Outcome::Fail;
        }
        // A storage error: the allocation may or may not have been committed.
        history.unknown(id,
                        QStringLiteral("exit %1: %2").arg(done.exitCode).arg(QString::fromUtf8(done.err)));
        return OperationHistory::Outcome::Unknown;
    }

    OperationHistory::Outcome release(const QString &session, const QString &company, int duration) {
        OperationHistory &history = m_shared.history;
        const std::optional<int> killAt = killPoint(m_typicalReleaseMs);
        const int id = history.invoke(m_name, Kind::Release, session, company, duration);
        const CliRun done = runCli(m_shared.url,
                                   {QStringLiteral("release"), QStringLiteral("--session"), session,
                                    QStringLiteral("--company"), company, QStringLiteral("--duration"),
                                    QString::number(duration)},
                                   killAt);
        ++m_shared.cliRuns;
        if (done.killed) {
            ++m_shared.cliKillsRelease;
            history.unknown(id, QStringLiteral("killed after %1 ms").arg(*killAt));
            return OperationHistory::Outcome::Unknown;
        }
        m_typicalReleaseMs = (m_typicalReleaseMs * 7 + done.elapsedMs) / 8;
        if (done.crashed) {
            m_shared.problems.add(QStringLiteral("%1: pooldeskctl release crashed: %2")
                                      .arg(session, QString::fromUtf8(done.err)));
            history.unknown(id, QStringLiteral("crashed"));
            return OperationHistory::Outcome::Unknown;
        }
        if (done.exitCode == 0) {
            history.ok(id);
            return OperationHistory::Outcome::Ok;
        }
        if (done.exitCode == 2 || done.exitCode == 3) {
            history.fail(id, errorReason(done.out));
            return OperationHistory::Outcome::Fail;
        }
        history.unknown(id,
                        QStringLiteral("exit %1: %2").arg(done.exitCode).arg(QString::fromUtf8(done.err)));
        return OperationHistory::Outcome::Unknown;
    }

    Shared &m_shared;
    QString m_name;
    std::mt19937_64 m_random;
    qint64 m_typicalAllocateMs = 150;
    qint64 m_typicalReleaseMs = 150;
};

// A call backend of the service: allocate (asking again with the same session while the answer
// is unknown, sometimes giving up), hold a moment, release (likewise). The service dies under it.
class HttpClient {
public:
    HttpClient(Shared &shared, int client, quint64 seed)
        : m_shared(shared)
        , m_name(QStringLiteral("http-%1").arg(client))
        , m_random(seed) {}

    void run() {
        for (int call = 0; !m_shared.stop; ++call) {
            const QString session = QStringLiteral("%1-%2").arg(m_name).arg(call);
            const QString company = CompanyNames.at(pick(0, int(CompanyNames.size()) - 1));
            auto outcome = OperationHistory::Outcome::Unknown;
            while (!m_shared.stop && outcome == OperationHistory::Outcome::Unknown) {
                outcome = allocate(session, company);
                if (outcome == OperationHistory::Outcome::Unknown && chance(25))
                    break; // given up
            }
            if (outcome == OperationHistory::Outcome::Fail)
                QThread::msleep(pick(2, 20));
            if (outcome != OperationHistory::Outcome::Ok &&
                (outcome != OperationHistory::Outcome::Unknown || chance(50)))
                continue;
            QThread::msleep(pick(0, 20));
            const int duration = pick(0, 400);
            while (!m_shared.stop && release(session, duration) == OperationHistory::Outcome::Unknown &&
                   !chance(20)) {
            }
        }
    }

private:
    int pick(int from, int to) { return std::uniform_int_distribution<int>(from, to)(m_random); }
    bool chance(int percent) { return pick(0, 99) < percent; }

    // The port of the running service; waits while it is being restarted.
    quint16 port() {
        while (!m_shared.stop && m_shared.port.load() == 0)
            QThread::msleep(5);
        return quint16(m_shared.port.load());
    }

    // No answer or "unavailable": the request may or may not have been carried out.
    bool unknown(OperationHistory &history, int id, const HttpReply &reply) {
        if (reply.status == 0) {
            history.unknown(id, QStringLiteral("no answer"));
            QThread::msleep(5);
            return true;
        }
        if (reply.status == 503) {
            history.unknown(id, QStringLiteral("503 %1").arg(reply.errorCode()));
            QThread::msleep(20);
            return true;
        }
        return false;
    }

    OperationHistory::Outcome allocate(const QString &session, const QString &company) {
        OperationHistory &history = m_shared.history;
        const quint16 to = port();
        QJsonObject body{{QStringLiteral("company"), company},
                         {QStringLiteral("operator"), m_name},
                         {QStringLiteral("session"), session},
                         {QStringLiteral("ttl_seconds"), LeaseSeconds}};
        if (const QString callee = calleeFor(m_random); !callee.isEmpty())
            body.insert(QStringLiteral("to"), callee);
        const int id = history.invoke(m_name, Kind::Allocate, session, company);
        const HttpReply reply = httpJson(to, "POST", "/v1/allocations", body, m_shared.key);
        if (reply.status == 200 || reply.status == 201) {
            const QJsonObject answer = reply.json();
            history.allocated(id, answer.value(QStringLiteral("number")).toString(),
                              answer.value(QStringLiteral("lease_expires_epoch")).toInteger());
            return OperationHistory::Outcome::Ok;
        }
        if (unknown(history, id, reply))
            return OperationHistory::Outcome::Unknown;
        history.fail(id, QStringLiteral("%1 %2").arg(reply.status).arg(reply.errorCode()));
        // Refusals (busy pool, a company's limits) are expected; anything else is not.
        if (reply.status != 409 && reply.status != 403 && reply.status != 429)
            m_shared.problems.add(QStringLiteral("%1: allocation answered %2: %3")
                                      .arg(session)
                                      .arg(reply.status)
                                      .arg(QString::fromUtf8(reply.body)));
        return OperationHistory::Outcome::Fail;
    }

    OperationHistory::Outcome release(const QString &session, int duration) {
        OperationHistory &history = m_shared.history;
        const quint16 to = port();
        const int id = history.invoke(m_name, Kind::Release, session, QString(), duration);
        const HttpReply reply = httpJson(to, "DELETE", "/v1/allocations/" + session.toUtf8(),
                                         {{QStringLiteral("duration_seconds"), duration},
                                          {QStringLiteral("direction"), QStringLiteral("outbound")}},
                                         m_shared.key);
        if (reply.status == 200) {
            history.ok(id);
            return OperationHistory::Outcome::Ok;
        }
        if (unknown(history, id, reply))
            return OperationHistory::Outcome::Unknown;
        history.fail(id, QStringLiteral("%1 %2").arg(reply.status).arg(reply.errorCode()));
        // 404: nothing held (the allocation never happened, or its lease ran out).
        if (reply.status != 404)
            m_shared.problems.add(QStringLiteral("%1: release answered %2: %3")
                                      .arg(session)
                                      .arg(reply.status)
                                      .arg(QString::fromUtf8(reply.body)));
        return OperationHistory::Outcome::Fail;
    }

    Shared &m_shared;
    QString m_name;
    std::mt19937_64 m_random;
};

quint64 testSeed() {
    bool ok = false;
    const quint64 given = qEnvironmentVariable("POOLDESK_KILL_SEED").toULongLong(&ok);
    return ok ? given : QRandomGenerator::system()->generate64();
}

} // namespace

class TestKillHistory : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }
    void killNine_data() { addEngineRows(); }
    void killNine();
};

void TestKillHistory::killNine() {
    QFETCH(QString, engine);
    const quint64 seed = testSeed();
    qInfo("%s: seed %llu (POOLDESK_KILL_SEED=%llu replays its choices)", qPrintable(engine), seed, seed);
    const QString replay = QStringLiteral(" [engine %1, POOLDESK_KILL_SEED=%2]").arg(engine).arg(seed);
    QElapsedTimer elapsed;
    elapsed.start();

    Shared shared;
    shared.url = freshDatabaseUrl(engine);
    auto opened = Database::open(shared.url);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    Database &db = *opened.value();
    QList<qint64> companyIds;
    for (const QString &name : CompanyNames) {
        const Plan plan = name.startsWith(QLatin1String("Hybrid"))       ? Plan::Hybrid
                          : name.startsWith(QLatin1String("Enterprise")) ? Plan::Enterprise
                                                                         : Plan::Standard;
        auto added = Companies(db).add(TestActor, name, plan);
        QVERIFY(added);
        companyIds.append(added->id);
    }
    // Twelve shared numbers for seven clients, while the leases of killed clients hold some of them
    // for seconds: the pool runs dry now and then, so refusals are part of the history too.
    for (int i = 0; i < 16; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i + 1, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        if (i >= 12)
            number.dedicatedTo = companyIds.at(i < 14 ? 2 : 3);
        QVERIFY(Numbers(db).add(TestActor, number));
    }
    auto key = ApiKeys(db).create(TestActor, {QStringLiteral("load"), std::nullopt, 1'000'000, 1'000'000});
    QVERIFY(key);
    shared.key = key->secret.toLatin1();

    const QStringList serviceArguments{QStringLiteral("--reap-interval"), QStringLiteral("1"),
                                       QStringLiteral("--access-log"), QStringLiteral("off")};
    ServiceProcess service;
    QVERIFY2(service.start(shared.url, serviceArguments), service.output().constData());
    shared.port = service.port();

    std::mt19937_64 driver(seed);
    std::vector<std::unique_ptr<CliLane>> lanes;
    std::vector<std::unique_ptr<HttpClient>> clients;
    std::vector<std::thread> threads;
    for (int i = 0; i < CliLanes; ++i) {
        lanes.push_back(std::make_unique<CliLane>(shared, i, driver()));
        threads.emplace_back([lane = lanes.back().get()] { lane->run(); });
    }
    for (int i = 0; i < HttpClients; ++i) {
        clients.push_back(std::make_unique<HttpClient>(shared, i, driver()));
        threads.emplace_back([client = clients.back().get()] { client->run(); });
    }

    // The driver: kills the service at random moments and starts it again, and meanwhile looks at
    // the pool as it runs.
    QStringList live;
    int serviceKills = 0;
    QString startFailure;
    while ((serviceKills < ServiceKillTarget || shared.cliKills() < CliKillTarget) &&
           elapsed.elapsed() < GiveUpMs) {
        QElapsedTimer up;
        up.start();
        const int killAfterMs = std::uniform_int_distribution<int>(150, 1200)(driver);
        while (up.elapsed() < killAfterMs) {
            QThread::msleep(50);
            service.output(); // keeps its log pipe from filling up
            if (live.size() < 10)
                live += OperationHistory::checkLive(db, PerNumber);
        }
        if (serviceKills >= ServiceKillTarget)
            continue;
        if (service.process().state() != QProcess::Running) {
            startFailure =
                QStringLiteral("the service died by itself: ") + QString::fromUtf8(service.output());
            break;
        }
        shared.port = 0;
        service.kill();
        ++serviceKills;
        if (!service.start(shared.url, serviceArguments)) {
            startFailure =
                QStringLiteral("the service did not start again: ") + QString::fromUtf8(service.output());
            break;
        }
        shared.port = service.port();
    }
    shared.stop = true;
    for (std::thread &thread : threads)
        thread.join();
    const bool serviceAlive = service.process().state() == QProcess::Running;
    service.kill();
    QVERIFY2(startFailure.isEmpty(), qPrintable(startFailure + replay));
    QVERIFY2(serviceAlive, qPrintable(QStringLiteral("the service died by itself") + replay));
    const qint64 runMs = elapsed.elapsed();

    // Every lease has run out: the reaper takes back what killed clients held.
    Clock::setOffsetForTesting(LeaseSeconds + 60);
    Allocator reaper(db);
    int reaped = 0;
    for (;;) {
        auto round = reaper.reapExpired();
        QVERIFY2(round, qPrintable(round ? QString() : round.error().message));
        if (round.value() == 0)
            break;
        reaped += round.value();
    }
    Clock::setOffsetForTesting(0);

    OperationHistory &history = shared.history;
    qInfo("%s: %d kills of pooldeskctl (%d during allocate, %d during release) in %d runs, %d kills of "
          "pooldesk-service; %lld ms; %s; %d leases reaped at the end",
          qPrintable(engine), shared.cliKills(), shared.cliKillsAllocate.load(),
          shared.cliKillsRelease.load(), shared.cliRuns.load(), serviceKills, runMs,
          qPrintable(history.summary()), reaped);

    // Why outcomes were unknown: kills and cut connections are expected; storage errors a client
    // reported (pooldeskctl's exit code 1) are counted apart.
    QMap<QString, int> unknownCauses;
    for (const OperationHistory::Operation &op : history.operations()) {
        if (op.outcome == OperationHistory::Outcome::Unknown)
            ++unknownCauses[op.detail.section(QLatin1Char(' '), 0, 1)];
    }
    QStringList causes;
    for (auto it = unknownCauses.cbegin(); it != unknownCauses.cend(); ++it)
        causes.append(QStringLiteral("%1: %2").arg(it.key()).arg(it.value()));
    qInfo("%s: unknown outcomes by cause: %s", qPrintable(engine),
          qPrintable(causes.join(QStringLiteral(", "))));

    QStringList problems = shared.problems.list();
    problems += live;
    problems += history.check(db, PerNumber);
    // Every offending line in full (a failure message is cut short), then the verdict.
    for (const QString &problem : std::as_const(problems))
        qWarning("%s", qPrintable(problem));
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("%1 problems, listed above").arg(problems.size()) + replay));
    // The history must have exercised what it checks.
    QVERIFY2(serviceKills >= ServiceKillTarget && shared.cliKills() >= CliKillTarget,
             qPrintable(QStringLiteral("only %1 service and %2 pooldeskctl kills before giving up")
                            .arg(serviceKills)
                            .arg(shared.cliKills()) +
                        replay));
    QVERIFY(history.count(Kind::Release, OperationHistory::Outcome::Ok) > 0);
    QVERIFY(history.count(Kind::Allocate, OperationHistory::Outcome::Unknown) > 0);
    QVERIFY(history.count(Kind::Release, OperationHistory::Outcome::Unknown) > 0);
}

QTEST_GUILESS_MAIN(TestKillHistory)
#include "tst_killhistory.moc"
