#!/usr/bin/env bash
# windows-branches.sh SOURCE_DIR QT_INCLUDE_DIR
# The Windows implementations beside the POSIX code cannot run here, but they must compile: each
# file with a Q_OS_WIN branch is checked with MinGW-w64 (syntax and types, against this machine's Qt
# headers), so a Windows build does not find out first.
set -euo pipefail
root=$1
qt=$2
compiler=$(command -v x86_64-w64-mingw32-g++-posix || command -v x86_64-w64-mingw32-g++ || true)
[ -n "$compiler" ] || { echo "MinGW-w64 is missing: scripts/setup.sh --tests installs g++-mingw-w64-x86-64-posix" >&2; exit 1; }
cd "$root"
# QtKeychain's headers, without the rest of this machine's /usr/include (Linux's C library).
extra=$(mktemp -d)
trap 'rm -rf "$extra"' EXIT
ln -s /usr/include/qt6keychain "$extra/qt6keychain"
mapfile -t files < <(grep -rl --include='*.cpp' "Q_OS_WIN" app models ui translations | sort)
[ ${#files[@]} -ge 4 ] || { echo "only ${#files[@]} files with a Windows branch: the search is broken" >&2; exit 1; }
status=0
for file in "${files[@]}"; do
  # -Wno-attributes: Linux Qt headers seen by a Windows compiler disagree on dllimport.
  if ! "$compiler" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -Wno-attributes -I"$qt" -I"$qt/QtCore" -I"$qt/QtNetwork" -I"$qt/QtSql" -I"$qt/QtGui" -I"$qt/QtWidgets" -I"$extra" -Imodels \
    -Iapp/pooldeskctl -Iapp/service "$file"; then
    echo "FAIL: $file does not compile for Windows" >&2
    status=1
  fi
done
echo "${#files[@]} files with Windows branches compile with $(basename "$compiler")"
exit $status
