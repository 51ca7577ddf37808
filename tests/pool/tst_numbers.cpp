// The pool's numbers: validated E.164, one row per number and environment, dedicated to at most
// one company, never removed or reassigned while holding a call; every change audited, bad
// input changes nothing.
#include "PoolTestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

// Everything a user can see about the numbers, to compare before and after a refused change.
QString snapshot(Database &db) {
    auto query =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT e164, environment, COALESCE(twilio_sid, ''), "
                                 "COALESCE(dedicated_company_id, 0), status, active_calls, total_calls, "
                                 "monthly_price_micros FROM phone_numbers ORDER BY environment, e164"));
    QStringList rows;
    while (query && query.value().next()) {
        QStringList fields;
        for (int i = 0; i < 8; ++i)
            fields.append(query.value().value(i).toString());
        rows.append(fields.join(QLatin1Char('|')));
    }
    return rows.join(QLatin1Char('\n'));
}

NewNumber number(const QString &e164, const QString &environment = ProductionEnvironment) {
    NewNumber n;
    n.e164 = e164;
    n.environment = environment;
    return n;
}

} // namespace

class TestNumbers : public QObject {
    Q_OBJECT

private slots:
    void addNormalizesAndPrices_data() { addEngineRows(); }
    void addNormalizesAndPrices();
    void addIsAudited_data() { addEngineRows(); }
    void addIsAudited();
    void invalidInputChangesNothing_data();
    void invalidInputChangesNothing();
    void duplicateRefused_data() { addEngineRows(); }
    void duplicateRefused();
    void sameNumberInAnotherEnvironment_data() { addEngineRows(); }
    void sameNumberInAnotherEnvironment();
    void assignAndUnassign_data() { addEngineRows(); }
    void assignAndUnassign();
    void assignToUnknownCompany_data() { addEngineRows(); }
    void assignToUnknownCompany();
    void busyNumberCannotChange_data() { addEngineRows(); }
    void busyNumberCannotChange();
    void remove_data() { addEngineRows(); }
    void remove();
    void listFilters_data() { addEngineRows(); }
    void listFilters();
};

void TestNumbers::addNormalizesAndPrices() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    auto added = f.numbers.add(tester(), number(QStringLiteral("+1 (607) 695-6082"), DevelopmentEnvironment));
    POOL_VERIFY_OK(added);
    QCOMPARE(added->e164, QStringLiteral("+16076956082"));
    QCOMPARE(added->environment, DevelopmentEnvironment);
    QVERIFY(added->status == NumberStatus::Available);
    QCOMPARE(added->activeCalls, 0);
    QVERIFY(!added->dedicatedCompanyId);
    // The tariff's monthly price when none is given ($1.15, the seed's).
    QCOMPARE(added->monthlyPrice, Micros(1'150'000));
    QVERIFY(added->boughtAt.isValid());

    NewNumber priced = number(QStringLiteral("+14179224538"));
    priced.monthlyPrice = 2'000'000;
    priced.twilioSid = QStringLiteral("PN0123456789abcdef0123456789ABCDEF");
    auto second = f.numbers.add(tester(), priced);
    POOL_VERIFY_OK(second);
    QCOMPARE(second->monthlyPrice, Micros(2'000'000));
    QCOMPARE(second->twilioSid, priced.twilioSid);
    // Found again by any spelling of the number.
    auto found = f.numbers.find(QStringLiteral("+1 417-922-4538"), ProductionEnvironment);
    POOL_VERIFY_OK(found);
    QCOMPARE(found->id, second->id);
}

