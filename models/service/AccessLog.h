#pragma once

#include "domain/Result.h"

#include <QFile>
#include <QMutex>

#include <memory>

namespace PoolDesk {

struct AccessLogEntry {
    QByteArray remote;
    QByteArray method;
    QByteArray path; // as requested, without the query string
    int status = 0;
    qint64 elapsedUs = 0;
    qint64 responseBytes = 0;
    qint64 keyId = 0; // 0: no key
    QString company;
    QString reason; // refusal or error code
};

// One JSON object per line per request (standard error by default, so journald keeps it). It
// never carries secrets: no Authorization header, no signature, no request body.
class AccessLog final {
public:
    // "-" for standard error, "off" for none, else a file to append to.
    static Result<std::unique_ptr<AccessLog>> open(const QString &target);
    ~AccessLog();

    bool enabled() const { return m_file != nullptr; }
    void write(const AccessLogEntry &entry);

private:
    AccessLog() = default;
    QMutex m_mutex;
    std::unique_ptr<QFile> m_file;
};

} // namespace PoolDesk
