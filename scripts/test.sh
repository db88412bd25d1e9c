#!/usr/bin/env bash
# The one command that runs every Anbei test (CI runs exactly this through .ci/run):
#   1. installs what is missing (scripts/setup.sh: wasm target, wasm-bindgen-cli, npm tools, Chromium)
#   2. makes sure the local PostgreSQL (127.0.0.1:5432, db `test`) is up — the API suite runs against it for real
#   3. cargo test --workspace: core (scenarios, deadlines, interview exploration, properties), API (lifecycle on
#      SQLite and PostgreSQL), widget (reducer, checks, share links)
#   4. the core's WASM module: build, then native/WASM parity in Node
#   5. the widget, console and batch bundles: build, then the browser tests in headless Chromium against a
#      real `anbei serve` (the applicant's interview and filing, the street office's console, the property
#      managers' batch pre-screen)
#   6. short fault runs (tests/faults/run.sh short) and a short fuzz run of every fuzz target (scripts/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# each step prints how long the previous one took, so a slow CI run says where its time went
STEP_NAME=""; STEP_START=$SECONDS; RUN_START=$SECONDS
step() {
  [ -n "$STEP_NAME" ] && printf '\033[2m   (%s: %d s; %d s in all)\033[0m\n' "$STEP_NAME" $((SECONDS - STEP_START)) $((SECONDS - RUN_START))
  STEP_NAME="$*"; STEP_START=$SECONDS
  printf '\n\033[1m== %s ==\033[0m\n' "$*"
}

step "setup"
scripts/setup.sh

step "PostgreSQL"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

step "release binary (used by the parity and browser tests)"
cargo build --release --locked -p anbei-api --bin anbei

step "cargo test --workspace"
# ANBEI_BIN: the batch page's parity test runs `anbei assess` on its corpus too
# absolute: each test binary runs in its own crate's directory (batch/tests/parity.rs runs the CLI)
ANBEI_BIN="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/anbei" cargo test --locked --workspace

step "rustfmt (the workspace is formatted; Yew's html! bodies are left as written)"
cargo fmt --all --check

step "clippy (warnings are errors; unwrap/expect denied outside tests)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "core WASM: build and native/WASM parity"
scripts/build-core-wasm.sh
node --test tests/wasm/

step "widget, console and batch: build, then the browser tests (headless Chromium, real anbei serve)"
scripts/build-widget.sh
scripts/build-console.sh
scripts/build-batch.sh
node --test --test-concurrency=1 tests/browser/

step "faults (short runs): kill -9 under load, database loss, disk full, slowloris, signing key, schemathesis"
tests/faults/run.sh short

if [ -x scripts/fuzz.sh ]; then
  step "fuzz (short run)"
  scripts/fuzz.sh short
fi
step "all tests passed"
