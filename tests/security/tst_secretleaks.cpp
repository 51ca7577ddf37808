// Secrets never leak. The Twilio, service, keychain and PostgreSQL sign-in flows run with secrets
// made up for this run (a Twilio auth token, the service's API keys, a PostgreSQL login password);
// then every file they could have written is searched: the home, data, config, cache and state
// folders the processes were pointed at, the SQLite databases with their -wal, -shm and -journal,
// the service's access log, the temporary folder, the PostgreSQL cluster's log and WAL, and every
// byte the processes printed. Each secret is searched as it is and as it travels: base64 (at any
// alignment, so inside a Basic header too), base64url, percent-encoded and UTF-16.
// Runs under tests/credentials/run-with-keyring.sh (a real gnome-keyring in a private D-Bus
// session, with a throwaway HOME).
#include "FakeTwilioServer.h"
#include "ServiceTestSupport.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"
#include "security/TwilioSignature.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QUrl>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {

struct Run {
    QString what;
    int exitCode = -1;
    QByteArray out, err;
    bool printsServiceKey = false; // `service key create`: standard output is where the key is given
};

struct Secret {
    QString name;
    QByteArray value;
    bool isServiceKey = false;
};

QByteArray randomHex(int bytes) {
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return raw.toHex();
}

// Every form in which a secret could be written down. Base64 is cut at all three alignments, so
// the secret is found inside a longer encoded text (base64 of "SID:secret", a keychain blob).
QList<QByteArray> encodedForms(const QByteArray &secret) {
    QList<QByteArray> forms{secret, QUrl::toPercentEncoding(QString::fromLatin1(secret)),
                            secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)};
    for (int shift = 0; shift < 3; ++shift) {
        const QByteArray encoded = QByteArray(QByteArray(shift, 'x') + secret).toBase64();
        // Drop the groups that mix in the shift's bytes or the padding.
        forms.append(encoded.mid(shift ? 4 : 0, encoded.size() - (shift ? 4 : 0) - 4));
    }
    QByteArray utf16;
    for (char c : secret)
        utf16 += QByteArray(1, c) + QByteArray(1, '\0');
    forms.append(utf16);
    return forms;
}

} // namespace

class TestSecretLeaks : public QObject {
    Q_OBJECT

    QString m_home;
    QString m_data;
    QString m_sqlite;
    QDateTime m_started;
    QList<Secret> m_secrets;
    QList<Run> m_runs;
    QByteArray m_twilioSecret;
    QString m_twilioBaseUrl;
    QStringList m_accessLogs;

