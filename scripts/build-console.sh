#!/usr/bin/env bash
# Builds the street office's console into www/console/ (not committed), served by `anbei serve` at
# /console/: index.html and console.css (from console/www/), the entry module anbei-console.js (the
# wasm-bindgen glue, which starts the app) and anbei-console_bg.wasm — by the one bundle recipe,
# scripts/build-bundle.sh. Budget 300,000 B gzip.
#
# build-bundle.sh's `--cfg anbei_page_bundle` leaves the widget's own entry points out of this bundle
# (they would export the whole widget app) and lets the console use the widget's result view
# (widget/src/ui/mod.rs).
# Honours CARGO_TARGET_DIR (default target/). Missing tools: run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE_BUDGET=300000 exec scripts/build-bundle.sh console www/console
