#pragma once

#include "domain/Result.h"

#include <QList>
#include <QString>

namespace PoolDesk {

class Database;

// A company's share of the pool now. "Held" is the word for a number a company has: reserved
// (allocated, its call not confirmed yet) or in use (on a call Twilio or the caller confirmed).
struct CompanyHolding {
    QString company;
    int held = 0;      // numbers the company holds (reserved + in use)
    int dedicated = 0; // numbers dedicated to the company
};

struct PoolSnapshot {
    QString environment;
    int total = 0;
    int available = 0;
    int reserved = 0;
    int inUse = 0;
    int shared = 0;
    int dedicated = 0;
    int availableShared = 0;
    int threshold = 0; // the pool's minimum available shared numbers
    bool belowThreshold = false;
    int perNumberConcurrency = 1;
    QList<CompanyHolding> companies;
};

namespace PoolStatus {
Result<PoolSnapshot> snapshot(Database &db, const QString &environment);
}

} // namespace PoolDesk
