#pragma once

#include "common/View.h"

#include <QTimer>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolBar;
class QAction;

namespace PoolDesk {
class PoolTableModel;
}

namespace PoolDesk::Ui {

class PoolStatusStrip;

// Every number in the pool with its status (coloured), holder and usage; filters by environment,
// status, company and text (all applied in SQL by the model); add, remove, dedicate and share.
// The Twilio module adds its actions (import, buy, release, update webhooks) to actionBar().
class PoolView final : public View {
    Q_OBJECT
public:
    explicit PoolView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Pool"); }
    QIcon icon() const override;
    void refresh() override;
    void focusFilter() override;
    bool canExport() const override { return true; }
    void exportCsv() override;
    void activated() override;

    PoolTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QToolBar *actionBar() const { return m_actions; }
    // The selected number (E.164 and environment), empty when none.
    QPair<QString, QString> selectedNumber() const;

public slots:
    void addNumber();
    void removeSelected();
    void assignSelected();
    void unassignSelected();
    void restSelected();
    void unrestSelected();

private:
    void applyFilter();
    void updateActions();
    void updateCount();

    PoolStatusStrip *m_strip = nullptr;
    QComboBox *m_environment = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_company = nullptr;
    QLineEdit *m_text = nullptr;
    QLabel *m_count = nullptr;
    QToolBar *m_actions = nullptr;
    QAction *m_add = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_assign = nullptr;
    QAction *m_unassign = nullptr;
    QAction *m_rest = nullptr;
    QAction *m_unrest = nullptr;
    QTableView *m_table = nullptr;
    PoolTableModel *m_model = nullptr;
    QTimer m_textDebounce;
};

} // namespace PoolDesk::Ui
