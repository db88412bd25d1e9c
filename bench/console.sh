#!/usr/bin/env bash
# Console benchmarks (issue 13), loopback only, bounded: a street with N filings awaiting acceptance
# (seeded through the API by the load generator at a fixed rate), then, with a signed-in officer:
#   sign-in (argon2id) server time, the queue's first page, a filing's page (GET registration) — each
#   the client-side total on loopback, which is the server's time plus well under a millisecond.
# Needs: cargo build --release -p anbei-api --bin anbei --example loadgen
# Usage: bench/console.sh [FILINGS] [SAMPLES]   (default 10000 filings, 50 samples each)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
SAMPLES="${2:-50}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init console 18090
trap bench_cleanup EXIT
GEN="${ANBEI_BENCH_GEN:-target/release/examples/loadgen}"

stats() { # reads seconds, one per line → "median X ms, p95 Y ms (n)"
  sort -g | awk '{a[NR]=$1*1000} END {printf "median %.1f ms, p95 %.1f ms, max %.1f ms (n=%d)\n", a[int((NR+1)/2)], a[int(NR*0.95+0.5)], a[NR], NR}'
}

echo "machine: $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_server sqlite ANBEI_FAST_ACCEPT_DISABLED_STREETS=bantian
secs=$(( (N + 999) / 1000 ))
"$GEN" receipts --url "$URL" --rate $(( N / secs )) --seconds "$secs" >/dev/null
printf 'officer password 2026\n' | "$BIN" account add --login bench.officer --name 压测 --role officer \
  --street bantian --password-stdin --data-dir "$WORK/sqlite" 2>/dev/null
jar="$WORK/jar"
signin() {
  curl -s -o "$WORK/signin.json" -c "$jar" -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"login\":\"bench.officer\",\"password\":\"$1\"}" "$URL/api/v1/session"
}
signin 'officer password 2026' >/dev/null
csrf=$(sed -E 's/.*"csrf_token":"([^"]+)".*/\1/' "$WORK/signin.json")
curl -s -o /dev/null -b "$jar" -c "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"current_password":"officer password 2026","new_password":"bench street office 2026"}' "$URL/api/v1/session/password"
filed=$(curl -s -b "$jar" "$URL/api/v1/queue?limit=1" | sed -E 's/.*"filed":([0-9]+).*/\1/')
echo "street bantian: $filed filings awaiting acceptance"
echo -n "sign-in (argon2id m=19 MiB t=2 p=1), $SAMPLES: "
for _ in $(seq 1 "$SAMPLES"); do signin 'bench street office 2026'; done | stats
echo -n "queue, first page of 50: "
for _ in $(seq 1 "$SAMPLES"); do
  curl -s -o "$WORK/queue.json" -b "$jar" -w '%{time_total}\n' "$URL/api/v1/queue"
done | stats
no=$(sed -E 's/.*"items":\[\{"filing_no":"([^"]+)".*/\1/' "$WORK/queue.json")
echo -n "a filing's page (GET /api/v1/registrations/$no): "
for _ in $(seq 1 "$SAMPLES"); do
  curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$URL/api/v1/registrations/$no"
done | stats
echo -n "queue searched by applicant name: "
for _ in $(seq 1 "$SAMPLES"); do
  curl -s -o /dev/null -b "$jar" -w '%{time_total}\n' "$URL/api/v1/queue?q=%E5%BC%A0%E4%B8%89"
done | stats
echo "audit trail: $("$BIN" audit verify --data-dir "$WORK/sqlite")"
