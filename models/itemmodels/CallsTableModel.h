#pragma once

#include "billing/CallHistory.h"
#include "itemmodels/ItemRoles.h"
#include "itemmodels/QueryThread.h"
#include "security/Identity.h"

#include <QAbstractTableModel>

#include <memory>

namespace PoolDesk {

class Database;

// The Calls view's model: the call history, built for tens of millions of rows.
//
// How a view uses it:
//   auto *model = new CallsTableModel(database, this);  // first page loads at once, off the GUI thread
//   view->setModel(model);             // a QTableView pulls further pages through canFetchMore/fetchMore
//   view->setSortingEnabled(true);     // sort() re-reads in SQL (indexed keyset paging), never in memory
//   model->setFilter(filter);          // company / number / operator / direction / dates, in SQL
//   connect(model, &CallsTableModel::totalCountChanged, ...);  // "12,345 calls" (counted on its own thread)
//   connect(changeWatcher, &ChangeWatcher::changed, model, &CallsTableModel::refresh);
// Do NOT put a QSortFilterProxyModel on it (it would pull every row). rowCount() is the rows loaded
// so far; totalCount() is the matching total (-1 until counted). While a new filter or order is being
// read the old rows stay visible (isLoading() is true); when the first page arrives the model resets.
// refresh() inserts the calls recorded since (by id, so a long call that ends late is not missed)
// where they belong in the default order (newest first), keeping the scroll position; in other
// orders it re-reads from the first page.
// Export: CallHistory::exportCsv(db, model->filter(), ...) or CsvExportJob::calls() (straight from SQL).
// Roles: DisplayRole local-time/locale text; UnderlyingDataRole raw values (UTC seconds, micro-dollars,
// "outbound"/"inbound", null Twilio price when not reported); RowIdRole call_records.id.
class CallsTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Column {
        Started,       // underlying: UTC seconds
        Company,       // underlying: company id or null
        Number,        // underlying: E.164
        Operator,      // underlying: operator key
        Direction,     // underlying: "outbound" / "inbound"
        Duration,      // underlying: seconds
        BilledMinutes, // underlying: minutes
        Cost,          // Twilio's price when reported, else the estimate; underlying: micro-dollars
        TwilioPrice,   // underlying: micro-dollars or null
        Environment,   // underlying: environment name
        Recordings,    // how many recordings the call has; only with a recording scope
        Count
    };
    Q_ENUM(Column)

    explicit CallsTableModel(Database &database, QObject *parent = nullptr);
    ~CallsTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Counts each call's recordings as the principal may see them (Recordings::countByCall); none
    // (the default) leaves the column out (columnCount() stops before it) and never reads
    // call_recordings.
    void setRecordingScope(const std::optional<Principal> &principal);

    const CallFilter &filter() const { return m_filter; }
    void setFilter(const CallFilter &filter);
    CallSort callSort() const { return m_sort; }
    Qt::SortOrder sortOrder() const { return m_order; }
    static CallSort sortFor(Column column);

    const CallRow *rowAt(int row) const;
    qint64 totalCount() const { return m_totalCount; }
    bool isLoading() const { return m_loadingFirstPage; }
    bool isFetching() const { return m_fetching; }
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }
    int pageSize() const { return m_pageSize; }

public slots:
    void refresh();
    // Re-reads from the first page with the current filter and order.
    void reload();

signals:
    void loadingChanged(bool loading);
    void loaded(); // the first page of a new filter/order (or a refresh) arrived
    void pageLoaded(int rows);
    void totalCountChanged(qint64 count);
    void loadFailed(const QString &message);

private:
    QVariant display(const CallRow &row, Column column) const;
    QVariant underlying(const CallRow &row, Column column) const;
    void requestCount();
    void setLoading(bool loading);
    void insertInOrder(QList<CallRow> added);

    std::unique_ptr<QueryThread> m_pages;
    std::unique_ptr<QueryThread> m_counts;
    Generation m_generation;      // changes with the filter/order; stale pages are dropped
    Generation m_countGeneration; // counts are dropped when a newer one is asked for
    QList<CallRow> m_rows;
    CallCursor m_cursor;
    bool m_atEnd = true;
    bool m_fetching = false;
    bool m_loadingFirstPage = false;
    CallFilter m_filter;
    CallSort m_sort = CallSort::StartedAt;
    Qt::SortOrder m_order = Qt::DescendingOrder;
    int m_pageSize = 500;
    qint64 m_totalCount = -1;
    qint64 m_lastId = 0; // the newest call record seen: live refresh reads what came after it
    std::optional<Principal> m_recordingScope;
};

} // namespace PoolDesk
