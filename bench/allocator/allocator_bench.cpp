// Allocator operations per second (each allocate and each release counts as one) in one process
// and in 8 contending processes, on SQLite and PostgreSQL, each beside the raw rate of one-row
// UPDATE transactions on the same database, connection settings and durability, measured in the
// same run. Also the p50/p99 latency of one allocate and the p50 of one release. Every allocation
// names a callee, with local presence and caps on, so the pick reads the area-code and region
// ranges before the others. SQLite is measured twice: as the console and pooldeskctl run it (a
// commit that fills the log copies it back itself), and, in one process, as pooldesk-service runs
// it ("SQLite svc": checkpoints on a thread of their own), both workloads alike in each.
//
//   pooldesk_allocator_bench run [--sqlite-dir DIR] [--pg ADMIN_URL] [--seconds S] [--processes N]
//                                [--pool-size N]
//   pooldesk_allocator_bench worker ...   (started by "run", one per process)
//
// Both workloads go through the same Database (its engine settings) and Transaction (BEGIN
// IMMEDIATE on SQLite, a plain transaction on PostgreSQL) classes the allocator uses.
#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/Allocator.h"
#include "pool/CallerPolicy.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/Identity.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"
#include "storage/WalCheckpointer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMutexLocker>
#include <QProcess>
#include <QRecursiveMutex>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <vector>

using namespace PoolDesk;

