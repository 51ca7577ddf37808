#pragma once

#include "domain/Result.h"
#include "security/Ed25519.h"
#include "storage/AuditCheckpoint.h"
#include "storage/AuditLog.h"

#include <QObject>

#include <functional>

namespace PoolDesk {

class Database;
class SecretStore;

// The audit log's signing key and its checkpoints. The key is the workspace's own Ed25519 key,
// kept in the OS keychain under "audit-signing-key/<log id>", never in the database. Making the key
// registers its public half in the log itself (an "audit.key.create" entry), so the verifier
// trusts exactly the keys the chain vouches for.
namespace AuditSigning {

QString keychainKey(const QString &logId);
inline const QString KeyCreatedAction = QStringLiteral("audit.key.create");

struct Key {
    Ed25519::KeyPair pair;
    QString fingerprint;
    bool created = false; // made by this call
};

// Reads the workspace's key from the keychain. With `create`, a workspace without one gets a new
// key, stored in the keychain and then registered in the log; without it, no key is NotFound.
// The keychain answers later: `database` is asked again then, and a connection gone meanwhile (the
// service's, reopened after an outage) is an Unavailable error rather than a dangling one.
void loadKey(Database &db, SecretStore &store, bool create, const Actor &actor, QObject *context,
             std::function<void(Result<Key>)> done, std::function<Database *()> database = {});

// Signs the log's head now and stores the checkpoint. An empty log has nothing to vouch for:
// InvalidInput.
// A key the log has not registered yet (a database restored from before it was made) is registered
// first, in the same transaction.
Result<AuditCheckpoint> checkpoint(Database &db, const Key &key, const Actor &actor);

// Whether a checkpoint is due: `everyEntries` entries since the last one, or `everyMinutes` minutes
// and at least one entry. Settings audit.checkpoint_entries and audit.checkpoint_minutes.
Result<bool> due(Database &db);
inline const QString EveryEntriesSetting = QStringLiteral("audit.checkpoint_entries");
inline const QString EveryMinutesSetting = QStringLiteral("audit.checkpoint_minutes");
inline constexpr qint64 DefaultEveryEntries = 1000;
inline constexpr qint64 DefaultEveryMinutes = 60;

} // namespace AuditSigning
} // namespace PoolDesk
