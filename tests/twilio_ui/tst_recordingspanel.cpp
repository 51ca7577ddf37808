// The Calls view's recordings, in the whole console against the fake Twilio server: the calls that
// have recordings are marked; the selected call's recording plays in the console from memory
// (Qt Multimedia), saves to a file and is deleted at Twilio after confirming. On PostgreSQL each
// role signed in with its own login: finance sees no recordings at all, a manager only their
// company's and is offered no deletion.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"
#include "UiTestSupport.h"

#include "MainWindow.h"
#include "calls/CallsView.h"
#include "calls/RecordingsPanel.h"
#include "common/InlineError.h"
#include "credentials/Environments.h"
#include "itemmodels/CallsTableModel.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/Identity.h"
#include "storage/SqlHelpers.h"

#include <QLabel>
#include <QMediaPlayer>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>
#include <QUuid>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;
using Column = CallsTableModel::Column;

namespace {

const QString Dev = QStringLiteral("development");
const QString Password = QStringLiteral("ui-recordings-test-password-5");

QString recordingSid(int n) {
    return QStringLiteral("RE%1").arg(n, 32, 10, QLatin1Char('0'));
}

} // namespace

class TestRecordingsPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<Server> m_server;
    QByteArray m_wav;

    // Acme's and Beta's finished calls in development, each with one recording.
    std::unique_ptr<Database> seed(const QString &url) {
        auto opened = Database::open(url);
        if (!opened)
            qFatal("cannot open %s", qPrintable(url));
        auto db = std::move(opened).value();
        const Actor setup{QStringLiteral("user:setup")};
        EnvironmentChange change;
        change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
        if (!Environments(*db).set(setup, Dev, change))
            qFatal("cannot set the environment");
        NewNumber number;
        number.e164 = QStringLiteral("+16076956080");
        number.environment = Dev;
        if (!Numbers(*db).add(setup, number))
            qFatal("cannot add a number");
        Allocator allocator(*db);
        int n = 0;
        for (const QString &company : {QStringLiteral("Acme"), QStringLiteral("Beta")}) {
            ++n;
            const qint64 id = Companies(*db).add(setup, company, Plan::Standard)->id;
            if (!allocator.allocate(
                    {company, QStringLiteral("op"), QStringLiteral("s%1").arg(n), std::nullopt, Dev}))
                qFatal("cannot allocate");
            ReleaseRequest release;
            release.session = QStringLiteral("s%1").arg(n);
            release.durationSeconds = 40;
            release.callSid = caSid(n);
            release.companyId = id;
            if (!allocator.release(release))
                qFatal("cannot release");
            if (!Sql::exec(db->connection(),
                           QStringLiteral(
                               "INSERT INTO call_recordings (sid, call_sid, environment, status, "
                               "duration_seconds, channels, created_at) VALUES (?, ?, ?, 'completed', 1, 1, "
                               "?)"),
                           {recordingSid(n), caSid(n), Dev, QDateTime::currentSecsSinceEpoch()}))
                qFatal("cannot add a recording");
        }
        return db;
    }

    static int rowOfCall(CallsTableModel *model, const QString &callSid) {
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->rowAt(row)->callSid == callSid)
                return row;
        return -1;
    }

