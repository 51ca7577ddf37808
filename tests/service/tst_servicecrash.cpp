// The service is killed with SIGKILL in the middle of a load of allocate/release cycles and
// started again. Backends retry what they did not get an answer to. Afterwards every call that
// was reported is recorded exactly once, usage matches, and once leases run out no number is
// left held. Runs on SQLite and PostgreSQL.

#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "domain/Types.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QAtomicInt>
#include <QElapsedTimer>
#include <QHash>
#include <QTest>
#include <QThread>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};
const QStringList CompanyNames{QStringLiteral("Acme"), QStringLiteral("Beta"), QStringLiteral("Gamma")};

struct ClientLog {
    QHash<QString, int> reported; // session -> duration, for every release answered with 200
    QString uncertainAllocation;  // allocation sent, no answer
    QString uncertainRelease;     // release sent, no answer
    int uncertainDuration = 0;
    QString uncertainCompany;
    int abandoned = 0;
};

QJsonObject allocationBody(const QString &company, const QString &session, int ttl) {
    return {{QStringLiteral("company"), company},
            {QStringLiteral("operator"), QStringLiteral("op")},
            {QStringLiteral("session"), session},
            {QStringLiteral("ttl_seconds"), ttl}};
}

QJsonObject releaseBody(int duration) {
    return {{QStringLiteral("duration_seconds"), duration},
            {QStringLiteral("direction"), QStringLiteral("outbound")}};
}

// One call backend: allocate, release, repeat; a few calls are abandoned (the backend "crashes"
// with a short lease). Stops at the first request that gets no answer.
void runClient(int client, quint16 port, const QByteArray &key, const QAtomicInt &stop, QAtomicInt &cycles,
               ClientLog &log) {
    for (int n = 0; !stop.loadRelaxed(); ++n) {
        const QString session = QStringLiteral("c%1-%2").arg(client).arg(n);
        const QString company = CompanyNames.at((client + n) % CompanyNames.size());
        const bool abandon = n % 7 == 3 && log.abandoned < 2;
        const HttpReply allocated = httpJson(port, "POST", "/v1/allocations",
                                             allocationBody(company, session, abandon ? 2 : 300), key);
        if (allocated.status == 0) {
            log.uncertainAllocation = session;
            log.uncertainCompany = company;
            return;
        }
        if (allocated.status == 409) { // every number busy for a moment
            QThread::msleep(5);
            continue;
        }
        if (allocated.status != 201)
            qFatal("unexpected allocation answer %d: %s", allocated.status, allocated.body.constData());
        if (abandon) {
            ++log.abandoned;
            continue;
        }
        const int duration = (client * 37 + n * 11) % 400;
        const HttpReply released =
            httpJson(port, "DELETE", "/v1/allocations/" + session.toUtf8(), releaseBody(duration), key);
        if (released.status == 0) {
            log.uncertainRelease = session;
            log.uncertainDuration = duration;
            return;
        }
        if (released.status != 200)
            qFatal("unexpected release answer %d: %s", released.status, released.body.constData());
        log.reported.insert(session, duration);
        cycles.fetchAndAddRelaxed(1);
    }
}

} // namespace

class TestServiceCrash : public QObject {
    Q_OBJECT
private slots:
    void killDuringLoad_data() { addEngineRows(); }
    void killDuringLoad();
};

