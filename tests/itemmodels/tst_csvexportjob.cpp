#include "ModelTestSeed.h"
#include "itemmodels/CompaniesTableModel.h"
#include "itemmodels/CsvExportJob.h"

#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>

using namespace PoolDesk;

class TestCsvExportJob : public QObject {
    Q_OBJECT
private slots:
    void exportsWhatTheModelShows_data() { Test::addEngineRows(); }
    void exportsWhatTheModelShows();
    void exportsCallsFromSqlWithProgress_data() { Test::addEngineRows(); }
    void exportsCallsFromSqlWithProgress();
    void cancelLeavesNoFile();
};

void TestCsvExportJob::exportsWhatTheModelShows() {
    QFETCH(QString, engine);
    auto db = Test::openFresh(engine);
    Test::addCompany(*db, QStringLiteral("=HYPERLINK(\"x\")"), Plan::Standard);
    Test::addCompany(*db, QStringLiteral("さくら歯科, 東京"), Plan::Hybrid);
    CompaniesTableModel model(*db);
    QVERIFY(Test::waitLoaded(model));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("companies.csv"));
    CsvExportJob *job = CsvExportJob::fromModel(model, path, {true}, this);
    QSignalSpy finished(job, &CsvExportJob::finished);
    job->start();
    QVERIFY(finished.wait(10000));
    QVERIFY(finished.first().at(0).toBool());
    QCOMPARE(finished.first().at(2).toLongLong(), 2);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray data = file.readAll();
    QVERIFY(data.startsWith("\xEF\xBB\xBF"));
    const QString text = QString::fromUtf8(data.mid(3));
    QVERIFY(text.startsWith(CompaniesTableModel::tr("Company") + QLatin1Char(',')));
    QVERIFY(text.contains(QStringLiteral("\r\n\"'=HYPERLINK(\"\"x\"\")\",")));
    QVERIFY(text.contains(QStringLiteral("\r\n\"さくら歯科, 東京\",")));
    delete job;
}

void TestCsvExportJob::exportsCallsFromSqlWithProgress() {
    QFETCH(QString, engine);
    auto db = Test::openFresh(engine);
    const qint64 acme = Test::addCompany(*db, QStringLiteral("Acme"), Plan::Standard);
    const qint64 number = Test::addNumber(*db, QStringLiteral("+15550000001"), ProductionEnvironment);
    for (int i = 0; i < 50; ++i) {
        Test::CallSeed call;
        call.numberId = number;
        call.e164 = QStringLiteral("+15550000001");
        call.companyId = i % 2 ? std::optional<qint64>(acme) : std::nullopt;
        call.startedAt = 1'767'225'600 + i * 60;
        Test::addCall(*db, call);
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("calls.csv"));
    CallFilter filter;
    filter.companyId = acme;
    CsvExportJob *job =
        CsvExportJob::calls(*db, filter, CallSort::StartedAt, Qt::AscendingOrder, path, {}, this);
    QSignalSpy progress(job, &CsvExportJob::progress);
    QSignalSpy finished(job, &CsvExportJob::finished);
    job->start();
    QVERIFY(finished.wait(10000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(finished.first().at(2).toLongLong(), 25);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(1).toLongLong(), 25);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count("\r\n"), 26);
    delete job;
}

void TestCsvExportJob::cancelLeavesNoFile() {
    QStandardItemModel model(20000, 3);
    for (int r = 0; r < 20000; ++r)
        model.setData(model.index(r, 0), QStringLiteral("row %1").arg(r));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.csv"));
    CsvExportJob *job = CsvExportJob::fromModel(model, path, {}, this);
    QSignalSpy finished(job, &CsvExportJob::finished);
    job->cancel(); // a cancel before the worker reaches the first row
    job->start();
    QVERIFY(finished.wait(10000));
    QVERIFY(!finished.first().at(0).toBool());
    QVERIFY(!QFile::exists(path));
    delete job;
}

QTEST_GUILESS_MAIN(TestCsvExportJob)
#include "tst_csvexportjob.moc"
