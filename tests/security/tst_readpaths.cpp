// Every read path of the command line, run by a manager of Acme signed in with their own login:
// listings, reports and their CSV exports show Acme and nothing of Beta (its name, its dedicated
// number, its operator, its calls). What a manager may not read at all is refused, and the refusal
// names nothing of Beta either.

#include "TenantFixture.h"

#include <QDate>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// pooldeskctl signed in as LOGIN; the password goes in PGPASSWORD, never on the command line.
Run ctlAs(const QString &url, const QString &login, const QStringList &arguments) {
    QUrl signedIn(url);
    signedIn.setUserName(login);
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), Password);
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("POOLDESK_CTL"),
                  QStringList{QStringLiteral("--db"), signedIn.toString(), QStringLiteral("--env"),
                              QStringLiteral("production")} +
                      arguments);
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// What would give Beta away: its name, its dedicated number, its operator, its call.
const QList<QByteArray> BetaMarks{"Beta", "+15550100002", "op-Beta", "CABeta"};

QString leaked(const QByteArray &text) {
    for (const QByteArray &mark : BetaMarks)
        if (text.contains(mark))
            return QString::fromUtf8(mark);
    return {};
}

} // namespace

class TestReadPaths : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_CTL") || !engines().contains(QStringLiteral("postgresql")))
            QFAIL("run through ctest: needs POOLDESK_CTL and the suite's PostgreSQL cluster");
        m_pool = std::make_unique<TwoCompanies>();
        // Beta's marks are really in the database, so finding none below means isolation.
        QVERIFY(scalar(*m_pool->db,
                       QStringLiteral("SELECT COUNT(*) FROM call_records WHERE operator = 'op-Beta' AND "
                                      "call_sid = 'CABeta'")) == 1);
    }
    void managerListingsShowNothingOfAnotherCompany_data();
    void managerListingsShowNothingOfAnotherCompany();
    void managerExportsShowNothingOfAnotherCompany();
    void foreignCompanyLooksUnknown();
    void managerChangesAreRefusedWithTheRoleNeeded();
    void anotherCompanysRecordingIsOutOfReachAndAudited();
    void financeSeesBoth();

private:
    std::unique_ptr<TwoCompanies> m_pool;
};

void TestReadPaths::managerListingsShowNothingOfAnotherCompany_data() {
    const QString month = QDate::currentDate().toString(QStringLiteral("yyyy-MM"));
    const QString from = QDate::currentDate().addDays(-2).toString(Qt::ISODate);
    const QString to = QDate::currentDate().addDays(2).toString(Qt::ISODate);
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("showsAcme"); // else refused: not this role's to read
    const auto row = [](const char *name, const QStringList &arguments, bool showsAcme) {
        QTest::newRow(name) << arguments << showsAcme;
    };
    row("company list", {QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")}, true);
    row("number list",
        {QStringLiteral("--json"), QStringLiteral("number"), QStringLiteral("list"), QStringLiteral("--all")},
        true);
    row("pool status", {QStringLiteral("--json"), QStringLiteral("pool"), QStringLiteral("status")}, true);
    row("report costs",
        {QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("costs"),
         QStringLiteral("--month"), month},
        true);
    row("report costs text",
        {QStringLiteral("report"), QStringLiteral("costs"), QStringLiteral("--month"), month}, true);
    row("report calls",
        {QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("calls"),
         QStringLiteral("--from"), from, QStringLiteral("--to"), to},
        true);
    row("whoami", {QStringLiteral("--json"), QStringLiteral("whoami")}, true);
    row("recording list", {QStringLiteral("--json"), QStringLiteral("recording"), QStringLiteral("list")},
        true);
    row("service key list",
        {QStringLiteral("--json"), QStringLiteral("service"), QStringLiteral("key"), QStringLiteral("list")},
        false);
    row("user list", {QStringLiteral("--json"), QStringLiteral("user"), QStringLiteral("list")}, false);
}

void TestReadPaths::managerListingsShowNothingOfAnotherCompany() {
    QFETCH(QStringList, arguments);
    QFETCH(bool, showsAcme);
    const Run run = ctlAs(m_pool->url, m_pool->managerOfA, arguments);
    const QString describe = QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
                                 .arg(run.exitCode)
                                 .arg(QString::fromUtf8(run.out), QString::fromUtf8(run.err));
    QVERIFY2(leaked(run.out + run.err).isEmpty(),
             qPrintable(leaked(run.out + run.err) + QStringLiteral(" in ") + describe));
    if (showsAcme) {
        QVERIFY2(run.exitCode == 0, qPrintable(describe));
        QVERIFY2(run.out.contains("Acme"), qPrintable(describe));
    } else {
        QVERIFY2(run.exitCode != 0, qPrintable(describe));
    }
}

void TestReadPaths::managerExportsShowNothingOfAnotherCompany() {
    QTemporaryDir dir;
    const QString calls = dir.filePath(QStringLiteral("calls.csv"));
    const QString costs = dir.filePath(QStringLiteral("costs.csv"));
    const QString from = QDate::currentDate().addDays(-2).toString(Qt::ISODate);
    const QString to = QDate::currentDate().addDays(2).toString(Qt::ISODate);
    QCOMPARE(ctlAs(m_pool->url, m_pool->managerOfA,
                   {QStringLiteral("report"), QStringLiteral("calls"), QStringLiteral("--from"), from,
                    QStringLiteral("--to"), to, QStringLiteral("--csv"), calls})
                 .exitCode,
             0);
    QCOMPARE(ctlAs(m_pool->url, m_pool->managerOfA,
                   {QStringLiteral("report"), QStringLiteral("costs"), QStringLiteral("--month"),
                    QDate::currentDate().toString(QStringLiteral("yyyy-MM")), QStringLiteral("--csv"), costs})
                 .exitCode,
             0);
    for (const QString &path : {calls, costs}) {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray text = file.readAll();
        QVERIFY2(text.contains("Acme"), qPrintable(path));
        QVERIFY2(leaked(text).isEmpty(), qPrintable(leaked(text) + QStringLiteral(" in ") + path));
    }
}

void TestReadPaths::foreignCompanyLooksUnknown() {
    // Asking for Beta's calls by name answers exactly as for a company that does not exist.
    const QString from = QDate::currentDate().addDays(-2).toString(Qt::ISODate);
    const QString to = QDate::currentDate().addDays(2).toString(Qt::ISODate);
    const auto ask = [&](const QString &company) {
        return ctlAs(m_pool->url, m_pool->managerOfA,
                     {QStringLiteral("report"), QStringLiteral("calls"), QStringLiteral("--company"), company,
                      QStringLiteral("--from"), from, QStringLiteral("--to"), to});
    };
    const Run beta = ask(QStringLiteral("Beta"));
    const Run nobody = ask(QStringLiteral("Gamma"));
    QVERIFY(beta.exitCode != 0);
    QCOMPARE(beta.exitCode, nobody.exitCode);
    QCOMPARE(QString::fromUtf8(beta.err).replace(QStringLiteral("Beta"), QStringLiteral("Gamma")),
             QString::fromUtf8(nobody.err));
    QVERIFY(beta.out.isEmpty() || !beta.out.contains("CABeta"));
}

void TestReadPaths::managerChangesAreRefusedWithTheRoleNeeded() {
    const auto limits = [&] {
        return scalar(
            *m_pool->db,
            QStringLiteral("SELECT COALESCE(max_concurrent, -1) FROM companies WHERE name = 'Acme'"));
    };
    const qint64 before = limits();
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("company"), QStringLiteral("set-limits"), QStringLiteral("Acme"),
                      QStringLiteral("--max-concurrent"), QStringLiteral("9")},
          QStringList{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+15550109998")}}) {
        const Run run = ctlAs(m_pool->url, m_pool->managerOfA, arguments);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("role_required") && run.err.contains("Administrator"), run.err.constData());
        QVERIFY2(!run.err.contains("permission denied"), run.err.constData());
    }
    QCOMPARE(limits(), before);
    QCOMPARE(
        scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE e164 = '+15550109998'")),
        0);
}

