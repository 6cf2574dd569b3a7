#!/usr/bin/env bash
# Start a Redis server for task_backend = celery (and the distributed tests) and print its URL
# on stdout. Safe to run twice: when the server already answers it only prints the URL.
#
#   url=$(scripts/redis.sh)
#   FORMOCR_TEST_REDIS_URL=$url FORMOCR_REQUIRE_REDIS=1 .venv/bin/pytest tests/unit/distributed
#
# As root (and without FORMOCR_REDIS_PRIVATE=1): installs the Debian package `redis-server` if it
# is missing and starts the packaged server (systemd unit, or the binary with the packaged
# configuration when there is no systemd) on 127.0.0.1:6379. Otherwise, or with
# FORMOCR_REDIS_PRIVATE=1: a private server of the calling user, its files and log in
# FORMOCR_REDIS_DIR (default data/runtime/redis), on 127.0.0.1:FORMOCR_REDIS_PORT (default
# 56379), without persistence (the store is the record of the work; see README "Distributed
# mode"). Stop the private one with: redis-cli -p PORT shutdown nosave. Logs go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "redis.sh: $*" >&2; }

PRIVATE=${FORMOCR_REDIS_PRIVATE:-0}
[ "$(id -u)" = 0 ] || PRIVATE=1

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing the Debian package redis-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  else
    say "Redis is not installed; as root run: apt-get update && apt-get install redis-server"
    exit 1
  fi
fi

answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
wait_ready() {
  for _ in $(seq 1 60); do
    answers "$1" && return 0
    sleep 0.25
  done
  say "the server on 127.0.0.1:$1 did not answer; see its log"
  exit 1
}

if [ "$PRIVATE" = 1 ]; then
  PORT=${FORMOCR_REDIS_PORT:-56379}
  [[ "$PORT" =~ ^[0-9]+$ ]] || { say "invalid port '$PORT'"; exit 2; }
  DIR=${FORMOCR_REDIS_DIR:-$PWD/data/runtime/redis}
  if answers "$PORT"; then
    say "a server already answers on 127.0.0.1:$PORT"
  else
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    say "starting a private server on 127.0.0.1:$PORT (files in $DIR)"
    redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --save "" --appendonly no \
      --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >&2
    wait_ready "$PORT"
  fi
else
  PORT=6379
  if answers "$PORT"; then
    say "the packaged server already answers on 127.0.0.1:$PORT"
  else
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      say "starting redis-server.service"
      systemctl start redis-server >&2
    else
      say "starting redis-server with /etc/redis/redis.conf (no systemd)"
      mkdir -p /var/run/redis /var/log/redis /var/lib/redis
      chown redis:redis /var/run/redis /var/log/redis /var/lib/redis 2>/dev/null || true
      runuser -u redis -- redis-server /etc/redis/redis.conf --daemonize yes \
        --supervised no >&2
    fi
    wait_ready "$PORT"
  fi
fi
echo "redis://127.0.0.1:$PORT/0"
