// The Twilio operations end to end against the fake server, on SQLite and PostgreSQL: import,
// webhooks (diff, drift, update), buy, release, call sync (paged, idempotent, resumable), prices.
#include "FakeTwilioServer.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "credentials/Environments.h"
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "pool/Tariffs.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "twilio/ImportNumbersOperation.h"
#include "twilio/NumberOperations.h"
#include "twilio/PricesOperation.h"
#include "twilio/ReconcileOperation.h"
#include "twilio/ReleaseMarks.h"
#include "twilio/SyncCallsOperation.h"
#include "twilio/WebhooksOperation.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {

QJsonObject callJson(int n, const QString &from, const QString &to, const QString &status, int duration,
                     const QJsonValue &price,
                     const QString &start = QStringLiteral("Mon, 02 Nov 2026 10:00:00 +0000")) {
    return {{QStringLiteral("sid"), caSid(n)},
            {QStringLiteral("from"), from},
            {QStringLiteral("to"), to},
            {QStringLiteral("direction"), QStringLiteral("outbound-api")},
            {QStringLiteral("status"), status},
            {QStringLiteral("start_time"), start},
            {QStringLiteral("end_time"), QStringLiteral("Mon, 02 Nov 2026 10:05:00 +0000")},
            {QStringLiteral("duration"), QString::number(duration)},
            {QStringLiteral("price"), price},
            {QStringLiteral("price_unit"), QStringLiteral("USD")}};
}

} // namespace

class TestTwilioOps : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    QNetworkAccessManager *m_network = nullptr;
    Server *m_server = nullptr;
    Twilio::Client *m_client = nullptr;
    FakeTwilioAccount m_account;

    Twilio::OperationContext context() {
        EnvironmentProfile profile = Environments(*m_db).find(QStringLiteral("development")).value();
        return {m_db.get(), m_client, profile, Actor{QStringLiteral("user:test")}};
    }
    bool runOp(Twilio::Operation &op) {
        QSignalSpy finished(&op, &Twilio::Operation::finished);
        op.start();
        if (!op.isFinished() && !finished.wait(30000))
            return false;
        if (op.error())
            qWarning() << "operation failed:" << op.error()->message;
        return !op.error();
    }

