// The console's Twilio dialogs as a user drives them, offscreen, against the in-process fake
// Twilio server: an import shows its progress and summary, Cancel stops it, Twilio's errors are
// shown with their code and link, buying asks first (with the price) and offers the next number
// when one was taken meanwhile (21422), a release needs confirmation and says it cannot be undone,
// and the webhooks preview shows what would change before anything is sent.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"
#include "UiTestSupport.h"

#include "common/Format.h"
#include "common/InlineError.h"
#include "costs/ReconcilePanel.h"
#include "credentials/Environments.h"
#include "pool/Numbers.h"
#include "storage/SqlHelpers.h"
#include "twilio/OperationDialog.h"
#include "twilio/TwilioActions.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {

const QString Dev = QStringLiteral("development");

// Twilio's numbers for the fake (two per page), and the numbers on offer in Ithaca, NY.
struct Account : FakeTwilioAccount {
    Account() { unavailable = QStringLiteral("+16075550100"); }

    void install(Server &server) {
        FakeTwilioAccount::install(server);
        server.on("GET", accountPath("AvailablePhoneNumbers/US/Local.json"), [](const Server::Request &) {
            QJsonArray list;
            for (const char *n : {"+16075550100", "+16075550101", "+16075550102"})
                list.append(QJsonObject{{QStringLiteral("phone_number"), QString::fromLatin1(n)},
                                        {QStringLiteral("locality"), QStringLiteral("Ithaca")},
                                        {QStringLiteral("region"), QStringLiteral("NY")}});
            return Server::Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
        });
    }
};

// Answers the next QInputDialog (the release action asks which number) with `text`.
void answerNextInput(const QString &text) {
    QTimer::singleShot(0, [text] {
        auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        QVERIFY(input);
        input->setTextValue(text);
        input->accept();
    });
}

} // namespace

class TestTwilioDialogs : public QObject {
    Q_OBJECT

    std::unique_ptr<Ui::Workspace> m_workspace;
    std::unique_ptr<QWidget> m_window;
    Ui::TwilioActions *m_actions = nullptr;
    std::unique_ptr<Server> m_server;
    Account m_account;

    void open(const QString &engine) {
        m_workspace = std::make_unique<Ui::Workspace>(openFresh(engine), Dev);
        m_workspace->setActor(Actor{QStringLiteral("user:tester")});
        EnvironmentChange change;
        change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
        QVERIFY(Environments(m_workspace->database()).set(m_workspace->actor(), Dev, change));
        EnvironmentChange prod;
        prod.webhookBaseUrl = QUrl(QStringLiteral("https://prod.example.org"));
        QVERIFY(Environments(m_workspace->database())
                    .set(m_workspace->actor(), QStringLiteral("production"), prod));
        m_server = std::make_unique<Server>();
        m_account = {};
        m_account.install(*m_server);
        // Credentials from the variables (as twilio-cli allows): no keychain in these tests.
        qputenv("TWILIO_ACCOUNT_SID", TestAccountSid.toLatin1());
        qputenv("TWILIO_API_KEY", TestApiKey.toLatin1());
        qputenv("TWILIO_API_SECRET", TestApiSecret.toLatin1());
        qputenv("POOLDESK_TWILIO_BASE_URL", m_server->baseUrl().toString().toLatin1());
        m_window = std::make_unique<QWidget>();
        m_actions = new Ui::TwilioActions(*m_workspace, m_window.get());
        m_window->show();
    }
    Ui::OperationDialog *operationDialog(int index = 0) {
        const auto dialogs = m_window->findChildren<Ui::OperationDialog *>();
        return dialogs.size() > index ? dialogs.at(index) : nullptr;
    }
    static QString status(Ui::OperationDialog *d) {
        return d->findChild<QLabel *>(QStringLiteral("operationStatusLabel"))->text();
    }
    static QString errorText(QWidget *w) {
        const auto errors = w->findChildren<Ui::InlineError *>();
        for (Ui::InlineError *e : errors)
            if (!e->text().isEmpty())
                return e->text();
        return {};
    }
    void addNumber(const QString &e164, const QString &sid) {
        m_account.numbers.append(incomingNumberJson(sid, e164));
        NewNumber n;
        n.e164 = e164;
        n.environment = Dev;
        n.twilioSid = sid;
        QVERIFY(Numbers(m_workspace->database()).add(m_workspace->actor(), n));
    }

private slots:
    void initTestCase() { initUiTests(); }
    void cleanup() {
        m_window.reset(); // deletes the actions and dialogs
        m_actions = nullptr;
        m_server.reset();
        m_workspace.reset();
        Ui::MessageBox::clearNextAnswer();
    }

