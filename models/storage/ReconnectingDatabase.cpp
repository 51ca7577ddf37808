#include "storage/ReconnectingDatabase.h"

#include "storage/SqlHelpers.h"

#include <QLoggingCategory>
#include <QSqlQuery>

#include <algorithm>
#include <chrono>

Q_LOGGING_CATEGORY(lcReconnect, "pooldesk.storage.reconnect")

namespace PoolDesk {

namespace {

qint64 monotonicMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

ReconnectingDatabase::ReconnectingDatabase(std::unique_ptr<Database> opened, Setup setup)
    : m_setup(std::move(setup))
    , m_db(std::move(opened)) {}

ReconnectingDatabase::~ReconnectingDatabase() = default;

bool ReconnectingDatabase::noteFailure(const Error &error) {
    if (m_lost || !Sql::isConnectionLost(error))
        return false;
    markLost();
    return true;
}

void ReconnectingDatabase::markLost() {
    if (m_lost)
        return;
    qCWarning(lcReconnect).noquote() << "lost the connection to" << url().redacted() << "; opening it again";
    m_lost = true;
    m_lostSince = QDateTime::currentDateTimeUtc();
    // The first attempt at once: a server that restarted (or dropped an idle connection) is
    // usually back already.
    m_backoffMs = FirstBackoffMs;
    m_nextAttemptMs = 0;
}

bool ReconnectingDatabase::probe() {
    if (m_lost)
        return false;
    // On SQLite the schema read starts a read transaction, which touches the file's locks.
    const QString sql =
        m_db->isSqlite() ? QStringLiteral("SELECT count(*) FROM sqlite_schema") : QStringLiteral("SELECT 1");
    QSqlQuery query(m_db->connection());
    if (query.exec(sql) && query.next())
        return true;
    const Error failure = Sql::storageError(query);
    // A probe that fails for any reason means the connection cannot serve: open a new one.
    if (!noteFailure(failure))
        markLost();
    return false;
}

bool ReconnectingDatabase::tryReopen() {
    if (!m_lost)
        return true;
    const qint64 now = monotonicMs();
    if (now < m_nextAttemptMs)
        return false;
    Status opened = m_db->reconnect();
    if (opened && m_setup)
        opened = m_setup(*m_db);
    if (!opened) {
        m_nextAttemptMs = now + m_backoffMs;
        m_backoffMs = std::min(m_backoffMs * 2, MaxBackoffMs);
        return false;
    }
    m_lost = false;
    ++m_generation;
    qCInfo(lcReconnect).noquote() << "connected again to" << url().redacted() << "after"
                                  << m_lostSince.msecsTo(QDateTime::currentDateTimeUtc()) << "ms";
    m_lostSince = QDateTime();
    m_backoffMs = FirstBackoffMs;
    return true;
}

bool ReconnectingDatabase::readOnlyRecheckDue() const {
    return !m_lost && m_db->isReadOnly() && monotonicMs() >= m_nextReadOnlyCheckMs;
}

bool ReconnectingDatabase::reopenIfReadOnly(Recheck when) {
    if (m_lost || !m_db->isReadOnly() || (when == Recheck::WhenDue && !readOnlyRecheckDue()))
        return false;
    m_nextReadOnlyCheckMs = monotonicMs() + ReadOnlyRecheckMs;
    Status opened = m_db->reconnect();
    if (opened && m_setup)
        opened = m_setup(*m_db);
    if (!opened) {
        markLost();
        return true;
    }
    ++m_generation;
    if (!m_db->isReadOnly())
        qCInfo(lcReconnect).noquote() << url().redacted() << "takes changes again";
    return true;
}

qint64 ReconnectingDatabase::msUntilNextAttempt() const {
    if (!m_lost)
        return 0;
    return std::max<qint64>(0, m_nextAttemptMs - monotonicMs());
}

} // namespace PoolDesk
