#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace PoolDesk {
struct EnvironmentProfile;
}

namespace PoolDesk::Ui {

class InlineError;
class TwilioActions;
class Workspace;

// Settings page for the Twilio environments: Account SID, API key or auth token, API and webhook
// base URLs and paths (stored in the pool database), the secret (stored in the system keychain,
// never shown again), and Test connection.
class EnvironmentSettingsPage final : public QWidget {
    Q_OBJECT
public:
    EnvironmentSettingsPage(Workspace &workspace, TwilioActions &actions, QWidget *parent = nullptr);

private:
    void load(const QString &name);
    void showUrls(const EnvironmentProfile &profile);
    void save();
    void storeSecret();
    void testConnection();

    Workspace &m_workspace;
    TwilioActions &m_actions;
    QComboBox *m_environment;
    QLineEdit *m_accountSid;
    QLineEdit *m_apiKeySid;
    QLineEdit *m_apiBaseUrl;
    QLineEdit *m_webhookBaseUrl;
    QLineEdit *m_voicePath;
    QLineEdit *m_statusPath;
    QLabel *m_urls;
    QLineEdit *m_secret;
    QPushButton *m_saveButton;
    QPushButton *m_secretButton;
    QPushButton *m_testButton;
    InlineError *m_message;
};

} // namespace PoolDesk::Ui
