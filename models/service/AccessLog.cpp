#include "service/AccessLog.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>

#include <cstdio>

namespace PoolDesk {

Result<std::unique_ptr<AccessLog>> AccessLog::open(const QString &target) {
    std::unique_ptr<AccessLog> log(new AccessLog);
    if (target == QLatin1String("off"))
        return log;
    log->m_file = std::make_unique<QFile>();
    const bool opened =
        target == QLatin1String("-") || target.isEmpty()
            ? log->m_file->open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered)
            : (log->m_file->setFileName(target),
               log->m_file->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered));
    if (!opened)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("AccessLog", "Cannot open the access log %1: %2")
                             .arg(target, log->m_file->errorString()));
    return log;
}

AccessLog::~AccessLog() = default;

void AccessLog::write(const AccessLogEntry &entry) {
    if (!m_file)
        return;
    QJsonObject line{
        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("remote"), QString::fromLatin1(entry.remote)},
        {QStringLiteral("method"), QString::fromLatin1(entry.method)},
        {QStringLiteral("path"), QString::fromUtf8(entry.path)},
        {QStringLiteral("status"), entry.status},
        {QStringLiteral("duration_ms"), double(entry.elapsedUs) / 1000.0},
        {QStringLiteral("bytes"), entry.responseBytes},
    };
    if (entry.keyId)
        line.insert(QStringLiteral("key"), entry.keyId);
    if (!entry.company.isEmpty())
        line.insert(QStringLiteral("company"), entry.company);
    if (!entry.reason.isEmpty())
        line.insert(QStringLiteral("reason"), entry.reason);
    QByteArray text = QJsonDocument(line).toJson(QJsonDocument::Compact);
    text += '\n';
    QMutexLocker locker(&m_mutex);
    m_file->write(text);
}

} // namespace PoolDesk
