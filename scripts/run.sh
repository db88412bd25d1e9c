#!/usr/bin/env bash
# The one command that runs Anbei: installs what is missing, builds the widget and the server, and serves
# the demo portal with the embedded widget and the street office's console on SQLite (./data). Ctrl-C stops it.
#   ANBEI_LISTEN=127.0.0.1:8080 (default)   ANBEI_DATA_DIR=./data (default)
#   ANBEI_PUBLIC_URL=https://… — the address printed in receipt QR codes; required when ANBEI_LISTEN is not
#   loopback (anbei serve refuses to start without it: phones could not open the codes)
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${ANBEI_LISTEN:-127.0.0.1:8080}
data=${ANBEI_DATA_DIR:-./data}
scripts/setup.sh --no-browser
scripts/build-widget.sh
scripts/build-console.sh
scripts/build-batch.sh
cargo build --release --locked -p anbei-api --bin anbei
mkdir -p "$data"
cat <<MSG

  Anbei is starting on SQLite ($data/).
  Open:      http://$listen/
  API:       http://$listen/api/openapi.json
  Console:   http://$listen/console/   (the street office: queue, filings, ledger, accounts, audit)
  Batch:     http://$listen/batch/     (property managers: a sheet of odd jobs pre-screened in the browser)
  Scan page: http://$listen/v/<receipt number>   (what a receipt's QR code opens on a phone)
  First admin (prints an initial password once; TOTP is set up at first sign-in):
             target/release/anbei account add --login admin --name 管理员 --role admin --street '*' --data-dir $data
  An officer: target/release/anbei account add --login li.wei --name 李伟 --role officer --street bantian --data-dir $data

MSG
exec target/release/anbei serve --listen "$listen" --data-dir "$data" --www-dir www
