// The README's pooldeskctl examples, run in the order given on a fresh database: a reader who
// copies them line by line gets no error.
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

// The first ```sh block after the "## pooldeskctl" heading.
QStringList exampleLines(const QString &readme) {
    const qsizetype section = readme.indexOf(QStringLiteral("\n## pooldeskctl"));
    const qsizetype open = readme.indexOf(QStringLiteral("```sh\n"), section);
    const qsizetype close = readme.indexOf(QStringLiteral("\n```"), open + 6);
    if (section < 0 || open < 0 || close < 0)
        return {};
    return readme.mid(open + 6, close - open - 6).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// Words as a shell splits them here: double quotes group, " #" starts a comment.
QStringList words(const QString &line) {
    QStringList out;
    QString word;
    bool quoted = false, inWord = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            inWord = true;
        } else if (!quoted && c == QLatin1Char('#') && (i == 0 || line.at(i - 1).isSpace())) {
            break;
        } else if (!quoted && c.isSpace()) {
            if (inWord)
                out << word;
            word.clear();
            inWord = false;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        out << word;
    return out;
}

} // namespace

class TestReadme : public QObject {
    Q_OBJECT
private slots:
    void examplesRunInOrder() {
        QFile file(qEnvironmentVariable("POOLDESK_README"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QStringList lines = exampleLines(QString::fromUtf8(file.readAll()));
        QVERIFY(lines.size() >= 10);
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("readme.sqlite"));
        QString lastOutput;
        for (const QString &line : lines) {
            QStringList args = words(line);
            QCOMPARE(args.value(0), QStringLiteral("pooldeskctl"));
            args.removeFirst();
            QProcess ctl;
            ctl.start(qEnvironmentVariable("POOLDESK_CTL"), QStringList{QStringLiteral("--db"), db} + args);
            ctl.closeWriteChannel();
            QVERIFY(ctl.waitForFinished(60000));
            lastOutput = QString::fromUtf8(ctl.readAllStandardOutput());
            QVERIFY2(ctl.exitCode() == 0,
                     qPrintable(line + QStringLiteral("\n") + QString::fromUtf8(ctl.readAllStandardError())));
        }
        QVERIFY2(lastOutput.contains(QStringLiteral("18")), qPrintable(lastOutput)); // size --erlangs 10
    }
};

QTEST_GUILESS_MAIN(TestReadme)
#include "tst_readme.moc"
