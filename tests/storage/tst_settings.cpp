// Pool settings are shared by every console, CLI and service through the database; each change
// leaves an audit entry that commits, or rolls back, together with it.
#include "TestDatabases.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace PoolDesk;

namespace {

qint64 auditCount(Database &db, const QString &key) {
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'settings.set' AND target = ?"), {key});
    if (!query || !query.value().next())
        return -1;
    return query.value().value(0).toLongLong();
}

struct AuditRow {
    QString actor;
    QJsonObject before;
    QJsonObject after;
    qint64 at = 0;
};

AuditRow lastAudit(Database &db, const QString &key) {
    auto query =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT actor, before_json, after_json, at FROM audit_log WHERE target = ? "
                                 "ORDER BY id DESC LIMIT 1"),
                  {key});
    AuditRow row;
    if (!query || !query.value().next())
        return row;
    row.actor = query.value().value(0).toString();
    row.before = QJsonDocument::fromJson(query.value().value(1).toString().toUtf8()).object();
    row.after = QJsonDocument::fromJson(query.value().value(2).toString().toUtf8()).object();
    row.at = query.value().value(3).toLongLong();
    return row;
}

} // namespace

class TestSettings : public QObject {
    Q_OBJECT

private slots:
    void setAndGet_data() { Test::addEngineRows(); }
    void setAndGet();
    void auditedWithBeforeAndAfter_data() { Test::addEngineRows(); }
    void auditedWithBeforeAndAfter();
    void rollbackTakesAuditEntryWithIt_data() { Test::addEngineRows(); }
    void rollbackTakesAuditEntryWithIt();
    void commitInCallersTransaction_data() { Test::addEngineRows(); }
    void commitInCallersTransaction();
    void visibleToOtherConnections_data() { Test::addEngineRows(); }
    void visibleToOtherConnections();
};

void TestSettings::setAndGet() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    QCOMPARE(Settings::value(*db, SettingKeys::Country, QStringLiteral("US")), QStringLiteral("US"));
    QCOMPARE(Settings::intValue(*db, SettingKeys::PerNumberConcurrency, 1), 1);
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::PerNumberConcurrency,
                          QStringLiteral("3")));
    QCOMPARE(Settings::intValue(*db, SettingKeys::PerNumberConcurrency, 1), 3);
    QCOMPARE(Settings::value(*db, SettingKeys::PerNumberConcurrency), QStringLiteral("3"));
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::PerNumberConcurrency,
                          QStringLiteral("2")));
    QCOMPARE(Settings::intValue(*db, SettingKeys::PerNumberConcurrency, 1), 2);
    // A value that is not a number falls back rather than being read as 0.
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::MaxPoolSize,
                          QStringLiteral("many")));
    QCOMPARE(Settings::intValue(*db, SettingKeys::MaxPoolSize, 50), 50);
    QCOMPARE(Settings::value(*db, SettingKeys::MaxPoolSize), QStringLiteral("many"));
}

void TestSettings::auditedWithBeforeAndAfter() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    const QString key = SettingKeys::MinAvailableThreshold;
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:alice")}, key, QStringLiteral("5")));
    QCOMPARE(auditCount(*db, key), 1);
    AuditRow row = lastAudit(*db, key);
    // The person is recorded as the database login, not as the name the caller passed.
    QCOMPARE(row.actor, QStringLiteral("user:") + db->login());
    QVERIFY(row.before.isEmpty());
    QCOMPARE(row.after.value(QStringLiteral("value")).toString(), QStringLiteral("5"));
    QVERIFY(row.at > 1'700'000'000);

    QVERIFY(Settings::set(*db, Actor::policy(QStringLiteral("autoscale")), key, QStringLiteral("7")));
    QCOMPARE(auditCount(*db, key), 2);
    row = lastAudit(*db, key);
    QCOMPARE(row.actor, QStringLiteral("policy:autoscale"));
    QCOMPARE(row.before.value(QStringLiteral("value")).toString(), QStringLiteral("5"));
    QCOMPARE(row.after.value(QStringLiteral("value")).toString(), QStringLiteral("7"));
}

void TestSettings::rollbackTakesAuditEntryWithIt() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    const QString key = SettingKeys::IdleReleaseDays;
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, key, QStringLiteral("30")));
    {
        Transaction transaction(*db);
        QVERIFY(transaction.begin());
        QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, key, QStringLiteral("60"), true));
        QCOMPARE(Settings::value(*db, key), QStringLiteral("60"));
        transaction.rollback();
    }
    QCOMPARE(Settings::value(*db, key), QStringLiteral("30"));
    QCOMPARE(auditCount(*db, key), 1);
    {
        // A transaction abandoned without commit (an error path) rolls back too.
        Transaction transaction(*db);
        QVERIFY(transaction.begin());
        QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, key, QStringLiteral("90"), true));
    }
    QCOMPARE(Settings::value(*db, key), QStringLiteral("30"));
    QCOMPARE(auditCount(*db, key), 1);
}

void TestSettings::commitInCallersTransaction() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    Transaction transaction(*db);
    QVERIFY(transaction.begin());
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::BuyWhenExhausted,
                          QStringLiteral("1"), true));
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::MaxPoolSize,
                          QStringLiteral("40"), true));
    QVERIFY(transaction.commit());
    QCOMPARE(Settings::intValue(*db, SettingKeys::BuyWhenExhausted, 0), 1);
    QCOMPARE(Settings::intValue(*db, SettingKeys::MaxPoolSize, 0), 40);
    QCOMPARE(auditCount(*db, SettingKeys::BuyWhenExhausted), 1);
    QCOMPARE(auditCount(*db, SettingKeys::MaxPoolSize), 1);
}

void TestSettings::visibleToOtherConnections() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    auto other = db->openAnother();
    QVERIFY(other);
    QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::DefaultLeaseSeconds,
                          QStringLiteral("900")));
    QCOMPARE(Settings::intValue(*other.value(), SettingKeys::DefaultLeaseSeconds, 3600), 900);
}

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
