#!/usr/bin/env python3
"""Log test (issue 17): a run's log holds no personal data, and every line is a JSON object; every
request's line names its request id, route, status and latency.

Runs `anbei serve --log-format json` with RUST_LOG=debug (the most the service ever says), makes filings
whose applicants, leads and workers each have their own ID number and mobile, sends requests that put
such numbers, an e-mail address and an `anb_` token where a careless log would copy them (URL path and
query, an X-Request-Id header, an invalid filing), then greps the whole log: none of those values may
appear, nor anything shaped like an ID number or a mobile. Exit 0 = pass. Loopback only, ~10 s.
"""
import argparse, json, os, re, shutil, sys, tempfile, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opsutil import OpsServer, binary, filing_body, personal, request, verdict  # noqa: E402

ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_SHAPE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=20)
    ap.add_argument("--port", type=int, default=18390)
    args = ap.parse_args()
    binary()
    work = tempfile.mkdtemp(prefix="anbei-logs-")
    os.makedirs(os.path.join(work, "www"))
    srv = OpsServer(args.port, os.path.join(work, "data"), {"RUST_LOG": "debug"}, ["--log-format", "json"])
    secrets, ids, failures = set(), set(), []
    try:
        srv.start()
        body = filing_body(args.port)
        run = uuid.uuid4().hex[:6]
        token = None
        for i in range(args.filings):
            b, s = personal(body, i + 1)
            secrets |= s
            st, v, h = request(args.port, "POST", "/api/v1/registrations", b,
                               {"Idempotency-Key": "%s-%d" % (run, i)})
            if st != 201:
                failures.append("filing %d: %s %s" % (i, st, v))
                continue
            ids.add(h.get("x-request-id"))
            token = v["access_token"]
            st, _, h = request(args.port, "GET", "/api/v1/registrations/" + v["filing_no"],
                               headers={"Authorization": "Bearer " + token})
            ids.add(h.get("x-request-id"))
        secrets.add(token or "anb_a_none")
        # places a careless log would copy
        bad, s = personal(body, 900)
        secrets |= s
        bad["applicant"]["id_number"] = bad["applicant"]["id_number"][:-1] + "0"  # wrong check character
        bad["applicant"]["email"] = "zhang.san.%s@example.com" % run
        secrets.add(bad["applicant"]["email"])
        for method, path, payload, headers in [
            ("POST", "/api/v1/registrations", bad, {"Idempotency-Key": run + "-bad"}),
            ("GET", "/api/v1/registrations/%s" % next(iter(secrets)), None, {}),
            ("GET", "/nowhere/13912345678?email=li.si@example.org&token=%s" % token, None, {}),
            ("GET", "/healthz", None, {"X-Request-Id": "13987654321"}),
            ("GET", "/api/v1/registrations/F-x", None, {"Authorization": "Bearer anb_a_forgedforgedforged"}),
        ]:
            st, _, h = request(args.port, method, path, payload, headers)
            ids.add(h.get("x-request-id"))
        secrets |= {"13912345678", "li.si@example.org", "13987654321", "anb_a_forgedforgedforged"}
        srv.stop()
        with open(srv.log_path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        seen_ids, access = set(), 0
        for n, line in enumerate(lines, 1):
            for sec in secrets:
                if sec and sec in line:
                    failures.append("line %d holds %r" % (n, sec[:4] + "…"))
            if ID_SHAPE.search(line) or MOBILE_SHAPE.search(line):
                failures.append("line %d holds an ID-number- or mobile-shaped value" % n)
            try:
                o = json.loads(line)
            except ValueError:
                failures.append("line %d is not JSON: %.80s" % (n, line))
                continue
            if not isinstance(o, dict) or not {"ts", "level", "target", "msg"} <= o.keys():
                failures.append("line %d lacks ts/level/target/msg" % n)
                continue
            if o["target"] == "anbei::access":
                access += 1
                missing = {"request_id", "route", "status", "latency_ms", "method"} - o.keys()
                if missing:
                    failures.append("access line %d lacks %s" % (n, sorted(missing)))
            if "request_id" in o:
                seen_ids.add(o["request_id"])
        unlogged = {i for i in ids if i} - seen_ids
        if unlogged:
            failures.append("%d answered requests have no log line with their request id" % len(unlogged))
        if access < len(ids):
            failures.append("%d access lines for %d requests" % (access, len(ids)))
        print({"log_lines": len(lines), "access_lines": access, "personal_values_checked": len(secrets),
               "requests": len(ids), "redacted_in_log": sum(l.count("[redacted]") for l in lines)})
    finally:
        if srv.proc and srv.proc.poll() is None:
            srv.kill9()
    rc = verdict("logs: %d filings with their own ID numbers and mobiles" % args.filings, failures[:20])
    if rc == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept:", work)
    return rc


if __name__ == "__main__":
    sys.exit(main())
