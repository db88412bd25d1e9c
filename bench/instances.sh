#!/usr/bin/env bash
# Several instances on one PostgreSQL (issue 17): receipts/s of ONE `anbei serve` against TWO instances
# (separate data directories, one schema, one ANBEI_KEK_FILE) behind a real HAProxy, side by side in one run,
# alternating one / two each round so the machine's drift hits both alike. The load generator always goes
# through HAProxy, so the proxy's own cost is in both figures. Also SQLite (one instance, no proxy) and
# the one PostgreSQL instance directly (no proxy), as issue 17 compares them (PostgreSQL ≥ 60 % of
# SQLite's receipts/s), in the same alternation: this VM's speed drifts by a third within minutes.
# Loopback only, bounded: ROUNDS × 4 × SECONDS plus start-ups. Ends with the medians of the per-round ratios.
# Needs: cargo build --release -p anbei-api --bin anbei --example loadgen; haproxy (scripts/setup.sh);
# PostgreSQL at 127.0.0.1:5432 (db `test`).
# Usage: bench/instances.sh [SECONDS] [ROUNDS] [CONNECTIONS]    (default 10 s, 3 rounds, 256 connections)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
ROUNDS="${2:-3}"
CONC="${3:-256}"
BIN="${ANBEI_BENCH_BIN:-target/release/anbei}"
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"
PG_URL="${ANBEI_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"
[ -x "$BIN" ] && [ -x "$GEN" ] || { echo "build first: cargo build --release -p anbei-api --bin anbei --example loadgen" >&2; exit 1; }
[ -x "$HAPROXY" ] || { echo "haproxy is needed (scripts/setup.sh installs it)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/anbei-inst-bench.XXXXXX)"
PIDS=()
SCHEMAS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for s in "${SCHEMAS[@]}"; do psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/anbei-kek-v1:/' >"$WORK/kek"
chmod 600 "$WORK/kek"

wait_ready() {
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "nothing ready on :$1" >&2; exit 1
}

# serve NAME PORT [ENV=VALUE…] — one instance in the background; its pid appended to PIDS
serve() {
  local name="$1" port="$2"; shift 2
  env "$@" RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 "$BIN" serve --listen "127.0.0.1:$port" \
    --data-dir "$WORK/$name" --www-dir "$WORK/www" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$port"
}

# proxy FRONT PORT… — HAProxy round robin over the given instance ports
proxy() {
  local front="$1"; shift
  local cfg="$WORK/haproxy-$front.cfg" i=0
  cat >"$cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    http-reuse always
frontend anbei
    bind 127.0.0.1:$front
    default_backend instances
backend instances
    balance roundrobin
EOF
  for p in "$@"; do i=$((i + 1)); echo "    server s$i 127.0.0.1:$p" >>"$cfg"; done
  "$HAPROXY" -f "$cfg" -db >"$WORK/haproxy-$front.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$front"
}

stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
}

rate() { "$GEN" receipts --concurrency "$CONC" --url "http://127.0.0.1:$1" --seconds "$SECS" | sed -E 's/.*"per_s":([0-9.]+).*/\1/'; }

echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg); ${SECS}s per run, $CONC connections"
printf '%-6s %12s %12s %14s %14s %8s %8s %8s\n' round sqlite_1 pg_1_direct pg_1_via_lb pg_2_via_lb pg/sqlite two/one load1
RATIOS=()
for r in $(seq 1 "$ROUNDS"); do
  # SQLite, one instance, no proxy: the yardstick
  serve "sqlite$r" 18181
  s=$(rate 18181)
  stop_all
  # PostgreSQL, one instance behind HAProxy (fresh schema each round, like the others' fresh files)
  schema="anbei_ib1_${r}_$$"; SCHEMAS+=("$schema"); psql "$PG_URL" -qc "CREATE SCHEMA $schema" >/dev/null
  serve "pg1-$r" 18182 DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$schema" ANBEI_KEK_FILE="$WORK/kek"
  direct=$(rate 18182)
  proxy 18190 18182
  one=$(rate 18190)
  stop_all
  # PostgreSQL, two instances (own data directories, one schema) behind HAProxy
  schema="anbei_ib2_${r}_$$"; SCHEMAS+=("$schema"); psql "$PG_URL" -qc "CREATE SCHEMA $schema" >/dev/null
  serve "pg2a-$r" 18183 DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$schema" ANBEI_KEK_FILE="$WORK/kek"
  serve "pg2b-$r" 18184 DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$schema" ANBEI_KEK_FILE="$WORK/kek"
  proxy 18191 18183 18184
  two=$(rate 18191)
  stop_all
  share=$(awk -v a="$direct" -v b="$s" 'BEGIN{printf "%.1f%%", 100*a/b}')
  both=$(awk -v a="$two" -v b="$one" 'BEGIN{printf "%.1f%%", 100*a/b}')
  RATIOS+=("$share $both")
  printf '%-6s %12s %12s %14s %14s %8s %8s %8s\n' "$r" "$s" "$direct" "$one" "$two" "$share" "$both" "$(cut -d' ' -f1 /proc/loadavg)"
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "median of the rounds' ratios: PostgreSQL/SQLite $(printf '%s\n' "${RATIOS[@]}" | awk '{print $1+0}' | median) %, two instances/one $(printf '%s\n' "${RATIOS[@]}" | awk '{print $2+0}' | median) %"
