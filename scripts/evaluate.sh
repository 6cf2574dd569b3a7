#!/usr/bin/env bash
# The evaluation protocol behind the README's figures: fresh synthetic sets (3 forms each) in
# print and handwriting styles, mild and hard degradation, four file formats, plus four
# handwriting fonts never used during development; then `formocr eval` on each set.
#
#   scripts/evaluate.sh [SEED] [OUT]        default seed 2026112617, OUT data/eval/final
#   ENGINE=rapidocr scripts/evaluate.sh     the same with the RapidOCR backend
#
# Writes OUT/<set>/ (scans + truth), OUT/<set>.report.json and OUT/<set>.outcomes.jsonl, and
# prints a summary per set. Needs `scripts/setup.sh --dev` (the extra fonts).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=${1:-2026112617}
OUT=${2:-data/eval/final}
ENGINE=${ENGINE:-paddleocr}
FONTS=/usr/share/fonts/truetype
F=.venv/bin/formocr

make_set() {  # name seed-suffix count style degrade format [font]
  local name=$1 n=$2 count=$3 style=$4 degrade=$5 fmt=$6 font=${7:-}
  [ -d "$OUT/$name" ] && return 0
  $F synth --form all --count "$count" --seed "$SEED$n" --out "$OUT/$name" --style "$style" \
    --degrade "$degrade" --format "$fmt" ${font:+--font "$font"}
}

make_set print-mild 1 8 print mild pdf
make_set print-hard 2 8 print hard jpg
make_set hand-mild 3 8 hand mild tiff
make_set hand-hard 4 8 hand hard jpg
make_set heldout-klee 5 4 hand mild jpg "$FONTS/klee/KleeOne-Regular.ttf"
make_set heldout-kiloji 6 4 hand mild jpg "$FONTS/kiloji/kiloji.ttf"
make_set heldout-yozfont 7 4 hand mild jpg "$FONTS/yozvox-yozfont/YOzRN_.ttf"
make_set heldout-yusei 8 4 hand mild jpg "$FONTS/yusei-magic/YuseiMagic-Regular.ttf"

suffix=""
[ "$ENGINE" = paddleocr ] || suffix=".$ENGINE"
for dir in "$OUT"/*/; do
  name=$(basename "$dir")
  $F eval "$dir" --engine "$ENGINE" --json --outcomes "$OUT/$name$suffix.outcomes.jsonl" \
    > "$OUT/$name$suffix.report.json"
  .venv/bin/python - "$OUT/$name$suffix.report.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:16} pages {r['pages']:3}  fields {r['field_accuracy']:.2%}  "
      f"auto-accepted {r['straight_through_rate']:.1%}  wrong among them "
      f"{r['auto_accept_error_rate']:.2%}  {r['pages_per_second']:.2f} pages/s")
PY
done
