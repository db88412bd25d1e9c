#!/usr/bin/env bash
# What the operations layer costs (issue 17): receipts/s of the build before it (ANBEI_BENCH_OLD_BIN) against
# this build, alternating in one run, 256 connections, SQLite (and PostgreSQL unless SKIP_PG=1):
#   old          the previous build, RUST_LOG=info (it writes no line per request)
#   new-metrics  this build, RUST_LOG=warn: request id, route metrics and histograms, no access line
#   new-logs     this build, RUST_LOG=info --log-format json: also one masked JSON access line per request,
#                written to a file as a service manager would collect it
# Then the drain and backup times are measured by tests/faults/drain.py and backup.py (see BENCHMARKS.md).
# Needs release builds: this one ($CARGO_TARGET_DIR or target/, with --example loadgen) and the old one:
#   git worktree add /tmp/anbei-old <commit> && (cd /tmp/anbei-old && cargo build --release -p anbei-api --bin anbei)
# Usage: bench/ops-ab.sh [SECONDS] [REPS]   (default 8 s per measurement, 2 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-8}"
REPS="${2:-2}"
T="${CARGO_TARGET_DIR:-target}"
OLD="${ANBEI_BENCH_OLD_BIN:?set ANBEI_BENCH_OLD_BIN to the previous build}"
NEW="${ANBEI_BENCH_BIN:-$T/release/anbei}"
GEN="${ANBEI_BENCH_GEN:-$T/release/examples/loadgen}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init ops 18590
trap bench_cleanup EXIT
mkdir -p "$WORK/www"

echo "machine: $(nproc) cores; $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # $1 label, $2 binary, $3 store (sqlite|pg), $4 RUST_LOG, rest: serve flags
  local label="$1" bin="$2" store="$3" level="$4"; shift 4
  rm -rf "$WORK/$store"
  local extra=()
  [ "$store" = pg ] && extra=(DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA")
  env "${extra[@]}" RUST_LOG="$level" ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 "$bin" serve --listen "127.0.0.1:$PORT" \
    --data-dir "$WORK/$store" --www-dir "$WORK/www" "$@" >"$WORK/$label.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local out
  out=$("$GEN" receipts --concurrency 256 --url "$URL" --seconds "$SECS")
  echo "$label $store: $out load1=$(cut -d' ' -f1 /proc/loadavg) log_lines=$(wc -l <"$WORK/$label.log")"
  stop_server
  if [ "$store" = pg ]; then psql "$PG_URL" -qc "DROP SCHEMA $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA" >/dev/null 2>&1; fi
}

stores=(sqlite)
if [ "${SKIP_PG:-0}" != 1 ]; then create_pg_schema; stores+=(pg); fi
for store in "${stores[@]}"; do
  echo "== receipts/s, 256 connections, ${SECS}s: old / new-metrics / new-logs, × $REPS"
  for _ in $(seq 1 "$REPS"); do
    run old         "$OLD" "$store" info
    run new-metrics "$NEW" "$store" warn
    run new-logs    "$NEW" "$store" info --log-format json
  done
done
