#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMutex>
#include <QSet>
#include <QString>

namespace PoolDesk {

// Whether the service reaches its database, for /readyz and /metrics; thread-safe. Each part of
// the service with a connection of its own (every API thread, the reaper) says when it lost it and
// when it has it again; the service is ready while none is without.
class DatabaseHealth final {
public:
    void lost(const QString &part);
    void restored(const QString &part);

    bool ready() const;
    // Since when some part is without its connection; invalid while ready.
    QDateTime unavailableSince() const;
    quint64 losses() const;
    quint64 reconnects() const;
    // The Prometheus lines for /metrics: pooldesk_database_up and the two counters.
    QByteArray renderMetrics() const;

private:
    mutable QMutex m_mutex;
    QSet<QString> m_without;
    QDateTime m_since;
    quint64 m_losses = 0;
    quint64 m_reconnects = 0;
};

} // namespace PoolDesk
