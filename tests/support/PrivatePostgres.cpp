#include "PrivatePostgres.h"

#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QUuid>

namespace PoolDesk::Test {

PrivatePostgres::PrivatePostgres() = default;

PrivatePostgres::~PrivatePostgres() {
    if (m_started)
        script(QStringLiteral("stop"));
}

bool PrivatePostgres::script(const QString &action) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(POOLDESK_PG_CLUSTER_SCRIPT), {action, QString::number(m_port)});
    if (!process.waitForFinished(120'000)) {
        process.kill();
        process.waitForFinished();
        m_error = QStringLiteral("pg-cluster.sh %1 did not finish in 120 s").arg(action);
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error =
            QStringLiteral("pg-cluster.sh %1: %2").arg(action, QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool PrivatePostgres::start() {
    // A port nobody listens on now (the suite's shared cluster has its own).
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        m_error = QStringLiteral("no free port");
        return false;
    }
    m_port = probe.serverPort();
    probe.close();
    m_started = script(QStringLiteral("start"));
    return m_started;
}

bool PrivatePostgres::pause() {
    return script(QStringLiteral("pause"));
}

bool PrivatePostgres::resume() {
    return script(QStringLiteral("resume"));
}

QString PrivatePostgres::freshDatabaseUrl() {
    const QString name =
        QStringLiteral("pooldesk_r_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(16));
    const QString connection = QStringLiteral("pooldesk-private-admin");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_port);
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(QStringLiteral("postgres"));
        if (!db.open())
            qFatal("cannot reach the private PostgreSQL cluster: %s", qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("CREATE DATABASE ") + name))
            qFatal("cannot create a database on the private cluster: %s",
                   qPrintable(query.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2").arg(m_port).arg(name);
}

} // namespace PoolDesk::Test
