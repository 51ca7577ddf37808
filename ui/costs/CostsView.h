#pragma once

#include "billing/CostReport.h"
#include "common/View.h"

class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;

namespace PoolDesk {
class CostReportModel;
}

namespace PoolDesk::Ui {

class ReconcilePanel;

// A month's costs: per company (dedicated rental, share of the shared-pool rental pro rata to
// minutes, outbound, inbound, total) or per number; estimated versus Twilio-billed; charts by
// company, by category and month over month; savings advice; and a printable PDF report per
// company; closing and re-opening the month; and a Reconcile tab against Twilio's bill. Figures
// come from billing's ClosedMonths::report (the CLI's `report costs` gives the same).
class CostsView final : public View {
    Q_OBJECT
public:
    explicit CostsView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Costs"); }
    QIcon icon() const override;
    void refresh() override;
    bool canExport() const override { return true; }
    void exportCsv() override;
    void activated() override;

    CostReportModel *model() const { return m_model; }
    // Writes the company's monthly report as PDF (charts included). Returns false with the reason
    // in the banner.
    bool writeCompanyPdf(qint64 companyId, const QString &path);

public slots:
    void printCompanyReport();

signals:
    void historyLoaded();

private:
    struct MonthTotals {
        QString month;
        Micros rental = 0;
        Micros calls = 0;
        QHash<qint64, Micros> companyTotals;
    };
    void showReport();
    void fillMonths(); // this month and the twelve before, in the billing zone
    void nameMonths();
    void showClosing();
    void closeMonth();
    void reopenMonth();
    void loadHistory();
    void showHistory();
    qint64 selectedCompanyId() const;

    QComboBox *m_month = nullptr;
    QComboBox *m_mode = nullptr;
    QPushButton *m_pdf = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_reopen = nullptr;
    QLabel *m_closing = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_rule = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_table = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    CostReportModel *m_model = nullptr;
    QTabWidget *m_tabs = nullptr;
    QChartView *m_byCompany = nullptr;
    QChartView *m_byCategory = nullptr;
    QChartView *m_history = nullptr;
    ReconcilePanel *m_reconcile = nullptr;
    QListWidget *m_advice = nullptr;
    QList<MonthTotals> m_months;
    bool m_loaded = false;
};

} // namespace PoolDesk::Ui
