#!/usr/bin/env bash
# Schemathesis (PyPI) against a local `anbei serve` (SQLite, 127.0.0.1 only): every operation of
# /api/openapi.json with a bounded number of generated examples. Pass criterion: no 5xx
# (not_a_server_error) and every response matches the document (status codes, content types, headers
# and bodies: response_schema_conformance, status_code_conformance, content_type_conformance).
#   tests/faults/schemathesis.sh [MAX_EXAMPLES]   (default 50 per operation)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-50}"
BIN=target/release/anbei
[ -x "$BIN" ] || { echo "build first: cargo build --release -p anbei-api --bin anbei" >&2; exit 2; }
# Pinned: the version this script and its checks were written against.
SCHEMATHESIS_VERSION=4.32.5
schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" || pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
PORT=18195
WORK=$(mktemp -d /tmp/anbei-st.XXXXXX)
env RUST_LOG=warn ANBEI_RATE_LIMIT=0 ANBEI_MAX_CONNECTIONS_PER_CLIENT=0 ANBEI_UPLOADS_PER_HOUR=0 ANBEI_UPLOAD_MB_PER_HOUR=0 "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$WORK/data" --www-dir "$WORK" 2>"$WORK/server.log" &
SRV=$!
trap 'kill $SRV 2>/dev/null; wait $SRV 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
TOKEN=$("$BIN" officer add --street bantian --name 测试 --data-dir "$WORK/data" 2>/dev/null)
rc=0
timeout 900 schemathesis run "http://127.0.0.1:$PORT/api/openapi.json" \
  --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$N" --header "Authorization: Bearer $TOKEN" --no-color "${@:2}" || rc=$?
exit $rc
