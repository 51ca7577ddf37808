#pragma once

#include <QDateTime>

namespace PoolDesk::Clock {

// Current UTC time. Tests may shift it to exercise lease expiry and month boundaries without
// sleeping; production code never calls setOffsetForTesting.
QDateTime nowUtc();
qint64 nowSecs();
void setOffsetForTesting(qint64 seconds);

inline QDateTime fromSecs(qint64 secs) {
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

} // namespace PoolDesk::Clock
