#!/usr/bin/env bash
# check-man-pages.sh BUILD_DIR: fails when docs/man differs from what scripts/man-pages.sh writes
# from this build's programs, and says how to bring the pages up to date.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$root/scripts/man-pages.sh" "$1" "$fresh" >/dev/null
status=0
for page in pooldesk.1 pooldeskctl.1 pooldesk-service.8 ja/pooldesk.1 ja/pooldeskctl.1 ja/pooldesk-service.8; do
  if ! diff -u "$root/docs/man/$page" "$fresh/$page"; then
    status=1
  fi
  # Each page renders without a warning from groff, but for lines it cannot break or fill: groff
  # finds no break points in Japanese text, and man still shows it whole.
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$fresh/$page" 2>&1 >/dev/null |
    grep -v -e "can't break line" -e "cannot adjust line" || true)
  if [ -n "$warnings" ]; then
    echo "$page: $warnings"
    status=1
  fi
done
if [ $status != 0 ]; then
  echo "The manual pages are out of date: run scripts/man-pages.sh and commit docs/man." >&2
fi
exit $status
