#include "TestDatabases.h"
#include "billing/CallHistory.h"
#include "billing/SqliteRows.h"
#include "pool/Companies.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QTest>

#include <algorithm>

using namespace PoolDesk;

// CallHistory::page() reads a filtered page in an order whose index does not narrow the filter in
// one of three ways on SQLite (Sort, Walk with a budget of rows, Intersect). Whichever it takes,
// the pages must be the same rows in the same order (ties broken by id) as the plain query, page
// after page. The data ties operators to durations and companies to numbers, as the 10-million-call
// benchmark does, so that walks along the order pass many rows and run out of budget.
class TestCallHistoryPages : public QObject {
    Q_OBJECT
private slots:
    void everyWayReadsTheSamePages_data() { Test::addEngineRows(); }
    void everyWayReadsTheSamePages();
    void automaticChoiceFollowsTheFilter_data() { Test::addEngineRows(); }
    void automaticChoiceFollowsTheFilter();
};

namespace {

constexpr qint64 Base = 1'767'225'600; // 2026-01-01T00:00:00Z
constexpr int Calls = 240;

struct Fixture {
    std::unique_ptr<Database> db;
    QList<qint64> companies; // Alpha, Beta, Gamma
    QList<CallRow> rows;     // every call, as the plain query reads them
};

QString numberOf(int k) {
    return QStringLiteral("+1555000000%1").arg(k);
}

Fixture seed(const QString &engine) {
    Fixture f;
    f.db = Test::freshDatabase(engine);
    const Actor actor{QStringLiteral("user:test")};
    for (const char *name : {"Alpha", "Beta", "Gamma"}) {
        auto added = Companies(*f.db).add(actor, QString::fromLatin1(name), Plan::Standard);
        if (!added)
            qFatal("cannot add a company: %s", qPrintable(added.error().message));
        f.companies << added->id;
    }
    Transaction transaction(*f.db);
    for (int i = 0; i < Calls; ++i) {
        // Gamma calls only from the first number; Alpha and Beta from the others.
        const int number = i % 3 == 0 ? 0 : 1 + i % 5;
        const qint64 company = number == 0 ? f.companies[2] : f.companies[i % 2];
        // Operators own a band of durations each (op0 the shortest calls); one call in 11 has none.
        // The development environment's calls (one in 7) are the longest of all.
        const int op = i % 5;
        const qint64 duration = (i % 7 == 0 ? 1000 : 0) + op * 100 + (i * 7) % 13;
        const qint64 minutes = (duration + 59) / 60;
        const qint64 cost = minutes * 13'000;
        QVariant price = i % 3 == 0 ? QVariant(QMetaType(QMetaType::LongLong)) : QVariant(cost + i % 2);
        const qint64 started = Base + (i / 2) * 60; // pairs of calls start together
        auto done = Sql::exec(
            f.db->connection(),
            QStringLiteral("INSERT INTO call_records (e164, company_id, operator, direction, started_at, "
                           "ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
                           "twilio_price_micros, environment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {numberOf(number), company,
             i % 11 == 0 ? QVariant(QMetaType(QMetaType::QString)) : QVariant(QStringLiteral("op%1").arg(op)),
             i % 4 == 0 ? QStringLiteral("inbound") : QStringLiteral("outbound"), started, started + duration,
             duration, minutes, cost, price,
             i % 7 == 0 ? QStringLiteral("development") : QStringLiteral("production")});
        if (!done)
            qFatal("cannot add a call: %s", qPrintable(done.error().message));
    }
    if (!transaction.commit())
        qFatal("cannot commit the calls");
    auto all = CallHistory::page(*f.db, {}, CallSort::StartedAt, Qt::AscendingOrder, {}, Calls + 1);
    if (!all || all->rows.size() != Calls)
        qFatal("cannot read the calls back");
    f.rows = all->rows;
    return f;
}

bool matches(const CallFilter &filter, const CallRow &row) {
    return (!filter.companyId || row.companyId == filter.companyId) &&
           (filter.e164.isEmpty() || row.e164 == filter.e164) &&
           (filter.operatorId.isEmpty() || row.operatorId == filter.operatorId) &&
           (!filter.direction || row.direction == *filter.direction) &&
           (!filter.fromSecs || row.startedAt >= *filter.fromSecs) &&
           (!filter.toSecs || row.startedAt < *filter.toSecs) &&
           (filter.environment.isEmpty() || row.environment == filter.environment);
}

QVariantList keyOf(CallSort sort, const CallRow &row) {
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        return {row.startedAt, row.id};
    case CallSort::Number:
        return {row.e164, row.startedAt, row.id};
    case CallSort::Operator:
        return {row.operatorId, row.startedAt, row.id};
    case CallSort::Direction:
        return {toString(row.direction), row.startedAt, row.id};
    case CallSort::Duration:
        return {row.durationSeconds, row.id};
    case CallSort::Cost:
        return {row.estimatedCost, row.id};
    case CallSort::TwilioPrice:
        return {row.twilioPrice.value_or(-1), row.id};
    case CallSort::Environment:
        return {row.environment, row.startedAt, row.id};
    }
    return {};
}

