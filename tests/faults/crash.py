#!/usr/bin/env python3
"""Crash test: nothing acknowledged is lost, nothing duplicated, no number reused (issue 5, "Faults").

Runs `anbei serve` (release binary) on 127.0.0.1 under concurrent filing load and `kill -9`s it every
few seconds, restarting it each time. Clients retry a failed request with the same Idempotency-Key
(so a filing committed just before a kill is recovered as a replay). Afterwards the checker proves:

  1. every filing the clients got a 201 for is present, with the same filing and receipt number and
     signature; its receipt verifies (`signature_valid`) and its access token opens it;
  2. no duplicates: one row per Idempotency-Key, distinct filing/receipt numbers across keys;
  3. no sequence number reused: on PostgreSQL every counter is at least the highest number issued
     under it; on SQLite (numbers handed out in memory, seeded at each start from the highest
     committed number) a filing made after the last restart is numbered above every number issued.

Backends:
  --backend sqlite                (default) data dir under a temp dir
  --backend postgres              a private PostgreSQL cluster started by this script on port 25432
                                  (initdb as user postgres), so killing it never disturbs the shared
                                  database; --kill-db-once kill -9s the postmaster once mid-run.
Negative control (SQLite only): --negative-control runs the server with ANBEI_SQLITE_SYNCHRONOUS=OFF
(test-only switch, no fsync) and simulates a power cut: at a random instant mid-run the database files
are copied (a snapshot of what "reached the disk"), load continues, then the server is killed, the
files are replaced by the snapshot and the server restarted. The checker MUST then report lost
acknowledged filings; the control passes only if it does (so the checker is known to detect loss).
Honest limit: Linux gives no way to drop only the un-fsynced pages, so the snapshot stands in for them.

Exit status 0 = pass. Loopback only; bounded by --seconds. Needs: cargo build --release -p anbei-api.
"""
import argparse, concurrent.futures, http.client, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile
import threading, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "anbei")

FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def fixture(*path):
    """Shared test data (tests/fixtures/README.md): the same facts and filing the Rust and JS tests use."""
    with open(os.path.join(FIXTURES, *path), encoding="utf-8") as f:
        return json.load(f)


FACTS = fixture("facts", "ordinary.json")


def verdict(facts, failures):
    """Prints what was measured and PASS, or FAIL with every failure; the exit status to return."""
    print(facts)
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    return 1 if failures else 0


def log(*a):
    print("[crash]", *a, flush=True)


class Server:
    def __init__(self, port, data_dir, env):
        self.port, self.data_dir, self.env, self.proc = port, data_dir, env, None
        self.starts = 0
        self.peak_rss_kb = 0

    def start(self, timeout=30):
        # Load from one address (127.0.0.1): no per-client limits unless a test sets them (self.env).
        env = dict(os.environ, RUST_LOG="warn", ANBEI_RATE_LIMIT="0")
        env.update(ANBEI_MAX_CONNECTIONS_PER_CLIENT="0", ANBEI_UPLOADS_PER_HOUR="0", ANBEI_UPLOAD_MB_PER_HOUR="0")
        env.update(self.env)
        self.log = open(os.path.join(os.path.dirname(self.data_dir), "server.log"), "a")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir", self.data_dir,
             "--www-dir", os.path.join(os.path.dirname(self.data_dir), "www")],
            env=env, stdout=self.log, stderr=self.log)
        self.starts += 1
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("anbei serve exited with %s (see server.log)" % self.proc.returncode)
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("anbei serve not ready in %ss" % timeout)

    def rss(self):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
        except OSError:
            pass

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.rss()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.rss()
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def request(port, method, path, body=None, headers=None, timeout=15):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        h = dict(headers or {})
        if body is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None, {k.lower(): v for k, v in r.getheaders()}
        except ValueError:
            return r.status, raw, {k.lower(): v for k, v in r.getheaders()}
    finally:
        c.close()


