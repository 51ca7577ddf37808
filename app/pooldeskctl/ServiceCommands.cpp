// pooldeskctl service key create | list | revoke: API keys of pooldesk-service.

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/Companies.h"
#include "security/ApiKeys.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace PoolDesk {
namespace {

// In the billing zone, with its offset (database() set it).
QString timeText(const QDateTime &at) {
    return at.isValid() ? DisplayZone::current().isoText(at.toSecsSinceEpoch()) : QString();
}

QJsonObject toJson(const ApiKey &key) {
    QJsonObject object{
        {QStringLiteral("id"), key.id},
        {QStringLiteral("name"), key.name},
        {QStringLiteral("prefix"), key.prefix},
        {QStringLiteral("company"), key.companyId ? QJsonValue(key.companyName) : QJsonValue()},
        {QStringLiteral("rate_per_second"),
         key.ratePerSecond ? QJsonValue(*key.ratePerSecond) : QJsonValue()},
        {QStringLiteral("burst"), key.burst ? QJsonValue(*key.burst) : QJsonValue()},
        {QStringLiteral("created_at"), key.createdAt.toUTC().toString(Qt::ISODate)},
        {QStringLiteral("created_by"), key.createdBy},
        {QStringLiteral("revoked"), key.isRevoked()}};
    object.insert(QStringLiteral("revoked_at"),
                  key.isRevoked() ? QJsonValue(key.revokedAt.toUTC().toString(Qt::ISODate)) : QJsonValue());
    object.insert(QStringLiteral("last_used_at"),
                  key.lastUsedAt.isValid() ? QJsonValue(key.lastUsedAt.toUTC().toString(Qt::ISODate))
                                           : QJsonValue());
    return object;
}

int createKey(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("company"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Scope the key to this company: it may allocate only for it."),
                      QCoreApplication::translate("pooldeskctl", "NAME")});
    parser.addOption(
        {QStringLiteral("name"),
         QCoreApplication::translate(
             "pooldeskctl", "A name to recognise the key by (default: the company, or \"backend\")."),
         QCoreApplication::translate("pooldeskctl", "NAME")});
    parser.addOption({QStringLiteral("rate"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Requests per second for this key (default: the service's limit)."),
                      QCoreApplication::translate("pooldeskctl", "N")});
    parser.addOption({QStringLiteral("burst"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Requests at once after a quiet spell (default: the service's)."),
                      QCoreApplication::translate("pooldeskctl", "N")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("service key create"), args))
        return *done;
    if (!parser.positionalArguments().isEmpty())
        return context.usage(QCoreApplication::translate(
            "pooldeskctl",
            "pooldeskctl service key create [--company NAME] [--name NAME] [--rate N] [--burst N]"));
    const auto rate = Cli::integerOption(parser, QStringLiteral("rate"), 1);
    const auto burst = Cli::integerOption(parser, QStringLiteral("burst"), 1);
    for (const auto *option : {&rate, &burst}) {
        if (!option->error.isEmpty())
            return context.usage(option->error);
    }
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    NewApiKey request;
    if (parser.isSet(QStringLiteral("company"))) {
        auto company = Companies(*db.value()).find(parser.value(QStringLiteral("company")));
        if (!company)
            return context.fail(company.error());
        request.companyId = company->id;
        request.name = company->name;
    }
    if (parser.isSet(QStringLiteral("name")))
        request.name = parser.value(QStringLiteral("name"));
    if (request.name.isEmpty())
        request.name = QStringLiteral("backend");
    if (rate.present && !rate.cleared)
        request.ratePerSecond = int(qMin<qint64>(rate.value, ApiKeys::MaxRatePerSecond));
    if (burst.present && !burst.cleared)
        request.burst = int(qMin<qint64>(burst.value, ApiKeys::MaxRatePerSecond));
    auto created = ApiKeys(*db.value()).create(Actor::currentUser(), request);
    if (!created)
        return context.fail(created.error());
    if (context.json()) {
        QJsonObject object = toJson(created->key);
        object.insert(QStringLiteral("key"), created->secret);
        context.printJson(object);
        return ExitCode::Success;
    }
    context.out() << created->secret << Qt::endl;
    context.err()
        << QCoreApplication::translate(
               "pooldeskctl",
               "Created API key %1 (%2%3). This is the only time the key is shown: store it in the call "
               "backend's secrets now. Send it as \"Authorization: Bearer KEY\".")
               .arg(created->key.id)
               .arg(created->key.name, created->key.companyId
                                           ? QCoreApplication::translate("pooldeskctl", ", only for %1")
                                                 .arg(created->key.companyName)
                                           : QString())
        << Qt::endl;
    return ExitCode::Success;
}

int listKeys(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("all"), QCoreApplication::translate("pooldeskctl", "Include revoked keys.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("service key list"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto keys = ApiKeys(*db.value()).list();
    if (!keys)
        return context.fail(keys.error());
    const bool all = parser.isSet(QStringLiteral("all"));
    if (context.json()) {
        QJsonArray array;
        for (const ApiKey &key : keys.value())
            if (all || !key.isRevoked())
                array.append(toJson(key));
        context.printJson(array);
        return ExitCode::Success;
    }
    QList<QStringList> rows;
    for (const ApiKey &key : keys.value()) {
        if (!all && key.isRevoked())
            continue;
        rows.append(
            {QString::number(key.id), key.name, key.prefix + QStringLiteral("…"),
             key.companyId ? key.companyName : QCoreApplication::translate("pooldeskctl", "(any)"),
             key.ratePerSecond ? QString::number(*key.ratePerSecond)
                               : QCoreApplication::translate("pooldeskctl", "default"),
             timeText(key.createdAt),
             key.lastUsedAt.isValid() ? timeText(key.lastUsedAt)
                                      : QCoreApplication::translate("pooldeskctl", "never"),
             key.isRevoked()
                 ? QCoreApplication::translate("pooldeskctl", "revoked %1").arg(timeText(key.revokedAt))
                 : QCoreApplication::translate("pooldeskctl", "active")});
    }
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "ID"),
                     QCoreApplication::translate("pooldeskctl", "NAME"),
                     QCoreApplication::translate("pooldeskctl", "KEY"),
                     QCoreApplication::translate("pooldeskctl", "COMPANY"),
                     QCoreApplication::translate("pooldeskctl", "RATE/S"),
                     QCoreApplication::translate("pooldeskctl", "CREATED"),
                     QCoreApplication::translate("pooldeskctl", "LAST USED"),
                     QCoreApplication::translate("pooldeskctl", "STATE")},
                    rows);
    return ExitCode::Success;
}

int revokeKey(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("id"),
        QCoreApplication::translate("pooldeskctl", "The key's ID (see pooldeskctl service key list)."));
    if (auto done = Cli::parse(context, parser, QStringLiteral("service key revoke"), args))
        return *done;
    bool ok = false;
    const qint64 id = parser.positionalArguments().value(0).toLongLong(&ok);
    if (parser.positionalArguments().size() != 1 || !ok || id < 1)
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "pooldeskctl service key revoke ID (a number from pooldeskctl service key list)"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto revoked = ApiKeys(*db.value()).revoke(Actor::currentUser(), id);
    if (!revoked)
        return context.fail(revoked.error());
    if (context.json())
        context.printJson(toJson(revoked.value()));
    else
        context.out() << QCoreApplication::translate(
                             "pooldeskctl",
                             "Revoked API key %1 (%2). Requests with it are refused from now on.")
                             .arg(revoked->id)
                             .arg(revoked->name)
                      << Qt::endl;
    return ExitCode::Success;
}

int runService(CliContext &context, const QStringList &args) {
    if (args.value(0) == QLatin1String("key")) {
        const QString sub = args.value(1);
        if (sub == QLatin1String("create"))
            return createKey(context, args.mid(2));
        if (sub == QLatin1String("list"))
            return listKeys(context, args.mid(2));
        if (sub == QLatin1String("revoke"))
            return revokeKey(context, args.mid(2));
    }
    return context.usage(QCoreApplication::translate(
        "pooldeskctl", "pooldeskctl service key create [--company NAME] | key list [--all] | key revoke ID"));
}

const bool registered = CommandRegistry::add(
    {"service", QT_TRANSLATE_NOOP("pooldeskctl", "API keys of the pool service (pooldesk-service)"),
     &runService});

} // namespace
} // namespace PoolDesk
