// pooldeskctl is a stable, scriptable interface: the command names, the --json shapes and the
// exit codes (0 ok, 2 usage, 3 refused with the reason on stderr, 1 other). Bad input gets a
// clear message and changes nothing. Runs the real executable on both engines.
#include "TestDatabases.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
    QJsonObject object() const { return QJsonDocument::fromJson(out).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(out).array(); }
    QString describe() const {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), err);
    }
};

} // namespace

class TestPooldeskctl : public QObject {
    Q_OBJECT

private slots:
    void usageErrors();
    void migrate_data() { Test::addEngineRows(); }
    void migrate();
    void companies_data() { Test::addEngineRows(); }
    void companies();
    void numbers_data() { Test::addEngineRows(); }
    void numbers();
    void badNumberInputChangesNothing_data() { Test::addEngineRows(); }
    void badNumberInputChangesNothing();
    void importNumbers_data() { Test::addEngineRows(); }
    void importNumbers();
    void allocateAndRelease_data() { Test::addEngineRows(); }
    void allocateAndRelease();
    void refusals_data() { Test::addEngineRows(); }
    void refusals();
    void callerIdPolicyAndRest_data() { Test::addEngineRows(); }
    void callerIdPolicyAndRest();
    void poolStatusAndSize_data() { Test::addEngineRows(); }
    void poolStatusAndSize();
    void demo_data() { Test::addEngineRows(); }
    void demo();

private:
    Run ctl(const QStringList &args, const QString &environment = QStringLiteral("production"));
    QString writeFile(const QString &name, const QByteArray &contents);
    QString m_db;
    QTemporaryDir m_files;
};

QString TestPooldeskctl::writeFile(const QString &name, const QByteArray &contents) {
    QFile file(m_files.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

Run TestPooldeskctl::ctl(const QStringList &args, const QString &environment) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("POOLDESK_DB"));
    env.insert(QStringLiteral("POOLDESK_ENV"), environment);
    process.setProcessEnvironment(env);
    QStringList all;
    if (!m_db.isEmpty())
        all << QStringLiteral("--db") << m_db;
    all << args;
    process.start(qEnvironmentVariable("POOLDESK_CTL"), all);
    process.closeWriteChannel();
    Run run;
    if (!process.waitForFinished(120'000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

#define CTL_EXPECT(run, code)                                                                                \
    do {                                                                                                     \
        const Run &ctlRun_ = (run);                                                                          \
        QVERIFY2(ctlRun_.exitCode == (code), qPrintable(ctlRun_.describe()));                                \
    } while (false)

void TestPooldeskctl::usageErrors() {
    QVERIFY2(!qEnvironmentVariableIsEmpty("POOLDESK_CTL"), "POOLDESK_CTL is not set (run through ctest)");
    m_db = Test::freshDatabaseUrl(QStringLiteral("sqlite"));
    CTL_EXPECT(ctl({}), 2);
    CTL_EXPECT(ctl({QStringLiteral("no-such-group")}), 2);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("frobnicate")}), 2);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme")}),
               2); // no --plan
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme"),
                    QStringLiteral("--plan"), QStringLiteral("platinum")}),
               2);
    CTL_EXPECT(ctl({QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Acme")}), 2);
    CTL_EXPECT(ctl({QStringLiteral("size")}), 2);
    CTL_EXPECT(ctl({QStringLiteral("size"), QStringLiteral("--erlangs"), QStringLiteral("ten")}), 2);
    const Run json = ctl({QStringLiteral("--json"), QStringLiteral("size"), QStringLiteral("--erlangs"),
                          QStringLiteral("-3")});
    CTL_EXPECT(json, 2);
    QVERIFY2(json.object().contains(QStringLiteral("error")), qPrintable(json.describe()));
    QVERIFY(!json.err.isEmpty());
}

void TestPooldeskctl::migrate() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("db"), QStringLiteral("migrate")}), 0);
    const Run again = ctl({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("migrate")});
    CTL_EXPECT(again, 0);
    QVERIFY2(!QJsonDocument::fromJson(again.out).isNull(), qPrintable(again.describe()));
    CTL_EXPECT(ctl({QStringLiteral("db"), QStringLiteral("upgrade-everything")}), 2);
}

