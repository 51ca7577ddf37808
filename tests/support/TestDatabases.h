#pragma once

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <memory>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Test {

// The engines a storage test runs on: always "sqlite"; "postgresql" when the CTest fixture
// provides POOLDESK_TEST_PG_URL. When POOLDESK_REQUIRE_PG is set and the server is missing,
// the test fails rather than silently testing one engine.
QStringList engines();

// Adds an "engine" column and one row per engine, for a test's _data() function.
void addEngineRows();

// A new, empty database for the engine: a file in a private temporary folder for SQLite, a
// freshly created database on the test cluster for PostgreSQL. Migrations are not applied.
QString freshDatabaseUrl(const QString &engine);

// freshDatabaseUrl() opened, with the migrations applied; the test stops if it cannot be opened.
std::unique_ptr<Database> freshDatabase(const QString &engine);

// One integer from a query; -1 when it fails (so a broken query never looks like "0 rows").
qint64 scalar(Database &db, const QString &sql, const QVariantList &bindings = {});

} // namespace PoolDesk::Test
