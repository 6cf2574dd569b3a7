#!/usr/bin/env bash
# Set up everything (scripts/setup.sh --dev: as root also chromium and extra fonts via apt-get),
# start PostgreSQL (scripts/postgres.sh) and Redis (scripts/redis.sh; both are left running) and run
# all checks: ruff, mypy,
# pytest (store tests on SQLite and PostgreSQL). About 30 minutes on 2 cores.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not ocr" for the quick part.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
echo "== ruff" >&2
.venv/bin/ruff check .
echo "== mypy" >&2
.venv/bin/mypy
echo "== postgresql" >&2
# The store tests run on SQLite and on a real PostgreSQL server (installed and started here).
if [ -z "${FORMOCR_TEST_POSTGRES_URL:-}" ]; then
  FORMOCR_TEST_POSTGRES_URL=$(scripts/postgres.sh)
  export FORMOCR_TEST_POSTGRES_URL FORMOCR_REQUIRE_POSTGRES=1
  trap 'echo "test.sh: PostgreSQL is left running for the next run; README.md (first screen) says how to stop it" >&2' EXIT
fi
echo "== redis" >&2
# The distributed tests (task_backend = celery) run against a real Redis (started here, left running).
if [ -z "${FORMOCR_TEST_REDIS_URL:-}" ]; then
  FORMOCR_TEST_REDIS_URL=$(scripts/redis.sh)
  export FORMOCR_TEST_REDIS_URL FORMOCR_REQUIRE_REDIS=1
fi
echo "== pytest" >&2
.venv/bin/python -m pytest "$@"