void TestPooldeskctl::companies() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    const Run added =
        ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("add"),
             QStringLiteral("Sakura Dental"), QStringLiteral("--plan"), QStringLiteral("hybrid"),
             QStringLiteral("--max-concurrent"), QStringLiteral("3"), QStringLiteral("--monthly-minutes"),
             QStringLiteral("6000"), QStringLiteral("--monthly-budget"), QStringLiteral("150.50")});
    CTL_EXPECT(added, 0);
    QJsonObject company = added.object();
    QCOMPARE(company.value(QStringLiteral("name")).toString(), QStringLiteral("Sakura Dental"));
    QCOMPARE(company.value(QStringLiteral("plan")).toString(), QStringLiteral("hybrid"));
    QCOMPARE(company.value(QStringLiteral("max_concurrent")).toInt(), 3);
    QCOMPARE(company.value(QStringLiteral("monthly_minutes")).toInteger(), 6000);
    QVERIFY2(company.value(QStringLiteral("monthly_budget")).toString().startsWith(QStringLiteral("150.5")),
             qPrintable(added.describe()));
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Tanaka Logistics"),
                    QStringLiteral("--plan"), QStringLiteral("enterprise")}),
               0);

    const Run list = ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")});
    CTL_EXPECT(list, 0);
    QCOMPARE(list.array().size(), 2);
    QCOMPARE(list.array().at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("Sakura Dental"));

    // Bad input: clear message, nothing changed.
    for (const QStringList &bad :
         {QStringList{QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Bad Co"),
                      QStringLiteral("--plan"), QStringLiteral("standard"),
                      QStringLiteral("--max-concurrent"), QStringLiteral("0")},
          QStringList{QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Bad Co"),
                      QStringLiteral("--plan"), QStringLiteral("standard"),
                      QStringLiteral("--monthly-budget"), QStringLiteral("-5")},
          QStringList{QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Bad Co"),
                      QStringLiteral("--plan"), QStringLiteral("standard"),
                      QStringLiteral("--monthly-minutes"), QStringLiteral("lots")}}) {
        const Run refused = ctl(bad);
        CTL_EXPECT(refused, 2);
        QVERIFY2(!refused.err.trimmed().isEmpty(), qPrintable(refused.describe()));
    }
    const Run duplicate =
        ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
             QStringLiteral("--plan"), QStringLiteral("standard")});
    // A duplicate is bad input (the list); 1 or 2 are both honest exit codes for it.
    QVERIFY2(duplicate.exitCode == 1 || duplicate.exitCode == 2, qPrintable(duplicate.describe()));
    QVERIFY2(duplicate.err.contains(QStringLiteral("Sakura Dental")), qPrintable(duplicate.describe()));
    QCOMPARE(ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")}).out,
             list.out);

    // set-limits replaces the limits and prints the result.
    const Run limited =
        ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("set-limits"),
             QStringLiteral("Sakura Dental"), QStringLiteral("--max-concurrent"), QStringLiteral("5")});
    CTL_EXPECT(limited, 0);
    QCOMPARE(limited.object().value(QStringLiteral("max_concurrent")).toInt(), 5);
    const Run unknown =
        ctl({QStringLiteral("company"), QStringLiteral("set-limits"), QStringLiteral("Nobody Inc"),
             QStringLiteral("--max-concurrent"), QStringLiteral("5")});
    QVERIFY2(unknown.exitCode >= 1 && unknown.exitCode <= 3, qPrintable(unknown.describe()));
    QVERIFY2(unknown.err.contains(QStringLiteral("Nobody Inc")), qPrintable(unknown.describe()));
}

