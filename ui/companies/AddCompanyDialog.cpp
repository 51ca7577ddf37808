#include "companies/AddCompanyDialog.h"

#include "Workspace.h"
#include "common/InlineError.h"
#include "companies/LimitsForm.h"
#include "pool/Companies.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

AddCompanyDialog::AddCompanyDialog(Workspace &workspace, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("addCompanyDialog"));
    setWindowTitle(tr("Add Company"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("companyNameLineEdit"));
    m_name->setPlaceholderText(tr("For example: Sakura Logistics"));
    m_plan = new QComboBox(this);
    m_plan->setObjectName(QStringLiteral("companyPlanComboBox"));
    for (Plan plan : allPlans())
        m_plan->addItem(displayName(plan), toString(plan));
    auto *planHelp = new QLabel(this);
    planHelp->setWordWrap(true);
    planHelp->setForegroundRole(QPalette::PlaceholderText);
    auto explain = [planHelp, this] {
        const auto plan = planFromString(m_plan->currentData().toString()).value_or(Plan::Standard);
        switch (plan) {
        case Plan::Standard:
            planHelp->setText(tr("Calls from the shared pool: the cheapest option; the caller ID varies."));
            break;
        case Plan::Hybrid:
            planHelp->setText(
                tr("Calls from its dedicated numbers first, the shared pool when they are busy."));
            break;
        case Plan::Enterprise:
            planHelp->setText(tr("Calls only from its dedicated numbers: a fixed caller ID for its brand."));
            break;
        }
    };
    connect(m_plan, &QComboBox::currentIndexChanged, this, explain);
    explain();
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Plan:"), m_plan);
    form->addRow(QString(), planHelp);
    layout->addLayout(form);
    m_limits = new LimitsForm(this);
    layout->addWidget(m_limits);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("addCompanyErrorLabel"));
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("addCompanyButtonBox"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add Company"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("addCompanyOkButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &AddCompanyDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    auto clear = [this] { m_error->clearMessage(); };
    connect(m_name, &QLineEdit::textEdited, this, clear);
    connect(m_limits, &LimitsForm::edited, this, clear);
    setMinimumWidth(440);
}

void AddCompanyDialog::accept() {
    if (auto valid = Companies::validateName(m_name->text().trimmed()); !valid) {
        m_error->showError(valid.error().message);
        m_name->setFocus();
        return;
    }
    auto limits = m_limits->limits();
    if (!limits) {
        m_error->showError(limits.error().message);
        return;
    }
    const Plan plan = planFromString(m_plan->currentData().toString()).value_or(Plan::Standard);
    auto added = Companies(m_workspace.database())
                     .add(m_workspace.actor(), m_name->text().trimmed(), plan, limits.value());
    if (!added) {
        m_error->showError(added.error().message);
        return;
    }
    m_company = added.value();
    m_workspace.notifyChanged();
    QDialog::accept();
}

} // namespace PoolDesk::Ui
