#include "billing/CallHistory.h"

#include "billing/SqliteRows.h"

#include "domain/Money.h"
#include "storage/Database.h"
#include "storage/ReadSnapshot.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace PoolDesk::CallHistory {

namespace {

const QString SelectColumns = QStringLiteral(
    "SELECT cr.id, cr.started_at, cr.ended_at, cr.company_id, c.name, cr.number_id, cr.e164, cr.operator, "
    "cr.direction, cr.duration_seconds, cr.billed_minutes, cr.estimated_cost_micros, cr.twilio_price_micros, "
    "cr.environment, cr.session, cr.call_sid FROM call_records cr LEFT JOIN companies c ON c.id = "
    "cr.company_id "
    "WHERE 1 = 1");

// `steer`: "+" in front of a column keeps SQLite from reading that condition through an index
// (the condition is then checked on each row the chosen index yields): a walk along the order's
// index (see page()). `alias` names the call_records table in the statement.
void appendFilter(const CallFilter &filter, QString &sql, QVariantList &bindings,
                  std::optional<CallSort> steer = std::nullopt, QLatin1String alias = QLatin1String("cr")) {
    const auto column = [&](const char *name, bool sortColumn) -> QString {
        return (steer && !sortColumn ? QStringLiteral(" AND +") : QStringLiteral(" AND ")) + alias +
               QLatin1Char('.') + QLatin1String(name);
    };
    const CallSort sort = steer.value_or(CallSort::StartedAt);
    if (filter.companyId) {
        sql += column("company_id = ?", false);
        bindings << *filter.companyId;
    }
    if (!filter.e164.isEmpty()) {
        sql += column("e164 = ?", sort == CallSort::Number);
        bindings << filter.e164;
    }
    if (!filter.operatorId.isEmpty()) {
        sql += (steer && sort != CallSort::Operator ? QStringLiteral(" AND +COALESCE(")
                                                    : QStringLiteral(" AND COALESCE(")) +
               alias + QStringLiteral(".operator, '') = ?");
        bindings << filter.operatorId;
    }
    if (filter.direction) {
        sql += column("direction = ?", sort == CallSort::Direction);
        bindings << toString(*filter.direction);
    }
    if (filter.fromSecs) {
        sql += column("started_at >= ?", sort == CallSort::StartedAt);
        bindings << *filter.fromSecs;
    }
    if (filter.toSecs) {
        sql += column("started_at < ?", sort == CallSort::StartedAt);
        bindings << *filter.toSecs;
    }
    if (!filter.environment.isEmpty()) {
        sql += column("environment = ?", sort == CallSort::Environment);
        bindings << filter.environment;
    }
}

// True when the index that gives the order also narrows the filter (or there is no filter), so the
// planner reads a page as one index range in order, whatever the filter.
bool sortIndexServes(const CallFilter &filter, CallSort sort) {
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        return true; // every filter's index is (column, started_at, id), or started_at itself
    case CallSort::Number:
        if (!filter.e164.isEmpty())
            return true;
        break;
    case CallSort::Operator:
        if (!filter.operatorId.isEmpty())
            return true;
        break;
    case CallSort::Direction:
        if (filter.direction)
            return true;
        break;
    case CallSort::Environment:
        if (!filter.environment.isEmpty())
            return true;
        break;
    case CallSort::Duration:
    case CallSort::Cost:
    case CallSort::TwilioPrice:
        break;
    }
    return filter == CallFilter{};
}

// The sort key's SQL expressions on the table named `alias` (the row id follows them), and the same
// values from a row.
QStringList keyExpressions(CallSort sort, QLatin1String alias = QLatin1String("cr")) {
    const auto on = [&](const char *column) -> QString {
        return QString(alias) + QLatin1Char('.') + QLatin1String(column);
    };
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        return {on("started_at")};
    case CallSort::Number:
        return {on("e164"), on("started_at")};
    case CallSort::Operator:
        return {QStringLiteral("COALESCE(") + on("operator") + QStringLiteral(", '')"), on("started_at")};
    case CallSort::Direction:
        return {on("direction"), on("started_at")};
    case CallSort::Duration:
        return {on("duration_seconds")};
    case CallSort::Cost:
        return {on("estimated_cost_micros")};
    case CallSort::TwilioPrice:
        return {QStringLiteral("COALESCE(") + on("twilio_price_micros") + QStringLiteral(", -1)")};
    case CallSort::Environment:
        return {on("environment"), on("started_at")};
    }
    return {on("started_at")};
}

