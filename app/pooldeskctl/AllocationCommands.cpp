// pooldeskctl allocate | release | renew

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/Allocator.h"
#include "pool/Companies.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk {
namespace {

int runAllocate(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("company"),
                      QCoreApplication::translate("pooldeskctl", "The company placing the call."),
                      QCoreApplication::translate("pooldeskctl", "NAME")});
    parser.addOption({QStringLiteral("operator"),
                      QCoreApplication::translate("pooldeskctl", "The operator placing the call."),
                      QCoreApplication::translate("pooldeskctl", "ID")});
    parser.addOption({QStringLiteral("session"),
                      QCoreApplication::translate("pooldeskctl", "A session ID unique to this call."),
                      QCoreApplication::translate("pooldeskctl", "ID")});
    parser.addOption(
        {QStringLiteral("ttl"),
         QCoreApplication::translate("pooldeskctl", "Lease in seconds (default: the pool's setting)."),
         QCoreApplication::translate("pooldeskctl", "SECONDS")});
    parser.addOption({QStringLiteral("to"),
                      QCoreApplication::translate(
                          "pooldeskctl", "The number to be called (E.164): the pick prefers the number this "
                                         "person saw before, then one local to them."),
                      QCoreApplication::translate("pooldeskctl", "E164")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("allocate"), args))
        return *done;
    for (const char *required : {"company", "operator", "session"}) {
        if (!parser.isSet(QString::fromLatin1(required)))
            return context.usage(QCoreApplication::translate("pooldeskctl",
                                                             "pooldeskctl allocate --company NAME --operator "
                                                             "ID --session ID [--to E164] [--ttl SECONDS]"));
    }
    AllocationRequest request{parser.value(QStringLiteral("company")),
                              parser.value(QStringLiteral("operator")),
                              parser.value(QStringLiteral("session")),
                              std::nullopt,
                              context.environment(),
                              parser.value(QStringLiteral("to"))};
    if (parser.isSet(QStringLiteral("ttl"))) {
        bool ok = false;
        const int ttl = parser.value(QStringLiteral("ttl")).toInt(&ok);
        if (!ok || ttl < 1)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "--ttl takes a whole number of seconds of at least 1."));
        request.ttlSeconds = ttl;
    }
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    Allocator allocator(*db.value());
    auto allocation = allocator.allocate(request);
    if (!allocation)
        return context.fail(allocation.error());
    if (context.json()) {
        context.printJson(QJsonObject{
            {QStringLiteral("number"), allocation->e164},
            {QStringLiteral("kind"),
             allocation->dedicated ? QStringLiteral("dedicated") : QStringLiteral("shared")},
            {QStringLiteral("session"), allocation->session},
            {QStringLiteral("company"), allocation->company},
            {QStringLiteral("environment"), context.environment()},
            {QStringLiteral("lease_expires_at"), allocation->leaseExpiresAt.toString(Qt::ISODate)},
            {QStringLiteral("resumed"), allocation->resumed},
            {QStringLiteral("match"),
             allocation->match.isEmpty() ? QJsonValue() : QJsonValue(allocation->match)}});
    } else {
        // Just the number on stdout, so scripts can use $(pooldeskctl allocate ...).
        context.out() << allocation->e164 << Qt::endl;
    }
    return ExitCode::Success;
}

// --company NAME: the company whose session it is (needed only when two companies use the name).
const QCommandLineOption &sessionCompanyOption() {
    static const QCommandLineOption option(
        QStringLiteral("company"),
        QCoreApplication::translate(
            "pooldeskctl", "The company whose session it is (when more than one company uses the name)."),
        QCoreApplication::translate("pooldeskctl", "NAME"));
    return option;
}

Result<std::optional<qint64>> sessionCompany(Database &db, const QCommandLineParser &parser) {
    if (!parser.isSet(sessionCompanyOption()))
        return std::optional<qint64>();
    auto company = Companies(db).find(parser.value(sessionCompanyOption()));
    if (!company)
        return company.error();
    return std::optional<qint64>(company->id);
}

QJsonObject toJson(const CallRecord &record, bool alreadyReleased) {
    return {
        {QStringLiteral("session"), record.session},
        {QStringLiteral("number"), record.e164},
        {QStringLiteral("company"), record.companyName},
        {QStringLiteral("operator"), record.operatorId},
        {QStringLiteral("direction"), toString(record.direction)},
        {QStringLiteral("call_sid"), record.callSid.isEmpty() ? QJsonValue() : QJsonValue(record.callSid)},
        {QStringLiteral("started_at"), record.startedAt.toString(Qt::ISODate)},
        {QStringLiteral("ended_at"), record.endedAt.toString(Qt::ISODate)},
        {QStringLiteral("duration_seconds"), record.durationSeconds},
        {QStringLiteral("billed_minutes"), record.billedMinutes},
        {QStringLiteral("estimated_cost"), Money::toPlainString(record.estimatedCost, 6)},
        {QStringLiteral("already_released"), alreadyReleased}};
}