void TestPooldeskctl::numbers() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Tanaka Logistics"),
                    QStringLiteral("--plan"), QStringLiteral("enterprise")}),
               0);
    const Run added =
        ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("add"),
             QStringLiteral("+1 (417) 922-4538"), QStringLiteral("--monthly-price"), QStringLiteral("1.15")});
    CTL_EXPECT(added, 0);
    QJsonObject number = added.object();
    QCOMPARE(number.value(QStringLiteral("number")).toString(), QStringLiteral("+14179224538"));
    QCOMPARE(number.value(QStringLiteral("environment")).toString(), QStringLiteral("production"));
    QCOMPARE(number.value(QStringLiteral("kind")).toString(), QStringLiteral("shared"));
    QCOMPARE(number.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224545"),
                    QStringLiteral("--dedicated"), QStringLiteral("Tanaka Logistics"),
                    QStringLiteral("--sid"), QStringLiteral("PN0123456789abcdef0123456789abcdef")}),
               0);
    // --env puts a number in another pool.
    CTL_EXPECT(ctl({QStringLiteral("--env"), QStringLiteral("development"), QStringLiteral("number"),
                    QStringLiteral("add"), QStringLiteral("+16076956082")}),
               0);
    const Run list = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")});
    CTL_EXPECT(list, 0);
    QCOMPARE(list.array().size(), 2);
    const Run development = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")},
                                QStringLiteral("development"));
    QCOMPARE(development.array().size(), 1);

    const Run assigned = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("assign"),
                              QStringLiteral("+14179224538"), QStringLiteral("--company"),
                              QStringLiteral("Tanaka Logistics")});
    CTL_EXPECT(assigned, 0);
    QCOMPARE(assigned.object().value(QStringLiteral("kind")).toString(), QStringLiteral("dedicated"));
    QCOMPARE(assigned.object().value(QStringLiteral("company")).toString(),
             QStringLiteral("Tanaka Logistics"));
    const Run unassigned = ctl({QStringLiteral("--json"), QStringLiteral("number"),
                                QStringLiteral("unassign"), QStringLiteral("+14179224538")});
    CTL_EXPECT(unassigned, 0);
    QCOMPARE(unassigned.object().value(QStringLiteral("kind")).toString(), QStringLiteral("shared"));
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("remove"), QStringLiteral("+14179224538")}), 0);
    QCOMPARE(ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")}).array().size(),
             1);
}

