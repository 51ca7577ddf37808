// The number import file's reader: RFC 4180 CSV in UTF-8, a header naming the columns in any
// order, every bad row reported on the line where its record starts, and no input (however
// broken) that crashes it or makes it keep more than its limits.
#include "pool/NumberCsv.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::NumberCsv;

namespace {

QString describe(const ParsedImport &parsed) {
    QStringList lines;
    for (const RowError &error : parsed.errors)
        lines << QStringLiteral("line %1: %2").arg(error.line).arg(error.message);
    return QStringLiteral("%1 row(s), %2 error(s)\n").arg(parsed.rows.size()).arg(parsed.errorCount) +
           lines.join(QLatin1Char('\n'));
}

QList<int> errorLines(const ParsedImport &parsed) {
    QList<int> lines;
    for (const RowError &error : parsed.errors)
        lines << error.line;
    return lines;
}

ParsedImport parseText(const QByteArray &csv) {
    return parse(csv, QStringLiteral("production"));
}

} // namespace

class TestNumberCsv : public QObject {
    Q_OBJECT

private slots:
    void readsAGoodFile();
    void byteOrderMarkAndLineEnds_data();
    void byteOrderMarkAndLineEnds();
    void columnsInAnyOrder();
    void quotedCommasQuotesAndNewlines();
    void emptyLinesAndTrailingCommas();
    void headerProblems_data();
    void headerProblems();
    void badRowsOnTheirLines();
    void quotedFieldSpanningLinesReportsItsFirstLine();
    void duplicatesInTheFile();
    void wrongFieldCount();
    void notUtf8();
    void priceRange();
    void limits();
    void garbageNeverCrashes();
    void corpusParses();
};

void TestNumberCsv::readsAGoodFile() {
    const ParsedImport parsed =
        parseText("number,environment,dedicated company,sid,monthly price\n"
                  "+1 (607) 695-6082,development,Sakura Dental,PN0123456789abcdef0123456789abcdef,1.15\n"
                  "+14179224538,,,,\n");
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed)));
    QCOMPARE(parsed.rows.size(), 2);
    const NumberRow &first = parsed.rows[0];
    QCOMPARE(first.line, 2);
    QCOMPARE(first.e164, QStringLiteral("+16076956082"));
    QCOMPARE(first.environment, QStringLiteral("development"));
    QCOMPARE(first.company, QStringLiteral("Sakura Dental"));
    QCOMPARE(first.twilioSid, QStringLiteral("PN0123456789abcdef0123456789abcdef"));
    QCOMPARE(first.monthlyPrice, std::optional<Micros>(1'150'000));
    const NumberRow &second = parsed.rows[1];
    QCOMPARE(second.line, 3);
    // Empty cells: the default environment, shared, no SID, the tariff's price.
    QCOMPARE(second.environment, QStringLiteral("production"));
    QVERIFY(second.company.isEmpty());
    QVERIFY(second.twilioSid.isEmpty());
    QVERIFY(!second.monthlyPrice);
}

void TestNumberCsv::byteOrderMarkAndLineEnds_data() {
    QTest::addColumn<QByteArray>("csv");
    const QByteArray lf = "number,environment\n+16076956082,production\n+16076956083,development\n";
    QByteArray crlf = lf;
    crlf.replace("\n", "\r\n");
    QByteArray cr = lf;
    cr.replace("\n", "\r");
    QTest::newRow("LF") << lf;
    QTest::newRow("CRLF") << crlf;
    QTest::newRow("CR") << cr;
    QTest::newRow("BOM LF") << QByteArray("\xEF\xBB\xBF" + lf);
    QTest::newRow("BOM CRLF") << QByteArray("\xEF\xBB\xBF" + crlf);
    QTest::newRow("no final line end") << lf.chopped(1);
}

void TestNumberCsv::byteOrderMarkAndLineEnds() {
    QFETCH(QByteArray, csv);
    const ParsedImport parsed = parseText(csv);
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed)));
    QCOMPARE(parsed.rows.size(), 2);
    QCOMPARE(parsed.rows[0].line, 2);
    QCOMPARE(parsed.rows[1].line, 3);
    QCOMPARE(parsed.rows[1].environment, QStringLiteral("development"));
}

