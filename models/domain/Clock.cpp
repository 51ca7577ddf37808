#include "domain/Clock.h"

#include <atomic>

namespace PoolDesk::Clock {

static std::atomic<qint64> s_offsetSeconds{0};

QDateTime nowUtc() {
    return QDateTime::currentDateTimeUtc().addSecs(s_offsetSeconds.load());
}

qint64 nowSecs() {
    return QDateTime::currentSecsSinceEpoch() + s_offsetSeconds.load();
}

void setOffsetForTesting(qint64 seconds) {
    s_offsetSeconds.store(seconds);
}

QDateTime monthStartUtc(const QDateTime &at) {
    const QDate d = at.toUTC().date();
    return QDateTime(QDate(d.year(), d.month(), 1), QTime(0, 0), Qt::UTC);
}

QDateTime nextMonthStartUtc(const QDateTime &at) {
    return monthStartUtc(at).addMonths(1);
}

} // namespace PoolDesk::Clock
