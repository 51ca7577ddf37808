#pragma once

namespace PoolDesk::Test {

// A SQLite VFS that passes everything to the default one until told that the disk is gone: then
// every read, write, sync, lock and open fails as an unplugged or unmounted disk would (I/O error,
// cannot open). Installed as the default VFS, so the Qt SQLite driver of this process uses it
// without knowing. This is how a test makes a database file unreadable while root, who can read
// any file whatever its mode.
class FaultySqliteVfs {
public:
    static void install(); // once per process; idempotent
    static void setUnreadable(bool unreadable);
    static bool isUnreadable();
};

} // namespace PoolDesk::Test
