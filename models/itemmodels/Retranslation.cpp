#include "itemmodels/Retranslation.h"

#include <QAbstractItemModel>

namespace PoolDesk::ItemModels {

void announceRetranslation(QAbstractItemModel &model) {
    const int columns = model.columnCount();
    if (columns > 0)
        emit model.headerDataChanged(Qt::Horizontal, 0, columns - 1);
    const int rows = model.rowCount();
    if (rows > 0 && columns > 0)
        emit model.dataChanged(model.index(0, 0), model.index(rows - 1, columns - 1));
}

} // namespace PoolDesk::ItemModels
