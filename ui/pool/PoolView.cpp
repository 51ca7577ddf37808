#include "pool/PoolView.h"

#include "Workspace.h"
#include "common/CompanyFilter.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/MessageBox.h"
#include "common/Retranslate.h"
#include "common/Tables.h"
#include "credentials/Environments.h"
#include "domain/Clock.h"
#include "export/ExportFlow.h"
#include "itemmodels/PoolTableModel.h"
#include "itemmodels/Retranslation.h"
#include "pool/AddNumberDialog.h"
#include "pool/CallerPolicy.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "pool/PoolStatusStrip.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

using Column = PoolTableModel::Column;

PoolView::PoolView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("poolView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_strip = new PoolStatusStrip(workspace, this);
    layout->addWidget(m_strip);

    // Filters
    auto *filters = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("poolFilterLineEdit"));
    m_text->setClearButtonEnabled(true);
    m_text->addAction(Icons::get(QStringLiteral("filter"), QStringLiteral("edit-find")),
                      QLineEdit::LeadingPosition);
    m_environment = new QComboBox(this);
    m_environment->setObjectName(QStringLiteral("poolEnvironmentComboBox"));
    m_environment->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_environment->addItem(QString(), QString());
    QStringList envs{DevelopmentEnvironment, ProductionEnvironment};
    if (auto profiles = Environments(workspace.database()).list())
        for (const auto &profile : profiles.value())
            if (!envs.contains(profile.name))
                envs.append(profile.name);
    for (const QString &env : envs)
        m_environment->addItem(env, env);
    m_environment->setCurrentIndex(std::max(0, m_environment->findData(workspace.environment())));
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("poolStatusComboBox"));
    m_status->setSizeAdjustPolicy(QComboBox::AdjustToContents); // its texts follow the language
    m_status->addItem(QString(), QString());
    for (NumberStatus status : {NumberStatus::Available, NumberStatus::Reserved, NumberStatus::InUse})
        m_status->addItem(QString(), toString(status));
    m_company = new QComboBox(this);
    m_company->setObjectName(QStringLiteral("poolCompanyComboBox"));
    m_company->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    CompanyFilter::reload(m_company, m_workspace.database());
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("poolCountLabel"));
    filters->addWidget(m_text, 1);
    filters->addWidget(m_environment);
    filters->addWidget(m_status);
    filters->addWidget(m_company);
    filters->addWidget(m_count);
    layout->addLayout(filters);

    // Actions
    m_actions = new QToolBar(this);
    m_actions->setObjectName(QStringLiteral("poolActionsToolBar"));
    m_actions->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_actions->setIconSize(QSize(16, 16));
    m_add = m_actions->addAction(Icons::get(QStringLiteral("add"), QStringLiteral("list-add")), QString());
    m_add->setObjectName(QStringLiteral("addNumberAction"));
    m_add->setShortcut(QKeySequence::New);
    m_add->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_assign =
        m_actions->addAction(Icons::get(QStringLiteral("assign"), QStringLiteral("insert-link")), QString());
    m_assign->setObjectName(QStringLiteral("assignNumberAction"));
    m_unassign = m_actions->addAction(Icons::get(QStringLiteral("unassign"), QStringLiteral("remove-link")),
                                      QString());
    m_unassign->setObjectName(QStringLiteral("unassignNumberAction"));
    // Resting takes a number out of allocation (a caller ID carriers started to flag); it is kept.
    m_rest = new QAction(this);
    m_rest->setObjectName(QStringLiteral("restNumberAction"));
    m_unrest = new QAction(this);
    m_unrest->setObjectName(QStringLiteral("unrestNumberAction"));
    m_remove =
        m_actions->addAction(Icons::get(QStringLiteral("remove"), QStringLiteral("list-remove")), QString());
    m_remove->setObjectName(QStringLiteral("removeNumberAction"));
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_actions->addSeparator();
    layout->addWidget(m_actions);
    addActions({m_add, m_remove});

    // Table
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("poolTableView"));
    Tables::configure(m_table, QStringLiteral("pool"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_model = new PoolTableModel(workspace.database(), this);
    m_model->setObjectName(QStringLiteral("poolTableModel"));
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(int(Column::State), new StatusDelegate(m_table));
    m_table->horizontalHeader()->setSortIndicator(int(Column::Number), Qt::AscendingOrder);
    m_table->setColumnHidden(int(Column::Session), true);
    layout->addWidget(m_table, 1);

    // Expected webhooks per environment, for the Webhook column.
    if (auto profiles = Environments(workspace.database()).list())
        for (const auto &profile : profiles.value())
            m_model->setExpectedVoiceUrl(profile.name, profile.voiceUrl().toString());

    connect(m_add, &QAction::triggered, this, &PoolView::addNumber);
    connect(m_remove, &QAction::triggered, this, &PoolView::removeSelected);
    connect(m_assign, &QAction::triggered, this, &PoolView::assignSelected);
    connect(m_unassign, &QAction::triggered, this, &PoolView::unassignSelected);
    connect(m_rest, &QAction::triggered, this, &PoolView::restSelected);
    connect(m_unrest, &QAction::triggered, this, &PoolView::unrestSelected);
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.addAction(m_add);
        menu.addSeparator();
        menu.addAction(m_assign);
        menu.addAction(m_unassign);
        menu.addSeparator();
        menu.addAction(m_rest);
        menu.addAction(m_unrest);
        menu.addSeparator();
        menu.addAction(m_remove);
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PoolView::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &PoolView::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &PoolView::updateActions);
    connect(m_model, &PoolTableModel::loaded, this, [this] {
        Tables::fitColumnsOnce(m_table);
        updateCount();
    });
    connect(m_model, &PoolTableModel::loadingChanged, this, [this](bool loading) {
        if (loading)
            m_count->setText(tr("Loading…"));
        else
            updateCount();
    });
    connect(m_model, &PoolTableModel::loadFailed, this, [this](const QString &message) { error(message); });

    m_textDebounce.setSingleShot(true);
    m_textDebounce.setInterval(200);
    connect(&m_textDebounce, &QTimer::timeout, this, &PoolView::applyFilter);
    connect(m_text, &QLineEdit::textChanged, this, [this] { m_textDebounce.start(); });
    connect(m_text, &QLineEdit::returnPressed, this, &PoolView::applyFilter);
    for (QComboBox *combo : {m_environment, m_status, m_company})
        connect(combo, &QComboBox::currentIndexChanged, this, &PoolView::applyFilter);

    connect(&workspace, &Workspace::dataChanged, this, [this] {
        m_model->refresh();
        m_strip->reload();
    });
    // Read-only (a read-only file, a full disk): the changes grey out; the window says why.
    connect(&workspace, &Workspace::writableChanged, this, &PoolView::updateActions);
    connect(&workspace, &Workspace::environmentChanged, this, [this](const QString &env) {
        const int index = m_environment->findData(env);
        if (index >= 0)
            m_environment->setCurrentIndex(index);
        m_strip->reload();
    });
    retranslate(this, [this] {
        m_text->setPlaceholderText(tr("Filter by number, company, operator or session (Ctrl+F)"));
        m_environment->setToolTip(tr("Environment"));
        m_environment->setItemText(0, tr("All environments"));
        for (int i = 1; i < m_environment->count(); ++i) {
            const QString env = m_environment->itemData(i).toString();
            if (env == DevelopmentEnvironment)
                m_environment->setItemText(i, tr("Development"));
            else if (env == ProductionEnvironment)
                m_environment->setItemText(i, tr("Production"));
        }
        m_status->setToolTip(tr("Status"));
        m_status->setItemText(0, tr("Any status"));
        for (int i = 1; i < m_status->count(); ++i)
            m_status->setItemText(i, displayName(numberStatusFromString(m_status->itemData(i).toString())
                                                     .value_or(NumberStatus::Available)));
        m_company->setToolTip(tr("Numbers dedicated to a company"));
        CompanyFilter::retranslate(m_company);
        m_add->setText(tr("&Add Number…"));
        m_add->setToolTip(tr("Add a number you own at Twilio to the pool (Ctrl+N)"));
        m_assign->setText(tr("&Dedicate to Company…"));
        m_assign->setToolTip(tr("Reserve the selected number for one company's calls"));
        m_unassign->setText(tr("Make &Shared"));
        m_unassign->setToolTip(tr("Return the selected dedicated number to the shared pool"));
        m_rest->setText(tr("R&est Number…"));
        m_rest->setToolTip(tr("Stop handing out the selected number for some days; a call on it goes on"));
        m_unrest->setText(tr("Return to &Pool"));
        m_unrest->setToolTip(tr("Hand out the selected resting number again"));
        m_remove->setText(tr("&Remove…"));
        m_remove->setToolTip(tr("Take the selected number out of the pool (Del)"));
        // A greyed action says why, on hover.
        if (!m_workspace.roleAllows(Permission::ChangePool))
            for (QAction *action : {m_add, m_assign, m_unassign, m_remove})
                action->setToolTip(action->toolTip() + QLatin1Char('\n') +
                                   neededRoleText(Permission::ChangePool));
    });
    onLanguageChange(this, [this] {
        ItemModels::announceRetranslation(*m_model);
        updateCount();
        m_strip->reload();
    });
    applyFilter();
    m_strip->reload();
    updateActions();
}

