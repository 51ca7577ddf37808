#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace PoolDesk::Ui {

class Workspace;

// The Costs view's Reconcile tab: PoolDesk's month against Twilio's usage records (outbound
// calls, inbound calls, local numbers) for the workspace's environment, category by category,
// with why they differ. Twilio's month is UTC, and the panel says so.
class ReconcilePanel final : public QWidget {
    Q_OBJECT
public:
    ReconcilePanel(Workspace &workspace, QWidget *parent = nullptr);
    void setMonth(const QString &month); // "yyyy-MM"

public slots:
    void compare();

signals:
    void compared(bool ok);

private:
    Workspace &m_workspace;
    QString m_month;
    QPushButton *m_compare = nullptr;
    QLabel *m_note = nullptr;
    QTableWidget *m_table = nullptr;
};

} // namespace PoolDesk::Ui