def filing_body(port):
    """The complete filing of tests/fixtures/filings/complete.json, starting in 30 days: one PDF uploaded
    serves each of its documents (exactly the uploads its facts need; a Rust test holds the file to that)."""
    st, up, _ = request(port, "POST", "/api/v1/uploads", b"%PDF-1.4\n% crash test\n%%EOF\n",
                        {"Content-Type": "application/pdf"})
    assert st == 201, (st, up)
    day = lambda n: time.strftime("%Y-%m-%d", time.gmtime(time.time() + n * 86400))  # noqa: E731
    body = fixture("filings", "complete.json")
    body["facts"] = FACTS
    body["documents"] = {code: up["upload_id"] for code in body["documents"]}
    body["planned_start"], body["planned_end"] = day(30), day(90)
    for w in body["workers"]:
        if "certificate_valid_until" in w:
            w["certificate_valid_until"] = day(3 * 365)
    return body


class Load:
    """Filing clients: a 201 is recorded as acknowledged; anything else is retried with the same key."""

    def __init__(self, port, body, clients, run):
        self.port, self.body, self.clients, self.run = port, json.dumps(body).encode(), clients, run
        self.acked = {}  # key -> record
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.replays = self.retries = self.non_2xx_final = 0
        self.errors = {}

    def client(self, i):
        n = 0
        while not self.stop.is_set():
            key = "%s-%d-%d" % (self.run, i, n)
            n += 1
            for attempt in range(200):
                try:
                    st, v, h = request(self.port, "POST", "/api/v1/registrations", self.body,
                                       {"Idempotency-Key": key, "Content-Type": "application/json"}, timeout=10)
                except OSError as e:
                    st, v, h = None, str(e), {}
                if st == 201:
                    rec = {"key": key, "filing_no": v["filing_no"], "token": v["access_token"],
                           "receipt_no": v["receipt"]["receipt_no"], "signature": v["receipt"]["signature"],
                           "replayed": h.get("idempotent-replayed") == "true"}
                    with self.lock:
                        self.acked[key] = rec
                        self.replays += rec["replayed"]
                    break
                with self.lock:
                    self.retries += 1
                    k = str(st) if st else "conn"
                    self.errors[k] = self.errors.get(k, 0) + 1
                if st is not None and 400 <= st < 500 and st != 409:
                    with self.lock:
                        self.non_2xx_final += 1
                    log("client error", st, v)
                    break
                if self.stop.is_set() and attempt > 50:
                    break
                time.sleep(0.05 + random.random() * 0.1)

    def start(self):
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def db_rows(args, data_dir, pg_url):
    """(filings [(key, filing_no)], receipts [(receipt_no, filing_no)], counters [(kind, street, day, value)])."""
    if args.backend == "sqlite":
        c = sqlite3.connect("file:%s?mode=ro" % os.path.join(data_dir, "anbei.sqlite3"), uri=True)
        try:
            return (c.execute("SELECT idempotency_key, filing_no FROM filings").fetchall(),
                    c.execute("SELECT receipt_no, filing_no FROM receipts").fetchall(),
                    c.execute("SELECT kind, street, day, value FROM counters").fetchall())
        finally:
            c.close()
    out = []
    for q in ["SELECT idempotency_key, filing_no FROM filings", "SELECT receipt_no, filing_no FROM receipts",
              "SELECT kind, street, day, value FROM counters"]:
        r = subprocess.run(["psql", pg_url, "-AtF", "\t", "-c", q], capture_output=True, text=True, check=True)
        out.append([tuple(l.split("\t")) for l in r.stdout.splitlines() if l])
    return out


