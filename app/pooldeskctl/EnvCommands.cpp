// pooldeskctl env list | set | set-secret | forget-secret | test

#include "EnvCommands.h"

#include "CliSupport.h"
#include "CommandRegistry.h"
#include "TerminalEcho.h"

#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "storage/Database.h"
#include "twilio/NumberOperations.h"
#include "twilio/TwilioClient.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <cstdio>

namespace PoolDesk {

namespace EnvCli {

int keychainTimeoutMs() {
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("POOLDESK_KEYCHAIN_TIMEOUT_MS", &ok);
    return ok && ms > 0 ? ms : 20000;
}

Result<Session> openSession(CliContext &context, const QString &environment) {
    Session session;
    auto db = context.database();
    if (!db)
        return db.error();
    session.db = db.value();
    auto profile = Environments(*session.db).find(environment);
    if (!profile)
        return profile.error();
    auto credentials = resolveCredentials(profile.value());
    if (!credentials)
        return credentials.error();
    auto overridden = CredentialResolver::applyEnvironment(profile.value());
    session.profile = overridden ? overridden->profile : profile.value();
    session.network = std::make_unique<QNetworkAccessManager>();
    session.client = std::make_unique<Twilio::Client>(session.network.get());
    session.client->setCredentials(credentials.value());
    return session;
}

Result<EnvironmentProfile> loadProfile(CliContext &context, const QString &name) {
    auto db = context.database();
    if (!db)
        return db.error();
    return Environments(*db.value()).find(name);
}

Result<TwilioCredentials> resolveCredentials(const EnvironmentProfile &profile) {
    SecretStore store;
    store.setTimeout(keychainTimeoutMs());
    return waitFor<TwilioCredentials>(
        keychainTimeoutMs() + 2000,
        [&](QObject *context, std::function<void(Result<TwilioCredentials>)> done) {
            CredentialResolver::resolve(profile, store, context, std::move(done));
        },
        makeError(Error::Code::Unavailable,
                  QCoreApplication::translate("pooldeskctl", "The system keychain did not answer in time.")));
}

Status run(CliContext &context, Twilio::Operation &operation) {
    QEventLoop loop;
    QString last;
    QObject::connect(&operation, &Twilio::Operation::progress, &loop, [&](int, int, const QString &message) {
        if (context.json() || message == last)
            return;
        last = message;
        context.err() << message << Qt::endl;
    });
    QObject::connect(&operation, &Twilio::Operation::finished, &loop, &QEventLoop::quit);
    operation.start();
    if (!operation.isFinished())
        loop.exec();
    if (operation.error())
        return *operation.error();
    return success();
}

} // namespace EnvCli

namespace {

QJsonObject toJson(const EnvironmentProfile &p, bool active) {
    return {
        {QStringLiteral("name"), p.name},
        {QStringLiteral("active"), active},
        {QStringLiteral("account_sid"), p.accountSid.isEmpty() ? QJsonValue() : QJsonValue(p.accountSid)},
        {QStringLiteral("api_key_sid"), p.apiKeySid.isEmpty() ? QJsonValue() : QJsonValue(p.apiKeySid)},
        {QStringLiteral("credential"),
         p.usesApiKey() ? QStringLiteral("api_key") : QStringLiteral("auth_token")},
        {QStringLiteral("api_base_url"), p.apiBaseUrl.toString()},
        {QStringLiteral("webhook_base_url"),
         p.webhookBaseUrl.isEmpty() ? QJsonValue() : QJsonValue(p.webhookBaseUrl.toString())},
        {QStringLiteral("voice_url"),
         p.voiceUrl().isEmpty() ? QJsonValue() : QJsonValue(p.voiceUrl().toString())},
        {QStringLiteral("status_callback_url"),
         p.statusCallbackUrl().isEmpty() ? QJsonValue() : QJsonValue(p.statusCallbackUrl().toString())},
        {QStringLiteral("secret_key"), p.accountSid.isEmpty() ? QJsonValue() : QJsonValue(p.secretKey())}};
}

// Reads one line from stdin without echo when stdin is a terminal.
QString readSecret(CliContext &context, const QString &prompt) {
    QString line;
    {
        const SilentTerminal terminal;
        if (terminal.isTerminal())
            context.err() << prompt << Qt::flush;
        line = context.in().readLine();
        if (terminal.isTerminal())
            context.err() << Qt::endl;
    }
    return line.isNull() ? QString() : line.trimmed();
}

int listEnvironments(CliContext &context) {
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto list = Environments(*db.value()).list();
    if (!list)
        return context.fail(list.error());
    if (context.json()) {
        QJsonArray array;
        for (const EnvironmentProfile &p : list.value())
            array.append(toJson(p, p.name == context.environment()));
        context.printJson(QJsonObject{{QStringLiteral("environments"), array}});
        return ExitCode::Success;
    }
    QList<QStringList> rows;
    for (const EnvironmentProfile &p : list.value())
        rows.append(
            {(p.name == context.environment() ? QStringLiteral("* ") : QStringLiteral("  ")) + p.name,
             p.accountSid.isEmpty() ? QCoreApplication::translate("pooldeskctl", "(not set)") : p.accountSid,
             p.usesApiKey() ? QCoreApplication::translate("pooldeskctl", "API key %1").arg(p.apiKeySid)
                            : QCoreApplication::translate("pooldeskctl", "auth token"),
             p.apiBaseUrl.toString(),
             p.webhookBaseUrl.isEmpty() ? QCoreApplication::translate("pooldeskctl", "(not set)")
                                        : p.webhookBaseUrl.toString()});
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "ENVIRONMENT"),
                     QCoreApplication::translate("pooldeskctl", "ACCOUNT SID"),
                     QCoreApplication::translate("pooldeskctl", "CREDENTIAL"),
                     QCoreApplication::translate("pooldeskctl", "API BASE URL"),
                     QCoreApplication::translate("pooldeskctl", "WEBHOOK BASE URL")},
                    rows);
    context.out()
        << QCoreApplication::translate(
               "pooldeskctl",
               "* active (--env or POOLDESK_ENV). Secrets are in the system keychain, service \"%1\".")
               .arg(SecretStore::serviceName())
        << Qt::endl;
    return ExitCode::Success;
}

