#!/usr/bin/env python3
"""Database failover (issue 17): a primary and a synchronous streaming standby, the primary killed under
load and the standby promoted; no acknowledged filing is lost and the service recovers by itself.

Two private PostgreSQL clusters on loopback (user postgres, as crash.py's): the primary on 25440 started
with `synchronous_standby_names='*'` (a commit returns only once the standby has flushed it), the standby
on 25441 made by `pg_basebackup -R` and streaming from it. `anbei serve` connects with a multi-host URL,
`postgres://…@127.0.0.1:25440,127.0.0.1:25441/postgres?target_session_attrs=read-write`. Under crash.py's
filing load (a 201 is acknowledged; anything else retried with the same Idempotency-Key) and a probe that
files every 100 ms, the primary's postmaster and backends are `kill -9`ed (a power cut), and after
--promote-after seconds the standby is promoted (`pg_ctl promote`, what an operator or a cluster manager
does). The service is not restarted. Then:

  - crash.py's checker against the promoted database: every acknowledged filing there with its numbers and
    signature, its receipt verifying; no duplicate; counters above every number issued (0 lost);
  - between the kill and the first filing answered by the new primary, every answer was a 503 with
    Retry-After (no 500, no hang beyond the client's timeout) — or a 201 for a filing committed, and so
    replicated, in the instant before the backends died, which the checker then finds too;
  - prints the seconds of 503 (from the kill, and from the promotion).

Bounded (≤ ~60 s), stops by itself; exit 0 = pass. Needs root (runuser postgres), PostgreSQL's server
binaries, psql, and `cargo build --release -p anbei-api --bin anbei` (or ANBEI_BIN).
"""
import argparse, json, os, shutil, signal, subprocess, sys, tempfile, threading, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
from opsutil import OpsServer, binary, check, check_args, filing_body, log, request  # noqa: E402

PRIMARY, STANDBY = 25440, 25441


