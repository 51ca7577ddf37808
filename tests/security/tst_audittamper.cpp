// The audit log is tamper-evident on both engines: entries written through the application chain
// (on PostgreSQL by the server's trigger, which must hash exactly as AuditChain does), signed
// checkpoints vouch for the head, and each way of tampering someone with the database's keys could
// try (one field edited, an entry deleted, one inserted, two swapped, the newest cut off behind a
// witnessed checkpoint, a signature replaced) is reported as what it is, and nothing else.
#include "TestDatabases.h"

#include "domain/Clock.h"
#include "security/AuditSigning.h"
#include "security/AuditVerification.h"
#include "security/Ed25519.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Kind = AuditChain::Finding::Kind;

namespace {

const Actor Tester{QStringLiteral("user:tester")};

// Texts that JSON escapes, and some it does not: the two engines' canonical forms must agree.
const QStringList Awkward{
    QStringLiteral("plain"),
    QStringLiteral("quote \" backslash \\ slash /"),
    QStringLiteral("tab\tnewline\ncarriage\rbell\x07 unit\x1f del\x7f"),
    QStringLiteral("日本語の会社 株式会社テスト"),
    QStringLiteral("emoji 😀 and U+2028\u2028 U+FEFF\uFEFF"),
    QString(),
};

struct Workspace {
    std::unique_ptr<Database> db;
    QString engine;
    AuditSigning::Key key;
    QTemporaryDir witness;
    QString witnessed; // the file of the newest witnessed checkpoint

    // Runs SQL as someone who went around PoolDesk: on PostgreSQL the superuser with triggers off
    // (session_replication_role), which is what it takes to change the log there.
    void tamper(const QString &sql, const QVariantList &bindings = {}) {
        if (engine == QLatin1String("postgresql"))
            QVERIFY(Sql::exec(db->connection(), QStringLiteral("SET session_replication_role = replica")));
        auto done = Sql::exec(db->connection(), sql, bindings);
        QVERIFY2(done, done ? "" : qPrintable(done.error().message));
        if (engine == QLatin1String("postgresql"))
            QVERIFY(Sql::exec(db->connection(), QStringLiteral("SET session_replication_role = DEFAULT")));
    }
    qint64 idAt(qint64 seq) {
        return scalar(*db, QStringLiteral("SELECT id FROM audit_log WHERE seq = ?"), {seq});
    }
    QString hashAt(qint64 seq) {
        auto row =
            Sql::exec(db->connection(), QStringLiteral("SELECT hash FROM audit_log WHERE seq = ?"), {seq});
        return row && row.value().next() ? row.value().value(0).toString() : QString();
    }
    AuditReport verify(bool withWitness = true) {
        QList<AuditCheckpoint> witnessedCheckpoints;
        if (withWitness) {
            auto read = AuditCheckpoints::readWitness(witness.path());
            if (!read)
                qFatal("witness: %s", qPrintable(read.error().message));
            witnessedCheckpoints = read.value();
        }
        auto report = AuditVerification::run(*db, witnessedCheckpoints);
        if (!report)
            qFatal("verify: %s", qPrintable(report.error().message));
        return report.value();
    }
    void writeEntries(int count, int from) {
        for (int i = from; i < from + count; ++i) {
            const QString text = Awkward.at(i % Awkward.size());
            QJsonObject before;
            if (i % 3 == 0)
                before.insert(QStringLiteral("value"), text);
            const QJsonObject after{{QStringLiteral("value"), QString(text + QString::number(i))},
                                    {QStringLiteral("n"), i}};
            auto written =
                AuditLog::write(*db, i % 4 == 0 ? Actor::policy(QStringLiteral("autoscale")) : Tester,
                                QStringLiteral("test.change"), text,
                                i % 2 ? std::optional<qint64>(i) : std::nullopt, before, after);
            QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        }
    }
    void signCheckpoint() {
        auto made = AuditSigning::checkpoint(*db, key, Tester);
        QVERIFY2(made, made ? "" : qPrintable(made.error().message));
        auto file = AuditCheckpoints::writeWitness(witness.path(), made.value());
        QVERIFY(file);
        witnessed = file.value();
    }
};

// 30 entries, the key's registration (31), a checkpoint stored and witnessed at 31, then 12 more
// entries (43) and a second checkpoint at 43.
std::unique_ptr<Workspace> workspace(const QString &engine) {
    auto w = std::make_unique<Workspace>();
    w->engine = engine;
    w->db = freshDatabase(engine);
    auto pair = Ed25519::generate();
    if (!pair)
        qFatal("key: %s", qPrintable(pair.error().message));
    w->key = {pair.value(), Ed25519::fingerprint(pair.value().publicKey), true};
    w->writeEntries(30, 0);
    w->signCheckpoint();
    w->writeEntries(12, 30);
    w->signCheckpoint();
    return w;
}

QString kinds(const AuditReport &report) {
    QStringList names;
    for (const AuditChain::Finding &finding : report.verdict.findings)
        names << AuditChain::kindName(finding.kind);
    return names.join(QLatin1Char(','));
}

} // namespace

