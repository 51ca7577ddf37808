#include "../billing/CostSeed.h"
#include "itemmodels/CostReportModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace PoolDesk;

class TestCostReportModel : public QObject {
    Q_OBJECT
private slots:
    void showsTheMonthsReport_data() { Test::addEngineRows(); }
    void showsTheMonthsReport();
};

void TestCostReportModel::showsTheMonthsReport() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    CostReportModel model(*f.db, Identity::whoAmI(*f.db).value());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &CostReportModel::loaded);
    QVERIFY(loaded.wait(10000));
    loaded.clear();
    model.setMonth(QStringLiteral("2026-03"));
    QVERIFY(loaded.wait(10000));
    // Three companies, the unallocated shared rental, the total.
    QCOMPARE(model.rowCount(), 5);
    using C = CostReportModel::CompanyColumn;
    const auto cell = [&](int row, C column) {
        return model.index(row, static_cast<int>(column)).data(UnderlyingDataRole);
    };
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Acme Dental"));
    QCOMPARE(cell(0, C::SharedRentalShare).toLongLong(), 2'640'001);
    QCOMPARE(cell(0, C::Total).toLongLong(), 2'688'501);
    QCOMPARE(cell(3, C::SharedRentalShare).toLongLong(), 1'150'000);
    QVERIFY(model.index(4, 0).data(CostReportModel::IsTotalRole).toBool());
    QCOMPARE(cell(4, C::Total).toLongLong(), 7'791'501);
    QVERIFY(
        !model.index(0, static_cast<int>(C::SharedRentalShare)).data(Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(model.report().advice.size(), 5);

    model.setMode(CostReportModel::Mode::Numbers);
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.columnCount(), static_cast<int>(CostReportModel::NumberColumn::Count));
}

QTEST_GUILESS_MAIN(TestCostReportModel)
#include "tst_costreportmodel.moc"
