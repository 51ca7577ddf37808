#include "companies/CompaniesView.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/InlineError.h"
#include "common/Retranslate.h"
#include "common/Tables.h"
#include "companies/AddCompanyDialog.h"
#include "companies/LimitsForm.h"
#include "export/ExportFlow.h"
#include "itemmodels/CompaniesTableModel.h"
#include "itemmodels/Retranslation.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

using Column = CompaniesTableModel::Column;

CompaniesView::CompaniesView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("companiesView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *top = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("companiesFilterLineEdit"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(Icons::get(QStringLiteral("filter"), QStringLiteral("edit-find")),
                        QLineEdit::LeadingPosition);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("companiesCountLabel"));
    auto *add = new QToolButton(this);
    add->setObjectName(QStringLiteral("addCompanyButton"));
    add->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *newCompany =
        new QAction(Icons::get(QStringLiteral("company-add"), QStringLiteral("list-add")), QString(), this);
    newCompany->setShortcut(QKeySequence::New);
    newCompany->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    add->setDefaultAction(newCompany);
    newCompany->setObjectName(QStringLiteral("addCompanyAction"));
    addAction(newCompany);
    // Only an administrator adds companies and changes plans and limits; others read them.
    newCompany->setEnabled(workspace.allows(Permission::ChangeCompanies));
    // Read-only (a read-only file, a full disk): nothing to change; the window says why. The form
    // keeps what it shows.
    connect(&workspace, &Workspace::writableChanged, this, [this, newCompany] {
        const bool mayChange = m_workspace.allows(Permission::ChangeCompanies);
        newCompany->setEnabled(mayChange);
        m_plan->setEnabled(mayChange);
        m_limits->setReadOnly(!mayChange);
        m_save->setVisible(mayChange);
    });
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);
    top->addWidget(add);
    layout->addLayout(top);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("companiesSplitter"));
    splitter->setChildrenCollapsible(false);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("companiesTableView"));
    Tables::configure(m_table, QStringLiteral("companies"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_model = new CompaniesTableModel(workspace.database(), this);
    m_model->setObjectName(QStringLiteral("companiesTableModel"));
    m_table->setModel(m_model);
    m_table->horizontalHeader()->setSortIndicator(int(Column::Name), Qt::AscendingOrder);
    splitter->addWidget(m_table);

    // Detail panel
    m_panel = new QGroupBox(splitter);
    m_panel->setObjectName(QStringLiteral("companyDetailGroupBox"));
    auto *panel = new QVBoxLayout(m_panel);
    m_name = new QLabel(m_panel);
    m_name->setObjectName(QStringLiteral("companyNameLabel"));
    QFont big = m_name->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_name->setFont(big);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    panel->addWidget(m_name);
    m_usage = new QLabel(m_panel);
    m_usage->setObjectName(QStringLiteral("companyUsageLabel"));
    m_usage->setWordWrap(true);
    panel->addWidget(m_usage);
    auto *planForm = new QFormLayout;
    m_plan = new QComboBox(m_panel);
    m_plan->setObjectName(QStringLiteral("companyPlanComboBox"));
    for (Plan plan : allPlans())
        m_plan->addItem(QString(), toString(plan));
    addFormRow(
        planForm, this, [] { return tr("&Plan:"); }, m_plan);
    panel->addLayout(planForm);
    m_limits = new LimitsForm(m_panel);
    panel->addWidget(m_limits);
    m_error = new InlineError(m_panel);
    m_error->setObjectName(QStringLiteral("companyLimitsErrorLabel"));
    panel->addWidget(m_error);
    auto *buttons = new QHBoxLayout;
    m_history = new QPushButton(Icons::get(QStringLiteral("history"), QStringLiteral("view-history")),
                                QString(), m_panel);
    m_history->setObjectName(QStringLiteral("companyCallHistoryButton"));
    m_save = new QPushButton(m_panel);
    m_save->setObjectName(QStringLiteral("saveLimitsButton"));
    buttons->addWidget(m_history);
    buttons->addStretch(1);
    buttons->addWidget(m_save);
    panel->addLayout(buttons);
    auto *numbersLabel = new QLabel(m_panel);
    panel->addWidget(numbersLabel);
    m_numbers = new QListWidget(m_panel);
    m_numbers->setObjectName(QStringLiteral("companyNumbersListWidget"));
    m_numbers->setSelectionMode(QAbstractItemView::NoSelection);
    numbersLabel->setBuddy(m_numbers);
    panel->addWidget(m_numbers, 1);
    splitter->addWidget(m_panel);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    retranslate(this, [this, newCompany, numbersLabel] {
        m_filter->setPlaceholderText(tr("Filter companies by name (Ctrl+F)"));
        newCompany->setText(tr("&Add Company…"));
        newCompany->setToolTip(tr("Add a company (Ctrl+N)"));
        if (!newCompany->isEnabled()) // says why it is greyed
            newCompany->setToolTip(newCompany->toolTip() + QLatin1Char('\n') +
                                   neededRoleText(Permission::ChangeCompanies));
        const QList<Plan> plans = allPlans();
        for (int i = 0; i < m_plan->count() && i < plans.size(); ++i)
            m_plan->setItemText(i, displayName(plans.at(i)));
        m_history->setText(tr("Call &History"));
        m_history->setToolTip(tr("Open this company's calls in the Calls view"));
        m_save->setText(tr("&Save Changes"));
        m_save->setToolTip(
            tr("Save the plan and limits (checked first; nothing changes if a value is refused)"));
        numbersLabel->setText(tr("Dedicated numbers:"));
    });
    onLanguageChange(this, [this] {
        ItemModels::announceRetranslation(*m_model);
        m_count->setText(tr("%n company(ies)", nullptr, m_model->rowCount()));
        describeSelected();
    });

    connect(newCompany, &QAction::triggered, this, &CompaniesView::addCompany);
    connect(m_save, &QPushButton::clicked, this, &CompaniesView::saveSelected);
    connect(m_history, &QPushButton::clicked, this, [this] {
        if (const Company *company = selected())
            emit callHistoryRequested(company->id, company->name);
    });
    connect(m_limits, &LimitsForm::edited, m_error, &InlineError::clearMessage);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        m_selectedId = rows.isEmpty() ? 0 : rows.first().data(RowIdRole).toLongLong();
        showSelected();
    });
    connect(m_model, &CompaniesTableModel::loaded, this, [this] {
        Tables::fitColumnsOnce(m_table);
        m_count->setText(tr("%n company(ies)", nullptr, m_model->rowCount()));
        // Keep the panel on the same company after a refresh; follow a newly added one.
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        const qint64 shown = rows.isEmpty() ? 0 : rows.first().data(RowIdRole).toLongLong();
        if (m_selectedId != 0 && shown != m_selectedId) {
            const int row = m_model->rowOfId(m_selectedId);
            if (row >= 0) {
                m_table->selectRow(row);
                m_table->scrollTo(m_model->index(row, 0));
            }
        }
        if (m_selectedId == 0 && m_model->rowCount() > 0)
            m_table->selectRow(0);
    });
    connect(m_model, &CompaniesTableModel::loadFailed, this,
            [this](const QString &message) { error(message); });
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(&m_debounce, &QTimer::timeout, this,
            [this] { m_model->setTextFilter(m_filter->text().trimmed()); });
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(&workspace, &Workspace::dataChanged, m_model, &CompaniesTableModel::refresh);
    showSelected();
}

