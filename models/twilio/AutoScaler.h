#pragma once

#include "domain/Money.h"
#include "domain/Result.h"
#include "twilio/Operation.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Twilio {

// The auto-scaling policy, read from the pool settings (pooldeskctl settings / the console).
struct ScalingPolicy {
    int minAvailable = 2;        // pool.min_available_threshold: buy when fewer shared numbers are free
    int maxPoolSize = 0;         // pool.max_pool_size: never more numbers than this (0: no limit)
    Micros monthlyBudgetCap = 0; // pool.monthly_budget_cap_micros: rental of all numbers (0: no cap)
    int idleReleaseDays = 30;    // pool.idle_release_days
    bool releaseIdle = false;    // twilio.autoscale.release_idle: release (true) or only propose (false)
    int releaseWindowDays = 3;   // release this many days before the number's monthly billing day
    QString country = QStringLiteral("US");

    static ScalingPolicy load(Database &db);
    // Setting keys this module adds beside the pool's own.
    static QString releaseIdleKey() { return QStringLiteral("twilio.autoscale.release_idle"); }
    static QString releaseWindowKey() { return QStringLiteral("twilio.autoscale.release_window_days"); }
};

struct IdleNumber {
    QString e164;
    QDateTime lastUsed;      // invalid: never used
    QDateTime nextBillingAt; // the number's next monthly charge (the day of the month it was bought)
    bool due = false;        // inside the release window now
};

struct ScalingPlan {
    QString environment;
    int total = 0;
    int availableShared = 0;
    Micros monthlyRental = 0;
    int toBuy = 0;
    QStringList limits; // why fewer (or none) are bought: max pool size, budget cap (translated)
    QList<IdleNumber> idle;
};

namespace AutoScaler {
// What the policy wants now; changes nothing.
Result<ScalingPlan> plan(Database &db, const QString &environment, const ScalingPolicy &policy,
                         const QDateTime &now);
// How many numbers the policy allows buying now (max pool size and budget cap), at most `wanted`.
Result<int> allowedPurchases(Database &db, const QString &environment, const ScalingPolicy &policy,
                             int wanted, QStringList *limits = nullptr);
} // namespace AutoScaler

// Carries out a plan: buys numbers (search, then buy the first candidate, the next one when taken),
// releases idle numbers that are due (or records them as proposals when the policy only proposes).
// Every purchase and release is audited with the actor that triggered it (policy:autoscale).
class AutoScaleOperation final : public Operation {
    Q_OBJECT
public:
    AutoScaleOperation(OperationContext context, ScalingPlan plan, ScalingPolicy policy,
                       QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_plan(std::move(plan))
        , m_policy(std::move(policy)) {}

    // Why purchases happen, for the audit log (default: the threshold rule).
    void setTrigger(const QString &trigger) { m_trigger = trigger; }
    const QStringList &bought() const { return m_bought; }
    const QStringList &released() const { return m_released; }
    const QStringList &proposed() const { return m_proposed; }

protected:
    void run() override;

private:
    void buyNext();
    void releaseNext();
    Status propose(const IdleNumber &number);

    ScalingPlan m_plan;
    ScalingPolicy m_policy;
    QStringList m_candidates;
    QStringList m_bought;
    QStringList m_released;
    QStringList m_proposed;
    QString m_trigger;
    int m_releaseIndex = 0;
    bool m_searched = false;
};

} // namespace PoolDesk::Twilio
