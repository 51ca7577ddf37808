#pragma once

#include <QString>

// What counts as an answered call, as SQL conditions over call_records, for every figure that
// speaks of answer rates: a number's health (Reputation) and the Usage view's answer rate by number
// (AnswerRates). One definition, so the chart and the health column never disagree on a call.
//
// Each takes the table's alias with its dot ("c.") or nothing when the columns are unambiguous.
namespace PoolDesk::AnswerRule {

// A call shorter than this that Twilio reported completed was hung up at once or met a machine.
constexpr int AnsweredSeconds = 6;

// Only outbound calls say anything about how callees take the caller ID.
inline QString outbound(const QString &table = {}) {
    return QStringLiteral("%1direction = 'outbound'").arg(table);
}

// The calls whose end is known: Twilio reported an outcome, or (a release without one) the call
// lasted AnsweredSeconds, so it was answered. A short call without an outcome says nothing.
inline QString judged(const QString &table = {}) {
    return QStringLiteral("(%1outcome IS NOT NULL OR %1duration_seconds >= %2)")
        .arg(table)
        .arg(AnsweredSeconds);
}

// Of those, the answered: completed (or without an outcome) and AnsweredSeconds or longer.
inline QString answered(const QString &table = {}) {
    return QStringLiteral("((%1outcome IS NULL OR %1outcome = 'completed') AND %1duration_seconds >= %2)")
        .arg(table)
        .arg(AnsweredSeconds);
}

// Completed under AnsweredSeconds: hung up at once, or a machine.
inline QString shortCall(const QString &table = {}) {
    return QStringLiteral("(%1outcome = 'completed' AND %1duration_seconds < %2)")
        .arg(table)
        .arg(AnsweredSeconds);
}

// SIP 603 (declined), 607 (unwanted), 608 (rejected): carriers' spam labels.
inline QString blocked(const QString &table = {}) {
    return QStringLiteral("%1sip_code IN (603, 607, 608)").arg(table);
}

} // namespace PoolDesk::AnswerRule
