#!/usr/bin/env bash
# Runs the allocator benchmark on SQLite and on a throwaway PostgreSQL cluster of its own.
#   bench/allocator/run.sh BUILD_DIR [PORT] [extra bench options, e.g. --seconds 6]
# Durability, the same for both engines and for both workloads within an engine:
#   SQLite:     WAL, synchronous=NORMAL (what Database::open sets): a commit is not fsynced; the
#               database survives an application crash, a power loss may drop the last commits.
#   PostgreSQL: fsync=on, full_page_writes=on, synchronous_commit=off: the same promise (tests'
#               pg-cluster.sh turns fsync off; this script turns it back on).
set -euo pipefail
build=${1:?build dir}
port=${2:-55432}
shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")" && pwd)
cluster="$here/../../tests/support/pg-cluster.sh"
"$cluster" start "$port"
trap '"$cluster" stop "$port"' EXIT
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=/tmp/pooldesk-pg-$port
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# Restart with durable settings: command-line -c options outrank ALTER SYSTEM.
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=on -c full_page_writes=on -c synchronous_commit=off -c max_connections=200" \
  restart >/dev/null
"$build/bench/allocator/pooldesk_allocator_bench" run --pg "postgresql://postgres@127.0.0.1:$port/postgres" "$@"
