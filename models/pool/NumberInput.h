#pragma once

#include "domain/Result.h"

#include <QString>

namespace PoolDesk {

// The checks Numbers::add makes of what it is given, for readers that check a whole file before
// adding anything (NumberCsv); one definition, so both refuse alike and say so in the same words.
// Pure functions of their text, in a file of their own so that the import file's fuzz target can be
// built from its parsers alone.
namespace NumberInput {
Result<QString> e164(const QString &text); // normalised (E.164)
Status environment(const QString &name);
Status twilioSid(const QString &sid); // empty: none given, which is fine
} // namespace NumberInput

} // namespace PoolDesk