QIcon CompaniesView::icon() const {
    return Icons::get(QStringLiteral("companies"), QStringLiteral("go-home"));
}

void CompaniesView::activated() {
    m_table->setFocus();
}

void CompaniesView::refresh() {
    m_model->refresh();
}

void CompaniesView::focusFilter() {
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void CompaniesView::exportCsv() {
    ExportFlow::exportModel(this, m_workspace, m_model, QStringLiteral("companies"));
}

const Company *CompaniesView::selected() const {
    const int row = m_selectedId ? m_model->rowOfId(m_selectedId) : -1;
    const CompaniesTableModel::Row *r = row >= 0 ? m_model->rowAt(row) : nullptr;
    return r ? &r->company : nullptr;
}

bool CompaniesView::selectCompany(const QString &name) {
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->rowAt(row)->company.name == name) {
            m_table->selectRow(row);
            return true;
        }
    }
    return false;
}

void CompaniesView::showSelected() {
    const int row = m_selectedId ? m_model->rowOfId(m_selectedId) : -1;
    const CompaniesTableModel::Row *r = row >= 0 ? m_model->rowAt(row) : nullptr;
    m_panel->setEnabled(r != nullptr);
    const bool mayChange = m_workspace.allows(Permission::ChangeCompanies);
    m_plan->setEnabled(mayChange);
    m_limits->setReadOnly(!mayChange);
    m_save->setVisible(mayChange);
    m_error->clearMessage();
    if (!r) {
        m_limits->setLimits({});
    } else {
        m_plan->setCurrentIndex(std::max(0, m_plan->findData(toString(r->company.plan))));
        m_limits->setLimits(r->company.limits);
    }
    describeSelected();
}

