// pooldeskctl number add | import | list | remove | assign | unassign

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "credentials/Environments.h"
#include "domain/Clock.h"
#include "pool/CallerPolicy.h"
#include "pool/Companies.h"
#include "pool/NumberCsv.h"
#include "pool/NumberImport.h"
#include "pool/Numbers.h"
#include "pool/Reputation.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace PoolDesk {
namespace {

QJsonObject toJson(const PoolNumber &n) {
    return {{QStringLiteral("number"), n.e164},
            {QStringLiteral("environment"), n.environment},
            {QStringLiteral("sid"), n.twilioSid.isEmpty() ? QJsonValue() : QJsonValue(n.twilioSid)},
            {QStringLiteral("kind"),
             n.dedicatedCompanyId ? QStringLiteral("dedicated") : QStringLiteral("shared")},
            {QStringLiteral("company"),
             n.dedicatedCompanyName.isEmpty() ? QJsonValue() : QJsonValue(n.dedicatedCompanyName)},
            {QStringLiteral("status"), toString(n.status)},
            {QStringLiteral("active_calls"), n.activeCalls},
            {QStringLiteral("total_calls"), n.totalCalls},
            {QStringLiteral("total_minutes"), n.totalMinutes},
            {QStringLiteral("monthly_price"), Money::toPlainString(n.monthlyPrice)},
            {QStringLiteral("missing_from_twilio"), n.missingFromTwilio},
            {QStringLiteral("releasing"), n.releasing}};
}

int printNumber(CliContext &context, const PoolNumber &number, const QString &message) {
    if (context.json())
        context.printJson(toJson(number));
    else
        context.out() << message << Qt::endl;
    return ExitCode::Success;
}

// number rest E164 [--days N] [--reason TEXT] | number unrest E164
int runRest(CliContext &context, const QString &sub, const QStringList &args) {
    const bool resting = sub == QLatin1String("rest");
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("number"),
        QCoreApplication::translate("pooldeskctl", "The number in E.164 form, like +16076956082."));
    if (resting) {
        parser.addOption(
            {QStringLiteral("days"),
             QCoreApplication::translate("pooldeskctl", "How long it rests (default: the policy's "
                                                        "rest_days)."),
             QCoreApplication::translate("pooldeskctl", "N")});
        parser.addOption(
            {QStringLiteral("reason"),
             QCoreApplication::translate("pooldeskctl", "Why, for the audit log and the Pool view."),
             QCoreApplication::translate("pooldeskctl", "TEXT")});
    }
    if (auto done = Cli::parse(context, parser, QStringLiteral("number ") + sub, args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(
            resting ? QCoreApplication::translate("pooldeskctl",
                                                  "pooldeskctl number rest E164 [--days N] [--reason TEXT]")
                    : QCoreApplication::translate("pooldeskctl", "pooldeskctl number unrest E164"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    Numbers numbers(*db.value());
    const QString e164 = parser.positionalArguments().first();
    auto number = numbers.find(e164, context.environment());
    if (!number)
        return context.fail(number.error());
    if (!resting) {
        if (auto done = numbers.unrest(Actor::currentUser(), number->e164, context.environment()); !done)
            return context.fail(done.error());
        if (context.json())
            context.printJson(QJsonObject{{QStringLiteral("number"), number->e164},
                                          {QStringLiteral("resting_until"), QJsonValue()}});
        else
            context.out()
                << QCoreApplication::translate("pooldeskctl", "%1 is back in the pool.").arg(number->e164)
                << Qt::endl;
        return ExitCode::Success;
    }
    int days = CallerPolicy::load(*db.value()).restDays;
    if (parser.isSet(QStringLiteral("days"))) {
        bool ok = false;
        days = parser.value(QStringLiteral("days")).toInt(&ok);
        if (!ok || days < 1 || days > 365)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--days takes a whole number from 1 to 365."));
    }
    const QDateTime until = Clock::nowUtc().addDays(days);
    const QString reason = parser.isSet(QStringLiteral("reason")) ? parser.value(QStringLiteral("reason"))
                                                                  : QStringLiteral("by hand");
    if (auto done = numbers.rest(Actor::currentUser(), number->e164, context.environment(), until, reason);
        !done)
        return context.fail(done.error());
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("number"), number->e164},
                                      {QStringLiteral("resting_until"), until.toString(Qt::ISODate)},
                                      {QStringLiteral("reason"), reason}});
    else
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "%1 rests until %2: no call will be given it.")
                             .arg(number->e164, context.zone().isoText(until.toSecsSinceEpoch()))
                      << Qt::endl;
    return ExitCode::Success;
}

