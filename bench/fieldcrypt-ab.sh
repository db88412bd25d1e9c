#!/usr/bin/env bash
# Issue 16, item 6: receipts/s of main (before field encryption, facbffd) and of this build side by side
# in one run — release builds of both, alternating old/new each round (bench/security-ab.sh) so that the
# shared machine's load falls on both alike; then the median of each. Target: new ≥ 90 % of old.
# Builds the old commit in a temporary git worktree with its own target directory (kept under
# $AB_TARGET, default /tmp/anbei-ab-target, so a second run builds nothing).
# Usage: bench/fieldcrypt-ab.sh [SECONDS] [ROUNDS]     (SKIP_PG=1: SQLite only; OLD_REV=… another base)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
ROUNDS="${2:-4}"
OLD_REV="${OLD_REV:-facbffd}"
AB_TARGET="${AB_TARGET:-/tmp/anbei-ab-target}"
OLD_TREE="$(mktemp -d /tmp/anbei-ab-old.XXXXXX)"
cleanup() { git worktree remove --force "$OLD_TREE" >/dev/null 2>&1 || rm -rf "$OLD_TREE"; }
trap cleanup EXIT
git worktree add --detach "$OLD_TREE" "$OLD_REV" >/dev/null
echo "building old ($OLD_REV) and new ($(git rev-parse --short HEAD)) release binaries…"
(cd "$OLD_TREE" && CARGO_TARGET_DIR="$AB_TARGET/old" nice -n 10 cargo build --release -q -p anbei-api --bin anbei)
NEW_TARGET="${CARGO_TARGET_DIR:-target}"
nice -n 10 cargo build --release -q -p anbei-api --bin anbei --example loadgen
OLD="$AB_TARGET/old/release/anbei"
NEW="$NEW_TARGET/release/anbei"
GEN="$NEW_TARGET/release/examples/loadgen"
LOG="$(mktemp /tmp/anbei-ab-log.XXXXXX)"
OLD="$OLD" NEW="$NEW" ANBEI_BENCH_GEN="$GEN" bench/security-ab.sh "$SECS" "$ROUNDS" | tee "$LOG"
echo "medians (receipts/s):"
for s in sqlite pg; do
  for b in old new; do
    v=$(awk -v s="$s" -v b="$b" '$1 == s && $2 == b { print $3 }' "$LOG" | sort -n |
      awk '{ a[NR] = $1 } END { if (NR == 0) exit; m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m }')
    [ -n "$v" ] && echo "  $s $b $v"
  done
done | tee -a "$LOG"
awk '$1 == "sqlite" || $1 == "pg" { if ($2 == "old") o[$1] = $3; else if ($2 == "new") n[$1] = $3 }
     END { for (s in o) if (s in n) printf "  %s new/old = %.1f %%\n", s, 100 * n[s] / o[s] }' \
  <(sed -n '/^medians/,$p' "$LOG" | sed 's/^  //')
rm -f "$LOG"
