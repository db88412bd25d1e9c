#!/usr/bin/env python3
"""Notification latency (bench/notify.sh): `anbei serve` with a webhook to a receiver in this script
(127.0.0.1), N filings sent at a steady rate; for each, the time from sending the request (before the
state change even starts: a conservative start) to the webhook's arrival of its `registered` event.
Prints one JSON line: n, delivered, p50/p99/max in ms. Loopback only; bounded (--timeout).

  bench/notify_latency.py --bin target/release/anbei [--n 300] [--rate 50] [--database-url … --schema …]

Also --receiver-only PORT: a fast receiver (answers 200 to any POST and counts), for the overhead A/B.
"""
import argparse, asyncio, http.server, json, os, sys, tempfile, threading, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "faults"))
import crash  # noqa: E402  (Server, request, filing_body: the crash test's helpers)

SECRET = "bench-notify-secret-0123456789"


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # The default listen backlog (5) drops the worker's concurrent connections' SYNs: each then waits for a
    # 1 s retransmission, and the receiver, not the server, sets the pace.
    request_queue_size = 1024

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.arrived = {}
        self.lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        t = time.monotonic()
        e = json.loads(body)
        if e.get("type") == "registered":
            with self.server.lock:
                self.server.arrived.setdefault(e["filing_no"], t)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


async def fast_receiver(port):
    """Answers 200 to every request as fast as asyncio can (the overhead A/B's webhook)."""
    async def handle(r, w):
        try:
            head = await r.readuntil(b"\r\n\r\n")
            n = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
            await r.readexactly(n)
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await w.drain()
        except Exception:
            pass
        finally:
            w.close()
    srv = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with srv:
        await srv.serve_forever()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "anbei"))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--port", type=int, default=18092)
    ap.add_argument("--database-url")
    ap.add_argument("--schema")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--receiver-only", type=int)
    a = ap.parse_args()
    if a.receiver_only:
        asyncio.run(fast_receiver(a.receiver_only))
        return 0
    crash.BIN = a.bin
    rcv = Receiver()
    threading.Thread(target=rcv.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="anbei-notify-latency-")
    os.makedirs(os.path.join(work, "www"))
    env = {"ANBEI_WEBHOOK_URL": "http://127.0.0.1:%d/hook" % rcv.server_address[1],
           "ANBEI_WEBHOOK_SECRET": SECRET}
    if a.database_url:
        env.update(DATABASE_URL=a.database_url, ANBEI_DB_SCHEMA=a.schema)
    srv = crash.Server(a.port, os.path.join(work, "data"), env)
    try:
        srv.start()
        body = json.dumps(crash.filing_body(a.port)).encode()
        sent = {}
        t0 = time.monotonic()
        for i in range(a.n):
            due = t0 + i / a.rate
            time.sleep(max(0.0, due - time.monotonic()))
            ts = time.monotonic()
            st, v, _ = crash.request(a.port, "POST", "/api/v1/registrations", body,
                                     {"Idempotency-Key": "lat-%d-%d" % (os.getpid(), i),
                                      "Content-Type": "application/json"})
            if st == 201:
                sent[v["filing_no"]] = ts
        deadline = time.monotonic() + a.timeout
        while time.monotonic() < deadline:
            with rcv.lock:
                if all(f in rcv.arrived for f in sent):
                    break
            time.sleep(0.05)
        with rcv.lock:
            lat = [(rcv.arrived[f] - t) * 1000 for f, t in sent.items() if f in rcv.arrived]
        print(json.dumps({"n": len(sent), "delivered": len(lat), "rate_per_s": a.rate,
                          "p50_ms": round(pct(lat, 50) or -1, 1), "p99_ms": round(pct(lat, 99) or -1, 1),
                          "max_ms": round(max(lat) if lat else -1, 1)}))
        return 0 if len(lat) == len(sent) and sent else 1
    finally:
        srv.stop()
        rcv.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
