#include "pool/AllocationRate.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>

namespace PoolDesk {

namespace {

constexpr qint64 MicrosPerSecond = 1'000'000;

// The budget is whole at allocation_tat_us; each allocation moves it one interval (a second over
// the rate) later, from now if it lies in the past. A request is admitted while the new time lies
// at most `burst` intervals ahead of now. The rate and burst are read from the row itself, so a
// cleared rate admits at once and clears the state. Binds now (three times), then the company.
const QString AdmitStatement = QStringLiteral(
    "UPDATE companies SET allocation_tat_us = CASE WHEN allocations_per_second IS NULL THEN NULL ELSE "
    "(CASE WHEN COALESCE(allocation_tat_us, 0) > ? THEN allocation_tat_us ELSE ? END) + "
    "1000000 / allocations_per_second END "
    "WHERE id = ? AND (allocations_per_second IS NULL OR "
    "(CASE WHEN COALESCE(allocation_tat_us, 0) > ? THEN allocation_tat_us ELSE ? END) + "
    "1000000 / allocations_per_second - ? <= "
    "(1000000 / allocations_per_second) * COALESCE(allocation_burst, allocations_per_second))");

} // namespace

AllocationRate::AllocationRate(Database &db)
    : m_db(db) {}

Status AllocationRate::refreshIfStale(qint64 nowMicros) {
    if (m_readAtMicros >= 0 && nowMicros - m_readAtMicros < MicrosPerSecond && nowMicros >= m_readAtMicros)
        return success();
    auto rows = Sql::exec(m_db.connection(), QStringLiteral("SELECT id, name FROM companies WHERE "
                                                            "allocations_per_second IS NOT NULL"));
    if (!rows)
        return rows.error();
    m_limited.clear();
    while (rows.value().next())
        m_limited.insert(rows.value().value(1).toString(), rows.value().value(0).toLongLong());
    m_readAtMicros = nowMicros;
    return success();
}

std::optional<Error> AllocationRate::admit(const QString &company, qint64 nowMicros) {
    if (auto fresh = refreshIfStale(nowMicros); !fresh)
        return fresh.error();
    const auto found = m_limited.constFind(company.trimmed());
    if (found == m_limited.cend())
        return std::nullopt;
    const qint64 companyId = found.value();
    auto admitted = Sql::exec(m_db.connection(), AdmitStatement,
                              {nowMicros, nowMicros, companyId, nowMicros, nowMicros, nowMicros});
    if (!admitted)
        return admitted.error();
    if (admitted.value().numRowsAffected() > 0)
        return std::nullopt;
    // Refused: the budget is whole again one interval per allocation after allocation_tat_us. The
    // rate is read with it, as the statement above read it.
    auto state = Sql::exec(m_db.connection(),
                           QStringLiteral("SELECT allocation_tat_us, allocations_per_second, "
                                          "COALESCE(allocation_burst, allocations_per_second) FROM companies "
                                          "WHERE id = ?"),
                           {companyId});
    if (!state)
        return state.error();
    if (!state.value().next() || state.value().value(1).toInt() < 1)
        return std::nullopt; // the rate was cleared (or the company removed) meanwhile
    const qint64 wholeAt = state.value().value(0).toLongLong();
    const int perSecond = state.value().value(1).toInt();
    const int burst = state.value().value(2).toInt();
    const qint64 interval = MicrosPerSecond / perSecond;
    const qint64 waitMicros = std::max<qint64>(wholeAt + interval - nowMicros - interval * burst, 1);
    const QString message =
        QCoreApplication::translate("Allocator",
                                    "%1 may be given %n number(s) a second (%2 at once), and asked for "
                                    "more. Try again in %3 ms, or raise its allocation rate.",
                                    nullptr, perSecond)
            .arg(company.trimmed())
            .arg(burst)
            .arg((waitMicros + 999) / 1000);
    Error error = makeError(Error::Code::Refused, message, QStringLiteral("rate_limited"));
    error.retryAfterSeconds = int((waitMicros + MicrosPerSecond - 1) / MicrosPerSecond);
    return error;
}

} // namespace PoolDesk
