#pragma once

#include <Qt>

namespace PoolDesk {

// Roles every PoolDesk table model answers besides Qt's own:
// - UnderlyingDataRole: the raw value behind a cell (qint64 micro-dollars, qint64 UTC seconds,
//   double ratios 0..1, enum strings such as "in_use"), for sorting, charts, CSV and delegates.
//   Empty QVariant where the value is unknown (for example a Twilio price not yet reported).
// - RowIdRole: the database id of the row's record (qint64), on every column, to keep a selection
//   or act on a row.
inline constexpr int UnderlyingDataRole = Qt::UserRole + 1;
inline constexpr int RowIdRole = Qt::UserRole + 2;

} // namespace PoolDesk
