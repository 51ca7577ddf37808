#pragma once

// Shared set-up of the console's GUI tests: isolated user settings, a fresh database per engine,
// the demo workspace, and waiting for the asynchronous models without timed assertions.

#include "TestDatabases.h"
#include "Workspace.h"
#include "common/Icons.h"
#include "common/MessageBox.h"
#include "common/TaskRunner.h"
#include "pool/DemoWorkspace.h"
#include "storage/Database.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include <memory>

namespace PoolDesk::Test {

// Call from initTestCase(): user settings go to a private folder, questions nobody answered are
// rejected instead of blocking, and the widgets' resources are registered.
inline void initUiTests() {
    static QTemporaryDir settingsDir;
    QCoreApplication::setOrganizationName(QStringLiteral("PoolDeskTests"));
    QCoreApplication::setApplicationName(QStringLiteral("PoolDeskUiTests"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    Ui::MessageBox::setNonInteractive(true);
    Ui::initResources();
}

// A migrated, empty database on the engine; aborts the test on failure.
inline std::unique_ptr<Database> openFresh(const QString &engine) {
    auto opened = Database::open(freshDatabaseUrl(engine));
    if (!opened)
        qFatal("Cannot open a fresh %s database: %s", qUtf8Printable(engine),
               qUtf8Printable(opened.error().message));
    return std::move(opened).value();
}

// The same database with the demo workspace (a short history keeps the tests quick).
inline std::unique_ptr<Database> openDemo(const QString &engine, int days = 14) {
    auto db = openFresh(engine);
    auto created = DemoWorkspace::create(*db, Actor::system(QStringLiteral("test")), days);
    if (!created)
        qFatal("Cannot create the demo workspace: %s", qUtf8Printable(created.error().message));
    return db;
}

inline std::unique_ptr<Ui::Workspace> workspaceFor(std::unique_ptr<Database> db) {
    auto workspace = std::make_unique<Ui::Workspace>(std::move(db), QStringLiteral("production"));
    workspace->setActor(Actor{QStringLiteral("user:uitest")});
    workspace->setWatchInterval(100);
    return workspace;
}

// For looking at: POOLDESK_ROLE_SCREENSHOTS=DIR saves the window under NAME.png.
inline void keepScreenshot(QWidget *window, const QString &name) {
    const QString dir = qEnvironmentVariable("POOLDESK_ROLE_SCREENSHOTS");
    if (!dir.isEmpty())
        window->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

} // namespace PoolDesk::Test
