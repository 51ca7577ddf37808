#include "itemmodels/KeyedTableModel.h"

#include <QHash>

#include <algorithm>

namespace PoolDesk {

void KeyedTableModel::replaceRows(const QList<qint64> &newIds, const std::function<bool(int row)> &rowChanged,
                                  const std::function<void()> &swapIn) {
    if (newIds == m_ids) {
        QList<int> changed;
        for (int row = 0; row < newIds.size(); ++row) {
            if (rowChanged(row))
                changed.append(row);
        }
        swapIn();
        const int lastColumn = columnCount() - 1;
        // One signal per run of adjacent changed rows.
        for (qsizetype i = 0; i < changed.size();) {
            qsizetype j = i;
            while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1)
                ++j;
            if (lastColumn >= 0)
                emit dataChanged(index(changed[i], 0), index(changed[j], lastColumn));
            i = j + 1;
        }
        return;
    }
    QList<qint64> sortedOld = m_ids;
    QList<qint64> sortedNew = newIds;
    std::sort(sortedOld.begin(), sortedOld.end());
    std::sort(sortedNew.begin(), sortedNew.end());
    if (sortedOld == sortedNew && std::adjacent_find(sortedNew.begin(), sortedNew.end()) == sortedNew.end()) {
        emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        QHash<qint64, int> newRowOf;
        newRowOf.reserve(newIds.size());
        for (int row = 0; row < newIds.size(); ++row)
            newRowOf.insert(newIds[row], row);
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex &old : before) {
            const int row = newRowOf.value(m_ids.value(old.row()), -1);
            after.append(row < 0 ? QModelIndex() : index(row, old.column()));
        }
        m_ids = newIds;
        swapIn();
        changePersistentIndexList(before, after);
        emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        return;
    }
    beginResetModel();
    m_ids = newIds;
    swapIn();
    endResetModel();
}

} // namespace PoolDesk
