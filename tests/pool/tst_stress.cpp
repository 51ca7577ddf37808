// Several processes allocating and releasing at once against one database never receive the
// same number (beyond the per-number concurrency), never exceed a company's concurrent-call
// limit, and the usage they leave behind is exact. Runs on SQLite and PostgreSQL.
#include "PoolTestSupport.h"
#include "pool/PoolStatus.h"
#include "storage/Settings.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <vector>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

constexpr int Workers = 8;
constexpr int AbandonEvery = 20;
const QStringList CompanyNames = {QStringLiteral("Std A"), QStringLiteral("Std B"), QStringLiteral("Hyb"),
                                  QStringLiteral("Ent")};

struct Interval {
    qint64 from = 0;
    qint64 to = 0;
};

// The most intervals that overlap at any instant.
int maxOverlap(std::vector<Interval> intervals) {
    std::vector<std::pair<qint64, int>> events;
    for (const Interval &interval : intervals) {
        events.emplace_back(interval.from, +1);
        events.emplace_back(interval.to, -1);
    }
    // At equal times, ends before starts: touching intervals do not overlap.
    std::sort(events.begin(), events.end());
    int current = 0;
    int most = 0;
    for (const auto &[at, delta] : events) {
        current += delta;
        most = std::max(most, current);
    }
    return most;
}

struct Usage {
    qint64 calls = 0;
    qint64 seconds = 0;
    qint64 minutes = 0;
    qint64 cost = 0;
};

} // namespace

class TestStress : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }
    void concurrentProcesses_data();
    void concurrentProcesses();
};

void TestStress::concurrentProcesses_data() {
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("perNumber");
    QTest::addColumn<QStringList>("workload");
    QTest::addColumn<int>("cycles");
    for (const QString &engine : engines()) {
        // Every plan at once, fewer numbers than workers.
        QTest::addRow("%s, mixed, one call per number", qPrintable(engine))
            << engine << 1 << CompanyNames << 60;
        QTest::addRow("%s, mixed, two calls per number", qPrintable(engine))
            << engine << 2 << CompanyNames << 60;
        // Every worker calls for the one company with a concurrent-call limit.
        QTest::addRow("%s, one limited company", qPrintable(engine))
            << engine << 1 << QStringList{CompanyNames[1]} << 25;
    }
}

