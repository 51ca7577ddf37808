#include "MainWindow.h"

#include "about/AboutDialog.h"

#include "Workspace.h"
#include "audit/AuditView.h"
#include "calls/CallsView.h"
#include "calls/RecordingsPanel.h"
#include "common/Icons.h"
#include "common/RestrictedView.h"
#include "common/Retranslate.h"
#include "common/TaskRunner.h"
#include "common/Theme.h"
#include "common/View.h"
#include "companies/CompaniesView.h"
#include "costs/CostsView.h"
#include "credentials/Environments.h"
#include "domain/Types.h"
#include "firststart/DemoWorkspaceOffer.h"
#include "pool/PoolView.h"
#include "security/Identity.h"
#include "settings/SettingsView.h"
#include "storage/SqlHelpers.h"
#include "twilio/TwilioActions.h"
#include "usage/UsageView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTime>
#include <QToolBar>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

MainWindow::MainWindow(Workspace &workspace, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(Icons::application());

    auto *central = new QWidget(this);
    central->setObjectName(QStringLiteral("centralWidget"));
    auto *outer = new QHBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigationListWidget"));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    m_navigation->setSpacing(2);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_navigation->setBackgroundRole(QPalette::Window);
    outer->addWidget(m_navigation);

    auto *right = new QWidget(central);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(8, 8, 8, 4);
    m_readOnlyBanner = new MessageWidget(right);
    m_readOnlyBanner->setObjectName(QStringLiteral("readOnlyMessageWidget"));
    rightLayout->addWidget(m_readOnlyBanner);
    m_banner = new MessageWidget(right);
    m_banner->setObjectName(QStringLiteral("bannerMessageWidget"));
    rightLayout->addWidget(m_banner);
    m_pages = new QStackedWidget(right);
    m_pages->setObjectName(QStringLiteral("pagesStackedWidget"));
    rightLayout->addWidget(m_pages, 1);
    outer->addWidget(right, 1);
    setCentralWidget(central);

    auto *pool = new PoolView(workspace, m_pages);
    addPage(pool);
    auto *companies = new CompaniesView(workspace, m_pages);
    addPage(companies);
    auto *calls = new CallsView(workspace, m_pages);
    addPage(calls);
    addPage(new UsageView(workspace, m_pages));
    addPage(new CostsView(workspace, m_pages));
    // Without the right to read the audit log nothing of it is built or asked of the database.
    if (workspace.allows(Permission::ReadAuditLog))
        addPage(new AuditView(workspace, m_pages));
    else
        addPage(new RestrictedView(
            workspace, [] { return AuditView::titleText(); }, AuditView::iconImage(),
            [] { return neededRoleText(Permission::ReadAuditLog); }, m_pages));
    auto *settings = new SettingsView(workspace, m_pages);
    addPage(settings);

    // Twilio (ui/twilio): its actions in the Pool view's tool bar and a menu, its environments page
    // in Settings.
    auto *twilio = new TwilioActions(workspace, this);
    twilio->setObjectName(QStringLiteral("twilioActions"));
    for (QAction *action :
         {twilio->importAction(), twilio->buyAction(), twilio->releaseAction(), twilio->webhooksAction()})
        pool->actionBar()->addAction(action);
    // What the signed-in role may not do is not offered: the Audit Log without the right to read
    // it, Twilio (environments, purchases, releases) to anyone but an administrator.
    const bool manageTwilio = workspace.allows(Permission::ManageTwilio);
    if (workspace.roleAllows(Permission::ManageTwilio))
        settings->setEnvironmentsPage(twilio->createSettingsPage(settings));
    for (QAction *action : twilio->actions()) {
        action->setVisible(workspace.roleAllows(Permission::ManageTwilio));
        action->setEnabled(manageTwilio);
    }
    if (!workspace.allows(Permission::ReadAuditLog))
        m_navigation->item(int(Page::Audit))->setHidden(true);
    // Recordings are fetched and deleted at Twilio with the recording's environment's credentials,
    // or, for those who hold none, fetched through the pool service.
    if (RecordingsPanel *recordings = calls->recordingsPanel()) {
        recordings->setFetch([twilio](const RecordingRow &row, RecordingAccess access, QObject *context,
                                      std::function<void(Result<QByteArray>)> done) {
            twilio->fetchRecording(row, access, context, std::move(done));
        });
        recordings->setRemove(
            [twilio](const RecordingRow &row, QObject *context, std::function<void(Status)> done) {
                twilio->deleteRecording(row, context, std::move(done));
            });
    }

    // The page names, the window title and the navigation's width follow the language.
    retranslate(this, [this] {
        m_navigation->setAccessibleName(tr("Views"));
        int widest = 0;
        for (int i = 0; i < m_navigation->count() && i < m_views.size(); ++i) {
            QListWidgetItem *item = m_navigation->item(i);
            item->setText(m_views.at(i)->title());
            item->setToolTip(tr("%1 (Ctrl+%2)").arg(m_views.at(i)->title()).arg(i + 1));
            widest = std::max(widest, m_navigation->fontMetrics().horizontalAdvance(item->text()));
        }
        m_navigation->setFixedWidth(widest + 22 + 48);
        updateWindowTitle();
    });

    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_views.size())
            return;
        m_pages->setCurrentIndex(row);
        m_views.at(row)->activated();
        updateWindowTitle();
    });

    connect(companies, &CompaniesView::callHistoryRequested, this, [this, calls](qint64 companyId) {
        calls->showCompany(companyId);
        showPage(Page::Calls);
    });

    buildActions();
    updateStatusBar();
    connect(&m_workspace, &Workspace::environmentChanged, this, &MainWindow::updateEnvironmentIndicator);
    connect(&m_workspace, &Workspace::dataChanged, this, [this] {
        m_lastUpdate = QTime::currentTime();
        updateLiveLabel();
    });
    connect(&m_workspace, &Workspace::databaseReachableChanged, this, [this](bool reachable) {
        if (reachable)
            showMessage(tr("Connected to the database again. The views show the pool as it is now."),
                        MessageWidget::Type::Positive);
        else
            showMessage(tr("The connection to the database was lost. PoolDesk reconnects by itself; until "
                           "then the views may be out of date and changes cannot be saved."),
                        MessageWidget::Type::Warning);
        updateLiveLabel();
    });
    connect(&m_workspace, &Workspace::writableChanged, this, [this, twilio](bool writable) {
        for (QAction *action : twilio->actions())
            action->setEnabled(m_workspace.allows(Permission::ManageTwilio));
        updateWritable();
        if (writable)
            showMessage(tr("The database takes changes again."), MessageWidget::Type::Positive);
    });
    connect(&m_workspace.tasks(), &TaskRunner::busyChanged, this, [this](bool busy) {
        m_busyLabel->setVisible(busy);
        if (busy)
            QApplication::setOverrideCursor(Qt::BusyCursor);
        else
            QApplication::restoreOverrideCursor();
    });

    restoreState();
    m_navigation->setCurrentRow(0);
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(View *view) {
    m_views.append(view);
    m_pages->addWidget(view);
    auto *item = new QListWidgetItem(view->icon(), view->title(), m_navigation);
    item->setSizeHint(QSize(0, 34));
    connect(view, &View::message, this, &MainWindow::showMessage);
}

