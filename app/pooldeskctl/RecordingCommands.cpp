// pooldeskctl recording list | download | delete

#include "CliSupport.h"
#include "CommandRegistry.h"
#include "EnvCommands.h"

#include "billing/Recordings.h"
#include "domain/Money.h"
#include "pool/Companies.h"
#include "security/Identity.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "twilio/RecordingOperations.h"
#include "twilio/RecordingRelayClient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSaveFile>

namespace PoolDesk {
namespace {

// Local time with its offset from UTC, so a reader elsewhere knows which time it is.
QString localTime(const std::optional<qint64> &secs) {
    if (!secs)
        return {};
    const QDateTime local = QDateTime::fromSecsSinceEpoch(*secs);
    return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODate);
}

QJsonValue utcOrNull(const std::optional<qint64> &secs) {
    return secs ? QJsonValue(QDateTime::fromSecsSinceEpoch(*secs, Qt::UTC).toString(Qt::ISODate))
                : QJsonValue();
}

QJsonObject toJson(const RecordingRow &r) {
    return {{QStringLiteral("sid"), r.sid},
            {QStringLiteral("call_sid"), r.callSid},
            {QStringLiteral("company"), r.companyId ? QJsonValue(r.companyName) : QJsonValue()},
            {QStringLiteral("environment"), r.environment},
            {QStringLiteral("status"), r.status},
            {QStringLiteral("duration_seconds"), r.durationSeconds},
            {QStringLiteral("channels"), r.channels},
            {QStringLiteral("created_at"), utcOrNull(r.createdAt)},
            {QStringLiteral("call_started_at"), utcOrNull(r.callStartedAt)},
            {QStringLiteral("number"), r.e164},
            {QStringLiteral("price_micros"), r.price ? QJsonValue(*r.price) : QJsonValue()}};
}

// The signed-in person and the catalog they see.
struct Catalog {
    Database *db = nullptr;
    Principal principal;
};
Result<Catalog> openCatalog(CliContext &context) {
    auto db = context.database();
    if (!db)
        return db.error();
    auto me = Identity::whoAmI(*db.value());
    if (!me)
        return me.error();
    return Catalog{db.value(), me.value()};
}

// Administrators fetch with the environment's credentials; everyone else (who holds none) through
// the pool service, with a ticket from the database (as the console does).
Result<QByteArray> fetchAudio(CliContext &context, const Catalog &catalog, const RecordingRow &recording,
                              RecordingAccess access) {
    if (allows(catalog.principal, Permission::ManageTwilio)) {
        auto session = EnvCli::openSession(context, recording.environment);
        if (!session)
            return session.error();
        Twilio::FetchRecordingOperation op(session->context(), recording);
        if (auto fetched = EnvCli::run(context, op); !fetched)
            return fetched.error();
        return op.audio();
    }
    const QString service = Settings::value(*catalog.db, SettingKeys::ServiceUrl);
    if (service.isEmpty())
        return makeError(Error::Code::Unavailable,
                         QCoreApplication::translate(
                             "pooldeskctl", "Recordings reach you through the pool service, whose address "
                                            "is not set. Ask an administrator to set it (Settings ▸ Pool "
                                            "in the console)."));
    auto ticket = Recordings(*catalog.db, catalog.principal).issueTicket(recording, access);
    if (!ticket)
        return ticket.error();
    QNetworkAccessManager network;
    QEventLoop loop;
    std::optional<Result<QByteArray>> result;
    RecordingRelayClient::fetch(network, QUrl(service), recording.sid, ticket.value(), &loop,
                                [&](Result<QByteArray> audio) {
                                    result = std::move(audio);
                                    loop.quit();
                                });
    if (!result)
        loop.exec();
    return std::move(*result);
}

int list(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("company"),
                      QCoreApplication::translate("pooldeskctl", "Only this company's recordings."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("call"),
                      QCoreApplication::translate("pooldeskctl", "Only this call's recordings."),
                      QStringLiteral("CA...")});
    parser.addOption(
        {QStringLiteral("limit"),
         QCoreApplication::translate("pooldeskctl", "At most N recordings, newest first (default 1000)."),
         QStringLiteral("N"), QStringLiteral("1000")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("recording list"), args))
        return *done;
    const Cli::OptionalNumber limit = Cli::integerOption(parser, QStringLiteral("limit"), 1);
    if (!limit.error.isEmpty())
        return context.usage(limit.error);
    auto catalog = openCatalog(context);
    if (!catalog)
        return context.fail(catalog.error());
    RecordingFilter filter;
    filter.limit = static_cast<int>(std::min<qint64>(limit.value, 1'000'000));
    filter.callSid = parser.value(QStringLiteral("call"));
    if (parser.isSet(QStringLiteral("company"))) {
        // A company outside a manager's reach is as unknown as one that does not exist.
        auto company = Companies(*catalog->db).find(parser.value(QStringLiteral("company")));
        if (!company)
            return context.fail(company.error());
        filter.companyId = company->id;
    }
    auto rows = Recordings(*catalog->db, catalog->principal).list(filter);
    if (!rows)
        return context.fail(rows.error());
    if (context.json()) {
        QJsonArray array;
        for (const RecordingRow &r : rows.value())
            array.append(toJson(r));
        context.printJson(array);
        return ExitCode::Success;
    }
    QList<QStringList> table;
    for (const RecordingRow &r : rows.value())
        table.append({r.sid, r.callSid,
                      r.companyId ? r.companyName : QCoreApplication::translate("pooldeskctl", "(no call)"),
                      localTime(r.createdAt), QString::number(r.durationSeconds), r.status, r.environment});
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "RECORDING"),
                     QCoreApplication::translate("pooldeskctl", "CALL"),
                     QCoreApplication::translate("pooldeskctl", "COMPANY"),
                     QCoreApplication::translate("pooldeskctl", "RECORDED"),
                     QCoreApplication::translate("pooldeskctl", "SECONDS"),
                     QCoreApplication::translate("pooldeskctl", "STATUS"),
                     QCoreApplication::translate("pooldeskctl", "ENVIRONMENT")},
                    table);
    return ExitCode::Success;
}

