#!/usr/bin/env bash
# API benchmark (loopback only, bounded in time): receipts/s, p99 at a fixed 1,000 receipts/s,
# assessments/s — on SQLite (synchronous=FULL) and PostgreSQL — plus the raw SQLite insert rates
# measured in the same run. Needs a release build:
#   cargo build --release -p anbei-api --bin anbei --example loadgen
# PostgreSQL at 127.0.0.1:5432 (db `test`, user postgres) for the PostgreSQL figures; set SKIP_PG=1 to skip.
# Usage: bench/api-load.sh [SECONDS]   (default 10 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
BIN=target/release/anbei
GEN=target/release/examples/loadgen
PORT="${ANBEI_BENCH_PORT:-18080}"
URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d /tmp/anbei-bench.XXXXXX)"
PG_URL="${ANBEI_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
SCHEMA="anbei_bench_$$"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${SKIP_PG:-0}" != 1 ]; then psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() { # $1 = label, rest = env assignments
  local label="$1"; shift
  env "$@" RUST_LOG=warn ANBEI_RATE_LIMIT=0 "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/$label" --www-dir "$WORK/www" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not become ready" >&2; exit 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

run_suite() { # $1 = label
  echo "== $1: receipts, closed loop, 256 connections, ${SECS}s"
  "$GEN" receipts --url "$URL" --seconds "$SECS" --concurrency 256
  echo "== $1: receipts, open loop at 1,000/s, ${SECS}s"
  "$GEN" receipts --url "$URL" --seconds "$SECS" --rate 1000
  echo "== $1: assessments, closed loop, 256 connections, ${SECS}s"
  "$GEN" assess --url "$URL" --seconds "$SECS" --concurrency 256
}

echo "machine: $(nproc) cores; $(uname -sr)"
echo "== raw SQLite on the same disk (WAL, synchronous=FULL, ~3 KB rows)"
"$GEN" sqlite-raw --dir "$WORK/raw" --seconds 5

start_server sqlite
run_suite "SQLite"
stop_server

if [ "${SKIP_PG:-0}" != 1 ]; then
  psql "$PG_URL" -qc "CREATE SCHEMA $SCHEMA" >/dev/null
  start_server pg DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
  run_suite "PostgreSQL"
  stop_server
fi
