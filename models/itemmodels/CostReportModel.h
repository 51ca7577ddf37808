#pragma once

#include "billing/CostReport.h"
#include "itemmodels/ItemRoles.h"
#include "itemmodels/QueryThread.h"
#include "security/Identity.h"

#include <QAbstractTableModel>

#include <memory>

namespace PoolDesk {

class Database;

// The Costs view's model: a month's CostReport (ClosedMonths::report: the stored one once closed)
// as a table, per company (with an "unallocated
// shared rental" row when there is one and a total row) or per number.
//
// How a view uses it:
//   auto *model = new CostReportModel(database, principal, this);  // this month, built off the GUI thread
//   model->setMonth("2026-03");                         // loadingChanged(true) ... loaded()
//   model->setMode(CostReportModel::Mode::Numbers);     // switch the table between companies/numbers
//   label->setText(CostReport::sharingRule());          // the pro-rata rule, translated: show it
//   for (const CostAdvice &a : model->report().advice) ...   // savings advice list
//   model->report().sizing                              // Erlang B: recommended vs actual shared numbers
// Charts read report() directly or UnderlyingDataRole (micro-dollars). Put a QSortFilterProxyModel
// on it for sorting (tens of rows); the total row has IsTotalRole = true (keep it last).
// CSV: CostReports::writeCsv(model->report(), ...) or CsvExportJob::fromModel.
class CostReportModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Mode { Companies, Numbers };
    Q_ENUM(Mode)
    enum class CompanyColumn {
        Company,
        PlanName,
        DedicatedNumbers,
        DedicatedRental,
        SharedMinutes,
        SharedRentalShare,
        Outbound,
        Inbound,
        Adjustments, // late corrections to closed months, charged here
        Total,
        TwilioBilled,           // for the calls Twilio priced
        EstimateOfTwilioPriced, // the tariff estimate of those same calls
        Count
    };
    Q_ENUM(CompanyColumn)
    enum class NumberColumn {
        Number,
        Environment,
        DedicatedTo,
        Rental,
        Calls,
        Minutes,
        CallCost,
        Utilization,
        Count
    };
    Q_ENUM(NumberColumn)
    static constexpr int IsTotalRole = Qt::UserRole + 10;

    // principal: who reads (a manager gets their companies' lines of a closed month).
    CostReportModel(Database &database, Principal principal, QObject *parent = nullptr);
    ~CostReportModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QString month() const { return m_month; }
    void setMonth(const QString &month); // "yyyy-MM"
    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    void setOptions(const CostReportOptions &options);
    const CostReport &report() const { return m_report; }
    bool isLoading() const { return m_loading; }

public slots:
    void refresh();

signals:
    void loadingChanged(bool loading);
    void loaded();
    void loadFailed(const QString &message);

private:
    QVariant companyCell(int row, CompanyColumn column, int role) const;
    // The "unallocated shared rental" row: this month's, and corrections to closed months'.
    bool hasPoolRow() const;
    Micros poolAdjustments() const;
    QVariant numberCell(int row, NumberColumn column, int role) const;

    std::unique_ptr<QueryThread> m_thread;
    Generation m_generation;
    CostReport m_report;
    CostReportOptions m_options;
    Principal m_principal;
    QString m_month;
    Mode m_mode = Mode::Companies;
    bool m_loading = false;
};

} // namespace PoolDesk
