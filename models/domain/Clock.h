#pragma once

#include <QDateTime>

namespace PoolDesk::Clock {

// Current UTC time. Tests may shift it to exercise lease expiry and month boundaries without
// sleeping; production code never calls setOffsetForTesting.
QDateTime nowUtc();
qint64 nowSecs();
void setOffsetForTesting(qint64 seconds);

// First instant of the UTC month containing `at`, and of the next month.
QDateTime monthStartUtc(const QDateTime &at);
QDateTime nextMonthStartUtc(const QDateTime &at);

inline QDateTime fromSecs(qint64 secs) {
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

} // namespace PoolDesk::Clock