namespace {

constexpr int Companies_ = 4;
constexpr int Numbers_ = 64;
// Where callees and the filled pool's numbers are: the first 64 numbers are San Francisco's (415).
constexpr const char *AreaCodes[] = {"212", "415", "303", "312", "617", "713", "206", "305", "404", "602",
                                     "702", "503", "615", "704", "801", "816", "901", "919", "952", "971"};

// A callee in one of AreaCodes, or (one in ten) somewhere with no number in the pool.
template <typename Random>
QString randomCallee(Random &random) {
    std::uniform_int_distribution<int> pick(0, int(std::size(AreaCodes)));
    std::uniform_int_distribution<int> line(0, 9999);
    const int index = pick(random);
    const QString area =
        index < int(std::size(AreaCodes)) ? QLatin1String(AreaCodes[index]) : QLatin1String("907");
    // Not "+1%1555%2": arg() would read %15 as the fifteenth marker.
    return QStringLiteral("+1") + area + QStringLiteral("555") +
           QStringLiteral("%1").arg(line(random), 4, 10, QLatin1Char('0'));
}

[[noreturn]] void die(const QString &message) {
    std::fprintf(stderr, "allocator bench: %s\n", qPrintable(message));
    std::exit(1);
}

std::unique_ptr<Database> openOrDie(const QString &url, Database::Migrate migrate) {
    auto db = Database::open(url, migrate);
    if (!db)
        die(db.error().message);
    return std::move(db).value();
}

QString companyName(int i) {
    return QStringLiteral("Bench Company %1").arg(i);
}

// ---- worker -------------------------------------------------------------------------------

int runWorker(const QCommandLineParser &parser) {
    const QString url = parser.value(QStringLiteral("db"));
    const QString workload = parser.value(QStringLiteral("workload"));
    const int id = parser.value(QStringLiteral("id")).toInt();
    const double seconds = parser.value(QStringLiteral("seconds")).toDouble();
    auto db = openOrDie(url, Database::Migrate::No);
    // As pooldesk-service runs SQLite: commits leave the log to a checkpointer thread, and each
    // request holds the writers' gate that thread takes turns on.
    QRecursiveMutex serviceGate;
    QRecursiveMutex *gate = nullptr;
    std::unique_ptr<WalCheckpointer> checkpointer;
    if (parser.isSet(QStringLiteral("service-checkpoints"))) {
        if (!db->deferCheckpoints())
            die(QStringLiteral("cannot defer checkpoints"));
        gate = &serviceGate;
        checkpointer = std::make_unique<WalCheckpointer>(db->url(), gate);
        checkpointer->start();
    }
    Allocator allocator(*db);
    QSqlQuery update(db->connection());
    if (!update.prepare(QStringLiteral("UPDATE bench_raw SET n = n + 1 WHERE id = ?")))
        die(Sql::storageError(update).message);
    // For the analysis: the raw transaction plus a NOTIFY, as every allocator transaction sends.
    QSqlQuery notify(db->connection());
    if (db->isPostgreSql() && !notify.prepare(QStringLiteral("SELECT pg_notify('pooldesk_changes', '')")))
        die(Sql::storageError(notify).message);

    // For the analysis (SQLite): the writes an allocation and a release cannot do without, as bare
    // statements on tables without foreign keys or secondary indexes (see floorTables()).
    const auto prepareOrDie = [&](QSqlQuery &query, const char *sql) {
        if (!query.prepare(QString::fromLatin1(sql)))
            die(Sql::storageError(query).message);
    };
    QSqlQuery takeNumber(db->connection()), holdNumber(db->connection()), dropHold(db->connection()),
        returnNumber(db->connection()), countUsage(db->connection()), recordCall(db->connection());
    if (workload == QLatin1String("floor")) {
        prepareOrDie(takeNumber,
                     "UPDATE bench_floor_numbers SET active_calls = active_calls + 1 WHERE id = ?");
        prepareOrDie(holdNumber, "INSERT INTO bench_floor_reservations (session, number_id) VALUES (?, ?)");
        prepareOrDie(dropHold, "DELETE FROM bench_floor_reservations WHERE session = ?");
        prepareOrDie(returnNumber, "UPDATE bench_floor_numbers SET active_calls = active_calls - 1, "
                                   "total_calls = total_calls + 1 WHERE id = ?");
        prepareOrDie(countUsage, "UPDATE bench_floor_usage SET calls = calls + 1 WHERE company_id = ?");
        prepareOrDie(recordCall, "INSERT INTO bench_floor_calls (session, number_id, company_id, duration) "
                                 "VALUES (?, ?, ?, ?)");
    }

    const QString go = parser.value(QStringLiteral("go"));
    while (!QFile::exists(go))
        QThread::usleep(200);

    std::mt19937 random(id);
    std::uniform_int_distribution<int> duration(0, 300);
    std::vector<qint64> allocateNanos, releaseNanos;
    allocateNanos.reserve(200'000);
    releaseNanos.reserve(200'000);
    qint64 ops = 0;
    qint64 failures = 0;
    QString firstFailure;
    const QString company = companyName(id % Companies_);
    QElapsedTimer total;
    total.start();
    const qint64 limit = qint64(seconds * 1e9);
    qint64 session = 0;
    while (total.nsecsElapsed() < limit) {
        if (workload == QLatin1String("raw") || workload == QLatin1String("rawnotify")) {
            QMutexLocker<QRecursiveMutex> hold(gate);
            Transaction transaction(*db);
            const bool withNotify = workload == QLatin1String("rawnotify");
            if (!transaction.begin() || !Sql::run(update, {id}) || (withNotify && !Sql::run(notify)) ||
                !transaction.commit()) {
                ++failures;
                continue;
            }
            ++ops;
            continue;
        }
        const QString name =
            QStringLiteral("b%1-%2-%3").arg(QCoreApplication::applicationPid()).arg(id).arg(++session);
        if (workload == QLatin1String("floor")) {
            const int number = id % Numbers_;
            const int companyId = 1 + id % Companies_;
            Transaction take(*db);
            if (!take.begin() || !Sql::run(takeNumber, {number}) || !Sql::run(holdNumber, {name, number}) ||
                !take.commit()) {
                ++failures;
                continue;
            }
            ++ops;
            Transaction give(*db);
            if (!give.begin() || !Sql::run(dropHold, {name}) || !Sql::run(returnNumber, {number}) ||
                !Sql::run(countUsage, {companyId}) ||
                !Sql::run(recordCall, {name, number, companyId, duration(random)}) || !give.commit()) {
                ++failures;
                continue;
            }
            ++ops;
            continue;
        }
        QElapsedTimer one;
        one.start();
        std::optional<QMutexLocker<QRecursiveMutex>> hold(gate);
        auto allocation = allocator.allocate({company, QStringLiteral("op-%1").arg(id), name, std::nullopt,
                                              ProductionEnvironment, randomCallee(random)});
        hold.reset();
        const qint64 took = one.nsecsElapsed();
        if (!allocation) {
            ++failures;
            if (firstFailure.isEmpty())
                firstFailure = allocation.error().reason + QLatin1Char(' ') + allocation.error().message;
            continue;
        }
        allocateNanos.push_back(took);
        ++ops;
        ReleaseRequest release;
        release.session = name;
        release.durationSeconds = duration(random);
        one.restart();
        hold.emplace(gate);
        auto released = allocator.release(release);
        hold.reset();
        releaseNanos.push_back(one.nsecsElapsed());
        if (!released) {
            ++failures;
            if (firstFailure.isEmpty())
                firstFailure = released.error().message;
            continue;
        }
        ++ops;
    }
    const double elapsed = double(total.nsecsElapsed()) / 1e9;
    if (checkpointer)
        checkpointer->stop();
    QFile out(parser.value(QStringLiteral("out")));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text))
        die(QStringLiteral("cannot write ") + out.fileName());
    QTextStream stream(&out);
    stream << "ops " << ops << "\nelapsed " << elapsed << "\nfailures " << failures << '\n';
    if (!firstFailure.isEmpty())
        stream << "failure " << firstFailure.simplified() << '\n';
    for (const qint64 nanos : allocateNanos)
        stream << "lat " << nanos << '\n';
    for (const qint64 nanos : releaseNanos)
        stream << "rel " << nanos << '\n';
    return 0;
}

// ---- driver -------------------------------------------------------------------------------

struct Phase {
    double opsPerSecond = 0;
    qint64 failures = 0;
    QString failure;
    double p50Ms = 0;
    double p99Ms = 0;
    double releaseP50Ms = 0;
};

Phase runPhase(const QString &self, const QString &url, const QString &workload, int processes,
               double seconds, bool serviceCheckpoints) {
    QTemporaryDir dir;
    const QString go = dir.filePath(QStringLiteral("go"));
    std::vector<std::unique_ptr<QProcess>> children;
    for (int i = 0; i < processes; ++i) {
        auto child = std::make_unique<QProcess>();
        child->setProcessChannelMode(QProcess::ForwardedChannels);
        QStringList arguments{QStringLiteral("worker"),
                              QStringLiteral("--db"),
                              url,
                              QStringLiteral("--workload"),
                              workload,
                              QStringLiteral("--id"),
                              QString::number(i),
                              QStringLiteral("--seconds"),
                              QString::number(seconds),
                              QStringLiteral("--go"),
                              go,
                              QStringLiteral("--out"),
                              dir.filePath(QStringLiteral("out-%1").arg(i))};
        if (serviceCheckpoints)
            arguments << QStringLiteral("--service-checkpoints");
        child->start(self, arguments);
        if (!child->waitForStarted())
            die(QStringLiteral("cannot start a worker"));
        children.push_back(std::move(child));
    }
    QThread::msleep(300 + 50 * processes); // let every worker open its connection and prepare
    QFile(go).open(QIODevice::WriteOnly);
    Phase phase;
    std::vector<qint64> latencies, releases;
    for (int i = 0; i < processes; ++i) {
        children[i]->waitForFinished(-1);
        if (children[i]->exitCode() != 0)
            die(QStringLiteral("a worker failed"));
        QFile file(dir.filePath(QStringLiteral("out-%1").arg(i)));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            die(QStringLiteral("a worker wrote no result"));
        qint64 ops = 0;
        double elapsed = seconds;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            const qsizetype space = line.indexOf(' ');
            const QByteArray key = line.left(space);
            const QByteArray value = line.mid(space + 1);
            if (key == "ops")
                ops = value.toLongLong();
            else if (key == "elapsed")
                elapsed = value.toDouble();
            else if (key == "failures")
                phase.failures += value.toLongLong();
            else if (key == "failure" && phase.failure.isEmpty())
                phase.failure = QString::fromUtf8(value);
            else if (key == "lat")
                latencies.push_back(value.toLongLong());
            else if (key == "rel")
                releases.push_back(value.toLongLong());
        }
        phase.opsPerSecond += double(ops) / elapsed;
    }
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        const auto at = [&](double q) {
            return double(latencies[size_t(q * double(latencies.size() - 1))]) / 1e6;
        };
        phase.p50Ms = at(0.50);
        phase.p99Ms = at(0.99);
    }
    if (!releases.empty()) {
        std::sort(releases.begin(), releases.end());
        phase.releaseP50Ms = double(releases[releases.size() / 2]) / 1e6;
    }
    return phase;
}

