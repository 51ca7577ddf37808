#pragma once

// Shared set-up for the pool tests: a fresh migrated database per test row, and small queries
// that check what the database really holds (not what the API says it did).
#include "TestDatabases.h"
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QTest>

#include <memory>

namespace PoolDesk::Test {

inline QString text(Database &db, const QString &sql, const QVariantList &bindings = {}) {
    auto query = Sql::exec(db.connection(), sql, bindings);
    if (!query || !query.value().next())
        return QStringLiteral("<no row>");
    return query.value().value(0).toString();
}

inline const Actor &tester() {
    static const Actor actor{QStringLiteral("user:tester")};
    return actor;
}

inline QString describe(const Error &error) {
    return QStringLiteral("[%1 %2] %3").arg(int(error.code)).arg(error.reason, error.message);
}

// A database with the pool classes over it. Companies and numbers are added through the real
// API, so a test also exercises their validation and audit.
struct PoolFixture {
    explicit PoolFixture(const QString &engine)
        : db(freshDatabase(engine))
        , companies(*db)
        , numbers(*db)
        , allocator(std::make_unique<Allocator>(*db)) {}

    qint64 addCompany(const QString &name, Plan plan, const CompanyLimits &limits = {}) {
        auto added = companies.add(tester(), name, plan, limits);
        if (!added)
            qFatal("cannot add company %s: %s", qPrintable(name), qPrintable(added.error().message));
        return added->id;
    }

    qint64 addNumber(const QString &e164, std::optional<qint64> dedicatedTo = std::nullopt,
                     const QString &environment = ProductionEnvironment) {
        NewNumber number;
        number.e164 = e164;
        number.environment = environment;
        number.dedicatedTo = dedicatedTo;
        auto added = numbers.add(tester(), number);
        if (!added)
            qFatal("cannot add number %s: %s", qPrintable(e164), qPrintable(added.error().message));
        return added->id;
    }

    Result<Allocation> allocate(const QString &company, const QString &session,
                                std::optional<int> ttl = std::nullopt,
                                const QString &environment = ProductionEnvironment) {
        return allocator->allocate({company, QStringLiteral("op-1"), session, ttl, environment});
    }

    Result<Release> release(const QString &session, qint64 seconds = 30,
                            Direction direction = Direction::Outbound) {
        ReleaseRequest request;
        request.session = session;
        request.durationSeconds = seconds;
        request.direction = direction;
        return allocator->release(request);
    }

    // A new allocator picks up settings at once (each caches them for a second).
    void renewAllocator() { allocator = std::make_unique<Allocator>(*db); }

    qint64 reservations() { return scalar(*db, QStringLiteral("SELECT COUNT(*) FROM reservations")); }
    qint64 callRecords() { return scalar(*db, QStringLiteral("SELECT COUNT(*) FROM call_records")); }
    qint64 auditEntries() { return scalar(*db, QStringLiteral("SELECT COUNT(*) FROM audit_log")); }
    qint64 activeCalls(const QString &e164) {
        return scalar(*db, QStringLiteral("SELECT active_calls FROM phone_numbers WHERE e164 = ?"), {e164});
    }
    QString status(const QString &e164) {
        return text(*db, QStringLiteral("SELECT status FROM phone_numbers WHERE e164 = ?"), {e164});
    }

    std::unique_ptr<Database> db;
    Companies companies;
    Numbers numbers;
    std::unique_ptr<Allocator> allocator;
};

// Restores the real clock when a test that moved it ends, even on failure.
struct ClockShift {
    ClockShift() = default;
    ~ClockShift() { Clock::setOffsetForTesting(0); }
    void set(qint64 seconds) { Clock::setOffsetForTesting(seconds); }
};

} // namespace PoolDesk::Test

// Both evaluate their argument exactly once (it is usually the call under test).
#define POOL_VERIFY_OK(result)                                                                               \
    do {                                                                                                     \
        const auto &poolOk_ = (result);                                                                      \
        QVERIFY2(poolOk_.ok(), poolOk_.ok() ? "" : qPrintable(PoolDesk::Test::describe(poolOk_.error())));   \
    } while (false)

#define POOL_VERIFY_REFUSED(result, expectedReason)                                                          \
    do {                                                                                                     \
        const auto &poolResult_ = (result);                                                                  \
        QVERIFY2(!poolResult_.ok(), "expected a refusal, got success");                                      \
        QCOMPARE(poolResult_.error().code, PoolDesk::Error::Code::Refused);                                  \
        QCOMPARE(poolResult_.error().reason, QString(expectedReason));                                       \
        QVERIFY(!poolResult_.error().message.isEmpty());                                                     \
    } while (false)
