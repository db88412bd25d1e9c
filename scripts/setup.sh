#!/usr/bin/env bash
# Installs every tool Anbei's build and tests need, idempotently, from the registries this project may use
# (crates.io, npm, Debian). Safe to run again: each step checks before it installs.
#   scripts/setup.sh            everything (wasm target, wasm-bindgen-cli, npm tools, Chromium for browser tests)
#   scripts/setup.sh --no-browser   skip Chromium (enough to run the product)
set -euo pipefail
cd "$(dirname "$0")/.."
want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# 1. the wasm target (rustup only adds what is missing)
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 1b. std's source: the widget rebuilds std for size (scripts/build-widget.sh, -Z build-std)
if ! rustup component list --installed | grep -q '^rust-src'; then
  log "adding rustup component rust-src"
  rustup component add rust-src
fi

# 1c. rustfmt and clippy: scripts/test.sh checks formatting and lints
for c in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$c"; then
    log "adding rustup component $c"
    rustup component add "$c"
  fi
done

# 2. wasm-bindgen-cli at exactly the version Cargo.lock pins for the wasm-bindgen crate
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ -z "$wb_version" ]; then echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  log "installing wasm-bindgen-cli $wb_version (cargo install, a few minutes)"
  cargo install wasm-bindgen-cli --version "=$wb_version" --quiet
fi

# 3. npm tools (wasm-opt from binaryen, playwright-core, axe-core), pinned by tools/package-lock.json
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ tools/package-lock.json -nt tools/node_modules/.stamp ]; then
  log "installing npm tools into tools/node_modules"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
fi

# 3a. binaryen from Debian for its wasm-split (the npm package has wasm-opt but not wasm-split): the widget's
#     bundle is split in two modules (scripts/build-widget.sh)
if ! command -v wasm-split >/dev/null; then
  log "apt-get install binaryen (wasm-split)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends binaryen >/dev/null
fi

# 3b. aiosmtpd (PyPI) in a venv under tools/: the real SMTP server the notification tests send to
AIOSMTPD_VERSION=1.4.6
if ! tools/venv/bin/python -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  log "installing aiosmtpd $AIOSMTPD_VERSION into tools/venv"
  python3 -m venv tools/venv
  tools/venv/bin/pip install -q "aiosmtpd==$AIOSMTPD_VERSION"
fi

# 4. Chromium, chromedriver, CJK fonts and faketime from Debian for the browser tests and screenshots
if [ "$want_browser" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  # libfaketime: the scan test moves a real server's clock past valid_until from outside (no test hook)
  command -v faketime >/dev/null || missing+=(faketime)
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# 5. HAProxy from Debian: the load balancer of the two-instance fault test (tests/faults/instances.py),
#    run by the test as the calling user on loopback ports with its own generated config — the system
#    service is not used (and is stopped again if the package's install started it).
if ! command -v haproxy >/dev/null; then
  log "apt-get install haproxy"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends haproxy >/dev/null
  command -v systemctl >/dev/null && systemctl disable --now haproxy >/dev/null 2>&1 || true
fi
log "tools ready"
