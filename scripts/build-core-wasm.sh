#!/usr/bin/env bash
# Builds anbei-core's JavaScript module (feature `wasm`: assess, assessOn, ruleset) for browsers and Node:
#   target/core-wasm/web/anbei_core.js + anbei_core_bg.wasm   (ES module)
#   target/core-wasm/node/anbei_core.js + anbei_core_bg.wasm  (CommonJS, used by the parity tests)
# and prints the sizes. Needs scripts/setup.sh (wasm target, wasm-bindgen-cli, tools/node_modules).
# Honours CARGO_TARGET_DIR for cargo's own output (default target/); the modules always land in target/core-wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wasm-bindgen >/dev/null || { echo "wasm-bindgen not found: run scripts/setup.sh" >&2; exit 1; }
opt=tools/node_modules/.bin/wasm-opt
[ -x "$opt" ] || { echo "wasm-opt not found: run scripts/setup.sh" >&2; exit 1; }
cargo build -q -p anbei-core --features wasm --target wasm32-unknown-unknown --profile wasm-release
src="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/anbei_core.wasm"
for t in web node; do
  out=target/core-wasm/$([ $t = node ] && echo node || echo web)
  mkdir -p "$out"
  wasm-bindgen --target $([ $t = node ] && echo nodejs || echo web) --no-typescript --out-dir "$out" "$src"
  "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue --strip-debug --strip-producers "$out/anbei_core_bg.wasm" -o "$out/anbei_core_bg.wasm"
done
w=target/core-wasm/web/anbei_core_bg.wasm
printf 'anbei-core wasm (web): raw %d B, gzip -9 %d B, brotli %s B\n' "$(stat -c%s $w)" "$(gzip -9c $w | wc -c)" \
  "$(command -v brotli >/dev/null && brotli -c -q 11 $w | wc -c || echo n/a)"
