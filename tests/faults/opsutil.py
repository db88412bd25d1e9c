"""Helpers shared by the operations fault tests (logs.py, drain.py, backup.py, issue 17).

They build on crash.py's (the server process, the filing body, the retrying load, the checker) rather
than copying them: here only what those three add — which binary, JSON logs, a scratch PostgreSQL
schema on the shared cluster, per-person test data, a load that stops at the first connection error.
"""
import argparse, json, os, signal, subprocess, sys, threading, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402
from crash import Server, check, filing_body, log, request, verdict  # noqa: E402,F401

PG_SHARED = os.environ.get("ANBEI_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def binary():
    """The anbei binary: $ANBEI_BIN, else $CARGO_TARGET_DIR/release/anbei, else target/release/anbei."""
    b = os.environ.get("ANBEI_BIN")
    if not b and os.environ.get("CARGO_TARGET_DIR"):
        b = os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "anbei")
    b = b or crash.BIN
    if not os.access(b, os.X_OK):
        sys.exit("build first: cargo build --release -p anbei-api --bin anbei (or set ANBEI_BIN)")
    crash.BIN = b  # crash.Server starts crash.BIN
    return b


class OpsServer(Server):
    """crash.Server with extra `anbei serve` flags, its own log file, and a SIGTERM that is timed."""

    def __init__(self, port, data_dir, env, extra=(), log_name="server.log"):
        super().__init__(port, data_dir, env)
        self.extra, self.log_name = list(extra), log_name

    def start(self, timeout=30):
        env = dict(os.environ, ANBEI_RATE_LIMIT="0", ANBEI_MAX_CONNECTIONS_PER_CLIENT="0",
                   ANBEI_UPLOADS_PER_HOUR="0", ANBEI_UPLOAD_MB_PER_HOUR="0")
        env.update(self.env)
        env.setdefault("RUST_LOG", "warn")
        self.log_path = os.path.join(os.path.dirname(self.data_dir), self.log_name)
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [crash.BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir", self.data_dir,
             "--www-dir", os.path.join(os.path.dirname(self.data_dir), "www")] + self.extra,
            env=env, stdout=self.log, stderr=self.log)
        self.starts += 1
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("anbei serve exited with %s (see %s)" % (self.proc.returncode, self.log_path))
            try:
                if request(self.port, "GET", "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("anbei serve not ready in %ss" % timeout)

    def terminate(self, bound):
        """SIGTERM; (exit status, seconds until the process was gone), or (None, bound) if it outlived it."""
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(bound)
        except subprocess.TimeoutExpired:
            self.kill9()
            return None, bound
        return rc, time.time() - t0


def backend_env(backend, tag):
    """The environment of a server on `backend`: SQLite (nothing), or a scratch schema on the shared
    PostgreSQL (created here; drop it with drop_schema)."""
    if backend == "sqlite":
        return {}, None
    schema = "anbei_%s_%s" % (tag, uuid.uuid4().hex[:8])
    subprocess.run(["psql", PG_SHARED, "-qc", "CREATE SCHEMA %s" % schema], check=True, capture_output=True)
    return {"DATABASE_URL": PG_SHARED, "ANBEI_DB_SCHEMA": schema}, schema


def drop_schema(schema, url=PG_SHARED):
    if schema:
        subprocess.run(["psql", url, "-qc", "DROP SCHEMA IF EXISTS %s CASCADE" % schema], capture_output=True)


def check_args(backend):
    """What crash.check reads of its command line."""
    return argparse.Namespace(backend=backend)


def pg_url_for(env):
    """crash.check's pg_url (psql) for a server's environment: the URL with the schema on its search path."""
    if "DATABASE_URL" not in env:
        return None
    return "%s?options=-csearch_path%%3D%s" % (env["DATABASE_URL"], env["ANBEI_DB_SCHEMA"])


_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(seq):
    """A valid resident ID number (GB 11643 check character), distinct for each seq < 1000."""
    first = "44030719900101%03d" % (seq % 1000)
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, _W)) % 11]


def mobile(seq):
    return "139%08d" % (40000000 + seq)


def personal(body, seq):
    """`body` with the applicant's, leads' and workers' ID numbers and mobiles unique to `seq`; returns
    (body, every ID number and mobile in it)."""
    b = json.loads(json.dumps(body))
    b["applicant"]["id_number"], b["applicant"]["mobile"] = id_number(seq * 3), mobile(seq * 3)
    b["project_lead"]["mobile"] = mobile(seq * 3 + 1)
    b["safety_manager"]["mobile"] = mobile(seq * 3 + 2)
    for i, w in enumerate(b["workers"]):
        w["id_number"] = id_number((seq * 3 + i + 1) % 1000 if i else (seq * 3 + 1) % 1000)
    secrets = {b["applicant"]["id_number"], b["applicant"]["mobile"], b["project_lead"]["mobile"],
               b["safety_manager"]["mobile"]} | {w["id_number"] for w in b["workers"]}
    return b, secrets


class StopLoad:
    """Filing clients that stop at the first refused connection (the server is going away): every 201
    is recorded as acknowledged, with the time it was answered; any 5xx is a failure of the drain."""

    def __init__(self, port, body, clients, run):
        self.port, self.body, self.clients, self.run = port, json.dumps(body).encode(), clients, run
        self.acked, self.lock, self.stop = {}, threading.Lock(), threading.Event()
        self.server_errors, self.conn_errors = [], 0

    def client(self, i):
        n = 0
        while not self.stop.is_set():
            key = "%s-%d-%d" % (self.run, i, n)
            n += 1
            try:
                st, v, _ = request(self.port, "POST", "/api/v1/registrations", self.body,
                                   {"Idempotency-Key": key, "Content-Type": "application/json"}, timeout=30)
            except OSError:
                with self.lock:
                    self.conn_errors += 1
                return
            with self.lock:
                if st == 201:
                    self.acked[key] = {"key": key, "filing_no": v["filing_no"], "token": v["access_token"],
                                       "receipt_no": v["receipt"]["receipt_no"],
                                       "signature": v["receipt"]["signature"], "at": time.time()}
                elif st >= 500:
                    self.server_errors.append((st, v))

    def start(self):
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for t in self.threads:
            t.start()

    def finish(self, timeout=60):
        self.stop.set()
        for t in self.threads:
            t.join(timeout)

