#pragma once

#include "domain/Result.h"
#include "pool/Reputation.h"

#include <QList>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// The Usage view's answer rate by number over time: for each day (or week, over long periods) of
// the billing zone, the share of a number's outbound calls that were answered, by the rule a
// number's health uses (AnswerRule). Only the numbers worth a line: the busiest few of the period
// and any whose health is watch or resting now, with the whole pool's rate beside them.
//
// Reads call_records on the caller's connection, so a manager on PostgreSQL counts only their own
// companies' calls (row-level security), the pool line included. Run it on a worker thread.
namespace AnswerRates {

constexpr int TopNumbers = 5; // the numbers with the most calls in the period
constexpr int MaxFlagged = 5; // and at most this many more on watch or resting
// A bucket with fewer calls is a gap: 1 of 2 answered is no 50 % to draw a line through.
constexpr int MinCalls = 5;
// Longer periods are counted in weeks, so a line has a dozen points rather than ninety.
constexpr int DailyUpToDays = 31;

enum class Bucketing { Day, Week }; // weeks begin on Monday

// [start, end) in UTC seconds: a day or week of the billing zone, cut to the period.
struct Span {
    qint64 start = 0;
    qint64 end = 0;
};

struct Bucket {
    qint64 calls = 0; // judged by the rule: their end is known
    qint64 answered = 0;
    std::optional<double> rate; // answered / calls, 0..1; none below MinCalls (a gap)
};

struct Line {
    std::optional<qint64> numberId; // none for the pool, and for a number since removed
    QString e164;                   // empty for the pool
    NumberHealth::State state = NumberHealth::State::Good;
    qint64 calls = 0; // over the whole period
    qint64 answered = 0;
    QList<Bucket> buckets; // one per Series::spans, in order
    bool isPool() const { return e164.isEmpty(); }
};

struct Series {
    qint64 fromSecs = 0;
    qint64 toSecs = 0;
    QString zoneId; // the billing zone the days are counted in
    Bucketing bucketing = Bucketing::Day;
    QList<Span> spans;
    // Outbound calls in the period with an outcome Twilio reported. None: the rates would count
    // only calls long enough to have been answered, so they say nothing.
    qint64 withOutcome = 0;
    int numbersWithCalls = 0; // of which `numbers` shows a few
    Line pool;                // every outbound call of the environment the reader may see
    QList<Line> numbers;      // the busiest first, then those on watch or resting (resting first)
};

// [from, to) of the environment, in the workspace's billing zone.
Result<Series> byNumber(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment);

} // namespace AnswerRates
} // namespace PoolDesk
