#pragma once

#include "billing/CostReport.h"
#include "domain/Result.h"

#include <QList>
#include <QPair>

namespace PoolDesk::Ui::CompanyReportPdf {

// One company's monthly cost report as a printable A4 PDF (QPdfWriter): the figures, the rules
// they follow, a chart of the month's cost by category and a chart of the last months' totals.
// history: (month "yyyy-MM", the company's total) oldest first, may be empty.
Status write(const QString &path, const CostReport &report, const CompanyCost &company,
             const QList<QPair<QString, Micros>> &history);

} // namespace PoolDesk::Ui::CompanyReportPdf
