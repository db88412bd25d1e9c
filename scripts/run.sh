#!/usr/bin/env bash
# The one command that runs Anbei: installs what is missing, builds the widget and the server, and serves
# the demo portal with the embedded widget on SQLite (./data). Ctrl-C stops it.
#   ANBEI_LISTEN=127.0.0.1:8080 (default)   ANBEI_DATA_DIR=./data (default)
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${ANBEI_LISTEN:-127.0.0.1:8080}
data=${ANBEI_DATA_DIR:-./data}
scripts/setup.sh --no-browser
scripts/build-widget.sh
cargo build --release --locked -p anbei-api --bin anbei
mkdir -p "$data"
cat <<MSG

  Anbei is starting on SQLite ($data/).
  Open:      http://$listen/
  API:       http://$listen/api/openapi.json
  Officers:  target/release/anbei officer add --street bantian --name 王五 --data-dir $data   (prints a token)

MSG
exec target/release/anbei serve --listen "$listen" --data-dir "$data" --www-dir www
