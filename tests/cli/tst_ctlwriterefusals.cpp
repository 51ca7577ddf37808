// pooldeskctl on a database that takes no writes: a SQLite file of mode 0444, a read-only folder,
// a full disk (the test's SQLite VFS preloaded), a PostgreSQL database whose transactions are
// read-only. Read commands and exports to another folder work; each write command exits 1 with a
// message that names the database and says what to do, and changes nothing.
//
// Root may write any file whatever its mode, so when the test runs as root the read-only cases run
// pooldeskctl as the unprivileged user nobody (setpriv), as a person's account would.
#include "TestDatabases.h"

#include "storage/Database.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
    QJsonObject error() const {
        return QJsonDocument::fromJson(out).object().value(QStringLiteral("error")).toObject();
    }
    QString describe() const {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), err);
    }
};

constexpr QFileDevice::Permissions ReadOnlyFile =
    QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
constexpr QFileDevice::Permissions ReadWriteFile =
    ReadOnlyFile | QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
constexpr QFileDevice::Permissions ReadOnlyFolder =
    ReadOnlyFile | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
constexpr QFileDevice::Permissions OpenFolder =
    ReadWriteFile | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;

} // namespace

class TestCtlWriteRefusals : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sqliteReadOnly_data();
    void sqliteReadOnly();
    void sqliteDiskFull();
    void postgresReadOnlyDatabase();

private:
    Run ctl(const QString &db, const QStringList &args, const QStringList &environment = {},
            bool unprivileged = false);
    // A database with a company and two numbers, made by pooldeskctl itself; its path or URL.
    QString seed(const QString &url);
    // What every refused write command is checked for.
    void checkRefused(const QString &db, const QString &reason, const QString &location,
                      const QStringList &environment, bool unprivileged);

    QTemporaryDir m_dir;
    bool m_privileged = false;
};

void TestCtlWriteRefusals::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Whoever runs the test: are they refused writing a file of mode 0444?
    const QString probe = m_dir.filePath(QStringLiteral("probe"));
    QFile file(probe);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(QFile::setPermissions(probe, ReadOnlyFile));
    m_privileged = QFileInfo(probe).isWritable();
    if (m_privileged) {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty(),
                 "running as root needs setpriv (util-linux) to run pooldeskctl as nobody");
        // nobody must reach the files, and have a home for whatever Qt keeps there.
        QVERIFY(QFile::setPermissions(m_dir.path(), OpenFolder));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("home")));
        QVERIFY(QFile::setPermissions(m_dir.filePath(QStringLiteral("home")), OpenFolder));
    }
}

