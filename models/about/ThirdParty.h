#pragma once
// The third-party software PoolDesk's programs use, with the licence under which each is used, for
// the About dialog. The packages' copyright file says the same (packaging/debian/copyright).
#include <QList>
#include <QString>

namespace PoolDesk::ThirdParty {

struct Component {
    QString name;
    QString purpose; // translated
    QString licence; // SPDX
    QString homepage;
};

QList<Component> components();

} // namespace PoolDesk::ThirdParty
