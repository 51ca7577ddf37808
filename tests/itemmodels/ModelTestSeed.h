#pragma once

// Test data for the item model tests: a fresh migrated database per engine, seeded through the
// pool APIs (companies, numbers, allocations) or direct inserts for call history.
#include "TestDatabases.h"
#include "domain/Clock.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace PoolDesk::Test {

inline std::unique_ptr<Database> openFresh(const QString &engine) {
    auto db = Database::open(freshDatabaseUrl(engine));
    if (!db)
        qFatal("cannot open a test database: %s", qPrintable(db.error().message));
    return std::move(db).value();
}

inline qint64 addCompany(Database &db, const QString &name, Plan plan, const CompanyLimits &limits = {}) {
    auto added = Companies(db).add(Actor{QStringLiteral("user:test")}, name, plan, limits);
    if (!added)
        qFatal("cannot add a company: %s", qPrintable(added.error().message));
    return added->id;
}

inline qint64 addNumber(Database &db, const QString &e164, const QString &environment,
                        std::optional<qint64> dedicatedTo = std::nullopt, Micros price = 1'150'000,
                        const QDateTime &boughtAt = {}, const QString &voiceUrl = {}) {
    NewNumber number;
    number.e164 = e164;
    number.environment = environment;
    number.dedicatedTo = dedicatedTo;
    number.monthlyPrice = price;
    number.boughtAt = boughtAt;
    number.voiceUrl = voiceUrl;
    auto added = Numbers(db).add(Actor{QStringLiteral("user:test")}, number);
    if (!added)
        qFatal("cannot add a number: %s", qPrintable(added.error().message));
    return added->id;
}

struct CallSeed {
    qint64 numberId = 0;
    QString e164;
    std::optional<qint64> companyId;
    QString operatorId = QStringLiteral("op1");
    QString direction = QStringLiteral("outbound");
    qint64 startedAt = 0;
    qint64 durationSeconds = 60;
    Micros estimatedCost = 13'000;
    std::optional<Micros> twilioPrice;
    QString environment = QStringLiteral("production");
};

inline void addCall(Database &db, const CallSeed &call) {
    const qint64 minutes = billedMinutesFor(call.durationSeconds);
    auto done = Sql::exec(
        db.connection(),
        QStringLiteral("INSERT INTO call_records (number_id, e164, company_id, operator, direction, "
                       "started_at, ended_at, duration_seconds, billed_minutes, "
                       "estimated_cost_micros, twilio_price_micros, environment) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {call.numberId == 0 ? QVariant(QMetaType(QMetaType::LongLong)) : QVariant(call.numberId), call.e164,
         Sql::nullable(call.companyId), call.operatorId, call.direction, call.startedAt,
         call.startedAt + call.durationSeconds, call.durationSeconds, minutes, call.estimatedCost,
         Sql::nullable(call.twilioPrice), call.environment});
    if (!done)
        qFatal("cannot add a call: %s", qPrintable(done.error().message));
}

// Waits for a model's loaded() signal (models load on a worker thread).
template <typename Model>
bool waitLoaded(Model &model, int timeoutMs = 10000) {
    QSignalSpy spy(&model, &Model::loaded);
    return spy.wait(timeoutMs);
}

} // namespace PoolDesk::Test
