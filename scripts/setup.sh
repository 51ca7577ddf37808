#!/usr/bin/env bash
# Installs what PoolDesk needs on Debian 12 / Ubuntu 24.04, and nothing when it is all there.
#   scripts/setup.sh            build and run the console
#   scripts/setup.sh --tests    also what the test suite needs (PostgreSQL, Xvfb, keyring, Node.js)
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
  qt6-charts-dev qt6-httpserver-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  qtkeychain-qt6-dev libqt6opengl6-dev libqt6svg6 libgl-dev libxkbcommon-dev
  qt6-qpa-plugins fonts-ipafont-gothic
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(postgresql sqlite3 xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools nodejs)
  # npm comes with NodeSource's nodejs; Debian's nodejs needs its own npm package.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
