#include "itemmodels/CostReportModel.h"

#include "billing/ClosedMonths.h"

#include "domain/Clock.h"
#include "storage/Database.h"

#include <QFont>
#include <QLocale>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCostModel, "pooldesk.itemmodels.costs")

namespace PoolDesk {

CostReportModel::CostReportModel(Database &database, Principal principal, QObject *parent)
    : QAbstractTableModel(parent)
    , m_thread(std::make_unique<QueryThread>(database.url()))
    , m_principal(std::move(principal))
    , m_month(DisplayZone::current().monthKey(Clock::nowSecs())) {
    refresh();
}

CostReportModel::~CostReportModel() = default;

int CostReportModel::rowCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    if (parent.isValid() || m_report.month.isEmpty())
        return 0;
    if (m_mode == Mode::Numbers)
        return static_cast<int>(m_report.numbers.size());
    // Companies, then the unallocated shared rental (when any), then the total.
    return static_cast<int>(m_report.companies.size()) + (hasPoolRow() ? 1 : 0) + 1;
}

int CostReportModel::columnCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    if (parent.isValid())
        return 0;
    return m_mode == Mode::Numbers ? static_cast<int>(NumberColumn::Count)
                                   : static_cast<int>(CompanyColumn::Count);
}

QVariant CostReportModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    if (m_mode == Mode::Numbers)
        return numberCell(index.row(), static_cast<NumberColumn>(index.column()), role);
    return companyCell(index.row(), static_cast<CompanyColumn>(index.column()), role);
}

bool CostReportModel::hasPoolRow() const {
    return m_report.unallocatedSharedRental != 0 || !m_report.poolAdjustments.isEmpty();
}

Micros CostReportModel::poolAdjustments() const {
    Micros sum = 0;
    for (const CostAdjustment &a : m_report.poolAdjustments)
        sum += a.total();
    return sum;
}

QVariant CostReportModel::companyCell(int row, CompanyColumn column, int role) const {
    const int companies = static_cast<int>(m_report.companies.size());
    const bool unallocatedRow = row == companies && hasPoolRow();
    const bool totalRow = row == rowCount() - 1;
    if (role == IsTotalRole)
        return totalRow;
    if (role == Qt::FontRole && totalRow) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole)
        return column == CompanyColumn::Company || column == CompanyColumn::PlanName
                   ? QVariant()
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && column == CompanyColumn::SharedRentalShare)
        return CostReport::sharingRule();
    if (role == Qt::ToolTipRole && (column == CompanyColumn::Outbound || column == CompanyColumn::Inbound))
        return CostReport::pricingRule();
    if (role == Qt::ToolTipRole && column == CompanyColumn::Adjustments && row < companies) {
        QStringList lines;
        for (const CostAdjustment &a : m_report.companies[row].adjustments)
            lines << tr("Corrections to %1 (closed): %2").arg(a.month, Money::format(a.total(), QLocale()));
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    if (role == Qt::ToolTipRole && column == CompanyColumn::Adjustments)
        return tr("Late corrections to closed months (calls synced after closing, prices Twilio changed), "
                  "charged in this month.");
    if (role == RowIdRole)
        return row < companies ? QVariant(m_report.companies[row].companyId) : QVariant();
    if (role != Qt::DisplayRole && role != UnderlyingDataRole)
        return {};
    const bool raw = role == UnderlyingDataRole;
    const QLocale locale;
    auto money = [&](Micros amount) {
        return raw ? QVariant(amount) : QVariant(Money::format(amount, locale));
    };
    auto count = [&](qint64 value) { return raw ? QVariant(value) : QVariant(locale.toString(value)); };
    if (unallocatedRow) {
        switch (column) {
        case CompanyColumn::Company:
            return tr("Unallocated shared rental");
        case CompanyColumn::SharedRentalShare:
            return money(m_report.unallocatedSharedRental);
        case CompanyColumn::Adjustments:
            return money(poolAdjustments());
        case CompanyColumn::Total:
            return money(m_report.unallocatedSharedRental + poolAdjustments());
        default:
            return {};
        }
    }
    if (totalRow) {
        switch (column) {
        case CompanyColumn::Company:
            return tr("Total");
        case CompanyColumn::DedicatedRental:
            return money(m_report.dedicatedRental);
        case CompanyColumn::SharedRentalShare:
            return money(m_report.sharedRental);
        case CompanyColumn::Outbound:
            return money(m_report.outbound);
        case CompanyColumn::Inbound:
            return money(m_report.inbound);
        case CompanyColumn::Adjustments:
            return money(m_report.adjustments);
        case CompanyColumn::Total:
            return money(m_report.total);
        case CompanyColumn::TwilioBilled:
            return money(m_report.twilioBilled);
        case CompanyColumn::EstimateOfTwilioPriced:
            return money(m_report.estimateOfTwilioPriced);
        default:
            return {};
        }
    }
    const CompanyCost &c = m_report.companies[row];
    switch (column) {
    case CompanyColumn::Company:
        return c.name;
    case CompanyColumn::PlanName:
        if (c.companyId == 0)
            return {};
        return raw ? QVariant(toString(c.plan)) : QVariant(displayName(c.plan));
    case CompanyColumn::DedicatedNumbers:
        return count(c.dedicatedNumbers);
    case CompanyColumn::DedicatedRental:
        return money(c.dedicatedRental);
    case CompanyColumn::SharedMinutes:
        return count(c.sharedMinutes);
    case CompanyColumn::SharedRentalShare:
        return money(c.sharedRentalShare);
    case CompanyColumn::Outbound:
        return money(c.outbound);
    case CompanyColumn::Inbound:
        return money(c.inbound);
    case CompanyColumn::Adjustments:
        return money(c.adjustmentTotal());
    case CompanyColumn::Total:
        return money(c.total);
    case CompanyColumn::TwilioBilled:
        return money(c.twilioBilled);
    case CompanyColumn::EstimateOfTwilioPriced:
        return money(c.estimateOfTwilioPriced);
    case CompanyColumn::Count:
        break;
    }
    return {};
}

