#include "Workspace.h"

#include "common/TaskRunner.h"
#include "domain/Types.h"
#include "storage/ChangeWatcher.h"

namespace PoolDesk::Ui {

Workspace::Workspace(std::unique_ptr<Database> database, QString environment, QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
    , m_actor(Actor::currentUser())
    , m_environment(environment.isEmpty() ? DevelopmentEnvironment : std::move(environment)) {
    m_tasks = std::make_unique<TaskRunner>(m_database->url());
    m_watcher = new ChangeWatcher(*m_database, this);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(150);
    connect(&m_coalesce, &QTimer::timeout, this, &Workspace::dataChanged);
    connect(m_watcher, &ChangeWatcher::changed, this, [this] {
        if (!m_coalesce.isActive())
            m_coalesce.start();
    });
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