    // Costs ▸ Reconcile: Twilio's usage records for the month beside PoolDesk's, with the difference
    // explained, in Twilio's UTC month.
    void reconcileTabShowsTwilioBesidePoolDesk_data() { addEngineRows(); }
    void reconcileTabShowsTwilioBesidePoolDesk() {
        QFETCH(QString, engine);
        open(engine);
        const QByteArray path = accountPath("Usage/Records/Monthly.json");
        m_server->on("GET", path, [=](const Server::Request &) {
            const auto record = [](const char *category, int count, double price) {
                return QJsonObject{{QStringLiteral("category"), QString::fromLatin1(category)},
                                   {QStringLiteral("count"), QString::number(count)},
                                   {QStringLiteral("price"), price},
                                   {QStringLiteral("price_unit"), QStringLiteral("usd")}};
            };
            const QJsonArray items{record("calls-outbound", 4, 0.065), record("calls-inbound", 0, 0.0),
                                   record("phonenumbers-local", 1, 1.15)};
            return Server::Response::json(200, Server::page(QStringLiteral("usage_records"), items,
                                                            QString::fromLatin1(path), QString(), 0, 50));
        });
        auto *panel = new Ui::ReconcilePanel(*m_workspace, m_window.get());
        panel->setMonth(QStringLiteral("2026-11"));
        QSignalSpy compared(panel, &Ui::ReconcilePanel::compared);
        panel->compare();
        QTRY_COMPARE_WITH_TIMEOUT(compared.count(), 1, 20000);
        QCOMPARE(compared.at(0).at(0).toBool(), true);
        auto *table = panel->findChild<QTableWidget *>(QStringLiteral("reconcileTableWidget"));
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("calls-outbound"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("4"));
        QCOMPARE(table->item(0, 4)->text(), Ui::Format::money(65'000, 4));
        // PoolDesk has no calls that month: the whole amount is Twilio's, and the row says why.
        QCOMPARE(table->item(0, 5)->text(), Ui::Format::money(65'000, 4));
        QVERIFY(!table->item(0, 6)->text().isEmpty());
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("reconcileNoteLabel"))
                    ->text()
                    .contains(QStringLiteral("UTC")));
        QCOMPARE(m_server->requestsTo("GET", path).size(), 1);
    }

    void importShowsProgressAndWhatChanged_data() { addEngineRows(); }
    void importShowsProgressAndWhatChanged() {
        QFETCH(QString, engine);
        open(engine);
        for (int i = 0; i < 3; ++i)
            m_account.numbers.append(
                incomingNumberJson(pnSid(i + 1), QStringLiteral("+1607695608%1").arg(i)));
        m_actions->importAction()->trigger();
        Ui::OperationDialog *dialog = operationDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(status(dialog), QStringLiteral("Done."), 20000);
        QVERIFY(dialog->succeeded());
        auto *bar = dialog->findChild<QProgressBar *>(QStringLiteral("operationProgressBar"));
        QCOMPARE(bar->value(), bar->maximum());
        const QString summary =
            dialog->findChild<QPlainTextEdit *>(QStringLiteral("operationResultText"))->toPlainText();
        QVERIFY2(summary.startsWith(QLatin1String("3 added")), qPrintable(summary));
        QVERIFY(summary.contains(QLatin1String("+ +16076956082")));
        QCOMPARE(Numbers(m_workspace->database()).list({Dev, std::nullopt, std::nullopt, {}})->size(), 3);
        // Two pages were read, following Twilio's next_page_uri.
        QCOMPARE(m_server->requestsTo("GET", accountPath("IncomingPhoneNumbers.json")).size(), 2);
        auto *close = dialog->findChild<QPushButton *>(QStringLiteral("operationCancelButton"));
        QCOMPARE(close->text(), QStringLiteral("&Close"));
        QPointer<Ui::OperationDialog> guard(dialog);
        close->click();
        QTRY_VERIFY(!guard); // closed and deleted
    }

    void cancelStopsAnImportAndChangesNothing_data() { addEngineRows(); }
    void cancelStopsAnImportAndChangesNothing() {
        QFETCH(QString, engine);
        open(engine);
        for (int i = 0; i < 3; ++i)
            m_account.numbers.append(
                incomingNumberJson(pnSid(i + 1), QStringLiteral("+1607695608%1").arg(i)));
        Server::Response silent;
        silent.mode = Server::Response::Mode::NoAnswer; // Twilio never answers the first page
        m_server->queue("GET", accountPath("IncomingPhoneNumbers.json"), silent);
        m_actions->importAction()->trigger();
        Ui::OperationDialog *dialog = operationDialog();
        QVERIFY(dialog);
        QTRY_COMPARE(m_server->requestsTo("GET", accountPath("IncomingPhoneNumbers.json")).size(), 1);
        QVERIFY(status(dialog).contains(QLatin1String("Fetching")));
        auto *cancel = dialog->findChild<QPushButton *>(QStringLiteral("operationCancelButton"));
        QCOMPARE(cancel->text(), QStringLiteral("&Cancel"));
        QTest::keyClick(dialog, Qt::Key_Escape); // Esc cancels like the button
        QTRY_COMPARE_WITH_TIMEOUT(status(dialog), QStringLiteral("Stopped."), 20000);
        QVERIFY(!dialog->succeeded());
        QCOMPARE(errorText(dialog), QStringLiteral("Cancelled."));
        QVERIFY(dialog->isVisible()); // the outcome stays readable until closed
        QCOMPARE(Numbers(m_workspace->database()).list({Dev, std::nullopt, std::nullopt, {}})->size(), 0);
    }

    void twilioErrorsShowTheirCodeAndLink_data() { addEngineRows(); }
    void twilioErrorsShowTheirCodeAndLink() {
        QFETCH(QString, engine);
        open(engine);
        m_server->queue("GET", accountPath("IncomingPhoneNumbers.json"),
                        Server::Response::error(401, 20003, QStringLiteral("Authenticate")));
        m_actions->importAction()->trigger();
        Ui::OperationDialog *dialog = operationDialog();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(status(dialog), QStringLiteral("Stopped."), 20000);
        const QString error = errorText(dialog);
        QVERIFY2(error.contains(QLatin1String("20003")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("Authenticate")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("https://www.twilio.com/docs/errors/20003")),
                 qPrintable(error));
    }

    void buyingAsksWithThePriceAndOffersTheNextNumberWhenTaken_data() { addEngineRows(); }
    void buyingAsksWithThePriceAndOffersTheNextNumberWhenTaken() {
        QFETCH(QString, engine);
        open(engine);
        m_actions->buyAction()->trigger();
        auto *dialog = m_window->findChild<QDialog *>(QStringLiteral("buyNumberDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("areaCodeEdit")),
                         QStringLiteral("607"));
        dialog->findChild<QPushButton *>(QStringLiteral("searchNumbersButton"))->click();
        auto *list = dialog->findChild<QListWidget *>(QStringLiteral("availableNumbersList"));
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 3, 20000);
        QCOMPARE(m_server->requestsTo("GET", accountPath("AvailablePhoneNumbers/US/Local.json"))
                     .first()
                     .queryField("AreaCode"),
                 QStringLiteral("607"));
        QVERIFY(list->item(0)->text().contains(QLatin1String("$1.15")));
        auto *buy = dialog->findChild<QPushButton *>(QStringLiteral("buyNumberButton"));
        QVERIFY(!buy->isEnabled()); // nothing selected yet
        list->setCurrentRow(0);
        QVERIFY(buy->isEnabled());

        // Declining the question buys nothing.
        const int asked = Ui::MessageBox::questionsAsked();
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        buy->click();
        QCOMPARE(Ui::MessageBox::questionsAsked(), asked + 1);
        QVERIFY(Ui::MessageBox::lastText().contains(QLatin1String("+16075550100")));
        QVERIFY(Ui::MessageBox::lastText().contains(QLatin1String("$1.15 a month")));
        QVERIFY(m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers.json")).isEmpty());

        // The first number was taken meanwhile (21422): said so, and the next one is offered.
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        buy->click();
        Ui::OperationDialog *taken = operationDialog();
        QVERIFY(taken);
        QTRY_COMPARE_WITH_TIMEOUT(status(taken), QStringLiteral("Stopped."), 20000);
        QVERIFY(errorText(taken).contains(QLatin1String("21422")));
        QTRY_COMPARE(list->count(), 2);
        QCOMPARE(list->currentItem()->data(Qt::UserRole).toString(), QStringLiteral("+16075550101"));
        QVERIFY(errorText(dialog).contains(QLatin1String("taken")));
        taken->close();

        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        buy->click();
        QTRY_VERIFY(operationDialog() && operationDialog() != taken);
        Ui::OperationDialog *bought = operationDialog();
        QTRY_COMPARE_WITH_TIMEOUT(status(bought), QStringLiteral("Done."), 20000);
        auto number = Numbers(m_workspace->database()).find(QStringLiteral("+16075550101"), Dev);
        QVERIFY(number);
        QCOMPARE(number->voiceUrl, QStringLiteral("https://dev.example.org/twilio/voice"));
    }

    void releaseNeedsConfirmationAndSaysItIsFinal_data() { addEngineRows(); }
    void releaseNeedsConfirmationAndSaysItIsFinal() {
        QFETCH(QString, engine);
        open(engine);
        addNumber(QStringLiteral("+16076956082"), pnSid(1));
        const QByteArray deletes = accountPath("IncomingPhoneNumbers/");

        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        answerNextInput(QStringLiteral("+1 607-695-6082"));
        m_actions->releaseAction()->trigger();
        QVERIFY(Ui::MessageBox::lastText().contains(QLatin1String("cannot be recovered")));
        QVERIFY(Ui::MessageBox::lastText().contains(QLatin1String("+16076956082")));
        QVERIFY(!operationDialog());
        QVERIFY(m_server->requestsTo("DELETE", deletes).isEmpty());
        QVERIFY(Numbers(m_workspace->database()).find(QStringLiteral("+16076956082"), Dev));

        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        answerNextInput(QStringLiteral("+16076956082"));
        m_actions->releaseAction()->trigger();
        Ui::OperationDialog *dialog = operationDialog();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(status(dialog), QStringLiteral("Done."), 20000);
        QCOMPARE(m_server->requestsTo("DELETE", deletes).size(), 1);
        QVERIFY(!Numbers(m_workspace->database()).find(QStringLiteral("+16076956082"), Dev));
        dialog->close();

        // Not a number of the pool: a readable refusal, nothing asked, nothing sent.
        const int asked = Ui::MessageBox::questionsAsked();
        answerNextInput(QStringLiteral("not a number"));
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept); // for the notice
        m_actions->releaseAction()->trigger();
        QVERIFY(Ui::MessageBox::lastText().contains(QLatin1String("E.164")));
        QCOMPARE(Ui::MessageBox::questionsAsked(), asked + 1);
        QCOMPARE(m_server->requestsTo("DELETE", deletes).size(), 1);
    }

    void webhooksPreviewShowsTheDiffAndSendsNothingUntilConfirmed_data() { addEngineRows(); }
    void webhooksPreviewShowsTheDiffAndSendsNothingUntilConfirmed() {
        QFETCH(QString, engine);
        open(engine);
        addNumber(QStringLiteral("+16076956082"), pnSid(1));
        addNumber(QStringLiteral("+16076956083"), pnSid(2));
        // One aims at production's webhooks (drift), one has none; neither is right for development.
        m_account.numbers[0].insert(QStringLiteral("voice_url"),
                                    QStringLiteral("https://prod.example.org/twilio/voice"));
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        m_actions->webhooksAction()->trigger();
        Ui::OperationDialog *preview = operationDialog();
        QVERIFY(preview);
        QTRY_COMPARE_WITH_TIMEOUT(status(preview), QStringLiteral("Done."), 20000);
        const QString diff =
            preview->findChild<QPlainTextEdit *>(QStringLiteral("operationResultText"))->toPlainText();
        QVERIFY2(
            // The source text: these tests load no English catalogue (which says "2 numbers").
            diff.startsWith(QLatin1String("2 of 2 number(s) would change (1 point at another environment)")),
            qPrintable(diff));
        QVERIFY(diff.contains(QLatin1String("+16076956082: https://prod.example.org/twilio/voice -> "
                                            "https://dev.example.org/twilio/voice  [points at production]")));
        QTRY_VERIFY(Ui::MessageBox::lastText().contains(QLatin1String("Point 2 number(s)")));
        QVERIFY(m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers/")).isEmpty());

        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        m_actions->webhooksAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers/")).size() == 2, 20000);
        QCOMPARE(m_account.numbers.at(0).value(QStringLiteral("voice_url")).toString(),
                 QStringLiteral("https://dev.example.org/twilio/voice"));
    }
};

QTEST_MAIN(TestTwilioDialogs)
#include "tst_twiliodialogs.moc"
