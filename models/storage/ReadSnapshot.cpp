#include "storage/ReadSnapshot.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcReadSnapshot, "pooldesk.storage.readsnapshot")

namespace PoolDesk {

ReadSnapshot::ReadSnapshot(Database &db)
    : m_db(db) {}

ReadSnapshot::~ReadSnapshot() {
    if (!m_open)
        return;
    if (auto ended = Sql::exec(m_db.connection(), QStringLiteral("COMMIT")); !ended)
        qCWarning(lcReadSnapshot) << "ending a read snapshot failed:" << ended.error().message;
}

Status ReadSnapshot::begin() {
    if (m_open || m_db.transactionDepth() > 0)
        return success();
    const QString sql = m_db.isPostgreSql()
                            ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                            : QStringLiteral("BEGIN");
    if (auto begun = Sql::exec(m_db.connection(), sql); !begun)
        return begun.error();
    m_open = true;
    return success();
}

} // namespace PoolDesk
