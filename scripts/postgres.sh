#!/usr/bin/env bash
# Start a PostgreSQL server for the store tests and print its URL on stdout. Safe to run twice:
# when the server is already up it only makes sure the role and database exist and prints the URL.
#
#   url=$(scripts/postgres.sh)
#   FORMOCR_TEST_POSTGRES_URL=$url FORMOCR_REQUIRE_POSTGRES=1 .venv/bin/pytest tests/unit/store
#
# As root: installs the Debian package `postgresql` if it is missing and starts the packaged
# cluster with pg_ctlcluster. Without root: starts a private cluster with initdb/pg_ctl under
# data/runtime/postgres (the PostgreSQL binaries must be installed already).
#
# Environment: FORMOCR_PG_USER, FORMOCR_PG_PASSWORD, FORMOCR_PG_DB (default formocr / formocr /
# formocr_test); for the private cluster FORMOCR_PG_DIR and FORMOCR_PG_PORT (default 55432; the
# packaged cluster keeps its own port, usually 5432). Logs go to stderr; stdout has only the URL.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_USER=${FORMOCR_PG_USER:-formocr}
PG_PASSWORD=${FORMOCR_PG_PASSWORD:-formocr}
PG_DB=${FORMOCR_PG_DB:-formocr_test}
say() { echo "postgres.sh: $*" >&2; }

for value in "$PG_USER" "$PG_DB"; do
  [[ "$value" =~ ^[a-z_][a-z0-9_]*$ ]] || { say "invalid name '$value'"; exit 2; }
done
[[ "$PG_PASSWORD" =~ ^[A-Za-z0-9_.-]+$ ]] || { say "password may hold only A-Z a-z 0-9 _ . -"; exit 2; }

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

if [ -z "$(pg_bindir || true)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing the Debian package postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    say "PostgreSQL is not installed; as root run: apt-get update && apt-get install postgresql"
    exit 1
  fi
fi
BIN=$(pg_bindir)

wait_ready() {  # host port
  for _ in $(seq 1 60); do
    "$BIN/pg_isready" -q -h "$1" -p "$2" && return 0
    sleep 0.5
  done
  say "the server on $1:$2 did not become ready; see its log"
  exit 1
}

if [ "$(id -u)" = 0 ]; then
  # The packaged cluster (postgresql-common): create it if the package left none, then start it.
  VERSION=$(basename "$(dirname "$BIN")")
  if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    say "creating cluster $VERSION/main"
    pg_createcluster "$VERSION" main >/dev/null
  fi
  PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')
  if pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    say "cluster $VERSION/main is already running on port $PORT"
  else
    say "starting cluster $VERSION/main on port $PORT"
    pg_ctlcluster "$VERSION" main start >&2
  fi
  wait_ready 127.0.0.1 "$PORT"
  psql_admin() { runuser -u postgres -- "$BIN/psql" -p "$PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }
else
  # A private cluster owned by the calling user, trusting local connections only.
  PGDATA_DIR=${FORMOCR_PG_DIR:-$PWD/data/runtime/postgres}
  PORT=${FORMOCR_PG_PORT:-55432}
  if [ ! -s "$PGDATA_DIR/PG_VERSION" ]; then
    say "creating a private cluster in $PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if "$BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    say "private cluster in $PGDATA_DIR is already running"
  else
    say "starting the private cluster on port $PORT"
    "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
      -o "-p $PORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  wait_ready 127.0.0.1 "$PORT"
  psql_admin() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
fi

# Role and database, created once. CREATEDB lets tests make throw-away databases if they want to;
# the store tests use one schema per test inside the database.
psql_admin -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$PG_USER', '$PG_PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', '$PG_USER', '$PG_PASSWORD') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', '$PG_DB', '$PG_USER', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL

echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PORT/$PG_DB"