private slots:
    void initTestCase() {
        initUiTests();
        m_wav = testWav(500);
    }
    void init() {
        m_server = std::make_unique<Server>();
        m_server->on("GET", accountPath("Recordings/"), [this](const Server::Request &) {
            Server::Response r;
            r.body = m_wav;
            r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
            return r;
        });
        m_server->on("DELETE", accountPath("Recordings/"), [](const Server::Request &) {
            Server::Response r;
            r.status = 204;
            return r;
        });
        // Credentials from the variables (as twilio-cli allows): no keychain in these tests.
        qputenv("TWILIO_ACCOUNT_SID", TestAccountSid.toLatin1());
        qputenv("TWILIO_API_KEY", TestApiKey.toLatin1());
        qputenv("TWILIO_API_SECRET", TestApiSecret.toLatin1());
        qputenv("POOLDESK_TWILIO_BASE_URL", m_server->baseUrl().toString().toLatin1());
    }
    void cleanup() {
        m_server.reset();
        Ui::MessageBox::clearNextAnswer();
    }

    void administratorPlaysSavesAndDeletes_data() { addEngineRows(); }
    void administratorPlaysSavesAndDeletes() {
        QFETCH(QString, engine);
        auto workspace = workspaceFor(seed(freshDatabaseUrl(engine)));
        Database &db = workspace->database();
        Ui::MainWindow window(*workspace);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(Ui::MainWindow::Page::Calls);
        auto *calls = window.findChild<Ui::CallsView *>();
        CallsTableModel *model = calls->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 20000);
        QCOMPARE(model->columnCount(), int(Column::Count));
        const int acme = rowOfCall(model, caSid(1));
        QCOMPARE(model->index(acme, int(Column::Recordings)).data().toString(), QStringLiteral("1"));

        // Selecting the call lists its recording; Play fetches it once and plays it from memory.
        calls->table()->setCurrentIndex(model->index(acme, 0));
        Ui::RecordingsPanel *panel = calls->recordingsPanel();
        QVERIFY(panel);
        QTRY_COMPARE(panel->list()->topLevelItemCount(), 1);
        QVERIFY(panel->list()->topLevelItem(0)->text(3) == recordingSid(1));
        QVERIFY2(panel->list()->topLevelItem(0)->text(0).contains(
                     QDateTime::currentDateTime().timeZoneAbbreviation()),
                 "a time without its zone");
        auto *play = panel->findChild<QPushButton *>(QStringLiteral("recordingPlayButton"));
        QVERIFY(play->isEnabled());
        play->click();
        const auto message = [panel] {
            QStringList texts;
            for (auto *label : panel->findChildren<QLabel *>())
                texts.append(label->text());
            return texts.join(QStringLiteral(" | "));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(panel->loadedSid() == recordingSid(1), qPrintable(message()), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel->player()->duration() > 0, 20000);
        QVERIFY2(qAbs(panel->player()->duration() - 500) < 50,
                 qPrintable(QString::number(panel->player()->duration())));
        QTRY_COMPARE_WITH_TIMEOUT(panel->player()->mediaStatus(), QMediaPlayer::EndOfMedia, 20000);
        keepScreenshot(&window, QStringLiteral("recordings-administrator"));
        QCOMPARE(m_server->requestsTo("GET", accountPath("Recordings/")).size(), 1);

        // Save As writes the same audio, without fetching it again, and is recorded on its own.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("call.wav"));
        Ui::RecordingsPanel::setNextSaveFile(file);
        panel->findChild<QPushButton *>(QStringLiteral("recordingDownloadButton"))->click();
        QTRY_VERIFY(QFile::exists(file));
        QFile saved(file);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), m_wav);
        QCOMPARE(m_server->requestsTo("GET", accountPath("Recordings/")).size(), 1);

        // Delete asks first; then it is gone at Twilio, here, and from the call's mark.
        auto *remove = panel->findChild<QPushButton *>(QStringLiteral("recordingDeleteButton"));
        QVERIFY(remove->isVisible());
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        remove->click();
        QVERIFY(m_server->requestsTo("DELETE", accountPath("Recordings/")).isEmpty());
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        remove->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requestsTo("DELETE", accountPath("Recordings/")).size(), 1,
                                  20000);
        QTRY_COMPARE(panel->list()->topLevelItemCount(), 0);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM call_recordings WHERE sid = ?"),
                        {recordingSid(1)}),
                 0);
        QTRY_COMPARE(model->index(rowOfCall(model, caSid(1)), int(Column::Recordings)).data().toString(),
                     QString());

        auto q = Sql::exec(db.connection(),
                           QStringLiteral("SELECT action FROM audit_log WHERE target = ? ORDER BY id"),
                           {recordingSid(1)});
        QStringList actions;
        while (q && q.value().next())
            actions.append(q.value().value(0).toString());
        QCOMPARE(actions,
                 (QStringList{QStringLiteral("recording.play"), QStringLiteral("recording.download"),
                              QStringLiteral("recording.delete"), QStringLiteral("recording.deleted")}));
    }

    // Finance reads every call and no recording; a manager hears their company's, deletes nothing.
    void eachRoleSeesWhatItMay() {
        if (!engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
        const QString url = freshDatabaseUrl(QStringLiteral("postgresql"));
        auto owner = seed(url);
        const auto consoleAs = [&](Role role, const QStringList &companies) {
            const QString login = QStringLiteral("ui_rec_%1_").arg(toString(role)) +
                                  QUuid::createUuid().toString(QUuid::Id128).left(8);
            if (auto added = Members(*owner).add({login, role, companies, false}, Password); !added)
                qFatal("cannot add %s: %s", qPrintable(login), qPrintable(added.error().message));
            QUrl signedIn(url);
            signedIn.setUserName(login);
            signedIn.setPassword(Password);
            auto db = Database::open(signedIn.toString());
            if (!db)
                qFatal("cannot sign in: %s", qPrintable(db.error().message));
            return workspaceFor(std::move(db).value());
        };

        auto finance = consoleAs(Role::Finance, {});
        {
            Ui::MainWindow window(*finance);
            window.show();
            window.showPage(Ui::MainWindow::Page::Calls);
            auto *calls = window.findChild<Ui::CallsView *>();
            // Both companies' calls load (a query touching recordings would be refused by the
            // database), unmarked, and there is no recordings panel.
            QTRY_COMPARE_WITH_TIMEOUT(calls->model()->rowCount(), 2, 20000);
            QCOMPARE(calls->model()->columnCount(), int(Column::Recordings));
            QVERIFY(!calls->recordingsPanel());
            QVERIFY(!window.findChild<Ui::RecordingsPanel *>());
        }

        auto manager = consoleAs(Role::Manager, {QStringLiteral("Acme")});
        {
            Ui::MainWindow window(*manager);
            window.resize(1280, 800);
            window.show();
            window.showPage(Ui::MainWindow::Page::Calls);
            auto *calls = window.findChild<Ui::CallsView *>();
            QTRY_COMPARE_WITH_TIMEOUT(calls->model()->rowCount(), 1, 20000);
            QCOMPARE(calls->model()->rowAt(0)->callSid, caSid(1));
            QCOMPARE(calls->model()->index(0, int(Column::Recordings)).data().toString(),
                     QStringLiteral("1"));
            calls->table()->setCurrentIndex(calls->model()->index(0, 0));
            Ui::RecordingsPanel *panel = calls->recordingsPanel();
            QVERIFY(panel);
            QTRY_COMPARE(panel->list()->topLevelItemCount(), 1);
            QVERIFY(!panel->findChild<QPushButton *>(QStringLiteral("recordingDeleteButton"))->isVisible());
            // A manager holds no Twilio credentials: the audio comes through the pool service, and
            // with no address for it the panel says who can set one (tests/service serves it).
            panel->findChild<QPushButton *>(QStringLiteral("recordingPlayButton"))->click();
            QTRY_VERIFY(panel->findChild<Ui::InlineError *>()->text().contains(QStringLiteral("Settings")));
            QVERIFY(m_server->requests().isEmpty());
            keepScreenshot(&window, QStringLiteral("recordings-manager"));
        }
    }
};

QTEST_MAIN(TestRecordingsPanel)
#include "tst_recordingspanel.moc"
