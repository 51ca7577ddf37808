#!/usr/bin/env bash
# Installs what is missing, builds, and starts the PoolDesk console on the embedded database
# (pooldesk.sqlite in your data folder; pass --db URL to use another).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
exec "${POOLDESK_BUILD_DIR:-$root/build}/app/pooldesk/pooldesk" "$@"
