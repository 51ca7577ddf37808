#pragma once

#include "billing/CsvWriter.h"
#include "domain/Result.h"
#include "itemmodels/ItemRoles.h"
#include "itemmodels/QueryThread.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace PoolDesk {

class Database;

struct AuditFilter {
    std::optional<qint64> fromSecs; // at or after (UTC seconds)
    std::optional<qint64> toSecs;   // before
    QString actor;                  // part of the actor ("alice" finds "user:alice"), any case
    QString action;                 // an action ("number.assign") or a prefix ending in '.' ("number.")
    std::optional<qint64> companyId;

    bool operator==(const AuditFilter &other) const = default;
};

struct AuditRow {
    qint64 id = 0;
    qint64 at = 0; // UTC seconds
    QString actor;
    QString action;
    QString target;
    std::optional<qint64> companyId;
    QString companyName;
    QString beforeJson;
    QString afterJson;
};

// The Audit view's model: who did what and when, newest first, read in pages like the Calls view.
//
// How a view uses it:
//   auto *model = new AuditTableModel(database, this);   // loads off the GUI thread
//   view->setModel(model);                   // canFetchMore/fetchMore page in older entries
//   view->setSortingEnabled(true);           // any column toggles newest/oldest first (time order)
//   model->setFilter(filter);                // time range, actor, action, company; in SQL
//   connect(changeWatcher, &ChangeWatcher::changed, model, &AuditTableModel::refresh);
// Export with AuditTableModel::exportCsv (same filter, straight from SQL) through CsvExportJob.
// Roles: DisplayRole text (Change is a short "field: before -> after" summary); ToolTipRole the full
// before/after JSON; UnderlyingDataRole raw values (UTC seconds, company id); RowIdRole audit_log.id.
class AuditTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Column { Time, Actor, Action, Target, Company, Change, Count };
    Q_ENUM(Column)

    explicit AuditTableModel(Database &database, QObject *parent = nullptr);
    ~AuditTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const AuditFilter &filter() const { return m_filter; }
    void setFilter(const AuditFilter &filter);
    Qt::SortOrder sortOrder() const { return m_order; }
    const AuditRow *rowAt(int row) const;
    bool isLoading() const { return m_loading; }
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }

    // Reads a page on the calling thread: entries after (at, id) in the order (none: from the start).
    static Result<QList<AuditRow>> page(Database &db, const AuditFilter &filter, Qt::SortOrder order,
                                        std::optional<std::pair<qint64, qint64>> after, int limit);
    static QString changeSummary(const QString &beforeJson, const QString &afterJson);
    static Result<qint64> exportCsv(Database &db, const AuditFilter &filter, Qt::SortOrder order,
                                    QIODevice &device, CsvWriter::Options options,
                                    const std::function<void(qint64, qint64)> &progress,
                                    const std::atomic<bool> *cancel);

public slots:
    void refresh();

signals:
    void loadingChanged(bool loading);
    void loaded();
    void loadFailed(const QString &message);

private:
    void requestPage(bool first);

    std::unique_ptr<QueryThread> m_thread;
    Generation m_generation;
    QList<AuditRow> m_rows;
    AuditFilter m_filter;
    Qt::SortOrder m_order = Qt::DescendingOrder;
    bool m_atEnd = true;
    bool m_fetching = false;
    bool m_loading = false;
    int m_pageSize = 500;
};

} // namespace PoolDesk
