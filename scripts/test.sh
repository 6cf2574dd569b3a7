#!/usr/bin/env bash
# Set up everything (scripts/setup.sh --dev) and run all checks: ruff, mypy, pytest.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not ocr" for the quick part.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
echo "== ruff" >&2
.venv/bin/ruff check .
echo "== mypy" >&2
.venv/bin/mypy
echo "== pytest" >&2
.venv/bin/python -m pytest "$@"
