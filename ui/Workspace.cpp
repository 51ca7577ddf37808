#include "Workspace.h"

#include "common/TaskRunner.h"
#include "domain/Types.h"
#include "storage/ChangeWatcher.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

namespace PoolDesk::Ui {

Workspace::Workspace(std::unique_ptr<Database> database, QString environment, QObject *parent)
    : QObject(parent)
    , m_database(std::make_unique<ReconnectingDatabase>(std::move(database)))
    , m_actor(Actor::currentUser())
    , m_principal(Identity::whoAmI(m_database->database()))
    , m_environment(environment.isEmpty() ? DevelopmentEnvironment : std::move(environment)) {
    DisplayZone::set(Settings::billingZone(m_database->database()));
    if (m_database->database().isReadOnly())
        m_writeRefusal =
            Sql::readOnlyError(m_database->database().location(), m_database->database().isPostgreSql());
    // A write refused on any of this console's connections (background jobs have their own): the
    // whole console turns read-only at once, rather than each action failing in turn.
    connect(&Sql::WriteRefusals::instance(), &Sql::WriteRefusals::refused, this,
            [this](const QString &location, const QString &reason, const QString &message) {
                if (location == m_database->database().location())
                    writesRefused(makeError(Error::Code::Unavailable, message, reason));
            });
    m_tasks = std::make_unique<TaskRunner>(m_database->url());
    m_watcher = new ChangeWatcher(m_database->database(), this);
    connect(m_watcher, &ChangeWatcher::connectionLost, this, &Workspace::databaseLost);
    connect(m_watcher, &ChangeWatcher::connectionRestored, this, &Workspace::databaseBack);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(150);
    connect(&m_coalesce, &QTimer::timeout, this, [this] {
        m_database->tryReopen(); // in case the first attempt after an outage came too early
        // An administrator may have changed the billing zone, here or elsewhere.
        if (const BillingZone zone = Settings::billingZone(m_database->database());
            !(zone == DisplayZone::current())) {
            DisplayZone::set(zone);
            emit billingZoneChanged();
        }
        emit dataChanged();
    });
    connect(m_watcher, &ChangeWatcher::changed, this, [this] {
        if (!m_coalesce.isActive())
            m_coalesce.start();
    });
}

Database &Workspace::database() {
    return m_database->database();
}

const DatabaseUrl &Workspace::url() const {
    return m_database->url();
}

void Workspace::databaseLost() {
    m_reachable = false;
    emit databaseReachableChanged(false);
}

void Workspace::databaseBack() {
    // The watcher's connection came back after an outage, which usually ended every connection:
    // open this thread's again too, before the views read through it. (Workers open their own.)
    m_database->markLost();
    m_database->tryReopen();
    m_reachable = true;
    emit databaseReachableChanged(true);
}

void Workspace::writesRefused(const Error &refusal) {
    const bool changed = !m_writeRefusal || m_writeRefusal->message != refusal.message;
    m_writeRefusal = refusal;
    if (changed)
        emit writableChanged(false);
}

Status Workspace::retryWrites() {
    // A connection opened read-only stays so until it is opened again.
    m_database->reopenIfReadOnly(ReconnectingDatabase::Recheck::Now);
    if (!m_database->tryReopen())
        return Sql::unavailableError();
    const Status probed = m_database->database().probeWritable();
    if (!probed) {
        if (Sql::isWriteRefused(probed.error()))
            writesRefused(probed.error());
        return probed;
    }
    if (m_writeRefusal) {
        m_writeRefusal.reset();
        emit writableChanged(true);
        notifyChanged();
    }
    return success();
}

Workspace::~Workspace() {
    // Jobs hold their own connections; stop them before the GUI connection goes.
    m_tasks.reset();
}

void Workspace::setEnvironment(const QString &environment) {
    if (environment.isEmpty() || environment == m_environment)
        return;
    m_environment = environment;
    emit environmentChanged(m_environment);
}

void Workspace::notifyChanged() {
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void Workspace::setWatchInterval(int milliseconds) {
    m_watcher->setInterval(milliseconds);
}

} // namespace PoolDesk::Ui
