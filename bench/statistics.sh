#!/usr/bin/env bash
# Statistics over 1,000,000 registrations (issue 14, Numbers): generates the data set inside the
# database (SQLite: bench/sql/statistics-gen.sqlite.sql; PostgreSQL: …postgres.sql — 11 streets, two
# years, statuses, high risk, answers, inspections, findings, rectifications, referrals), then times
#   GET /api/v1/statistics for one street-year (an officer; target ≤ 200 ms),
#   the same for the whole district side by side (an admin; for information),
#   GET /api/v1/inspections?status=due for one street (target ≤ 50 ms),
# each the median of RUNS requests (after one warm-up), as curl measures the response on loopback.
# Run from the repository root after `cargo build --release -p anbei-api --bin anbei`.
# Environment: STATS_N (default 1000000), RUNS (default 7), SKIP_PG=1, and bench/lib.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init statistics 18190
trap bench_cleanup EXIT
N="${STATS_N:-1000000}"
RUNS="${RUNS:-7}"
[ -x "$BIN" ] || { echo "no build at $BIN" >&2; exit 1; }
mkdir -p "$WORK/www"

echo "machine: $(nproc) cores; $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# median_ms PATH TOKEN — the median of RUNS response times (ms) of GET PATH, after a warm-up.
median_ms() {
  curl -fsS -o /dev/null -H "Authorization: Bearer $2" "$URL$1"
  for _ in $(seq 1 "$RUNS"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$URL$1"
  done | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "%.1f ms (min %.1f, max %.1f)", a[int((NR + 1) / 2)], a[1], a[NR] }'
}

# token DBARGS… LOGIN ROLE STREET — a bearer token of a new account.
token() {
  local login="$1" role="$2" street="$3"; shift 3
  if [ "$street" = "*" ]; then
    "$BIN" account add --login "$login" --name "$login" --role "$role" "$@" >/dev/null
  else
    "$BIN" account add --login "$login" --name "$login" --role "$role" --street "$street" "$@" >/dev/null
  fi
  "$BIN" account token issue --login "$login" "$@" | grep -o 'anb_o_[A-Za-z0-9_-]*' | head -1
}

measure() { # LABEL DBARGS…
  local label="$1"; shift
  local officer admin
  officer="$(token "officer-$label" officer bantian "$@")"
  admin="$(token "admin-$label" admin '*' "$@")"
  start_server "$label" "${SERVE_ENV[@]}"
  echo "== $label: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "statistics, one street-year (bantian 2026, by month):      $(median_ms '/api/v1/statistics?from=2026-01-01&to=2026-12-31&group_by=month' "$officer")"
  echo "statistics, one street-year (bantian 2026, by community):  $(median_ms '/api/v1/statistics?from=2026-01-01&to=2026-12-31&group_by=community' "$officer")"
  echo "statistics, one street-year (bantian 2026, by activity):   $(median_ms '/api/v1/statistics?from=2026-01-01&to=2026-12-31&group_by=activity' "$officer")"
  echo "statistics, one street-month (bantian 2026-11):            $(median_ms '/api/v1/statistics?from=2026-11-01&to=2026-11-30' "$officer")"
  echo "statistics, 11 streets side by side, one year (admin):     $(median_ms '/api/v1/statistics?from=2026-01-01&to=2026-12-31' "$admin")"
  echo "inspections due, one street (bantian, status=due):        $(median_ms '/api/v1/inspections?street=bantian&status=due' "$officer")"
  echo "inspections overdue, one street (bantian, status=overdue): $(median_ms '/api/v1/inspections?street=bantian&status=overdue' "$officer")"
  echo "   (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  stop_server
}

# SQLite: the server makes the schema (migrations), then the data set is generated into it.
SERVE_ENV=()
start_server sqlite; stop_server
DB="$WORK/sqlite/anbei.sqlite3"
t0=$(date +%s)
sqlite3 "$DB" ".parameter set :n $N" ".read bench/sql/statistics-gen.sqlite.sql" >/dev/null
echo "SQLite: generated in $(( $(date +%s) - t0 )) s: $(sqlite3 "$DB" "SELECT COUNT(*) FROM filings") filings, \
$(sqlite3 "$DB" "SELECT COUNT(*) FROM inspections") inspections, $(sqlite3 "$DB" "SELECT COUNT(*) FROM findings") findings; \
bantian 2026: $(sqlite3 "$DB" "SELECT COUNT(*) FROM filings WHERE street = 'bantian' AND filed_on BETWEEN '2026-01-01' AND '2026-12-31'") filings; \
file $(du -m "$DB" | cut -f1) MB"
measure sqlite --data-dir "$WORK/sqlite"

if [ "${SKIP_PG:-0}" != 1 ]; then
  create_pg_schema
  SERVE_ENV=(DATABASE_URL="$PG_URL" ANBEI_DB_SCHEMA="$SCHEMA")
  start_server pg "${SERVE_ENV[@]}"; stop_server
  t0=$(date +%s)
  PGOPTIONS="-c search_path=$SCHEMA" psql "$PG_URL" -q -v ON_ERROR_STOP=1 -v n="$N" -f bench/sql/statistics-gen.postgres.sql >/dev/null
  q() { PGOPTIONS="-c search_path=$SCHEMA" psql "$PG_URL" -tAc "$1"; }
  # Index-only scans need the visibility map: VACUUM marks a page all-visible only when no transaction
  # still running could see an older version, and on a shared server other sessions' transactions can
  # hold that back — vacuum again until it covers the tables (what autovacuum does over time).
  for try in 1 2 3 4 5 6 7 8 9 10; do
    for t in filings inspections findings rectifications referrals; do q "VACUUM ANALYZE $t" >/dev/null; done
    vis="$(q "SELECT round(100.0 * SUM(relallvisible) / GREATEST(SUM(relpages), 1), 1) FROM pg_class WHERE relnamespace = '$SCHEMA'::regnamespace AND relkind = 'r'")"
    [ "${vis%.*}" -ge 99 ] && break
    sleep 5
  done
  echo "PostgreSQL: visibility map covers $vis % of the tables' pages (after $try VACUUM ANALYZE)"
  echo "PostgreSQL: generated in $(( $(date +%s) - t0 )) s: $(q "SELECT COUNT(*) FROM filings") filings, \
$(q "SELECT COUNT(*) FROM inspections") inspections, $(q "SELECT COUNT(*) FROM findings") findings"
  measure pg --data-dir "$WORK/pg" --database-url "$PG_URL" --database-schema "$SCHEMA"
fi
