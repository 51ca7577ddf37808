#pragma once

#include "domain/Types.h"
#include "itemmodels/ItemRoles.h"
#include "itemmodels/KeyedTableModel.h"
#include "itemmodels/QueryThread.h"

#include <memory>

namespace PoolDesk {

class Database;

// The Companies view's model: one row per company with its plan, dedicated numbers, limits and
// this month's usage (from company_usage_months: calls, billed minutes and call cost, Twilio's
// price where reported, the tariff's estimate otherwise; number rental is in the Costs view).
//
// How a view uses it:
//   auto *model = new CompaniesTableModel(database, this);  // loads at once, off the GUI thread
//   view->setModel(model); view->setSortingEnabled(true);
//   connect(changeWatcher, &ChangeWatcher::changed, model, &CompaniesTableModel::refresh);
//   model->setTextFilter(text);
// Edit limits with Companies::setLimits (it validates and audits), then refresh(). rowAt(row)
// gives the whole record (Company with limits) for an edit dialog. RowIdRole is companies.id;
// UnderlyingDataRole gives raw values (limits null when unlimited, money in micro-dollars).
// Limit cells are coloured (ForegroundRole) when this month's usage passed 80% / 100% of the limit.
class CompaniesTableModel final : public KeyedTableModel {
    Q_OBJECT
public:
    enum class Column {
        Name,             // underlying: QString
        PlanName,         // underlying: "standard" / "enterprise" / "hybrid"
        DedicatedNumbers, // underlying: int
        InUse,            // numbers the company holds now; underlying: int
        MaxConcurrent,    // underlying: int or null (no limit)
        MonthlyMinutes,   // underlying: qint64 or null
        MonthlyBudget,    // underlying: micro-dollars or null
        CallsThisMonth,   // underlying: qint64
        MinutesThisMonth, // underlying: qint64 billed minutes
        CostThisMonth,    // underlying: micro-dollars
        Count
    };
    Q_ENUM(Column)

    struct Row {
        Company company;
        int dedicatedNumbers = 0;
        int inUse = 0;
        qint64 callsThisMonth = 0;
        qint64 minutesThisMonth = 0;
        Micros costThisMonth = 0;

        bool operator==(const Row &other) const;
    };

    explicit CompaniesTableModel(Database &database, QObject *parent = nullptr);
    ~CompaniesTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setTextFilter(const QString &text);
    QString textFilter() const { return m_text; }
    const Row *rowAt(int row) const;
    int rowOfId(qint64 id) const { return static_cast<int>(rowIds().indexOf(id)); }
    bool isLoading() const { return m_loading; }

    // The same rows, read on the calling thread (CLI, tests). month is "yyyy-MM" in the billing zone.
    static Result<QList<Row>> load(Database &db, const QString &text, const QString &month);

public slots:
    void refresh();

signals:
    void loadingChanged(bool loading);
    void loadFailed(const QString &message);
    void loaded();

private:
    void apply(QList<Row> rows);
    QVariant display(const Row &row, Column column) const;
    QVariant underlying(const Row &row, Column column) const;

    std::unique_ptr<QueryThread> m_thread;
    Generation m_generation;
    QList<Row> m_rows;
    QString m_text;
    Column m_sortColumn = Column::Name;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_loading = false;
};

} // namespace PoolDesk
