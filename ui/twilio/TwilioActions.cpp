#include "twilio/TwilioActions.h"

#include "Workspace.h"
#include "common/MessageBox.h"
#include "common/Retranslate.h"
#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"
#include "storage/Settings.h"
#include "twilio/BuyNumberDialog.h"
#include "twilio/EnvironmentSettingsPage.h"
#include "twilio/ImportNumbersOperation.h"
#include "twilio/NumberOperations.h"
#include "twilio/OperationDialog.h"
#include "twilio/PricesOperation.h"
#include "twilio/RecordingOperations.h"
#include "twilio/RecordingRelayClient.h"
#include "twilio/SyncCallsOperation.h"
#include "twilio/TwilioClient.h"
#include "twilio/TwilioProvisioner.h"
#include "twilio/WebhooksOperation.h"

#include "storage/Settings.h"

#include <QAction>
#include <QComboBox>
#include <QInputDialog>
#include <QNetworkAccessManager>
#include <QPointer>

namespace PoolDesk::Ui {

TwilioActions::TwilioActions(Workspace &workspace, QWidget *window)
    : QObject(window)
    , m_workspace(workspace)
    , m_window(window)
    , m_network(new QNetworkAccessManager(this))
    , m_secrets(new SecretStore(this)) {
    auto make = [this](const QString &text, const QString &name, const QKeySequence &shortcut, auto slot) {
        auto action = new QAction(text, this);
        action->setObjectName(name);
        if (!shortcut.isEmpty())
            action->setShortcut(shortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_import = make(tr("&Import Numbers from Twilio…"), QStringLiteral("twilioImportAction"),
                    QKeySequence(tr("Ctrl+Shift+I")), &TwilioActions::importNumbers);
    m_buy = make(tr("Search and &Buy a Number…"), QStringLiteral("twilioBuyAction"),
                 QKeySequence(tr("Ctrl+Shift+B")), &TwilioActions::searchAndBuy);
    m_release = make(tr("&Release a Number…"), QStringLiteral("twilioReleaseAction"), QKeySequence(),
                     &TwilioActions::releaseNumber);
    m_webhooks = make(tr("Update &Webhooks…"), QStringLiteral("twilioWebhooksAction"), QKeySequence(),
                      &TwilioActions::updateWebhooks);
    m_sync = make(tr("&Sync Calls from Twilio…"), QStringLiteral("twilioSyncCallsAction"),
                  QKeySequence(tr("Ctrl+Shift+S")), &TwilioActions::syncCalls);
    m_prices = make(tr("Fetch Twilio &Prices…"), QStringLiteral("twilioPricesAction"), QKeySequence(),
                    &TwilioActions::fetchPrices);
    m_test = make(tr("&Test Twilio Connection"), QStringLiteral("twilioTestConnectionAction"), QKeySequence(),
                  &TwilioActions::testConnection);
    // The menu follows a language chosen in Settings at once.
    Ui::onLanguageChange(window, [this] {
        m_import->setText(tr("&Import Numbers from Twilio…"));
        m_buy->setText(tr("Search and &Buy a Number…"));
        m_release->setText(tr("&Release a Number…"));
        m_webhooks->setText(tr("Update &Webhooks…"));
        m_sync->setText(tr("&Sync Calls from Twilio…"));
        m_prices->setText(tr("Fetch Twilio &Prices…"));
        m_test->setText(tr("&Test Twilio Connection"));
    });

    // The provisioner can only use credentials already resolved (it must not wait for a keychain).
    m_provisioner = new Twilio::TwilioProvisioner(
        [this](const QString &environment) -> std::optional<Twilio::OperationContext> {
            Twilio::Client *client = m_clients.value(environment);
            auto profile = Environments(m_workspace.database()).find(environment);
            if (!client || !client->credentials().isComplete() || !profile) {
                withContext(environment, this, [](Result<Twilio::OperationContext>) {});
                return std::nullopt;
            }
            return Twilio::OperationContext{&m_workspace.database(), client, profile.value(), Actor{}};
        },
        this);
}

TwilioActions::~TwilioActions() = default;

QList<QAction *> TwilioActions::actions() const {
    return {m_import, m_buy, m_release, m_webhooks, m_sync, m_prices, m_test};
}

QComboBox *TwilioActions::createEnvironmentSwitcher(QWidget *parent) {
    auto combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("environmentSwitcherCombo"));
    Ui::retranslate(combo, [combo] { combo->setToolTip(tr("The Twilio environment the console works on")); });
    auto refill = [this, combo] {
        const QSignalBlocker blocker(combo);
        combo->clear();
        if (auto list = Environments(m_workspace.database()).list())
            for (const EnvironmentProfile &p : list.value())
                combo->addItem(p.name, p.name);
        combo->setCurrentIndex(combo->findData(m_workspace.environment()));
    };
    refill();
    connect(combo, &QComboBox::currentIndexChanged, this, [this, combo](int index) {
        if (index >= 0)
            m_workspace.setEnvironment(combo->itemData(index).toString());
    });
    connect(&m_workspace, &Workspace::environmentChanged, combo, [combo](const QString &environment) {
        const QSignalBlocker blocker(combo);
        combo->setCurrentIndex(combo->findData(environment));
    });
    connect(&m_workspace, &Workspace::dataChanged, combo, refill);
    return combo;
}

QWidget *TwilioActions::createSettingsPage(QWidget *parent) {
    return new EnvironmentSettingsPage(m_workspace, *this, parent);
}

void TwilioActions::withContext(const QString &environment, QObject *receiver,
                                std::function<void(Result<Twilio::OperationContext>)> done) {
    auto profile = Environments(m_workspace.database()).find(environment);
    if (!profile)
        return done(profile.error());
    QPointer<TwilioActions> self(this);
    CredentialResolver::resolve(
        profile.value(), *m_secrets, receiver, [self, profile, done](Result<TwilioCredentials> credentials) {
            if (!self)
                return;
            if (!credentials)
                return done(credentials.error());
            Twilio::Client *&client = self->m_clients[profile->name];
            if (!client)
                client = new Twilio::Client(self->m_network, self);
            client->setCredentials(credentials.value());
            auto overridden = CredentialResolver::applyEnvironment(profile.value());
            done(Twilio::OperationContext{&self->m_workspace.database(), client,
                                          overridden ? overridden->profile : profile.value(),
                                          self->m_workspace.actor()});
        });
}

void TwilioActions::fetchRecording(const RecordingRow &recording, RecordingAccess access, QObject *context,
                                   std::function<void(Result<QByteArray>)> done) {
    if (!m_workspace.allows(Permission::ManageTwilio)) {
        const QString service = Settings::value(m_workspace.database(), SettingKeys::ServiceUrl);
        if (service.isEmpty())
            return done(
                makeError(Error::Code::Unavailable,
                          tr("Recordings reach this console through the pool service, whose address is "
                             "not set. Ask an administrator to enter it in Settings ▸ Pool.")));
        auto ticket = Recordings(m_workspace.database(), m_workspace.principal().value())
                          .issueTicket(recording, access);
        if (!ticket)
            return done(ticket.error());
        return RecordingRelayClient::fetch(*m_network, QUrl(service), recording.sid, ticket.value(), context,
                                           std::move(done));
    }
    withContext(recording.environment, context,
                [context, recording, done](Result<Twilio::OperationContext> ready) {
                    if (!ready)
                        return done(ready.error());
                    auto *op = new Twilio::FetchRecordingOperation(ready.value(), recording, context);
                    connect(op, &Twilio::Operation::finished, context, [op, done](bool ok) {
                        op->deleteLater();
                        if (!ok)
                            return done(*op->error());
                        done(op->audio());
                    });
                    op->start();
                });
}

void TwilioActions::deleteRecording(const RecordingRow &recording, QObject *context,
                                    std::function<void(Status)> done) {
    // Once confirmed, a deletion runs to its end even if the panel stops waiting for it: cancelled
    // half-way, Twilio could have deleted the recording while its row and audit entry never came.
    QPointer<QObject> waiting(context);
    withContext(recording.environment, this,
                [this, waiting, recording, done](Result<Twilio::OperationContext> ready) {
                    if (!ready) {
                        if (waiting)
                            done(ready.error());
                        return;
                    }
                    auto *op = new Twilio::DeleteRecordingOperation(ready.value(), recording, this);
                    connect(op, &Twilio::Operation::finished, this, [this, op, waiting, done](bool ok) {
                        op->deleteLater();
                        m_workspace.notifyChanged();
                        if (!waiting)
                            return;
                        if (!ok)
                            return done(*op->error());
                        done(success());
                    });
                    op->start();
                });
}

void TwilioActions::runOperation(const QString &title,
                                 std::function<Twilio::Operation *(Twilio::OperationContext)> make,
                                 std::function<QString(Twilio::Operation &)> summary,
                                 std::function<void(bool, Twilio::Operation &)> after) {
    withContext(m_workspace.environment(), this,
                [this, title, make, summary, after](Result<Twilio::OperationContext> context) {
                    if (!context)
                        return showError(title, context.error().message);
                    Twilio::Operation *operation = make(context.value());
                    auto dialog = new OperationDialog(title, operation, summary, m_window);
                    connect(dialog, &OperationDialog::operationFinished, this,
                            [this, operation, after](bool ok) {
                                m_workspace.notifyChanged();
                                if (after)
                                    after(ok, *operation);
                            });
                    dialog->start();
                });
}

void TwilioActions::showError(const QString &title, const QString &message) {
    MessageBox::information(m_window, title, message);
}

void TwilioActions::importNumbers() {
    runOperation(
        tr("Import numbers (%1)").arg(m_workspace.environment()),
        [](Twilio::OperationContext c) { return new Twilio::ImportNumbersOperation(std::move(c)); },
        [](Twilio::Operation &op) {
            const auto &s = static_cast<Twilio::ImportNumbersOperation &>(op).summary();
            QString text =
                tr("%1 added, %2 updated, %3 unchanged, %4 back on the account, %5 missing from Twilio "
                   "(flagged, not deleted).")
                    .arg(s.added.size())
                    .arg(s.updated.size())
                    .arg(s.unchanged.size())
                    .arg(s.returned.size())
                    .arg(s.missing.size());
            for (const QString &n : s.added)
                text += QStringLiteral("\n+ ") + n;
            for (const QString &n : s.missing)
                text += QStringLiteral("\n! ") + n;
            return text;
        });
}

void TwilioActions::searchAndBuy() {
    auto dialog = new BuyNumberDialog(m_workspace, *this, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void TwilioActions::releaseNumber() {
    bool ok = false;
    const QString e164 = QInputDialog::getText(
        m_window, tr("Release a number"),
        tr("Number to release from the %1 Twilio account (E.164):").arg(m_workspace.environment()),
        QLineEdit::Normal, QString(), &ok);
    if (!ok || e164.trimmed().isEmpty())
        return;
    auto number = Twilio::ReleaseNumberOperation::checkReleasable(m_workspace.database(), e164,
                                                                  m_workspace.environment());
    if (!number)
        return showError(tr("Release a number"), number.error().message);
    if (!MessageBox::confirm(
            m_window, tr("Release %1?").arg(number->e164),
            tr("Release %1 from the %2 Twilio account? A released number cannot be recovered: "
               "Twilio may give it to someone else. Its rental of %3 a month stops.")
                .arg(number->e164, m_workspace.environment(), Money::format(number->monthlyPrice)),
            tr("Release Number"), true))
        return;
    const QString target = number->e164;
    runOperation(
        tr("Release %1").arg(target),
        [target](Twilio::OperationContext c) {
            return new Twilio::ReleaseNumberOperation(std::move(c), target,
                                                      QStringLiteral("manual (console)"));
        },
        [target](Twilio::Operation &) {
            return tr("Released %1 and removed it from the pool.").arg(target);
        });
}

void TwilioActions::updateWebhooks() {
    const QString env = m_workspace.environment();
    QList<EnvironmentProfile> others;
    if (auto all = Environments(m_workspace.database()).list())
        for (const EnvironmentProfile &p : all.value())
            if (p.name != env)
                others.append(p);
    auto describe = [](Twilio::Operation &op) -> QString {
        const auto &w = static_cast<Twilio::WebhooksOperation &>(op);
        QString text;
        int pending = 0, drift = 0;
        for (const auto &c : w.changes()) {
            if (!c.needsUpdate())
                continue;
            ++pending;
            drift += c.driftFrom.isEmpty() ? 0 : 1;
            text += QStringLiteral("%1: %2 -> %3%4\n")
                        .arg(c.e164, c.currentVoiceUrl.isEmpty() ? tr("(none)") : c.currentVoiceUrl,
                             c.desiredVoiceUrl,
                             c.driftFrom.isEmpty() ? QString() : tr("  [points at %1]").arg(c.driftFrom));
        }
        const int numbers = int(w.changes().size());
        return (w.dryRun() ? tr("%1 of %n number(s) would change (%2 point at another environment).\n",
                                nullptr, numbers)
                           : tr("Updated %1 of %n number(s) (%2 had pointed at another environment).\n",
                                nullptr, numbers))
                   .arg(w.dryRun() ? pending : w.updated())
                   .arg(drift) +
               text;
    };
    // A dry run first; applying is a second, confirmed step.
    runOperation(
        tr("Webhooks (%1): preview").arg(env),
        [others](Twilio::OperationContext c) {
            return new Twilio::WebhooksOperation(std::move(c), true, others);
        },
        describe,
        [this, env, others, describe](bool ok, Twilio::Operation &op) {
            if (!ok)
                return;
            int pending = 0;
            for (const auto &c : static_cast<Twilio::WebhooksOperation &>(op).changes())
                pending += c.needsUpdate() ? 1 : 0;
            if (pending == 0 ||
                !MessageBox::confirm(
                    m_window, tr("Update webhooks"),
                    tr("Point %n number(s) of the %1 account at its webhook URLs?", nullptr, pending)
                        .arg(env),
                    tr("Update Webhooks")))
                return;
            runOperation(
                tr("Webhooks (%1)").arg(env),
                [others](Twilio::OperationContext c) {
                    return new Twilio::WebhooksOperation(std::move(c), false, others);
                },
                describe);
        });
}

void TwilioActions::syncCalls() {
    runOperation(
        tr("Sync calls (%1)").arg(m_workspace.environment()),
        [](Twilio::OperationContext c) { return new Twilio::SyncCallsOperation(std::move(c), std::nullopt); },
        [](Twilio::Operation &op) {
            const auto &s = static_cast<Twilio::SyncCallsOperation &>(op).summary();
            return tr("%1 new calls, %2 matched to calls the pool recorded, %3 got Twilio's price, %4 "
                      "unchanged, %5 still under way; %6 recordings.")
                .arg(s.calls.added)
                .arg(s.calls.matched)
                .arg(s.calls.priced)
                .arg(s.calls.unchanged)
                .arg(s.calls.pending)
                .arg(s.recordings);
        });
}

void TwilioActions::fetchPrices() {
    bool ok = false;
    const QString country = QInputDialog::getText(
        m_window, tr("Twilio prices"), tr("Country (two letters):"), QLineEdit::Normal,
        Settings::value(m_workspace.database(), SettingKeys::Country, QStringLiteral("US")), &ok);
    if (!ok || country.trimmed().isEmpty())
        return;
    runOperation(
        tr("Prices (%1)").arg(country.toUpper()),
        [country](Twilio::OperationContext c) {
            return new Twilio::PricesOperation(std::move(c), country.trimmed());
        },
        [](Twilio::Operation &op) {
            const Tariff &t = static_cast<Twilio::PricesOperation &>(op).after();
            return tr("%1: number %2 a month, outbound %3 a minute, inbound %4 a minute (from Twilio).")
                .arg(t.country, Money::format(t.numberMonthly),
                     Money::format(t.outboundPerMinute, QLocale(), 4),
                     Money::format(t.inboundPerMinute, QLocale(), 4));
        });
}

void TwilioActions::testConnection() {
    runOperation(
        tr("Test connection (%1)").arg(m_workspace.environment()),
        [](Twilio::OperationContext c) { return new Twilio::TestConnectionOperation(std::move(c)); },
        [](Twilio::Operation &op) {
            const auto &a = static_cast<Twilio::TestConnectionOperation &>(op).account();
            return tr("Connected: %1 \"%2\" (%3, %4).").arg(a.sid, a.friendlyName, a.status, a.type);
        });
}

} // namespace PoolDesk::Ui