// number health [E164] [--review]
int runHealth(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("number"),
                                 QCoreApplication::translate("pooldeskctl", "Only this number (E.164)."));
    parser.addOption(
        {QStringLiteral("review"),
         QCoreApplication::translate("pooldeskctl",
                                     "First rest the numbers significantly worse than their peers, as the "
                                     "pool service does on its own (audited as policy:reputation).")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("number health"), args))
        return *done;
    if (parser.positionalArguments().size() > 1)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl number health [E164] [--review]"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    QString only;
    if (!parser.positionalArguments().isEmpty()) {
        auto number = Numbers(*db.value()).find(parser.positionalArguments().first(), context.environment());
        if (!number)
            return context.fail(number.error());
        only = number->e164;
    }
    if (parser.isSet(QStringLiteral("review"))) {
        auto rested = Reputation::review(*db.value(), context.environment());
        if (!rested)
            return context.fail(rested.error());
        if (!context.json()) {
            for (const NumberHealth &h : rested.value())
                context.err()
                    << QCoreApplication::translate("pooldeskctl", "Rested %1: %2.").arg(h.e164, h.restReason)
                    << Qt::endl;
        }
    }
    auto health = Reputation::health(*db.value(), context.environment(), only);
    if (!health)
        return context.fail(health.error());
    const auto percent = [](double rate) { return QStringLiteral("%1%").arg(rate * 100, 0, 'f', 1); };
    if (context.json()) {
        QJsonArray rows;
        for (const NumberHealth &h : health.value()) {
            QJsonObject row = h.figures();
            row.insert(QStringLiteral("number"), h.e164);
            row.insert(QStringLiteral("state"), Reputation::stateName(h.state));
            row.insert(QStringLiteral("calls_today"), h.callsToday);
            row.insert(QStringLiteral("resting_until"),
                       h.restingUntil ? QJsonValue(h.restingUntil->toString(Qt::ISODate)) : QJsonValue());
            row.insert(QStringLiteral("rest_reason"),
                       h.restReason.isEmpty() ? QJsonValue() : QJsonValue(h.restReason));
            rows.append(row);
        }
        context.printJson(QJsonObject{{QStringLiteral("environment"), context.environment()},
                                      {QStringLiteral("window_days"), Reputation::WindowDays},
                                      {QStringLiteral("numbers"), rows}});
        return ExitCode::Success;
    }
    // A plain variable: lupdate 6.4 does not read a qualified name as tr()'s count.
    const int windowDays = Reputation::WindowDays;
    QList<QStringList> rows;
    for (const NumberHealth &h : health.value())
        rows << QStringList{h.e164,
                            Reputation::stateText(h.state),
                            QString::number(h.calls),
                            percent(h.answerRate),
                            percent(h.peerRate),
                            QString::number(h.blocked),
                            QString::number(h.callsToday),
                            h.restingUntil ? context.zone().isoText(h.restingUntil->toSecsSinceEpoch())
                                           : QString()};
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "NUMBER"),
                     QCoreApplication::translate("pooldeskctl", "HEALTH"),
                     QCoreApplication::translate("pooldeskctl", "CALLS (%n DAYS)", nullptr, windowDays),
                     QCoreApplication::translate("pooldeskctl", "ANSWER RATE"),
                     QCoreApplication::translate("pooldeskctl", "PEERS"),
                     QCoreApplication::translate("pooldeskctl", "BLOCKED"),
                     QCoreApplication::translate("pooldeskctl", "TODAY"),
                     QCoreApplication::translate("pooldeskctl", "RESTING UNTIL")},
                    rows);
    return ExitCode::Success;
}

