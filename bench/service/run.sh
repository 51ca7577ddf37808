#!/usr/bin/env bash
# pooldesk-service benchmark: allocate+release cycles (wrk + Lua) beside GET /healthz, on the same
# server in the same run; reports requests/s, p99 and the ratio to /healthz.
#   run.sh SERVICE_EXE CTL_EXE [SECONDS] [DATABASE_URL]
# Only 127.0.0.1 traffic; each wrk run lasts SECONDS (default 10).
set -euo pipefail
service=${1:?pooldesk-service path}
ctl=${2:?pooldeskctl path}
seconds=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/pooldesk-bench-service.XXXXXX)
db=${4:-sqlite:$work/bench.sqlite}
threads=${POOLDESK_BENCH_SERVICE_THREADS:-}
connections=${POOLDESK_BENCH_CONNECTIONS:-16}
companies=4
numbers=$((connections * 16))
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt install wrk)" >&2; exit 1; }

export POOLDESK_DB=$db POOLDESK_ENV=development
for i in $(seq 1 $companies); do "$ctl" company add "bench-$i" --plan standard >/dev/null; done
for i in $(seq 1 $numbers); do "$ctl" number add "+1555$(printf '%07d' "$i")" >/dev/null; done
key=$("$ctl" service key create --name bench --rate 1000000 --burst 1000000 2>/dev/null)

args=(--db "$db" --env development --listen 127.0.0.1:0 --access-log off)
[ -n "$threads" ] && args+=(--threads "$threads")
"$service" "${args[@]}" >"$work/service.out" 2>"$work/service.err" &
pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/service.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/service.out" | head -n1)
[ -n "$url" ] || { cat "$work/service.err" >&2; exit 1; }

run() { # name, wrk arguments...
  local name=$1; shift
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" >"$work/$name.txt" 2>&1
  local rps p99 fails
  rps=$(awk '/Requests\/sec:/ {print $2}' "$work/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.txt")
  fails=$(awk -F= '/lua: failed_requests=/ {print $2}' "$work/$name.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/$name.txt")
  printf '%-22s %12s req/s   p99 %9s   non-2xx %s\n' "$name" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps" >"$work/$name.rps"
}

echo "pooldesk-service benchmark: $db, $connections connections, ${seconds}s per run, $(nproc) cores"
# Warm up (prepared statements, page cache), then measure both on the same server.
POOLDESK_BENCH_KEY=$key POOLDESK_BENCH_COMPANIES=$companies \
  wrk -t1 -c"$connections" -d2s -s "$here/allocate_release.lua" "$url" >/dev/null 2>&1 || true
run healthz "$url/healthz"
POOLDESK_BENCH_KEY=$key POOLDESK_BENCH_COMPANIES=$companies run allocate_release -s "$here/allocate_release.lua" "$url"
awk -v a="$(cat "$work/allocate_release.rps")" -v h="$(cat "$work/healthz.rps")" \
  'BEGIN { printf "ratio allocate_release / healthz: %.3f\n", a / h }'
calls=$(curl -s "$url/metrics" | awk '/^pooldesk_releases_total\{source="api"\}/ {print $2}')
echo "call records written during the run (incl. warm-up): $calls"
