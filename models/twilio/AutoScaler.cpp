#include "twilio/AutoScaler.h"

#include "domain/Clock.h"
#include "pool/CallerPolicy.h"
#include "pool/Tariffs.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"
#include "twilio/NumberOperations.h"

#include <QCoreApplication>

namespace PoolDesk::Twilio {

namespace {

// The next time the number's monthly fee is charged: the day of the month it was bought (clamped
// to the month's length), at or after `now`.
QDateTime nextBilling(const QDateTime &bought, const QDateTime &now) {
    const int day = bought.date().day();
    QDate month(now.date().year(), now.date().month(), 1);
    for (int i = 0; i < 2; ++i) {
        const QDate date(month.year(), month.month(), std::min(day, month.daysInMonth()));
        const QDateTime at(date, bought.time(), Qt::UTC);
        if (at >= now)
            return at;
        month = month.addMonths(1);
    }
    return {};
}
} // namespace

ScalingPolicy ScalingPolicy::load(Database &db) {
    ScalingPolicy p;
    p.minAvailable = int(Settings::intValue(db, SettingKeys::MinAvailableThreshold, p.minAvailable));
    p.maxPoolSize = int(Settings::intValue(db, SettingKeys::MaxPoolSize, p.maxPoolSize));
    p.monthlyBudgetCap = Settings::intValue(db, SettingKeys::MonthlyBudgetCapMicros, p.monthlyBudgetCap);
    p.idleReleaseDays = int(Settings::intValue(db, SettingKeys::IdleReleaseDays, p.idleReleaseDays));
    p.releaseIdle = Settings::intValue(db, releaseIdleKey(), 0) != 0;
    p.releaseWindowDays = int(Settings::intValue(db, releaseWindowKey(), p.releaseWindowDays));
    p.localPresenceBuy = Settings::intValue(db, localPresenceBuyKey(), 0) != 0;
    p.country = Settings::value(db, SettingKeys::Country, p.country).toUpper();
    return p;
}

Result<int> AutoScaler::allowedPurchases(Database &db, const QString &environment,
                                         const ScalingPolicy &policy, int wanted, QStringList *limits) {
    auto totals =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT COUNT(*), COALESCE(SUM(monthly_price_micros), 0) FROM phone_numbers "
                                 "WHERE environment = ?"),
                  {environment});
    if (!totals)
        return totals.error();
    totals.value().next();
    const int total = totals.value().value(0).toInt();
    const Micros rental = totals.value().value(1).toLongLong();
    auto tariff = Tariffs::load(db, policy.country);
    const Micros price = tariff ? tariff->numberMonthly : Tariff{}.numberMonthly;
    int allowed = std::max(0, wanted);
    if (policy.maxPoolSize > 0 && total + allowed > policy.maxPoolSize) {
        allowed = std::max(0, policy.maxPoolSize - total);
        if (limits)
            limits->append(QCoreApplication::translate("AutoScaler", "the maximum pool size of %n number(s)",
                                                       nullptr, policy.maxPoolSize));
    }
    if (policy.monthlyBudgetCap > 0 && price > 0 && rental + allowed * price > policy.monthlyBudgetCap) {
        allowed = int(std::max<Micros>(0, (policy.monthlyBudgetCap - rental) / price));
        if (limits)
            limits->append(
                QCoreApplication::translate("AutoScaler", "the monthly budget cap of %1 (rental now %2)")
                    .arg(Money::format(policy.monthlyBudgetCap), Money::format(rental)));
    }
    return allowed;
}

int AutoScaler::toBuyIn(const UnmetArea &area, int stillNeeded, bool localPresenceBuy) {
    const int forNeeded = std::min(stillNeeded, std::max(1, area.shortfall));
    return std::max(forNeeded, localPresenceBuy ? area.shortfall : 0);
}

