# What the API benchmarks share (sourced from the repository root, not run): the server under test, its
# scratch directory and PostgreSQL schema, starting and stopping it, and cleaning up on exit.
# Environment: ANBEI_BENCH_BIN (compare another build), ANBEI_BENCH_PORT, ANBEI_BENCH_DATABASE_URL, SKIP_PG=1.

# bench_init NAME DEFAULT_PORT — sets BIN, PORT, URL, WORK (/tmp/anbei-NAME.*), PG_URL, SCHEMA (anbei_NAME_PID).
bench_init() {
  BIN="${ANBEI_BENCH_BIN:-target/release/anbei}"
  PORT="${ANBEI_BENCH_PORT:-$2}"
  URL="http://127.0.0.1:$PORT"
  WORK="$(mktemp -d "/tmp/anbei-$1.XXXXXX")"
  PG_URL="${ANBEI_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
  SCHEMA="anbei_$1_$$"
  SERVER_PID=""
}

# stop_pid PID — stops a background process of this script (nothing if PID is empty) and reaps it.
stop_pid() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}

# bench_cleanup — for `trap … EXIT`: the server, the PostgreSQL schema, the scratch directory.
bench_cleanup() {
  stop_pid "$SERVER_PID"
  if [ "${SKIP_PG:-0}" != 1 ]; then psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}

# start_server LABEL [ENV=VALUE…] — serves from $WORK/LABEL without rate limiting; returns once ready.
start_server() {
  local label="$1"; shift
  env "$@" RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/$label" --www-dir "$WORK/www" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "$URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not become ready" >&2; exit 1
}

stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

# create_pg_schema — the empty schema the PostgreSQL run uses (dropped by bench_cleanup).
create_pg_schema() { psql "$PG_URL" -qc "CREATE SCHEMA $SCHEMA" >/dev/null; }