void TestStress::concurrentProcesses() {
    QFETCH(QString, engine);
    QFETCH(int, perNumber);
    QFETCH(QStringList, workload);
    QFETCH(int, cycles);
    const QString worker = qEnvironmentVariable("POOLDESK_STRESS_WORKER");
    QVERIFY2(!worker.isEmpty(), "POOLDESK_STRESS_WORKER is not set (run through ctest)");

    const QString url = freshDatabaseUrl(engine);
    auto opened = Database::open(url);
    POOL_VERIFY_OK(opened);
    Database &db = *opened.value();
    Companies companies(db);
    Numbers numbers(db);
    CompanyLimits limited;
    limited.maxConcurrentCalls = 2;
    POOL_VERIFY_OK(companies.add(tester(), CompanyNames[0], Plan::Standard));
    POOL_VERIFY_OK(companies.add(tester(), CompanyNames[1], Plan::Standard, limited));
    auto hybrid = companies.add(tester(), CompanyNames[2], Plan::Hybrid);
    auto enterprise = companies.add(tester(), CompanyNames[3], Plan::Enterprise);
    POOL_VERIFY_OK(hybrid);
    POOL_VERIFY_OK(enterprise);
    QSet<QString> enterpriseNumbers;
    const auto add = [&](const QString &e164, std::optional<qint64> dedicated) {
        NewNumber number;
        number.e164 = e164;
        number.environment = ProductionEnvironment;
        number.dedicatedTo = dedicated;
        return numbers.add(tester(), number).ok();
    };
    // Fewer numbers than workers, so they contend and are refused some of the time.
    for (int i = 0; i < 4; ++i)
        QVERIFY(add(QStringLiteral("+1415555010%1").arg(i), std::nullopt));
    QVERIFY(add(QStringLiteral("+14155550150"), hybrid->id));
    for (const char *e164 : {"+14155550190", "+14155550191"}) {
        QVERIFY(add(QString::fromLatin1(e164), enterprise->id));
        enterpriseNumbers.insert(QString::fromLatin1(e164));
    }
    POOL_VERIFY_OK(
        Settings::set(db, tester(), SettingKeys::PerNumberConcurrency, QString::number(perNumber)));

    QTemporaryDir dir;
    const QString go = dir.filePath(QStringLiteral("go"));
    std::vector<std::unique_ptr<QProcess>> processes;
    for (int w = 0; w < Workers; ++w) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->start(worker,
                       {QStringLiteral("--db"), url, QStringLiteral("--worker"), QString::number(w),
                        QStringLiteral("--cycles"), QString::number(cycles), QStringLiteral("--companies"),
                        workload.join(QLatin1Char(',')), QStringLiteral("--abandon-every"),
                        QString::number(AbandonEvery), QStringLiteral("--out"),
                        dir.filePath(QStringLiteral("worker-%1.txt").arg(w)), QStringLiteral("--go"), go});
        QVERIFY(process->waitForStarted());
        processes.push_back(std::move(process));
    }
    QFile goFile(go);
    QVERIFY(goFile.open(QIODevice::WriteOnly));
    goFile.close();
    for (auto &process : processes) {
        QVERIFY2(process->waitForFinished(240'000), "a worker did not finish in 4 minutes");
        QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    }

    // What the workers saw.
    QHash<QString, std::vector<Interval>> byNumber;
    QHash<QString, std::vector<Interval>> byCompany;
    QHash<QString, Usage> usage;
    QHash<QString, int> refusals;
    QStringList errors;
    qint64 completed = 0;
    qint64 abandoned = 0;
    qint64 latest = 0;
    struct Abandoned {
        QString session;
        QString company;
        QString e164;
        qint64 from;
    };
    QList<Abandoned> abandonedCalls;
    for (int w = 0; w < Workers; ++w) {
        QFile file(dir.filePath(QStringLiteral("worker-%1.txt").arg(w)));
        QVERIFY2(file.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(file.fileName()));
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine()).trimmed();
            const QStringList f = line.split(QLatin1Char(' '));
            if (f.value(0) == QLatin1String("C") && f.size() == 8) {
                const QString company = QString(f[2]).replace(QLatin1Char('_'), QLatin1Char(' '));
                const Interval interval{f[4].toLongLong(), f[5].toLongLong()};
                QVERIFY(interval.from <= interval.to);
                latest = std::max(latest, interval.to);
                byNumber[f[3]].push_back(interval);
                byCompany[company].push_back(interval);
                const qint64 seconds = f[6].toLongLong();
                const qint64 minutes = billedMinutesFor(seconds);
                Usage &u = usage[company];
                u.calls += 1;
                u.seconds += seconds;
                u.minutes += minutes;
                u.cost += minutes * (f[7] == QLatin1String("inbound") ? 8'500 : 13'000);
                ++completed;
                if (company == CompanyNames[3])
                    QVERIFY2(enterpriseNumbers.contains(f[3]), qPrintable(line));
            } else if (f.value(0) == QLatin1String("A") && f.size() == 5) {
                abandonedCalls.append({f[1], QString(f[2]).replace(QLatin1Char('_'), QLatin1Char(' ')), f[3],
                                       f[4].toLongLong()});
                ++abandoned;
            } else if (f.value(0) == QLatin1String("R") && f.size() == 3) {
                refusals[f[1]] += f[2].toInt();
            } else if (!line.isEmpty()) {
                errors.append(line);
            }
        }
    }
    QVERIFY2(errors.isEmpty(), qPrintable(errors.mid(0, 10).join(QLatin1Char('\n'))));
    QCOMPARE(completed, qint64(Workers) * cycles);
    QVERIFY(abandoned > 0);
    // Only the refusals this pool can produce, and no storage errors (locks, deadlocks).
    for (auto it = refusals.cbegin(); it != refusals.cend(); ++it) {
        QVERIFY2(it.key() == RefusalReason::PoolExhausted || it.key() == RefusalReason::DedicatedBusy ||
                     it.key() == RefusalReason::MaxConcurrentCalls,
                 qPrintable(it.key()));
    }
    qInfo() << engine << "per number" << perNumber << "completed" << completed << "abandoned" << abandoned
            << "refusals" << refusals;

    const int completedOverlapB = maxOverlap(byCompany.value(CompanyNames[1]));
    // An abandoned call held its number from its allocation until the lease reaper took it back
    // (the audit log says when, to the second; the start of that second is a safe end) or, if
    // nobody reaped it yet, until now.
    const qint64 nowUs = latest + 1;
    for (const Abandoned &call : abandonedCalls) {
        auto reapedAt =
            Sql::exec(db.connection(),
                      QStringLiteral("SELECT at FROM audit_log WHERE action = 'allocation.lease_expired' AND "
                                     "before_json LIKE ?"),
                      QVariantList{QString(QStringLiteral("%\"") + call.session + QStringLiteral("\"%"))});
        POOL_VERIFY_OK(reapedAt);
        const qint64 end =
            reapedAt.value().next() ? reapedAt.value().value(0).toLongLong() * 1'000'000 : nowUs;
        const Interval interval{call.from, std::max(call.from, end)};
        byNumber[call.e164].push_back(interval);
        byCompany[call.company].push_back(interval);
    }

    // 0 double assignments: no number carried more calls at once than the setting allows.
    for (auto it = byNumber.cbegin(); it != byNumber.cend(); ++it)
        QVERIFY2(
            maxOverlap(it.value()) <= perNumber,
            qPrintable(
                QStringLiteral("%1 carried %2 calls at once").arg(it.key()).arg(maxOverlap(it.value()))));
    const int companyOverlap = maxOverlap(byCompany.value(CompanyNames[1]));
    const QString overLimit =
        QStringLiteral("%1 went over its limit of 2 concurrent calls: %2 at once (%3 counting "
                       "only completed calls)")
            .arg(CompanyNames[1])
            .arg(companyOverlap)
            .arg(completedOverlapB);

    // The database agrees: exactly one call record per completed call, and every counter is
    // the sum over the call records.
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM call_records")), completed);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(total_calls) FROM phone_numbers")), completed);
    Usage all;
    for (const Usage &u : usage) {
        all.seconds += u.seconds;
        all.minutes += u.minutes;
        all.cost += u.cost;
    }
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(total_seconds) FROM phone_numbers")), all.seconds);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(total_minutes) FROM phone_numbers")), all.minutes);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(billed_minutes) FROM call_records")), all.minutes);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(estimated_cost_micros) FROM call_records")), all.cost);
    QCOMPARE(
        scalar(db, QStringLiteral("SELECT COUNT(*) FROM (SELECT n.id FROM phone_numbers n LEFT JOIN "
                                  "(SELECT number_id, COUNT(*) AS calls, SUM(billed_minutes) AS minutes FROM "
                                  "call_records GROUP BY number_id) r ON r.number_id = n.id WHERE "
                                  "COALESCE(r.calls, 0) <> n.total_calls OR COALESCE(r.minutes, 0) <> "
                                  "n.total_minutes) v")),
        0);
    for (const QString &company : CompanyNames) {
        const Usage expected = usage.value(company);
        const QVariantList name{company};
        QCOMPARE(scalar(db,
                        QStringLiteral("SELECT COALESCE(SUM(u.calls), 0) FROM company_usage_months u JOIN "
                                       "companies c ON c.id = u.company_id WHERE c.name = ?"),
                        name),
                 expected.calls);
        QCOMPARE(
            scalar(db,
                   QStringLiteral("SELECT COALESCE(SUM(u.billed_minutes), 0) FROM company_usage_months u "
                                  "JOIN companies c ON c.id = u.company_id WHERE c.name = ?"),
                   name),
            expected.minutes);
        QCOMPARE(scalar(db,
                        QStringLiteral("SELECT COALESCE(SUM(u.cost_micros), 0) FROM company_usage_months u "
                                       "JOIN companies c ON c.id = u.company_id WHERE c.name = ?"),
                        name),
                 expected.cost);
    }

    // Held numbers match reservations exactly, now and after the reaper has taken every
    // abandoned call back.
    const QString heldMismatch =
        QStringLiteral("SELECT COUNT(*) FROM (SELECT n.id FROM phone_numbers n LEFT JOIN (SELECT number_id, "
                       "COUNT(*) AS held "
                       "FROM reservations GROUP BY number_id) r ON r.number_id = n.id WHERE COALESCE(r.held, "
                       "0) <> n.active_calls "
                       "OR (n.active_calls = 0) <> (n.status = 'available') OR n.active_calls > ?) v");
    QCOMPARE(scalar(db, heldMismatch, {perNumber}), 0);
    ClockShift clock;
    clock.set(10);
    Allocator reaper(db);
    auto reaped = reaper.reapExpired();
    POOL_VERIFY_OK(reaped);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
    QCOMPARE(scalar(db, heldMismatch, {perNumber}), 0);
    QCOMPARE(scalar(db, QStringLiteral(
                            "SELECT COUNT(*) FROM audit_log WHERE action = 'allocation.lease_expired'")),
             abandoned);
    auto status = PoolStatus::snapshot(db, ProductionEnvironment);
    POOL_VERIFY_OK(status);
    QCOMPARE(status->available, status->total);

    // Checked last so that every other invariant above is verified first. On PostgreSQL this holds
    // because pooldesk_allocate counts the company's calls after its row lock is granted.
    QVERIFY2(companyOverlap <= 2, qPrintable(overLimit));
}

QTEST_GUILESS_MAIN(TestStress)
#include "tst_stress.moc"