void TestServiceCrash::killDuringLoad() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    auto opened = Database::open(url);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    Database &db = *opened.value();
    for (const QString &name : CompanyNames)
        QVERIFY(Companies(db).add(TestActor, name, Plan::Standard));
    for (int i = 0; i < 20; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i + 1, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        QVERIFY(Numbers(db).add(TestActor, number));
    }
    auto key = ApiKeys(db).create(TestActor, {QStringLiteral("load"), std::nullopt, 1'000'000, 1'000'000});
    QVERIFY(key);
    const QByteArray secret = key->secret.toLatin1();
    const auto scalar = [&db](const QString &sql) {
        auto query = Sql::exec(db.connection(), sql);
        return query && query.value().next() ? query.value().value(0).toLongLong() : -1;
    };

    const QStringList arguments{QStringLiteral("--reap-interval"), QStringLiteral("1"),
                                QStringLiteral("--access-log"), QStringLiteral("off")};
    ServiceProcess service;
    QVERIFY2(service.start(url, arguments), service.output().constData());

    constexpr int Clients = 6;
    QList<ClientLog> logs(Clients);
    QAtomicInt stop(0);
    QAtomicInt cycles(0);
    QList<QThread *> threads;
    for (int i = 0; i < Clients; ++i) {
        threads.append(QThread::create(runClient, i, service.port(), secret, std::cref(stop),
                                       std::ref(cycles), std::ref(logs[i])));
        threads.last()->start();
    }
    QElapsedTimer timer;
    timer.start();
    while (cycles.loadRelaxed() < 150 && timer.elapsed() < 60000)
        QThread::msleep(5);
    QVERIFY2(cycles.loadRelaxed() >= 150, "the load did not get going");
    service.kill(); // SIGKILL, with requests under way
    stop.storeRelaxed(1);
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }

    ServiceProcess restarted;
    QVERIFY2(restarted.start(url, arguments), restarted.output().constData());
    const quint16 port = restarted.port();
    int retried = 0;
    for (ClientLog &log : logs) {
        if (!log.uncertainAllocation.isEmpty()) {
            // The backend does not know whether it got a number: it asks again with the same
            // session (resumed if the first request went through), then ends the call.
            const HttpReply again =
                httpJson(port, "POST", "/v1/allocations",
                         allocationBody(log.uncertainCompany, log.uncertainAllocation, 300), secret);
            QVERIFY2(again.status == 200 || again.status == 201, again.body.constData());
            log.uncertainRelease = log.uncertainAllocation;
            log.uncertainDuration = 42;
            ++retried;
        }
        if (!log.uncertainRelease.isEmpty()) {
            const HttpReply again =
                httpJson(port, "DELETE", "/v1/allocations/" + log.uncertainRelease.toUtf8(),
                         releaseBody(log.uncertainDuration), secret);
            QVERIFY2(again.status == 200, again.body.constData());
            log.reported.insert(log.uncertainRelease, log.uncertainDuration);
            ++retried;
        }
    }
    qInfo("%d cycles before the kill, %d requests retried after the restart", cycles.loadRelaxed(), retried);

    // Every reported call exactly once, with its duration; nothing else.
    qint64 reportedCalls = 0;
    qint64 reportedMinutes = 0;
    for (const ClientLog &log : std::as_const(logs)) {
        for (auto it = log.reported.cbegin(); it != log.reported.cend(); ++it) {
            auto record = Sql::exec(
                db.connection(),
                QStringLiteral("SELECT COUNT(*), MIN(duration_seconds) FROM call_records WHERE session = ?"),
                {it.key()});
            QVERIFY(record && record.value().next());
            QCOMPARE(record.value().value(0).toLongLong(), 1);
            QCOMPARE(record.value().value(1).toLongLong(), qint64(it.value()));
            ++reportedCalls;
            reportedMinutes += billedMinutesFor(it.value());
        }
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), reportedCalls);
    QCOMPARE(scalar(QStringLiteral("SELECT SUM(calls) FROM company_usage_months")), reportedCalls);
    QCOMPARE(scalar(QStringLiteral("SELECT SUM(billed_minutes) FROM company_usage_months")), reportedMinutes);
    QCOMPARE(scalar(QStringLiteral("SELECT SUM(total_calls) FROM phone_numbers")), reportedCalls);

    // Abandoned calls hold their numbers until their two-second lease runs out; then the
    // restarted service frees them.
    timer.restart();
    while (scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")) != 0 && timer.elapsed() < 30000)
        QThread::msleep(100);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
    QCOMPARE(scalar(QStringLiteral(
                 "SELECT COUNT(*) FROM phone_numbers WHERE status <> 'available' OR active_calls <> 0")),
             0);
    QCOMPARE(restarted.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServiceCrash)
#include "tst_servicecrash.moc"
