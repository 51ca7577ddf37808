#pragma once

#include <QString>

namespace PoolDesk::Identifiers {

// The identifiers that callers choose (a call backend's session IDs, operator IDs), defined once
// for every entry point: the allocator checks them, and the service says which field is wrong.

inline constexpr qsizetype MaxLength = 200;

// A session ID: 1 to 200 characters, each an ASCII letter or digit or one of - _ . : @ + = ~
// (UUIDs, "call-123", "tenant:42:call:7"). Kept to ASCII so it reads the same in a URL path, a log
// line and every database.
bool isValidSession(const QString &text);

// A name someone chose (an operator ID, a company name): 1 to 200 characters of well-formed
// Unicode (no unpaired surrogates, so it is valid UTF-8 everywhere it is stored), no control or
// format characters, no noncharacters, no surrounding spaces.
bool isValidName(const QString &text);

// Well-formed Unicode without control characters: what free text must be to be stored.
bool isCleanText(const QString &text);

} // namespace PoolDesk::Identifiers
