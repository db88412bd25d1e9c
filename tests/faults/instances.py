#!/usr/bin/env python3
"""Several instances, one PostgreSQL, no shared disk (issue 17), with real parts.

Two `anbei serve` processes, each with its own data directory, started together on one PostgreSQL
database (a scratch schema on the shared cluster) with the same key-encryption key file
(ANBEI_KEK_FILE) and nothing else in common, behind HAProxy (Debian's binary, run by this script as the
calling user on loopback with a generated config; the system service is not used), round-robin with
health checks on /readyz. Through HAProxy, under load:

  - filing clients (crash.py's: a 201 is acknowledged, anything else retried with the same key);
  - document clients: each uploads its own PDF, then files a registration naming it (the upload and
    the filing usually land on different instances);
  - an officer who files high-risk registrations and accepts them (a lifecycle action; its token is
    made with `anbei officer add` on the shared database).

Mid-run one instance is `kill -9`ed and restarted (it rejoins the pool). Afterwards crash.py's checker
runs against each instance directly (in parallel shards) — every acknowledged filing present with its
numbers and signature, no number issued twice, counters above every number issued, every receipt
verifying — and every document is opened on both instances with the bytes that were uploaded. Both instances must have issued
receipts (their /metrics), and they must sign with the same key.

Bounded: --seconds of load (default 30; the whole run ≤ ~90 s), stops by itself. Exit 0 = pass.
Needs: cargo build --release -p anbei-api --bin anbei (or ANBEI_BIN), haproxy, psql, PostgreSQL at
ANBEI_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
"""
import argparse, hashlib, http.client, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from opsutil import (OpsServer, backend_env, binary, check, check_args, drop_schema,  # noqa: E402
                     filing_body, log, pg_url_for, request)

HAPROXY_CFG = """global
    maxconn 512
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout queue 5s
    retries 3
    option redispatch
    retry-on conn-failure
frontend anbei
    bind 127.0.0.1:{front}
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 2
    server a 127.0.0.1:{a} check
    server b 127.0.0.1:{b} check
"""


def retrying(port, method, path, body, headers, stop, tries=300):
    """The answer to a request retried (through HAProxy) until it is not a 5xx or a broken connection."""
    for _ in range(tries):
        try:
            st, v, h = request(port, method, path, body, headers, timeout=10)
            if st < 500:
                return st, v
        except OSError:
            pass
        if stop.is_set() and _ > 50:
            break
        time.sleep(0.05 + random.random() * 0.1)
    return None, None


class Documents:
    """Clients that upload a PDF of their own and file a registration naming it."""

    def __init__(self, port, body, clients, run):
        self.port, self.body, self.clients, self.run = port, body, clients, run
        self.acked, self.docs, self.lock, self.stop = {}, {}, threading.Lock(), threading.Event()
        self.failures = []

    def client(self, i):
        n = 0
        while not self.stop.is_set():
            key = "%s-doc-%d-%d" % (self.run, i, n)
            n += 1
            pdf = ("%%PDF-1.4\n%% document %s\n%%%%EOF\n" % key).encode()
            st, up = retrying(self.port, "POST", "/api/v1/uploads", pdf, {"Content-Type": "application/pdf"},
                              self.stop)
            if st != 201:
                if st is not None:
                    self.failures.append("upload answered %s %s" % (st, up))
                return
            body = json.loads(json.dumps(self.body))
            body["documents"] = {code: up["upload_id"] for code in body["documents"]}
            st, v = retrying(self.port, "POST", "/api/v1/registrations", json.dumps(body).encode(),
                             {"Idempotency-Key": key, "Content-Type": "application/json"}, self.stop)
            if st != 201:
                if st is not None:
                    self.failures.append("filing with a document answered %s %s" % (st, v))
                return
            with self.lock:
                self.acked[key] = {"key": key, "filing_no": v["filing_no"], "token": v["access_token"],
                                   "receipt_no": v["receipt"]["receipt_no"], "signature": v["receipt"]["signature"]}
                self.docs[v["filing_no"]] = (up["upload_id"], hashlib.sha256(pdf).hexdigest())

    def start(self):
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)


