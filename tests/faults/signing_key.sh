#!/usr/bin/env bash
# Signing key missing or unreadable at start (issue 5, "Faults"): `anbei serve` must refuse to start
# with a clear message naming the key file. Pass = every case exits non-zero within 10 s with the
# expected words on stderr, and a healthy data directory starts.
#   1. key file is unreadable (a directory in its place: root reads any file, so chmod 000 proves nothing)
#   2. key file corrupt
#   3. since the keyring (SECURITY.md): the signing keys live in the database, sealed under the
#      key-encryption key `keyring.kek`; that file missing while the database holds the sealed keys must stop
#      the start (a new key would silently invalidate every receipt issued so far), and the old key file
#      is no longer needed once imported
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=target/release/anbei
[ -x "$BIN" ] || { echo "build first: cargo build --release -p anbei-api --bin anbei" >&2; exit 2; }
WORK=$(mktemp -d /tmp/anbei-key.XXXXXX)
PORT=18194
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$WORK"' EXIT
fail=0
expect_refusal() { # $1 = case, $2 = grep pattern
  local out rc
  out=$(timeout 10 env RUST_LOG=warn "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$WORK/data" --www-dir "$WORK" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qE "$2" <<<"$out"; then
    echo "PASS $1: exit $rc: $(grep -E "$2" <<<"$out" | head -n1)"
  else
    echo "FAIL $1: exit $rc: $out"; fail=1
  fi
}
mkdir -p "$WORK/data/receipt-signing.key"
expect_refusal "unreadable key" "signing key .*receipt-signing.key exists but cannot be read"
rmdir "$WORK/data/receipt-signing.key"
echo "anbei-ed25519-seed-v1:not-hex" > "$WORK/data/receipt-signing.key"
expect_refusal "corrupt key" "signing key .*receipt-signing.key is corrupt"
rm "$WORK/data/receipt-signing.key"
# A healthy start creates the key; file one registration through the API.
env RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$WORK/data" --www-dir "$WORK" 2>"$WORK/log" &
SRV=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
python3 - "$PORT" <<'PY' || fail=1
import sys, os
sys.path.insert(0, "tests/faults")
import crash
port = int(sys.argv[1])
st, v, _ = crash.request(port, "POST", "/api/v1/registrations", crash.filing_body(port), {"Idempotency-Key": "key-1"})
assert st == 201, (st, v)
PY
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=""
mv "$WORK/data/keyring.kek" "$WORK/kek.bak"
expect_refusal "missing key-encryption key with a keyring" "keyring in the database is sealed under a key-encryption key, but .*keyring.kek does not exist"
[ ! -e "$WORK/data/keyring.kek" ] || { echo "FAIL: a new key-encryption key was left behind"; fail=1; }
mv "$WORK/kek.bak" "$WORK/data/keyring.kek"
[ $fail -eq 0 ] && echo PASS || echo FAIL
exit $fail
