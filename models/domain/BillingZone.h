#pragma once

#include <QDate>
#include <QDateTime>
#include <QLocale>
#include <QString>
#include <QTimeZone>

#include <optional>
#include <utility>

namespace PoolDesk {

// The one time zone a workspace counts its months and days in: budget limits, usage, cost
// reports, the console's date filters and the command line's --from/--to/--month. Storage stays
// UTC seconds; this only decides where a month or a day begins and how an instant is printed.
class BillingZone {
public:
    BillingZone(); // UTC
    explicit BillingZone(const QTimeZone &zone);

    // An IANA id ("Asia/Tokyo", "UTC"); nullopt when this machine does not know it.
    static std::optional<BillingZone> fromId(const QString &ianaId);
    static BillingZone system();
    static BillingZone utc() { return {}; }

    QString id() const;
    const QTimeZone &timeZone() const { return m_zone; }
    bool isUtc() const;

    QDateTime at(qint64 secs) const; // the instant, in this zone
    QDate date(qint64 secs) const;
    // "yyyy-MM" of the month holding the instant.
    QString monthKey(qint64 secs) const;
    // First instant of `day` here (the first one that exists, where a change of clocks skips
    // midnight).
    qint64 startOf(const QDate &day) const;
    // [first instant, first instant of the next month) of the month holding `secs`, or of a
    // given month.
    std::pair<qint64, qint64> monthHolding(qint64 secs) const;
    std::pair<qint64, qint64> month(int year, int month) const;
    // "JST", "CET", "UTC": the abbreviation in force at the instant, for printed times.
    QString abbreviation(qint64 secs) const;
    // The instant for people: the locale's short date and time here, and the zone's abbreviation
    // ("2026/11/03 9:30 JST"). withSeconds: "9:30:05".
    QString displayText(qint64 secs, const QLocale &locale = QLocale(), bool withSeconds = false) const;
    // An ISO 8601 text with this zone's offset at the instant, e.g. 2026-11-03T09:00:00+09:00.
    QString isoText(qint64 secs) const;

    bool operator==(const BillingZone &other) const { return id() == other.id(); }

private:
    QTimeZone m_zone;
};

// The zone the console and pooldeskctl print times in: the workspace's billing zone, set when a
// workspace is opened (UTC until then).
namespace DisplayZone {
BillingZone current();
void set(const BillingZone &zone);
} // namespace DisplayZone

} // namespace PoolDesk
