// pooldeskctl twilio import | search | buy | release | webhooks | sync-calls | prices

#include "CliSupport.h"
#include "CommandRegistry.h"
#include "EnvCommands.h"

#include "credentials/Environments.h"
#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/Tariffs.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "twilio/AutoScaler.h"
#include "twilio/ImportNumbersOperation.h"
#include "twilio/NumberOperations.h"
#include "twilio/PricesOperation.h"
#include "twilio/ReleaseMarks.h"
#include "twilio/SyncCallsOperation.h"
#include "twilio/TwilioClient.h"
#include "twilio/WebhooksOperation.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <memory>

namespace PoolDesk {
namespace {

QJsonArray toArray(const QStringList &list) {
    return QJsonArray::fromStringList(list);
}

using EnvCli::Session;

Result<Session> openSession(CliContext &context) {
    return EnvCli::openSession(context, context.environment());
}

QString countryOf(Database &db, const QString &given) {
    return given.isEmpty() ? Settings::value(db, SettingKeys::Country, QStringLiteral("US")).toUpper()
                           : given.toUpper();
}

int importNumbers(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio import"), args))
        return *done;
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::ImportNumbersOperation op(session->context());
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    const Twilio::ImportSummary &s = op.summary();
    if (context.json()) {
        context.printJson(QJsonObject{{QStringLiteral("environment"), session->profile.name},
                                      {QStringLiteral("added"), toArray(s.added)},
                                      {QStringLiteral("updated"), toArray(s.updated)},
                                      {QStringLiteral("unchanged"), toArray(s.unchanged)},
                                      {QStringLiteral("returned"), toArray(s.returned)},
                                      {QStringLiteral("missing_from_twilio"), toArray(s.missing)}});
        return ExitCode::Success;
    }
    QTextStream &out = context.out();
    out << QCoreApplication::translate(
               "pooldeskctl",
               "Imported the %1 numbers: %2 added, %3 updated, %4 unchanged, %5 back on the account, %6 "
               "missing from "
               "Twilio.")
               .arg(session->profile.name)
               .arg(s.added.size())
               .arg(s.updated.size())
               .arg(s.unchanged.size())
               .arg(s.returned.size())
               .arg(s.missing.size())
        << Qt::endl;
    for (const QString &n : s.added)
        out << QStringLiteral("  + ") << n << Qt::endl;
    for (const QString &n : s.updated)
        out << QStringLiteral("  ~ ") << n << Qt::endl;
    for (const QString &n : s.missing)
        out << QStringLiteral("  ! ") << n << QLatin1Char(' ')
            << QCoreApplication::translate("pooldeskctl",
                                           "(no longer on the Twilio account: flagged, not deleted)")
            << Qt::endl;
    return ExitCode::Success;
}

void addSearchOptions(QCommandLineParser &parser) {
    parser.addOption(
        {QStringLiteral("country"),
         QCoreApplication::translate("pooldeskctl", "ISO country code (default: the pool's country, US)."),
         QStringLiteral("CC")});
    parser.addOption({QStringLiteral("area-code"),
                      QCoreApplication::translate("pooldeskctl", "Area code to search in."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("contains"),
                      QCoreApplication::translate("pooldeskctl", "Digits the number contains."),
                      QStringLiteral("DIGITS")});
    parser.addOption(
        {QStringLiteral("toll-free"),
         QCoreApplication::translate("pooldeskctl", "Toll-free numbers instead of local ones.")});
    parser.addOption({QStringLiteral("limit"),
                      QCoreApplication::translate("pooldeskctl", "At most this many results (default 20)."),
                      QStringLiteral("N")});
}

Result<Twilio::SearchQuery> searchQuery(Database &db, const QCommandLineParser &parser) {
    Twilio::SearchQuery query;
    query.country = countryOf(db, parser.value(QStringLiteral("country")));
    query.areaCode = parser.value(QStringLiteral("area-code")).trimmed();
    query.contains = parser.value(QStringLiteral("contains")).trimmed();
    query.tollFree = parser.isSet(QStringLiteral("toll-free"));
    static const QRegularExpression digits(QStringLiteral("^[0-9]{0,10}$"));
    static const QRegularExpression pattern(QStringLiteral("^[0-9*]{0,16}$"));
    static const QRegularExpression country(QStringLiteral("^[A-Z]{2}$"));
    if (!country.match(query.country).hasMatch())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("pooldeskctl",
                                                     "--country takes a two-letter code such as US or JP."));
    if (!digits.match(query.areaCode).hasMatch())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("pooldeskctl", "--area-code takes digits only, like 607."));
    if (!pattern.match(query.contains).hasMatch())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("pooldeskctl", "--contains takes digits (and * as a wildcard)."));
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        query.limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || query.limit < 1 || query.limit > 1000)
            return makeError(
                Error::Code::InvalidInput,
                QCoreApplication::translate("pooldeskctl", "--limit takes a number from 1 to 1000."));
    }
    return query;
}

