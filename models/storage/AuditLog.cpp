#include "storage/AuditLog.h"

#include "domain/Clock.h"
#include "domain/OsAccount.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSqlQuery>

namespace PoolDesk {

Actor Actor::currentUser() {
    return {QStringLiteral("user:") + osAccountName()};
}

namespace AuditLog {

namespace {

QVariant toJsonText(const QJsonObject &object) {
    if (object.isEmpty())
        return QVariant(QMetaType(QMetaType::QString));
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

std::optional<QString> optionalText(const QVariant &value) {
    return value.isNull() ? std::nullopt : std::optional<QString>(value.toString());
}

Error headMissing() {
    return makeError(Error::Code::Storage,
                     QCoreApplication::translate("AuditLog", "The audit log's head record is missing."));
}

AuditChain::Entry entryOf(const QSqlQuery &row) {
    AuditChain::Entry entry;
    entry.id = row.value(0).toLongLong();
    entry.seq = row.value(1).toLongLong();
    entry.at = row.value(2).toLongLong();
    entry.actor = row.value(3).toString();
    entry.action = row.value(4).toString();
    entry.target = optionalText(row.value(5));
    entry.companyId = row.value(6).isNull() ? std::nullopt : std::optional<qint64>(row.value(6).toLongLong());
    entry.beforeJson = optionalText(row.value(7));
    entry.afterJson = optionalText(row.value(8));
    entry.hash = QByteArray::fromHex(row.value(9).toString().toLatin1());
    return entry;
}

const QString EntryColumns =
    QStringLiteral("id, seq, at, actor, action, target, company_id, before_json, after_json, hash");

// SQLite's side of the chain (PostgreSQL's trigger does the same on the server, see migration 030):
// take the head, link the entry to it, move the head. The caller's transaction holds SQLite's write
// lock, so entries are numbered in commit order.
Status appendLinked(Database &db, AuditChain::Entry entry) {
    auto head =
        Sql::exec(db.connection(),
                  QStringLiteral("UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"));
    if (!head)
        return head.error();
    if (!head.value().next())
        return headMissing();
    entry.seq = head.value().value(0).toLongLong();
    const QByteArray previous = QByteArray::fromHex(head.value().value(1).toString().toLatin1());
    head.value().finish();
    const QString hash = QString::fromLatin1(AuditChain::link(previous, entry).toHex());
    auto inserted = Sql::exec(
        db.connection(),
        QStringLiteral(
            "INSERT INTO audit_log (at, actor, action, target, company_id, before_json, after_json, "
            "seq, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {entry.at, entry.actor, entry.action,
         entry.target ? QVariant(*entry.target) : QVariant(QMetaType(QMetaType::QString)),
         Sql::nullable(entry.companyId),
         entry.beforeJson ? QVariant(*entry.beforeJson) : QVariant(QMetaType(QMetaType::QString)),
         entry.afterJson ? QVariant(*entry.afterJson) : QVariant(QMetaType(QMetaType::QString)), entry.seq,
         hash});
    if (!inserted)
        return inserted.error();
    auto moved =
        Sql::exec(db.connection(), QStringLiteral("UPDATE audit_chain SET hash = ? WHERE id = 1"), {hash});
    if (!moved)
        return moved.error();
    return success();
}

} // namespace

Status write(Database &db, const Actor &actor, const QString &action, const QString &target,
             std::optional<qint64> companyId, const QJsonObject &before, const QJsonObject &after) {
    // A person is recorded as whom the database knows them by (PostgreSQL's session_user, the
    // file's OS account on SQLite), whatever name the caller passed.
    const QString who =
        actor.name.startsWith(QLatin1String("user:")) ? QStringLiteral("user:") + db.login() : actor.name;
    const QVariant beforeText = toJsonText(before);
    const QVariant afterText = toJsonText(after);
    if (db.isPostgreSql()) {
        // The server numbers and links the entry (migration 030's trigger).
        auto done = Sql::exec(
            db.connection(),
            QStringLiteral("INSERT INTO audit_log (at, actor, action, target, company_id, "
                           "before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {Clock::nowSecs(), who, action, target, Sql::nullable(companyId), beforeText, afterText});
        if (!done)
            return done.error();
        return success();
    }
    AuditChain::Entry entry;
    entry.at = Clock::nowSecs();
    entry.actor = who;
    entry.action = action;
    entry.target = target.isNull() ? std::nullopt : std::optional<QString>(target);
    entry.companyId = companyId;
    entry.beforeJson = optionalText(beforeText);
    entry.afterJson = optionalText(afterText);
    // A savepoint inside the caller's transaction, or a transaction of its own when called alone:
    // the head and the entry move together.
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    if (auto appended = appendLinked(db, entry); !appended)
        return appended;
    return transaction.commit();
}

Status recordRead(Database &db, const Actor &actor, const QString &action, const QString &target,
                  std::optional<qint64> companyId, const QJsonObject &details) {
    auto written = write(db, actor, action, target, companyId, {}, details);
    if (!written && Sql::isWriteRefused(written.error()))
        return success();
    return written;
}

Status chainUnlinkedEntries(Database &db) {
    auto unlinked =
        Sql::exec(db.connection(), QStringLiteral("SELECT ") + EntryColumns +
                                       QStringLiteral(" FROM audit_log WHERE seq IS NULL ORDER BY id"));
    if (!unlinked)
        return unlinked.error();
    QList<AuditChain::Entry> entries;
    while (unlinked.value().next())
        entries.append(entryOf(unlinked.value()));
    unlinked.value().finish();
    auto head = Sql::exec(db.connection(), QStringLiteral("SELECT seq, hash FROM audit_chain WHERE id = 1"));
    if (!head)
        return head.error();
    if (!head.value().next())
        return headMissing();
    qint64 seq = head.value().value(0).toLongLong();
    QByteArray previous = QByteArray::fromHex(head.value().value(1).toString().toLatin1());
    head.value().finish();
    QSqlQuery update(db.connection());
    if (!update.prepare(QStringLiteral("UPDATE audit_log SET seq = ?, hash = ? WHERE id = ?")))
        return Sql::storageError(update);
    for (AuditChain::Entry &entry : entries) {
        entry.seq = ++seq;
        previous = AuditChain::link(previous, entry);
        if (auto ran = Sql::run(update, {seq, QString::fromLatin1(previous.toHex()), entry.id}); !ran)
            return ran.error();
    }
    auto moved =
        Sql::exec(db.connection(), QStringLiteral("UPDATE audit_chain SET seq = ?, hash = ? WHERE id = 1"),
                  {seq, QString::fromLatin1(previous.toHex())});
    if (!moved)
        return moved.error();
    return success();
}

Result<Head> head(Database &db) {
    auto row =
        Sql::exec(db.connection(), QStringLiteral("SELECT log_id, seq, hash FROM audit_chain WHERE id = 1"));
    if (!row)
        return row.error();
    if (!row.value().next())
        return headMissing();
    return Head{row.value().value(0).toString(), row.value().value(1).toLongLong(),
                QByteArray::fromHex(row.value().value(2).toString().toLatin1())};
}

Result<QList<AuditChain::Entry>> chainEntries(Database &db) {
    auto rows = Sql::exec(db.connection(), QStringLiteral("SELECT ") + EntryColumns +
                                               QStringLiteral(" FROM audit_log ORDER BY seq, id"));
    if (!rows)
        return rows.error();
    QList<AuditChain::Entry> entries;
    while (rows.value().next())
        entries.append(entryOf(rows.value()));
    return entries;
}

} // namespace AuditLog
} // namespace PoolDesk