// Numbers beyond the first Numbers_ are written in bulk, as an import of a large pool would leave
// them: shared, free, used at some time in the last month.
void fillPool(Database &db, int poolSize) {
    QList<std::pair<QString, QString>> places; // area code and region of each of AreaCodes
    for (const char *area : AreaCodes) {
        const auto where = PhoneNumber::geography(QStringLiteral("+1%15550100").arg(QLatin1String(area)));
        places.append({where.areaCode, where.region});
    }
    constexpr int Batch = 500;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    std::mt19937 random(42);
    std::uniform_int_distribution<qint64> lastUse(now - 30 * 86400, now - 3600);
    Transaction tx(db);
    if (!tx.begin())
        die(QStringLiteral("cannot fill the pool"));
    for (int first = Numbers_; first < poolSize; first += Batch) {
        const int count = std::min(Batch, poolSize - first);
        QStringList rows;
        for (int i = first; i < first + count; ++i)
            rows << QStringLiteral("('+1%1%2', 'production', 1150000, %3, %4, '%5', '%6')")
                        .arg(QLatin1String(AreaCodes[i % std::size(AreaCodes)]))
                        .arg(i, 7, 10, QLatin1Char('0'))
                        .arg(lastUse(random))
                        .arg(now)
                        .arg(places.at(i % std::size(AreaCodes)).first,
                             places.at(i % std::size(AreaCodes)).second);
        if (!Sql::exec(db.connection(),
                       QStringLiteral("INSERT INTO phone_numbers (e164, environment, monthly_price_micros, "
                                      "last_used_at, created_at, area_code, region) VALUES ") +
                           rows.join(QLatin1Char(','))))
            die(QStringLiteral("cannot fill the pool"));
    }
    if (!tx.commit())
        die(QStringLiteral("cannot fill the pool"));
    Sql::exec(db.connection(),
              db.isSqlite() ? QStringLiteral("ANALYZE") : QStringLiteral("ANALYZE phone_numbers"));
}

