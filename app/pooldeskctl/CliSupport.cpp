#include "CliSupport.h"

#include "domain/Money.h"
#include "storage/AuditLog.h"

#include <QJsonObject>

#include <QCoreApplication>
#include <QDateTime>

namespace PoolDesk::Cli {

std::optional<int> parse(CliContext &context, QCommandLineParser &parser, const QString &command,
                         const QStringList &args) {
    parser.setApplicationDescription(command);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QCoreApplication::translate("pooldeskctl", "Show this help."));
    parser.addOption(help);
    if (!parser.parse(QStringList{QStringLiteral("pooldeskctl ") + command} + args))
        return context.usage(parser.errorText() + QLatin1Char('\n') + parser.helpText());
    if (parser.isSet(help)) {
        context.out() << parser.helpText();
        context.out().flush();
        return ExitCode::Success;
    }
    return std::nullopt;
}

OptionalNumber integerOption(const QCommandLineParser &parser, const QString &name, qint64 minimum) {
    OptionalNumber result;
    if (!parser.isSet(name))
        return result;
    result.present = true;
    const QString text = parser.value(name).trimmed();
    if (text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        result.cleared = true;
        return result;
    }
    bool ok = false;
    result.value = text.toLongLong(&ok);
    if (!ok || result.value < minimum)
        result.error =
            QCoreApplication::translate("pooldeskctl",
                                        "--%1 takes a whole number of at least %2, or \"none\" (got \"%3\").")
                .arg(name)
                .arg(minimum)
                .arg(text);
    return result;
}

OptionalNumber moneyOption(const QCommandLineParser &parser, const QString &name) {
    OptionalNumber result;
    if (!parser.isSet(name))
        return result;
    result.present = true;
    const QString text = parser.value(name).trimmed();
    if (text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
        result.cleared = true;
        return result;
    }
    const auto micros = Money::parseUsd(text);
    if (!micros || *micros < 0)
        result.error =
            QCoreApplication::translate(
                "pooldeskctl",
                "--%1 takes an amount in US dollars such as 150 or 1.15, or \"none\" (got \"%2\").")
                .arg(name, text);
    else
        result.value = *micros;
    return result;
}

// Columns a string takes in a terminal: East Asian wide and full-width characters take two, so
// Japanese headers and company names stay aligned.
static qsizetype displayWidth(const QString &text) {
    qsizetype width = 0;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (c.isLowSurrogate())
            continue;
        const bool wide = (u >= 0x1100 && u <= 0x115F) || (u >= 0x2E80 && u <= 0xA4CF) ||
                          (u >= 0xAC00 && u <= 0xD7A3) || (u >= 0xF900 && u <= 0xFAFF) ||
                          (u >= 0xFE30 && u <= 0xFE4F) || (u >= 0xFF00 && u <= 0xFF60) ||
                          (u >= 0xFFE0 && u <= 0xFFE6);
        width += wide ? 2 : 1;
    }
    return width;
}

void printTable(QTextStream &out, const QStringList &header, const QList<QStringList> &rows) {
    QList<qsizetype> widths;
    for (const QString &title : header)
        widths.append(displayWidth(title));
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = qMax(widths[i], displayWidth(row[i]));
    }
    auto printRow = [&](const QStringList &row) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += QString(widths[i] + 2 - displayWidth(row[i]), QLatin1Char(' '));
        }
        out << line << Qt::endl;
    };
    printRow(header);
    for (const QStringList &row : rows)
        printRow(row);
}

Status auditReport(Database &db, const QString &name, const QCommandLineParser &parser,
                   std::optional<qint64> companyId) {
    QJsonObject options;
    for (const QString &option : parser.optionNames()) {
        const QStringList values = parser.values(option);
        options.insert(option,
                       values.isEmpty() ? QJsonValue(true) : QJsonValue(values.join(QLatin1Char(','))));
    }
    return AuditLog::recordRead(db, Actor::currentUser(), QStringLiteral("report.") + name, name, companyId,
                                options);
}

std::optional<qint64> parseDate(const QString &text, bool endOfDay, const BillingZone &zone) {
    const QDate date = QDate::fromString(text.trimmed(), Qt::ISODate);
    if (date.isValid())
        return zone.startOf(endOfDay ? date.addDays(1) : date);
    QDateTime at = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    if (at.isValid() && at.timeSpec() == Qt::LocalTime) // no offset given: the billing zone's clock
        at = QDateTime(at.date(), at.time(), zone.timeZone());
    if (at.isValid())
        return at.toSecsSinceEpoch();
    return std::nullopt;
}

} // namespace PoolDesk::Cli
