#!/usr/bin/env bash
# check-packages.sh BUILD_DIR VERSION
# Builds the .deb packages from this build with scripts/package.sh, then checks them as Debian
# would and as a user would: control fields and dependencies, contents, lintian, AppStream, the
# desktop file, the systemd unit; then unpacks them and runs the programs from there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
version=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "scripts/package.sh"
export SOURCE_DATE_EPOCH=1764892800 # fixed, so two runs can be compared
POOLDESK_PACKAGE_BUILD_DIR=$build POOLDESK_PACKAGE_OUT=$work/out "$root/scripts/package.sh" >"$work/package.log" 2>&1 ||
  { cat "$work/package.log"; fail "scripts/package.sh failed"; }
console=$work/out/pooldesk_${version}-1_amd64.deb
service=$work/out/pooldesk-service_${version}-1_amd64.deb
[ "$(dpkg --print-architecture)" = amd64 ] || { console=${console/amd64/$(dpkg --print-architecture)}; service=${service/amd64/$(dpkg --print-architecture)}; }
tail -n 2 "$work/package.log" >"$work/last-lines"
grep -qx "$console" "$work/last-lines" || fail "package.sh did not print $console on its last lines: $(cat "$work/last-lines")"
grep -qx "$service" "$work/last-lines" || fail "package.sh did not print $service on its last lines"

step "control fields"
field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$console" Package)" = pooldesk ] || fail "console package name"
[ "$(field "$service" Package)" = pooldesk-service ] || fail "service package name"
for deb in "$console" "$service"; do
  [ "$(field "$deb" Version)" = "${version}-1" ] || fail "$deb: version $(field "$deb" Version), not ${version}-1"
  [ -n "$(field "$deb" Maintainer)" ] && [ -n "$(field "$deb" Homepage)" ] || fail "$deb: no maintainer or homepage"
  [ "$(field "$deb" Description | head -n 1 | wc -c)" -le 81 ] || fail "$deb: summary longer than 80 characters"
done
depends=$(field "$console" Depends)
# dpkg-shlibdeps's findings, and the plugins it cannot see.
for needed in libqt6core6 libqt6widgets6 libqt6charts6 libqt6keychain1 libqt6sql6-sqlite libqt6svg6; do
  grep -q "\b$needed\b" <<<"$depends" || fail "pooldesk does not depend on $needed: $depends"
done
recommends=$(field "$console" Recommends)
for wanted in libqt6sql6-psql qt6-translations-l10n "gnome-keyring | kwalletmanager" fonts-noto-cjk; do
  grep -qF "$wanted" <<<"$recommends" || fail "pooldesk does not recommend $wanted: $recommends"
done
grep -q libqt6sql6-sqlite <<<"$(field "$service" Depends)" || fail "pooldesk-service lacks libqt6sql6-sqlite"
if grep -q "libqt6widgets6\|libqt6charts6" <<<"$(field "$service" Depends)"; then
  fail "pooldesk-service depends on GUI libraries: $(field "$service" Depends)"
fi
dpkg-deb --ctrl-tarfile "$service" | tar -t | sort >"$work/service-control"
for script in ./postinst ./prerm ./postrm; do
  grep -qx "$script" "$work/service-control" || fail "pooldesk-service has no $script"
done

step "contents"
dpkg-deb -c "$console" | awk '{print $6}' >"$work/console-files"
dpkg-deb -c "$service" | awk '{print $6}' >"$work/service-files"
for path in ./usr/bin/pooldesk ./usr/bin/pooldeskctl \
  ./usr/share/applications/org.pooldesk.PoolDesk.desktop ./usr/share/metainfo/org.pooldesk.PoolDesk.metainfo.xml \
  ./usr/share/icons/hicolor/scalable/apps/org.pooldesk.PoolDesk.svg \
  ./usr/share/icons/hicolor/16x16/apps/org.pooldesk.PoolDesk.png \
  ./usr/share/icons/hicolor/256x256/apps/org.pooldesk.PoolDesk.png \
  ./usr/share/man/man1/pooldesk.1.gz ./usr/share/man/man1/pooldeskctl.1.gz \
  ./usr/share/man/ja/man1/pooldesk.1.gz ./usr/share/man/ja/man1/pooldeskctl.1.gz \
  ./usr/share/doc/pooldesk/copyright ./usr/share/doc/pooldesk/changelog.Debian.gz; do
  grep -qx "$path" "$work/console-files" || fail "pooldesk lacks $path"
