// pooldesk-service end to end: the real executable on a free loopback port, against SQLite and
// PostgreSQL, driven over HTTP the way a call backend and Twilio drive it.

#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "credentials/Environments.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "security/Identity.h"
#include "security/TwilioSignature.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <thread>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};
const QByteArray AuthToken = QByteArrayLiteral("test-auth-token-0123456789abcdef");
const QString PublicUrl = QStringLiteral("https://pool.example.com/hooks");

QString sid(int n) {
    return QStringLiteral("CA%1").arg(n, 32, 16, QLatin1Char('0'));
}

struct Fixture {
    QString url;
    std::unique_ptr<Database> db;
    QByteArray key;     // any company
    QByteArray acmeKey; // only Acme
    qint64 keyId = 0;

    qint64 scalar(const QString &sql, const QVariantList &bindings = {}) {
        return Test::scalar(*db, sql, bindings);
    }
    void addNumbers(int count, int first = 1) {
        for (int i = 0; i < count; ++i) {
            NewNumber number;
            number.e164 = QStringLiteral("+1555%1").arg(first + i, 7, 10, QLatin1Char('0'));
            number.environment = DevelopmentEnvironment;
            QVERIFY2(Numbers(*db).add(TestActor, number), "number");
        }
    }
};

std::unique_ptr<Fixture> makeFixture(const QString &engine, int sharedNumbers) {
    auto fixture = std::make_unique<Fixture>();
    fixture->url = freshDatabaseUrl(engine);
    auto opened = Database::open(fixture->url);
    if (!opened)
        qFatal("cannot open the test database: %s", qPrintable(opened.error().message));
    fixture->db = std::move(opened.value());
    Companies companies(*fixture->db);
    const auto acme = companies.add(TestActor, QStringLiteral("Acme"), Plan::Standard);
    CompanyLimits oneCall;
    oneCall.maxConcurrentCalls = 1;
    const auto beta = companies.add(TestActor, QStringLiteral("Beta"), Plan::Standard, oneCall);
    if (!acme || !beta)
        qFatal("cannot add the test companies");
    fixture->addNumbers(sharedNumbers);
    ApiKeys keys(*fixture->db);
    auto any = keys.create(TestActor, {QStringLiteral("backend"), std::nullopt, std::nullopt, std::nullopt});
    auto scoped = keys.create(TestActor, {QStringLiteral("acme"), acme->id, std::nullopt, std::nullopt});
    if (!any || !scoped)
        qFatal("cannot create the test keys");
    fixture->key = any->secret.toLatin1();
    fixture->keyId = any->key.id;
    fixture->acmeKey = scoped->secret.toLatin1();
    return fixture;
}

QJsonObject allocation(const QString &company, const QString &session,
                       std::optional<int> ttl = std::nullopt) {
    QJsonObject body{{QStringLiteral("company"), company},
                     {QStringLiteral("operator"), QStringLiteral("op-1")},
                     {QStringLiteral("session"), session}};
    if (ttl)
        body.insert(QStringLiteral("ttl_seconds"), *ttl);
    return body;
}

QJsonObject ending(int seconds) {
    return {{QStringLiteral("duration_seconds"), seconds},
            {QStringLiteral("direction"), QStringLiteral("outbound")}};
}

