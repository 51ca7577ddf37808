// Recordings for those who hold no Twilio credentials (a client company's manager), on PostgreSQL:
// the database issues a single-use ticket for a recording within the caller's reach, and the real
// pooldesk-service, signed in as its own login, spends it and serves the audio it fetched from the
// (fake) Twilio with its credentials. Every served recording is audited under the ticket's login.
#include "FakeTwilioServer.h"
#include "ServiceTestSupport.h"
#include "TenantFixture.h"
#include "TwilioTestSupport.h"

#include "billing/Recordings.h"
#include "storage/Settings.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <thread>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {

// A blocking request on another thread while this one serves the fake Twilio.
HttpReply fetchWhileServing(quint16 port, const QByteArray &path, const QByteArray &ticket) {
    HttpReply reply;
    std::atomic<bool> done = false;
    std::thread client([&] {
        reply = http(port, "GET", path, {}, bearer(ticket));
        done = true;
    });
    QDeadlineTimer deadline(60000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    client.join();
    return reply;
}

RecordingRow rowOf(const QString &sid) {
    RecordingRow row;
    row.sid = sid;
    return row;
}

} // namespace

class TestServiceRecordings : public QObject {
    Q_OBJECT

    std::unique_ptr<TwoCompanies> m_pool;
    std::unique_ptr<Server> m_twilio;
    std::unique_ptr<ServiceProcess> m_service;
    QByteArray m_wav;

    std::unique_ptr<Database> signIn(const QString &login) {
        auto db = Database::open(m_pool->as(login));
        if (!db)
            qFatal("cannot sign in as %s: %s", qPrintable(login), qPrintable(db.error().message));
        return std::move(db).value();
    }
    Recordings recordingsOf(Database &db) { return Recordings(db, Identity::whoAmI(db).value()); }
    QByteArray path(const QString &sid) { return "/v1/recordings/" + sid.toLatin1() + ".wav"; }

private slots:
    void initTestCase() {
        if (!engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
        m_wav = testWav(300);
        m_pool = std::make_unique<TwoCompanies>();
        m_twilio = std::make_unique<Server>();
        m_twilio->on("GET", accountPath("Recordings/RECAAcme.wav"), [this](const Server::Request &) {
            Server::Response r;
            r.body = m_wav;
            r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
            return r;
        });
        m_service = std::make_unique<ServiceProcess>();
        QUrl url(m_pool->url);
        url.setUserName(m_pool->service);
        QVERIFY2(
            // The fixture's recordings are in production: the service's own environment, whose
            // credentials are the variables.
            m_service->start(url.toString(), {QStringLiteral("--env"), QStringLiteral("production")},
                             {QStringLiteral("PGPASSWORD=") + Password,
                              QStringLiteral("TWILIO_ACCOUNT_SID=") + TestAccountSid,
                              QStringLiteral("TWILIO_API_KEY=") + TestApiKey,
                              QStringLiteral("TWILIO_API_SECRET=") + TestApiSecret,
                              QStringLiteral("POOLDESK_TWILIO_BASE_URL=") + m_twilio->baseUrl().toString()}),
            m_service->output().constData());
        QVERIFY(Settings::set(*m_pool->db, Actor{QStringLiteral("user:setup")}, SettingKeys::ServiceUrl,
                              QStringLiteral("http://127.0.0.1:%1").arg(m_service->port())));
    }
    void cleanupTestCase() {
        if (m_service)
            m_service->terminate();
    }

    void managerHearsTheirCompanysRecordingOnce() {
        auto manager = signIn(m_pool->managerOfA);
        auto ticket =
            recordingsOf(*manager).issueTicket(rowOf(QStringLiteral("RECAAcme")), RecordingAccess::Play);
        QVERIFY2(ticket, qPrintable(ticket ? QString() : ticket.error().message));
        const HttpReply served =
            fetchWhileServing(m_service->port(), path(QStringLiteral("RECAAcme")), ticket.value());
        QVERIFY2(served.status == 200, served.body.constData());
        QCOMPARE(served.headers.value("content-type"), QByteArray("audio/x-wav"));
        QCOMPARE(served.body, m_wav);
        // The service fetched it with its own credentials; the console sent none of Twilio's.
        QCOMPARE(m_twilio->requestsTo("GET", accountPath("Recordings/RECAAcme.wav")).size(), 1);
        QVERIFY(!ticket.value().contains(TestApiSecret.toLatin1()));
        // Single use: the same ticket again, or a forged one, is refused without reaching Twilio.
        for (const QByteArray &token : {ticket.value(), QByteArray("forged-ticket-value")}) {
            const HttpReply again =
                fetchWhileServing(m_service->port(), path(QStringLiteral("RECAAcme")), token);
            QCOMPARE(again.status, 401);
            QCOMPARE(again.errorCode(), QStringLiteral("invalid_ticket"));
        }
        QCOMPARE(m_twilio->requestsTo("GET", accountPath("Recordings/")).size(), 1);
        // Recorded under the manager, whom the service served.
        QCOMPARE(scalar(*m_pool->db,
                        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'recording.served' AND "
                                       "target = 'RECAAcme' AND actor = ? AND company_id = ?"),
                        {QString(QStringLiteral("ticket:") + m_pool->managerOfA), m_pool->a}),
                 1);
        // The token itself is nowhere in the database.
        QCOMPARE(scalar(*m_pool->db,
                        QStringLiteral("SELECT COUNT(*) FROM recording_tickets WHERE token_hash = ?"),
                        {QString::fromLatin1(ticket.value())}),
                 0);
    }