void MainWindow::buildActions() {
    // File
    QMenu *file = menuBar()->addMenu(QString());
    file->setObjectName(QStringLiteral("fileMenu"));
    auto *exportAction =
        file->addAction(Icons::get(QStringLiteral("export"), QStringLiteral("document-save-as")), QString());
    exportAction->setObjectName(QStringLiteral("exportCsvAction"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    retranslate(this, [file, exportAction] {
        file->setTitle(tr("&File"));
        exportAction->setText(tr("&Export as CSV…"));
        exportAction->setToolTip(tr("Export the table on screen, with its filters, as CSV (Ctrl+E)"));
    });
    connect(exportAction, &QAction::triggered, this, [this] {
        View *view = m_views.value(m_pages->currentIndex());
        if (view && view->canExport())
            view->exportCsv();
        else
            showMessage(tr("This view has no table to export."), MessageWidget::Type::Information);
    });
    file->addSeparator();
    auto *quit = file->addAction(QString());
    quit->setObjectName(QStringLiteral("quitAction"));
    retranslate(this, [quit] { quit->setText(tr("&Quit")); });
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    // View
    QMenu *viewMenu = menuBar()->addMenu(QString());
    viewMenu->setObjectName(QStringLiteral("viewMenu"));
    auto *refresh =
        viewMenu->addAction(Icons::get(QStringLiteral("refresh"), QStringLiteral("view-refresh")), QString());
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence::Refresh});
    connect(refresh, &QAction::triggered, this, [this] {
        if (View *view = m_views.value(m_pages->currentIndex()))
            view->refresh();
    });
    auto *find =
        viewMenu->addAction(Icons::get(QStringLiteral("filter"), QStringLiteral("edit-find")), QString());
    find->setObjectName(QStringLiteral("filterAction"));
    find->setShortcut(QKeySequence::Find);
    retranslate(this, [viewMenu, refresh, find] {
        viewMenu->setTitle(tr("&View"));
        refresh->setText(tr("&Refresh"));
        refresh->setToolTip(tr("Reload the current view from the database (F5)"));
        find->setText(tr("&Filter…"));
        find->setToolTip(tr("Filter the current view (Ctrl+F)"));
    });
    connect(find, &QAction::triggered, this, [this] {
        if (View *view = m_views.value(m_pages->currentIndex()))
            view->focusFilter();
    });
    viewMenu->addSeparator();
    for (int i = 0; i < m_views.size(); ++i) {
        auto *go = viewMenu->addAction(m_views.at(i)->icon(), QString());
        go->setObjectName(QStringLiteral("showPage%1Action").arg(i + 1));
        retranslate(this, [this, go, i] { go->setText(m_views.at(i)->title()); });
        go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        go->setVisible(!m_navigation->item(i)->isHidden());
        go->setEnabled(!m_navigation->item(i)->isHidden());
        connect(go, &QAction::triggered, this, [this, i] { m_navigation->setCurrentRow(i); });
    }

    // Twilio
    if (auto *twilio = findChild<TwilioActions *>(QStringLiteral("twilioActions"))) {
        QMenu *menu = menuBar()->addMenu(QString());
        menu->setObjectName(QStringLiteral("twilioMenu"));
        retranslate(this, [menu] { menu->setTitle(tr("&Twilio")); });
        menu->addActions(twilio->actions());
        menu->menuAction()->setVisible(m_workspace.roleAllows(Permission::ManageTwilio));
    }

    // Help
    QMenu *help = menuBar()->addMenu(QString());
    help->setObjectName(QStringLiteral("helpMenu"));
    auto *about = help->addAction(QString());
    retranslate(this, [help, about] {
        help->setTitle(tr("&Help"));
        about->setText(tr("&About PoolDesk"));
    });
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] {
        auto *dialog = new AboutDialog(m_workspace.url().redacted(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });

    // Tool bar: the common commands and the environment indicator.
    QToolBar *bar = addToolBar(QString());
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(18, 18));
    bar->addAction(refresh);
    bar->addAction(find);
    bar->addAction(exportAction);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    auto *envLabel = new QLabel(bar);
    bar->addWidget(envLabel);
    m_environment = new QComboBox(bar);
    m_environment->setObjectName(QStringLiteral("environmentComboBox"));
    retranslate(this, [this, bar, envLabel] {
        bar->setWindowTitle(tr("Main"));
        envLabel->setText(tr("Environment:"));
        m_environment->setToolTip(
            tr("The Twilio environment this console works on: new numbers are added to it and "
               "the pool status shows it"));
    });
    envLabel->setBuddy(m_environment);
    bar->addWidget(m_environment);
    m_environmentBadge = new QLabel(bar);
    m_environmentBadge->setObjectName(QStringLiteral("environmentBadgeLabel"));
    m_environmentBadge->setMargin(4);
    m_environmentBadge->setAutoFillBackground(true);
    bar->addWidget(m_environmentBadge);
    reloadEnvironments();
    connect(m_environment, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            m_workspace.setEnvironment(m_environment->itemData(index).toString());
    });
    updateEnvironmentIndicator();
    onLanguageChange(this, [this] {
        reloadEnvironments();
        updateEnvironmentIndicator();
    });
}

