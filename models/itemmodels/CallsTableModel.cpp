#include "itemmodels/CallsTableModel.h"

#include "domain/BillingZone.h"

#include "billing/Recordings.h"
#include "domain/Clock.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QLocale>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCallsModel, "pooldesk.itemmodels.calls")

namespace PoolDesk {

namespace {
constexpr int RefreshInsertLimit = 2000;

// In the billing zone with its name, so a time read out to someone elsewhere is not misread.
QString localDateTime(qint64 secs) {
    return DisplayZone::current().displayText(secs, QLocale(), true);
}

QString duration(qint64 seconds) {
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}
// Marks each row with its call's recordings, on the worker, in the job that read the rows.
Status markRecordings(Database &db, const std::optional<Principal> &scope, QList<CallRow> &rows) {
    if (!scope || rows.isEmpty())
        return success();
    QStringList sids;
    for (const CallRow &row : std::as_const(rows))
        sids.append(row.callSid);
    auto counts = Recordings(db, *scope).countByCall(sids);
    if (!counts)
        return counts.error();
    for (CallRow &row : rows)
        row.recordings = counts->value(row.callSid);
    return success();
}

template <typename T>
Result<T> marked(Database &db, const std::optional<Principal> &scope, Result<T> read) {
    if (!read)
        return read;
    QList<CallRow> &rows = [&]() -> QList<CallRow> & {
        if constexpr (std::is_same_v<T, CallPage>)
            return read.value().rows;
        else
            return read.value();
    }();
    if (auto done = markRecordings(db, scope, rows); !done)
        return done.error();
    return read;
}

} // namespace

CallsTableModel::CallsTableModel(Database &database, QObject *parent)
    : QAbstractTableModel(parent)
    , m_pages(std::make_unique<QueryThread>(database.url()))
    , m_counts(std::make_unique<QueryThread>(database.url())) {
    reload();
}

CallsTableModel::~CallsTableModel() = default;

int CallsTableModel::rowCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CallsTableModel::columnCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    // The recordings column exists only for those who may listen (it is the last one).
    const int columns = static_cast<int>(m_recordingScope ? Column::Count : Column::Recordings);
    return parent.isValid() ? 0 : columns;
}

const CallRow *CallsTableModel::rowAt(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

QVariant CallsTableModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const CallRow &row = m_rows[index.row()];
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
        case Column::Duration:
        case Column::BilledMinutes:
        case Column::Cost:
        case Column::TwilioPrice:
        case Column::Recordings:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (column == Column::Cost)
            return row.twilioPrice ? tr("Twilio's billed price.")
                                   : tr("Estimated from the tariff: Twilio has not "
                                        "reported this call's price yet.");
        if (column == Column::Started)
            return tr("Ended %1; session %2").arg(localDateTime(row.endedAt), row.session);
        if (column == Column::Recordings && row.recordings > 0)
            return tr("%n recording(s): select the call to play them below.", nullptr, row.recordings);
        if (column == Column::Company && !row.companyId)
            return tr("The company was deleted.");
        return {};
    default:
        return {};
    }
}

QVariant CallsTableModel::display(const CallRow &row, Column column) const {
    const QLocale locale;
    switch (column) {
    case Column::Started:
        return localDateTime(row.startedAt);
    case Column::Company:
        return row.companyId ? row.companyName : tr("(deleted)");
    case Column::Number:
        return row.e164;
    case Column::Operator:
        return row.operatorId;
    case Column::Direction:
        return displayName(row.direction);
    case Column::Duration:
        return duration(row.durationSeconds);
    case Column::BilledMinutes:
        return locale.toString(row.billedMinutes);
    case Column::Cost:
        return Money::format(row.twilioPrice.value_or(row.estimatedCost), locale, 4);
    case Column::TwilioPrice:
        return row.twilioPrice ? Money::format(*row.twilioPrice, locale, 4) : QString();
    case Column::Environment:
        return row.environment;
    case Column::Recordings:
        return row.recordings > 0 ? locale.toString(row.recordings) : QString();
    case Column::Count:
        break;
    }
    return {};
}

QVariant CallsTableModel::underlying(const CallRow &row, Column column) const {
    switch (column) {
    case Column::Started:
        return row.startedAt;
    case Column::Company:
        return row.companyId ? QVariant(*row.companyId) : QVariant();
    case Column::Number:
        return row.e164;
    case Column::Operator:
        return row.operatorId;
    case Column::Direction:
        return toString(row.direction);
    case Column::Duration:
        return row.durationSeconds;
    case Column::BilledMinutes:
        return row.billedMinutes;
    case Column::Cost:
        return row.twilioPrice.value_or(row.estimatedCost);
    case Column::TwilioPrice:
        return row.twilioPrice ? QVariant(*row.twilioPrice) : QVariant();
    case Column::Environment:
        return row.environment;
    case Column::Recordings:
        return row.recordings;
    case Column::Count:
        break;
    }
    return {};
}

