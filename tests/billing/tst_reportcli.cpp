#include "CostSeed.h"
#include "billing/CallHistory.h"
#include "billing/CostReport.h"

#include "storage/SqlHelpers.h"
#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>

#include <QProcess>
#include <QTemporaryDir>

using namespace PoolDesk;

// pooldeskctl report prints the figures the library (and so the console) computes.
class TestReportCli : public QObject {
    Q_OBJECT
private slots:
    void costsMatchTheLibrary_data() { Test::addEngineRows(); }
    void costsMatchTheLibrary();
    void callsMatchTheLibrary_data() { Test::addEngineRows(); }
    void callsMatchTheLibrary();
    void closedMonthIsByteIdentical_data() { Test::addEngineRows(); }
    void closedMonthIsByteIdentical();
    void badInputIsAUsageError_data() { Test::addEngineRows(); }
    void badInputIsAUsageError();
};

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run pooldeskctl(const QString &url, const QStringList &args) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("POOLDESKCTL"), QStringList{QStringLiteral("--db"), url} + args);
    process.closeWriteChannel(); // no answer to any question
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// The database the fixture opened, as pooldeskctl's --db takes it.
QString ctlUrl(const Database &db) {
    const DatabaseUrl &u = db.url();
    return u.engine == DatabaseUrl::Engine::Sqlite ? QStringLiteral("sqlite:") + u.path
                                                   : QStringLiteral("postgresql://%1@%2:%3/%4")
                                                         .arg(u.user, u.host)
                                                         .arg(u.port)
                                                         .arg(u.databaseName);
}

} // namespace

void TestReportCli::costsMatchTheLibrary() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    const QString url = f.db->url().path.isEmpty() ? qEnvironmentVariable("POOLDESK_TEST_PG_URL") : QString();
    Q_UNUSED(url);
    // The database URL the fixture opened.
    const QString dbUrl = ctlUrl(*f.db);

    auto expected = CostReports::build(*f.db, QStringLiteral("2026-03"));
    QVERIFY(expected);
    const Run json =
        pooldeskctl(dbUrl, {QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("costs"),
                            QStringLiteral("--month"), QStringLiteral("2026-03")});
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject printed = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(printed, CostReports::toJson(expected.value()));
    QCOMPARE(printed.value(QStringLiteral("total_micros")).toInteger(), 7'791'501);
    QCOMPARE(printed.value(QStringLiteral("time_zone")).toString(), QStringLiteral("UTC"));
    // Per company, integer micro-dollars whose parts add up to the total.
    qint64 sum = 0;
    for (const QJsonValue &value : printed.value(QStringLiteral("companies")).toArray()) {
        const QJsonObject c = value.toObject();
        const auto micros = [&](const char *key) { return c.value(QLatin1String(key)).toInteger(); };
        QCOMPARE(micros("dedicated_rental_micros") + micros("shared_rental_micros") +
                     micros("outbound_micros") + micros("inbound_micros"),
                 micros("total_micros"));
        QVERIFY(micros("estimated_micros") > 0);
        sum += micros("total_micros");
    }
    QVERIFY(sum > 0);

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("costs.csv"));
    const Run csv = pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("costs"),
                                        QStringLiteral("--month"), QStringLiteral("2026-03"),
                                        QStringLiteral("--csv"), file, QStringLiteral("--bom")});
    QVERIFY2(csv.exitCode == 0, csv.err.constData());
    QVERIFY(csv.out.contains("7.79")); // the text table's total
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QBuffer library;
    library.open(QIODevice::WriteOnly);
    QVERIFY(CostReports::writeCsv(expected.value(), CostReports::CsvSection::Companies, library, {true}));
    QCOMPARE(written.readAll(), library.data());
}

