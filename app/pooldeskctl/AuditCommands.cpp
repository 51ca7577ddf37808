// pooldeskctl audit key | checkpoint | verify | list: the tamper-evident audit log from scripts.

#include "CliSupport.h"
#include "CommandRegistry.h"
#include "EnvCommands.h"

#include "credentials/SecretStore.h"
#include "itemmodels/AuditTableModel.h"
#include "pool/Companies.h"
#include "security/AuditSigning.h"
#include "security/AuditVerification.h"
#include "storage/AuditLog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace PoolDesk {
namespace {

// Exit code of `audit verify` when the log was tampered with (stable, like ExitCode's).
constexpr int Tampered = 4;

Result<AuditSigning::Key> loadKey(Database &db, bool create) {
    SecretStore store;
    store.setTimeout(EnvCli::keychainTimeoutMs());
    return EnvCli::waitFor<AuditSigning::Key>(
        EnvCli::keychainTimeoutMs() + 2000,
        [&](QObject *context, std::function<void(Result<AuditSigning::Key>)> done) {
            AuditSigning::loadKey(db, store, create, Actor::currentUser(), context, std::move(done));
        },
        makeError(Error::Code::Unavailable,
                  QCoreApplication::translate("pooldeskctl", "The system keychain did not answer in time.")));
}

Status require(CliContext &context, Permission permission) {
    auto me = context.principal();
    if (!me)
        return me.error();
    if (!allows(me.value(), permission))
        return makeError(Error::Code::Refused, neededRoleText(permission), QStringLiteral("role_required"));
    return success();
}

int runKey(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("create"),
         QCoreApplication::translate("pooldeskctl", "Make the key when the workspace has none.")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("audit key"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    if (parser.isSet(QStringLiteral("create"))) {
        if (auto allowed = require(context, Permission::ChangeSettings); !allowed)
            return context.fail(allowed.error());
    }
    auto head = AuditLog::head(*db.value());
    if (!head)
        return context.fail(head.error());
    auto key = loadKey(*db.value(), parser.isSet(QStringLiteral("create")));
    if (!key) {
        if (key.error().code == Error::Code::NotFound)
            return context.fail(makeError(
                Error::Code::NotFound,
                QCoreApplication::translate(
                    "pooldeskctl", "This workspace has no audit signing key in this keychain yet. "
                                   "`pooldeskctl audit key --create` or `pooldeskctl audit checkpoint` "
                                   "makes one."),
                QStringLiteral("no_key")));
        return context.fail(key.error());
    }
    const QString publicKey = QString::fromLatin1(key.value().pair.publicKey.toBase64());
    const QString keychainEntry =
        SecretStore::serviceName() + QLatin1Char('/') + AuditSigning::keychainKey(head.value().logId);
    if (context.json()) {
        context.printJson(QJsonObject{{QStringLiteral("log"), head.value().logId},
                                      {QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                                      {QStringLiteral("public_key"), publicKey},
                                      {QStringLiteral("fingerprint"), key.value().fingerprint},
                                      {QStringLiteral("keychain_entry"), keychainEntry},
                                      {QStringLiteral("created"), key.value().created}});
        return ExitCode::Success;
    }
    QTextStream &out = context.out();
    if (key.value().created)
        out << QCoreApplication::translate("pooldeskctl",
                                           "Made a new signing key and registered it in the log.")
            << Qt::endl;
    out << QCoreApplication::translate("pooldeskctl", "Log:          %1").arg(head.value().logId) << Qt::endl
        << QCoreApplication::translate("pooldeskctl", "Algorithm:    Ed25519") << Qt::endl
        << QCoreApplication::translate("pooldeskctl", "Public key:   %1").arg(publicKey) << Qt::endl
        << QCoreApplication::translate("pooldeskctl", "Fingerprint:  %1").arg(key.value().fingerprint)
        << Qt::endl
        << QCoreApplication::translate("pooldeskctl", "Private key:  in the system keychain, entry %1")
               .arg(keychainEntry)
        << Qt::endl;
    return ExitCode::Success;
}

int runCheckpoint(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("out"),
                      QCoreApplication::translate("pooldeskctl",
                                                  "Also write the checkpoint into this witness folder, kept "
                                                  "outside the database (another disk, another machine)."),
                      QStringLiteral("folder")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("audit checkpoint"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    if (auto allowed = require(context, Permission::ChangeSettings); !allowed)
        return context.fail(allowed.error());
    auto key = loadKey(*db.value(), true);
    if (!key)
        return context.fail(key.error());
    auto made = AuditSigning::checkpoint(*db.value(), key.value(), Actor::currentUser());
    if (!made)
        return context.fail(made.error());
    QString written;
    int exported = 0;
    if (parser.isSet(QStringLiteral("out"))) {
        const QString folder = parser.value(QStringLiteral("out"));
        auto file = AuditCheckpoints::writeWitness(folder, made.value());
        if (!file)
            return context.fail(file.error());
        written = file.value();
        // The stored checkpoints the folder lacks go with it, so a new witness holds the log's
        // whole history of heads.
        auto stored = AuditCheckpoints::stored(*db.value());
        if (!stored)
            return context.fail(stored.error());
        for (const AuditCheckpoint &earlier : std::as_const(stored.value())) {
            if (earlier.logId != made.value().logId ||
                QFileInfo::exists(QDir(folder).filePath(earlier.fileName())))
                continue;
            if (auto copied = AuditCheckpoints::writeWitness(folder, earlier); !copied)
                return context.fail(copied.error());
            ++exported;
        }
    }
    const AuditCheckpoint &checkpoint = made.value();
    if (context.json()) {
        QJsonObject object{{QStringLiteral("log"), checkpoint.logId},
                           {QStringLiteral("seq"), checkpoint.seq},
                           {QStringLiteral("hash"), QString::fromLatin1(checkpoint.hash.toHex())},
                           {QStringLiteral("at"), context.zone().isoText(checkpoint.at)},
                           {QStringLiteral("fingerprint"), key.value().fingerprint}};
        if (!written.isEmpty()) {
            object.insert(QStringLiteral("file"), written);
            object.insert(QStringLiteral("earlier_exported"), exported);
        }
        context.printJson(object);
        return ExitCode::Success;
    }
    context.out() << QCoreApplication::translate("pooldeskctl",
                                                 "Signed checkpoint at entry %1 (head %2…), %3, key %4.")
                         .arg(checkpoint.seq)
                         .arg(QString::fromLatin1(checkpoint.hash.toHex().left(16)),
                              context.zone().displayText(checkpoint.at), key.value().fingerprint)
                  << Qt::endl;
    if (!written.isEmpty()) {
        context.out() << QCoreApplication::translate("pooldeskctl", "Witness written: %1").arg(written)
                      << Qt::endl;
        if (exported > 0)
            context.out() << QCoreApplication::translate(
                                 "pooldeskctl", "%n earlier checkpoint(s) copied into the witness too.",
                                 nullptr, exported)
                          << Qt::endl;
    }
    return ExitCode::Success;
}

int runVerify(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("witness"),
                      QCoreApplication::translate(
                          "pooldeskctl", "A witness folder or checkpoint file to check the log against "
                                         "(repeatable)."),
                      QStringLiteral("path")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("audit verify"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    if (auto allowed = require(context, Permission::ReadEveryCompany); !allowed)
        return context.fail(allowed.error());
    QList<AuditCheckpoint> witnessed;
    for (const QString &path : parser.values(QStringLiteral("witness"))) {
        auto read = AuditCheckpoints::readWitness(path);
        if (!read)
            return context.fail(read.error());
        witnessed.append(read.value());
    }
    auto report = AuditVerification::run(*db.value(), witnessed);
    if (!report)
        return context.fail(report.error());
    if (context.json())
        context.printJson(report.value().toJson());
    else
        for (const QString &line : report.value().describe())
            context.out() << line << Qt::endl;
    return report.value().intact() ? ExitCode::Success : Tampered;
}

int runList(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("since"),
         QCoreApplication::translate("pooldeskctl", "Entries from this date (YYYY-MM-DD, in the workspace's "
                                                    "billing time zone) or ISO 8601 time on."),
         QStringLiteral("date")});
    parser.addOption({QStringLiteral("company"),
                      QCoreApplication::translate("pooldeskctl", "Only this company's entries."),
                      QStringLiteral("name")});
    parser.addOption(
        {QStringLiteral("csv"),
         QCoreApplication::translate("pooldeskctl", "Write the entries as CSV to this file (- for "
                                                    "standard output)."),
         QStringLiteral("file")});
    parser.addOption(
        {QStringLiteral("bom"),
         QCoreApplication::translate("pooldeskctl", "Start the CSV with a byte-order mark (Excel).")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("audit list"), args))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    if (auto allowed = require(context, Permission::ReadAuditLog); !allowed)
        return context.fail(allowed.error());
    AuditFilter filter;
    if (parser.isSet(QStringLiteral("since"))) {
        filter.fromSecs = Cli::parseDate(parser.value(QStringLiteral("since")), false, context.zone());
        if (!filter.fromSecs)
            return context.usage(
                QCoreApplication::translate("pooldeskctl", "--since takes a date like 2026-03-01."));
    }
    if (parser.isSet(QStringLiteral("company"))) {
        auto company = Companies(*db.value()).find(parser.value(QStringLiteral("company")));
        if (!company)
            return context.fail(company.error());
        filter.companyId = company.value().id;
    }
    if (auto audited = Cli::auditReport(*db.value(), QStringLiteral("audit"), parser, filter.companyId);
        !audited)
        return context.fail(audited.error());
    if (parser.isSet(QStringLiteral("csv"))) {
        CsvWriter::Options options;
        options.byteOrderMark = parser.isSet(QStringLiteral("bom"));
        auto file = Cli::writeCsvFile(parser.value(QStringLiteral("csv")), [&](QIODevice &device) -> Status {
            auto rows = AuditTableModel::exportCsv(*db.value(), filter, Qt::AscendingOrder, device, options,
                                                   {}, nullptr);
            if (!rows)
                return rows.error();
            return success();
        });
        if (!file)
            return context.fail(file.error());
        return ExitCode::Success;
    }
    const BillingZone zone = context.zone();
    QJsonArray json;
    QList<QStringList> table;
    std::optional<std::pair<qint64, qint64>> after;
    for (;;) {
        auto page = AuditTableModel::page(*db.value(), filter, Qt::AscendingOrder, after, 1000);
        if (!page)
            return context.fail(page.error());
        for (const AuditRow &row : page.value()) {
            if (context.json())
                json.append(QJsonObject{{QStringLiteral("id"), row.id},
                                        {QStringLiteral("at"), zone.isoText(row.at)},
                                        {QStringLiteral("actor"), row.actor},
                                        {QStringLiteral("action"), row.action},
                                        {QStringLiteral("target"), row.target},
                                        {QStringLiteral("company"), row.companyName},
                                        {QStringLiteral("change"),
                                         AuditTableModel::changeSummary(row.beforeJson, row.afterJson)}});
            else
                table.append({zone.displayText(row.at, QLocale(), true), row.actor, row.action, row.target,
                              row.companyName,
                              AuditTableModel::changeSummary(row.beforeJson, row.afterJson)});
        }
        if (page.value().size() < 1000)
            break;
        after = std::make_pair(page.value().constLast().at, page.value().constLast().id);
    }
    if (context.json()) {
        context.printJson(json);
        return ExitCode::Success;
    }
    Cli::printTable(context.out(),
                    {QCoreApplication::translate("pooldeskctl", "TIME (%1)").arg(zone.id()),
                     QCoreApplication::translate("pooldeskctl", "ACTOR"),
                     QCoreApplication::translate("pooldeskctl", "ACTION"),
                     QCoreApplication::translate("pooldeskctl", "TARGET"),
                     QCoreApplication::translate("pooldeskctl", "COMPANY"),
                     QCoreApplication::translate("pooldeskctl", "CHANGE")},
                    table);
    return ExitCode::Success;
}

int runAudit(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    if (sub == QLatin1String("key"))
        return runKey(context, args.mid(1));
    if (sub == QLatin1String("checkpoint"))
        return runCheckpoint(context, args.mid(1));
    if (sub == QLatin1String("verify"))
        return runVerify(context, args.mid(1));
    if (sub == QLatin1String("list"))
        return runList(context, args.mid(1));
    return context.usage(QCoreApplication::translate(
        "pooldeskctl",
        "pooldeskctl audit key [--create] | checkpoint [--out DIR] | verify [--witness DIR|FILE] | "
        "list [--since DATE] [--company NAME] [--csv FILE [--bom]]"));
}

const bool registered = CommandRegistry::add(
    {"audit",
     QT_TRANSLATE_NOOP("pooldeskctl",
                       "the tamper-evident audit log: signing key, checkpoints, verification, list"),
     &runAudit});

} // namespace
} // namespace PoolDesk