def pg(bindir, *a):
    return subprocess.run(["runuser", "-u", "postgres", "--"] + [os.path.join(bindir, a[0])] + list(a[1:]),
                          check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start(bindir, data, port, extra=""):
    pg(bindir, "pg_ctl", "-D", data, "-w", "-l", data + "/log", "-o",
       "-p %d -k %s -c listen_addresses=127.0.0.1 %s" % (port, data, extra), "start")


def kill9(data):
    pid = int(open(os.path.join(data, "postmaster.pid")).readline())
    children = crash.child_pids(pid)
    os.kill(pid, signal.SIGKILL)
    for c in children:  # a power cut takes the backends too (each by its id)
        try:
            os.kill(c, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pid, len(children)


class Probe:
    """Files every 100 ms (a new key each time, one try): what a client sees, with the time."""

    def __init__(self, port, body):
        self.port, self.body, self.seen, self.stop = port, json.dumps(body).encode(), [], threading.Event()
        self.acked = {}

    def loop(self):
        while not self.stop.is_set():
            t = time.time()
            try:
                key = "probe-" + uuid.uuid4().hex
                st, v, h = request(self.port, "POST", "/api/v1/registrations", self.body,
                                   {"Idempotency-Key": key, "Content-Type": "application/json"}, timeout=10)
                self.seen.append((t, time.time(), st, h.get("retry-after")))
                if st == 201:  # acknowledged: the checker must find it too
                    self.acked[key] = {"key": key, "filing_no": v["filing_no"], "token": v["access_token"],
                                       "receipt_no": v["receipt"]["receipt_no"],
                                       "signature": v["receipt"]["signature"]}
            except OSError as e:
                self.seen.append((t, time.time(), "conn: %s" % e, None))
            time.sleep(0.1)

    def start(self):
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join(30)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=8, help="load before the kill, and again after recovery")
    ap.add_argument("--promote-after", type=float, default=2, help="seconds between the kill and the promotion")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--port", type=int, default=18690)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    binary()
    bindir = "/usr/lib/postgresql/%s/bin" % sorted(os.listdir("/usr/lib/postgresql"))[-1]
    work = tempfile.mkdtemp(prefix="anbei-failover-")
    os.makedirs(os.path.join(work, "www"))
    primary, standby = os.path.join(work, "primary"), os.path.join(work, "standby")
    shutil.chown(work, "postgres")
    failures, result, srv = [], {"replication": "synchronous (synchronous_standby_names='*')"}, None
    started = []
    try:
        os.makedirs(primary)
        shutil.chown(primary, "postgres")
        pg(bindir, "initdb", "-D", primary, "-A", "trust", "-U", "postgres")
        # only the primary waits for a standby: the promoted standby must not wait for one it lacks
        start(bindir, primary, PRIMARY, "-c synchronous_standby_names=*")
        started.append(primary)
        pg(bindir, "pg_basebackup", "-h", "127.0.0.1", "-p", str(PRIMARY), "-U", "postgres", "-D", standby,
           "-R", "-X", "stream")
        start(bindir, standby, STANDBY)
        started.append(standby)
        sync = subprocess.run(["psql", "postgres://postgres@127.0.0.1:%d/postgres" % PRIMARY, "-Atc",
                               "SELECT sync_state FROM pg_stat_replication"], capture_output=True, text=True)
        deadline = time.time() + 10
        while "sync" not in sync.stdout.split() and time.time() < deadline:
            time.sleep(0.2)
            sync = subprocess.run(["psql", "postgres://postgres@127.0.0.1:%d/postgres" % PRIMARY, "-Atc",
                                   "SELECT sync_state FROM pg_stat_replication"], capture_output=True, text=True)
        if "sync" not in sync.stdout.split():
            raise RuntimeError("the standby is not a synchronous standby: %r" % sync.stdout)
        url = ("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres?target_session_attrs=read-write"
               % (PRIMARY, STANDBY))
        srv = OpsServer(args.port, os.path.join(work, "data"), {"DATABASE_URL": url})
        srv.start()
        body = filing_body(args.port)
        load = crash.Load(args.port, body, args.clients, uuid.uuid4().hex[:6])
        probe = Probe(args.port, body)
        load.start()
        probe.start()
        time.sleep(args.seconds)
        with load.lock:
            before = len(load.acked)
        killed_at = time.time()
        pid, n = kill9(primary)
        log("kill -9 primary postmaster %d and its %d backends (%d acknowledged so far)" % (pid, n, before))
        time.sleep(args.promote_after)
        promoted_at = time.time()
        pg(bindir, "pg_ctl", "-D", standby, "-w", "promote")
        log("standby promoted %.1f s after the kill" % (promoted_at - killed_at))
        recovered_at = None
        deadline = time.time() + 30
        while time.time() < deadline and recovered_at is None:
            time.sleep(0.1)
            recovered_at = next((t for t, _, st, _ in probe.seen if t > promoted_at and st == 201), None)
        if recovered_at is None:
            failures.append("no filing succeeded within 30 s of the promotion: the service did not recover")
        time.sleep(args.seconds)
        load.finish()
        probe.finish()
        gap = [s for s in probe.seen if killed_at <= s[0] and (recovered_at is None or s[0] < recovered_at)]
        # a filing committed (and so replicated) in the instant before the backends died is answered 201
        # and must then be on the promoted database; every other answer must be a 503 with Retry-After
        bad = [s for s in gap if s[2] != 201 and not (s[2] == 503 and s[3])]
        if bad:
            failures.append("%d answers during the failover were neither 201 nor 503 with Retry-After, e.g. %s"
                            % (len(bad), [(round(t - killed_at, 2), st, ra) for t, _, st, ra in bad[:5]]))
        after = [s for s in probe.seen if recovered_at and s[0] >= recovered_at]
        if any(s[2] != 201 for s in after):
            failures.append("after recovery some filings still failed: %s" % sorted({str(s[2]) for s in after}))
        if "500" in load.errors:
            failures.append("%d filings answered 500" % load.errors["500"])
        acked = dict(load.acked)
        acked.update(probe.acked)
        problems, lost, nf, nr = check(check_args("postgres"), args.port, srv.data_dir,
                                       "postgres://postgres@127.0.0.1:%d/postgres" % STANDBY, acked, body)
        failures += problems[:10]
        if load.non_2xx_final:
            failures.append("%d filings refused with a 4xx" % load.non_2xx_final)
        result.update(acknowledged=len(acked), acknowledged_before_kill=before,
                      after_the_kill=len(load.acked) - before, lost=lost, rows_filings=nf,
                      retry_causes=load.errors, probe_answers_during_failover=len(gap),
                      seconds_of_503_from_kill=round(recovered_at - killed_at, 2) if recovered_at else None,
                      seconds_of_503_after_promotion=round(recovered_at - promoted_at, 2) if recovered_at else None,
                      promote_after=args.promote_after)
    except Exception as e:  # noqa: BLE001 — reported as the verdict
        failures.append("%s: %s" % (type(e).__name__, e))
    finally:
        if srv:
            srv.stop()
        for d in started:
            subprocess.run(["runuser", "-u", "postgres", "--", os.path.join(bindir, "pg_ctl"), "-D", d, "-m",
                            "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
