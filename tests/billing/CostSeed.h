#pragma once

// A month of hand-checkable data (March 2026) for the billing tests. Expected figures are worked
// out by hand in tst_costreport.cpp.
#include "TestDatabases.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>
#include <QTest>

#include <memory>

namespace PoolDesk::Test {

inline qint64 utc(int year, int month, int day, int hour = 0, int minute = 0) {
    return QDateTime(QDate(year, month, day), QTime(hour, minute), Qt::UTC).toSecsSinceEpoch();
}

struct CostFixture {
    std::unique_ptr<Database> db;
    qint64 acme = 0, bank = 0, cafe = 0;
    qint64 s1 = 0, s2 = 0, s3 = 0, d1 = 0, d2 = 0, late = 0, dev = 0;
};

inline qint64 seedNumber(Database &db, const QString &e164, const QString &environment,
                         std::optional<qint64> dedicated, Micros price, qint64 boughtAt) {
    NewNumber number;
    number.e164 = e164;
    number.environment = environment;
    number.dedicatedTo = dedicated;
    number.monthlyPrice = price;
    number.boughtAt = QDateTime::fromSecsSinceEpoch(boughtAt, Qt::UTC);
    auto added = Numbers(db).add(Actor{QStringLiteral("user:test")}, number);
    if (!added)
        qFatal("cannot add a number: %s", qPrintable(added.error().message));
    return added->id;
}

inline void seedCall(Database &db, qint64 numberId, const QString &e164, std::optional<qint64> company,
                     const QString &direction, qint64 startedAt, qint64 seconds, Micros estimate,
                     std::optional<Micros> twilio = std::nullopt,
                     const QString &environment = QStringLiteral("production"),
                     const QString &operatorId = QStringLiteral("op1")) {
    auto done = Sql::exec(
        db.connection(),
        QStringLiteral("INSERT INTO call_records (number_id, e164, company_id, operator, direction, "
                       "started_at, ended_at, duration_seconds, billed_minutes, "
                       "estimated_cost_micros, twilio_price_micros, environment) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {numberId, e164, Sql::nullable(company), operatorId, direction, startedAt, startedAt + seconds,
         seconds, billedMinutesFor(seconds), estimate, Sql::nullable(twilio), environment});
    if (!done)
        qFatal("cannot add a call: %s", qPrintable(done.error().message));
}

inline CostFixture seedCostMonth(const QString &engine) {
    CostFixture f;
    auto opened = Database::open(freshDatabaseUrl(engine));
    if (!opened)
        qFatal("cannot open a test database: %s", qPrintable(opened.error().message));
    f.db = std::move(opened).value();
    Database &db = *f.db;
    const Actor actor{QStringLiteral("user:test")};
    f.acme = Companies(db).add(actor, QStringLiteral("Acme Dental"), Plan::Standard)->id;
    f.bank = Companies(db).add(actor, QStringLiteral("Bank Corp"), Plan::Enterprise)->id;
    f.cafe = Companies(db).add(actor, QStringLiteral("Cafe Hybrid"), Plan::Hybrid)->id;
    const QString prod = QStringLiteral("production");
    f.s1 = seedNumber(db, QStringLiteral("+15550000001"), prod, std::nullopt, 1'150'000, utc(2026, 1, 10));
    f.s2 = seedNumber(db, QStringLiteral("+15550000002"), prod, std::nullopt, 1'150'000, utc(2026, 1, 10));
    f.s3 = seedNumber(db, QStringLiteral("+15550000003"), prod, std::nullopt, 1'000'001, utc(2026, 2, 1));
    f.d1 = seedNumber(db, QStringLiteral("+15550000004"), prod, f.bank, 1'150'000, utc(2026, 1, 5));
    f.d2 = seedNumber(db, QStringLiteral("+15550000005"), prod, f.bank, 2'000'000, utc(2026, 2, 1));
    f.late = seedNumber(db, QStringLiteral("+15550000006"), prod, std::nullopt, 1'150'000, utc(2026, 4, 2));
    f.dev = seedNumber(db, QStringLiteral("+16076956082"), QStringLiteral("development"), std::nullopt,
                       1'150'000, utc(2026, 1, 1));
    // March 2026.
    seedCall(db, f.s1, QStringLiteral("+15550000001"), f.acme, QStringLiteral("outbound"),
             utc(2026, 3, 10, 10, 0), 125, 39'000, 40'000);
    seedCall(db, f.s2, QStringLiteral("+15550000002"), f.acme, QStringLiteral("inbound"),
             utc(2026, 3, 10, 10, 30), 60, 8'500);
    seedCall(db, f.s1, QStringLiteral("+15550000001"), f.cafe, QStringLiteral("outbound"),
             utc(2026, 3, 11, 9, 0), 30, 13'000, std::nullopt, prod, QStringLiteral("op2"));
    seedCall(db, f.d1, QStringLiteral("+15550000004"), f.bank, QStringLiteral("outbound"),
             utc(2026, 3, 12, 15, 0), 600, 130'000, std::nullopt, prod, QStringLiteral("=cmd|' /C calc'!A0"));
    // February and April: outside the month.
    seedCall(db, f.s1, QStringLiteral("+15550000001"), f.acme, QStringLiteral("outbound"),
             utc(2026, 2, 28, 23, 59), 60, 13'000);
    seedCall(db, f.s3, QStringLiteral("+15550000003"), f.acme, QStringLiteral("outbound"),
             utc(2026, 4, 1, 0, 0), 60, 13'000);
    return f;
}

} // namespace PoolDesk::Test