void TestNumberCsv::columnsInAnyOrder() {
    const ParsedImport parsed = parseText("Monthly_Price, SID ,Dedicated-Company,NUMBER\n"
                                          "2.5,,Tanaka Logistics,+16076956082\n");
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed)));
    QCOMPARE(parsed.rows.size(), 1);
    QCOMPARE(parsed.rows[0].e164, QStringLiteral("+16076956082"));
    QCOMPARE(parsed.rows[0].company, QStringLiteral("Tanaka Logistics"));
    QCOMPARE(parsed.rows[0].monthlyPrice, std::optional<Micros>(2'500'000));
    QCOMPARE(parsed.rows[0].environment, QStringLiteral("production"));
}

void TestNumberCsv::quotedCommasQuotesAndNewlines() {
    const ParsedImport parsed = parseText("number,dedicated company\r\n"
                                          "\"+16076956082\",\"Sakura, \"\"Dental\"\"\r\nClinic\"\r\n"
                                          "+16076956083,\"\"\r\n");
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed)));
    QCOMPARE(parsed.rows.size(), 2);
    QCOMPARE(parsed.rows[0].company, QStringLiteral("Sakura, \"Dental\"\r\nClinic"));
    QCOMPARE(parsed.rows[0].line, 2);
    // The quoted line break moved the next record to line 4.
    QCOMPARE(parsed.rows[1].line, 4);
    QVERIFY(parsed.rows[1].company.isEmpty());
}

void TestNumberCsv::emptyLinesAndTrailingCommas() {
    const ParsedImport parsed = parseText("\n\nnumber,environment,\n\n+16076956082,production,\n"
                                          ",,\n   \n+16076956083,production,,,\n\n");
    QVERIFY2(parsed.ok(), qPrintable(describe(parsed)));
    QCOMPARE(parsed.rows.size(), 2);
    QCOMPARE(parsed.rows[0].line, 5);
    QCOMPARE(parsed.rows[1].line, 8);
}

void TestNumberCsv::headerProblems_data() {
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("mentions");
    QTest::addColumn<int>("line");
    QTest::newRow("empty file") << QByteArray() << QStringLiteral("header") << 0;
    QTest::newRow("only a BOM") << QByteArray("\xEF\xBB\xBF") << QStringLiteral("header") << 0;
    QTest::newRow("only blank lines") << QByteArray("\n\r\n,,\n") << QStringLiteral("header") << 0;
    QTest::newRow("no number column")
        << QByteArray("environment,sid\nproduction,\n") << QStringLiteral("\"number\"") << 1;
    QTest::newRow("unknown column") << QByteArray("number,phone\n+16076956082,x\n")
                                    << QStringLiteral("\"phone\"") << 1;
    QTest::newRow("no header at all")
        << QByteArray("+16076956082,production\n") << QStringLiteral("+16076956082") << 1;
    QTest::newRow("column twice") << QByteArray("\n\nnumber,Number\n+16076956082,+16076956083\n")
                                  << QStringLiteral("twice") << 3;
    QTest::newRow("header only") << QByteArray("number\n") << QStringLiteral("no numbers") << 0;
}

void TestNumberCsv::headerProblems() {
    QFETCH(QByteArray, csv);
    QFETCH(QString, mentions);
    QFETCH(int, line);
    const ParsedImport parsed = parseText(csv);
    QVERIFY(!parsed.ok());
    QVERIFY(parsed.rows.isEmpty());
    QVERIFY2(parsed.errors.first().message.contains(mentions), qPrintable(describe(parsed)));
    QCOMPARE(parsed.errors.first().line, line);
}

