// pooldeskctl audit, as an administrator uses it, in a real keychain (gnome-keyring in a private
// D-Bus session): the key is made once and kept in the keychain only, a checkpoint is signed and
// witnessed, verify says intact (exit 0) and then, after an entry is edited behind PoolDesk's back,
// says which entry (exit 4, and the same in --json); list filters and writes CSV; and reports run
// from the command line are themselves in the log.
#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject object() const { return QJsonDocument::fromJson(out).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(out).array(); }
};

Run ctl(const QString &url, const QStringList &arguments) {
    QProcess process;
    process.start(qEnvironmentVariable("POOLDESK_CTL"), QStringList{QStringLiteral("--db"), url} + arguments);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

#define CTL_OK(run)                                                                                          \
    do {                                                                                                     \
        const Run done_ = (run);                                                                             \
        QVERIFY2(done_.exitCode == 0, done_.err.constData());                                                \
    } while (false)

} // namespace

class TestAuditCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs POOLDESK_CTL");
    }
    void keyCheckpointVerifyAndTampering_data() { addEngineRows(); }
    void keyCheckpointVerifyAndTampering();
    void listFiltersAndWritesCsv();
    void serviceSignsCheckpointsIntoTheWitness_data() { addEngineRows(); }
    void serviceSignsCheckpointsIntoTheWitness();
};

void TestAuditCli::keyCheckpointVerifyAndTampering() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Beta"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));

    // No key yet: said so, with what to run.
    Run key = ctl(url, {QStringLiteral("audit"), QStringLiteral("key")});
    QCOMPARE(key.exitCode, 2); // not found, as elsewhere
    QVERIFY2(key.err.contains("audit key --create"), key.err.constData());

    QTemporaryDir witness;
    Run checkpoint = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"),
                               QStringLiteral("checkpoint"), QStringLiteral("--out"), witness.path()});
    QVERIFY2(checkpoint.exitCode == 0, checkpoint.err.constData());
    const QJsonObject made = checkpoint.object();
    QCOMPARE(made.value(QStringLiteral("seq")).toInteger(), 3); // two companies and the key's registration
    QVERIFY(QFile::exists(made.value(QStringLiteral("file")).toString()));

    key = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("key")});
    QVERIFY2(key.exitCode == 0, key.err.constData());
    const QString fingerprint = key.object().value(QStringLiteral("fingerprint")).toString();
    QVERIFY(fingerprint.startsWith(QStringLiteral("SHA256:")));
    QCOMPARE(made.value(QStringLiteral("fingerprint")).toString(), fingerprint);
    QCOMPARE(key.object().value(QStringLiteral("created")).toBool(), false);
    // The private key never reaches the database.
    auto db = Database::open(url);
    QVERIFY(db);
    QCOMPARE(scalar(*db.value(),
                    QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.key.create' "
                                   "AND target = ?"),
                    {fingerprint}),
             1);

    Run verify = ctl(url, {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--witness"),
                           witness.path()});
    QVERIFY2(verify.exitCode == 0, verify.err.constData());
    QVERIFY2(verify.out.contains("intact"), verify.out.constData());

    // A second witness folder gets the new checkpoint and the earlier one.
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Gamma"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    QTemporaryDir second;
    checkpoint = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("checkpoint"),
                           QStringLiteral("--out"), second.path()});
    QVERIFY2(checkpoint.exitCode == 0, checkpoint.err.constData());
    QCOMPARE(checkpoint.object().value(QStringLiteral("earlier_exported")).toInteger(), 1);
    QCOMPARE(QDir(second.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 2);

    // Someone with the database's keys edits an entry.
    const qint64 edited = scalar(*db.value(), QStringLiteral("SELECT id FROM audit_log WHERE seq = 2"));
    if (engine == QLatin1String("postgresql"))
        QVERIFY(
            Sql::exec(db.value()->connection(), QStringLiteral("SET session_replication_role = replica")));
    QVERIFY(Sql::exec(db.value()->connection(),
                      QStringLiteral("UPDATE audit_log SET target = 'Gamma' WHERE seq = 2")));
    verify = ctl(url, {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--witness"),
                       witness.path()});
    QCOMPARE(verify.exitCode, 4);
    QVERIFY2(verify.out.contains(QByteArray::number(edited)), verify.out.constData());
    verify = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("verify")});
    QCOMPARE(verify.exitCode, 4);
    const QJsonObject report = verify.object();
    QCOMPARE(report.value(QStringLiteral("intact")).toBool(), false);
    const QJsonArray findings = report.value(QStringLiteral("findings")).toArray();
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("rewritten"));
    QCOMPARE(findings.first().toObject().value(QStringLiteral("id")).toInteger(), edited);
}