QByteArray formBody(const FormFields &fields) {
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

HttpReply twilioCallback(quint16 port, const FormFields &fields, const QByteArray &signature) {
    Headers headers{
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")}};
    if (!signature.isNull())
        headers.append({QByteArrayLiteral("X-Twilio-Signature"), signature});
    return http(port, "POST", "/twilio/status", formBody(fields), headers);
}

// Twilio's Timestamp field: when the event fired, RFC 2822, UTC.
QString twilioTimestamp(qint64 secsFromNow = 0) {
    return QLocale::c().toString(QDateTime::currentDateTimeUtc().addSecs(secsFromNow),
                                 QStringLiteral("ddd, dd MMM yyyy HH:mm:ss +0000"));
}

QByteArray sign(const FormFields &fields) {
    return TwilioSignature::compute(AuthToken, PublicUrl + QStringLiteral("/twilio/status"), fields);
}

} // namespace

class TestServiceApi : public QObject {
    Q_OBJECT
private slots:
    void allocateAndRelease_data() { addEngineRows(); }
    void allocateAndRelease();
    void refusals_data() { addEngineRows(); }
    void refusals();
    void signsInAsItsOwnLogin();
    void companyAllocationRate_data() { addEngineRows(); }
    void companyAllocationRate();
    void badInputChangesNothing_data() { addEngineRows(); }
    void badInputChangesNothing();
    void leaseRenewalAndExpiry_data() { addEngineRows(); }
    void leaseRenewalAndExpiry();
    void keyScoping_data() { addEngineRows(); }
    void keyScoping();
    void twilioStatusCallbacks_data() { addEngineRows(); }
    void twilioStatusCallbacks();
    void metricsLogAndGracefulShutdown_data() { addEngineRows(); }
    void metricsLogAndGracefulShutdown();
    void shutdownFinishesRequestsUnderWay_data() { addEngineRows(); }
    void shutdownFinishesRequestsUnderWay();
    void storedWebhookBaseUrl_data() { addEngineRows(); }
    void storedWebhookBaseUrl();
    void unauthenticatedRequestsAreLimitedPerAddress_data() { addEngineRows(); }
    void unauthenticatedRequestsAreLimitedPerAddress();
    void lateCallbackNeverEndsAnotherCompanysCall_data() { addEngineRows(); }
    void lateCallbackNeverEndsAnotherCompanysCall();
    void concurrentRequestsKeepThePoolExact_data() { addEngineRows(); }
    void concurrentRequestsKeepThePoolExact();
};

void TestServiceApi::allocateAndRelease() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 2);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());

    HttpReply health = http(service.port(), "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));

    HttpReply allocated = httpJson(service.port(), "POST", "/v1/allocations",
                                   allocation(QStringLiteral("Acme"), QStringLiteral("call-1")), f->key);
    QCOMPARE(allocated.status, 201);
    const QString number = allocated.json().value(QStringLiteral("number")).toString();
    QVERIFY(number.startsWith(QStringLiteral("+1555")));
    QCOMPARE(allocated.json().value(QStringLiteral("kind")).toString(), QStringLiteral("shared"));
    QVERIFY(QDateTime::fromString(allocated.json().value(QStringLiteral("lease_expires_at")).toString(),
                                  Qt::ISODate)
                .isValid());
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);

    // A retried allocation (the backend lost the answer) gets the same number, not a second one.
    HttpReply retried = httpJson(service.port(), "POST", "/v1/allocations",
                                 allocation(QStringLiteral("Acme"), QStringLiteral("call-1")), f->key);
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.json().value(QStringLiteral("number")).toString(), number);
    QCOMPARE(retried.json().value(QStringLiteral("resumed")).toBool(), true);

    HttpReply pool = http(service.port(), "GET", "/v1/pool", {}, bearer(f->key));
    QCOMPARE(pool.status, 200);
    QCOMPARE(pool.json().value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(pool.json().value(QStringLiteral("available")).toInt(), 1);

    HttpReply released = httpJson(service.port(), "DELETE", "/v1/allocations/call-1", ending(61), f->key);
    QCOMPARE(released.status, 200);
    const QJsonObject record = released.json().value(QStringLiteral("call_record")).toObject();
    QCOMPARE(record.value(QStringLiteral("number")).toString(), number);
    QCOMPARE(record.value(QStringLiteral("duration_seconds")).toInt(), 61);
    QCOMPARE(record.value(QStringLiteral("billed_minutes")).toInt(), 2);
    QCOMPARE(record.value(QStringLiteral("company")).toString(), QStringLiteral("Acme"));
    QCOMPARE(released.json().value(QStringLiteral("already_released")).toBool(), false);

    // Idempotent: the repeat returns the same record and counts nothing again.
    HttpReply repeated = httpJson(service.port(), "DELETE", "/v1/allocations/call-1", ending(61), f->key);
    QCOMPARE(repeated.status, 200);
    QCOMPARE(repeated.json().value(QStringLiteral("already_released")).toBool(), true);
    QCOMPARE(repeated.json().value(QStringLiteral("call_record")).toObject().value(QStringLiteral("id")),
             record.value(QStringLiteral("id")));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT calls FROM company_usage_months")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT billed_minutes FROM company_usage_months")), 2);
    QCOMPARE(f->scalar(QStringLiteral("SELECT total_calls FROM phone_numbers WHERE e164 = ?"), {number}), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);

    // A session that never held a number.
    HttpReply unknown = httpJson(service.port(), "DELETE", "/v1/allocations/never-seen", ending(1), f->key);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("unknown_session"));
    // A finished session cannot be reused for a new call.
    HttpReply reused = httpJson(service.port(), "POST", "/v1/allocations",
                                allocation(QStringLiteral("Acme"), QStringLiteral("call-1")), f->key);
    QCOMPARE(reused.status, 409);
    QCOMPARE(reused.errorCode(), QStringLiteral("session_ended"));

    // With the callee named, the answer says which rule picked the number (the fixture's numbers
    // are all in the +1 555 area code), and gives the callee in E.164.
    QJsonObject toCallee = allocation(QStringLiteral("Acme"), QStringLiteral("call-2"));
    toCallee.insert(QStringLiteral("to"), QStringLiteral("+1 (555) 555-0199"));
    HttpReply local = httpJson(service.port(), "POST", "/v1/allocations", toCallee, f->key);
    QCOMPARE(local.status, 201);
    QCOMPARE(local.json().value(QStringLiteral("match")).toString(), QStringLiteral("area_code"));
    QCOMPARE(local.json().value(QStringLiteral("to")).toString(), QStringLiteral("+15555550199"));
    toCallee.insert(QStringLiteral("session"), QStringLiteral("call-3"));
    toCallee.insert(QStringLiteral("to"), QStringLiteral("555-0199"));
    HttpReply wrong = httpJson(service.port(), "POST", "/v1/allocations", toCallee, f->key);
    QCOMPARE(wrong.status, 400);
    QVERIFY(wrong.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("555-0199")));
}

void TestServiceApi::signsInAsItsOwnLogin() {
    // On PostgreSQL the service runs as a login with the service role, under row-level security,
    // its password in PGPASSWORD (never on the command line); a person's narrower login is
    // refused at start with what to use instead.
    auto f = makeFixture(QStringLiteral("postgresql"), 2);
    const QString suffix = QString::number(QDateTime::currentMSecsSinceEpoch() % 100000000);
    const QString password = QStringLiteral("service-test-password-4");
    const auto signedIn = [&](Role role) {
        const QString login = QStringLiteral("svc_%1_%2").arg(toString(role), suffix);
        if (!Members(*f->db).add({login, role, {}, false}, password))
            qFatal("cannot add %s", qPrintable(login));
        QUrl url(f->url);
        url.setUserName(login);
        return url.toString();
    };
    const QString pgPassword = QStringLiteral("PGPASSWORD=") + password;
    ServiceProcess service;
    QVERIFY2(service.start(signedIn(Role::Service), {}, {pgPassword}), service.output().constData());
    const HttpReply allocated = httpJson(service.port(), "POST", "/v1/allocations",
                                         allocation(QStringLiteral("Acme"), QStringLiteral("s1")), f->key);
    QCOMPARE(allocated.status, 201);
    QCOMPARE(httpJson(service.port(), "DELETE", "/v1/allocations/s1", ending(30), f->key).status, 200);

    ServiceProcess asFinance;
    QVERIFY(!asFinance.start(signedIn(Role::Finance), {}, {pgPassword}));
    QVERIFY(asFinance.process().state() == QProcess::NotRunning ||
            asFinance.process().waitForFinished(10000));
    QVERIFY(asFinance.process().exitCode() != 0);
    const QByteArray said = asFinance.output() + asFinance.process().readAll();
    QVERIFY2(said.contains("--role service"), said.constData());
    QVERIFY2(!said.contains(password.toUtf8()), said.constData());
}

