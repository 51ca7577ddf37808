#pragma once

#include "billing/CallHistory.h"
#include "common/View.h"

#include <QTimer>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;

namespace PoolDesk {
class CallsTableModel;
}

namespace PoolDesk::Ui {

class InlineError;
class RecordingsPanel;

// The call history: every filter (company, number, operator, direction, date range) is applied in
// SQL by the model, which pages rows in as the table scrolls, so millions of calls open at once.
class CallsView final : public View {
    Q_OBJECT
public:
    explicit CallsView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Calls"); }
    QIcon icon() const override;
    void refresh() override;
    void focusFilter() override;
    bool canExport() const override { return true; }
    void exportCsv() override;
    void activated() override;

    CallsTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // The selected call's recordings; null for roles that may not listen to them.
    RecordingsPanel *recordingsPanel() const { return m_recordings; }
    // Shows one company's calls (the Companies view's "Call History").
    void showCompany(qint64 companyId);
    // The filter the widgets describe; nullopt (with the reason shown) when one is malformed.
    std::optional<CallFilter> currentFilter();

private:
    enum class Range { Today, Last7Days, ThisMonth, LastMonth, Last90Days, AllTime, Custom };
    void applyRange();
    void applyFilter();
    void updateCount();

    QComboBox *m_company = nullptr;
    QLineEdit *m_number = nullptr;
    QLineEdit *m_operator = nullptr;
    QComboBox *m_direction = nullptr;
    QComboBox *m_range = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLabel *m_count = nullptr;
    InlineError *m_error = nullptr;
    QTableView *m_table = nullptr;
    CallsTableModel *m_model = nullptr;
    RecordingsPanel *m_recordings = nullptr;
    QTimer m_debounce;
    bool m_activated = false;
};

} // namespace PoolDesk::Ui
