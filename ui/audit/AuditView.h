#pragma once

#include "common/View.h"

#include <QTimer>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace PoolDesk {
class AuditTableModel;
struct AuditFilter;
} // namespace PoolDesk

namespace PoolDesk::Ui {

// Who did what and when: every change to companies, numbers, limits, assignments, settings and
// tariffs, filterable by time, actor, action and company, with the full before/after of the
// selected entry, and exportable.
class AuditView final : public View {
    Q_OBJECT
public:
    explicit AuditView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return titleText(); }
    static QString titleText() { return tr("Audit Log"); }
    static QIcon iconImage();
    QIcon icon() const override { return iconImage(); }
    void refresh() override;
    void focusFilter() override;
    bool canExport() const override { return true; }
    void exportCsv() override;
    void activated() override;

    AuditTableModel *model() const { return m_model; }

private:
    void applyFilter();
    void showDetails();
    void updateCount();

    QLineEdit *m_actor = nullptr;
    QComboBox *m_action = nullptr;
    QComboBox *m_company = nullptr;
    QComboBox *m_period = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_details = nullptr;
    AuditTableModel *m_model = nullptr;
    QTimer m_debounce;
    bool m_activated = false;
};

} // namespace PoolDesk::Ui