QVariantList keyValues(CallSort sort, const CallRow &row) {
    QVariantList values;
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        values = {row.startedAt};
        break;
    case CallSort::Number:
        values = {row.e164, row.startedAt};
        break;
    case CallSort::Operator:
        // A call without an operator sorts as '' (COALESCE): bound as '' rather than as NULL, which
        // would compare as unknown and end the pages there.
        values = {row.operatorId.isNull() ? QStringLiteral("") : row.operatorId, row.startedAt};
        break;
    case CallSort::Direction:
        values = {toString(row.direction), row.startedAt};
        break;
    case CallSort::Duration:
        values = {row.durationSeconds};
        break;
    case CallSort::Cost:
        values = {row.estimatedCost};
        break;
    case CallSort::TwilioPrice:
        values = {row.twilioPrice.value_or(-1)};
        break;
    case CallSort::Environment:
        values = {row.environment, row.startedAt};
        break;
    }
    values << row.id;
    return values;
}

CallRow rowFrom(const QSqlQuery &query, QHash<qint64, QString> &names) {
    CallRow row;
    row.id = query.value(0).toLongLong();
    row.startedAt = query.value(1).toLongLong();
    row.endedAt = query.value(2).toLongLong();
    row.companyId = Sql::optionalInt(query.value(3));
    if (row.companyId) {
        // One shared string per company keeps a large page small.
        auto it = names.find(*row.companyId);
        if (it == names.end())
            it = names.insert(*row.companyId, query.value(4).toString());
        row.companyName = it.value();
    }
    row.numberId = Sql::optionalInt(query.value(5));
    row.e164 = query.value(6).toString();
    row.operatorId = query.value(7).toString();
    row.direction = directionFromString(query.value(8).toString()).value_or(Direction::Outbound);
    row.durationSeconds = query.value(9).toLongLong();
    row.billedMinutes = query.value(10).toLongLong();
    row.estimatedCost = query.value(11).toLongLong();
    row.twilioPrice = Sql::optionalInt(query.value(12));
    row.environment = query.value(13).toString();
    row.session = query.value(14).toString();
    row.callSid = query.value(15).toString();
    return row;
}

Result<QList<CallRow>> runRows(Database &db, const QString &sql, const QVariantList &bindings) {
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    QList<CallRow> rows;
    QHash<qint64, QString> names;
    while (query.next())
        rows.append(rowFrom(query, names));
    return rows;
}

// " AND (keys) < (?, ...)" (or another comparison) for keys with the row id last.
QString keyComparison(const QStringList &keys, const QString &comparison) {
    QStringList marks;
    for (int i = 0; i < keys.size(); ++i)
        marks << QStringLiteral("?");
    return QStringLiteral(" AND (") + keys.join(QStringLiteral(", ")) + QStringLiteral(") ") + comparison +
           QStringLiteral(" (") + marks.join(QStringLiteral(", ")) + QStringLiteral(")");
}

// " ORDER BY k1 DESC, ..., id DESC"
QString orderBy(const QStringList &keys, bool descending) {
    const QString direction = descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    return QStringLiteral(" ORDER BY ") + keys.join(direction + QStringLiteral(", ")) + direction;
}

QStringList keysWithId(CallSort sort, QLatin1String alias) {
    QStringList keys = keyExpressions(sort, alias);
    keys << QString(alias) + QStringLiteral(".id");
    return keys;
}

// One keyset step's SQL: rows after `key` (empty: from the start) in the order, with an extra
// condition; limit <= 0 reads to the end. `walkSortIndex` steers SQLite onto the order's index.
void keysetSql(const CallFilter &filter, CallSort sort, Qt::SortOrder order, const QVariantList &key,
               const QString &extraCondition, const QVariantList &extraBindings, int limit, QString &sql,
               QVariantList &bindings, bool walkSortIndex = false) {
    sql = SelectColumns;
    bindings.clear();
    appendFilter(filter, sql, bindings, walkSortIndex ? std::optional<CallSort>(sort) : std::nullopt);
    sql += extraCondition;
    bindings += extraBindings;
    const QStringList keys = keysWithId(sort, QLatin1String("cr"));
    const bool descending = order == Qt::DescendingOrder;
    if (!key.isEmpty()) {
        sql += keyComparison(keys, descending ? QStringLiteral("<") : QStringLiteral(">"));
        bindings += key;
    }
    sql += orderBy(keys, descending);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT ") + QString::number(limit);
}

Result<QList<CallRow>> keysetRows(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
                                  const QVariantList &key, const QString &extraCondition,
                                  const QVariantList &extraBindings, int limit, bool walkSortIndex = false) {
    QString sql;
    QVariantList bindings;
    keysetSql(filter, sort, order, key, extraCondition, extraBindings, limit, sql, bindings, walkSortIndex);
    return runRows(db, sql, bindings);
}

Result<qint64> scalar(Database &db, const QString &sql, const QVariantList &bindings) {
    auto query = Sql::exec(db.connection(), sql, bindings);
    if (!query)
        return query.error();
    if (!query.value().next())
        return Sql::storageError(*query);
    return query->value(0).toLongLong();
}

