#include "ModelTestSeed.h"
#include "domain/Clock.h"
#include "itemmodels/PoolTableModel.h"
#include "pool/Allocator.h"
#include "pool/CallerPolicy.h"
#include "pool/Numbers.h"
#include "pool/Reputation.h"

#include <QAbstractItemModelTester>
#include <QColor>

using namespace PoolDesk;

#define POOL_MODEL_OK(expression)                                                                            \
    do {                                                                                                     \
        const auto &done_ = (expression);                                                                    \
        QVERIFY2(done_.ok(), done_.ok() ? "" : qPrintable(done_.error().message));                           \
    } while (false)

class TestPoolTableModel : public QObject {
    Q_OBJECT
private slots:
    void showsNumbersWithHolderAndUsage_data() { Test::addEngineRows(); }
    void showsNumbersWithHolderAndUsage();
    void filtersInSql_data() { Test::addEngineRows(); }
    void filtersInSql();
    void refreshKeepsRowsAndSignalsChanges_data() { Test::addEngineRows(); }
    void refreshKeepsRowsAndSignalsChanges();
    void sortsAndMovesSelection_data() { Test::addEngineRows(); }
    void sortsAndMovesSelection();
    void webhookDrift_data() { Test::addEngineRows(); }
    void webhookDrift();
    void healthRestAndCap_data() { Test::addEngineRows(); }
    void healthRestAndCap();
    void daysToBillingDay_data();
    void daysToBillingDay();
};

namespace {

struct Fixture {
    std::unique_ptr<Database> db;
    qint64 acme = 0;
    qint64 bank = 0;
    qint64 shared1 = 0;
    qint64 shared2 = 0;
    qint64 dedicated = 0;
    qint64 dev = 0;
};

Fixture seed(const QString &engine) {
    Fixture f;
    f.db = Test::openFresh(engine);
    f.acme = Test::addCompany(*f.db, QStringLiteral("Acme Dental"), Plan::Standard);
    f.bank = Test::addCompany(*f.db, QStringLiteral("Bank Corp"), Plan::Enterprise);
    f.shared1 = Test::addNumber(*f.db, QStringLiteral("+15550000001"), ProductionEnvironment);
    f.shared2 = Test::addNumber(*f.db, QStringLiteral("+15550000002"), ProductionEnvironment);
    f.dedicated = Test::addNumber(*f.db, QStringLiteral("+15550000003"), ProductionEnvironment, f.bank);
    f.dev = Test::addNumber(*f.db, QStringLiteral("+16076956082"), DevelopmentEnvironment);
    return f;
}

int columnOf(PoolTableModel::Column column) {
    return static_cast<int>(column);
}

QVariant cell(const PoolTableModel &model, qint64 id, PoolTableModel::Column column,
              int role = Qt::DisplayRole) {
    const int row = model.rowOfId(id);
    if (row < 0)
        return {};
    return model.index(row, columnOf(column)).data(role);
}

} // namespace

void TestPoolTableModel::showsNumbersWithHolderAndUsage() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    Allocator allocator(*f.db);
    auto held = allocator.allocate({QStringLiteral("Acme Dental"), QStringLiteral("alice"),
                                    QStringLiteral("s-1"), std::nullopt, ProductionEnvironment});
    QVERIFY2(held, qPrintable(held ? QString() : held.error().message));
    // A finished call today on the dedicated number: 61 s = 2 billed minutes.
    const qint64 now = Clock::nowSecs();
    Test::CallSeed call;
    call.numberId = f.dedicated;
    call.e164 = QStringLiteral("+15550000003");
    call.companyId = f.bank;
    call.startedAt = now - 200;
    call.durationSeconds = 61;
    Test::addCall(*f.db, call);

    PoolTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), columnOf(PoolTableModel::Column::Count));

    const qint64 heldId = held->numberId;
    QCOMPARE(cell(model, heldId, PoolTableModel::Column::State, UnderlyingDataRole).toString(),
             QStringLiteral("reserved"));
    QCOMPARE(cell(model, heldId, PoolTableModel::Column::HolderCompany).toString(),
             QStringLiteral("Acme Dental"));
    QCOMPARE(cell(model, heldId, PoolTableModel::Column::Operator).toString(), QStringLiteral("alice"));
    QCOMPARE(cell(model, heldId, PoolTableModel::Column::Session).toString(), QStringLiteral("s-1"));
    QVERIFY(cell(model, heldId, PoolTableModel::Column::Since, UnderlyingDataRole).toLongLong() > 0);
    QVERIFY(cell(model, heldId, PoolTableModel::Column::State, Qt::BackgroundRole).value<QColor>().isValid());
    QCOMPARE(cell(model, heldId, PoolTableModel::Column::Kind, UnderlyingDataRole), QVariant());

    QCOMPARE(cell(model, f.dedicated, PoolTableModel::Column::Kind, UnderlyingDataRole).toLongLong(), f.bank);
    QVERIFY(cell(model, f.dedicated, PoolTableModel::Column::Kind)
                .toString()
                .contains(QStringLiteral("Bank Corp")));
    QCOMPARE(cell(model, f.dedicated, PoolTableModel::Column::MinutesToday, UnderlyingDataRole).toLongLong(),
             2);
    const double utilization =
        cell(model, f.dedicated, PoolTableModel::Column::Utilization, UnderlyingDataRole).toDouble();
    QVERIFY(utilization > 0.0);
    QCOMPARE(cell(model, f.dedicated, PoolTableModel::Column::State, UnderlyingDataRole).toString(),
             QStringLiteral("available"));
    QCOMPARE(cell(model, f.dev, PoolTableModel::Column::Environment).toString(), DevelopmentEnvironment);
    // Bought today: billed today again in a month, never "negative days".
    const int days = cell(model, f.dev, PoolTableModel::Column::NextBilling, UnderlyingDataRole).toInt();
    QCOMPARE(days, 0);
    QCOMPARE(model.index(0, 0).data(RowIdRole).toLongLong(), model.rowAt(0)->id);
}

