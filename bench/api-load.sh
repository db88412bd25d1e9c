#!/usr/bin/env bash
# API benchmark (loopback only, bounded in time): receipts/s, p99 at a fixed 1,000 receipts/s,
# assessments/s — on SQLite (synchronous=FULL) and PostgreSQL — plus the raw SQLite insert rates
# measured in the same run. Needs a release build:
#   cargo build --release -p anbei-api --bin anbei --example loadgen
# PostgreSQL at 127.0.0.1:5432 (db `test`, user postgres) for the PostgreSQL figures; set SKIP_PG=1 to skip.
# Usage: bench/api-load.sh [SECONDS] [REPS]   (default 10 s per measurement, 3 runs each)
# Each line is one run, with the 1-minute load average and the server's CPU time per request (user+sys,
# from /proc) beside it; then the median of the runs. The machine is shared: read the load average.
# Worst-case duration: (3 × REPS × SECONDS + 5) per store.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
REPS="${2:-3}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init bench 18080
trap bench_cleanup EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"  # another build's load generator (its filing body)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

measure() { # $1 = what to take the median of (per_s | p99_ms), rest = loadgen arguments
  local key="$1"; shift
  local vals=()
  for _ in $(seq 1 "$REPS"); do
    local t0 t1 out ok
    t0=$(cpu_ticks)
    out=$("$GEN" "$@" --url "$URL" --seconds "$SECS")
    t1=$(cpu_ticks)
    ok=$(sed -E 's/.*"ok":([0-9]+).*/\1/' <<<"$out")
    echo "$out load1=$(cut -d' ' -f1 /proc/loadavg) server_cpu_us_per_req=$(( ok > 0 ? (t1 - t0) * 1000000 / $(getconf CLK_TCK) / ok : 0 ))"
    vals+=("$(sed -E "s/.*\"$key\":([0-9.]+).*/\\1/" <<<"$out")")
  done
  echo "   median $key: $(printf '%s\n' "${vals[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

run_suite() { # $1 = label
  echo "== $1: receipts, closed loop, 256 connections, ${SECS}s × $REPS"
  measure per_s receipts --concurrency 256
  echo "== $1: receipts, open loop at 1,000/s, ${SECS}s × $REPS"
  measure p99_ms receipts --rate 1000
  echo "== $1: assessments, closed loop, 64 connections, ${SECS}s × $REPS"
  measure per_s assess --concurrency 64
}

echo "machine: $(nproc) cores; $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== raw SQLite on the same disk (WAL, synchronous=FULL, ~3 KB rows)"
"$GEN" sqlite-raw --dir "$WORK/raw" --seconds 5

start_server sqlite
run_suite "SQLite"
stop_server

if [ "${SKIP_PG:-0}" != 1 ]; then
  create_pg_schema
  start_server pg DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
  run_suite "PostgreSQL"
  stop_server
fi
