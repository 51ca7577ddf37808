// Call recordings against the fake Twilio server, on SQLite and PostgreSQL: who may list, play,
// download and delete them; every attempt in the audit log, allowed or refused; the media fetched
// with the environment's credentials, which never follow a redirect to another host; deletion at
// Twilio and here; and pooldeskctl recording end to end.
#include "FakeTwilioServer.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "billing/Recordings.h"
#include "credentials/Environments.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "twilio/RecordingOperations.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {

const QString Dev = QStringLiteral("development");
const QString AcmeRecording = QStringLiteral("RE%1").arg(1, 32, 10, QLatin1Char('0'));
const QString BetaRecording = QStringLiteral("RE%1").arg(2, 32, 10, QLatin1Char('0'));

Principal person(Role role, QList<qint64> companies = {}) {
    Principal p;
    p.login = QStringLiteral("someone");
    p.role = role;
    p.companyIds = std::move(companies);
    return p;
}

} // namespace

class TestRecordings : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    QNetworkAccessManager *m_network = nullptr;
    Server *m_server = nullptr;
    Twilio::Client *m_client = nullptr;
    qint64 m_acme = 0;
    qint64 m_beta = 0;
    QByteArray m_wav;

    Twilio::OperationContext context() {
        EnvironmentProfile profile = Environments(*m_db).find(QStringLiteral("development")).value();
        return {m_db.get(), m_client, profile, Actor{QStringLiteral("user:test")}};
    }
    bool runOp(Twilio::Operation &op) {
        QSignalSpy finished(&op, &Twilio::Operation::finished);
        op.start();
        if (!op.isFinished() && !finished.wait(30000))
            return false;
        return !op.error();
    }
    // The audit entries about one recording, oldest first: "action outcome".
    QStringList auditOf(const QString &sid) {
        QStringList entries;
        auto q =
            Sql::exec(m_db->connection(),
                      QStringLiteral("SELECT action, after_json, company_id FROM audit_log WHERE target = ? "
                                     "ORDER BY id"),
                      {sid});
        while (q && q.value().next()) {
            const QJsonObject after =
                QJsonDocument::fromJson(q.value().value(1).toString().toUtf8()).object();
            entries.append(QStringLiteral("%1 %2 %3")
                               .arg(q.value().value(0).toString(),
                                    after.value(QStringLiteral("outcome")).toString(QStringLiteral("-")),
                                    q.value().value(2).isNull() ? QStringLiteral("none")
                                                                : q.value().value(2).toString()));
        }
        return entries;
    }

    // Two companies, a finished call of each with a recording.
    void openDb(const QString &engine) {
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        m_db = std::move(db).value();
        const Actor setup{QStringLiteral("user:test")};
        EnvironmentChange change;
        change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
        QVERIFY(Environments(*m_db).set(setup, QStringLiteral("development"), change));
        m_acme = Companies(*m_db).add(setup, QStringLiteral("Acme"), Plan::Standard)->id;
        m_beta = Companies(*m_db).add(setup, QStringLiteral("Beta"), Plan::Standard)->id;
        NewNumber number;
        number.e164 = QStringLiteral("+16076956080");
        number.environment = QStringLiteral("development");
        QVERIFY(Numbers(*m_db).add(setup, number));
        Allocator allocator(*m_db);
        int n = 0;
        for (const auto &[company, id] :
             {std::pair{QStringLiteral("Acme"), m_acme}, std::pair{QStringLiteral("Beta"), m_beta}}) {
            ++n;
            auto allocated = allocator.allocate({company, QStringLiteral("op"), QStringLiteral("s%1").arg(n),
                                                 std::nullopt, QStringLiteral("development")});
            QVERIFY2(allocated.ok(), qPrintable(allocated.ok() ? QString() : allocated.error().message));
            ReleaseRequest release;
            release.session = QStringLiteral("s%1").arg(n);
            release.durationSeconds = 30;
            release.callSid = caSid(n);
            release.companyId = id;
            QVERIFY(allocator.release(release));
            QVERIFY(Sql::exec(
                m_db->connection(),
                QStringLiteral("INSERT INTO call_recordings (sid, call_sid, environment, status, "
                               "duration_seconds, channels, created_at) VALUES (?, ?, "
                               "'development', 'completed', 1, 1, ?)"),
                {QStringLiteral("RE%1").arg(n, 32, 10, QLatin1Char('0')), caSid(n), 1'790'000'000 + n}));
        }
    }

private slots:
    void initTestCase() { m_wav = testWav(); }
    void init() {
        m_network = new QNetworkAccessManager(this);
        m_server = new Server(this);
        m_client = new Twilio::Client(m_network, this);
        m_client->setCredentials(testCredentials(m_server->baseUrl()));
        Twilio::Client::Options options;
        options.backoffBaseMs = 5;
        options.timeoutMs = 5000;
        m_client->setOptions(options);
    }
    void cleanup() {
        delete m_client;
        delete m_server;
        delete m_network;
        m_db.reset();
    }

    void eachRoleReachesWhatItMay_data() { addEngineRows(); }
    void eachRoleReachesWhatItMay() {
        QFETCH(QString, engine);
        openDb(engine);
        // Finance reads every call but no recording: not even that one exists.
        Recordings finance(*m_db, person(Role::Finance));
        auto listed = finance.list({});
        QVERIFY(!listed);
        QCOMPARE(listed.error().reason, QStringLiteral("role_required"));
        QVERIFY(listed.error().message.contains(QStringLiteral("Administrator")));
        QVERIFY(finance.countByCall({caSid(1)}).value().isEmpty());
        auto refused = finance.authorize(AcmeRecording, RecordingAccess::Play);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::Refused);

        // A manager of Beta: Acme's recording is exactly as unknown as one that does not exist.
        Recordings beta(*m_db, person(Role::Manager, {m_beta}));
        QCOMPARE(beta.list({}).value().size(), 1);
        QCOMPARE(beta.list({}).value().first().sid, BetaRecording);
        QVERIFY(beta.countByCall({caSid(1)}).value().isEmpty());
        auto foreign = beta.authorize(AcmeRecording, RecordingAccess::Download);
        auto unknown = beta.authorize(QStringLiteral("RE000"), RecordingAccess::Download);
        QVERIFY(!foreign && !unknown);
        QCOMPARE(foreign.error().code, Error::Code::NotFound);
        QCOMPARE(foreign.error().message,
                 QString(unknown.error().message).replace(QStringLiteral("RE000"), AcmeRecording));

        // A manager of Acme plays and downloads Acme's, and may not delete it.
        Recordings acme(*m_db, person(Role::Manager, {m_acme}));
        auto played = acme.authorize(AcmeRecording, RecordingAccess::Play);
        QVERIFY(played);
        QCOMPARE(played->companyId, m_acme);
        QCOMPARE(played->callSid, caSid(1));
        QCOMPARE(acme.countByCall({caSid(1), caSid(2)}).value(), (QHash<QString, int>{{caSid(1), 1}}));
        auto deleting = acme.authorize(AcmeRecording, RecordingAccess::Delete);
        QVERIFY(!deleting);
        QCOMPARE(deleting.error().reason, QStringLiteral("role_required"));

        // Administrators reach everything.
        Recordings admin(*m_db, person(Role::Administrator));
        QCOMPARE(admin.list({}).value().size(), 2);
        RecordingFilter onlyBeta;
        onlyBeta.companyId = m_beta;
        QCOMPARE(admin.list(onlyBeta).value().size(), 1);
        RecordingFilter byCall;
        byCall.callSid = caSid(1);
        QCOMPARE(admin.list(byCall).value().first().sid, AcmeRecording);

        // Every attempt, in order, with the company when it is known to the one who asked.
        const QString acmeId = QString::number(m_acme);
        QCOMPARE(auditOf(AcmeRecording), (QStringList{QStringLiteral("recording.play refused none"),
                                                      QStringLiteral("recording.download refused none"),
                                                      QStringLiteral("recording.play allowed ") + acmeId,
                                                      QStringLiteral("recording.delete refused none")}));
        QCOMPARE(auditOf(QStringLiteral("RE000")),
                 QStringList{QStringLiteral("recording.download refused none")});
        // The actor is the signed-in login, whatever USER says.
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE target = ? AND actor = ?"),
                        QVariantList{AcmeRecording, QString(QStringLiteral("user:") + m_db->login())}),
                 4);
    }

    void mediaComesWithCredentialsWhichStayOnTheApiHost_data() { addEngineRows(); }
    void mediaComesWithCredentialsWhichStayOnTheApiHost() {
        QFETCH(QString, engine);
        openDb(engine);
        // Twilio answers a recording's media with a redirect to its storage, on another host.
        const QByteArray storage = "/storage/" + AcmeRecording.toLatin1() + ".wav";
        m_server->on(
            "GET", accountPath("Recordings/" + AcmeRecording.toLatin1() + ".wav"),
            [this, storage](const Server::Request &) {
                Server::Response r;
                r.status = 302;
                r.headers.append(
                    {"Location",
                     QStringLiteral("http://localhost:%1").arg(m_server->baseUrl().port()).toLatin1() +
                         storage});
                return r;
            });
        m_server->on("GET", storage, [this](const Server::Request &) {
            Server::Response r;
            r.body = m_wav;
            r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
            return r;
        });
        auto recording =
            Recordings(*m_db, person(Role::Administrator)).authorize(AcmeRecording, RecordingAccess::Play);
        QVERIFY(recording);
        Twilio::FetchRecordingOperation fetch(context(), recording.value());
        QVERIFY(runOp(fetch));
        QCOMPARE(fetch.audio(), m_wav);
        const auto asked = m_server->requestsTo("GET", accountPath("Recordings/"));
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.first().headers.value("authorization").startsWith("Basic "));
        const auto stored = m_server->requestsTo("GET", storage);
        QCOMPARE(stored.size(), 1);
        QVERIFY2(!stored.first().headers.contains("authorization"), "credentials followed the redirect");
        QCOMPARE(auditOf(AcmeRecording),
                 QStringList{QStringLiteral("recording.play allowed %1").arg(m_acme)});
    }

    void missingOrEmptyMediaSaysWhatToDo() {
        openDb(QStringLiteral("sqlite"));
        RecordingRow row;
        row.sid = AcmeRecording;
        m_server->queue(
            "GET", accountPath("Recordings/"),
            Server::Response::error(404, 20404, QStringLiteral("The requested resource was not found")));
        Twilio::FetchRecordingOperation missing(context(), row);
        QVERIFY(!runOp(missing));
        QCOMPARE(missing.error()->code, Error::Code::NotFound);
        Server::Response empty;
        empty.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
        m_server->queue("GET", accountPath("Recordings/"), empty);
        Twilio::FetchRecordingOperation nothing(context(), row);
        QVERIFY(!runOp(nothing));
        QVERIFY(nothing.error()->message.contains(QStringLiteral("empty recording")));
    }

    void deletingRemovesItAtTwilioAndHere_data() { addEngineRows(); }
    void deletingRemovesItAtTwilioAndHere() {
        QFETCH(QString, engine);
        openDb(engine);
        Server::Response noContent;
        noContent.status = 204;
        m_server->queue("DELETE", accountPath("Recordings/" + AcmeRecording.toLatin1() + ".json"), noContent);
        m_server->queue("DELETE", accountPath("Recordings/" + BetaRecording.toLatin1() + ".json"),
                        Server::Response::error(404, 20404, QStringLiteral("not found")));
        Recordings admin(*m_db, person(Role::Administrator));
        for (const QString &sid : {AcmeRecording, BetaRecording}) {
            auto recording = admin.authorize(sid, RecordingAccess::Delete);
            QVERIFY(recording);
            Twilio::DeleteRecordingOperation op(context(), recording.value());
            QVERIFY(runOp(op));
            QCOMPARE(op.wasAlreadyGone(), sid == BetaRecording);
            QCOMPARE(
                scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_recordings WHERE sid = ?"), {sid}),
                0);
        }
        QCOMPARE(auditOf(AcmeRecording),
                 (QStringList{QStringLiteral("recording.delete allowed %1").arg(m_acme),
                              QStringLiteral("recording.deleted - %1").arg(m_acme)}));
        // A failure at Twilio keeps the recording here.
        QVERIFY(Sql::exec(
            m_db->connection(),
            QStringLiteral("INSERT INTO call_recordings (sid, call_sid, environment) VALUES ('RE9', ?, "
                           "'development')"),
            {caSid(1)}));
        m_server->queue("DELETE", accountPath("Recordings/RE9.json"),
                        Server::Response::error(403, 20403, QStringLiteral("Forbidden")));
        Twilio::DeleteRecordingOperation failing(
            context(), admin.authorize(QStringLiteral("RE9"), RecordingAccess::Delete).value());
        QVERIFY(!runOp(failing));
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_recordings WHERE sid = 'RE9'")), 1);
    }

    // pooldeskctl recording, with the credentials from the variables (never on the command line).
    void commandLine() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs POOLDESK_CTL");
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("pool.db"));
        auto db = Database::open(url);
        QVERIFY(db.ok());
        m_db = std::move(db).value();
        const Actor setup{QStringLiteral("user:test")};
        EnvironmentChange change;
        change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
        QVERIFY(Environments(*m_db).set(setup, QStringLiteral("development"), change));
        m_acme = Companies(*m_db).add(setup, QStringLiteral("Acme"), Plan::Standard)->id;
        QVERIFY(Sql::exec(m_db->connection(),
                          QStringLiteral("INSERT INTO call_recordings (sid, call_sid, environment, status, "
                                         "duration_seconds, created_at) VALUES (?, ?, 'development', "
                                         "'completed', 1, 1790000000)"),
                          {AcmeRecording, caSid(1)}));
        m_server->on("GET", accountPath("Recordings/"), [this](const Server::Request &) {
            Server::Response r;
            r.body = m_wav;
            r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
            return r;
        });
        Server::Response noContent;
        noContent.status = 204;
        m_server->on("DELETE", accountPath("Recordings/"),
                     [noContent](const Server::Request &) { return noContent; });

        const auto ctl = [&](const QStringList &arguments, const QByteArray &input = {}) {
            return runCtl(m_server->baseUrl(),
                          QStringList{QStringLiteral("--db"), url, QStringLiteral("--env"), Dev} + arguments,
                          input);
        };

        CtlRun listed = ctl({QStringLiteral("--json"), QStringLiteral("recording"), QStringLiteral("list"),
                             QStringLiteral("--call"), caSid(1)});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(listed.out).array();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first()[QStringLiteral("sid")].toString(), AcmeRecording);
        QCOMPARE(rows.first()[QStringLiteral("created_at")].toString(),
                 QStringLiteral("2026-09-21T14:13:20Z"));

        const QString out = dir.filePath(QStringLiteral("call.wav"));
        CtlRun saved = ctl({QStringLiteral("recording"), QStringLiteral("download"), AcmeRecording,
                            QStringLiteral("--out"), out});
        QVERIFY2(saved.exitCode == 0, saved.err.constData());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_wav);
        file.close();
        QVERIFY(!saved.out.contains(TestApiSecret.toLatin1()) &&
                !saved.err.contains(TestApiSecret.toLatin1()));
        // An existing file is not replaced unless asked.
        CtlRun again = ctl({QStringLiteral("recording"), QStringLiteral("download"), AcmeRecording,
                            QStringLiteral("--out"), out});
        QCOMPARE(again.exitCode, 2);
        QVERIFY(again.err.contains("--force"));
        CtlRun unknown =
            ctl({QStringLiteral("recording"), QStringLiteral("download"), QStringLiteral("RE404"),
                 QStringLiteral("--out"), dir.filePath(QStringLiteral("x.wav"))});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.wav"))));

        // Deleting asks first; "no" (or no answer) changes nothing.
        CtlRun declined = ctl({QStringLiteral("recording"), QStringLiteral("delete"), AcmeRecording}, "n\n");
        QCOMPARE(declined.exitCode, 3);
        QVERIFY(m_server->requestsTo("DELETE", accountPath("Recordings/")).isEmpty());
        CtlRun deleted = ctl(
            {QStringLiteral("recording"), QStringLiteral("delete"), AcmeRecording, QStringLiteral("--yes")});
        QVERIFY2(deleted.exitCode == 0, deleted.err.constData());
        QCOMPARE(m_server->requestsTo("DELETE", accountPath("Recordings/")).size(), 1);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_recordings")), 0);
        // The declined delete was allowed, then not confirmed: only "recording.deleted" says it happened.
        QCOMPARE(auditOf(AcmeRecording), (QStringList{QStringLiteral("recording.download allowed none"),
                                                      QStringLiteral("recording.delete allowed none"),
                                                      QStringLiteral("recording.delete allowed none"),
                                                      QStringLiteral("recording.deleted - none")}));
    }
};

QTEST_GUILESS_MAIN(TestRecordings)
#include "tst_recordings.moc"