void TestPoolTableModel::filtersInSql() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    Allocator allocator(*f.db);
    QVERIFY(allocator.allocate({QStringLiteral("Acme Dental"), QStringLiteral("alice"), QStringLiteral("s-1"),
                                std::nullopt, ProductionEnvironment}));

    PoolTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));

    auto applyFilter = [&](const NumberFilter &filter) {
        model.setFilter(filter);
        return Test::waitLoaded(model);
    };
    QVERIFY(applyFilter({ProductionEnvironment, std::nullopt, std::nullopt, QString()}));
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(applyFilter({QString(), NumberStatus::Reserved, std::nullopt, QString()}));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(UnderlyingDataRole).toString().left(10), QStringLiteral("+155500000"));
    // Company: dedicated to it...
    QVERIFY(applyFilter({QString(), std::nullopt, f.bank, QString()}));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0)->id, f.dedicated);
    // ...or held by it.
    QVERIFY(applyFilter({QString(), std::nullopt, f.acme, QString()}));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0)->holderCompanyName, QStringLiteral("Acme Dental"));
    // Text: the number typed with spaces, a company name in any case, an operator.
    QVERIFY(applyFilter({QString(), std::nullopt, std::nullopt, QStringLiteral("607 695")}));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowAt(0)->id, f.dev);
    QVERIFY(applyFilter({QString(), std::nullopt, std::nullopt, QStringLiteral("bank corp")}));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(applyFilter({QString(), std::nullopt, std::nullopt, QStringLiteral("ALICE")}));
    QCOMPARE(model.rowCount(), 1);
    // LIKE wildcards are literal.
    QVERIFY(applyFilter({QString(), std::nullopt, std::nullopt, QStringLiteral("%")}));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(applyFilter({}));
    QCOMPARE(model.rowCount(), 4);
}

void TestPoolTableModel::refreshKeepsRowsAndSignalsChanges() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    PoolTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    Allocator allocator(*f.db);
    auto held = allocator.allocate({QStringLiteral("Acme Dental"), QStringLiteral("alice"),
                                    QStringLiteral("s-9"), std::nullopt, ProductionEnvironment});
    QVERIFY(held);
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changes.count(), 1);
    const int row = model.rowOfId(held->numberId);
    QCOMPARE(changes.first().at(0).value<QModelIndex>().row(), row);
    QCOMPARE(changes.first().at(1).value<QModelIndex>().row(), row);

    // Nothing changed: no signal at all.
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(changes.count(), 1);

    // A new number changes the set of rows: reset.
    Test::addNumber(*f.db, QStringLiteral("+15550000009"), ProductionEnvironment);
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(resets.count(), 1);
    QCOMPARE(model.rowCount(), 5);
}

void TestPoolTableModel::sortsAndMovesSelection() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    PoolTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowAt(0)->e164, QStringLiteral("+15550000001"));

    QPersistentModelIndex selected(model.index(model.rowOfId(f.dev), 0));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.sort(columnOf(PoolTableModel::Column::Number), Qt::DescendingOrder);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(model.rowAt(0)->e164, QStringLiteral("+16076956082"));
    QVERIFY(selected.isValid());
    QCOMPARE(selected.row(), 0);
    QCOMPARE(selected.data(RowIdRole).toLongLong(), f.dev);

    model.sort(columnOf(PoolTableModel::Column::Kind), Qt::DescendingOrder);
    QCOMPARE(model.rowAt(0)->id, f.dedicated);
    // The order survives a refresh.
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowAt(0)->id, f.dedicated);
}

