#pragma once

#include "common/View.h"
#include "domain/Result.h"

#include <QTimer>

#include <memory>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace PoolDesk {
class AuditTableModel;
struct AuditFilter;
struct AuditReport;
class QueryThread;
} // namespace PoolDesk

namespace PoolDesk::Ui {

// Who did what and when: every change to companies, numbers, limits, assignments, settings and
// tariffs, filterable by time, actor, action and company, with the full before/after of the
// selected entry, and exportable. Above them, whether the log is intact: an administrator or finance
// verifies its chain and signed checkpoints on demand (Ctrl+Shift+V), on a worker thread.
class AuditView final : public View {
    Q_OBJECT
public:
    explicit AuditView(Workspace &workspace, QWidget *parent = nullptr);
    ~AuditView() override;

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
    // Walks the chain and checks every stored checkpoint; the result shows in the verification bar.
    void verify();
    bool isVerifying() const { return m_verifying; }
    QString verdictText() const;

signals:
    void verified(bool intact);

private:
    void applyFilter();
    void showDetails();
    void updateCount();
    void showVerdict();
    void verificationDone(Result<AuditReport> report);

    QLineEdit *m_actor = nullptr;
    QComboBox *m_action = nullptr;
    QComboBox *m_company = nullptr;
    QComboBox *m_period = nullptr;
    QLabel *m_count = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_details = nullptr;
    AuditTableModel *m_model = nullptr;
    QLabel *m_verdict = nullptr;
    QPushButton *m_verify = nullptr;
    QueryThread *m_verifier = nullptr;
    std::unique_ptr<AuditReport> m_report;
    std::unique_ptr<QString> m_verifyError;
    qint64 m_verifiedAt = 0;
    bool m_verifying = false;
    QTimer m_debounce;
    bool m_activated = false;
};

} // namespace PoolDesk::Ui