// The ids the filter keeps, in the order, worked out here from every row.
QList<qint64> expectedIds(const Fixture &f, const CallFilter &filter, CallSort sort, Qt::SortOrder order) {
    QList<CallRow> kept;
    for (const CallRow &row : f.rows) {
        if (matches(filter, row))
            kept << row;
    }
    std::sort(kept.begin(), kept.end(), [&](const CallRow &a, const CallRow &b) {
        const QVariantList ka = keyOf(sort, a);
        const QVariantList kb = keyOf(sort, b);
        for (int i = 0; i < ka.size(); ++i) {
            const auto ordering = QVariant::compare(ka[i], kb[i]);
            if (ordering == QPartialOrdering::Equivalent)
                continue;
            return (ordering == QPartialOrdering::Less) == (order == Qt::AscendingOrder);
        }
        return false;
    });
    QList<qint64> ids;
    for (const CallRow &row : kept)
        ids << row.id;
    return ids;
}

struct Paged {
    QList<qint64> ids;
    QList<PageRead> reads;
    bool ok = true;
};

Paged readAll(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
              const PagePlan &plan, int limit) {
    Paged paged;
    CallCursor cursor;
    for (int guard = 0; guard <= Calls; ++guard) {
        auto next = CallHistory::page(db, filter, sort, order, cursor, limit, plan);
        if (!next) {
            qWarning() << next.error().message;
            paged.ok = false;
            return paged;
        }
        for (const CallRow &row : next->rows)
            paged.ids << row.id;
        paged.reads << next->readBy;
        if (next->atEnd)
            return paged;
        cursor = next->next;
    }
    paged.ok = false;
    return paged;
}

QList<CallFilter> filters(const Fixture &f) {
    QList<CallFilter> list;
    CallFilter filter;
    filter.companyId = f.companies[2]; // Gamma: only the first number
    list << filter;
    filter = {};
    filter.operatorId = QStringLiteral("op0"); // the shortest calls
    list << filter;
    filter.operatorId = QStringLiteral("op4"); // the longest
    list << filter;
    filter = {};
    filter.direction = Direction::Inbound;
    list << filter;
    filter = {};
    filter.e164 = numberOf(3);
    list << filter;
    filter = {};
    filter.fromSecs = Base + 30 * 60;
    filter.toSecs = Base + 50 * 60;
    list << filter;
    filter = {};
    filter.companyId = f.companies[0];
    filter.direction = Direction::Outbound;
    filter.environment = QStringLiteral("production");
    list << filter;
    filter = {};
    filter.environment = QStringLiteral("development");
    list << filter;
    filter = {};
    filter.companyId = f.companies[1];
    filter.operatorId = QStringLiteral("op9"); // nothing
    list << filter;
    return list;
}

const QList<CallSort> Sorts = {CallSort::StartedAt,   CallSort::Number,     CallSort::Operator,
                               CallSort::Direction,   CallSort::Duration,   CallSort::Cost,
                               CallSort::TwilioPrice, CallSort::Environment};

} // namespace

