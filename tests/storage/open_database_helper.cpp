// Opens (and so migrates) the database given on the command line once the file named by the
// second argument exists, so several copies start their migration at the same moment.
// Prints the schema version; exit code 0 on success, 1 with the error on stderr otherwise.
#include "storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <cstdio>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3) {
        std::fputs("usage: pooldesk_open_database_helper URL GO_FILE\n", stderr);
        return 2;
    }
    QElapsedTimer waited;
    waited.start();
    while (!QFile::exists(args.at(2))) {
        if (waited.elapsed() > 60'000) {
            std::fputs("the go file never appeared\n", stderr);
            return 1;
        }
        QThread::usleep(200);
    }
    auto db = PoolDesk::Database::open(args.at(1));
    if (!db) {
        std::fprintf(stderr, "%s\n", qPrintable(db.error().message));
        return 1;
    }
    std::printf("%d\n", db.value()->schemaVersion());
    return 0;
}