void TestServiceApi::companyAllocationRate() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 4);
    CompanyLimits oncePerSecond;
    oncePerSecond.allocationsPerSecond = 1;
    QVERIFY(Companies(*f->db).setLimits(TestActor, QStringLiteral("Acme"), oncePerSecond));
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("a1")), f->key)
                 .status,
             201);
    // The company's rate, not the key's: 429 with Retry-After, and nothing taken.
    HttpReply limited = httpJson(port, "POST", "/v1/allocations",
                                 allocation(QStringLiteral("Acme"), QStringLiteral("a2")), f->key);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.headers.value("retry-after").toInt() >= 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);
    // Another company is not held back by Acme's rate.
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Beta"), QStringLiteral("b1")), f->key)
                 .status,
             201);
}

void TestServiceApi::refusals() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 2);
    ApiKeys keys(*f->db);
    auto slow = keys.create(TestActor, {QStringLiteral("slow"), std::nullopt, 1, 2});
    QVERIFY(slow);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();

    // Beta may hold one call at a time: the second is refused with the limit named.
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Beta"), QStringLiteral("b1")), f->key)
                 .status,
             201);
    HttpReply limited = httpJson(port, "POST", "/v1/allocations",
                                 allocation(QStringLiteral("Beta"), QStringLiteral("b2")), f->key);
    QCOMPARE(limited.status, 403);
    QCOMPARE(limited.errorCode(), QStringLiteral("max_concurrent_calls"));
    QCOMPARE(
        limited.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("limit")).toString(),
        QStringLiteral("max_concurrent_calls"));

    // Two numbers in the pool: the third call is refused as pool exhausted.
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("a1")), f->key)
                 .status,
             201);
    HttpReply exhausted = httpJson(port, "POST", "/v1/allocations",
                                   allocation(QStringLiteral("Acme"), QStringLiteral("a2")), f->key);
    QCOMPARE(exhausted.status, 409);
    QCOMPARE(exhausted.errorCode(), QStringLiteral("pool_exhausted"));
    QVERIFY(!exhausted.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toString()
                 .isEmpty());

    HttpReply unknownCompany = httpJson(port, "POST", "/v1/allocations",
                                        allocation(QStringLiteral("Nobody"), QStringLiteral("n1")), f->key);
    QCOMPARE(unknownCompany.status, 422);
    QCOMPARE(unknownCompany.errorCode(), QStringLiteral("unknown_company"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 2);

    // The "slow" key may send 1 request per second with a burst of 2.
    const QByteArray slowKey = slow->secret.toLatin1();
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(slowKey)).status, 200);
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(slowKey)).status, 200);
    HttpReply throttled = httpJson(port, "POST", "/v1/allocations",
                                   allocation(QStringLiteral("Acme"), QStringLiteral("s1")), slowKey);
    QCOMPARE(throttled.status, 429);
    QCOMPARE(throttled.errorCode(), QStringLiteral("rate_limited"));
    const int retryAfter = throttled.headers.value("retry-after").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 2, throttled.headers.value("retry-after").constData());
    // Other keys are not slowed down by it.
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(f->key)).status, 200);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 2);
}

