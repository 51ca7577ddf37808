#pragma once

#include <QtGlobal>

#include <QLocale>
#include <QString>

#include <optional>

namespace PoolDesk {

// Money is always an integer count of micro-dollars (1 USD = 1,000,000). Never a double.
using Micros = qint64;
inline constexpr Micros MicrosPerDollar = 1'000'000;

namespace Money {

// Parses "1.15", "$1.15", "-0.0130", "2" into micro-dollars. Up to six decimals; more is rejected
// rather than rounded so a typo never silently changes an amount.
std::optional<Micros> parseUsd(QString text);

// Parses Twilio's price strings ("-0.01300", "-1.15", null/empty -> nullopt) as a positive amount:
// Twilio reports charges as negative numbers.
std::optional<Micros> parseTwilioPrice(const QString &text);

// "1.150000" style, fixed six decimals, '.' separator: for CSV and machine output.
QString toPlainString(Micros amount, int decimals = 2);

// "$1.15" in the given locale's number format, for people.
QString format(Micros amount, const QLocale &locale = QLocale(), int decimals = 2);

// amount * numerator / denominator, rounded half away from zero, without overflow for realistic sums.
Micros prorate(Micros amount, qint64 numerator, qint64 denominator);

} // namespace Money
} // namespace PoolDesk
