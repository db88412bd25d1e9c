#!/usr/bin/env bash
# Notifications benchmark (issue 15; loopback only, bounded in time):
#  1. latency — request sent → signed webhook received, for N filings at a steady rate (bench/notify_latency.py),
#     on SQLite and PostgreSQL: p50, p99, max (target: p99 ≤ 2 s);
#  2. the outbox's cost on receipts/s — the build before the outbox (ANBEI_BENCH_OLD_BIN, default
#     /tmp/anbei-df41d52) against this build, alternating old/new in one run, 256 connections, SQLite (and
#     PostgreSQL unless SKIP_PG=1); this build twice: without a channel (the rows are written, nothing sent) and
#     with a webhook to a fast local receiver (rows written and delivered, the receiver on the same cores).
# Needs release builds of both:
#   cargo build --release -p anbei-api --bin anbei --example loadgen
#   git archive df41d52 | tar -x -C /tmp/anbei-base && (cd /tmp/anbei-base && cargo build --release -p anbei-api --bin anbei) \
#     && cp <its target>/release/anbei /tmp/anbei-df41d52
# Usage: bench/notify.sh [SECONDS] [REPS]   (default 8 s per measurement, 2 rounds of old/new/new+webhook)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-8}"
REPS="${2:-2}"
OLD="${ANBEI_BENCH_OLD_BIN:-/tmp/anbei-df41d52}"
NEW="target/release/anbei"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init notify 18090
RECEIVER_PID=""
trap 'stop_pid "$RECEIVER_PID"; bench_cleanup' EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"

echo "machine: $(nproc) cores; $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== latency: request sent → webhook received (SQLite), ${NOTIFY_N:-300} filings at ${NOTIFY_RATE:-50}/s"
python3 bench/notify_latency.py --bin "$NEW" --n "${NOTIFY_N:-300}" --rate "${NOTIFY_RATE:-50}" --port "$((PORT + 2))"
if [ "${SKIP_PG:-0}" != 1 ]; then
  create_pg_schema
  echo "== latency: same, PostgreSQL"
  python3 bench/notify_latency.py --bin "$NEW" --n "${NOTIFY_N:-300}" --rate "${NOTIFY_RATE:-50}" --port "$((PORT + 2))" \
    --database-url "$PG_URL" --schema "$SCHEMA"
  psql "$PG_URL" -qc "DROP SCHEMA $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA" >/dev/null
fi

[ -x "$OLD" ] || { echo "no old build at $OLD: see the header for the A/B"; exit 0; }
python3 bench/notify_latency.py --receiver-only "$((PORT + 1))" &
RECEIVER_PID=$!
HOOK="http://127.0.0.1:$((PORT + 1))/hook"

run() { # $1 label, $2 binary, $3 store (sqlite|pg), rest: env
  local label="$1" bin="$2" store="$3"; shift 3
  rm -rf "$WORK/$store"
  local extra=()
  [ "$store" = pg ] && extra=(DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA")
  BIN="$bin" start_server "$store" "${extra[@]}" "$@"
  local out
  out=$("$GEN" receipts --concurrency 256 --url "$URL" --seconds "$SECS")
  echo "$label $store: $out load1=$(cut -d' ' -f1 /proc/loadavg)"
  stop_server
  if [ "$store" = pg ]; then psql "$PG_URL" -qc "DROP SCHEMA $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA" >/dev/null; fi
}

stores=(sqlite)
[ "${SKIP_PG:-0}" != 1 ] && stores+=(pg)
for store in "${stores[@]}"; do
  echo "== receipts/s, 256 connections, ${SECS}s: old (no outbox) / new (outbox, no channel) / new + webhook, × $REPS"
  for _ in $(seq 1 "$REPS"); do
    run "old        " "$OLD" "$store"
    run "new        " "$NEW" "$store"
    run "new+webhook" "$NEW" "$store" ANBEI_WEBHOOK_URL="$HOOK" ANBEI_WEBHOOK_SECRET=bench-notify-secret-0123456789
  done
done
