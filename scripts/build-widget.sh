#!/usr/bin/env bash
# Builds the widget's release bundle into www/dist/ (not committed) with locally installed tools only:
#   cargo (wasm32-unknown-unknown, profile wasm-release, std rebuilt for size) → wasm-bindgen (--target web)
#   → wasm-split in two modules → wasm-opt -Oz each, then the entry module anbei-widget.js (custom element +
# AnbeiWidget.mount) next to its glue and wasm; then content names and brotli/gzip copies
# (scripts/assets.mjs). Prints raw / gzip / brotli sizes. Idempotent. Missing tools: run scripts/setup.sh.
#
# Two modules (BENCHMARKS.md "Session 14: first visit"): anbei-widget_bg.wasm holds what the interview and
# the result run, anbei-widget_more.wasm the code only the filing form, its receipt, the track view and
# the findings reach (scripts/split-list.mjs decides, from the call graph; widget/src/ui/more.rs loads
# it in idle time after the first question, or when one of those views opens first).
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
# binaryen's wasm-split: Debian's package (the npm binaryen does not ship it)
wasm_split=${WASM_SPLIT:-$(command -v wasm-split || true)}
[ -n "$wasm_split" ] || die "wasm-split not found (Debian package binaryen); run scripts/setup.sh"
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
# For the split (names only, no code changes): v0 symbol names carry a generic function's type arguments
# (`CompStateInner<…::filing_view::FilingView>`), which is how split-list.mjs tells the later views'
# instances of Yew's generic code from the interview's; and LLVM does not merge identical functions
# (a merged function keeps one of the names: an interview's function could pass for a later view's;
# wasm-opt merges within each module after the split instead).
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Csymbol-mangling-version=v0 -Zmerge-functions=disabled" \
  cargo build -p anbei-widget --target wasm32-unknown-unknown --profile wasm-release --locked \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name anbei-widget \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/anbei_widget.wasm"
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types
  --enable-multivalue --enable-mutable-globals"
# The split, on wasm-bindgen's output (names from the v0 symbols, nothing merged yet): the later views are
# the functions of these modules; what moves is what only their table entries reach. wasm-split 108 (Debian
# bookworm's binaryen; the npm package has none) reads the module split-list.mjs writes (one instruction
# it does not know rewritten, functions named by index).
# (v0 names carry the crate's hash: `anbei_widget[…]::ui::filing_view::…`)
node scripts/split-list.mjs "$tmp/anbei-widget_bg.wasm" "$tmp/patched.wasm" \
  '::ui::filing_view::' '::ui::track_view::' '::ui::findings::' >"$tmp/split.txt"
# shellcheck disable=SC2086
"$wasm_split" $features --split-funcs "@$tmp/split.txt" --import-namespace primary --placeholder-namespace placeholder \
  --export-prefix % -o1 "$tmp/first.wasm" -o2 "$tmp/more.wasm" "$tmp/patched.wasm"
node scripts/split-list.mjs --tables "$tmp/patched.wasm" "$tmp/first.wasm"
# --converge: run -Oz until it stops shrinking; -tnh: traps never happen (they only come from panics, which
# abort the widget anyway), so code that only feeds a trap may go. Each module on its own (the second's
# imports and the first's exports for it are what joins them; neither pass may drop those).
mkdir -p "$out"
# shellcheck disable=SC2086
"$wasm_opt" -Oz --converge -tnh $features "$tmp/more.wasm" -o "$out/anbei-widget_more.wasm" &
# shellcheck disable=SC2086
"$wasm_opt" -Oz --converge -tnh $features "$tmp/first.wasm" -o "$out/anbei-widget_bg.wasm"
wait $! || die "wasm-opt failed on the second module"
# one entry module: the glue, then the custom element (its import of the glue dropped, scoped in a block)
grep -q '^function __wbg_get_imports()' "$tmp/anbei-widget.js" || die "the wasm-bindgen glue has no __wbg_get_imports"
{
  cat "$tmp/anbei-widget.js"
  printf '\n{\n'
  # The first module imports a stand-in for every function of the second that the table holds (wasm-split's
  # placeholders); the second module's instantiation puts the real ones in the table. The widget calls
  # none of them before then (ui/more.rs), so a call to a stand-in is a bug: it says so.
  cat <<'JS'
const wbgImports = __wbg_get_imports;
__wbg_get_imports = () => Object.assign(wbgImports(), { placeholder: new Proxy({}, { get: (_, n) => () => { throw new Error(`anbei-widget: function ${String(n)} of the second module called before it was loaded`); } }) });
JS
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
node scripts/assets.mjs "$out" --name anbei-widget_bg.wasm anbei-widget_more.wasm --rewrite anbei-widget.js \
  --pin anbei-widget.js
wasm=$(grep -o 'anbei-widget_bg\.[0-9a-f]\{16\}\.wasm' "$out/anbei-widget.js" | head -n1)
[ -n "$wasm" ] || die "the entry module does not load a content-named wasm"
more=$(grep -o 'anbei-widget_more\.[0-9a-f]\{16\}\.wasm' "$out/anbei-widget.js" | head -n1)
[ -n "$more" ] || die "the entry module does not load a content-named second module"

size() { wc -c <"$1" | tr -d ' '; }
total_raw=0; total_gz=0; total_br=0
printf '%-42s %9s %9s %9s\n' file raw gzip brotli
row() { printf '%-42s %9d %9d %9d%s\n' "$1" "$(size "$out/$1")" "$(size "$out/$1.gz")" "$(size "$out/$1.br")" "${2:-}"; }
for f in anbei-widget.js "$wasm"; do
  row "$f"
  total_raw=$((total_raw+$(size "$out/$f"))); total_gz=$((total_gz+$(size "$out/$f.gz"))); total_br=$((total_br+$(size "$out/$f.br")))
done
printf '%-42s %9d %9d %9d  (bytes; the first question; budget: gzip ≤ 250000)\n' total "$total_raw" "$total_gz" "$total_br"
row "$more" '  (the second module: fetched after the first question)'
if [ "$total_gz" -gt 250000 ]; then echo "build-widget: WARNING: bundle is over the 250 KB gzip budget (see BENCHMARKS.md)" >&2; fi