Result<QList<Twilio::AvailableNumber>> runSearch(CliContext &context, Session &session,
                                                 const Twilio::SearchQuery &query) {
    Twilio::SearchNumbersOperation op(session.context(), query);
    if (auto ran = EnvCli::run(context, op); !ran)
        return ran.error();
    return op.results();
}

int searchNumbers(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    addSearchOptions(parser);
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio search"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto query = searchQuery(*db.value(), parser);
    if (!query)
        return context.fail(query.error());
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    auto found = runSearch(context, session.value(), query.value());
    if (!found)
        return context.fail(found.error());
    auto tariff = Tariffs::load(*session->db, query->country);
    const Micros monthly = tariff ? tariff->numberMonthly : 0;
    if (context.json()) {
        QJsonArray array;
        for (const auto &n : found.value())
            array.append(QJsonObject{{QStringLiteral("number"), n.e164},
                                     {QStringLiteral("locality"), n.locality},
                                     {QStringLiteral("region"), n.region},
                                     {QStringLiteral("country"), n.isoCountry},
                                     {QStringLiteral("monthly_price"), Money::toPlainString(monthly)}});
        context.printJson(QJsonObject{{QStringLiteral("results"), array}});
        return ExitCode::Success;
    }
    QList<QStringList> rows;
    for (const auto &n : found.value())
        rows.append({n.e164, n.friendlyName, n.locality, n.region, Money::format(monthly)});
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "NUMBER"),
                     QCoreApplication::translate("pooldeskctl", "NAME"),
                     QCoreApplication::translate("pooldeskctl", "LOCALITY"),
                     QCoreApplication::translate("pooldeskctl", "REGION"),
                     QCoreApplication::translate("pooldeskctl", "MONTHLY")},
                    rows);
    if (rows.isEmpty())
        context.out() << QCoreApplication::translate(
                             "pooldeskctl", "No numbers match; try another area code or drop --contains.")
                      << Qt::endl;
    return ExitCode::Success;
}

