#include "twilio/EnvironmentSettingsPage.h"

#include "Workspace.h"
#include "common/InlineError.h"
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
    , m_saveButton(new QPushButton(tr("&Save"), this))
    , m_secretButton(new QPushButton(tr("Store in &Keychain"), this))
    , m_testButton(new QPushButton(tr("&Test Connection"), this))
    , m_message(new InlineError(this)) {
    setObjectName(QStringLiteral("twilioEnvironmentsPage"));
    m_environment->setObjectName(QStringLiteral("environmentCombo"));
    m_environment->setEditable(true); // typing a new name adds an environment on Save
    m_accountSid->setObjectName(QStringLiteral("accountSidEdit"));
    m_accountSid->setPlaceholderText(QStringLiteral("AC…"));
    m_apiKeySid->setObjectName(QStringLiteral("apiKeySidEdit"));
    m_apiKeySid->setPlaceholderText(tr("SK… (recommended; empty: use the auth token)"));
    m_apiBaseUrl->setObjectName(QStringLiteral("apiBaseUrlEdit"));
    m_webhookBaseUrl->setObjectName(QStringLiteral("webhookBaseUrlEdit"));
    m_webhookBaseUrl->setPlaceholderText(tr("https://example.ngrok-free.app"));
    m_voicePath->setObjectName(QStringLiteral("voicePathEdit"));
    m_statusPath->setObjectName(QStringLiteral("statusCallbackPathEdit"));
    m_urls->setObjectName(QStringLiteral("webhookUrlsLabel"));
    m_urls->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("Paste the secret here to store it; it is never shown again"));
    m_saveButton->setObjectName(QStringLiteral("saveEnvironmentButton"));
    m_secretButton->setObjectName(QStringLiteral("storeSecretButton"));
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));

    auto form = new QFormLayout;
    form->addRow(tr("&Environment:"), m_environment);
    form->addRow(tr("Account &SID:"), m_accountSid);
    form->addRow(tr("API &key SID:"), m_apiKeySid);
    form->addRow(tr("API &base URL:"), m_apiBaseUrl);
    form->addRow(tr("&Webhook base URL:"), m_webhookBaseUrl);
    form->addRow(tr("&Voice path:"), m_voicePath);
    form->addRow(tr("Status &callback path:"), m_statusPath);
    form->addRow(QString(), m_urls);
    auto secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_secretButton);
    // A label beside a layout has no buddy of its own; without one the '&' would show.
    auto secretLabel = new QLabel(tr("Secre&t:"), this);
    secretLabel->setBuddy(m_secret);
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
    m_urls->setText(
        p.webhookBaseUrl.isEmpty()
            ? tr("Twilio will be told nothing until a webhook base URL is set.")
            : tr("Voice: %1\nStatus: %2").arg(p.voiceUrl().toString(), p.statusCallbackUrl().toString()));
    m_secret->clear();
    m_message->clearMessage();
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
