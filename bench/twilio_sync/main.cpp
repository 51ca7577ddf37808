// Benchmark: how fast `pooldeskctl twilio sync-calls` stores calls, against sqlite3's own CSV
// import of the same rows into the same schema, in the same run. Reports calls/s and the ratio.
#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"
#include "twilio/CallIngest.h"
#include "twilio/TwilioTypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>

using namespace PoolDesk;

namespace {

// CPU seconds used so far by this process (self) or by its finished children (the sqlite3 shell):
// beside the wall-clock rates, they show how much of a slow run was other load on the machine.
double cpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Call {
    QString sid, from, to;
    qint64 start = 0, duration = 0;
    QString price; // empty: not billed yet
};

QList<Call> makeCalls(int count, int numbers) {
    QList<Call> calls;
    calls.reserve(count);
    const qint64 base = QDateTime(QDate(2026, 8, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    quint32 seed = 12345;
    auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    for (int i = 0; i < count; ++i) {
        Call c;
        c.sid = QStringLiteral("CA%1").arg(i, 32, 16, QLatin1Char('0'));
        c.from = QStringLiteral("+1607%1").arg(int(next() % numbers), 7, 10, QLatin1Char('0'));
        c.to = QStringLiteral("+1415%1").arg(int(next() % 10'000'000), 7, 10, QLatin1Char('0'));
        c.start = base + qint64(i) * 30;
        c.duration = next() % 600;
        if (next() % 10)
            c.price = QStringLiteral("-%1").arg(0.013 * double((c.duration + 59) / 60), 0, 'f', 5);
        calls.append(c);
    }
    return calls;
}

QString rfc2822(qint64 secs) {
    return QLocale::c().toString(QDateTime::fromSecsSinceEpoch(secs, Qt::UTC),
                                 QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")) +
           QStringLiteral(" +0000");
}

// Pages as Twilio sends them (1000 calls each), serialized up front: the bench measures parsing
// and storing, not building test data.
QList<QByteArray> makePages(const QList<Call> &calls) {
    QList<QByteArray> pages;
    for (qsizetype offset = 0; offset < calls.size(); offset += 1000) {
        QJsonArray items;
        for (qsizetype i = offset; i < std::min<qsizetype>(calls.size(), offset + 1000); ++i) {
            const Call &c = calls.at(i);
            items.append(QJsonObject{
                {QStringLiteral("sid"), c.sid},
                {QStringLiteral("account_sid"), QStringLiteral("AC0123456789abcdef0123456789abcdef")},
                {QStringLiteral("from"), c.from},
                {QStringLiteral("to"), c.to},
                {QStringLiteral("direction"), QStringLiteral("outbound-api")},
                {QStringLiteral("status"), QStringLiteral("completed")},
                {QStringLiteral("start_time"), rfc2822(c.start)},
                {QStringLiteral("end_time"), rfc2822(c.start + c.duration)},
                {QStringLiteral("duration"), QString::number(c.duration)},
                {QStringLiteral("price"), c.price.isEmpty() ? QJsonValue() : QJsonValue(c.price)},
                {QStringLiteral("price_unit"), QStringLiteral("USD")},
                {QStringLiteral("phone_number_sid"), QStringLiteral("PN0123456789abcdef0123456789abcdef")},
                {QStringLiteral("uri"),
                 QStringLiteral("/2010-04-01/Accounts/AC0/Calls/%1.json").arg(c.sid)}});
        }
        QJsonObject page{{QStringLiteral("calls"), items},
                         {QStringLiteral("page"), int(offset / 1000)},
                         {QStringLiteral("page_size"), 1000},
                         {QStringLiteral("next_page_uri"), QJsonValue()}};
        pages.append(QJsonDocument(page).toJson(QJsonDocument::Compact));
    }
    return pages;
}

std::unique_ptr<Database> freshDb(const QString &path, int numbers) {
    auto db = Database::open(QStringLiteral("sqlite:") + path);
    if (!db)
        qFatal("cannot open %s: %s", qPrintable(path), qPrintable(db.error().message));
    auto d = std::move(db).value();
    Transaction t(*d);
    (void)t.begin();
    for (int i = 0; i < numbers; ++i)
        (void)Sql::exec(
            d->connection(),
            QStringLiteral("INSERT INTO phone_numbers (e164, environment, monthly_price_micros, created_at) "
                           "VALUES (?, 'development', 1150000, 0)"),
            {QStringLiteral("+1607%1").arg(i, 7, 10, QLatin1Char('0'))});
    (void)t.commit();
    return d;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QStringList args = app.arguments().mid(1);
    // --ingest-only: measure (or profile) the PoolDesk side alone, without the sqlite3 baseline.
    const bool ingestOnly = args.removeAll(QStringLiteral("--ingest-only")) > 0;
    const int count = !args.isEmpty() ? args.first().toInt() : 200000;
    const int numbers = 50;
    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    if (sqlite3.isEmpty()) {
        out << "sqlite3 (the command-line shell) is needed for the baseline: apt-get install sqlite3"
            << Qt::endl;
        return 1;
    }
    QTemporaryDir dir;
    out << "preparing " << count << " calls in pages of 1000..." << Qt::endl;
    const QList<Call> calls = makeCalls(count, numbers);
    const QList<QByteArray> pages = makePages(calls);
    qint64 bytes = 0;
    for (const QByteArray &p : pages)
        bytes += p.size();

    // 0. Where the time goes: parsing alone (JSON and Twilio's fields), no storage.
    {
        QElapsedTimer timer;
        timer.start();
        qint64 n = 0;
        for (const QByteArray &page : pages) {
            const QJsonArray items =
                QJsonDocument::fromJson(page).object().value(QStringLiteral("calls")).toArray();
            for (const QJsonValue &v : items)
                n += Twilio::Json::call(v.toObject()).durationSeconds >= 0 ? 1 : 0;
        }
        const double secs = timer.nsecsElapsed() / 1e9;
        out << QStringLiteral("parse only      : %1 calls in %2 s = %3 calls/s")
                   .arg(n)
                   .arg(secs, 0, 'f', 3)
                   .arg(n / secs, 0, 'f', 0)
            << Qt::endl;
    }

    // 1. PoolDesk: parse each page and store it through CallIngest, 5 pages per transaction (as the sync
    // does). The WAL checkpoint the ingest defers to its end is counted too (sqlite3's is, at exit).
    double ingestRate = 0, ingestCpu = 0;
    {
        auto db = freshDb(dir.filePath(QStringLiteral("ingest.sqlite")), numbers);
        auto ingest = std::make_unique<Twilio::CallIngest>(*db, QStringLiteral("development"));
        if (auto ok = ingest->prepare(); !ok)
            qFatal("prepare: %s", qPrintable(ok.error().message));
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = cpuSeconds(RUSAGE_SELF);
        qint64 added = 0;
        // As the sync does: pages parsed as they arrive, stored 5 pages (5000 calls) per transaction.
        for (qsizetype first = 0; first < pages.size(); first += 5) {
            QList<QJsonArray> batch;
            for (qsizetype i = first; i < std::min<qsizetype>(pages.size(), first + 5); ++i)
                batch.append(
                    QJsonDocument::fromJson(pages.at(i)).object().value(QStringLiteral("calls")).toArray());
            Transaction t(*db);
            (void)t.begin();
            for (const QJsonArray &items : std::as_const(batch)) {
                auto stats = ingest->ingest(items);
                if (!stats)
                    qFatal("ingest: %s", qPrintable(stats.error().message));
                added += stats->added;
            }
            (void)t.commit();
        }
        ingest.reset();
        if (auto done = Sql::exec(db->connection(), QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")); !done)
            qFatal("checkpoint: %s", qPrintable(done.error().message));
        const double secs = timer.nsecsElapsed() / 1e9;
        ingestCpu = cpuSeconds(RUSAGE_SELF) - cpuBefore;
        ingestRate = added / secs;
        out << QStringLiteral("pooldesk ingest : %1 calls in %2 s = %3 calls/s (%4 MB of JSON; %5 s of CPU)")
                   .arg(added)
                   .arg(secs, 0, 'f', 3)
                   .arg(ingestRate, 0, 'f', 0)
                   .arg(bytes / 1e6, 0, 'f', 1)
                   .arg(ingestCpu, 0, 'f', 3)
            << Qt::endl;
    }

    if (ingestOnly)
        return 0;

    // 2. Baseline: the same rows as CSV, imported by sqlite3 into the same schema (with its
    // indexes) through a view whose trigger fills call_records, and into a bare table.
    const QString csvPath = dir.filePath(QStringLiteral("calls.csv"));
    {
        QFile csv(csvPath);
        if (!csv.open(QIODevice::WriteOnly))
            qFatal("cannot write the CSV");
        QTextStream s(&csv);
        for (const Call &c : calls) {
            const qint64 minutes = (c.duration + 59) / 60;
            const qint64 priceMicros = c.price.isEmpty() ? -1 : qint64(minutes * 13000);
            const int numberId = c.from.right(7).toInt() + 1;
            s << c.sid << ',' << numberId << ',' << c.from << ',' << "outbound" << ',' << c.start << ','
              << c.start + c.duration << ',' << c.duration << ',' << minutes << ',' << minutes * 13000 << ','
              << priceMicros << ",development\n";
        }
    }
    auto runImport = [&](const QString &dbPath, const QString &script) {
        QProcess p;
        p.setProgram(sqlite3);
        p.setArguments({dbPath});
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = cpuSeconds(RUSAGE_CHILDREN);
        p.start();
        p.waitForStarted();
        p.write(script.toUtf8());
        p.closeWriteChannel();
        p.waitForFinished(-1);
        const double secs = timer.nsecsElapsed() / 1e9;
        if (p.exitCode() != 0 || !p.readAllStandardError().isEmpty())
            qFatal("sqlite3 failed");
        return std::pair(secs, cpuSeconds(RUSAGE_CHILDREN) - cpuBefore);
    };
    double importRate = 0, bareRate = 0, importCpu = 0;
    {
        // The idiomatic bulk load: .import into a staging table, then one INSERT ... SELECT into
        // call_records (same schema and indexes, NULLs restored), with the same page cache.
        const QString path = dir.filePath(QStringLiteral("import.sqlite"));
        freshDb(path, numbers).reset();
        const QString script =
            QStringLiteral(
                "PRAGMA cache_size = -65536;\n"
                "CREATE TEMP TABLE staging (call_sid TEXT, number_id BIGINT, e164 TEXT, direction TEXT, "
                "started_at BIGINT, "
                "ended_at BIGINT, duration_seconds BIGINT, billed_minutes BIGINT, estimated_cost_micros "
                "BIGINT, "
                "twilio_price_micros BIGINT, environment TEXT);\n"
                ".mode csv\nBEGIN;\n.import %1 staging\n"
                "INSERT INTO call_records (call_sid, number_id, e164, direction, started_at, ended_at, "
                "duration_seconds, "
                "billed_minutes, estimated_cost_micros, twilio_price_micros, environment) SELECT call_sid, "
                "number_id, e164, "
                "direction, started_at, ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
                "NULLIF(twilio_price_micros, -1), environment FROM staging;\nCOMMIT;\n")
                .arg(csvPath);
        const auto [secs, cpu] = runImport(path, script);
        importRate = count / secs;
        importCpu = cpu;
        out << QStringLiteral(
                   "sqlite3 .import + INSERT..SELECT into call_records: %1 s = %2 rows/s (%3 s of CPU)")
                   .arg(secs, 0, 'f', 3)
                   .arg(importRate, 0, 'f', 0)
                   .arg(cpu, 0, 'f', 3)
            << Qt::endl;
    }
    {
        const QString path = dir.filePath(QStringLiteral("bare.sqlite"));
        const QString script =
            QStringLiteral(
                "PRAGMA journal_mode=WAL;\nCREATE TABLE bare (call_sid TEXT, number_id BIGINT, e164 TEXT, "
                "direction TEXT, started_at BIGINT, ended_at BIGINT, duration_seconds BIGINT, "
                "billed_minutes BIGINT, estimated_cost_micros BIGINT, twilio_price_micros BIGINT, "
                "environment TEXT);\n.mode csv\nBEGIN;\n.import %1 bare\nCOMMIT;\n")
                .arg(csvPath);
        const double secs = runImport(path, script).first;
        bareRate = count / secs;
        out << QStringLiteral("sqlite3 .import into a bare table (no indexes):    %1 s = %2 rows/s")
                   .arg(secs, 0, 'f', 3)
                   .arg(bareRate, 0, 'f', 0)
            << Qt::endl;
    }
    out << QStringLiteral(
               "ratio ingest / import into call_records: %1   ingest / bare import: %2   (targets: >= 50000 "
               "calls/s and >= 0.5)")
               .arg(ingestRate / importRate, 0, 'f', 2)
               .arg(ingestRate / bareRate, 0, 'f', 2)
        << Qt::endl;
    out << QStringLiteral("by CPU time (less sensitive to other load): ingest / import into call_records: %1")
               .arg(importCpu / ingestCpu, 0, 'f', 2)
        << Qt::endl;
    return 0;
}
