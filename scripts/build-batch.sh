#!/usr/bin/env bash
# Builds the property managers' batch pre-screen into www/batch/ (not committed), served by `anbei serve`
# at /batch/: index.html and batch.css (from batch/www/), the entry module anbei-batch.js (the
# wasm-bindgen glue, then batch/www/page.js) and anbei-batch_bg.wasm — by the one bundle recipe,
# scripts/build-bundle.sh. Budget: the core's bundle + 150 KB gzip (BENCHMARKS.md); checked at 400,000 B.
# Honours CARGO_TARGET_DIR (default target/). Missing tools: run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE_BUDGET=400000 exec scripts/build-bundle.sh batch www/batch
