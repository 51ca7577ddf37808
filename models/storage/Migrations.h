#pragma once

#include "domain/Result.h"

namespace PoolDesk {

class Database;

// Numbered schema migrations, the same for SQLite and PostgreSQL. Applied at start-up inside one
// write transaction (and, on PostgreSQL, an advisory lock) so two processes starting together do
// not both migrate.
namespace Migrations {
int latestVersion();
int currentVersion(Database &db);
Status apply(Database &db);
} // namespace Migrations

} // namespace PoolDesk
