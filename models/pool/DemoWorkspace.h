#pragma once

#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <functional>

namespace PoolDesk {

class Database;

struct DemoSummary {
    int companies = 0;
    int numbers = 0;
    qint64 calls = 0;
    // "Demo workspace created: 8 companies, 22 numbers, 33,285 calls.", translated.
    QString text() const;
};

// A realistic, deterministic demo: companies of each plan, dedicated and shared numbers in both
// environments, and 90 days of calls ending today, with usage counters that match the calls.
// Refuses to run on a database that already has companies, so it never mixes with real data.
namespace DemoWorkspace {
Result<DemoSummary> create(Database &db, const Actor &actor, int days = 90,
                           const std::function<bool(int percent)> &progress = {});
}

} // namespace PoolDesk