int buyNumber(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("number"),
        QCoreApplication::translate("pooldeskctl", "The number to buy, in E.164 form."));
    addSearchOptions(parser);
    parser.addOption(
        {QStringLiteral("yes"),
         QCoreApplication::translate("pooldeskctl", "Do not ask for confirmation of the price.")});
    parser.addOption({QStringLiteral("or-similar"),
                      QCoreApplication::translate(
                          "pooldeskctl", "When the number asked for is taken, buy another one from the "
                                         "same area code instead.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio buy"), args))
        return *done;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (positional.isEmpty() && !parser.isSet(QStringLiteral("area-code"))))
        return context.usage(QCoreApplication::translate(
            "pooldeskctl",
            "pooldeskctl twilio buy E164 [--or-similar] | --area-code N [--country CC] [--yes]"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto query = searchQuery(*db.value(), parser);
    if (!query)
        return context.fail(query.error());
    QStringList candidates;
    if (!positional.isEmpty()) {
        const auto e164 = PhoneNumber::normalize(positional.first());
        if (!e164)
            return context.usage(
                QCoreApplication::translate("pooldeskctl",
                                            "\"%1\" is not a phone number in E.164 form, like +16076956082.")
                    .arg(positional.first()));
        candidates.append(*e164);
        // For a North American number the area code lets us offer a neighbour if it is taken.
        if (query->areaCode.isEmpty() && e164->startsWith(QLatin1String("+1")))
            query.value().areaCode = e164->mid(2, 3);
    }
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    bool searched = false;
    auto tariff = Tariffs::load(*session->db, query->country);
    const Micros monthly = tariff ? tariff->numberMonthly : 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (candidates.isEmpty()) {
            if (searched)
                break;
            auto found = runSearch(context, session.value(), query.value());
            searched = true;
            if (!found)
                return context.fail(found.error());
            for (const auto &n : found.value())
                if (!candidates.contains(n.e164))
                    candidates.append(n.e164);
            if (candidates.isEmpty())
                return context.fail(makeError(
                    Error::Code::NotFound,
                    QCoreApplication::translate(
                        "pooldeskctl", "No number is available for that search; try another area code.")));
        }
        const QString e164 = candidates.takeFirst();
        if (!parser.isSet(QStringLiteral("yes")) &&
            !context.confirm(QCoreApplication::translate(
                                 "pooldeskctl", "Buy %1 for the %2 environment at %3 a month (%4 prices)?")
                                 .arg(e164, session->profile.name, Money::format(monthly),
                                      tariff ? tariff->source : QStringLiteral("default"))))
            return context.fail(
                makeError(Error::Code::Refused,
                          QCoreApplication::translate("pooldeskctl", "Not bought: not confirmed."),
                          QStringLiteral("not_confirmed")));
        Twilio::BuyNumberOperation op(session->context(), e164, QStringLiteral("manual (pooldeskctl)"));
        const Status bought = EnvCli::run(context, op);
        if (!bought && bought.error().reason == Twilio::Reason::NumberTaken) {
            // A script that named one number gets that number or nothing, unless it said otherwise.
            if (!positional.isEmpty() && !parser.isSet(QStringLiteral("or-similar")))
                return context.fail(makeError(
                    Error::Code::Refused,
                    QCoreApplication::translate("pooldeskctl",
                                                "%1 was taken by someone else meanwhile; nothing was bought. "
                                                "Pass --or-similar to buy another number from its area code.")
                        .arg(e164),
                    Twilio::Reason::NumberTaken));
            context.err() << QCoreApplication::translate("pooldeskctl",
                                                         "%1 was taken by someone else meanwhile.")
                                 .arg(e164)
                          << Qt::endl;
            if (candidates.isEmpty() && searched)
                return context.fail(bought.error());
            continue; // offer the next candidate (searching once if needed)
        }
        if (!bought)
            return context.fail(bought.error());
        const PoolNumber &n = op.number();
        if (context.json())
            context.printJson(QJsonObject{
                {QStringLiteral("number"), n.e164},
                {QStringLiteral("sid"), n.twilioSid},
                {QStringLiteral("environment"), n.environment},
                {QStringLiteral("monthly_price"), Money::toPlainString(n.monthlyPrice)},
                {QStringLiteral("voice_url"), n.voiceUrl},
                {QStringLiteral("confirmed_after_unclear_failure"), op.confirmedAfterUnclearFailure()}});
        else
            context.out() << QCoreApplication::translate("pooldeskctl",
                                                         "Bought %1 (%2) for the %3 pool at %4 a month.")
                                 .arg(n.e164, n.twilioSid, n.environment, Money::format(n.monthlyPrice))
                          << Qt::endl;
        return ExitCode::Success;
    }
    return context.fail(
        makeError(Error::Code::Conflict,
                  QCoreApplication::translate("pooldeskctl",
                                              "Every candidate was taken meanwhile; search again later."),
                  Twilio::Reason::NumberTaken));
}

