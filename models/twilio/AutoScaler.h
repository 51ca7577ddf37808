#pragma once

#include "domain/Money.h"
#include "domain/Result.h"
#include "pool/AreaSizing.h"
#include "twilio/Operation.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

#include <optional>

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
    // twilio.autoscale.local_presence_buy: also buy each callee area code's shortfall of local
    // numbers when the threshold rule does not fire (off by default: it spends money).
    bool localPresenceBuy = false;
    QString country = QStringLiteral("US");

    static ScalingPolicy load(Database &db);
    // Setting keys this module adds beside the pool's own.
    static QString releaseIdleKey() { return QStringLiteral("twilio.autoscale.release_idle"); }
    static QString releaseWindowKey() { return QStringLiteral("twilio.autoscale.release_window_days"); }
    static QString localPresenceBuyKey() { return QStringLiteral("twilio.autoscale.local_presence_buy"); }
};

struct IdleNumber {
    QString e164;
    QDateTime lastUsed;      // invalid: never used
    QDateTime nextBillingAt; // the number's next monthly charge (the day of the month it was bought)
    bool due = false;        // inside the release window now
};

// A callee area code that calls went to without a local number: searched (Twilio's AreaCode)
// before any plain search, in the plan's order.
struct AreaPurchase {
    UnmetArea area;
    int toBuy = 0; // when Twilio offers that many there; what it lacks the next area code may get
};

struct ScalingPlan {
    QString environment;
    int total = 0;
    int availableShared = 0;
    Micros monthlyRental = 0;
    int toBuy = 0;
    // Of toBuy, what the threshold rule (or an exhausted pool) needs: bought in the area codes
    // below first, else anywhere. The rest is local presence, bought only in its own area code.
    int needed = 0;
    bool localPresenceBuy = false; // the rest may be bought (the policy's setting, this plan's kind)
    QList<AreaPurchase> areas;     // in the pool's country, most calls without a local number first
    int areasElsewhere = 0;        // such area codes outside the pool's country: not searched
    bool localPresence = true;     // the caller policy picks local numbers; off, areas stays empty
    QStringList limits;            // why fewer (or none) are bought: max pool size, budget cap (translated)
    QList<IdleNumber> idle;
};

namespace AutoScaler {
// What the policy wants now; changes nothing.
Result<ScalingPlan> plan(Database &db, const QString &environment, const ScalingPolicy &policy,
                         const QDateTime &now);
// The purchases alone: `needed` numbers (under the threshold, or one for an exhausted pool), each
// in the callee area codes that went without a local number first, plus, when `withLocalPresence`
// and the policy's localPresenceBuy, each area code's shortfall; within the maximum pool size and
// budget cap.
Result<ScalingPlan> purchases(Database &db, const QString &environment, const ScalingPolicy &policy,
                              const QDateTime &now, int needed, bool withLocalPresence);
// How many numbers to buy in an area code while `stillNeeded` are needed anywhere: up to its
// shortfall, and at least one (calls there did go out without a local number); for local
// presence, its whole shortfall in any case.
int toBuyIn(const UnmetArea &area, int stillNeeded, bool localPresenceBuy);
// How many numbers the policy allows buying now (max pool size and budget cap), at most `wanted`.
Result<int> allowedPurchases(Database &db, const QString &environment, const ScalingPolicy &policy,
                             int wanted, QStringList *limits = nullptr);
} // namespace AutoScaler

// Carries out a plan: buys numbers (search, then buy the first candidate, the next one when taken),
// in the plan's area codes first (each searched with Twilio's AreaCode; when one offers fewer than
// wanted, what is still needed goes on to the next, then to a plain search), releases idle numbers
// that are due (or records them as proposals when the policy only proposes). Every purchase and
// release is audited with the actor that triggered it (policy:autoscale); a purchase in an area
// code names it and its calls without a local number.
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
    // The plan's area codes where Twilio offered no number.
    const QStringList &notOffered() const { return m_notOffered; }

protected:
    void run() override;

private:
    void buyNext();
    void searchNext();
    void search(const QString &country, const QString &areaCode, int wanted);
    void releaseNext();
    Status propose(const IdleNumber &number);

    ScalingPlan m_plan;
    ScalingPolicy m_policy;
    QStringList m_candidates;
    QStringList m_bought;
    QStringList m_released;
    QStringList m_proposed;
    QStringList m_notOffered;
    QString m_trigger;
    int m_releaseIndex = 0;
    int m_stillNeeded = 0;           // of the plan's needed numbers
    qsizetype m_nextArea = 0;        // in m_plan.areas
    std::optional<UnmetArea> m_area; // where the candidates are; none: the plain search
    int m_areaWanted = 0;
    int m_areaBought = 0;
    bool m_searchedAnywhere = false;
};

} // namespace PoolDesk::Twilio