int setEnvironment(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("name"),
        QCoreApplication::translate("pooldeskctl", "The environment, e.g. development or production."));
    parser.addOption({QStringLiteral("account-sid"),
                      QCoreApplication::translate("pooldeskctl", "The Twilio Account SID (AC...)."),
                      QStringLiteral("AC...")});
    parser.addOption(
        {QStringLiteral("api-key-sid"),
         QCoreApplication::translate(
             "pooldeskctl",
             "Authenticate with this API key (SK...), as Twilio recommends; \"none\" switches back to "
             "the auth token."),
         QStringLiteral("SK...")});
    parser.addOption(
        {QStringLiteral("api-base-url"),
         QCoreApplication::translate(
             "pooldeskctl", "Twilio's API address (default https://api.twilio.com; regional hosts allowed)."),
         QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("webhook-base-url"),
         QCoreApplication::translate(
             "pooldeskctl", "The public address Twilio calls back (ngrok in development, the deployed app in "
                            "production)."),
         QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("voice-path"),
         QCoreApplication::translate("pooldeskctl", "Path of the voice webhook (default /twilio/voice)."),
         QStringLiteral("PATH")});
    parser.addOption(
        {QStringLiteral("status-callback-path"),
         QCoreApplication::translate("pooldeskctl", "Path of the status callback (default /twilio/status)."),
         QStringLiteral("PATH")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("env set"), args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "pooldeskctl env set NAME [--account-sid AC...] [--api-key-sid SK...] "
                           "[--api-base-url URL] [--webhook-base-url URL]"));
    EnvironmentChange change;
    if (parser.isSet(QStringLiteral("account-sid")))
        change.accountSid = parser.value(QStringLiteral("account-sid"));
    if (parser.isSet(QStringLiteral("api-key-sid"))) {
        const QString key = parser.value(QStringLiteral("api-key-sid"));
        change.apiKeySid = key.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 ? QString() : key;
    }
    if (parser.isSet(QStringLiteral("api-base-url")))
        change.apiBaseUrl = QUrl(parser.value(QStringLiteral("api-base-url")));
    if (parser.isSet(QStringLiteral("webhook-base-url")))
        change.webhookBaseUrl = QUrl(parser.value(QStringLiteral("webhook-base-url")));
    if (parser.isSet(QStringLiteral("voice-path")))
        change.voicePath = parser.value(QStringLiteral("voice-path"));
    if (parser.isSet(QStringLiteral("status-callback-path")))
        change.statusCallbackPath = parser.value(QStringLiteral("status-callback-path"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto saved =
        Environments(*db.value()).set(Actor::currentUser(), parser.positionalArguments().first(), change);
    if (!saved)
        return context.fail(saved.error());
    if (context.json())
        context.printJson(toJson(saved.value(), saved->name == context.environment()));
    else
        context.out() << QCoreApplication::translate("pooldeskctl", "Environment %1 saved.").arg(saved->name)
                      << Qt::endl;
    return ExitCode::Success;
}

int setSecret(CliContext &context, const QStringList &args, bool forget) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"),
                                 QCoreApplication::translate("pooldeskctl", "The environment."));
    if (auto done =
            Cli::parse(context, parser,
                       forget ? QStringLiteral("env forget-secret") : QStringLiteral("env set-secret"), args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(
            forget ? QCoreApplication::translate("pooldeskctl", "pooldeskctl env forget-secret NAME")
                   : QCoreApplication::translate(
                         "pooldeskctl", "pooldeskctl env set-secret NAME   (the secret is read from standard "
                                        "input, never from an argument)"));
    auto profile = EnvCli::loadProfile(context, parser.positionalArguments().first());
    if (!profile)
        return context.fail(profile.error());
    if (profile->accountSid.isEmpty())
        return context.fail(makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "pooldeskctl", "Set the Account SID first: pooldeskctl env set %1 --account-sid AC...")
                .arg(profile->name)));
    QString secret;
    if (!forget) {
        secret = readSecret(context, QCoreApplication::translate("pooldeskctl", "%1 for %2 (%3): ")
                                         .arg(profile->secretKind(), profile->name, profile->accountSid));
        if (secret.isEmpty())
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "No secret was given on standard input; nothing was stored."));
    }
    SecretStore store;
    store.setTimeout(EnvCli::keychainTimeoutMs());
    auto stored = EnvCli::waitFor<Unit>(
        EnvCli::keychainTimeoutMs() + 2000,
        [&](QObject *ctx, std::function<void(Result<Unit>)> done) {
            if (forget)
                store.remove(profile->secretKey(), ctx, done);
            else
                store.write(profile->secretKey(), secret, ctx, done);
        },
        makeError(Error::Code::Unavailable,
                  QCoreApplication::translate("pooldeskctl", "The system keychain did not answer in time.")));
    secret.fill(QLatin1Char(' '));
    if (!stored)
        return context.fail(stored.error());
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("environment"), profile->name},
                                      {QStringLiteral("secret_key"), profile->secretKey()},
                                      {QStringLiteral("stored"), !forget}});
    else
        context.out()
            << (forget ? QCoreApplication::translate("pooldeskctl",
                                                     "The %1 of %2 was removed from the system keychain.")
                       : QCoreApplication::translate(
                             "pooldeskctl",
                             "The %1 of %2 is stored in the system keychain (service \"%3\", key \"%4\")."))
                   .arg(profile->secretKind(), profile->name, SecretStore::serviceName(),
                        profile->secretKey())
            << Qt::endl;
    return ExitCode::Success;
}

