#pragma once

#include "storage/DatabaseUrl.h"

#include <QObject>
#include <QThread>

#include <memory>

class QRecursiveMutex;

namespace PoolDesk {

class Database;

// Copies a SQLite database's write-ahead log back into the database file from a thread of its
// own, on its own connection. SQLite otherwise does this inside whichever commit crosses its
// threshold, and that commit (with every request waiting behind it) stalls for tens of
// milliseconds while the log is flushed to disk. A busy writer such as the pool service hands the
// work here instead (see Database::deferCheckpoints).
//
// Every interval a passive checkpoint copies what the log holds, alongside the writers. The log
// starts over only at a commit that finds it wholly copied, which never happens while writers go
// on; so once it passes restartFrames, the checkpointer copies the rest while briefly holding the
// writers' gate (the in-process lock they take turns on). That pause includes two disk flushes,
// which is why it happens only every restartFrames frames (4 KiB each).
class WalCheckpointer final : public QObject {
    Q_OBJECT
public:
    WalCheckpointer(DatabaseUrl url, QRecursiveMutex *writersGate, int intervalMs = 100,
                    int restartFrames = 50000, QObject *parent = nullptr);
    ~WalCheckpointer() override;
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    void start();
    void stop();

private:
    class Worker;
    DatabaseUrl m_url;
    QRecursiveMutex *m_writersGate;
    int m_intervalMs;
    int m_restartFrames;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives in m_thread; deleted when it finishes
};

} // namespace PoolDesk
