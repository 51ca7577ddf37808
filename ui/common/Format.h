#pragma once

#include "domain/Money.h"

#include <QDateTime>
#include <QString>

namespace PoolDesk::Ui::Format {

// Everything a person reads is formatted in their locale, times in local time.
QString money(Micros amount, int decimals = 2);
QString integer(qint64 value);
QString decimal(double value, int decimals = 1);
QString percent(double fraction, int decimals = 0); // 0.25 -> "25%"
QString dateTime(const QDateTime &utc); // short date and time in the billing zone, named; "" when invalid
QString date(const QDate &date);
QString month(const QDate &firstOfMonth); // "November 2026" / "2026年11月"
QString duration(qint64 seconds);         // "1:02:03" / "4:05"

} // namespace PoolDesk::Ui::Format
