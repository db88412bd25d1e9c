#!/usr/bin/env python3
"""Slow clients and disconnects (issue 5, "Faults"): slowloris headers, slow bodies, mid-request hang-ups.

Opens --conns connections that dribble request headers one byte at a time, --conns that send full
headers of a filing/upload and then dribble the body, --conns that send half a body and hang up, and
--readers that ask for many answers at once and never read them (issue 16, item 9: slow readers),
while a well-behaved client keeps calling /healthz, /api/v1/assessments and files one registration.

Pass criterion (exit 0):
  1. other clients unaffected: every well-behaved request succeeds, p99 < 500 ms;
  2. bounded time: the server (run with ANBEI_REQUEST_TIMEOUT_S=--request-timeout, default 20; the
     production default is 60) closes slow-header connections within --header-timeout s (default 30)
     and slow-body requests within --body-timeout s (default 30), and (run with
     ANBEI_WRITE_TIMEOUT_S=--write-timeout, default 5; production 30) every reader that stopped reading
     within --write-timeout + 10 s;
  3. bounded memory: peak RSS (VmHWM) of the server grows by less than 64 MB;
  4. hang-ups leave nothing behind: no filing from the aborted requests.
Loopback only; the whole run is bounded by --seconds (default 50).
"""
import argparse, json, os, socket, sys, tempfile, threading, time, shutil
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=50)
    ap.add_argument("--conns", type=int, default=150)
    ap.add_argument("--request-timeout", type=int, default=20, help="ANBEI_REQUEST_TIMEOUT_S for the server (production default 60)")
    ap.add_argument("--header-timeout", type=float, default=30)
    ap.add_argument("--body-timeout", type=float, default=30)
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--write-timeout", type=int, default=5, help="ANBEI_WRITE_TIMEOUT_S for the server (production default 30)")
    ap.add_argument("--port", type=int, default=18192)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="anbei-slow-")
    os.makedirs(os.path.join(work, "www", "dist"))
    # A large answer that costs the server nothing (an asset it keeps in memory), for the readers.
    with open(os.path.join(work, "www", "dist", "big.js"), "wb") as f:
        f.write(b"a" * (8 << 20))
    srv = crash.Server(args.port, os.path.join(work, "data"), {"ANBEI_REQUEST_TIMEOUT_S": str(args.request_timeout),
                                                                  "ANBEI_WRITE_TIMEOUT_S": str(args.write_timeout)})
    failures, facts = [], {}
    stop = threading.Event()
    closed = {"header": [], "body": [], "reader": []}
    lock = threading.Lock()
    try:
        srv.start()
        pid = srv.proc.pid
        body = json.dumps(crash.filing_body(args.port)).encode()
        rss0 = vm(pid, "VmHWM")

        def slow(kind, i):
            t0 = time.time()
            try:
                s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
                if kind == "header":
                    data = b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nX-Pad-%d: " % i + b"a" * 100000
                else:
                    path = b"/api/v1/registrations" if i % 2 else b"/api/v1/uploads"
                    s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              b"Idempotency-Key: slow-%d\r\nContent-Length: %d\r\n\r\n" % (i, len(body)))
                    data = body
                for b in data:
                    if stop.is_set():
                        return
                    try:
                        s.sendall(bytes([b]))
                        s.settimeout(1.0)
                        if s.recv(1, socket.MSG_PEEK) == b"":
                            raise ConnectionResetError
                    except socket.timeout:
                        continue
                    except OSError:
                        with lock:
                            closed[kind].append(time.time() - t0)
                        return
            except OSError:
                with lock:
                    closed[kind].append(time.time() - t0)

        def hangup(i):
            s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
            s.sendall(b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Idempotency-Key: hangup-%d\r\nContent-Length: %d\r\n\r\n" % (i, len(body)) + body[: len(body) // 2])
            s.close()

        def reader(i):
            # Ask for far more than the socket buffers hold (an 8 MB asset 40 times, pipelined) and read
            # nothing: the server's writes stall, then must give up.
            t0 = time.time()
            try:
                s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
                s.settimeout(2)
                try:
                    s.sendall(b"GET /widget/big.js HTTP/1.1\r\nHost: x\r\n\r\n" * 40)
                except socket.timeout:
                    pass
                deadline = t0 + args.write_timeout + 3
                while time.time() < deadline and not stop.is_set():
                    time.sleep(0.2)
                # Now read: the connection must end (closed or reset), not go on answering.
                while not stop.is_set():
                    try:
                        if s.recv(1 << 16) == b"":
                            break
                    except socket.timeout:
                        if time.time() - t0 > args.write_timeout + 10:
                            return
                        continue
                with lock:
                    closed["reader"].append(time.time() - t0)
            except OSError:
                with lock:
                    closed["reader"].append(time.time() - t0)

        threads = [threading.Thread(target=slow, args=(k, i), daemon=True)
                   for k in ("header", "body") for i in range(args.conns)]
        threads += [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(args.readers)]
        for t in threads:
            t.start()
        for i in range(args.conns):
            hangup(i)
        lat, bad = [], []
        t0 = time.time()
        filed = False
        while time.time() - t0 < args.seconds:
            for m, p, b in (("GET", "/healthz", None), ("POST", "/api/v1/assessments", crash.FACTS)):
                t = time.time()
                try:
                    st, _, _ = crash.request(args.port, m, p, b, timeout=5)
                except OSError as e:
                    st = str(e)
                lat.append(time.time() - t)
                if st != 200:
                    bad.append((p, st))
            if not filed and time.time() - t0 > min(5, args.seconds / 2):
                st, v, _ = crash.request(args.port, "POST", "/api/v1/registrations", json.loads(body), {"Idempotency-Key": "good-1"})
                filed = st == 201
                if not filed:
                    bad.append(("filing", st, v))
            with lock:
                if len(closed["header"]) >= args.conns and len(closed["body"]) >= args.conns \
                        and len(closed["reader"]) >= args.readers:
                    break
            time.sleep(0.1)
        stop.set()
        lat.sort()
        p99 = lat[int(len(lat) * 0.99) - 1] if lat else 0
        rss1 = vm(pid, "VmHWM")
        facts.update(requests=len(lat), p50_ms=round(lat[len(lat) // 2] * 1000, 1), p99_ms=round(p99 * 1000, 1),
                     failed=len(bad), slow_header_closed=len(closed["header"]), slow_body_closed=len(closed["body"]),
                     max_header_close_s=round(max(closed["header"], default=0), 1),
                     max_body_close_s=round(max(closed["body"], default=0), 1),
                     slow_readers_closed=len(closed["reader"]),
                     max_reader_close_s=round(max(closed["reader"], default=0), 1),
                     rss_growth_mb=round((rss1 - rss0) / 1024, 1), elapsed_s=round(time.time() - t0, 1))
        if bad or p99 > 0.5:
            failures.append("well-behaved clients affected: %s p99=%.3fs" % (bad[:3], p99))
        if len(closed["header"]) < args.conns or max(closed["header"], default=0) > args.header_timeout:
            failures.append("slow-header connections not closed in time (%d of %d closed)" % (len(closed["header"]), args.conns))
        if len(closed["body"]) < args.conns or max(closed["body"], default=0) > args.body_timeout:
            failures.append("slow-body requests not closed in time (%d of %d closed)" % (len(closed["body"]), args.conns))
        if len(closed["reader"]) < args.readers:
            failures.append("readers that stopped reading not cut off (%d of %d)" % (len(closed["reader"]), args.readers))
        if rss1 - rss0 > 64 * 1024:
            failures.append("memory grew by %d MB" % ((rss1 - rss0) // 1024))
        st, v, _ = crash.request(args.port, "GET", "/readyz")
        srv.stop()
        import sqlite3
        c = sqlite3.connect(os.path.join(work, "data", "anbei.sqlite3"))
        keys = [k for (k,) in c.execute("SELECT idempotency_key FROM filings")]
        facts["filings"] = keys
        if any(k.startswith(("hangup-", "slow-")) for k in keys):
            failures.append("an aborted request left a filing")
    finally:
        stop.set()
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    return crash.verdict(facts, failures)


if __name__ == "__main__":
    sys.exit(main())
