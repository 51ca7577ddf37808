#include "itemmodels/PoolTableModel.h"

#include "domain/BillingZone.h"

#include "domain/Clock.h"
#include "itemmodels/SqlText.h"
#include "pool/CallerPolicy.h"
#include "pool/Reputation.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QColor>
#include <QHash>
#include <QLocale>
#include <QLoggingCategory>
#include <QSqlQuery>

#include <algorithm>

Q_LOGGING_CATEGORY(lcPoolModel, "pooldesk.itemmodels.pool")

namespace PoolDesk {

namespace {

constexpr qint64 UtilizationWindowSecs = 7 * 86400;
constexpr qint64 UsageCacheSecs = 60;

constexpr int AnswerWindowDays = Reputation::WindowDays;

QString percentText(double rate) {
    const QLocale locale;
    return locale.toString(rate * 100.0, 'f', 1) + locale.percent();
}

struct Usage {
    qint64 minutesToday = 0;
    qint64 busySeconds = 0;
};

// Every number's health, by id, and the policy's daily cap, beside the usage figures.
struct HealthFigures {
    QHash<qint64, NumberHealth> byNumber;
    int dailyCap = 0;
};

Result<HealthFigures> loadHealth(Database &db) {
    HealthFigures figures;
    figures.dailyCap = CallerPolicy::load(db).dailyCap;
    auto environments =
        Sql::exec(db.connection(), QStringLiteral("SELECT DISTINCT environment FROM phone_numbers"));
    if (!environments)
        return environments.error();
    while (environments.value().next()) {
        auto health = Reputation::health(db, environments.value().value(0).toString());
        if (!health)
            return health.error();
        for (const NumberHealth &h : health.value())
            figures.byNumber.insert(h.numberId, h);
    }
    return figures;
}

Result<QHash<qint64, Usage>> loadUsage(Database &db, qint64 now) {
    const qint64 dayStart = now - now % 86400;
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT number_id, SUM(CASE WHEN started_at >= ? THEN billed_minutes ELSE 0 END), "
        "SUM(duration_seconds) "
        "FROM call_records WHERE started_at >= ? AND number_id IS NOT NULL GROUP BY number_id"));
    query.addBindValue(dayStart);
    query.addBindValue(now - UtilizationWindowSecs);
    if (!query.exec())
        return Sql::storageError(query);
    QHash<qint64, Usage> usage;
    while (query.next())
        usage.insert(query.value(0).toLongLong(), {query.value(1).toLongLong(), query.value(2).toLongLong()});
    return usage;
}

QString columnTitle(PoolTableModel::Column column) {
    using C = PoolTableModel::Column;
    switch (column) {
    case C::Number:
        return PoolTableModel::tr("Number");
    case C::Environment:
        return PoolTableModel::tr("Environment");
    case C::Kind:
        return PoolTableModel::tr("Kind");
    case C::State:
        return PoolTableModel::tr("Status");
    case C::HolderCompany:
        return PoolTableModel::tr("Held by");
    case C::Operator:
        return PoolTableModel::tr("Operator");
    case C::Session:
        return PoolTableModel::tr("Session");
    case C::Since:
        return PoolTableModel::tr("Since");
    case C::CallsToday:
        return PoolTableModel::tr("Calls today");
    case C::MinutesToday:
        return PoolTableModel::tr("Minutes today");
    case C::TotalCalls:
        return PoolTableModel::tr("Total calls");
    case C::TotalMinutes:
        return PoolTableModel::tr("Total minutes");
    case C::Utilization:
        return PoolTableModel::tr("Utilization (7 days)");
    case C::NextBilling:
        return PoolTableModel::tr("Next billing");
    case C::Health:
        return PoolTableModel::tr("Health");
    case C::AnswerRate:
        return PoolTableModel::tr("Answer rate (%n days)", nullptr, AnswerWindowDays);
    case C::RestingUntil:
        return PoolTableModel::tr("Resting until");
    case C::Webhook:
        return PoolTableModel::tr("Webhook");
    case C::Count:
        break;
    }
    return {};
}

QString localTime(const QDateTime &utc) {
    return utc.isValid() ? DisplayZone::current().displayText(utc.toSecsSinceEpoch()) : QString();
}