int releaseNumber(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("number"),
        QCoreApplication::translate("pooldeskctl", "The number to release, in E.164 form."));
    parser.addOption(
        {QStringLiteral("yes"), QCoreApplication::translate("pooldeskctl", "Do not ask for confirmation.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio release"), args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl twilio release E164 [--yes]"));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    // Check before asking for credentials or confirmation: a busy number is refused outright.
    auto number = Twilio::ReleaseNumberOperation::checkReleasable(
        *db.value(), parser.positionalArguments().first(), context.environment());
    if (!number)
        return context.fail(number.error());
    if (!parser.isSet(QStringLiteral("yes")) &&
        !context.confirm(
            QCoreApplication::translate(
                "pooldeskctl",
                "Release %1 from the %2 Twilio account? A released number cannot be recovered: Twilio "
                "may give it to someone else.")
                .arg(number->e164, context.environment())))
        return context.fail(makeError(
            Error::Code::Refused, QCoreApplication::translate("pooldeskctl", "Not released: not confirmed."),
            QStringLiteral("not_confirmed")));
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::ReleaseNumberOperation op(session->context(), number->e164,
                                      QStringLiteral("manual (pooldeskctl)"));
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("number"), number->e164},
                                      {QStringLiteral("released"), true},
                                      {QStringLiteral("already_gone_at_twilio"), op.wasAlreadyGone()}});
    else
        context.out()
            << (op.wasAlreadyGone()
                    ? QCoreApplication::translate(
                          "pooldeskctl", "%1 was no longer on the Twilio account; removed it from the pool.")
                    : QCoreApplication::translate(
                          "pooldeskctl", "Released %1 and removed it from the pool. This cannot be undone."))
                   .arg(number->e164)
            << Qt::endl;
    return ExitCode::Success;
}

int webhooks(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("dry-run"),
                      QCoreApplication::translate("pooldeskctl", "Only show what would change.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio webhooks"), args))
        return *done;
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    auto all = Environments(*session->db).list();
    if (!all)
        return context.fail(all.error());
    QList<EnvironmentProfile> others;
    for (const EnvironmentProfile &p : all.value())
        if (p.name != session->profile.name)
            others.append(p);
    Twilio::WebhooksOperation op(session->context(), parser.isSet(QStringLiteral("dry-run")), others);
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    int drift = 0, pending = 0;
    QJsonArray array;
    QList<QStringList> rows;
    for (const auto &c : op.changes()) {
        drift += c.driftFrom.isEmpty() ? 0 : 1;
        pending += c.needsUpdate() ? 1 : 0;
        array.append(QJsonObject{
            {QStringLiteral("number"), c.e164},
            {QStringLiteral("sid"), c.sid},
            {QStringLiteral("voice_url"), c.currentVoiceUrl},
            {QStringLiteral("desired_voice_url"), c.desiredVoiceUrl},
            {QStringLiteral("status_callback"), c.currentStatusCallback},
            {QStringLiteral("desired_status_callback"), c.desiredStatusCallback},
            {QStringLiteral("change"), c.needsUpdate()},
            {QStringLiteral("drift_from"), c.driftFrom.isEmpty() ? QJsonValue() : QJsonValue(c.driftFrom)}});
        if (c.needsUpdate())
            rows.append(
                {c.e164,
                 c.currentVoiceUrl.isEmpty() ? QCoreApplication::translate("pooldeskctl", "(none)")
                                             : c.currentVoiceUrl,
                 QStringLiteral("->"), c.desiredVoiceUrl,
                 c.driftFrom.isEmpty()
                     ? QString()
                     : QCoreApplication::translate("pooldeskctl", "DRIFT: points at %1").arg(c.driftFrom)});
    }
    if (context.json()) {
        context.printJson(QJsonObject{{QStringLiteral("environment"), session->profile.name},
                                      {QStringLiteral("dry_run"), op.dryRun()},
                                      {QStringLiteral("updated"), op.updated()},
                                      {QStringLiteral("drift"), drift},
                                      {QStringLiteral("numbers"), array}});
        return ExitCode::Success;
    }
    if (!rows.isEmpty())
        Cli::printTable(context.out(),
                        {QCoreApplication::translate("pooldeskctl", "NUMBER"),
                         QCoreApplication::translate("pooldeskctl", "VOICE URL NOW"), QString(),
                         QCoreApplication::translate("pooldeskctl", "WANTED"), QString()},
                        rows);
    if (op.dryRun())
        context.out()
            << QCoreApplication::translate(
                   "pooldeskctl",
                   "Dry run: %1 of %n number(s) would change (%2 pointing at another environment). Nothing "
                   "was changed.",
                   nullptr, int(op.changes().size()))
                   .arg(pending)
                   .arg(drift)
            << Qt::endl;
    else
        context.out() << QCoreApplication::translate(
                             "pooldeskctl",
                             "Updated %1 of %n number(s) to %2 (%3 had pointed at another environment).",
                             nullptr, int(op.changes().size()))
                             .arg(op.updated())
                             .arg(session->profile.voiceUrl().toString())
                             .arg(drift)
                      << Qt::endl;
    return ExitCode::Success;
}