void TestNumbers::addIsAudited() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    NewNumber dedicated = number(QStringLiteral("+14179224545"));
    dedicated.dedicatedTo = company;
    const qint64 before = f.auditEntries();
    auto added = f.numbers.add(Actor{QStringLiteral("user:alice")}, dedicated);
    POOL_VERIFY_OK(added);
    QCOMPARE(added->dedicatedCompanyId, std::optional<qint64>(company));
    QCOMPARE(added->dedicatedCompanyName, QStringLiteral("Tanaka Logistics"));
    QCOMPARE(f.auditEntries(), before + 1);
    QCOMPARE(text(*f.db, QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("number.add"));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT target FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("+14179224545"));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("user:") + f.db->login());
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT company_id FROM audit_log ORDER BY id DESC LIMIT 1")),
             company);
    const QJsonObject after =
        QJsonDocument::fromJson(
            text(*f.db, QStringLiteral("SELECT after_json FROM audit_log ORDER BY id DESC LIMIT 1")).toUtf8())
            .object();
    QCOMPARE(after.value(QStringLiteral("dedicated_to")).toString(), QStringLiteral("Tanaka Logistics"));
}

void TestNumbers::invalidInputChangesNothing_data() {
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("sid");
    QTest::addColumn<qint64>("price");
    for (const QString &engine : engines()) {
        const auto row = [&](const char *label) -> QTestData & {
            return QTest::addRow("%s: %s", qPrintable(engine), label);
        };
        row("no plus") << engine << QStringLiteral("16076956082") << ProductionEnvironment << QString()
                       << qint64(-1);
        row("too short") << engine << QStringLiteral("+123") << ProductionEnvironment << QString()
                         << qint64(-1);
        row("letters") << engine << QStringLiteral("+1607CALLNOW") << ProductionEnvironment << QString()
                       << qint64(-1);
        row("empty") << engine << QString() << ProductionEnvironment << QString() << qint64(-1);
        row("bad environment") << engine << QStringLiteral("+16076956082") << QStringLiteral("Prod!")
                               << QString() << qint64(-1);
        row("bad SID") << engine << QStringLiteral("+16076956082") << ProductionEnvironment
                       << QStringLiteral("PN123") << qint64(-1);
        row("call SID, not number SID") << engine << QStringLiteral("+16076956082") << ProductionEnvironment
                                        << QStringLiteral("CA0123456789abcdef0123456789abcdef") << qint64(-1);
        row("negative price") << engine << QStringLiteral("+16076956082") << ProductionEnvironment
                              << QString() << qint64(-1'000'000);
    }
}

void TestNumbers::invalidInputChangesNothing() {
    QFETCH(QString, engine);
    QFETCH(QString, e164);
    QFETCH(QString, environment);
    QFETCH(QString, sid);
    QFETCH(qint64, price);
    PoolFixture f(engine);
    f.addNumber(QStringLiteral("+14179224538"));
    const QString before = snapshot(*f.db);
    const qint64 audit = f.auditEntries();
    NewNumber input = number(e164, environment);
    input.twilioSid = sid;
    if (price != -1)
        input.monthlyPrice = price;
    auto added = f.numbers.add(tester(), input);
    QVERIFY(!added.ok());
    QCOMPARE(added.error().code, Error::Code::InvalidInput);
    QVERIFY(!added.error().message.isEmpty());
    QCOMPARE(snapshot(*f.db), before);
    QCOMPARE(f.auditEntries(), audit);
}

void TestNumbers::duplicateRefused() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addNumber(QStringLiteral("+16076956082"));
    const QString before = snapshot(*f.db);
    const qint64 audit = f.auditEntries();
    // The same number typed differently is still the same number.
    NewNumber again = number(QStringLiteral("+1 607 695 6082"));
    again.monthlyPrice = 9'000'000;
    auto duplicate = f.numbers.add(tester(), again);
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, Error::Code::Conflict);
    QCOMPARE(duplicate.error().reason, QStringLiteral("duplicate_number"));
    QVERIFY(duplicate.error().message.contains(QStringLiteral("+16076956082")));
    QCOMPARE(snapshot(*f.db), before);
    QCOMPARE(f.auditEntries(), audit);
    // The connection is still usable after the refused insert.
    f.addNumber(QStringLiteral("+16076956083"));
}

void TestNumbers::sameNumberInAnotherEnvironment() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addNumber(QStringLiteral("+16076956082"), std::nullopt, DevelopmentEnvironment);
    f.addNumber(QStringLiteral("+16076956082"), std::nullopt, ProductionEnvironment);
    auto dev = f.numbers.list({DevelopmentEnvironment, std::nullopt, std::nullopt, QString()});
    POOL_VERIFY_OK(dev);
    QCOMPARE(dev->size(), 1);
    auto all = f.numbers.list();
    POOL_VERIFY_OK(all);
    QCOMPARE(all->size(), 2);
}

