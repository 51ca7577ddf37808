#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: SQLite and a throwaway
# PostgreSQL cluster on 127.0.0.1, the Twilio contract tests against Prism, the keychain tests
# against a real gnome-keyring, and the console's GUI tests offscreen.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --tests
"$root/scripts/build.sh"
build=${POOLDESK_BUILD_DIR:-$root/build}
# A newer Node.js for Prism when the system one is too old (see setup.sh).
[ -x /opt/pooldesk-node/bin/node ] && export PATH=/opt/pooldesk-node/bin:$PATH
jobs=$(nproc 2>/dev/null || echo 2)
# The screenshot target is for the README, not a check; benchmarks live in bench/.
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 -LE screenshots "$@"