void TestReadPaths::anotherCompanysRecordingIsOutOfReachAndAudited() {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("call.wav"));
    const auto download = [&](const QString &login, const QString &sid) {
        return ctlAs(
            m_pool->url, login,
            {QStringLiteral("recording"), QStringLiteral("download"), sid, QStringLiteral("--out"), out});
    };
    // Beta's recording answers exactly as one that does not exist, and nothing is written.
    const Run beta = download(m_pool->managerOfA, QStringLiteral("RECABeta"));
    const Run nobody = download(m_pool->managerOfA, QStringLiteral("RECAGamma"));
    QCOMPARE(beta.exitCode, 2);
    QCOMPARE(beta.exitCode, nobody.exitCode);
    QCOMPARE(QString::fromUtf8(beta.err).replace(QStringLiteral("RECABeta"), QStringLiteral("RECAGamma")),
             QString::fromUtf8(nobody.err));
    QVERIFY(!QFile::exists(out));
    // Finance may not listen at all, and is told which role may.
    const Run finance = download(m_pool->finance, QStringLiteral("RECAAcme"));
    QCOMPARE(finance.exitCode, 3);
    QVERIFY2(finance.err.contains("role_required") && finance.err.contains("Manager"),
             finance.err.constData());
    const Run listed =
        ctlAs(m_pool->url, m_pool->finance, {QStringLiteral("recording"), QStringLiteral("list")});
    QCOMPARE(listed.exitCode, 3);
    // Each refusal is in the audit log under the login that asked.
    for (const auto &[login, sid] : {std::pair{m_pool->managerOfA, QStringLiteral("RECABeta")},
                                     std::pair{m_pool->finance, QStringLiteral("RECAAcme")}})
        QCOMPARE(
            scalar(*m_pool->db,
                   QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'recording.download' AND "
                                  "target = ? AND actor = ? AND after_json LIKE '%refused%'"),
                   QVariantList{sid, QString(QStringLiteral("user:") + login)}),
            1);
}

void TestReadPaths::financeSeesBoth() {
    // The same commands as finance show both companies: the isolation above is the manager's scope,
    // not a listing that lost rows.
    const QString from = QDate::currentDate().addDays(-2).toString(Qt::ISODate);
    const QString to = QDate::currentDate().addDays(2).toString(Qt::ISODate);
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("--json"), QStringLiteral("company"), QStringLiteral("list")},
          QStringList{QStringLiteral("--json"), QStringLiteral("report"), QStringLiteral("calls"),
                      QStringLiteral("--from"), from, QStringLiteral("--to"), to}}) {
        const Run run = ctlAs(m_pool->url, m_pool->finance, arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("Acme") && run.out.contains("Beta"), run.out.constData());
    }
}

QTEST_GUILESS_MAIN(TestReadPaths)
#include "tst_readpaths.moc"