void TestServiceApi::badInputChangesNothing() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 2);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--max-body"), QStringLiteral("4096")}),
             service.output().constData());
    const quint16 port = service.port();
    const Headers json = bearer(f->key) + Headers{{"Content-Type", "application/json"}};

    struct Case {
        const char *name;
        QByteArray method;
        QByteArray path;
        QByteArray body;
        Headers headers;
        int status;
        QString code;
        QString field = {}; // the field an invalid_field error names
    };
    const QByteArray longSession =
        "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"" + QByteArray(201, 's') + "\"}";
    const QList<Case> cases = {
        {"malformed JSON", "POST", "/v1/allocations", "{\"company\": \"Acme\",", json, 400,
         QStringLiteral("invalid_json")},
        {"not an object", "POST", "/v1/allocations", "[1,2]", json, 400, QStringLiteral("invalid_json")},
        {"empty body", "POST", "/v1/allocations", "", json, 400, QStringLiteral("invalid_json")},
        {"wrong type", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"x1\",\"ttl_seconds\":\"60\"}", json, 400,
         QStringLiteral("invalid_field")},
        {"fractional ttl", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"x1\",\"ttl_seconds\":1.5}", json, 400,
         QStringLiteral("invalid_field")},
        {"number as company", "POST", "/v1/allocations",
         "{\"company\":7,\"operator\":\"o\",\"session\":\"x1\"}", json, 400, QStringLiteral("invalid_field")},
        {"missing session", "POST", "/v1/allocations", "{\"company\":\"Acme\",\"operator\":\"o\"}", json, 400,
         QStringLiteral("invalid_field")},
        {"unknown field", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"x1\",\"ttl\":60}", json, 400,
         QStringLiteral("invalid_field")},
        {"huge body", "POST", "/v1/allocations", QByteArray(200 * 1024, 'x'), json, 413,
         QStringLiteral("payload_too_large")},
        {"no key",
         "POST",
         "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"x1\"}",
         {},
         401,
         QStringLiteral("unauthorized")},
        {"wrong key", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"x1\"}", bearer("pdk_not-a-real-key"), 401,
         QStringLiteral("invalid_key")},
        {"negative duration", "DELETE", "/v1/allocations/x1",
         "{\"duration_seconds\":-5,\"direction\":\"outbound\"}", json, 400, QStringLiteral("invalid_field")},
        {"bad direction", "DELETE", "/v1/allocations/x1",
         "{\"duration_seconds\":5,\"direction\":\"sideways\"}", json, 400, QStringLiteral("invalid_field")},
        {"bad call SID", "POST", "/v1/allocations/x1/call", "{\"call_sid\":\"CA 12\"}", json, 400,
         QStringLiteral("invalid_field")},
        {"wrong method", "GET", "/v1/allocations", "", json, 405, QStringLiteral("method_not_allowed")},
        {"unknown path", "GET", "/v2/things", "", json, 404, QStringLiteral("not_found")},
        {"control character in session", "DELETE", "/v1/allocations/a%01b",
         "{\"duration_seconds\":5,\"direction\":\"outbound\"}", json, 400, QStringLiteral("invalid_field"),
         QStringLiteral("session")},
        {"invalid UTF-8 in the path's session", "DELETE", "/v1/allocations/%ff%fe",
         "{\"duration_seconds\":5,\"direction\":\"outbound\"}", json, 400, QStringLiteral("invalid_field"),
         QStringLiteral("session")},
        {"lone surrogate in session", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"\\udfff\"}", json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("session")},
        {"space inside session", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"o\",\"session\":\"a b\"}", json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("session")},
        {"session of 201 characters", "POST", "/v1/allocations", longSession, json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("session")},
        {"lone surrogate in operator", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"\\ud800x\",\"session\":\"x1\"}", json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("operator")},
        {"right-to-left override in operator", "POST", "/v1/allocations",
         "{\"company\":\"Acme\",\"operator\":\"op\\u202e1\",\"session\":\"x1\"}", json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("operator")},
        {"lone surrogate in company", "POST", "/v1/allocations",
         "{\"company\":\"\\udc00\",\"operator\":\"o\",\"session\":\"x1\"}", json, 400,
         QStringLiteral("invalid_field"), QStringLiteral("company")},
    };
    for (const Case &c : cases) {
        const HttpReply reply = http(port, c.method, c.path, c.body, c.headers);
        QVERIFY2(reply.status == c.status, qPrintable(QStringLiteral("%1: status %2, body %3")
                                                          .arg(QLatin1String(c.name))
                                                          .arg(reply.status)
                                                          .arg(QString::fromUtf8(reply.body))));
        QVERIFY2(reply.errorCode() == c.code, c.name);
        if (!c.field.isEmpty())
            QVERIFY2(reply.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("field")) ==
                         c.field,
                     c.name);
        QVERIFY2(!reply.json()
                      .value(QStringLiteral("error"))
                      .toObject()
                      .value(QStringLiteral("message"))
                      .toString()
                      .isEmpty(),
                 c.name);
    }
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status <> 'available'")), 0);

    // The service is still healthy after all that, and a revoked key stops working at once.
    QCOMPARE(http(port, "GET", "/healthz").status, 200);
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(f->key)).status, 200);
    QVERIFY(ApiKeys(*f->db).revoke(TestActor, f->keyId));
    // The service reuses a key check for up to ServiceApi::KeyCacheMs (one second).
    HttpReply revoked;
    QElapsedTimer timer;
    timer.start();
    do {
        revoked = http(port, "GET", "/v1/pool", {}, bearer(f->key));
    } while (revoked.status == 200 && timer.elapsed() < 10000 && (QThread::msleep(50), true));
    QCOMPARE(revoked.status, 401);
    QCOMPARE(revoked.errorCode(), QStringLiteral("invalid_key"));
}

void TestServiceApi::leaseRenewalAndExpiry() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--reap-interval"), QStringLiteral("1")}),
             service.output().constData());
    const quint16 port = service.port();

    HttpReply allocated =
        httpJson(port, "POST", "/v1/allocations",
                 allocation(QStringLiteral("Acme"), QStringLiteral("long-call"), 60), f->key);
    QCOMPARE(allocated.status, 201);
    const qint64 firstExpiry = allocated.json().value(QStringLiteral("lease_expires_epoch")).toInteger();
    HttpReply renewed = httpJson(port, "POST", "/v1/allocations/long-call/renew",
                                 {{QStringLiteral("ttl_seconds"), 3600}}, f->key);
    QCOMPARE(renewed.status, 200);
    const qint64 renewedExpiry = renewed.json().value(QStringLiteral("lease_expires_epoch")).toInteger();
    QVERIFY2(renewedExpiry >= firstExpiry + 3000,
             qPrintable(QStringLiteral("%1 -> %2").arg(firstExpiry).arg(renewedExpiry)));
    QCOMPARE(
        f->scalar(QStringLiteral("SELECT lease_expires_at FROM reservations WHERE session = 'long-call'")),
        renewedExpiry);
    // The renewed call is under way: the number shows as in use.
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status = 'in_use'")), 1);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations/nobody/renew", {}, f->key).status, 404);
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/long-call", ending(3000), f->key).status, 200);

    // A backend that crashes never releases: the service frees the number when the lease runs out.
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("crashed"), 1), f->key)
                 .status,
             201);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("waiting")), f->key)
                 .status,
             409);
    QElapsedTimer timer;
    timer.start();
    while (f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")) != 0 && timer.elapsed() < 20000)
        QThread::msleep(100);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status = 'available'")), 1);
    QCOMPARE(
        f->scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'allocation.lease_expired'")),
        1);
    // Its late release finds nothing to count; the number is free for the next call.
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/crashed", ending(5), f->key).status, 404);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("waiting")), f->key)
                 .status,
             201);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 1);
}

