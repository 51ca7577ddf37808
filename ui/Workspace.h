#pragma once

#include "domain/Result.h"
#include "security/Identity.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace PoolDesk {
class ChangeWatcher;
class ReconnectingDatabase;
} // namespace PoolDesk

namespace PoolDesk::Ui {

class TaskRunner;

// What every view of one console window shares: the database connection of the GUI thread, the
// worker-thread runner, the live-refresh watcher, who is acting (for the audit log) and which
// Twilio environment the console is looking at.
class Workspace final : public QObject {
    Q_OBJECT
public:
    explicit Workspace(std::unique_ptr<Database> database, QString environment, QObject *parent = nullptr);
    ~Workspace() override;

    Database &database();
    const DatabaseUrl &url() const;
    // False from the moment the database is found unreachable until the connections are back.
    bool isDatabaseReachable() const { return m_reachable; }
    TaskRunner &tasks() { return *m_tasks; }
    const Actor &actor() const { return m_actor; }
    // Who the database says this console is, asked once (a connection keeps its login); an
    // error for a login that is no PoolDesk user.
    const Result<Principal> &principal() const { return m_principal; }
    // Whether the signed-in role may do this now; false for a login that is no user, and false for
    // every change while the database takes no writes (see isWritable).
    bool allows(Permission permission) const {
        return roleAllows(permission) && (isWritable() || !changesData(permission));
    }
    // Whether the role may do this at all, writable or not: what the console offers (greyed out
    // while read-only) rather than hides.
    bool roleAllows(Permission permission) const {
        return m_principal && PoolDesk::allows(m_principal.value(), permission);
    }

    // False while the database takes no writes: opened read-only (a read-only file, folder or
    // mount; a read-only PostgreSQL database), or since a change met a full disk or a database
    // that became read-only. Views stay readable; writeRefusal() says why, naming the database.
    bool isWritable() const { return !m_writeRefusal.has_value(); }
    const std::optional<Error> &writeRefusal() const { return m_writeRefusal; }
    // "Try again": opens this console's connection again and asks the database whether it takes a
    // write now (after space was freed or the file made writable). Writable again on success;
    // otherwise the refusal, whose message may have changed (a full disk now read-only, say).
    Status retryWrites();
    void setActor(const Actor &actor) { m_actor = actor; }

    // The environment actions apply to (numbers added, pool status shown). "" never: defaults to
    // development.
    QString environment() const { return m_environment; }
    void setEnvironment(const QString &environment);

    // This console changed something: refresh the views now rather than at the next poll.
    void notifyChanged();
    // Live refresh polling interval (tests use a short one).
    void setWatchInterval(int milliseconds);

signals:
    void environmentChanged(const QString &environment);
    // Something in the database changed (here or in another process); coalesced.
    void dataChanged();
    // The database went away (a server restart, an unreadable file) or came back; after coming
    // back, dataChanged() follows.
    void databaseReachableChanged(bool reachable);
    // The database stopped or started taking writes (isWritable, writeRefusal).
    void writableChanged(bool writable);
    // The workspace's billing zone changed (DisplayZone holds the new one); dataChanged() follows.
    void billingZoneChanged();

private:
    void databaseLost();
    void databaseBack();
    void writesRefused(const Error &refusal);

    std::unique_ptr<ReconnectingDatabase> m_database;
    bool m_reachable = true;
    std::optional<Error> m_writeRefusal;
    std::unique_ptr<TaskRunner> m_tasks;
    ChangeWatcher *m_watcher = nullptr;
    Actor m_actor;
    Result<Principal> m_principal;
    QString m_environment;
    QTimer m_coalesce;
};

} // namespace PoolDesk::Ui