QVariant nullableId(const std::optional<qint64> &id) {
    return id ? QVariant(*id) : QVariant();
}

} // namespace

struct PoolTableModel::UsageCache {
    QHash<qint64, Usage> usage;
    HealthFigures health;
    qint64 loadedAt = -1;
};

PoolTableModel::PoolTableModel(Database &database, QObject *parent)
    : KeyedTableModel(parent)
    , m_thread(std::make_unique<QueryThread>(database.url()))
    , m_cache(std::make_shared<UsageCache>()) {
    refresh();
}

PoolTableModel::~PoolTableModel() = default;

int PoolTableModel::rowCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PoolTableModel::columnCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

const PoolTableModel::Row *PoolTableModel::rowAt(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int PoolTableModel::rowOfId(qint64 id) const {
    return static_cast<int>(rowIds().indexOf(id));
}

QVariant PoolTableModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[index.row()];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case UnderlyingDataRole:
        return underlying(row, column);
    case RowIdRole:
        return row.id;
    case Qt::TextAlignmentRole:
        switch (column) {
        case Column::CallsToday:
        case Column::MinutesToday:
        case Column::TotalCalls:
        case Column::TotalMinutes:
        case Column::Utilization:
        case Column::NextBilling:
        case Column::AnswerRate:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case Qt::BackgroundRole:
        if (column == Column::Health) {
            if (row.health == int(NumberHealth::State::Watch))
                return QColor(0xfd, 0xef, 0xc3);
            if (row.health == int(NumberHealth::State::Resting))
                return QColor(0xe4, 0xe4, 0xe4);
            return {};
        }
        if (column != Column::State)
            return {};
        switch (row.status) {
        case NumberStatus::Available:
            return QColor(0xd4, 0xf1, 0xd9);
        case NumberStatus::Reserved:
            return QColor(0xff, 0xe9, 0xb3);
        case NumberStatus::InUse:
            return QColor(0xc9, 0xdd, 0xff);
        }
        return {};
    case Qt::ForegroundRole:
        if (column == Column::State)
            return QColor(0x1b, 0x1b, 0x1b); // readable on the light status colours in dark themes too
        if (column == Column::Webhook && m_expectedVoiceUrls.contains(row.environment) &&
            webhookState(row, m_expectedVoiceUrls.value(row.environment)) != WebhookState::Matches)
            return QColor(0xc6, 0x28, 0x28);
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case Column::Number:
            if (row.missingFromTwilio)
                return tr("Twilio no longer lists this number in the account.");
            if (row.releasing)
                return tr("Being released to Twilio: calls do not get this number meanwhile.");
            return row.friendlyName.isEmpty() ? QVariant() : QVariant(row.friendlyName);
        case Column::Kind:
            return row.dedicatedCompanyId ? tr("Used only by %1.").arg(row.dedicatedCompanyName)
                                          : tr("Shared by every company that calls from the pool.");
        case Column::HolderCompany:
        case Column::Operator:
        case Column::Session:
        case Column::Since:
            if (row.holderSession.isEmpty())
                return {};
            return tr("Held by %1 (operator %2, session %3) since %4; the lease runs out at %5.")
                .arg(row.holderCompanyName, row.holderOperator, row.holderSession, localTime(row.holderSince),
                     localTime(row.leaseExpiresAt));
        case Column::Utilization:
            return tr("Share of the last 7 days this number spent in calls.");
        case Column::Health:
        case Column::AnswerRate:
        case Column::RestingUntil:
            if (row.restingUntil.isValid())
                return tr("Resting until %1: %2").arg(localTime(row.restingUntil), row.restReason);
            if (row.answerRate < 0)
                return {};
            return tr("%1 of %n call(s) answered in the last %2 days; the same holder's numbers in its area "
                      "code "
                      "answered %3. The rate shown is estimated, so a number with few calls sits near them.",
                      nullptr, int(row.callsWindow))
                .arg(row.answeredWindow)
                .arg(AnswerWindowDays)
                .arg(percentText(row.peerRate));
        case Column::NextBilling:
            return row.boughtAt.isValid() ? tr("Twilio charges %1 on day %2 of each month.")
                                                .arg(Money::format(row.monthlyPrice))
                                                .arg(row.boughtAt.date().day())
                                          : QVariant();
        case Column::Webhook: {
            const QString expected = m_expectedVoiceUrls.value(row.environment);
            if (expected.isEmpty())
                return tr("Set the environment's webhook URL to compare.");
            return tr("Voice URL: %1\nExpected: %2")
                .arg(row.voiceUrl.isEmpty() ? tr("(none)") : row.voiceUrl, expected);
        }
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant PoolTableModel::display(const Row &row, Column column) const {
    const QLocale locale;
    switch (column) {
    case Column::Number:
        return row.e164;
    case Column::Environment:
        return row.environment;
    case Column::Kind:
        return row.dedicatedCompanyId ? tr("Dedicated: %1").arg(row.dedicatedCompanyName) : tr("Shared");
    case Column::State:
        return row.releasing ? tr("Being released") : displayName(row.status);
    case Column::HolderCompany:
        return row.holderCompanyName;
    case Column::Operator:
        return row.holderOperator;
    case Column::Session:
        return row.holderSession;
    case Column::Since:
        return localTime(row.holderSince);
    case Column::CallsToday:
        // Against the daily cap when the caller policy sets one.
        return row.dailyCap > 0
                   ? tr("%1 / %2").arg(locale.toString(row.callsToday), locale.toString(row.dailyCap))
                   : locale.toString(row.callsToday);
    case Column::Health:
        return row.health < 0 ? QString() : Reputation::stateText(NumberHealth::State(row.health));
    case Column::AnswerRate:
        return row.answerRate < 0 || row.callsWindow == 0 ? QString() : percentText(row.answerRate);
    case Column::RestingUntil:
        return localTime(row.restingUntil);
    case Column::MinutesToday:
        return locale.toString(row.minutesToday);
    case Column::TotalCalls:
        return locale.toString(row.totalCalls);
    case Column::TotalMinutes:
        return locale.toString(row.totalMinutes);
    case Column::Utilization:
        return QString(locale.toString(row.utilization * 100.0, 'f', 1) + locale.percent());
    case Column::NextBilling: {
        const QVariant days = underlying(row, column);
        if (days.isNull())
            return {};
        return days.toInt() == 0 ? tr("today") : tr("in %n day(s)", nullptr, days.toInt());
    }
    case Column::Webhook:
        switch (webhookState(row, m_expectedVoiceUrls.value(row.environment))) {
        case WebhookState::NoExpectation:
            return QString();
        case WebhookState::Matches:
            return tr("OK");
        case WebhookState::Differs:
            return tr("Differs");
        case WebhookState::Missing:
            return tr("Not set");
        }
        return {};
    case Column::Count:
        break;
    }
    return {};
}

QVariant PoolTableModel::underlying(const Row &row, Column column) const {
    switch (column) {
    case Column::Number:
        return row.e164;
    case Column::Environment:
        return row.environment;
    case Column::Kind:
        return nullableId(row.dedicatedCompanyId);
    case Column::State:
        return toString(row.status);
    case Column::HolderCompany:
        return nullableId(row.holderCompanyId);
    case Column::Operator:
        return row.holderOperator;
    case Column::Session:
        return row.holderSession;
    case Column::Since:
        return row.holderSince.isValid() ? QVariant(row.holderSince.toSecsSinceEpoch()) : QVariant();
    case Column::CallsToday:
        return row.callsToday;
    case Column::MinutesToday:
        return row.minutesToday;
    case Column::TotalCalls:
        return row.totalCalls;
    case Column::TotalMinutes:
        return row.totalMinutes;
    case Column::Utilization:
        return row.utilization;
    case Column::NextBilling:
        return row.boughtAt.isValid()
                   ? QVariant(daysToBillingDay(Clock::nowUtc().date(), row.boughtAt.date().day()))
                   : QVariant();
    case Column::Health:
        return row.health;
    case Column::AnswerRate:
        return row.answerRate;
    case Column::RestingUntil:
        return row.restingUntil.isValid() ? QVariant(row.restingUntil.toSecsSinceEpoch()) : QVariant();
    case Column::Webhook:
        return static_cast<int>(webhookState(row, m_expectedVoiceUrls.value(row.environment)));
    case Column::Count:
        break;
    }
    return {};
}

QVariant PoolTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= static_cast<int>(Column::Count))
        return {};
    if (role == Qt::DisplayRole)
        return columnTitle(static_cast<Column>(section));
    return {};
}

