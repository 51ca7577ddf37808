#include "twilio/EnvironmentSettingsPage.h"

#include "Workspace.h"
#include "common/InlineError.h"
#include "common/Retranslate.h"
#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "twilio/NumberOperations.h"
#include "twilio/TwilioActions.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

EnvironmentSettingsPage::EnvironmentSettingsPage(Workspace &workspace, TwilioActions &actions,
                                                 QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_actions(actions)
    , m_environment(new QComboBox(this))
    , m_accountSid(new QLineEdit(this))
    , m_apiKeySid(new QLineEdit(this))
    , m_apiBaseUrl(new QLineEdit(this))
    , m_webhookBaseUrl(new QLineEdit(this))
    , m_voicePath(new QLineEdit(this))
    , m_statusPath(new QLineEdit(this))
    , m_urls(new QLabel(this))
    , m_secret(new QLineEdit(this))
    , m_saveButton(new QPushButton(this))
    , m_secretButton(new QPushButton(this))
    , m_testButton(new QPushButton(this))
    , m_message(new InlineError(this)) {
    setObjectName(QStringLiteral("twilioEnvironmentsPage"));
    m_environment->setObjectName(QStringLiteral("environmentCombo"));
    m_environment->setEditable(true); // typing a new name adds an environment on Save
    m_accountSid->setObjectName(QStringLiteral("accountSidEdit"));
    m_accountSid->setPlaceholderText(QStringLiteral("AC…"));
    m_apiKeySid->setObjectName(QStringLiteral("apiKeySidEdit"));
    m_apiBaseUrl->setObjectName(QStringLiteral("apiBaseUrlEdit"));
    m_webhookBaseUrl->setObjectName(QStringLiteral("webhookBaseUrlEdit"));
    m_voicePath->setObjectName(QStringLiteral("voicePathEdit"));
    m_statusPath->setObjectName(QStringLiteral("statusCallbackPathEdit"));
    m_urls->setObjectName(QStringLiteral("webhookUrlsLabel"));
    m_urls->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_saveButton->setObjectName(QStringLiteral("saveEnvironmentButton"));
    m_secretButton->setObjectName(QStringLiteral("storeSecretButton"));
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));

    auto form = new QFormLayout;
    Ui::addFormRow(
        form, this, [] { return tr("&Environment:"); }, m_environment);
    Ui::addFormRow(
        form, this, [] { return tr("Account &SID:"); }, m_accountSid);
    Ui::addFormRow(
        form, this, [] { return tr("API &key SID:"); }, m_apiKeySid);
    Ui::addFormRow(
        form, this, [] { return tr("API &base URL:"); }, m_apiBaseUrl);
    Ui::addFormRow(
        form, this, [] { return tr("&Webhook base URL:"); }, m_webhookBaseUrl);
    Ui::addFormRow(
        form, this, [] { return tr("&Voice path:"); }, m_voicePath);
    Ui::addFormRow(
        form, this, [] { return tr("Status &callback path:"); }, m_statusPath);
    form->addRow(QString(), m_urls);
    auto secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_secretButton);
    // A label beside a layout has no buddy of its own; without one the '&' would show.
    auto secretLabel = new QLabel(this);
    secretLabel->setBuddy(m_secret);
    // Set now and again whenever the language changes.
    Ui::retranslate(this, [this, secretLabel] {
        secretLabel->setText(tr("Secre&t:"));
        m_saveButton->setText(tr("&Save"));
        m_secretButton->setText(tr("Store in &Keychain"));
        m_testButton->setText(tr("&Test Connection"));
        m_apiKeySid->setPlaceholderText(tr("SK… (recommended; empty: use the auth token)"));
        m_webhookBaseUrl->setPlaceholderText(tr("https://example.ngrok-free.app"));
        m_secret->setPlaceholderText(tr("Paste the secret here to store it; it is never shown again"));
    });
    form->addRow(secretLabel, secretRow);
    auto buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_testButton);
    buttons->addWidget(m_saveButton);
    auto layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    layout->addStretch();

    if (auto list = Environments(workspace.database()).list())
        for (const EnvironmentProfile &p : list.value())
            m_environment->addItem(p.name);
    m_environment->setCurrentText(workspace.environment());
    load(workspace.environment());
    connect(m_environment, &QComboBox::textActivated, this, &EnvironmentSettingsPage::load);
    Ui::onLanguageChange(this, [this] {
        auto profile = Environments(m_workspace.database()).find(m_environment->currentText().trimmed());
        showUrls(profile ? profile.value() : EnvironmentProfile{});
    });
    connect(m_saveButton, &QPushButton::clicked, this, &EnvironmentSettingsPage::save);
    connect(m_secretButton, &QPushButton::clicked, this, &EnvironmentSettingsPage::storeSecret);
    connect(m_testButton, &QPushButton::clicked, this, &EnvironmentSettingsPage::testConnection);
}

