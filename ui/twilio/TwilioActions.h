#pragma once

#include "billing/Recordings.h"
#include "domain/Result.h"
#include "twilio/Operation.h"

#include <QHash>
#include <QObject>

#include <functional>

class QAction;
class QComboBox;
class QNetworkAccessManager;
class QWidget;

namespace PoolDesk {
class SecretStore;
namespace Twilio {
class Client;
class TwilioProvisioner;
} // namespace Twilio
} // namespace PoolDesk

namespace PoolDesk::Ui {

class Workspace;

// The console's Twilio features, for the main window to place: actions (import, search and buy,
// release, webhooks, call sync, prices, test connection), an environment switcher and the
// environments settings page. Every long task runs in an OperationDialog with progress and Cancel.
// Owns the one QNetworkAccessManager and the keychain access of the console.
class TwilioActions final : public QObject {
    Q_OBJECT
public:
    TwilioActions(Workspace &workspace, QWidget *window);
    ~TwilioActions() override;

    QAction *importAction() const { return m_import; }
    QAction *buyAction() const { return m_buy; }
    QAction *releaseAction() const { return m_release; }
    QAction *webhooksAction() const { return m_webhooks; }
    QAction *syncCallsAction() const { return m_sync; }
    QAction *pricesAction() const { return m_prices; }
    QAction *testConnectionAction() const { return m_test; }
    // All of the above, in menu order.
    QList<QAction *> actions() const;

    // A combo box showing the active environment; choosing another switches the workspace.
    QComboBox *createEnvironmentSwitcher(QWidget *parent);
    // The settings page: environments, their secrets (keychain) and Test connection.
    QWidget *createSettingsPage(QWidget *parent);

    // The allocator's buy-when-exhausted path, for an Allocator in this console.
    Twilio::TwilioProvisioner *provisioner() const { return m_provisioner; }
    SecretStore &secrets() { return *m_secrets; }

    // Resolves the credentials of `environment` (variables, else keychain) and gives a context for
    // an operation; asynchronous.
    void withContext(const QString &environment, QObject *receiver,
                     std::function<void(Result<Twilio::OperationContext>)> done);
    // A recording's audio, or its deletion at Twilio (then here), in the recording's environment.
    // The caller has authorised the access (Recordings::authorize). Administrators fetch with the
    // environment's credentials; everyone else (who holds none) through the pool service, with a
    // ticket from the database. `done` runs unless `context` is destroyed first; destroying it
    // cancels the request.
    void fetchRecording(const RecordingRow &recording, RecordingAccess access, QObject *context,
                        std::function<void(Result<QByteArray>)> done);
    void deleteRecording(const RecordingRow &recording, QObject *context, std::function<void(Status)> done);
    // Runs an operation in a progress dialog (after resolving credentials).
    void runOperation(const QString &title, std::function<Twilio::Operation *(Twilio::OperationContext)> make,
                      std::function<QString(Twilio::Operation &)> summary,
                      std::function<void(bool ok, Twilio::Operation &)> after = {});

private:
    void importNumbers();
    void searchAndBuy();
    void releaseNumber();
    void updateWebhooks();
    void syncCalls();
    void fetchPrices();
    void testConnection();
    void showError(const QString &title, const QString &message);

    Workspace &m_workspace;
    QWidget *m_window;
    QNetworkAccessManager *m_network;
    SecretStore *m_secrets;
    QHash<QString, Twilio::Client *> m_clients;
    Twilio::TwilioProvisioner *m_provisioner;
    QAction *m_import, *m_buy, *m_release, *m_webhooks, *m_sync, *m_prices, *m_test;
};

} // namespace PoolDesk::Ui