// A filtered page in an order whose index does not narrow the filter, on SQLite (PostgreSQL's
// planner has the statistics to choose by itself; SQLite's has none in a console's database).
// Three ways, with their costs measured at 10 million calls (warm cache; per row: a table lookup
// ~3.5 us, an index entry read through SQLite's C API ~0.07 us, a matching id marked ~0.09 us),
// for M matching rows:
// - Sort: the filter's index, a table lookup per matching row, then the sort: ~M lookups.
// - Walk: the order's index, a table lookup per row to check the filter, until the page is full:
//   ~limit x all / M lookups while the filter's rows are spread along the order. Data where they
//   sit far along it (an operator whose calls are all short, a company whose numbers all sort
//   last) would pass millions, so a walk has a budget of rows: it stops at the key `budget` rows
//   along the index (found index only) and, when those hold less than a page, gives up.
// - Intersect: the ids of the matching rows, marked in a bitmap from the filter's index (index
//   only), then the order's index read index only until a page of marked ids, then those rows by
//   id: ~M marks plus the index entries passed (0.2 s for 2 million matches, the whole index
//   ~0.7 s at worst). Without SQLite's C API the same in SQL, ~3x slower (an id set in a B-tree).
// Sort wins below about sqrt(limit x all rows / 37) matching rows (~12,000 for 500-row pages at 10
// million); a walk beats Intersect when it fills the page within M / 40 rows, which a filter spread
// evenly does from sqrt(40 x limit x all rows) matching rows (~450,000): those walk first with that
// budget, and Intersect reads the page when the walk gives up.
constexpr double LookupPerEntry = 37; // (table lookup - marked id) / index entry, as measured
constexpr double LookupPerMark = 40;  // (table lookup - index entry) / marked id, as measured

struct Choice {
    PageRead read = PageRead::Sort;
    qint64 walkBudget = 0;
};