QIcon PoolView::icon() const {
    return Icons::get(QStringLiteral("pool"), QStringLiteral("view-grid"));
}

void PoolView::activated() {
    m_table->setFocus();
}

void PoolView::refresh() {
    CompanyFilter::reload(m_company, m_workspace.database());
    m_model->refresh();
    m_strip->reload();
}

void PoolView::focusFilter() {
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void PoolView::exportCsv() {
    ExportFlow::exportModel(this, m_workspace, m_model, QStringLiteral("pool"));
}

void PoolView::applyFilter() {
    m_textDebounce.stop();
    NumberFilter filter;
    filter.environment = m_environment->currentData().toString();
    filter.status = numberStatusFromString(m_status->currentData().toString());
    if (m_company->currentData().isValid())
        filter.companyId = m_company->currentData().toLongLong();
    filter.text = m_text->text().trimmed();
    m_model->setFilter(filter);
}

void PoolView::updateCount() {
    const int rows = m_model->rowCount();
    m_count->setText(tr("%n number(s)", nullptr, rows));
}

QPair<QString, QString> PoolView::selectedNumber() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const PoolTableModel::Row *row = m_model->rowAt(rows.first().row());
    if (!row)
        return {};
    return {row->e164, row->environment};
}

void PoolView::updateActions() {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const PoolTableModel::Row *row = rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
    const bool idle = row && row->status == NumberStatus::Available;
    // Only an administrator changes the pool; the actions' tooltips say so to others.
    const bool mayChange = m_workspace.allows(Permission::ChangePool);
    m_add->setEnabled(mayChange);
    m_remove->setEnabled(mayChange && idle);
    m_assign->setEnabled(mayChange && idle);
    m_unassign->setEnabled(mayChange && idle && row->dedicatedCompanyId.has_value());
    const bool resting = row && row->restingUntil.isValid();
    m_rest->setEnabled(mayChange && row && !resting);
    m_unrest->setEnabled(mayChange && resting);
    const QString busy = tr("The number is on a call; wait until it is released.");
    m_remove->setStatusTip(mayChange && row && !idle ? busy : QString());
}