void TestPoolTableModel::webhookDrift() {
    QFETCH(QString, engine);
    Fixture f;
    f.db = Test::openFresh(engine);
    const QString expected = QStringLiteral("https://calls.example.com/twilio/voice");
    const qint64 good = Test::addNumber(*f.db, QStringLiteral("+15550000001"), ProductionEnvironment,
                                        std::nullopt, 1'150'000, {}, expected);
    const qint64 stale =
        Test::addNumber(*f.db, QStringLiteral("+15550000002"), ProductionEnvironment, std::nullopt, 1'150'000,
                        {}, QStringLiteral("https://old.ngrok-free.app/voice"));
    const qint64 none = Test::addNumber(*f.db, QStringLiteral("+15550000003"), ProductionEnvironment);
    PoolTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    const auto state = [&](qint64 id) {
        return static_cast<PoolTableModel::WebhookState>(
            cell(model, id, PoolTableModel::Column::Webhook, UnderlyingDataRole).toInt());
    };
    QCOMPARE(state(good), PoolTableModel::WebhookState::NoExpectation);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    model.setExpectedVoiceUrl(ProductionEnvironment, expected);
    QCOMPARE(changes.count(), 1);
    QCOMPARE(state(good), PoolTableModel::WebhookState::Matches);
    QCOMPARE(state(stale), PoolTableModel::WebhookState::Differs);
    QCOMPARE(state(none), PoolTableModel::WebhookState::Missing);
    QVERIFY(
        cell(model, stale, PoolTableModel::Column::Webhook, Qt::ForegroundRole).value<QColor>().isValid());
}

// What an administrator reads about a number's reputation: its health, its estimated answer
// rate, until when it rests, and its calls today against the daily cap.
void TestPoolTableModel::healthRestAndCap() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    POOL_MODEL_OK(CallerPolicy::set(*f.db, {QStringLiteral("user:tester")}, QStringLiteral("daily_cap"),
                                    QStringLiteral("40")));
    const qint64 now = Clock::nowSecs();
    for (int i = 0; i < 12; ++i) {
        Test::CallSeed call;
        call.numberId = f.shared1;
        call.e164 = QStringLiteral("+15550000001");
        call.companyId = f.acme;
        call.startedAt = now - 3600 - i * 60;
        call.durationSeconds = i < 9 ? 45 : 0; // nine answered, three not (no outcome: 0 s proves nothing)
        Test::addCall(*f.db, call);
    }
    POOL_MODEL_OK(Numbers(*f.db).rest({QStringLiteral("user:tester")}, QStringLiteral("+15550000002"),
                                      ProductionEnvironment, Clock::nowUtc().addDays(3),
                                      QStringLiteral("spam reports")));
    PoolTableModel model(*f.db);
    QVERIFY(Test::waitLoaded(model));
    using C = PoolTableModel::Column;
    QCOMPARE(cell(model, f.shared1, C::Health, UnderlyingDataRole).toInt(), int(NumberHealth::State::Good));
    const double rate = cell(model, f.shared1, C::AnswerRate, UnderlyingDataRole).toDouble();
    QVERIFY2(rate > 0.5 && rate <= 1.0, qPrintable(QString::number(rate)));
    QVERIFY(cell(model, f.shared1, C::AnswerRate, Qt::ToolTipRole).toString().contains(QStringLiteral("9")));
    QCOMPARE(cell(model, f.shared1, C::CallsToday).toString(), QStringLiteral("0 / 40"));
    QCOMPARE(cell(model, f.shared2, C::Health, UnderlyingDataRole).toInt(),
             int(NumberHealth::State::Resting));
    QVERIFY(cell(model, f.shared2, C::RestingUntil, UnderlyingDataRole).toLongLong() > now + 2 * 86400);
    QVERIFY(cell(model, f.shared2, C::Health, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("spam reports")));
    QVERIFY(cell(model, f.shared2, C::Health, Qt::BackgroundRole).value<QColor>().isValid());
    // No calls: no rate shown rather than the peers' figure as if it were the number's own.
    QCOMPARE(cell(model, f.dedicated, C::AnswerRate).toString(), QString());
}

void TestPoolTableModel::daysToBillingDay_data() {
    QTest::addColumn<QDate>("today");
    QTest::addColumn<int>("billingDay");
    QTest::addColumn<int>("days");
    QTest::newRow("later this month") << QDate(2026, 3, 10) << 15 << 5;
    QTest::newRow("today") << QDate(2026, 3, 15) << 15 << 0;
    QTest::newRow("next month") << QDate(2026, 3, 20) << 15 << 26;
    QTest::newRow("31st in February") << QDate(2026, 2, 20) << 31 << 8;
    QTest::newRow("31st after short month end") << QDate(2026, 4, 30) << 31 << 0;
    QTest::newRow("year end") << QDate(2026, 12, 31) << 1 << 1;
}

void TestPoolTableModel::daysToBillingDay() {
    QFETCH(QDate, today);
    QFETCH(int, billingDay);
    QFETCH(int, days);
    QCOMPARE(PoolTableModel::daysToBillingDay(today, billingDay), days);
}

QTEST_GUILESS_MAIN(TestPoolTableModel)
#include "tst_pooltablemodel.moc"
