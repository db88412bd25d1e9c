#!/usr/bin/env python3
"""Database unavailable (issue 5, "Faults"): PostgreSQL stops under a running `anbei serve`.

Pass criterion (exit 0):
  - while the database is down: /readyz answers 503 within 3 s; a filing gets 503 with Retry-After and
    code UNAVAILABLE (within the pool's 10 s acquire timeout); receipt verification gets 503;
    assessments (no database) still 200;
  - nothing half-written: after recovery the database holds exactly the filings acknowledged;
  - recovery without restart: the same anbei process is ready again within 30 s of the database
    coming back, and the retried filing (same Idempotency-Key) is then accepted.
Uses a private PostgreSQL cluster on 127.0.0.1:25432 (see crash.py), never the shared one.
"""
import os, subprocess, sys, tempfile, time, shutil
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402


def main():
    work = tempfile.mkdtemp(prefix="anbei-dbu-")
    os.makedirs(os.path.join(work, "www"))
    bindir, pgdata, url, run = crash.pg_private(work)
    crash.pg_start(bindir, pgdata, run)
    port = 18191
    srv = crash.Server(port, os.path.join(work, "data"), {"DATABASE_URL": url})
    failures, facts = [], {}
    stop = lambda: run(bindir + "/pg_ctl", "-D", pgdata, "-m", "immediate", "stop")
    try:
        srv.start()
        pid = srv.proc.pid
        body = crash.filing_body(port)
        st, v, _ = crash.request(port, "POST", "/api/v1/registrations", body, {"Idempotency-Key": "dbu-1"})
        assert st == 201, (st, v)
        stop()
        t = time.time()
        st, _, _ = crash.request(port, "GET", "/readyz")
        facts["readyz_down"] = (st, round(time.time() - t, 2))
        if st != 503 or time.time() - t > 3:
            failures.append("readyz while down: %s after %.1fs" % (st, time.time() - t))
        t = time.time()
        st, p, h = crash.request(port, "POST", "/api/v1/registrations", body, {"Idempotency-Key": "dbu-2"}, timeout=30)
        facts["filing_down"] = (st, round(time.time() - t, 2), h.get("retry-after"), (p or {}).get("code"))
        if st != 503 or "retry-after" not in h or (p or {}).get("code") != "UNAVAILABLE":
            failures.append("filing while down: %s %s %s" % (st, h.get("retry-after"), p))
        st, _, _ = crash.request(port, "GET", "/api/v1/receipts/%s/verify" % v["receipt"]["receipt_no"], timeout=30)
        facts["verify_down"] = st
        if st != 503:
            failures.append("verify while down: %s" % st)
        st, _, _ = crash.request(port, "POST", "/api/v1/assessments", crash.FACTS)
        if st != 200:
            failures.append("assessment while down: %s" % st)
        crash.pg_start(bindir, pgdata, run)
        t = time.time()
        while time.time() - t < 30:
            st, _, _ = crash.request(port, "GET", "/readyz")
            if st == 200:
                break
            time.sleep(0.25)
        facts["ready_again_after_s"] = round(time.time() - t, 2)
        if st != 200:
            failures.append("not ready 30 s after the database returned")
        if srv.proc.pid != pid or srv.proc.poll() is not None:
            failures.append("anbei was restarted or died")
        st, v2, _ = crash.request(port, "POST", "/api/v1/registrations", body, {"Idempotency-Key": "dbu-2"})
        facts["filing_after"] = st
        if st != 201:
            failures.append("filing after recovery: %s %s" % (st, v2))
        rows = subprocess.run(["psql", url, "-Atc", "SELECT (SELECT count(*) FROM filings) || ' ' || (SELECT count(*) FROM receipts) || ' ' || (SELECT count(*) FROM events)"],
                              capture_output=True, text=True).stdout.strip()
        facts["rows_filings_receipts_events"] = rows
        if rows != "2 2 4":
            failures.append("rows after recovery: %s (want 2 filings, 2 receipts, 4 events)" % rows)
    finally:
        srv.stop()
        try:
            stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)
    return crash.verdict(facts, failures)


if __name__ == "__main__":
    sys.exit(main())
