#!/usr/bin/env bash
# Mixed-traffic load (issue 5, "Load"), loopback only, bounded in time: assessments, uploads, filings,
# receipt verifications and officer ledger pages from --concurrency clients for SECONDS, while an officer
# streams the whole ledger (PREFILL rows, default 100,000) as CSV again and again. On SQLite and on
# PostgreSQL (SKIP_SQLITE=1 / SKIP_PG=1 to skip one). Prints the load generator's JSON (throughput, p50/p99, errors — must be
# 0) and the server's peak RSS (VmHWM). Needs:
#   cargo build --release -p anbei-api --bin anbei --example mixedload
# Then, on the same server (now holding PREFILL+ filings), the API issue's filing figures are measured
# again WHILE an officer streams the whole ledger as CSV in a loop: receipts/s closed loop (256
# connections) and p99 at a fixed 1,000 receipts/s (target: the API issue's ≥ 5,000/s and ≤ 50 ms).
# That phase needs the loadgen example too:
#   cargo build --release -p anbei-api --bin anbei --example mixedload --example loadgen
# Usage: bench/mixed-load.sh [SECONDS=60] [PREFILL=100000] [CONCURRENCY=32] [FILING_SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-60}"; PREFILL="${2:-100000}"; CONC="${3:-32}"; FSECS="${4:-10}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init mixed 18085
GEN="${ANBEI_BENCH_MIXEDGEN:-target/release/examples/mixedload}"
LOADGEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"
EXPORTER_PID=""
cleanup() { stop_pid "$EXPORTER_PID"; bench_cleanup; }
trap cleanup EXIT
status=0
run() { # $1 = label, rest = env
  local label="$1"; shift
  start_server "$label" "$@"
  local token
  token=$(env "$@" "$BIN" officer add --street bantian --name 压测 --data-dir "$WORK/$label" 2>/dev/null)
  echo "== $label: prefill $PREFILL, then ${SECS}s mixed traffic at concurrency $CONC with a continuous CSV export"
  "$GEN" --url "$URL" --officer "$token" --prefill "$PREFILL" --seconds "$SECS" --concurrency "$CONC" || status=1
  if [ -x "$LOADGEN" ]; then
    echo "== $label: filings alone for ${FSECS}s each, while the officer streams the whole ledger as CSV"
    rm -f "$WORK/stop-export"
    ( while [ ! -e "$WORK/stop-export" ]; do
        # Counted through a pipe, not saved: 30 MB of writeback per export would compete with the
        # server's fsyncs on the same disk, which an officer's download elsewhere does not.
        t0=$(date +%s.%N)
        if lines=$(set -o pipefail; curl -fsS -H "Authorization: Bearer $token" -H "Accept: text/csv" \
            "$URL/api/v1/registrations" | wc -l); then
          awk -v n="$lines" -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%d rows in %.2f s\n", n - 1, b - a }' >>"$WORK/exports"
        else
          echo fail >>"$WORK/exports"
        fi
      done ) &
    EXPORTER_PID=$!
    sleep 1
    "$LOADGEN" receipts --url "$URL" --seconds "$FSECS" --concurrency 256 || status=1
    "$LOADGEN" receipts --url "$URL" --seconds "$FSECS" --rate 1000 || status=1
    touch "$WORK/stop-export"   # the export under way finishes; no new one starts
    wait "$EXPORTER_PID" 2>/dev/null || true; EXPORTER_PID=""
    echo "exports during the filing phase: $(grep -v fail "$WORK/exports" | paste -sd';' -); failed: $(grep -c fail "$WORK/exports" || true)"
    rm -f "$WORK/exports"
  fi
  echo "server peak RSS: $(grep VmHWM /proc/$SERVER_PID/status | awk '{print $2/1024 " MB"}')"
  stop_server
}
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${SKIP_SQLITE:-0}" = 1 ] || run sqlite
if [ "${SKIP_PG:-0}" != 1 ]; then
  create_pg_schema
  run pg DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
fi
exit $status