// number import FILE.csv [--dry-run]: every row is checked before any is added, and then all are
// added in one transaction, so a file is imported whole or not at all.
int runImport(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QCoreApplication::translate("pooldeskctl",
                                    "A CSV file in UTF-8 with a header row naming its columns: number, "
                                    "environment, dedicated company, sid, monthly price."));
    parser.addOption({QStringLiteral("dry-run"),
                      QCoreApplication::translate("pooldeskctl", "Check every row; import nothing.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("number import"), args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl number import FILE.csv [--dry-run]"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    QFile file(parser.positionalArguments().first());
    if (!file.open(QIODevice::ReadOnly))
        return context.fail(makeError(Error::Code::InvalidInput,
                                      QCoreApplication::translate("pooldeskctl", "Cannot read %1: %2.")
                                          .arg(file.fileName(), file.errorString())));
    // Read no more than one byte past the limit: parse() then refuses the file by its size.
    const QByteArray bytes = file.read(NumberCsv::MaxBytes + 1);
    auto parsed = NumberCsv::parse(bytes, context.environment());

    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    if (parsed.ok() || !parsed.rows.isEmpty()) {
        auto environments = Environments(*db.value()).list();
        if (!environments)
            return context.fail(environments.error());
        QStringList names;
        for (const EnvironmentProfile &profile : environments.value())
            names.append(profile.name);
        if (auto checked = NumberImport(*db.value()).check(parsed, names); !checked)
            return context.fail(checked.error());
    }

    if (!parsed.ok()) {
        const int problems = parsed.errorCount;
        const QString summary = QCoreApplication::translate(
            "pooldeskctl", "Nothing imported: %n problem(s) in the file.", nullptr, problems);
        QJsonArray rows;
        for (const NumberCsv::RowError &error : std::as_const(parsed.errors)) {
            context.err() << (error.line > 0 ? QCoreApplication::translate("pooldeskctl", "line %1: %2")
                                                   .arg(error.line)
                                                   .arg(error.message)
                                             : error.message)
                          << Qt::endl;
            rows.append(QJsonObject{{QStringLiteral("line"), error.line},
                                    {QStringLiteral("message"), error.message}});
        }
        const int unlisted = parsed.errorCount - int(parsed.errors.size());
        if (unlisted > 0)
            context.err() << QCoreApplication::translate("pooldeskctl", "... and %n more problem(s).",
                                                         nullptr, unlisted)
                          << Qt::endl;
        context.err() << QCoreApplication::translate("pooldeskctl", "error: %1").arg(summary) << Qt::endl;
        if (context.json())
            context.printJson(
                QJsonObject{{QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("code"), QStringLiteral("invalid_input")},
                                         {QStringLiteral("reason"), QStringLiteral("invalid_rows")},
                                         {QStringLiteral("message"), summary},
                                         {QStringLiteral("problems"), problems},
                                         {QStringLiteral("rows"), rows}}}});
        return ExitCode::Usage;
    }

    const int valid = int(parsed.rows.size());
    if (dryRun) {
        if (context.json())
            context.printJson(QJsonObject{{QStringLiteral("dry_run"), true},
                                          {QStringLiteral("valid"), valid},
                                          {QStringLiteral("imported"), 0}});
        else
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl", "All %n row(s) are valid. Nothing imported (--dry-run).",
                                 nullptr, valid)
                          << Qt::endl;
        return ExitCode::Success;
    }
    // A large file takes a while to add: say how far it has got, about once a second.
    QElapsedTimer sinceReport;
    sinceReport.start();
    const auto progress = [&](int added, int total) {
        if (context.json() || added == total || sinceReport.elapsed() < 1000)
            return;
        sinceReport.restart();
        context.err() << QCoreApplication::translate("pooldeskctl", "Importing: %1 of %n number(s) added…",
                                                     nullptr, total)
                             .arg(added)
                      << Qt::endl;
    };
    auto imported = NumberImport(*db.value()).commit(Actor::currentUser(), parsed.rows, progress);
    if (!imported)
        return context.fail(imported.error());
    const int count = imported.value();
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("dry_run"), false},
                                      {QStringLiteral("valid"), valid},
                                      {QStringLiteral("imported"), count}});
    else
        context.out() << QCoreApplication::translate("pooldeskctl", "Imported %n number(s).", nullptr, count)
                      << Qt::endl;
    return ExitCode::Success;
}

