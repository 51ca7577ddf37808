// Number assign, unassign and remove cannot race an allocation: threads (each with its own
// connection) allocate and release as fast as they can while another thread dedicates, shares and
// removes the same numbers. A number on a call is refused with number_busy, never changed under
// the call; afterwards no reservation or call record points to a removed number, no dedicated
// number carries another company's reservation, and no number holds more calls than it counts.
#include "PoolTestSupport.h"

#include <QMutex>

#include <atomic>
#include <chrono>
#include <thread>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Numbers4[] = {QStringLiteral("+15555550201"), QStringLiteral("+15555550202"),
                            QStringLiteral("+15555550203"), QStringLiteral("+15555550204")};

// A (enterprise) may use only its dedicated numbers and B (standard) only shared ones, so a
// reservation of the wrong company on a number can only come from a change made under a call.
const QString CompanyA = QStringLiteral("Dedicated Co");
const QString CompanyB = QStringLiteral("Shared Co");

struct Outcomes {
    QMutex mutex;
    QStringList violations;
    int allocations = 0;
    int changes = 0;
    int busyRefusals = 0;
    void violation(const QString &what) {
        QMutexLocker lock(&mutex);
        violations << what;
    }
};

} // namespace

class TestNumberChanges : public QObject {
    Q_OBJECT
private slots:
    void changesNeverRaceAllocations_data() { addEngineRows(); }
    void changesNeverRaceAllocations() {
        QFETCH(QString, engine);
        const QString url = freshDatabaseUrl(engine);
        qint64 companyA = 0;
        qint64 companyB = 0;
        {
            auto db = Database::open(url);
            QVERIFY(db);
            Companies companies(*db.value());
            Numbers numbers(*db.value());
            auto a = companies.add(tester(), CompanyA, Plan::Enterprise, {});
            auto b = companies.add(tester(), CompanyB, Plan::Standard, {});
            QVERIFY(a && b);
            companyA = a->id;
            companyB = b->id;
            for (int i = 0; i < 4; ++i) {
                NewNumber number;
                number.e164 = Numbers4[i];
                number.environment = ProductionEnvironment;
                if (i < 2)
                    number.dedicatedTo = companyA;
                QVERIFY(numbers.add(tester(), number));
            }
        }

        Outcomes outcomes;
        std::atomic<int> allocatorsRunning{2};
        const auto allocate = [&](int thread) {
            auto db = Database::open(url);
            if (!db) {
                outcomes.violation(QStringLiteral("cannot open: ") + db.error().message);
                --allocatorsRunning;
                return;
            }
            Allocator allocator(*db.value());
            for (int i = 0; i < 250; ++i) {
                const bool forA = (i + thread) % 2 == 0;
                const QString session = QStringLiteral("t%1-%2").arg(thread).arg(i);
                auto taken = allocator.allocate(
                    {forA ? CompanyA : CompanyB, QStringLiteral("op"), session, 60, ProductionEnvironment});
                if (!taken) {
                    if (taken.error().code == Error::Code::Storage)
                        outcomes.violation(QStringLiteral("allocation failed: ") + describe(taken.error()));
                    continue;
                }
                if (taken->dedicated != forA)
                    outcomes.violation(QStringLiteral("%1 got %2 (dedicated: %3)")
                                           .arg(taken->company, taken->e164)
                                           .arg(taken->dedicated));
                {
                    QMutexLocker lock(&outcomes.mutex);
                    ++outcomes.allocations;
                }
                std::this_thread::sleep_for(std::chrono::microseconds(200 * (i % 4)));
                ReleaseRequest release;
                release.session = session;
                release.durationSeconds = 5;
                release.direction = Direction::Outbound;
                if (auto released = allocator.release(release); !released)
                    outcomes.violation(QStringLiteral("release failed: ") + describe(released.error()));
            }
            --allocatorsRunning;
        };

        const auto change = [&] {
            auto db = Database::open(url);
            if (!db) {
                outcomes.violation(QStringLiteral("cannot open: ") + db.error().message);
                return;
            }
            Numbers numbers(*db.value());
            const auto reservationsOf = [&](const QString &e164, const QString &condition) {
                return scalar(*db.value(),
                              QStringLiteral("SELECT COUNT(*) FROM reservations r JOIN phone_numbers n ON "
                                             "n.id = r.number_id WHERE n.e164 = ? AND ") +
                                  condition,
                              {e164});
            };
            const auto refusedRightly = [&](const Error &error, const QString &what) {
                if (error.reason == QLatin1String("number_busy") &&
                    error.message.contains(QStringLiteral("call"))) {
                    QMutexLocker lock(&outcomes.mutex);
                    ++outcomes.busyRefusals;
                    return;
                }
                outcomes.violation(what + QStringLiteral(" refused unclearly: ") + describe(error));
            };
            for (int round = 0; allocatorsRunning > 0; ++round) {
                const QString e164 = Numbers4[round % 4];
                auto number = numbers.find(e164, ProductionEnvironment);
                if (!number) {
                    outcomes.violation(QStringLiteral("lost ") + e164);
                    continue;
                }
                if (number->dedicatedCompanyId) {
                    if (auto shared = numbers.unassign(tester(), e164, ProductionEnvironment); !shared) {
                        refusedRightly(shared.error(), QStringLiteral("unassign"));
                        continue;
                    }
                    // A, enterprise, cannot take a shared number: its reservation here began before.
                    if (const qint64 held =
                            reservationsOf(e164, QStringLiteral("r.company_id = %1").arg(companyA)))
                        outcomes.violation(
                            QStringLiteral("%1 shared under %2 call(s) of A").arg(e164).arg(held));
                } else if (round % 3 == 0) {
                    if (auto removed = numbers.remove(tester(), e164, ProductionEnvironment); !removed) {
                        refusedRightly(removed.error(), QStringLiteral("remove"));
                        continue;
                    }
                    NewNumber again;
                    again.e164 = e164;
                    again.environment = ProductionEnvironment;
                    if (auto added = numbers.add(tester(), again); !added)
                        outcomes.violation(QStringLiteral("re-add failed: ") + describe(added.error()));
                } else {
                    if (auto dedicated = numbers.assign(tester(), e164, ProductionEnvironment, CompanyA);
                        !dedicated) {
                        refusedRightly(dedicated.error(), QStringLiteral("assign"));
                        continue;
                    }
                    // B, standard, cannot take a dedicated number: its reservation here began before.
                    if (const qint64 held =
                            reservationsOf(e164, QStringLiteral("r.company_id = %1").arg(companyB)))
                        outcomes.violation(
                            QStringLiteral("%1 dedicated to A under %2 call(s) of B").arg(e164).arg(held));
                }
                QMutexLocker lock(&outcomes.mutex);
                ++outcomes.changes;
            }
        };

        std::thread first(allocate, 0);
        std::thread second(allocate, 1);
        std::thread changer(change);
        first.join();
        second.join();
        changer.join();
        qInfo() << engine << outcomes.allocations << "allocations," << outcomes.changes << "changes,"
                << outcomes.busyRefusals << "refused as busy";
        QVERIFY2(outcomes.violations.isEmpty(),
                 qPrintable(outcomes.violations.mid(0, 20).join(QLatin1Char('\n'))));
        QVERIFY(outcomes.allocations > 50);
        QVERIFY(outcomes.changes > 10);

        auto db = Database::open(url);
        QVERIFY(db);
        Database &check = *db.value();
        // Nothing points to a removed number.
        QCOMPARE(scalar(check,
                        QStringLiteral("SELECT COUNT(*) FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM "
                                       "phone_numbers n WHERE n.id = r.number_id)")),
                 qint64(0));
        QCOMPARE(
            scalar(check, QStringLiteral("SELECT COUNT(*) FROM call_records c WHERE c.number_id IS NOT NULL "
                                         "AND NOT EXISTS (SELECT 1 FROM phone_numbers n WHERE n.id = "
                                         "c.number_id)")),
            qint64(0));
        // Every call was released: no number counts a call, none is held.
        QCOMPARE(scalar(check, QStringLiteral("SELECT COUNT(*) FROM reservations")), qint64(0));
        QCOMPARE(scalar(check, QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE active_calls <> 0 OR "
                                              "status <> 'available'")),
                 qint64(0));
        QCOMPARE(scalar(check, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), qint64(4));
        // Every allocation that was answered ended in a call record.
        QVERIFY(scalar(check, QStringLiteral("SELECT COUNT(*) FROM call_records")) > 50);
    }
};

QTEST_GUILESS_MAIN(TestNumberChanges)
#include "tst_numberchanges.moc"