int testEnvironment(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("name"),
        QCoreApplication::translate("pooldeskctl", "The environment (default: --env)."));
    if (auto done = Cli::parse(context, parser, QStringLiteral("env test"), args))
        return *done;
    const QString name = parser.positionalArguments().value(0, context.environment());
    auto profile = EnvCli::loadProfile(context, name);
    if (!profile)
        return context.fail(profile.error());
    auto credentials = EnvCli::resolveCredentials(profile.value());
    if (!credentials)
        return context.fail(credentials.error());
    QNetworkAccessManager network;
    Twilio::Client client(&network);
    client.setCredentials(credentials.value());
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    Twilio::TestConnectionOperation test({db.value(), &client, profile.value(), Actor::currentUser()});
    if (auto ran = EnvCli::run(context, test); !ran)
        return context.fail(ran.error());
    const Twilio::AccountInfo &account = test.account();
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("environment"), name},
                                      {QStringLiteral("ok"), true},
                                      {QStringLiteral("account_sid"), account.sid},
                                      {QStringLiteral("friendly_name"), account.friendlyName},
                                      {QStringLiteral("status"), account.status},
                                      {QStringLiteral("type"), account.type},
                                      {QStringLiteral("credentials"), credentials->describe()}});
    else
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "Connection OK: %1 \"%2\" (%3, %4) using %5")
                             .arg(account.sid, account.friendlyName, account.status, account.type,
                                  credentials->describe())
                      << Qt::endl;
    return ExitCode::Success;
}

int runEnv(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("list"))
        return listEnvironments(context);
    if (sub == QLatin1String("set"))
        return setEnvironment(context, rest);
    if (sub == QLatin1String("set-secret"))
        return setSecret(context, rest, false);
    if (sub == QLatin1String("forget-secret"))
        return setSecret(context, rest, true);
    if (sub == QLatin1String("test"))
        return testEnvironment(context, rest);
    return context.usage(QCoreApplication::translate(
        "pooldeskctl", "pooldeskctl env list | set NAME [options] | set-secret NAME | forget-secret NAME | "
                       "test [NAME]"));
}

const bool registered = CommandRegistry::add(
    {"env", QT_TRANSLATE_NOOP("pooldeskctl", "Twilio environments: list, set, set-secret, test"), &runEnv});

} // namespace
} // namespace PoolDesk
