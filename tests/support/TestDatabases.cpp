#include "TestDatabases.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

namespace PoolDesk::Test {

QStringList engines() {
    QStringList list{QStringLiteral("sqlite")};
    if (!qEnvironmentVariableIsEmpty("POOLDESK_TEST_PG_URL"))
        list.append(QStringLiteral("postgresql"));
    else if (!qEnvironmentVariableIsEmpty("POOLDESK_REQUIRE_PG"))
        qFatal("POOLDESK_REQUIRE_PG is set but POOLDESK_TEST_PG_URL is not: the PostgreSQL fixture did not "
               "start");
    return list;
}

void addEngineRows() {
    QTest::addColumn<QString>("engine");
    for (const QString &engine : engines())
        QTest::newRow(engine.toUtf8().constData()) << engine;
}

static QString freshPostgres() {
    const QUrl admin(qEnvironmentVariable("POOLDESK_TEST_PG_URL"));
    const QString name =
        QStringLiteral("pooldesk_t_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(16));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pooldesk-test-admin"));
        db.setHostName(admin.host());
        db.setPort(admin.port(5432));
        db.setUserName(admin.userName());
        db.setDatabaseName(QStringLiteral("postgres"));
        if (!db.open())
            qFatal("cannot reach the test PostgreSQL server: %s", qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("CREATE DATABASE ") + name))
            qFatal("cannot create a test database: %s", qPrintable(query.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("pooldesk-test-admin"));
    QUrl url = admin;
    url.setPath(QLatin1Char('/') + name);
    return url.toString();
}

QString freshDatabaseUrl(const QString &engine) {
    if (engine == QLatin1String("postgresql"))
        return freshPostgres();
    // Kept for the life of the test process; removed with it.
    static QTemporaryDir dir;
    static QAtomicInteger<int> counter;
    return QStringLiteral("sqlite:") +
           dir.filePath(QStringLiteral("test-%1.sqlite").arg(counter.fetchAndAddRelaxed(1)));
}

std::unique_ptr<Database> freshDatabase(const QString &engine) {
    auto db = Database::open(freshDatabaseUrl(engine));
    if (!db)
        qFatal("cannot open a test database: %s", qPrintable(db.error().message));
    return std::move(db).value();
}

qint64 scalar(Database &db, const QString &sql, const QVariantList &bindings) {
    auto query = Sql::exec(db.connection(), sql, bindings);
    if (!query || !query.value().next())
        return -1;
    return query.value().value(0).toLongLong();
}

} // namespace PoolDesk::Test
