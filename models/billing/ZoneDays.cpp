#include "billing/ZoneDays.h"

#include <QTimeZone>

namespace PoolDesk::ZoneDays {

QString dayNumberSql(const BillingZone &zone, qint64 fromSecs, qint64 toSecs, const QString &column) {
    const QTimeZone &tz = zone.timeZone();
    const QDateTime from = QDateTime::fromSecsSinceEpoch(fromSecs, Qt::UTC);
    const auto changes = tz.transitions(from, QDateTime::fromSecsSinceEpoch(toSecs, Qt::UTC));
    const int first = tz.offsetFromUtc(from);
    QString offset;
    if (changes.isEmpty()) {
        offset = QString::number(first);
    } else {
        offset = QStringLiteral("CASE");
        int current = first;
        for (const QTimeZone::OffsetData &change : changes) {
            offset += QStringLiteral(" WHEN %1 < %2 THEN %3")
                          .arg(column)
                          .arg(change.atUtc.toSecsSinceEpoch())
                          .arg(current);
            current = change.offsetFromUtc;
        }
        offset += QStringLiteral(" ELSE %1 END").arg(current);
    }
    return QStringLiteral("((%1 + %2) / 86400)").arg(column, offset);
}

} // namespace PoolDesk::ZoneDays