int download(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("RE..."),
                                 QCoreApplication::translate("pooldeskctl", "The recording's SID."));
    parser.addOption({QStringLiteral("out"),
                      QCoreApplication::translate("pooldeskctl", "The file to write (WAV)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("force"),
                      QCoreApplication::translate("pooldeskctl", "Replace FILE when it exists.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("recording download"), args))
        return *done;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("out")))
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl recording download RE... --out FILE"));
    const QString out = parser.value(QStringLiteral("out"));
    if (QFileInfo::exists(out) && !parser.isSet(QStringLiteral("force")))
        return context.fail(
            makeError(Error::Code::Conflict,
                      QCoreApplication::translate(
                          "pooldeskctl", "%1 exists; choose another file or pass --force to replace it.")
                          .arg(out)));
    auto catalog = openCatalog(context);
    if (!catalog)
        return context.fail(catalog.error());
    auto recording = Recordings(*catalog->db, catalog->principal)
                         .authorize(parser.positionalArguments().constFirst(), RecordingAccess::Download);
    if (!recording)
        return context.fail(recording.error());
    auto audio = fetchAudio(context, *catalog, recording.value(), RecordingAccess::Download);
    if (!audio)
        return context.fail(audio.error());
    // Written whole or not at all: a failed download leaves no half file behind.
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(audio.value()) != audio.value().size() ||
        !file.commit())
        return context.fail(makeError(Error::Code::Storage,
                                      QCoreApplication::translate("pooldeskctl", "Could not write %1: %2")
                                          .arg(out, file.errorString())));
    if (context.json()) {
        QJsonObject done = toJson(recording.value());
        done.insert(QStringLiteral("file"), QFileInfo(out).absoluteFilePath());
        done.insert(QStringLiteral("bytes"), audio.value().size());
        context.printJson(done);
        return ExitCode::Success;
    }
    context.out() << QCoreApplication::translate("pooldeskctl", "Saved %1 (%2 bytes) to %3.")
                         .arg(recording->sid)
                         .arg(audio.value().size())
                         .arg(QFileInfo(out).absoluteFilePath())
                  << Qt::endl;
    return ExitCode::Success;
}

int remove(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("RE..."),
                                 QCoreApplication::translate("pooldeskctl", "The recording's SID."));
    parser.addOption(
        {QStringLiteral("yes"), QCoreApplication::translate("pooldeskctl", "Do not ask for confirmation.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("recording delete"), args))
        return *done;
    if (parser.positionalArguments().size() != 1)
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl recording delete RE... [--yes]"));
    auto catalog = openCatalog(context);
    if (!catalog)
        return context.fail(catalog.error());
    Recordings recordings(*catalog->db, catalog->principal);
    auto recording = recordings.authorize(parser.positionalArguments().constFirst(), RecordingAccess::Delete);
    if (!recording)
        return context.fail(recording.error());
    if (!parser.isSet(QStringLiteral("yes")) &&
        !context.confirm(
            QCoreApplication::translate("pooldeskctl",
                                        "Delete recording %1 of call %2 at Twilio? It cannot be recovered.")
                .arg(recording->sid, recording->callSid)))
        return context.fail(makeError(
            Error::Code::Refused, QCoreApplication::translate("pooldeskctl", "Not deleted: not confirmed."),
            QStringLiteral("not_confirmed")));
    auto session = EnvCli::openSession(context, recording->environment);
    if (!session)
        return context.fail(session.error());
    Twilio::DeleteRecordingOperation op(session->context(), recording.value());
    if (auto deleted = EnvCli::run(context, op); !deleted)
        return context.fail(deleted.error());
    if (context.json()) {
        context.printJson(QJsonObject{{QStringLiteral("deleted"), recording->sid},
                                      {QStringLiteral("already_gone"), op.wasAlreadyGone()}});
        return ExitCode::Success;
    }
    context.out() << (op.wasAlreadyGone()
                          ? QCoreApplication::translate("pooldeskctl",
                                                        "%1 was already gone at Twilio; removed here.")
                          : QCoreApplication::translate("pooldeskctl", "Deleted %1 at Twilio."))
                         .arg(recording->sid)
                  << Qt::endl;
    return ExitCode::Success;
}

int runRecording(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("list"))
        return list(context, rest);
    if (sub == QLatin1String("download"))
        return download(context, rest);
    if (sub == QLatin1String("delete"))
        return remove(context, rest);
    return context.usage(
        QCoreApplication::translate("pooldeskctl", "pooldeskctl recording list|download|delete ..."));
}

const bool registered = CommandRegistry::add(
    {"recording",
     QT_TRANSLATE_NOOP("pooldeskctl", "list, download and delete call recordings (every access is audited)"),
     &runRecording});

} // namespace
} // namespace PoolDesk