int syncCalls(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("since"),
                      QCoreApplication::translate(
                          "pooldeskctl", "First day to sync (YYYY-MM-DD; default: since the last sync)."),
                      QStringLiteral("DATE")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio sync-calls"), args))
        return *done;
    std::optional<QDate> since;
    if (parser.isSet(QStringLiteral("since"))) {
        const QDate date = QDate::fromString(parser.value(QStringLiteral("since")), Qt::ISODate);
        if (!date.isValid())
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--since takes a date like 2026-11-01."));
        since = date;
    }
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::SyncCallsOperation op(session->context(), since);
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    const Twilio::SyncSummary &s = op.summary();
    if (context.json()) {
        context.printJson(QJsonObject{{QStringLiteral("environment"), session->profile.name},
                                      {QStringLiteral("pages"), s.pages},
                                      {QStringLiteral("added"), s.calls.added},
                                      {QStringLiteral("matched"), s.calls.matched},
                                      {QStringLiteral("priced"), s.calls.priced},
                                      {QStringLiteral("unchanged"), s.calls.unchanged},
                                      {QStringLiteral("in_progress"), s.calls.pending},
                                      {QStringLiteral("recordings"), s.recordings},
                                      {QStringLiteral("resumed"), s.resumed}});
        return ExitCode::Success;
    }
    const int read = s.calls.added + s.calls.matched + s.calls.priced + s.calls.unchanged + s.calls.pending;
    context.out() << QCoreApplication::translate(
                         "pooldeskctl",
                         "Synced %n call(s): %1 new, %2 matched to calls the pool recorded, %3 got Twilio's "
                         "price, %4 unchanged, %5 still under way (taken next time); %6 recordings.",
                         nullptr, read)
                         .arg(s.calls.added)
                         .arg(s.calls.matched)
                         .arg(s.calls.priced)
                         .arg(s.calls.unchanged)
                         .arg(s.calls.pending)
                         .arg(s.recordings)
                  << Qt::endl;
    return ExitCode::Success;
}

int prices(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("country"),
                      QCoreApplication::translate("pooldeskctl", "ISO country code (default US)."),
                      QStringLiteral("CC")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio prices"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    const QString country = countryOf(*db.value(), parser.value(QStringLiteral("country")));
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::PricesOperation op(session->context(), country);
    if (auto ran = EnvCli::run(context, op); !ran)
        return context.fail(ran.error());
    const Tariff &t = op.after();
    if (context.json()) {
        context.printJson(
            QJsonObject{{QStringLiteral("country"), t.country},
                        {QStringLiteral("number_monthly"), Money::toPlainString(t.numberMonthly, 6)},
                        {QStringLiteral("outbound_minute"), Money::toPlainString(t.outboundPerMinute, 6)},
                        {QStringLiteral("inbound_minute"), Money::toPlainString(t.inboundPerMinute, 6)},
                        {QStringLiteral("source"), t.source}});
        return ExitCode::Success;
    }
    context.out() << QCoreApplication::translate(
                         "pooldeskctl",
                         "%1 prices from Twilio: number %2/month, outbound %3/min, inbound %4/min.")
                         .arg(t.country, Money::format(t.numberMonthly),
                              Money::format(t.outboundPerMinute, QLocale(), 4),
                              Money::format(t.inboundPerMinute, QLocale(), 4))
                  << Qt::endl;
    return ExitCode::Success;
}

