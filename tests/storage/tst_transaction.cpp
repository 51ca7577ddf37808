// Transactions opened inside another one are savepoints: an operation that fails inside a shared
// commit (the pool service's group commit) takes back only its own changes.
#include "TestDatabases.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QTest>

using namespace PoolDesk;

namespace {

QStringList companyNames(Database &db) {
    QStringList names;
    auto query = Sql::exec(db.connection(), QStringLiteral("SELECT name FROM companies ORDER BY name"));
    while (query && query.value().next())
        names.append(query.value().value(0).toString());
    return names;
}

bool addCompany(Database &db, const QString &name) {
    return bool(Sql::exec(
        db.connection(),
        QStringLiteral("INSERT INTO companies (name, plan, created_at) VALUES (?, 'standard', 0)"), {name}));
}

} // namespace

class TestTransaction : public QObject {
    Q_OBJECT

private slots:
    void innerRollbackKeepsOuterWork_data() { Test::addEngineRows(); }
    void innerRollbackKeepsOuterWork();
    void outerRollbackUndoesCommittedInner_data() { Test::addEngineRows(); }
    void outerRollbackUndoesCommittedInner();
    void failedStatementInsideInnerDoesNotSpoilOuter_data() { Test::addEngineRows(); }
    void failedStatementInsideInnerDoesNotSpoilOuter();
    void depthReturnsToZero_data() { Test::addEngineRows(); }
    void depthReturnsToZero();
};

void TestTransaction::innerRollbackKeepsOuterWork() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    Transaction outer(*db);
    QVERIFY(outer.begin());
    QVERIFY(!outer.isNested());
    QVERIFY(addCompany(*db, QStringLiteral("Acme")));
    {
        Transaction inner(*db);
        QVERIFY(inner.begin());
        QVERIFY(inner.isNested());
        QVERIFY(addCompany(*db, QStringLiteral("Beta")));
        // Abandoned without commit, as an operation that is refused half-way.
    }
    {
        Transaction inner(*db);
        QVERIFY(inner.begin());
        QVERIFY(addCompany(*db, QStringLiteral("Gamma")));
        QVERIFY(inner.commit());
    }
    QVERIFY(outer.commit());
    QCOMPARE(companyNames(*db), (QStringList{QStringLiteral("Acme"), QStringLiteral("Gamma")}));
}

void TestTransaction::outerRollbackUndoesCommittedInner() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    {
        Transaction outer(*db);
        QVERIFY(outer.begin());
        Transaction inner(*db);
        QVERIFY(inner.begin());
        QVERIFY(addCompany(*db, QStringLiteral("Acme")));
        QVERIFY(inner.commit());
        outer.rollback();
    }
    QVERIFY(companyNames(*db).isEmpty());
}

void TestTransaction::failedStatementInsideInnerDoesNotSpoilOuter() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    Transaction outer(*db);
    QVERIFY(outer.begin());
    QVERIFY(addCompany(*db, QStringLiteral("Acme")));
    {
        Transaction inner(*db);
        QVERIFY(inner.begin());
        // A duplicate name: PostgreSQL aborts the transaction the statement ran in, which must be
        // the savepoint, not the outer transaction.
        QVERIFY(!addCompany(*db, QStringLiteral("Acme")));
    }
    QVERIFY(addCompany(*db, QStringLiteral("Beta")));
    QVERIFY(outer.commit());
    QCOMPARE(companyNames(*db), (QStringList{QStringLiteral("Acme"), QStringLiteral("Beta")}));
}

void TestTransaction::depthReturnsToZero() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    {
        Transaction outer(*db);
        QVERIFY(outer.begin());
        Transaction inner(*db);
        QVERIFY(inner.begin());
        QCOMPARE(db->transactionDepth(), 2);
        QVERIFY(inner.commit());
        QCOMPARE(db->transactionDepth(), 1);
    }
    QCOMPARE(db->transactionDepth(), 0);
    // And a new transaction afterwards is a real one again: its work is visible to others.
    Transaction again(*db);
    QVERIFY(again.begin());
    QVERIFY(!again.isNested());
    QVERIFY(addCompany(*db, QStringLiteral("Acme")));
    QVERIFY(again.commit());
    auto other = db->openAnother();
    QVERIFY(other);
    QCOMPARE(companyNames(*other.value()), QStringList{QStringLiteral("Acme")});
}

QTEST_GUILESS_MAIN(TestTransaction)
#include "tst_transaction.moc"
