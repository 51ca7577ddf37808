#!/usr/bin/env bash
# check-install.sh DEB...: run as root in a brand-new Debian 12 root (../shared/tools/fresh-machine
# --with pooldesk_...deb --with pooldesk-service_...deb 'packaging/check-install.sh /with/*.deb').
# Installs the packages with apt as an administrator would, creates a demo workspace with the
# installed pooldeskctl, starts the installed console offscreen on the same database, then purges
# the packages and checks that nothing of theirs is left on the system.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: check-install.sh DEB..." >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
snapshot() {
  find /etc /usr /lib /opt /var/lib -xdev \
    -not -path '/var/lib/dpkg/*' -not -path '/var/lib/apt/*' -not -path '/var/lib/ucf/*' \
    -not -path '/etc/ld.so.cache' -not -path '/usr/share/info/dir*' -not -path '/var/lib/systemd/catalog/*' \
    -not -path '/usr/share/icons/hicolor/icon-theme.cache' -not -path '/usr/share/applications/mimeinfo.cache' \
    -not -path '/var/cache/*' -not -path '/var/lib/man-db/*' 2>/dev/null | sort
}

step "apt-get install $*"
apt-get update -qq
apt-get install -y -qq "$@" >/tmp/install.log 2>&1 || { cat /tmp/install.log; fail "apt-get install"; }
# With the dependencies in place, remove ours and look at the system without them.
apt-get purge -y -qq pooldesk pooldesk-service >/dev/null
before=$(snapshot)
apt-get install -y -qq "$@" >/tmp/install.log 2>&1 || { cat /tmp/install.log; fail "apt-get install (again)"; }
dpkg -s pooldesk pooldesk-service | grep -E '^(Package|Version|Status):'

step "the service is enabled, not started (no configuration yet)"
[ -L /etc/systemd/system/multi-user.target.wants/pooldesk-service.service ] || fail "postinst did not enable the unit"
[ -e /etc/pooldesk/service.env ] && fail "the package created a configuration"

step "pooldeskctl"
pooldeskctl --version | head -n 1
pooldeskctl demo
pooldeskctl --env production pool status
database=$HOME/.local/share/PoolDesk/pooldesk.sqlite
[ -s "$database" ] || fail "pooldeskctl did not create $database"

step "the installed console starts offscreen on the database pooldeskctl made"
QT_QPA_PLATFORM=offscreen pooldesk >/tmp/console.log 2>&1 &
pid=$!
opened=no
for _ in $(seq 1 40); do
  kill -0 $pid 2>/dev/null || break
  if ls -l /proc/$pid/fd 2>/dev/null | grep -q "$database"; then opened=yes; break; fi
  sleep 0.5
done
sleep 2
kill -0 $pid 2>/dev/null || { cat /tmp/console.log; fail "the console exited"; }
kill $pid; wait $pid 2>/dev/null || true
[ $opened = yes ] || { cat /tmp/console.log; fail "the console did not open $database"; }
echo "console ran on $database"
pooldesk --version | head -n 1
pooldesk-service --version | head -n 1

step "apt-get purge"
apt-get purge -y -qq pooldesk pooldesk-service >/dev/null
after=$(snapshot)
if [ "$before" != "$after" ]; then
  diff <(echo "$before") <(echo "$after") || true
  fail "the packages left files behind"
fi
for program in pooldesk pooldeskctl pooldesk-service; do
  [ -e /usr/bin/$program ] && fail "$program is still installed"
done
echo "purged: nothing of the packages is left ($(echo "$after" | wc -l) paths compared); the user's data in $database stays"