void PoolView::addNumber() {
    AddNumberDialog dialog(m_workspace, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const PoolNumber number = dialog.number();
    positive(number.dedicatedCompanyId
                 ? tr("%1 added, dedicated to %2.").arg(number.e164, number.dedicatedCompanyName)
                 : tr("%1 added to the shared pool.").arg(number.e164));
    m_model->refresh();
    m_strip->reload();
}

void PoolView::removeSelected() {
    const auto [e164, environment] = selectedNumber();
    if (e164.isEmpty())
        return;
    if (!MessageBox::confirm(
            this, tr("Remove Number"),
            tr("Remove %1 (%2) from the pool?\n\nPoolDesk will no longer hand it out. The number stays "
               "in your Twilio account and keeps costing its monthly fee until you release it there.")
                .arg(e164, environment),
            tr("Remove Number"), true))
        return;
    if (auto removed = Numbers(m_workspace.database()).remove(m_workspace.actor(), e164, environment);
        !removed) {
        error(removed.error().message);
        return;
    }
    positive(tr("%1 removed from the pool.").arg(e164));
    m_workspace.notifyChanged();
    m_model->refresh();
    m_strip->reload();
}

void PoolView::assignSelected() {
    const auto [e164, environment] = selectedNumber();
    if (e164.isEmpty())
        return;
    AssignNumberDialog dialog(m_workspace, e164, environment, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    positive(tr("%1 is now dedicated.").arg(e164));
    m_model->refresh();
    m_strip->reload();
}

void PoolView::unassignSelected() {
    const auto [e164, environment] = selectedNumber();
    if (e164.isEmpty())
        return;
    if (!MessageBox::confirm(
            this, tr("Make Number Shared"),
            tr("Return %1 to the shared pool?\n\nIts company loses its fixed caller ID on this number; "
               "any company may then be given it.")
                .arg(e164),
            tr("Make Shared")))
        return;
    if (auto done = Numbers(m_workspace.database()).unassign(m_workspace.actor(), e164, environment); !done) {
        error(done.error().message);
        return;
    }
    positive(tr("%1 is back in the shared pool.").arg(e164));
    m_workspace.notifyChanged();
    m_model->refresh();
    m_strip->reload();
}

void PoolView::restSelected() {
    const auto [e164, environment] = selectedNumber();
    if (e164.isEmpty())
        return;
    bool ok = false;
    const int policyDays = std::max(CallerPolicy::load(m_workspace.database()).restDays, 1);
    const int days = QInputDialog::getInt(
        this, tr("Rest Number"),
        tr("Rest %1 for how many days?\n\nPoolDesk will not give it to any call meanwhile (the pool's "
           "policy rests numbers for %n day(s)).",
           nullptr, policyDays)
            .arg(e164),
        policyDays, 1, 365, 1, &ok);
    if (!ok)
        return;
    if (auto done = Numbers(m_workspace.database())
                        .rest(m_workspace.actor(), e164, environment, Clock::nowUtc().addDays(days),
                              tr("rested by hand"));
        !done) {
        error(done.error().message);
        return;
    }
    positive(tr("%1 rests for %n day(s).", nullptr, days).arg(e164));
    m_workspace.notifyChanged();
    m_model->refresh();
}

void PoolView::unrestSelected() {
    const auto [e164, environment] = selectedNumber();
    if (e164.isEmpty())
        return;
    if (auto done = Numbers(m_workspace.database()).unrest(m_workspace.actor(), e164, environment); !done) {
        error(done.error().message);
        return;
    }
    positive(tr("%1 is back in the pool.").arg(e164));
    m_workspace.notifyChanged();
    m_model->refresh();
}

} // namespace PoolDesk::Ui
