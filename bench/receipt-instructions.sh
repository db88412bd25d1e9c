#!/usr/bin/env bash
# Instructions per receipt in the server (SQLite), counted by callgrind — independent of what else the
# machine is doing, so two builds compare on a busy machine. Runs the server under valgrind twice: once
# filing N receipts at a slow fixed rate, once filing none; (difference) / N is the server's
# instructions per receipt (request parsing, decision, storage, audit, answer; not the kernel's fsync).
# Usage: [ANBEI_BENCH_BIN=…] bench/receipt-instructions.sh [N]   (default 1000; ~2 minutes)
# Needs: cargo build --release -p anbei-api --bin anbei --example loadgen; valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init instr 18095
trap bench_cleanup EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"

run() { # $1 = receipts to file → total instructions of the server process
  local out="$WORK/cg.$1"
  RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/d$1" --www-dir "$WORK/www" 2>/dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 600); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  if [ "$1" -gt 0 ]; then "$GEN" receipts --url "$URL" --rate 50 --seconds $(( $1 / 50 )) >/dev/null; fi
  kill -INT "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  awk '/^(summary|totals):/ {print $2; exit}' "$out"*
}
base=$(run 0)
with=$(run "$N")
echo "server instructions: idle start/stop $base, with $N receipts $with → $(( (with - base) / N )) per receipt"