    // Runs pooldeskctl without blocking the event loop (the fake Twilio server answers meanwhile).
    Run ctl(const QString &db, const QStringList &args, const QByteArray &input = {},
            const QStringList &environment = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY",
                                 "TWILIO_API_SECRET", "POOLDESK_TWILIO_BASE_URL", "PGPASSWORD"})
            env.remove(QString::fromLatin1(name));
        if (!m_twilioBaseUrl.isEmpty())
            env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"), m_twilioBaseUrl);
        env.insert(QStringLiteral("POOLDESK_KEYCHAIN_TIMEOUT_MS"), QStringLiteral("15000"));
        for (const QString &assignment : environment)
            env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("POOLDESK_CTL"), QStringList{QStringLiteral("--db"), db} + args);
        p.write(input);
        p.closeWriteChannel();
        QDeadlineTimer deadline(90000);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired())
            QTest::qWait(10);
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(5000);
        }
        Run run{args.join(QLatin1Char(' ')), p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
        m_runs.append(run);
        return run;
    }

    void addSecret(const QString &name, const QByteArray &value, bool isServiceKey = false) {
        QVERIFY(value.size() >= 16);
        m_secrets.append({name, value, isServiceKey});
    }

    // Where any of the secrets shows up in `bytes`, as "where: secret (form n)".
    QStringList findings(const QString &where, const QByteArray &bytes,
                         bool serviceKeyExpected = false) const {
        QStringList found;
        for (const Secret &secret : m_secrets) {
            if (secret.isServiceKey && serviceKeyExpected)
                continue;
            const QList<QByteArray> forms = encodedForms(secret.value);
            for (qsizetype i = 0; i < forms.size(); ++i)
                if (bytes.contains(forms.at(i)))
                    found << QStringLiteral("%1: %2 (form %3)").arg(where, secret.name).arg(i);
        }
        return found;
    }

    // A service key made by `pooldeskctl service key create` on `db`, for Acme.
    QByteArray createServiceKey(const QString &db) {
        const Run created =
            ctl(db, {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"),
                     QStringLiteral("create"), QStringLiteral("--company"), QStringLiteral("Acme")});
        m_runs.last().printsServiceKey = true;
        if (created.exitCode != 0)
            return {};
        return QJsonDocument::fromJson(created.out)
            .object()
            .value(QStringLiteral("key"))
            .toString()
            .toLatin1();
    }

    // Allocates, renews, attaches a call and ends it through the service with `key`; a client that
    // sends a wrong key (the right one with a byte more) is refused, and its attempt not logged.
    void exerciseService(ServiceProcess &service, const QByteArray &key, bool signedCallback) {
        const quint16 port = service.port();
        const QJsonObject body{{QStringLiteral("company"), QStringLiteral("Acme")},
                               {QStringLiteral("operator"), QStringLiteral("op-1")},
                               {QStringLiteral("session"), QStringLiteral("leak-1")}};
        HttpReply allocated = httpJson(port, "POST", "/v1/allocations", body, key);
        QVERIFY2(allocated.status == 201, allocated.body.constData());
        QVERIFY(findings(QStringLiteral("allocation answer"), allocated.body).isEmpty());
        QCOMPARE(httpJson(port, "POST", "/v1/allocations/leak-1/renew",
                          {{QStringLiteral("ttl_seconds"), 600}}, key)
                     .status,
                 200);
        QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(key)).status, 200);
        QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(key + "x")).status, 401);
        QCOMPARE(http(port, "GET", "/metrics", {}, bearer(key)).status, 200);
        const QString callSid = caSid(7);
        QCOMPARE(httpJson(port, "POST", "/v1/allocations/leak-1/call",
                          {{QStringLiteral("call_sid"), callSid}}, key)
                     .status,
                 200);
        if (signedCallback) {
            // The service verifies Twilio's signature with the auth token it read from the keychain.
            const FormFields completed{
                {QStringLiteral("AccountSid"), TestAccountSid},
                {QStringLiteral("CallSid"), callSid},
                {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                {QStringLiteral("CallDuration"), QStringLiteral("61")},
                {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
                {QStringLiteral("From"), allocated.json().value(QStringLiteral("number")).toString()},
                {QStringLiteral("To"), QStringLiteral("+81312345678")}};
            QByteArray form;
            for (const auto &[name, value] : completed)
                form += (form.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(name) + '=' +
                        QUrl::toPercentEncoding(value);
            const QByteArray signature = TwilioSignature::compute(
                m_twilioSecret, QStringLiteral("https://pool.example.test/twilio/status"), completed);
            const HttpReply callback = http(
                port, "POST", "/twilio/status", form,
                {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")},
                 {QByteArrayLiteral("X-Twilio-Signature"), signature}});
            QVERIFY2(callback.status == 200, callback.body.constData());
        } else {
            QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/leak-1",
                              {{QStringLiteral("duration_seconds"), 61},
                               {QStringLiteral("direction"), QStringLiteral("outbound")}},
                              key)
                         .status,
                     200);
        }
    }

    void seedPool(const QString &db) {
        for (const QStringList &args :
             {QStringList{QStringLiteral("db"), QStringLiteral("migrate")},
              QStringList{QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Acme"),
                          QStringLiteral("--plan"), QStringLiteral("standard")},
              QStringList{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+15555550101")},
              QStringList{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+15555550102")}}) {
            const Run run = ctl(db, args);
            QVERIFY2(run.exitCode == 0, run.err.constData());
        }
    }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_IN_KEYRING_SESSION") ||
            qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs run-with-keyring.sh and POOLDESK_CTL");
        m_started = QDateTime::currentDateTimeUtc().addSecs(-2);
        // run-with-keyring.sh made HOME, XDG_DATA_HOME and XDG_CONFIG_HOME a private folder; the
        // cache, state and temporary folders go there too, so every file of the run is searched.
        m_home = qEnvironmentVariable("HOME");
        QVERIFY(!m_home.isEmpty() && QDir(m_home).exists());
        for (const auto &[name, folder] :
             {std::pair{"XDG_CACHE_HOME", ".cache"}, std::pair{"XDG_STATE_HOME", ".local/state"},
              std::pair{"TMPDIR", "tmp"}}) {
            const QString path = m_home + QLatin1Char('/') + QLatin1String(folder);
            QVERIFY(QDir().mkpath(path));
            qputenv(name, path.toLocal8Bit());
        }
        m_data = m_home + QStringLiteral("/data");
        QVERIFY(QDir().mkpath(m_data));
        m_sqlite = QStringLiteral("sqlite:") + m_data + QStringLiteral("/pool.sqlite");
        // Characters that percent-encoding and base64 change, so each form differs from the raw one.
        m_twilioSecret = "tw+" + randomHex(12) + "/=" + randomHex(8);
        addSecret(QStringLiteral("Twilio auth token"), m_twilioSecret);
    }

    void scannerFindsEveryForm() {
        // The search itself must be able to fail: each form, inside other bytes, is found.
        const QList<QByteArray> forms = encodedForms(m_twilioSecret);
        QVERIFY(forms.size() >= 6);
        for (const QByteArray &form : forms)
            QVERIFY(!findings(QStringLiteral("planted"), "prefix\n" + form + "\nsuffix").isEmpty());
        const QByteArray basic =
            "Authorization: Basic " + QByteArray(TestAccountSid.toLatin1() + ':' + m_twilioSecret).toBase64();
        QVERIFY(!findings(QStringLiteral("planted"), basic).isEmpty());
        QVERIFY(
            findings(QStringLiteral("clean"), "Authorization: Basic " + TestAccountSid.toLatin1()).isEmpty());
    }

    void twilioFlows() {
        Server server;
        FakeTwilioAccount account;
        account.numbers = {incomingNumberJson(pnSid(1), QStringLiteral("+15555550111")),
                           incomingNumberJson(pnSid(2), QStringLiteral("+15555550112"))};
        account.offered = {QStringLiteral("+14175550100")};
        account.install(server);
        account.offer(server);
        server.on("GET", accountPath("").chopped(1) + ".json", [](const Server::Request &) {
            return Server::Response::json(200,
                                          {{QStringLiteral("sid"), TestAccountSid},
                                           {QStringLiteral("friendly_name"), QStringLiteral("Test account")},
                                           {QStringLiteral("status"), QStringLiteral("active")},
                                           {QStringLiteral("type"), QStringLiteral("Full")}});
        });
        m_twilioBaseUrl = server.baseUrl().toString();
        const QString dev = QStringLiteral("development");
        seedPool(m_sqlite);
        QCOMPARE(ctl(m_sqlite, {QStringLiteral("env"), QStringLiteral("set"), dev,
                                QStringLiteral("--account-sid"), TestAccountSid})
                     .exitCode,
                 0);
        // From standard input into the keychain.
        Run stored =
            ctl(m_sqlite, {QStringLiteral("env"), QStringLiteral("set-secret"), dev}, m_twilioSecret + '\n');
        QVERIFY2(stored.exitCode == 0, stored.err.constData());
        Run tested = ctl(m_sqlite, {QStringLiteral("env"), QStringLiteral("test"), dev});
        QVERIFY2(tested.exitCode == 0, tested.err.constData());
        Run imported =
            ctl(m_sqlite, {QStringLiteral("--env"), dev, QStringLiteral("twilio"), QStringLiteral("import")});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        Run bought =
            ctl(m_sqlite, {QStringLiteral("--env"), dev, QStringLiteral("twilio"), QStringLiteral("buy"),
                           QStringLiteral("+14175550100"), QStringLiteral("--yes")});
        QVERIFY2(bought.exitCode == 0, bought.err.constData());
        // The same secret from the environment, as automation passes it.
        Run fromEnvironment = ctl(
            m_sqlite, {QStringLiteral("--env"), dev, QStringLiteral("twilio"), QStringLiteral("import")}, {},
            {QStringLiteral("TWILIO_ACCOUNT_SID=") + TestAccountSid,
             QStringLiteral("TWILIO_AUTH_TOKEN=") + QString::fromLatin1(m_twilioSecret)});
        QVERIFY2(fromEnvironment.exitCode == 0, fromEnvironment.err.constData());
        m_twilioBaseUrl.clear();

        // Every request reached Twilio with the secret, and only in the Basic header.
        const QByteArray expected =
            "Basic " + QByteArray(TestAccountSid.toLatin1() + ':' + m_twilioSecret).toBase64();
        QVERIFY(server.requests().size() >= 5);
        QVERIFY(!server.requestsTo("POST", accountPath("IncomingPhoneNumbers.json")).isEmpty());
        for (const Server::Request &request : server.requests()) {
            QCOMPARE(request.headers.value("authorization"), expected);
            QVERIFY(findings(QStringLiteral("request"), request.target + request.body).isEmpty());
        }
    }

    void serviceFlows_data() { addEngineRows(); }
    void serviceFlows() {
        QFETCH(QString, engine);
        QString db = m_sqlite;
        QStringList environment;
        QString serviceDb = db;
        if (engine == QLatin1String("postgresql")) {
            db = freshDatabaseUrl(engine);
            seedPool(db);
            // The service signs in as its own login, with a password given on standard input.
            const QString login = QStringLiteral("leak_svc_") + QString::fromLatin1(randomHex(4));
            const QByteArray password = "pw+" + randomHex(12) + "%/" + randomHex(4);
            addSecret(QStringLiteral("PostgreSQL password of ") + login, password);
            Run added = ctl(db,
                            {QStringLiteral("user"), QStringLiteral("add"), login, QStringLiteral("--role"),
                             QStringLiteral("service"), QStringLiteral("--password-stdin")},
                            password + '\n');
            QVERIFY2(added.exitCode == 0, added.err.constData());
            QUrl url(db);
            url.setUserName(login);
            serviceDb = url.toString();
            environment << QStringLiteral("PGPASSWORD=") + QString::fromLatin1(password);
            Run who = ctl(serviceDb, {QStringLiteral("whoami")}, {}, environment);
            QVERIFY2(who.exitCode == 0, who.err.constData());
            QVERIFY(who.out.contains(login.toLatin1()));
            // PostgreSQL keeps a SCRAM verifier, not the password.
            auto admin = Database::open(db);
            QVERIFY(admin);
            QCOMPARE(scalar(*admin.value(),
                            QStringLiteral("SELECT COUNT(*) FROM pg_authid WHERE rolname = ? AND rolpassword "
                                           "LIKE 'SCRAM-SHA-256$%'"),
                            {login}),
                     qint64(1));
        }
        const QByteArray key = createServiceKey(db);
        QVERIFY(!key.isEmpty());
        addSecret(QStringLiteral("service key (%1)").arg(engine), key, true);

        const QString accessLog = m_data + QStringLiteral("/access-%1.log").arg(engine);
        m_accessLogs << accessLog;
        ServiceProcess service;
        QVERIFY2(service.start(serviceDb,
                               {QStringLiteral("--access-log"), accessLog, QStringLiteral("--public-url"),
                                QStringLiteral("https://pool.example.test")},
                               environment),
                 service.output().constData());
        exerciseService(service, key, engine == QLatin1String("sqlite"));
        QCOMPARE(service.terminate(), 0);
        m_runs.append({QStringLiteral("pooldesk-service (%1)").arg(engine), 0, service.output(), {}});
        QFile log(accessLog);
        QVERIFY(log.open(QIODevice::ReadOnly));
        // The log holds the requests (so searching it means something).
        QVERIFY(log.readAll().contains("/v1/allocations"));
    }

    void secretsAppearNowhere() {
        QStringList found;
        qint64 files = 0;
        // Everything the processes printed (the key's own creation excepted: that is how it is given).
        for (const Run &run : std::as_const(m_runs)) {
            found << findings(QStringLiteral("stdout of ") + run.what, run.out, run.printsServiceKey);
            found << findings(QStringLiteral("stderr of ") + run.what, run.err);
        }
        const auto scanFile = [&](const QString &path) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return;
            ++files;
            found << findings(path, file.readAll());
        };
        // The private home: data (the SQLite files with their -wal, -shm and -journal, the access
        // logs), config (settings), cache, state, the temporary folder and the keyring's own files.
        for (QDirIterator it(m_home, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
             it.hasNext();)
            scanFile(it.next());
        QVERIFY(QFileInfo::exists(m_data + QStringLiteral("/pool.sqlite")));
        for (const QString &log : std::as_const(m_accessLogs))
            QVERIFY(QFileInfo(log).size() > 0);
        // Files anything else left in the shared temporary folder during the run.
        for (QDirIterator it(QStringLiteral("/tmp"), QDir::Files | QDir::Hidden); it.hasNext();) {
            const QString path = it.next();
            if (it.fileInfo().lastModified().toUTC() >= m_started && it.fileInfo().size() < (64 << 20))
                scanFile(path);
        }
        // The PostgreSQL cluster's log and WAL (a password in a statement would land there).
        if (!qEnvironmentVariableIsEmpty("POOLDESK_TEST_PG_URL")) {
            const QString cluster = QStringLiteral("/tmp/pooldesk-pg-%1")
                                        .arg(QUrl(qEnvironmentVariable("POOLDESK_TEST_PG_URL")).port());
            QVERIFY(QFileInfo::exists(cluster + QStringLiteral("/server.log")));
            scanFile(cluster + QStringLiteral("/server.log"));
            for (QDirIterator it(cluster + QStringLiteral("/data/pg_wal"), QDir::Files); it.hasNext();)
                scanFile(it.next());
        }
        qInfo() << "searched" << files << "files and" << m_runs.size() << "outputs for" << m_secrets.size()
                << "secrets";
        QVERIFY(files > 5);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestSecretLeaks)
#include "tst_secretleaks.moc"
