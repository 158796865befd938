#!/bin/sh
# Reproduce fonts/NotoSerifCJKsc-Subset.otf from Debian's fonts-noto-cjk.
# Needs: python3, fontTools (pip install fonttools), fonts-noto-cjk (apt).
set -eu
cd "$(dirname "$0")"
SRC=${SRC:-/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc}
FACE=2   # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK in this collection
OUT=NotoSerifCJKsc-Subset.otf
TEXT=$(mktemp) ; UNI=$(mktemp)
trap 'rm -f "$TEXT" "$UNI"' EXIT

python3 - "$SRC" "$FACE" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], fontNumber=int(sys.argv[2]), lazy=True)
name = f['name'].getDebugName(4)
if name != 'Noto Serif CJK SC':
    sys.exit('face %s is %r, expected Noto Serif CJK SC' % (sys.argv[2], name))
PY

# All GB2312 characters (two-byte sequences 0xA1A1-0xF7FE that decode as gb2312)
# plus extra given-name characters often missing from GB2312.
python3 - > "$TEXT" <<'PY'
chars = []
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.append(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
chars += list("喆堃昇淏玥珺琍瑄翀肜赟镕昳⺼冇啰囍珏犇焱垚淼鑫旻昱晔晗昕彧睿祎祯禛筠誉玮琦瑾璟钰骞熠燚孖槿婕嫣姝妤芃苒茜萌蕙")
print(''.join(chars), end='')
PY

# Ranges: ASCII, Latin-1, general punctuation, letterlike symbols, number forms,
# arrows, enclosed alphanumerics, box drawing, geometric shapes, CJK symbols and
# punctuation, CJK compatibility, fullwidth/halfwidth forms.
UNICODES="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2100-214F,U+2150-218F,U+2190-21FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+3000-303F,U+3300-33FF,U+FF00-FFEF"

pyftsubset "$SRC" --font-number=$FACE \
  --text-file="$TEXT" --unicodes="$UNICODES" \
  --layout-features='*' --no-glyph-names \
  --name-IDs='*' --name-languages='*' --notdef-outline \
  --output-file="$OUT"

ls -l "$OUT"
sha256sum "$OUT"