int runNumber(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("number"),
        QCoreApplication::translate("pooldeskctl", "The number in E.164 form, like +16076956082."));

    if (sub == QLatin1String("add")) {
        parser.addOption({QStringLiteral("dedicated"),
                          QCoreApplication::translate("pooldeskctl", "Dedicate the number to this company."),
                          QCoreApplication::translate("pooldeskctl", "COMPANY")});
        parser.addOption({QStringLiteral("sid"),
                          QCoreApplication::translate("pooldeskctl", "Twilio's phone number SID (PN...)."),
                          QCoreApplication::translate("pooldeskctl", "SID")});
        parser.addOption(
            {QStringLiteral("monthly-price"),
             QCoreApplication::translate("pooldeskctl", "Monthly rental in USD (default: the tariff)."),
             QCoreApplication::translate("pooldeskctl", "USD")});
        if (auto done = Cli::parse(context, parser, QStringLiteral("number add"), rest))
            return *done;
        if (parser.positionalArguments().size() != 1)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "pooldeskctl number add E164 [--dedicated COMPANY] [--sid PN...] "
                               "[--monthly-price USD]"));
        const auto price = Cli::moneyOption(parser, QStringLiteral("monthly-price"));
        if (!price.error.isEmpty() || price.cleared)
            return context.usage(price.error.isEmpty()
                                     ? QCoreApplication::translate(
                                           "pooldeskctl", "--monthly-price takes an amount in US dollars.")
                                     : price.error);
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        NewNumber input;
        input.e164 = parser.positionalArguments().first();
        input.environment = context.environment();
        input.twilioSid = parser.value(QStringLiteral("sid"));
        if (price.present)
            input.monthlyPrice = price.value;
        if (parser.isSet(QStringLiteral("dedicated"))) {
            auto company = Companies(*db.value()).find(parser.value(QStringLiteral("dedicated")));
            if (!company)
                return context.fail(company.error());
            input.dedicatedTo = company->id;
        }
        auto added = Numbers(*db.value()).add(Actor::currentUser(), input);
        if (!added)
            return context.fail(added.error());
        return printNumber(
            context, added.value(),
            added->dedicatedCompanyName.isEmpty()
                ? QCoreApplication::translate("pooldeskctl", "Added %1 to the %2 pool as a shared number.")
                      .arg(added->e164, added->environment)
                : QCoreApplication::translate("pooldeskctl", "Added %1 to the %2 pool, dedicated to %3.")
                      .arg(added->e164, added->environment, added->dedicatedCompanyName));
    }
    if (sub == QLatin1String("list")) {
        parser.addOption(
            {QStringLiteral("all"),
             QCoreApplication::translate("pooldeskctl", "List the numbers of every environment.")});
        parser.addOption(
            {QStringLiteral("status"),
             QCoreApplication::translate(
                 "pooldeskctl", "Only numbers in this status: available, held (reserved or in use), reserved "
                                "(allocated, call not confirmed) or in_use (on a call)."),
             QCoreApplication::translate("pooldeskctl", "STATUS")});
        if (auto done = Cli::parse(context, parser, QStringLiteral("number list"), rest))
            return *done;
        NumberFilter filter;
        if (!parser.isSet(QStringLiteral("all")))
            filter.environment = context.environment();
        if (parser.value(QStringLiteral("status")) == QLatin1String("held")) {
            filter.held = true;
        } else if (parser.isSet(QStringLiteral("status"))) {
            filter.status = numberStatusFromString(parser.value(QStringLiteral("status")));
            if (!filter.status)
                return context.usage(QCoreApplication::translate(
                    "pooldeskctl", "--status must be available, held, reserved or in_use."));
        }
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto numbers = Numbers(*db.value()).list(filter);
        if (!numbers)
            return context.fail(numbers.error());
        if (context.json()) {
            QJsonArray array;
            for (const PoolNumber &n : numbers.value())
                array.append(toJson(n));
            context.printJson(array);
            return ExitCode::Success;
        }
        QList<QStringList> rows;
        for (const PoolNumber &n : numbers.value())
            rows.append({n.e164, n.environment,
                         n.dedicatedCompanyName.isEmpty()
                             ? QCoreApplication::translate("pooldeskctl", "shared")
                             : QCoreApplication::translate("pooldeskctl", "dedicated: %1")
                                   .arg(n.dedicatedCompanyName),
                         n.releasing ? QCoreApplication::translate("pooldeskctl", "being released")
                                     : displayName(n.status),
                         QString::number(n.totalCalls), QString::number(n.totalMinutes),
                         Money::format(n.monthlyPrice, QLocale::c())});
        Cli::printTable(context.out(),
                        {QCoreApplication::translate("pooldeskctl", "NUMBER"),
                         QCoreApplication::translate("pooldeskctl", "ENVIRONMENT"),
                         QCoreApplication::translate("pooldeskctl", "KIND"),
                         QCoreApplication::translate("pooldeskctl", "STATUS"),
                         QCoreApplication::translate("pooldeskctl", "CALLS"),
                         QCoreApplication::translate("pooldeskctl", "MINUTES"),
                         QCoreApplication::translate("pooldeskctl", "MONTHLY")},
                        rows);
        return ExitCode::Success;
    }
    if (sub == QLatin1String("remove") || sub == QLatin1String("unassign")) {
        if (auto done = Cli::parse(context, parser, QStringLiteral("number ") + sub, rest))
            return *done;
        if (parser.positionalArguments().size() != 1)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "pooldeskctl number %1 E164").arg(sub));
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        Numbers numbers(*db.value());
        const QString e164 = parser.positionalArguments().first();
        if (sub == QLatin1String("remove")) {
            auto before = numbers.find(e164, context.environment());
            if (!before)
                return context.fail(before.error());
            if (auto removed = numbers.remove(Actor::currentUser(), e164, context.environment()); !removed)
                return context.fail(removed.error());
            if (context.json())
                context.printJson(QJsonObject{{QStringLiteral("removed"), before->e164},
                                              {QStringLiteral("environment"), before->environment}});
            else
                context.out() << QCoreApplication::translate("pooldeskctl", "Removed %1 from the %2 pool.")
                                     .arg(before->e164, before->environment)
                              << Qt::endl;
            return ExitCode::Success;
        }
        auto updated = numbers.unassign(Actor::currentUser(), e164, context.environment());
        if (!updated)
            return context.fail(updated.error());
        return printNumber(
            context, updated.value(),
            QCoreApplication::translate("pooldeskctl", "%1 is now a shared number.").arg(updated->e164));
    }
    if (sub == QLatin1String("assign")) {
        parser.addOption(
            {QStringLiteral("company"),
             QCoreApplication::translate("pooldeskctl", "The company the number is dedicated to."),
             QCoreApplication::translate("pooldeskctl", "NAME")});
        if (auto done = Cli::parse(context, parser, QStringLiteral("number assign"), rest))
            return *done;
        if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("company")))
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "pooldeskctl number assign E164 --company NAME"));
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto updated = Numbers(*db.value())
                           .assign(Actor::currentUser(), parser.positionalArguments().first(),
                                   context.environment(), parser.value(QStringLiteral("company")));
        if (!updated)
            return context.fail(updated.error());
        return printNumber(context, updated.value(),
                           QCoreApplication::translate("pooldeskctl", "%1 is now dedicated to %2.")
                               .arg(updated->e164, updated->dedicatedCompanyName));
    }
    if (sub == QLatin1String("rest") || sub == QLatin1String("unrest"))
        return runRest(context, sub, rest);
    if (sub == QLatin1String("health"))
        return runHealth(context, rest);
    if (sub == QLatin1String("import"))
        return runImport(context, rest);
    return context.usage(QCoreApplication::translate(
        "pooldeskctl", "pooldeskctl number add|import|list|remove|assign|unassign|rest|unrest|health ..."));
}

const bool registered = CommandRegistry::add(
    {"number", QT_TRANSLATE_NOOP("pooldeskctl", "add, list, remove numbers; dedicate them to a company"),
     &runNumber});

} // namespace
} // namespace PoolDesk
