#pragma once

#include "domain/Result.h"

#include <QHash>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// A company's allocation rate (companies.allocations_per_second and allocation_burst), enforced in
// the database so every process and entry point (the service, pooldeskctl, the console, a backend
// calling the allocator directly) draws on one budget. The generic cell rate algorithm keeps one
// number per company: the time at which its budget is whole again. Admitting a request is one
// conditional UPDATE that advances it, so two processes can never both take the last allocation.
// A request is counted when it is admitted, whatever the allocation then answers.
class AllocationRate final {
public:
    explicit AllocationRate(Database &db);

    // std::nullopt when the company (by name) may allocate now, or has no rate; otherwise a
    // rate_limited refusal saying when to try again (Error::retryAfterSeconds).
    std::optional<Error> admit(const QString &company, qint64 nowMicros);

private:
    Status refreshIfStale(qint64 nowMicros);

    Database &m_db;
    // The companies with a rate, read again at most once a second, so a company without one
    // costs nothing and a new rate applies within a second.
    QHash<QString, qint64> m_limited; // company name -> id
    qint64 m_readAtMicros = -1;
};

} // namespace PoolDesk