void setUp(Database &db, int processes, int poolSize) {
    const Actor actor{QStringLiteral("user:bench")};
    Companies companies(db);
    Numbers numbers(db);
    for (int i = 0; i < Companies_; ++i) {
        if (!companies.add(actor, companyName(i), Plan::Standard))
            die(QStringLiteral("cannot add a company"));
    }
    for (int i = 0; i < Numbers_; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1415555%1").arg(1000 + i);
        number.environment = ProductionEnvironment;
        if (!numbers.add(actor, number))
            die(QStringLiteral("cannot add a number"));
    }
    if (poolSize > Numbers_)
        fillPool(db, poolSize);
    // Local presence (on by default) and caps on, as a busy pool would run; the caps are far above
    // what a run reaches, so they cost their checks without refusing.
    for (const auto &[key, value] : {std::pair{"daily_cap", "100000"}, std::pair{"hourly_cap", "10000"}}) {
        if (!CallerPolicy::set(db, actor, QString::fromLatin1(key), QString::fromLatin1(value)))
            die(QStringLiteral("cannot set the caller policy"));
    }
    if (!Sql::exec(db.connection(),
                   QStringLiteral("CREATE TABLE bench_raw (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")))
        die(QStringLiteral("cannot create bench_raw"));
    for (int i = 0; i < std::max(processes, 1); ++i) {
        if (!Sql::exec(db.connection(), QStringLiteral("INSERT INTO bench_raw (id, n) VALUES (?, 0)"), {i}))
            die(QStringLiteral("cannot fill bench_raw"));
    }
}