void TestPooldeskctl::badNumberInputChangesNothing() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--plan"), QStringLiteral("standard")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224538")}), 0);
    CTL_EXPECT(ctl({QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--operator"), QStringLiteral("op-1"), QStringLiteral("--session"),
                    QStringLiteral("live")}),
               0);
    const QByteArray before =
        ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")}).out;
    QVERIFY(!before.isEmpty());
    struct Bad {
        QStringList args;
        QList<int> codes;
        QString mentions;
    };
    const QList<Bad> cases = {
        {{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("4179224538")},
         {2},
         QStringLiteral("E.164")},
        {{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+1-800-FLOWERS")}, {2}, QString()},
        {{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224538")},
         {1, 2},
         QStringLiteral("+14179224538")},
        {{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224599"),
          QStringLiteral("--dedicated"), QStringLiteral("Nobody Inc")},
         {1, 2, 3},
         QStringLiteral("Nobody Inc")},
        {{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224599"),
          QStringLiteral("--monthly-price"), QStringLiteral("-1")},
         {2},
         QString()},
        {{QStringLiteral("number"), QStringLiteral("assign"), QStringLiteral("+14179224538"),
          QStringLiteral("--company"), QStringLiteral("Nobody Inc")},
         {1, 2, 3},
         QStringLiteral("Nobody Inc")},
        // Holding a call: cannot be removed or reassigned.
        {{QStringLiteral("number"), QStringLiteral("remove"), QStringLiteral("+14179224538")},
         {1, 2, 3},
         QString()},
        {{QStringLiteral("number"), QStringLiteral("remove"), QStringLiteral("+14179220000")},
         {1, 2, 3},
         QStringLiteral("+14179220000")},
        {{QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("live"),
          QStringLiteral("--duration"), QStringLiteral("-5")},
         {2},
         QString()},
        {{QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("live"),
          QStringLiteral("--direction"), QStringLiteral("sideways")},
         {2},
         QString()},
        {{QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Sakura Dental"),
          QStringLiteral("--operator"), QStringLiteral("op-1"), QStringLiteral("--session"),
          QStringLiteral("s2"), QStringLiteral("--ttl"), QStringLiteral("-1")},
         {2},
         QString()},
    };
    for (const Bad &bad : cases) {
        const Run run = ctl(bad.args);
        const QString what = bad.args.join(QLatin1Char(' ')) + QLatin1Char('\n') + run.describe();
        QVERIFY2(bad.codes.contains(run.exitCode), qPrintable(what));
        QVERIFY2(!run.err.trimmed().isEmpty(), qPrintable(what));
        if (!bad.mentions.isEmpty())
            QVERIFY2(run.err.contains(bad.mentions), qPrintable(what));
        // Nothing but the message: no stray driver warnings on stderr.
        QVERIFY2(!run.err.contains(QStringLiteral("Unable to free statement")), qPrintable(what));
        QCOMPARE(ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")}).out,
                 before);
    }
}

void TestPooldeskctl::importNumbers() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--plan"), QStringLiteral("enterprise")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224538")}), 0);
    const auto numbers = [this](const QString &environment = QStringLiteral("production")) {
        return ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")}, environment)
            .out;
    };
    const auto import = [this](const QString &file, const QStringList &more = {}) {
        return ctl(QStringList{QStringLiteral("number"), QStringLiteral("import"), file} + more);
    };
    const QByteArray before = numbers();
    QCOMPARE(QJsonDocument::fromJson(before).array().size(), 1);

    // A bad row anywhere: nothing imported, every bad row listed with its line.
    struct Bad {
        QByteArray csv;
        QStringList mentions;
    };
    const QList<Bad> cases = {
        {"number,environment\n+16076956082,production\n4179224599,production\n+16076956083,\n",
         {QStringLiteral("line 3"), QStringLiteral("4179224599"), QStringLiteral("E.164")}},
        {"number\n+16076956082\n+1 607 695 6082\n",
         {QStringLiteral("line 3"), QStringLiteral("+16076956082"), QStringLiteral("line 2")}},
        {"number\n+16076956082\n+14179224538\n",
         {QStringLiteral("line 3"), QStringLiteral("+14179224538"), QStringLiteral("production")}},
        {"number,dedicated company\n+16076956082,Sakura Dental\n+16076956083,Nobody Inc\n",
         {QStringLiteral("line 3"), QStringLiteral("Nobody Inc")}},
        {"number,environment\n+16076956082,staging\n", {QStringLiteral("line 2"), QStringLiteral("staging")}},
        {"phone\n+16076956082\n", {QStringLiteral("line 1"), QStringLiteral("phone")}},
        {"", {QStringLiteral("header")}},
    };
    for (const Bad &bad : cases) {
        const Run run = import(writeFile(QStringLiteral("bad.csv"), bad.csv));
        const QString what = QString::fromUtf8(bad.csv) + QLatin1Char('\n') + run.describe();
        CTL_EXPECT(run, 2);
        for (const QString &mention : bad.mentions)
            QVERIFY2(run.err.contains(mention), qPrintable(what));
        QVERIFY2(!run.err.contains(QStringLiteral("Unable to free statement")), qPrintable(what));
        QCOMPARE(numbers(), before);
    }
    // --json lists the bad rows too.
    const Run json = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("import"),
                          writeFile(QStringLiteral("bad.csv"), "number\n+16076956082\nnope\n\nbad\n")});
    CTL_EXPECT(json, 2);
    const QJsonObject error = json.object().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_input"));
    const QJsonArray rows = error.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).toObject().value(QStringLiteral("line")).toInt(), 3);
    QCOMPARE(rows.at(1).toObject().value(QStringLiteral("line")).toInt(), 5);
    CTL_EXPECT(import(m_files.filePath(QStringLiteral("no-such-file.csv"))), 2);
    CTL_EXPECT(import(QString()), 2);

    // A good file: with a BOM, CRLF, columns in another order, a quoted company name.
    const QString good =
        writeFile(QStringLiteral("good.csv"),
                  "\xEF\xBB\xBFMonthly Price,Number,Dedicated Company,SID,Environment\r\n"
                  "2.00,+16076956082,\"Sakura Dental\",PN0123456789abcdef0123456789abcdef,\r\n"
                  ",+16076956083,,,\r\n"
                  "1.15,+16076956084,,,development\r\n");
    const Run dry = import(good, {QStringLiteral("--dry-run")});
    CTL_EXPECT(dry, 0);
    QVERIFY2(dry.out.contains("3"), qPrintable(dry.describe()));
    QCOMPARE(numbers(), before);
    const Run imported =
        ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("import"), good});
    CTL_EXPECT(imported, 0);
    QCOMPARE(imported.object().value(QStringLiteral("imported")).toInt(), 3);
    const QJsonArray production = QJsonDocument::fromJson(numbers()).array();
    QCOMPARE(production.size(), 3);
    QJsonObject dedicated;
    for (const QJsonValue &n : production) {
        if (n.toObject().value(QStringLiteral("number")).toString() == QLatin1String("+16076956082"))
            dedicated = n.toObject();
    }
    QCOMPARE(dedicated.value(QStringLiteral("company")).toString(), QStringLiteral("Sakura Dental"));
    QCOMPARE(dedicated.value(QStringLiteral("sid")).toString(),
             QStringLiteral("PN0123456789abcdef0123456789abcdef"));
    QVERIFY(dedicated.value(QStringLiteral("monthly_price")).toString().startsWith(QStringLiteral("2.0")));
    QCOMPARE(QJsonDocument::fromJson(numbers(QStringLiteral("development"))).array().size(), 1);
    // Importing the same file again: every row is already in its pool, nothing changes.
    const QByteArray after = numbers();
    const Run again = import(good);
    CTL_EXPECT(again, 2);
    QVERIFY2(again.err.contains(QStringLiteral("line 2")) && again.err.contains(QStringLiteral("line 4")),
             qPrintable(again.describe()));
    QCOMPARE(numbers(), after);
    // Plain output says how many.
    const Run plain = import(writeFile(QStringLiteral("one.csv"), "number\n+16076956085\n"));
    CTL_EXPECT(plain, 0);
    QVERIFY2(plain.out.contains("Imported 1 number"), qPrintable(plain.describe()));
}

