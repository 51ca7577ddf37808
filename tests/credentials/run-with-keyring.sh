#!/bin/sh
# Runs a command inside a private D-Bus session with a fresh, UNLOCKED gnome-keyring (a locked
# keyring would wait for a password prompt forever), then stops the keyring by its process id.
# Usage: run-with-keyring.sh COMMAND [ARGS...]
set -eu
if [ "${POOLDESK_IN_KEYRING_SESSION:-}" != 1 ]; then
    exec timeout 280 dbus-run-session -- env POOLDESK_IN_KEYRING_SESSION=1 "$0" "$@"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
mkdir -p "$XDG_DATA_HOME/keyrings"
# A throwaway password: the keyring lives in the temporary home and is deleted afterwards.
printf '%s' pooldesk-test-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$home/keyring.log" 2>&1 &
keyring=$!
ready=0
for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ "$ready" != 1 ]; then
    echo "run-with-keyring: gnome-keyring did not come up" >&2
    cat "$home/keyring.log" >&2 || true
    kill "$keyring" 2>/dev/null || true
    exit 1
fi
status=0
timeout 240 "$@" || status=$?
kill "$keyring" 2>/dev/null || true
wait "$keyring" 2>/dev/null || true
exit "$status"
