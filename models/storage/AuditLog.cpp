#include "storage/AuditLog.h"

#include "domain/Clock.h"
#include "domain/OsAccount.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QJsonDocument>

namespace PoolDesk {

Actor Actor::currentUser() {
    return {QStringLiteral("user:") + osAccountName()};
}

namespace AuditLog {

static QVariant toJsonText(const QJsonObject &object) {
    if (object.isEmpty())
        return QVariant(QMetaType(QMetaType::QString));
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Status write(Database &db, const Actor &actor, const QString &action, const QString &target,
             std::optional<qint64> companyId, const QJsonObject &before, const QJsonObject &after) {
    // A person is recorded as whom the database knows them by (PostgreSQL's session_user, the
    // file's OS account on SQLite), whatever name the caller passed.
    const QString who =
        actor.name.startsWith(QLatin1String("user:")) ? QStringLiteral("user:") + db.login() : actor.name;
    auto done = Sql::exec(db.connection(),
                          QStringLiteral("INSERT INTO audit_log (at, actor, action, target, company_id, "
                                         "before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                          {Clock::nowSecs(), who, action, target, Sql::nullable(companyId),
                           toJsonText(before), toJsonText(after)});
    if (!done)
        return done.error();
    return success();
}

} // namespace AuditLog
} // namespace PoolDesk
