#!/usr/bin/env bash
# Builds PoolDesk's Debian packages with CPack: pooldesk (the console and pooldeskctl) and
# pooldesk-service (the pool service and its systemd unit). Prints the paths of the .deb files on
# its last lines.
#   scripts/package.sh        a clean Release build in build-package/, packages in build-package/packages/
# Environment:
#   POOLDESK_PACKAGE_BUILD_DIR=DIR  package that existing build instead (the test suite packages its
#                                   own build rather than compiling everything twice)
#   POOLDESK_PACKAGE_OUT=DIR        where the .deb files go
#   SOURCE_DATE_EPOCH               file times inside the packages (default: the last commit's time)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --packaging

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

if [ -n "${POOLDESK_PACKAGE_BUILD_DIR:-}" ]; then
  build=$(cd "$POOLDESK_PACKAGE_BUILD_DIR" && pwd)
else
  build=$root/build-package
  rm -rf "$build"
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DPOOLDESK_WERROR=ON -DPOOLDESK_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
fi
out=${POOLDESK_PACKAGE_OUT:-$build/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.deb
# CPack's scratch folder stays inside the output folder, away from the build's own files.
(cd "$build" && cpack -G DEB -B "$out/cpack" >"$out/cpack.log" 2>&1) || {
  cat "$out/cpack.log" >&2
  exit 1
}
mv "$out"/cpack/*.deb "$out"/
rm -rf "$out/cpack"
ls "$out"/*.deb