void TestServiceApi::keyScoping() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 3);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();

    HttpReply foreign = httpJson(port, "POST", "/v1/allocations",
                                 allocation(QStringLiteral("Beta"), QStringLiteral("b1")), f->acmeKey);
    QCOMPARE(foreign.status, 403);
    QCOMPARE(foreign.errorCode(), QStringLiteral("key_scope"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);

    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("a1")), f->acmeKey)
                 .status,
             201);
    // Beta's session, allocated with the unscoped key, is invisible to Acme's key.
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Beta"), QStringLiteral("b1")), f->key)
                 .status,
             201);
    HttpReply steal = httpJson(port, "DELETE", "/v1/allocations/b1", ending(10), f->acmeKey);
    QCOMPARE(steal.status, 404);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations/b1/renew", {}, f->acmeKey).status, 404);
    QCOMPARE(
        httpJson(port, "POST", "/v1/allocations/b1/call", {{QStringLiteral("call_sid"), sid(1)}}, f->acmeKey)
            .status,
        404);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'b1'")), 1);
    // Sessions belong to their company: Acme may use the name too, and gets its own call.
    HttpReply sameName = httpJson(port, "POST", "/v1/allocations",
                                  allocation(QStringLiteral("Acme"), QStringLiteral("b1")), f->acmeKey);
    QCOMPARE(sameName.status, 201);
    QCOMPARE(sameName.json().value(QStringLiteral("resumed")).toBool(), false);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'b1'")), 2);
    // An unscoped key must name the company when two use the name; a scoped key cannot name another.
    HttpReply ambiguous = httpJson(port, "DELETE", "/v1/allocations/b1", ending(10), f->key);
    QCOMPARE(ambiguous.status, 409);
    QCOMPARE(ambiguous.errorCode(), QStringLiteral("ambiguous_session"));
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/b1?company=Beta", ending(10), f->acmeKey).status, 403);
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/b1?company=Nobody", ending(10), f->key).status, 422);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'b1'")), 2);
    HttpReply betaEnded = httpJson(port, "DELETE", "/v1/allocations/b1?company=Beta", ending(10), f->key);
    QCOMPARE(betaEnded.status, 200);
    QCOMPARE(
        betaEnded.json().value(QStringLiteral("call_record")).toObject().value(QStringLiteral("company")),
        QStringLiteral("Beta"));
    HttpReply acmeEnded = httpJson(port, "DELETE", "/v1/allocations/b1", ending(10), f->acmeKey);
    QCOMPARE(acmeEnded.status, 200);
    QCOMPARE(acmeEnded.json().value(QStringLiteral("already_released")).toBool(), false);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'b1'")), 0);
    // Its own session it can end; the pool view shows only its company.
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/a1", ending(10), f->acmeKey).status, 200);
    const QJsonArray companies = http(port, "GET", "/v1/pool", {}, bearer(f->acmeKey))
                                     .json()
                                     .value(QStringLiteral("companies"))
                                     .toArray();
    QCOMPARE(companies.size(), 1);
    QCOMPARE(companies.first().toObject().value(QStringLiteral("company")).toString(),
             QStringLiteral("Acme"));
}

