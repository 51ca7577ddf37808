// The audit chain's canonical form and what its verifier reports for each kind of tampering. The
// chain is built here the way AuditChain::link defines it; the golden hash was worked out apart from
// Qt (Python's hashlib and json), so the documented form, not only this code, is what is tested.
#include "storage/AuditChain.h"

#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::AuditChain;

namespace {

Entry entry(qint64 n) {
    Entry e;
    e.id = n;
    e.seq = n;
    e.at = 1'700'000'000 + n * 60;
    e.actor = QStringLiteral("user:alice");
    e.action = QStringLiteral("number.assign");
    e.target = QStringLiteral("+1415555%1").arg(1000 + n);
    e.companyId = n % 3 ? std::optional<qint64>(n % 3) : std::nullopt;
    e.afterJson = QStringLiteral("{\"company\":%1}").arg(n % 3);
    return e;
}

// A chain of `count` entries, each hashed onto the one before.
QList<Entry> chain(int count) {
    QList<Entry> entries;
    QByteArray previous = genesis();
    for (int n = 1; n <= count; ++n) {
        Entry e = entry(n);
        e.hash = link(previous, e);
        previous = e.hash;
        entries.append(e);
    }
    return entries;
}

QString describe(const Verdict &verdict) {
    QStringList parts;
    for (const Finding &f : verdict.findings)
        parts << QStringLiteral("%1 id=%2 other=%3 seq=%4..%5")
                     .arg(kindName(f.kind))
                     .arg(f.id)
                     .arg(f.otherId)
                     .arg(f.firstSeq)
                     .arg(f.lastSeq);
    return parts.join(QStringLiteral("; "));
}

// Exactly one finding, of this kind, about this entry.
void expectOne(const Verdict &verdict, Finding::Kind kind, qint64 id) {
    QVERIFY2(verdict.findings.size() == 1, qPrintable(describe(verdict)));
    QCOMPARE(kindName(verdict.findings.first().kind), kindName(kind));
    if (id)
        QCOMPARE(verdict.findings.first().id, id);
}

} // namespace

class TestAuditChain : public QObject {
    Q_OBJECT

private slots:
    void canonicalFormIsTheDocumentedOne() {
        Entry e;
        e.seq = 1;
        e.at = 1'700'000'000;
        e.actor = QStringLiteral("user:alice");
        e.action = QStringLiteral("company.add");
        e.target = QStringLiteral("さくら歯科");
        e.afterJson = QStringLiteral("{\"plan\":\"standard\"}");
        QCOMPARE(QString::fromUtf8(canonical(e)),
                 QStringLiteral("[1,1700000000,\"user:alice\",\"company.add\",\"さくら歯科\",null,null,"
                                "\"{\\\"plan\\\":\\\"standard\\\"}\"]"));
        QCOMPARE(link(genesis(), e).toHex(),
                 QByteArray("e707622581c04b9893efa902e4d9c8dfdb3a31ab9601b43f5b26bc256ac1c670"));
        // Every field is bound: an empty text is not a missing one.
        Entry empty = e;
        empty.target = QString();
        Entry missing = e;
        missing.target.reset();
        QVERIFY(link(genesis(), empty) != link(genesis(), missing));
    }

    void intactChain() {
        const QList<Entry> entries = chain(30);
        const Verdict verdict = verify(entries, {{30, entries.last().hash, QStringLiteral("witness")}});
        QVERIFY2(verdict.intact(), qPrintable(describe(verdict)));
        QCOMPARE(verdict.entries, 30);
        QCOMPARE(verdict.lastSeq, 30);
        QCOMPARE(verdict.head, entries.last().hash);
    }

    void oneFieldRewritten() {
        QList<Entry> entries = chain(30);
        entries[11].afterJson = QStringLiteral("{\"company\":9}");
        expectOne(verify(entries), Finding::Kind::Rewritten, 12);
        // The newest entry too (nothing after it to vouch for its stored hash).
        entries = chain(30);
        entries.last().actor = QStringLiteral("user:mallory");
        expectOne(verify(entries), Finding::Kind::Rewritten, 30);
    }

    void oneDeleted() {
        QList<Entry> entries = chain(30);
        entries.removeAt(11);
        const Verdict gap = verify(entries);
        expectOne(gap, Finding::Kind::Deleted, 0);
        QCOMPARE(gap.findings.first().firstSeq, 12);
        QCOMPARE(gap.findings.first().lastSeq, 12);
        // And with the numbers after it closed up, so there is no gap to see.
        for (qsizetype i = 11; i < entries.size(); ++i)
            --entries[i].seq;
        const Verdict closed = verify(entries);
        expectOne(closed, Finding::Kind::Deleted, 13);
        QCOMPARE(closed.findings.first().firstSeq, 12);
        QCOMPARE(closed.lastSeq, 30);
    }

    void oneInserted() {
        Entry forged = entry(99);
        forged.id = 99;
        forged.action = QStringLiteral("company.remove");
        forged.hash = QByteArray(32, 'x');
        // At a place already taken.
        QList<Entry> entries = chain(30);
        forged.seq = 12;
        entries.append(forged);
        expectOne(verify(entries), Finding::Kind::Inserted, 99);
        // With the entries after it renumbered, its hash made up...
        entries = chain(30);
        for (qsizetype i = 11; i < entries.size(); ++i)
            ++entries[i].seq;
        entries.append(forged);
        expectOne(verify(entries), Finding::Kind::Inserted, 99);
        // ...or made to fit the entry before it: the one after it no longer links.
        entries.last().hash = link(entries.at(10).hash, forged);
        const Verdict fitted = verify(entries);
        expectOne(fitted, Finding::Kind::Inserted, 99);
        QCOMPARE(fitted.lastSeq, 30);
    }

    void twoSwapped() {
        QList<Entry> entries = chain(30);
        std::swap(entries[11].seq, entries[12].seq);
        const Verdict verdict = verify(entries);
        expectOne(verdict, Finding::Kind::Reordered, 13);
        QCOMPARE(verdict.findings.first().otherId, 12);
    }

    void newestDroppedBehindAWitness() {
        const QList<Entry> full = chain(30);
        const Checkpoint witnessed{30, full.last().hash, QStringLiteral("witness/30.checkpoint")};
        const QList<Entry> cut = full.mid(0, 20);
        // The shorter chain is valid in itself: only the witness shows what is missing.
        QVERIFY(verify(cut).intact());
        const Verdict verdict = verify(cut, {witnessed});
        expectOne(verdict, Finding::Kind::Truncated, 0);
        QCOMPARE(verdict.findings.first().firstSeq, 21);
        QCOMPARE(verdict.findings.first().lastSeq, 30);
        QCOMPARE(verdict.findings.first().source, witnessed.source);
        // A checkpoint of another chain at a place the log still has.
        Checkpoint other{10, QByteArray(32, 'y'), QStringLiteral("witness/10.checkpoint")};
        expectOne(verify(full, {other}), Finding::Kind::Diverged, 0);
    }

    void orderOfRowsDoesNotMatter() {
        QList<Entry> entries = chain(10);
        std::reverse(entries.begin(), entries.end());
        QVERIFY(verify(entries).intact());
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
