#include "security/AuditSigning.h"

#include "credentials/SecretStore.h"
#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QPointer>

namespace PoolDesk::AuditSigning {

namespace {

Status ensureRegistered(Database &db, const Key &key, const Actor &actor) {
    auto found =
        Sql::exec(db.connection(), QStringLiteral("SELECT 1 FROM audit_log WHERE action = ? AND target = ?"),
                  {KeyCreatedAction, key.fingerprint});
    if (!found)
        return found.error();
    if (found.value().next())
        return success();
    found.value().finish();
    return AuditLog::write(
        db, actor, KeyCreatedAction, key.fingerprint, std::nullopt, {},
        {{QStringLiteral("public_key"), QString::fromLatin1(key.pair.publicKey.toBase64())},
         {QStringLiteral("fingerprint"), key.fingerprint}});
}

Result<Key> keyOf(const QString &stored) {
    const auto seed =
        QByteArray::fromBase64Encoding(stored.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!seed)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("AuditSigning", "The keychain's audit signing key is damaged."));
    auto pair = Ed25519::fromPrivateKey(seed.decoded);
    if (!pair)
        return pair.error();
    return Key{pair.value(), Ed25519::fingerprint(pair.value().publicKey), false};
}

} // namespace

QString keychainKey(const QString &logId) {
    return QStringLiteral("audit-signing-key/") + logId;
}

void loadKey(Database &db, SecretStore &store, bool create, const Actor &actor, QObject *context,
             std::function<void(Result<Key>)> done, std::function<Database *()> database) {
    auto head = AuditLog::head(db);
    if (!head)
        return done(head.error());
    if (!database)
        database = [&db] { return &db; };
    const QString name = keychainKey(head.value().logId);
    QPointer<SecretStore> storeGuard(&store);
    store.read(
        name, context, [database, storeGuard, create, actor, context, name, done](Result<QString> stored) {
            if (stored)
                return done(keyOf(stored.value()));
            if (stored.error().code != Error::Code::NotFound || !create)
                return done(stored.error());
            auto made = Ed25519::generate();
            if (!made)
                return done(made.error());
            Key key{made.value(), Ed25519::fingerprint(made.value().publicKey), true};
            if (!storeGuard)
                return;
            // Into the keychain first: a key the log names but nobody holds could never sign.
            storeGuard->write(name, QString::fromLatin1(key.pair.privateKey.toBase64()), context,
                              [database, key, actor, done](Status written) {
                                  if (!written)
                                      return done(written.error());
                                  Database *now = database();
                                  if (!now)
                                      return done(makeError(Error::Code::Unavailable,
                                                            QCoreApplication::translate(
                                                                "AuditSigning",
                                                                "The database went away before the new "
                                                                "signing key could be registered; it "
                                                                "is registered with the first checkpoint.")));
                                  if (auto registered = ensureRegistered(*now, key, actor); !registered)
                                      return done(registered.error());
                                  done(key);
                              });
        });
}

Result<AuditCheckpoint> checkpoint(Database &db, const Key &key, const Actor &actor) {
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    if (auto registered = ensureRegistered(db, key, actor); !registered)
        return registered.error();
    auto head = AuditLog::head(db);
    if (!head)
        return head.error();
    if (head.value().seq == 0)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("AuditSigning", "The audit log is empty: there is nothing to sign."));
    AuditCheckpoint made;
    made.logId = head.value().logId;
    made.seq = head.value().seq;
    made.hash = head.value().hash;
    made.at = Clock::nowSecs();
    made.publicKey = key.pair.publicKey;
    auto signature = Ed25519::sign(key.pair.privateKey, made.signedMessage());
    if (!signature)
        return signature.error();
    made.signature = signature.value();
    if (auto stored = AuditCheckpoints::store(db, made); !stored)
        return stored.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    made.source = QCoreApplication::translate("AuditSigning", "database");
    return made;
}

Result<bool> due(Database &db) {
    auto head = AuditLog::head(db);
    if (!head)
        return head.error();
    auto latest = AuditCheckpoints::latest(db);
    if (!latest)
        return latest.error();
    const qint64 everyEntries =
        qMax<qint64>(1, Settings::intValue(db, EveryEntriesSetting, DefaultEveryEntries));
    const qint64 everyMinutes =
        qMax<qint64>(1, Settings::intValue(db, EveryMinutesSetting, DefaultEveryMinutes));
    const qint64 since = head.value().seq - latest.value().seq;
    if (since <= 0)
        return false;
    return since >= everyEntries || Clock::nowSecs() - latest.value().at >= everyMinutes * 60;
}

} // namespace PoolDesk::AuditSigning
