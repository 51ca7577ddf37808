#include "billing/SqliteRows.h"

#include "storage/Database.h"
#include "storage/SqliteHandle.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSqlQuery>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcSqliteRows, "pooldesk.billing.sqliterows")

namespace PoolDesk {

namespace {

Error sqliteError(const QString &detail) {
    return makeError(Error::Code::Storage,
                     QCoreApplication::translate("Sql", "The database reported an error: %1").arg(detail));
}

} // namespace

bool SqliteRows::available(Database &db) {
    return sqliteHandleOf(db) != nullptr;
}

Result<std::unique_ptr<SqliteRows>> SqliteRows::prepare(Database &db, const QString &sql,
                                                        const QVariantList &bindings) {
    sqlite3 *handle = sqliteHandleOf(db);
    if (!handle)
        return sqliteError(QStringLiteral("not an SQLite connection"));
    const QByteArray utf8 = sql.toUtf8();
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(handle, utf8.constData(), static_cast<int>(utf8.size()), &statement, nullptr) !=
        SQLITE_OK) {
        const QString message = QString::fromUtf8(sqlite3_errmsg(handle));
        sqlite3_finalize(statement);
        qCWarning(lcSqliteRows) << "statement failed:" << sql << message;
        return sqliteError(message);
    }
    std::unique_ptr<SqliteRows> rows(new SqliteRows(statement));
    for (int i = 0; i < bindings.size(); ++i) {
        const QVariant &value = bindings.at(i);
        int rc = SQLITE_OK;
        switch (value.metaType().id()) {
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
        case QMetaType::Bool:
            rc = value.isNull() ? sqlite3_bind_null(statement, i + 1)
                                : sqlite3_bind_int64(statement, i + 1, value.toLongLong());
            break;
        default:
            if (value.isNull()) {
                rc = sqlite3_bind_null(statement, i + 1);
            } else {
                const QByteArray text = value.toString().toUtf8();
                rc = sqlite3_bind_text(statement, i + 1, text.constData(), static_cast<int>(text.size()),
                                       SQLITE_TRANSIENT);
            }
            break;
        }
        if (rc != SQLITE_OK)
            return sqliteError(QString::fromUtf8(sqlite3_errmsg(handle)));
    }
    return rows;
}

SqliteRows::SqliteRows(sqlite3_stmt *statement)
    : m_statement(statement) {}

SqliteRows::~SqliteRows() {
    sqlite3_finalize(m_statement);
}

bool SqliteRows::next() {
    if (!m_error.isEmpty())
        return false;
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
        qCWarning(lcSqliteRows) << "reading rows failed:" << m_error;
    }
    return false;
}

Status SqliteRows::status() const {
    if (!m_error.isEmpty())
        return sqliteError(m_error);
    return success();
}

bool SqliteRows::isNull(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

qint64 SqliteRows::integer(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

QByteArrayView SqliteRows::text(int column) const {
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    if (!data)
        return {};
    return QByteArrayView(data, sqlite3_column_bytes(m_statement, column));
}

} // namespace PoolDesk