QVariant CostReportModel::numberCell(int row, NumberColumn column, int role) const {
    const NumberCost &n = m_report.numbers[row];
    if (role == IsTotalRole)
        return false;
    if (role == RowIdRole)
        return n.numberId;
    if (role == Qt::TextAlignmentRole)
        return column == NumberColumn::Number || column == NumberColumn::Environment ||
                       column == NumberColumn::DedicatedTo
                   ? QVariant()
                   : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != UnderlyingDataRole)
        return {};
    const bool raw = role == UnderlyingDataRole;
    const QLocale locale;
    switch (column) {
    case NumberColumn::Number:
        return n.e164;
    case NumberColumn::Environment:
        return n.environment;
    case NumberColumn::DedicatedTo:
        if (raw)
            return n.dedicatedCompanyId ? QVariant(*n.dedicatedCompanyId) : QVariant();
        return n.dedicatedCompanyId ? n.dedicatedCompanyName : tr("Shared");
    case NumberColumn::Rental:
        return raw ? QVariant(n.rental) : QVariant(Money::format(n.rental, locale));
    case NumberColumn::Calls:
        return raw ? QVariant(n.calls) : QVariant(locale.toString(n.calls));
    case NumberColumn::Minutes:
        return raw ? QVariant(n.minutes) : QVariant(locale.toString(n.minutes));
    case NumberColumn::CallCost:
        return raw ? QVariant(n.callCost) : QVariant(Money::format(n.callCost, locale));
    case NumberColumn::Utilization:
        return raw ? QVariant(n.utilization)
                   : QVariant(QString(locale.toString(n.utilization * 100.0, 'f', 2) + locale.percent()));
    case NumberColumn::Count:
        break;
    }
    return {};
}

QVariant CostReportModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= columnCount())
        return {};
    if (m_mode == Mode::Numbers) {
        switch (static_cast<NumberColumn>(section)) {
        case NumberColumn::Number:
            return tr("Number");
        case NumberColumn::Environment:
            return tr("Environment");
        case NumberColumn::DedicatedTo:
            return tr("Dedicated to");
        case NumberColumn::Rental:
            return tr("Rental");
        case NumberColumn::Calls:
            return tr("Calls");
        case NumberColumn::Minutes:
            return tr("Minutes");
        case NumberColumn::CallCost:
            return tr("Call cost");
        case NumberColumn::Utilization:
            return tr("Utilization");
        case NumberColumn::Count:
            break;
        }
        return {};
    }
    switch (static_cast<CompanyColumn>(section)) {
    case CompanyColumn::Company:
        return tr("Company");
    case CompanyColumn::PlanName:
        return tr("Plan");
    case CompanyColumn::DedicatedNumbers:
        return tr("Dedicated numbers");
    case CompanyColumn::DedicatedRental:
        return tr("Dedicated rental");
    case CompanyColumn::SharedMinutes:
        return tr("Shared-pool minutes");
    case CompanyColumn::SharedRentalShare:
        return tr("Shared rental share");
    case CompanyColumn::Outbound:
        return tr("Outbound");
    case CompanyColumn::Inbound:
        return tr("Inbound");
    case CompanyColumn::Adjustments:
        return tr("Adjustments");
    case CompanyColumn::Total:
        return tr("Total");
    case CompanyColumn::TwilioBilled:
        return tr("Twilio billed");
    case CompanyColumn::EstimateOfTwilioPriced:
        return tr("Estimated (same calls)");
    case CompanyColumn::Count:
        break;
    }
    return {};
}

void CostReportModel::setMonth(const QString &month) {
    if (month == m_month)
        return;
    m_month = month;
    refresh();
}

void CostReportModel::setMode(Mode mode) {
    if (mode == m_mode)
        return;
    beginResetModel();
    m_mode = mode;
    endResetModel();
}

void CostReportModel::setOptions(const CostReportOptions &options) {
    m_options = options;
    refresh();
}

void CostReportModel::refresh() {
    const quint64 ticket = m_generation.next();
    auto isCurrent = m_generation.isCurrent(ticket);
    if (!m_loading) {
        m_loading = true;
        emit loadingChanged(true);
    }
    const QString month = m_month;
    const CostReportOptions options = m_options;
    const Principal principal = m_principal;
    m_thread->run<CostReport>(
        [=](Database &db) -> Result<CostReport> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return ClosedMonths(db, principal).report(month, options);
        },
        [this, ticket](Result<CostReport> result) {
            if (ticket != m_generation.current())
                return;
            m_loading = false;
            if (result) {
                beginResetModel();
                m_report = std::move(result).value();
                endResetModel();
            } else {
                qCWarning(lcCostModel) << "building the cost report failed:" << result.error().message;
                emit loadFailed(result.error().message);
            }
            emit loadingChanged(false);
            emit loaded();
        });
}

} // namespace PoolDesk