Result<Choice> chooseRead(Database &db, const CallFilter &filter, int limit) {
    auto size = scalar(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM call_records"), {});
    if (!size)
        return size.error();
    const double all = static_cast<double>(size.value());
    const qint64 sortBelow =
        std::max<qint64>(limit, static_cast<qint64>(std::sqrt(limit * all / LookupPerEntry)));
    const qint64 walkFrom =
        std::max<qint64>(sortBelow, static_cast<qint64>(std::sqrt(LookupPerMark * limit * all)));
    // Counted through the filter's index, index only: ~35 ms for the 450,000 at 10 million.
    QString sql = QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM call_records cr WHERE 1 = 1");
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    sql += QStringLiteral(" LIMIT ") + QString::number(walkFrom) + QStringLiteral(") matching");
    auto matching = scalar(db, sql, bindings);
    if (!matching)
        return matching.error();
    Choice choice;
    if (matching.value() < sortBelow)
        choice.read = PageRead::Sort;
    else if (matching.value() < walkFrom)
        choice.read = PageRead::Intersect;
    else
        choice.read = PageRead::Walk;
    choice.walkBudget =
        std::max<qint64>(limit, static_cast<qint64>(static_cast<double>(matching.value()) / LookupPerMark));
    return choice;
}

// The walk: rows after `key` along the order's index, looking at `budget` rows at most. Nothing
// when those hold fewer than a page of matches and the index goes on.
Result<std::optional<QList<CallRow>>> walkRows(Database &db, const CallFilter &filter, CallSort sort,
                                               Qt::SortOrder order, const QVariantList &key, int limit,
                                               qint64 budget) {
    const bool descending = order == Qt::DescendingOrder;
    // The key `budget` rows along (index only where the order's key is a plain column).
    const QStringList walked = keysWithId(sort, QLatin1String("d"));
    QString sql = QStringLiteral("SELECT ") + walked.join(QStringLiteral(", ")) +
                  QStringLiteral(" FROM call_records d WHERE 1 = 1");
    QVariantList bindings;
    if (!key.isEmpty()) {
        sql += keyComparison(walked, descending ? QStringLiteral("<") : QStringLiteral(">"));
        bindings += key;
    }
    sql += orderBy(walked, descending) + QStringLiteral(" LIMIT 1 OFFSET ") +
           QString::number(std::max<qint64>(1, budget) - 1);
    QVariantList boundary;
    {
        auto query = Sql::exec(db.connection(), sql, bindings);
        if (!query)
            return query.error();
        if (query.value().next()) {
            for (int i = 0; i < walked.size(); ++i)
                boundary << query->value(i);
        }
    }
    QString condition;
    if (!boundary.isEmpty())
        condition = keyComparison(keysWithId(sort, QLatin1String("cr")),
                                  descending ? QStringLiteral(">=") : QStringLiteral("<="));
    keysetSql(filter, sort, order, key, condition, boundary, limit, sql, bindings, true);
    auto rows = runRows(db, sql, bindings);
    if (!rows)
        return rows.error();
    if (rows->size() < limit && !boundary.isEmpty())
        return std::optional<QList<CallRow>>();
    return std::optional<QList<CallRow>>(std::move(rows).value());
}

// Intersect: the order's index read index only, kept to the ids the filter's index gives; then the
// page's rows by id.
Result<QList<CallRow>> intersectRows(Database &db, const CallFilter &filter, CallSort sort,
                                     Qt::SortOrder order, const QVariantList &key, int limit) {
    const bool descending = order == Qt::DescendingOrder;
    const QStringList walked = keysWithId(sort, QLatin1String("d"));
    QVariantList bindings;
    QString inner = QStringLiteral("SELECT d.id FROM call_records d WHERE 1 = 1");
    if (!key.isEmpty()) {
        inner += keyComparison(walked, descending ? QStringLiteral("<") : QStringLiteral(">"));
        bindings += key;
    }
    // "+d.id": the ids are a set to check each index entry against, not a list to read rows by.
    inner += QStringLiteral(" AND +d.id IN (SELECT m.id FROM call_records m WHERE 1 = 1");
    appendFilter(filter, inner, bindings, std::nullopt, QLatin1String("m"));
    inner += QStringLiteral(")") + orderBy(walked, descending) + QStringLiteral(" LIMIT ") +
             QString::number(limit);
    const QString sql = SelectColumns + QStringLiteral(" AND cr.id IN (") + inner + QStringLiteral(")") +
                        orderBy(keysWithId(sort, QLatin1String("cr")), descending);
    return runRows(db, sql, bindings);
}

// Intersect through SQLite's C API: the matching ids marked in a bitmap (one bit per id between
// the smallest and the largest: 1.2 MB at 10 million), then the order's index read until a page of
// marked ids, in one read transaction so that both passes see the same calls. Nothing when the ids
// spread too far for a bitmap (the SQL form then reads the page).
Result<std::optional<QList<CallRow>>> nativeIntersectRows(Database &db, const CallFilter &filter,
                                                          CallSort sort, Qt::SortOrder order,
                                                          const QVariantList &key, int limit) {
    constexpr qint64 MaxBitmapIds = qint64(1) << 28; // 32 MB
    const bool descending = order == Qt::DescendingOrder;
    ReadSnapshot snapshot(db);
    if (auto begun = snapshot.begin(); !begun)
        return begun.error();
    qint64 first = 0;
    qint64 span = 0;
    {
        QSqlQuery bounds(db.connection());
        bounds.setForwardOnly(true);
        // Two subqueries: min() and max() together would scan the whole table.
        if (!bounds.exec(QStringLiteral("SELECT COALESCE((SELECT MIN(id) FROM call_records), 0), "
                                        "COALESCE((SELECT MAX(id) FROM call_records), -1)")) ||
            !bounds.next())
            return Sql::storageError(bounds);
        first = bounds.value(0).toLongLong();
        span = bounds.value(1).toLongLong() - first + 1;
    }
    if (span > MaxBitmapIds)
        return std::optional<QList<CallRow>>();
    if (span <= 0)
        return std::optional<QList<CallRow>>(QList<CallRow>());
    std::vector<quint64> marks(static_cast<size_t>((span + 63) / 64));
    {
        QString sql = QStringLiteral("SELECT m.id FROM call_records m WHERE 1 = 1");
        QVariantList bindings;
        appendFilter(filter, sql, bindings, std::nullopt, QLatin1String("m"));
        auto prepared = SqliteRows::prepare(db, sql, bindings);
        if (!prepared)
            return prepared.error();
        SqliteRows &rows = *prepared.value();
        while (rows.next()) {
            const qint64 at = rows.integer(0) - first;
            if (at >= 0 && at < span)
                marks[static_cast<size_t>(at >> 6)] |= quint64(1) << (at & 63);
        }
        if (const Status status = rows.status(); !status)
            return status.error();
    }
    QStringList ids;
    {
        const QStringList walked = keysWithId(sort, QLatin1String("d"));
        QString sql = QStringLiteral("SELECT d.id FROM call_records d WHERE 1 = 1");
        QVariantList bindings;
        if (!key.isEmpty()) {
            sql += keyComparison(walked, descending ? QStringLiteral("<") : QStringLiteral(">"));
            bindings += key;
        }
        // The LIMIT (every row) keeps the planner on the order's index rather than a sort.
        sql += orderBy(walked, descending) + QStringLiteral(" LIMIT ") + QString::number(span);
        auto prepared = SqliteRows::prepare(db, sql, bindings);
        if (!prepared)
            return prepared.error();
        SqliteRows &rows = *prepared.value();
        while (ids.size() < limit && rows.next()) {
            const qint64 id = rows.integer(0);
            const qint64 at = id - first;
            if (at >= 0 && at < span && (marks[static_cast<size_t>(at >> 6)] >> (at & 63)) & 1)
                ids << QString::number(id);
        }
        if (const Status status = rows.status(); !status)
            return status.error();
    }
    if (ids.isEmpty())
        return std::optional<QList<CallRow>>(QList<CallRow>());
    // The ids are integers read from the table: written into the statement as they are.
    const QString sql = SelectColumns + QStringLiteral(" AND cr.id IN (") + ids.join(QStringLiteral(", ")) +
                        QStringLiteral(")") + orderBy(keysWithId(sort, QLatin1String("cr")), descending);
    auto rows = runRows(db, sql, {});
    if (!rows)
        return rows.error();
    return std::optional<QList<CallRow>>(std::move(rows).value());
}

// The extra condition that keeps one company's calls (NULL: calls of deleted companies).
QString companyCondition(const std::optional<qint64> &company) {
    return company ? QStringLiteral(" AND cr.company_id = ?") : QStringLiteral(" AND cr.company_id IS NULL");
}

// Companies in name order for the company sort (a NULL id stands for calls of deleted companies).
Result<QList<std::optional<qint64>>> companyOrder(Database &db, const CallFilter &filter,
                                                  Qt::SortOrder order) {
    QList<std::optional<qint64>> ids;
    if (filter.companyId) {
        ids.append(filter.companyId);
        return ids;
    }
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT id FROM companies ORDER BY name, id")))
        return Sql::storageError(query);
    while (query.next())
        ids.append(query.value(0).toLongLong());
    ids.append(std::nullopt);
    if (order == Qt::DescendingOrder)
        std::reverse(ids.begin(), ids.end());
    return ids;
}

} // namespace