void TestCallHistoryPages::everyWayReadsTheSamePages() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    const bool sqlite = engine == QLatin1String("sqlite");
    struct Way {
        const char *name;
        PagePlan plan;
    };
    QList<Way> ways{{"automatic", {}}};
    QCOMPARE(SqliteRows::available(*f.db), sqlite); // Intersect through SQLite's C API is tested too
    if (sqlite) {
        ways << Way{"sort", {PageRead::Sort, 0, true}} << Way{"intersect", {PageRead::Intersect, 0, true}}
             << Way{"intersect in SQL", {PageRead::Intersect, 0, false}}
             << Way{"walk", {PageRead::Walk, 20'000, true}}
             << Way{"walk with a budget of 9 rows", {PageRead::Walk, 9, true}}
             << Way{"walk with a budget of 1 row, then intersect in SQL", {PageRead::Walk, 1, false}};
    }
    QSet<int> seen; // the ways pages were read by, over the whole test
    int walksGivenUp = 0;
    for (const CallFilter &filter : filters(f)) {
        for (const CallSort sort : Sorts) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                const QList<qint64> expected = expectedIds(f, filter, sort, order);
                for (const Way &way : ways) {
                    for (const int limit : {7, 50}) {
                        const Paged paged = readAll(*f.db, filter, sort, order, way.plan, limit);
                        const QString what =
                            QStringLiteral("%1, sort %2 %3, %4 rows a page, filter #%5")
                                .arg(QLatin1String(way.name))
                                .arg(static_cast<int>(sort))
                                .arg(QLatin1String(order == Qt::AscendingOrder ? "asc" : "desc"))
                                .arg(limit)
                                .arg(filters(f).indexOf(filter));
                        QVERIFY2(paged.ok, qPrintable(what));
                        if (paged.ids != expected)
                            qWarning() << what << paged.ids << expected;
                        QVERIFY2(paged.ids == expected, qPrintable(what));
                        for (const PageRead read : paged.reads) {
                            seen.insert(static_cast<int>(read));
                            if (way.plan.force == PageRead::Walk && read == PageRead::Intersect)
                                ++walksGivenUp;
                        }
                    }
                }
            }
        }
    }
    if (sqlite) {
        // Every way was taken, and walks ran out of budget and went on by Intersect.
        for (const PageRead read : {PageRead::Planner, PageRead::Sort, PageRead::Walk, PageRead::Intersect})
            QVERIFY2(seen.contains(static_cast<int>(read)),
                     qPrintable(QString::number(static_cast<int>(read))));
        QVERIFY(walksGivenUp > 0);
    } else {
        QCOMPARE(seen, QSet<int>{static_cast<int>(PageRead::Planner)}); // PostgreSQL's planner chooses
    }
}

// Left to itself, page() sorts a narrow filter's rows, walks for a broad one and intersects in
// between; a walk that passes its budget without a page goes on by Intersect.
void TestCallHistoryPages::automaticChoiceFollowsTheFilter() {
    QFETCH(QString, engine);
    Fixture f = seed(engine);
    const bool sqlite = engine == QLatin1String("sqlite");
    const auto firstRead = [&](const CallFilter &filter, CallSort sort, Qt::SortOrder order, int limit,
                               qint64 budget = 0) {
        PagePlan plan;
        plan.walkBudget = budget;
        auto first = CallHistory::page(*f.db, filter, sort, order, {}, limit, plan);
        return first ? first->readBy : PageRead::Planner;
    };
    CallFilter number;
    number.e164 = numberOf(3); // 32 calls
    CallFilter production;
    production.environment = QStringLiteral("production"); // 205 calls, the development ones longer
    CallFilter gamma;
    gamma.companyId = f.companies[2]; // 80 calls
    // The order's index narrows the filter: one query.
    QCOMPARE(firstRead(number, CallSort::Number, Qt::DescendingOrder, 5), PageRead::Planner);
    if (!sqlite) {
        QCOMPARE(firstRead(production, CallSort::Duration, Qt::DescendingOrder, 1), PageRead::Planner);
        return;
    }
    // Fewer matching rows than sqrt(page size x 240 / 37), or than a page: sorted.
    QCOMPARE(firstRead(number, CallSort::Duration, Qt::DescendingOrder, 40), PageRead::Sort);
    // From sqrt(40 x page size x 240) matching rows (98 for 1-row pages) a walk goes first...
    QCOMPARE(firstRead(production, CallSort::Duration, Qt::AscendingOrder, 1), PageRead::Walk);
    // ... and gives up for Intersect when its budget passes only development calls.
    QCOMPARE(firstRead(production, CallSort::Duration, Qt::DescendingOrder, 1, 20), PageRead::Intersect);
    QCOMPARE(firstRead(production, CallSort::Duration, Qt::DescendingOrder, 1, 100), PageRead::Walk);
    // In between: Intersect.
    QCOMPARE(firstRead(gamma, CallSort::Duration, Qt::DescendingOrder, 1), PageRead::Intersect);
}

QTEST_GUILESS_MAIN(TestCallHistoryPages)
#include "tst_callhistorypages.moc"