Run TestCtlWriteRefusals::ctl(const QString &db, const QStringList &args, const QStringList &environment,
                              bool unprivileged) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("POOLDESK_DB"));
    env.insert(QStringLiteral("POOLDESK_ENV"), QStringLiteral("production"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    for (const QString &setting : environment)
        env.insert(setting.section(QLatin1Char('='), 0, 0), setting.section(QLatin1Char('='), 1));
    QString program = qEnvironmentVariable("POOLDESK_CTL");
    QStringList all{QStringLiteral("--db"), db};
    all += args;
    if (unprivileged && m_privileged) {
        env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        all.prepend(program);
        all = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                          QStringLiteral("--clear-groups")} +
              all;
        program = QStringLiteral("setpriv");
    }
    process.setProcessEnvironment(env);
    process.start(program, all);
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("timed out");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString TestCtlWriteRefusals::seed(const QString &url) {
    for (const QStringList &args :
         {QStringList{QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Sakura Dental"),
                      QStringLiteral("--plan"), QStringLiteral("standard")},
          QStringList{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+16076956082")},
          QStringList{QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+16076956083")}}) {
        const Run run = ctl(url, args);
        if (run.exitCode != 0)
            qWarning().noquote() << "seeding failed:" << run.describe();
    }
    return url;
}

void TestCtlWriteRefusals::checkRefused(const QString &db, const QString &reason, const QString &location,
                                        const QStringList &environment, bool unprivileged) {
    // Reads, and a report exported to another folder.
    const Run numbers =
        ctl(db, {QStringLiteral("number"), QStringLiteral("list")}, environment, unprivileged);
    QVERIFY2(numbers.exitCode == 0, qPrintable(numbers.describe()));
    QVERIFY(numbers.out.contains("+16076956082") && numbers.out.contains("+16076956083"));
    const Run companies =
        ctl(db, {QStringLiteral("company"), QStringLiteral("list")}, environment, unprivileged);
    QVERIFY2(companies.exitCode == 0 && companies.out.contains("Sakura Dental"),
             qPrintable(companies.describe()));
    const Run status = ctl(db, {QStringLiteral("pool"), QStringLiteral("status")}, environment, unprivileged);
    QVERIFY2(status.exitCode == 0, qPrintable(status.describe()));
    const QString csv = m_dir.filePath(QStringLiteral("home/costs-%1.csv").arg(reason));
    const Run report =
        ctl(db,
            {QStringLiteral("report"), QStringLiteral("costs"), QStringLiteral("--month"),
             QDate::currentDate().toString(QStringLiteral("yyyy-MM")), QStringLiteral("--csv"), csv},
            environment, unprivileged);
    QVERIFY2(report.exitCode == 0 && QFileInfo(csv).size() > 0, qPrintable(report.describe()));

    // Every kind of write: refused, exit 1, the file named, what to do said; --json gives the reason.
    const QList<QStringList> writes{
        {QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+16076956084")},
        {QStringLiteral("company"), QStringLiteral("add"), QStringLiteral("Kobe Clinic"),
         QStringLiteral("--plan"), QStringLiteral("standard")},
        {QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("daily_cap"), QStringLiteral("80")},
        {QStringLiteral("allocate"), QStringLiteral("--company"), QStringLiteral("Sakura Dental"),
         QStringLiteral("--operator"), QStringLiteral("op-1"), QStringLiteral("--session"),
         QStringLiteral("call-1")},
    };
    const QString advice =
        reason == QLatin1String("disk_full") ? QStringLiteral("Free space") : QStringLiteral("writable");
    for (const QStringList &write : writes) {
        const Run refused = ctl(db, write, environment, unprivileged);
        QVERIFY2(refused.exitCode == 1, qPrintable(refused.describe()));
        QVERIFY2(refused.err.startsWith(QLatin1String("error: ")) && refused.err.contains(location) &&
                     refused.err.contains(advice) && refused.err.count(QLatin1Char('\n')) == 1,
                 qPrintable(refused.describe()));
        const Run json = ctl(db, QStringList{QStringLiteral("--json")} + write, environment, unprivileged);
        QVERIFY2(json.exitCode == 1, qPrintable(json.describe()));
        QCOMPARE(json.error().value(QStringLiteral("reason")).toString(), reason);
    }
}

void TestCtlWriteRefusals::sqliteReadOnly_data() {
    QTest::addColumn<bool>("folder");
    QTest::newRow("file of mode 0444") << false;
    QTest::newRow("read-only folder") << true;
}

void TestCtlWriteRefusals::sqliteReadOnly() {
    QFETCH(bool, folder);
    const QString dir = m_dir.filePath(folder ? QStringLiteral("folder") : QStringLiteral("file"));
    QVERIFY(QDir().mkpath(dir));
    const QString path = dir + QStringLiteral("/pool.sqlite");
    seed(path);
    QVERIFY(QFile::setPermissions(path, folder ? ReadWriteFile : ReadOnlyFile));
    QVERIFY(QFile::setPermissions(dir, folder ? ReadOnlyFolder : OpenFolder));
    const QByteArray before = [&] {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();

    checkRefused(path, QStringLiteral("database_read_only"), path, {}, true);

    QVERIFY(QFile::setPermissions(dir, OpenFolder));
    QVERIFY(QFile::setPermissions(path, ReadWriteFile));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.readAll() == before, "the file changed");
    // Writable again: the same command works.
    const Run added =
        ctl(path, {QStringLiteral("number"), QStringLiteral("add"), QStringLiteral("+16076956084")});
    QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
}

void TestCtlWriteRefusals::sqliteDiskFull() {
    const QString preload = qEnvironmentVariable("POOLDESK_FAULTY_VFS");
    QVERIFY2(QFileInfo::exists(preload), "POOLDESK_FAULTY_VFS names no library");
    const QString path = seed(m_dir.filePath(QStringLiteral("full.sqlite")));
    const QStringList full{QStringLiteral("LD_PRELOAD=") + preload,
                           QStringLiteral("POOLDESK_TEST_VFS_DISK_FULL_AFTER=0")};
    checkRefused(path, QStringLiteral("disk_full"), path, full, false);

    auto db = Database::open(path, Database::Migrate::No);
    QVERIFY(db);
    QSqlQuery query(db.value()->connection());
    QVERIFY(query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next());
    QCOMPARE(query.value(0).toString(), QStringLiteral("ok"));
    QCOMPARE(Test::scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 2);
    QCOMPARE(Test::scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM companies")), 1);
    QCOMPARE(Test::scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action "
                                                      "IN ('number.add', 'company.add')")),
             3);
}

void TestCtlWriteRefusals::postgresReadOnlyDatabase() {
    if (!Test::engines().contains(QStringLiteral("postgresql")))
        QFAIL("needs the PostgreSQL test cluster (POOLDESK_TEST_PG_URL)");
    const QString url = seed(Test::freshDatabaseUrl(QStringLiteral("postgresql")));
    auto parsed = DatabaseUrl::parse(url);
    QVERIFY(parsed);
    {
        auto admin = Database::open(url, Database::Migrate::No);
        QVERIFY(admin);
        QSqlQuery alter(admin.value()->connection());
        QVERIFY(alter.exec(QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on")
                               .arg(parsed.value().databaseName)));
    }
    checkRefused(url, QStringLiteral("database_read_only"), parsed.value().redacted(), {}, false);
}

QTEST_GUILESS_MAIN(TestCtlWriteRefusals)
#include "tst_ctlwriterefusals.moc"
