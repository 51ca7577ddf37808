// One process of the multi-process allocator stress test (tst_stress). Runs N allocate/release
// cycles against a shared database, cycling through the given companies, and writes what it saw
// to a file the test checks:
//   C session company e164 allocatedUs releasingUs seconds direction  a completed call
//   A session company e164 allocatedUs                               abandoned (never released)
//   R reason count                                                   refusals by reason
//   E message                                                        anything else that failed
// Times are wall-clock microseconds: the allocation had committed before allocatedUs and the
// release had not started at releasingUs, so two calls whose intervals overlap really held
// their numbers at the same time.
#include "domain/Types.h"
#include "pool/Allocator.h"
#include "storage/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QTextStream>
#include <QThread>

#include <chrono>
#include <cstdio>
#include <random>

using namespace PoolDesk;

namespace {

qint64 wallMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Database URL."),
                                      QStringLiteral("url"));
    const QCommandLineOption idOption(QStringLiteral("worker"), QStringLiteral("Worker number."),
                                      QStringLiteral("n"));
    const QCommandLineOption cyclesOption(QStringLiteral("cycles"),
                                          QStringLiteral("Completed calls to make."), QStringLiteral("n"));
    const QCommandLineOption companiesOption(
        QStringLiteral("companies"), QStringLiteral("Comma-separated names."), QStringLiteral("list"));
    const QCommandLineOption abandonOption(
        QStringLiteral("abandon-every"),
        QStringLiteral("Abandon every n-th call with a 1 s lease (0: never)."), QStringLiteral("n"),
        QStringLiteral("0"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Result file."),
                                       QStringLiteral("file"));
    const QCommandLineOption goOption(QStringLiteral("go"), QStringLiteral("Start when this file exists."),
                                      QStringLiteral("file"));
    parser.addOptions(
        {dbOption, idOption, cyclesOption, companiesOption, abandonOption, outOption, goOption});
    parser.process(app);
    const int worker = parser.value(idOption).toInt();
    const int cycles = parser.value(cyclesOption).toInt();
    const int abandonEvery = parser.value(abandonOption).toInt();
    const QStringList companies = parser.value(companiesOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (cycles < 1 || companies.isEmpty() || !parser.isSet(outOption)) {
        std::fputs("stress worker: --cycles, --companies and --out are required\n", stderr);
        return 2;
    }

    auto opened = Database::open(parser.value(dbOption), Database::Migrate::No);
    if (!opened) {
        std::fprintf(stderr, "stress worker %d: %s\n", worker, qPrintable(opened.error().message));
        return 1;
    }
    Database &db = *opened.value();
    Allocator allocator(db);

    if (parser.isSet(goOption)) {
        QElapsedTimer waited;
        waited.start();
        while (!QFile::exists(parser.value(goOption))) {
            if (waited.elapsed() > 60'000) {
                std::fputs("stress worker: the go file never appeared\n", stderr);
                return 1;
            }
            QThread::usleep(500);
        }
    }

    std::mt19937 random(1000 + worker);
    std::uniform_int_distribution<int> holdMicros(0, 1500);
    std::uniform_int_distribution<int> seconds(0, 400);
    std::uniform_int_distribution<int> backoffMicros(500, 3000);
    std::uniform_int_distribution<int> callees(0, 19);
    QStringList lines;
    QHash<QString, int> refusals;
    int errors = 0;
    int completed = 0;
    int attempt = 0;
    while (completed < cycles && errors < 20) {
        ++attempt;
        const QString company = companies.at((worker + attempt) % companies.size());
        const QString session = QStringLiteral("w%1-%2").arg(worker).arg(attempt);
        const bool abandon = abandonEvery > 0 && attempt % abandonEvery == 0;
        // Two of three calls name one of twenty callees, so workers contend for the same sticky and
        // local numbers: the pick order under concurrency, not only the plain least-used pick.
        const QString callee =
            attempt % 3 == 0 ? QString() : QStringLiteral("+1415555%1").arg(9900 + callees(random));
        AllocationRequest request{company,
                                  QStringLiteral("op-%1").arg(worker),
                                  session,
                                  abandon ? std::optional<int>(1) : std::nullopt,
                                  ProductionEnvironment,
                                  callee};
        auto allocation = allocator.allocate(request);
        const qint64 allocatedUs = wallMicros();
        if (!allocation) {
            if (allocation.error().code == Error::Code::Refused) {
                ++refusals[allocation.error().reason];
                // A caller told "busy" waits a little before asking again.
                QThread::usleep(backoffMicros(random));
            } else {
                ++errors;
                lines.append(QStringLiteral("E allocate %1: %2").arg(session, allocation.error().message));
            }
            continue;
        }
        if (abandon) {
            // A caller that crashed: the lease runs out and the pool takes the number back.
            lines.append(QStringLiteral("A %1 %2 %3 %4")
                             .arg(session, QString(company).replace(QLatin1Char(' '), QLatin1Char('_')),
                                  allocation->e164)
                             .arg(allocatedUs));
            continue;
        }
        QThread::usleep(holdMicros(random));
        const qint64 duration = seconds(random);
        const qint64 releasingUs = wallMicros();
        ReleaseRequest release;
        release.session = session;
        release.durationSeconds = duration;
        release.direction = attempt % 5 == 0 ? Direction::Inbound : Direction::Outbound;
        auto released = allocator.release(release);
        if (!released || released->alreadyReleased) {
            ++errors;
            lines.append(
                QStringLiteral("E release %1: %2")
                    .arg(session, released ? QStringLiteral("already released") : released.error().message));
            continue;
        }
        ++completed;
        lines.append(
            QStringLiteral("C %1 %2 %3 %4 %5 %6 %7")
                .arg(session, QString(company).replace(QLatin1Char(' '), QLatin1Char('_')), allocation->e164)
                .arg(allocatedUs)
                .arg(releasingUs)
                .arg(duration)
                .arg(toString(release.direction)));
    }
    for (auto it = refusals.cbegin(); it != refusals.cend(); ++it)
        lines.append(QStringLiteral("R %1 %2").arg(it.key()).arg(it.value()));

    QFile out(parser.value(outOption));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) {
        std::fprintf(stderr, "stress worker: cannot write %s\n", qPrintable(out.fileName()));
        return 1;
    }
    QTextStream stream(&out);
    for (const QString &line : lines)
        stream << line << '\n';
    return errors == 0 ? 0 : 1;
}