QVariant CallsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= static_cast<int>(Column::Count))
        return {};
    switch (static_cast<Column>(section)) {
    case Column::Started:
        return tr("Started");
    case Column::Company:
        return tr("Company");
    case Column::Number:
        return tr("Number");
    case Column::Operator:
        return tr("Operator");
    case Column::Direction:
        return tr("Direction");
    case Column::Duration:
        return tr("Duration");
    case Column::BilledMinutes:
        return tr("Billed minutes");
    case Column::Cost:
        return tr("Cost");
    case Column::TwilioPrice:
        return tr("Twilio price");
    case Column::Environment:
        return tr("Environment");
    case Column::Recordings:
        return tr("Recordings");
    case Column::Count:
        break;
    }
    return {};
}

CallSort CallsTableModel::sortFor(Column column) {
    switch (column) {
    case Column::Started:
        return CallSort::StartedAt;
    case Column::Company:
        return CallSort::Company;
    case Column::Number:
        return CallSort::Number;
    case Column::Operator:
        return CallSort::Operator;
    case Column::Direction:
        return CallSort::Direction;
    case Column::Duration:
    case Column::BilledMinutes:
        return CallSort::Duration;
    case Column::Cost:
        return CallSort::Cost;
    case Column::TwilioPrice:
        return CallSort::TwilioPrice;
    case Column::Environment:
        return CallSort::Environment;
    case Column::Recordings: // not an order of its own: counted per page
    case Column::Count:
        break;
    }
    return CallSort::StartedAt;
}

void CallsTableModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= static_cast<int>(Column::Count))
        return;
    const CallSort sort = sortFor(static_cast<Column>(column));
    if (sort == m_sort && order == m_order)
        return;
    m_sort = sort;
    m_order = order;
    reload();
}

void CallsTableModel::setRecordingScope(const std::optional<Principal> &principal) {
    m_recordingScope =
        principal && allows(*principal, Permission::ListenToRecordings) ? principal : std::nullopt;
    reload();
}

void CallsTableModel::setFilter(const CallFilter &filter) {
    if (filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

void CallsTableModel::setLoading(bool loading) {
    if (loading == m_loadingFirstPage)
        return;
    m_loadingFirstPage = loading;
    emit loadingChanged(loading);
}

void CallsTableModel::reload() {
    const quint64 ticket = m_generation.next();
    auto isCurrent = m_generation.isCurrent(ticket);
    setLoading(true);
    m_fetching = true;
    const CallFilter filter = m_filter;
    const CallSort sort = m_sort;
    const Qt::SortOrder order = m_order;
    const int limit = m_pageSize;
    const std::optional<Principal> scope = m_recordingScope;
    m_pages->run<CallPage>(
        [=](Database &db) -> Result<CallPage> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            // The newest id first: a call recorded meanwhile comes with the next refresh (and is
            // not inserted twice when the page has it too).
            auto last = CallHistory::lastId(db);
            if (!last)
                return last.error();
            auto page = marked(db, scope, CallHistory::page(db, filter, sort, order, CallCursor{}, limit));
            if (page)
                page.value().lastId = last.value();
            return page;
        },
        [this, ticket](Result<CallPage> result) {
            if (ticket != m_generation.current())
                return;
            m_fetching = false;
            if (!result) {
                qCWarning(lcCallsModel) << "reading calls failed:" << result.error().message;
                setLoading(false);
                emit loadFailed(result.error().message);
                return;
            }
            beginResetModel();
            m_lastId = result->lastId;
            m_rows = std::move(result.value().rows);
            m_cursor = result.value().next;
            m_atEnd = result.value().atEnd;
            endResetModel();
            setLoading(false);
            emit loaded();
        });
    requestCount();
}

void CallsTableModel::requestCount() {
    const quint64 ticket = m_countGeneration.next();
    auto isCurrent = m_countGeneration.isCurrent(ticket);
    const CallFilter filter = m_filter;
    m_counts->run<qint64>(
        [=](Database &db) -> Result<qint64> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return CallHistory::count(db, filter);
        },
        [this, ticket](Result<qint64> result) {
            if (ticket != m_countGeneration.current() || !result)
                return;
            if (result.value() != m_totalCount) {
                m_totalCount = result.value();
                emit totalCountChanged(m_totalCount);
            }
        });
}

