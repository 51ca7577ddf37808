#pragma once

#include "billing/CostReport.h"
#include "domain/Result.h"
#include "security/Identity.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>

namespace PoolDesk {

class Database;

struct ClosedMonth {
    QString month; // "yyyy-MM"
    QString timeZone;
    qint64 fromAt = 0, toAt = 0; // the period the stored report covers (UTC seconds)
    qint64 closedAt = 0;
    QString closedBy;
    QString sha256;
};

// Months finance has closed, and the report of any month as finance signs it.
//
// Closing stores the month's report as it stands (the whole document, and each company's line so
// a manager reads their own), enters its SHA-256 in the audit log, and from then on the month's
// report is the stored one: later history never alters it (the database refuses UPDATEs on the
// stored rows). Late corrections (a call synced after closing, a price Twilio changed) appear as
// adjustments in the first open month after it, labelled with the month they correct. Closing is
// for finance and administrators; re-opening, audited, for administrators only.
class ClosedMonths final {
    Q_DECLARE_TR_FUNCTIONS(ClosedMonths)
public:
    ClosedMonths(Database &db, Principal principal);

    // The month's report: the stored one when closed, else built now with the adjustments due.
    Result<CostReport> report(const QString &month, const CostReportOptions &options = {});
    // Refuses a month that has not ended, or is closed already. Returns the stored report.
    Result<CostReport> close(const QString &month);
    // Refuses while a later month is closed (its adjustments rest on this one): newest first.
    Status reopen(const QString &month);
    Result<QList<ClosedMonth>> list(); // newest first
    Result<std::optional<ClosedMonth>> find(const QString &month);

    // The canonical bytes a closed month stores and hashes.
    static QByteArray document(const CostReport &report);

private:
    Result<CostReport> stored(const ClosedMonth &closed);
    Status addAdjustments(CostReport &report, const CostReportOptions &options,
                          const QMap<QString, ClosedMonth> &closed);

    Database &m_db;
    Principal m_principal;
};

} // namespace PoolDesk