int PoolTableModel::daysToBillingDay(const QDate &today, int billingDay) {
    if (!today.isValid() || billingDay < 1)
        return 0;
    const int thisMonthDay = std::min(billingDay, today.daysInMonth());
    if (today.day() <= thisMonthDay)
        return thisMonthDay - today.day();
    const QDate next = QDate(today.year(), today.month(), 1).addMonths(1);
    return static_cast<int>(
        today.daysTo(QDate(next.year(), next.month(), std::min(billingDay, next.daysInMonth()))));
}

PoolTableModel::WebhookState PoolTableModel::webhookState(const Row &row, const QString &expectedUrl) {
    if (expectedUrl.isEmpty())
        return WebhookState::NoExpectation;
    if (row.voiceUrl.isEmpty())
        return WebhookState::Missing;
    return row.voiceUrl == expectedUrl ? WebhookState::Matches : WebhookState::Differs;
}

void PoolTableModel::setFilter(const NumberFilter &filter) {
    m_filter = filter;
    refresh();
}

void PoolTableModel::setExpectedVoiceUrl(const QString &environment, const QString &url) {
    if (m_expectedVoiceUrls.value(environment) == url)
        return;
    if (url.isEmpty())
        m_expectedVoiceUrls.remove(environment);
    else
        m_expectedVoiceUrls.insert(environment, url);
    if (!m_rows.isEmpty()) {
        const int column = static_cast<int>(Column::Webhook);
        emit dataChanged(index(0, column), index(static_cast<int>(m_rows.size()) - 1, column));
    }
}

void PoolTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= static_cast<int>(Column::Count))
        return;
    m_sortColumn = static_cast<Column>(column);
    m_sortOrder = order;
    // Sorting a few thousand rows is instant; the rows are re-read on the worker anyway so the
    // order is the one the next refresh produces.
    QList<Row> rows = m_rows;
    sortRows(rows, m_sortColumn, m_sortOrder);
    apply(std::move(rows));
}

void PoolTableModel::sortRows(QList<Row> &rows, Column column, Qt::SortOrder order) {
    auto key = [column](const Row &row) -> QVariant {
        switch (column) {
        case Column::Number:
            return row.e164;
        case Column::Environment:
            return row.environment;
        case Column::Kind:
            return row.dedicatedCompanyId ? row.dedicatedCompanyName : QString();
        case Column::State:
            return static_cast<int>(row.status);
        case Column::HolderCompany:
            return row.holderCompanyName;
        case Column::Operator:
            return row.holderOperator;
        case Column::Session:
            return row.holderSession;
        case Column::Since:
            return row.holderSince.isValid() ? row.holderSince.toSecsSinceEpoch() : -1;
        case Column::CallsToday:
            return row.callsToday;
        case Column::MinutesToday:
            return row.minutesToday;
        case Column::TotalCalls:
            return row.totalCalls;
        case Column::TotalMinutes:
            return row.totalMinutes;
        case Column::Utilization:
            return row.utilization;
        case Column::NextBilling:
            return row.boughtAt.isValid()
                       ? daysToBillingDay(Clock::nowUtc().date(), row.boughtAt.date().day())
                       : 99;
        case Column::Webhook:
            return row.voiceUrl;
        case Column::Health:
            return row.health;
        case Column::AnswerRate:
            return row.callsWindow == 0 ? -1.0 : row.answerRate;
        case Column::RestingUntil:
            return row.restingUntil.isValid() ? row.restingUntil.toSecsSinceEpoch() : -1;
        case Column::Count:
            break;
        }
        return {};
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row &a, const Row &b) {
        const QVariant ka = key(a);
        const QVariant kb = key(b);
        const auto ordering = QVariant::compare(ka, kb);
        if (ordering == QPartialOrdering::Equivalent || ordering == QPartialOrdering::Unordered)
            return order == Qt::AscendingOrder ? a.id < b.id : a.id > b.id;
        const bool less = ordering == QPartialOrdering::Less;
        return order == Qt::AscendingOrder ? less : !less;
    });
}

