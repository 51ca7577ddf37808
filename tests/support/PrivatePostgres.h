#pragma once

#include <QString>

namespace PoolDesk::Test {

// A PostgreSQL cluster of the test's own (pg-cluster.sh on a free port), for tests that stop and
// start the server, which the suite's shared cluster must never do. Stopped and wiped when
// destroyed.
class PrivatePostgres {
public:
    PrivatePostgres();
    ~PrivatePostgres();
    PrivatePostgres(const PrivatePostgres &) = delete;
    PrivatePostgres &operator=(const PrivatePostgres &) = delete;

    // Starts the cluster; false (with the script's output in error()) when it could not.
    bool start();
    // A new database on it.
    QString freshDatabaseUrl();
    // A fast shutdown that keeps the data (sessions end with SQLSTATE 57P01), and the start after.
    bool pause();
    bool resume();
    QString error() const { return m_error; }

private:
    bool script(const QString &action);
    quint16 m_port = 0;
    bool m_started = false;
    QString m_error;
};

} // namespace PoolDesk::Test