void MainWindow::reloadEnvironments() {
    QStringList names{DevelopmentEnvironment, ProductionEnvironment};
    if (auto profiles = Environments(m_workspace.database()).list()) {
        for (const EnvironmentProfile &profile : profiles.value()) {
            if (!names.contains(profile.name))
                names.append(profile.name);
        }
    }
    if (!names.contains(m_workspace.environment()))
        names.append(m_workspace.environment());
    const QSignalBlocker blocker(m_environment);
    m_environment->clear();
    for (const QString &name : names) {
        QString label = name;
        if (name == DevelopmentEnvironment)
            label = tr("Development");
        else if (name == ProductionEnvironment)
            label = tr("Production");
        m_environment->addItem(label, name);
    }
    m_environment->setCurrentIndex(m_environment->findData(m_workspace.environment()));
}

void MainWindow::updateEnvironmentIndicator() {
    const QString env = m_workspace.environment();
    const int index = m_environment->findData(env);
    if (index >= 0 && index != m_environment->currentIndex()) {
        const QSignalBlocker blocker(m_environment);
        m_environment->setCurrentIndex(index);
    }
    const bool production = env == ProductionEnvironment;
    m_environmentBadge->setText(production ? tr("LIVE — real calls and charges") : tr("Test environment"));
    QPalette pal = m_environmentBadge->palette();
    const Theme::Tone tone = production ? Theme::Tone::Negative : Theme::Tone::Positive;
    pal.setColor(QPalette::Window, Theme::tint(tone, palette()));
    pal.setColor(QPalette::WindowText, Theme::accent(tone, palette()));
    m_environmentBadge->setPalette(pal);
    QFont font = m_environmentBadge->font();
    font.setBold(true);
    m_environmentBadge->setFont(font);
}

