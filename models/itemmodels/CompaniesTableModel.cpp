#include "itemmodels/CompaniesTableModel.h"

#include "domain/BillingZone.h"
#include "domain/Clock.h"
#include "itemmodels/SqlText.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QColor>
#include <QLocale>
#include <QLoggingCategory>
#include <QSqlQuery>

#include <algorithm>

#include <climits>

Q_LOGGING_CATEGORY(lcCompaniesModel, "pooldesk.itemmodels.companies")

namespace PoolDesk {

namespace {

QVariant optionalValue(const std::optional<int> &value) {
    return value ? QVariant(*value) : QVariant();
}
QVariant optionalValue(const std::optional<qint64> &value) {
    return value ? QVariant(*value) : QVariant();
}

// 0 = fine, 1 = over 80% of the limit, 2 = at or over the limit.
int pressure(qint64 used, const std::optional<qint64> &limit) {
    if (!limit || *limit <= 0)
        return 0;
    if (used >= *limit)
        return 2;
    return used * 5 >= *limit * 4 ? 1 : 0;
}

} // namespace

bool CompaniesTableModel::Row::operator==(const Row &other) const {
    return company.id == other.company.id && company.name == other.company.name &&
           company.plan == other.company.plan &&
           company.limits.maxConcurrentCalls == other.company.limits.maxConcurrentCalls &&
           company.limits.monthlyMinutes == other.company.limits.monthlyMinutes &&
           company.limits.monthlyBudget == other.company.limits.monthlyBudget &&
           dedicatedNumbers == other.dedicatedNumbers && inUse == other.inUse &&
           callsThisMonth == other.callsThisMonth && minutesThisMonth == other.minutesThisMonth &&
           costThisMonth == other.costThisMonth;
}

CompaniesTableModel::CompaniesTableModel(Database &database, QObject *parent)
    : KeyedTableModel(parent)
    , m_thread(std::make_unique<QueryThread>(database.url())) {
    refresh();
}

CompaniesTableModel::~CompaniesTableModel() = default;

int CompaniesTableModel::rowCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CompaniesTableModel::columnCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

const CompaniesTableModel::Row *CompaniesTableModel::rowAt(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

QVariant CompaniesTableModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[index.row()];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case UnderlyingDataRole:
        return underlying(row, column);
    case RowIdRole:
        return row.company.id;
    case Qt::TextAlignmentRole:
        return column == Column::Name || column == Column::PlanName
                   ? QVariant()
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        int level = 0;
        if (column == Column::MonthlyMinutes || column == Column::MinutesThisMonth)
            level = pressure(row.minutesThisMonth, row.company.limits.monthlyMinutes);
        else if (column == Column::MonthlyBudget || column == Column::CostThisMonth)
            level = pressure(row.costThisMonth, row.company.limits.monthlyBudget);
        else if (column == Column::MaxConcurrent || column == Column::InUse)
            level = row.company.limits.maxConcurrentCalls
                        ? pressure(row.inUse, qint64(*row.company.limits.maxConcurrentCalls))
                        : 0;
        if (level == 2)
            return QColor(0xc6, 0x28, 0x28);
        if (level == 1)
            return QColor(0xb2, 0x6a, 0x00);
        return {};
    }
    case Qt::ToolTipRole:
        switch (column) {
        case Column::PlanName:
            switch (row.company.plan) {
            case Plan::Standard:
                return tr("Calls from the shared pool.");
            case Plan::Enterprise:
                return tr("Calls only from its dedicated numbers.");
            case Plan::Hybrid:
                return tr("Calls from its dedicated numbers first, then from the shared pool.");
            }
            return {};
        case Column::CostThisMonth:
            return tr("Call charges this month (Twilio's price where reported, the tariff otherwise); number "
                      "rental is in the Costs view.");
        case Column::MonthlyMinutes:
        case Column::MinutesThisMonth: {
            if (!row.company.limits.monthlyMinutes)
                return {};
            // Counted outside tr(): lupdate 6.4 does not read expressions there.
            const int limit = static_cast<int>(qMin<qint64>(*row.company.limits.monthlyMinutes, INT_MAX));
            return tr("%1 of %Ln minute(s) used this month.", nullptr, limit)
                .arg(QLocale().toString(row.minutesThisMonth));
        }
        case Column::MonthlyBudget:
            return row.company.limits.monthlyBudget
                       ? tr("%1 of %2 spent this month.")
                             .arg(Money::format(row.costThisMonth),
                                  Money::format(*row.company.limits.monthlyBudget))
                       : QVariant();
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant CompaniesTableModel::display(const Row &row, Column column) const {
    const QLocale locale;
    const QString unlimited = tr("No limit");
    switch (column) {
    case Column::Name:
        return row.company.name;
    case Column::PlanName:
        return displayName(row.company.plan);
    case Column::DedicatedNumbers:
        return locale.toString(row.dedicatedNumbers);
    case Column::InUse:
        return locale.toString(row.inUse);
    case Column::MaxConcurrent:
        return row.company.limits.maxConcurrentCalls ? locale.toString(*row.company.limits.maxConcurrentCalls)
                                                     : unlimited;
    case Column::MonthlyMinutes:
        return row.company.limits.monthlyMinutes ? locale.toString(*row.company.limits.monthlyMinutes)
                                                 : unlimited;
    case Column::MonthlyBudget:
        return row.company.limits.monthlyBudget ? Money::format(*row.company.limits.monthlyBudget, locale)
                                                : unlimited;
    case Column::CallsThisMonth:
        return locale.toString(row.callsThisMonth);
    case Column::MinutesThisMonth:
        return locale.toString(row.minutesThisMonth);
    case Column::CostThisMonth:
        return Money::format(row.costThisMonth, locale);
    case Column::Count:
        break;
    }
    return {};
}

QVariant CompaniesTableModel::underlying(const Row &row, Column column) const {
    switch (column) {
    case Column::Name:
        return row.company.name;
    case Column::PlanName:
        return toString(row.company.plan);
    case Column::DedicatedNumbers:
        return row.dedicatedNumbers;
    case Column::InUse:
        return row.inUse;
    case Column::MaxConcurrent:
        return optionalValue(row.company.limits.maxConcurrentCalls);
    case Column::MonthlyMinutes:
        return optionalValue(row.company.limits.monthlyMinutes);
    case Column::MonthlyBudget:
        return optionalValue(row.company.limits.monthlyBudget);
    case Column::CallsThisMonth:
        return row.callsThisMonth;
    case Column::MinutesThisMonth:
        return row.minutesThisMonth;
    case Column::CostThisMonth:
        return row.costThisMonth;
    case Column::Count:
        break;
    }
    return {};
}

QVariant CompaniesTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= static_cast<int>(Column::Count))
        return {};
    const auto column = static_cast<Column>(section);
    if (role == Qt::ToolTipRole && column == Column::InUse)
        return tr("Numbers the company holds now: reserved (allocated, call not confirmed yet) or in use "
                  "(on a call).");
    if (role == Qt::ToolTipRole && (column == Column::CallsThisMonth || column == Column::MinutesThisMonth ||
                                    column == Column::CostThisMonth || column == Column::MonthlyMinutes ||
                                    column == Column::MonthlyBudget))
        return tr("Months begin at midnight in %1, the workspace's billing time zone.")
            .arg(DisplayZone::current().id());
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case Column::Name:
        return tr("Company");
    case Column::PlanName:
        return tr("Plan");
    case Column::DedicatedNumbers:
        return tr("Dedicated numbers");
    case Column::InUse:
        return tr("Numbers held");
    case Column::MaxConcurrent:
        return tr("Max concurrent calls");
    case Column::MonthlyMinutes:
        return tr("Monthly minutes limit");
    case Column::MonthlyBudget:
        return tr("Monthly budget");
    case Column::CallsThisMonth:
        return tr("Calls this month");
    case Column::MinutesThisMonth:
        return tr("Minutes this month");
    case Column::CostThisMonth:
        return tr("Call cost this month");
    case Column::Count:
        break;
    }
    return {};
}

void CompaniesTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= static_cast<int>(Column::Count))
        return;
    m_sortColumn = static_cast<Column>(column);
    m_sortOrder = order;
    apply(m_rows);
}

void CompaniesTableModel::setTextFilter(const QString &text) {
    if (text == m_text)
        return;
    m_text = text;
    refresh();
}

Result<QList<CompaniesTableModel::Row>> CompaniesTableModel::load(Database &db, const QString &text,
                                                                  const QString &month) {
    QString sql = QStringLiteral(
        "SELECT c.id, c.name, c.plan, c.max_concurrent, c.monthly_minutes, c.monthly_budget_micros, "
        "c.created_at, "
        "(SELECT COUNT(*) FROM phone_numbers n WHERE n.dedicated_company_id = c.id), "
        "(SELECT COUNT(*) FROM reservations r WHERE r.company_id = c.id), "
        "COALESCE(u.calls, 0), COALESCE(u.billed_minutes, 0), COALESCE(u.cost_micros, 0) "
        "FROM companies c LEFT JOIN company_usage_months u ON u.company_id = c.id AND u.month = ?");
    QVariantList bindings{month};
    if (!text.trimmed().isEmpty()) {
        sql += QStringLiteral(" WHERE LOWER(c.name) LIKE ? ESCAPE '\\' OR c.plan LIKE ? ESCAPE '\\'");
        bindings << SqlText::containsPattern(text.trimmed()) << SqlText::containsPattern(text.trimmed());
    }
    sql += QStringLiteral(" ORDER BY c.name, c.id");
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    QList<Row> rows;
    while (query.next()) {
        Row row;
        row.company.id = query.value(0).toLongLong();
        row.company.name = query.value(1).toString();
        row.company.plan = planFromString(query.value(2).toString()).value_or(Plan::Standard);
        if (!query.value(3).isNull())
            row.company.limits.maxConcurrentCalls = query.value(3).toInt();
        row.company.limits.monthlyMinutes = Sql::optionalInt(query.value(4));
        row.company.limits.monthlyBudget = Sql::optionalInt(query.value(5));
        row.company.createdAt = Clock::fromSecs(query.value(6).toLongLong());
        row.dedicatedNumbers = query.value(7).toInt();
        row.inUse = query.value(8).toInt();
        row.callsThisMonth = query.value(9).toLongLong();
        row.minutesThisMonth = query.value(10).toLongLong();
        row.costThisMonth = query.value(11).toLongLong();
        rows.append(std::move(row));
    }
    return rows;
}