int autoscale(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("apply"),
         QCoreApplication::translate(
             "pooldeskctl",
             "Carry the plan out: buy up to the threshold (within the maximum pool size and budget cap), "
             "in the callee area codes that calls went to without a local number first, and release idle "
             "numbers that are due, or record them as proposals when the policy only proposes "
             "(twilio.autoscale.release_idle = 0).")});
    parser.addOption(
        {QStringLiteral("yes"), QCoreApplication::translate("pooldeskctl", "Do not ask for confirmation.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio autoscale"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    const Twilio::ScalingPolicy policy = Twilio::ScalingPolicy::load(*db.value());
    auto plan = Twilio::AutoScaler::plan(*db.value(), context.environment(), policy, Clock::nowUtc());
    if (!plan)
        return context.fail(plan.error());
    QJsonArray idle;
    for (const auto &n : plan->idle)
        idle.append(
            QJsonObject{{QStringLiteral("number"), n.e164},
                        {QStringLiteral("last_used_at"),
                         n.lastUsed.isValid() ? QJsonValue(n.lastUsed.toString(Qt::ISODate)) : QJsonValue()},
                        {QStringLiteral("next_billing_at"), n.nextBillingAt.toString(Qt::ISODate)},
                        {QStringLiteral("due"), n.due}});
    QJsonArray areas;
    bool shortSomewhere = false;
    for (const auto &a : plan->areas) {
        areas.append(QJsonObject{{QStringLiteral("area_code"), a.area.areaCode},
                                 {QStringLiteral("calls_without_local"), a.area.callsWithoutLocal},
                                 {QStringLiteral("shared_numbers"), a.area.sharedNumbers},
                                 {QStringLiteral("shortfall"), a.area.shortfall},
                                 {QStringLiteral("to_buy"), a.toBuy}});
        shortSomewhere = shortSomewhere || a.area.shortfall > 0;
    }
    QJsonObject report{{QStringLiteral("environment"), plan->environment},
                       {QStringLiteral("numbers"), plan->total},
                       {QStringLiteral("available_shared"), plan->availableShared},
                       {QStringLiteral("threshold"), policy.minAvailable},
                       {QStringLiteral("monthly_rental"), Money::toPlainString(plan->monthlyRental)},
                       {QStringLiteral("to_buy"), plan->toBuy},
                       {QStringLiteral("needed"), plan->needed},
                       {QStringLiteral("limits"), QJsonArray::fromStringList(plan->limits)},
                       {QStringLiteral("local_presence"), plan->localPresence},
                       {QStringLiteral("local_presence_buy"), policy.localPresenceBuy},
                       {QStringLiteral("local_demand_days"), AreaSizing::UnmetDays},
                       {QStringLiteral("local_demand"), areas},
                       {QStringLiteral("local_demand_elsewhere"), plan->areasElsewhere},
                       {QStringLiteral("idle"), idle}};
    if (!context.json()) {
        context.out() << QCoreApplication::translate(
                             "pooldeskctl",
                             "%1 pool: %n number(s), %2 shared free (threshold %3), rental %4/month.",
                             nullptr, int(plan->total))
                             .arg(plan->environment)
                             .arg(plan->availableShared)
                             .arg(policy.minAvailable)
                             .arg(Money::format(plan->monthlyRental))
                      << Qt::endl;
        context.out() << QCoreApplication::translate("pooldeskctl", "To buy: %1").arg(plan->toBuy);
        if (!plan->limits.isEmpty())
            context.out() << QStringLiteral(" (")
                          << QCoreApplication::translate("pooldeskctl", "limited by %1")
                                 .arg(plan->limits.join(QStringLiteral(", ")))
                          << QLatin1Char(')');
        context.out() << Qt::endl;
        if (!plan->localPresence)
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl", "Local presence is off (policy local_presence): purchases "
                                                "are not steered to the callees' area codes.")
                          << Qt::endl;
        if (!plan->areas.isEmpty())
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl", "Callee area codes that calls went to without a local number "
                                                "in the last %1 days, searched first in this order:")
                                 .arg(AreaSizing::UnmetDays)
                          << Qt::endl;
        for (const auto &a : plan->areas)
            context.out() << QStringLiteral("  ")
                          << QCoreApplication::translate(
                                 "pooldeskctl",
                                 "%1: %n call(s) without a local number; shared numbers there %2, sizing "
                                 "wants %3 more; to buy there %4",
                                 nullptr, int(a.area.callsWithoutLocal))
                                 .arg(a.area.areaCode)
                                 .arg(a.area.sharedNumbers)
                                 .arg(a.area.shortfall)
                                 .arg(a.toBuy)
                          << Qt::endl;
        if (plan->areasElsewhere > 0)
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl",
                                 "Calls to %n more area code(s) went out without a local number; they are "
                                 "outside %1 or Twilio cannot search them by area code, so nothing is bought "
                                 "there.",
                                 nullptr, plan->areasElsewhere)
                                 .arg(policy.country)
                          << Qt::endl;
        if (shortSomewhere && !policy.localPresenceBuy)
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl",
                                 "Buying each area code's shortfall while enough shared numbers "
                                 "are free is off (twilio.autoscale.local_presence_buy = 0).")
                          << Qt::endl;
        for (const auto &n : plan->idle)
            context.out() << QCoreApplication::translate("pooldeskctl",
                                                         "Idle %n day(s) or more: %1, next billed %2%3",
                                                         nullptr, policy.idleReleaseDays)
                                 .arg(n.e164, n.nextBillingAt.date().toString(Qt::ISODate),
                                      n.due ? QCoreApplication::translate("pooldeskctl",
                                                                          " (due for release now)")
                                            : QString())
                          << Qt::endl;
    }
    if (!parser.isSet(QStringLiteral("apply"))) {
        if (context.json())
            context.printJson(report);
        return ExitCode::Success;
    }
    bool releases = false;
    for (const auto &n : plan->idle)
        releases = releases || (n.due && policy.releaseIdle);
    if ((plan->toBuy > 0 || releases) && !parser.isSet(QStringLiteral("yes")) &&
        !context.confirm(releases
                             ? QCoreApplication::translate(
                                   "pooldeskctl", "Apply the plan? Released numbers cannot be recovered.")
                             : QCoreApplication::translate("pooldeskctl", "Apply the plan?")))
        return context.fail(
            makeError(Error::Code::Refused,
                      QCoreApplication::translate("pooldeskctl", "Nothing changed: not confirmed."),
                      QStringLiteral("not_confirmed")));
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::AutoScaleOperation op(session->context(), plan.value(), policy);
    const Status ran = EnvCli::run(context, op);
    report.insert(QStringLiteral("bought"), QJsonArray::fromStringList(op.bought()));
    report.insert(QStringLiteral("released"), QJsonArray::fromStringList(op.released()));
    report.insert(QStringLiteral("proposed"), QJsonArray::fromStringList(op.proposed()));
    report.insert(QStringLiteral("not_offered"), QJsonArray::fromStringList(op.notOffered()));
    if (!ran)
        return context.fail(ran.error());
    if (context.json()) {
        context.printJson(report);
        return ExitCode::Success;
    }
    context.out() << QCoreApplication::translate("pooldeskctl",
                                                 "Bought %1, released %2, proposed for release %3.")
                         .arg(op.bought().join(QStringLiteral(", ")),
                              op.released().join(QStringLiteral(", ")),
                              op.proposed().join(QStringLiteral(", ")))
                  << Qt::endl;
    if (!op.notOffered().isEmpty())
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "Twilio offered no number in %n area code(s): %1.",
                                                     nullptr, int(op.notOffered().size()))
                             .arg(op.notOffered().join(QStringLiteral(", ")))
                      << Qt::endl;
    return ExitCode::Success;
}

