#pragma once

#include "common/MessageWidget.h"

#include <QMainWindow>
#include <QPointer>
#include <QTime>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace PoolDesk::Ui {

class View;
class Workspace;

// The console: a navigation list on the left (Ctrl+1..7), the current page on the right, an
// inline message banner above it, and the environment indicator in the tool bar so nobody
// mistakes production for development.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Pool, Companies, Calls, Usage, Costs, Audit, Settings };
    Q_ENUM(Page)

    explicit MainWindow(Workspace &workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    Page currentPage() const;
    View *page(Page page) const;
    MessageWidget *messageWidget() const { return m_banner; }

    // First start: when the database holds no company, offer the demo workspace.
    void offerDemoWorkspaceIfEmpty();

public slots:
    void showMessage(const QString &text, PoolDesk::Ui::MessageWidget::Type type);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void addPage(View *view);
    void reloadEnvironments();
    void updateEnvironmentIndicator();
    void updateStatusBar();
    void updateLiveLabel();
    void updateWindowTitle();
    void updateWritable();
    void restoreState();
    void saveState();

    Workspace &m_workspace;
    MessageWidget *m_banner = nullptr;
    MessageWidget *m_readOnlyBanner = nullptr; // stays while the database takes no writes
    QLabel *m_readOnlyLabel = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    QComboBox *m_environment = nullptr;
    QLabel *m_environmentBadge = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLabel *m_liveLabel = nullptr;
    QLabel *m_identityLabel = nullptr; // who is signed in, and their role
    QLabel *m_busyLabel = nullptr;
    QList<View *> m_views;
    QTime m_lastUpdate; // of the data shown, for the status bar
};

} // namespace PoolDesk::Ui
