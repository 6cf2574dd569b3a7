#!/usr/bin/env bash
# How the shipped thresholds (ocr_pipeline/extract/calibration.json) are made: fresh synthetic
# handwriting by stroke-drawn writers of the DEVELOPMENT range only (see `formocr synth
# --writers`), mild and hard degradation, plus the handwriting font SetoFont as one style among
# several; `formocr eval --outcomes` on each set, then `formocr calibrate` on all outcomes.
# Print is left out on purpose: pooling easy printed fields would loosen the thresholds.
# Writers of the evaluation range are never used here (scripts/evaluate.sh uses only them).
#
#   scripts/calibrate.sh [SEED] [OUT] [COUNT]   default seed 2026120211, OUT data/eval/calibration,
#                                               COUNT documents per form in each stroke set
#
# Writes OUT/<set>/, OUT/<set>.outcomes.jsonl and OUT/calibration.json; copy the latter over
# ocr_pipeline/extract/calibration.json after reading its evidence (>= 5,000 accepted fields).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED=${1:-2026120211}
OUT=${2:-data/eval/calibration}
COUNT=${3:-70}
F=.venv/bin/formocr

make_set() {  # name seed-suffix count style degrade format
  local name=$1 n=$2 count=$3 style=$4 degrade=$5 fmt=$6
  [ -d "$OUT/$name" ] && return 0
  $F synth --form all --count "$count" --seed "$SEED$n" --out "$OUT/$name" --style "$style" \
    --writers dev --degrade "$degrade" --format "$fmt"
}

make_set stroke-mild 1 "$COUNT" stroke mild png
make_set stroke-hard 2 "$COUNT" stroke hard jpg
make_set setofont-mild 3 $((COUNT / 4)) hand mild tiff

outcomes=()
for dir in "$OUT"/*/; do
  name=$(basename "$dir")
  [ -f "$OUT/$name.outcomes.jsonl" ] || $F eval "$dir" --json \
    --outcomes "$OUT/$name.outcomes.jsonl" > "$OUT/$name.report.json"
  outcomes+=("$OUT/$name.outcomes.jsonl")
done
$F calibrate --outcomes "${outcomes[@]}" --out "$OUT/calibration.json"
