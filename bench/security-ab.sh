#!/usr/bin/env bash
# Issue 16: receipts/s of two builds side by side in one run (old = before the keyring, new = this
# build), alternating old/new each round so that the shared machine's load falls on both alike.
# Closed loop, 256 connections; SQLite unless SKIP_SQLITE=1, and PostgreSQL unless SKIP_PG=1 (a fresh
# schema per run).
# Usage: OLD=/path/to/old/anbei NEW=/path/to/new/anbei [MID=/path/to/a/third/anbei] [ANBEI_BENCH_GEN=loadgen] bench/security-ab.sh [SECONDS] [ROUNDS]
# MID, when given, runs between old and new each round (e.g. this build with one feature switched off, to
# tell its cost from the rest of what changed since OLD). Ends with the medians and their ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-8}"
ROUNDS="${2:-2}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init secab 18097
trap bench_cleanup EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"
echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# cpu_ticks PID — user + system clock ticks of the process so far (all its threads).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
one() { # $1 = build label, $2 = binary, $3 = store
  BIN="$2"
  local label="$1-$3-$RANDOM"
  if [ "$3" = pg ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null; create_pg_schema
    start_server "$label" DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
  else
    start_server "$label"
  fi
  local out cpu0 cpu1
  cpu0=$(cpu_ticks "$SERVER_PID")
  out=$("$GEN" receipts --concurrency 256 --url "$URL" --seconds "$SECS")
  cpu1=$(cpu_ticks "$SERVER_PID")
  stop_server
  local ok; ok=$(sed -E 's/.*"ok":([0-9]+).*/\1/' <<<"$out")
  # The server's CPU time (user + system, all threads) per receipt: far steadier than receipts/s on a
  # shared 2-core machine, and what receipts/s follows when the cores are saturated.
  echo "$3 $1 $(sed -E 's/.*"per_s":([0-9.]+).*/\1/' <<<"$out") receipts/s  $(awk -v t=$((cpu1 - cpu0)) -v n="$ok" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t/hz*1e6/n}')" >>"$RESULTS"
  echo "$3 $1 $(sed -E 's/.*"per_s":([0-9.]+).*/\1/' <<<"$out") receipts/s  $(awk -v t=$((cpu1 - cpu0)) -v n="$ok" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t/hz*1e6/n}') µs CPU/receipt  load1=$(cut -d' ' -f1 /proc/loadavg)"
}
RESULTS="$WORK/results"
: >"$RESULTS"
stores=()
if [ "${SKIP_SQLITE:-0}" != 1 ]; then stores+=(sqlite); fi
if [ "${SKIP_PG:-0}" != 1 ]; then stores+=(pg); fi
for s in "${stores[@]}"; do
  for _ in $(seq 1 "$ROUNDS"); do
    one old "$OLD" "$s"
    if [ -n "${MID:-}" ]; then one mid "$MID" "$s"; fi
    one new "$NEW" "$s"
  done
done
# medians per store and build, and new/old
med() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for s in "${stores[@]}"; do
  for b in old mid new; do
    r=$(awk -v s="$s" -v b="$b" '$1 == s && $2 == b {print $3}' "$RESULTS" | med)
    c=$(awk -v s="$s" -v b="$b" '$1 == s && $2 == b {print $5}' "$RESULTS" | med)
    grep -q "^$s $b " "$RESULTS" || continue
    printf -v "med_$b" '%s' "$r"
    echo "$s $b: median $r receipts/s, $c µs CPU/receipt"
  done
  echo "$s: new/old $(awk -v a="$med_new" -v b="$med_old" 'BEGIN{printf "%.1f", 100*a/b}') %"
  if [ -n "${MID:-}" ]; then
    echo "$s: mid/old $(awk -v a="$med_mid" -v b="$med_old" 'BEGIN{printf "%.1f", 100*a/b}') %, new/mid $(awk -v a="$med_new" -v b="$med_mid" 'BEGIN{printf "%.1f", 100*a/b}') %"
  fi
done
