#pragma once

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QMutex>
#include <QString>

#include <array>

namespace PoolDesk {

struct PoolSnapshot;

// Counters and the latency histogram behind GET /metrics, shared by the service's threads.
// Rendered in the Prometheus text exposition format (version 0.0.4).
class ServiceMetrics final {
public:
    // Upper bounds of the latency buckets, in seconds.
    static constexpr std::array<double, 12> Buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void recordRequest(const QString &route, int status, qint64 elapsedNs);
    void recordAllocation(bool dedicated, bool resumed);
    void recordRelease(const QString &source, bool repeated);
    void recordRefusal(const QString &reason);
    void recordCallback(const QString &result);
    void recordReaped(int count);
    // The HTTP front's connections.
    void recordConnectionOpened();
    void recordConnectionClosed();
    void recordConnectionRefused(); // closed at once: the service had --max-connections open
    void recordAcceptPaused();      // accepting paused: out of file descriptors or memory
    void recordRequestTimeout();    // a request not complete within --request-timeout (408)
    void recordIdleClosed();        // closed after --idle-timeout without a request
    void recordFramingError(const QString &kind);

    // Everything, followed by the pool gauges of the given snapshot (when one could be taken).
    QByteArray render(const PoolSnapshot *pool) const;

    // For tests and the benchmark: one counter's value.
    quint64 refusals(const QString &reason) const;

private:
    struct Histogram {
        std::array<quint64, Buckets.size()> counts{};
        quint64 count = 0;
        qint64 sumNs = 0;
    };
    mutable QMutex m_mutex;
    QMap<QPair<QString, int>, quint64> m_requests;
    QMap<QString, Histogram> m_latency;
    quint64 m_allocationsDedicated = 0;
    quint64 m_allocationsShared = 0;
    quint64 m_allocationsResumed = 0;
    QMap<QString, quint64> m_releases;
    quint64 m_releasesRepeated = 0;
    QMap<QString, quint64> m_refusals;
    QMap<QString, quint64> m_callbacks;
    quint64 m_reaped = 0;
    qint64 m_openConnections = 0;
    quint64 m_connectionsRefused = 0;
    quint64 m_acceptPauses = 0;
    quint64 m_requestTimeouts = 0;
    quint64 m_idleClosed = 0;
    QMap<QString, quint64> m_framingErrors;
};

} // namespace PoolDesk
