#include "storage/PickOrder.h"

#include <QRegularExpression>

namespace PoolDesk::PickOrder {

namespace {

enum class Engine { Sqlite, PostgreSql };
// Parameters as `?` (a statement Qt prepares for PostgreSQL), as `:Name` (SQLite binds each name
// once however often the statement uses it), or as pooldesk_allocate's names (its body).
enum class Placeholders { Positional, Bound, Function };

struct Step {
    const char *sqliteIndex; // INDEXED BY, so SQLite reads the range the step is written for
    QString where;           // beside the conditions every step shares (eligible)
    QString orderBy;
    bool shared; // a shared-number step (dedicated ones are the company's own)
};

// Tokens in braces name a Param; {GREATEST} and {NULLS_FIRST} are the engines' spellings.

// Free: in the environment, on the account, not carrying its most calls.
const QString &freeNumber() {
    static const QString sql = QStringLiteral(
        "n.environment = {Environment} AND n.missing_from_twilio = 0 AND n.active_calls < {PerNumber}");
    return sql;
}

// The caller policy's conditions on any number: not resting, under its caps, past its gap.
const QString &allowed() {
    static const QString sql = QStringLiteral(
        "(n.resting_until IS NULL OR n.resting_until <= {Now}) "
        // A new number's daily cap rises over its warm-up days, never below one call.
        "AND ({DailyCap} = 0 OR n.calls_today_day <> {Today} OR n.calls_today + n.active_calls < "
        "CASE WHEN {WarmupDays} > 0 AND {Today} - n.created_at / 86400 < {WarmupDays} THEN "
        "{GREATEST}(1, {DailyCap} * ({Today} - n.created_at / 86400 + 1) / {WarmupDays}) "
        "ELSE {DailyCap} END) "
        "AND ({HourlyCap} = 0 OR n.calls_hour_start <> {Hour} OR n.calls_hour + n.active_calls < "
        "{HourlyCap}) "
        // A number on a call is inside its gap (its last release is older than that call).
        "AND ({MinGapSeconds} = 0 OR (n.active_calls = 0 AND (n.last_used_at IS NULL OR "
        "n.last_used_at <= {Now} - {MinGapSeconds})))");
    return sql;
}

const QString &eligible() {
    static const QString sql = freeNumber() + QStringLiteral(" AND ") + allowed();
    return sql;
}

// A shared number another company called from stays with it for the cooldown.
const QString &cooledDown() {
    // The take stamps the company, so a number on another company's call is not shared meanwhile.
    static const QString sql = QStringLiteral(
        "({CooldownSeconds} = 0 OR ((n.active_calls = 0 OR n.last_company_id = {CompanyId}) AND "
        "(n.last_company_id IS NULL OR n.last_company_id = {CompanyId} OR "
        "n.last_used_at <= {Now} - {CooldownSeconds})))");
    return sql;
}

const QString &sharedEligible() {
    static const QString sql =
        QStringLiteral("{SharedAllowed} AND n.dedicated_company_id IS NULL AND ") + cooledDown();
    return sql;
}

// Which rule the number n meets for the callee. The sticky test reads callee_numbers before the
// allocation writes it.
const QString &matchSql() {
    static const QString sql = QStringLiteral(
        "CASE WHEN {Callee} IS NULL THEN NULL WHEN n.id = (SELECT c.number_id FROM callee_numbers c WHERE "
        "c.company_id = {CompanyId} AND c.environment = {Environment} AND c.callee = {Callee} AND "
        "c.last_called_at >= {StickySince}) THEN 'sticky' WHEN n.area_code = {AreaCode} THEN 'area_code' "
        "WHEN n.region = {Region} THEN 'region' ELSE 'any' END");
    return sql;
}

const QList<Step> &steps() {
    static const QList<Step> all = {
        {nullptr,
         QStringLiteral("n.id = (SELECT c.number_id FROM callee_numbers c WHERE c.company_id = {CompanyId} "
                        "AND c.environment = {Environment} AND c.callee = {Callee} "
                        "AND c.last_called_at >= {StickySince}) AND (n.dedicated_company_id = {CompanyId} "
                        "OR (") +
             sharedEligible() + QStringLiteral("))"),
         QStringLiteral("n.id"), false},
        {nullptr, QStringLiteral("n.dedicated_company_id = {CompanyId}"),
         QStringLiteral(
             "CASE WHEN n.area_code = {AreaCode} THEN 0 WHEN n.region = {Region} THEN 1 ELSE 2 "
             "END, n.health_watch, CASE WHEN n.calls_today_day = {Today} THEN n.calls_today ELSE 0 "
             "END, COALESCE(n.last_used_at, 0), n.id"),
         false},
        // Within each match class good numbers come before those Reputation watches.
        {"ix_phone_numbers_shared_area", QStringLiteral("n.area_code = {AreaCode}"),
         QStringLiteral("n.health_watch, n.last_used_at {NULLS_FIRST}, n.id"), true},
        {"ix_phone_numbers_shared_region", QStringLiteral("n.region = {Region}"),
         QStringLiteral("n.health_watch, n.last_used_at {NULLS_FIRST}, n.id"), true},
        {"ix_phone_numbers_shared_idle", QStringLiteral("n.health_watch = 0 AND n.last_used_at IS NULL"),
         QStringLiteral("n.last_used_at {NULLS_FIRST}, n.id"), true},
        {"ix_phone_numbers_shared_idle", QStringLiteral("n.health_watch = 0 AND n.last_used_at < {DayStart}"),
         QStringLiteral("n.last_used_at {NULLS_FIRST}, n.id"), true},
        {"ix_phone_numbers_shared_today",
         QStringLiteral("n.health_watch = 0 AND n.calls_today_day = {Today}"),
         QStringLiteral("n.calls_today, n.last_used_at {NULLS_FIRST}, n.id"), true},
        // A call the Twilio sync recorded moves last_used_at but not calls today's day.
        {"ix_phone_numbers_shared_idle",
         QStringLiteral(
             "n.health_watch = 0 AND n.last_used_at >= {DayStart} AND n.calls_today_day <> {Today}"),
         QStringLiteral("n.last_used_at {NULLS_FIRST}, n.id"), true},
        // Watched numbers last, idle longest first; they are few.
        {"ix_phone_numbers_shared_idle", QStringLiteral("n.health_watch = 1"),
         QStringLiteral("n.last_used_at {NULLS_FIRST}, n.id"), true},
    };
    return all;
}

struct ParamName {
    Param param;
    const char *token;
    const char *postgresql; // pooldesk_allocate's parameter or variable
};

constexpr ParamName paramNames[] = {
    {Param::Environment, "Environment", "p_environment"},
    {Param::CompanyId, "CompanyId", "o_company_id"},
    {Param::SharedAllowed, "SharedAllowed", "(o_plan <> 'enterprise')"},
    {Param::PerNumber, "PerNumber", "p_per_number"},
    {Param::Now, "Now", "p_now"},
    {Param::Today, "Today", "p_day"},
    {Param::DayStart, "DayStart", "(p_day * 86400)"},
    {Param::Hour, "Hour", "(p_now / 3600)"},
    {Param::Callee, "Callee", "p_callee"},
    {Param::StickySince, "StickySince", "p_sticky_since"},
    {Param::AreaCode, "AreaCode", "p_area_code"},
    {Param::Region, "Region", "p_region"},
    {Param::DailyCap, "DailyCap", "p_daily_cap"},
    {Param::HourlyCap, "HourlyCap", "p_hourly_cap"},
    {Param::MinGapSeconds, "MinGapSeconds", "p_min_gap"},
    {Param::WarmupDays, "WarmupDays", "p_warmup_days"},
    {Param::CooldownSeconds, "CooldownSeconds", "p_cooldown"},
};

bool isText(Param param) {
    return param == Param::Environment || param == Param::Callee || param == Param::AreaCode ||
           param == Param::Region;
}

// Replaces the tokens of one engine; SQLite's parameters are collected in the order they appear.
QString spell(const QString &sql, Engine engine, Placeholders placeholders, QList<Param> *params) {
    static const QRegularExpression token(QStringLiteral("\\{([A-Za-z_]+)\\}"));
    QString out;
    qsizetype last = 0;
    for (auto it = token.globalMatch(sql); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        out += QStringView(sql).mid(last, match.capturedStart() - last);
        last = match.capturedEnd();
        const QString name = match.captured(1);
        if (name == QLatin1String("GREATEST")) {
            out += engine == Engine::Sqlite ? QStringLiteral("MAX") : QStringLiteral("GREATEST");
            continue;
        }
        if (name == QLatin1String("NULLS_FIRST")) {
            // SQLite sorts NULL first already.
            out += engine == Engine::Sqlite ? QString() : QStringLiteral("NULLS FIRST");
            continue;
        }
        const auto found = std::find_if(std::begin(paramNames), std::end(paramNames),
                                        [&](const ParamName &p) { return name == QLatin1String(p.token); });
        Q_ASSERT_X(found != std::end(paramNames), "PickOrder", "unknown token");
        if (placeholders != Placeholders::Function) {
            QString placeholder;
            if (placeholders == Placeholders::Bound) {
                placeholder = QLatin1Char(':') + name;
                if (!params->contains(found->param))
                    params->append(found->param);
            } else {
                // PostgreSQL infers no type for `? - ?`: each placeholder says its own.
                placeholder = QStringLiteral("?") +
                              (isText(found->param) ? QStringLiteral("::text") : QStringLiteral("::bigint"));
                params->append(found->param);
            }
            // A flag is bound as 0 or 1: compare, so it reads as a condition.
            out += found->param == Param::SharedAllowed ? placeholder + QStringLiteral(" = 1") : placeholder;
        } else {
            out += QLatin1String(found->postgresql);
        }
    }
    out += QStringView(sql).mid(last);
    return out.simplified();
}

QString stepWhere(const Step &step) {
    return QStringLiteral("(") + step.where + QStringLiteral(") AND ") +
           (step.shared ? sharedEligible() + QStringLiteral(" AND ") : QString()) + eligible();
}

} // namespace

Statement sqliteTake() {
    Statement statement;
    QString sql = QStringLiteral(
        "UPDATE phone_numbers SET active_calls = active_calls + 1, last_company_id = {CompanyId}, "
        "status = CASE WHEN status = 'in_use' THEN 'in_use' ELSE 'reserved' END WHERE id = COALESCE(");
    bool first = true;
    for (const Step &step : steps()) {
        if (!first)
            sql += QStringLiteral(", ");
        first = false;
        sql += QStringLiteral("(SELECT n.id FROM phone_numbers n");
        if (step.sqliteIndex)
            sql += QStringLiteral(" INDEXED BY ") + QLatin1String(step.sqliteIndex);
        sql += QStringLiteral(" WHERE ") + stepWhere(step) + QStringLiteral(" ORDER BY ") + step.orderBy +
               QStringLiteral(" LIMIT 1)");
    }
    // SQLite's RETURNING knows the table by its name only, not an alias.
    sql += QStringLiteral(") RETURNING id, e164, dedicated_company_id, ") +
           QString(matchSql()).replace(QStringLiteral("n."), QStringLiteral("phone_numbers."));
    statement.named = true;
    statement.sql = spell(sql, Engine::Sqlite, Placeholders::Bound, &statement.params);
    return statement;
}

QString postgresqlPick() {
    QString body;
    for (const Step &step : steps()) {
        body += QStringLiteral("IF v_id IS NULL THEN SELECT n.id INTO v_id FROM phone_numbers n WHERE ") +
                stepWhere(step) + QStringLiteral(" ORDER BY ") + step.orderBy +
                QStringLiteral(" LIMIT 1 FOR UPDATE SKIP LOCKED; END IF;\n");
    }
    // Every free number was locked by another transaction: wait for one rather than refuse,
    // since a number being released at this moment is no reason to. On this rare path shared
    // numbers come idle longest first, one walk of the index.
    body += QStringLiteral("IF v_id IS NULL THEN SELECT n.id INTO v_id FROM phone_numbers n WHERE "
                           "n.dedicated_company_id = {CompanyId} AND ") +
            eligible() + QStringLiteral(" ORDER BY n.id LIMIT 1 FOR UPDATE; END IF;\n");
    body += QStringLiteral("IF v_id IS NULL THEN SELECT n.id INTO v_id FROM phone_numbers n WHERE ") +
            sharedEligible() + QStringLiteral(" AND ") + eligible() +
            QStringLiteral(" ORDER BY n.last_used_at {NULLS_FIRST}, n.id LIMIT 1 FOR UPDATE; END IF;\n");
    QList<Param> unused;
    QString spelled;
    for (const QString &line : body.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        spelled += spell(line, Engine::PostgreSql, Placeholders::Function, &unused) + QLatin1Char('\n');
    return spelled;
}

} // namespace PoolDesk::PickOrder

namespace PoolDesk::PickOrder {

QString placeholder(Param param) {
    for (const ParamName &name : paramNames) {
        if (name.param == param)
            return QLatin1Char(':') + QLatin1String(name.token);
    }
    return {};
}

Statement passedOver(bool postgresql) {
    Statement statement;
    const QString sql = QStringLiteral("SELECT 1 FROM phone_numbers n WHERE ") + freeNumber() +
                        QStringLiteral(" AND (n.dedicated_company_id = {CompanyId} OR ({SharedAllowed} AND "
                                       "n.dedicated_company_id IS NULL)) AND NOT (") +
                        allowed() + QStringLiteral(" AND (n.dedicated_company_id IS NOT NULL OR ") +
                        cooledDown() + QStringLiteral(")) LIMIT 1");
    statement.named = !postgresql;
    statement.sql = spell(sql, postgresql ? Engine::PostgreSql : Engine::Sqlite,
                          postgresql ? Placeholders::Positional : Placeholders::Bound, &statement.params);
    return statement;
}

QString postgresqlMatch() {
    QList<Param> unused;
    return spell(matchSql(), Engine::PostgreSql, Placeholders::Function, &unused);
}

} // namespace PoolDesk::PickOrder
