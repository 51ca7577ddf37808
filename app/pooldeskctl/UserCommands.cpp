// pooldeskctl user add | list | set-role | remove, and whoami

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "security/Identity.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace PoolDesk {
namespace {

QJsonObject toJson(const Member &member) {
    return {{QStringLiteral("login"), member.login},
            {QStringLiteral("role"), toString(member.role)},
            {QStringLiteral("companies"), QJsonArray::fromStringList(member.companies)}};
}

void addRoleOptions(QCommandLineParser &parser) {
    parser.addOption(
        {QStringLiteral("role"),
         QCoreApplication::translate(
             "pooldeskctl", "administrator, finance, manager or service (the pool service's own login)."),
         QCoreApplication::translate("pooldeskctl", "ROLE")});
    parser.addOption(
        {QStringLiteral("company"),
         QCoreApplication::translate("pooldeskctl", "A company the manager manages (repeat for more)."),
         QCoreApplication::translate("pooldeskctl", "NAME")});
}

int runUser(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    QCommandLineParser parser;
    const bool add = sub == QLatin1String("add");
    if (add || sub == QLatin1String("set-role")) {
        parser.addPositionalArgument(
            QStringLiteral("login"),
            QCoreApplication::translate("pooldeskctl", "The person's database login."));
        addRoleOptions(parser);
        if (add)
            parser.addOption(
                {QStringLiteral("password-stdin"),
                 QCoreApplication::translate(
                     "pooldeskctl", "Read the new login's password from standard input (one line).")});
        if (auto done = Cli::parse(context, parser, QStringLiteral("user ") + sub, args.mid(1)))
            return *done;
        if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("role")))
            return context.usage(
                add ? QCoreApplication::translate(
                          "pooldeskctl",
                          "pooldeskctl user add LOGIN --role administrator|finance|manager|service "
                          "[--company NAME]... [--password-stdin]")
                    : QCoreApplication::translate(
                          "pooldeskctl",
                          "pooldeskctl user set-role LOGIN --role administrator|finance|manager|service "
                          "[--company NAME]..."));
        const auto role = roleFromString(parser.value(QStringLiteral("role")));
        if (!role)
            return context.usage(
                QCoreApplication::translate(
                    "pooldeskctl", "--role must be administrator, finance, manager or service (got \"%1\").")
                    .arg(parser.value(QStringLiteral("role"))));
        std::optional<QString> password;
        if (add && parser.isSet(QStringLiteral("password-stdin"))) {
            password = context.in().readLine();
            if (password->isEmpty())
                return context.usage(
                    QCoreApplication::translate("pooldeskctl", "No password came on standard input."));
        }
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        Members members(*db.value());
        Member member;
        member.login = parser.positionalArguments().first();
        member.role = *role;
        member.companies = parser.values(QStringLiteral("company"));
        auto changed = add ? members.add(member, password)
                           : members.setRole(member.login, member.role, member.companies);
        if (!changed)
            return context.fail(changed.error());
        if (context.json())
            context.printJson(toJson(changed.value()));
        else if (add)
            context.out() << QCoreApplication::translate("pooldeskctl", "Added %1 as %2.")
                                 .arg(changed->login, displayName(changed->role))
                          << Qt::endl;
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "%1 is now %2.")
                                 .arg(changed->login, displayName(changed->role))
                          << Qt::endl;
        return ExitCode::Success;
    }
    if (sub == QLatin1String("remove")) {
        parser.addPositionalArgument(
            QStringLiteral("login"),
            QCoreApplication::translate("pooldeskctl", "The person's database login."));
        if (auto done = Cli::parse(context, parser, QStringLiteral("user remove"), args.mid(1)))
            return *done;
        if (parser.positionalArguments().size() != 1)
            return context.usage(QCoreApplication::translate("pooldeskctl", "pooldeskctl user remove LOGIN"));
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        const QString login = parser.positionalArguments().first();
        if (auto removed = Members(*db.value()).remove(login); !removed)
            return context.fail(removed.error());
        if (context.json())
            context.printJson(QJsonObject{{QStringLiteral("removed"), login}});
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "Removed %1.").arg(login) << Qt::endl;
        return ExitCode::Success;
    }
    if (sub == QLatin1String("list")) {
        if (auto done = Cli::parse(context, parser, QStringLiteral("user list"), args.mid(1)))
            return *done;
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto members = Members(*db.value()).list();
        if (!members)
            return context.fail(members.error());
        if (context.json()) {
            QJsonArray array;
            for (const Member &member : members.value())
                array.append(toJson(member));
            context.printJson(array);
            return ExitCode::Success;
        }
        if (db.value()->isSqlite()) {
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl",
                                 "This pool is a SQLite file: whoever can open it (here %1) has full access, "
                                 "so it has no users. Teams that need roles keep the pool in PostgreSQL.")
                                 .arg(db.value()->login())
                          << Qt::endl;
            return ExitCode::Success;
        }
        QList<QStringList> rows;
        for (const Member &m : members.value())
            rows.append({m.login, displayName(m.role), m.companies.join(QStringLiteral(", "))});
        Cli::printTable(context.out(),
                        {QCoreApplication::translate("pooldeskctl", "LOGIN"),
                         QCoreApplication::translate("pooldeskctl", "ROLE"),
                         QCoreApplication::translate("pooldeskctl", "COMPANIES")},
                        rows);
        return ExitCode::Success;
    }
    return context.usage(
        QCoreApplication::translate("pooldeskctl", "pooldeskctl user add|list|set-role|remove ..."));
}

int runWhoAmI(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    if (auto done = Cli::parse(context, parser, QStringLiteral("whoami"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto me = Identity::whoAmI(*db.value());
    if (!me)
        return context.fail(me.error());
    const QString source = me->source == Principal::Source::FileAccess      ? QStringLiteral("file_access")
                           : me->source == Principal::Source::DatabaseOwner ? QStringLiteral("database_owner")
                                                                            : QStringLiteral("membership");
    if (context.json()) {
        context.printJson(
            QJsonObject{{QStringLiteral("login"), me->login},
                        {QStringLiteral("role"), toString(me->role)},
                        {QStringLiteral("companies"), QJsonArray::fromStringList(me->companyNames)},
                        {QStringLiteral("source"), source}});
        return ExitCode::Success;
    }
    if (me->role == Role::Manager)
        context.out() << QCoreApplication::translate("pooldeskctl", "%1: %2 of %3")
                             .arg(me->login, displayName(me->role),
                                  me->companyNames.join(QStringLiteral(", ")))
                      << Qt::endl;
    else
        context.out()
            << QCoreApplication::translate("pooldeskctl", "%1: %2").arg(me->login, displayName(me->role))
            << Qt::endl;
    if (me->source == Principal::Source::FileAccess)
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "(a SQLite file: whoever can open it has full access)")
                      << Qt::endl;
    else if (me->source == Principal::Source::DatabaseOwner)
        context.out() << QCoreApplication::translate(
                             "pooldeskctl", "(owner of the database; add people with `pooldeskctl user add`)")
                      << Qt::endl;
    return ExitCode::Success;
}

const bool registeredUser = CommandRegistry::add(
    {"user", QT_TRANSLATE_NOOP("pooldeskctl", "add, list, change and remove the people who use the pool"),
     &runUser});
const bool registeredWhoAmI = CommandRegistry::add(
    {"whoami", QT_TRANSLATE_NOOP("pooldeskctl", "who you are to the pool database, and your role"),
     &runWhoAmI});

} // namespace
} // namespace PoolDesk
