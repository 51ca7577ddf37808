#!/usr/bin/env bash
# Renders the application icon (resources/icons/pooldesk.svg) into what each system wants, and
# writes them into packaging/: hicolor PNGs for Linux, pooldesk.ico for Windows, pooldesk.icns for
# macOS (both hold PNG images, which every supported version reads). Run after changing the SVG
# and commit the result. Needs rsvg-convert (librsvg2-bin) and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
svg=$root/resources/icons/pooldesk.svg
id=org.pooldesk.PoolDesk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in 16 22 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w $size -h $size "$svg" -o "$work/$size.png"
done
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "$root/packaging/icons/hicolor/${size}x${size}/apps"
  cp "$work/$size.png" "$root/packaging/icons/hicolor/${size}x${size}/apps/$id.png"
done
python3 - "$work" "$root/packaging" <<'PY'
import struct, sys, os
work, out = sys.argv[1], sys.argv[2]
png = lambda s: open(os.path.join(work, f"{s}.png"), "rb").read()
# ICO: a directory of PNG images (Windows Vista and later).
sizes = [16, 24, 32, 48, 64, 128, 256]
data = [png(s) for s in sizes]
ico = struct.pack("<HHH", 0, 1, len(sizes))
offset = 6 + 16 * len(sizes)
for s, d in zip(sizes, data):
    ico += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(d), offset)
    offset += len(d)
open(os.path.join(out, "windows", "pooldesk.ico"), "wb").write(ico + b"".join(data))
# ICNS: PNG entries by their OSType.
entries = [(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024)]
body = b"".join(t + struct.pack(">I", 8 + len(png(s))) + png(s) for t, s in entries)
open(os.path.join(out, "macos", "pooldesk.icns"), "wb").write(b"icns" + struct.pack(">I", 8 + len(body)) + body)
PY
echo "icons: packaging/icons, packaging/windows/pooldesk.ico, packaging/macos/pooldesk.icns"