// The panel's texts (not the values being edited): again after a language switch.
void CompaniesView::describeSelected() {
    const int row = m_selectedId ? m_model->rowOfId(m_selectedId) : -1;
    const CompaniesTableModel::Row *r = row >= 0 ? m_model->rowAt(row) : nullptr;
    m_numbers->clear();
    if (!r) {
        m_name->setText(tr("No company selected"));
        m_usage->setText(tr("Select a company to edit its plan and limits."));
        return;
    }
    m_name->setText(r->company.name);
    m_usage->setText(tr("This month: %Ln call(s), %1 billed minutes, %2 in call charges. In use now: %3.",
                        nullptr, int(r->callsThisMonth))
                         .arg(Format::integer(r->minutesThisMonth), Format::money(r->costThisMonth),
                              Format::integer(r->inUse)));
    NumberFilter filter;
    filter.companyId = r->company.id;
    if (auto numbers = Numbers(m_workspace.database()).list(filter)) {
        for (const PoolNumber &number : numbers.value())
            m_numbers->addItem(QStringLiteral("%1 · %2 · %3")
                                   .arg(number.e164, number.environment, displayName(number.status)));
    }
    if (m_numbers->count() == 0)
        m_numbers->addItem(r->company.plan == Plan::Enterprise
                               ? tr("None — an enterprise company cannot call without a dedicated number")
                               : tr("None — calls use the shared pool"));
}

bool CompaniesView::saveSelected() {
    const Company *company = selected();
    if (!company)
        return false;
    const QString name = company->name;
    const Plan currentPlan = company->plan;
    const CompanyLimits currentLimits = company->limits;
    auto limits = m_limits->limits();
    if (!limits) {
        m_error->showError(limits.error().message);
        return false;
    }
    if (auto valid = Companies::validateLimits(limits.value()); !valid) {
        m_error->showError(valid.error().message);
        return false;
    }
    Companies companies(m_workspace.database());
    const Plan plan = planFromString(m_plan->currentData().toString()).value_or(currentPlan);
    bool changed = false;
    const CompanyLimits &next = limits.value();
    if (next.maxConcurrentCalls != currentLimits.maxConcurrentCalls ||
        next.monthlyMinutes != currentLimits.monthlyMinutes ||
        next.monthlyBudget != currentLimits.monthlyBudget) {
        if (auto saved = companies.setLimits(m_workspace.actor(), name, next); !saved) {
            m_error->showError(saved.error().message);
            return false;
        }
        changed = true;
    }
    if (plan != currentPlan) {
        if (auto saved = companies.setPlan(m_workspace.actor(), name, plan); !saved) {
            m_error->showError(saved.error().message);
            return false;
        }
        changed = true;
    }
    if (changed) {
        positive(tr("%1 saved.").arg(name));
        m_workspace.notifyChanged();
        m_model->refresh();
    } else {
        info(tr("Nothing to save: %1 is unchanged.").arg(name));
    }
    return true;
}

void CompaniesView::addCompany() {
    AddCompanyDialog dialog(m_workspace, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Company company = dialog.company();
    positive(tr("%1 added (%2).").arg(company.name, displayName(company.plan)));
    m_selectedId = company.id;
    m_model->refresh();
}

} // namespace PoolDesk::Ui
