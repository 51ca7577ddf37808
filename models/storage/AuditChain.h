#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace PoolDesk::AuditChain {

// The audit log as a hash chain: entry n carries hash_n = SHA-256(hash_{n-1} || canonical_n), with
// hash_0 thirty-two zero bytes, so an entry rewritten, deleted, inserted or moved breaks the links
// after it. Cutting off the newest entries leaves a valid chain: only a checkpoint kept outside the
// database (a witness) shows that.
//
// The canonical form of an entry, the one definition both engines' entries are hashed by: the
// compact JSON array
//     [seq, at, actor, action, target, company_id, before_json, after_json]
// in UTF-8, numbers as JSON integers, texts exactly as stored (before_json and after_json are the
// stored JSON texts, not re-serialised), NULL as null. The same stored entry hashes alike on
// SQLite and PostgreSQL.

struct Entry {
    qint64 id = 0;  // the row's id: insertion order, not hashed (a restored backup may renumber it)
    qint64 seq = 0; // position in the chain, from 1, gap-free
    qint64 at = 0;  // seconds since the epoch, UTC
    QString actor;
    QString action;
    std::optional<QString> target;
    std::optional<qint64> companyId;
    std::optional<QString> beforeJson;
    std::optional<QString> afterJson;
    QByteArray hash; // as stored: 32 bytes
};

QByteArray canonical(const Entry &entry);
QByteArray genesis(); // hash_0
QByteArray link(const QByteArray &previousHash, const Entry &entry);

// A signed statement, kept outside the database, that the chain had `seq` entries ending in `hash`.
struct Checkpoint {
    qint64 seq = 0;
    QByteArray hash;
    QString source; // where it was read from, for the report
};

struct Finding {
    enum class Kind {
        Rewritten,    // the entry's content no longer gives its stored hash, and the next entry links
                      // to that hash: the entry was edited in place
        Deleted,      // sequence numbers missing: firstSeq..lastSeq
        Inserted,     // an entry that does not belong to the chain (it links to nothing and the entry
                      // after it links past it)
        Reordered,    // two entries each link in the other's place
        Truncated,    // a checkpoint names entries the log no longer has
        Diverged,     // a checkpoint's hash differs from the log's entry at its sequence
        Broken,       // a link fails in a way none of the above explains
        BadSignature, // a checkpoint whose signature fails, or made by a key the log never
                      // registered: what it claims is not taken into account
    };
    Kind kind = Kind::Broken;
    qint64 id = 0;      // the entry concerned (Rewritten, Inserted, Broken, Reordered: the first)
    qint64 otherId = 0; // Reordered: the second entry
    qint64 firstSeq = 0;
    qint64 lastSeq = 0;
    QString source; // Truncated, Diverged: the checkpoint's
};

QString kindName(Finding::Kind kind); // rewritten, deleted, ... (stable: JSON)

struct Verdict {
    qint64 entries = 0;
    qint64 lastSeq = 0;
    QByteArray head; // the last entry's stored hash
    QList<Finding> findings;
    bool intact() const { return findings.isEmpty(); }
};

// Walks entries in the order of their sequence numbers (ties by id) and says what broke, naming
// each change once: entries after a break are checked against the stored hash before them, so one
// edited entry is reported as one rewrite, not as every entry after it.
Verdict verify(QList<Entry> entries, const QList<Checkpoint> &checkpoints = {});

} // namespace PoolDesk::AuditChain
