#include "ModelTestSeed.h"
#include "itemmodels/CallsTableModel.h"

#include <QAbstractItemModelTester>

#include <algorithm>

using namespace PoolDesk;

class TestCallsTableModel : public QObject {
    Q_OBJECT
private slots:
    void pagesThroughEveryRowOnce_data() { Test::addEngineRows(); }
    void pagesThroughEveryRowOnce();
    void sortsInEveryOrder_data() { Test::addEngineRows(); }
    void sortsInEveryOrder();
    void sortsFilteredRowsInEveryOrder_data() { Test::addEngineRows(); }
    void sortsFilteredRowsInEveryOrder();
    void filtersInSql_data() { Test::addEngineRows(); }
    void filtersInSql();
    void refreshInsertsNewCallsAtTop_data() { Test::addEngineRows(); }
    void refreshInsertsNewCallsAtTop();
    void refreshFindsALongCallThatEndedLate_data() { Test::addEngineRows(); }
    void refreshFindsALongCallThatEndedLate();
};

namespace {

using Column = CallsTableModel::Column;
constexpr qint64 Base = 1'767'225'600; // 2026-01-01T00:00:00Z

struct Fixture {
    std::unique_ptr<Database> db;
    qint64 zeta = 0; // names sort the other way round from ids
    qint64 alpha = 0;
    qint64 n1 = 0;
    qint64 n2 = 0;
    int calls = 0;
};

Fixture seed(const QString &engine) {
    Fixture f;
    f.db = Test::openFresh(engine);
    f.zeta = Test::addCompany(*f.db, QStringLiteral("Zeta Travel"), Plan::Standard);
    f.alpha = Test::addCompany(*f.db, QStringLiteral("Alpha Clinic"), Plan::Standard);
    f.n1 = Test::addNumber(*f.db, QStringLiteral("+15550000001"), ProductionEnvironment);
    f.n2 = Test::addNumber(*f.db, QStringLiteral("+15550000002"), DevelopmentEnvironment);
    for (int i = 0; i < 41; ++i) {
        Test::CallSeed call;
        const bool first = i % 3 != 0;
        call.numberId = first ? f.n1 : f.n2;
        call.e164 = first ? QStringLiteral("+15550000001") : QStringLiteral("+15550000002");
        call.environment = first ? ProductionEnvironment : DevelopmentEnvironment;
        call.companyId = i % 2 == 0 ? f.zeta : f.alpha;
        if (i == 40)
            call.companyId.reset(); // a deleted company
        call.operatorId = QStringLiteral("op%1").arg(i % 4);
        call.direction = i % 5 == 0 ? QStringLiteral("inbound") : QStringLiteral("outbound");
        // Ties in start time and duration exercise the id tie-break of keyset paging.
        call.startedAt = Base + (i / 2) * 3600;
        call.durationSeconds = (i * 37) % 300 + (i % 7 == 0 ? 0 : 1);
        call.estimatedCost = billedMinutesFor(call.durationSeconds) * 13'000;
        if (i % 4 == 0)
            call.twilioPrice = call.estimatedCost + 10;
        Test::addCall(*f.db, call);
        ++f.calls;
    }
    return f;
}

// Loads every page (the way a view scrolling to the end would).
bool loadAll(CallsTableModel &model) {
    for (int guard = 0; guard < 1000 && model.canFetchMore({}); ++guard) {
        QSignalSpy spy(&model, &CallsTableModel::pageLoaded);
        model.fetchMore({});
        if (!spy.wait(10000))
            return false;
    }
    return !model.canFetchMore({});
}

QList<qint64> ids(const CallsTableModel &model) {
    QList<qint64> list;
    for (int row = 0; row < model.rowCount(); ++row)
        list << model.rowAt(row)->id;
    return list;
}

} // namespace

void TestCallsTableModel::pagesThroughEveryRowOnce() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    model.setPageSize(10);
    model.reload();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), 10);
    QTRY_COMPARE(model.totalCount(), qint64(f.calls));
    QVERIFY(loadAll(model));
    QCOMPARE(model.rowCount(), f.calls);
    const QList<qint64> list = ids(model);
    QCOMPARE(QSet<qint64>(list.begin(), list.end()).size(), f.calls);
    for (int row = 1; row < model.rowCount(); ++row) {
        const CallRow *a = model.rowAt(row - 1);
        const CallRow *b = model.rowAt(row);
        QVERIFY(a->startedAt > b->startedAt || (a->startedAt == b->startedAt && a->id > b->id));
    }
    const QModelIndex top = model.index(0, static_cast<int>(Column::Started));
    QCOMPARE(top.data(UnderlyingDataRole).toLongLong(), model.rowAt(0)->startedAt);
    QCOMPARE(top.data(RowIdRole).toLongLong(), model.rowAt(0)->id);
}