// Releases interrupted mid-way (the process died, Twilio could not be reached) leave their number
// out of use until they are settled. The pool service settles them on its timer and `twilio import`
// for the numbers it lists; this settles them now, for an administrator who runs neither.
int settleReleases(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    if (auto done = Cli::parse(context, parser, QStringLiteral("twilio settle-releases"), args))
        return *done;
    auto session = openSession(context);
    if (!session)
        return context.fail(session.error());
    Twilio::RecoverReleasesOperation op(session->context());
    const auto ran = EnvCli::run(context, op);
    const int settled = op.completed() + op.undone();
    if (context.json() && ran) {
        context.printJson(QJsonObject{{QStringLiteral("environment"), session->profile.name},
                                      {QStringLiteral("finished"), op.completed()},
                                      {QStringLiteral("undone"), op.undone()},
                                      {QStringLiteral("still_under_way"), op.stillUnderWay()}});
        return ExitCode::Success;
    }
    QTextStream &out = context.out();
    // Said even when Twilio failed half-way: what was settled stays settled.
    if (settled > 0 || !ran)
        out << QCoreApplication::translate(
                   "pooldeskctl",
                   "Settled %n interrupted release(s) of %1 numbers: %2 finished (gone "
                   "from Twilio, removed from the pool), %3 undone (still on the "
                   "account, available again).",
                   nullptr, settled)
                   .arg(session->profile.name)
                   .arg(op.completed())
                   .arg(op.undone())
            << Qt::endl;
    else
        out << QCoreApplication::translate("pooldeskctl", "No interrupted release among the %1 numbers.")
                   .arg(session->profile.name)
            << Qt::endl;
    if (!ran)
        return context.fail(ran.error());
    if (op.stillUnderWay() > 0)
        out << QCoreApplication::translate(
                   "pooldeskctl",
                   "%n release(s) began less than %1 minutes ago and may still be under "
                   "way; settle them later.",
                   nullptr, op.stillUnderWay())
                   .arg(Twilio::ReleaseMarks::StaleAfterMinutes)
            << Qt::endl;
    return ExitCode::Success;
}

