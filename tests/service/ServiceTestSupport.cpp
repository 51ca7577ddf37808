#include "ServiceTestSupport.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpSocket>

#include <csignal>

namespace PoolDesk::Test {

QJsonObject HttpReply::json() const {
    return QJsonDocument::fromJson(body).object();
}

QString HttpReply::errorCode() const {
    return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

Headers bearer(const QByteArray &apiKey) {
    return {{QByteArrayLiteral("Authorization"), "Bearer " + apiKey}};
}

HttpReply http(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body,
               const Headers &headers, int timeoutMs) {
    HttpReply reply;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(timeoutMs))
        return reply;
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    request += body;
    socket.write(request);
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    qsizetype expected = -1;
    qsizetype headerEnd = -1;
    while (timer.elapsed() < timeoutMs) {
        if (socket.bytesAvailable() == 0 &&
            !socket.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - timer.elapsed()))))
            break;
        received += socket.readAll();
        if (headerEnd < 0) {
            headerEnd = received.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const QList<QByteArray> lines = received.left(headerEnd).split('\n');
                const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
                reply.status = statusLine.value(1).toInt();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines.at(i).indexOf(':');
                    if (colon > 0)
                        reply.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                             lines.at(i).mid(colon + 1).trimmed());
                }
                expected = reply.headers.value("content-length", "0").toLongLong();
            }
        }
        if (headerEnd >= 0 && received.size() - headerEnd - 4 >= expected)
            break;
    }
    if (headerEnd < 0 || received.size() - headerEnd - 4 < expected) {
        reply.status = 0; // cut off: treat as no answer
        return reply;
    }
    reply.body = received.mid(headerEnd + 4, expected);
    return reply;
}

HttpReply httpJson(quint16 port, const QByteArray &method, const QByteArray &path, const QJsonObject &body,
                   const QByteArray &apiKey, int timeoutMs) {
    Headers headers = bearer(apiKey);
    headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    return http(port, method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers, timeoutMs);
}

ServiceProcess::ServiceProcess()
    : m_process(std::make_unique<QProcess>()) {
    m_process->setProcessChannelMode(QProcess::MergedChannels);
}

ServiceProcess::~ServiceProcess() {
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
}

bool ServiceProcess::start(const QString &databaseUrl, const QStringList &extraArguments,
                           const QStringList &environment) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("TWILIO_AUTH_TOKEN"));
    env.remove(QStringLiteral("POOLDESK_PUBLIC_URL"));
    for (const QString &assignment : environment)
        env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
    m_process->setProcessEnvironment(env);
    m_output.clear();
    m_port = 0;
    m_process->start(QStringLiteral(POOLDESK_SERVICE_EXE),
                     QStringList{QStringLiteral("--db"), databaseUrl, QStringLiteral("--env"),
                                 QStringLiteral("development"), QStringLiteral("--listen"),
                                 QStringLiteral("127.0.0.1:0")} +
                         extraArguments);
    if (!m_process->waitForStarted(10000))
        return false;
    static const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30000) {
        m_process->waitForReadyRead(200);
        m_output += m_process->readAll();
        const auto match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        if (m_process->state() == QProcess::NotRunning)
            return false;
    }
    return false;
}

int ServiceProcess::terminate() {
    if (m_process->state() == QProcess::NotRunning)
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    ::kill(pid_t(m_process->processId()), SIGTERM);
    if (!m_process->waitForFinished(30000)) {
        m_process->kill();
        m_process->waitForFinished(10000);
        return -1;
    }
    m_output += m_process->readAll();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

void ServiceProcess::kill() {
    if (m_process->state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process->processId()), SIGKILL);
    m_process->waitForFinished(10000);
    m_output += m_process->readAll();
}

QByteArray ServiceProcess::output() {
    m_output += m_process->readAll();
    return m_output;
}

} // namespace PoolDesk::Test