namespace {

// Every column in both orders, page by page, against the order worked out here from the rows the
// filter keeps (ties broken by id). Returns an empty string or what went wrong.
QString checkEveryOrder(const Fixture &f, CallsTableModel &model, const CallFilter &filter,
                        const std::function<bool(const CallRow &)> &keeps) {
    model.sort(0, Qt::DescendingOrder);
    model.setFilter(filter);
    if (model.isLoading() && !Test::waitLoaded(model))
        return QStringLiteral("the filter did not load");
    if (!loadAll(model))
        return QStringLiteral("the filtered rows did not load");
    QList<CallRow> all;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (!keeps(*model.rowAt(row)))
            return QStringLiteral("row %1 does not match the filter").arg(row);
        all << *model.rowAt(row);
    }
    if (all.isEmpty())
        return QStringLiteral("the filter keeps no rows");
    for (int c = 0; c < static_cast<int>(Column::Count); ++c) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            const auto column = static_cast<Column>(c);
            model.sort(c, order);
            if (model.isLoading() && !Test::waitLoaded(model))
                return QStringLiteral("column %1 did not load").arg(c);
            if (!loadAll(model))
                return QStringLiteral("column %1 did not load every page").arg(c);
            // The expected order, computed here from the same rows.
            auto key = [&](const CallRow &row) -> QVariantList {
                switch (CallsTableModel::sortFor(column)) {
                case CallSort::StartedAt:
                    return {row.startedAt};
                case CallSort::Company: {
                    // Companies by name, deleted ones last (ascending).
                    const int rank = !row.companyId ? 2 : (*row.companyId == f.alpha ? 0 : 1);
                    return {rank, row.startedAt};
                }
                case CallSort::Number:
                    return {row.e164, row.startedAt};
                case CallSort::Operator:
                    return {row.operatorId, row.startedAt};
                case CallSort::Direction:
                    return {toString(row.direction), row.startedAt};
                case CallSort::Duration:
                    return {row.durationSeconds};
                case CallSort::Cost:
                    return {row.estimatedCost};
                case CallSort::TwilioPrice:
                    return {row.twilioPrice.value_or(-1)};
                case CallSort::Environment:
                    return {row.environment, row.startedAt};
                }
                return {};
            };
            QList<CallRow> expected = all;
            std::sort(expected.begin(), expected.end(), [&](const CallRow &a, const CallRow &b) {
                QVariantList ka = key(a);
                QVariantList kb = key(b);
                ka << a.id;
                kb << b.id;
                for (int i = 0; i < ka.size(); ++i) {
                    const auto ordering = QVariant::compare(ka[i], kb[i]);
                    if (ordering == QPartialOrdering::Equivalent)
                        continue;
                    const bool less = ordering == QPartialOrdering::Less;
                    return order == Qt::AscendingOrder ? less : !less;
                }
                return false;
            });
            QList<qint64> expectedIds;
            for (const CallRow &row : expected)
                expectedIds << row.id;
            if (ids(model) != expectedIds)
                return QStringLiteral("column %1 order %2").arg(c).arg(order);
        }
    }
    return {};
}

} // namespace

void TestCallsTableModel::sortsInEveryOrder() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    model.setPageSize(7);
    model.reload();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    const QString failed = checkEveryOrder(f, model, {}, [](const CallRow &) { return true; });
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QCOMPARE(model.rowCount(), f.calls);
}

// A filter with an order whose index does not narrow it (CallHistory::page() chooses how to read
// those pages): the same rows, in the same order, as the order applied to the filtered rows.
void TestCallsTableModel::sortsFilteredRowsInEveryOrder() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    model.setPageSize(4);
    model.reload();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    CallFilter filter;
    filter.companyId = f.alpha;
    QString failed =
        checkEveryOrder(f, model, filter, [&](const CallRow &row) { return row.companyId == f.alpha; });
    QVERIFY2(failed.isEmpty(), qPrintable(QStringLiteral("company: ") + failed));
    filter = {};
    filter.operatorId = QStringLiteral("op2");
    failed = checkEveryOrder(f, model, filter,
                             [&](const CallRow &row) { return row.operatorId == QStringLiteral("op2"); });
    QVERIFY2(failed.isEmpty(), qPrintable(QStringLiteral("operator: ") + failed));
    filter = {};
    filter.environment = DevelopmentEnvironment;
    filter.direction = Direction::Outbound;
    failed = checkEveryOrder(f, model, filter, [&](const CallRow &row) {
        return row.environment == DevelopmentEnvironment && row.direction == Direction::Outbound;
    });
    QVERIFY2(failed.isEmpty(), qPrintable(QStringLiteral("environment and direction: ") + failed));
}

