#include "pool/ErlangB.h"

namespace PoolDesk::ErlangB {

double blocking(double erlangs, int lines) {
    if (erlangs <= 0)
        return 0;
    double b = 1.0;
    for (int n = 1; n <= lines; ++n)
        b = erlangs * b / (n + erlangs * b);
    return b;
}

int linesFor(double erlangs, double target) {
    if (erlangs <= 0)
        return 0;
    if (target <= 0 || target >= 1)
        target = 0.01;
    double b = 1.0;
    // The recurrence gives B(n) from B(n-1), so walk up until the target is met. Blocking falls
    // quickly once lines exceed the traffic; the bound only guards absurd inputs.
    for (int n = 1; n < 1'000'000; ++n) {
        b = erlangs * b / (n + erlangs * b);
        if (b <= target)
            return n;
    }
    return 1'000'000;
}

} // namespace PoolDesk::ErlangB
