#include "pool/DemoWorkspace.h"

#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "domain/Types.h"
#include "pool/Allocator.h"
#include "pool/NumberHistory.h"
#include "pool/Tariffs.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>

#include <algorithm>
#include <limits>
#include <random>

namespace PoolDesk {

QString DemoSummary::text() const {
    const int callCount = int(std::min<qint64>(calls, std::numeric_limits<int>::max()));
    return QCoreApplication::translate("DemoWorkspace", "Demo workspace created: %1, %2, %3.")
        .arg(QCoreApplication::translate("DemoWorkspace", "%Ln company(ies)", nullptr, companies),
             QCoreApplication::translate("DemoWorkspace", "%Ln number(s)", nullptr, numbers),
             QCoreApplication::translate("DemoWorkspace", "%Ln call(s)", nullptr, callCount));
}

} // namespace PoolDesk

namespace PoolDesk::DemoWorkspace {

namespace {

struct DemoCompany {
    const char *name;
    Plan plan;
    int dedicatedNumbers;
    int callsPerWeekday;
    int operators;
    std::optional<int> maxConcurrent;
    std::optional<qint64> monthlyMinutes;
    std::optional<Micros> monthlyBudget;
    qint64 id = 0;
};

struct DemoNumber {
    QString e164;
    QString environment;
    int dedicatedTo = -1; // index into companies, -1 shared
    qint64 id = 0;
    qint64 busyUntil = 0;
    qint64 totalCalls = 0;
    qint64 totalSeconds = 0;
    qint64 totalMinutes = 0;
    qint64 lastUsedAt = 0;
    qint64 callsToday = 0;
    qint64 callsTodayDay = 0;
};

struct PlannedCall {
    qint64 start;
    int company;
    int operatorIndex;
    qint64 duration;
    bool inbound;
};

struct UsageKey {
    qint64 companyId;
    QString month;
    bool operator==(const UsageKey &other) const {
        return companyId == other.companyId && month == other.month;
    }
};
size_t qHash(const UsageKey &key, size_t seed = 0) {
    return qHashMulti(seed, key.companyId, key.month);
}
struct UsageTotals {
    qint64 calls = 0;
    qint64 minutes = 0;
    Micros cost = 0;
};

} // namespace

Result<DemoSummary> create(Database &db, const Actor &actor, int days,
                           const std::function<bool(int)> &progress) {
    if (days < 1 || days > 3650)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("DemoWorkspace", "The demo covers between 1 and 3650 days."));
    auto existing = Sql::exec(db.connection(), QStringLiteral("SELECT COUNT(*) FROM companies"));
    if (!existing)
        return existing.error();
    existing.value().next();
    if (existing.value().value(0).toLongLong() > 0)
        return makeError(
            Error::Code::Conflict,
            QCoreApplication::translate(
                "DemoWorkspace",
                "The demo workspace is only created in an empty database, so it never mixes with real "
                "data. Use a new database (--db) for the demo."));
    auto tariff = Tariffs::load(db);
    if (!tariff)
        return tariff.error();

    QList<DemoCompany> companies = {
        {"Sakura Dental", Plan::Standard, 0, 40, 3, 3, 6000, std::nullopt},
        {"Blue Ocean Realty", Plan::Standard, 0, 55, 4, 4, std::nullopt, 150 * MicrosPerDollar},
        {"Hikari Insurance", Plan::Standard, 0, 70, 5, 5, std::nullopt, std::nullopt},
        {"Maple Tutoring", Plan::Standard, 0, 25, 2, 2, 3000, std::nullopt},
        {"Tanaka Logistics", Plan::Enterprise, 3, 110, 6, 3, std::nullopt, 500 * MicrosPerDollar},
        {"Nimbus Telecom", Plan::Enterprise, 2, 80, 5, 2, std::nullopt, std::nullopt},
        {"Fujiyama Travel", Plan::Hybrid, 1, 60, 4, 4, std::nullopt, std::nullopt},
        {"Aoba Clinic Group", Plan::Hybrid, 1, 45, 3, 3, 10000, std::nullopt},
    };
    // The seed's two numbers, then a deterministic run of US numbers.
    QList<DemoNumber> numbers;
    numbers.append({QStringLiteral("+16076956082"), DevelopmentEnvironment});
    numbers.append({QStringLiteral("+16076956083"), DevelopmentEnvironment});
    numbers.append({QStringLiteral("+14179224538"), ProductionEnvironment});
    for (int i = 1; numbers.size() < 22; ++i)
        numbers.append(
            {QStringLiteral("+1417922%1").arg(4538 + i * 7, 4, 10, QLatin1Char('0')), ProductionEnvironment});
    int next = 2; // the first production numbers are shared; dedicated ones follow
    next += 9;
    for (int c = 0; c < companies.size(); ++c) {
        for (int k = 0; k < companies[c].dedicatedNumbers; ++k)
            numbers[next++].dedicatedTo = c;
    }

    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    const qint64 now = Clock::nowSecs();
    const qint64 firstDay = now / 86400 - days + 1;

