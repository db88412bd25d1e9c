#!/usr/bin/env bash
# Builds the widget's release bundle into www/dist/ (not committed) with locally installed tools only:
#   cargo (wasm32-unknown-unknown, profile wasm-release, std rebuilt for size) → wasm-bindgen (--target web)
#   → wasm-opt -Oz, then the entry module anbei-widget.js (custom element + AnbeiWidget.mount) next to its
# glue and wasm; then content names and brotli/gzip copies (scripts/assets.mjs). Prints raw / gzip /
# brotli sizes. Idempotent. Missing tools: run scripts/setup.sh.
# Honours CARGO_TARGET_DIR (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=www/dist
wasm_opt=tools/node_modules/.bin/wasm-opt
die() { echo "build-widget: $*" >&2; exit 1; }

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || die "the wasm32-unknown-unknown target is missing; run scripts/setup.sh"
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}') || true
[ -n "$have" ] || die "wasm-bindgen CLI not found; run scripts/setup.sh"
[ "$have" = "$want" ] || die "wasm-bindgen CLI is $have but Cargo.lock pins $want; run scripts/setup.sh"
[ -x "$wasm_opt" ] || die "$wasm_opt not found; run scripts/setup.sh"
rustup component list --installed 2>/dev/null | grep -q '^rust-src' \
  || die "the rust-src component is missing (std is rebuilt for size); run scripts/setup.sh"

# The prebuilt std is compiled for speed with unwinding panics and full formatting. Rebuilding it with the
# widget (build-std, unstable: RUSTC_BOOTSTRAP=1 on the pinned stable compiler, as for cargo-fuzz) lets it
# be optimised for size and drops what the widget never uses:
#   -Cpanic=immediate-abort     a panic is a trap: no panic message formatting, no hook machinery
#   -Zfmt-debug=none            `{:?}` prints nothing (no Debug impls; the widget shows no Debug output)
#   -Zlocation-detail=none      no file/line/column strings for #[track_caller] and panics
#   build-std-features=optimize_for_size   std's smaller algorithms (sorting, integer formatting)
# -23 KB gzip together (BENCHMARKS.md). RUSTFLAGS only reach the wasm32 artifacts (--target is given).
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" \
  cargo build -p anbei-widget --target wasm32-unknown-unknown --profile wasm-release --locked \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name anbei-widget \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/anbei_widget.wasm"
# --converge: run -Oz until it stops shrinking; -tnh: traps never happen (they only come from panics, which
# abort the widget anyway), so code that only feeds a trap may go.
"$wasm_opt" -Oz --converge -tnh --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$tmp/anbei-widget_bg.wasm" -o "$tmp/opt.wasm"
mkdir -p "$out"
mv "$tmp/opt.wasm" "$out/anbei-widget_bg.wasm"
# one entry module: the glue, then the custom element (its import of the glue dropped, scoped in a block)
{
  cat "$tmp/anbei-widget.js"
  printf '\n{\n'
  grep -v "^import __wbg_init, { mount, unmount } from './anbei-widget-glue.js';$" widget/js/anbei-widget.js
  printf '}\n'
} >"$tmp/entry.js"
# Whole-line `//` comments are left out (the glue's cast-intrinsic notes, the entry's header: ~0.9 KB gzip);
# the sources keep them. Only when no template literal spans lines (every line has an even number of
# backticks), where such a line could be text rather than a comment.
if awk '{ n = gsub(/`/, "`"); if (n % 2) odd = 1 } END { exit odd }' "$tmp/entry.js"; then
  grep -v '^[[:space:]]*//' "$tmp/entry.js" >"$out/anbei-widget.js"
else
  cp "$tmp/entry.js" "$out/anbei-widget.js"
fi
grep -q "customElements.define('anbei-widget'" "$out/anbei-widget.js" || die "the entry module lost its custom element"
rm -f "$out/anbei-widget-glue.js"

# Content names, precompressed copies and manifest.json (scripts/assets.mjs; served by statics.rs): the
# wasm becomes anbei-widget_bg.<hash>.wasm (cached for a year), the entry keeps its stable URL (short
# cache + ETag) and gets a content-named copy for portals that pin it with Subresource Integrity.
node scripts/assets.mjs "$out" --name anbei-widget_bg.wasm --rewrite anbei-widget.js --pin anbei-widget.js
wasm=$(grep -o 'anbei-widget_bg\.[0-9a-f]\{16\}\.wasm' "$out/anbei-widget.js" | head -n1)
[ -n "$wasm" ] || die "the entry module does not load a content-named wasm"

size() { wc -c <"$1" | tr -d ' '; }
total_raw=0; total_gz=0; total_br=0
printf '%-42s %9s %9s %9s\n' file raw gzip brotli
for f in anbei-widget.js "$wasm"; do
  raw=$(size "$out/$f"); gz=$(size "$out/$f.gz"); br=$(size "$out/$f.br")
  printf '%-42s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
  total_raw=$((total_raw+raw)); total_gz=$((total_gz+gz)); total_br=$((total_br+br))
done
printf '%-42s %9d %9d %9d  (bytes; budget: gzip ≤ 250000)\n' total "$total_raw" "$total_gz" "$total_br"
if [ "$total_gz" -gt 250000 ]; then echo "build-widget: WARNING: bundle is over the 250 KB gzip budget (see BENCHMARKS.md)" >&2; fi