void TestReportCli::callsMatchTheLibrary() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    const QString dbUrl = ctlUrl(*f.db);
    const Run json = pooldeskctl(
        dbUrl, {QStringLiteral("--json"), QStringLiteral("--env"), QStringLiteral("production"),
                QStringLiteral("report"), QStringLiteral("calls"), QStringLiteral("--company"),
                QStringLiteral("Acme Dental"), QStringLiteral("--from"), QStringLiteral("2026-03-01"),
                QStringLiteral("--to"), QStringLiteral("2026-03-31")});
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject printed = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(printed.value(QStringLiteral("calls")).toInteger(), 2);
    QCOMPARE(printed.value(QStringLiteral("billed_minutes")).toInteger(), 4);
    QCOMPARE(printed.value(QStringLiteral("cost_micros")).toInteger(), 48'500);
    QCOMPARE(printed.value(QStringLiteral("newest")).toArray().size(), 2);

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("calls.csv"));
    const Run csv = pooldeskctl(
        dbUrl, {QStringLiteral("--env"), QStringLiteral("production"), QStringLiteral("report"),
                QStringLiteral("calls"), QStringLiteral("--company"), QStringLiteral("Acme Dental"),
                QStringLiteral("--from"), QStringLiteral("2026-03-01"), QStringLiteral("--to"),
                QStringLiteral("2026-03-31"), QStringLiteral("--csv"), file});
    QVERIFY2(csv.exitCode == 0, csv.err.constData());
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    CallFilter filter;
    filter.companyId = f.acme;
    filter.environment = QStringLiteral("production");
    filter.fromSecs = Test::utc(2026, 3, 1);
    filter.toSecs = Test::utc(2026, 4, 1);
    QBuffer library;
    library.open(QIODevice::WriteOnly);
    qputenv("TZ", "UTC");
    QVERIFY(CallHistory::exportCsv(*f.db, filter, library, {}));
    QCOMPARE(written.readAll(), library.data());
}

// report close, then the month's JSON stays the same bytes through a late call and a price
// change, which go to the next month as an adjustment; re-opening asks first.
void TestReportCli::closedMonthIsByteIdentical() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    const QString dbUrl = ctlUrl(*f.db);
    const QStringList march{QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("costs"),
                            QStringLiteral("--month"), QStringLiteral("2026-03")};
    const Run before = pooldeskctl(dbUrl, march);
    QVERIFY2(before.exitCode == 0, before.err.constData());
    QCOMPARE(QJsonDocument::fromJson(before.out).object().value(QStringLiteral("closed")).toBool(), false);
    QCOMPARE(QJsonDocument::fromJson(before.out).object().value(QStringLiteral("time_zone")).toString(),
             QStringLiteral("UTC"));
    const Run closed =
        pooldeskctl(dbUrl, {QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("close"),
                            QStringLiteral("--month"), QStringLiteral("2026-03")});
    QVERIFY2(closed.exitCode == 0, closed.err.constData());
    const QString hash =
        QJsonDocument::fromJson(closed.out).object().value(QStringLiteral("sha256")).toString();
    QCOMPARE(hash.size(), 64);
    const Run first = pooldeskctl(dbUrl, march);
    QCOMPARE(QJsonDocument::fromJson(first.out).object().value(QStringLiteral("sha256")).toString(), hash);

    Test::seedCall(*f.db, f.s1, QStringLiteral("+15550000001"), f.acme, QStringLiteral("outbound"),
                   Test::utc(2026, 3, 20, 9), 60, 13'000, 20'000);
    QVERIFY(Sql::exec(f.db->connection(), QStringLiteral("UPDATE call_records SET twilio_price_micros = 1")));
    const Run later = pooldeskctl(dbUrl, march);
    QCOMPARE(later.out, first.out);
    const Run april =
        pooldeskctl(dbUrl, {QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("costs"),
                            QStringLiteral("--month"), QStringLiteral("2026-04")});
    QVERIFY2(april.exitCode == 0, april.err.constData());
    QVERIFY(
        QJsonDocument::fromJson(april.out).object().value(QStringLiteral("adjustments_micros")).toInteger() !=
        0);

    // Without --yes and without an answer, nothing is re-opened.
    const Run refused = pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("reopen"),
                                            QStringLiteral("--month"), QStringLiteral("2026-03")});
    QCOMPARE(refused.exitCode, 3);
    QCOMPARE(pooldeskctl(dbUrl, march).out, first.out);
    const Run reopened =
        pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("reopen"), QStringLiteral("--month"),
                            QStringLiteral("2026-03"), QStringLiteral("--yes")});
    QVERIFY2(reopened.exitCode == 0, reopened.err.constData());
    QVERIFY(pooldeskctl(dbUrl, march).out != first.out);
}

void TestReportCli::badInputIsAUsageError() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    const QString dbUrl = ctlUrl(*f.db);
    const Run month = pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("costs"),
                                          QStringLiteral("--month"), QStringLiteral("2026-13")});
    QCOMPARE(month.exitCode, 2);
    QVERIFY(month.err.contains("YYYY-MM"));
    const Run date = pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("calls"),
                                         QStringLiteral("--from"), QStringLiteral("yesterday")});
    QCOMPARE(date.exitCode, 2);
    const Run company = pooldeskctl(dbUrl, {QStringLiteral("report"), QStringLiteral("calls"),
                                            QStringLiteral("--company"), QStringLiteral("Nobody Inc")});
    QVERIFY(company.exitCode != 0);
}

QTEST_GUILESS_MAIN(TestReportCli)
#include "tst_reportcli.moc"