int runRelease(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("session"),
                      QCoreApplication::translate("pooldeskctl", "The session that holds the number."),
                      QCoreApplication::translate("pooldeskctl", "ID")});
    parser.addOption(
        {QStringLiteral("duration"),
         QCoreApplication::translate("pooldeskctl", "How long the call lasted, in seconds (default 0)."),
         QCoreApplication::translate("pooldeskctl", "SECONDS"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("direction"),
                      QCoreApplication::translate("pooldeskctl", "outbound (default) or inbound."),
                      QCoreApplication::translate("pooldeskctl", "DIRECTION"), QStringLiteral("outbound")});
    parser.addOption({QStringLiteral("call-sid"),
                      QCoreApplication::translate("pooldeskctl", "Twilio's CallSid, when known."),
                      QCoreApplication::translate("pooldeskctl", "SID")});
    parser.addOption(sessionCompanyOption());
    if (auto done = Cli::parse(context, parser, QStringLiteral("release"), args))
        return *done;
    if (!parser.isSet(QStringLiteral("session")))
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "pooldeskctl release --session ID [--company NAME] [--duration SECONDS] "
                           "[--direction outbound|inbound]"));
    bool ok = false;
    const qint64 duration = parser.value(QStringLiteral("duration")).toLongLong(&ok);
    if (!ok || duration < 0)
        return context.usage(
            QCoreApplication::translate("pooldeskctl",
                                        "--duration takes a whole number of seconds, 0 or more (got \"%1\").")
                .arg(parser.value(QStringLiteral("duration"))));
    const auto direction = directionFromString(parser.value(QStringLiteral("direction")));
    if (!direction)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "--direction must be outbound or inbound."));
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto company = sessionCompany(*db.value(), parser);
    if (!company)
        return context.fail(company.error());
    ReleaseRequest request;
    request.session = parser.value(QStringLiteral("session"));
    request.companyId = company.value();
    request.durationSeconds = duration;
    request.direction = *direction;
    request.callSid = parser.value(QStringLiteral("call-sid"));
    Allocator allocator(*db.value());
    auto released = allocator.release(request);
    if (!released)
        return context.fail(released.error());
    const CallRecord &record = released->record;
    if (context.json()) {
        context.printJson(toJson(record, released->alreadyReleased));
    } else if (released->alreadyReleased) {
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "The session %1 was already released; nothing changed.")
                             .arg(record.session)
                      << Qt::endl;
    } else {
        context.out() << QCoreApplication::translate("pooldeskctl",
                                                     "Released %1: %2 billed minutes, estimated %3.")
                             .arg(record.e164)
                             .arg(record.billedMinutes)
                             .arg(Money::format(record.estimatedCost, QLocale::c(), 4))
                      << Qt::endl;
    }
    return ExitCode::Success;
}

int runRenew(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("session"),
                      QCoreApplication::translate("pooldeskctl", "The session that holds the number."),
                      QCoreApplication::translate("pooldeskctl", "ID")});
    parser.addOption({QStringLiteral("ttl"),
                      QCoreApplication::translate("pooldeskctl", "New lease in seconds from now."),
                      QCoreApplication::translate("pooldeskctl", "SECONDS")});
    parser.addOption(sessionCompanyOption());
    if (auto done = Cli::parse(context, parser, QStringLiteral("renew"), args))
        return *done;
    if (!parser.isSet(QStringLiteral("session")))
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "pooldeskctl renew --session ID [--company NAME] [--ttl SECONDS]"));
    std::optional<int> ttl;
    if (parser.isSet(QStringLiteral("ttl"))) {
        bool ok = false;
        ttl = parser.value(QStringLiteral("ttl")).toInt(&ok);
        if (!ok || *ttl < 1)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "--ttl takes a whole number of seconds of at least 1."));
    }
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto company = sessionCompany(*db.value(), parser);
    if (!company)
        return context.fail(company.error());
    auto expires =
        Allocator(*db.value()).renew({parser.value(QStringLiteral("session")), company.value()}, ttl);
    if (!expires)
        return context.fail(expires.error());
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("session"), parser.value(QStringLiteral("session"))},
                                      {QStringLiteral("lease_expires_at"), expires->toString(Qt::ISODate)}});
    else
        context.out() << QCoreApplication::translate("pooldeskctl", "Lease extended until %1.")
                             .arg(context.zone().isoText(expires->toSecsSinceEpoch()))
                      << Qt::endl;
    return ExitCode::Success;
}

const bool registeredAllocate = CommandRegistry::add(
    {"allocate", QT_TRANSLATE_NOOP("pooldeskctl", "take a number from the pool for one call"), &runAllocate});
const bool registeredRelease = CommandRegistry::add(
    {"release", QT_TRANSLATE_NOOP("pooldeskctl", "give a number back when the call ends"), &runRelease});
const bool registeredRenew = CommandRegistry::add(
    {"renew", QT_TRANSLATE_NOOP("pooldeskctl", "extend the lease of a long call"), &runRenew});

} // namespace
} // namespace PoolDesk