int runTwilio(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("import"))
        return importNumbers(context, rest);
    if (sub == QLatin1String("search"))
        return searchNumbers(context, rest);
    if (sub == QLatin1String("buy"))
        return buyNumber(context, rest);
    if (sub == QLatin1String("release"))
        return releaseNumber(context, rest);
    if (sub == QLatin1String("webhooks"))
        return webhooks(context, rest);
    if (sub == QLatin1String("sync-calls"))
        return syncCalls(context, rest);
    if (sub == QLatin1String("prices"))
        return prices(context, rest);
    if (sub == QLatin1String("autoscale"))
        return autoscale(context, rest);
    if (sub == QLatin1String("settle-releases"))
        return settleReleases(context, rest);
    return context.usage(QCoreApplication::translate(
        "pooldeskctl",
        "pooldeskctl [--env NAME] twilio import | search | buy | release | webhooks [--dry-run] | "
        "sync-calls [--since DATE] | prices --country CC | autoscale [--apply] | settle-releases"));
}

const bool registered = CommandRegistry::add(
    {"twilio",
     QT_TRANSLATE_NOOP("pooldeskctl",
                       "Twilio: import, search, buy, release, webhooks, sync-calls, prices, autoscale, "
                       "settle-releases"),
     &runTwilio});

} // namespace
} // namespace PoolDesk