void MainWindow::updateStatusBar() {
    m_databaseLabel = new QLabel(statusBar());
    m_databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addWidget(m_databaseLabel, 1);
    m_busyLabel = new QLabel(statusBar());
    m_busyLabel->setObjectName(QStringLiteral("busyLabel"));
    m_busyLabel->hide();
    statusBar()->addPermanentWidget(m_busyLabel);
    m_liveLabel = new QLabel(statusBar());
    m_liveLabel->setObjectName(QStringLiteral("liveLabel"));
    statusBar()->addPermanentWidget(m_liveLabel);
    m_readOnlyLabel = new QLabel(statusBar());
    m_readOnlyLabel->setObjectName(QStringLiteral("readOnlyLabel"));
    QFont bold = m_readOnlyLabel->font();
    bold.setBold(true); // a state to notice, beside "Live"
    m_readOnlyLabel->setFont(bold);
    statusBar()->addPermanentWidget(m_readOnlyLabel);
    m_identityLabel = new QLabel(statusBar());
    m_identityLabel->setObjectName(QStringLiteral("identityLabel"));
    statusBar()->addPermanentWidget(m_identityLabel);
    retranslate(this, [this] {
        const Result<Principal> &me = m_workspace.principal();
        if (!me) {
            m_identityLabel->setText(tr("Not a PoolDesk user"));
            m_identityLabel->setToolTip(me.error().message);
        } else if (me->role == Role::Manager) {
            m_identityLabel->setText(
                tr("%1 · %2 of %3")
                    .arg(me->login, displayName(me->role), QLocale().createSeparatedList(me->companyNames)));
        } else {
            m_identityLabel->setText(tr("%1 · %2").arg(me->login, displayName(me->role)));
        }
        if (me && me->source == Principal::Source::FileAccess)
            m_identityLabel->setToolTip(tr("A SQLite file: whoever can open it has full access. Teams that "
                                           "need roles keep the pool in PostgreSQL."));
        else if (me)
            m_identityLabel->setToolTip(tr("Your database login and your PoolDesk role"));
        const DatabaseUrl &url = m_workspace.url();
        m_databaseLabel->setText(url.engine == DatabaseUrl::Engine::PostgreSql
                                     ? tr("PostgreSQL: %1").arg(url.redacted())
                                     : tr("SQLite: %1").arg(url.path));
        m_databaseLabel->setToolTip(tr("The pool database every console, pooldeskctl and the service share"));
        m_busyLabel->setText(tr("Working…"));
        m_liveLabel->setToolTip(tr("Views refresh by themselves when another console, pooldeskctl or the "
                                   "service changes the pool"));
        updateLiveLabel();
        updateWritable();
    });
}

