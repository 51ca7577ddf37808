#include "billing/CsvWriter.h"

#include <QBuffer>
#include <QTest>

using namespace PoolDesk;

class TestCsvWriter : public QObject {
    Q_OBJECT
private slots:
    void quotesPerRfc4180_data();
    void quotesPerRfc4180();
    void neutralisesFormulas_data();
    void neutralisesFormulas();
    void numbersAreNotNeutralised();
    void byteOrderMarkAndUtf8();
    void readsBack();
    void reportsWriteFailure();
};

// A small RFC 4180 reader: enough to read back what the writer wrote.
static QList<QStringList> parseCsv(const QString &text) {
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return rows;
}

void TestCsvWriter::quotesPerRfc4180_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("encoded");
    QTest::newRow("plain") << QStringLiteral("Acme") << QStringLiteral("Acme");
    QTest::newRow("comma") << QStringLiteral("Acme, Inc.") << QStringLiteral("\"Acme, Inc.\"");
    QTest::newRow("quote") << QStringLiteral("the \"best\"") << QStringLiteral("\"the \"\"best\"\"\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
    QTest::newRow("crlf") << QStringLiteral("a\r\nb") << QStringLiteral("\"a\r\nb\"");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("japanese") << QStringLiteral("さくら歯科") << QStringLiteral("さくら歯科");
    QTest::newRow("japanese, quoted")
        << QStringLiteral("さくら歯科, \"本店\"") << QStringLiteral("\"さくら歯科, \"\"本店\"\"\"");
}

// What the writer puts in the file for one text cell (the byte path every export uses).
static QByteArray written(const QString &text) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CsvWriter writer(buffer, {});
    writer.addTextUtf8(text.toUtf8());
    writer.flush();
    return buffer.data();
}

void TestCsvWriter::quotesPerRfc4180() {
    QFETCH(QString, text);
    QFETCH(QString, encoded);
    QCOMPARE(CsvWriter::encodeText(text), encoded);
    QCOMPARE(written(text), encoded.toUtf8());
}

void TestCsvWriter::neutralisesFormulas_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("encoded");
    QTest::newRow("=") << QStringLiteral("=1+1") << QStringLiteral("'=1+1");
    QTest::newRow("+") << QStringLiteral("+15550000001") << QStringLiteral("'+15550000001");
    QTest::newRow("-") << QStringLiteral("-2") << QStringLiteral("'-2");
    QTest::newRow("@") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
    QTest::newRow("tab") << QStringLiteral("\t=cmd") << QStringLiteral("'\t=cmd");
    QTest::newRow("cr") << QStringLiteral("\r=cmd") << QStringLiteral("\"'\r=cmd\"");
    QTest::newRow("dde with comma") << QStringLiteral("=cmd|' /C calc'!A0,x")
                                    << QStringLiteral("\"'=cmd|' /C calc'!A0,x\"");
    QTest::newRow("inside is fine") << QStringLiteral("a=b") << QStringLiteral("a=b");
}

void TestCsvWriter::neutralisesFormulas() {
    QFETCH(QString, text);
    QFETCH(QString, encoded);
    QCOMPARE(CsvWriter::encodeText(text), encoded);
    QCOMPARE(written(text), encoded.toUtf8());
}

void TestCsvWriter::numbersAreNotNeutralised() {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CsvWriter writer(buffer, {});
    writer.addNumber(QStringLiteral("-1.150000"));
    writer.addText(QStringLiteral("-1.15"));
    writer.endRow();
    QVERIFY(writer.flush());
    QCOMPARE(buffer.data(), QByteArray("-1.150000,'-1.15\r\n"));
}

void TestCsvWriter::byteOrderMarkAndUtf8() {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CsvWriter writer(buffer, {true});
    writer.writeRow({QStringLiteral("会社"), QStringLiteral("x")});
    QVERIFY(writer.flush());
    QVERIFY(buffer.data().startsWith("\xEF\xBB\xBF"));
    QCOMPARE(buffer.data().mid(3), QStringLiteral("会社,x\r\n").toUtf8());

    QBuffer plain;
    plain.open(QIODevice::WriteOnly);
    CsvWriter noBom(plain, {false});
    noBom.writeRow({QStringLiteral("a")});
    QVERIFY(noBom.flush());
    QCOMPARE(plain.data(), QByteArray("a\r\n"));
}

void TestCsvWriter::readsBack() {
    const QList<QStringList> rows = {
        {QStringLiteral("Company"), QStringLiteral("Note")},
        {QStringLiteral("Acme, \"Inc.\""), QStringLiteral("line1\nline2")},
        {QStringLiteral("さくら"), QString()},
    };
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CsvWriter writer(buffer, {});
    for (const QStringList &row : rows)
        writer.writeRow(row);
    QVERIFY(writer.flush());
    QCOMPARE(writer.rowsWritten(), 3);
    QCOMPARE(parseCsv(QString::fromUtf8(buffer.data())), rows);
}

void TestCsvWriter::reportsWriteFailure() {
    QBuffer buffer; // not open: every write fails
    CsvWriter writer(buffer, {});
    writer.writeRow({QStringLiteral("a")});
    QVERIFY(!writer.flush());
    QVERIFY(writer.failed());
}

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
