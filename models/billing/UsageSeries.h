#pragma once

#include "domain/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// Data series for the Usage view's charts, computed from the call history on the calling thread
// (run them on a worker: a month of a busy pool is millions of calls). Times are UTC seconds;
// hours and days are UTC buckets (the chart converts the axis to local time).
namespace UsageSeries {

struct HourPoint {
    qint64 hourStart = 0;
    int peakConcurrent = 0;       // most calls in progress at once during the hour
    double averageConcurrent = 0; // call time in the hour / 3600
    int minAvailable = 0;         // shared numbers free at the busiest moment (availability series)
};

struct ConcurrencySeries {
    QList<HourPoint> hours; // every hour of [from, to), including quiet ones
    int sharedNumbers = 0;  // for availability: the environment's shared numbers now
    int threshold = 0;      // the pool's minimum available setting
    int peak = 0;
    qint64 peakAt = 0;
};

// Concurrent calls per hour over [from, to), from the calls' start and end times. sharedOnly
// counts calls on shared numbers only (availability is then shared numbers minus the peak).
Result<ConcurrencySeries> concurrency(Database &db, qint64 fromSecs, qint64 toSecs,
                                      const QString &environment, bool sharedOnly = false);

struct DayCompanyPoint {
    qint64 dayStart = 0;
    std::optional<qint64> companyId;
    QString companyName;
    qint64 calls = 0;
    qint64 billedMinutes = 0;
};
// Calls and billed minutes per day (in the billing zone) and company (stack them by company).
Result<QList<DayCompanyPoint>> perDayByCompany(Database &db, qint64 fromSecs, qint64 toSecs,
                                               const QString &environment = {});

struct NumberUtilization {
    qint64 numberId = 0;
    QString e164;
    bool shared = true;
    qint64 calls = 0;
    qint64 busySeconds = 0;
    double utilization = 0; // busy time / the period
};
// Every number of the environment, busiest first.
Result<QList<NumberUtilization>> perNumber(Database &db, qint64 fromSecs, qint64 toSecs,
                                           const QString &environment = {});

} // namespace UsageSeries
} // namespace PoolDesk
