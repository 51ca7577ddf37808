// A generated working day of calls through the allocator, each naming its callee, and how often
// each rule of the pick order chose the number (sticky, area code, region, any), with refusals.
//
//   pooldesk_caller_id_day [--db URL] [--calls N] [--in-flight N] [--daily-cap N] [--seed N]
//
// The pool: shared numbers in 30 busy US area codes, more where more people live. The callees:
// spread over 40 area codes (10 with no number in the pool), a quarter of the calls a second call
// to someone already called that day. Calls overlap: each ends when --in-flight newer ones have
// started. The clock runs a ten-hour day, so hourly and daily caps take effect as they would.
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/CallerPolicy.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QTemporaryDir>

#include <cstdio>
#include <deque>
#include <random>

using namespace PoolDesk;

namespace {

struct Area {
    const char *code;
    int weight;  // relative share of callees
    int numbers; // shared numbers in the pool (0: none)
};

// Thirty area codes with numbers (roughly by population) and ten without.
constexpr Area Areas[] = {
    {"212", 40, 60},
    {"310", 35, 50},
    {"312", 30, 40},
    {"713", 28, 36},
    {"602", 24, 30},
    {"215", 22, 28},
    {"210", 20, 24},
    {"619", 20, 24},
    {"214", 20, 24},
    {"408", 18, 20},
    {"512", 17, 20},
    {"904", 15, 16},
    {"614", 15, 16},
    {"704", 15, 16},
    {"415", 14, 16},
    {"317", 14, 14},
    {"206", 14, 14},
    {"303", 14, 14},
    {"202", 13, 12},
    {"617", 13, 12},
    {"615", 12, 12},
    {"313", 12, 10},
    {"503", 12, 10},
    {"702", 12, 10},
    {"901", 10, 8},
    {"502", 10, 8},
    {"410", 10, 8},
    {"414", 10, 8},
    {"505", 9, 6},
    {"520", 9, 6},
    // No number here: the callee's state may still have one (region), or not (any).
    {"347", 12, 0},
    {"424", 10, 0},
    {"773", 9, 0},
    {"832", 9, 0},
    {"480", 8, 0},
    {"267", 7, 0},
    {"907", 4, 0},
    {"808", 4, 0},
    {"406", 3, 0},
    {"802", 3, 0},
};

[[noreturn]] void die(const QString &message) {
    std::fprintf(stderr, "caller-id day: %s\n", qPrintable(message));
    std::exit(1);
}

QString numberIn(const char *area, int line) {
    return QStringLiteral("+1") + QLatin1String(area) + QStringLiteral("555") +
           QStringLiteral("%1").arg(line, 4, 10, QLatin1Char('0'));
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("db"), QStringLiteral("Database URL (default: a new SQLite file)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("calls"), QStringLiteral("Calls in the day."), QStringLiteral("N"),
                      QStringLiteral("20000")});
    parser.addOption({QStringLiteral("in-flight"), QStringLiteral("Calls under way at once."),
                      QStringLiteral("N"), QStringLiteral("150")});
    parser.addOption({QStringLiteral("daily-cap"), QStringLiteral("The policy's daily_cap (0: none)."),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("N"), QStringLiteral("7")});
    parser.process(app);
    const int calls = parser.value(QStringLiteral("calls")).toInt();
    const int inFlight = std::max(1, parser.value(QStringLiteral("in-flight")).toInt());

    QTemporaryDir tmp;
    const QString url = parser.isSet(QStringLiteral("db"))
                            ? parser.value(QStringLiteral("db"))
                            : QStringLiteral("sqlite:") + tmp.filePath(QStringLiteral("day.sqlite"));
    auto opened = Database::open(url, Database::Migrate::Yes);
    if (!opened)
        die(opened.error().message);
    Database &db = *opened.value();
    const Actor actor{QStringLiteral("user:bench")};
    const QStringList companies{QStringLiteral("Sakura Dental"), QStringLiteral("Aoba Clinic"),
                                QStringLiteral("Fujiyama Travel")};
    for (const QString &name : companies) {
        if (!Companies(db).add(actor, name, Plan::Standard))
            die(QStringLiteral("cannot add a company"));
    }
    Numbers numbers(db);
    int poolSize = 0;
    for (const Area &area : Areas) {
        for (int i = 0; i < area.numbers; ++i) {
            NewNumber number;
            number.e164 = numberIn(area.code, 100 + i);
            number.environment = ProductionEnvironment;
            if (!numbers.add(actor, number))
                die(QStringLiteral("cannot add a number"));
            ++poolSize;
        }
    }
    if (const QString cap = parser.value(QStringLiteral("daily-cap")); cap != QLatin1String("0")) {
        if (auto set = CallerPolicy::set(db, actor, QStringLiteral("daily_cap"), cap); !set)
            die(set.error().message);
    }

