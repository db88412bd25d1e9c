#!/usr/bin/env python3
"""Disk full and read-only data directory (issue 5, "Faults"), SQLite backend.

Method: the data directory is a small tmpfs (`mount -t tmpfs -o size=32m`, needs root — works here).
  1. file --before filings (all 201);
  2. disk full: fill the tmpfs with a filler file until ENOSPC, then file and upload;
  3. free the space: filing works again without a restart;
  3a. nearly full (issue 16, item 8): the server restarted with ANBEI_UPLOAD_MIN_FREE_MB=8 (phases 1–3
      run without a floor, to see what a write does on a really full disk), the tmpfs filled until less
      than that is free: uploads answer 507 INSUFFICIENT_STORAGE, nothing stored, while
      filings (a few KB) still get 201; the filler removed again;
  4. read-only: stop, `mount -o remount,ro` the tmpfs (a busy filesystem cannot be remounted ro),
     start on it: refuses with a clear message or answers writes 503; remount rw, start: works again.
Pass criterion (exit 0): in 3a uploads answer 507 and filings 201; during 2 and 4 every filing and upload
answers 503 with Retry-After (never 500, never a hang > 15 s); a public read (verify) still answers 200, while a read of personal data (the
registration) answers 503 with Retry-After too: its audit entry cannot be stored, and a read that cannot be
recorded is refused (fail closed, issue 13); after each recovery a new
filing gets 201 with the next number; every filing acknowledged before is intact (token opens it,
receipt verifies) and `PRAGMA integrity_check` is ok.
"""
import json, os, subprocess, sys, tempfile, time, shutil
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash  # noqa: E402