class Officer:
    """Files high-risk registrations and accepts each (retried; a 409 after a lost answer is checked)."""

    def __init__(self, port, body, token, run):
        self.port, self.body, self.token, self.run = port, body, token, run
        self.accepted, self.failures, self.stop = {}, [], threading.Event()

    def loop(self):
        n = 0
        auth = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        while not self.stop.is_set():
            key = "%s-hr-%d" % (self.run, n)
            n += 1
            st, v = retrying(self.port, "POST", "/api/v1/registrations", json.dumps(self.body).encode(),
                             {"Idempotency-Key": key, "Content-Type": "application/json"}, self.stop)
            if st != 201:
                if st is not None:
                    self.failures.append("high-risk filing answered %s %s" % (st, v))
                return
            no = v["filing_no"]
            st, a = retrying(self.port, "POST", "/api/v1/registrations/%s/acceptance" % no, b"{}", auth, self.stop)
            if st == 409:  # accepted by a request whose answer was lost in a kill: it must show
                st, a = retrying(self.port, "GET", "/api/v1/registrations/" + no, None, auth, self.stop)
            if st != 200 or a.get("status") != "registered" or not a.get("receipt"):
                if st is not None:
                    self.failures.append("acceptance of %s: %s %s" % (no, st, a))
                return
            self.accepted[no] = {"key": key, "filing_no": no, "token": v["access_token"],
                                 "receipt_no": a["receipt"]["receipt_no"], "signature": a["receipt"]["signature"]}

    def start(self):
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join(60)


def receipts_issued(port):
    st, text, _ = request(port, "GET", "/metrics")
    if st != 200:
        return None
    text = text.decode() if isinstance(text, bytes) else str(text)
    for line in text.splitlines():
        if line.startswith("anbei_receipts_issued_total"):
            return int(float(line.split()[-1]))
    return 0


def parallel(f, items, workers=8):
    """Every problem `f(item)` reports (a list), over `items`, `workers` at a time."""
    with ThreadPoolExecutor(workers) as ex:
        return [p for ps in ex.map(f, items) for p in ps]


