// pooldeskctl: the scriptable command line for the PoolDesk pool. Global options, then a command
// group; each group lives in its own *Commands.cpp file and registers itself.

#include "CliContext.h"
#include "CommandRegistry.h"

#include "about/AppInfo.h"
#include "about/DebugInfo.h"
#include "domain/Types.h"
#include "storage/DatabaseUrl.h"

#include "Translations.h"

#include <QCoreApplication>

using namespace PoolDesk;

namespace {

void printHelp(QTextStream &out) {
    out << QCoreApplication::translate(
               "pooldeskctl", "Usage: pooldeskctl [--db URL] [--env NAME] [--json] COMMAND [ARGS...]")
        << Qt::endl
        << Qt::endl;
    out << QCoreApplication::translate("pooldeskctl", "Global options:") << Qt::endl;
    out << QStringLiteral("  --db URL       ")
        << QCoreApplication::translate(
               "pooldeskctl",
               "a path, sqlite:PATH or postgresql://user:pass@host:port/db (env POOLDESK_DB; default: %1)")
               .arg(DatabaseUrl::defaultSqlitePath())
        << Qt::endl;
    out << QStringLiteral("  --env NAME     ")
        << QCoreApplication::translate("pooldeskctl",
                                       "development or production (env POOLDESK_ENV; default development)")
        << Qt::endl;
    out << QStringLiteral("  --json         ")
        << QCoreApplication::translate("pooldeskctl", "machine-readable output") << Qt::endl;
    out << QStringLiteral("  -h, --help     ")
        << QCoreApplication::translate("pooldeskctl", "this help; after a command, that command's options")
        << Qt::endl;
    out << QStringLiteral("  -v, --version  ")
        << QCoreApplication::translate("pooldeskctl", "version, revision and licence") << Qt::endl;
    out << QStringLiteral("  --debug-info   ")
        << QCoreApplication::translate(
               "pooldeskctl", "what a bug report needs (versions, Qt, system, SQL drivers, keychain)")
        << Qt::endl
        << Qt::endl;
    out << QCoreApplication::translate("pooldeskctl",
                                       "Commands (add --help after a command for its options):")
        << Qt::endl;
    QList<CommandGroup> groups = CommandRegistry::all();
    std::sort(groups.begin(), groups.end(),
              [](const CommandGroup &a, const CommandGroup &b) { return qstrcmp(a.name, b.name) < 0; });
    for (const CommandGroup &group : groups)
        out << QStringLiteral("  ") << QString::fromLatin1(group.name).leftJustified(14) << QLatin1Char(' ')
            << QCoreApplication::translate("pooldeskctl", group.summary) << Qt::endl;
    out << Qt::endl
        << QCoreApplication::translate(
               "pooldeskctl",
               "Exit codes: 0 success, 1 failure, 2 usage error or bad input, 3 refused (limit reached, pool "
               "exhausted, unknown session).")
        << Qt::endl;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    AppInfo::identifyApplication();
    Translations::install();

    // Global options may stand anywhere; everything else is the command and its arguments.
    QString databaseUrl = DatabaseUrl::defaultUrl();
    QString environment = qEnvironmentVariable("POOLDESK_ENV", DevelopmentEnvironment);
    bool json = false;
    bool help = false;
    QStringList rest;
    const QStringList arguments = app.arguments().mid(1);
    QTextStream err(stderr);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments[i];
        auto takeValue = [&](const QString &name, QString &target) -> bool {
            if (arg == name) {
                if (i + 1 >= arguments.size()) {
                    err << QCoreApplication::translate("pooldeskctl", "usage error: %1 needs a value.")
                               .arg(name)
                        << Qt::endl;
                    return false;
                }
                target = arguments[++i];
                return true;
            }
            target = arg.mid(name.size() + 1);
            return true;
        };
        if (arg == QLatin1String("--db") || arg.startsWith(QLatin1String("--db="))) {
            if (!takeValue(QStringLiteral("--db"), databaseUrl))
                return ExitCode::Usage;
        } else if (arg == QLatin1String("--env") || arg.startsWith(QLatin1String("--env="))) {
            if (!takeValue(QStringLiteral("--env"), environment))
                return ExitCode::Usage;
        } else if (arg == QLatin1String("--json")) {
            json = true;
        } else if (rest.isEmpty() && (arg == QLatin1String("--help") || arg == QLatin1String("-h"))) {
            help = true;
        } else if (rest.isEmpty() && (arg == QLatin1String("--version") || arg == QLatin1String("-v"))) {
            QTextStream(stdout) << AppInfo::versionText(QStringLiteral("pooldeskctl"));
            return ExitCode::Success;
        } else if (rest.isEmpty() && arg == QLatin1String("--debug-info")) {
            QTextStream(stdout) << DebugInfo::text(QStringLiteral("pooldeskctl"));
            return ExitCode::Success;
        } else {
            rest.append(arg);
        }
    }
    QTextStream out(stdout);
    if (help || rest.isEmpty()) {
        printHelp(help ? out : err);
        return help ? ExitCode::Success : ExitCode::Usage;
    }
    if (!isValidEnvironmentName(environment)) {
        err << QCoreApplication::translate("pooldeskctl",
                                           "usage error: \"%1\" is not a valid environment name.")
                   .arg(environment)
            << Qt::endl;
        return ExitCode::Usage;
    }
    const CommandGroup *group = CommandRegistry::find(rest.first());
    if (!group) {
        err << QCoreApplication::translate(
                   "pooldeskctl", "usage error: unknown command \"%1\". Run pooldeskctl --help for the list.")
                   .arg(rest.first())
            << Qt::endl;
        return ExitCode::Usage;
    }
    CliContext context(databaseUrl, environment, json);
    return group->handler(context, rest.mid(1));
}