// The least an allocation and a release write when a number, its reservation, the month's usage and
// the call record are rows of their own: one row each, no foreign keys, no index beyond the primary
// key. SQLite writes one page per row touched, so this bounds what any such design can reach.
void floorTables(Database &db, int processes) {
    const bool sqlite = db.isSqlite();
    const QStringList statements{
        QStringLiteral(
            "CREATE TABLE bench_floor_numbers (id BIGINT PRIMARY KEY, active_calls BIGINT NOT NULL, "
            "total_calls BIGINT NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE bench_floor_reservations (session TEXT PRIMARY KEY, number_id BIGINT NOT "
            "NULL)") +
            (sqlite ? QStringLiteral(" WITHOUT ROWID") : QString()),
        QStringLiteral(
            "CREATE TABLE bench_floor_usage (company_id BIGINT PRIMARY KEY, calls BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE bench_floor_calls (id ") +
            (sqlite ? QStringLiteral("INTEGER PRIMARY KEY") : QStringLiteral("BIGSERIAL PRIMARY KEY")) +
            QStringLiteral(", session TEXT NOT NULL, number_id BIGINT NOT NULL, company_id BIGINT NOT NULL, "
                           "duration BIGINT NOT NULL)")};
    for (const QString &statement : statements)
        if (!Sql::exec(db.connection(), statement))
            die(QStringLiteral("cannot create the floor tables"));
    for (int i = 0; i < std::max(processes, Numbers_); ++i)
        if (!Sql::exec(
                db.connection(),
                QStringLiteral(
                    "INSERT INTO bench_floor_numbers (id, active_calls, total_calls) VALUES (?, 0, 0)"),
                {i}))
            die(QStringLiteral("cannot fill the floor tables"));
    for (int i = 1; i <= Companies_; ++i)
        if (!Sql::exec(db.connection(),
                       QStringLiteral("INSERT INTO bench_floor_usage (company_id, calls) VALUES (?, 0)"),
                       {i}))
            die(QStringLiteral("cannot fill the floor tables"));
}

QString durability(Database &db) {
    QStringList parts;
    const QStringList settings =
        db.isSqlite() ? QStringList{QStringLiteral("journal_mode"), QStringLiteral("synchronous")}
                      : QStringList{QStringLiteral("fsync"), QStringLiteral("synchronous_commit"),
                                    QStringLiteral("full_page_writes"), QStringLiteral("wal_sync_method")};
    for (const QString &setting : settings) {
        auto query = Sql::exec(
            db.connection(), (db.isSqlite() ? QStringLiteral("PRAGMA ") : QStringLiteral("SHOW ")) + setting);
        QString value =
            (query && query.value().next()) ? query.value().value(0).toString() : QStringLiteral("?");
        if (db.isSqlite() && setting == QLatin1String("synchronous"))
            value = QStringList{QStringLiteral("OFF"), QStringLiteral("NORMAL"), QStringLiteral("FULL"),
                                QStringLiteral("EXTRA")}
                        .value(value.toInt(), value);
        parts.append(setting + QLatin1Char('=') + value);
    }
    return parts.join(QStringLiteral(", "));
}

