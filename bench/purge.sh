#!/usr/bin/env bash
# Retention purge under load (issue 16, item 7): a database of N registrations (default 1,000,000),
# generated in bulk SQL (bench/sql/purge-gen.*.sql: 90 % ended in 2021, past a 3-year retention; 10 % in
# force), then the server's own purge (the daily task, started 5 s after the server) while the load
# generator files new registrations at a fixed 1,000/s in 10-second windows. Reports the purge's
# duration and counts (its audit entry) and each window's achieved rate and p99 — on SQLite and
# PostgreSQL. Needs a release build:
#   cargo build --release -p anbei-api --bin anbei --example loadgen
# Usage: bench/purge.sh [N]    (SKIP_PG=1: SQLite only; SKIP_SQLITE=1: PostgreSQL only; PG_MAX_WAL_SIZE=8GB:
#        checkpoints by time, not WAL volume, for the PostgreSQL run)
# Worst case: generating N rows (1M: ~1 min SQLite, ~3 min PostgreSQL) + the purge + one window.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init purge 18090
trap bench_cleanup EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"

# serve LABEL [ENV=VALUE…] — like start_server, with the first daily purge 5 s after start.
serve() {
  local label="$1"; shift
  env "$@" RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 \
    ANBEI_UPLOAD_MB_PER_HOUR=0 "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/$label" \
    --www-dir "$WORK/www" --purge-first-after-seconds "${PURGE_AFTER:-5}" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fs "$URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not become ready" >&2; exit 1
}

# run LABEL QUERY — serves, files at 1,000/s in 10 s windows until the purge's audit entry appears
# (QUERY prints it), then prints it.
run() {
  local label="$1" query="$2" t0 done_line=""
  t0=$(date +%s)
  serve "$label" "${@:3}"
  echo "== $label: filing at 1,000/s in 10 s windows while the purge runs"
  while [ -z "$done_line" ]; do
    "$GEN" receipts --url "$URL" --seconds 10 --rate 1000 --latencies "$WORK/latencies-$label" | sed "s/^/   window $(date -u +%T): /;s/\$/ load1=$(cut -d' ' -f1 /proc/loadavg)/"
    done_line=$(eval "$query" || true)
    if [ $(( $(date +%s) - t0 )) -gt 3600 ]; then echo "purge not done after an hour" >&2; break; fi
  done
  echo "   purge: $done_line"
  sort -n "$WORK/latencies-$label" | awk '{a[NR]=$1} END {printf "   every filing during the purge: %d, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; over 50 ms: %d (%.2f %%)\n", NR, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[int(NR*0.999)]/1000, a[NR]/1000, over, 100*over/NR} $1 > 50000 {over++}'
  stop_server
}

echo "machine: $(nproc) cores; $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); N=$N"

if [ "${SKIP_SQLITE:-0}" != 1 ]; then
  # a first start makes the schema and keys; the rows go in while no server runs
  serve sqlite ANBEI_PURGE_DAILY=false
  stop_server
  DB="$WORK/sqlite/anbei.sqlite3"
  t=$(date +%s.%N)
  sqlite3 "$DB" ".parameter set :n $N" ".read bench/sql/purge-gen.sqlite.sql" >/dev/null
  echo "== SQLite: $N registrations generated in $(echo "$(date +%s.%N) - $t" | bc) s ($(du -sh "$DB" | cut -f1))"
  run sqlite "sqlite3 '$DB' \"SELECT detail FROM audit WHERE action = 'retention_purge'\""
  echo "   left with personal data: $(sqlite3 "$DB" "SELECT COUNT(*) FROM filings WHERE purged_at IS NULL AND filing_no LIKE 'F-bantian-2021%'") (the 10 % in force)"
fi

if [ "${SKIP_PG:-0}" != 1 ]; then
  # A purge leaves a dead row version behind every row it changes, and only VACUUM reclaims them. The
  # cluster on the test machine ships with autovacuum off (conf.d/90-ci.conf, for fast tests); no
  # production database runs so. The run turns it on for its duration (ALTER SYSTEM, reset on exit) unless
  # PG_AUTOVACUUM=as-is; the report says which.
  av=$(psql "$PG_URL" -tAc "SHOW autovacuum")
  if [ "$av" = off ] && [ "${PG_AUTOVACUUM:-on}" = on ]; then
    psql "$PG_URL" -qc "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" >/dev/null
    trap 'psql "$PG_URL" -qc "ALTER SYSTEM RESET autovacuum" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true; bench_cleanup' EXIT
    sleep 1
  fi
  # PG_MAX_WAL_SIZE (e.g. 8GB): checkpoints by time rather than by WAL volume for the run (ALTER SYSTEM,
  # reset on exit) — at PostgreSQL's default 1GB the purge and the filings start one every ~25 s here.
  if [ -n "${PG_MAX_WAL_SIZE:-}" ]; then
    psql "$PG_URL" -qc "ALTER SYSTEM SET max_wal_size = '$PG_MAX_WAL_SIZE'" -c "ALTER SYSTEM SET checkpoint_timeout = '15min'" -c "SELECT pg_reload_conf()" >/dev/null
    trap 'psql "$PG_URL" -qc "ALTER SYSTEM RESET autovacuum" -c "ALTER SYSTEM RESET max_wal_size" -c "ALTER SYSTEM RESET checkpoint_timeout" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true; bench_cleanup' EXIT
    sleep 1
  fi
  echo "== PostgreSQL autovacuum: $(psql "$PG_URL" -tAc "SHOW autovacuum") (cluster default: $av); max_wal_size $(psql "$PG_URL" -tAc "SHOW max_wal_size"), checkpoint_timeout $(psql "$PG_URL" -tAc "SHOW checkpoint_timeout")"
  create_pg_schema
  serve pg ANBEI_PURGE_DAILY=false DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
  stop_server
  t=$(date +%s.%N)
  PGOPTIONS="-c search_path=$SCHEMA" psql "$PG_URL" -q -v ON_ERROR_STOP=1 -v n="$N" -f bench/sql/purge-gen.postgres.sql >/dev/null
  PGOPTIONS="-c search_path=$SCHEMA" psql "$PG_URL" -qc "VACUUM ANALYZE" >/dev/null
  echo "== PostgreSQL: $N registrations generated in $(echo "$(date +%s.%N) - $t" | bc) s"
  run pg "PGOPTIONS='-c search_path=$SCHEMA' psql '$PG_URL' -tAc \"SELECT detail FROM audit WHERE action = 'retention_purge'\"" \
    DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA"
  echo "   left with personal data: $(PGOPTIONS="-c search_path=$SCHEMA" psql "$PG_URL" -tAc "SELECT COUNT(*) FROM filings WHERE purged_at IS NULL AND filing_no LIKE 'F-bantian-2021%'") (the 10 % in force)"
fi