Result<CallPage> page(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
                      const CallCursor &cursor, int limit, const PagePlan &plan) {
    limit = std::max(1, limit);
    CallPage result;
    std::optional<Choice> chosenForNext;
    if (sort != CallSort::Company) {
        const QVariantList key = cursor.atStart ? QVariantList() : cursor.key;
        Result<QList<CallRow>> rows = QList<CallRow>();
        if (!db.isSqlite() || sortIndexServes(filter, sort)) {
            rows = keysetRows(db, filter, sort, order, key, QString(), {}, limit);
        } else {
            Choice choice;
            if (plan.force && *plan.force != PageRead::Planner) {
                choice.read = *plan.force;
            } else if (cursor.chosenRead) {
                choice = {*cursor.chosenRead, cursor.chosenWalkBudget};
            } else {
                auto chosen = chooseRead(db, filter, limit);
                if (!chosen)
                    return chosen.error();
                choice = chosen.value();
                chosenForNext = choice;
            }
            if (plan.walkBudget > 0)
                choice.walkBudget = plan.walkBudget;
            if (choice.read == PageRead::Walk) {
                auto walked =
                    walkRows(db, filter, sort, order, key, limit, std::max<qint64>(limit, choice.walkBudget));
                if (!walked)
                    return walked.error();
                if (walked->has_value())
                    rows = std::move(**walked);
                else
                    choice.read = PageRead::Intersect; // the walk ran out of budget
            }
            if (choice.read == PageRead::Intersect) {
                std::optional<QList<CallRow>> marked;
                if (plan.native && SqliteRows::available(db)) {
                    auto native = nativeIntersectRows(db, filter, sort, order, key, limit);
                    if (!native)
                        return native.error();
                    marked = std::move(native).value();
                }
                if (marked)
                    rows = std::move(*marked);
                else
                    rows = intersectRows(db, filter, sort, order, key, limit);
            } else if (choice.read == PageRead::Sort) {
                rows = keysetRows(db, filter, sort, order, key, QString(), {}, limit);
            }
            result.readBy = choice.read;
        }
        if (!rows)
            return rows.error();
        result.rows = std::move(rows).value();
        result.atEnd = result.rows.size() < limit;
        result.next = cursor;
        if (chosenForNext) {
            result.next.chosenRead = chosenForNext->read;
            result.next.chosenWalkBudget = chosenForNext->walkBudget;
        }
        if (!result.rows.isEmpty()) {
            result.next.atStart = false;
            result.next.key = keyValues(sort, result.rows.constLast());
        }
        return result;
    }
    auto companies = companyOrder(db, filter, order);
    if (!companies)
        return companies.error();
    CallCursor next = cursor;
    if (next.atStart) {
        next.companyIndex = 0;
        next.key.clear();
    }
    next.atStart = false;
    while (result.rows.size() < limit && next.companyIndex < companies->size()) {
        const std::optional<qint64> company = companies->at(next.companyIndex);
        const QString condition = companyCondition(company);
        const QVariantList bindings = company ? QVariantList{*company} : QVariantList{};
        const int wanted = limit - static_cast<int>(result.rows.size());
        auto rows = keysetRows(db, filter, sort, order, next.key, condition, bindings, wanted);
        if (!rows)
            return rows.error();
        result.rows += rows.value();
        if (rows->size() < wanted) {
            ++next.companyIndex;
            next.key.clear();
        } else {
            next.key = keyValues(sort, rows->constLast());
        }
    }
    result.atEnd = next.companyIndex >= companies->size();
    result.next = next;
    return result;
}

