#pragma once

#include "domain/Result.h"
#include "security/RateLimiter.h"

#include <QHostAddress>
#include <QString>

namespace PoolDesk {

// How pooldesk-service runs: what its command line (and environment variables) say.
struct ServiceConfig {
    QString databaseUrl;
    QString environment;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8736; // 0: any free port (tests)
    int threads = 0;     // 0: one on SQLite (writers serialise anyway), four on PostgreSQL
    qsizetype maxBodyBytes = 64 * 1024;
    // Connection hygiene: a request must arrive whole within requestTimeoutMs of its first byte
    // (the first request of a connection: of the accept), a keep-alive connection may idle for
    // idleTimeoutMs, and above maxConnections open connections new ones are closed at once.
    int requestTimeoutMs = 10'000;
    int idleTimeoutMs = 60'000;
    int maxConnections = 1'000;
    RateLimit rateLimit;
    int reapIntervalMs = 15'000;
    int shutdownTimeoutMs = 10'000;
    // Runs the auto-scaling policy (the settings' threshold, maximum pool size, budget cap and idle
    // release) for the environment this often; 0: not in this process. Needs the environment's
    // Twilio credentials (the keychain or TWILIO_* variables).
    int autoscaleIntervalMs = 0;
    QString accessLog = QStringLiteral("-"); // "-": standard error; "off"; else a file path
    // Signs audit checkpoints when due (AuditSigning::due) and writes each into this folder; empty:
    // not in this process. auditCheckIntervalMs: how often it asks.
    QString auditWitness;
    int auditCheckIntervalMs = 60'000;

    // Descriptors kept free beside the connections: database connections (SQLite holds three files
    // each), the listening sockets, log files, the keychain's D-Bus, Twilio's HTTPS connections.
    static constexpr int ReservedDescriptors = 256;
    // Raises the soft open-file limit to the hard one and lowers maxConnections when it does not
    // fit below that limit with ReservedDescriptors to spare. Returns what to log when it lowered
    // it (empty otherwise).
    QString fitConnectionsToFileLimit();

    // Parses "ADDR:PORT", "[v6]:PORT", ":PORT" or "PORT".
    static Status parseListen(const QString &text, QHostAddress *address, quint16 *port);
};

} // namespace PoolDesk