void MainWindow::updateLiveLabel() {
    if (!m_workspace.isDatabaseReachable()) {
        m_liveLabel->setText(tr("Reconnecting…"));
        return;
    }
    m_liveLabel->setText(m_lastUpdate.isValid()
                             ? tr("Updated %1").arg(QLocale().toString(m_lastUpdate, QLocale::ShortFormat))
                             : tr("Live"));
}

// Read-only: a banner that stays (naming the database and saying what to do, with Try Again) and
// a mark in the status bar; the views grey out their changes themselves (Workspace::allows). One
// banner however many changes were refused, so a full disk never turns into a pile of dialogs.
void MainWindow::updateWritable() {
    const std::optional<Error> &refusal = m_workspace.writeRefusal();
    m_readOnlyLabel->setVisible(refusal.has_value());
    if (!refusal) {
        m_readOnlyBanner->hideMessage();
        return;
    }
    m_readOnlyLabel->setText(refusal->reason == Sql::DatabaseDiskFull ? tr("Read-only: disk full")
                                                                      : tr("Read-only"));
    m_readOnlyLabel->setToolTip(refusal->message);
    m_readOnlyBanner->showMessage(tr("Read-only: changes cannot be saved. %1").arg(refusal->message),
                                  MessageWidget::Type::Warning);
    m_readOnlyBanner->setAction(tr("Try Again"), [this] {
        const Status retried = m_workspace.retryWrites();
        updateWritable(); // clicking hid the banner: it stays while the database is still read-only
        if (!retried && !m_workspace.writeRefusal())
            showMessage(retried.error().message, MessageWidget::Type::Warning);
        else if (!retried)
            showMessage(tr("The database still takes no changes."), MessageWidget::Type::Information);
    });
}

void MainWindow::updateWindowTitle() {
    const int row = m_pages->currentIndex();
    setWindowTitle(row >= 0 && row < m_views.size() ? tr("%1 — PoolDesk").arg(m_views.at(row)->title())
                                                    : tr("PoolDesk"));
}

void MainWindow::showPage(Page page) {
    m_navigation->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const {
    return static_cast<Page>(m_pages->currentIndex());
}

View *MainWindow::page(Page which) const {
    return m_views.value(static_cast<int>(which));
}

void MainWindow::showMessage(const QString &text, MessageWidget::Type type) {
    m_banner->showMessage(text, type);
}

void MainWindow::offerDemoWorkspaceIfEmpty() {
    if (!m_workspace.isWritable())
        return; // a demo workspace cannot be written into it
    auto *offer = new DemoWorkspaceOffer(m_workspace, this, m_banner, this);
    offer->setObjectName(QStringLiteral("demoWorkspaceOffer"));
    if (offer->databaseIsEmpty())
        offer->offer();
}

void MainWindow::restoreState() {
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("ui/geometry")).toByteArray()))
        resize(1280, 800);
}

void MainWindow::saveState() {
    QSettings().setValue(QStringLiteral("ui/geometry"), saveGeometry());
}

void MainWindow::closeEvent(QCloseEvent *event) {
    saveState();
    m_workspace.tasks().cancelAll();
    QMainWindow::closeEvent(event);
}

} // namespace PoolDesk::Ui
