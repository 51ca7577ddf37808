#include "billing/ClosedMonths.h"

#include "domain/BillingZone.h"
#include "domain/Clock.h"
#include "storage/AuditLog.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCryptographicHash>
#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSqlQuery>

namespace PoolDesk {

namespace {

QString previousMonth(const QString &month) {
    return QDate::fromString(month + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"))
        .addMonths(-1)
        .toString(QStringLiteral("yyyy-MM"));
}

// How many closed months before an open one may still be corrected into it (a year).
constexpr int MaxCorrectedMonths = 12;

QByteArray sha256(const QByteArray &bytes) {
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// The parts of a company's month that adjustments follow.
struct Parts {
    Micros dedicatedRental = 0, sharedRentalShare = 0, outbound = 0, inbound = 0;
    QString name;
};

ClosedMonth closedMonthAt(const QSqlQuery &q) {
    return {q.value(0).toString(),   q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toLongLong(),
            q.value(4).toLongLong(), q.value(5).toString(), q.value(6).toString()};
}

} // namespace

ClosedMonths::ClosedMonths(Database &db, Principal principal)
    : m_db(db)
    , m_principal(std::move(principal)) {}

QByteArray ClosedMonths::document(const CostReport &report) {
    QJsonObject object = CostReports::toJson(report);
    // Advice and sizing speak of the pool as it is now; a closed month keeps its money.
    object.remove(QStringLiteral("advice"));
    object.remove(QStringLiteral("pool_sizing"));
    object.remove(QStringLiteral("sha256"));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<QList<ClosedMonth>> ClosedMonths::list() {
    auto q = Sql::exec(
        m_db.connection(),
        QStringLiteral(
            "SELECT month, time_zone, from_at, to_at, closed_at, closed_by, sha256 FROM closed_months "
            "ORDER BY month DESC"));
    if (!q)
        return q.error();
    QList<ClosedMonth> months;
    while (q.value().next())
        months.append(closedMonthAt(q.value()));
    return months;
}

Result<std::optional<ClosedMonth>> ClosedMonths::find(const QString &month) {
    auto q = Sql::exec(
        m_db.connection(),
        QStringLiteral(
            "SELECT month, time_zone, from_at, to_at, closed_at, closed_by, sha256 FROM closed_months "
            "WHERE month = ?"),
        {month});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<ClosedMonth>();
    return std::optional<ClosedMonth>(closedMonthAt(q.value()));
}

Result<CostReport> ClosedMonths::stored(const ClosedMonth &closed) {
    MonthClosing closing{closed.closedAt, closed.closedBy, closed.sha256, std::nullopt};
    if (allows(m_principal, Permission::ReadEveryCompany)) {
        auto q = Sql::exec(m_db.connection(),
                           QStringLiteral("SELECT document FROM closed_month_documents WHERE month = ?"),
                           {closed.month});
        if (!q)
            return q.error();
        if (q.value().next()) {
            const QByteArray bytes = q.value().value(0).toString().toUtf8();
            CostReport report = CostReports::fromJson(QJsonDocument::fromJson(bytes).object());
            closing.verified = sha256(bytes) == closed.sha256.toLatin1();
            report.closing = closing;
            return report;
        }
    }
    // A manager: their companies' lines, which the database lets them read.
    auto q = Sql::exec(
        m_db.connection(),
        QStringLiteral("SELECT line FROM closed_month_companies WHERE month = ? ORDER BY company_id"),
        {closed.month});
    if (!q)
        return q.error();
    CostReport report;
    report.month = closed.month;
    report.timeZone = closed.timeZone;
    report.fromSecs = closed.fromAt;
    report.toSecs = closed.toAt;
    report.companiesOnly = true;
    while (q.value().next()) {
        CompanyCost company = CostReports::companyFromJson(
            QJsonDocument::fromJson(q.value().value(0).toString().toUtf8()).object());
        report.dedicatedRental += company.dedicatedRental;
        report.sharedRental += company.sharedRentalShare;
        report.outbound += company.outbound;
        report.inbound += company.inbound;
        report.adjustments += company.adjustmentTotal();
        report.total += company.total;
        report.twilioBilled += company.twilioBilled;
        report.estimateOfTwilioPriced += company.estimateOfTwilioPriced;
        report.twilioPricedCalls += company.twilioPricedCalls;
        report.calls += company.outboundCalls + company.inboundCalls;
        report.companies.append(company);
    }
    std::sort(report.companies.begin(), report.companies.end(),
              [](const CompanyCost &a, const CompanyCost &b) { return a.name < b.name; });
    report.closing = closing;
    return report;
}

Result<CostReport> ClosedMonths::report(const QString &requested, const CostReportOptions &options) {
    const QString month = requested.trimmed();
    // One read of the closed months answers all three questions: is this one closed, where does it
    // start (after a month closed in another zone), and which closed months correct into it.
    auto closedList = list();
    if (!closedList)
        return closedList.error();
    QMap<QString, ClosedMonth> closed;
    for (const ClosedMonth &c : closedList.value())
        closed.insert(c.month, c);
    if (const auto it = closed.constFind(month); it != closed.constEnd())
        return stored(*it);
    CostReportOptions open = options;
    if (const auto before = closed.constFind(previousMonth(month));
        !open.fromSecs && before != closed.constEnd())
        open.fromSecs = before->toAt;
    auto built = CostReports::build(m_db, month, open);
    if (!built)
        return built;
    CostReport report = std::move(built).value();
    if (auto added = addAdjustments(report, options, closed); !added)
        return added.error();
    return report;
}

// The closed months just before this one (M-1, M-2, ... while closed) correct into it: for each,
// what it would say now, less what it said when closed, less the adjustments closed months after
// it already charged. Each is worked out again from the history, so the run looked at is bounded:
// corrections to months closed more than MaxCorrectedMonths before are not charged.
Status ClosedMonths::addAdjustments(CostReport &report, const CostReportOptions &options,
                                    const QMap<QString, ClosedMonth> &closed) {
    if (closed.isEmpty())
        return success();
    // A manager's live figures hold no shared-pool rental (the database hides the shared pool):
    // their adjustments leave the shared-rental share alone rather than take it all back.
    const bool everyCompany = allows(m_principal, Permission::ReadEveryCompany);
    QList<ClosedMonth> chain; // newest first
    for (QString m = previousMonth(report.month); closed.contains(m) && chain.size() < MaxCorrectedMonths;
         m = previousMonth(m))
        chain.append(closed.value(m));
    QMap<qint64, QList<CostAdjustment>> byCompany;
    QMap<qint64, QString> names;
    // Adjustments already charged for a month, by company, from the closed months after it.
    QMap<QString, QMap<qint64, Parts>> charged;
    QMap<QString, Micros> poolCharged; // the same for the unallocated shared rental
    QList<CostAdjustment> poolAdjustments;
    for (const ClosedMonth &c : chain) {
        auto stored = this->stored(c);
        if (!stored)
            return stored.error();
        CostReportOptions then = options;
        then.zone = BillingZone::fromId(c.timeZone).value_or(BillingZone());
        then.fromSecs = c.fromAt;
        auto now = CostReports::build(m_db, c.month, then);
        if (!now)
            return now.error();
        for (const CostAdjustment &a : stored.value().poolAdjustments)
            poolCharged[a.month] += a.sharedRentalShare;
        if (everyCompany) {
            const Micros unallocated = now.value().unallocatedSharedRental -
                                       stored.value().unallocatedSharedRental - poolCharged.value(c.month);
            if (unallocated != 0)
                poolAdjustments.prepend({c.month, 0, unallocated, 0, 0});
        }
        QMap<qint64, Parts> delta;
        for (const CompanyCost &line : now.value().companies) {
            Parts &p = delta[line.companyId];
            p.name = line.name;
            p.dedicatedRental += line.dedicatedRental;
            p.sharedRentalShare += line.sharedRentalShare;
            p.outbound += line.outbound;
            p.inbound += line.inbound;
        }
        for (const CompanyCost &line : stored.value().companies) {
            Parts &p = delta[line.companyId];
            if (p.name.isEmpty())
                p.name = line.name;
            p.dedicatedRental -= line.dedicatedRental;
            p.sharedRentalShare -= line.sharedRentalShare;
            p.outbound -= line.outbound;
            p.inbound -= line.inbound;
            // This closed month's own adjustments were charges for the months before it.
            for (const CostAdjustment &a : line.adjustments) {
                Parts &taken = charged[a.month][line.companyId];
                taken.dedicatedRental += a.dedicatedRental;
                taken.sharedRentalShare += a.sharedRentalShare;
                taken.outbound += a.outbound;
                taken.inbound += a.inbound;
            }
        }
        for (auto it = delta.cbegin(); it != delta.cend(); ++it) {
            const Parts taken = charged.value(c.month).value(it.key());
            CostAdjustment adjustment{c.month, it->dedicatedRental - taken.dedicatedRental,
                                      everyCompany ? it->sharedRentalShare - taken.sharedRentalShare : 0,
                                      it->outbound - taken.outbound, it->inbound - taken.inbound};
            if (adjustment.isZero())
                continue;
            byCompany[it.key()].append(adjustment);
            names.insert(it.key(), it->name);
        }
    }
    for (auto it = byCompany.cbegin(); it != byCompany.cend(); ++it) {
        auto line = std::find_if(report.companies.begin(), report.companies.end(),
                                 [&](const CompanyCost &c) { return c.companyId == it.key(); });
        if (line == report.companies.end()) {
            CompanyCost company;
            company.companyId = it.key();
            company.name = names.value(it.key());
            report.companies.append(company);
            line = report.companies.end() - 1;
        }
        // Oldest correction first.
        for (auto a = it->crbegin(); a != it->crend(); ++a) {
            line->adjustments.append(*a);
            line->total += a->total();
            report.adjustments += a->total();
            report.total += a->total();
        }
    }
    for (const CostAdjustment &a : poolAdjustments) {
        report.poolAdjustments.append(a);
        report.adjustments += a.total();
        report.total += a.total();
    }
    return success();
}

Result<CostReport> ClosedMonths::close(const QString &requested) {
    const QString month = requested.trimmed();
    if (!allows(m_principal, Permission::CloseMonths))
        return makeError(Error::Code::Refused,
                         tr("Closing a month is for finance and administrators. %1")
                             .arg(neededRoleText(Permission::CloseMonths)),
                         QStringLiteral("role_required"));
    const BillingZone zone = Settings::billingZone(m_db);
    auto range = CostReports::monthRange(month, zone);
    if (!range)
        return range.error();
    if (range->second > Clock::nowSecs())
        return makeError(Error::Code::Refused,
                         tr("%1 is not over yet: it ends at %2. Close it after that.")
                             .arg(month, zone.displayText(range->second)),
                         QStringLiteral("month_not_over"));
    const auto alreadyClosed = [&](const ClosedMonth &c) {
        return makeError(Error::Code::Conflict,
                         tr("%1 was closed on %2 by %3. An administrator can re-open it.")
                             .arg(month, zone.displayText(c.closedAt), c.closedBy),
                         QStringLiteral("month_closed"));
    };
    // Built before taking the write lock (the pool keeps allocating meanwhile); the closed months
    // it rests on are checked again under the lock.
    auto before = list();
    if (!before)
        return before.error();
    for (const ClosedMonth &c : before.value())
        if (c.month == month)
            return alreadyClosed(c);
    CostReportOptions options;
    options.zone = zone;
    auto built = report(month, options);
    if (!built)
        return built;
    CostReport closedReport = std::move(built).value();
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto now = list();
    if (!now)
        return now.error();
    for (const ClosedMonth &c : now.value())
        if (c.month == month)
            return alreadyClosed(c);
    if (now.value().size() != before.value().size())
        return makeError(Error::Code::Conflict,
                         tr("Someone closed or re-opened another month meanwhile. Try again."),
                         QStringLiteral("months_changed"));
    closedReport.advice.clear();
    closedReport.sizing.clear();
    const Actor actor = Actor::currentUser();
    MonthClosing closing{
        Clock::nowSecs(), m_principal.login.isEmpty() ? actor.name : m_principal.login, {}, true};
    closedReport.closing = closing;
    const QByteArray bytes = document(closedReport);
    closedReport.closing->sha256 = QString::fromLatin1(sha256(bytes));
    if (auto ran = Sql::exec(m_db.connection(),
                             QStringLiteral("INSERT INTO closed_months (month, time_zone, from_at, to_at, "
                                            "closed_at, closed_by, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                             {month, zone.id(), closedReport.fromSecs, closedReport.toSecs, closing.closedAt,
                              closing.closedBy, closedReport.closing->sha256});
        !ran)
        return ran.error();
    if (auto ran =
            Sql::exec(m_db.connection(),
                      QStringLiteral("INSERT INTO closed_month_documents (month, document) VALUES (?, ?)"),
                      {month, QString::fromUtf8(bytes)});
        !ran)
        return ran.error();
    for (const CompanyCost &company : closedReport.companies) {
        const QByteArray line =
            QJsonDocument(CostReports::companyToJson(company)).toJson(QJsonDocument::Compact);
        if (auto ran =
                Sql::exec(m_db.connection(),
                          QStringLiteral("INSERT INTO closed_month_companies (month, company_id, line) "
                                         "VALUES (?, ?, ?)"),
                          {month, company.companyId, QString::fromUtf8(line)});
            !ran)
            return ran.error();
    }
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("month.closed"), month, std::nullopt, {},
                                       QJsonObject{{QStringLiteral("sha256"), closedReport.closing->sha256},
                                                   {QStringLiteral("time_zone"), zone.id()},
                                                   {QStringLiteral("total_micros"), closedReport.total}});
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    ChangeWatcher::notify(m_db);
    return closedReport;
}

Status ClosedMonths::reopen(const QString &requested) {
    const QString month = requested.trimmed();
    if (!allows(m_principal, Permission::ReopenMonths))
        return makeError(Error::Code::Refused,
                         tr("Re-opening a closed month is for administrators. %1")
                             .arg(neededRoleText(Permission::ReopenMonths)),
                         QStringLiteral("role_required"));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto existing = find(month);
    if (!existing)
        return existing.error();
    if (!*existing)
        return makeError(Error::Code::NotFound, tr("%1 is not closed.").arg(month),
                         QStringLiteral("month_open"));
    auto closedList = list();
    if (!closedList)
        return closedList.error();
    if (const ClosedMonth &newest = closedList.value().constFirst(); newest.month > month)
        return makeError(Error::Code::Conflict,
                         tr("%1 is closed too, and its adjustments rest on %2: re-open %1 first.")
                             .arg(newest.month, month),
                         QStringLiteral("later_month_closed"));
    for (const char *table : {"closed_month_companies", "closed_month_documents", "closed_months"}) {
        if (auto ran = Sql::exec(m_db.connection(),
                                 QStringLiteral("DELETE FROM %1 WHERE month = ?").arg(QLatin1String(table)),
                                 {month});
            !ran)
            return ran.error();
    }
    if (auto audited =
            AuditLog::write(m_db, Actor::currentUser(), QStringLiteral("month.reopened"), month, std::nullopt,
                            QJsonObject{{QStringLiteral("sha256"), (*existing)->sha256},
                                        {QStringLiteral("closed_by"), (*existing)->closedBy}},
                            {});
        !audited)
        return audited;
    if (auto committed = transaction.commit(); !committed)
        return committed;
    ChangeWatcher::notify(m_db);
    return success();
}

} // namespace PoolDesk
