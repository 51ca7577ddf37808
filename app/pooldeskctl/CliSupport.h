#pragma once

#include "CliContext.h"

#include <QCommandLineParser>
#include <QList>
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

} // namespace PoolDesk::Cli