private slots:
    void init() {
        m_network = new QNetworkAccessManager(this);
        m_server = new Server(this);
        m_client = new Twilio::Client(m_network, this);
        m_client->setCredentials(testCredentials(m_server->baseUrl()));
        Twilio::Client::Options options;
        options.backoffBaseMs = 5;
        options.timeoutMs = 2000;
        m_client->setOptions(options);
        m_account = {};
        m_account.install(*m_server);
    }
    void cleanup() {
        delete m_client;
        delete m_server;
        delete m_network;
        m_db.reset();
    }

    void openDb(const QString &engine) {
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        m_db = std::move(db).value();
        EnvironmentChange change;
        change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
        QVERIFY(Environments(*m_db).set(Actor{QStringLiteral("user:test")}, QStringLiteral("development"),
                                        change));
        EnvironmentChange prod;
        prod.webhookBaseUrl = QUrl(QStringLiteral("https://prod.example.org"));
        QVERIFY(
            Environments(*m_db).set(Actor{QStringLiteral("user:test")}, QStringLiteral("production"), prod));
    }

    void importIsIdempotentAndFlagsMissingNumbers_data() { addEngineRows(); }
    void importIsIdempotentAndFlagsMissingNumbers() {
        QFETCH(QString, engine);
        openDb(engine);
        for (int i = 0; i < 5; ++i)
            m_account.numbers.append(incomingNumberJson(pnSid(i), QStringLiteral("+1607695608%1").arg(i)));
        {
            Twilio::ImportNumbersOperation op(context());
            QVERIFY(runOp(op));
            QCOMPARE(op.summary().added.size(), 5);
        }
        QCOMPARE(m_server->requestsTo("GET", accountPath("IncomingPhoneNumbers.json")).size(), 3); // 2+2+1
        // Again: nothing new; then one number disappears from Twilio and one is renamed.
        m_account.numbers.removeAt(4);
        m_account.numbers[0].insert(QStringLiteral("voice_url"),
                                    QStringLiteral("https://elsewhere.example/voice"));
        Twilio::ImportNumbersOperation again(context());
        QVERIFY(runOp(again));
        QCOMPARE(again.summary().added.size(), 0);
        QCOMPARE(again.summary().updated, QStringList{QStringLiteral("+16076956080")});
        QCOMPARE(again.summary().unchanged.size(), 3);
        QCOMPARE(again.summary().missing, QStringList{QStringLiteral("+16076956084")});
        auto missing = Numbers(*m_db).find(QStringLiteral("+16076956084"), QStringLiteral("development"));
        QVERIFY2(missing.ok(), "a number gone from Twilio is flagged, not deleted");
        QVERIFY(missing->missingFromTwilio);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 5);
    }

    void webhooksDryRunShowsDiffAndDrift_data() { addEngineRows(); }
    void webhooksDryRunShowsDiffAndDrift() {
        QFETCH(QString, engine);
        openDb(engine);
        m_account.numbers.append(incomingNumberJson(pnSid(1), QStringLiteral("+16076956082"),
                                                    QStringLiteral("https://dev.example.org/twilio/voice"),
                                                    QStringLiteral("https://dev.example.org/twilio/status")));
        m_account.numbers.append(incomingNumberJson(pnSid(2), QStringLiteral("+14179224538"),
                                                    QStringLiteral("https://prod.example.org/twilio/voice")));
        const QList<EnvironmentProfile> others{
            Environments(*m_db).find(QStringLiteral("production")).value()};
        Twilio::WebhooksOperation dry(context(), true, others);
        QVERIFY(runOp(dry));
        QCOMPARE(dry.changes().size(), 2);
        QVERIFY(!dry.changes().at(0).needsUpdate());
        QVERIFY(dry.changes().at(1).needsUpdate());
        QCOMPARE(dry.changes().at(1).driftFrom, QStringLiteral("production"));
        QCOMPARE(m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers/")).size(), 0);

        Twilio::WebhooksOperation apply(context(), false, others);
        QVERIFY(runOp(apply));
        QCOMPARE(apply.updated(), 1);
        const auto posts = m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers/"));
        QCOMPARE(posts.size(), 1);
        QCOMPARE(posts.first().path(), accountPath("IncomingPhoneNumbers/") + pnSid(2).toLatin1() + ".json");
        QCOMPARE(posts.first().field("VoiceUrl"), QStringLiteral("https://dev.example.org/twilio/voice"));
        QCOMPARE(m_account.numbers.at(1).value(QStringLiteral("status_callback")).toString(),
                 QStringLiteral("https://dev.example.org/twilio/status"));
    }

    void buyAddsToPoolWithWebhooksAndAudit_data() { addEngineRows(); }
    void buyAddsToPoolWithWebhooksAndAudit() {
        QFETCH(QString, engine);
        openDb(engine);
        Twilio::BuyNumberOperation op(context(), QStringLiteral("+1 (500) 555-0006"),
                                      QStringLiteral("manual"));
        QVERIFY(runOp(op));
        QCOMPARE(op.number().e164, QStringLiteral("+15005550006"));
        QCOMPARE(op.number().voiceUrl, QStringLiteral("https://dev.example.org/twilio/voice"));
        QCOMPARE(op.number().monthlyPrice, Micros(1'150'000));
        const auto post = m_server->requestsTo("POST", accountPath("IncomingPhoneNumbers.json")).first();
        QCOMPARE(post.field("StatusCallback"), QStringLiteral("https://dev.example.org/twilio/status"));
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.buy' AND "
                                       "target = '+15005550006' AND actor = ?"),
                        {QString(QStringLiteral("user:") + m_db->login())}),
                 1);

        Twilio::BuyNumberOperation taken(context(), QStringLiteral("+15005550000"), QStringLiteral("manual"));
        QVERIFY(!runOp(taken));
        QCOMPARE(taken.error()->reason, Twilio::Reason::NumberTaken);
        QVERIFY(!Numbers(*m_db).find(QStringLiteral("+15005550000"), QStringLiteral("development")));
    }

    void releaseRefusesBusyNumbersAndRemovesFreeOnes_data() { addEngineRows(); }
    void releaseRefusesBusyNumbersAndRemovesFreeOnes() {
        QFETCH(QString, engine);
        openDb(engine);
        m_account.numbers.append(incomingNumberJson(pnSid(1), QStringLiteral("+16076956082")));
        m_account.numbers.append(incomingNumberJson(pnSid(2), QStringLiteral("+14179224538")));
        Twilio::ImportNumbersOperation import(context());
        QVERIFY(runOp(import));
        QVERIFY(
            Companies(*m_db).add(Actor{QStringLiteral("user:test")}, QStringLiteral("Acme"), Plan::Standard));
        Allocator allocator(*m_db);
        auto held = allocator.allocate({QStringLiteral("Acme"),
                                        QStringLiteral("op1"),
                                        QStringLiteral("s1"),
                                        {},
                                        QStringLiteral("development")});
        QVERIFY(held);

        Twilio::ReleaseNumberOperation busy(context(), held->e164, QStringLiteral("manual"));
        QVERIFY(!runOp(busy));
        QCOMPARE(busy.error()->code, Error::Code::Refused);
        QCOMPARE(m_server->requestsTo("DELETE", accountPath("IncomingPhoneNumbers/")).size(), 0);

        const QString freeNumber = held->e164 == QLatin1String("+16076956082")
                                       ? QStringLiteral("+14179224538")
                                       : QStringLiteral("+16076956082");
        Twilio::ReleaseNumberOperation release(context(), freeNumber, QStringLiteral("manual"));
        QVERIFY(runOp(release));
        QCOMPARE(m_account.numbers.size(), 1);
        QVERIFY(!Numbers(*m_db).find(freeNumber, QStringLiteral("development")));
        QCOMPARE(
            scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.release'")),
            1);
    }

    // The release race: from the moment a release begins until Twilio answers, the allocator must not
    // hand the number out; a failed release puts it back; an interrupted one is settled later.
    void releasingNumberIsNotAllocatedAndNeverStuck_data() { addEngineRows(); }
    void releasingNumberIsNotAllocatedAndNeverStuck() {
        QFETCH(QString, engine);
        openDb(engine);
        const QString one = QStringLiteral("+16076956082"), two = QStringLiteral("+14179224538");
        m_account.numbers.append(incomingNumberJson(pnSid(1), one));
        m_account.numbers.append(incomingNumberJson(pnSid(2), two));
        Twilio::ImportNumbersOperation import(context());
        QVERIFY(runOp(import));
        QVERIFY(
            Companies(*m_db).add(Actor{QStringLiteral("user:test")}, QStringLiteral("Acme"), Plan::Standard));
        Allocator allocator(*m_db);
        int session = 0;
        auto free = [&](const QString &s) {
            ReleaseRequest request;
            request.session = s;
            return allocator.release(request).ok();
        };
        auto allocate = [&] {
            return allocator.allocate({QStringLiteral("Acme"),
                                       QStringLiteral("op1"),
                                       QStringLiteral("s%1").arg(++session),
                                       {},
                                       QStringLiteral("development")});
        };

        // 1. While Twilio is releasing `one`, allocations get only `two`.
        const QByteArray numbersPath = accountPath("IncomingPhoneNumbers/");
        QStringList allocatedDuringRelease;
        m_server->on("DELETE", numbersPath + pnSid(1).toLatin1(), [&](const Server::Request &) {
            for (int i = 0; i < 2; ++i)
                if (auto held = allocate())
                    allocatedDuringRelease.append(held->e164);
            m_account.numbers.removeFirst();
            Server::Response gone;
            gone.status = 204;
            return gone;
        });
        Twilio::ReleaseNumberOperation release(context(), one, QStringLiteral("manual"));
        QVERIFY(runOp(release));
        QCOMPARE(allocatedDuringRelease, QStringList{two});
        QVERIFY(!Numbers(*m_db).find(one, QStringLiteral("development")));
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM twilio_releases_in_flight")), 0);
        QVERIFY(free(QStringLiteral("s1")));

        // 2. Twilio refuses the release: the number is available again at once.
        m_server->queue("DELETE", numbersPath,
                        Server::Response::error(403, 20403, QStringLiteral("Forbidden")));
        Twilio::ReleaseNumberOperation refused(context(), two, QStringLiteral("manual"));
        QVERIFY(!runOp(refused));
        QVERIFY(refused.error()->message.contains(QLatin1String("20403")));
        QVERIFY(!Numbers(*m_db).find(two, QStringLiteral("development"))->missingFromTwilio);
        auto again = allocate();
        QVERIFY(again);
        QCOMPARE(again->e164, two);
        QVERIFY(free(QStringLiteral("s%1").arg(session)));

        // 3. Twilio keeps failing (500s, retried): it is asked whether the number is still there,
        // it is, so the number is available again.
        m_server->queue("DELETE", numbersPath,
                        Server::Response::error(500, 20500, QStringLiteral("Internal")), 5);
        Twilio::ReleaseNumberOperation failing(context(), two, QStringLiteral("manual"));
        QVERIFY(!runOp(failing));
        QVERIFY(!Numbers(*m_db).find(two, QStringLiteral("development"))->missingFromTwilio);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM twilio_releases_in_flight")), 0);

        // 4. A second release while one is under way is refused.
        auto number = Numbers(*m_db).find(two, QStringLiteral("development"));
        auto mark = Twilio::ReleaseMarks::mark(*m_db, number->id, Actor{QStringLiteral("user:other")},
                                               QStringLiteral("manual"));
        QVERIFY(mark);
        QVERIFY(!allocate()); // the only number left is being released
        Twilio::ReleaseNumberOperation twice(context(), two, QStringLiteral("manual"));
        QVERIFY(!runOp(twice));
        QCOMPARE(twice.error()->reason, QStringLiteral("release_under_way"));
        QCOMPARE(m_server->requestsTo("DELETE", numbersPath + pnSid(2).toLatin1()).size(), 1 + 5);

        // 5. That release is interrupted (its process died): after a while the sweep asks Twilio,
        // finds the number still there and makes it available again.
        Twilio::RecoverReleasesOperation early(context());
        QVERIFY(runOp(early));
        QCOMPARE(early.undone(), 0); // not stale yet: the release may still be under way
        QVERIFY(Sql::exec(m_db->connection(),
                          QStringLiteral("UPDATE twilio_releases_in_flight SET started_at = started_at - ?"),
                          {Twilio::ReleaseMarks::StaleAfterSecs + 1}));
        Twilio::RecoverReleasesOperation sweep(context());
        QVERIFY(runOp(sweep));
        QCOMPARE(sweep.undone(), 1);
        QVERIFY(allocate());
        QCOMPARE(scalar(*m_db, QStringLiteral(
                                   "SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.release_undone'")),
                 1);
    }

    void interruptedReleaseOfAGoneNumberIsCompleted_data() { addEngineRows(); }
    void interruptedReleaseOfAGoneNumberIsCompleted() {
        QFETCH(QString, engine);
        openDb(engine);
        const QString one = QStringLiteral("+16076956082");
        m_account.numbers.append(incomingNumberJson(pnSid(1), one));
        Twilio::ImportNumbersOperation import(context());
        QVERIFY(runOp(import));
        auto number = Numbers(*m_db).find(one, QStringLiteral("development"));
        QVERIFY(Twilio::ReleaseMarks::mark(*m_db, number->id, Actor::policy(QStringLiteral("autoscale")),
                                           QStringLiteral("autoscale: idle")));
        // An import meanwhile leaves the release alone (the number is still listed at Twilio).
        Twilio::ImportNumbersOperation during(context());
        QVERIFY(runOp(during));
        QVERIFY(Twilio::ReleaseMarks::find(*m_db, number->id).value());
        // So does a webhook update (it changes the number at Twilio, not its release).
        Twilio::WebhooksOperation webhooks(context(), false, {});
        QVERIFY(runOp(webhooks));
        QCOMPARE(webhooks.updated(), 1);
        QVERIFY(Twilio::ReleaseMarks::find(*m_db, number->id).value());
        QVERIFY(Numbers(*m_db).find(one, QStringLiteral("development"))->releasing); // out of use
        // Twilio did release it before the process died.
        m_account.numbers.clear();
        QVERIFY(Sql::exec(m_db->connection(),
                          QStringLiteral("UPDATE twilio_releases_in_flight SET started_at = started_at - ?"),
                          {Twilio::ReleaseMarks::StaleAfterSecs + 1}));
        Twilio::RecoverReleasesOperation sweep(context());
        QVERIFY(runOp(sweep));
        QCOMPARE(sweep.completed(), 1);
        QVERIFY(!Numbers(*m_db).find(one, QStringLiteral("development")));
        QCOMPARE(
            scalar(*m_db, QStringLiteral(
                              "SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.release' AND actor = "
                              "'policy:autoscale'")),
            1);
    }

    void callSyncIsIdempotentAndResumable_data() { addEngineRows(); }
    void callSyncIsIdempotentAndResumable() {
        QFETCH(QString, engine);
        openDb(engine);
        NewNumber pooled;
        pooled.e164 = QStringLiteral("+16076956082");
        pooled.environment = QStringLiteral("development");
        QVERIFY(Numbers(*m_db).add(Actor{QStringLiteral("user:test")}, pooled));
        // Three pages; page 2 fails once with a cut-off answer (retried) and, in the first run,
        // the server dies on page 3 so the sync stops and must resume there.
        const QByteArray path = accountPath("Calls.json");
        bool page3Broken = true;
        QJsonValue price3 = QJsonValue(); // null until billed
        m_server->on("GET", path, [&](const Server::Request &request) {
            const QString p = QString::fromLatin1(path);
            const int page = request.queryField("Page").toInt();
            QJsonArray items;
            if (page == 0) {
                items = {callJson(1, QStringLiteral("+16076956082"), QStringLiteral("+14155550100"),
                                  QStringLiteral("completed"), 61, QStringLiteral("-0.02600")),
                         callJson(2, QStringLiteral("+16076956082"), QStringLiteral("+14155550101"),
                                  QStringLiteral("completed"), 30, QStringLiteral("-0.01300"))};
            } else if (page == 1) {
                items = {callJson(3, QStringLiteral("+16076956082"), QStringLiteral("+14155550102"),
                                  QStringLiteral("completed"), 120, price3),
                         callJson(4, QStringLiteral("+16076956082"), QStringLiteral("+14155550103"),
                                  QStringLiteral("in-progress"), 0, QJsonValue())};
            } else {
                if (page3Broken)
                    return Server::Response::error(401, 20003, QStringLiteral("Authenticate"));
                items = {callJson(5, QStringLiteral("+19995550000"), QStringLiteral("+14155550104"),
                                  QStringLiteral("busy"), 0, QJsonValue())};
            }
            const QString next =
                page < 2 ? p + QStringLiteral("?PageSize=2&Page=%1&PageToken=PA%1").arg(page + 1) : QString();
            return Server::Response::json(200,
                                          Server::page(QStringLiteral("calls"), items, p, next, page, 2));
        });
        m_server->on("GET", accountPath("Recordings.json"), [](const Server::Request &) {
            QJsonObject rec{
                {QStringLiteral("sid"), QStringLiteral("RE%1").arg(1, 32, 10, QLatin1Char('0'))},
                {QStringLiteral("call_sid"), caSid(1)},
                {QStringLiteral("status"), QStringLiteral("completed")},
                {QStringLiteral("duration"), QStringLiteral("58")},
                {QStringLiteral("channels"), 1},
                {QStringLiteral("media_url"), QStringLiteral("https://api.twilio.com/rec/RE1")},
                {QStringLiteral("date_created"), QStringLiteral("Mon, 02 Nov 2026 10:06:00 +0000")},
                {QStringLiteral("price"), QJsonValue()}};
            return Server::Response::json(200,
                                          Server::page(QStringLiteral("recordings"), {rec}, {}, {}, 0, 50));
        });

        Twilio::SyncCallsOperation first(context(), QDate(2026, 11, 1));
        QVERIFY(!runOp(first));
        QCOMPARE(first.summary().calls.added, 3);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 3);
        QCOMPARE(m_server->requestsTo("GET", path).first().queryField("StartTime>"),
                 QStringLiteral("2026-11-01"));

        // Resume: continues at page 3 (no page is read twice), and the call now has its price.
        page3Broken = false;
        price3 = QStringLiteral("-0.02600");
        m_server->clear();
        Twilio::SyncCallsOperation resumed(context(), std::nullopt);
        QVERIFY(runOp(resumed));
        QVERIFY(resumed.summary().resumed);
        QCOMPARE(m_server->requestsTo("GET", path).size(), 1);
        QVERIFY(m_server->requestsTo("GET", path).first().target.contains("Page=2&PageToken=PA2"));
        QCOMPARE(resumed.summary().calls.added, 1);
        QCOMPARE(resumed.summary().recordings, 1);

        // A full run again from the start: nothing is counted twice; the late price is filled in.
        Twilio::SyncCallsOperation again(context(), QDate(2026, 11, 1));
        QVERIFY(runOp(again));
        QCOMPARE(again.summary().calls.added, 0);
        QCOMPARE(again.summary().calls.priced, 1);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 4);
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT twilio_price_micros FROM call_records WHERE call_sid = ?"),
                        {caSid(3)}),
                 26000);
        auto number = Numbers(*m_db).find(QStringLiteral("+16076956082"), QStringLiteral("development"));
        QCOMPARE(number->totalCalls, 3);
        QCOMPARE(number->totalMinutes, 2 + 1 + 2);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_recordings WHERE call_sid = ?"),
                        {caSid(1)}),
                 1);
    }

    // November against Twilio's monthly usage records (two pages): PoolDesk's calls and rental
    // beside Twilio's, with what explains each difference.
    void reconcileWithTwilioUsage_data() { addEngineRows(); }
    void reconcileWithTwilioUsage() {
        QFETCH(QString, engine);
        openDb(engine);
        const Actor actor{QStringLiteral("user:test")};
        NewNumber number;
        number.e164 = QStringLiteral("+16076956082");
        number.environment = QStringLiteral("development");
        number.monthlyPrice = 1'150'000;
        number.boughtAt = QDateTime(QDate(2026, 11, 3), QTime(9, 0), Qt::UTC);
        QVERIFY(Numbers(*m_db).add(actor, number));
        const qint64 nov = QDateTime(QDate(2026, 11, 10), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
        struct Seed {
            const char *direction;
            qint64 estimate;
            std::optional<qint64> price;
        };
        int n = 0;
        for (const Seed &seed :
             {Seed{"outbound", 26000, 26000}, Seed{"outbound", 26000, 26000},
              Seed{"outbound", 13000, std::nullopt}, Seed{"inbound", 8500, std::nullopt}}) {
            QVERIFY(Sql::exec(
                m_db->connection(),
                QStringLiteral("INSERT INTO call_records (call_sid, e164, direction, started_at, ended_at, "
                               "duration_seconds, billed_minutes, estimated_cost_micros, "
                               "twilio_price_micros, environment) VALUES (?, '+16076956082', ?, ?, ?, 60, "
                               "1, ?, ?, 'development')"),
                {caSid(500 + n), QString::fromLatin1(seed.direction), nov + 600 * n, nov + 600 * n + 60,
                 seed.estimate,
                 seed.price ? QVariant(*seed.price) : QVariant(QMetaType(QMetaType::LongLong))}));
            ++n;
        }
        const QByteArray path = accountPath("Usage/Records/Monthly.json");
        const auto record = [](const char *category, int count, double price) {
            return QJsonObject{{QStringLiteral("category"), QString::fromLatin1(category)},
                               {QStringLiteral("count"), QString::number(count)},
                               {QStringLiteral("price"), price},
                               {QStringLiteral("price_unit"), QStringLiteral("usd")}};
        };
        m_server->on("GET", path, [=](const Server::Request &request) {
            const bool second = request.target.contains("Page=1");
            const QString uri = QString::fromLatin1(path);
            QJsonArray items =
                second ? QJsonArray{record("phonenumbers-local", 2, 2.30), record("sms", 9, 0.07)}
                       : QJsonArray{record("calls-outbound", 4, 0.065), record("calls-inbound", 1, 0.0085)};
            return Server::Response::json(
                200,
                Server::page(QStringLiteral("usage_records"), items, uri,
                             second ? QString() : uri + QStringLiteral("?PageSize=2&Page=1&PageToken=PU1"),
                             second ? 1 : 0, 2));
        });
        Twilio::ReconcileOperation op(context(), QStringLiteral("2026-11"));
        QVERIFY(runOp(op));
        const auto asked = m_server->requestsTo("GET", path);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked.first().queryField("StartDate"), QStringLiteral("2026-11-01"));
        QCOMPARE(asked.first().queryField("EndDate"), QStringLiteral("2026-11-30"));
        QCOMPARE(op.lines().size(), 3);
        const Twilio::ReconcileLine &out = op.lines().at(0);
        QCOMPARE(out.twilioCategory, QStringLiteral("calls-outbound"));
        QCOMPARE(out.poolCount, 3);
        QCOMPARE(out.poolAmount, 65000);
        QCOMPARE(out.poolEstimated, 1);
        QCOMPARE(out.twilioCount, 4);
        QCOMPARE(out.twilioAmount, 65000);
        QVERIFY2(out.explanation().contains(QStringLiteral("not synced")), qPrintable(out.explanation()));
        const Twilio::ReconcileLine &in = op.lines().at(1);
        QCOMPARE(in.poolAmount, 8500);
        QCOMPARE(in.twilioAmount, 8500);
        QCOMPARE(in.difference(), 0);
        const Twilio::ReconcileLine &numbers = op.lines().at(2);
        QCOMPARE(numbers.poolCount, 1);
        QCOMPARE(numbers.poolAmount, 1'150'000);
        QCOMPARE(numbers.twilioCount, 2);
        QCOMPARE(numbers.difference(), 1'150'000);
        QVERIFY2(numbers.explanation().contains(QStringLiteral("outside the pool")),
                 qPrintable(numbers.explanation()));
    }

    // A usage answer whose figures cannot be added up ends the comparison with an error that
    // names the category, instead of totals that wrapped around into nonsense.
    void reconcileRefusesUsageThatCannotBeAddedUp_data() {
        QTest::addColumn<QString>("count");
        QTest::addColumn<QString>("price");
        QTest::newRow("counts past 2^63") << QStringLiteral("9223372036854775807") << QStringLiteral("1.00");
        QTest::newRow("amounts past 2^63") << QStringLiteral("2") << QStringLiteral("999999999999.99");
        QTest::newRow("count below zero") << QStringLiteral("-3") << QStringLiteral("1.00");
    }
    void reconcileRefusesUsageThatCannotBeAddedUp() {
        QFETCH(QString, count);
        QFETCH(QString, price);
        openDb(QStringLiteral("sqlite"));
        const QByteArray path = accountPath("Usage/Records/Monthly.json");
        m_server->on("GET", path, [=](const Server::Request &) {
            const QJsonObject record{{QStringLiteral("category"), QStringLiteral("calls-outbound")},
                                     {QStringLiteral("count"), count},
                                     {QStringLiteral("price"), price},
                                     {QStringLiteral("price_unit"), QStringLiteral("usd")}};
            // Ten of them: each amount is one PoolDesk can read, their sum is not.
            QJsonArray records;
            for (int i = 0; i < 10; ++i)
                records.append(record);
            return Server::Response::json(200, Server::page(QStringLiteral("usage_records"), records,
                                                            QString::fromLatin1(path), {}, 0, 10));
        });
        Twilio::ReconcileOperation op(context(), QStringLiteral("2026-11"));
        QVERIFY(!runOp(op));
        QCOMPARE(op.error()->reason, Twilio::Reason::BadResponse);
        QVERIFY2(op.error()->message.contains(QStringLiteral("calls-outbound")),
                 qPrintable(op.error()->message));
    }

    void pricesGoToTheTariffTable_data() { addEngineRows(); }
    void pricesGoToTheTariffTable() {
        QFETCH(QString, engine);
        openDb(engine);
        m_server->on("GET", "/v2/Voice/Countries/US", [](const Server::Request &) {
            return Server::Response::json(
                200,
                {{QStringLiteral("iso_country"), QStringLiteral("US")},
                 {QStringLiteral("price_unit"), QStringLiteral("USD")},
                 {QStringLiteral("outbound_prefix_prices"),
                  QJsonArray{QJsonObject{{QStringLiteral("current_price"), QStringLiteral("0.0140")}},
                             QJsonObject{{QStringLiteral("current_price"), QStringLiteral("0.0135")}}}},
                 {QStringLiteral("inbound_call_prices"),
                  QJsonArray{QJsonObject{{QStringLiteral("number_type"), QStringLiteral("local")},
                                         {QStringLiteral("current_price"), QStringLiteral("0.0085")}}}}});
        });
        m_server->on("GET", "/v1/PhoneNumbers/Countries/US", [](const Server::Request &) {
            return Server::Response::json(
                200, {{QStringLiteral("phone_number_prices"),
                       QJsonArray{QJsonObject{{QStringLiteral("number_type"), QStringLiteral("local")},
                                              {QStringLiteral("current_price"), 1.15}}}}});
        });
        Twilio::PricesOperation op(context(), QStringLiteral("us"));
        QVERIFY(runOp(op));
        auto tariff = Tariffs::load(*m_db, QStringLiteral("US"));
        QVERIFY(tariff);
        QCOMPARE(tariff->source, QStringLiteral("twilio"));
        QCOMPARE(tariff->outboundPerMinute, Micros(13'500));
        QCOMPARE(tariff->numberMonthly, Micros(1'150'000));
    }
};

QTEST_GUILESS_MAIN(TestTwilioOps)
#include "tst_twilioops.moc"
