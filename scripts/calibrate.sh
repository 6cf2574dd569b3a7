#!/usr/bin/env bash
# How the shipped thresholds (ocr_pipeline/extract/calibration.json) are made: fresh synthetic
# handwriting by stroke-drawn writers of the DEVELOPMENT range only (see `formocr synth
# --writers`), mild and hard degradation, plus the handwriting font SetoFont as one style among
# several; `formocr eval --outcomes` on each set, then `formocr calibrate` on all outcomes.
# Print is left out on purpose: pooling easy printed fields would loosen the thresholds.
# Writers of the evaluation range are never used here (scripts/evaluate.sh uses only them).
#
#   scripts/calibrate.sh [OUT] [SEED:COUNT]...   default OUT data/eval/calibration and the two
#                                                runs of the shipped file, 2026120211:70 and
#                                                2026120411:140 (COUNT documents per form in
#                                                each stroke set, a quarter of it in SetoFont)
#
# Writes OUT/<seed>/<set>/, OUT/<seed>/<set>.outcomes.jsonl and OUT/calibration.json; copy the
# latter over ocr_pipeline/extract/calibration.json after reading its evidence (>= 5,000
# accepted fields) and its held-out check (thresholds fitted on half the pages, applied to the
# other half: the error rate to expect on writers the calibration never saw).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-data/eval/calibration}
shift || true
RUNS=("$@")
[ ${#RUNS[@]} -gt 0 ] || RUNS=(2026120211:70 2026120411:140)
F=.venv/bin/formocr

make_set() {  # dir seed count style degrade format
  local dir=$1 seed=$2 count=$3 style=$4 degrade=$5 fmt=$6
  [ -d "$dir" ] && return 0
  $F synth --form all --count "$count" --seed "$seed" --out "$dir" --style "$style" \
    --writers dev --degrade "$degrade" --format "$fmt"
}

outcomes=()
for run in "${RUNS[@]}"; do
  seed=${run%%:*} count=${run##*:}
  make_set "$OUT/$seed/stroke-mild" "${seed}1" "$count" stroke mild png
  make_set "$OUT/$seed/stroke-hard" "${seed}2" "$count" stroke hard jpg
  make_set "$OUT/$seed/setofont-mild" "${seed}3" $((count / 4)) hand mild tiff
  for dir in "$OUT/$seed"/*/; do
    name=$(basename "$dir")
    [ -f "$OUT/$seed/$name.outcomes.jsonl" ] || $F eval "$dir" --json \
      --outcomes "$OUT/$seed/$name.outcomes.jsonl" > "$OUT/$seed/$name.report.json"
    outcomes+=("$OUT/$seed/$name.outcomes.jsonl")
  done
done
$F calibrate --outcomes "${outcomes[@]}" --out "$OUT/calibration.json"