void TestServiceApi::twilioStatusCallbacks() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 3);
    ServiceProcess unconfigured;
    QVERIFY2(unconfigured.start(f->url), unconfigured.output().constData());
    // Without an auth token nothing can be verified, so nothing is accepted.
    QCOMPARE(twilioCallback(unconfigured.port(), {{QStringLiteral("CallSid"), sid(1)}}, "x").status, 503);
    QCOMPARE(unconfigured.terminate(), 0);

    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--public-url"), PublicUrl},
                           {QStringLiteral("TWILIO_AUTH_TOKEN=") + QString::fromLatin1(AuthToken)}),
             service.output().constData());
    const quint16 port = service.port();

    HttpReply first = httpJson(port, "POST", "/v1/allocations",
                               allocation(QStringLiteral("Acme"), QStringLiteral("s1")), f->key);
    QCOMPARE(first.status, 201);
    const QString firstNumber = first.json().value(QStringLiteral("number")).toString();
    QCOMPARE(httpJson(port, "POST", "/v1/allocations/s1/call", {{QStringLiteral("call_sid"), sid(1)}}, f->key)
                 .status,
             200);

    const FormFields completed{
        {QStringLiteral("AccountSid"), QStringLiteral("AC%1").arg(0, 32, 10, QLatin1Char('0'))},
        {QStringLiteral("CallSid"), sid(1)},
        {QStringLiteral("CallStatus"), QStringLiteral("completed")},
        {QStringLiteral("CallDuration"), QStringLiteral("125")},
        {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
        {QStringLiteral("From"), firstNumber},
        {QStringLiteral("To"), QStringLiteral("+81312345678")}};

    // Forged: signed with another token, signed for the listen address, tampered, unsigned.
    const QByteArray forgedToken =
        TwilioSignature::compute("wrong-token", PublicUrl + QStringLiteral("/twilio/status"), completed);
    const QByteArray wrongUrl = TwilioSignature::compute(
        AuthToken, QStringLiteral("http://127.0.0.1:%1/twilio/status").arg(port), completed);
    FormFields tampered = completed;
    tampered[3].second = QStringLiteral("1");
    for (const auto &[fields, signature] :
         {std::pair{completed, forgedToken}, std::pair{completed, wrongUrl},
          std::pair{tampered, sign(completed)}, std::pair{completed, QByteArray()}}) {
        const HttpReply refused = twilioCallback(port, fields, signature);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), QStringLiteral("invalid_signature"));
    }
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 0);

    // Signed: releases the session the CallSid was attached to, with Twilio's duration.
    HttpReply released = twilioCallback(port, completed, sign(completed));
    QCOMPARE(released.status, 200);
    QCOMPARE(released.json().value(QStringLiteral("result")).toString(), QStringLiteral("released"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT duration_seconds FROM call_records WHERE session = 's1'")),
             125);
    QCOMPARE(f->scalar(QStringLiteral("SELECT billed_minutes FROM call_records WHERE session = 's1'")), 3);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);

    // Replayed (Twilio retries, or someone resends a captured request): nothing is counted twice.
    for (int i = 0; i < 2; ++i) {
        HttpReply replay = twilioCallback(port, completed, sign(completed));
        QCOMPARE(replay.status, 200);
        QCOMPARE(replay.json().value(QStringLiteral("result")).toString(),
                 QStringLiteral("already_released"));
    }
    // A backend that also reports the end itself does not double count either.
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/s1", ending(125), f->key)
                 .json()
                 .value(QStringLiteral("already_released"))
                 .toBool(),
             true);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT calls FROM company_usage_months")), 1);

    // No CallSid attached: the outbound call is matched by the number it called from.
    HttpReply second = httpJson(port, "POST", "/v1/allocations",
                                allocation(QStringLiteral("Acme"), QStringLiteral("s2")), f->key);
    QCOMPARE(second.status, 201);
    const FormFields ringing{
        {QStringLiteral("CallSid"), sid(2)},
        {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
        {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
        {QStringLiteral("From"), second.json().value(QStringLiteral("number")).toString()}};
    HttpReply notYet = twilioCallback(port, ringing, sign(ringing));
    QCOMPARE(notYet.status, 200);
    QCOMPARE(notYet.json().value(QStringLiteral("result")).toString(), QStringLiteral("ignored"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);
    FormFields byFrom = ringing;
    byFrom[1].second = QStringLiteral("completed");
    byFrom.append({QStringLiteral("CallDuration"), QStringLiteral("30")});
    // Without Twilio's Timestamp the call's start is unknown, so the number proves nothing.
    HttpReply unproven = twilioCallback(port, byFrom, sign(byFrom));
    QCOMPARE(unproven.json().value(QStringLiteral("result")).toString(), QStringLiteral("ignored"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 's2'")), 1);
    byFrom.append({QStringLiteral("Timestamp"), twilioTimestamp(40)});
    HttpReply matched = twilioCallback(port, byFrom, sign(byFrom));
    QCOMPARE(matched.status, 200);
    QCOMPARE(matched.json().value(QStringLiteral("session")).toString(), QStringLiteral("s2"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT call_sid FROM call_records WHERE session = 's2'")) == -1,
             false);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records WHERE call_sid = ?"), {sid(2)}), 1);
    QCOMPARE(twilioCallback(port, byFrom, sign(byFrom)).json().value(QStringLiteral("result")).toString(),
             QStringLiteral("already_released"));

    // A late callback for an earlier call on a number that is now held by a newer session (an
    // hour-long call that began before this reservation) does not end the newer session.
    HttpReply third = httpJson(port, "POST", "/v1/allocations",
                               allocation(QStringLiteral("Acme"), QStringLiteral("s3")), f->key);
    QCOMPARE(third.status, 201);
    const FormFields earlierCall{
        {QStringLiteral("CallSid"), sid(4)},
        {QStringLiteral("CallStatus"), QStringLiteral("completed")},
        {QStringLiteral("CallDuration"), QStringLiteral("3600")},
        {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
        {QStringLiteral("From"), third.json().value(QStringLiteral("number")).toString()},
        {QStringLiteral("Timestamp"), twilioTimestamp()}};
    QCOMPARE(twilioCallback(port, earlierCall, sign(earlierCall))
                 .json()
                 .value(QStringLiteral("result"))
                 .toString(),
             QStringLiteral("ignored"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 's3'")), 1);

    // A callback for a call PoolDesk never handed a number to changes nothing.
    const FormFields stranger{{QStringLiteral("CallSid"), sid(3)},
                              {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                              {QStringLiteral("CallDuration"), QStringLiteral("9")},
                              {QStringLiteral("Direction"), QStringLiteral("inbound")},
                              {QStringLiteral("From"), QStringLiteral("+14155550100")}};
    QCOMPARE(twilioCallback(port, stranger, sign(stranger)).json().value(QStringLiteral("result")).toString(),
             QStringLiteral("ignored"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 2);
    QCOMPARE(f->scalar(QStringLiteral("SELECT SUM(calls) FROM company_usage_months")), 2);
}

void TestServiceApi::unauthenticatedRequestsAreLimitedPerAddress() {
    // Guessing keys costs the database nothing once an address has used its share (20 refusals at
    // once, then 5 a second): the answer is 429 with Retry-After. Valid keys are never counted, and
    // the same address's valid key still works (it was looked up before the guessing began).
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--threads"), QStringLiteral("1")}),
             service.output().constData());
    const quint16 port = service.port();
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(f->key)).status, 200);
    int unauthorized = 0, limited = 0, other = 0;
    for (int i = 0; i < 60; ++i) {
        const HttpReply reply =
            http(port, "GET", "/v1/pool", {}, bearer("pdk_guess" + QByteArray::number(i)));
        if (reply.status == 401)
            ++unauthorized;
        else if (reply.status == 429 && reply.headers.value("retry-after").toInt() >= 1 &&
                 reply.errorCode() == QLatin1String("rate_limited"))
            ++limited;
        else
            ++other;
    }
    QVERIFY2(
        unauthorized >= 20 && limited > 0 && other == 0,
        qPrintable(QStringLiteral("401: %1, 429: %2, other: %3").arg(unauthorized).arg(limited).arg(other)));
    QCOMPARE(http(port, "GET", "/v1/pool", {}, bearer(f->key)).status, 200);
}

void TestServiceApi::lateCallbackNeverEndsAnotherCompanysCall() {
    // One shared number. Acme's call on it ends and its backend releases the session without the
    // CallSid; the number goes to Beta's next call; then Twilio's callback for Acme's call
    // arrives (late, or replayed). It must not end or bill Beta's call.
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--public-url"), PublicUrl},
                           {QStringLiteral("TWILIO_AUTH_TOKEN=") + QString::fromLatin1(AuthToken)}),
             service.output().constData());
    const quint16 port = service.port();
    HttpReply acme = httpJson(port, "POST", "/v1/allocations",
                              allocation(QStringLiteral("Acme"), QStringLiteral("acme-call")), f->key);
    QCOMPARE(acme.status, 201);
    const QString number = acme.json().value(QStringLiteral("number")).toString();
    const QString acmeEnded = twilioTimestamp();
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/acme-call", ending(5), f->key).status, 200);
    HttpReply beta = httpJson(port, "POST", "/v1/allocations",
                              allocation(QStringLiteral("Beta"), QStringLiteral("beta-call")), f->key);
    QCOMPARE(beta.status, 201);
    QCOMPARE(beta.json().value(QStringLiteral("number")).toString(), number);

    const FormFields late{{QStringLiteral("CallSid"), sid(7)},
                          {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                          {QStringLiteral("CallDuration"), QStringLiteral("5")},
                          {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
                          {QStringLiteral("From"), number},
                          {QStringLiteral("To"), QStringLiteral("+81312345678")},
                          {QStringLiteral("Timestamp"), acmeEnded}};
    for (int attempt = 0; attempt < 3; ++attempt) { // Twilio retries; someone may replay it
        HttpReply reply = twilioCallback(port, late, sign(late));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("result")).toString(), QStringLiteral("ignored"));
        QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("unknown_call"));
    }
    // Nor does a callback that gives no time at all.
    FormFields undated = late;
    undated.removeLast();
    undated[0].second = sid(8);
    QCOMPARE(twilioCallback(port, undated, sign(undated)).json().value(QStringLiteral("result")).toString(),
             QStringLiteral("ignored"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'beta-call'")), 1);
    const QString betaCalls = QStringLiteral("SELECT COALESCE(SUM(u.calls), 0) FROM company_usage_months u "
                                             "JOIN companies c ON c.id = u.company_id WHERE c.name = 'Beta'");
    QCOMPARE(f->scalar(betaCalls), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 1);
    // Kept, once per call, not lost.
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM twilio_unmatched_callbacks")), 2);
    QCOMPARE(f->scalar(
                 QStringLiteral("SELECT duration_seconds FROM twilio_unmatched_callbacks WHERE call_sid = ?"),
                 {sid(7)}),
             5);

    // Beta's own call, which began after its reservation, is still ended by its callback.
    const FormFields own{{QStringLiteral("CallSid"), sid(9)},
                         {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                         {QStringLiteral("CallDuration"), QStringLiteral("20")},
                         {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
                         {QStringLiteral("From"), number},
                         {QStringLiteral("Timestamp"), twilioTimestamp(30)}};
    HttpReply ended = twilioCallback(port, own, sign(own));
    QCOMPARE(ended.json().value(QStringLiteral("result")).toString(), QStringLiteral("released"));
    QCOMPARE(ended.json().value(QStringLiteral("session")).toString(), QStringLiteral("beta-call"));
    QCOMPARE(f->scalar(betaCalls), 1);
}

void TestServiceApi::metricsLogAndGracefulShutdown() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 1);
    QTemporaryDir dir;
    const QString logPath = dir.filePath(QStringLiteral("access.log"));
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--access-log"), logPath}), service.output().constData());
    const quint16 port = service.port();
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("m1")), f->key)
                 .status,
             201);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("m2")), f->key)
                 .status,
             409);

    HttpReply metrics = http(port, "GET", "/metrics");
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.headers.value("content-type").startsWith("text/plain"));
    const QByteArray text = metrics.body;
    QVERIFY(text.contains("pooldesk_allocations_total{kind=\"shared\"} 1\n"));
    QVERIFY(text.contains("pooldesk_refusals_total{reason=\"pool_exhausted\"} 1\n"));
    QVERIFY(text.contains("pooldesk_pool_numbers{environment=\"development\",status=\"reserved\"} 1\n"));
    QVERIFY(text.contains("pooldesk_pool_numbers{environment=\"development\",status=\"available\"} 0\n"));
    QVERIFY(
        text.contains("pooldesk_http_request_duration_seconds_bucket{route=\"allocate\",le=\"+Inf\"} 2\n"));
    QVERIFY(text.contains("pooldesk_http_request_duration_seconds_count{route=\"allocate\"} 2\n"));

    // SIGTERM: a clean exit, and the log has one line per request, without the key.
    QCOMPARE(service.terminate(), 0);
    QFile log(logPath);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    for (const QByteArray &line : lines) {
        QVERIFY2(!line.contains(f->key) && !line.contains("Bearer"), line.constData());
        QVERIFY(QJsonDocument::fromJson(line).isObject());
    }
    QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(QStringLiteral("status")).toInt(), 409);
    QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(QStringLiteral("reason")).toString(),
             QStringLiteral("pool_exhausted"));
}

