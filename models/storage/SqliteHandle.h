#pragma once

struct sqlite3;

namespace PoolDesk {

class Database;

// The sqlite3 handle under a Database's Qt connection, for the few places that call SQLite's C API
// (long reads, batched inserts), or nullptr when that is not safe: not SQLite, or Qt's SQLite driver
// runs another copy of SQLite than the one PoolDesk links (Qt's own builds bundle one; distributions
// build Qt on the system library). Checked once per connection. Use it on the thread that owns the
// Database, like the connection itself.
sqlite3 *sqliteHandleOf(Database &db);

} // namespace PoolDesk
