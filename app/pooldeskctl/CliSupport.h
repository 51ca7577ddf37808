#pragma once

#include "CliContext.h"

#include "domain/BillingZone.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QList>
#include <QSaveFile>
#include <QStringList>

#include <optional>

namespace PoolDesk::Cli {

// Parses a command's own options. Returns nullopt when the command should go on; otherwise the
// exit code to return (0 after --help, 2 after a usage error, already reported).
std::optional<int> parse(CliContext &context, QCommandLineParser &parser, const QString &command,
                         const QStringList &args);

// Reads an optional integer option: nullopt when absent; an error message when malformed.
// "none" clears a limit (returns the sentinel `cleared`).
struct OptionalNumber {
    bool present = false;
    bool cleared = false;
    qint64 value = 0;
    QString error;
};
OptionalNumber integerOption(const QCommandLineParser &parser, const QString &name, qint64 minimum);
OptionalNumber moneyOption(const QCommandLineParser &parser, const QString &name);

// Prints rows as aligned columns under a header.
void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows);

// A report run from the command line is a sensitive read: the log records who ran "report.<name>",
// with the options given, before anything is printed or written.
Status auditReport(Database &db, const QString &name, const QCommandLineParser &parser,
                   std::optional<qint64> companyId = std::nullopt);

// "2026-03-01" (midnight in the billing zone) or a full ISO 8601 date-time. endOfDay: the day
// after a plain date.
std::optional<qint64> parseDate(const QString &text, bool endOfDay, const BillingZone &zone);

// Writes through a QSaveFile so a failed or interrupted export never leaves half a file behind.
// "-" writes to standard output.
template <typename Writer>
Result<QString> writeCsvFile(const QString &path, Writer write) {
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly))
            return makeError(Error::Code::Storage,
                             QCoreApplication::translate("pooldeskctl", "Cannot write to standard output."));
        if (auto done = write(static_cast<QIODevice &>(out)); !done)
            return done.error();
        out.flush();
        return path;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(Error::Code::Storage,
                         QCoreApplication::translate(
                             "pooldeskctl", "Cannot write %1: %2. Check the folder exists and is writable.")
                             .arg(path, file.errorString()));
    if (auto done = write(static_cast<QIODevice &>(file)); !done) {
        file.cancelWriting();
        return done.error();
    }
    if (!file.commit())
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate("pooldeskctl", "Cannot write %1: %2.").arg(path, file.errorString()));
    return path;
}

} // namespace PoolDesk::Cli