Result<qint64> lastId(Database &db) {
    return scalar(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM call_records"), {});
}

Result<QList<CallRow>> addedAfter(Database &db, const CallFilter &filter, qint64 afterId, int limit) {
    QString sql = SelectColumns;
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    sql += QStringLiteral(" AND cr.id > ? ORDER BY cr.id LIMIT ") + QString::number(limit);
    bindings << afterId;
    return runRows(db, sql, bindings);
}

Result<qint64> count(Database &db, const CallFilter &filter) {
    QString sql = QStringLiteral("SELECT COUNT(*) FROM call_records cr WHERE 1 = 1");
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    return scalar(db, sql, bindings);
}

Result<CallSummary> summary(Database &db, const CallFilter &filter) {
    QString sql = QStringLiteral(
        "SELECT COUNT(*), COALESCE(SUM(cr.billed_minutes), 0), COALESCE(SUM(cr.duration_seconds), 0), "
        "COALESCE(SUM(COALESCE(cr.twilio_price_micros, cr.estimated_cost_micros)), 0), "
        "COALESCE(SUM(cr.estimated_cost_micros), 0), COALESCE(SUM(CASE WHEN cr.twilio_price_micros IS NULL "
        "THEN 0 "
        "ELSE 1 END), 0) FROM call_records cr WHERE 1 = 1");
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec() || !query.next())
        return Sql::storageError(query);
    CallSummary result;
    result.calls = query.value(0).toLongLong();
    result.billedMinutes = query.value(1).toLongLong();
    result.durationSeconds = query.value(2).toLongLong();
    result.cost = query.value(3).toLongLong();
    result.estimated = query.value(4).toLongLong();
    result.twilioPricedCalls = query.value(5).toLongLong();
    return result;
}

QStringList csvHeader() {
    return {QCoreApplication::translate("CallHistory", "Started"),
            QCoreApplication::translate("CallHistory", "Ended"),
            QCoreApplication::translate("CallHistory", "Company"),
            QCoreApplication::translate("CallHistory", "Number"),
            QCoreApplication::translate("CallHistory", "Operator"),
            QCoreApplication::translate("CallHistory", "Direction"),
            QCoreApplication::translate("CallHistory", "Duration (s)"),
            QCoreApplication::translate("CallHistory", "Billed minutes"),
            QCoreApplication::translate("CallHistory", "Cost (USD)"),
            QCoreApplication::translate("CallHistory", "Price source"),
            QCoreApplication::translate("CallHistory", "Estimate (USD)"),
            QCoreApplication::translate("CallHistory", "Twilio price (USD)"),
            QCoreApplication::translate("CallHistory", "Environment"),
            QCoreApplication::translate("CallHistory", "Session"),
            QCoreApplication::translate("CallHistory", "Call SID")};
}

namespace {
// ISO 8601 in the billing zone with its UTC offset ("2026-03-01T09:30:00+09:00"): what the console
// shows, and unambiguous. The offset is looked up once per stretch between two of the zone's clock
// changes and the date once per day, not per cell; the text is UTF-8 bytes, valid until the next
// call.
class IsoLocal {
public:
    explicit IsoLocal(BillingZone zone)
        : m_zone(std::move(zone)) {}

