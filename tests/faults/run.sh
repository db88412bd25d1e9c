#!/usr/bin/env bash
# Every fault script under tests/faults/, in order; exit 1 if any fails. Loopback only, each bounded.
#   tests/faults/run.sh short   ≤ ~60 s per script, instances.py ≤ ~90 s (suitable for CI; ~8 min in all)
#   tests/faults/run.sh long    kill -9 loops of 10 min per backend, slowloris 2 min, schemathesis 200 examples,
#                               two instances behind HAProxy 2 min
# Needs root (tmpfs mount, runuser postgres for the private PostgreSQL cluster on 127.0.0.1:25432), haproxy
# (scripts/setup.sh installs it) and
#   cargo build --release -p anbei-api --bin anbei (logs/drain/backup.py also take ANBEI_BIN or $CARGO_TARGET_DIR)
set -uo pipefail
cd "$(dirname "$0")/../.."
MODE="${1:-short}"
if [ "$MODE" = long ]; then CRASH=600; NEG=60; SLOW=120; ST=200; DRAIN=10; BAK=30; INST=120; else CRASH=30; NEG=20; SLOW=45; ST=20; DRAIN=2; BAK=4; INST=12; fi
fail=0
t() { echo; echo "== $*"; local s=$SECONDS; "$@" || { echo "!! FAILED: $*"; fail=1; }; echo "   ($((SECONDS - s)) s)"; }
t python3 tests/faults/crash.py --backend sqlite --seconds "$CRASH" --kill-every 3
t python3 tests/faults/crash.py --backend sqlite --seconds "$NEG" --negative-control
t python3 tests/faults/crash.py --backend postgres --seconds "$CRASH" --kill-every 4 --kill-db-once
t python3 tests/faults/notify_crash.py --seconds "$CRASH" --kill-every 3
t python3 tests/faults/notify_crash.py --backend postgres --seconds "$CRASH" --kill-every 4
t python3 tests/faults/db_unavailable.py
t python3 tests/faults/disk_full.py
t python3 tests/faults/slowloris.py --seconds "$SLOW"
t tests/faults/signing_key.sh
t python3 tests/faults/logs.py
t python3 tests/faults/drain.py --backend sqlite --rounds "$DRAIN"
t python3 tests/faults/drain.py --backend postgres --rounds "$DRAIN"
t python3 tests/faults/backup.py --backend sqlite --seconds "$BAK"
t python3 tests/faults/backup.py --backend postgres --seconds "$BAK"
t python3 tests/faults/instances.py --seconds "$INST"
t python3 tests/faults/failover.py
t tests/faults/schemathesis.sh "$ST"
echo
[ $fail -eq 0 ] && echo "all fault tests passed" || echo "SOME FAULT TESTS FAILED"
exit $fail
