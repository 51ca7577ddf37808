#include "service/ServiceMetrics.h"

#include "pool/PoolStatus.h"

#include <QMutexLocker>

namespace PoolDesk {

void ServiceMetrics::recordRequest(const QString &route, int status, qint64 elapsedNs) {
    QMutexLocker locker(&m_mutex);
    ++m_requests[{route, status}];
    Histogram &histogram = m_latency[route];
    const double seconds = double(elapsedNs) / 1e9;
    for (std::size_t i = 0; i < Buckets.size(); ++i) {
        if (seconds <= Buckets[i]) {
            ++histogram.counts[i];
            break;
        }
    }
    ++histogram.count;
    histogram.sumNs += elapsedNs;
}

void ServiceMetrics::recordAllocation(bool dedicated, bool resumed) {
    QMutexLocker locker(&m_mutex);
    if (resumed)
        ++m_allocationsResumed;
    else
        ++(dedicated ? m_allocationsDedicated : m_allocationsShared);
}

void ServiceMetrics::recordRelease(const QString &source, bool repeated) {
    QMutexLocker locker(&m_mutex);
    if (repeated)
        ++m_releasesRepeated;
    else
        ++m_releases[source];
}

void ServiceMetrics::recordRefusal(const QString &reason) {
    QMutexLocker locker(&m_mutex);
    ++m_refusals[reason];
}

void ServiceMetrics::recordCallback(const QString &result) {
    QMutexLocker locker(&m_mutex);
    ++m_callbacks[result];
}

void ServiceMetrics::recordReaped(int count) {
    QMutexLocker locker(&m_mutex);
    m_reaped += quint64(count);
}

void ServiceMetrics::recordConnectionOpened() {
    QMutexLocker locker(&m_mutex);
    ++m_openConnections;
}

void ServiceMetrics::recordConnectionClosed() {
    QMutexLocker locker(&m_mutex);
    --m_openConnections;
}

void ServiceMetrics::recordConnectionRefused() {
    QMutexLocker locker(&m_mutex);
    ++m_connectionsRefused;
}

void ServiceMetrics::recordAcceptPaused() {
    QMutexLocker locker(&m_mutex);
    ++m_acceptPauses;
}

void ServiceMetrics::recordRequestTimeout() {
    QMutexLocker locker(&m_mutex);
    ++m_requestTimeouts;
}

void ServiceMetrics::recordIdleClosed() {
    QMutexLocker locker(&m_mutex);
    ++m_idleClosed;
}

void ServiceMetrics::recordFramingError(const QString &kind) {
    QMutexLocker locker(&m_mutex);
    ++m_framingErrors[kind];
}

quint64 ServiceMetrics::refusals(const QString &reason) const {
    QMutexLocker locker(&m_mutex);
    return m_refusals.value(reason);
}

static QByteArray escapeLabel(const QString &value) {
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

QByteArray ServiceMetrics::render(const PoolSnapshot *pool) const {
    QByteArray out;
    out.reserve(8192);
    auto header = [&](const char *name, const char *type, const char *help) {
        out += "# HELP ";
        out += name;
        out += ' ';
        out += help;
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += type;
        out += '\n';
    };
    auto sample = [&](const char *name, const QByteArray &labels, auto value) {
        out += name;
        if (!labels.isEmpty()) {
            out += '{';
            out += labels;
            out += '}';
        }
        out += ' ';
        out += QByteArray::number(value);
        out += '\n';
    };

    QMutexLocker locker(&m_mutex);
    header("pooldesk_allocations_total", "counter",
           "Numbers handed out, by kind (resumed: a retried request).");
    sample("pooldesk_allocations_total", "kind=\"dedicated\"", m_allocationsDedicated);
    sample("pooldesk_allocations_total", "kind=\"shared\"", m_allocationsShared);
    sample("pooldesk_allocations_total", "kind=\"resumed\"", m_allocationsResumed);

    header("pooldesk_releases_total", "counter", "Numbers given back, by who reported the end of the call.");
    for (const char *source : {"api", "twilio"})
        sample("pooldesk_releases_total", "source=\"" + QByteArray(source) + '"',
               m_releases.value(QString::fromLatin1(source)));
    header("pooldesk_releases_repeated_total", "counter",
           "Repeated releases, answered without counting again.");
    sample("pooldesk_releases_repeated_total", {}, m_releasesRepeated);

    header("pooldesk_refusals_total", "counter", "Requests refused, by reason.");
    for (auto it = m_refusals.cbegin(); it != m_refusals.cend(); ++it)
        sample("pooldesk_refusals_total", "reason=\"" + escapeLabel(it.key()) + '"', it.value());

    header("pooldesk_twilio_callbacks_total", "counter", "Twilio status callbacks, by outcome.");
    for (auto it = m_callbacks.cbegin(); it != m_callbacks.cend(); ++it)
        sample("pooldesk_twilio_callbacks_total", "result=\"" + escapeLabel(it.key()) + '"', it.value());

    header("pooldesk_leases_reaped_total", "counter", "Reservations freed because their lease ran out.");
    sample("pooldesk_leases_reaped_total", {}, m_reaped);

    header("pooldesk_http_requests_total", "counter", "HTTP requests, by route and status code.");
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        sample("pooldesk_http_requests_total",
               "route=\"" + escapeLabel(it.key().first) + "\",code=\"" + QByteArray::number(it.key().second) +
                   '"',
               it.value());

    header("pooldesk_http_open_connections", "gauge", "Client connections open now.");
    sample("pooldesk_http_open_connections", {}, m_openConnections);
    header("pooldesk_http_connections_refused_total", "counter",
           "Connections closed at once because --max-connections were open.");
    sample("pooldesk_http_connections_refused_total", {}, m_connectionsRefused);
    header("pooldesk_http_accept_pauses_total", "counter",
           "Times accepting paused for lack of file descriptors or memory.");
    sample("pooldesk_http_accept_pauses_total", {}, m_acceptPauses);
    header("pooldesk_http_request_timeouts_total", "counter",
           "Requests not complete within --request-timeout (answered 408).");
    sample("pooldesk_http_request_timeouts_total", {}, m_requestTimeouts);
    header("pooldesk_http_idle_closed_total", "counter",
           "Connections closed after --idle-timeout (or --request-timeout before a first byte) without a "
           "request.");
    sample("pooldesk_http_idle_closed_total", {}, m_idleClosed);
    header("pooldesk_http_framing_errors_total", "counter",
           "Requests refused for their HTTP framing, by kind; each closed its connection.");
    for (auto it = m_framingErrors.cbegin(); it != m_framingErrors.cend(); ++it)
        sample("pooldesk_http_framing_errors_total", "kind=\"" + escapeLabel(it.key()) + '"', it.value());

    header("pooldesk_http_request_duration_seconds", "histogram", "Time to handle a request, by route.");
    for (auto it = m_latency.cbegin(); it != m_latency.cend(); ++it) {
        const QByteArray route = "route=\"" + escapeLabel(it.key()) + '"';
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < Buckets.size(); ++i) {
            cumulative += it->counts[i];
            sample("pooldesk_http_request_duration_seconds_bucket",
                   route + ",le=\"" + QByteArray::number(Buckets[i], 'g', 6) + '"', cumulative);
        }
        sample("pooldesk_http_request_duration_seconds_bucket", route + ",le=\"+Inf\"", it->count);
        out += "pooldesk_http_request_duration_seconds_sum{" + route + "} " +
               QByteArray::number(double(it->sumNs) / 1e9, 'f', 6) + '\n';
        sample("pooldesk_http_request_duration_seconds_count", route, it->count);
    }
    locker.unlock();

    if (pool) {
        const QByteArray environment = "environment=\"" + escapeLabel(pool->environment) + '"';
        header("pooldesk_pool_numbers", "gauge", "Numbers in the pool, by status.");
        sample("pooldesk_pool_numbers", environment + ",status=\"available\"", pool->available);
        sample("pooldesk_pool_numbers", environment + ",status=\"reserved\"", pool->reserved);
        sample("pooldesk_pool_numbers", environment + ",status=\"in_use\"", pool->inUse);
        header("pooldesk_pool_available_shared", "gauge", "Shared numbers free to allocate.");
        sample("pooldesk_pool_available_shared", environment, pool->availableShared);
        header("pooldesk_pool_below_threshold", "gauge",
               "1 when free shared numbers are below the threshold.");
        sample("pooldesk_pool_below_threshold", environment, pool->belowThreshold ? 1 : 0);
    }
    return out;
}

} // namespace PoolDesk
