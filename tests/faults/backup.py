#!/usr/bin/env python3
"""Backup test (issue 17): a backup taken under filing load, restored into a fresh server, holds every
receipt acknowledged before the backup began, and each verifies.

SQLite: `anbei backup --to FILE` while `anbei serve` files under load, then `anbei restore --from FILE`
into a new data directory and a fresh server on it (and `anbei restore` into a non-empty directory
must be refused). PostgreSQL (a scratch schema on the shared cluster): `pg_dump -Fc -n SCHEMA` under load
plus `anbei backup` for the data directory's files, then `pg_restore` into a scratch database and
`anbei restore` of the files, a fresh server on both — as OPERATIONS.md says. The check is crash.py's
(present, same numbers and signature, receipt verifies, no number issued twice) over the filings
acknowledged before the backup started. Prints the backup's time and size. Exit 0 = pass. Loopback only.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from opsutil import (PG_SHARED, OpsServer, StopLoad, backend_env, binary, check, check_args,  # noqa: E402
                     drop_schema, filing_body, log, pg_url_for, verdict)


def run(*cmd, **kw):
    t0 = time.time()
    r = subprocess.run(list(cmd), capture_output=True, text=True, **kw)
    return r, time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=float, default=4, help="load before the backup")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--port", type=int, default=18490)
    args = ap.parse_args()
    anbei = binary()
    work = tempfile.mkdtemp(prefix="anbei-backup-")
    os.makedirs(os.path.join(work, "www"))
    data = os.path.join(work, "data")
    env, schema = backend_env(args.backend, "bak")
    srv = OpsServer(args.port, data, env)
    restored_db, restored = None, None
    failures, result = [], {"backend": args.backend}
    try:
        srv.start()
        body = filing_body(args.port)
        load = StopLoad(args.port, body, args.clients, uuid.uuid4().hex[:6])
        load.start()
        time.sleep(args.seconds)
        with load.lock:
            before = dict(load.acked)
        out = os.path.join(work, "anbei.backup.tar")
        if args.backend == "postgres":
            # the database first, then the files (OPERATIONS.md): every upload the dump names is in them
            dump = os.path.join(work, "anbei.pgdump")
            r, took = run("pg_dump", "-Fc", "-n", schema, "-f", dump, PG_SHARED)
            if r.returncode != 0:
                failures.append("pg_dump failed: %s" % r.stderr.strip())
            result.update(pg_dump_seconds=round(took, 3), pg_dump_bytes=os.path.getsize(dump) if os.path.exists(dump) else 0)
        r, took = run(anbei, "backup", "--to", out, "--data-dir", data, env=dict(os.environ, **env))
        if r.returncode != 0:
            failures.append("anbei backup failed: %s" % r.stderr.strip())
        result.update(backup_seconds=round(took, 3), backup_bytes=os.path.getsize(out) if os.path.exists(out) else 0)
        if os.path.exists(out) and os.stat(out).st_mode & 0o777 != 0o600:
            failures.append("backup file mode %o, not 600" % (os.stat(out).st_mode & 0o777))
        with load.lock:
            during = len(load.acked)
        time.sleep(1)
        load.finish()
        srv.stop()
        if load.server_errors:
            failures.append("%d requests answered 5xx during the backup" % len(load.server_errors))
        log("%d acknowledged before the backup, %d by its end, %d in all" % (len(before), during, len(load.acked)))
        # a restore never lands on data
        r, _ = run(anbei, "restore", "--from", out, "--data-dir", data)
        if r.returncode == 0 or "not empty" not in r.stderr:
            failures.append("restore into the live data directory was not refused: %s" % r.stderr.strip())
        fresh = os.path.join(work, "restored")
        r, took = run(anbei, "restore", "--from", out, "--data-dir", fresh)
        if r.returncode != 0:
            failures.append("anbei restore failed: %s" % r.stderr.strip())
        result["restore_seconds"] = round(took, 3)
        renv = dict(env)
        if args.backend == "postgres":
            restored_db = "anbei_restore_%s" % uuid.uuid4().hex[:8]
            base = PG_SHARED.rsplit("/", 1)[0]
            subprocess.run(["psql", PG_SHARED, "-qc", "CREATE DATABASE %s" % restored_db], check=True,
                           capture_output=True)
            r, took = run("pg_restore", "--no-owner", "-d", "%s/%s" % (base, restored_db), dump)
            if r.returncode != 0:
                failures.append("pg_restore failed: %s" % r.stderr.strip())
            result["pg_restore_seconds"] = round(took, 3)
            renv["DATABASE_URL"] = "%s/%s" % (base, restored_db)
        restored = OpsServer(args.port + 1, fresh, renv, log_name="restored.log")
        restored.start()
        problems, lost, nf, nr = check(check_args(args.backend), args.port + 1, fresh, pg_url_for(renv), before, body)
        failures += problems
        result.update(acknowledged_before_backup=len(before), restored_filings=nf, lost=lost)
        if not before:
            failures.append("nothing was acknowledged before the backup")
        restored.stop()
        print(result)
    finally:
        for s in (srv, restored):
            if s and s.proc and s.proc.poll() is None:
                s.kill9()
        drop_schema(schema)
        if restored_db:
            subprocess.run(["psql", PG_SHARED, "-qc", "DROP DATABASE IF EXISTS %s" % restored_db],
                           capture_output=True)
    rc = verdict("backup under load, restored into a fresh server", failures)
    if rc == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept:", work)
    return rc


if __name__ == "__main__":
    sys.exit(main())
