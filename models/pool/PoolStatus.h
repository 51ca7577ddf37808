#pragma once

#include "domain/Result.h"

#include <QList>
#include <QString>

namespace PoolDesk {

class Database;

struct CompanyInUse {
    QString company;
    int inUse = 0;     // numbers held (reserved or in use) by the company
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
    QList<CompanyInUse> companies;
};

namespace PoolStatus {
Result<PoolSnapshot> snapshot(Database &db, const QString &environment);
}

} // namespace PoolDesk
