#include "domain/BillingZone.h"

#include <QMutex>

namespace PoolDesk {

BillingZone::BillingZone()
    : m_zone(QTimeZone::utc()) {}

BillingZone::BillingZone(const QTimeZone &zone)
    : m_zone(zone.isValid() ? zone : QTimeZone::utc()) {}

std::optional<BillingZone> BillingZone::fromId(const QString &ianaId) {
    const QByteArray id = ianaId.trimmed().toUtf8();
    if (id.isEmpty())
        return std::nullopt;
    if (id == "UTC" || id == "Etc/UTC")
        return BillingZone();
    if (!QTimeZone::isTimeZoneIdAvailable(id))
        return std::nullopt;
    QTimeZone zone(id);
    if (!zone.isValid())
        return std::nullopt;
    return BillingZone(zone);
}

BillingZone BillingZone::system() {
    return fromId(QString::fromUtf8(QTimeZone::systemTimeZoneId())).value_or(BillingZone());
}

QString BillingZone::id() const {
    return isUtc() ? QStringLiteral("UTC") : QString::fromUtf8(m_zone.id());
}

bool BillingZone::isUtc() const {
    const QByteArray id = m_zone.id();
    return id == "UTC" || id == "Etc/UTC";
}

QDateTime BillingZone::at(qint64 secs) const {
    return QDateTime::fromSecsSinceEpoch(secs, m_zone);
}

QDate BillingZone::date(qint64 secs) const {
    return at(secs).date();
}

QString BillingZone::monthKey(qint64 secs) const {
    const QDate day = date(secs);
    return QStringLiteral("%1-%2")
        .arg(day.year(), 4, 10, QLatin1Char('0'))
        .arg(day.month(), 2, 10, QLatin1Char('0'));
}

qint64 BillingZone::startOf(const QDate &day) const {
    return day.startOfDay(m_zone).toSecsSinceEpoch();
}

std::pair<qint64, qint64> BillingZone::monthHolding(qint64 secs) const {
    const QDate day = date(secs);
    return month(day.year(), day.month());
}

std::pair<qint64, qint64> BillingZone::month(int year, int monthNumber) const {
    const QDate first(year, monthNumber, 1);
    return {startOf(first), startOf(first.addMonths(1))};
}

QString BillingZone::abbreviation(qint64 secs) const {
    if (isUtc())
        return QStringLiteral("UTC");
    return m_zone.abbreviation(QDateTime::fromSecsSinceEpoch(secs, Qt::UTC));
}

QString BillingZone::displayText(qint64 secs, const QLocale &locale, bool withSeconds) const {
    const QDateTime local = at(secs);
    const QString time = withSeconds ? local.time().toString(QStringLiteral("HH:mm:ss"))
                                     : locale.toString(local.time(), QLocale::ShortFormat);
    return locale.toString(local.date(), QLocale::ShortFormat) + QLatin1Char(' ') + time + QLatin1Char(' ') +
           abbreviation(secs);
}

QString BillingZone::isoText(qint64 secs) const {
    if (isUtc())
        return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate); // "…Z"
    return at(secs).toString(Qt::ISODate);
}

namespace DisplayZone {
namespace {
QMutex s_mutex;
BillingZone s_zone;
} // namespace

BillingZone current() {
    QMutexLocker lock(&s_mutex);
    return s_zone;
}

void set(const BillingZone &zone) {
    QMutexLocker lock(&s_mutex);
    s_zone = zone;
}
} // namespace DisplayZone

} // namespace PoolDesk
