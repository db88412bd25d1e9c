#!/usr/bin/env python3
"""Notification crash test: nothing acknowledged goes unnotified, and a delivery id names one event only
(issue 15, rules.md §11 "delivery is at least once through an outbox").

Runs `anbei serve` (release binary; SQLite, or with --backend postgres a private PostgreSQL cluster started
by crash.py's helper on 127.0.0.1:25432, never the shared one) on 127.0.0.1 with a signed webhook pointing at a receiver
in this script (127.0.0.1, which also answers 500 to a share of deliveries, so retries happen), files
under concurrent load (the clients of crash.py: a failed request is retried with the same
Idempotency-Key) and `kill -9`s the server every few seconds, restarting it each time. Then it lets the
outbox drain and checks:

  1. every filing the clients got a 201 for has had its first notification delivered (a 2xx answered):
     `registered` under 快速受理 (the fixture's ordinary work), carrying the filing number;
  2. every delivery's `Anbei-Signature` verifies (HMAC-SHA256 of "t.body" under the secret);
  3. no two distinct events share an id: every delivery of an id has the same type, filing and
     occurred_at. Redeliveries (the same id twice: a kill between the receiver's 200 and the outbox
     row's update, or a 500 answered) are allowed — at least once — and reported.

Exit status 0 = pass. Loopback only; bounded by --seconds plus a drain of at most --drain seconds.
Needs: cargo build --release -p anbei-api --bin anbei.
"""
import argparse, hashlib, hmac, http.server, json, os, random, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash import BIN, Load, Server, filing_body, log, pg_private, pg_start  # noqa: E402

SECRET = "notify-crash-test-secret-0123456789"


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # The default listen backlog (5) drops the worker's concurrent connections' SYNs: each then waits for a
    # 1 s retransmission, and the receiver, not the server, sets the pace.
    request_queue_size = 1024

    def __init__(self, fail_share):
        super().__init__(("127.0.0.1", 0), Handler)
        self.fail_share = fail_share
        self.lock = threading.Lock()
        self.deliveries = []  # (id, type, filing_no, occurred_at) of each 2xx answered
        self.failed_answers = 0
        self.bad_signatures = 0
        self.latency = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("Anbei-Signature", "")
        srv = self.server
        ok_sig = False
        try:
            t, v1 = sig[2:].split(",v1=", 1) if sig.startswith("t=") else ("", "")
            want = hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
            ok_sig = hmac.compare_digest(want, v1)
        except ValueError:
            pass
        try:
            e = json.loads(body)
        except ValueError:  # a body cut short by a kill -9 mid-request: not a delivery (no 2xx given)
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with srv.lock:
            if not ok_sig:
                srv.bad_signatures += 1
            if random.random() < srv.fail_share:
                srv.failed_answers += 1
                code = 500
            else:
                srv.deliveries.append((e["id"], e["type"], e["filing_no"], e["occurred_at"]))
                code = 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--kill-every", type=float, default=3)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--drain", type=int, default=None,
                    help="seconds to let the outbox drain (default 60; PostgreSQL 100: rows a killed instance had\n                    claimed wait for their lease, notify::LEASE_MS = 60 s, since another live instance may hold them)")
    ap.add_argument("--fail-share", type=float, default=0.1, help="share of deliveries answered 500")
    ap.add_argument("--port", type=int, default=18391)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if args.drain is None:
        args.drain = 100 if args.backend == "postgres" else 60
    if not os.path.exists(BIN):
        print("build first: cargo build --release -p anbei-api --bin anbei", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="anbei-notify-crash-")
    data = os.path.join(work, "data")
    os.makedirs(os.path.join(work, "www"))
    rcv = Receiver(args.fail_share)
    threading.Thread(target=rcv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/hook" % rcv.server_address[1]
    env, pg = {"ANBEI_WEBHOOK_URL": url, "ANBEI_WEBHOOK_SECRET": SECRET}, None
    if args.backend == "postgres":
        bindir, pgdata, pg_url, run = pg_private(work)
        pg = (bindir, pgdata, run)
        pg_start(*pg)
        env["DATABASE_URL"] = pg_url
    srv = Server(args.port, data, env)
    try:
        srv.start()
        body = filing_body(args.port)
        load = Load(args.port, body, args.clients, "n%d" % int(time.time()))
        load.start()
        kills = 0
        end = time.time() + args.seconds
        while time.time() < end:
            time.sleep(min(args.kill_every * (0.5 + random.random()), max(0.0, end - time.time())))
            if time.time() >= end:
                break
            srv.kill9()
            kills += 1
            srv.start()
        load.finish()
        acked = {r["filing_no"] for r in load.acked.values()}
        log("load done: %d acknowledged, %d kills; draining the outbox" % (len(acked), kills))
        # Drain: every acknowledged filing's first notification delivered.
        rcv.fail_share = 0.0
        deadline = time.time() + args.drain
        while True:
            with rcv.lock:
                got = {f for (_, typ, f, _) in rcv.deliveries if typ == "registered"}
            missing = acked - got
            if not missing or time.time() > deadline:
                break
            time.sleep(0.2)
        with rcv.lock:
            deliveries = list(rcv.deliveries)
        by_id = {}
        for d in deliveries:
            by_id.setdefault(d[0], set()).add(d[1:])
        shared = {i: v for i, v in by_id.items() if len(v) > 1}
        redelivered = len(deliveries) - len(by_id)
        problems = []
        if missing:
            problems.append("%d acknowledged filings never notified (e.g. %s)" % (len(missing), sorted(missing)[:3]))
        if shared:
            problems.append("%d ids name two different events (e.g. %s)" % (len(shared), list(shared.items())[:2]))
        if rcv.bad_signatures:
            problems.append("%d deliveries with a bad signature" % rcv.bad_signatures)
        if not acked:
            problems.append("nothing was acknowledged")
        if load.non_2xx_final:
            problems.append("%d client errors" % load.non_2xx_final)
        result = dict(backend=args.backend, acknowledged=len(acked), server_kills=kills, server_starts=srv.starts,
                      deliveries=len(deliveries), distinct_events=len(by_id), redeliveries=redelivered,
                      answered_500=rcv.failed_answers, never_notified=len(missing),
                      ids_shared_by_two_events=len(shared), problems=problems,
                      verdict="FAIL" if problems else "PASS")
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 1 if problems else 0
    finally:
        srv.stop()
        rcv.shutdown()
        if pg:
            subprocess.run(["runuser", "-u", "postgres", "--", pg[0] + "/pg_ctl", "-D", pg[1], "-m", "immediate", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
