#pragma once

// Replaying a month in tests: instants written as ISO 8601 text, and changes made as if at a
// given moment (the clock shifted, then put back).
#include "domain/Clock.h"
#include "pool/Numbers.h"

#include <QTest>

#include <QDateTime>
#include <QString>

namespace PoolDesk::Test {

inline qint64 at(const char *text) {
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate).toSecsSinceEpoch();
}

// Runs `change` as if it were `when` (UTC, ISO 8601).
template <typename F>
void asIf(const char *when, F change) {
    Clock::setOffsetForTesting(0);
    Clock::setOffsetForTesting(at(when) - Clock::nowSecs());
    change();
    Clock::setOffsetForTesting(0);
}

// Buys `e164` for development at `when`, for $1.15 a month, dedicated to `holder` or shared.
inline void buyAt(Database &db, const Actor &actor, const QString &e164, const char *when,
                  const std::optional<qint64> &holder) {
    NewNumber n;
    n.e164 = e164;
    n.environment = QStringLiteral("development");
    n.dedicatedTo = holder;
    n.monthlyPrice = 1'150'000;
    n.boughtAt = QDateTime::fromSecsSinceEpoch(at(when), Qt::UTC);
    asIf(when, [&] { QVERIFY(Numbers(db).add(actor, n)); });
}

} // namespace PoolDesk::Test