void TestNumberCsv::badRowsOnTheirLines() {
    const ParsedImport parsed = parseText("number,environment,sid,monthly price\n"
                                          "+16076956082,production,,\n"   // 2 good
                                          "4179224538,production,,\n"     // 3 no country code
                                          "\n"                            // 4 blank
                                          "+16076956083,Prod!,,\n"        // 5 bad environment name
                                          "+16076956084,,PN123,\n"        // 6 bad SID
                                          "+16076956085,,,1.1.5\n"        // 7 bad price
                                          ",production,,\n"               // 8 no number
                                          "+1-800-FLOWERS,,PNxyz,abc\n"); // 9 three problems
    QCOMPARE(parsed.rows.size(), 1);
    QCOMPARE(parsed.rows[0].line, 2);
    QCOMPARE(errorLines(parsed), (QList<int>{3, 5, 6, 7, 8, 9, 9, 9}));
    QCOMPARE(parsed.errorCount, 8);
    QVERIFY2(parsed.errors[0].message.contains(QStringLiteral("4179224538")), qPrintable(describe(parsed)));
    QVERIFY2(parsed.errors[0].message.contains(QStringLiteral("E.164")), qPrintable(describe(parsed)));
    QVERIFY2(parsed.errors[1].message.contains(QStringLiteral("Prod!")), qPrintable(describe(parsed)));
    QVERIFY2(parsed.errors[2].message.contains(QStringLiteral("PN123")), qPrintable(describe(parsed)));
    QVERIFY2(parsed.errors[3].message.contains(QStringLiteral("1.1.5")), qPrintable(describe(parsed)));
}

void TestNumberCsv::quotedFieldSpanningLinesReportsItsFirstLine() {
    const ParsedImport parsed = parseText("number,dedicated company\n"
                                          "+16076956082,\"two\nlines\"\n" // 2-3
                                          "\"+1607\n6956083\",Sakura\n"   // 4-5, bad number
                                          "+16076956084,\"never closed\n" // 6, unterminated
                                          "+16076956085,\n");
    QCOMPARE(parsed.rows.size(), 1);
    QCOMPARE(errorLines(parsed), (QList<int>{4, 6}));
    QVERIFY2(parsed.errors[1].message.contains(QStringLiteral("never closed")), qPrintable(describe(parsed)));

    const ParsedImport after = parseText("number\n\"+16076956082\"x\n+16076956083\n");
    QCOMPARE(errorLines(after), QList<int>{2});
    QCOMPARE(after.rows.size(), 1);
    QCOMPARE(after.rows[0].line, 3);
}

void TestNumberCsv::duplicatesInTheFile() {
    const ParsedImport parsed = parseText("number,environment\n"
                                          "+16076956082,production\n"
                                          "+16076956082,development\n" // another pool: fine
                                          "+1 607 695 6082,\n"         // the default pool: line 2's
                                          "+16076956082,development\n");
    QCOMPARE(errorLines(parsed), (QList<int>{4, 5}));
    QVERIFY2(parsed.errors[0].message.contains(QStringLiteral("line 2")), qPrintable(describe(parsed)));
    QVERIFY2(parsed.errors[1].message.contains(QStringLiteral("line 3")), qPrintable(describe(parsed)));
}

void TestNumberCsv::wrongFieldCount() {
    const ParsedImport parsed = parseText("number,environment\n"
                                          "+16076956082\n"
                                          "+16076956083,production,extra\n"
                                          "+16076956084,production,,\n"); // trailing commas: fine
    QCOMPARE(errorLines(parsed), (QList<int>{2, 3}));
    QCOMPARE(parsed.rows.size(), 1);
    // A value under a header field left empty is not silently dropped.
    const ParsedImport unnamed = parseText("number,,environment\n+16076956082,,production\n"
                                           "+16076956083,oops,production\n");
    QCOMPARE(errorLines(unnamed), QList<int>{3});
}

void TestNumberCsv::notUtf8() {
    const ParsedImport parsed = parseText("number,dedicated company\n"
                                          "+16076956082,\xe3\x81\x95\xe3\x81\x8f\xe3\x82\x89\n" // さくら
                                          "+16076956083,Caf\xe9\n");                            // Latin-1
    QCOMPARE(errorLines(parsed), QList<int>{3});
    QCOMPARE(parsed.rows.size(), 1);
    QCOMPARE(parsed.rows[0].company, QStringLiteral("さくら"));
    // A byte-order mark is dropped only at the start of the file.
    const ParsedImport inner = parseText("number\n\xEF\xBB\xBF+16076956082\n");
    QCOMPARE(errorLines(inner), QList<int>{2});
}