Result<ScalingPlan> AutoScaler::purchases(Database &db, const QString &environment,
                                          const ScalingPolicy &policy, const QDateTime &now, int needed,
                                          bool withLocalPresence) {
    ScalingPlan plan;
    plan.environment = environment;
    plan.localPresenceBuy = withLocalPresence && policy.localPresenceBuy;
    // With local presence off the allocator does not prefer local numbers (and records every pick
    // as "any"), so buying them would change nothing.
    plan.localPresence = CallerPolicy::load(db).localPresence;
    QList<UnmetArea> unmet;
    if (plan.localPresence) {
        auto listed = AreaSizing::unmet(db, environment, now.toSecsSinceEpoch());
        if (!listed)
            return listed.error();
        // Bought only in the pool's country (its prices are what the budget cap counts), and only
        // where Twilio searches by area code.
        for (const UnmetArea &area : listed.value()) {
            if (area.country == policy.country && !area.nationalAreaCode().isEmpty())
                unmet.append(area);
            else
                ++plan.areasElsewhere;
        }
    }
    // What the policy wants if Twilio offers every number asked for.
    int stillNeeded = std::max(0, needed);
    int wanted = 0;
    for (const UnmetArea &area : std::as_const(unmet)) {
        const int here = toBuyIn(area, stillNeeded, plan.localPresenceBuy);
        wanted += here;
        stillNeeded -= std::min(here, stillNeeded);
    }
    wanted += stillNeeded;
    if (wanted > 0) {
        auto allowed = allowedPurchases(db, environment, policy, wanted, &plan.limits);
        if (!allowed)
            return allowed.error();
        plan.toBuy = allowed.value();
    }
    plan.needed = std::min(std::max(0, needed), plan.toBuy);
    // The same walk within what is allowed, as AutoScaleOperation takes it.
    stillNeeded = plan.needed;
    int left = plan.toBuy;
    for (const UnmetArea &area : std::as_const(unmet)) {
        const int here = std::min(left, toBuyIn(area, stillNeeded, plan.localPresenceBuy));
        plan.areas.append({area, here});
        left -= here;
        stillNeeded -= std::min(here, stillNeeded);
    }
    return plan;
}

Result<ScalingPlan> AutoScaler::plan(Database &db, const QString &environment, const ScalingPolicy &policy,
                                     const QDateTime &now) {
    int total = 0;
    int availableShared = 0;
    Micros monthlyRental = 0;
    auto query =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT e164, dedicated_company_id, status, active_calls, last_used_at, "
                                 "bought_at, created_at, monthly_price_micros FROM phone_numbers WHERE "
                                 "environment = ? AND missing_from_twilio = 0 ORDER BY e164"),
                  {environment});
    if (!query)
        return query.error();
    QList<IdleNumber> idle;
    while (query.value().next()) {
        const QSqlQuery &q = query.value();
        ++total;
        monthlyRental += q.value(7).toLongLong();
        const bool shared = q.value(1).isNull();
        const bool available = q.value(2).toString() == QLatin1String("available") && q.value(3).toInt() == 0;
        if (shared && available)
            ++availableShared;
        if (!shared || !available)
            continue;
        const QDateTime lastUsed =
            q.value(4).isNull() ? QDateTime() : Clock::fromSecs(q.value(4).toLongLong());
        const QDateTime bought =
            Clock::fromSecs(q.value(5).isNull() ? q.value(6).toLongLong() : q.value(5).toLongLong());
        const QDateTime since = lastUsed.isValid() ? lastUsed : bought;
        if (since.secsTo(now) < qint64(policy.idleReleaseDays) * 86400)
            continue;
        IdleNumber n{q.value(0).toString(), lastUsed, nextBilling(bought, now), false};
        n.due = n.nextBillingAt.isValid() &&
                now.secsTo(n.nextBillingAt) <= qint64(policy.releaseWindowDays) * 86400;
        idle.append(n);
    }
    auto planned = purchases(db, environment, policy, now, policy.minAvailable - availableShared, true);
    if (!planned)
        return planned;
    ScalingPlan &plan = planned.value();
    plan.total = total;
    plan.availableShared = availableShared;
    plan.monthlyRental = monthlyRental;
    // Never release below the threshold of free shared numbers.
    const int spare = std::max(0, availableShared - policy.minAvailable);
    plan.idle = idle.mid(0, spare);
    return planned;
}

void AutoScaleOperation::run() {
    m_stillNeeded = m_plan.needed;
    buyNext();
}

void AutoScaleOperation::buyNext() {
    if (stopIfCancelled())
        return;
    if (m_bought.size() >= m_plan.toBuy)
        return releaseNext();
    // Enough in this area code: on to the next. Anywhere, only what is still needed.
    if (m_area ? m_areaBought >= m_areaWanted : m_stillNeeded == 0)
        m_candidates.clear();
    if (m_candidates.isEmpty())
        return searchNext();
    const QString e164 = m_candidates.takeFirst();
    report(int(m_bought.size()), m_plan.toBuy,
           QCoreApplication::translate("AutoScaler", "Buying %1…").arg(e164));
    // A purchase the threshold (or an exhausted pool) needs says so; the rest is local presence.
    const QString trigger =
        m_stillNeeded == 0
            ? QCoreApplication::translate("AutoScaler",
                                          "autoscale: local presence (twilio.autoscale.local_presence_buy)")
        : m_trigger.isEmpty()
            ? QCoreApplication::translate("AutoScaler", "autoscale: %1 free shared numbers, threshold %2")
                  .arg(m_plan.availableShared)
                  .arg(m_policy.minAvailable)
            : m_trigger;
    auto buy = new BuyNumberOperation(m_context, e164, trigger, this);
    if (m_area)
        buy->setAreaCode(m_area->areaCode,
                         QCoreApplication::translate(
                             "AutoScaler", "%n call(s) to %1 in the last %2 days had no local number",
                             nullptr, int(m_area->callsWithoutLocal))
                             .arg(m_area->areaCode)
                             .arg(AreaSizing::UnmetDays));
    connect(buy, &Operation::finished, this, [this, buy, e164](bool ok) {
        buy->deleteLater();
        if (!ok && buy->error()->reason != Reason::NumberTaken)
            return finish(*buy->error());
        if (ok) {
            m_bought.append(e164);
            if (m_area)
                ++m_areaBought;
            m_stillNeeded = std::max(0, m_stillNeeded - 1);
        }
        buyNext(); // taken meanwhile: the next candidate
    });
    buy->start();
}

