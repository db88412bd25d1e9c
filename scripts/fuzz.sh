#!/usr/bin/env bash
# Fuzz every target in fuzz/ (cargo-fuzz, libFuzzer) for a bounded time; fails on any crash, panic,
# timeout (hang > 10 s on one input) or out-of-memory.
#   scripts/fuzz.sh short        10 s per target (CI, called by scripts/test.sh: a smoke run of every target)
#   scripts/fuzz.sh long         10 min per target
#   scripts/fuzz.sh <seconds>    any bound
# Seeds: fuzz/corpus/<target>/ (committed, small); inputs found during a run go to fuzz/scratch/ (ignored).
# Only a stable toolchain exists here: cargo-fuzz passes nightly-only -Z flags, so RUSTC_BOOTSTRAP=1 lets
# stable rustc accept them. No sanitizer (--sanitizer none): the code under test is safe Rust, and an
# ASan build of the whole dependency tree would cost more build time than the short run itself.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-short}" in
  short) SECS=10 ;;
  long) SECS=600 ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh short|long|SECONDS" >&2; exit 2 ;;
  *) SECS="$1" ;;
esac
export RUSTC_BOOTSTRAP=1
CARGO_FUZZ_VERSION=0.13.2
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
FUZZ=(cargo fuzz)
OPTS=(--fuzz-dir fuzz --sanitizer none --target-dir target/fuzz)
status=0
for t in $("${FUZZ[@]}" list --fuzz-dir fuzz); do
  mkdir -p "fuzz/scratch/$t" "fuzz/artifacts/$t"
  echo "== fuzz $t (${SECS}s)"
  if ! "${FUZZ[@]}" run "${OPTS[@]}" "$t" "fuzz/scratch/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 2>"fuzz/scratch/$t.log"; then
    status=1
    tail -n 40 "fuzz/scratch/$t.log"
    echo "!! $t failed; reproducer(s): $(ls fuzz/artifacts/"$t")" >&2
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "fuzz/scratch/$t.log" | tail -n 3
  fi
done
exit $status