    // HEAD would spend the single-use ticket on an answer without the audio: refused, ticket kept.
    void headSpendsNoTicket() {
        auto manager = signIn(m_pool->managerOfA);
        auto ticket =
            recordingsOf(*manager).issueTicket(rowOf(QStringLiteral("RECAAcme")), RecordingAccess::Play);
        QVERIFY(ticket);
        QByteArray head;
        const quint16 port = m_service->port();
        const QByteArray request = "HEAD " + path(QStringLiteral("RECAAcme")) +
                                   " HTTP/1.1\r\nHost: pool\r\nConnection: close\r\nAuthorization: Bearer " +
                                   ticket.value() + "\r\n\r\n";
        std::thread client([&] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (!socket.waitForConnected(5000))
                return;
            socket.write(request);
            socket.waitForBytesWritten(5000);
            while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(10000))
                head += socket.readAll();
            head += socket.readAll();
        });
        client.join();
        QVERIFY2(head.startsWith("HTTP/1.1 405"), head.constData());
        const HttpReply served =
            fetchWhileServing(m_service->port(), path(QStringLiteral("RECAAcme")), ticket.value());
        QCOMPARE(served.status, 200);
        QCOMPARE(served.body, m_wav);
    }

    void noTicketOutsideTheCallersReach() {
        auto manager = signIn(m_pool->managerOfA);
        auto foreign =
            recordingsOf(*manager).issueTicket(rowOf(QStringLiteral("RECABeta")), RecordingAccess::Play);
        auto unknown =
            recordingsOf(*manager).issueTicket(rowOf(QStringLiteral("RECAGamma")), RecordingAccess::Play);
        QVERIFY(!foreign && !unknown);
        QCOMPARE(foreign.error().code, Error::Code::NotFound);
        QCOMPARE(
            QString(foreign.error().message).replace(QStringLiteral("RECABeta"), QStringLiteral("RECAGamma")),
            unknown.error().message);
        auto finance = signIn(m_pool->finance);
        auto refused =
            recordingsOf(*finance).issueTicket(rowOf(QStringLiteral("RECAAcme")), RecordingAccess::Play);
        QVERIFY(!refused);
        QCOMPARE(refused.error().reason, QStringLiteral("role_required"));
        // Nobody but the service reads the tickets, and nobody writes them but the function.
        for (const QString &sql :
             {QStringLiteral("SELECT COUNT(*) FROM recording_tickets"),
              QStringLiteral("INSERT INTO recording_tickets VALUES ('x', 'RECABeta', 'play', "
                             "'someone', 9999999999, NULL)")}) {
            auto tried = Sql::exec(manager->connection(), sql);
            QVERIFY(!tried);
            QCOMPARE(tried.error().nativeCode, QStringLiteral("42501"));
        }
    }

    // A request pipelined behind a recording on the same connection is answered after it, though
    // its own answer is ready long before Twilio's audio arrives.
    void answersAfterARecordingKeepTheirOrder() {
        auto manager = signIn(m_pool->managerOfA);
        auto ticket =
            recordingsOf(*manager).issueTicket(rowOf(QStringLiteral("RECAAcme")), RecordingAccess::Download);
        QVERIFY(ticket);
        m_twilio->on("GET", accountPath("Recordings/RECAAcme.wav"), [this](const Server::Request &) {
            QThread::msleep(300); // Twilio taking its time
            Server::Response r;
            r.body = m_wav;
            r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "audio/x-wav"));
            return r;
        });
        QByteArray received;
        std::atomic<bool> done = false;
        const quint16 port = m_service->port();
        const QByteArray requests =
            "GET " + path(QStringLiteral("RECAAcme")) + " HTTP/1.1\r\nHost: pool\r\nAuthorization: Bearer " +
            ticket.value() + "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: pool\r\nConnection: close\r\n\r\n";
        std::thread client([&] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (socket.waitForConnected(5000)) {
                socket.write(requests);
                socket.waitForBytesWritten(5000);
                while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(20000))
                    received += socket.readAll();
                received += socket.readAll();
            }
            done = true;
        });
        QDeadlineTimer deadline(60000);
        while (!done && !deadline.hasExpired())
            QTest::qWait(10);
        client.join();
        const qsizetype first = received.indexOf("HTTP/1.1 ");
        const qsizetype second = received.indexOf("HTTP/1.1 ", first + 1);
        QVERIFY2(first == 0 && second > 0, received.left(300).constData());
        QVERIFY2(received.left(second).contains("audio/x-wav"), received.left(300).constData());
        QVERIFY(received.left(second).endsWith(m_wav));
        QVERIFY(received.mid(second).startsWith("HTTP/1.1 200"));
        QVERIFY(received.mid(second).contains("\"status\""));
    }

    // pooldeskctl as the manager: the download goes through the service.
    void commandLineDownloadsThroughTheService() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs POOLDESK_CTL");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("call.wav"));
        QUrl signedIn(m_pool->url);
        signedIn.setUserName(m_pool->managerOfA);
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSWORD"), Password);
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("POOLDESK_CTL"),
                      {QStringLiteral("--db"), signedIn.toString(), QStringLiteral("recording"),
                       QStringLiteral("download"), QStringLiteral("RECAAcme"), QStringLiteral("--out"), out});
        QDeadlineTimer deadline(60000);
        while (process.state() != QProcess::NotRunning && !deadline.hasExpired())
            QTest::qWait(20);
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_wav);
    }
};

QTEST_GUILESS_MAIN(TestServiceRecordings)
#include "tst_servicerecordings.moc"