void TestNumberCsv::priceRange() {
    const ParsedImport parsed = parseText("number,monthly price\n"
                                          "+16076956082,0\n"
                                          "+16076956083,$1000\n"
                                          "+16076956084,-1\n"
                                          "+16076956085,1000.01\n"
                                          "+16076956086,1.1234567\n"
                                          "+16076956087,1.150000\n");
    QCOMPARE(errorLines(parsed), (QList<int>{4, 5, 6}));
    QCOMPARE(parsed.rows.size(), 3);
    QCOMPARE(parsed.rows[0].monthlyPrice, std::optional<Micros>(0));
    QCOMPARE(parsed.rows[1].monthlyPrice, std::optional<Micros>(1000 * MicrosPerDollar));
    QCOMPARE(parsed.rows[2].monthlyPrice, std::optional<Micros>(1'150'000));
}

void TestNumberCsv::limits() {
    // A field over the limit, quoted or not.
    const QByteArray longText(MaxFieldBytes + 1, 'x');
    const ParsedImport longFields = parseText("number,dedicated company\n+16076956082," + longText +
                                              "\n+16076956083,\"" + longText + "\"\n+16076956084,ok\n");
    QCOMPARE(errorLines(longFields), (QList<int>{2, 3}));
    QCOMPARE(longFields.rows.size(), 1);
    // Too many fields on one line: counted, not kept.
    const ParsedImport commas = parseText("number\n+16076956082" + QByteArray(100'000, ',') + "x\n");
    QCOMPARE(errorLines(commas), QList<int>{2});
    // Too large a file is refused by its size, before reading.
    const QByteArray huge(MaxBytes + 1, '\n');
    const ParsedImport large = parseText(huge);
    QCOMPARE(errorLines(large), QList<int>{0});
    // A file of bad rows lists the first MaxListedErrors and counts the rest.
    QByteArray bad = "number\n";
    for (int i = 0; i < MaxListedErrors + 500; ++i)
        bad += "nope\n";
    const ParsedImport many = parseText(bad);
    QCOMPARE(many.errors.size(), MaxListedErrors);
    QCOMPARE(many.errorCount, MaxListedErrors + 500);
    QCOMPARE(many.errors.last().line, MaxListedErrors + 1);
}

void TestNumberCsv::garbageNeverCrashes() {
    // Deterministic random bytes, biased towards the characters CSV gives meaning to.
    QRandomGenerator random(12);
    static const char alphabet[] = {'"', ',',  '\r',   '\n',   '+',    '1',    '6', 'P',
                                    'N', '\0', '\xEF', '\xBB', '\xBF', '\xff', ' ', 'a'};
    for (int round = 0; round < 2000; ++round) {
        QByteArray bytes(random.bounded(1, 400), Qt::Uninitialized);
        for (char &c : bytes)
            c = random.bounded(3) == 0 ? char(random.bounded(256))
                                       : alphabet[random.bounded(int(sizeof alphabet))];
        if (round % 2 == 0)
            bytes.prepend("number,environment,dedicated company,sid,monthly price\n");
        const ParsedImport parsed = parseText(bytes);
        QVERIFY(parsed.errors.size() <= MaxListedErrors);
        QVERIFY(parsed.errorCount >= parsed.errors.size());
        for (const NumberRow &row : parsed.rows)
            QVERIFY(row.line >= 1 && row.e164.startsWith(QLatin1Char('+')));
    }
}

void TestNumberCsv::corpusParses() {
    // The fuzz target's seeds: each parses without crashing, and the good ones (named good-*) are good.
    const QDir corpus(qEnvironmentVariable("POOLDESK_NUMBER_CSV_CORPUS"));
    QVERIFY2(corpus.exists(), qPrintable(corpus.path()));
    const QStringList files = corpus.entryList(QDir::Files);
    QVERIFY(files.size() >= 10);
    for (const QString &name : files) {
        QFile file(corpus.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const ParsedImport parsed = parseText(file.readAll());
        if (name.startsWith(QLatin1String("good-")))
            QVERIFY2(parsed.ok() && !parsed.rows.isEmpty(),
                     qPrintable(name + QLatin1Char('\n') + describe(parsed)));
        else if (name.startsWith(QLatin1String("bad-")))
            QVERIFY2(!parsed.ok(), qPrintable(name));
    }
}

QTEST_GUILESS_MAIN(TestNumberCsv)
#include "tst_numbercsv.moc"