static Result<QList<PoolTableModel::Row>> loadRows(Database &db, const NumberFilter &filter, qint64 now,
                                                   const QHash<qint64, Usage> &usage,
                                                   const HealthFigures &health) {
    const qint64 today = now / 86400;
    QString sql = QStringLiteral(
        "SELECT n.id, n.e164, n.environment, n.friendly_name, n.twilio_sid, n.dedicated_company_id, dc.name, "
        "n.status, "
        "n.active_calls, CASE WHEN n.calls_today_day = ? THEN n.calls_today ELSE 0 END, n.total_calls, "
        "n.total_minutes, n.last_used_at, n.bought_at, n.monthly_price_micros, n.voice_url, "
        "n.missing_from_twilio, "
        "r.company_id, hc.name, r.operator, r.session, r.reserved_at, r.lease_expires_at, n.resting_until, "
        "n.rest_reason "
        "FROM phone_numbers n LEFT JOIN companies dc ON dc.id = n.dedicated_company_id "
        // The number's newest reservation; a session is unique only within its company.
        "LEFT JOIN reservations r ON (r.session, r.company_id) = (SELECT r2.session, r2.company_id FROM "
        "reservations r2 WHERE r2.number_id = n.id ORDER BY r2.reserved_at DESC, r2.session, r2.company_id "
        "LIMIT 1) "
        "LEFT JOIN companies hc ON hc.id = r.company_id WHERE 1 = 1");
    QVariantList bindings{today};
    if (!filter.environment.isEmpty()) {
        sql += QStringLiteral(" AND n.environment = ?");
        bindings << filter.environment;
    }
    if (filter.status) {
        sql += QStringLiteral(" AND n.status = ?");
        bindings << toString(*filter.status);
    }
    if (filter.companyId) {
        sql += QStringLiteral(" AND (n.dedicated_company_id = ? OR EXISTS (SELECT 1 FROM reservations r3 "
                              "WHERE r3.number_id = n.id AND r3.company_id = ?))");
        bindings << *filter.companyId << *filter.companyId;
    }
    const QString text = filter.text.trimmed();
    if (!text.isEmpty()) {
        const QString pattern = SqlText::containsPattern(text);
        sql += QStringLiteral(
            " AND (LOWER(n.e164) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(n.friendly_name, '')) LIKE ? "
            "ESCAPE '\\' OR LOWER(COALESCE(dc.name, '')) LIKE ? ESCAPE '\\' OR "
            "LOWER(COALESCE(hc.name, '')) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(r.operator, '')) "
            "LIKE ? ESCAPE '\\' OR LOWER(COALESCE(r.session, '')) LIKE ? ESCAPE '\\'");
        for (int i = 0; i < 6; ++i)
            bindings << pattern;
        // "607 695-60" finds +16076956082: compare digits only as well.
        QString digits;
        for (const QChar c : text) {
            if (c.isDigit())
                digits += c;
        }
        if (!digits.isEmpty() && digits != text) {
            sql += QStringLiteral(" OR n.e164 LIKE ?");
            bindings << QString(QStringLiteral("%") + digits + QStringLiteral("%"));
        }
        sql += QStringLiteral(")");
    }
    sql += QStringLiteral(" ORDER BY n.e164, n.environment, n.id");

    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    QList<PoolTableModel::Row> rows;
    while (query.next()) {
        PoolTableModel::Row row;
        row.id = query.value(0).toLongLong();
        row.e164 = query.value(1).toString();
        row.environment = query.value(2).toString();
        row.friendlyName = query.value(3).toString();
        row.twilioSid = query.value(4).toString();
        row.dedicatedCompanyId = Sql::optionalInt(query.value(5));
        row.dedicatedCompanyName = query.value(6).toString();
        row.status = numberStatusFromString(query.value(7).toString()).value_or(NumberStatus::Available);
        row.activeCalls = query.value(8).toInt();
        row.callsToday = query.value(9).toLongLong();
        row.totalCalls = query.value(10).toLongLong();
        row.totalMinutes = query.value(11).toLongLong();
        if (!query.value(12).isNull())
            row.lastUsedAt = Clock::fromSecs(query.value(12).toLongLong());
        if (!query.value(13).isNull())
            row.boughtAt = Clock::fromSecs(query.value(13).toLongLong());
        row.monthlyPrice = query.value(14).toLongLong();
        row.voiceUrl = query.value(15).toString();
        row.missingFromTwilio = query.value(16).toInt() == 1;
        row.releasing = query.value(16).toInt() == 2;
        row.holderCompanyId = Sql::optionalInt(query.value(17));
        row.holderCompanyName = query.value(18).toString();
        row.holderOperator = query.value(19).toString();
        row.holderSession = query.value(20).toString();
        if (!query.value(21).isNull())
            row.holderSince = Clock::fromSecs(query.value(21).toLongLong());
        if (!query.value(22).isNull())
            row.leaseExpiresAt = Clock::fromSecs(query.value(22).toLongLong());
        const Usage used = usage.value(row.id);
        row.minutesToday = used.minutesToday;
        row.busySeconds7d = used.busySeconds;
        qint64 window = UtilizationWindowSecs;
        if (row.boughtAt.isValid())
            window = std::clamp(now - row.boughtAt.toSecsSinceEpoch(), qint64(3600), UtilizationWindowSecs);
        row.utilization = static_cast<double>(used.busySeconds) / static_cast<double>(window);
        row.dailyCap = health.dailyCap;
        if (const auto found = health.byNumber.constFind(row.id); found != health.byNumber.constEnd()) {
            row.health = int(found->state);
            row.answerRate = found->answerRate;
            row.peerRate = found->peerRate;
            row.callsWindow = found->calls;
            row.answeredWindow = found->answered;
        }
        // A rest shows at once, not with the next reading of the figures.
        if (const auto until = Sql::optionalInt(query.value(23)); until && *until > now) {
            row.restingUntil = Clock::fromSecs(*until);
            row.restReason = query.value(24).toString();
            row.health = int(NumberHealth::State::Resting);
        } else if (row.health == int(NumberHealth::State::Resting)) {
            row.health = int(NumberHealth::State::Good);
        }
        rows.append(std::move(row));
    }
    return rows;
}

