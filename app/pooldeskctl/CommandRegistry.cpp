#include "CommandRegistry.h"

namespace PoolDesk::CommandRegistry {

static QList<CommandGroup> &groups() {
    static QList<CommandGroup> list;
    return list;
}

bool add(const CommandGroup &group) {
    groups().append(group);
    return true;
}

const QList<CommandGroup> &all() {
    return groups();
}

const CommandGroup *find(const QString &name) {
    for (const CommandGroup &group : groups()) {
        if (name == QLatin1String(group.name))
            return &group;
    }
    return nullptr;
}

} // namespace PoolDesk::CommandRegistry
