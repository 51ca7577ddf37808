#include "FaultySqliteVfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace PoolDesk::Test {

namespace {

std::atomic<bool> g_unreadable{false};
std::atomic<bool> g_readOnlyFiles{false};
std::atomic<std::int64_t> g_writeBudget{-1}; // bytes still allowed; -1: unlimited
std::atomic<int> g_refusedWrites{0};
sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;

// Every file opened through the VFS: the real file right behind our methods.
struct FaultyFile {
    sqlite3_file base;
    sqlite3_file *real() { return reinterpret_cast<sqlite3_file *>(this + 1); }
};

FaultyFile *self(sqlite3_file *file) {
    return reinterpret_cast<FaultyFile *>(file);
}

bool down() {
    return g_unreadable.load(std::memory_order_relaxed);
}

int xClose(sqlite3_file *f) {
    return self(f)->real()->pMethods->xClose(self(f)->real());
}
int xRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset) {
    if (down())
        return SQLITE_IOERR_READ;
    return self(f)->real()->pMethods->xRead(self(f)->real(), buffer, amount, offset);
}
// Takes a write from the budget; false when it does not fit (the disk is full).
bool fits(int amount) {
    std::int64_t budget = g_writeBudget.load();
    do {
        if (budget < 0)
            return true;
        if (budget < amount) {
            ++g_refusedWrites;
            return false;
        }
    } while (!g_writeBudget.compare_exchange_weak(budget, budget - amount));
    return true;
}

int xWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset) {
    if (down())
        return SQLITE_IOERR_WRITE;
    if (!fits(amount))
        return SQLITE_FULL;
    return self(f)->real()->pMethods->xWrite(self(f)->real(), buffer, amount, offset);
}
int xTruncate(sqlite3_file *f, sqlite3_int64 size) {
    if (down())
        return SQLITE_IOERR_TRUNCATE;
    return self(f)->real()->pMethods->xTruncate(self(f)->real(), size);
}
int xSync(sqlite3_file *f, int flags) {
    if (down())
        return SQLITE_IOERR_FSYNC;
    return self(f)->real()->pMethods->xSync(self(f)->real(), flags);
}
int xFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    if (down())
        return SQLITE_IOERR_FSTAT;
    return self(f)->real()->pMethods->xFileSize(self(f)->real(), size);
}
int xLock(sqlite3_file *f, int level) {
    if (down())
        return SQLITE_IOERR_LOCK;
    return self(f)->real()->pMethods->xLock(self(f)->real(), level);
}
int xUnlock(sqlite3_file *f, int level) {
    return self(f)->real()->pMethods->xUnlock(self(f)->real(), level);
}
int xCheckReservedLock(sqlite3_file *f, int *out) {
    if (down())
        return SQLITE_IOERR_CHECKRESERVEDLOCK;
    return self(f)->real()->pMethods->xCheckReservedLock(self(f)->real(), out);
}
int xFileControl(sqlite3_file *f, int op, void *arg) {
    return self(f)->real()->pMethods->xFileControl(self(f)->real(), op, arg);
}
int xSectorSize(sqlite3_file *f) {
    return self(f)->real()->pMethods->xSectorSize(self(f)->real());
}
int xDeviceCharacteristics(sqlite3_file *f) {
    return self(f)->real()->pMethods->xDeviceCharacteristics(self(f)->real());
}
int xShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    if (down())
        return SQLITE_IOERR_SHMMAP;
    return self(f)->real()->pMethods->xShmMap(self(f)->real(), region, size, extend, out);
}
int xShmLock(sqlite3_file *f, int offset, int n, int flags) {
    // Unlocking must work, or SQLite cannot clean up after the failure.
    if (down() && (flags & SQLITE_SHM_LOCK))
        return SQLITE_IOERR_SHMLOCK;
    return self(f)->real()->pMethods->xShmLock(self(f)->real(), offset, n, flags);
}
void xShmBarrier(sqlite3_file *f) {
    self(f)->real()->pMethods->xShmBarrier(self(f)->real());
}
int xShmUnmap(sqlite3_file *f, int deleteFlag) {
    return self(f)->real()->pMethods->xShmUnmap(self(f)->real(), deleteFlag);
}

// Version 2: no memory-mapped I/O (xFetch), so every page read goes through xRead.
const sqlite3_io_methods g_methods = {
    2,
    xClose,
    xRead,
    xWrite,
    xTruncate,
    xSync,
    xFileSize,
    xLock,
    xUnlock,
    xCheckReservedLock,
    xFileControl,
    xSectorSize,
    xDeviceCharacteristics,
    xShmMap,
    xShmLock,
    xShmBarrier,
    xShmUnmap,
    nullptr,
    nullptr,
};

int xOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *file, int flags, int *outFlags) {
    if (down())
        return SQLITE_CANTOPEN;
    FaultyFile *faulty = self(file);
    // As the default VFS does when the file's mode refuses writing: open it for reading and say so.
    const bool readOnly =
        g_readOnlyFiles.load() && (flags & SQLITE_OPEN_MAIN_DB) && (flags & SQLITE_OPEN_READWRITE);
    if (readOnly)
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    const int rc = g_real->xOpen(g_real, name, faulty->real(), flags, outFlags);
    if (readOnly && rc == SQLITE_OK && outFlags)
        *outFlags = flags;
    // SQLite calls xClose only when pMethods is set: leave it null if the real open failed.
    faulty->base.pMethods = (rc == SQLITE_OK && faulty->real()->pMethods) ? &g_methods : nullptr;
    return rc;
}

int xDelete(sqlite3_vfs *, const char *name, int syncDir) {
    if (down())
        return SQLITE_IOERR_DELETE;
    return g_real->xDelete(g_real, name, syncDir);
}
int xAccess(sqlite3_vfs *, const char *name, int flags, int *out) {
    if (down())
        return SQLITE_IOERR_ACCESS;
    return g_real->xAccess(g_real, name, flags, out);
}
int xFullPathname(sqlite3_vfs *, const char *name, int size, char *out) {
    return g_real->xFullPathname(g_real, name, size, out);
}
void *xDlOpen(sqlite3_vfs *, const char *name) {
    return g_real->xDlOpen(g_real, name);
}
void xDlError(sqlite3_vfs *, int size, char *out) {
    g_real->xDlError(g_real, size, out);
}
void (*xDlSym(sqlite3_vfs *, void *handle, const char *symbol))(void) {
    return g_real->xDlSym(g_real, handle, symbol);
}
void xDlClose(sqlite3_vfs *, void *handle) {
    g_real->xDlClose(g_real, handle);
}
int xRandomness(sqlite3_vfs *, int size, char *out) {
    return g_real->xRandomness(g_real, size, out);
}
int xSleep(sqlite3_vfs *, int micros) {
    return g_real->xSleep(g_real, micros);
}
int xCurrentTime(sqlite3_vfs *, double *out) {
    return g_real->xCurrentTime(g_real, out);
}
int xGetLastError(sqlite3_vfs *, int size, char *out) {
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, size, out) : 0;
}
int xCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out) {
    return g_real->xCurrentTimeInt64(g_real, out);
}

} // namespace

void FaultySqliteVfs::install() {
    static std::once_flag once;
    std::call_once(once, [] {
        g_real = sqlite3_vfs_find(nullptr);
        std::memset(&g_vfs, 0, sizeof g_vfs);
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = int(sizeof(FaultyFile)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = "pooldesk-faulty";
        g_vfs.xOpen = xOpen;
        g_vfs.xDelete = xDelete;
        g_vfs.xAccess = xAccess;
        g_vfs.xFullPathname = xFullPathname;
        g_vfs.xDlOpen = xDlOpen;
        g_vfs.xDlError = xDlError;
        g_vfs.xDlSym = xDlSym;
        g_vfs.xDlClose = xDlClose;
        g_vfs.xRandomness = xRandomness;
        g_vfs.xSleep = xSleep;
        g_vfs.xCurrentTime = xCurrentTime;
        g_vfs.xGetLastError = xGetLastError;
        g_vfs.xCurrentTimeInt64 = xCurrentTimeInt64;
        sqlite3_vfs_register(&g_vfs, 1);
    });
}

void FaultySqliteVfs::setUnreadable(bool unreadable) {
    g_unreadable.store(unreadable);
}

bool FaultySqliteVfs::isUnreadable() {
    return g_unreadable.load();
}

void FaultySqliteVfs::setReadOnlyFiles(bool readOnly) {
    g_readOnlyFiles.store(readOnly);
}

void FaultySqliteVfs::setDiskFullAfter(std::int64_t bytes) {
    g_refusedWrites.store(0);
    g_writeBudget.store(bytes);
}

int FaultySqliteVfs::refusedWrites() {
    return g_refusedWrites.load();
}

void FaultySqliteVfs::reset() {
    setUnreadable(false);
    setReadOnlyFiles(false);
    setDiskFullAfter(-1);
}

} // namespace PoolDesk::Test
