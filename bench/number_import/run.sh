#!/usr/bin/env bash
# Times `pooldeskctl number import` of a generated file (default 100,000 rows: a quarter dedicated
# to one of four companies, a third with a price, every tenth with a SID) into a fresh database:
# first --dry-run (reading and checking), then the import itself. Prints wall-clock seconds; never
# a test.
#   bench/number_import/run.sh BUILD_DIR [ROWS] [DATABASE_URL]
# DATABASE_URL: an empty database (e.g. postgresql://postgres@127.0.0.1:55432/bench); a new SQLite
# file in a temporary folder when omitted.
set -euo pipefail
build=${1:?build dir}
rows=${2:-100000}
ctl="$build/app/pooldeskctl/pooldeskctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=${3:-$work/bench.sqlite}
export POOLDESK_ENV=production
unset POOLDESK_DB
run() { "$ctl" --db "$db" "$@"; }
run db migrate >/dev/null
for c in 1 2 3 4; do run company add "Company $c" --plan hybrid >/dev/null; done
awk -v n="$rows" 'BEGIN {
  print "number,environment,dedicated company,sid,monthly price"
  for (i = 0; i < n; i++) {
    company = (i % 4 == 0) ? "Company " (i % 16 / 4 + 1) : ""
    sid = (i % 10 == 0) ? sprintf("PN%032x", i) : ""
    price = (i % 3 == 0) ? "1.15" : ""
    printf "+1607%07d,production,%s,%s,%s\r\n", 2000000 + i, company, sid, price
  }
}' >"$work/numbers.csv"
echo "rows: $rows ($(du -h "$work/numbers.csv" | cut -f1)), database: ${3:-sqlite (temporary)}"
t0=$(date +%s.%N)
run number import "$work/numbers.csv" --dry-run
t1=$(date +%s.%N)
run number import "$work/numbers.csv"
t2=$(date +%s.%N)
echo "dry run: $(echo "$t1 - $t0" | bc) s; import: $(echo "$t2 - $t1" | bc) s"
echo "numbers in the pool: $(run number list | tail -n +2 | wc -l)"