void TestPooldeskctl::allocateAndRelease() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Fujiyama Travel"),
                    QStringLiteral("--plan"), QStringLiteral("hybrid")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224538")}), 0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224545"),
                    QStringLiteral("--dedicated"), QStringLiteral("Fujiyama Travel")}),
               0);
    const Run allocated =
        ctl({QStringLiteral("--json"), QStringLiteral("allocate"), QStringLiteral("--company"),
             QStringLiteral("Fujiyama Travel"), QStringLiteral("--operator"), QStringLiteral("op-1"),
             QStringLiteral("--session"), QStringLiteral("call-1"), QStringLiteral("--ttl"),
             QStringLiteral("600")});
    CTL_EXPECT(allocated, 0);
    QJsonObject allocation = allocated.object();
    QCOMPARE(allocation.value(QStringLiteral("number")).toString(), QStringLiteral("+14179224545"));
    QCOMPARE(allocation.value(QStringLiteral("kind")).toString(), QStringLiteral("dedicated"));
    QCOMPARE(allocation.value(QStringLiteral("session")).toString(), QStringLiteral("call-1"));
    const QDateTime lease =
        QDateTime::fromString(allocation.value(QStringLiteral("lease_expires_at")).toString(), Qt::ISODate);
    QVERIFY2(lease.isValid(), qPrintable(allocated.describe()));
    QVERIFY(qAbs(QDateTime::currentDateTimeUtc().secsTo(lease) - 600) < 60);
    // Without --json: just the number, for $(pooldeskctl allocate ...).
    const Run plain = ctl({QStringLiteral("allocate"), QStringLiteral("--company"),
                           QStringLiteral("Fujiyama Travel"), QStringLiteral("--operator"),
                           QStringLiteral("op-2"), QStringLiteral("--session"), QStringLiteral("call-2")});
    CTL_EXPECT(plain, 0);
    QCOMPARE(plain.out.trimmed(), QByteArray("+14179224538"));

    const Run released =
        ctl({QStringLiteral("--json"), QStringLiteral("release"), QStringLiteral("--session"),
             QStringLiteral("call-1"), QStringLiteral("--duration"), QStringLiteral("61")});
    CTL_EXPECT(released, 0);
    QJsonObject record = released.object();
    QCOMPARE(record.value(QStringLiteral("billed_minutes")).toInteger(), 2);
    QCOMPARE(record.value(QStringLiteral("duration_seconds")).toInteger(), 61);
    QCOMPARE(record.value(QStringLiteral("number")).toString(), QStringLiteral("+14179224545"));
    QCOMPARE(record.value(QStringLiteral("direction")).toString(), QStringLiteral("outbound"));
    QCOMPARE(record.value(QStringLiteral("estimated_cost")).toString(), QStringLiteral("0.026000"));
    QCOMPARE(record.value(QStringLiteral("already_released")).toBool(), false);
    // Twilio retries: a repeated release succeeds and counts nothing twice.
    const Run again = ctl({QStringLiteral("--json"), QStringLiteral("release"), QStringLiteral("--session"),
                           QStringLiteral("call-1"), QStringLiteral("--duration"), QStringLiteral("61")});
    CTL_EXPECT(again, 0);
    QCOMPARE(again.object().value(QStringLiteral("already_released")).toBool(), true);
    const Run list = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")});
    for (const QJsonValue &value : list.array()) {
        const QJsonObject n = value.toObject();
        if (n.value(QStringLiteral("number")).toString() == QLatin1String("+14179224545")) {
            QCOMPARE(n.value(QStringLiteral("total_calls")).toInteger(), 1);
            QCOMPARE(n.value(QStringLiteral("total_minutes")).toInteger(), 2);
            QCOMPARE(n.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        } else {
            QCOMPARE(n.value(QStringLiteral("status")).toString(), QStringLiteral("reserved"));
        }
    }
    CTL_EXPECT(ctl({QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("call-2"),
                    QStringLiteral("--duration"), QStringLiteral("5"), QStringLiteral("--direction"),
                    QStringLiteral("inbound")}),
               0);
}

