#!/usr/bin/env bash
# Regenerates the batch page's parity corpus (tests/fixtures/batch/): corpus.facts.jsonl from
# corpus.csv as the page reads it, then corpus.expected.jsonl by `anbei assess` on those rows — the
# expectation batch/tests/parity.rs holds the page's verdicts to. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build -p anbei-api --bin anbei
ANBEI_BLESS=1 cargo test -p anbei-batch --test parity the_facts_file -- --quiet
"$target/debug/anbei" assess --today 2026-05-06 <tests/fixtures/batch/corpus.facts.jsonl \
  >tests/fixtures/batch/corpus.expected.jsonl || true   # exit 1: the corpus has refused rows on purpose
ANBEI_BIN="$target/debug/anbei" cargo test -p anbei-batch --test parity -- --quiet
