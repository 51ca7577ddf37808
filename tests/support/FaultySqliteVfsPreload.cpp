// FaultySqliteVfs for another program: loaded with LD_PRELOAD into pooldeskctl (or any program on
// the system's SQLite), it installs the VFS before main() and reads what to fail from the
// environment: POOLDESK_TEST_VFS_DISK_FULL_AFTER=BYTES (writes beyond fail with SQLITE_FULL),
// POOLDESK_TEST_VFS_READ_ONLY=1 (database files open read-only). Tests only.
#include "FaultySqliteVfs.h"

#include <cstdlib>
#include <cstring>

namespace {

struct InstallAtLoad {
    InstallAtLoad() {
        using PoolDesk::Test::FaultySqliteVfs;
        FaultySqliteVfs::install();
        if (const char *bytes = std::getenv("POOLDESK_TEST_VFS_DISK_FULL_AFTER"); bytes && *bytes)
            FaultySqliteVfs::setDiskFullAfter(std::strtoll(bytes, nullptr, 10));
        if (const char *readOnly = std::getenv("POOLDESK_TEST_VFS_READ_ONLY");
            readOnly && std::strcmp(readOnly, "1") == 0)
            FaultySqliteVfs::setReadOnlyFiles(true);
    }
};

const InstallAtLoad installed;

} // namespace
