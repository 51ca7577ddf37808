// pooldeskctl pool status | size

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/Allocator.h"
#include "pool/ErlangB.h"
#include "pool/PoolStatus.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace PoolDesk {
namespace {

int runPool(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    QCommandLineParser parser;
    if (sub == QLatin1String("reap")) {
        if (auto done = Cli::parse(context, parser, QStringLiteral("pool reap"), args.mid(1)))
            return *done;
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto reaped = Allocator(*db.value()).reapExpired();
        if (!reaped)
            return context.fail(reaped.error());
        if (context.json())
            context.printJson(QJsonObject{{QStringLiteral("reaped"), reaped.value()}});
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "%n expired lease(s) freed.", nullptr,
                                                         reaped.value())
                          << Qt::endl;
        return ExitCode::Success;
    }
    if (sub != QLatin1String("status"))
        return context.usage(
            QCoreApplication::translate("pooldeskctl", "pooldeskctl pool status | pool reap"));
    if (auto done = Cli::parse(context, parser, QStringLiteral("pool status"), args.mid(1)))
        return *done;
    auto db = context.database();
    if (!db)
        return context.fail(db.error());
    auto snapshot = PoolStatus::snapshot(*db.value(), context.environment());
    if (!snapshot)
        return context.fail(snapshot.error());
    const PoolSnapshot &s = snapshot.value();
    if (context.json()) {
        QJsonArray companies;
        for (const CompanyHolding &c : s.companies)
            companies.append(QJsonObject{{QStringLiteral("company"), c.company},
                                         {QStringLiteral("held"), c.held},
                                         {QStringLiteral("dedicated_numbers"), c.dedicated}});
        context.printJson(QJsonObject{{QStringLiteral("environment"), s.environment},
                                      {QStringLiteral("total"), s.total},
                                      {QStringLiteral("available"), s.available},
                                      {QStringLiteral("reserved"), s.reserved},
                                      {QStringLiteral("in_use"), s.inUse},
                                      {QStringLiteral("shared"), s.shared},
                                      {QStringLiteral("dedicated"), s.dedicated},
                                      {QStringLiteral("available_shared"), s.availableShared},
                                      {QStringLiteral("threshold"), s.threshold},
                                      {QStringLiteral("below_threshold"), s.belowThreshold},
                                      {QStringLiteral("per_number_concurrency"), s.perNumberConcurrency},
                                      {QStringLiteral("companies"), companies}});
        return ExitCode::Success;
    }
    QTextStream &out = context.out();
    out << QCoreApplication::translate("pooldeskctl", "Pool %1: %n number(s) (%2 shared, %3 dedicated)",
                                       nullptr, int(s.total))
               .arg(s.environment)
               .arg(s.shared)
               .arg(s.dedicated)
        << Qt::endl;
    out << QCoreApplication::translate(
               "pooldeskctl", "  available %1, held %2 (reserved %3: allocated, call not confirmed; in "
                              "use %4: on a call)")
               .arg(s.available)
               .arg(s.reserved + s.inUse)
               .arg(s.reserved)
               .arg(s.inUse)
        << Qt::endl;
    out << QCoreApplication::translate("pooldeskctl", "  shared numbers available: %1 (threshold %2)%3")
               .arg(s.availableShared)
               .arg(s.threshold)
               .arg(s.belowThreshold ? QCoreApplication::translate("pooldeskctl", " - BELOW THRESHOLD")
                                     : QString())
        << Qt::endl;
    QList<QStringList> rows;
    for (const CompanyHolding &c : s.companies)
        rows.append({c.company, QString::number(c.held), QString::number(c.dedicated)});
    if (!rows.isEmpty()) {
        out << Qt::endl;
        Cli::printTable(out,
                        {QCoreApplication::translate("pooldeskctl", "COMPANY"),
                         QCoreApplication::translate("pooldeskctl", "HELD"),
                         QCoreApplication::translate("pooldeskctl", "DEDICATED")},
                        rows);
    }
    return ExitCode::Success;
}

int runSize(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("erlangs"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Offered traffic in the busiest hour (calls/hour x hours/call)."),
                      QCoreApplication::translate("pooldeskctl", "E")});
    parser.addOption(
        {QStringLiteral("blocking"),
         QCoreApplication::translate("pooldeskctl", "Target blocking probability (default 0.01)."),
         QCoreApplication::translate("pooldeskctl", "P"), QStringLiteral("0.01")});
    if (auto done = Cli::parse(context, parser, QStringLiteral("size"), args))
        return *done;
    bool ok = false;
    const double erlangs = parser.value(QStringLiteral("erlangs")).toDouble(&ok);
    if (!parser.isSet(QStringLiteral("erlangs")) || !ok || erlangs <= 0 || erlangs > 100000)
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "--erlangs takes the offered traffic, a number above 0 (like 10 or 2.5)."));
    const double blocking = parser.value(QStringLiteral("blocking")).toDouble(&ok);
    if (!ok || blocking <= 0 || blocking >= 1)
        return context.usage(QCoreApplication::translate(
            "pooldeskctl", "--blocking takes a probability between 0 and 1 (like 0.01 for 1%)."));
    const int lines = ErlangB::linesFor(erlangs, blocking);
    const double achieved = ErlangB::blocking(erlangs, lines);
    if (context.json())
        context.printJson(QJsonObject{{QStringLiteral("erlangs"), erlangs},
                                      {QStringLiteral("blocking_target"), blocking},
                                      {QStringLiteral("lines"), lines},
                                      {QStringLiteral("blocking"), achieved}});
    else
        context.out() << lines << Qt::endl;
    return ExitCode::Success;
}

const bool registeredPool = CommandRegistry::add(
    {"pool", QT_TRANSLATE_NOOP("pooldeskctl", "pool status: counts by status and per company; pool reap"),
     &runPool});
const bool registeredSize = CommandRegistry::add(
    {"size", QT_TRANSLATE_NOOP("pooldeskctl", "recommended pool size for a traffic (Erlang B)"), &runSize});

} // namespace
} // namespace PoolDesk
