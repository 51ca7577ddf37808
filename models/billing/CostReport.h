#pragma once

#include "billing/CsvWriter.h"
#include "domain/BillingZone.h"
#include "domain/Money.h"
#include "domain/Result.h"
#include "domain/Types.h"

#include <QIODevice>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace PoolDesk {

class Database;

// Late corrections to a closed month (a call synced after closing, a price Twilio changed),
// charged in the first open month after it: what the closed month would now say, less what it
// said when closed and what earlier adjustments already charged.
struct CostAdjustment {
    QString month; // the closed month corrected, "yyyy-MM"
    Micros dedicatedRental = 0;
    Micros sharedRentalShare = 0;
    Micros outbound = 0;
    Micros inbound = 0;
    Micros total() const { return dedicatedRental + sharedRentalShare + outbound + inbound; }
    bool isZero() const {
        return dedicatedRental == 0 && sharedRentalShare == 0 && outbound == 0 && inbound == 0;
    }
};

// One company's costs for a month. Amounts are micro-dollars; total = dedicatedRental +
// sharedRentalShare + outbound + inbound + adjustments.
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
    QList<CostAdjustment> adjustments;
    Micros adjustmentTotal() const;
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

// Who closed a month, when, and the SHA-256 of its stored document (also in the audit log).
struct MonthClosing {
    qint64 closedAt = 0; // UTC seconds
    QString closedBy;
    QString sha256;
    // The stored document still hashes to sha256 (known to those who may read the document:
    // finance and administrators).
    std::optional<bool> verified;
};

struct CostReport {
    QString month;    // "yyyy-MM" in timeZone
    QString timeZone; // the billing zone's IANA id

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
    Micros adjustments = 0; // every adjustment, the companies' and the pool's
    // Corrections to closed months' unallocated shared rental (sharedRentalShare), by month.
    QList<CostAdjustment> poolAdjustments;
    // Set when the month is closed: the report is then the stored one, and never changes.
    std::optional<MonthClosing> closing;
    // Only the reader's companies' closed lines (a manager): no numbers, no shared-pool totals.
    bool companiesOnly = false;

    // The rule the shared-rental shares follow, translated, for the screen and the reports.
    static QString sharingRule();
    static QString pricingRule();
};

struct CostReportOptions {
    double blockingTarget = 0.01;
    // A dedicated number busier than this share of the month is not "underused".
    double underusedUtilization = 0.01;
    // The zone the month is counted in; none: the workspace's billing zone.
    std::optional<BillingZone> zone;
    // Where the month starts instead of its first midnight: the end of the month before when that
    // month was closed in another zone, so no call or fee is counted twice or lost.
    std::optional<qint64> fromSecs;
};

namespace CostReports {

// Parses "yyyy-MM"; returns the month's [from, to) in seconds, counted in `zone`.
Result<std::pair<qint64, qint64>> monthRange(const QString &month, const BillingZone &zone);

// Builds the month's report from one pass over the month's calls (grouped in SQL) plus the
// number and company tables. Twilio charges a number's monthly fee on the day of the month it
// was bought, so every number bought before the month's end is charged once in the month.
Result<CostReport> build(Database &db, const QString &month, const CostReportOptions &options = {});

// Splits `total` between weights exactly: each share is total * weight / sum rounded down, then
// the micro-dollars left over go one each to the largest remainders (ties: larger weight, then
// earlier position). The shares always add up to `total`.
QList<Micros> splitProRata(Micros total, const QList<qint64> &weights);

// The report for programs ("report costs --json"): see CostReportJson.cpp for the fields.
QJsonObject toJson(const CostReport &report);
// The report back from toJson() (a closed month's stored document): companies, numbers and
// totals; advice and sizing are for open months and are not kept.
CostReport fromJson(const QJsonObject &object);
// One company's line as toJson() writes it, and back.
QJsonObject companyToJson(const CompanyCost &company);
CompanyCost companyFromJson(const QJsonObject &object);
enum class CsvSection { Companies, Numbers, Advice };
// One table per file (RFC 4180 has one header): the companies with a total row, the numbers, or
// the advice. Amounts in USD with six decimals (exact micro-dollars).
Status writeCsv(const CostReport &report, CsvSection section, QIODevice &device, CsvWriter::Options options);

} // namespace CostReports
} // namespace PoolDesk
