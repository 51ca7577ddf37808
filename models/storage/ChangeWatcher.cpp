#include "storage/ChangeWatcher.h"

#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"

#include <QSqlDriver>
#include <QSqlQuery>

namespace PoolDesk {

static const QString Channel = QStringLiteral("pooldesk_changes");

ChangeWatcher::ChangeWatcher(const Database &database, QObject *parent)
    : QObject(parent) {
    auto own = database.openAnother();
    m_timer.setInterval(750);
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::poll);
    if (!own)
        return;
    m_own = std::make_unique<ReconnectingDatabase>(std::move(own).value());
    if (m_own->database().isPostgreSql())
        m_listening = listen();
    poll();
    m_timer.start();
}

ChangeWatcher::~ChangeWatcher() {
    if (m_listening && m_own && !m_own->isLost())
        m_own->database().connection().driver()->unsubscribeFromNotification(Channel);
}

bool ChangeWatcher::listen() {
    // A reconnected database has a new driver object.
    QSqlDriver *driver = m_own->database().connection().driver();
    connect(driver, &QSqlDriver::notification, this, [this](const QString &name) {
        if (name == Channel)
            emit changed();
    });
    return driver->subscribeToNotification(Channel);
}

void ChangeWatcher::poll() {
    if (!m_own)
        return;
    if (m_own->isLost()) {
        if (!m_own->tryReopen())
            return;
        if (m_own->database().isPostgreSql())
            m_listening = listen();
        m_lastVersion = -1;
        emit connectionRestored();
        emit changed();
        return;
    }
    // PostgreSQL tells about changes by itself; asking it is only to notice that it went away.
    const bool sqlite = m_own->database().isSqlite();
    auto query = Sql::exec(m_own->database().connection(),
                           sqlite ? QStringLiteral("PRAGMA data_version") : QStringLiteral("SELECT 1"));
    if (!query) {
        if (m_own->noteFailure(query.error()))
            emit connectionLost();
        return;
    }
    if (!sqlite || !query.value().next())
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
