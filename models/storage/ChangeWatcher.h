#pragma once

#include "storage/Database.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace PoolDesk {

// Tells views that another connection (another console, pooldeskctl, the service) changed the
// pool, without re-reading tables on a timer. SQLite: PRAGMA data_version moves when another
// connection commits. PostgreSQL: writers NOTIFY the "pooldesk_changes" channel.
class ChangeWatcher final : public QObject {
    Q_OBJECT
public:
    // Opens its own connection to the same database so it sees other connections' commits.
    explicit ChangeWatcher(const Database &database, QObject *parent = nullptr);
    ~ChangeWatcher() override;

    void setInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    // For writers: tell PostgreSQL listeners. Harmless on SQLite. Call inside the transaction.
    static void notify(Database &database);

signals:
    void changed();

private:
    void poll();

    std::unique_ptr<Database> m_own;
    QTimer m_timer;
    qint64 m_lastVersion = -1;
};

} // namespace PoolDesk
