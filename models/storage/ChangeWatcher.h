#pragma once

#include "storage/Database.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace PoolDesk {

class ReconnectingDatabase;

// Tells views that another connection (another console, pooldeskctl, the service) changed the
// pool, without re-reading tables on a timer. SQLite: PRAGMA data_version moves when another
// connection commits. PostgreSQL: writers NOTIFY the "pooldesk_changes" channel.
//
// It also notices when the database goes away (a PostgreSQL restart, an unreadable SQLite file):
// its own connection is asked on every tick, reopened with backoff while lost, and listens again
// once back.
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
    // The database cannot be reached (once per outage), and it can again (then changed() follows:
    // others may have written meanwhile).
    void connectionLost();
    void connectionRestored();

private:
    void poll();
    bool listen();

    std::unique_ptr<ReconnectingDatabase> m_own;
    QTimer m_timer;
    qint64 m_lastVersion = -1;
    bool m_listening = false;
};

} // namespace PoolDesk