void TestServiceApi::shutdownFinishesRequestsUnderWay() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 2);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());

    // A request whose body is still arriving when SIGTERM comes.
    const QByteArray body = QJsonDocument(allocation(QStringLiteral("Acme"), QStringLiteral("late")))
                                .toJson(QJsonDocument::Compact);
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), service.port());
    QVERIFY(socket.waitForConnected(10000));
    socket.write("POST /v1/allocations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + f->key +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                 "\r\n\r\n" + body.left(10));
    QVERIFY(socket.waitForBytesWritten(10000));
    // An idle keep-alive connection must not hold the shutdown up.
    QTcpSocket idle;
    idle.connectToHost(QStringLiteral("127.0.0.1"), service.port());
    QVERIFY(idle.waitForConnected(10000));
    QThread::msleep(200);

    ::kill(pid_t(service.process().processId()), SIGTERM);
    QThread::msleep(300);
    QCOMPARE(service.process().state(), QProcess::Running); // still finishing the request
    // New connections are no longer accepted.
    QCOMPARE(http(service.port(), "GET", "/healthz", {}, {}, 2000).status, 0);

    socket.write(body.mid(10));
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (!answer.contains("\r\n\r\n{") && timer.elapsed() < 20000 && socket.waitForReadyRead(20000))
        answer += socket.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 201"), answer.constData());
    QVERIFY(answer.contains("Connection: close"));
    QVERIFY(service.process().waitForFinished(20000));
    QCOMPARE(service.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(service.process().exitCode(), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'late'")), 1);
}

// Without --public-url the service verifies callbacks against the environment's stored webhook
// base URL (what `pooldeskctl env set --webhook-base-url` and the console's Settings store).
void TestServiceApi::storedWebhookBaseUrl() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 2);
    EnvironmentChange change;
    change.webhookBaseUrl = QUrl(PublicUrl);
    QVERIFY(Environments(*f->db).set(TestActor, DevelopmentEnvironment, change));
    ServiceProcess service;
    QVERIFY2(
        service.start(f->url, {}, {QStringLiteral("TWILIO_AUTH_TOKEN=") + QString::fromLatin1(AuthToken)}),
        service.output().constData());
    const quint16 port = service.port();
    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      allocation(QStringLiteral("Acme"), QStringLiteral("s1")), f->key)
                 .status,
             201);
    QCOMPARE(httpJson(port, "POST", "/v1/allocations/s1/call", {{QStringLiteral("call_sid"), sid(7)}}, f->key)
                 .status,
             200);
    const FormFields completed{{QStringLiteral("CallSid"), sid(7)},
                               {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                               {QStringLiteral("CallDuration"), QStringLiteral("30")},
                               {QStringLiteral("Direction"), QStringLiteral("outbound-api")}};
    QCOMPARE(twilioCallback(port, completed, "forged").status, 403);
    const HttpReply released = twilioCallback(port, completed, sign(completed));
    QCOMPARE(released.status, 200);
    QCOMPARE(released.json().value(QStringLiteral("result")).toString(), QStringLiteral("released"));
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
}