def check(args, port, data_dir, pg_url, acked, body):
    problems = []
    lost = []

    def one(item):
        """([lost], [problems]) of one acknowledged filing: two requests."""
        key, rec = item
        st, v, _ = request(port, "GET", "/api/v1/registrations/" + rec["filing_no"],
                           headers={"Authorization": "Bearer " + rec["token"]})
        if st != 200:
            return [(key, rec["filing_no"], st)], []
        r = v.get("receipt") or {}
        out = []
        if r.get("receipt_no") != rec["receipt_no"] or r.get("signature") != rec["signature"]:
            out.append("receipt changed for %s: %s vs %s" % (rec["filing_no"], r.get("receipt_no"), rec["receipt_no"]))
        # the public lookup with the verification code the receipt carries (printed beside its QR)
        st, ver, _ = request(port, "GET", r.get("verify_url") or "/api/v1/receipts/%s/verify" % rec["receipt_no"])
        if st != 200 or not ver.get("signature_valid"):
            out.append("receipt %s does not verify: %s %s" % (rec["receipt_no"], st, ver))
        return [], out

    # Every acknowledged filing is looked up (no sample): 8 at a time, so that tens of thousands of acks
    # take seconds rather than a minute of one-by-one round trips.
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for l, p in pool.map(one, list(acked.items())):
            lost.extend(l)
            problems.extend(p)
    if lost:
        problems.append("%d acknowledged filings LOST (e.g. %s)" % (len(lost), lost[:3]))
    fnos = [r["filing_no"] for r in acked.values()]
    rnos = [r["receipt_no"] for r in acked.values()]
    if len(set(fnos)) != len(fnos):
        problems.append("a filing number was acknowledged to two keys")
    if len(set(rnos)) != len(rnos):
        problems.append("a receipt number was acknowledged to two keys")
    filings, receipts, counters = db_rows(args, data_dir, pg_url)
    keys = [k for k, _ in filings]
    if len(set(keys)) != len(keys):
        problems.append("duplicate Idempotency-Key rows")
    by_key = dict(filings)
    for key, rec in acked.items():
        if key in by_key and by_key[key] != rec["filing_no"]:
            problems.append("key %s now maps to %s, acknowledged as %s" % (key, by_key[key], rec["filing_no"]))
    if len({f for _, f in receipts}) != len(receipts):
        problems.append("a filing has two receipts")
    top = {}
    issued = [(f, "F") for _, f in filings] + [(r, "R") for r, _ in receipts]
    issued += [(r["filing_no"], "F") for r in acked.values()] + [(r["receipt_no"], "R") for r in acked.values()]
    for no, kind in issued:
        _, street, day, seq = no.split("-")
        top[(kind, street, day)] = max(top.get((kind, street, day), 0), int(seq))
    if args.backend == "sqlite":
        st, v, _ = request(port, "POST", "/api/v1/registrations", json.dumps(body).encode(),
                           {"Idempotency-Key": "after-the-last-restart-" + uuid.uuid4().hex,
                            "Content-Type": "application/json"})
        if st != 201:
            problems.append("a filing after the last restart failed: %s %s" % (st, v))
        else:
            for kind, no in [("F", v["filing_no"]), ("R", v["receipt"]["receipt_no"])]:
                _, street, day, seq = no.split("-")
                if int(seq) <= top.get((kind, street, day), 0):
                    problems.append("%s after the last restart is not above the highest number issued (%d): "
                                    "numbers would be reused" % (no, top[(kind, street, day)]))
    else:
        ctr = {(k, s, d): int(v) for k, s, d, v in counters}
        for k, m in top.items():
            if ctr.get(k, 0) < m:
                problems.append("counter %s at %s below issued number %d: numbers would be reused" % (k, ctr.get(k), m))
    return problems, len(lost), len(filings), len(receipts)


PG_PORT = 25432  # below the ephemeral port range (32768+), so no client socket can hold it


