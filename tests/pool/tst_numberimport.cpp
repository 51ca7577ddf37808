// Importing a number file: what only the database can tell (environments, companies, numbers
// already in the pool) is reported on each row's line, and the rows are added all together or not
// at all, each audited like a number added by hand. On both engines.
#include "PoolTestSupport.h"
#include "pool/NumberImport.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QStringList Environments{DevelopmentEnvironment, ProductionEnvironment};

QList<int> errorLines(const NumberCsv::ParsedImport &parsed) {
    QList<int> lines;
    for (const NumberCsv::RowError &error : parsed.errors)
        lines << error.line;
    return lines;
}

} // namespace

class TestNumberImport : public QObject {
    Q_OBJECT

private slots:
    void checkUsesTheDatabase_data() { addEngineRows(); }
    void checkUsesTheDatabase();
    void commitAddsAllAudited_data() { addEngineRows(); }
    void commitAddsAllAudited();
    void commitIsAllOrNothing_data() { addEngineRows(); }
    void commitIsAllOrNothing();
    void commitReportsProgress_data() { addEngineRows(); }
    void commitReportsProgress();
};

void TestNumberImport::checkUsesTheDatabase() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Enterprise);
    f.addNumber(QStringLiteral("+16076956082"));
    auto parsed = NumberCsv::parse("number,environment,dedicated company\n"
                                   "+16076956082,production,\n"    // 2 already in the pool
                                   "+16076956082,development,\n"   // 3 fine: another pool
                                   "+16076956083,staging,\n"       // 4 no such environment
                                   "+16076956084,,Nobody Inc\n"    // 5 no such company
                                   "+16076956085,,Sakura Dental\n" // 6 fine
                                   "bad,,\n",                      // 7 the file's own error
                                   ProductionEnvironment);
    QCOMPARE(parsed.errorCount, 1);
    POOL_VERIFY_OK(NumberImport(*f.db).check(parsed, Environments));
    QCOMPARE(errorLines(parsed), (QList<int>{2, 4, 5, 7}));
    QCOMPARE(parsed.errorCount, 4);
    QVERIFY2(parsed.errors[0].message.contains(QStringLiteral("+16076956082")),
             qPrintable(parsed.errors[0].message));
    QVERIFY2(parsed.errors[0].message.contains(QStringLiteral("production")),
             qPrintable(parsed.errors[0].message));
    QVERIFY2(parsed.errors[1].message.contains(QStringLiteral("staging")),
             qPrintable(parsed.errors[1].message));
    QVERIFY2(parsed.errors[2].message.contains(QStringLiteral("Nobody Inc")),
             qPrintable(parsed.errors[2].message));
    QCOMPARE(parsed.rows.size(), 2);
    QCOMPARE(parsed.rows[0].line, 3);
    QCOMPARE(parsed.rows[1].line, 6);
}

void TestNumberImport::commitAddsAllAudited() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 sakura = f.addCompany(QStringLiteral("Sakura Dental"), Plan::Enterprise);
    const qint64 auditBefore = scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log"));
    auto parsed = NumberCsv::parse("number,dedicated company,sid,monthly price\n"
                                   "+16076956082,Sakura Dental,PN0123456789abcdef0123456789abcdef,2.5\n"
                                   "+16076956083,,,\n",
                                   ProductionEnvironment);
    POOL_VERIFY_OK(NumberImport(*f.db).check(parsed, Environments));
    QVERIFY(parsed.ok());
    auto imported = NumberImport(*f.db).commit(tester(), parsed.rows);
    POOL_VERIFY_OK(imported);
    QCOMPARE(imported.value(), 2);
    auto dedicated = f.numbers.find(QStringLiteral("+16076956082"), ProductionEnvironment);
    POOL_VERIFY_OK(dedicated);
    QCOMPARE(dedicated->dedicatedCompanyId, std::optional<qint64>(sakura));
    QCOMPARE(dedicated->twilioSid, QStringLiteral("PN0123456789abcdef0123456789abcdef"));
    QCOMPARE(dedicated->monthlyPrice, Micros(2'500'000));
    auto shared = f.numbers.find(QStringLiteral("+16076956083"), ProductionEnvironment);
    POOL_VERIFY_OK(shared);
    QVERIFY(!shared->dedicatedCompanyId);
    QCOMPARE(shared->monthlyPrice, Micros(1'150'000)); // the tariff's
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'number.add'")),
             qint64(2));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log")), auditBefore + 2);
}

void TestNumberImport::commitIsAllOrNothing() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    auto parsed =
        NumberCsv::parse("number\n+16076956082\n+16076956083\n+16076956084\n", ProductionEnvironment);
    POOL_VERIFY_OK(NumberImport(*f.db).check(parsed, Environments));
    QVERIFY(parsed.ok());
    // Another console adds the third number between the check and the import.
    f.addNumber(QStringLiteral("+16076956084"));
    const qint64 auditBefore = scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log"));
    auto imported = NumberImport(*f.db).commit(tester(), parsed.rows);
    QVERIFY(!imported);
    QVERIFY2(imported.error().message.contains(QStringLiteral("Line 4")),
             qPrintable(imported.error().message));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), qint64(1));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log")), auditBefore);
    // The connection is usable afterwards (no transaction left open).
    f.addNumber(QStringLiteral("+16076956082"));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), qint64(2));
}

// A large file says how far it has got while it is added, ending with every row.
void TestNumberImport::commitReportsProgress() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    QByteArray file = "number\n";
    for (int i = 0; i < 2500; ++i)
        file += QStringLiteral("+1607695%1\n").arg(i, 4, 10, QLatin1Char('0')).toLatin1();
    auto parsed = NumberCsv::parse(file, ProductionEnvironment);
    QVERIFY(parsed.ok());
    QList<std::pair<int, int>> reports;
    auto imported = NumberImport(*f.db).commit(tester(), parsed.rows, [&](int added, int total) {
        reports.append({added, total});
    });
    POOL_VERIFY_OK(imported);
    QCOMPARE(imported.value(), 2500);
    QCOMPARE(reports, (QList<std::pair<int, int>>{{1000, 2500}, {2000, 2500}, {2500, 2500}}));
}

QTEST_GUILESS_MAIN(TestNumberImport)
#include "tst_numberimport.moc"
