#!/usr/bin/env bash
# Makes the font files in this folder: Liberation Sans 2 (Regular and Bold) cut down to the
# scripts invoices need, and renamed, because the SIL OFL 1.1 (OFL.txt) forbids a Modified
# Version to use the Reserved Font Names "Liberation" and "Arimo".
#
# Needs:  apt-get install -y fonts-liberation2        (2.1.5 was used)
#         pip install fonttools==4.66.1               (pyftsubset)
# Run:    bash crates/pdf/fonts/subset.sh             (from anywhere; writes beside this script)
#
# Ranges: Basic Latin, Latin-1, Latin Extended-A, Romanian S/T with comma below, Greek and
# Coptic, Cyrillic (Russian/Bulgarian/Serbian/Macedonian/Belarusian/Ukrainian basics plus Ukrainian
# GHE WITH UPTURN), general punctuation (dashes, quotes, ellipsis, per mille, guillemets), the
# currency signs block, NUMERO SIGN and TRADE MARK SIGN.
#
# Only Regular and Bold are shipped and embedded: the renderer never uses italics (genpdf's
# italic slots are filled with PDF built-in fonts that are never drawn, so they cost nothing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${LIBERATION_DIR:-/usr/share/fonts/truetype/liberation2}"
want_fonttools="4.66.1"

have="$(python3 -c 'import fontTools; print(fontTools.version)' 2>/dev/null || true)"
if [[ "$have" != "$want_fonttools" ]]; then
    echo "need fonttools $want_fonttools (have: ${have:-none}): pip install fonttools==$want_fonttools" >&2
    exit 1
fi

unicodes="U+0020-007E,U+00A0-017F,U+0218-021B,U+0370-03FF,U+0400-045F,U+0490-0491,U+2010-2027,U+2030-203A,U+20A0-20C0,U+2116,U+2122"

for style in Regular Bold; do
    in="$src/LiberationSans-$style.ttf"
    out="$here/PortalSans-$style.ttf"
    pyftsubset "$in" \
        --unicodes="$unicodes" \
        --no-hinting --desubroutinize --layout-features='' \
        --output-file="$out"
    # Rename the family (name IDs 1, 3, 4, 6, 16, 17); keep the copyright (ID 0).
    python3 - "$out" "$style" <<'PY'
import sys
from fontTools.ttLib import TTFont

path, style = sys.argv[1], sys.argv[2]
font = TTFont(path, recalcTimestamp=False)  # keep the output byte-reproducible
names = {
    1: "Portal Sans",
    2: style,
    3: f"PortalSans-{style}; subset of Liberation Sans 2.1.5",
    4: f"Portal Sans {style}",
    6: f"PortalSans-{style}",
}
table = font["name"]
for rec in list(table.names):
    if rec.nameID in (16, 17):
        table.removeNames(nameID=rec.nameID)
for rec in table.names:
    if rec.nameID in names:
        rec.string = names[rec.nameID]
font.save(path)
PY
    echo "$out: $(stat -c %s "$out") bytes"
done