// Many backends at once: on SQLite the requests that arrive together share one commit, each a
// savepoint of it. A refused request must take back only its own changes, and nothing may be
// handed out twice or counted twice.
void TestServiceApi::concurrentRequestsKeepThePoolExact() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 8);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();

    // 12 sessions for Acme and 4 for Beta (at most one call at a time), all sent at once: more
    // than the 8 numbers.
    QList<QPair<QString, QString>> wanted; // company, session
    for (int i = 0; i < 12; ++i)
        wanted.append({QStringLiteral("Acme"), QStringLiteral("acme-%1").arg(i)});
    for (int i = 0; i < 4; ++i)
        wanted.append({QStringLiteral("Beta"), QStringLiteral("beta-%1").arg(i)});
    const QByteArray key = f->key;
    QList<HttpReply> replies(wanted.size());
    {
        std::vector<std::thread> senders;
        for (qsizetype i = 0; i < wanted.size(); ++i)
            senders.emplace_back([&, i] {
                replies[i] = httpJson(port, "POST", "/v1/allocations",
                                      allocation(wanted.at(i).first, wanted.at(i).second), key);
            });
        for (std::thread &sender : senders)
            sender.join();
    }
    QSet<QString> numbers;
    QStringList held;
    int betaCalls = 0;
    for (qsizetype i = 0; i < replies.size(); ++i) {
        const HttpReply &reply = replies.at(i);
        const bool beta = wanted.at(i).first == QLatin1String("Beta");
        if (reply.status == 201) {
            numbers.insert(reply.json().value(QStringLiteral("number")).toString());
            held.append(wanted.at(i).second);
            betaCalls += beta ? 1 : 0;
            continue;
        }
        const QString reason = reply.errorCode();
        QVERIFY2(
            (reply.status == 409 && reason == QLatin1String("pool_exhausted")) ||
                (beta && reply.status == 403 && reason == QLatin1String("max_concurrent_calls")),
            qPrintable(QStringLiteral("%1: %2 %3").arg(wanted.at(i).second).arg(reply.status).arg(reason)));
    }
    QCOMPARE(held.size(), 8);    // the whole pool, and no more
    QCOMPARE(numbers.size(), 8); // never one number twice
    QVERIFY(betaCalls <= 1);     // Beta's limit held
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 8);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status = 'available'")), 0);

    // All of them end at once; each call lasted 61 s or more (2 billed minutes each).
    QList<HttpReply> endings(held.size());
    {
        std::vector<std::thread> senders;
        for (qsizetype i = 0; i < held.size(); ++i)
            senders.emplace_back([&, i] {
                endings[i] = httpJson(port, "DELETE", "/v1/allocations/" + held.at(i).toUtf8(),
                                      ending(61 + int(i)), key);
            });
        for (std::thread &sender : senders)
            sender.join();
    }
    for (const HttpReply &reply : std::as_const(endings))
        QCOMPARE(reply.status, 200);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 8);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COALESCE(SUM(calls), 0) FROM company_usage_months")), 8);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COALESCE(SUM(billed_minutes), 0) FROM company_usage_months")),
             16);
    QCOMPARE(f->scalar(QStringLiteral("SELECT SUM(total_calls) FROM phone_numbers")), 8);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status = 'available'")), 8);
}

QTEST_GUILESS_MAIN(TestServiceApi)
#include "tst_serviceapi.moc"
