// pooldeskctl report costs | report calls | report reconcile: the console's figures (the same
// billing code) for scripts, and the month against Twilio's own usage records.

#include "CliSupport.h"
#include "CommandRegistry.h"
#include "EnvCommands.h"

#include "billing/CallHistory.h"
#include "billing/ClosedMonths.h"
#include "billing/CostReport.h"
#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/Companies.h"
#include "twilio/ReconcileOperation.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>

namespace PoolDesk {
namespace {

QString money(Micros amount) {
    return Money::format(amount, QLocale(), 2);
}

int runCosts(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("month"),
                      QCoreApplication::translate(
                          "pooldeskctl", "The month, YYYY-MM, in the workspace's billing time zone. Default: "
                                         "this month."),
                      QCoreApplication::translate("pooldeskctl", "YYYY-MM")});
    parser.addOption({QStringLiteral("csv"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Also write the per-company table as CSV to FILE (- for stdout)."),
                      QCoreApplication::translate("pooldeskctl", "FILE")});
    parser.addOption(
        {QStringLiteral("numbers-csv"),
         QCoreApplication::translate("pooldeskctl", "Write the per-number table as CSV to FILE."),
         QCoreApplication::translate("pooldeskctl", "FILE")});
    parser.addOption(
        {QStringLiteral("bom"),
         QCoreApplication::translate("pooldeskctl", "Start CSV files with a byte-order mark (for Excel).")});
    parser.addOption({QStringLiteral("blocking"),
                      QCoreApplication::translate("pooldeskctl",
                                                  "Blocking target for the pool-size advice (default 0.01)."),
                      QCoreApplication::translate("pooldeskctl", "P")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("report costs"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    const BillingZone zone = context.zone();
    const QString month = parser.isSet(QStringLiteral("month")) ? parser.value(QStringLiteral("month"))
                                                                : zone.monthKey(Clock::nowSecs());
    if (auto range = CostReports::monthRange(month, zone); !range)
        return context.fail(range.error());
    CostReportOptions options;
    options.zone = zone;
    if (parser.isSet(QStringLiteral("blocking"))) {
        bool ok = false;
        options.blockingTarget = parser.value(QStringLiteral("blocking")).toDouble(&ok);
        if (!ok || options.blockingTarget <= 0.0 || options.blockingTarget >= 1.0)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "--blocking takes a probability between 0 and 1, for example 0.01."));
    }
    auto me = context.principal();
    if (!me)
        return context.fail(me.error());
    auto built = ClosedMonths(*db.value(), me.value()).report(month, options);
    if (!built)
        return context.fail(built.error());
    if (auto audited = Cli::auditReport(*db.value(), QStringLiteral("costs"), parser); !audited)
        return context.fail(audited.error());
    const CostReport &report = built.value();
    const CsvWriter::Options csv{parser.isSet(QStringLiteral("bom"))};
    QStringList written;
    for (const auto &[option, section] :
         {std::make_pair(QStringLiteral("csv"), CostReports::CsvSection::Companies),
          std::make_pair(QStringLiteral("numbers-csv"), CostReports::CsvSection::Numbers)}) {
        if (!parser.isSet(option))
            continue;
        auto file = Cli::writeCsvFile(parser.value(option), [&](QIODevice &device) {
            return CostReports::writeCsv(report, section, device, csv);
        });
        if (!file)
            return context.fail(file.error());
        written << file.value();
    }
    if (context.json()) {
        context.printJson(CostReports::toJson(report));
        return ExitCode::Success;
    }
    if (parser.value(QStringLiteral("csv")) == QLatin1String("-"))
        return ExitCode::Success; // stdout carries the CSV
    QTextStream &out = context.out();
    out << QCoreApplication::translate("pooldeskctl", "Costs for %1 (USD; months in %2)")
               .arg(report.month, report.timeZone)
        << Qt::endl;
    QList<QStringList> rows;
    for (const CompanyCost &c : report.companies)
        rows << QStringList{c.name,
                            money(c.dedicatedRental),
                            money(c.sharedRentalShare),
                            money(c.outbound),
                            money(c.inbound),
                            money(c.total)};
    if (report.unallocatedSharedRental != 0)
        rows << QStringList{QCoreApplication::translate("pooldeskctl", "(unallocated shared rental)"),
                            QString(),
                            money(report.unallocatedSharedRental),
                            QString(),
                            QString(),
                            money(report.unallocatedSharedRental)};
    rows << QStringList{QCoreApplication::translate("pooldeskctl", "Total"),
                        money(report.dedicatedRental),
                        money(report.sharedRental),
                        money(report.outbound),
                        money(report.inbound),
                        money(report.total)};
    if (report.closing)
        out << QCoreApplication::translate("pooldeskctl", "Closed on %1 by %2 (SHA-256 %3).")
                   .arg(context.zone().displayText(report.closing->closedAt), report.closing->closedBy,
                        report.closing->sha256)
            << Qt::endl;
    else
        out << QCoreApplication::translate(
                   "pooldeskctl", "Open: the figures may still change until finance closes the month.")
            << Qt::endl;
    Cli::printTable(out,
                    {QCoreApplication::translate("pooldeskctl", "Company"),
                     QCoreApplication::translate("pooldeskctl", "Dedicated rental"),
                     QCoreApplication::translate("pooldeskctl", "Shared rental share"),
                     QCoreApplication::translate("pooldeskctl", "Outbound"),
                     QCoreApplication::translate("pooldeskctl", "Inbound"),
                     QCoreApplication::translate("pooldeskctl", "Total")},
                    rows);
    for (const CostAdjustment &a : report.poolAdjustments)
        out << QCoreApplication::translate("pooldeskctl",
                                           "%1: %2 of corrections to %3 (closed), included in the total.")
                   .arg(QCoreApplication::translate("pooldeskctl", "(unallocated shared rental)"),
                        money(a.total()), a.month)
            << Qt::endl;
    for (const CompanyCost &c : report.companies)
        for (const CostAdjustment &a : c.adjustments)
            out << QCoreApplication::translate("pooldeskctl",
                                               "%1: %2 of corrections to %3 (closed), included in the total.")
                       .arg(c.name, money(a.total()), a.month)
                << Qt::endl;
    if (report.twilioPricedCalls > 0)
        out << QCoreApplication::translate(
                   "pooldeskctl", "Twilio priced %1 of %n call(s): billed %2 against an estimate of %3.",
                   nullptr, int(report.calls))
                   .arg(report.twilioPricedCalls)
                   .arg(money(report.twilioBilled), money(report.estimateOfTwilioPriced))
            << Qt::endl;
    out << Qt::endl << CostReport::sharingRule() << Qt::endl << CostReport::pricingRule() << Qt::endl;
    if (!report.advice.isEmpty()) {
        out << Qt::endl << QCoreApplication::translate("pooldeskctl", "Savings advice:") << Qt::endl;
        for (const CostAdvice &advice : report.advice)
            out << QStringLiteral("  - ") << advice.message << Qt::endl;
    }
    for (const QString &file : written)
        out << QCoreApplication::translate("pooldeskctl", "Wrote %1").arg(file) << Qt::endl;
    return ExitCode::Success;
}

int runCalls(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("company"),
                      QCoreApplication::translate("pooldeskctl", "Only this company's calls."),
                      QCoreApplication::translate("pooldeskctl", "NAME")});
    parser.addOption({QStringLiteral("number"),
                      QCoreApplication::translate("pooldeskctl", "Only calls of this number (E.164)."),
                      QCoreApplication::translate("pooldeskctl", "E164")});
    parser.addOption({QStringLiteral("operator"),
                      QCoreApplication::translate("pooldeskctl", "Only this operator's calls."),
                      QCoreApplication::translate("pooldeskctl", "ID")});
    parser.addOption({QStringLiteral("direction"),
                      QCoreApplication::translate("pooldeskctl", "outbound or inbound."),
                      QCoreApplication::translate("pooldeskctl", "DIRECTION")});
    parser.addOption(
        {QStringLiteral("from"),
         QCoreApplication::translate(
             "pooldeskctl",
             "Calls started on or after DATE (YYYY-MM-DD, in the workspace's billing time zone)."),
         QCoreApplication::translate("pooldeskctl", "DATE")});
    parser.addOption({QStringLiteral("to"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Calls started on or before DATE (YYYY-MM-DD, the whole day)."),
                      QCoreApplication::translate("pooldeskctl", "DATE")});
    parser.addOption(
        {QStringLiteral("all-environments"),
         QCoreApplication::translate("pooldeskctl", "Include every environment, not only --env's.")});
    parser.addOption({QStringLiteral("csv"),
                      QCoreApplication::translate("pooldeskctl",
                                                  "Write every matching call as CSV to FILE (- for stdout)."),
                      QCoreApplication::translate("pooldeskctl", "FILE")});
    parser.addOption(
        {QStringLiteral("bom"),
         QCoreApplication::translate("pooldeskctl", "Start the CSV with a byte-order mark (for Excel).")});
    parser.addOption(
        {QStringLiteral("limit"),
         QCoreApplication::translate("pooldeskctl", "How many of the newest calls to list (default 20)."),
         QCoreApplication::translate("pooldeskctl", "N")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("report calls"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    CallFilter filter;
    if (!parser.isSet(QStringLiteral("all-environments")))
        filter.environment = context.environment();
    if (parser.isSet(QStringLiteral("company"))) {
        auto company = Companies(*db.value()).find(parser.value(QStringLiteral("company")));
        if (!company)
            return context.fail(company.error());
        filter.companyId = company->id;
    }
    if (parser.isSet(QStringLiteral("number"))) {
        const auto e164 = PhoneNumber::normalize(parser.value(QStringLiteral("number")));
        if (!e164)
            return context.usage(
                QCoreApplication::translate("pooldeskctl",
                                            "\"%1\" is not a phone number in E.164 form, like +16076956082.")
                    .arg(parser.value(QStringLiteral("number"))));
        filter.e164 = *e164;
    }
    filter.operatorId = parser.value(QStringLiteral("operator"));
    if (parser.isSet(QStringLiteral("direction"))) {
        filter.direction = directionFromString(parser.value(QStringLiteral("direction")));
        if (!filter.direction)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--direction is outbound or inbound."));
    }
    for (const auto &[option, endOfDay] :
         {std::make_pair(QStringLiteral("from"), false), std::make_pair(QStringLiteral("to"), true)}) {
        if (!parser.isSet(option))
            continue;
        const auto secs = Cli::parseDate(parser.value(option), endOfDay, context.zone());
        if (!secs)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--%1 takes a date like 2026-03-01.").arg(option));
        (endOfDay ? filter.toSecs : filter.fromSecs) = *secs;
    }
    if (filter.fromSecs && filter.toSecs && *filter.fromSecs >= *filter.toSecs)
        return context.usage(QCoreApplication::translate("pooldeskctl", "--from must be before --to."));
    int limit = 20;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 0 || limit > 100000)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--limit takes a number from 0 to 100000."));
    }

    if (auto audited = Cli::auditReport(*db.value(), QStringLiteral("calls"), parser, filter.companyId);
        !audited)
        return context.fail(audited.error());
    auto summary = CallHistory::summary(*db.value(), filter);
    if (!summary)
        return context.fail(summary.error());
    if (parser.isSet(QStringLiteral("csv"))) {
        CallHistory::ExportOptions options;
        options.csv.byteOrderMark = parser.isSet(QStringLiteral("bom"));
        auto file = Cli::writeCsvFile(parser.value(QStringLiteral("csv")), [&](QIODevice &device) -> Status {
            auto rows = CallHistory::exportCsv(*db.value(), filter, device, options);
            if (!rows)
                return rows.error();
            return success();
        });
        if (!file)
            return context.fail(file.error());
        if (file.value() == QLatin1String("-"))
            return ExitCode::Success;
    }
    QList<CallRow> rows;
    if (limit > 0) {
        auto page =
            CallHistory::page(*db.value(), filter, CallSort::StartedAt, Qt::DescendingOrder, {}, limit);
        if (!page)
            return context.fail(page.error());
        rows = page->rows;
    }
    const CallHistory::CallSummary &s = summary.value();
    if (context.json()) {
        QJsonArray calls;
        for (const CallRow &row : rows)
            calls.append(QJsonObject{
                {QStringLiteral("started_at"), context.zone().isoText(row.startedAt)},
                {QStringLiteral("company"), row.companyName},
                {QStringLiteral("number"), row.e164},
                {QStringLiteral("operator"), row.operatorId},
                {QStringLiteral("direction"), toString(row.direction)},
                {QStringLiteral("duration_seconds"), row.durationSeconds},
                {QStringLiteral("billed_minutes"), row.billedMinutes},
                {QStringLiteral("cost"),
                 Money::toPlainString(row.twilioPrice.value_or(row.estimatedCost), 6)},
                {QStringLiteral("price_source"),
                 row.twilioPrice ? QStringLiteral("twilio") : QStringLiteral("estimate")},
                {QStringLiteral("environment"), row.environment},
            });
        context.printJson(QJsonObject{{QStringLiteral("time_zone"), context.zone().id()},
                                      {QStringLiteral("calls"), s.calls},
                                      {QStringLiteral("billed_minutes"), s.billedMinutes},
                                      {QStringLiteral("duration_seconds"), s.durationSeconds},
                                      {QStringLiteral("cost"), Money::toPlainString(s.cost, 6)},
                                      {QStringLiteral("cost_micros"), s.cost},
                                      {QStringLiteral("estimated"), Money::toPlainString(s.estimated, 6)},
                                      {QStringLiteral("twilio_priced_calls"), s.twilioPricedCalls},
                                      {QStringLiteral("newest"), calls}});
        return ExitCode::Success;
    }
    QTextStream &out = context.out();
    const QLocale locale;
    out << QCoreApplication::translate(
               "pooldeskctl",
               "%Ln call(s), %1 billed minutes, cost %2 (%3 priced by Twilio, the rest estimated).", nullptr,
               int(s.calls))
               .arg(locale.toString(s.billedMinutes), Money::format(s.cost, locale, 2),
                    locale.toString(s.twilioPricedCalls))
        << Qt::endl;
    if (!rows.isEmpty()) {
        QList<QStringList> table;
        for (const CallRow &row : rows)
            table << QStringList{QLocale().toString(context.zone().at(row.startedAt), QLocale::ShortFormat) +
                                     QLatin1Char(' ') + context.zone().abbreviation(row.startedAt),
                                 row.companyName,
                                 row.e164,
                                 row.operatorId,
                                 toString(row.direction),
                                 QString::number(row.durationSeconds),
                                 Money::format(row.twilioPrice.value_or(row.estimatedCost), locale, 4)};
        Cli::printTable(out,
                        {QCoreApplication::translate("pooldeskctl", "Started"),
                         QCoreApplication::translate("pooldeskctl", "Company"),
                         QCoreApplication::translate("pooldeskctl", "Number"),
                         QCoreApplication::translate("pooldeskctl", "Operator"),
                         QCoreApplication::translate("pooldeskctl", "Direction"),
                         QCoreApplication::translate("pooldeskctl", "Seconds"),
                         QCoreApplication::translate("pooldeskctl", "Cost")},
                        table);
    }
    if (parser.isSet(QStringLiteral("csv")))
        out << QCoreApplication::translate("pooldeskctl", "Wrote %1").arg(parser.value(QStringLiteral("csv")))
            << Qt::endl;
    return ExitCode::Success;
}

int runReconcile(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("month"),
         QCoreApplication::translate("pooldeskctl", "The month, YYYY-MM (UTC, as Twilio bills)."),
         QStringLiteral("YYYY-MM")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("report reconcile"), args))
        return *done;
    if (!parser.isSet(QStringLiteral("month")))
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "pooldeskctl --env ENV report reconcile --month YYYY-MM"));
    if (auto range = CostReports::monthRange(parser.value(QStringLiteral("month")), BillingZone::utc());
        !range)
        return context.fail(range.error());
    auto session = EnvCli::openSession(context, context.environment());
    if (!session)
        return context.fail(session.error());
    Twilio::ReconcileOperation op(session->context(), parser.value(QStringLiteral("month")));
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    if (auto audited = Cli::auditReport(*session->db, QStringLiteral("reconcile"), parser); !audited)
        return context.fail(audited.error());
    if (context.json()) {
        QJsonArray lines;
        for (const Twilio::ReconcileLine &line : op.lines())
            lines.append(QJsonObject{{QStringLiteral("category"), line.twilioCategory},
                                     {QStringLiteral("pooldesk_count"), line.poolCount},
                                     {QStringLiteral("pooldesk_micros"), line.poolAmount},
                                     {QStringLiteral("pooldesk_estimated_calls"), line.poolEstimated},
                                     {QStringLiteral("twilio_count"), line.twilioCount},
                                     {QStringLiteral("twilio_micros"), line.twilioAmount},
                                     {QStringLiteral("twilio_reported"), line.twilioReported},
                                     {QStringLiteral("difference_micros"), line.difference()},
                                     {QStringLiteral("explanation"), line.explanation()}});
        context.printJson(QJsonObject{{QStringLiteral("month"), op.month()},
                                      {QStringLiteral("environment"), session->profile.name},
                                      {QStringLiteral("time_zone"), QStringLiteral("UTC")},
                                      {QStringLiteral("lines"), lines}});
        return ExitCode::Success;
    }
    const QLocale locale;
    QList<QStringList> table;
    for (const Twilio::ReconcileLine &line : op.lines())
        table.append({line.twilioCategory, locale.toString(line.poolCount),
                      Money::format(line.poolAmount, locale, 4), locale.toString(line.twilioCount),
                      Money::format(line.twilioAmount, locale, 4),
                      Money::format(line.difference(), locale, 4), line.explanation()});
    context.out() << QCoreApplication::translate("pooldeskctl",
                                                 "%1, %2 environment, against Twilio's usage records (UTC):")
                         .arg(op.month(), session->profile.name)
                  << Qt::endl;
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "CATEGORY"),
                     QCoreApplication::translate("pooldeskctl", "POOLDESK"),
                     QCoreApplication::translate("pooldeskctl", "AMOUNT"),
                     QCoreApplication::translate("pooldeskctl", "TWILIO"),
                     QCoreApplication::translate("pooldeskctl", "AMOUNT"),
                     QCoreApplication::translate("pooldeskctl", "DIFFERENCE"),
                     QCoreApplication::translate("pooldeskctl", "WHY")},
                    table);
    return ExitCode::Success;
}

