#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <functional>

namespace PoolDesk {

// Base of the table models whose rows have a database id. replaceRows() applies a fresh result
// the way views like it: when the same rows come back in the same order only the changed rows
// emit dataChanged (selection, scroll position and editors stay); the same rows in another order
// is a layout change that moves persistent indexes (selection follows the rows); anything else is
// a model reset.
class KeyedTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // newIds: the fresh rows' ids in order. rowChanged(row) tells, before the swap, whether the
    // fresh row at `row` differs from the current one (asked only when the ids are unchanged).
    // swapIn() replaces the model's rows with the fresh ones.
    void replaceRows(const QList<qint64> &newIds, const std::function<bool(int row)> &rowChanged,
                     const std::function<void()> &swapIn);
    const QList<qint64> &rowIds() const { return m_ids; }

private:
    QList<qint64> m_ids;
};

} // namespace PoolDesk
