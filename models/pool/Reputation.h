#pragma once

#include "domain/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace PoolDesk {

class Database;

// A number's health, from its own outbound calls over the last WindowDays: how many were
// answered (completed and at least 6 seconds long), beside its peers (the numbers of the same
// holder, company or shared pool, in the same area code; the environment's numbers when those
// have too few calls).
struct NumberHealth {
    enum class State { Good, Watch, Resting };

    qint64 numberId = 0;
    QString e164;
    std::optional<qint64> companyId; // dedicated to; none: shared
    QString areaCode;
    qint64 calls = 0;      // outbound calls whose end is known
    qint64 answered = 0;   // completed, 6 seconds or longer
    qint64 shortCalls = 0; // completed under 6 seconds: hung up at once, or a machine
    qint64 blocked = 0;    // SIP 603 (declined), 607 (unwanted), 608 (rejected): carriers' spam labels
    // The answer rate estimated with a Beta-Binomial prior at the peers' rate worth PriorCalls
    // calls, so a number with few calls sits near its peers rather than at 0 % or 100 %.
    double answerRate = 0;
    double peerRate = 0;
    // How many standard errors its raw rate lies below (negative) or above its peers'.
    double zScore = 0;
    State state = State::Good;
    std::optional<QDateTime> restingUntil;
    QString restReason;
    qint64 callsToday = 0;
    bool watchStored = false; // what the allocator last heard (phone_numbers.health_watch)

    QJsonObject figures() const; // what an automatic rest is audited with
};

namespace Reputation {
constexpr int WindowDays = 14;
constexpr double PriorCalls = 20;
// Watch: at least WatchCalls calls and WatchZ standard errors below peers, or any blocked call.
constexpr int WatchCalls = 10;
constexpr double WatchZ = -2.0;
// Rested automatically: at least RestCalls calls and RestZ below peers, or RestBlocked blocked calls.
constexpr int RestCalls = 30;
constexpr double RestZ = -3.0;
constexpr int RestBlocked = 3;

// Twilio's final call statuses, which releases may carry as their outcome.
const QStringList &outcomes();
bool isOutcome(const QString &status);

QString stateName(NumberHealth::State state); // good, watch, resting (stable: JSON and CSV)
QString stateText(NumberHealth::State state); // translated

// The health of every number of the environment (or of the one number), by E.164.
Result<QList<NumberHealth>> health(Database &db, const QString &environment, const QString &e164 = {});
// Rests, for the policy's rest_days, each number significantly worse than its peers that is not
// resting already; each rest is audited as policy:reputation with its figures. Then tells the
// allocator which numbers it watches (it prefers good ones among equals). Returns those rested.
Result<QList<NumberHealth>> review(Database &db, const QString &environment);
// review() in two halves: health() only reads (a writer need not wait for it); act() on what it
// read rests and flags, and is the half to run while holding a writers' gate.
Result<QList<NumberHealth>> act(Database &db, const QString &environment, const QList<NumberHealth> &all);
} // namespace Reputation

} // namespace PoolDesk
