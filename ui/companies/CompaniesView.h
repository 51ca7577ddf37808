#pragma once

#include "common/View.h"
#include "domain/Types.h"

#include <QTimer>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSplitter;
class QTableView;
class QGroupBox;

namespace PoolDesk {
class CompaniesTableModel;
}

namespace PoolDesk::Ui {

class InlineError;
class LimitsForm;

// Companies (tenants): plan, dedicated numbers, limits and this month's calls, minutes and cost.
// The panel beside the table edits the selected company's plan and limits (validated by
// Companies, shown inline) and opens its call history.
class CompaniesView final : public View {
    Q_OBJECT
public:
    explicit CompaniesView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Companies"); }
    QIcon icon() const override;
    void refresh() override;
    void focusFilter() override;
    bool canExport() const override { return true; }
    void exportCsv() override;
    void activated() override;

    CompaniesTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // Selects the company by name (for tests and cross-view links); false when not shown.
    bool selectCompany(const QString &name);

public slots:
    void addCompany();
    // Saves the plan and limits typed in the panel; false (message inline) when refused.
    bool saveSelected();

signals:
    void callHistoryRequested(qint64 companyId, const QString &companyName);

private:
    void showSelected();
    void describeSelected();
    const Company *selected() const;

    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    CompaniesTableModel *m_model = nullptr;
    QGroupBox *m_panel = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_usage = nullptr;
    QComboBox *m_plan = nullptr;
    LimitsForm *m_limits = nullptr;
    InlineError *m_error = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_history = nullptr;
    QListWidget *m_numbers = nullptr;
    qint64 m_selectedId = 0;
    QTimer m_debounce;
};

} // namespace PoolDesk::Ui
