#pragma once

#include "billing/CsvWriter.h"
#include "domain/Money.h"
#include "domain/Result.h"
#include "domain/Types.h"

#include <QIODevice>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace PoolDesk {

class Database;

// One company's costs for a month. Amounts are micro-dollars; total = dedicatedRental +
// sharedRentalShare + outbound + inbound.
struct CompanyCost {
    qint64 companyId = 0; // 0: calls whose company was deleted
    QString name;
    Plan plan = Plan::Standard;
    int dedicatedNumbers = 0;
    Micros dedicatedRental = 0;
    qint64 sharedMinutes = 0; // billed minutes on shared numbers: the basis of the share
    Micros sharedRentalShare = 0;
    qint64 outboundCalls = 0;
    qint64 inboundCalls = 0;
    qint64 outboundMinutes = 0;
    qint64 inboundMinutes = 0;
    Micros outbound = 0; // Twilio's price where reported, the tariff estimate otherwise
    Micros inbound = 0;
    Micros total = 0;
    // Estimated versus Twilio-billed, for the calls whose price Twilio reported.
    qint64 twilioPricedCalls = 0;
    Micros twilioBilled = 0;
    Micros estimateOfTwilioPriced = 0;
    Micros estimatedCalls = 0; // the tariff estimate of all calls
};

struct NumberCost {
    qint64 numberId = 0;
    QString e164;
    QString environment;
    std::optional<qint64> dedicatedCompanyId;
    QString dedicatedCompanyName;
    Micros rental = 0; // charged this month (0 when bought after the month)
    qint64 calls = 0;
    qint64 minutes = 0;
    qint64 busySeconds = 0;
    Micros callCost = 0;
    double utilization = 0.0; // busy time / the month's time
};

struct CostAdvice {
    enum class Kind { ReleaseIdle, UnderusedDedicated, PoolTooLarge, PoolTooSmall };
    Kind kind = Kind::ReleaseIdle;
    QString environment;
    QString e164;             // the number concerned, when one
    int numbers = 0;          // how many numbers to release (or add)
    Micros monthlyChange = 0; // saving per month (negative: the extra cost of adding numbers)
    QString message;          // translated, says what to do
};

// Erlang B sizing of one environment's shared pool from the month's busiest hour.
struct PoolSizing {
    QString environment;
    int sharedNumbers = 0;
    qint64 busiestHourStart = 0; // UTC seconds; 0 when there were no calls
    qint64 busiestHourCalls = 0;
    double erlangs = 0.0;
    double blockingTarget = 0.01;
    int recommended = 0;
};

struct CostReport {
    QString month; // "yyyy-MM" (UTC)
    qint64 fromSecs = 0;
    qint64 toSecs = 0;
    QList<CompanyCost> companies; // by name; a "deleted company" row last when such calls exist
    QList<NumberCost> numbers;    // by environment, number
    QList<CostAdvice> advice;
    QList<PoolSizing> sizing;
    Micros sharedRental = 0;            // all shared numbers charged this month
    Micros unallocatedSharedRental = 0; // shared rental of environments nobody called from
    Micros dedicatedRental = 0;
    Micros outbound = 0;
    Micros inbound = 0;
    Micros total = 0; // companies' totals + unallocated shared rental
    Micros twilioBilled = 0;
    Micros estimateOfTwilioPriced = 0;
    qint64 twilioPricedCalls = 0;
    qint64 calls = 0;

    // The rule the shared-rental shares follow, translated, for the screen and the reports.
    static QString sharingRule();
    static QString pricingRule();
};

struct CostReportOptions {
    double blockingTarget = 0.01;
    // A dedicated number busier than this share of the month is not "underused".
    double underusedUtilization = 0.01;
};

namespace CostReports {

// Parses "yyyy-MM"; returns the UTC month's [from, to) in seconds.
Result<std::pair<qint64, qint64>> monthRange(const QString &month);

// Builds the month's report from one pass over the month's calls (grouped in SQL) plus the
// number and company tables. Twilio charges a number's monthly fee on the day of the month it
// was bought, so every number bought before the month's end is charged once in the month.
Result<CostReport> build(Database &db, const QString &month, const CostReportOptions &options = {});

// Splits `total` between weights exactly: each share is total * weight / sum rounded down, then
// the micro-dollars left over go one each to the largest remainders (ties: larger weight, then
// earlier position). The shares always add up to `total`.
QList<Micros> splitProRata(Micros total, const QList<qint64> &weights);

QJsonObject toJson(const CostReport &report);
enum class CsvSection { Companies, Numbers, Advice };
// One table per file (RFC 4180 has one header): the companies with a total row, the numbers, or
// the advice. Amounts in USD with six decimals (exact micro-dollars).
Status writeCsv(const CostReport &report, CsvSection section, QIODevice &device, CsvWriter::Options options);

} // namespace CostReports
} // namespace PoolDesk
