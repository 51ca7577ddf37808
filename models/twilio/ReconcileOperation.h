#pragma once

#include "domain/Money.h"
#include "twilio/Operation.h"

#include <QList>
#include <QString>

namespace PoolDesk::Twilio {

// One category of a month's bill: what PoolDesk counted for the environment and what Twilio's usage
// records say, with the difference explained where PoolDesk can tell why.
struct ReconcileLine {
    enum class Category { OutboundCalls, InboundCalls, LocalNumbers } category = Category::OutboundCalls;
    QString twilioCategory;   // "calls-outbound", "calls-inbound", "phonenumbers-local"
    qint64 poolCount = 0;     // calls, or numbers charged
    Micros poolAmount = 0;    // Twilio's price where synced, else the estimate; rental as due
    qint64 poolEstimated = 0; // of poolCount: calls Twilio has not priced yet (estimated)
    qint64 twilioCount = 0;
    Micros twilioAmount = 0;
    bool twilioReported = false; // the category was in Twilio's records
    Micros difference() const { return twilioAmount - poolAmount; }
    // Why the figures differ, translated; empty when they agree.
    QString explanation() const;
};

// Compares a month of one environment with Twilio's monthly usage records
// (/Usage/Records/Monthly.json, paged) for outbound calls, inbound calls and local numbers. Twilio
// keeps its months in UTC, and so does this comparison.
class ReconcileOperation final : public Operation {
    Q_OBJECT
public:
    ReconcileOperation(OperationContext context, QString month, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_month(std::move(month)) {}
    const QString &month() const { return m_month; }
    const QList<ReconcileLine> &lines() const { return m_lines; }

protected:
    void run() override;

private:
    Status countPoolSide(qint64 fromSecs, qint64 toSecs);

    QString m_month;
    QList<ReconcileLine> m_lines;
};

} // namespace PoolDesk::Twilio