void TestNumbers::assignAndUnassign() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Fujiyama Travel"), Plan::Hybrid);
    f.addNumber(QStringLiteral("+14179224538"));
    auto assigned = f.numbers.assign(tester(), QStringLiteral("+14179224538"), ProductionEnvironment,
                                     QStringLiteral("Fujiyama Travel"));
    POOL_VERIFY_OK(assigned);
    QCOMPARE(assigned->dedicatedCompanyId, std::optional<qint64>(company));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("number.assign"));
    QJsonObject before =
        QJsonDocument::fromJson(text(*f.db, QStringLiteral("SELECT before_json FROM audit_log "
                                                           "ORDER BY id DESC LIMIT 1"))
                                    .toUtf8())
            .object();
    QJsonObject after = QJsonDocument::fromJson(text(*f.db, QStringLiteral("SELECT after_json FROM audit_log "
                                                                           "ORDER BY id DESC LIMIT 1"))
                                                    .toUtf8())
                            .object();
    QVERIFY(before.value(QStringLiteral("dedicated_to")).isNull());
    QCOMPARE(after.value(QStringLiteral("dedicated_to")).toString(), QStringLiteral("Fujiyama Travel"));
    // The allocator now treats it as the company's own.
    auto allocation = f.allocate(QStringLiteral("Fujiyama Travel"), QStringLiteral("s1"));
    POOL_VERIFY_OK(allocation);
    QVERIFY(allocation->dedicated);
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 5));

    auto unassigned = f.numbers.unassign(tester(), QStringLiteral("+14179224538"), ProductionEnvironment);
    POOL_VERIFY_OK(unassigned);
    QVERIFY(!unassigned->dedicatedCompanyId);
    QCOMPARE(text(*f.db, QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("number.unassign"));
    before = QJsonDocument::fromJson(
                 text(*f.db, QStringLiteral("SELECT before_json FROM audit_log ORDER BY id DESC LIMIT 1"))
                     .toUtf8())
                 .object();
    QCOMPARE(before.value(QStringLiteral("dedicated_to")).toString(), QStringLiteral("Fujiyama Travel"));
    auto shared = f.allocate(QStringLiteral("Fujiyama Travel"), QStringLiteral("s2"));
    POOL_VERIFY_OK(shared);
    QVERIFY(!shared->dedicated);
}

void TestNumbers::assignToUnknownCompany() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addNumber(QStringLiteral("+14179224538"));
    const QString before = snapshot(*f.db);
    const qint64 audit = f.auditEntries();
    auto refused = f.numbers.assign(tester(), QStringLiteral("+14179224538"), ProductionEnvironment,
                                    QStringLiteral("Nobody Inc"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::NotFound);
    QCOMPARE(refused.error().reason, QStringLiteral("unknown_company"));
    auto unknownNumber = f.numbers.assign(tester(), QStringLiteral("+14179220000"), ProductionEnvironment,
                                          QStringLiteral("Nobody Inc"));
    QVERIFY(!unknownNumber.ok());
    QCOMPARE(unknownNumber.error().code, Error::Code::NotFound);
    auto malformed = f.numbers.unassign(tester(), QStringLiteral("417-922-4538"), ProductionEnvironment);
    QVERIFY(!malformed.ok());
    QCOMPARE(malformed.error().code, Error::Code::InvalidInput);
    QCOMPARE(snapshot(*f.db), before);
    QCOMPARE(f.auditEntries(), audit);
}

