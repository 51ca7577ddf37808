#include "storage/AuditChain.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace PoolDesk::AuditChain {

namespace {

QJsonValue text(const std::optional<QString> &value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// The entry as it would be hashed at another place in the chain.
Entry at(const Entry &entry, qint64 seq) {
    Entry moved = entry;
    moved.seq = seq;
    return moved;
}

bool linksAt(const QByteArray &previousHash, const Entry &entry, qint64 seq) {
    return link(previousHash, at(entry, seq)) == entry.hash;
}

} // namespace

QByteArray canonical(const Entry &entry) {
    const QJsonArray fields{QJsonValue(entry.seq),
                            QJsonValue(entry.at),
                            entry.actor,
                            entry.action,
                            text(entry.target),
                            entry.companyId ? QJsonValue(*entry.companyId) : QJsonValue(QJsonValue::Null),
                            text(entry.beforeJson),
                            text(entry.afterJson)};
    return QJsonDocument(fields).toJson(QJsonDocument::Compact);
}

QByteArray genesis() {
    return QByteArray(32, '\0');
}

QByteArray link(const QByteArray &previousHash, const Entry &entry) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(previousHash);
    hash.addData(canonical(entry));
    return hash.result();
}

QString kindName(Finding::Kind kind) {
    switch (kind) {
    case Finding::Kind::Rewritten:
        return QStringLiteral("rewritten");
    case Finding::Kind::Deleted:
        return QStringLiteral("deleted");
    case Finding::Kind::Inserted:
        return QStringLiteral("inserted");
    case Finding::Kind::Reordered:
        return QStringLiteral("reordered");
    case Finding::Kind::Truncated:
        return QStringLiteral("truncated");
    case Finding::Kind::Diverged:
        return QStringLiteral("diverged");
    case Finding::Kind::Broken:
        return QStringLiteral("broken");
    case Finding::Kind::BadSignature:
        return QStringLiteral("bad-signature");
    }
    return {};
}

Verdict verify(QList<Entry> entries, const QList<Checkpoint> &checkpoints) {
    std::sort(entries.begin(), entries.end(),
              [](const Entry &a, const Entry &b) { return a.seq != b.seq ? a.seq < b.seq : a.id < b.id; });
    Verdict verdict;
    verdict.entries = entries.size();
    const auto found = [&verdict](Finding::Kind kind, qint64 id, qint64 firstSeq = 0, qint64 lastSeq = 0) {
        Finding finding;
        finding.kind = kind;
        finding.id = id;
        finding.firstSeq = firstSeq;
        finding.lastSeq = lastSeq;
        verdict.findings.append(finding);
    };

    // The chain as the entries' links show it: each accepted entry's place and stored hash. After
    // an insertion or deletion someone renumbered over, stored sequence numbers are off by `shift`
    // from the places the hashes were made at.
    QHash<qint64, QByteArray> hashAt;
    std::optional<QByteArray> previous = genesis();
    QByteArray beforePrevious;
    qint64 previousId = 0;
    qint64 expected = 1; // the next stored sequence number
    qint64 shift = 0;
    qint64 lastPlace = 0;
    const auto accept = [&](const Entry &entry, qint64 place) {
        beforePrevious = previous.value_or(QByteArray());
        previous = entry.hash;
        previousId = entry.id;
        hashAt.insert(place, entry.hash);
        lastPlace = place;
        expected = entry.seq + 1;
    };

    for (qsizetype i = 0; i < entries.size(); ++i) {
        const Entry &entry = entries.at(i);
        const Entry *next = i + 1 < entries.size() ? &entries.at(i + 1) : nullptr;
        if (entry.seq < expected) {
            // A second entry at a place already taken: the one that links came first.
            found(Finding::Kind::Inserted, entry.id);
            continue;
        }
        if (entry.seq > expected) {
            found(Finding::Kind::Deleted, entry.id, expected + shift, entry.seq - 1 + shift);
            previous.reset(); // what it linked to is gone
        }
        const qint64 place = entry.seq + shift;
        if (!previous || linksAt(*previous, entry, place)) {
            accept(entry, place);
            continue;
        }
        // Swapped with the next entry: each links in the other's place.
        if (next && next->seq == entry.seq + 1 && linksAt(*previous, *next, place) &&
            linksAt(next->hash, entry, place + 1)) {
            Finding finding;
            finding.kind = Finding::Kind::Reordered;
            finding.id = entry.id;
            finding.otherId = next->id;
            finding.firstSeq = place;
            finding.lastSeq = place + 1;
            verdict.findings.append(finding);
            accept(*next, place);
            accept(entry, place + 1);
            expected = entry.seq + 2;
            ++i;
            continue;
        }
        // This entry was put in, and those after it renumbered: the next one links here.
        if (next && linksAt(*previous, *next, place)) {
            found(Finding::Kind::Inserted, entry.id);
            --shift;
            expected = entry.seq + 1;
            continue;
        }
        // The entry before was put in (with a hash made to fit) and this one renumbered.
        if (!beforePrevious.isEmpty() && linksAt(beforePrevious, entry, place - 1)) {
            found(Finding::Kind::Inserted, previousId);
            hashAt.remove(place - 1);
            --shift;
            previous = beforePrevious;
            accept(entry, place - 1);
            continue;
        }
        // An entry before this one was taken out and this one renumbered into its place: the
        // next links to this one a place further on.
        if (next && linksAt(entry.hash, *next, next->seq + shift + 1)) {
            found(Finding::Kind::Deleted, entry.id, place, place);
            ++shift;
            accept(entry, place + 1);
            continue;
        }
        // Edited in place: its stored hash still carries the chain.
        if (!next || linksAt(entry.hash, *next, next->seq + shift))
            found(Finding::Kind::Rewritten, entry.id);
        else
            found(Finding::Kind::Broken, entry.id);
        accept(entry, place);
    }
    verdict.lastSeq = lastPlace;
    verdict.head = previous.value_or(QByteArray());

    for (const Checkpoint &checkpoint : checkpoints) {
        Finding finding;
        finding.source = checkpoint.source;
        finding.firstSeq = checkpoint.seq;
        finding.lastSeq = checkpoint.seq;
        if (checkpoint.seq > lastPlace) {
            finding.kind = Finding::Kind::Truncated;
            finding.firstSeq = lastPlace + 1;
        } else if (const auto hash = hashAt.constFind(checkpoint.seq);
                   hash != hashAt.constEnd() && *hash != checkpoint.hash) {
            finding.kind = Finding::Kind::Diverged;
        } else {
            continue; // matches, or its entry's deletion is reported already
        }
        verdict.findings.append(finding);
    }
    return verdict;
}

} // namespace PoolDesk::AuditChain