void TestAuditCli::listFiltersAndWritesCsv() {
    const QString url = freshDatabaseUrl(QStringLiteral("sqlite"));
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("株式会社ベータ"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    Run list = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("list"),
                         QStringLiteral("--company"), QStringLiteral("株式会社ベータ")});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    // The company's entry, and this listing of its entries, recorded before it was printed.
    QCOMPARE(list.array().size(), 2);
    QCOMPARE(list.array().first().toObject().value(QStringLiteral("action")).toString(),
             QStringLiteral("company.add"));
    QCOMPARE(list.array().last().toObject().value(QStringLiteral("action")).toString(),
             QStringLiteral("report.audit"));
    QVERIFY(
        list.array().first().toObject().value(QStringLiteral("at")).toString().contains(QLatin1Char('T')));

    list = ctl(url, {QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("--since"),
                     QStringLiteral("2999-01-01")});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    QVERIFY2(!list.out.contains("company.add"), list.out.constData());
    QVERIFY2(list.out.contains("TIME ("), list.out.constData());

    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("audit.csv"));
    CTL_OK(ctl(url, {QStringLiteral("audit"), QStringLiteral("list"), QStringLiteral("--csv"), csv,
                     QStringLiteral("--bom")}));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.startsWith("\xEF\xBB\xBF"));
    QVERIFY(text.contains("株式会社ベータ"));

    // Each of those runs is itself in the log, with its options.
    auto db = Database::open(url);
    QVERIFY(db);
    QCOMPARE(
        scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'report.audit'")),
        3);
    QCOMPARE(
        scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'report.audit' AND "
                                           "after_json LIKE '%bom%'")),
        1);
    Run verify = ctl(url, {QStringLiteral("audit"), QStringLiteral("verify")});
    QVERIFY2(verify.exitCode == 0, verify.err.constData());
}

void TestAuditCli::serviceSignsCheckpointsIntoTheWitness() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    auto db = Database::open(url);
    QVERIFY(db);
    // Due after every second entry; the service looks every 200 ms (POOLDESK_AUDIT_CHECK_MS).
    QVERIFY(Sql::exec(
        db.value()->connection(),
        QStringLiteral("INSERT INTO settings (key, value) VALUES ('audit.checkpoint_entries', '2')")));
    QTemporaryDir witness;
    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--audit-witness"), witness.path()},
                           {QStringLiteral("POOLDESK_AUDIT_CHECK_MS=200")}),
             service.output().constData());
    // The service made the key (registering it: entry 2) and signed the head.
    QTRY_VERIFY_WITH_TIMEOUT(
        !QDir(witness.path()).entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty(), 30000);
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Beta"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    CTL_OK(ctl(url, {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Gamma"),
                     QStringLiteral("--plan"), QStringLiteral("standard")}));
    QTRY_COMPARE_WITH_TIMEOUT(QDir(witness.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(),
                              2, 30000);
    QCOMPARE(service.terminate(), 0);
    QVERIFY2(service.output().contains("signed audit checkpoint at entry 4"), service.output().constData());
    Run verify = ctl(url, {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("verify"),
                           QStringLiteral("--witness"), witness.path()});
    QVERIFY2(verify.exitCode == 0, verify.out.constData());
    QCOMPARE(verify.object().value(QStringLiteral("witnessed")).toInteger(), 2);
}

QTEST_GUILESS_MAIN(TestAuditCli)
#include "tst_auditcli.moc"