void TestNumbers::busyNumberCannotChange() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    const QString busy = QStringLiteral("+14179224538");
    f.addNumber(busy);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("live")));
    const QString before = snapshot(*f.db);
    const qint64 audit = f.auditEntries();

    const auto expectBusy = [](const Error &error) {
        return error.code == Error::Code::Conflict && error.reason == QLatin1String("number_busy") &&
               !error.message.isEmpty();
    };
    auto removed = f.numbers.remove(tester(), busy, ProductionEnvironment);
    QVERIFY(!removed.ok());
    QVERIFY2(expectBusy(removed.error()), qPrintable(describe(removed.error())));
    auto assigned =
        f.numbers.assign(tester(), busy, ProductionEnvironment, QStringLiteral("Tanaka Logistics"));
    QVERIFY(!assigned.ok());
    QVERIFY2(expectBusy(assigned.error()), qPrintable(describe(assigned.error())));
    QCOMPARE(snapshot(*f.db), before);
    QCOMPARE(f.auditEntries(), audit);

    // Once the call ends, both are allowed.
    POOL_VERIFY_OK(f.release(QStringLiteral("live"), 30));
    POOL_VERIFY_OK(
        f.numbers.assign(tester(), busy, ProductionEnvironment, QStringLiteral("Tanaka Logistics")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Tanaka Logistics"), QStringLiteral("live-2")));
    auto unassigned = f.numbers.unassign(tester(), busy, ProductionEnvironment);
    QVERIFY(!unassigned.ok());
    QVERIFY2(expectBusy(unassigned.error()), qPrintable(describe(unassigned.error())));
    POOL_VERIFY_OK(f.release(QStringLiteral("live-2"), 30));
    POOL_VERIFY_OK(f.numbers.remove(tester(), busy, ProductionEnvironment));
}

void TestNumbers::remove() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14179224538"));
    f.addNumber(QStringLiteral("+14179224545"));
    // A number with call history can be removed; its calls keep the number's text.
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 30));
    const QString used = text(*f.db, QStringLiteral("SELECT e164 FROM call_records"));
    POOL_VERIFY_OK(f.numbers.remove(tester(), used, ProductionEnvironment));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 1);
    QCOMPARE(text(*f.db, QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("number.remove"));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT e164 FROM call_records")), used);
    auto gone = f.numbers.find(used, ProductionEnvironment);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, Error::Code::NotFound);
    // Removing it again, or a number that never existed, is a clear "not found".
    auto again = f.numbers.remove(tester(), used, ProductionEnvironment);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, Error::Code::NotFound);
    // The environment is part of the key.
    auto otherEnvironment =
        f.numbers.remove(tester(), QStringLiteral("+14179224545"), DevelopmentEnvironment);
    QVERIFY(!otherEnvironment.ok());
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 1);
}

void TestNumbers::listFilters() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 tanaka = f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14179224538"));
    f.addNumber(QStringLiteral("+14179224545"), tanaka);
    f.addNumber(QStringLiteral("+16076956082"), std::nullopt, DevelopmentEnvironment);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));

    NumberFilter filter;
    filter.environment = ProductionEnvironment;
    auto production = f.numbers.list(filter);
    POOL_VERIFY_OK(production);
    QCOMPARE(production->size(), 2);
    filter.status = NumberStatus::Reserved;
    auto reserved = f.numbers.list(filter);
    POOL_VERIFY_OK(reserved);
    QCOMPARE(reserved->size(), 1);
    QCOMPARE(reserved->at(0).e164, QStringLiteral("+14179224538"));
    QCOMPARE(reserved->at(0).activeCalls, 1);
    NumberFilter byCompany;
    byCompany.companyId = tanaka;
    auto dedicated = f.numbers.list(byCompany);
    POOL_VERIFY_OK(dedicated);
    QCOMPARE(dedicated->size(), 1);
    QCOMPARE(dedicated->at(0).dedicatedCompanyName, QStringLiteral("Tanaka Logistics"));
    NumberFilter byText;
    byText.text = QStringLiteral("Tanaka");
    auto found = f.numbers.list(byText);
    POOL_VERIFY_OK(found);
    QCOMPARE(found->size(), 1);
    byText.text = QStringLiteral("6956");
    found = f.numbers.list(byText);
    POOL_VERIFY_OK(found);
    QCOMPARE(found->size(), 1);
    QCOMPARE(found->at(0).environment, DevelopmentEnvironment);
}

QTEST_GUILESS_MAIN(TestNumbers)
#include "tst_numbers.moc"
