// pooldeskctl db migrate | demo

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/DemoWorkspace.h"
#include "storage/Migrations.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk {
namespace {

int runDb(CliContext &context, const QStringList &args) {
    if (args.isEmpty() || args.first() != QLatin1String("migrate"))
        return context.usage(QCoreApplication::translate("pooldeskctl", "pooldeskctl db migrate"));
    QCommandLineParser parser;
    if (auto done = Cli::parse(context, parser, QStringLiteral("db migrate"), args.mid(1)))
        return *done;
    // Opening the database applies pending migrations.
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    const int version = db.value()->schemaVersion();
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("database"), db.value()->url().redacted()},
                                      {QStringLiteral("schema_version"), version}});
    else
        context.out() << QCoreApplication::translate("pooldeskctl", "Database %1 is at schema version %2.")
                             .arg(db.value()->url().redacted())
                             .arg(version)
                      << Qt::endl;
    return ExitCode::Success;
}

int runDemo(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("days"),
         QCoreApplication::translate("pooldeskctl", "Days of call history to create (default 90)."),
         QCoreApplication::translate("pooldeskctl", "N"), QStringLiteral("90")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("demo"), args))
        return *done;
    bool ok = false;
    const int days = parser.value(QStringLiteral("days")).toInt(&ok);
    if (!ok || days < 1 || days > 3650)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "--days takes a whole number from 1 to 3650."));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    int shown = -10;
    auto summary = DemoWorkspace::create(*db.value(), Actor::currentUser(), days, [&](int percent) {
        if (!context.json() && percent >= shown + 10) {
            shown = percent;
            context.err()
                << QCoreApplication::translate("pooldeskctl", "Creating the demo workspace: %1%").arg(percent)
                << Qt::endl;
        }
        return true;
    });
    if (!summary)
        return context.fail(summary.error());
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("companies"), summary->companies},
                                      {QStringLiteral("numbers"), summary->numbers},
                                      {QStringLiteral("calls"), summary->calls}});
    else
        context.out() << summary->text() << Qt::endl;
    return ExitCode::Success;
}

const bool registeredDb = CommandRegistry::add(
    {"db", QT_TRANSLATE_NOOP("pooldeskctl", "db migrate: create or upgrade the database schema"), &runDb});
const bool registeredDemo = CommandRegistry::add(
    {"demo", QT_TRANSLATE_NOOP("pooldeskctl", "create the demo workspace in an empty database"), &runDemo});

} // namespace
} // namespace PoolDesk