void TestPooldeskctl::refusals() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--plan"), QStringLiteral("standard"), QStringLiteral("--max-concurrent"),
                    QStringLiteral("1")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Tanaka Logistics"),
                    QStringLiteral("--plan"), QStringLiteral("enterprise")}),
               0);
    const auto allocate = [&](const QString &company, const QString &session, bool json) {
        QStringList args;
        if (json)
            args << QStringLiteral("--json");
        args << QStringLiteral("allocate") << QStringLiteral("--company") << company
             << QStringLiteral("--operator") << QStringLiteral("op-1") << QStringLiteral("--session")
             << session;
        return ctl(args);
    };
    struct Expected {
        Run run;
        QString reason;
    };
    // Pool exhausted: no numbers at all.
    Run exhausted = allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1"), false);
    CTL_EXPECT(exhausted, 3);
    QVERIFY2(exhausted.err.contains(QStringLiteral("pool_exhausted")), qPrintable(exhausted.describe()));
    QVERIFY(exhausted.out.trimmed().isEmpty());
    Run exhaustedJson = allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1"), true);
    CTL_EXPECT(exhaustedJson, 3);
    QCOMPARE(exhaustedJson.object()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("reason"))
                 .toString(),
             QStringLiteral("pool_exhausted"));
    // Enterprise companies never fall back to the shared pool.
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224538")}), 0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224545")}), 0);
    Run dedicated = allocate(QStringLiteral("Tanaka Logistics"), QStringLiteral("t1"), false);
    CTL_EXPECT(dedicated, 3);
    QVERIFY2(dedicated.err.contains(QStringLiteral("dedicated_numbers_busy")),
             qPrintable(dedicated.describe()));
    // The company's concurrent-call limit.
    CTL_EXPECT(allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1"), false), 0);
    Run limit = allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s2"), false);
    CTL_EXPECT(limit, 3);
    QVERIFY2(limit.err.contains(QStringLiteral("max_concurrent_calls")), qPrintable(limit.describe()));
    // Unknown company, unknown session.
    Run unknown = allocate(QStringLiteral("Nobody Inc"), QStringLiteral("n1"), true);
    CTL_EXPECT(unknown, 3);
    QCOMPARE(
        unknown.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(),
        QStringLiteral("unknown_company"));
    Run session = ctl({QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("never-seen")});
    CTL_EXPECT(session, 3);
    QVERIFY2(session.err.contains(QStringLiteral("unknown_session")), qPrintable(session.describe()));
    // Monthly minutes.
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("set-limits"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--max-concurrent"), QStringLiteral("5"),
                    QStringLiteral("--monthly-minutes"), QStringLiteral("1")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("s1"),
                    QStringLiteral("--duration"), QStringLiteral("30")}),
               0);
    Run minutes = allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s3"), false);
    CTL_EXPECT(minutes, 3);
    QVERIFY2(minutes.err.contains(QStringLiteral("monthly_minutes")), qPrintable(minutes.describe()));

    // The allocation rate: one a second; a second allocation at once is refused and says so.
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Rate Co"),
                    QStringLiteral("--plan"), QStringLiteral("standard"),
                    QStringLiteral("--allocations-per-second"), QStringLiteral("1")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224540")}), 0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14179224541")}), 0);
    CTL_EXPECT(allocate(QStringLiteral("Rate Co"), QStringLiteral("r1"), false), 0);
    Run rated = allocate(QStringLiteral("Rate Co"), QStringLiteral("r2"), true);
    CTL_EXPECT(rated, 3);
    QCOMPARE(
        rated.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("reason")).toString(),
        QStringLiteral("rate_limited"));
    // A burst needs a rate: exit 2, and the rate stays as it was.
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("set-limits"), QStringLiteral("Rate Co"),
                    QStringLiteral("--allocations-per-second"), QStringLiteral("none"),
                    QStringLiteral("--allocation-burst"), QStringLiteral("2")}),
               2);
    Run listed = ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")});
    CTL_EXPECT(listed, 0);
    bool found = false;
    for (const QJsonValue &company : listed.array()) {
        if (company.toObject().value(QStringLiteral("name")).toString() != QLatin1String("Rate Co"))
            continue;
        found = true;
        QCOMPARE(company.toObject().value(QStringLiteral("allocations_per_second")).toInt(), 1);
        QVERIFY(company.toObject().value(QStringLiteral("allocation_burst")).isNull());
    }
    QVERIFY(found);
}

