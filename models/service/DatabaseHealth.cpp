#include "service/DatabaseHealth.h"

#include <QMutexLocker>

namespace PoolDesk {

void DatabaseHealth::lost(const QString &part) {
    QMutexLocker lock(&m_mutex);
    if (m_without.contains(part))
        return;
    if (m_without.isEmpty())
        m_since = QDateTime::currentDateTimeUtc();
    m_without.insert(part);
    ++m_losses;
}

void DatabaseHealth::restored(const QString &part) {
    QMutexLocker lock(&m_mutex);
    if (!m_without.remove(part))
        return;
    ++m_reconnects;
    if (m_without.isEmpty())
        m_since = QDateTime();
}

bool DatabaseHealth::ready() const {
    QMutexLocker lock(&m_mutex);
    return m_without.isEmpty();
}

QDateTime DatabaseHealth::unavailableSince() const {
    QMutexLocker lock(&m_mutex);
    return m_since;
}

quint64 DatabaseHealth::losses() const {
    QMutexLocker lock(&m_mutex);
    return m_losses;
}

quint64 DatabaseHealth::reconnects() const {
    QMutexLocker lock(&m_mutex);
    return m_reconnects;
}

QByteArray DatabaseHealth::renderMetrics() const {
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    out += "# HELP pooldesk_database_up Whether every connection of this service to its database is open.\n"
           "# TYPE pooldesk_database_up gauge\n"
           "pooldesk_database_up ";
    out += m_without.isEmpty() ? "1\n" : "0\n";
    out += "# HELP pooldesk_database_connections_lost_total Database connections found lost.\n"
           "# TYPE pooldesk_database_connections_lost_total counter\n"
           "pooldesk_database_connections_lost_total ";
    out += QByteArray::number(m_losses) + '\n';
    out += "# HELP pooldesk_database_reconnects_total Database connections opened again after a loss.\n"
           "# TYPE pooldesk_database_reconnects_total counter\n"
           "pooldesk_database_reconnects_total ";
    out += QByteArray::number(m_reconnects) + '\n';
    return out;
}

} // namespace PoolDesk
