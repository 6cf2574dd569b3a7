#!/usr/bin/env bash
# Draw the test-only forms into a forms directory (default /tmp/formocr-test-forms) and print
# the form folder: today the 就学援助申請書 drawn at 150 dpi with 3 mm ふりがな rows
# (tests/forms/school_aid.py). Then, for example:
#   formocr synth --forms-dir DIR --form school_aid --count 20 --seed 5 --style hand --out SCANS
#   formocr eval SCANS --forms-dir DIR --json
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m tests.forms.school_aid "${1:-/tmp/formocr-test-forms}"