bool CallsTableModel::canFetchMore(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return !parent.isValid() && !m_atEnd && !m_loadingFirstPage;
}

void CallsTableModel::fetchMore(const QModelIndex &parent) {
    Q_ASSERT(checkIndex(parent));
    if (parent.isValid() || m_atEnd || m_fetching || m_loadingFirstPage)
        return;
    m_fetching = true;
    const quint64 ticket = m_generation.current();
    auto isCurrent = m_generation.isCurrent(ticket);
    const CallFilter filter = m_filter;
    const CallSort sort = m_sort;
    const Qt::SortOrder order = m_order;
    const CallCursor cursor = m_cursor;
    const int limit = m_pageSize;
    const std::optional<Principal> scope = m_recordingScope;
    m_pages->run<CallPage>(
        [=](Database &db) -> Result<CallPage> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return marked(db, scope, CallHistory::page(db, filter, sort, order, cursor, limit));
        },
        [this, ticket](Result<CallPage> result) {
            if (ticket != m_generation.current())
                return;
            if (!result) {
                m_fetching = false;
                emit loadFailed(result.error().message);
                return;
            }
            CallPage &page = result.value();
            m_cursor = page.next;
            m_atEnd = page.atEnd;
            if (!page.rows.isEmpty()) {
                const int first = static_cast<int>(m_rows.size());
                beginInsertRows({}, first, first + static_cast<int>(page.rows.size()) - 1);
                m_rows += std::move(page.rows);
                endInsertRows();
            }
            // Only now: a view may ask for more from inside the insert signals.
            m_fetching = false;
            emit pageLoaded(static_cast<int>(m_rows.size()));
        });
}

void CallsTableModel::refresh() {
    const bool newestFirst = m_sort == CallSort::StartedAt && m_order == Qt::DescendingOrder;
    if (!newestFirst || m_rows.isEmpty() || m_loadingFirstPage) {
        if (!m_loadingFirstPage)
            reload();
        return;
    }
    const quint64 ticket = m_generation.current();
    auto isCurrent = m_generation.isCurrent(ticket);
    const CallFilter filter = m_filter;
    const qint64 afterId = m_lastId;
    const std::optional<Principal> scope = m_recordingScope;
    // Jobs run in order on one thread, so a second refresh sees the first one's rows.
    m_pages->run<QList<CallRow>>(
        [=](Database &db) -> Result<QList<CallRow>> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return marked(db, scope, CallHistory::addedAfter(db, filter, afterId, RefreshInsertLimit));
        },
        [this, ticket](Result<QList<CallRow>> result) {
            if (ticket != m_generation.current() || !result)
                return;
            if (result->size() >= RefreshInsertLimit) {
                reload();
                return;
            }
            insertInOrder(std::move(result.value()));
            emit loaded();
        });
    requestCount();
}

void CallsTableModel::insertInOrder(QList<CallRow> added) {
    // Newest first, where each belongs among the rows loaded so far: a long call that just ended
    // goes below the shorter ones that started after it. One beyond the last loaded row is left
    // for paging to bring; one already loaded (the first page read it too) is not added twice.
    const auto newer = [](const CallRow &a, const CallRow &b) {
        return a.startedAt != b.startedAt ? a.startedAt > b.startedAt : a.id > b.id;
    };
    std::sort(added.begin(), added.end(), newer);
    QList<std::pair<qsizetype, QList<CallRow>>> blocks; // position in m_rows, rows going there
    for (CallRow &row : added) {
        m_lastId = std::max(m_lastId, row.id);
        const qsizetype at = std::lower_bound(m_rows.cbegin(), m_rows.cend(), row, newer) - m_rows.cbegin();
        if ((at < m_rows.size() && m_rows.at(at).id == row.id) || (at == m_rows.size() && !m_atEnd))
            continue;
        if (blocks.isEmpty() || blocks.constLast().first != at)
            blocks.append(std::pair<qsizetype, QList<CallRow>>(at, {}));
        blocks.last().second.append(std::move(row));
    }
    // From the last position back, so the earlier positions stay right.
    for (auto block = blocks.rbegin(); block != blocks.rend(); ++block) {
        const int first = static_cast<int>(block->first);
        beginInsertRows({}, first, first + static_cast<int>(block->second.size()) - 1);
        for (qsizetype i = 0; i < block->second.size(); ++i)
            m_rows.insert(first + i, std::move(block->second[i]));
        endInsertRows();
    }
}

} // namespace PoolDesk