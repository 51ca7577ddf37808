#!/bin/sh
# Starts / stops Prism (Stoplight's mock server) serving Twilio's official OpenAPI description, for
# the contract tests. CTest runs "start" as a FIXTURES_SETUP and "stop" as its FIXTURES_CLEANUP.
#   prism.sh start PORT WORKDIR    installs the locked packages (npm ci --ignore-scripts), starts
#                                  Prism, waits until an authenticated GET answers 200
#   prism.sh stop PORT WORKDIR     stops it by its process id
set -eu
action=$1
port=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
pidfile="$work/prism.pid"
account=AC0123456789abcdef0123456789abcdef

case "$action" in
start)
    command -v node >/dev/null || { echo "prism.sh: node (>= 18.20) is needed" >&2; exit 1; }
    mkdir -p "$work"
    # Reinstall only when the lockfile changed.
    if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
        cp "$here/package.json" "$here/package-lock.json" "$work/"
        (cd "$work" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund >"$work/npm.log" 2>&1) || {
            echo "prism.sh: npm ci failed:" >&2
            tail -20 "$work/npm.log" >&2
            exit 1
        }
    fi
    spec="$work/node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json"
    [ -f "$spec" ] || { echo "prism.sh: the Twilio spec is missing: $spec" >&2; exit 1; }
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
    nohup node "$work/node_modules/@stoplight/prism-cli/dist/index.js" mock "$spec" -h 127.0.0.1 -p "$port" \
        >"$work/prism.log" 2>&1 &
    echo $! >"$pidfile"
    # Ready when an authenticated GET answers 200 (bounded: 120 s).
    i=0
    while [ $i -lt 240 ]; do
        if node -e '
            const http = require("http");
            const req = http.get({host: "127.0.0.1", port: process.argv[1],
                path: "/2010-04-01/Accounts/" + process.argv[2] + "/IncomingPhoneNumbers.json",
                auth: process.argv[2] + ":contract-test", timeout: 2000},
                res => process.exit(res.statusCode === 200 ? 0 : 1));
            req.on("error", () => process.exit(1));
            req.on("timeout", () => { req.destroy(); process.exit(1); });' "$port" "$account"; then
            exit 0
        fi
        if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "prism.sh: Prism exited:" >&2
            tail -20 "$work/prism.log" >&2
            exit 1
        fi
        sleep 0.5
        i=$((i + 1))
    done
    echo "prism.sh: Prism did not become ready on port $port" >&2
    tail -20 "$work/prism.log" >&2
    kill "$(cat "$pidfile")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [ -f "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    fi
    ;;
*)
    echo "usage: prism.sh start|stop PORT WORKDIR" >&2
    exit 2
    ;;
esac
