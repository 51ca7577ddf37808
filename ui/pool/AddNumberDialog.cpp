#include "pool/AddNumberDialog.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/InlineError.h"
#include "credentials/Environments.h"
#include "domain/PhoneNumber.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "pool/Tariffs.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

static void fillCompanies(QComboBox *combo, Database &db, bool withShared) {
    if (withShared)
        combo->addItem(QCoreApplication::translate("AddNumberDialog", "Shared pool (any company)"),
                       QVariant());
    if (auto companies = Companies(db).list()) {
        for (const Company &company : companies.value())
            combo->addItem(QStringLiteral("%1 — %2").arg(company.name, displayName(company.plan)),
                           company.name);
    }
}

AddNumberDialog::AddNumberDialog(Workspace &workspace, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("addNumberDialog"));
    setWindowTitle(tr("Add Number to the Pool"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_e164 = new QLineEdit(this);
    m_e164->setObjectName(QStringLiteral("numberE164LineEdit"));
    m_e164->setPlaceholderText(tr("+1 607 695 6082"));
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("numberPreviewLabel"));
    m_preview->setForegroundRole(QPalette::PlaceholderText);
    m_environment = new QComboBox(this);
    m_environment->setObjectName(QStringLiteral("numberEnvironmentComboBox"));
    QStringList envs{DevelopmentEnvironment, ProductionEnvironment};
    if (auto profiles = Environments(workspace.database()).list()) {
        for (const auto &profile : profiles.value())
            if (!envs.contains(profile.name))
                envs.append(profile.name);
    }
    for (const QString &env : envs)
        m_environment->addItem(env == DevelopmentEnvironment  ? tr("Development")
                               : env == ProductionEnvironment ? tr("Production")
                                                              : env,
                               env);
    m_environment->setCurrentIndex(std::max(0, m_environment->findData(workspace.environment())));
    m_company = new QComboBox(this);
    m_company->setObjectName(QStringLiteral("numberCompanyComboBox"));
    fillCompanies(m_company, workspace.database(), true);
    m_sid = new QLineEdit(this);
    m_sid->setObjectName(QStringLiteral("numberSidLineEdit"));
    m_sid->setPlaceholderText(tr("PN… (optional)"));
    m_price = new QLineEdit(this);
    m_price->setObjectName(QStringLiteral("numberPriceLineEdit"));
    const auto tariff = Tariffs::load(workspace.database());
    m_price->setPlaceholderText(
        tr("Tariff: %1").arg(Format::money(tariff ? tariff.value().numberMonthly : Tariff().numberMonthly)));
    form->addRow(tr("&Number:"), m_e164);
    form->addRow(QString(), m_preview);
    form->addRow(tr("&Environment:"), m_environment);
    form->addRow(tr("&Use:"), m_company);
    form->addRow(tr("Twilio &SID:"), m_sid);
    form->addRow(tr("Monthly &price (USD):"), m_price);
    layout->addLayout(form);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("addNumberErrorLabel"));
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add Number"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("addNumberOkButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &AddNumberDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_e164, &QLineEdit::textChanged, this, &AddNumberDialog::updatePreview);
    updatePreview();
    setMinimumWidth(460);
}

void AddNumberDialog::updatePreview() {
    m_error->clearMessage();
    const QString text = m_e164->text().trimmed();
    if (text.isEmpty()) {
        m_preview->setText(tr("Include + and the country code."));
        return;
    }
    const auto normalized = PhoneNumber::normalize(text);
    m_preview->setText(normalized ? tr("Will be saved as %1").arg(*normalized)
                                  : tr("Not a valid number yet: type + then the country code and number."));
}

void AddNumberDialog::accept() {
    const auto normalized = PhoneNumber::normalize(m_e164->text());
    if (!normalized) {
        m_error->showError(
            tr("“%1” is not a phone number in international format. Type + then the country code "
               "and number, for example +1 607 695 6082.")
                .arg(m_e164->text().trimmed()));
        m_e164->setFocus();
        return;
    }
    NewNumber number;
    number.e164 = *normalized;
    number.environment = m_environment->currentData().toString();
    number.twilioSid = m_sid->text().trimmed();
    const QString companyName = m_company->currentData().toString();
    if (!companyName.isEmpty()) {
        auto company = Companies(m_workspace.database()).find(companyName);
        if (!company) {
            m_error->showError(company.error().message);
            return;
        }
        number.dedicatedTo = company.value().id;
    }
    QString price = m_price->text().trimmed();
    if (!price.isEmpty()) {
        if (QLocale().decimalPoint() != QLatin1String(".") && !price.contains(QLatin1Char('.')))
            price.replace(QLocale().decimalPoint(), QStringLiteral("."));
        const auto micros = Money::parseUsd(price);
        if (!micros) {
            m_error->showError(tr("The monthly price must be an amount in US dollars, for example 1.15."));
            m_price->setFocus();
            return;
        }
        number.monthlyPrice = *micros;
    }
    auto added = Numbers(m_workspace.database()).add(m_workspace.actor(), number);
    if (!added) {
        m_error->showError(added.error().message);
        return;
    }
    m_number = added.value();
    m_workspace.notifyChanged();
    QDialog::accept();
}

AssignNumberDialog::AssignNumberDialog(Workspace &workspace, const QString &e164, const QString &environment,
                                       QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_e164(e164)
    , m_environment(environment) {
    setObjectName(QStringLiteral("assignNumberDialog"));
    setWindowTitle(tr("Dedicate Number to a Company"));
    auto *layout = new QVBoxLayout(this);
    auto *intro =
        new QLabel(tr("Calls of the chosen company will use %1 first; other companies will no longer "
                      "get it from the shared pool.")
                       .arg(e164),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_company = new QComboBox(this);
    m_company->setObjectName(QStringLiteral("assignCompanyComboBox"));
    fillCompanies(m_company, workspace.database(), false);
    form->addRow(tr("&Company:"), m_company);
    layout->addLayout(form);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("assignNumberErrorLabel"));
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Dedicate"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("assignNumberOkButton"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_company->count() > 0);
    if (m_company->count() == 0)
        m_error->showHint(tr("Add a company first."));
    connect(buttons, &QDialogButtonBox::accepted, this, &AssignNumberDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

void AssignNumberDialog::accept() {
    auto assigned =
        Numbers(m_workspace.database())
            .assign(m_workspace.actor(), m_e164, m_environment, m_company->currentData().toString());
    if (!assigned) {
        m_error->showError(assigned.error().message);
        return;
    }
    m_workspace.notifyChanged();
    QDialog::accept();
}

} // namespace PoolDesk::Ui
