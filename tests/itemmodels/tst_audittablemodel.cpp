#include "ModelTestSeed.h"
#include "itemmodels/AuditTableModel.h"

#include <QAbstractItemModelTester>
#include <QBuffer>

using namespace PoolDesk;

class TestAuditTableModel : public QObject {
    Q_OBJECT
private slots:
    void showsAndFiltersEntries_data() { Test::addEngineRows(); }
    void showsAndFiltersEntries();
    void changeSummary();
};

void TestAuditTableModel::showsAndFiltersEntries() {
    QFETCH(QString, engine);
    auto db = Test::openFresh(engine);
    // Every change through the pool API writes an audit entry.
    const qint64 acme = Test::addCompany(*db, QStringLiteral("Acme Dental"), Plan::Standard);
    Test::addCompany(*db, QStringLiteral("Bank Corp"), Plan::Enterprise);
    Test::addNumber(*db, QStringLiteral("+15550000001"), ProductionEnvironment);
    QVERIFY(Numbers(*db).assign(Actor{QStringLiteral("key:alice")}, QStringLiteral("+15550000001"),
                                ProductionEnvironment, QStringLiteral("Acme Dental")));
    QVERIFY(Companies(*db).setLimits(Actor{QStringLiteral("key:alice")}, QStringLiteral("Acme Dental"),
                                     {5, std::nullopt, std::nullopt}));

    AuditTableModel model(*db);
    model.setPageSize(2);
    model.refresh();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 2);
    while (model.canFetchMore({})) {
        const int before = model.rowCount();
        model.fetchMore({});
        QTRY_VERIFY(model.rowCount() > before || !model.canFetchMore({}));
    }
    auto countOf = [&](const QString &where) {
        auto query =
            Sql::exec(db->connection(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE ") + where);
        return query && query.value().next() ? query.value().value(0).toInt() : -1;
    };
    QCOMPARE(model.rowCount(), countOf(QStringLiteral("1 = 1")));
    QVERIFY(model.rowCount() >= 5);
    // Newest first.
    QVERIFY(model.rowAt(0)->at >= model.rowAt(4)->at);
    QVERIFY(model.rowAt(0)->id > model.rowAt(1)->id);

    AuditFilter filter;
    filter.actor = QStringLiteral("ALICE");
    model.setFilter(filter);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 2);
    filter = {};
    filter.action = QStringLiteral("company.");
    model.setPageSize(100);
    model.setFilter(filter);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), countOf(QStringLiteral("action LIKE 'company.%'")));
    QVERIFY(model.rowCount() >= 3);
    filter.companyId = acme;
    model.setFilter(filter);
    QVERIFY(Test::waitLoaded(model));
    QVERIFY(model.rowCount() >= 1);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.index(row, static_cast<int>(AuditTableModel::Column::Company))
                     .data(UnderlyingDataRole)
                     .toLongLong(),
                 acme);
    filter = {};
    filter.toSecs = Clock::nowSecs() - 3600;
    model.setFilter(filter);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 0);

    // Export: the same filter, straight from SQL.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    filter = {};
    filter.actor = QStringLiteral("alice");
    auto written = AuditTableModel::exportCsv(*db, filter, Qt::DescendingOrder, buffer, {}, {}, nullptr);
    QVERIFY(written);
    QCOMPARE(written.value(), 2);
    QCOMPARE(buffer.data().count("\r\n"), 3);
}

void TestAuditTableModel::changeSummary() {
    QCOMPARE(AuditTableModel::changeSummary(QStringLiteral("{\"max_concurrent\":3,\"plan\":\"standard\"}"),
                                            QStringLiteral("{\"max_concurrent\":5,\"plan\":\"standard\"}")),
             QStringLiteral("max_concurrent: 3 → 5"));
    QCOMPARE(AuditTableModel::changeSummary(QString(), QStringLiteral("{\"name\":\"Acme\"}")),
             QStringLiteral("name: Acme"));
}

QTEST_GUILESS_MAIN(TestAuditTableModel)
#include "tst_audittablemodel.moc"
