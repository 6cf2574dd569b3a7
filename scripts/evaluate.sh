#!/usr/bin/env bash
# The evaluation protocol behind the README's figures: fresh synthetic sets, then `formocr eval`
# on each. Handwriting is drawn stroke by stroke by writers of the EVALUATION range only (never
# used for training, tuning or calibration: see docs/decisions.md), over the three built-in
# forms with mild and hard degradation, and over a test-only town form drawn at 150 dpi with
# 3 mm ふりがな rows (tests/forms/school_aid.py). The font sets stay as a check that printed
# forms and handwriting fonts do not fall: print (Noto / IPAex), SetoFont, and four handwriting
# fonts never used in development.
#
#   scripts/evaluate.sh [SEED] [OUT] [COUNT]   default seed 2026120461, OUT data/eval/final,
#                                              COUNT documents per form in each stroke set
#   ENGINE=rapidocr scripts/evaluate.sh        the same with the RapidOCR backend
#
# Writes OUT/<set>/ (scans + truth), OUT/<set>.report.json and OUT/<set>.outcomes.jsonl, and
# prints a summary per set and one over the stroke sets. Needs `scripts/setup.sh --dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=${1:-2026120461}
OUT=${2:-data/eval/final}
COUNT=${3:-70}
ENGINE=${ENGINE:-paddleocr}
FONTS=/usr/share/fonts/truetype
F=.venv/bin/formocr
TOWN="$OUT/forms"

make_set() {  # name seed-suffix count style degrade format [font]
  local name=$1 n=$2 count=$3 style=$4 degrade=$5 fmt=$6 font=${7:-}
  [ -d "$OUT/$name" ] && return 0
  $F synth --form all --count "$count" --seed "$SEED$n" --out "$OUT/$name" --style "$style" \
    --writers eval --degrade "$degrade" --format "$fmt" ${font:+--font "$font"}
}

make_set stroke-mild 1 "$COUNT" stroke mild png
make_set stroke-hard 2 "$COUNT" stroke hard jpg
make_set print-mild 3 8 print mild pdf
make_set print-hard 4 8 print hard jpg
make_set hand-mild 5 8 hand mild tiff
make_set hand-hard 6 8 hand hard jpg
make_set heldout-klee 7 4 hand mild jpg "$FONTS/klee/KleeOne-Regular.ttf"
make_set heldout-kiloji 8 4 hand mild jpg "$FONTS/kiloji/kiloji.ttf"
make_set heldout-yozfont 9 4 hand mild jpg "$FONTS/yozvox-yozfont/YOzRN_.ttf"
make_set heldout-yusei 10 4 hand mild jpg "$FONTS/yusei-magic/YuseiMagic-Regular.ttf"
# The town's own form: drawn by code, read with --forms-dir like any town form.
[ -d "$TOWN/school_aid" ] || .venv/bin/python -m tests.forms.school_aid "$TOWN"
n=11
for level in mild hard; do
  name=town-stroke-$level
  [ -d "$OUT/$name" ] || $F synth --forms-dir "$TOWN" --form school_aid --count $((COUNT / 2)) \
    --seed "$SEED$n" --out "$OUT/$name" --style stroke --writers eval --degrade "$level" \
    --format png
  n=$((n + 1))
done

suffix=""
[ "$ENGINE" = paddleocr ] || suffix=".$ENGINE"
for dir in "$OUT"/*/; do
  name=$(basename "$dir")
  [ "$name" = forms ] && continue
  $F eval "$dir" --forms-dir "$TOWN" --engine "$ENGINE" --json \
    --outcomes "$OUT/$name$suffix.outcomes.jsonl" > "$OUT/$name$suffix.report.json"
done
.venv/bin/python scripts/eval_summary.py "$OUT" "$suffix"
