#!/usr/bin/env bash
# One build recipe for the pages that are their own wasm bundle (the street office's console, the
# property managers' batch pre-screen):
#
#   scripts/build-bundle.sh <crate dir> <out dir>      e.g. scripts/build-bundle.sh console www/console
#
# builds package anbei-<crate dir> into <out dir> (not committed): the pages and style sheets of
# <crate dir>/www/, the entry module anbei-<crate dir>.js (the wasm-bindgen glue, then either
# <crate dir>/www/page.js — the page's script — or a call that starts the app's #[wasm_bindgen(start)])
# and anbei-<crate dir>_bg.wasm. Same tools and size tricks as scripts/build-widget.sh: cargo
# (wasm32-unknown-unknown, profile wasm-release, std rebuilt for size) → wasm-bindgen (--target web) →
# wasm-opt -Oz. Prints raw / gzip / brotli sizes against BUNDLE_BUDGET (gzip bytes, default 300000).
# Every bundle built here gets the same RUSTFLAGS, so the second build reuses the first one's std and
# common dependencies (a different flag would rebuild them all): among them `--cfg anbei_page_bundle`,
# which only the widget crate reads (the console links it as a library: widget/src/ui/mod.rs).
#
# Idempotent and quick to re-run: cargo builds nothing when nothing changed, and wasm-opt (the slow step)
# is skipped when its input is the same as last time (cached by hash under the target directory).
# Honours CARGO_TARGET_DIR (default target/). Missing tools: run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
crate=${1:?usage: build-bundle.sh <crate dir> <out dir>}
out=${2:?usage: build-bundle.sh <crate dir> <out dir>}
name=anbei-$crate
lib=anbei_$crate
budget=${BUNDLE_BUDGET:-300000}
target=${CARGO_TARGET_DIR:-target}
wasm_opt=tools/node_modules/.bin/wasm-opt
die() { echo "build-$crate: $*" >&2; exit 1; }
[ -d "$crate/www" ] || die "$crate/www/ not found"

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
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none --cfg anbei_page_bundle" \
  cargo build -p "$name" --target wasm32-unknown-unknown --profile wasm-release --locked \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name "$name" \
  "$target/wasm32-unknown-unknown/wasm-release/$lib.wasm"

# wasm-opt takes most of a re-run's time: keep its output by the hash of its input.
cache="$target/$crate-wasm-opt"
mkdir -p "$cache"
key=$(sha256sum "$tmp/${name}_bg.wasm" | cut -c1-32)
if [ ! -f "$cache/$key.wasm" ]; then
  # -Oz until it stops shrinking; -tnh: traps never happen (only panics trap, and a panic aborts anyway)
  "$wasm_opt" -Oz --converge -tnh --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$tmp/${name}_bg.wasm" -o "$cache/$key.tmp"
  mv "$cache/$key.tmp" "$cache/$key.wasm"
  # keep the last few only
  ls -1t "$cache"/*.wasm | tail -n +4 | xargs -r rm -f
fi

mkdir -p "$out"
install -m 644 "$cache/$key.wasm" "$out/${name}_bg.wasm"
# the entry module: the glue, then the page's script, or the start (the app's #[wasm_bindgen(start)])
{
  cat "$tmp/$name.js"
  if [ -f "$crate/www/page.js" ]; then
    cat "$crate/www/page.js"
  else
    printf "\n__wbg_init({ module_or_path: new URL('${name}_bg.wasm', import.meta.url) });\n"
  fi
} >"$out/$name.js"
grep -q "__wbg_init as default" "$out/$name.js" || die "the glue no longer exports __wbg_init"
css=()
for f in "$crate"/www/*.css; do css+=("$(basename "$f")"); done
install -m 644 "$crate/www/index.html" "${css[@]/#/$crate/www/}" "$out/"

# Content names, precompressed copies and manifest.json (scripts/assets.mjs; served by statics.rs):
# index.html (revalidated on every visit) loads $name.<hash>.js, <style>.<hash>.css and
# ${name}_bg.<hash>.wasm, each cached for a year. $name.js stays under its own name too.
node scripts/assets.mjs "$out" --name "${name}_bg.wasm" "${css[@]}" \
  --rewrite "$name.js" index.html --pin "$name.js"
grep -q "$name\.[0-9a-f]\{16\}\.js" "$out/index.html" || die "index.html does not load a content-named entry"
files=(index.html $(grep -o "$name\.[0-9a-f]\{16\}\.js\|[a-z0-9-]*\.[0-9a-f]\{16\}\.css" "$out/index.html" | sort -u)
       $(grep -o "${name}_bg\.[0-9a-f]\{16\}\.wasm" "$out/$name.js" | head -n1))

size() { wc -c <"$1" | tr -d ' '; }
total_raw=0; total_gz=0; total_br=0
printf '%-42s %9s %9s %9s\n' file raw gzip brotli
for f in "${files[@]}"; do
  raw=$(size "$out/$f"); gz=$(size "$out/$f.gz"); br=$(size "$out/$f.br")
  printf '%-42s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
  total_raw=$((total_raw+raw)); total_gz=$((total_gz+gz)); total_br=$((total_br+br))
done
printf '%-42s %9d %9d %9d  (bytes; budget: gzip ≤ %d)\n' total "$total_raw" "$total_gz" "$total_br" "$budget"
if [ "$total_gz" -gt "$budget" ]; then echo "build-$crate: WARNING: bundle is over the $((budget / 1000)) KB gzip budget" >&2; fi
