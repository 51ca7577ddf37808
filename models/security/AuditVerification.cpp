#include "security/AuditVerification.h"

#include "security/AuditSigning.h"
#include "security/Ed25519.h"
#include "storage/AuditLog.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace PoolDesk {

namespace {

// The public keys the log vouches for: those its own "audit.key.create" entries carry.
QHash<QByteArray, QString> registeredKeys(const QList<AuditChain::Entry> &entries) {
    QHash<QByteArray, QString> keys;
    for (const AuditChain::Entry &entry : entries) {
        if (entry.action != AuditSigning::KeyCreatedAction || !entry.afterJson)
            continue;
        const QJsonObject after = QJsonDocument::fromJson(entry.afterJson->toUtf8()).object();
        const QByteArray key =
            QByteArray::fromBase64(after.value(QStringLiteral("public_key")).toString().toLatin1());
        if (key.size() == 32)
            keys.insert(key, Ed25519::fingerprint(key));
    }
    return keys;
}

} // namespace

Result<AuditReport> AuditVerification::run(Database &db, const QList<AuditCheckpoint> &witnessed) {
    // The head and the stored checkpoints first: entries committed after them only extend the chain.
    auto head = AuditLog::head(db);
    if (!head)
        return head.error();
    auto stored = AuditCheckpoints::stored(db);
    if (!stored)
        return stored.error();
    auto entries = AuditLog::chainEntries(db);
    if (!entries)
        return entries.error();

    AuditReport report;
    report.logId = head.value().logId;
    const QHash<QByteArray, QString> keys = registeredKeys(entries.value());
    report.keys = keys.values();
    report.keys.sort();

    QList<AuditChain::Checkpoint> claims;
    QList<AuditChain::Finding> badSignatures;
    const auto check = [&](const AuditCheckpoint &checkpoint, bool fromWitness) {
        if (checkpoint.logId != report.logId) {
            ++report.otherLogs;
            return;
        }
        ++report.checkpoints;
        if (fromWitness)
            ++report.witnessed;
        if (!keys.contains(checkpoint.publicKey) ||
            !Ed25519::verify(checkpoint.publicKey, checkpoint.signedMessage(), checkpoint.signature)) {
            AuditChain::Finding finding;
            finding.kind = AuditChain::Finding::Kind::BadSignature;
            finding.firstSeq = finding.lastSeq = checkpoint.seq;
            finding.source = checkpoint.source;
            badSignatures.append(finding);
            return;
        }
        claims.append({checkpoint.seq, checkpoint.hash, checkpoint.source});
    };
    for (const AuditCheckpoint &checkpoint : stored.value())
        check(checkpoint, false);
    for (const AuditCheckpoint &checkpoint : witnessed)
        check(checkpoint, true);
    // The head record is unsigned but kept by the server: entries cut off behind it show.
    if (head.value().seq > 0)
        claims.append({head.value().seq, head.value().hash,
                       QCoreApplication::translate("AuditVerification", "the log's head record")});

    report.verdict = AuditChain::verify(entries.value(), claims);
    report.verdict.findings.append(badSignatures);
    return report;
}

QString AuditReport::describe(const AuditChain::Finding &finding) {
    using Kind = AuditChain::Finding::Kind;
    switch (finding.kind) {
    case Kind::Rewritten:
        return QCoreApplication::translate("AuditVerification",
                                           "Entry %1 was rewritten: its content no longer matches its hash.")
            .arg(finding.id);
    case Kind::Deleted:
        if (finding.firstSeq == finding.lastSeq)
            return QCoreApplication::translate("AuditVerification", "The entry at sequence %1 was deleted.")
                .arg(finding.firstSeq);
        return QCoreApplication::translate("AuditVerification",
                                           "The entries at sequence %1 to %2 were deleted.")
            .arg(finding.firstSeq)
            .arg(finding.lastSeq);
    case Kind::Inserted:
        return QCoreApplication::translate("AuditVerification",
                                           "Entry %1 was inserted: it is not a link of the chain.")
            .arg(finding.id);
    case Kind::Reordered:
        return QCoreApplication::translate("AuditVerification",
                                           "Entries %1 and %2 were swapped (sequence %3 and %4).")
            .arg(finding.id)
            .arg(finding.otherId)
            .arg(finding.firstSeq)
            .arg(finding.lastSeq);
    case Kind::Truncated:
        return QCoreApplication::translate("AuditVerification",
                                           "The log was cut short: %1 vouches for entries up to sequence %2, "
                                           "and the log ends before %3.")
            .arg(finding.source)
            .arg(finding.lastSeq)
            .arg(finding.firstSeq);
    case Kind::Diverged:
        return QCoreApplication::translate("AuditVerification",
                                           "The entry at sequence %1 is not the one %2 vouches for: the log "
                                           "was rewritten from there on.")
            .arg(finding.firstSeq)
            .arg(finding.source);
    case Kind::Broken:
        return QCoreApplication::translate("AuditVerification", "The chain breaks at entry %1.")
            .arg(finding.id);
    case Kind::BadSignature:
        return QCoreApplication::translate("AuditVerification",
                                           "The checkpoint at sequence %1 (%2) has a bad signature, or was "
                                           "signed by a key the log never registered.")
            .arg(finding.firstSeq)
            .arg(finding.source);
    }
    return {};
}

QStringList AuditReport::describe() const {
    if (intact()) {
        const int entries = int(verdict.entries);
        const int signedCount = int(checkpoints);
        return {QCoreApplication::translate("AuditVerification", "The audit log is intact: %n entries, ", "",
                                            entries) +
                QCoreApplication::translate("AuditVerification", "%n signed checkpoints verified.", "",
                                            signedCount)};
    }
    QStringList lines;
    for (const AuditChain::Finding &finding : verdict.findings)
        lines.append(describe(finding));
    return lines;
}

QJsonObject AuditReport::toJson() const {
    QJsonArray findings;
    for (const AuditChain::Finding &finding : verdict.findings) {
        QJsonObject object{{QStringLiteral("kind"), AuditChain::kindName(finding.kind)},
                           {QStringLiteral("message"), describe(finding)}};
        if (finding.id)
            object.insert(QStringLiteral("id"), finding.id);
        if (finding.otherId)
            object.insert(QStringLiteral("other_id"), finding.otherId);
        if (finding.firstSeq || finding.lastSeq) {
            object.insert(QStringLiteral("first_seq"), finding.firstSeq);
            object.insert(QStringLiteral("last_seq"), finding.lastSeq);
        }
        if (!finding.source.isEmpty())
            object.insert(QStringLiteral("source"), finding.source);
        findings.append(object);
    }
    return {{QStringLiteral("intact"), intact()},
            {QStringLiteral("log"), logId},
            {QStringLiteral("entries"), verdict.entries},
            {QStringLiteral("last_seq"), verdict.lastSeq},
            {QStringLiteral("head"), QString::fromLatin1(verdict.head.toHex())},
            {QStringLiteral("checkpoints"), checkpoints},
            {QStringLiteral("witnessed"), witnessed},
            {QStringLiteral("other_logs"), otherLogs},
            {QStringLiteral("keys"), QJsonArray::fromStringList(keys)},
            {QStringLiteral("findings"), findings}};
}

} // namespace PoolDesk
