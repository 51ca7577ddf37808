#!/usr/bin/env bash
# Fails when a user-visible string has no Japanese translation (or an English plural form is
# missing): runs lupdate over the sources into copies of the committed catalogues and lists every
# message that comes out unfinished.
set -euo pipefail
src=${1:?source dir}
lupdate=$(command -v lupdate 2>/dev/null || echo /usr/lib/qt6/bin/lupdate)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/translations/pooldesk_ja.ts" "$src/translations/pooldesk_en.ts" "$tmp/"
cd "$src"
# Bounded: lupdate 6.4 has been seen never to return on some C++ expressions; say so rather than hang.
run_lupdate() {
  timeout 300 "$lupdate" "$@" >/dev/null || {
    echo "lupdate failed or did not finish within 300 s (a C++ construct it cannot parse?)" >&2
    exit 1
  }
}
run_lupdate -silent -no-obsolete -locations none -extensions cpp,h app models ui -ts "$tmp/pooldesk_ja.ts"
run_lupdate -silent -no-obsolete -locations none -pluralonly -extensions cpp,h app models ui -ts "$tmp/pooldesk_en.ts"
status=0
for lang in ja en; do
  count=$(grep -c 'type="unfinished"' "$tmp/pooldesk_$lang.ts" || true)
  if [ "$count" -gt 0 ]; then
    echo "pooldesk_$lang.ts: $count untranslated message(s). Run the two lupdate lines of this script on translations/*.ts, then translate:"
    python3 - "$tmp/pooldesk_$lang.ts" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
shown = 0
for ctx in root.iter('context'):
    name = ctx.findtext('name')
    for m in ctx.iter('message'):
        t = m.find('translation')
        if t is not None and t.get('type') == 'unfinished':
            if shown < 40:
                print(f"  [{name}] {m.findtext('source')!r}")
            shown += 1
if shown > 40:
    print(f"  ... and {shown - 40} more")
PY
    status=1
  fi
done
total=$(grep -c '<message' "$tmp/pooldesk_ja.ts" || true)
echo "pooldesk_ja.ts: $total messages checked"
exit $status
