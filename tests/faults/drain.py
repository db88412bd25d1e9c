#!/usr/bin/env python3
"""Drain test (issue 17): SIGTERM under filing load loses nothing acknowledged and exits 0 in bound.

Runs `anbei serve` (SQLite, or a scratch schema on the shared PostgreSQL) under concurrent filing load,
sends SIGTERM mid-load (several rounds), and checks each time that the process exited with status 0
within --shutdown-timeout (+1 s for the process to go), that no request was answered 5xx while it drained,
and — after a restart on the same data — crash.py's checker: every filing acknowledged with a 201 is
present with the same numbers and signature and its receipt verifies; no number issued twice.
Prints the drain times (SIGTERM to exit). Exit 0 = pass. Loopback only; bounded by --rounds × --seconds.
"""
import argparse, os, shutil, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opsutil import (OpsServer, StopLoad, backend_env, binary, check, check_args, drop_schema,  # noqa: E402
                     filing_body, log, pg_url_for, verdict)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4, help="load before each SIGTERM")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--shutdown-timeout", type=int, default=20)
    ap.add_argument("--port", type=int, default=18290)
    args = ap.parse_args()
    binary()
    work = tempfile.mkdtemp(prefix="anbei-drain-")
    os.makedirs(os.path.join(work, "www"))
    data = os.path.join(work, "data")
    env, schema = backend_env(args.backend, "drain")
    srv = OpsServer(args.port, data, env, ["--shutdown-timeout", str(args.shutdown_timeout)])
    failures, drains, acked = [], [], {}
    try:
        srv.start()
        body = filing_body(args.port)
        for r in range(args.rounds):
            if r:
                srv.start()
            load = StopLoad(args.port, body, args.clients, "%s-%d" % (uuid.uuid4().hex[:6], r))
            load.start()
            time.sleep(args.seconds)
            with load.lock:
                before = len(load.acked)
            rc, took = srv.terminate(args.shutdown_timeout + 1)
            load.finish()
            drains.append(round(took, 3))
            log("round %d: %d acknowledged before SIGTERM, %d in all; exit %s after %.3f s; %d refused after"
                % (r, before, len(load.acked), rc, took, load.conn_errors))
            if rc != 0:
                failures.append("round %d: exit status %s (bound %d s)" % (r, rc, args.shutdown_timeout))
            if load.server_errors:
                failures.append("round %d: %d requests answered 5xx while draining, e.g. %s"
                                % (r, len(load.server_errors), load.server_errors[:2]))
            if not load.acked:
                failures.append("round %d: nothing acknowledged" % r)
            acked.update(load.acked)
        srv.start()
        problems, lost, nf, nr = check(check_args(args.backend), args.port, data, pg_url_for(env), acked, body)
        failures += problems
        srv.stop()
        print({"backend": args.backend, "rounds": args.rounds, "acknowledged": len(acked), "rows_filings": nf,
               "lost": lost, "drain_seconds": drains, "max_drain_seconds": max(drains or [0])})
    finally:
        if srv.proc and srv.proc.poll() is None:
            srv.kill9()
        drop_schema(schema)
    rc = verdict("drain: %d SIGTERMs under load" % args.rounds, failures)
    if rc == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept:", work)
    return rc


if __name__ == "__main__":
    sys.exit(main())
