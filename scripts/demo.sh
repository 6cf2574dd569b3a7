#!/usr/bin/env bash
# Set up everything and run the main job on embedded defaults: read the sample scans in
# data/samples (made by `formocr synth`) and print what was read and what needs review.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/formocr process data/samples "$@"
