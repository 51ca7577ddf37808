#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite.
#   pg-cluster.sh start PORT     prints nothing; ready when it returns 0
#   pg-cluster.sh stop PORT
#   pg-cluster.sh pause PORT     a fast shutdown that keeps the data (a database restart, in tests)
#   pg-cluster.sh resume PORT    starts the paused cluster again
# The cluster lives in /tmp/pooldesk-pg-PORT and is wiped on every start. As root it runs as the
# 'postgres' user (initdb refuses root). Durability is off: these databases are disposable.
set -euo pipefail
action=${1:?start|stop}
port=${2:?port}
dir=/tmp/pooldesk-pg-$port
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL server binaries not found: install the 'postgresql' package (scripts/setup.sh does)." >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
server_options="-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
run_server() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$server_options" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
}
stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
}
case "$action" in
  start)
    stop
    rm -rf "$dir" /tmp/pooldesk-pg-trash.* 2>/dev/null || true
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # The suite's own superuser signs in without a password; every other login (the people
    # `pooldeskctl user add` creates) must give its SCRAM password, as on a real server.
    as_owner sh -c "printf '%s\n' 'local all postgres trust' 'host all postgres 127.0.0.1/32 trust' \
      'local all all scram-sha-256' 'host all all 127.0.0.1/32 scram-sha-256' >'$dir/data/pg_hba.conf'"
    run_server
    ;;
  pause)
    # "fast": sessions are ended with SQLSTATE 57P01, as in a real restart.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    ;;
  resume)
    run_server
    ;;
  stop)
    stop
    # A run leaves hundreds of test databases (many thousand files); delete them detached so
    # the test run does not wait on the disk.
    if [ -d "$dir" ]; then
      trash=$(mktemp -d /tmp/pooldesk-pg-trash.XXXXXX)
      mv "$dir" "$trash/"
      setsid rm -rf "$trash" >/dev/null 2>&1 </dev/null &
    fi
    ;;
  *)
    echo "usage: $0 start|stop|pause|resume PORT" >&2
    exit 2
    ;;
esac