    QByteArrayView operator()(qint64 secs) {
        if (secs < m_validFrom || secs >= m_validTo) {
            const int offset = lookUp(secs);
            if (offset != m_offset || m_offsetText.isEmpty()) {
                m_offset = offset;
                m_offsetText = QDateTime::fromSecsSinceEpoch(secs, Qt::OffsetFromUTC, m_offset)
                                   .toString(Qt::ISODate)
                                   .mid(19) // "Z" or "+09:00"
                                   .toLatin1();
                m_day = std::numeric_limits<qint64>::min();
            }
        }
        const qint64 local = secs + m_offset;
        const qint64 day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        if (day != m_day) {
            m_day = day;
            m_dayText =
                QDateTime::fromSecsSinceEpoch(day * 86400, Qt::UTC).date().toString(Qt::ISODate).toLatin1() +
                'T';
        }
        const int seconds = static_cast<int>(local - day * 86400);
        // Date (with its "T") and offset are short: the text fits the buffer, or is cut.
        char *p = m_text;
        char *const end = m_text + sizeof m_text;
        const auto put = [&](const char *data, qsizetype size) {
            const qsizetype n = std::min<qsizetype>(size, end - p);
            std::memcpy(p, data, static_cast<size_t>(n));
            p += n;
        };
        put(m_dayText.constData(), m_dayText.size());
        const char clock[8] = {char('0' + seconds / 36000),      char('0' + seconds / 3600 % 10), ':',
                               char('0' + seconds % 3600 / 600), char('0' + seconds % 600 / 60),  ':',
                               char('0' + seconds % 60 / 10),    char('0' + seconds % 10)};
        put(clock, 8);
        put(m_offsetText.constData(), m_offsetText.size());
        return QByteArrayView(m_text, p - m_text);
    }

private:
    // The offset at `secs`, and the stretch [m_validFrom, m_validTo) it holds for.
    int lookUp(qint64 secs) {
        const QTimeZone &zone = m_zone.timeZone();
        const QDateTime at = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
        m_validFrom = std::numeric_limits<qint64>::min();
        m_validTo = std::numeric_limits<qint64>::max();
        if (m_zone.isUtc() || !zone.hasTransitions())
            return zone.offsetFromUtc(at);
        const QTimeZone::OffsetData next = zone.nextTransition(at);
        if (next.atUtc.isValid())
            m_validTo = next.atUtc.toSecsSinceEpoch();
        const QTimeZone::OffsetData previous = zone.previousTransition(at.addSecs(1));
        if (previous.atUtc.isValid())
            m_validFrom = previous.atUtc.toSecsSinceEpoch();
        return zone.offsetFromUtc(at);
    }

