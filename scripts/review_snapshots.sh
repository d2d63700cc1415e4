#!/usr/bin/env bash
# Turns every SVG in the rendering snapshots into a PNG under out/snapshots, for looking at.
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out/snapshots
for snapshot in Tests/RenderingTests/Snapshots/*.txt; do
    name=$(basename "$snapshot" .txt)
    # Each <svg>…</svg> in the file (an image/svg+xml member or one inline in HTML) becomes a PNG.
    awk -v base="out/snapshots/$name" '
        /<svg / { n++; file = base "-" n ".svg"; inside = 1 }
        inside { print > file }
        /<\/svg>/ { inside = 0; close(file) }
    ' "$snapshot"
done
for svg in out/snapshots/*.svg; do rsvg-convert "$svg" -o "${svg%.svg}.png"; done
ls out/snapshots/*.png