// What an administrator does about caller IDs: read and change the policy, rest a number, and
// see which rule picked a number for a callee.
void TestPooldeskctl::callerIdPolicyAndRest() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--plan"), QStringLiteral("standard")}),
               0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+12125550101")}), 0);
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+14155550102")}), 0);

    const Run shown = ctl({QStringLiteral("--json"), QStringLiteral("policy"), QStringLiteral("show")});
    CTL_EXPECT(shown, 0);
    QCOMPARE(shown.object().value(QStringLiteral("sticky_days")).toString(), QStringLiteral("30"));
    QCOMPARE(shown.object().value(QStringLiteral("calling_hours")).toString(), QStringLiteral("off"));
    const Run table = ctl({QStringLiteral("policy"), QStringLiteral("show")});
    CTL_EXPECT(table, 0);
    QVERIFY2(table.out.contains("tenant_cooldown_days"), qPrintable(table.describe()));
    // A bad value is a usage error that names what is accepted, and changes nothing.
    const Run bad = ctl({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("daily_cap"),
                         QStringLiteral("lots")});
    CTL_EXPECT(bad, 2);
    QVERIFY2(bad.err.contains(QStringLiteral("0")), qPrintable(bad.describe()));
    CTL_EXPECT(ctl({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("daily_cap"),
                    QStringLiteral("40")}),
               0);
    QCOMPARE(ctl({QStringLiteral("--json"), QStringLiteral("policy"), QStringLiteral("show")})
                 .object()
                 .value(QStringLiteral("daily_cap"))
                 .toString(),
             QStringLiteral("40"));

    // The callee in San Francisco gets San Francisco's number...
    const auto allocate = [&](const QString &session) {
        return ctl({QStringLiteral("--json"), QStringLiteral("allocate"), QStringLiteral("--company"),
                    QStringLiteral("Sakura Dental"), QStringLiteral("--operator"), QStringLiteral("op-1"),
                    QStringLiteral("--session"), session, QStringLiteral("--to"),
                    QStringLiteral("+1 415 555 0199")});
    };
    const Run local = allocate(QStringLiteral("s1"));
    CTL_EXPECT(local, 0);
    QCOMPARE(local.object().value(QStringLiteral("number")).toString(), QStringLiteral("+14155550102"));
    QCOMPARE(local.object().value(QStringLiteral("match")).toString(), QStringLiteral("area_code"));
    CTL_EXPECT(ctl({QStringLiteral("release"), QStringLiteral("--session"), QStringLiteral("s1"),
                    QStringLiteral("--duration"), QStringLiteral("30")}),
               0);
    // ...until it rests.
    const Run rested = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("rest"),
                            QStringLiteral("+14155550102"), QStringLiteral("--days"), QStringLiteral("3"),
                            QStringLiteral("--reason"), QStringLiteral("spam reports")});
    CTL_EXPECT(rested, 0);
    QVERIFY(!rested.object().value(QStringLiteral("resting_until")).toString().isEmpty());
    const Run other = allocate(QStringLiteral("s2"));
    CTL_EXPECT(other, 0);
    QCOMPARE(other.object().value(QStringLiteral("number")).toString(), QStringLiteral("+12125550101"));
    QCOMPARE(other.object().value(QStringLiteral("match")).toString(), QStringLiteral("any"));
    CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("unrest"), QStringLiteral("+14155550102")}), 0);
    const Run back = allocate(QStringLiteral("s3"));
    CTL_EXPECT(back, 0);
    QCOMPARE(back.object().value(QStringLiteral("number")).toString(), QStringLiteral("+14155550102"));
    // Health: every number of the environment, the resting one with its rest over.
    const Run health = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("health")});
    CTL_EXPECT(health, 0);
    QCOMPARE(health.object().value(QStringLiteral("numbers")).toArray().size(), 2);
    QCOMPARE(health.object().value(QStringLiteral("window_days")).toInt(), 14);
    const Run oneHealth =
        ctl({QStringLiteral("number"), QStringLiteral("health"), QStringLiteral("+14155550102")});
    CTL_EXPECT(oneHealth, 0);
    QVERIFY2(oneHealth.out.contains("+14155550102") && !oneHealth.out.contains("+12125550101"),
             qPrintable(oneHealth.describe()));
    // A destination that is not a number is refused as bad input.
    const Run wrong =
        ctl({QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Sakura Dental"),
             QStringLiteral("--operator"), QStringLiteral("op-1"), QStringLiteral("--session"),
             QStringLiteral("s4"), QStringLiteral("--to"), QStringLiteral("4155550199")});
    CTL_EXPECT(wrong, 2);
    QVERIFY2(wrong.err.contains(QStringLiteral("4155550199")), qPrintable(wrong.describe()));
}

