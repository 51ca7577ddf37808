#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace PoolDesk::Test {

using Headers = QList<QPair<QByteArray, QByteArray>>;

struct HttpReply {
    int status = 0;                       // 0: no answer (connection refused, reset or timed out)
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QJsonObject json() const;
    QString errorCode() const; // error.code of a JSON error body
};

// One HTTP/1.1 request on a fresh connection ("Connection: close"), blocking; usable from any thread.
HttpReply http(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
               const Headers &headers = {}, int timeoutMs = 30000);
HttpReply httpJson(quint16 port, const QByteArray &method, const QByteArray &path, const QJsonObject &body,
                   const QByteArray &apiKey, int timeoutMs = 30000);
Headers bearer(const QByteArray &apiKey);

// Runs the real pooldesk-service executable on a free loopback port.
class ServiceProcess {
public:
    ServiceProcess();
    ~ServiceProcess();
    // Starts it and waits for its "listening on" line; false (with the reason in output()) otherwise.
    bool start(const QString &databaseUrl, const QStringList &extraArguments = {},
               const QStringList &environment = {});
    quint16 port() const { return m_port; }
    // SIGTERM, then waits; returns the exit code (-1 if it did not exit normally).
    int terminate();
    void kill();
    QByteArray output(); // standard error and standard output so far
    QProcess &process() { return *m_process; }

private:
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QByteArray m_output;
};

} // namespace PoolDesk::Test