Result<QList<PoolTableModel::Row>> PoolTableModel::load(Database &db, const NumberFilter &filter,
                                                        qint64 nowSecs) {
    auto usage = loadUsage(db, nowSecs);
    if (!usage)
        return usage.error();
    auto health = loadHealth(db);
    if (!health)
        return health.error();
    return loadRows(db, filter, nowSecs, usage.value(), health.value());
}

void PoolTableModel::refresh() {
    const quint64 ticket = m_generation.next();
    auto isCurrent = m_generation.isCurrent(ticket);
    if (!m_loading) {
        m_loading = true;
        emit loadingChanged(true);
    }
    const NumberFilter filter = m_filter;
    std::shared_ptr<UsageCache> cache = m_cache;
    m_thread->run<QList<Row>>(
        [=](Database &db) -> Result<QList<Row>> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            const qint64 now = Clock::nowSecs();
            if (cache->loadedAt < 0 || now - cache->loadedAt >= UsageCacheSecs ||
                now / 86400 != cache->loadedAt / 86400) {
                auto usage = loadUsage(db, now);
                if (!usage)
                    return usage.error();
                auto health = loadHealth(db);
                if (!health)
                    return health.error();
                cache->usage = std::move(usage).value();
                cache->health = std::move(health).value();
                cache->loadedAt = now;
            }
            return loadRows(db, filter, now, cache->usage, cache->health);
        },
        [this, ticket](Result<QList<Row>> result) {
            if (ticket != m_generation.current())
                return;
            m_loading = false;
            if (result) {
                QList<Row> rows = std::move(result).value();
                sortRows(rows, m_sortColumn, m_sortOrder);
                apply(std::move(rows));
            } else {
                qCWarning(lcPoolModel) << "loading the pool failed:" << result.error().message;
                emit loadFailed(result.error().message);
            }
            emit loadingChanged(false);
            emit loaded();
        });
}

void PoolTableModel::apply(QList<Row> rows) {
    QList<qint64> ids;
    ids.reserve(rows.size());
    for (const Row &row : rows)
        ids.append(row.id);
    replaceRows(
        ids, [&](int row) { return !(m_rows[row] == rows[row]); }, [&] { m_rows = std::move(rows); });
}

} // namespace PoolDesk
