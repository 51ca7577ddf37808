#include "billing/CostReport.h"

#include "billing/Rental.h"

#include "billing/SqliteRows.h"
#include "pool/ErlangB.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QLocale>
#include <QMap>
#include <QRegularExpression>
#include <QSqlQuery>

#include <algorithm>
#include <limits>
#include <numeric>

namespace PoolDesk {

namespace {

struct NumberInfo {
    qint64 id = 0;
    QString e164;
    QString environment;
    std::optional<qint64> dedicatedTo;
    Micros price = 0;
    qint64 boughtAt = 0;
    std::optional<qint64> lastUsedAt;
};

// What the month's calls add up to, for one company, number and direction (and hour).
struct CallSums {
    qint64 calls = 0;
    qint64 minutes = 0;
    qint64 seconds = 0;
    Micros estimate = 0;
    Micros cost = 0; // Twilio's price where reported, the estimate otherwise
    qint64 twilioPricedCalls = 0;
    Micros twilioBilled = 0;
    Micros estimateOfTwilioPriced = 0;
};

struct GroupKey {
    qint64 company; // min() for NULL
    qint64 number;  // min() for NULL
    bool inbound;
    bool operator==(const GroupKey &other) const = default;
};

size_t qHash(const GroupKey &key, size_t seed = 0) {
    return qHashMulti(seed, key.company, key.number, key.inbound);
}

} // namespace

QString CostReport::sharingRule() {
    return QCoreApplication::translate(
        "CostReport",
        "Shared numbers' monthly rental is divided between the companies that called from shared numbers "
        "of the same environment that month, in proportion to their billed minutes on those numbers. "
        "Shares are rounded down to the micro-dollar and the remaining micro-dollars go to the largest "
        "remainders, so the shares add up exactly to the rental. Rental of shared numbers in an "
        "environment nobody called from is shown as unallocated.");
}

QString CostReport::pricingRule() {
    return QCoreApplication::translate(
        "CostReport",
        "Call charges use the price Twilio reported for the call, and the tariff's per-minute estimate "
        "for calls Twilio has not priced yet. A number's monthly fee is charged on the day of the month it "
        "was bought.");
}

namespace CostReports {

Result<std::pair<qint64, qint64>> monthRange(const QString &month, const BillingZone &zone) {
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})-(\\d{2})$"));
    const auto match = pattern.match(month.trimmed());
    const int year = match.hasMatch() ? match.captured(1).toInt() : 0;
    const int number = match.hasMatch() ? match.captured(2).toInt() : 0;
    if (!match.hasMatch() || year < 2000 || year > 2999 || number < 1 || number > 12)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "CostReport", "\"%1\" is not a month. Write it as YYYY-MM, for example 2026-03.")
                             .arg(month));
    return zone.month(year, number);
}

QList<Micros> splitProRata(Micros total, const QList<qint64> &weights) {
    QList<Micros> shares(weights.size(), 0);
    __extension__ typedef __int128 Wide;
    Wide sum = 0;
    for (qint64 weight : weights)
        sum += std::max<qint64>(weight, 0);
    if (sum == 0 || weights.isEmpty())
        return shares;
    QList<Wide> remainders(weights.size(), 0);
    Micros given = 0;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        const Wide product = static_cast<Wide>(total) * std::max<qint64>(weights[i], 0);
        shares[i] = static_cast<Micros>(product / sum);
        remainders[i] = product % sum;
        given += shares[i];
    }
    QList<qsizetype> order(weights.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        if (remainders[a] != remainders[b])
            return remainders[a] > remainders[b];
        return weights[a] > weights[b];
    });
    Micros left = total - given; // 0 <= left < number of positive weights
    for (qsizetype k = 0; left > 0 && k < order.size(); ++k) {
        if (weights[order[k]] <= 0)
            continue;
        ++shares[order[k]];
        --left;
    }
    return shares;
}

