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
    RateLimit rateLimit;
    int reapIntervalMs = 15'000;
    int shutdownTimeoutMs = 10'000;
    // Runs the auto-scaling policy (the settings' threshold, maximum pool size, budget cap and idle
    // release) for the environment this often; 0: not in this process. Needs the environment's
    // Twilio credentials (the keychain or TWILIO_* variables).
    int autoscaleIntervalMs = 0;
    QString accessLog = QStringLiteral("-"); // "-": standard error; "off"; else a file path

    // Parses "ADDR:PORT", "[v6]:PORT", ":PORT" or "PORT".
    static Status parseListen(const QString &text, QHostAddress *address, quint16 *port);
};

} // namespace PoolDesk
