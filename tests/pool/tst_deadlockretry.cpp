// The allocator runs a transaction PostgreSQL chose as a deadlock victim again. It must know the
// victim by SQLSTATE 40P01, which the driver reports whatever language the server speaks, and not
// by the message text: a server with lc_messages in Japanese says "デッドロックを検出しました".
// The deadlock is injected where the allocation writes (a trigger on reservations, installed in
// this test's own database only), on the first attempt only, with that Japanese text.
#include "PoolTestSupport.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

// PostgreSQL's own Japanese text for "deadlock detected" (its ja catalogue).
const QString JapaneseDeadlock = QStringLiteral("デッドロックを検出しました");

} // namespace

class TestDeadlockRetry : public QObject {
    Q_OBJECT
private slots:
    void retriesAJapaneseDeadlock() {
        QVERIFY2(engines().contains(QStringLiteral("postgresql")),
                 "run through ctest: this test needs the PostgreSQL cluster");
        PoolFixture f(QStringLiteral("postgresql"));
        Database &db = *f.db;
        f.addCompany(QStringLiteral("Acme"), Plan::Standard);
        f.addNumber(QStringLiteral("+15555550301"));

        // Where the server has Japanese messages, speak them; the injected text is Japanese either way.
        const bool serverSpeaksJapanese =
            Sql::exec(db.connection(), QStringLiteral("SET lc_messages TO 'ja_JP.UTF-8'")).ok();
        qInfo() << "server messages in Japanese:" << serverSpeaksJapanese;

        // A sequence counts the attempts: unlike a table, it does not roll back with the victim.
        const QStringList setUp{
            QStringLiteral("CREATE SEQUENCE test_allocation_attempts"),
            QStringLiteral("GRANT USAGE ON SEQUENCE test_allocation_attempts TO PUBLIC"),
            QStringLiteral("CREATE FUNCTION test_victim_on_first_attempt() RETURNS trigger LANGUAGE plpgsql "
                           "SECURITY DEFINER SET search_path = public AS $$ BEGIN "
                           "IF nextval('test_allocation_attempts') = 1 THEN "
                           "RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = '") +
                JapaneseDeadlock + QStringLiteral("'; END IF; RETURN NEW; END $$"),
            QStringLiteral("CREATE FUNCTION test_japanese_victim() RETURNS void LANGUAGE plpgsql AS $$ "
                           "BEGIN RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = '") +
                JapaneseDeadlock + QStringLiteral("'; END $$"),
        };
        for (const QString &sql : setUp)
            QVERIFY2(Sql::exec(db.connection(), sql).ok(), qPrintable(sql));

        // What the driver hands the allocator: the code, and a text with no English in it.
        auto probe = Sql::exec(db.connection(), QStringLiteral("SELECT test_japanese_victim()"));
        QVERIFY(!probe);
        QCOMPARE(probe.error().nativeCode, QStringLiteral("40P01"));
        QVERIFY2(probe.error().message.contains(JapaneseDeadlock), qPrintable(describe(probe.error())));
        QVERIFY2(!probe.error().message.contains(QStringLiteral("deadlock"), Qt::CaseInsensitive),
                 qPrintable(describe(probe.error())));

        QVERIFY(Sql::exec(
            db.connection(),
            QStringLiteral("CREATE TRIGGER test_victim_on_first_attempt BEFORE INSERT ON reservations "
                           "FOR EACH ROW EXECUTE FUNCTION test_victim_on_first_attempt()")));
        auto allocated = f.allocate(QStringLiteral("Acme"), QStringLiteral("call-1"));
        QVERIFY2(allocated, allocated ? "" : qPrintable(describe(allocated.error())));
        QCOMPARE(allocated->e164, QStringLiteral("+15555550301"));
        // Two attempts: the victim, and the one that took the number.
        QCOMPARE(scalar(db, QStringLiteral("SELECT last_value FROM test_allocation_attempts")), qint64(2));
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM reservations")), qint64(1));
        QCOMPARE(scalar(db, QStringLiteral("SELECT active_calls FROM phone_numbers")), qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestDeadlockRetry)
#include "tst_deadlockretry.moc"
