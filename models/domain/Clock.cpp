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

} // namespace PoolDesk::Clock