void TestCallsTableModel::filtersInSql() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));

    auto check = [&](const CallFilter &filter, const std::function<bool(const CallRow &)> &matches) {
        model.setFilter(filter);
        if (!Test::waitLoaded(model) || !loadAll(model))
            return false;
        for (int row = 0; row < model.rowCount(); ++row) {
            if (!matches(*model.rowAt(row)))
                return false;
        }
        if (!QTest::qWaitFor([&] { return model.totalCount() == model.rowCount(); }, 10000))
            return false;
        return model.rowCount() > 0;
    };
    CallFilter filter;
    filter.companyId = f.alpha;
    QVERIFY(check(filter, [&](const CallRow &r) { return r.companyId == f.alpha; }));
    QCOMPARE(model.rowCount(), 20);
    filter = {};
    filter.e164 = QStringLiteral("+15550000002");
    QVERIFY(check(filter, [&](const CallRow &r) { return r.e164 == filter.e164; }));
    QCOMPARE(model.rowCount(), 14);
    filter = {};
    filter.operatorId = QStringLiteral("op1");
    QVERIFY(check(filter, [&](const CallRow &r) { return r.operatorId == QStringLiteral("op1"); }));
    QCOMPARE(model.rowCount(), 10);
    filter = {};
    filter.direction = Direction::Inbound;
    QVERIFY(check(filter, [&](const CallRow &r) { return r.direction == Direction::Inbound; }));
    QCOMPARE(model.rowCount(), 9);
    filter = {};
    filter.fromSecs = Base + 3 * 3600;
    filter.toSecs = Base + 5 * 3600;
    QVERIFY(check(filter, [&](const CallRow &r) {
        return r.startedAt >= *filter.fromSecs && r.startedAt < *filter.toSecs;
    }));
    QCOMPARE(model.rowCount(), 4);
    filter = {};
    filter.environment = DevelopmentEnvironment;
    filter.companyId = f.zeta;
    filter.direction = Direction::Outbound;
    QVERIFY(check(filter, [&](const CallRow &r) {
        return r.environment == DevelopmentEnvironment && r.companyId == f.zeta &&
               r.direction == Direction::Outbound;
    }));
    // Filter and company order together.
    model.sort(static_cast<int>(Column::Company), Qt::AscendingOrder);
    QVERIFY(Test::waitLoaded(model));
    QVERIFY(loadAll(model));
    QCOMPARE(model.totalCount(), qint64(model.rowCount()));
}

void TestCallsTableModel::refreshInsertsNewCallsAtTop() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    model.setPageSize(10);
    model.reload();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QPersistentModelIndex kept(model.index(3, 0));
    const qint64 keptId = kept.data(RowIdRole).toLongLong();

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 2; ++i) {
        Test::CallSeed call;
        call.numberId = f.n1;
        call.e164 = QStringLiteral("+15550000001");
        call.companyId = f.alpha;
        call.startedAt = Base + 100 * 3600 + i;
        Test::addCall(*f.db, call);
    }
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserts.count(), 1);
    QCOMPARE(model.rowCount(), 12);
    QCOMPARE(model.rowAt(0)->startedAt, Base + 100 * 3600 + 1);
    QCOMPARE(kept.row(), 5);
    QCOMPARE(kept.data(RowIdRole).toLongLong(), keptId);
    QTRY_COMPARE(model.totalCount(), qint64(f.calls + 2));
}

// A long call is recorded when it ends, after shorter calls that started later: the live refresh
// puts it where it belongs, and one older than every loaded row arrives with paging, once.
void TestCallsTableModel::refreshFindsALongCallThatEndedLate() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    CallsTableModel model(*f.db);
    model.setPageSize(10);
    model.reload();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(Test::waitLoaded(model));
    QVERIFY(model.rowCount() >= 5);
    qint64 between = 0;
    int expectedRow = -1;
    for (int row = 1; row < model.rowCount(); ++row) {
        if (model.rowAt(row - 1)->startedAt - model.rowAt(row)->startedAt >= 2) {
            between = model.rowAt(row)->startedAt + 1;
            expectedRow = row;
            break;
        }
    }
    QVERIFY(expectedRow > 0);
    const qint64 oldest = model.rowAt(model.rowCount() - 1)->startedAt;
    for (qint64 startedAt : {between, oldest - 3600}) {
        Test::CallSeed call;
        call.numberId = f.n1;
        call.e164 = QStringLiteral("+15550000001");
        call.companyId = f.alpha;
        call.startedAt = startedAt;
        call.durationSeconds = 3000;
        Test::addCall(*f.db, call);
    }
    const int before = model.rowCount();
    model.refresh();
    QVERIFY(Test::waitLoaded(model));
    QCOMPARE(model.rowCount(), before + 1);
    QCOMPARE(model.rowAt(expectedRow)->startedAt, between);
    QTRY_COMPARE(model.totalCount(), qint64(f.calls + 2));
    // Paging brings the older one, and nothing twice.
    QVERIFY(loadAll(model));
    QCOMPARE(model.rowCount(), f.calls + 2);
    const QList<qint64> all = ids(model);
    QCOMPARE(QSet<qint64>(all.begin(), all.end()).size(), f.calls + 2);
}

QTEST_GUILESS_MAIN(TestCallsTableModel)
#include "tst_callstablemodel.moc"
