#include "settings/AuditLogSection.h"

#include "Workspace.h"
#include "common/Retranslate.h"
#include "credentials/SecretStore.h"
#include "security/AuditSigning.h"
#include "storage/Settings.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace PoolDesk::Ui {

AuditLogSection::AuditLogSection(Workspace &workspace, QWidget *parent)
    : QGroupBox(parent)
    , m_workspace(workspace)
    , m_store(new SecretStore(this)) {
    setObjectName(QStringLiteral("auditLogSettingsGroupBox"));
    auto *form = new QFormLayout(this);
    m_key = new QLabel(this);
    m_key->setObjectName(QStringLiteral("auditKeyLabel"));
    m_key->setWordWrap(true);
    m_key->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_create = new QPushButton(this);
    m_create->setObjectName(QStringLiteral("auditCreateKeyButton"));
    m_copy = new QPushButton(this);
    m_copy->setObjectName(QStringLiteral("auditCopyKeyButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_create);
    buttons->addStretch(1);
    m_everyEntries = new QSpinBox(this);
    m_everyEntries->setObjectName(QStringLiteral("auditEveryEntriesSpinBox"));
    m_everyEntries->setRange(1, 1000000);
    m_everyMinutes = new QSpinBox(this);
    m_everyMinutes->setObjectName(QStringLiteral("auditEveryMinutesSpinBox"));
    m_everyMinutes->setRange(1, 7 * 24 * 60);
    retranslate(this, [this] {
        setTitle(tr("Audit Log"));
        m_create->setText(tr("&Create Signing Key"));
        m_copy->setText(tr("Copy &Public Key"));
        m_everyEntries->setSuffix(tr(" entries"));
        m_everyMinutes->setSuffix(tr(" minutes"));
        m_everyEntries->setToolTip(
            tr("The pool service, started with --audit-witness, signs a checkpoint "
               "after this many new entries or this many minutes, whichever comes first."));
        m_everyMinutes->setToolTip(m_everyEntries->toolTip());
        showKey();
    });
    addFormRow(
        form, this, [] { return tr("Checkpoint signing key:"); }, m_key);
    form->addRow(QString(), [&] {
        auto *row = new QWidget(this);
        buttons->setContentsMargins(0, 0, 0, 0);
        row->setLayout(buttons);
        return row;
    }());
    addFormRow(
        form, this, [] { return tr("Sign a checkpoint every:"); }, m_everyEntries);
    addFormRow(
        form, this, [] { return tr("or at least every:"); }, m_everyMinutes);
    connect(m_everyEntries, &QSpinBox::valueChanged, this, &AuditLogSection::edited);
    connect(m_everyMinutes, &QSpinBox::valueChanged, this, &AuditLogSection::edited);
    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_publicKey); });
    connect(m_create, &QPushButton::clicked, this, [this] { readKey(true); });
    const bool mayChange = m_workspace.allows(Permission::ChangeSettings);
    m_everyEntries->setEnabled(mayChange);
    m_everyMinutes->setEnabled(mayChange);
}

void AuditLogSection::load() {
    Database &db = m_workspace.database();
    m_stored.clear();
    const qint64 entries =
        Settings::intValue(db, AuditSigning::EveryEntriesSetting, AuditSigning::DefaultEveryEntries);
    const qint64 minutes =
        Settings::intValue(db, AuditSigning::EveryMinutesSetting, AuditSigning::DefaultEveryMinutes);
    m_stored.insert(AuditSigning::EveryEntriesSetting, QString::number(entries));
    m_stored.insert(AuditSigning::EveryMinutesSetting, QString::number(minutes));
    const QSignalBlocker entriesBlocker(m_everyEntries);
    const QSignalBlocker minutesBlocker(m_everyMinutes);
    m_everyEntries->setValue(int(entries));
    m_everyMinutes->setValue(int(minutes));
    if (m_fingerprint.isEmpty() && !m_reading)
        readKey(false);
}

Result<int> AuditLogSection::save() {
    const QList<QPair<QString, QString>> values{
        {AuditSigning::EveryEntriesSetting, QString::number(m_everyEntries->value())},
        {AuditSigning::EveryMinutesSetting, QString::number(m_everyMinutes->value())},
    };
    int saved = 0;
    for (const auto &[key, value] : values) {
        if (m_stored.value(key) == value)
            continue;
        if (auto done = Settings::set(m_workspace.database(), m_workspace.actor(), key, value); !done)
            return done.error();
        m_stored.insert(key, value);
        ++saved;
    }
    return saved;
}

QString AuditLogSection::keyText() const {
    return m_key->text();
}

void AuditLogSection::readKey(bool create) {
    m_reading = true;
    showKey();
    AuditSigning::loadKey(m_workspace.database(), *m_store, create, m_workspace.actor(), this,
                          [this](Result<AuditSigning::Key> key) {
                              m_reading = false;
                              m_noKey = !key && key.error().code == Error::Code::NotFound;
                              m_keyError = key || m_noKey ? QString() : key.error().message;
                              if (key) {
                                  m_fingerprint = key.value().fingerprint;
                                  m_publicKey = QString::fromLatin1(key.value().pair.publicKey.toBase64());
                                  if (key.value().created)
                                      m_workspace.notifyChanged(); // its registration is in the log
                              }
                              showKey();
                              emit keyShown();
                          });
}

void AuditLogSection::showKey() {
    const bool mayCreate = m_workspace.allows(Permission::ChangeSettings);
    m_copy->setVisible(!m_fingerprint.isEmpty());
    m_create->setVisible(m_fingerprint.isEmpty() && m_noKey);
    m_create->setEnabled(mayCreate && !m_reading);
    if (!mayCreate)
        m_create->setToolTip(neededRoleText(Permission::ChangeSettings));
    if (m_reading)
        m_key->setText(tr("Asking the system keychain…"));
    else if (!m_fingerprint.isEmpty())
        m_key->setText(tr("Ed25519, fingerprint %1\nPublic key %2\nThe private key is in this computer's "
                          "keychain, never in the database.")
                           .arg(m_fingerprint, m_publicKey));
    else if (m_noKey)
        m_key->setText(tr("None on this computer. Checkpoints are signed where the key is: make one here, "
                          "or with “pooldeskctl audit key --create”."));
    else
        m_key->setText(tr("The keychain could not be read: %1").arg(m_keyError));
}

} // namespace PoolDesk::Ui