Result<CostReport> build(Database &db, const QString &month, const CostReportOptions &options) {
    const BillingZone zone = options.zone.value_or(Settings::billingZone(db));
    auto range = monthRange(month, zone);
    if (!range)
        return range.error();
    CostReport report;
    report.month = month.trimmed();
    report.timeZone = zone.id();
    report.fromSecs = options.fromSecs.value_or(range->first);
    report.toSecs = range->second;
    const qint64 monthSeconds = report.toSecs - report.fromSecs;

    // Companies.
    QMap<qint64, int> companyRow; // id -> index in report.companies
    {
        QSqlQuery query(db.connection());
        query.setForwardOnly(true);
        if (!query.exec(QStringLiteral("SELECT id, name, plan FROM companies ORDER BY name, id")))
            return Sql::storageError(query);
        while (query.next()) {
            CompanyCost company;
            company.companyId = query.value(0).toLongLong();
            company.name = query.value(1).toString();
            company.plan = planFromString(query.value(2).toString()).value_or(Plan::Standard);
            companyRow.insert(company.companyId, static_cast<int>(report.companies.size()));
            report.companies.append(company);
        }
    }
    // Numbers charged this month: each fee due in it, from the numbers' history (Rental), so a
    // number removed or reassigned later still counts here, with its holder of the due date.
    QHash<qint64, int> numberRow;
    QList<NumberInfo> numbers;
    {
        auto due = Rental::charges(db, report.fromSecs, report.toSecs, zone);
        if (!due)
            return due.error();
        QHash<qint64, qint64> lastUsed;
        QSqlQuery query(db.connection());
        query.setForwardOnly(true);
        if (!query.exec(
                QStringLiteral("SELECT id, last_used_at FROM phone_numbers WHERE last_used_at IS NOT NULL")))
            return Sql::storageError(query);
        while (query.next())
            lastUsed.insert(query.value(0).toLongLong(), query.value(1).toLongLong());
        for (const RentalCharge &charge : due.value()) {
            NumberInfo info;
            info.id = charge.numberId;
            info.e164 = charge.e164;
            info.environment = charge.environment;
            info.dedicatedTo = charge.companyId;
            info.price = charge.price;
            info.boughtAt = charge.addedAt;
            if (const auto used = lastUsed.constFind(charge.numberId); used != lastUsed.constEnd())
                info.lastUsedAt = used.value();
            numberRow.insert(info.id, static_cast<int>(numbers.size()));
            numbers.append(info);
            NumberCost cost;
            cost.numberId = info.id;
            cost.e164 = info.e164;
            cost.environment = info.environment;
            cost.dedicatedCompanyId = info.dedicatedTo;
            cost.rental = info.price;
            if (info.dedicatedTo && companyRow.contains(*info.dedicatedTo)) {
                CompanyCost &company = report.companies[companyRow.value(*info.dedicatedTo)];
                cost.dedicatedCompanyName = company.name;
                ++company.dedicatedNumbers;
                company.dedicatedRental += info.price;
                report.dedicatedRental += info.price;
            } else {
                report.sharedRental += info.price;
            }
            report.numbers.append(cost);
        }
    }

    // One pass over the month's calls, grouped by company, number, direction and hour.
    int deletedRow = -1;
    auto companyIndex = [&](const std::optional<qint64> &id) {
        if (id && companyRow.contains(*id))
            return companyRow.value(*id);
        if (deletedRow < 0) {
            CompanyCost deleted;
            deleted.name = QCoreApplication::translate("CostReport", "(deleted company)");
            deletedRow = static_cast<int>(report.companies.size());
            report.companies.append(deleted);
        }
        return deletedRow;
    };
    // environment -> company index -> minutes on shared numbers
    QMap<QString, QMap<int, qint64>> sharedMinutes;
    // environment -> hour -> (call seconds, calls) on shared numbers
    QHash<QString, QHash<qint64, std::pair<qint64, qint64>>> sharedHours;
    const auto addCalls = [&](const std::optional<qint64> &companyId, const std::optional<qint64> &numberId,
                              bool inbound, const CallSums &sums) {
        const int c = companyIndex(companyId);
        CompanyCost &company = report.companies[c];
        if (inbound) {
            company.inboundCalls += sums.calls;
            company.inboundMinutes += sums.minutes;
            company.inbound += sums.cost;
        } else {
            company.outboundCalls += sums.calls;
            company.outboundMinutes += sums.minutes;
            company.outbound += sums.cost;
        }
        company.estimatedCalls += sums.estimate;
        company.twilioPricedCalls += sums.twilioPricedCalls;
        company.twilioBilled += sums.twilioBilled;
        company.estimateOfTwilioPriced += sums.estimateOfTwilioPriced;
        report.calls += sums.calls;
        if (numberId && numberRow.contains(*numberId)) {
            const int n = numberRow.value(*numberId);
            NumberCost &number = report.numbers[n];
            number.calls += sums.calls;
            number.minutes += sums.minutes;
            number.busySeconds += sums.seconds;
            number.callCost += sums.cost;
            if (!numbers[n].dedicatedTo)
                sharedMinutes[numbers[n].environment][c] += sums.minutes;
        }
    };
    const auto addSharedHour = [&](const std::optional<qint64> &numberId, qint64 hour, qint64 seconds,
                                   qint64 calls) {
        if (!numberId)
            return;
        const auto n = numberRow.constFind(*numberId);
        if (n == numberRow.cend() || numbers[n.value()].dedicatedTo)
            return;
        auto &slot = sharedHours[numbers[n.value()].environment][hour];
        slot.first += seconds;
        slot.second += calls;
    };
    if (SqliteRows::available(db)) {
        // SQLite: read the month's calls through SQLite's C API and add them up here. A GROUP BY
        // by hour sorts every call and yields nearly as many groups as calls (about 3 times the raw
        // per-company GROUP BY at 10 million calls); a hash by company, number and direction, and
        // one by number and hour, do the same sums in one pass. Same figures as the SQL below.
        auto prepared = SqliteRows::prepare(
            db,
            QStringLiteral("SELECT company_id, number_id, direction, started_at, billed_minutes, "
                           "duration_seconds, estimated_cost_micros, twilio_price_micros FROM call_records "
                           "WHERE started_at >= ? AND started_at < ?"),
            {report.fromSecs, report.toSecs});
        if (!prepared)
            return prepared.error();
        SqliteRows &rows = *prepared.value();
        QHash<GroupKey, CallSums> groups;
        QHash<std::pair<qint64, qint64>, std::pair<qint64, qint64>>
            hours; // (number, hour) -> (seconds, calls)
        constexpr qint64 Null = std::numeric_limits<qint64>::min();
        while (rows.next()) {
            const GroupKey key{rows.isNull(0) ? Null : rows.integer(0),
                               rows.isNull(1) ? Null : rows.integer(1),
                               rows.text(2) == QByteArrayView("inbound")};
            const qint64 minutes = rows.integer(4);
            const qint64 seconds = rows.integer(5);
            const Micros estimate = rows.integer(6);
            const bool priced = !rows.isNull(7);
            const Micros twilio = rows.integer(7);
            CallSums &sums = groups[key];
            ++sums.calls;
            sums.minutes += minutes;
            sums.seconds += seconds;
            sums.estimate += estimate;
            sums.cost += priced ? twilio : estimate;
            if (priced) {
                ++sums.twilioPricedCalls;
                sums.twilioBilled += twilio;
                sums.estimateOfTwilioPriced += estimate;
            }
            if (key.number != Null) {
                auto &hour = hours[{key.number, rows.integer(3) / 3600}];
                hour.first += seconds;
                ++hour.second;
            }
        }
        if (!rows.status())
            return rows.status().error();
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            const GroupKey &key = it.key();
            addCalls(key.company == Null ? std::nullopt : std::optional<qint64>(key.company),
                     key.number == Null ? std::nullopt : std::optional<qint64>(key.number), key.inbound,
                     it.value());
        }
        for (auto it = hours.cbegin(); it != hours.cend(); ++it)
            addSharedHour(it.key().first, it.key().second, it.value().first, it.value().second);
    } else {
        QSqlQuery query(db.connection());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral(
            "SELECT company_id, number_id, direction, started_at / 3600, COUNT(*), SUM(billed_minutes), "
            "SUM(duration_seconds), SUM(estimated_cost_micros), SUM(COALESCE(twilio_price_micros, "
            "estimated_cost_micros)), SUM(CASE WHEN twilio_price_micros IS NULL THEN 0 ELSE 1 END), "
            "SUM(COALESCE(twilio_price_micros, 0)), SUM(CASE WHEN twilio_price_micros IS NULL THEN 0 ELSE "
            "estimated_cost_micros END) FROM call_records WHERE started_at >= ? AND started_at < ? "
            "GROUP BY company_id, number_id, direction, started_at / 3600"));
        query.addBindValue(report.fromSecs);
        query.addBindValue(report.toSecs);
        if (!query.exec())
            return Sql::storageError(query);
        while (query.next()) {
            const std::optional<qint64> numberId = Sql::optionalInt(query.value(1));
            CallSums sums;
            sums.calls = query.value(4).toLongLong();
            sums.minutes = query.value(5).toLongLong();
            sums.seconds = query.value(6).toLongLong();
            sums.estimate = query.value(7).toLongLong();
            sums.cost = query.value(8).toLongLong();
            sums.twilioPricedCalls = query.value(9).toLongLong();
            sums.twilioBilled = query.value(10).toLongLong();
            sums.estimateOfTwilioPriced = query.value(11).toLongLong();
            addCalls(Sql::optionalInt(query.value(0)), numberId,
                     query.value(2).toString() == QLatin1String("inbound"), sums);
            addSharedHour(numberId, query.value(3).toLongLong(), sums.seconds, sums.calls);
        }
    }

    // Shared rental, per environment, pro rata to minutes on that environment's shared numbers.
    QMap<QString, Micros> sharedRentalByEnv;
    QMap<QString, int> sharedCountByEnv;
    for (const NumberInfo &info : numbers) {
        if (!info.dedicatedTo) {
            sharedRentalByEnv[info.environment] += info.price;
            ++sharedCountByEnv[info.environment];
        }
    }
    for (auto env = sharedRentalByEnv.cbegin(); env != sharedRentalByEnv.cend(); ++env) {
        const QMap<int, qint64> users = sharedMinutes.value(env.key());
        QList<int> indexes;
        QList<qint64> weights;
        for (auto it = users.cbegin(); it != users.cend(); ++it) {
            if (it.value() > 0) {
                indexes << it.key();
                weights << it.value();
            }
        }
        if (indexes.isEmpty()) {
            report.unallocatedSharedRental += env.value();
            continue;
        }
        const QList<Micros> shares = splitProRata(env.value(), weights);
        for (qsizetype i = 0; i < indexes.size(); ++i) {
            report.companies[indexes[i]].sharedRentalShare += shares[i];
            report.companies[indexes[i]].sharedMinutes += weights[i];
        }
    }

    for (CompanyCost &company : report.companies) {
        company.total =
            company.dedicatedRental + company.sharedRentalShare + company.outbound + company.inbound;
        report.outbound += company.outbound;
        report.inbound += company.inbound;
        report.total += company.total;
        report.twilioBilled += company.twilioBilled;
        report.estimateOfTwilioPriced += company.estimateOfTwilioPriced;
        report.twilioPricedCalls += company.twilioPricedCalls;
    }
    report.total += report.unallocatedSharedRental;

    // Utilization and advice per number.
    const QLocale locale;
    for (qsizetype n = 0; n < report.numbers.size(); ++n) {
        NumberCost &number = report.numbers[n];
        const NumberInfo &info = numbers[n];
        const qint64 owned =
            std::clamp(report.toSecs - std::max(info.boughtAt, report.fromSecs), qint64(1), monthSeconds);
        number.utilization = static_cast<double>(number.busySeconds) / static_cast<double>(owned);
        const bool ownedAllMonth = info.boughtAt < report.fromSecs;
        const bool usedSince = info.lastUsedAt && *info.lastUsedAt >= report.toSecs;
        if (number.calls == 0 && ownedAllMonth && !usedSince) {
            CostAdvice advice;
            advice.kind = CostAdvice::Kind::ReleaseIdle;
            advice.environment = info.environment;
            advice.e164 = info.e164;
            advice.numbers = 1;
            advice.monthlyChange = info.price;
            advice.message =
                info.dedicatedTo
                    ? QCoreApplication::translate(
                          "CostReport",
                          "%1 (dedicated to %2) had no calls in %3. Release it to save %4 a month.")
                          .arg(info.e164, number.dedicatedCompanyName, report.month,
                               Money::format(info.price, locale))
                    : QCoreApplication::translate(
                          "CostReport", "%1 (shared, %2) had no calls in %3. Release it to save %4 a month.")
                          .arg(info.e164, info.environment, report.month, Money::format(info.price, locale));
            report.advice.append(advice);
        } else if (info.dedicatedTo && number.calls > 0 &&
                   number.utilization < options.underusedUtilization) {
            CostAdvice advice;
            advice.kind = CostAdvice::Kind::UnderusedDedicated;
            advice.environment = info.environment;
            advice.e164 = info.e164;
            advice.numbers = 1;
            advice.monthlyChange = info.price;
            advice.message =
                QCoreApplication::translate(
                    "CostReport",
                    "%1, dedicated to %2, was in calls %3% of the time in %4 (%5 calls). Moving %2 to "
                    "the hybrid or standard plan and releasing it would save %6 a month.")
                    .arg(info.e164, number.dedicatedCompanyName,
                         locale.toString(number.utilization * 100.0, 'f', 2), report.month,
                         locale.toString(number.calls), Money::format(info.price, locale));
            report.advice.append(advice);
        }
    }

    // Erlang B sizing of each environment's shared pool from its busiest hour.
    for (auto env = sharedCountByEnv.cbegin(); env != sharedCountByEnv.cend(); ++env) {
        PoolSizing sizing;
        sizing.environment = env.key();
        sizing.sharedNumbers = env.value();
        sizing.blockingTarget = options.blockingTarget;
        const auto hours = sharedHours.value(env.key());
        qint64 bestSeconds = 0;
        for (auto it = hours.cbegin(); it != hours.cend(); ++it) {
            const qint64 start = it.key() * 3600;
            if (it.value().first > bestSeconds ||
                (it.value().first == bestSeconds && bestSeconds > 0 && start < sizing.busiestHourStart)) {
                bestSeconds = it.value().first;
                sizing.busiestHourStart = start;
                sizing.busiestHourCalls = it.value().second;
            }
        }
        sizing.erlangs = static_cast<double>(bestSeconds) / 3600.0;
        const int concurrency =
            std::max<qint64>(1, Settings::intValue(db, SettingKeys::PerNumberConcurrency, 1));
        const int lines =
            sizing.erlangs > 0.0 ? ErlangB::linesFor(sizing.erlangs, options.blockingTarget) : 0;
        sizing.recommended = (lines + concurrency - 1) / concurrency;
        report.sizing.append(sizing);
        if (sizing.busiestHourCalls == 0)
            continue;
        const Micros averagePrice = sharedRentalByEnv.value(env.key()) / std::max(1, env.value());
        const QString hour = zone.displayText(sizing.busiestHourStart);
        const QString target = locale.toString(options.blockingTarget * 100.0, 'g', 3);
        if (sizing.sharedNumbers > sizing.recommended) {
            CostAdvice advice;
            advice.kind = CostAdvice::Kind::PoolTooLarge;
            advice.environment = env.key();
            advice.numbers = sizing.sharedNumbers - sizing.recommended;
            advice.monthlyChange = averagePrice * advice.numbers;
            advice.message =
                QCoreApplication::translate(
                    "CostReport",
                    "The %1 shared pool has %2 numbers; Erlang B says %3 keep blocking under %4% "
                    "at the busiest hour "
                    "(%5, %6 erlangs). Releasing %7 would save about %8 a month.")
                    .arg(env.key())
                    .arg(sizing.sharedNumbers)
                    .arg(sizing.recommended)
                    .arg(target, hour, locale.toString(sizing.erlangs, 'f', 2))
                    .arg(advice.numbers)
                    .arg(Money::format(advice.monthlyChange, locale));
            report.advice.append(advice);
        } else if (sizing.sharedNumbers < sizing.recommended) {
            CostAdvice advice;
            advice.kind = CostAdvice::Kind::PoolTooSmall;
            advice.environment = env.key();
            advice.numbers = sizing.recommended - sizing.sharedNumbers;
            advice.monthlyChange = -averagePrice * advice.numbers;
            advice.message =
                QCoreApplication::translate(
                    "CostReport",
                    "The %1 shared pool has %2 numbers; Erlang B needs %3 to keep blocking under "
                    "%4% at the busiest "
                    "hour (%5, %6 erlangs). Adding %7 would cost about %8 a month.")
                    .arg(env.key())
                    .arg(sizing.sharedNumbers)
                    .arg(sizing.recommended)
                    .arg(target, hour, locale.toString(sizing.erlangs, 'f', 2))
                    .arg(advice.numbers)
                    .arg(Money::format(-advice.monthlyChange, locale));
            report.advice.append(advice);
        }
    }
    return report;
}

