#pragma once

#include "CliContext.h"

#include <QList>

namespace PoolDesk {

// pooldeskctl's command groups register themselves from their own source file:
//   static const bool registered = CommandRegistry::add({"company", "Manage companies", &runCompany});
// so adding a group never touches the dispatcher.
struct CommandGroup {
    const char *name;
    const char *summary; // one line for --help; translated at display time (context "pooldeskctl")
    CommandHandler handler;
};

namespace CommandRegistry {
bool add(const CommandGroup &group);
const QList<CommandGroup> &all();
const CommandGroup *find(const QString &name);
} // namespace CommandRegistry

} // namespace PoolDesk
