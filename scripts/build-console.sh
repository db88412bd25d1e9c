#!/usr/bin/env bash
# Builds the street office's console into www/console/ (not committed), served by `anbei serve` at
# /console/: index.html and console.css (from console/www/), the entry module anbei-console.js (the
# wasm-bindgen glue, which starts the app) and anbei-console_bg.wasm. Same tools and size tricks as
# scripts/build-widget.sh: cargo (wasm32-unknown-unknown, profile wasm-release, std rebuilt for size)
# → wasm-bindgen (--target web) → wasm-opt -Oz. Prints raw / gzip / brotli sizes; budget 300,000 B gzip.
#
# `--cfg anbei_console` leaves the widget's own entry points out of this bundle (they would export the
# whole widget app) and lets the console use the widget's result view (widget/src/ui/mod.rs).
#
# Idempotent and quick to re-run: cargo builds nothing when nothing changed, and wasm-opt (the slow step)
# is skipped when its input is the same as last time (cached by hash under the target directory).
# Honours CARGO_TARGET_DIR (default target/). Missing tools: run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
out=www/console
target=${CARGO_TARGET_DIR:-target}
wasm_opt=tools/node_modules/.bin/wasm-opt
die() { echo "build-console: $*" >&2; exit 1; }

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || die "the wasm32-unknown-unknown target is missing; run scripts/setup.sh"
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}') || true
[ -n "$have" ] || die "wasm-bindgen CLI not found; run scripts/setup.sh"
[ "$have" = "$want" ] || die "wasm-bindgen CLI is $have but Cargo.lock pins $want; run scripts/setup.sh"
[ -x "$wasm_opt" ] || die "$wasm_opt not found; run scripts/setup.sh"
rustup component list --installed 2>/dev/null | grep -q '^rust-src' \
  || die "the rust-src component is missing (std is rebuilt for size); run scripts/setup.sh"

# The flags of build-widget.sh (why: DESIGN.md "The widget's bundle is built for size"), plus the cfg.
RUSTC_BOOTSTRAP=1 \
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none --cfg anbei_console" \
  cargo build -p anbei-console --target wasm32-unknown-unknown --profile wasm-release --locked \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name anbei-console \
  "$target/wasm32-unknown-unknown/wasm-release/anbei_console.wasm"

# wasm-opt takes most of a re-run's time: keep its output by the hash of its input.
cache="$target/console-wasm-opt"
mkdir -p "$cache"
key=$(sha256sum "$tmp/anbei-console_bg.wasm" | cut -c1-32)
if [ ! -f "$cache/$key.wasm" ]; then
  # -Oz until it stops shrinking; -tnh: traps never happen (only panics trap, and a panic aborts anyway)
  "$wasm_opt" -Oz --converge -tnh --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$tmp/anbei-console_bg.wasm" -o "$cache/$key.tmp"
  mv "$cache/$key.tmp" "$cache/$key.wasm"
  # keep the last few only
  ls -1t "$cache"/*.wasm | tail -n +4 | xargs -r rm -f
fi

mkdir -p "$out"
install -m 644 "$cache/$key.wasm" "$out/anbei-console_bg.wasm"
# the entry module: the glue, then its start (which runs the app's #[wasm_bindgen(start)])
{
  cat "$tmp/anbei-console.js"
  printf "\n__wbg_init({ module_or_path: new URL('anbei-console_bg.wasm', import.meta.url) });\n"
} >"$out/anbei-console.js"
grep -q "__wbg_init as default" "$out/anbei-console.js" || die "the glue no longer exports __wbg_init"
install -m 644 console/www/index.html console/www/console.css "$out/"

# Content names, precompressed copies and manifest.json (scripts/assets.mjs; served by statics.rs):
# index.html (revalidated on every visit) loads anbei-console.<hash>.js, console.<hash>.css and
# anbei-console_bg.<hash>.wasm, each cached for a year. anbei-console.js stays under its own name too.
node scripts/assets.mjs "$out" --name anbei-console_bg.wasm console.css \
  --rewrite anbei-console.js index.html --pin anbei-console.js
grep -q 'anbei-console\.[0-9a-f]\{16\}\.js' "$out/index.html" || die "index.html does not load a content-named entry"
files=(index.html $(grep -o 'anbei-console\.[0-9a-f]\{16\}\.js\|console\.[0-9a-f]\{16\}\.css' "$out/index.html" | sort -u)
       $(grep -o 'anbei-console_bg\.[0-9a-f]\{16\}\.wasm' "$out/anbei-console.js" | head -n1))

size() { wc -c <"$1" | tr -d ' '; }
total_raw=0; total_gz=0; total_br=0
printf '%-42s %9s %9s %9s\n' file raw gzip brotli
for f in "${files[@]}"; do
  raw=$(size "$out/$f"); gz=$(size "$out/$f.gz"); br=$(size "$out/$f.br")
  printf '%-42s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
  total_raw=$((total_raw+raw)); total_gz=$((total_gz+gz)); total_br=$((total_br+br))
done
printf '%-42s %9d %9d %9d  (bytes; budget: gzip ≤ 300000)\n' total "$total_raw" "$total_gz" "$total_br"
if [ "$total_gz" -gt 300000 ]; then echo "build-console: WARNING: bundle is over the 300 KB gzip budget" >&2; fi
