#include "storage/ChangeWatcher.h"

#include "storage/SqlHelpers.h"

#include <QSqlDriver>
#include <QSqlQuery>

namespace PoolDesk {

static const QString Channel = QStringLiteral("pooldesk_changes");

ChangeWatcher::ChangeWatcher(const Database &database, QObject *parent)
    : QObject(parent) {
    auto own = database.openAnother();
    if (own)
        m_own = std::move(own).value();
    m_timer.setInterval(750);
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::poll);
    if (!m_own)
        return;
    if (m_own->isPostgreSql()) {
        QSqlDriver *driver = m_own->connection().driver();
        if (driver->subscribeToNotification(Channel)) {
            connect(driver, &QSqlDriver::notification, this, [this](const QString &name) {
                if (name == Channel)
                    emit changed();
            });
            return;
        }
    }
    poll();
    m_timer.start();
}

ChangeWatcher::~ChangeWatcher() {
    if (m_own && m_own->isPostgreSql())
        m_own->connection().driver()->unsubscribeFromNotification(Channel);
}

void ChangeWatcher::poll() {
    auto query = Sql::exec(m_own->connection(), QStringLiteral("PRAGMA data_version"));
    if (!query || !query.value().next())
        return;
    const qint64 version = query.value().value(0).toLongLong();
    if (m_lastVersion >= 0 && version != m_lastVersion)
        emit changed();
    m_lastVersion = version;
}

void ChangeWatcher::notify(Database &database) {
    if (database.isPostgreSql())
        Sql::exec(database.connection(), QStringLiteral("SELECT pg_notify('pooldesk_changes', '')"));
}

} // namespace PoolDesk