    BillingZone m_zone;
    qint64 m_validFrom = 0, m_validTo = 0; // empty: look up on the first call
    qint64 m_day = std::numeric_limits<qint64>::min();
    int m_offset = 0;
    QByteArray m_offsetText;
    QByteArray m_dayText;
    char m_text[64];
};

// Money::toPlainString(micros, 6) as bytes: "-1.150000".
QByteArrayView plainMicros(qint64 micros, char (&buffer)[32]) {
    const bool negative = micros < 0;
    const quint64 magnitude = negative ? 0 - static_cast<quint64>(micros) : static_cast<quint64>(micros);
    char *p = buffer;
    if (negative)
        *p++ = '-';
    p = std::to_chars(p, buffer + 24, magnitude / 1000000).ptr;
    *p++ = '.';
    quint64 fraction = magnitude % 1000000;
    for (int i = 5; i >= 0; --i) {
        p[i] = char('0' + fraction % 10);
        fraction /= 10;
    }
    return QByteArrayView(buffer, p + 6 - buffer);
}

// One exported call as UTF-8 cells, whichever way it was read.
struct CsvCells {
    qint64 startedAt = 0;
    qint64 endedAt = 0;
    QByteArrayView company;
    QByteArrayView e164;
    QByteArrayView operatorId;
    bool inbound = false;
    qint64 durationSeconds = 0;
    qint64 billedMinutes = 0;
    qint64 estimatedCost = 0;
    std::optional<qint64> twilioPrice;
    QByteArrayView environment;
    QByteArrayView session;
    QByteArrayView callSid;
};

// The columns of csvHeader(), in its order.
void writeCells(CsvWriter &writer, IsoLocal &isoLocal, const CsvCells &row) {
    char money[32];
    writer.addTextUtf8(isoLocal(row.startedAt));
    writer.addTextUtf8(isoLocal(row.endedAt));
    writer.addTextUtf8(row.company);
    writer.addTextUtf8(row.e164);
    writer.addTextUtf8(row.operatorId);
    writer.addTextUtf8(row.inbound ? QByteArrayView("inbound") : QByteArrayView("outbound"));
    writer.addNumber(row.durationSeconds);
    writer.addNumber(row.billedMinutes);
    writer.addRawUtf8(plainMicros(row.twilioPrice.value_or(row.estimatedCost), money));
    writer.addTextUtf8(row.twilioPrice ? QByteArrayView("twilio") : QByteArrayView("estimate"));
    writer.addRawUtf8(plainMicros(row.estimatedCost, money));
    writer.addRawUtf8(row.twilioPrice ? plainMicros(*row.twilioPrice, money) : QByteArrayView());
    writer.addTextUtf8(row.environment);
    writer.addTextUtf8(row.session);
    writer.addTextUtf8(row.callSid);
}

Error cancelled() {
    return makeError(Error::Code::Cancelled,
                     QCoreApplication::translate("CallHistory", "The export was cancelled."));
}

// Through Qt's SQL layer (any engine), page by page.
Status exportPages(Database &db, const CallFilter &filter, CsvWriter &writer, const ExportOptions &options,
                   const std::function<void(qint64, qint64)> &progress, const std::atomic<bool> *cancel,
                   qint64 total, qint64 &written) {
    CallCursor cursor;
    IsoLocal isoLocal(Settings::billingZone(db));
    for (;;) {
        if (cancel && cancel->load())
            return cancelled();
        auto next = page(db, filter, options.sort, options.order, cursor, options.pageSize);
        if (!next)
            return next.error();
        for (const CallRow &row : next->rows) {
            const QByteArray company = row.companyName.toUtf8();
            const QByteArray e164 = row.e164.toUtf8();
            const QByteArray operatorId = row.operatorId.toUtf8();
            const QByteArray environment = row.environment.toUtf8();
            const QByteArray session = row.session.toUtf8();
            const QByteArray callSid = row.callSid.toUtf8();
            writeCells(writer, isoLocal,
                       {row.startedAt, row.endedAt, company, e164, operatorId,
                        row.direction == Direction::Inbound, row.durationSeconds, row.billedMinutes,
                        row.estimatedCost, row.twilioPrice, environment, session, callSid});
            if (!writer.endRow())
                break;
        }
        written += next->rows.size();
        if (writer.failed())
            return success();
        if (progress)
            progress(written, total);
        if (next->atEnd)
            return success();
        cursor = next->next;
    }
}

// SQLite: one statement per order segment (the company order walks the companies), read through
// SQLite's C API straight into the writer's buffer. Same rows, order and bytes as exportPages().
Status exportNative(Database &db, const CallFilter &filter, CsvWriter &writer, const ExportOptions &options,
                    const std::function<void(qint64, qint64)> &progress, const std::atomic<bool> *cancel,
                    qint64 total, qint64 &written) {
    QList<std::optional<qint64>> segments{std::nullopt};
    if (options.sort == CallSort::Company) {
        auto companies = companyOrder(db, filter, options.order);
        if (!companies)
            return companies.error();
        segments = companies.value();
    }
    const qint64 step = std::max(1, options.pageSize);
    IsoLocal isoLocal(Settings::billingZone(db));
    if (cancel && cancel->load())
        return cancelled();
    for (qsizetype s = 0; s < segments.size(); ++s) {
        QString sql;
        QVariantList bindings;
        const bool bySegment = options.sort == CallSort::Company;
        keysetSql(filter, options.sort, options.order, {},
                  bySegment ? companyCondition(segments[s]) : QString(),
                  bySegment && segments[s] ? QVariantList{*segments[s]} : QVariantList{}, 0, sql, bindings);
        auto prepared = SqliteRows::prepare(db, sql, bindings);
        if (!prepared)
            return prepared.error();
        SqliteRows &rows = *prepared.value();
        while (rows.next()) {
            CsvCells cells;
            cells.startedAt = rows.integer(1);
            cells.endedAt = rows.integer(2);
            if (!rows.isNull(3))
                cells.company = rows.text(4);
            cells.e164 = rows.text(6);
            cells.operatorId = rows.text(7);
            cells.inbound = rows.text(8) == QByteArrayView("inbound");
            cells.durationSeconds = rows.integer(9);
            cells.billedMinutes = rows.integer(10);
            cells.estimatedCost = rows.integer(11);
            if (!rows.isNull(12))
                cells.twilioPrice = rows.integer(12);
            cells.environment = rows.text(13);
            cells.session = rows.text(14);
            cells.callSid = rows.text(15);
            writeCells(writer, isoLocal, cells);
            if (!writer.endRow())
                return success();
            if (++written % step == 0) {
                if (progress)
                    progress(written, total);
                if (cancel && cancel->load())
                    return cancelled();
            }
        }
        if (!rows.status())
            return rows.status();
    }
    if (progress)
        progress(written, total);
    return success();
}
} // namespace

Result<qint64> exportCsv(Database &db, const CallFilter &filter, QIODevice &device,
                         const ExportOptions &options, const std::function<void(qint64, qint64)> &progress,
                         const std::atomic<bool> *cancel) {
    qint64 total = -1;
    if (progress) {
        auto counted = count(db, filter);
        if (!counted)
            return counted.error();
        total = counted.value();
        progress(0, total);
    }
    CsvWriter writer(device, options.csv);
    writer.writeRow(csvHeader());
    qint64 written = 0;
    const bool native = options.reader == ExportOptions::Reader::Automatic && SqliteRows::available(db);
    const Status status = native ? exportNative(db, filter, writer, options, progress, cancel, total, written)
                                 : exportPages(db, filter, writer, options, progress, cancel, total, written);
    if (!status)
        return status.error();
    if (!writer.flush())
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate(
                "CallHistory",
                "Writing the CSV file failed: %1. Check the free space and that the file is writable.")
                .arg(device.errorString()));
    return written;
}

} // namespace PoolDesk::CallHistory
