#include "ModelTestSeed.h"
#include "itemmodels/CompaniesTableModel.h"
#include "pool/Allocator.h"

#include <QAbstractItemModelTester>
#include <QColor>

using namespace PoolDesk;

class TestCompaniesTableModel : public QObject {
    Q_OBJECT
private slots:
    void showsPlansLimitsAndMonthUsage_data() { Test::addEngineRows(); }
    void showsPlansLimitsAndMonthUsage();
    void filtersAndSorts_data() { Test::addEngineRows(); }
    void filtersAndSorts();
};

namespace {
using Column = CompaniesTableModel::Column;
QVariant cell(const CompaniesTableModel &model, qint64 id, Column column, int role = Qt::DisplayRole) {
    return model.index(model.rowOfId(id), static_cast<int>(column)).data(role);
}
} // namespace

void TestCompaniesTableModel::showsPlansLimitsAndMonthUsage() {
    QFETCH(QString, engine);
    auto db = Test::openFresh(engine);
    const qint64 acme =
        Test::addCompany(*db, QStringLiteral("Acme Dental"), Plan::Standard, {3, 100, 5 * MicrosPerDollar});
    const qint64 bank = Test::addCompany(*db, QStringLiteral("Bank Corp"), Plan::Enterprise);
    Test::addNumber(*db, QStringLiteral("+15550000003"), ProductionEnvironment, bank);
    Test::addNumber(*db, QStringLiteral("+15550000004"), ProductionEnvironment, bank);
    Test::addNumber(*db, QStringLiteral("+15550000001"), ProductionEnvironment);
    // Release through the allocator: it writes company_usage_months for this month.
    Allocator allocator(*db);
    QVERIFY(allocator.allocate({QStringLiteral("Acme Dental"), QStringLiteral("alice"), QStringLiteral("s-1"),
                                std::nullopt, ProductionEnvironment}));
    QVERIFY(
        allocator.release({QStringLiteral("s-1"), 125, Direction::Outbound, {}, std::nullopt, std::nullopt}));
    QVERIFY(allocator.allocate({QStringLiteral("Acme Dental"), QStringLiteral("alice"), QStringLiteral("s-2"),
                                std::nullopt, ProductionEnvironment}));
    // Last month's usage must not count.
    const QString lastMonth = Clock::nowUtc().addMonths(-1).toString(QStringLiteral("yyyy-MM"));
    QVERIFY(Sql::exec(
        db->connection(),
        QStringLiteral("INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, "
                       "cost_micros) VALUES (?, ?, 50, 500, 9000000)"),
        {acme, lastMonth}));

    CompaniesTableModel model(*db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(cell(model, acme, Column::PlanName, UnderlyingDataRole).toString(), QStringLiteral("standard"));
    QCOMPARE(cell(model, acme, Column::MaxConcurrent, UnderlyingDataRole).toInt(), 3);
    QCOMPARE(cell(model, acme, Column::MonthlyMinutes, UnderlyingDataRole).toLongLong(), 100);
    QCOMPARE(cell(model, acme, Column::MonthlyBudget, UnderlyingDataRole).toLongLong(), 5 * MicrosPerDollar);
    QCOMPARE(cell(model, acme, Column::CallsThisMonth, UnderlyingDataRole).toLongLong(), 1);
    QCOMPARE(cell(model, acme, Column::MinutesThisMonth, UnderlyingDataRole).toLongLong(), 3);
    QCOMPARE(cell(model, acme, Column::CostThisMonth, UnderlyingDataRole).toLongLong(), 3 * 13'000);
    QCOMPARE(cell(model, acme, Column::InUse, UnderlyingDataRole).toInt(), 1);
    QCOMPARE(cell(model, bank, Column::DedicatedNumbers, UnderlyingDataRole).toInt(), 2);
    QVERIFY(cell(model, bank, Column::MaxConcurrent, UnderlyingDataRole).isNull());
    QCOMPARE(cell(model, bank, Column::MaxConcurrent).toString(), CompaniesTableModel::tr("No limit"));
    QCOMPARE(model.rowAt(model.rowOfId(acme))->company.name, QStringLiteral("Acme Dental"));
    QCOMPARE(cell(model, bank, Column::Name, RowIdRole).toLongLong(), bank);
}

void TestCompaniesTableModel::filtersAndSorts() {
    QFETCH(QString, engine);
    auto db = Test::openFresh(engine);
    const qint64 acme =
        Test::addCompany(*db, QStringLiteral("Acme Dental"), Plan::Standard, {2, std::nullopt, {}});
    const qint64 bank =
        Test::addCompany(*db, QStringLiteral("Bank Corp"), Plan::Enterprise, {10, std::nullopt, {}});
    const qint64 cafe = Test::addCompany(*db, QStringLiteral("Cafe Hybrid"), Plan::Hybrid);
    CompaniesTableModel model(*db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowAt(0)->company.id, acme);

    model.sort(static_cast<int>(Column::MaxConcurrent), Qt::DescendingOrder);
    QCOMPARE(model.rowAt(0)->company.id, cafe); // no limit is the largest
    QCOMPARE(model.rowAt(1)->company.id, bank);
    QCOMPARE(model.rowAt(2)->company.id, acme);

    model.setTextFilter(QStringLiteral("bank"));
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0)->company.id, bank);
    model.setTextFilter(QStringLiteral("hybrid"));
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0)->company.id, cafe);
}

QTEST_GUILESS_MAIN(TestCompaniesTableModel)
#include "tst_companiestablemodel.moc"
