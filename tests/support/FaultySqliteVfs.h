#pragma once

#include <cstdint>

namespace PoolDesk::Test {

// A SQLite VFS that passes everything to the default one until told to fail:
// - unreadable: every read, write, sync, lock and open fails as an unplugged or unmounted disk
//   would (I/O error, cannot open);
// - read-only files: a database file opened from now on is opened read-only, as the default VFS
//   does by itself with a file of mode 0444 (it falls back when opening for writing is refused),
//   so SQLite answers SQLITE_READONLY to writes;
// - disk full: writes beyond a budget of bytes fail with SQLITE_FULL, as the default VFS answers
//   ENOSPC (setDiskFullAfter(0): every write fails).
// Installed as the default VFS, so the Qt SQLite driver of this process uses it without knowing.
// This is how a test makes a database file unreadable, read-only or full while root, who can
// read and write any file whatever its mode.
class FaultySqliteVfs {
public:
    static void install(); // once per process; idempotent
    static void setUnreadable(bool unreadable);
    static bool isUnreadable();
    static void setReadOnlyFiles(bool readOnly);
    // Writes fail with SQLITE_FULL once this many more bytes have been written; -1: never.
    static void setDiskFullAfter(std::int64_t bytes);
    static void setDiskFull(bool full) { setDiskFullAfter(full ? 0 : -1); }
    // How many writes were refused as disk full since the budget was last set.
    static int refusedWrites();
    // Back to passing everything through.
    static void reset();
};

} // namespace PoolDesk::Test
