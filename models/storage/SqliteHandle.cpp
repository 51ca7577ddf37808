#include "storage/SqliteHandle.h"

#include "storage/Database.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlQuery>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcSqliteHandle, "pooldesk.storage.sqlitehandle")

namespace PoolDesk {

sqlite3 *sqliteHandleOf(Database &db) {
    if (!db.isSqlite() || !db.connection().driver())
        return nullptr;
    QSqlDriver *driver = db.connection().driver();
    const QVariant handle = driver->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    QVariant same = driver->property("pooldeskSameSqlite");
    if (!same.isValid()) {
        QSqlQuery query(db.connection());
        same = query.exec(QStringLiteral("SELECT sqlite_version(), sqlite_source_id()")) && query.next() &&
               query.value(0).toString() == QLatin1String(sqlite3_libversion()) &&
               query.value(1).toString() == QLatin1String(sqlite3_sourceid());
        driver->setProperty("pooldeskSameSqlite", same);
        if (!same.toBool())
            qCInfo(lcSqliteHandle) << "Qt's SQLite driver runs another SQLite than" << sqlite3_libversion()
                                   << "- PoolDesk goes through Qt's SQL layer only";
    }
    return same.toBool() ? *static_cast<sqlite3 *const *>(handle.constData()) : nullptr;
}

} // namespace PoolDesk