static QString usd(Micros amount) {
    return Money::toPlainString(amount, 6);
}

Status writeCsv(const CostReport &report, CsvSection section, QIODevice &device, CsvWriter::Options options) {
    CsvWriter writer(device, options);
    Micros poolAdjusted = 0; // corrections to closed months' unallocated shared rental
    for (const CostAdjustment &a : report.poolAdjustments)
        poolAdjusted += a.total();
    switch (section) {
    case CsvSection::Companies:
        writer.writeRow({QCoreApplication::translate("CostReport", "Month (%1)").arg(report.timeZone),
                         QCoreApplication::translate("CostReport", "Company"),
                         QCoreApplication::translate("CostReport", "Plan"),
                         QCoreApplication::translate("CostReport", "Dedicated numbers"),
                         QCoreApplication::translate("CostReport", "Dedicated rental (USD)"),
                         QCoreApplication::translate("CostReport", "Shared minutes"),
                         QCoreApplication::translate("CostReport", "Shared rental share (USD)"),
                         QCoreApplication::translate("CostReport", "Outbound calls"),
                         QCoreApplication::translate("CostReport", "Outbound minutes"),
                         QCoreApplication::translate("CostReport", "Outbound (USD)"),
                         QCoreApplication::translate("CostReport", "Inbound calls"),
                         QCoreApplication::translate("CostReport", "Inbound minutes"),
                         QCoreApplication::translate("CostReport", "Inbound (USD)"),
                         QCoreApplication::translate("CostReport", "Adjustments (USD)"),
                         QCoreApplication::translate("CostReport", "Total (USD)"),
                         QCoreApplication::translate("CostReport", "Twilio-priced calls"),
                         QCoreApplication::translate("CostReport", "Twilio billed (USD)"),
                         QCoreApplication::translate("CostReport", "Estimate of those calls (USD)")});
        for (const CompanyCost &c : report.companies) {
            writer.addText(report.month);
            writer.addText(c.name);
            writer.addText(c.companyId == 0 ? QString() : toString(c.plan));
            writer.addNumber(c.dedicatedNumbers);
            writer.addNumber(usd(c.dedicatedRental));
            writer.addNumber(c.sharedMinutes);
            writer.addNumber(usd(c.sharedRentalShare));
            writer.addNumber(c.outboundCalls);
            writer.addNumber(c.outboundMinutes);
            writer.addNumber(usd(c.outbound));
            writer.addNumber(c.inboundCalls);
            writer.addNumber(c.inboundMinutes);
            writer.addNumber(usd(c.inbound));
            writer.addNumber(usd(c.adjustmentTotal()));
            writer.addNumber(usd(c.total));
            writer.addNumber(c.twilioPricedCalls);
            writer.addNumber(usd(c.twilioBilled));
            writer.addNumber(usd(c.estimateOfTwilioPriced));
            writer.endRow();
        }
        if (poolAdjusted != 0 || report.unallocatedSharedRental != 0) {
            writer.addText(report.month);
            writer.addText(QCoreApplication::translate("CostReport", "(unallocated shared rental)"));
            for (int i = 0; i < 4; ++i)
                writer.addText(QString());
            writer.addNumber(usd(report.unallocatedSharedRental));
            for (int i = 0; i < 6; ++i)
                writer.addText(QString());
            writer.addNumber(usd(poolAdjusted));
            writer.addNumber(usd(report.unallocatedSharedRental + poolAdjusted));
            for (int i = 0; i < 3; ++i)
                writer.addText(QString());
            writer.endRow();
        }
        writer.addText(report.month);
        writer.addText(QCoreApplication::translate("CostReport", "Total"));
        writer.addText(QString());
        writer.addText(QString());
        writer.addNumber(usd(report.dedicatedRental));
        writer.addText(QString());
        writer.addNumber(usd(report.sharedRental));
        writer.addText(QString());
        writer.addText(QString());
        writer.addNumber(usd(report.outbound));
        writer.addText(QString());
        writer.addText(QString());
        writer.addNumber(usd(report.inbound));
        writer.addNumber(usd(report.adjustments));
        writer.addNumber(usd(report.total));
        writer.addNumber(report.twilioPricedCalls);
        writer.addNumber(usd(report.twilioBilled));
        writer.addNumber(usd(report.estimateOfTwilioPriced));
        writer.endRow();
        break;
    case CsvSection::Numbers:
        writer.writeRow({QCoreApplication::translate("CostReport", "Month (%1)").arg(report.timeZone),
                         QCoreApplication::translate("CostReport", "Number"),
                         QCoreApplication::translate("CostReport", "Environment"),
                         QCoreApplication::translate("CostReport", "Dedicated to"),
                         QCoreApplication::translate("CostReport", "Rental (USD)"),
                         QCoreApplication::translate("CostReport", "Calls"),
                         QCoreApplication::translate("CostReport", "Minutes"),
                         QCoreApplication::translate("CostReport", "Call cost (USD)"),
                         QCoreApplication::translate("CostReport", "Utilization")});
        for (const NumberCost &n : report.numbers) {
            writer.addText(report.month);
            writer.addText(n.e164);
            writer.addText(n.environment);
            writer.addText(n.dedicatedCompanyName);
            writer.addNumber(usd(n.rental));
            writer.addNumber(n.calls);
            writer.addNumber(n.minutes);
            writer.addNumber(usd(n.callCost));
            writer.addNumber(QString::number(n.utilization, 'f', 6));
            writer.endRow();
        }
        break;
    case CsvSection::Advice:
        writer.writeRow({QCoreApplication::translate("CostReport", "Month"),
                         QCoreApplication::translate("CostReport", "Environment"),
                         QCoreApplication::translate("CostReport", "Number"),
                         QCoreApplication::translate("CostReport", "Numbers"),
                         QCoreApplication::translate("CostReport", "Monthly saving (USD)"),
                         QCoreApplication::translate("CostReport", "Advice")});
        for (const CostAdvice &a : report.advice) {
            writer.addText(report.month);
            writer.addText(a.environment);
            writer.addText(a.e164);
            writer.addNumber(a.numbers);
            writer.addNumber(usd(a.monthlyChange));
            writer.addText(a.message);
            writer.endRow();
        }
        break;
    }
    if (!writer.flush())
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate(
                "CostReport",
                "Writing the CSV file failed: %1. Check the free space and that the file is writable.")
                .arg(device.errorString()));
    return success();
}

} // namespace CostReports
} // namespace PoolDesk