def documents_on(port, token, docs):
    """Problems opening each registration's document on the instance at `port`: the bytes uploaded."""
    def one(item):
        no, (upload_id, sha) = item
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            c.request("GET", "/api/v1/registrations/%s/documents/%s" % (no, upload_id),
                      headers={"Authorization": "Bearer " + token})
            r = c.getresponse()
            raw = r.read()
            c.close()
        except OSError as e:
            return ["document of %s on :%d: %s" % (no, port, e)]
        if r.status != 200 or hashlib.sha256(raw).hexdigest() != sha:
            return ["document of %s on :%d: %s, %d bytes" % (no, port, r.status, len(raw))]
        return []
    return parallel(one, list(docs.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30, help="load (the kill -9 falls in its middle)")
    ap.add_argument("--clients", type=int, default=6, help="filing clients (plus as many document clients / 2)")
    ap.add_argument("--port", type=int, default=18590, help="HAProxy; the instances take the next two")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    anbei = binary()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.access(haproxy, os.X_OK):
        sys.exit("haproxy is needed: apt-get install -y haproxy (scripts/setup.sh does)")
    front, pa, pb = args.port, args.port + 1, args.port + 2
    work = tempfile.mkdtemp(prefix="anbei-instances-")
    os.makedirs(os.path.join(work, "www"))
    env, schema = backend_env("postgres", "inst")
    kek = os.path.join(work, "shared.kek")
    with open(kek, "w") as f:
        f.write("anbei-kek-v1:%s\n" % os.urandom(32).hex())
    os.chmod(kek, 0o600)
    env["ANBEI_KEK_FILE"] = kek
    # separate data directories, nothing shared but the database and the KEK file
    a = OpsServer(pa, os.path.join(work, "a", "data"), env, log_name="a.log")
    b = OpsServer(pb, os.path.join(work, "b", "data"), env, log_name="b.log")
    for s in (a, b):
        os.makedirs(os.path.join(os.path.dirname(s.data_dir), "www"))
    cfg = os.path.join(work, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(HAPROXY_CFG.format(front=front, a=pa, b=pb))
    lb = None
    failures, result = [], {"instances": 2, "seconds": args.seconds}
    t_start = time.time()
    try:
        # started together on a new database: one keyring must come of it, and one set of migrations
        started = []

        def start(s):
            s.start()
            started.append(s)
        starters = [threading.Thread(target=start, args=(s,)) for s in (a, b)]
        for t in starters:
            t.start()
        for t in starters:
            t.join(60)
        if len(started) != 2:
            raise RuntimeError("an instance did not start (see %s/{a,b}.log)" % work)
        lb = subprocess.Popen([haproxy, "-f", cfg, "-db"], stdout=open(os.path.join(work, "haproxy.log"), "w"),
                              stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if request(front, "GET", "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("haproxy did not answer on :%d" % front)
        r = subprocess.run([anbei, "officer", "add", "--street", "bantian", "--name", "双实例测试"],
                           env=dict(os.environ, **env, ANBEI_DATA_DIR=a.data_dir), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("anbei officer add: %s" % r.stderr)
        officer = r.stdout.strip()
        run = uuid.uuid4().hex[:6]
        body = filing_body(front)
        high = json.loads(json.dumps(body))
        high["facts"] = crash.fixture("facts", "high_risk.json")
        # every document the high-risk facts need: the one PDF serves each (as crash.filing_body does)
        st, assessed, _ = request(front, "POST", "/api/v1/assessments", high["facts"])
        assert st == 200, (st, assessed)
        doc = next(iter(body["documents"].values()))
        in_form = {"D_BASIC_FORM", "D_WORKER_LIST", "D_WASTE_DESTINATION", "D_SAFETY_PLEDGE"}  # documents.rs
        high["documents"] = {d["code"]: doc for d in assessed["documents"]
                             if d["code"].startswith("D_") and d["code"] not in in_form}
        filings = crash.Load(front, body, args.clients, run)
        documents = Documents(front, body, max(1, args.clients // 2), run)
        staff = Officer(front, high, officer, run)
        t0 = time.time()
        for x in (filings, documents, staff):
            x.start()
        victim = random.choice([a, b])
        time.sleep(args.seconds * random.uniform(0.35, 0.5))
        log("kill -9 instance on :%d" % victim.port)
        victim.kill9()
        down_at = time.time()
        time.sleep(1.5)  # HAProxy marks it down; the other instance takes every request meanwhile
        victim.start()
        log("instance on :%d restarted after %.1f s" % (victim.port, time.time() - down_at))
        while time.time() - t0 < args.seconds:
            time.sleep(0.2)
        for x in (filings, documents, staff):
            x.finish()
        load_s = time.time() - t0
        log("load stopped after %.1f s: %d filings, %d documents, %d accepted; checking both instances"
            % (load_s, len(filings.acked), len(documents.docs), len(staff.accepted)))
        issued = {"a": receipts_issued(pa), "b": receipts_issued(pb)}
        acked = dict(filings.acked)
        acked.update(documents.acked)
        acked.update({r["key"]: r for r in staff.accepted.values()})
        failures += documents.failures[:5] + staff.failures[:5]
        if filings.non_2xx_final:
            failures.append("%d filings refused with a 4xx" % filings.non_2xx_final)
        # crash.py's checker on each instance directly (every acknowledged filing present with its numbers
        # and signature, its receipt verifying — 8 lookups at a time; no number acknowledged to two keys,
        # no duplicate key, no filing with two receipts, counters above every number issued)
        for name, s in (("a", a), ("b", b)):
            log("checking instance %s: crash.py's checker, every document" % name)
            problems, _, nf, nr = check(check_args("postgres"), s.port, s.data_dir, pg_url_for(env), acked, body)
            problems = sorted(set(problems))
            failures += ["instance %s: %s" % (name, p) for p in problems[:10]]
            failures += ["instance %s: %s" % (name, p) for p in documents_on(s.port, officer, documents.docs)[:10]]
            if not issued[name]:
                failures.append("instance %s issued no receipt after the restart: the load was not spread" % name)
            if os.path.isdir(os.path.join(s.data_dir, "uploads")):
                failures.append("instance %s keeps uploads in its data directory" % name)
        result.update(acknowledged=len(acked), filings=len(filings.acked), documents=len(documents.docs),
                      accepted=len(staff.accepted), retries=filings.retries, retry_causes=filings.errors,
                      killed="a" if victim is a else "b", receipts_issued_since_start=issued,
                      rows_filings=nf, rows_receipts=nr, load_seconds=round(load_s, 1),
                      receipts_per_s=round(len(acked) / load_s, 1),
                      total_seconds=round(time.time() - t_start, 1))
        if len(acked) == 0 or not documents.docs or not staff.accepted:
            failures.append("no load went through (filings %d, documents %d, accepted %d)"
                            % (len(filings.acked), len(documents.docs), len(staff.accepted)))
    except Exception as e:  # noqa: BLE001 — reported as the verdict
        failures.append("%s: %s" % (type(e).__name__, e))
    finally:
        if lb and lb.poll() is None:
            lb.send_signal(signal.SIGTERM)
            try:
                lb.wait(5)
            except subprocess.TimeoutExpired:
                lb.kill()
        for s in (a, b):
            s.stop()
        drop_schema(schema)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