def main():
    work = tempfile.mkdtemp(prefix="anbei-disk-")
    os.makedirs(os.path.join(work, "www"))
    data = os.path.join(work, "data")
    os.makedirs(data)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", data], check=True)
    port = 18193
    # Without the upload floor first (2: what a write does when the disk is really full), then with
    # one scaled to this 32 MB disk (3a; production default: 1 GiB or 5 %).
    no_floor = {"ANBEI_UPLOAD_MIN_FREE_MB": "0", "ANBEI_UPLOAD_MIN_FREE_PERCENT": "0"}
    srv = crash.Server(port, data, dict(no_floor))
    failures, facts, acked = [], {}, []
    try:
        srv.start()
        body = crash.filing_body(port)
        n = [0]

        def file(tag):
            n[0] += 1
            t = time.time()
            st, v, h = crash.request(port, "POST", "/api/v1/registrations", body, {"Idempotency-Key": "%s-%d" % (tag, n[0])}, timeout=20)
            if st == 201:
                acked.append(v)
            return st, v, h, time.time() - t

        def upload(tag):
            st, v, h = crash.request(port, "POST", "/api/v1/uploads", b"%PDF-1.4\n% " + tag.encode() + os.urandom(64000) + b"\n%%EOF",
                                     {"Content-Type": "application/pdf"}, timeout=20)
            return st, v, h

        for _ in range(20):
            st, v, _, _ = file("before")
            if st != 201:
                failures.append("before: %s %s" % (st, v))

        def degraded(phase):
            out = []
            # A filing may still fit: SQLite rewrites WAL pages the file already has, which needs no new
            # space, so a 201 here is a real, durable acknowledgement (checked with the others at the end).
            # What must never happen is a 500 or a hang; and once the WAL needs to grow, 503 + Retry-After.
            saw_503, took = False, 0
            for _ in range(60):
                st, v, h, dt = file(phase)
                if st == 503 and "retry-after" in h and dt <= 15:
                    saw_503 = True
                    break
                took += 1
                if st != 201 or dt > 15:
                    failures.append("%s filing: %s %s in %.1fs (want 503 with Retry-After, or 201)" % (phase, st, v, dt))
                    break
            out.append("%d×201 then %s" % (took, st) if took else st)
            if not saw_503 and not failures:
                failures.append("%s: 60 filings went in on a full disk; the full-disk answer was never seen" % phase)
            for i in range(3):
                ust, uv, uh = upload(phase + str(i))
                out.append(ust)
                if ust != 503 or "retry-after" not in uh:
                    failures.append("%s upload: %s %s" % (phase, ust, uv))
            a = acked[0]
            st, _, rh = crash.request(port, "GET", "/api/v1/registrations/" + a["filing_no"], headers={"Authorization": "Bearer " + a["access_token"]})
            st2, _, _ = crash.request(port, "GET", "/api/v1/receipts/%s/verify" % a["receipt"]["receipt_no"])
            if (st, st2) != (503, 200) or "retry-after" not in rh:
                failures.append("%s reads: %s %s (want 503 with Retry-After: the read's audit entry cannot be stored; 200)" % (phase, st, st2))
            facts[phase] = out

        def recovered(phase):
            st, v, _, _ = file(phase)
            facts[phase] = st
            if st != 201:
                failures.append("%s: %s %s" % (phase, st, v))

        filler = os.path.join(data, "filler")
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
                    f.flush()
            except OSError:
                pass
        subprocess.run(["sync"])
        degraded("disk_full")
        os.remove(filler)
        recovered("after_free")
        # 3a. Nearly full: 5 MB left, under an 8 MB floor — uploads refused, filings taken.
        srv.stop()
        srv.env = {"ANBEI_UPLOAD_MIN_FREE_MB": "8", "ANBEI_UPLOAD_MIN_FREE_PERCENT": "0"}
        srv.start()
        st = os.statvfs(data)
        with open(filler, "wb") as f:
            left = st.f_bavail * st.f_frsize - 5 * (1 << 20)
            while left > 0:
                chunk = min(left, 1 << 20)
                f.write(b"\0" * chunk)
                left -= chunk
        subprocess.run(["sync"])
        def stored_files():
            return sum(len(fs) for _, _, fs in os.walk(os.path.join(data, "uploads")))
        uploads_before = stored_files()
        out = []
        for i in range(3):
            ust, uv, _ = upload("low%d" % i)
            out.append(ust)
            if ust != 507 or (uv or {}).get("code") != "INSUFFICIENT_STORAGE" or not (uv or {}).get("detail_zh"):
                failures.append("nearly full upload: %s %s (want 507 INSUFFICIENT_STORAGE)" % (ust, uv))
            st_, v, _, dt = file("low")
            out.append(st_)
            if st_ != 201:
                failures.append("nearly full filing: %s %s (want 201: filings go on)" % (st_, v))
        if stored_files() != uploads_before:
            failures.append("an upload refused for space left a file")
        facts["nearly_full"] = out
        os.remove(filler)
        srv.env = dict(no_floor)
        # Read-only: Linux refuses to remount a filesystem read-only while a process holds files open
        # for writing (EBUSY), so the server is stopped, the tmpfs remounted ro, and the server started
        # on it: it must either refuse to start with a clear message or answer writes with 503.
        srv.stop()
        subprocess.run(["mount", "-o", "remount,ro", data], check=True)
        try:
            srv.start(timeout=10)
            degraded("read_only")
            srv.stop()
        except RuntimeError as e:
            tail = open(os.path.join(work, "server.log")).read().strip().splitlines()[-1:]
            facts["read_only"] = "refused to start: %s" % (tail[0] if tail else e)
            if not tail or "anbei:" not in tail[0]:
                failures.append("read-only start: no clear message (%s)" % e)
        subprocess.run(["mount", "-o", "remount,rw", data], check=True)
        srv.start()
        recovered("after_rw")
        # Every acknowledged filing intact; numbers consecutive, none reused.
        nos = []
        for a in acked:
            st, v, _ = crash.request(port, "GET", "/api/v1/registrations/" + a["filing_no"], headers={"Authorization": "Bearer " + a["access_token"]})
            # the public lookup with the verification code the receipt carries (printed beside its QR)
            vurl = ((v or {}).get("receipt") or {}).get("verify_url") or a["receipt"].get("verify_url")
            st2, ver, _ = crash.request(port, "GET", vurl or "/api/v1/receipts/%s/verify" % a["receipt"]["receipt_no"])
            if st != 200 or st2 != 200 or not ver.get("signature_valid"):
                failures.append("lost or broken after faults: %s" % a["filing_no"])
            nos.append(int(a["filing_no"].rsplit("-", 1)[1]))
        if len(set(nos)) != len(nos):
            failures.append("a filing number was reused")
        srv.stop()
        import sqlite3
        c = sqlite3.connect(os.path.join(data, "anbei.sqlite3"))
        facts["integrity_check"] = c.execute("PRAGMA integrity_check").fetchone()[0]
        facts["filings"] = c.execute("SELECT count(*) FROM filings").fetchone()[0]
        facts["acknowledged"] = len(acked)
        if facts["integrity_check"] != "ok" or facts["filings"] != len(acked):
            failures.append("database after faults: %s, %s rows for %s acknowledged" % (facts["integrity_check"], facts["filings"], len(acked)))
        c.close()
    finally:
        srv.stop()
        subprocess.run(["umount", data])
        shutil.rmtree(work, ignore_errors=True)
    return crash.verdict(facts, failures)


if __name__ == "__main__":
    sys.exit(main())
