#include "service/ServiceConfig.h"

#include "service/NativeSocket.h"

#include <QCoreApplication>

#include <algorithm>

namespace PoolDesk {

QString ServiceConfig::fitConnectionsToFileLimit() {
    const qint64 limit = NativeSocket::raiseOpenFileLimit();
    if (limit < 0)
        return {};
    const qint64 available = limit - ReservedDescriptors;
    if (available >= maxConnections)
        return {};
    const int wanted = maxConnections;
    maxConnections = int(std::max<qint64>(1, available));
    return QCoreApplication::translate(
               "ServiceConfig",
               "The open-file limit is %1 descriptors: serving at most %2 connections instead of %3 (%4 are "
               "kept for database connections and log files). Raise the limit (LimitNOFILE= in the systemd "
               "unit, ulimit -n) to serve more.")
        .arg(limit)
        .arg(maxConnections)
        .arg(wanted)
        .arg(ReservedDescriptors);
}

Status ServiceConfig::parseListen(const QString &text, QHostAddress *address, quint16 *port) {
    const auto invalid = [&] {
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "ServiceConfig", "\"%1\" is not a listen address. Use ADDRESS:PORT, for example "
                                              "127.0.0.1:8736 or [::1]:8736.")
                             .arg(text));
    };
    QString host;
    QString portText = text.trimmed();
    const qsizetype colon = portText.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0) {
        host = portText.left(colon);
        portText = portText.mid(colon + 1);
    }
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint number = portText.toUInt(&ok);
    if (!ok || number > 65535)
        return invalid();
    QHostAddress parsed = QHostAddress::LocalHost;
    if (!host.isEmpty()) {
        if (host == QLatin1String("localhost"))
            parsed = QHostAddress::LocalHost;
        else if (!parsed.setAddress(host))
            return invalid();
    }
    *address = parsed;
    *port = quint16(number);
    return success();
}

} // namespace PoolDesk