done
for path in ./usr/bin/pooldesk-service ./lib/systemd/system/pooldesk-service.service \
  ./usr/share/man/man8/pooldesk-service.8.gz ./usr/share/man/ja/man8/pooldesk-service.8.gz \
  ./usr/share/metainfo/org.pooldesk.PoolDesk.Service.metainfo.xml \
  ./usr/share/doc/pooldesk-service/copyright ./usr/share/doc/pooldesk-service/changelog.Debian.gz; do
  grep -qx "$path" "$work/service-files" || fail "pooldesk-service lacks $path"
done
if grep -q "pooldesk-service" "$work/console-files"; then fail "pooldesk carries service files"; fi
if grep -q "^./etc/" "$work/console-files" "$work/service-files"; then fail "a package ships /etc (no conffiles are declared)"; fi

step "lintian"
lintian --no-tag-display-limit "$console" "$service" >"$work/lintian" 2>&1 || true
if grep -E "^(E|W):" "$work/lintian"; then fail "lintian reports errors or warnings"; fi

mkdir "$work/root"
dpkg-deb -x "$console" "$work/root"
dpkg-deb -x "$service" "$work/root"

step "appstreamcli and desktop-file-validate"
appstreamcli validate --no-net "$work"/root/usr/share/metainfo/*.xml >"$work/appstream" 2>&1 || { cat "$work/appstream"; fail "appstreamcli"; }
desktop-file-validate "$work/root/usr/share/applications/org.pooldesk.PoolDesk.desktop" ||
  fail "desktop-file-validate"

step "systemd unit"
# verify checks ExecStart's program exists: point it at the unpacked one.
sed "s|^ExecStart=/usr/bin/|ExecStart=$work/root/usr/bin/|" "$work/root/lib/systemd/system/pooldesk-service.service" \
  >"$work/pooldesk-service.service"
systemd-analyze verify --man=no "$work/pooldesk-service.service" || fail "systemd-analyze verify"
exposure=$(systemd-analyze security --offline=true "$work/pooldesk-service.service" 2>/dev/null |
  sed -n 's/.*Overall exposure level for pooldesk-service.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security: exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e < 2.0) }' || fail "exposure $exposure is not below 2.0"
grep -q "^LoadCredential=twilio-auth-token:" "$work/pooldesk-service.service" || fail "no LoadCredential for the token"
if grep -q "^Environment.*TOKEN" "$work/pooldesk-service.service"; then fail "a secret in the unit's environment"; fi

step "the unpacked programs"
bin=$work/root/usr/bin
for program in pooldesk pooldeskctl pooldesk-service; do
  if ldd "$bin/$program" | grep -q "not found"; then fail "$program: $(ldd "$bin/$program" | grep "not found")"; fi
  first=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$bin/$program" --version | head -n 1)
  [ "$first" = "$program (PoolDesk) $version" ] || fail "$program --version says \"$first\""
done
env -u DISPLAY -u QT_QPA_PLATFORM "$bin/pooldesk" --debug-info | grep -q "^SQL drivers: .*QSQLITE" ||
  fail "pooldesk --debug-info names no SQLite driver"

step "the unpacked console starts offscreen on a fresh SQLite database"
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config XDG_RUNTIME_DIR=$work/home/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
database=$work/fresh.sqlite
QT_QPA_PLATFORM=offscreen "$bin/pooldesk" --db "sqlite:$database" >"$work/console.log" 2>&1 &
console_pid=$!
started=no
for _ in $(seq 1 60); do
  kill -0 $console_pid 2>/dev/null || break
  # The window opens once the database is created and migrated.
  if [ -s "$database" ] && sqlite3 "file:$database?mode=ro" "SELECT count(*) FROM companies" >/dev/null 2>&1; then
    started=yes
    break
  fi
  sleep 0.5
done
sleep 1
kill -0 $console_pid 2>/dev/null || { cat "$work/console.log"; fail "the console exited by itself"; }
kill $console_pid
wait $console_pid 2>/dev/null || true
[ $started = yes ] || { cat "$work/console.log"; fail "the console did not create its database"; }
[ -s "$XDG_DATA_HOME/PoolDesk/pooldesk.sqlite" ] && fail "the console opened the default database, not --db"

step "reproducible: the same build packaged again gives the same bytes"
sha256sum "$console" "$service" | awk '{print $1}' >"$work/first"
POOLDESK_PACKAGE_BUILD_DIR=$build POOLDESK_PACKAGE_OUT=$work/again "$root/scripts/package.sh" >/dev/null 2>&1
sha256sum "$work/again/$(basename "$console")" "$work/again/$(basename "$service")" | awk '{print $1}' >"$work/second"
cmp -s "$work/first" "$work/second" || fail "packaging twice gave different packages"

echo "packages OK: $(basename "$console") $(du -h "$console" | cut -f1), $(basename "$service") $(du -h "$service" | cut -f1)"
