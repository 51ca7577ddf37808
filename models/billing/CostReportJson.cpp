// The cost report as JSON: what `pooldeskctl report costs --json` prints, and the document a
// closed month stores (whose SHA-256 the audit log holds), so it must read back exactly.
#include "billing/CostReport.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace PoolDesk {

Micros CompanyCost::adjustmentTotal() const {
    Micros sum = 0;
    for (const CostAdjustment &a : adjustments)
        sum += a.total();
    return sum;
}

namespace CostReports {

namespace {
QString usd(Micros amount) {
    return Money::toPlainString(amount, 6);
}
qint64 integer(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toInteger();
}
QString text(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toString();
}
} // namespace

static QJsonArray adjustmentsToJson(const QList<CostAdjustment> &list) {
    QJsonArray adjustments;
    for (const CostAdjustment &a : list)
        adjustments.append(QJsonObject{{QStringLiteral("month"), a.month},
                                       {QStringLiteral("dedicated_rental_micros"), a.dedicatedRental},
                                       {QStringLiteral("shared_rental_micros"), a.sharedRentalShare},
                                       {QStringLiteral("outbound_micros"), a.outbound},
                                       {QStringLiteral("inbound_micros"), a.inbound},
                                       {QStringLiteral("total_micros"), a.total()}});
    return adjustments;
}

static QList<CostAdjustment> adjustmentsFromJson(const QJsonValue &value) {
    QList<CostAdjustment> list;
    for (const QJsonValue &item : value.toArray()) {
        const QJsonObject a = item.toObject();
        list.append({text(a, "month"), integer(a, "dedicated_rental_micros"),
                     integer(a, "shared_rental_micros"), integer(a, "outbound_micros"),
                     integer(a, "inbound_micros")});
    }
    return list;
}

QJsonObject companyToJson(const CompanyCost &c) {
    const QJsonArray adjustments = adjustmentsToJson(c.adjustments);
    return QJsonObject{
        {QStringLiteral("company_id"), c.companyId},
        {QStringLiteral("company"), c.name},
        {QStringLiteral("plan"), c.companyId == 0 ? QJsonValue() : QJsonValue(toString(c.plan))},
        {QStringLiteral("dedicated_numbers"), c.dedicatedNumbers},
        {QStringLiteral("dedicated_rental"), usd(c.dedicatedRental)},
        {QStringLiteral("shared_minutes"), c.sharedMinutes},
        {QStringLiteral("shared_rental_share"), usd(c.sharedRentalShare)},
        {QStringLiteral("outbound_calls"), c.outboundCalls},
        {QStringLiteral("outbound_minutes"), c.outboundMinutes},
        {QStringLiteral("outbound"), usd(c.outbound)},
        {QStringLiteral("inbound_calls"), c.inboundCalls},
        {QStringLiteral("inbound_minutes"), c.inboundMinutes},
        {QStringLiteral("inbound"), usd(c.inbound)},
        {QStringLiteral("total"), usd(c.total)},
        {QStringLiteral("total_micros"), c.total},
        {QStringLiteral("twilio_priced_calls"), c.twilioPricedCalls},
        {QStringLiteral("twilio_billed"), usd(c.twilioBilled)},
        {QStringLiteral("estimate_of_twilio_priced"), usd(c.estimateOfTwilioPriced)},
        // For programs: integer micro-dollars, total = the four parts + adjustments. The total uses
        // Twilio's price for the calls it priced and the estimate for the rest; estimated_micros is
        // the same month at the tariff alone, twilio_billed_micros what Twilio billed for its calls.
        {QStringLiteral("dedicated_rental_micros"), c.dedicatedRental},
        {QStringLiteral("shared_rental_micros"), c.sharedRentalShare},
        {QStringLiteral("outbound_micros"), c.outbound},
        {QStringLiteral("inbound_micros"), c.inbound},
        {QStringLiteral("adjustments_micros"), c.adjustmentTotal()},
        {QStringLiteral("adjustments"), adjustments},
        {QStringLiteral("estimated_micros"), c.dedicatedRental + c.sharedRentalShare + c.estimatedCalls},
        {QStringLiteral("estimated_calls_micros"), c.estimatedCalls},
        {QStringLiteral("twilio_billed_micros"), c.twilioBilled},
        {QStringLiteral("estimate_of_twilio_priced_micros"), c.estimateOfTwilioPriced},
    };
}

CompanyCost companyFromJson(const QJsonObject &o) {
    CompanyCost c;
    c.companyId = integer(o, "company_id");
    c.name = text(o, "company");
    c.plan = planFromString(text(o, "plan")).value_or(Plan::Standard);
    c.dedicatedNumbers = int(integer(o, "dedicated_numbers"));
    c.dedicatedRental = integer(o, "dedicated_rental_micros");
    c.sharedMinutes = integer(o, "shared_minutes");
    c.sharedRentalShare = integer(o, "shared_rental_micros");
    c.outboundCalls = integer(o, "outbound_calls");
    c.inboundCalls = integer(o, "inbound_calls");
    c.outboundMinutes = integer(o, "outbound_minutes");
    c.inboundMinutes = integer(o, "inbound_minutes");
    c.outbound = integer(o, "outbound_micros");
    c.inbound = integer(o, "inbound_micros");
    c.total = integer(o, "total_micros");
    c.twilioPricedCalls = integer(o, "twilio_priced_calls");
    c.twilioBilled = integer(o, "twilio_billed_micros");
    c.estimateOfTwilioPriced = integer(o, "estimate_of_twilio_priced_micros");
    c.estimatedCalls = integer(o, "estimated_calls_micros");
    c.adjustments = adjustmentsFromJson(o.value(QLatin1String("adjustments")));
    return c;
}

QJsonObject toJson(const CostReport &report) {
    QJsonArray companies;
    for (const CompanyCost &c : report.companies)
        companies.append(companyToJson(c));
    QJsonArray numbers;
    for (const NumberCost &n : report.numbers) {
        numbers.append(QJsonObject{
            {QStringLiteral("number_id"), n.numberId},
            {QStringLiteral("number"), n.e164},
            {QStringLiteral("environment"), n.environment},
            {QStringLiteral("dedicated_to"),
             n.dedicatedCompanyId ? QJsonValue(n.dedicatedCompanyName) : QJsonValue()},
            {QStringLiteral("dedicated_to_id"),
             n.dedicatedCompanyId ? QJsonValue(*n.dedicatedCompanyId) : QJsonValue()},
            {QStringLiteral("rental"), usd(n.rental)},
            {QStringLiteral("rental_micros"), n.rental},
            {QStringLiteral("calls"), n.calls},
            {QStringLiteral("minutes"), n.minutes},
            {QStringLiteral("busy_seconds"), n.busySeconds},
            {QStringLiteral("call_cost"), usd(n.callCost)},
            {QStringLiteral("call_cost_micros"), n.callCost},
            {QStringLiteral("utilization"), n.utilization},
        });
    }
    QJsonArray advice;
    static const char *kinds[] = {"release_idle", "underused_dedicated", "pool_too_large", "pool_too_small"};
    for (const CostAdvice &a : report.advice) {
        advice.append(QJsonObject{
            {QStringLiteral("kind"), QString::fromLatin1(kinds[static_cast<int>(a.kind)])},
            {QStringLiteral("environment"), a.environment},
            {QStringLiteral("number"), a.e164.isEmpty() ? QJsonValue() : QJsonValue(a.e164)},
            {QStringLiteral("numbers"), a.numbers},
            {QStringLiteral("monthly_change"), usd(a.monthlyChange)},
            {QStringLiteral("message"), a.message},
        });
    }
    const BillingZone zone = BillingZone::fromId(report.timeZone).value_or(BillingZone());
    QJsonArray sizing;
    for (const PoolSizing &s : report.sizing) {
        sizing.append(QJsonObject{
            {QStringLiteral("environment"), s.environment},
            {QStringLiteral("shared_numbers"), s.sharedNumbers},
            {QStringLiteral("busiest_hour"),
             s.busiestHourStart == 0 ? QJsonValue() : QJsonValue(zone.isoText(s.busiestHourStart))},
            {QStringLiteral("erlangs"), s.erlangs},
            {QStringLiteral("blocking_target"), s.blockingTarget},
            {QStringLiteral("recommended"), s.recommended},
        });
    }
    QJsonObject object{
        {QStringLiteral("month"), report.month},
        {QStringLiteral("time_zone"), report.timeZone},
        {QStringLiteral("from"), zone.isoText(report.fromSecs)},
        {QStringLiteral("to"), zone.isoText(report.toSecs)},
        {QStringLiteral("currency"), QStringLiteral("USD")},
        {QStringLiteral("companies"), companies},
        {QStringLiteral("numbers"), numbers},
        {QStringLiteral("advice"), advice},
        {QStringLiteral("pool_sizing"), sizing},
        {QStringLiteral("shared_rental"), usd(report.sharedRental)},
        {QStringLiteral("shared_rental_micros"), report.sharedRental},
        {QStringLiteral("unallocated_shared_rental"), usd(report.unallocatedSharedRental)},
        {QStringLiteral("unallocated_shared_rental_micros"), report.unallocatedSharedRental},
        {QStringLiteral("dedicated_rental"), usd(report.dedicatedRental)},
        {QStringLiteral("dedicated_rental_micros"), report.dedicatedRental},
        {QStringLiteral("outbound"), usd(report.outbound)},
        {QStringLiteral("outbound_micros"), report.outbound},
        {QStringLiteral("inbound"), usd(report.inbound)},
        {QStringLiteral("inbound_micros"), report.inbound},
        {QStringLiteral("adjustments_micros"), report.adjustments},
        // Corrections to closed months' unallocated shared rental (shared_rental_micros).
        {QStringLiteral("pool_adjustments"), adjustmentsToJson(report.poolAdjustments)},
        {QStringLiteral("total"), usd(report.total)},
        {QStringLiteral("total_micros"), report.total},
        {QStringLiteral("calls"), report.calls},
        {QStringLiteral("twilio_priced_calls"), report.twilioPricedCalls},
        {QStringLiteral("twilio_billed"), usd(report.twilioBilled)},
        {QStringLiteral("twilio_billed_micros"), report.twilioBilled},
        {QStringLiteral("estimate_of_twilio_priced"), usd(report.estimateOfTwilioPriced)},
        {QStringLiteral("estimate_of_twilio_priced_micros"), report.estimateOfTwilioPriced},
        {QStringLiteral("sharing_rule"), CostReport::sharingRule()},
        {QStringLiteral("pricing_rule"), CostReport::pricingRule()},
        {QStringLiteral("closed"), report.closing.has_value()},
    };
    if (report.closing) {
        object.insert(QStringLiteral("closed_at"), zone.isoText(report.closing->closedAt));
        object.insert(QStringLiteral("closed_by"), report.closing->closedBy);
        if (!report.closing->sha256.isEmpty())
            object.insert(QStringLiteral("sha256"), report.closing->sha256);
    }
    if (report.companiesOnly)
        object.insert(QStringLiteral("companies_only"), true);
    return object;
}

CostReport fromJson(const QJsonObject &o) {
    CostReport report;
    report.month = text(o, "month");
    report.timeZone = text(o, "time_zone");
    report.fromSecs = QDateTime::fromString(text(o, "from"), Qt::ISODate).toSecsSinceEpoch();
    report.toSecs = QDateTime::fromString(text(o, "to"), Qt::ISODate).toSecsSinceEpoch();
    for (const QJsonValue &value : o.value(QLatin1String("companies")).toArray())
        report.companies.append(companyFromJson(value.toObject()));
    for (const QJsonValue &value : o.value(QLatin1String("numbers")).toArray()) {
        const QJsonObject n = value.toObject();
        NumberCost number;
        number.numberId = integer(n, "number_id");
        number.e164 = text(n, "number");
        number.environment = text(n, "environment");
        if (!n.value(QLatin1String("dedicated_to_id")).isNull()) {
            number.dedicatedCompanyId = integer(n, "dedicated_to_id");
            number.dedicatedCompanyName = text(n, "dedicated_to");
        }
        number.rental = integer(n, "rental_micros");
        number.calls = integer(n, "calls");
        number.minutes = integer(n, "minutes");
        number.busySeconds = integer(n, "busy_seconds");
        number.callCost = integer(n, "call_cost_micros");
        number.utilization = n.value(QLatin1String("utilization")).toDouble();
        report.numbers.append(number);
    }
    report.sharedRental = integer(o, "shared_rental_micros");
    report.unallocatedSharedRental = integer(o, "unallocated_shared_rental_micros");
    report.dedicatedRental = integer(o, "dedicated_rental_micros");
    report.outbound = integer(o, "outbound_micros");
    report.inbound = integer(o, "inbound_micros");
    report.adjustments = integer(o, "adjustments_micros");
    report.poolAdjustments = adjustmentsFromJson(o.value(QLatin1String("pool_adjustments")));
    report.total = integer(o, "total_micros");
    report.calls = integer(o, "calls");
    report.twilioPricedCalls = integer(o, "twilio_priced_calls");
    report.twilioBilled = integer(o, "twilio_billed_micros");
    report.estimateOfTwilioPriced = integer(o, "estimate_of_twilio_priced_micros");
    if (o.value(QLatin1String("closed")).toBool()) {
        MonthClosing closing;
        closing.closedAt = QDateTime::fromString(text(o, "closed_at"), Qt::ISODate).toSecsSinceEpoch();
        closing.closedBy = text(o, "closed_by");
        closing.sha256 = text(o, "sha256");
        report.closing = closing;
    }
    report.companiesOnly = o.value(QLatin1String("companies_only")).toBool();
    return report;
}

} // namespace CostReports
} // namespace PoolDesk
