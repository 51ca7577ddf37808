// pooldesk-service: the pool's HTTP API for call backends, and Twilio's status callbacks.

#include "SignalWatcher.h"
#include "Translations.h"

#include "about/AppInfo.h"
#include "about/DebugInfo.h"
#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"
#include "domain/Types.h"
#include "security/AuditSigning.h"
#include "service/PoolService.h"
#include "service/WebhookCredentials.h"
#include "storage/Database.h"
#include "storage/DatabaseUrl.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QLocale>
#include <QTextStream>

using namespace PoolDesk;

namespace {

constexpr int ExitSuccess = 0;
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;

bool readInt(const QCommandLineParser &parser, const QString &name, int minimum, int maximum, int *target,
             QTextStream &err) {
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < minimum || value > maximum) {
        err << QCoreApplication::translate(
                   "pooldesk-service", "usage error: --%1 takes a whole number from %2 to %3 (got \"%4\").")
                   .arg(name)
                   .arg(minimum)
                   .arg(maximum)
                   .arg(parser.value(name))
            << Qt::endl;
        return false;
    }
    *target = value;
    return true;
}

// What status callbacks are verified with: TWILIO_AUTH_TOKEN and --public-url (or
// POOLDESK_PUBLIC_URL) when given, else the environment's stored profile: its webhook base URL and,
// when it authenticates with the auth token, that token from the OS keychain (a bounded wait: a
// service without a keychain, under systemd, says so and goes on).
FixedWebhookCredentials resolveWebhookCredentials(const ServiceConfig &config, const QString &publicUrl,
                                                  QTextStream &err) {
    QByteArray token = CredentialResolver::processEnvironment()
                           .value(QStringLiteral("TWILIO_AUTH_TOKEN"))
                           .trimmed()
                           .toUtf8();
    QString base = publicUrl.isEmpty() ? qEnvironmentVariable("POOLDESK_PUBLIC_URL").trimmed() : publicUrl;
    if (!token.isEmpty() && !base.isEmpty())
        return FixedWebhookCredentials(token, base);
    auto db = Database::open(config.databaseUrl);
    if (!db)
        return FixedWebhookCredentials(token, base); // start() reports the database problem
    auto profile = Environments(*db.value()).find(config.environment);
    if (!profile)
        return FixedWebhookCredentials(token, base);
    if (base.isEmpty())
        base = profile->webhookBaseUrl.toString();
    if (profile->statusCallbackPath != QLatin1String("/twilio/status"))
        err << QCoreApplication::translate(
                   "pooldesk-service",
                   "warning: the %1 environment's status callbacks go to %2; this service "
                   "answers them at /twilio/status, so route that path here.")
                   .arg(config.environment, profile->statusCallbackPath)
            << Qt::endl;
    if (!token.isEmpty() || profile->accountSid.isEmpty())
        return FixedWebhookCredentials(token, base);
    if (profile->usesApiKey()) {
        err << QCoreApplication::translate(
                   "pooldesk-service",
                   "warning: the %1 environment authenticates with an API key, but Twilio signs status "
                   "callbacks with the account's auth token: set TWILIO_AUTH_TOKEN for the service.")
                   .arg(config.environment)
            << Qt::endl;
        return FixedWebhookCredentials(token, base);
    }
    SecretStore store;
    store.setTimeout(5000);
    QEventLoop loop;
    store.read(profile->secretKey(), &loop, [&](Result<QString> secret) {
        if (secret)
            token = secret.value().toUtf8();
        else
            err << QCoreApplication::translate(
                       "pooldesk-service", "warning: cannot read the %1 environment's auth token from the "
                                           "keychain (%2). Set TWILIO_AUTH_TOKEN for the service.")
                       .arg(config.environment, secret.error().message)
                << Qt::endl;
        loop.quit();
    });
    loop.exec();
    return FixedWebhookCredentials(token, base);
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    AppInfo::identifyApplication();
    Translations::install();
    QTextStream out(stdout);
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "pooldesk-service",
        "PoolDesk pool service: call backends get and return phone numbers over HTTP "
        "(Authorization: Bearer KEY; create keys with pooldeskctl service key create), and Twilio's status "
        "callbacks (POST /twilio/status, signature-checked) release numbers when calls end.\n\n"
        "Environment: TWILIO_AUTH_TOKEN (verifies X-Twilio-Signature; under systemd, the twilio-auth-token "
        "credential), POOLDESK_PUBLIC_URL, POOLDESK_DB, "
        "POOLDESK_ENV. Without TWILIO_AUTH_TOKEN and a public URL, the environment's stored webhook base "
        "URL and auth token (OS keychain) are used."));
    parser.addHelpOption();
    const QCommandLineOption versionOption(
        {QStringLiteral("v"), QStringLiteral("version")},
        QCoreApplication::translate("pooldesk-service", "Displays version information."));
    const QCommandLineOption debugInfoOption(
        QStringLiteral("debug-info"),
        QCoreApplication::translate("pooldesk-service",
                                    "Prints what a bug report needs (versions, Qt, system, "
                                    "SQL drivers, keychain) and exits."));
    parser.addOptions({versionOption, debugInfoOption});
    const ServiceConfig defaults;
    parser.addOptions({
        {QStringLiteral("db"),
         QCoreApplication::translate(
             "pooldesk-service",
             "A path, sqlite:PATH or postgresql://user:pass@host:port/db (env POOLDESK_DB; default %1).")
             .arg(DatabaseUrl::defaultSqlitePath()),
         QCoreApplication::translate("pooldesk-service", "URL")},
        {QStringLiteral("env"),
         QCoreApplication::translate(
             "pooldesk-service",
             "The environment whose pool this serves (env POOLDESK_ENV; default development)."),
         QCoreApplication::translate("pooldesk-service", "NAME")},
        {QStringLiteral("listen"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Address and port to listen on (default 127.0.0.1:%1; port 0 picks a free one).")
             .arg(defaults.port),
         QCoreApplication::translate("pooldesk-service", "ADDR:PORT")},
        {QStringLiteral("public-url"),
         QCoreApplication::translate(
             "pooldesk-service",
             "The webhook base URL Twilio calls, e.g. https://example.ngrok-free.app; Twilio signs "
             "<URL>/twilio/status (env POOLDESK_PUBLIC_URL; default the environment's stored webhook base "
             "URL)."),
         QCoreApplication::translate("pooldesk-service", "URL")},
        {QStringLiteral("threads"),
         QCoreApplication::translate("pooldesk-service",
                                     "Worker threads (default 1 on SQLite, 4 on PostgreSQL)."),
         QCoreApplication::translate("pooldesk-service", "N")},
        {QStringLiteral("rate-limit"),
         QCoreApplication::translate(
             "pooldesk-service", "Requests per second per API key, unless the key sets its own (default %1).")
             .arg(defaults.rateLimit.ratePerSecond),
         QCoreApplication::translate("pooldesk-service", "N")},
        {QStringLiteral("burst"),
         QCoreApplication::translate("pooldesk-service",
                                     "Requests a key may send at once after a quiet spell (default %1).")
             .arg(defaults.rateLimit.burst),
         QCoreApplication::translate("pooldesk-service", "N")},
        {QStringLiteral("max-body"),
         QCoreApplication::translate("pooldesk-service", "Largest request body in bytes (default %1).")
             .arg(defaults.maxBodyBytes),
         QCoreApplication::translate("pooldesk-service", "BYTES")},
        {QStringLiteral("request-timeout"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Seconds a client has to send a whole request, from its first byte (for a connection's first "
             "request, from connecting); then it is answered 408 and closed (default %1).")
             .arg(defaults.requestTimeoutMs / 1000),
         QCoreApplication::translate("pooldesk-service", "SECONDS")},
        {QStringLiteral("idle-timeout"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Seconds a keep-alive connection may wait for its next request (default %1).")
             .arg(defaults.idleTimeoutMs / 1000),
         QCoreApplication::translate("pooldesk-service", "SECONDS")},
        {QStringLiteral("max-connections"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Most client connections open at once; above it new ones are closed at once (default %1). "
             "Lowered at start-up when it does not fit below the open-file limit.")
             .arg(defaults.maxConnections),
         QCoreApplication::translate("pooldesk-service", "N")},
        {QStringLiteral("reap-interval"),
         QCoreApplication::translate(
             "pooldesk-service", "Seconds between sweeps that free numbers whose lease ran out (default %1).")
             .arg(defaults.reapIntervalMs / 1000),
         QCoreApplication::translate("pooldesk-service", "SECONDS")},
        {QStringLiteral("access-log"),
         QCoreApplication::translate(
             "pooldesk-service", "Where the access log goes: - (standard error, default), off, or a file."),
         QCoreApplication::translate("pooldesk-service", "TARGET")},
        {QStringLiteral("autoscale-every"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Run the auto-scaling policy (buy under the threshold, release idle numbers; see "
             "the settings) for the environment every SECONDS, with its Twilio credentials. "
             "Off by default."),
         QCoreApplication::translate("pooldesk-service", "SECONDS")},
        {QStringLiteral("audit-witness"),
         QCoreApplication::translate(
             "pooldesk-service",
             "Sign audit checkpoints as the settings ask (every %1 entries or %2 minutes by default) and "
             "write each into this folder, kept outside the database. Off by default.")
             .arg(AuditSigning::DefaultEveryEntries)
             .arg(AuditSigning::DefaultEveryMinutes),
         QCoreApplication::translate("pooldesk-service", "FOLDER")},
        {QStringLiteral("shutdown-timeout"),
         QCoreApplication::translate("pooldesk-service",
                                     "Seconds to let requests under way finish after SIGTERM (default %1).")
             .arg(defaults.shutdownTimeoutMs / 1000),
         QCoreApplication::translate("pooldesk-service", "SECONDS")},
    });
    parser.process(app);
    if (parser.isSet(versionOption)) {
        out << AppInfo::versionText(QStringLiteral("pooldesk-service"));
        return 0;
    }
    if (parser.isSet(debugInfoOption)) {
        out << DebugInfo::text(QStringLiteral("pooldesk-service"));
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << QCoreApplication::translate(
                   "pooldesk-service",
                   "usage error: unexpected argument \"%1\". Run pooldesk-service --help.")
                   .arg(parser.positionalArguments().first())
            << Qt::endl;
        return ExitUsage;
    }

    ServiceConfig config;
    config.databaseUrl =
        parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db")) : DatabaseUrl::defaultUrl();
    config.environment = parser.isSet(QStringLiteral("env"))
                             ? parser.value(QStringLiteral("env"))
                             : qEnvironmentVariable("POOLDESK_ENV", DevelopmentEnvironment);
    if (!isValidEnvironmentName(config.environment)) {
        err << QCoreApplication::translate("pooldesk-service",
                                           "usage error: \"%1\" is not a valid environment name.")
                   .arg(config.environment)
            << Qt::endl;
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("listen"))) {
        if (auto parsed = ServiceConfig::parseListen(parser.value(QStringLiteral("listen")), &config.address,
                                                     &config.port);
            !parsed) {
            err << QCoreApplication::translate("pooldesk-service", "usage error: %1")
                       .arg(parsed.error().message)
                << Qt::endl;
            return ExitUsage;
        }
    }
    int maxBody = int(config.maxBodyBytes);
    int reapSeconds = config.reapIntervalMs / 1000;
    int shutdownSeconds = config.shutdownTimeoutMs / 1000;
    int autoscaleSeconds = 0;
    int requestTimeoutSeconds = config.requestTimeoutMs / 1000;
    int idleTimeoutSeconds = config.idleTimeoutMs / 1000;
    if (!readInt(parser, QStringLiteral("threads"), 1, 64, &config.threads, err) ||
        !readInt(parser, QStringLiteral("rate-limit"), 1, 1'000'000, &config.rateLimit.ratePerSecond, err) ||
        !readInt(parser, QStringLiteral("burst"), 1, 1'000'000, &config.rateLimit.burst, err) ||
        !readInt(parser, QStringLiteral("max-body"), 1024, 64 * 1024 * 1024, &maxBody, err) ||
        !readInt(parser, QStringLiteral("reap-interval"), 1, 86400, &reapSeconds, err) ||
        !readInt(parser, QStringLiteral("shutdown-timeout"), 0, 3600, &shutdownSeconds, err) ||
        !readInt(parser, QStringLiteral("autoscale-every"), 1, 86400, &autoscaleSeconds, err) ||
        !readInt(parser, QStringLiteral("request-timeout"), 1, 3600, &requestTimeoutSeconds, err) ||
        !readInt(parser, QStringLiteral("idle-timeout"), 1, 86400, &idleTimeoutSeconds, err) ||
        !readInt(parser, QStringLiteral("max-connections"), 1, 1'000'000, &config.maxConnections, err))
        return ExitUsage;
    config.maxBodyBytes = maxBody;
    config.reapIntervalMs = reapSeconds * 1000;
    config.shutdownTimeoutMs = shutdownSeconds * 1000;
    config.autoscaleIntervalMs = autoscaleSeconds * 1000;
    config.requestTimeoutMs = requestTimeoutSeconds * 1000;
    config.idleTimeoutMs = idleTimeoutSeconds * 1000;
    if (parser.isSet(QStringLiteral("audit-witness")))
        config.auditWitness = parser.value(QStringLiteral("audit-witness"));
    // Tests look more often than once a minute.
    if (const int checkMs = qEnvironmentVariableIntValue("POOLDESK_AUDIT_CHECK_MS"); checkMs > 0)
        config.auditCheckIntervalMs = checkMs;
    if (parser.isSet(QStringLiteral("access-log")))
        config.accessLog = parser.value(QStringLiteral("access-log"));

    const QString publicUrl = parser.value(QStringLiteral("public-url"));
    if (!publicUrl.isEmpty() && !publicUrl.startsWith(QLatin1String("https://")) &&
        !publicUrl.startsWith(QLatin1String("http://"))) {
        err << QCoreApplication::translate("pooldesk-service",
                                           "usage error: --public-url must start with https:// (got \"%1\").")
                   .arg(publicUrl)
            << Qt::endl;
        return ExitUsage;
    }
    const FixedWebhookCredentials webhooks = resolveWebhookCredentials(config, publicUrl, err);
    if (webhooks.authToken(config.environment).isEmpty() ||
        webhooks.webhookBaseUrl(config.environment).isEmpty())
        err << QCoreApplication::translate(
                   "pooldesk-service",
                   "warning: no auth token or public URL for Twilio's status callbacks (set "
                   "TWILIO_AUTH_TOKEN "
                   "and --public-url, or store them with pooldeskctl env set / set-secret): they will be "
                   "refused (503) until both are known.")
            << Qt::endl;

    if (const QString clamped = config.fitConnectionsToFileLimit(); !clamped.isEmpty())
        err << QCoreApplication::translate("pooldesk-service", "warning: %1").arg(clamped) << Qt::endl;

    PoolService service(config, &webhooks);
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &service, [&service, &err](int number) {
        err << QCoreApplication::translate("pooldesk-service",
                                           "signal %1: finishing requests under way, then stopping")
                   .arg(number)
            << Qt::endl;
        service.shutdown();
    });
    QObject::connect(&service, &PoolService::stopped, &app, &QCoreApplication::quit);
    if (auto started = service.start(); !started) {
        err << QCoreApplication::translate("pooldesk-service", "error: %1").arg(started.error().message)
            << Qt::endl;
        return started.error().code == Error::Code::InvalidInput ? ExitUsage : ExitFailure;
    }
    // Scripts and tests wait for this line (and read the port from it when --listen ...:0).
    out << QStringLiteral("listening on http://%1:%2")
               .arg(service.address().protocol() == QAbstractSocket::IPv6Protocol
                        ? QLatin1Char('[') + service.address().toString() + QLatin1Char(']')
                        : service.address().toString())
               .arg(service.port())
        << Qt::endl;
    return app.exec() == 0 ? ExitSuccess : ExitFailure;
}