void AutoScaleOperation::searchNext() {
    const int left = int(m_plan.toBuy - m_bought.size());
    while (m_nextArea < m_plan.areas.size()) {
        const UnmetArea &area = m_plan.areas.at(m_nextArea++).area;
        const int wanted = std::min(left, AutoScaler::toBuyIn(area, m_stillNeeded, m_plan.localPresenceBuy));
        if (wanted <= 0)
            continue;
        m_area = area;
        m_areaWanted = wanted;
        m_areaBought = 0;
        return search(area.country, area.nationalAreaCode(), wanted);
    }
    m_area.reset();
    if (m_stillNeeded > 0 && !m_searchedAnywhere) {
        m_searchedAnywhere = true;
        return search(m_policy.country, {}, m_stillNeeded);
    }
    if (m_stillNeeded > 0)
        return finish(
            makeError(Error::Code::NotFound,
                      QCoreApplication::translate(
                          "AutoScaler", "No more numbers are available in %1 to buy; bought %2 of %3.")
                          .arg(m_policy.country)
                          .arg(m_bought.size())
                          .arg(m_plan.toBuy)));
    // Local presence Twilio cannot offer now is tried again by the next plan.
    releaseNext();
}

void AutoScaleOperation::search(const QString &country, const QString &areaCode, int wanted) {
    SearchQuery query;
    query.country = country;
    query.areaCode = areaCode;
    // Room for candidates someone else takes between the search and the purchase.
    query.limit = std::max(10, wanted * 3);
    auto search = new SearchNumbersOperation(m_context, query, this);
    connect(search, &Operation::finished, this, [this, search](bool ok) {
        search->deleteLater();
        if (!ok)
            return finish(*search->error());
        for (const AvailableNumber &n : search->results())
            m_candidates.append(n.e164);
        if (m_candidates.isEmpty() && m_area)
            m_notOffered.append(m_area->areaCode);
        buyNext();
    });
    search->start();
}

void AutoScaleOperation::releaseNext() {
    while (m_releaseIndex < m_plan.idle.size()) {
        if (stopIfCancelled())
            return;
        const IdleNumber n = m_plan.idle.at(m_releaseIndex++);
        if (!n.due)
            continue;
        if (!m_policy.releaseIdle) {
            if (auto proposed = propose(n); !proposed)
                return finish(proposed);
            continue;
        }
        auto release = new ReleaseNumberOperation(
            m_context, n.e164,
            QCoreApplication::translate("AutoScaler", "autoscale: idle %1+ days, billing on %2")
                .arg(m_policy.idleReleaseDays)
                .arg(n.nextBillingAt.date().toString(Qt::ISODate)),
            this);
        connect(release, &Operation::finished, this, [this, release, n](bool ok) {
            release->deleteLater();
            if (ok)
                m_released.append(n.e164);
            else if (release->error()->code != Error::Code::Refused) // busy again meanwhile: keep it
                return finish(*release->error());
            releaseNext();
        });
        release->start();
        return;
    }
    finish(success());
}

Status AutoScaleOperation::propose(const IdleNumber &number) {
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto done = Sql::exec(
        db().connection(),
        QStringLiteral("INSERT INTO twilio_releases_proposed (environment, e164, reason, due_at, "
                       "proposed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment, e164) DO UPDATE "
                       "SET reason = excluded.reason, due_at = excluded.due_at"),
        {m_plan.environment, number.e164,
         QCoreApplication::translate("AutoScaler", "idle for %n day(s) or more", nullptr,
                                     m_policy.idleReleaseDays),
         number.nextBillingAt.toSecsSinceEpoch(), Clock::nowSecs()});
    if (!done)
        return done.error();
    if (auto audited = AuditLog::write(
            db(), m_context.actor, QStringLiteral("twilio.release_proposed"), number.e164, std::nullopt, {},
            {{QStringLiteral("environment"), m_plan.environment},
             {QStringLiteral("billing_at"), number.nextBillingAt.toString(Qt::ISODate)}});
        !audited)
        return audited;
    m_proposed.append(number.e164);
    return transaction.commit();
}

} // namespace PoolDesk::Twilio