QString freshPostgres(const QString &adminUrl) {
    const QString name =
        QStringLiteral("pooldesk_bench_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
    {
        auto admin = openOrDie(adminUrl, Database::Migrate::No);
        if (!Sql::exec(admin->connection(), QStringLiteral("CREATE DATABASE ") + name))
            die(QStringLiteral("cannot create the bench database"));
    }
    QUrl url(adminUrl);
    url.setPath(QLatin1Char('/') + name);
    return url.toString();
}

// A pool service login (row-level security applies to it) on the database at URL, which the
// superuser has set up; returns the URL signed in as it.
QString serviceLogin(const QString &url) {
    auto admin = openOrDie(url, Database::Migrate::No);
    const QString login = QStringLiteral("bench_service_%1").arg(QCoreApplication::applicationPid());
    const QString password = QUuid::createUuid().toString(QUuid::Id128);
    if (!Members(*admin).add({login, Role::Service, {}, false}, password) ||
        !Sql::exec(admin->connection(),
                   QStringLiteral("GRANT SELECT, UPDATE ON bench_raw TO pooldesk_service")))
        die(QStringLiteral("cannot add the service login"));
    QUrl signedIn(url);
    signedIn.setUserName(login);
    signedIn.setPassword(password);
    return signedIn.toString();
}

int runDriver(const QCommandLineParser &parser, const QString &self) {
    const double seconds = parser.value(QStringLiteral("seconds")).toDouble();
    const int processes = parser.value(QStringLiteral("processes")).toInt();
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    const int poolSize = std::max(Numbers_, parser.value(QStringLiteral("pool-size")).toInt());
    QTemporaryDir tmp;
    const QString sqliteDir =
        parser.isSet(QStringLiteral("sqlite-dir")) ? parser.value(QStringLiteral("sqlite-dir")) : tmp.path();
    struct Engine {
        QString name;
        QString url;
        // Runs on the previous engine's database, signed in as a pool service login: the
        // suite's superuser bypasses row-level security, this login obeys it, so the two rows
        // show what the policies cost.
        bool asServiceLogin = false;
        // SQLite as pooldesk-service runs it (see the worker), on the previous row's database;
        // one process, as the service is.
        bool serviceCheckpoints = false;
    };
    QList<Engine> engines{
        {QStringLiteral("SQLite"),
         QStringLiteral("sqlite:") +
             QDir(sqliteDir).filePath(
                 QStringLiteral("bench-%1.sqlite").arg(QCoreApplication::applicationPid()))}};
    engines.append({QStringLiteral("SQLite svc"), engines.first().url, false, true});
    if (parser.isSet(QStringLiteral("pg"))) {
        const QString url = freshPostgres(parser.value(QStringLiteral("pg")));
        engines.append({QStringLiteral("PostgreSQL"), url});
        engines.append({QStringLiteral("PG service"), url, true});
    }

    QTextStream out(stdout);
    out << "Allocator benchmark: " << seconds << " s per measurement, best of " << rounds
        << " alternating rounds, " << Companies_ << " companies, " << poolSize
        << " shared numbers; an allocator op is one allocate or one release.\n"
        << "Raw: BEGIN (IMMEDIATE on SQLite) + UPDATE bench_raw SET n = n + 1 WHERE id = <own row> + COMMIT, "
           "on the "
           "same database and connection settings.\n\n";
    out.flush();
    struct Row {
        QString engine;
        int processes;
        Phase raw;
        Phase allocator;
        QString durability;
        Phase floor; // SQLite only
    };
    QList<Row> rows;
    for (Engine &engine : engines) {
        if (engine.asServiceLogin)
            engine.url = serviceLogin(engine.url);
        auto db = openOrDie(engine.url, Database::Migrate::Yes);
        if (!engine.asServiceLogin && !engine.serviceCheckpoints)
            setUp(*db, processes, poolSize);
        const bool withFloor = db->isSqlite() && !engine.serviceCheckpoints;
        if (withFloor)
            floorTables(*db, processes);
        const QString settings = durability(*db);
        for (const int n : engine.serviceCheckpoints ? QList<int>{1} : QList<int>{1, processes}) {
            Row row{engine.name, n, {}, {}, settings, {}};
            // Alternating rounds, best of each: other load on the machine comes and goes, and the
            // best round is the one least disturbed by it.
            for (int round = 0; round < rounds; ++round) {
                const Phase raw =
                    runPhase(self, engine.url, QStringLiteral("raw"), n, seconds, engine.serviceCheckpoints);
                const Phase allocator = runPhase(self, engine.url, QStringLiteral("alloc"), n, seconds,
                                                 engine.serviceCheckpoints);
                if (raw.opsPerSecond > row.raw.opsPerSecond)
                    row.raw = raw;
                if (allocator.opsPerSecond > row.allocator.opsPerSecond)
                    row.allocator = allocator;
                if (withFloor) {
                    const Phase floor =
                        runPhase(self, engine.url, QStringLiteral("floor"), n, seconds, false);
                    if (floor.opsPerSecond > row.floor.opsPerSecond)
                        row.floor = floor;
                }
            }
            rows.append(row);
            out << "  measured " << engine.name << " x" << n << '\n';
            out.flush();
        }
        if (engine.serviceCheckpoints && !parser.isSet(QStringLiteral("keep"))) {
            db.reset();
            const QString file = engine.url.mid(7);
            for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(file + suffix);
        }
    }
    out << "\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
               .arg(QStringLiteral("engine"), -11)
               .arg(QStringLiteral("procs"), 5)
               .arg(QStringLiteral("raw tx/s"), 10)
               .arg(QStringLiteral("alloc op/s"), 10)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("target"), 7)
               .arg(QStringLiteral("alloc p50"), 10)
               .arg(QStringLiteral("alloc p99"), 10)
               .arg(QStringLiteral("release p50"), 12)
               .arg(QStringLiteral("refused"), 8);
    for (const Row &row : rows) {
        const double ratio = row.raw.opsPerSecond > 0 ? row.allocator.opsPerSecond / row.raw.opsPerSecond : 0;
        const double target = row.processes == 1 ? 0.50 : 0.30;
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                   .arg(row.engine, -11)
                   .arg(row.processes, 5)
                   .arg(row.raw.opsPerSecond, 10, 'f', 0)
                   .arg(row.allocator.opsPerSecond, 10, 'f', 0)
                   .arg(QString::number(ratio * 100, 'f', 0) + QLatin1Char('%'), 7)
                   .arg(QStringLiteral("%1 %2")
                            .arg(ratio >= target ? QStringLiteral("ok") : QStringLiteral("MISS"))
                            .arg(int(target * 100)),
                        7)
                   .arg(QString::number(row.allocator.p50Ms, 'f', 2) + QStringLiteral(" ms"), 10)
                   .arg(QString::number(row.allocator.p99Ms, 'f', 2) + QStringLiteral(" ms"), 10)
                   .arg(QString::number(row.allocator.releaseP50Ms, 'f', 2) + QStringLiteral(" ms"), 12)
                   .arg(row.allocator.failures, 8);
        if (!row.allocator.failure.isEmpty())
            out << "    first refusal: " << row.allocator.failure.left(160) << '\n';
    }
    out << "\nAnalysis (SQLite writes a page per row touched): a number, its reservation, the month's usage "
           "and "
           "a call record, written as bare rows without foreign keys or history indexes, one allocate and "
           "one "
           "release per cycle:\n";
    for (const Row &row : rows) {
        if (row.floor.opsPerSecond <= 0)
            continue;
        out << QStringLiteral("  %1 x%2: %3 op/s, %4 of the raw rate: the most any design with these rows "
                              "reaches\n")
                   .arg(row.engine)
                   .arg(row.processes)
                   .arg(row.floor.opsPerSecond, 0, 'f', 0)
                   .arg(QString::number(row.floor.opsPerSecond / row.raw.opsPerSecond * 100, 'f', 0) +
                        QLatin1Char('%'));
    }
    out << "\nDurability (what both the raw and the allocator transactions ran with):\n";
    QString last;
    for (const Row &row : rows) {
        if (row.durability != last)
            out << "  " << row.engine << ": " << row.durability << '\n';
        last = row.durability;
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("run | worker"));
    for (const auto &[name, description] : std::initializer_list<std::pair<const char *, const char *>>{
             {"db", "Database URL (worker)."},
             {"workload", "raw | alloc | floor (worker)."},
             {"id", "Worker number (worker)."},
             {"go", "Start when this file exists (worker)."},
             {"out", "Result file (worker)."},
             {"sqlite-dir", "Folder for the SQLite file."},
             {"pg", "PostgreSQL admin URL."}})
        parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                                            QStringLiteral("value")));
    parser.addOption(QCommandLineOption(QStringLiteral("seconds"),
                                        QStringLiteral("Length of each measurement."), QStringLiteral("s"),
                                        QStringLiteral("4")));
    parser.addOption(QCommandLineOption(QStringLiteral("rounds"),
                                        QStringLiteral("Alternating rounds (best is kept)."),
                                        QStringLiteral("n"), QStringLiteral("2")));
    parser.addOption(QCommandLineOption(QStringLiteral("processes"), QStringLiteral("Contending processes."),
                                        QStringLiteral("n"), QStringLiteral("8")));
    parser.addOption(QCommandLineOption(QStringLiteral("service-checkpoints"),
                                        QStringLiteral("Run SQLite as pooldesk-service does (worker).")));
    parser.addOption(
        QCommandLineOption(QStringLiteral("keep"), QStringLiteral("Keep the SQLite file (for profiling).")));
    parser.addOption(QCommandLineOption(QStringLiteral("pool-size"),
                                        QStringLiteral("Shared numbers in the pool (at least 64)."),
                                        QStringLiteral("n"), QString::number(Numbers_)));
    parser.addHelpOption();
    parser.process(app);
    const QString mode = parser.positionalArguments().value(0);
    if (mode == QLatin1String("worker"))
        return runWorker(parser);
    if (mode == QLatin1String("run"))
        return runDriver(parser, QCoreApplication::applicationFilePath());
    parser.showHelp(2);
}