def child_pids(ppid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == ppid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def pg_private(work):
    """A private PostgreSQL cluster (user postgres) on PG_PORT; returns (url, data dir)."""
    bindir = sorted(os.listdir("/usr/lib/postgresql"))[-1]
    bindir = "/usr/lib/postgresql/%s/bin" % bindir
    pgdata = os.path.join(work, "pgdata")
    os.makedirs(pgdata)
    shutil.chown(work, "postgres")
    shutil.chown(pgdata, "postgres")
    run = lambda *a: subprocess.run(["runuser", "-u", "postgres", "--"] + list(a), check=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(bindir + "/initdb", "-D", pgdata, "-A", "trust", "-U", "postgres")
    return bindir, pgdata, "postgres://postgres@127.0.0.1:%d/postgres" % PG_PORT, run


def pg_start(bindir, pgdata, run):
    run(bindir + "/pg_ctl", "-D", pgdata, "-w", "-l", pgdata + "/log", "-o",
        "-p %d -k %s -c listen_addresses=127.0.0.1" % (PG_PORT, pgdata), "start")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--kill-every", type=float, default=3)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--negative-control", action="store_true")
    ap.add_argument("--kill-db-once", action="store_true")
    ap.add_argument("--port", type=int, default=18190)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit("build first: cargo build --release -p anbei-api --bin anbei")
    work = tempfile.mkdtemp(prefix="anbei-crash-")
    data = os.path.join(work, "data")
    os.makedirs(os.path.join(work, "www"))
    env, pg = {}, None
    pg_url = None
    if args.backend == "postgres":
        bindir, pgdata, pg_url, run = pg_private(work)
        pg = (bindir, pgdata, run)
        pg_start(*pg)
        env["DATABASE_URL"] = pg_url
    if args.negative_control:
        if args.backend != "sqlite":
            sys.exit("--negative-control is for SQLite")
        env["ANBEI_SQLITE_SYNCHRONOUS"] = "OFF"
    srv = Server(args.port, data, env)
    result = {"backend": args.backend, "mode": "negative-control" if args.negative_control else "kill-9",
              "seconds": args.seconds}
    try:
        srv.start()
        body = filing_body(args.port)
        load = Load(args.port, body, args.clients, uuid.uuid4().hex[:8])
        t0 = time.time()
        load.start()
        kills = db_kills = 0
        snap_at = t0 + args.seconds * random.uniform(0.4, 0.7)
        snapped = False
        db_kill_at = t0 + args.seconds * 0.5
        while time.time() - t0 < args.seconds:
            if args.negative_control:
                time.sleep(0.05)
                srv.rss()
                if not snapped and time.time() >= snap_at:
                    snap = os.path.join(work, "snapshot")
                    os.makedirs(snap)
                    for f in ("anbei.sqlite3", "anbei.sqlite3-wal"):
                        if os.path.exists(os.path.join(data, f)):
                            shutil.copyfile(os.path.join(data, f), os.path.join(snap, f))
                    snapped = True
                    with load.lock:
                        acked_at_snapshot = len(load.acked)
                    log("power cut simulated at t=%.1fs (%d acknowledged so far)" % (time.time() - t0, acked_at_snapshot))
                continue
            time.sleep(args.kill_every * random.uniform(0.5, 1.5))
            if time.time() - t0 >= args.seconds:
                break
            if pg and args.kill_db_once and not db_kills and time.time() >= db_kill_at:
                pid = int(open(os.path.join(pg[1], "postmaster.pid")).readline())
                children = child_pids(pid)
                os.kill(pid, signal.SIGKILL)
                for c in children:  # a power cut takes the backends too (each by its id)
                    try:
                        os.kill(c, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                db_kills += 1
                log("kill -9 PostgreSQL postmaster %d and its %d backends" % (pid, len(children)))
                time.sleep(1)
                for _ in range(20):
                    try:
                        pg_start(*pg)
                        break
                    except subprocess.CalledProcessError:
                        time.sleep(0.5)
                log("PostgreSQL restarted (crash recovery)")
            srv.kill9()
            kills += 1
            srv.start()
        load.finish()
        if args.negative_control:
            srv.kill9()
            for f in ("anbei.sqlite3", "anbei.sqlite3-wal", "anbei.sqlite3-shm"):
                p = os.path.join(data, f)
                if os.path.exists(p):
                    os.remove(p)
            for f in os.listdir(os.path.join(work, "snapshot")):
                shutil.copyfile(os.path.join(work, "snapshot", f), os.path.join(data, f))
        else:
            srv.kill9()  # one last crash, then check from a fresh start
        try:
            srv.start()
            problems, lost, nf, nr = check(args, args.port, data, pg_url, load.acked, body)
        except Exception as e:  # a corrupted database after the simulated power cut also counts as loss
            if not args.negative_control:
                raise
            problems, lost, nf, nr = ["server or database unusable after the power cut: %s" % e], -1, 0, 0
        srv.rss()
        result.update(acknowledged=len(load.acked), replays_after_crash=load.replays, retries=load.retries,
                      retry_causes=load.errors, client_4xx=load.non_2xx_final, server_kills=kills,
                      db_kills=db_kills, server_starts=srv.starts, rows_filings=nf, rows_receipts=nr,
                      lost=lost, problems=problems[:10], peak_rss_kb=srv.peak_rss_kb)
        if args.negative_control:
            ok = lost != 0 and bool(problems)
            result["verdict"] = ("PASS: the checker detected the loss" if ok
                                 else "FAIL: the checker saw no loss although the snapshot dropped acknowledged filings")
        else:
            ok = not problems and load.non_2xx_final == 0 and len(load.acked) > 0
            result["verdict"] = "PASS" if ok else "FAIL"
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0 if ok else 1
    finally:
        srv.stop()
        if pg:
            subprocess.run(["runuser", "-u", "postgres", "--", pg[0] + "/pg_ctl", "-D", pg[1], "-m", "immediate", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