class TestAuditTamper : public QObject {
    Q_OBJECT
private slots:
    void untouchedLogIsIntact_data() { addEngineRows(); }
    void untouchedLogIsIntact() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        QCOMPARE(scalar(*w->db, QStringLiteral("SELECT COUNT(*) FROM audit_log")), 43);
        QCOMPARE(scalar(*w->db, QStringLiteral("SELECT MAX(seq) FROM audit_log")), 43);
        const AuditReport report = w->verify();
        QVERIFY2(report.intact(), qPrintable(report.describe().join(QLatin1Char('\n'))));
        QCOMPARE(report.verdict.entries, 43);
        QCOMPARE(report.verdict.lastSeq, 43);
        QCOMPARE(report.checkpoints, 4); // two stored, two witnessed
        QCOMPARE(report.witnessed, 2);
        QCOMPARE(report.keys, QStringList{w->key.fingerprint});
        // The server's links are AuditChain's: hashing entry 1 here gives what is stored.
        auto entries = AuditLog::chainEntries(*w->db);
        QVERIFY(entries);
        QCOMPARE(AuditChain::link(AuditChain::genesis(), entries.value().first()),
                 entries.value().first().hash);
    }

    // What the upgrade to the chain does with the entries already there (Migrations runs it on
    // SQLite, migration 030 on PostgreSQL): links them in id order.
    void entriesFromBeforeTheChainAreLinkedInOrder_data() { addEngineRows(); }
    void entriesFromBeforeTheChainAreLinkedInOrder() {
        QFETCH(QString, engine);
        auto db = freshDatabase(engine);
        for (int i = 0; i < 5; ++i)
            QVERIFY(AuditLog::write(*db, Tester, QStringLiteral("test.old"), QString::number(i), std::nullopt,
                                    {}, {}));
        const bool postgresql = engine == QLatin1String("postgresql");
        if (postgresql) {
            QVERIFY(Sql::exec(db->connection(), QStringLiteral("SET session_replication_role = replica")));
            QVERIFY(Sql::exec(db->connection(),
                              QStringLiteral("ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL, "
                                             "ALTER COLUMN hash DROP NOT NULL")));
        }
        QVERIFY(Sql::exec(db->connection(), QStringLiteral("UPDATE audit_log SET seq = NULL, hash = NULL")));
        QVERIFY(Sql::exec(db->connection(), QStringLiteral("UPDATE audit_chain SET seq = 0, hash = ?"),
                          {QString(64, QLatin1Char('0'))}));
        if (postgresql) {
            QCOMPARE(scalar(*db, QStringLiteral("SELECT pooldesk_audit_link_unlinked()")), 5);
            QVERIFY(Sql::exec(db->connection(), QStringLiteral("SET session_replication_role = DEFAULT")));
        } else {
            QVERIFY(AuditLog::chainUnlinkedEntries(*db));
        }
        QVERIFY(AuditLog::write(*db, Tester, QStringLiteral("test.new"), QString(), std::nullopt, {}, {}));
        auto report = AuditVerification::run(*db);
        QVERIFY(report);
        QVERIFY2(report->intact(), qPrintable(report->describe().join(QLatin1Char('\n'))));
        QCOMPARE(report->verdict.lastSeq, 6);
        QCOMPARE(scalar(*db, QStringLiteral(
                                 "SELECT seq FROM audit_log WHERE action = 'test.old' AND target = '3'")),
                 4);
    }

    void oneFieldEditedIsARewrite_data() { addEngineRows(); }
    void oneFieldEditedIsARewrite() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        const qint64 id = w->idAt(10);
        w->tamper(QStringLiteral("UPDATE audit_log SET target = 'someone else' WHERE seq = 10"));
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("rewritten"));
        QCOMPARE(report.verdict.findings.first().id, id);
        QVERIFY(report.describe().first().contains(QString::number(id)));
    }

    void entryDeletedIsADeletion_data() { addEngineRows(); }
    void entryDeletedIsADeletion() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        w->tamper(QStringLiteral("DELETE FROM audit_log WHERE seq = 20"));
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("deleted"));
        QCOMPARE(report.verdict.findings.first().firstSeq, 20);
        QCOMPARE(report.verdict.findings.first().lastSeq, 20);
    }

    void entryInsertedIsAnInsertion_data() { addEngineRows(); }
    void entryInsertedIsAnInsertion() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        // Made to look right: the entries after it renumbered, a hash of the right shape.
        w->tamper(QStringLiteral("UPDATE audit_log SET seq = -seq - 1 WHERE seq >= 15"));
        w->tamper(QStringLiteral("UPDATE audit_log SET seq = -seq WHERE seq < 0"));
        w->tamper(QStringLiteral("INSERT INTO audit_log (at, actor, action, target, seq, hash) VALUES "
                                 "(?, 'user:tester', 'company.remove', 'Acme', 15, ?)"),
                  {Clock::nowSecs(), w->hashAt(14)});
        const qint64 id = w->idAt(15);
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("inserted"));
        QCOMPARE(report.verdict.findings.first().id, id);
    }

    void twoEntriesSwappedAreReordered_data() { addEngineRows(); }
    void twoEntriesSwappedAreReordered() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        const qint64 fifth = w->idAt(5);
        const qint64 sixth = w->idAt(6);
        w->tamper(QStringLiteral("UPDATE audit_log SET seq = -5 WHERE seq = 5"));
        w->tamper(QStringLiteral("UPDATE audit_log SET seq = 5 WHERE seq = 6"));
        w->tamper(QStringLiteral("UPDATE audit_log SET seq = 6 WHERE seq = -5"));
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("reordered"));
        QCOMPARE(QSet<qint64>({report.verdict.findings.first().id, report.verdict.findings.first().otherId}),
                 QSet<qint64>({fifth, sixth}));
    }

    void newestCutOffBehindAWitnessIsTruncation_data() { addEngineRows(); }
    void newestCutOffBehindAWitnessIsTruncation() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        // A careful intruder: the newest ten go, and with them the head record and the stored
        // checkpoint that would give it away. Only the witness outside the database remains.
        const QString head = w->hashAt(33);
        w->tamper(QStringLiteral("DELETE FROM audit_log WHERE seq > 33"));
        w->tamper(QStringLiteral("UPDATE audit_chain SET seq = 33, hash = ?"), {head});
        w->tamper(QStringLiteral("DELETE FROM audit_checkpoints WHERE seq > 33"));
        QVERIFY2(w->verify(false).intact(), "without the witness, the cut is invisible by design");
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("truncated"));
        const AuditChain::Finding finding = report.verdict.findings.first();
        QCOMPARE(finding.firstSeq, 34);
        QCOMPARE(finding.lastSeq, 43);
        QCOMPARE(finding.source, QDir::toNativeSeparators(w->witnessed));
    }

    void newestCutOffIsSeenByTheHeadRecord_data() { addEngineRows(); }
    void newestCutOffIsSeenByTheHeadRecord() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        w->tamper(QStringLiteral("DELETE FROM audit_log WHERE seq > 40"));
        const AuditReport report = w->verify(false);
        QVERIFY(!report.intact());
        QCOMPARE(report.verdict.findings.first().kind, Kind::Truncated);
        QCOMPARE(report.verdict.findings.first().firstSeq, 41);
    }

    void replacedSignatureIsABadSignature_data() { addEngineRows(); }
    void replacedSignatureIsABadSignature() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        QFile file(w->witnessed);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        QByteArray signature =
            QByteArray::fromBase64(object.value(QStringLiteral("signature")).toString().toLatin1());
        signature[7] = char(signature[7] ^ 0x01);
        object.insert(QStringLiteral("signature"), QString::fromLatin1(signature.toBase64()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QJsonDocument(object).toJson());
        file.close();
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("bad-signature"));
        QCOMPARE(report.verdict.findings.first().source, QDir::toNativeSeparators(w->witnessed));
        QCOMPARE(report.verdict.findings.first().firstSeq, 43);
    }

    void checkpointByAnUnregisteredKeyIsABadSignature_data() { addEngineRows(); }
    void checkpointByAnUnregisteredKeyIsABadSignature() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        // Rewritten from entry 40 on and re-signed with a key of the intruder's own: the signature
        // is valid, but the log never registered that key.
        auto forger = Ed25519::generate();
        QVERIFY(forger);
        auto head = AuditLog::head(*w->db);
        QVERIFY(head);
        AuditCheckpoint forged;
        forged.logId = head->logId;
        forged.seq = 43;
        forged.hash = QByteArray(32, '\x5a');
        forged.at = Clock::nowSecs();
        forged.publicKey = forger->publicKey;
        forged.signature = Ed25519::sign(forger->privateKey, forged.signedMessage()).value();
        QVERIFY(AuditCheckpoints::store(*w->db, forged));
        const AuditReport report = w->verify();
        QCOMPARE(kinds(report), QStringLiteral("bad-signature"));
        QVERIFY(report.verdict.findings.first().source.contains(QStringLiteral("database")));
    }

    void witnessOfAnotherLogIsSetAside_data() { addEngineRows(); }
    void witnessOfAnotherLogIsSetAside() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        auto other = workspace(engine);
        auto read = AuditCheckpoints::readWitness(other->witness.path());
        QVERIFY(read);
        auto report = AuditVerification::run(*w->db, read.value());
        QVERIFY(report);
        QVERIFY(report->intact());
        QCOMPARE(report->otherLogs, 2);
        QCOMPARE(report->witnessed, 0);
    }

    void witnessFilesAreCheckedOnRead() {
        QTemporaryDir dir;
        QFile bad(dir.filePath(QStringLiteral("pooldesk-audit-bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"format":"pooldesk-audit-checkpoint-1","log":"ab","seq":1.5})");
        bad.close();
        auto read = AuditCheckpoints::readWitness(dir.path());
        QVERIFY(!read);
        QVERIFY(read.error().message.contains(QStringLiteral("pooldesk-audit-bad.json")));
        QVERIFY(!AuditCheckpoints::readWitness(dir.filePath(QStringLiteral("missing"))));
    }

    void dueFollowsTheSettings_data() { addEngineRows(); }
    void dueFollowsTheSettings() {
        QFETCH(QString, engine);
        auto w = workspace(engine);
        QCOMPARE(AuditSigning::due(*w->db).value(), false); // just signed
        QVERIFY(Sql::exec(w->db->connection(),
                          QStringLiteral("INSERT INTO settings (key, value) VALUES (?, '3')"),
                          {AuditSigning::EveryEntriesSetting}));
        w->writeEntries(2, 100);
        QCOMPARE(AuditSigning::due(*w->db).value(), false);
        w->writeEntries(1, 102);
        QCOMPARE(AuditSigning::due(*w->db).value(), true);
        w->signCheckpoint();
        w->writeEntries(1, 103);
        QCOMPARE(AuditSigning::due(*w->db).value(), false);
        Clock::setOffsetForTesting(61 * 60);
        QCOMPARE(AuditSigning::due(*w->db).value(), true);
        Clock::setOffsetForTesting(0);
    }
};

QTEST_GUILESS_MAIN(TestAuditTamper)
#include "tst_audittamper.moc"
