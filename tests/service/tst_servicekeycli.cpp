// pooldeskctl service key create | list | revoke, run as a user runs them, on both engines.

#include "TestDatabases.h"

#include "pool/Companies.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run pooldeskctl(const QString &url, const QStringList &arguments) {
    QProcess process;
    process.start(QStringLiteral(POOLDESKCTL_EXE), QStringList{QStringLiteral("--db"), url} + arguments);
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

class TestServiceKeyCli : public QObject {
    Q_OBJECT
private slots:
    void createListRevoke_data() { addEngineRows(); }
    void createListRevoke();
};

void TestServiceKeyCli::createListRevoke() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    auto db = Database::open(url);
    QVERIFY(db);
    QVERIFY(
        Companies(*db.value()).add({QStringLiteral("user:test")}, QStringLiteral("Acme"), Plan::Standard));
    const auto scalar = [&](const QString &sql) {
        auto query = Sql::exec(db.value()->connection(), sql);
        return query && query.value().next() ? query.value().value(0).toLongLong() : -1;
    };

    // Plain output: the key alone on standard output, the explanation on standard error.
    Run created =
        pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("create")});
    QCOMPARE(created.exitCode, 0);
    const QByteArray secret = created.out.trimmed();
    QVERIFY2(secret.startsWith("pdk_") && secret.size() >= 40 && !secret.contains('\n'),
             created.out.constData());
    QVERIFY(created.err.contains("only time"));

    Run scoped = pooldeskctl(url, {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"),
                                   QStringLiteral("create"), QStringLiteral("--company"),
                                   QStringLiteral("Acme"), QStringLiteral("--rate"), QStringLiteral("20")});
    QCOMPARE(scoped.exitCode, 0);
    const QJsonObject scopedKey = QJsonDocument::fromJson(scoped.out).object();
    QCOMPARE(scopedKey.value(QStringLiteral("company")).toString(), QStringLiteral("Acme"));
    QCOMPARE(scopedKey.value(QStringLiteral("rate_per_second")).toInt(), 20);
    QVERIFY(scopedKey.value(QStringLiteral("key")).toString().startsWith(QStringLiteral("pdk_")));

    // The secret is stored nowhere in clear: not in the keys, not in the audit log, not in lists.
    const QString secretText = QString::fromLatin1(secret);
    auto stored = Sql::exec(db.value()->connection(),
                            QStringLiteral("SELECT COUNT(*) FROM api_keys WHERE key_hash = ? "
                                           "OR key_prefix = ?"),
                            QVariantList{secretText, secretText});
    QVERIFY(stored && stored.value().next());
    QCOMPARE(stored.value().value(0).toLongLong(), 0);
    stored.value().finish(); // an open result would pin this connection's snapshot
    auto audited = Sql::exec(
        db.value()->connection(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE ?"),
        QVariantList{QString(QStringLiteral("%") + secretText.mid(12) + QStringLiteral("%"))});
    QVERIFY(audited && audited.value().next());
    QCOMPARE(audited.value().value(0).toLongLong(), 0);
    audited.value().finish();
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'service.key.create'")), 2);
    Run listed = pooldeskctl(url, {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"),
                                   QStringLiteral("list")});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY(!listed.out.contains(secret));
    QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(), 2);

    // Revoke: gone from the default list, shown with --all; revoking twice is harmless.
    const QString id = QString::number(scopedKey.value(QStringLiteral("id")).toInteger());
    QCOMPARE(
        pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("revoke"), id})
            .exitCode,
        0);
    QCOMPARE(
        pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("revoke"), id})
            .exitCode,
        0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'service.key.revoke'")), 1);
    listed = pooldeskctl(url, {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"),
                               QStringLiteral("list")});
    QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(), 1);
    listed = pooldeskctl(url, {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"),
                               QStringLiteral("list"), QStringLiteral("--all")});
    QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(), 2);

    // Bad input: a clear message, exit code 2, nothing created.
    Run unknownCompany =
        pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("create"),
                          QStringLiteral("--company"), QStringLiteral("Nobody")});
    QCOMPARE(unknownCompany.exitCode, 2);
    QVERIFY(unknownCompany.out.isEmpty());
    QCOMPARE(pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("revoke"),
                               QStringLiteral("999")})
                 .exitCode,
             2);
    QCOMPARE(pooldeskctl(url, {QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("create"),
                               QStringLiteral("--rate"), QStringLiteral("fast")})
                 .exitCode,
             2);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM api_keys")), 2);
}

QTEST_GUILESS_MAIN(TestServiceKeyCli)
#include "tst_servicekeycli.moc"