void TestPooldeskctl::poolStatusAndSize() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    CTL_EXPECT(ctl({QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--plan"), QStringLiteral("standard")}),
               0);
    for (const char *e164 : {"+14179224538", "+14179224545", "+14179224552"})
        CTL_EXPECT(ctl({QStringLiteral("number"), QStringLiteral("add"), QString::fromLatin1(e164)}), 0);
    CTL_EXPECT(ctl({QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Sakura Dental"),
                    QStringLiteral("--operator"), QStringLiteral("op-1"), QStringLiteral("--session"),
                    QStringLiteral("s1")}),
               0);
    const Run status = ctl({QStringLiteral("--json"), QStringLiteral("pool"), QStringLiteral("status")});
    CTL_EXPECT(status, 0);
    const QJsonObject s = status.object();
    QCOMPARE(s.value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(s.value(QStringLiteral("available")).toInt(), 2);
    QCOMPARE(s.value(QStringLiteral("reserved")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("in_use")).toInt(), 0);
    QVERIFY(s.contains(QStringLiteral("threshold")));
    QVERIFY(s.contains(QStringLiteral("below_threshold")));
    const QJsonArray companies = s.value(QStringLiteral("companies")).toArray();
    QCOMPARE(companies.size(), 1);
    // One word for a number a company has, reserved or on a call: "held", in the pool's line, the
    // company's row and number list's filter alike.
    QCOMPARE(companies.at(0).toObject().value(QStringLiteral("held")).toInt(), 1);
    const Run text = ctl({QStringLiteral("pool"), QStringLiteral("status")});
    CTL_EXPECT(text, 0);
    QVERIFY2(text.out.contains("held 1 (reserved 1"), text.out.constData());
    QVERIFY2(text.out.contains("HELD"), text.out.constData());
    const Run held = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list"),
                          QStringLiteral("--status"), QStringLiteral("held")});
    CTL_EXPECT(held, 0);
    QCOMPARE(QJsonDocument::fromJson(held.out).array().size(), 1);

    const Run size = ctl({QStringLiteral("size"), QStringLiteral("--erlangs"), QStringLiteral("10")});
    CTL_EXPECT(size, 0);
    QCOMPARE(size.out.trimmed(), QByteArray("18"));
    const Run sized = ctl({QStringLiteral("--json"), QStringLiteral("size"), QStringLiteral("--erlangs"),
                           QStringLiteral("20"), QStringLiteral("--blocking"), QStringLiteral("0.01")});
    CTL_EXPECT(sized, 0);
    QCOMPARE(sized.object().value(QStringLiteral("lines")).toInt(), 30);
    CTL_EXPECT(ctl({QStringLiteral("size"), QStringLiteral("--erlangs"), QStringLiteral("10"),
                    QStringLiteral("--blocking"), QStringLiteral("1.5")}),
               2);
}

void TestPooldeskctl::demo() {
    QFETCH(QString, engine);
    m_db = Test::freshDatabaseUrl(engine);
    const Run created = ctl({QStringLiteral("--json"), QStringLiteral("demo")});
    CTL_EXPECT(created, 0);
    const Run companies = ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")});
    QVERIFY(companies.array().size() >= 6);
    const Run numbers = ctl({QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list")});
    QVERIFY(numbers.array().size() >= 10);
    // Only into an empty database: a second run refuses and changes nothing.
    const Run again = ctl({QStringLiteral("demo")});
    QVERIFY2(again.exitCode != 0, qPrintable(again.describe()));
    QVERIFY(!again.err.trimmed().isEmpty());
    QCOMPARE(ctl({QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")}).out,
             companies.out);
}

QTEST_GUILESS_MAIN(TestPooldeskctl)
#include "tst_pooldeskctl.moc"
