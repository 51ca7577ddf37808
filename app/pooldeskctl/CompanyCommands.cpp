// pooldeskctl company add | list | set-limits

#include "CliSupport.h"
#include "CommandRegistry.h"

#include "pool/Companies.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace PoolDesk {
namespace {

void addLimitOptions(QCommandLineParser &parser) {
    parser.addOption({QStringLiteral("max-concurrent"),
                      QCoreApplication::translate("pooldeskctl", "Most calls at once (or \"none\")."),
                      QCoreApplication::translate("pooldeskctl", "N")});
    parser.addOption({QStringLiteral("monthly-minutes"),
                      QCoreApplication::translate("pooldeskctl", "Billed minutes per month (or \"none\")."),
                      QCoreApplication::translate("pooldeskctl", "N")});
    parser.addOption(
        {QStringLiteral("monthly-budget"),
         QCoreApplication::translate("pooldeskctl", "Call spending per month in USD (or \"none\")."),
         QCoreApplication::translate("pooldeskctl", "USD")});
    parser.addOption({QStringLiteral("allocations-per-second"),
                      QCoreApplication::translate(
                          "pooldeskctl", "Numbers the company may be given per second, at every entry point "
                                         "together (or \"none\")."),
                      QCoreApplication::translate("pooldeskctl", "N")});
    parser.addOption(
        {QStringLiteral("allocation-burst"),
         QCoreApplication::translate(
             "pooldeskctl", "How many allocations may come at once (default: the rate; or \"none\")."),
         QCoreApplication::translate("pooldeskctl", "N")});
}

// Applies the limit options over `limits`; returns an error message for malformed values.
QString readLimits(const QCommandLineParser &parser, CompanyLimits &limits) {
    const auto concurrent = Cli::integerOption(parser, QStringLiteral("max-concurrent"), 1);
    const auto minutes = Cli::integerOption(parser, QStringLiteral("monthly-minutes"), 0);
    const auto budget = Cli::moneyOption(parser, QStringLiteral("monthly-budget"));
    const auto rate = Cli::integerOption(parser, QStringLiteral("allocations-per-second"), 1);
    const auto burst = Cli::integerOption(parser, QStringLiteral("allocation-burst"), 1);
    for (const auto *option : {&concurrent, &minutes, &budget, &rate, &burst}) {
        if (!option->error.isEmpty())
            return option->error;
    }
    if (concurrent.present)
        limits.maxConcurrentCalls =
            concurrent.cleared ? std::nullopt : std::optional<int>(int(concurrent.value));
    if (minutes.present)
        limits.monthlyMinutes = minutes.cleared ? std::nullopt : std::optional<qint64>(minutes.value);
    if (budget.present)
        limits.monthlyBudget = budget.cleared ? std::nullopt : std::optional<Micros>(budget.value);
    if (rate.present)
        limits.allocationsPerSecond = rate.cleared ? std::nullopt : std::optional<int>(int(rate.value));
    if (burst.present)
        limits.allocationBurst = burst.cleared ? std::nullopt : std::optional<int>(int(burst.value));
    // No rate, no burst: clearing the rate clears its burst.
    if (!limits.allocationsPerSecond && !burst.present)
        limits.allocationBurst.reset();
    return {};
}

QString limitText(const std::optional<qint64> &value) {
    return value ? QString::number(*value) : QCoreApplication::translate("pooldeskctl", "none");
}

QString allocationRateText(const CompanyLimits &limits) {
    if (!limits.allocationsPerSecond)
        return QCoreApplication::translate("pooldeskctl", "none");
    return QCoreApplication::translate("pooldeskctl", "%1 (burst %2)")
        .arg(*limits.allocationsPerSecond)
        .arg(limits.allocationBurst.value_or(*limits.allocationsPerSecond));
}

int runCompany(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    QCommandLineParser parser;
    if (sub == QLatin1String("add")) {
        parser.addPositionalArgument(QStringLiteral("name"),
                                     QCoreApplication::translate("pooldeskctl", "The company's name."));
        parser.addOption({QStringLiteral("plan"),
                          QCoreApplication::translate("pooldeskctl", "standard, enterprise or hybrid."),
                          QCoreApplication::translate("pooldeskctl", "PLAN")});
        addLimitOptions(parser);
        if (auto done = Cli::parse(context, parser, QStringLiteral("company add"), args.mid(1)))
            return *done;
        if (parser.positionalArguments().size() != 1)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "pooldeskctl company add NAME --plan standard|enterprise|hybrid [limits]"));
        if (!parser.isSet(QStringLiteral("plan")))
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "--plan is required: standard, enterprise or hybrid."));
        const auto plan = planFromString(parser.value(QStringLiteral("plan")));
        if (!plan)
            return context.usage(
                QCoreApplication::translate("pooldeskctl",
                                            "--plan must be standard, enterprise or hybrid (got \"%1\").")
                    .arg(parser.value(QStringLiteral("plan"))));
        CompanyLimits limits;
        if (const QString error = readLimits(parser, limits); !error.isEmpty())
            return context.usage(error);
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto added = Companies(*db.value())
                         .add(Actor::currentUser(), parser.positionalArguments().first(), *plan, limits);
        if (!added)
            return context.fail(added.error());
        if (context.json())
            context.printJson(Companies::toJson(added.value()));
        else
            context.out() << QCoreApplication::translate("pooldeskctl", "Added %1 (%2).")
                                 .arg(added->name, displayName(added->plan))
                          << Qt::endl;
        return ExitCode::Success;
    }
    if (sub == QLatin1String("list")) {
        if (auto done = Cli::parse(context, parser, QStringLiteral("company list"), args.mid(1)))
            return *done;
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        auto companies = Companies(*db.value()).list();
        if (!companies)
            return context.fail(companies.error());
        if (context.json()) {
            QJsonArray array;
            for (const Company &company : companies.value())
                array.append(Companies::toJson(company));
            context.printJson(array);
            return ExitCode::Success;
        }
        QList<QStringList> rows;
        for (const Company &c : companies.value())
            rows.append(
                {c.name, displayName(c.plan),
                 limitText(c.limits.maxConcurrentCalls ? std::optional<qint64>(*c.limits.maxConcurrentCalls)
                                                       : std::nullopt),
                 limitText(c.limits.monthlyMinutes),
                 c.limits.monthlyBudget ? Money::format(*c.limits.monthlyBudget)
                                        : QCoreApplication::translate("pooldeskctl", "none"),
                 allocationRateText(c.limits)});
        Cli::printTable(context.out(),
                        {QCoreApplication::translate("pooldeskctl", "COMPANY"),
                         QCoreApplication::translate("pooldeskctl", "PLAN"),
                         QCoreApplication::translate("pooldeskctl", "MAX CONCURRENT"),
                         QCoreApplication::translate("pooldeskctl", "MONTHLY MINUTES"),
                         QCoreApplication::translate("pooldeskctl", "MONTHLY BUDGET"),
                         QCoreApplication::translate("pooldeskctl", "ALLOCATIONS/S")},
                        rows);
        return ExitCode::Success;
    }
    if (sub == QLatin1String("set-limits")) {
        parser.addPositionalArgument(QStringLiteral("name"),
                                     QCoreApplication::translate("pooldeskctl", "The company's name."));
        addLimitOptions(parser);
        if (auto done = Cli::parse(context, parser, QStringLiteral("company set-limits"), args.mid(1)))
            return *done;
        if (parser.positionalArguments().size() != 1)
            return context.usage(QCoreApplication::translate(
                "pooldeskctl", "pooldeskctl company set-limits NAME [--max-concurrent N|none] "
                               "[--monthly-minutes N|none] [--monthly-budget USD|none] "
                               "[--allocations-per-second N|none] [--allocation-burst N|none]"));
        auto db = context.database();
        if (!db)
            return context.fail(db.error());
        Companies companies(*db.value());
        auto current = companies.find(parser.positionalArguments().first());
        if (!current)
            return context.fail(current.error());
        CompanyLimits limits = current->limits;
        if (const QString error = readLimits(parser, limits); !error.isEmpty())
            return context.usage(error);
        auto updated = companies.setLimits(Actor::currentUser(), current->name, limits);
        if (!updated)
            return context.fail(updated.error());
        if (context.json())
            context.printJson(Companies::toJson(updated.value()));
        else
            context.out()
                << QCoreApplication::translate("pooldeskctl", "Limits of %1 updated.").arg(updated->name)
                << Qt::endl;
        return ExitCode::Success;
    }
    return context.usage(
        QCoreApplication::translate("pooldeskctl", "pooldeskctl company add|list|set-limits ..."));
}

const bool registered = CommandRegistry::add(
    {"company", QT_TRANSLATE_NOOP("pooldeskctl", "add, list companies and set their limits"), &runCompany});

} // namespace
} // namespace PoolDesk
