#include "twilio/ReconcileOperation.h"

#include "billing/CostReport.h"
#include "billing/Rental.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "twilio/TwilioClient.h"
#include "twilio/TwilioTypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QtNumeric>

#include <memory>
#include <optional>

namespace PoolDesk::Twilio {

QString ReconcileLine::explanation() const {
    QStringList why;
    if (!twilioReported)
        return QCoreApplication::translate("ReconcileOperation",
                                           "Twilio reported no usage in this category.");
    if (twilioCount > poolCount)
        why.append(category == Category::LocalNumbers
                       ? QCoreApplication::translate("ReconcileOperation",
                                                     "%n number(s) on the account outside the pool", nullptr,
                                                     int(twilioCount - poolCount))
                       : QCoreApplication::translate("ReconcileOperation",
                                                     "%n call(s) Twilio billed that PoolDesk has not synced "
                                                     "(run Twilio ▸ Sync Calls)",
                                                     nullptr, int(twilioCount - poolCount)));
    else if (poolCount > twilioCount)
        why.append(
            category == Category::LocalNumbers
                ? QCoreApplication::translate("ReconcileOperation",
                                              "%n number(s) charged here that Twilio did not bill this month",
                                              nullptr, int(poolCount - twilioCount))
                : QCoreApplication::translate("ReconcileOperation",
                                              "%n call(s) here that Twilio has not billed yet", nullptr,
                                              int(poolCount - twilioCount)));
    if (poolEstimated > 0)
        why.append(QCoreApplication::translate("ReconcileOperation",
                                               "%n call(s) still at the estimate (Twilio's price not synced)",
                                               nullptr, int(poolEstimated)));
    if (why.isEmpty() && difference() != 0)
        why.append(QCoreApplication::translate("ReconcileOperation", "prices differ from the tariff"));
    return why.join(QStringLiteral("; "));
}

Status ReconcileOperation::countPoolSide(qint64 fromSecs, qint64 toSecs) {
    const QString environment = m_context.profile.name;
    for (const auto &[category, twilio, direction] :
         {std::tuple{ReconcileLine::Category::OutboundCalls, QStringLiteral("calls-outbound"),
                     QStringLiteral("outbound")},
          std::tuple{ReconcileLine::Category::InboundCalls, QStringLiteral("calls-inbound"),
                     QStringLiteral("inbound")}}) {
        auto q = Sql::exec(
            db().connection(),
            QStringLiteral("SELECT COUNT(*), COALESCE(SUM(COALESCE(twilio_price_micros, "
                           "estimated_cost_micros)), 0), COALESCE(SUM(CASE WHEN twilio_price_micros IS "
                           "NULL THEN 1 ELSE 0 END), 0) FROM call_records WHERE environment = ? AND "
                           "direction = ? AND started_at >= ? AND started_at < ?"),
            {environment, direction, fromSecs, toSecs});
        if (!q)
            return q.error();
        ReconcileLine line;
        line.category = category;
        line.twilioCategory = twilio;
        if (q.value().next()) {
            line.poolCount = q.value().value(0).toLongLong();
            line.poolAmount = q.value().value(1).toLongLong();
            line.poolEstimated = q.value().value(2).toLongLong();
        }
        m_lines.append(line);
    }
    auto charges = Rental::charges(db(), fromSecs, toSecs, BillingZone::utc());
    if (!charges)
        return charges.error();
    ReconcileLine numbers;
    numbers.category = ReconcileLine::Category::LocalNumbers;
    numbers.twilioCategory = QStringLiteral("phonenumbers-local");
    for (const RentalCharge &charge : charges.value()) {
        if (charge.environment != environment)
            continue;
        ++numbers.poolCount;
        numbers.poolAmount += charge.price;
    }
    m_lines.append(numbers);
    return success();
}

void ReconcileOperation::run() {
    auto range = CostReports::monthRange(m_month, BillingZone::utc()); // Twilio bills in UTC
    if (!range)
        return finish(range.error());
    if (auto counted = countPoolSide(range->first, range->second); !counted)
        return finish(counted);
    const QDate first = QDateTime::fromSecsSinceEpoch(range->first, Qt::UTC).date();
    const QUrl url = client().accountUrl(
        QStringLiteral("Usage/Records/Monthly.json"),
        {{QStringLiteral("StartDate"), first.toString(Qt::ISODate)},
         {QStringLiteral("EndDate"), first.addDays(first.daysInMonth() - 1).toString(Qt::ISODate)},
         {QStringLiteral("PageSize"), QStringLiteral("1000")}});
    report(0, 0, tr("Reading Twilio's usage records for %1…").arg(m_month));
    // Set when a record cannot be added up: the comparison stops there rather than show figures
    // that wrapped around.
    auto refused = std::make_shared<std::optional<Error>>();
    client().fetchPages(
        url, QStringLiteral("usage_records"), this,
        [this, refused](const QJsonArray &items, const QJsonObject &) {
            for (const QJsonValue &value : items) {
                const UsageRecord record = Json::usageRecord(value.toObject());
                for (ReconcileLine &line : m_lines) {
                    if (line.twilioCategory != record.category)
                        continue;
                    qint64 count = 0;
                    Micros amount = 0;
                    if (record.count < 0 || qAddOverflow(line.twilioCount, record.count, &count) ||
                        qAddOverflow(line.twilioAmount, record.price, &amount)) {
                        *refused = makeError(
                            Error::Code::Network,
                            tr("Twilio's usage records for %1 cannot be added up (a count below zero, or a "
                               "total beyond what PoolDesk can hold); nothing was compared.")
                                .arg(record.category),
                            Reason::BadResponse);
                        return false;
                    }
                    line.twilioReported = true;
                    line.twilioCount = count;
                    line.twilioAmount = amount;
                }
            }
            return !isCancelled();
        },
        [this, refused](Status done) {
            if (stopIfCancelled())
                return;
            finish(*refused ? Status(**refused) : done);
        });
}

} // namespace PoolDesk::Twilio