void EnvironmentSettingsPage::load(const QString &name) {
    auto profile = Environments(m_workspace.database()).find(name);
    EnvironmentProfile p = profile ? profile.value() : EnvironmentProfile{};
    m_accountSid->setText(p.accountSid);
    m_apiKeySid->setText(p.apiKeySid);
    m_apiBaseUrl->setText(p.apiBaseUrl.toString());
    m_webhookBaseUrl->setText(p.webhookBaseUrl.toString());
    m_voicePath->setText(p.voicePath);
    m_statusPath->setText(p.statusCallbackPath);
    showUrls(p);
    m_secret->clear();
    m_message->clearMessage();
}

void EnvironmentSettingsPage::showUrls(const EnvironmentProfile &p) {
    m_urls->setText(
        p.webhookBaseUrl.isEmpty()
            ? tr("Twilio will be told nothing until a webhook base URL is set.")
            : tr("Voice: %1\nStatus: %2").arg(p.voiceUrl().toString(), p.statusCallbackUrl().toString()));
}

void EnvironmentSettingsPage::save() {
    EnvironmentChange change;
    change.accountSid = m_accountSid->text();
    change.apiKeySid = m_apiKeySid->text();
    change.apiBaseUrl = QUrl(m_apiBaseUrl->text().trimmed());
    change.webhookBaseUrl = QUrl(m_webhookBaseUrl->text().trimmed());
    change.voicePath = m_voicePath->text().trimmed();
    change.statusCallbackPath = m_statusPath->text().trimmed();
    const QString name = m_environment->currentText().trimmed();
    auto saved = Environments(m_workspace.database()).set(m_workspace.actor(), name, change);
    if (!saved)
        return m_message->showError(saved.error().message);
    if (m_environment->findText(name) < 0)
        m_environment->addItem(name);
    load(name);
    m_message->showHint(tr("Saved %1.").arg(name));
    m_workspace.notifyChanged();
}

void EnvironmentSettingsPage::storeSecret() {
    auto profile = Environments(m_workspace.database()).find(m_environment->currentText().trimmed());
    if (!profile)
        return m_message->showError(profile.error().message);
    if (profile->accountSid.isEmpty())
        return m_message->showError(tr("Save the Account SID first: the secret is stored for that account."));
    QString secret = m_secret->text().trimmed();
    if (secret.isEmpty())
        return m_message->showError(
            tr("Paste the %1 into the secret field first.").arg(profile->secretKind()));
    m_secret->clear();
    m_message->showHint(tr("Waiting for the system keychain…"));
    m_secretButton->setEnabled(false);
    QPointer<EnvironmentSettingsPage> self(this);
    m_actions.secrets().write(profile->secretKey(), secret, this, [self, profile](Status stored) {
        if (!self)
            return;
        self->m_secretButton->setEnabled(true);
        if (!stored)
            return self->m_message->showError(stored.error().message);
        self->m_message->showHint(
            tr("The %1 of %2 is stored in the system keychain.").arg(profile->secretKind(), profile->name));
    });
    secret.fill(QLatin1Char(' '));
}

void EnvironmentSettingsPage::testConnection() {
    const QString name = m_environment->currentText().trimmed();
    m_message->showHint(tr("Connecting to Twilio…"));
    m_testButton->setEnabled(false);
    m_actions.withContext(name, this, [this](Result<Twilio::OperationContext> context) {
        if (!context) {
            m_testButton->setEnabled(true);
            return m_message->showError(context.error().message);
        }
        auto op = new Twilio::TestConnectionOperation(context.value(), this);
        connect(op, &Twilio::Operation::finished, this, [this, op](bool ok) {
            op->deleteLater();
            m_testButton->setEnabled(true);
            if (!ok)
                return m_message->showError(op->error()->message);
            const auto &a = op->account();
            m_message->showHint(
                tr("Connection OK: %1 \"%2\" (%3, %4).").arg(a.sid, a.friendlyName, a.status, a.type));
        });
        op->start();
    });
}

} // namespace PoolDesk::Ui
