#pragma once

// An invariant of a fuzz target. Unlike assert() it holds in every build (the suite's is
// RelWithDebInfo, with NDEBUG): a broken invariant is a bug the fuzzer found, reported like a crash.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                                \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition);           \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)