    std::mt19937 random(parser.value(QStringLiteral("seed")).toUInt());
    std::vector<int> weights;
    for (const Area &area : Areas)
        weights.push_back(area.weight);
    std::discrete_distribution<int> pickArea(weights.begin(), weights.end());
    std::uniform_int_distribution<int> line(0, 9999);
    std::uniform_int_distribution<int> company(0, int(companies.size()) - 1);
    std::bernoulli_distribution redial(0.25);
    std::uniform_int_distribution<int> duration(0, 400);

    // A ten-hour day from 08:00 UTC today, one call start at a time.
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const qint64 dayStart = realNow / 86400 * 86400 + 8 * 3600;
    const double step = 10.0 * 3600 / std::max(calls, 1);

    Allocator allocator(db);
    std::deque<QString> underWay;
    std::vector<std::pair<int, QString>> called; // company, callee
    QHash<QString, int> matches, refusals;
    QHash<QString, int> usesByNumber;
    for (int i = 0; i < calls; ++i) {
        Clock::setOffsetForTesting(dayStart + qint64(i * step) - QDateTime::currentSecsSinceEpoch());
        int who = company(random);
        QString callee;
        if (!called.empty() && redial(random)) {
            const auto &[before, person] =
                called[std::uniform_int_distribution<size_t>(0, called.size() - 1)(random)];
            who = before;
            callee = person;
        } else {
            callee = numberIn(Areas[pickArea(random)].code, line(random));
            called.emplace_back(who, callee);
        }
        const QString session = QStringLiteral("day-%1").arg(i);
        auto held = allocator.allocate({companies.at(who), QStringLiteral("op-%1").arg(i % 40), session,
                                        std::nullopt, ProductionEnvironment, callee});
        if (held) {
            ++matches[held->match];
            ++usesByNumber[held->e164];
            underWay.push_back(session);
        } else {
            ++refusals[held.error().reason];
        }
        while (int(underWay.size()) > inFlight) {
            ReleaseRequest release;
            release.session = underWay.front();
            release.durationSeconds = duration(random);
            release.outcome =
                release.durationSeconds >= 6 ? QStringLiteral("completed") : QStringLiteral("no-answer");
            if (auto released = allocator.release(release); !released)
                die(released.error().message);
            underWay.pop_front();
        }
    }
    Clock::setOffsetForTesting(0);

    int placed = 0;
    for (const int count : matches)
        placed += count;
    int busiest = 0;
    for (const int uses : usesByNumber)
        busiest = std::max(busiest, uses);
    std::printf(
        "Generated day: %d calls, %d under way at once, %d shared numbers in 30 area codes, callees in "
        "40 (10 without a number), a quarter of the calls to someone called before; daily_cap %s.\n",
        calls, inFlight, poolSize, qPrintable(parser.value(QStringLiteral("daily-cap"))));
    std::printf("%-12s %8s %8s\n", "match", "calls", "share");
    for (const char *rule : {"sticky", "area_code", "region", "any"}) {
        const int count = matches.value(QString::fromLatin1(rule));
        std::printf("%-12s %8d %7.1f%%\n", rule, count, placed ? 100.0 * count / placed : 0.0);
    }
    for (auto it = refusals.cbegin(); it != refusals.cend(); ++it)
        std::printf("refused %-26s %8d\n", qPrintable(it.key()), it.value());
    std::printf("numbers used %d of %d; the busiest carried %d calls\n", int(usesByNumber.size()), poolSize,
                busiest);
    return 0;
}