void CompaniesTableModel::refresh() {
    const quint64 ticket = m_generation.next();
    auto isCurrent = m_generation.isCurrent(ticket);
    if (!m_loading) {
        m_loading = true;
        emit loadingChanged(true);
    }
    const QString text = m_text;
    m_thread->run<QList<Row>>(
        [=](Database &db) -> Result<QList<Row>> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return load(db, text, Settings::billingZone(db).monthKey(Clock::nowSecs()));
        },
        [this, ticket](Result<QList<Row>> result) {
            if (ticket != m_generation.current())
                return;
            m_loading = false;
            if (result) {
                apply(std::move(result).value());
            } else {
                qCWarning(lcCompaniesModel) << "loading companies failed:" << result.error().message;
                emit loadFailed(result.error().message);
            }
            emit loadingChanged(false);
            emit loaded();
        });
}

void CompaniesTableModel::apply(QList<Row> rows) {
    const Column column = m_sortColumn;
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    std::stable_sort(rows.begin(), rows.end(), [&](const Row &a, const Row &b) {
        QVariant ka = underlying(a, column);
        QVariant kb = underlying(b, column);
        if (column == Column::Name) {
            const int c = QString::localeAwareCompare(a.company.name, b.company.name);
            if (c != 0)
                return ascending ? c < 0 : c > 0;
            return a.company.id < b.company.id;
        }
        // "No limit" sorts above every number.
        if (ka.isNull() != kb.isNull())
            return ascending ? kb.isNull() : ka.isNull();
        const auto ordering = QVariant::compare(ka, kb);
        if (ordering == QPartialOrdering::Less)
            return ascending;
        if (ordering == QPartialOrdering::Greater)
            return !ascending;
        return a.company.id < b.company.id;
    });
    QList<qint64> ids;
    ids.reserve(rows.size());
    for (const Row &row : rows)
        ids.append(row.company.id);
    replaceRows(
        ids, [&](int row) { return !(m_rows[row] == rows[row]); }, [&] { m_rows = std::move(rows); });
}

} // namespace PoolDesk