// report close --month M / report reopen --month M: finance freezes a month; an administrator
// may undo it. Both are audited; the database enforces who may.
int runCloseOrReopen(CliContext &context, const QStringList &args, bool close) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("month"),
                      QCoreApplication::translate(
                          "pooldeskctl", "The month, YYYY-MM, in the workspace's billing time zone."),
                      QStringLiteral("YYYY-MM")});
    if (!close)
        parser.addOption({QStringLiteral("yes"),
                          QCoreApplication::translate("pooldeskctl", "Do not ask for confirmation.")});
    const QString command = close ? QStringLiteral("report close") : QStringLiteral("report reopen");
    if (auto done = Cli::parse(context, parser, command, args))
        return *done;
    if (!parser.isSet(QStringLiteral("month")))
        return context.usage(QStringLiteral("pooldeskctl %1 --month YYYY-MM").arg(command));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto me = context.principal();
    if (!me)
        return context.fail(me.error());
    const QString month = parser.value(QStringLiteral("month"));
    if (auto range = CostReports::monthRange(month, context.zone()); !range)
        return context.fail(range.error());
    ClosedMonths months(*db.value(), me.value());
    if (!close) {
        if (!parser.isSet(QStringLiteral("yes")) &&
            !context.confirm(QCoreApplication::translate(
                                 "pooldeskctl", "Re-open %1? Its report will be worked out again from the "
                                                "history, and may no longer match what was invoiced.")
                                 .arg(month)))
            return context.fail(makeError(
                Error::Code::Refused, QCoreApplication::translate("pooldeskctl", "Nothing was re-opened.")));
        if (auto done = months.reopen(month); !done)
            return context.fail(done.error());
        if (context.json())
            context.printJson(
                QJsonObject{{QStringLiteral("month"), month}, {QStringLiteral("closed"), false}});
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "%1 is open again.").arg(month)
                          << Qt::endl;
        return ExitCode::Success;
    }
    auto closed = months.close(month);
    if (!closed)
        return context.fail(closed.error());
    const CostReport &report = closed.value();
    if (context.json()) {
        context.printJson(
            QJsonObject{{QStringLiteral("month"), month},
                        {QStringLiteral("time_zone"), report.timeZone},
                        {QStringLiteral("closed"), true},
                        {QStringLiteral("closed_by"), report.closing->closedBy},
                        {QStringLiteral("closed_at"), context.zone().isoText(report.closing->closedAt)},
                        {QStringLiteral("total_micros"), report.total},
                        {QStringLiteral("sha256"), report.closing->sha256}});
        return ExitCode::Success;
    }
    context.out() << QCoreApplication::translate(
                         "pooldeskctl", "Closed %1 (%2): total %3. SHA-256 %4, entered in the audit log.")
                         .arg(month, report.timeZone, money(report.total), report.closing->sha256)
                  << Qt::endl;
    return ExitCode::Success;
}

int runReport(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    if (sub == QLatin1String("costs"))
        return runCosts(context, args.mid(1));
    if (sub == QLatin1String("calls"))
        return runCalls(context, args.mid(1));
    if (sub == QLatin1String("reconcile"))
        return runReconcile(context, args.mid(1));
    if (sub == QLatin1String("close") || sub == QLatin1String("reopen"))
        return runCloseOrReopen(context, args.mid(1), sub == QLatin1String("close"));
    return context.usage(QCoreApplication::translate(
        "pooldeskctl", "pooldeskctl report costs [--month YYYY-MM] [--csv FILE] [--bom] | "
                       "report calls [--company NAME] [--from DATE] [--to DATE] [--csv FILE] [--bom] | "
                       "report reconcile --month YYYY-MM | report close --month YYYY-MM | "
                       "report reopen --month YYYY-MM [--yes]"));
}

const bool registered = CommandRegistry::add(
    {"report", QT_TRANSLATE_NOOP("pooldeskctl", "Cost and call reports (text, --json or CSV)"), &runReport});

} // namespace
} // namespace PoolDesk
