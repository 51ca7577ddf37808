#pragma once

namespace PoolDesk::ErlangB {

// Blocking probability for `lines` lines offered `erlangs` of traffic (the stable recurrence
// B(0)=1, B(n) = E*B(n-1) / (n + E*B(n-1))).
double blocking(double erlangs, int lines);

// Smallest number of lines whose blocking probability is at most `target` (0 < target < 1).
// 10 erlangs at 1% -> 18; 20 erlangs at 1% -> 30.
int linesFor(double erlangs, double target = 0.01);

} // namespace PoolDesk::ErlangB
