// pooldeskctl policy show | set KEY VALUE

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/CallerPolicy.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk {
namespace {

QString describe(const QString &key) {
    if (key == QLatin1String("sticky_days"))
        return QCoreApplication::translate("pooldeskctl",
                                           "days a callee gets the number they saw before (0: off)");
    if (key == QLatin1String("local_presence"))
        return QCoreApplication::translate("pooldeskctl",
                                           "prefer numbers in the callee's area code, then region");
    if (key == QLatin1String("calling_hours"))
        return QCoreApplication::translate("pooldeskctl", "the callee's local hours calls may be placed in");
    if (key == QLatin1String("daily_cap"))
        return QCoreApplication::translate("pooldeskctl", "calls per number per day (0: no cap)");
    if (key == QLatin1String("hourly_cap"))
        return QCoreApplication::translate("pooldeskctl", "calls per number per hour (0: no cap)");
    if (key == QLatin1String("min_gap_seconds"))
        return QCoreApplication::translate("pooldeskctl", "seconds between two calls from one number");
    if (key == QLatin1String("warmup_days"))
        return QCoreApplication::translate("pooldeskctl", "days over which a new number's daily cap rises");
    if (key == QLatin1String("rest_days"))
        return QCoreApplication::translate("pooldeskctl", "days a rested number is out of the pool");
    if (key == QLatin1String("tenant_cooldown_days"))
        return QCoreApplication::translate(
            "pooldeskctl", "days a shared number stays with the company that called from it last");
    return {};
}

int runPolicy(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    QCommandLineParser parser;
    if (sub == QLatin1String("show")) {
        if (auto done = Cli::parse(context, parser, QStringLiteral("policy show"), args.mid(1)))
            return *done;
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        const CallerPolicy policy = CallerPolicy::load(*db.value());
        if (context.json()) {
            QJsonObject object;
            for (const QString &key : CallerPolicy::keys())
                object.insert(key, policy.text(key));
            context.printJson(object);
            return ExitCode::Success;
        }
        QList<QStringList> rows;
        for (const QString &key : CallerPolicy::keys())
            rows << QStringList{key, policy.text(key), describe(key)};
        Cli::printTable(context.out(),
                        {QCoreApplication::translate("pooldeskctl", "KEY"),
                         QCoreApplication::translate("pooldeskctl", "VALUE"),
                         QCoreApplication::translate("pooldeskctl", "MEANING")},
                        rows);
        return ExitCode::Success;
    }
    if (sub == QLatin1String("set")) {
        parser.addPositionalArgument(QStringLiteral("key"),
                                     QCoreApplication::translate("pooldeskctl", "A policy key."));
        parser.addPositionalArgument(QStringLiteral("value"),
                                     QCoreApplication::translate("pooldeskctl", "Its value."));
        if (auto done = Cli::parse(context, parser, QStringLiteral("policy set"), args.mid(1)))
            return *done;
        if (parser.positionalArguments().size() != 2)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "pooldeskctl policy set KEY VALUE (keys: %1)")
                    .arg(CallerPolicy::keys().join(QStringLiteral(", "))));
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        const QString key = parser.positionalArguments().at(0);
        if (auto set =
                CallerPolicy::set(*db.value(), Actor::currentUser(), key, parser.positionalArguments().at(1));
            !set)
            return context.fail(set.error());
        const QString value = CallerPolicy::load(*db.value()).text(key);
        if (context.json())
            context.printJson(QJsonObject{{key, value}});
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "%1 is now %2.").arg(key, value)
                          << Qt::endl;
        return ExitCode::Success;
    }
    return context.usage(
        QCoreApplication::translate("pooldeskctl", "pooldeskctl policy show | set KEY VALUE"));
}

const bool registered = CommandRegistry::add(
    {"policy",
     QT_TRANSLATE_NOOP("pooldeskctl",
                       "how caller IDs are chosen: stickiness, local presence, caps, calling hours"),
     &runPolicy});

} // namespace
} // namespace PoolDesk
