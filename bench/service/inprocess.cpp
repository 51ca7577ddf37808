// Where an allocate+release cycle spends its time: the allocator alone, the service's request
// handling without HTTP (JSON, key check, rate limit, metrics) and GET /healthz handling, on the
// same SQLite database in one run. Reports microseconds per cycle and ratios; asserts nothing.
//   bench_service_inprocess [CYCLES]

#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "service/ServiceApi.h"
#include "storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>
#include <ctime>

using namespace PoolDesk;

namespace {

double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

struct Timing {
    double wallUs = 0;
    double cpuUs = 0;
};

template <typename F>
Timing measure(int cycles, F &&cycle) {
    QElapsedTimer wall;
    const double cpu0 = cpuSeconds();
    wall.start();
    for (int i = 0; i < cycles; ++i)
        cycle(i);
    return {double(wall.nsecsElapsed()) / 1e3 / cycles, (cpuSeconds() - cpu0) * 1e6 / cycles};
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    const int cycles = argc > 1 ? QByteArray(argv[1]).toInt() : 5000;
    QTemporaryDir dir;
    auto opened = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("bench.sqlite")));
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    Database &db = *opened.value();
    const Actor actor{QStringLiteral("user:bench")};
    for (int i = 1; i <= 4; ++i)
        Companies(db).add(actor, QStringLiteral("bench-%1").arg(i), Plan::Standard);
    for (int i = 1; i <= 64; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        Numbers(db).add(actor, number);
    }
    auto key = ApiKeys(db).create(actor, {QStringLiteral("bench"), std::nullopt, 1'000'000, 1'000'000});
    const QByteArray bearer = "Bearer " + key->secret.toLatin1();

    Allocator allocator(db);
    const auto allocatorCycle = [&](int i) {
        const QString session = QStringLiteral("a-%1").arg(i);
        auto allocated = allocator.allocate({QStringLiteral("bench-%1").arg(i % 4 + 1), QStringLiteral("op"),
                                             session, 120, DevelopmentEnvironment});
        auto released =
            allocator.release({session, i % 300, Direction::Outbound, {}, std::nullopt, std::nullopt});
        if (!allocated || !released)
            qFatal("allocator cycle failed");
    };

    ServiceShared shared;
    shared.environment = DevelopmentEnvironment;
    ServiceApi api(db, shared);
    const auto serviceCycle = [&](int i) {
        const QByteArray session = "s-" + QByteArray::number(i);
        ApiRequest allocate{"POST",
                            "/v1/allocations",
                            {},
                            bearer,
                            {},
                            "application/json",
                            "{\"company\":\"bench-" + QByteArray::number(i % 4 + 1) +
                                "\",\"operator\":\"op\",\"session\":\"" + session + "\",\"ttl_seconds\":120}",
                            "127.0.0.1"};
        ApiRequest release{"DELETE",
                           "/v1/allocations/" + session,
                           {},
                           bearer,
                           {},
                           "application/json",
                           "{\"duration_seconds\":" + QByteArray::number(i % 300) +
                               ",\"direction\":\"outbound\"}",
                           "127.0.0.1"};
        if (api.handle(allocate).status != 201 || api.handle(release).status != 200)
            qFatal("service cycle failed");
    };
    const auto healthCycle = [&](int) {
        ApiRequest health{"GET", "/healthz", {}, {}, {}, {}, {}, "127.0.0.1"};
        api.handle(health);
        api.handle(health);
    };

    measure(200, allocatorCycle); // warm-up
    measure(200, serviceCycle);
    // Interleaved rounds, so both see the same database size and machine load.
    Timing alloc;
    Timing service;
    constexpr int Rounds = 10;
    for (int round = 0; round < Rounds; ++round) {
        const int base = 1'000'000 + round * cycles;
        const Timing a = measure(cycles / Rounds, [&](int i) { allocatorCycle(base + i); });
        const Timing s = measure(cycles / Rounds, [&](int i) { serviceCycle(base + i); });
        alloc.wallUs += a.wallUs / Rounds;
        alloc.cpuUs += a.cpuUs / Rounds;
        service.wallUs += s.wallUs / Rounds;
        service.cpuUs += s.cpuUs / Rounds;
    }
    const Timing health = measure(cycles, healthCycle);
    std::printf("per allocate+release cycle (2 requests), %d cycles, SQLite:\n", cycles);
    std::printf("  allocator alone        %8.1f us wall %8.1f us cpu\n", alloc.wallUs, alloc.cpuUs);
    std::printf("  service without HTTP   %8.1f us wall %8.1f us cpu\n", service.wallUs, service.cpuUs);
    std::printf("  2 x healthz handling   %8.1f us wall %8.1f us cpu\n", health.wallUs, health.cpuUs);
    std::printf("  service layer overhead %.2fx the allocator (cpu)\n", service.cpuUs / alloc.cpuUs);
    std::printf("  allocator-bound ceiling: %.0f requests/s on one core\n", 2e6 / alloc.cpuUs);
    return 0;
}