    for (DemoCompany &company : companies) {
        auto inserted = Sql::exec(
            db.connection(),
            QStringLiteral("INSERT INTO companies (name, plan, max_concurrent, monthly_minutes, "
                           "monthly_budget_micros, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                           "RETURNING id"),
            {QString::fromUtf8(company.name), toString(company.plan), Sql::nullable(company.maxConcurrent),
             Sql::nullable(company.monthlyMinutes), Sql::nullable(company.monthlyBudget), firstDay * 86400});
        if (!inserted)
            return inserted.error();
        inserted.value().next();
        company.id = inserted.value().value(0).toLongLong();
        for (int o = 1; o <= company.operators; ++o) {
            if (auto done = Sql::exec(
                    db.connection(),
                    QStringLiteral("INSERT INTO operators (company_id, operator_key, display_name, "
                                   "first_seen_at) VALUES (?, ?, ?, ?)"),
                    {company.id, QStringLiteral("op-%1").arg(o, 2, 10, QLatin1Char('0')),
                     QCoreApplication::translate("DemoWorkspace", "Operator %1").arg(o), firstDay * 86400});
                !done)
                return done.error();
        }
    }
    for (int n = 0; n < numbers.size(); ++n) {
        DemoNumber &number = numbers[n];
        const QString sid = QStringLiteral("PN%1").arg(
            QString::number(0xd3e0000 + n, 16).rightJustified(32, QLatin1Char('0')));
        const PhoneNumber::Locality where = PhoneNumber::locality(number.e164);
        auto inserted = Sql::exec(
            db.connection(),
            QStringLiteral("INSERT INTO phone_numbers (e164, environment, twilio_sid, friendly_name, "
                           "dedicated_company_id, monthly_price_micros, bought_at, created_at, area_code, "
                           "region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            {number.e164, number.environment, sid, number.e164,
             number.dedicatedTo >= 0 ? QVariant(companies[number.dedicatedTo].id)
                                     : QVariant(QMetaType(QMetaType::LongLong)),
             tariff->numberMonthly, (firstDay - 30 + n) * 86400, (firstDay - 30 + n) * 86400,
             Sql::nullText(where.areaCode), Sql::nullText(where.region)});
        if (!inserted)
            return inserted.error();
        inserted.value().next();
        number.id = inserted.value().value(0).toLongLong();
        if (auto recorded = NumberHistory::record(
                db, {NumberHistory::Event::Added, number.id, number.e164, number.environment,
                     number.dedicatedTo >= 0 ? std::optional<qint64>(companies[number.dedicatedTo].id)
                                             : std::nullopt,
                     tariff->numberMonthly, (firstDay - 30 + n) * 86400, (firstDay - 30 + n) * 86400});
            !recorded)
            return recorded.error();
    }

    // Plan every call first, then hand out numbers in time order so no number ever carries two
    // calls at once: the demo obeys the pool's own rule.
    std::mt19937 random(20261124);
    QList<PlannedCall> planned;
    for (qint64 day = firstDay; day < firstDay + days; ++day) {
        const int weekday = int((day + 3) % 7); // 1970-01-01 was a Thursday; 0 = Monday
        const bool weekend = weekday >= 5;
        for (int c = 0; c < companies.size(); ++c) {
            std::poisson_distribution<int> volume(weekend ? companies[c].callsPerWeekday / 5.0
                                                          : companies[c].callsPerWeekday *
                                                                (0.8 + 0.05 * (day % 9)));
            const int calls = volume(random);
            std::normal_distribution<double> hour(4.5, 2.5); // UTC: the working day of a Tokyo office
            std::exponential_distribution<double> length(1.0 / 170.0);
            std::uniform_int_distribution<int> seconds(0, 3599);
            std::uniform_int_distribution<int> operatorPick(0, companies[c].operators - 1);
            std::bernoulli_distribution inbound(0.15);
            for (int i = 0; i < calls; ++i) {
                const int h = std::clamp(int(hour(random)), 0, 10);
                const qint64 start = day * 86400 + h * 3600 + seconds(random);
                if (start + 60 > now)
                    continue;
                const qint64 duration = std::clamp<qint64>(qint64(length(random)) + 8, 8, 3600);
                planned.append({start, c, operatorPick(random), duration, inbound(random)});
            }
        }
    }
    std::sort(planned.begin(), planned.end(), [](const PlannedCall &a, const PlannedCall &b) {
        return a.start != b.start ? a.start < b.start : a.company < b.company;
    });

    QSqlQuery insert(db.connection());
    if (!insert.prepare(QStringLiteral("INSERT INTO call_records (session, call_sid, number_id, e164, "
                                       "company_id, operator, direction, started_at, "
                                       "ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
                                       "twilio_price_micros, environment, outcome, callee, pick_match) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        return Sql::storageError(insert);
    // Not every outbound call is answered, and one shared number's calls are answered far less
    // often than its peers' (a caller ID carriers label as spam), so Health has something to show.
    std::mt19937 outcomes(11);
    std::bernoulli_distribution answeredUsually(0.62), answeredPoorly(0.2), busy(0.3);
    // Outbound calls go mostly to the pool's own area code, the rest across Missouri and beyond.
    constexpr const char *CalleeAreas[] = {"417", "417", "417", "417", "816", "314", "573", "212", "312"};
    std::uniform_int_distribution<int> calleeArea(0, int(std::size(CalleeAreas)) - 1), calleeLine(0, 9999);
    const auto poorNumber = std::find_if(numbers.cbegin(), numbers.cend(), [](const DemoNumber &n) {
        return n.dedicatedTo < 0 && n.environment == ProductionEnvironment;
    });
    QHash<UsageKey, UsageTotals> usage;
    const BillingZone zone = Settings::billingZone(db);
    qint64 written = 0;
    int lastPercent = -1;
    for (qsizetype i = 0; i < planned.size(); ++i) {
        const PlannedCall &call = planned[i];
        const DemoCompany &company = companies[call.company];
        const qint64 day = call.start / 86400;
        DemoNumber *chosen = nullptr;
        for (DemoNumber &number : numbers) {
            if (number.environment != ProductionEnvironment || number.busyUntil > call.start)
                continue;
            const bool mine = number.dedicatedTo == call.company;
            const bool shared = number.dedicatedTo < 0 && company.plan != Plan::Enterprise;
            if (!mine && !shared)
                continue;
            auto rank = [&](const DemoNumber &n) {
                return std::tuple(n.dedicatedTo < 0 ? 1 : 0, n.callsTodayDay == day ? n.callsToday : 0,
                                  n.lastUsedAt);
            };
            if (!chosen || rank(number) < rank(*chosen))
                chosen = &number;
        }
        if (!chosen)
            continue; // blocked: every eligible number was busy
        const bool answered =
            call.inbound || (&*poorNumber == chosen ? answeredPoorly(outcomes) : answeredUsually(outcomes));
        const qint64 duration = answered ? call.duration : 0;
        const QString outcome = answered         ? QStringLiteral("completed")
                                : busy(outcomes) ? QStringLiteral("busy")
                                                 : QStringLiteral("no-answer");
        QVariant calleeOf(QMetaType(QMetaType::QString)), matchOf(QMetaType(QMetaType::QString));
        if (!call.inbound) {
            const QString callee = QStringLiteral("+1") + QLatin1String(CalleeAreas[calleeArea(outcomes)]) +
                                   QStringLiteral("555") +
                                   QStringLiteral("%1").arg(calleeLine(outcomes), 4, 10, QLatin1Char('0'));
            const PhoneNumber::Locality to = PhoneNumber::locality(callee),
                                        from = PhoneNumber::locality(chosen->e164);
            calleeOf = callee;
            matchOf = to.areaCode == from.areaCode ? QStringLiteral("area_code")
                      : to.region == from.region   ? QStringLiteral("region")
                                                   : QStringLiteral("any");
        }
        const qint64 end = call.start + duration;
        chosen->busyUntil = end;
        chosen->totalCalls += 1;
        chosen->totalSeconds += duration;
        const qint64 minutes = billedMinutesFor(duration);
        chosen->totalMinutes += minutes;
        chosen->lastUsedAt = end;
        chosen->callsToday = chosen->callsTodayDay == day ? chosen->callsToday + 1 : 1;
        chosen->callsTodayDay = day;
        const Direction direction = call.inbound ? Direction::Inbound : Direction::Outbound;
        const Micros cost = tariff->callCost(direction, minutes);
        // Twilio reports a call's price a little after it ends; the last two days are not billed yet.
        const bool billed = end < now - 2 * 86400;
        const QString sid = QStringLiteral("CA%1").arg(
            QString::number(0xdea0000000LL + i, 16).rightJustified(32, QLatin1Char('0')));
        for (const QVariant &value :
             {QVariant(QStringLiteral("demo-%1").arg(i)), QVariant(sid), QVariant(chosen->id),
              QVariant(chosen->e164), QVariant(company.id),
              QVariant(QStringLiteral("op-%1").arg(call.operatorIndex + 1, 2, 10, QLatin1Char('0'))),
              QVariant(toString(direction)), QVariant(call.start), QVariant(end), QVariant(duration),
              QVariant(minutes), QVariant(cost),
              billed ? QVariant(cost) : QVariant(QMetaType(QMetaType::LongLong)),
              QVariant(ProductionEnvironment), QVariant(outcome), calleeOf, matchOf})
            insert.addBindValue(value);
        if (!insert.exec())
            return Sql::storageError(insert);
        UsageTotals &totals = usage[UsageKey{company.id, zone.monthKey(end)}];
        totals.calls += 1;
        totals.minutes += minutes;
        totals.cost += cost;
        ++written;
        const int percent = int(i * 100 / planned.size());
        if (progress && percent != lastPercent) {
            lastPercent = percent;
            if (!progress(percent))
                return makeError(
                    Error::Code::Cancelled,
                    QCoreApplication::translate(
                        "DemoWorkspace", "Creating the demo workspace was cancelled; nothing was kept."));
        }
    }
    for (const DemoNumber &number : numbers) {
        if (auto done = Sql::exec(
                db.connection(),
                QStringLiteral("UPDATE phone_numbers SET total_calls = ?, total_seconds = ?, "
                               "total_minutes = ?, last_used_at = ?, calls_today = ?, "
                               "calls_today_day = ? WHERE id = ?"),
                {number.totalCalls, number.totalSeconds, number.totalMinutes,
                 number.lastUsedAt ? QVariant(number.lastUsedAt) : QVariant(QMetaType(QMetaType::LongLong)),
                 number.callsToday, number.callsTodayDay, number.id});
            !done)
            return done.error();
    }
    for (auto it = usage.cbegin(); it != usage.cend(); ++it) {
        if (auto done =
                Sql::exec(db.connection(),
                          QStringLiteral("INSERT INTO company_usage_months (company_id, month, calls, "
                                         "billed_minutes, cost_micros) VALUES (?, ?, ?, ?, ?)"),
                          {it.key().companyId, it.key().month, it->calls, it->minutes, it->cost});
            !done)
            return done.error();
    }
    DemoSummary summary{int(companies.size()), int(numbers.size()), written};
    if (auto audited =
            AuditLog::write(db, actor, QStringLiteral("workspace.demo"), QString(), std::nullopt, {},
                            QJsonObject{{QStringLiteral("companies"), summary.companies},
                                        {QStringLiteral("numbers"), summary.numbers},
                                        {QStringLiteral("calls"), summary.calls}});
        !audited)
        return audited.error();
    ChangeWatcher::notify(db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();

    // A few calls under way right now, so the pool shows numbers reserved and in use.
    Allocator allocator(db);
    const char *live[][3] = {{"Tanaka Logistics", "op-01", "live-1"},
                             {"Hikari Insurance", "op-02", "live-2"},
                             {"Fujiyama Travel", "op-03", "live-3"}};
    for (int i = 0; i < 3; ++i) {
        auto held = allocator.allocate({QString::fromUtf8(live[i][0]), QString::fromUtf8(live[i][1]),
                                        QStringLiteral("demo-%1").arg(QString::fromUtf8(live[i][2])), 3600,
                                        ProductionEnvironment});
        if (held && i < 2)
            allocator.attachCall({held->session, held->companyId},
                                 QStringLiteral("CA%1").arg(
                                     QString::number(0xfeed00 + i, 16).rightJustified(32, QLatin1Char('0'))));
    }
    if (progress)
        progress(100);
    return summary;
}

} // namespace PoolDesk::DemoWorkspace
