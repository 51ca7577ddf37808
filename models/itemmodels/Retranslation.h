#pragma once

class QAbstractItemModel;

namespace PoolDesk::ItemModels {

// After a language switch: the models translate their header titles and cell texts when asked, so
// every one of them may now read differently. Tells the attached views to ask again (headers and
// cells); nothing is read from the database again.
void announceRetranslation(QAbstractItemModel &model);

} // namespace PoolDesk::ItemModels
