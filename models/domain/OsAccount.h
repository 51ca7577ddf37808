#pragma once

#include <QString>

namespace PoolDesk {

// The operating-system account this process runs as, asked of the OS itself (the password
// database on Unix, GetUserNameW on Windows), never of USER or USERNAME, which anyone can set.
QString osAccountName();

} // namespace PoolDesk
