#include "Workspace.h"

#include "common/TaskRunner.h"
#include "domain/Types.h"
#include "storage/ChangeWatcher.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/Settings.h"

namespace PoolDesk::Ui {

Workspace::Workspace(std::unique_ptr<Database> database, QString environment, QObject *parent)
    : QObject(parent)
    , m_database(std::make_unique<ReconnectingDatabase>(std::move(database)))
    , m_actor(Actor::currentUser())
    , m_principal(Identity::whoAmI(m_database->database()))
    , m_environment(environment.isEmpty() ? DevelopmentEnvironment : std::move(environment)) {
    DisplayZone::set(Settings::billingZone(m_database->database()));
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
