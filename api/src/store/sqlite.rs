//! SQLite store: WAL, `synchronous=FULL`, one writer thread that groups up to [`MAX_BATCH`] pending
//! writes into one transaction (each in its own savepoint) and answers every request only after the
//! COMMIT has returned — so a 201 means the row is on disk, while fsyncs are shared. Reads use a small
//! pool of separate connections on the blocking thread pool.

use super::*;
use crate::signing::Signer;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// Most writes grouped into one transaction.
pub const MAX_BATCH: usize = 256;
const READERS: usize = 4;

/// A write queued for the writer thread. It runs inside a group transaction and may run twice: first
/// optimistically with the rest of its group and no savepoint; if any job of the group fails, the whole
/// group is rolled back and every job runs again in its own savepoint, so one failure never takes
/// another request's write with it. Either way it is answered only once the COMMIT has returned.
trait WriteJob: Send {
    /// Runs against the open transaction; keeps the outcome; `false` if it failed.
    fn run(&mut self, c: &Connection) -> bool;
    /// Records that the transaction could not even begin.
    fn fail(&mut self, why: &str);
    /// Answers the waiting request.
    fn answer(self: Box<Self>, committed: bool);
}

struct Pending<T, F> {
    f: F,
    outcome: Option<Result<T, StoreError>>,
    tx: tokio::sync::oneshot::Sender<Result<T, StoreError>>,
}

impl<T: Send, F: FnMut(&Connection) -> Result<T, StoreError> + Send> WriteJob for Pending<T, F> {
    fn run(&mut self, c: &Connection) -> bool {
        let r = (self.f)(c);
        let ok = r.is_ok();
        self.outcome = Some(r);
        ok
    }
    fn fail(&mut self, why: &str) {
        self.outcome = Some(Err(StoreError::Db(why.to_owned())));
    }
    fn answer(self: Box<Self>, committed: bool) {
        let Pending { f, outcome, tx } = *self;
        drop(f);
        let out = match outcome {
            Some(Ok(_)) if !committed => Err(StoreError::Db("commit failed".into())),
            Some(other) => other,
            None => Err(StoreError::Db("the write did not run".into())),
        };
        let _ = tx.send(out);
    }
}

type Job = Box<dyn WriteJob>;

pub struct SqliteStore {
    tx: mpsc::Sender<Job>,
    readers: Arc<Vec<Mutex<Connection>>>,
    next: AtomicUsize,
    signer: Arc<Signer>,
    /// Filing and receipt numbers; `None` when the store was opened beside a running server.
    numbers: Option<Arc<Numbers>>,
    /// Dropped with the store: stops the checkpoint thread.
    _stop_checkpointer: mpsc::Sender<()>,
}

/// Filing (`F-…`) and receipt (`LG-…`) numbers, handed out in memory.
///
/// Only the process holding the data directory's lock (`anbei.sqlite3.lock`, taken in
/// [`SqliteStore::open`]) writes filings, so the next number of a street and day is known here
/// without asking the database. That takes the counter statements off the writer and lets the
/// receipt be signed on the request's own thread before its write is queued — the single writer
/// thread was the bottleneck with both on it. Each series is seeded once per process from the
/// highest number committed. A number whose write then fails is not used again (a gap, never a
/// duplicate); the UNIQUE keys on both columns would refuse a duplicate anyway.
struct Numbers {
    /// The last number handed out, by series prefix (`F-bantian-20261123`).
    last: Mutex<std::collections::HashMap<String, i64>>,
    /// Held for the life of the store.
    _lock: std::fs::File,
}

impl Numbers {
    /// The next number of a series. `committed` reads the highest number already committed; it
    /// runs only the first time the series is used in this process.
    fn next(
        &self,
        kind: Kind,
        street: &str,
        day: &str,
        committed: impl FnOnce() -> Result<i64, StoreError>,
    ) -> Result<i64, StoreError> {
        let series = series(kind, street, day);
        let bump = |n: &mut i64| {
            *n += 1;
            *n
        };
        if let Some(n) = self
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&series)
        {
            return Ok(bump(n));
        }
        // Read without holding the lock; if a concurrent request seeded the series meanwhile, its
        // entry (and what it handed out) wins.
        let seed = committed()?;
        let mut m = self.last.lock().unwrap_or_else(|p| p.into_inner());
        Ok(bump(m.entry(series).or_insert(seed)))
    }

    /// Takes back `n` (of a filing that turned out to be a replay) if it is still the last number
    /// handed out in its series, so that a replay leaves no gap. If another filing of the same street
    /// and day took a number meanwhile, `n` stays a gap: numbers are never handed out twice.
    fn give_back(&self, kind: Kind, street: &str, day: &str, n: i64) {
        let series = series(kind, street, day);
        if let Some(last) = self
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&series)
        {
            if *last == n {
                *last = n - 1;
            }
        }
    }
}

/// The series of a kind of number: `F-<street>-<day>` or `LG-<street>-<day>`.
fn series(kind: Kind, street: &str, day: &str) -> String {
    match kind {
        Kind::Filing => format!("F-{street}-{day}"),
        Kind::Receipt => format!("LG-{street}-{day}"),
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Filing,
    Receipt,
}

/// The highest number of a series already committed: from the rows themselves, and from the
/// `counters` table that databases written before in-memory numbering kept.
fn committed_max(c: &Connection, kind: Kind, street: &str, day: &str) -> Result<i64, StoreError> {
    let series = series(kind, street, day);
    let sql = match kind {
        Kind::Filing => {
            "SELECT COALESCE(MAX(CAST(substr(filing_no, ?2) AS INTEGER)), 0) FROM filings WHERE filing_no > ?1 AND filing_no < ?3"
        }
        Kind::Receipt => {
            "SELECT COALESCE(MAX(CAST(substr(receipt_no, ?2) AS INTEGER)), 0) FROM receipts WHERE receipt_no > ?1 AND receipt_no < ?3"
        }
    };
    // Every number of the series starts with `<series>-`; `.` sorts right after `-`.
    let from = format!("{series}-");
    let until = format!("{series}.");
    let rows: i64 = c
        .prepare_cached(sql)
        .map_err(db)?
        .query_row(params![from, from.len() as i64 + 1, until], |r| r.get(0))
        .map_err(db)?;
    let kind = match kind {
        Kind::Filing => "F",
        Kind::Receipt => "R",
    };
    let counted: Option<i64> = c
        .prepare_cached("SELECT value FROM counters WHERE kind = ?1 AND street = ?2 AND day = ?3")
        .map_err(db)?
        .query_row(params![kind, street, day], |r| r.get(0))
        .optional()
        .map_err(db)?;
    Ok(rows.max(counted.unwrap_or(0)))
}

/// An exclusive, non-blocking `flock` on `f` (released by the kernel when the process ends, also on
/// `kill -9`); `Ok(false)` if another process holds it. (`File::try_lock` needs Rust 1.89, above this
/// workspace's MSRV.)
#[cfg(target_os = "linux")]
fn try_lock(f: &std::fs::File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain syscall on a descriptor `f` keeps open for the duration of the call.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Elsewhere (development machines only) no lock is taken: run one server per data directory.
#[cfg(not(target_os = "linux"))]
fn try_lock(_: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// Takes the data directory's lock for `db`, or says who holds it.
fn lock_data_dir(db: &Path) -> Result<std::fs::File, String> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let path = std::path::PathBuf::from(name);
    // A read-only data directory still locks through an existing file (and then fails clearly on
    // opening the database itself).
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .or_else(|_| std::fs::File::open(&path))
        .map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))?;
    if try_lock(&f).map_err(|e| format!("cannot lock {}: {e}", path.display()))? {
        Ok(f)
    } else {
        Err(format!(
            "{} is in use by another `anbei serve` (lock {} is held); one server per data directory",
            db.display(),
            path.display()
        ))
    }
}

fn checkpointer(c: Connection, stop: mpsc::Receiver<()>) {
    loop {
        match stop.recv_timeout(std::time::Duration::from_millis(250)) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "sqlite: checkpoint failed");
                }
            }
            _ => {
                let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
                return;
            }
        }
    }
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(e.to_string())
}

fn configure(c: &Connection) -> rusqlite::Result<()> {
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    // The writer alone uses ~15 distinct statements; keep them all prepared.
    c.set_prepared_statement_cache_capacity(64);
    c.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl SqliteStore {
    /// Opens (and migrates) the database at `path`. A server (`shared: false`) takes the data
    /// directory's lock and refuses to start beside another; `shared: true` (`anbei officer add`)
    /// opens it beside a running server and can do everything but number filings and receipts.
    pub fn open(path: &Path, signer: Arc<Signer>, shared: bool) -> Result<SqliteStore, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let lock = if shared {
            None
        } else {
            Some(lock_data_dir(path)?)
        };
        let w = Connection::open(path).map_err(|e| e.to_string())?;
        configure(&w).map_err(|e| e.to_string())?;
        let mode: String = w
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!("could not switch to WAL (journal_mode={mode})"));
        }
        // FULL: the WAL is fsynced at every COMMIT, so a committed filing survives power loss.
        // Test only: ANBEI_SQLITE_SYNCHRONOUS=OFF runs without fsync, for the negative control of the
        // crash test (tests/faults/crash.py --negative-control). Never set it in production.
        let sync = match std::env::var("ANBEI_SQLITE_SYNCHRONOUS").as_deref() {
            Ok("OFF") => {
                tracing::warn!("ANBEI_SQLITE_SYNCHRONOUS=OFF: commits are NOT durable (test only)");
                "OFF"
            }
            _ => "FULL",
        };
        w.pragma_update(None, "synchronous", sync)
            .map_err(|e| e.to_string())?;
        migrate(&w)?;
        // Each job of a group runs in a savepoint: keep its statement journal in memory rather than in
        // a temporary file, and keep the indexes' hot pages cached between groups.
        w.pragma_update(None, "temp_store", "MEMORY")
            .map_err(|e| e.to_string())?;
        w.pragma_update(None, "cache_size", -32768)
            .map_err(|e| e.to_string())?;
        // Checkpoints run mostly on their own thread (PASSIVE: they never block the writer), so a commit
        // only waits for its own WAL fsync, not for copying pages back; the writer finishes one between
        // groups every WRITER_CHECKPOINT_EVERY so that the WAL starts over (see `writer`).
        w.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|e| e.to_string())?;
        // When the WAL starts over, a file that grew past this is cut back to it.
        w.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)
            .map_err(|e| e.to_string())?;
        let ck = Connection::open(path).map_err(|e| e.to_string())?;
        configure(&ck).map_err(|e| e.to_string())?;
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("anbei-sqlite-checkpoint".into())
            .spawn(move || checkpointer(ck, stop_rx))
            .map_err(|e| e.to_string())?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(path).map_err(|e| e.to_string())?;
            configure(&r).map_err(|e| e.to_string())?;
            r.pragma_update(None, "query_only", "ON")
                .map_err(|e| e.to_string())?;
            readers.push(Mutex::new(r));
        }
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("anbei-sqlite-writer".into())
            .spawn(move || writer(w, rx))
            .map_err(|e| e.to_string())?;
        Ok(SqliteStore {
            tx,
            readers: Arc::new(readers),
            next: AtomicUsize::new(0),
            signer,
            numbers: lock.map(|_lock| {
                Arc::new(Numbers {
                    last: Mutex::new(std::collections::HashMap::new()),
                    _lock,
                })
            }),
            _stop_checkpointer: stop_tx,
        })
    }

    /// Queues a write for the group-commit writer; resolves once its transaction has committed (or
    /// failed). `f` may run twice (see [`WriteJob`]), so it must only read what it captures.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnMut(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Fut<'_, T> {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T, StoreError>>();
        let sent = self.tx.send(Box::new(Pending {
            f,
            outcome: None,
            tx,
        }));
        Box::pin(async move {
            sent.map_err(|_| StoreError::Db("the writer thread has stopped".into()))?;
            rx.await
                .map_err(|_| StoreError::Db("the writer thread dropped a request".into()))?
        })
    }

    /// A point lookup or one short ledger page, run right here: an indexed read in WAL mode takes
    /// microseconds (a page of [`super::LEDGER_PAGE`] rows well under a millisecond) and never waits for
    /// the writer, so hopping to the blocking pool would cost more than it saves.
    fn read_now<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Fut<'_, T> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % READERS;
        let r = {
            let c = self.readers[i].lock().unwrap_or_else(|p| p.into_inner());
            f(&c)
        };
        Box::pin(async move { r })
    }

    /// The next number of a series, on the request's thread (a database read only the first time
    /// a series is used in this process).
    fn next_number(&self, kind: Kind, street: &str, day: &str) -> Result<i64, StoreError> {
        let numbers = self.numbers.as_ref().ok_or_else(not_numbering)?;
        numbers.next(kind, street, day, || {
            let i = self.next.fetch_add(1, Ordering::Relaxed) % READERS;
            let c = self.readers[i].lock().unwrap_or_else(|p| p.into_inner());
            committed_max(&c, kind, street, day)
        })
    }
}

/// A statement without parameters or rows, prepared once per connection (no SQL parsing per job).
fn run_cached(c: &Connection, sql: &str) -> rusqlite::Result<()> {
    c.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// How often the writer itself checkpoints (see [`writer`]).
const WRITER_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

fn writer(conn: Connection, rx: mpsc::Receiver<Job>) {
    let mut last_checkpoint = std::time::Instant::now();
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let committed = run_group(&conn, &mut batch);
        for j in batch {
            j.answer(committed);
        }
        // The checkpoint thread copies pages back while the writer goes on, but under continuous writes
        // it can never catch up with the end of the WAL, and a WAL starts over only once a checkpoint
        // has caught up: it grew to gigabytes in a 60 s benchmark. Between two groups nothing is
        // appended, so a checkpoint run here (after the requests are answered) finishes the little the
        // checkpoint thread left, and the next group writes the WAL from its start again.
        if last_checkpoint.elapsed() >= WRITER_CHECKPOINT_EVERY {
            last_checkpoint = std::time::Instant::now();
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                tracing::warn!(error = %e, "sqlite: writer checkpoint failed");
            }
        }
    }
}

/// Runs one group in one transaction; `true` if it committed. Fast path: every job straight after the
/// other. If one fails, the group is rolled back and run again with a savepoint per job (the statement
/// journal a savepoint keeps costs ~7 % of a filing's instructions, so only failures pay for it).
fn run_group(conn: &Connection, batch: &mut [Job]) -> bool {
    let begin = |what: &str| match run_cached(conn, "BEGIN IMMEDIATE") {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "sqlite: cannot begin the {what} transaction");
            false
        }
    };
    if !begin("group") {
        for j in batch.iter_mut() {
            j.fail("could not begin a transaction");
        }
        return false;
    }
    let mut all_ok = true;
    for j in batch.iter_mut() {
        all_ok &= j.run(conn);
    }
    if !all_ok && batch.len() > 1 {
        let _ = conn.execute_batch("ROLLBACK");
        if !begin("retry") {
            for j in batch.iter_mut() {
                j.fail("could not begin a transaction");
            }
            return false;
        }
        for j in batch.iter_mut() {
            if let Err(e) = run_cached(conn, "SAVEPOINT job") {
                j.fail(&e.to_string());
                continue;
            }
            let end = if j.run(conn) {
                run_cached(conn, "RELEASE job")
            } else {
                run_cached(conn, "ROLLBACK TO job").and_then(|()| run_cached(conn, "RELEASE job"))
            };
            if let Err(e) = end {
                j.fail(&e.to_string());
            }
        }
    } else if !all_ok {
        // A group of one that failed: nothing of it may stay.
        let _ = conn.execute_batch("ROLLBACK");
        return false;
    }
    match run_cached(conn, "COMMIT") {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "sqlite: group commit failed");
            let _ = conn.execute_batch("ROLLBACK");
            false
        }
    }
}

fn migrate(c: &Connection) -> Result<(), String> {
    c.execute_batch(super::migrate::CREATE_TABLE)
        .map_err(|e| e.to_string())?;
    for (v, name, sql) in super::migrate::SQLITE {
        let done: Option<i64> = c
            .query_row(
                "SELECT version FROM anbei_migrations WHERE version = ?1",
                [v],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| e.to_string())?;
        if done.is_some() {
            continue;
        }
        let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql)
            .map_err(|e| format!("migration {v:04}_{name}: {e}"))?;
        tx.execute("INSERT INTO anbei_migrations (version, name, applied_at) VALUES (?1, ?2, datetime('now'))", params![v, name]).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub(crate) const SELECT_FILING: &str = "SELECT f.filing_no, f.street, f.status, f.version, f.created_at, f.updated_at, f.filed_on, \
     f.high_risk, f.scope, f.acceptance_due, f.access_token_hash, f.idempotency_key, f.request_hash, f.request, \
     f.assessment, f.requested_changes, r.receipt_no, r.ruleset, r.scope, r.high_risk, r.valid_until, r.issued_at, \
     r.signature, r.kid FROM filings f LEFT JOIN receipts r ON r.filing_no = f.filing_no";

fn row_to_filing(r: &Row<'_>) -> rusqlite::Result<FilingRecord> {
    let filing_no: String = r.get(0)?;
    let street: String = r.get(1)?;
    let status: String = r.get(2)?;
    let receipt_no: Option<String> = r.get(16)?;
    let receipt = match receipt_no {
        Some(no) => Some(Receipt {
            receipt_no: no,
            filing_no: filing_no.clone(),
            street: street.clone(),
            ruleset: r.get(17)?,
            scope: r.get(18)?,
            high_risk: r.get(19)?,
            valid_until: r.get(20)?,
            issued_at: r.get(21)?,
            signature: r.get(22)?,
            kid: r.get(23)?,
        }),
        None => None,
    };
    Ok(FilingRecord {
        filing_no,
        street,
        status: Status::parse(&status).unwrap_or(Status::Filed),
        version: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        filed_on: r.get(6)?,
        high_risk: r.get(7)?,
        scope: r.get(8)?,
        acceptance_due: r.get(9)?,
        access_token_hash: r.get(10)?,
        idempotency_key: r.get(11)?,
        request_hash: r.get(12)?,
        request: r.get(13)?,
        assessment: r.get(14)?,
        requested_changes: r.get(15)?,
        receipt,
        events: vec![],
    })
}

fn load(c: &Connection, where_: &str, key: &str) -> Result<Option<FilingRecord>, StoreError> {
    let sql = format!("{SELECT_FILING} WHERE {where_} = ?1");
    let rec = c
        .prepare_cached(&sql)
        .map_err(db)?
        .query_row([key], row_to_filing)
        .optional()
        .map_err(db)?;
    let Some(mut rec) = rec else { return Ok(None) };
    let mut st = c.prepare_cached("SELECT at, actor, actor_name, action, reason, data FROM events WHERE filing_no = ?1 ORDER BY id").map_err(db)?;
    let events = st
        .query_map([&rec.filing_no], |r| {
            let data: Option<String> = r.get(5)?;
            Ok(Event {
                at: r.get(0)?,
                actor: r.get(1)?,
                actor_name: r.get(2)?,
                action: r.get(3)?,
                reason: r.get(4)?,
                data: data.and_then(|d| serde_json::from_str(&d).ok()),
            })
        })
        .map_err(db)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db)?;
    rec.events = events;
    Ok(Some(rec))
}

fn not_numbering() -> StoreError {
    StoreError::Db(
        "this process opened the database beside a running server and cannot number filings".into(),
    )
}

fn insert_event(c: &Connection, filing_no: &str, e: &Event) -> Result<(), StoreError> {
    let data = e.data.as_ref().map(|d| d.to_string());
    c.prepare_cached("INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .map_err(db)?
        .execute(params![filing_no, e.at, e.actor, e.actor_name, e.action, e.reason, data])
        .map_err(db)?;
    Ok(())
}

fn insert_receipt(c: &Connection, r: &Receipt) -> Result<(), StoreError> {
    c.prepare_cached("INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, high_risk, valid_until, issued_at, signature, kid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .map_err(db)?
        .execute(params![r.receipt_no, r.filing_no, r.street, r.ruleset, r.scope, r.high_risk, r.valid_until, r.issued_at, r.signature, r.kid])
        .map_err(db)?;
    Ok(())
}

impl Store for SqliteStore {
    fn ping(&self) -> Fut<'_, ()> {
        self.read_now(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(db))
    }

    fn create_filing(&self, f: NewFiling) -> Fut<'_, Created> {
        Box::pin(async move {
            // Numbering, the access token and the receipt's signature happen here, on the request's
            // thread: the writer thread only inserts.
            let seq = self.next_number(Kind::Filing, &f.street, &f.day)?;
            let no = filing_no(&f.street, &f.day, seq);
            let token_hash = access_token_hash(&self.signer, &no, &f.idempotency_key);
            let (receipt, receipt_seq) = match &f.receipt {
                Some(d) => {
                    let rseq = self.next_number(Kind::Receipt, &f.street, &d.day)?;
                    (
                        Some(make_receipt(&self.signer, &no, &f.street, rseq, d)),
                        Some((rseq, d.day.clone())),
                    )
                }
                None => (None, None),
            };
            let f = Arc::new(f);
            let inserted = {
                let (f, no, token_hash, receipt) =
                    (f.clone(), no.clone(), token_hash.clone(), receipt.clone());
                self.write(move |c| {
                    let existing: Option<(String, String)> = c
                        .prepare_cached("SELECT request_hash, filing_no FROM filings WHERE idempotency_key = ?1")
                        .map_err(db)?
                        .query_row([&f.idempotency_key], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                        .map_err(db)?;
                    if existing.is_some() {
                        return Ok(existing);
                    }
                    c.prepare_cached(
                        "INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope, acceptance_due, \
                         access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes) \
                         VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL)",
                    )
                    .map_err(db)?
                    .execute(params![no, f.street, f.status.as_str(), f.created_at, f.filed_on, f.high_risk, f.scope, f.acceptance_due, token_hash, f.idempotency_key, f.request_hash, f.request, f.assessment])
                    .map_err(db)?;
                    for e in &f.events {
                        insert_event(c, &no, e)?;
                    }
                    if let Some(r) = &receipt {
                        insert_receipt(c, r)?;
                    }
                    Ok(None)
                })
                .await?
            };
            Ok(match inserted {
                Some((request_hash, filing_no)) => {
                    if let Some(numbers) = &self.numbers {
                        if let Some((rseq, rday)) = &receipt_seq {
                            numbers.give_back(Kind::Receipt, &f.street, rday, *rseq);
                        }
                        numbers.give_back(Kind::Filing, &f.street, &f.day, seq);
                    }
                    Created::Existing {
                        request_hash,
                        filing_no,
                    }
                }
                None => Created::New(Box::new(f.record(no, token_hash, receipt))),
            })
        })
    }

    fn replay_leaves_no_gap(&self) -> bool {
        true
    }

    fn find_idempotent(&self, key: &str) -> Fut<'_, Option<(String, String)>> {
        let key = key.to_owned();
        self.read_now(move |c| {
            c.prepare_cached(
                "SELECT request_hash, filing_no FROM filings WHERE idempotency_key = ?1",
            )
            .map_err(db)?
            .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(db)
        })
    }

    fn get_filing(&self, filing_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = filing_no.to_owned();
        self.read_now(move |c| load(c, "f.filing_no", &k))
    }

    fn get_by_receipt(&self, receipt_no: &str) -> Fut<'_, Option<FilingRecord>> {
        let k = receipt_no.to_owned();
        self.read_now(move |c| load(c, "r.receipt_no", &k))
    }

    fn update_filing(&self, u: FilingUpdate) -> Fut<'_, FilingRecord> {
        let signer = self.signer.clone();
        let numbers = self.numbers.clone();
        // The job may run twice (see `WriteJob`): its receipt number is taken once.
        let mut taken: Option<i64> = None;
        self.write(move |c| {
            let Some(cur) = load(c, "f.filing_no", &u.filing_no)? else { return Err(StoreError::NotFound) };
            let n = c
                .prepare_cached(
                    "UPDATE filings SET status = ?1, version = version + 1, updated_at = ?2, filed_on = COALESCE(?3, filed_on), \
                     request = COALESCE(?4, request), request_hash = COALESCE(?5, request_hash), assessment = COALESCE(?6, assessment), \
                     high_risk = COALESCE(?7, high_risk), scope = COALESCE(?8, scope), \
                     acceptance_due = CASE WHEN ?9 THEN ?10 ELSE acceptance_due END, \
                     requested_changes = CASE WHEN ?11 THEN ?12 ELSE requested_changes END \
                     WHERE filing_no = ?13 AND version = ?14",
                )
                .map_err(db)?
                .execute(params![
                    u.status.as_str(),
                    u.updated_at,
                    u.filed_on,
                    u.request,
                    u.request_hash,
                    u.assessment,
                    u.high_risk,
                    u.scope,
                    u.acceptance_due.is_some(),
                    u.acceptance_due.clone().flatten(),
                    u.requested_changes.is_some(),
                    u.requested_changes.clone().flatten(),
                    u.filing_no,
                    u.expected_version
                ])
                .map_err(db)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            insert_event(c, &u.filing_no, &u.event)?;
            match &u.receipt {
                ReceiptOp::Keep => {}
                ReceiptOp::Issue(d) => {
                    let seq = match taken {
                        Some(n) => n,
                        None => {
                            let numbers = numbers.as_ref().ok_or_else(not_numbering)?;
                            let n = numbers.next(Kind::Receipt, &cur.street, &d.day, || {
                                committed_max(c, Kind::Receipt, &cur.street, &d.day)
                            })?;
                            *taken.insert(n)
                        }
                    };
                    insert_receipt(c, &make_receipt(&signer, &cur.filing_no, &cur.street, seq, d))?;
                }
                ReceiptOp::Resign { valid_until } => {
                    let Some(mut r) = cur.receipt.clone() else { return Err(StoreError::Db("no receipt to extend".into())) };
                    r.valid_until = valid_until.clone();
                    r.kid = signer.kid().to_owned();
                    r.signature = signer.sign(&r.payload());
                    c.prepare_cached("UPDATE receipts SET valid_until = ?1, signature = ?2, kid = ?3 WHERE receipt_no = ?4")
                        .map_err(db)?
                        .execute(params![r.valid_until, r.signature, r.kid, r.receipt_no])
                        .map_err(db)?;
                }
            }
            load(c, "f.filing_no", &u.filing_no)?.ok_or(StoreError::NotFound)
        })
    }

    fn ledger_page(
        &self,
        filter: ListFilter,
        after: Option<String>,
        limit: u32,
    ) -> Fut<'_, LedgerPage> {
        // At normal priority, on the request's thread, and short: a read holds a WAL snapshot until its
        // last row, and while any reader holds one the WAL cannot start over. Read on the low-priority
        // bulk thread, as before, a page was starved mid-read whenever filings kept both cores busy, the
        // WAL grew by hundreds of megabytes behind it, and the checkpoint that finally copied them back
        // stalled commits for tens of milliseconds. So a page returns at most `limit` rows and looks at
        // no more than LEDGER_SCAN filings (a filter that matches few rows must not turn one page into
        // a scan of the whole table); formatting the rows, the expensive part of an export, still runs
        // at low priority.
        self.read_now(move |c| {
            let after = after.unwrap_or_default();
            // Where this page's window ends: the LEDGER_SCAN-th filing after the cursor (an index walk).
            // None: fewer remain, the window reaches the end of the ledger.
            let end: Option<String> = c
                .prepare_cached(
                    "SELECT filing_no FROM filings WHERE filing_no > ?1 ORDER BY filing_no LIMIT 1 OFFSET ?2",
                )
                .map_err(db)?
                .query_row(params![after, LEDGER_SCAN - 1], |r| r.get(0))
                .optional()
                .map_err(db)?;
            let sql = format!(
                "{SELECT_LEDGER} LEFT JOIN receipts r ON r.filing_no = f.filing_no WHERE f.filing_no > ?4 \
                 AND (?5 IS NULL OR f.filing_no <= ?5) AND (?1 IS NULL OR f.street = ?1) \
                 AND (?2 IS NULL OR f.filed_on >= ?2) AND (?3 IS NULL OR f.filed_on <= ?3) \
                 ORDER BY f.filing_no LIMIT ?6"
            );
            let mut st = c.prepare_cached(&sql).map_err(db)?;
            let rows = st
                .query_map(params![filter.street, filter.from, filter.to, after, end, limit], |r| {
                    let status: String = r.get(2)?;
                    Ok(LedgerEntry {
                        filing_no: r.get(0)?,
                        street: r.get(1)?,
                        status: Status::parse(&status).unwrap_or(Status::Filed),
                        filed_on: r.get(3)?,
                        scope: r.get(4)?,
                        high_risk: r.get(5)?,
                        acceptance_due: r.get(6)?,
                        request: r.get(7)?,
                        receipt_no: r.get(8)?,
                        valid_until: r.get(9)?,
                        ruleset: r.get(10)?,
                    })
                })
                .map_err(db)?;
            let entries = rows.collect::<Result<Vec<_>, _>>().map_err(db)?;
            Ok(LedgerPage::new(entries, limit, end))
        })
    }

    fn put_upload(&self, u: UploadMeta) -> Fut<'_, ()> {
        self.write(move |c| {
            c.prepare_cached("INSERT INTO uploads (id, sha256, size, content_type, created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING")
                .map_err(db)?
                .execute(params![u.upload_id, u.sha256, u.size, u.content_type, u.created_at])
                .map_err(db)?;
            Ok(())
        })
    }

    fn get_upload(&self, id: &str) -> Fut<'_, Option<UploadMeta>> {
        let id = id.to_owned();
        self.read_now(move |c| {
            c.prepare_cached(
                "SELECT id, sha256, size, content_type, created_at FROM uploads WHERE id = ?1",
            )
            .map_err(db)?
            .query_row([&id], |r| {
                Ok(UploadMeta {
                    upload_id: r.get(0)?,
                    sha256: r.get(1)?,
                    size: r.get(2)?,
                    content_type: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })
            .optional()
            .map_err(db)
        })
    }

    fn add_officer(&self, o: Officer) -> Fut<'_, ()> {
        self.write(move |c| {
            c.execute("INSERT INTO officers (token_hash, name, street, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", params![o.token_hash, o.name, o.street, o.role, o.created_at]).map_err(db)?;
            Ok(())
        })
    }

    fn officer_by_token_hash(&self, hash: &str) -> Fut<'_, Option<Officer>> {
        let h = hash.to_owned();
        self.read_now(move |c| {
            c.prepare_cached("SELECT token_hash, name, street, role, created_at FROM officers WHERE token_hash = ?1")
                .map_err(db)?
                .query_row([&h], |r| Ok(Officer { token_hash: r.get(0)?, name: r.get(1)?, street: r.get(2)?, role: r.get(3)?, created_at: r.get(4)? }))
                .optional()
                .map_err(db)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(id: &str) -> UploadMeta {
        UploadMeta {
            upload_id: id.to_owned(),
            sha256: "0".repeat(64),
            size: 1,
            content_type: "application/pdf".into(),
            created_at: "2026-11-23T10:00:00+08:00".into(),
        }
    }

    /// One write of a group fails after it has written: the group is rolled back and run again with a
    /// savepoint per write, so its own row is gone while every other write of the group is committed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_takes_nothing_else_of_its_group_with_it() {
        let dir = std::env::temp_dir().join(format!("anbei-group-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
        let store = SqliteStore::open(&dir.join("db.sqlite3"), signer, false).unwrap();
        // Hold the writer so that everything below queues up and forms one group.
        let hold = store.write(|_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            Ok(())
        });
        let mut before = Vec::new();
        for i in 0..20 {
            before.push(store.put_upload(upload(&format!("u-before-{i}"))));
        }
        let failing = store.write(|c| {
            c.execute(
                "INSERT INTO uploads (id, sha256, size, content_type, created_at) VALUES ('u-failing', 'x', 1, 'application/pdf', 'now')",
                [],
            )
            .map_err(db)?;
            Err::<(), _>(StoreError::Conflict)
        });
        let mut after = Vec::new();
        for i in 0..20 {
            after.push(store.put_upload(upload(&format!("u-after-{i}"))));
        }
        hold.await.unwrap();
        for f in before.into_iter().chain(after) {
            f.await.unwrap();
        }
        assert!(matches!(failing.await, Err(StoreError::Conflict)));
        assert!(
            store.get_upload("u-failing").await.unwrap().is_none(),
            "the failed write left its row"
        );
        for i in 0..20 {
            for side in ["before", "after"] {
                let id = format!("u-{side}-{i}");
                assert!(
                    store.get_upload(&id).await.unwrap().is_some(),
                    "{id} was lost with the failed write"
                );
            }
        }
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn new_filing(key: &str) -> NewFiling {
        NewFiling {
            street: "bantian".into(),
            day: "20261123".into(),
            created_at: "2026-11-23T10:00:00+08:00".into(),
            filed_on: "2026-11-23".into(),
            idempotency_key: key.into(),
            request_hash: "h".into(),
            status: Status::Registered,
            high_risk: false,
            scope: "S_SMALL_PROJECT".into(),
            acceptance_due: None,
            request: "{}".into(),
            assessment: "{}".into(),
            events: vec![],
            receipt: Some(ReceiptDraft {
                ruleset: "r".into(),
                scope: "S_SMALL_PROJECT".into(),
                high_risk: false,
                valid_until: "2027-01-01".into(),
                issued_at: "2026-11-23T10:00:00+08:00".into(),
                day: "20261123".into(),
            }),
        }
    }

    async fn file(store: &Arc<SqliteStore>, key: &str) -> (String, String) {
        match store.create_filing(new_filing(key)).await.unwrap() {
            Created::New(r) => (r.filing_no.clone(), r.receipt.unwrap().receipt_no),
            Created::Existing { .. } => panic!("{key} was new"),
        }
    }

    /// Numbers handed out in memory: concurrent filings get distinct consecutive numbers; after a
    /// restart the series goes on after the highest committed number (also one only the legacy
    /// `counters` table knows), never reusing one; a replay gives back the numbers it took unless
    /// another filing went past them; a store opened with shared access cannot file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn numbers_are_unique_and_go_on_after_a_restart() {
        let dir = std::env::temp_dir().join(format!("anbei-numbers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
        let path = dir.join("db.sqlite3");
        let store = Arc::new(SqliteStore::open(&path, signer.clone(), false).unwrap());
        let mut tasks = Vec::new();
        for i in 0..50 {
            let s = store.clone();
            tasks.push(tokio::spawn(
                async move { file(&s, &format!("k{i}")).await },
            ));
        }
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap());
        }
        let mut filings: Vec<String> = got.iter().map(|g| g.0.clone()).collect();
        let mut receipts: Vec<String> = got.iter().map(|g| g.1.clone()).collect();
        filings.sort();
        receipts.sort();
        let want_f: Vec<String> = (1..=50)
            .map(|n| format!("F-bantian-20261123-{n:06}"))
            .collect();
        let want_r: Vec<String> = (1..=50)
            .map(|n| format!("LG-bantian-20261123-{n:06}"))
            .collect();
        assert_eq!(filings, want_f);
        assert_eq!(receipts, want_r);
        let shared = Arc::new(SqliteStore::open(&path, signer.clone(), true).unwrap());
        assert!(matches!(
            shared.create_filing(new_filing("shared")).await,
            Err(StoreError::Db(_))
        ));
        drop(shared);
        drop(store);
        // A database from before in-memory numbering counted receipts up to 70 in `counters`.
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("INSERT INTO counters (kind, street, day, value) VALUES ('R', 'bantian', '20261123', 70)", [])
            .unwrap();
        let store = Arc::new(SqliteStore::open(&path, signer, false).unwrap());
        assert_eq!(
            file(&store, "after-restart").await,
            (
                "F-bantian-20261123-000051".to_owned(),
                "LG-bantian-20261123-000071".to_owned()
            )
        );
        // A replay sent straight to the insert gives its numbers back...
        assert!(matches!(
            store.create_filing(new_filing("k7")).await.unwrap(),
            Created::Existing { .. }
        ));
        assert_eq!(
            file(&store, "after-replay").await,
            (
                "F-bantian-20261123-000052".to_owned(),
                "LG-bantian-20261123-000072".to_owned()
            )
        );
        // ...but never one that another filing has gone past: that stays a gap, never a duplicate.
        let numbers = store.numbers.as_ref().unwrap();
        let taken = store
            .next_number(Kind::Receipt, "bantian", "20261123")
            .unwrap();
        assert_eq!(taken, 73);
        assert_eq!(
            store
                .next_number(Kind::Receipt, "bantian", "20261123")
                .unwrap(),
            74
        );
        numbers.give_back(Kind::Receipt, "bantian", "20261123", taken);
        assert_eq!(
            store
                .next_number(Kind::Receipt, "bantian", "20261123")
                .unwrap(),
            75
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every page of the ledger, from the start: (filing numbers in order, rows per page).
    async fn walk_ledger(store: &SqliteStore, filter: &ListFilter) -> (Vec<String>, Vec<usize>) {
        let (mut rows, mut sizes, mut after) = (Vec::new(), Vec::new(), None);
        loop {
            let page = store
                .ledger_page(filter.clone(), after, LEDGER_PAGE)
                .await
                .unwrap();
            sizes.push(page.entries.len());
            rows.extend(page.entries.into_iter().map(|e| e.filing_no));
            match page.next {
                Some(n) => after = Some(n),
                None => return (rows, sizes),
            }
        }
    }

    /// A ledger page looks at no more than LEDGER_SCAN filings, whatever the filter: where the rows a
    /// filter matches lie beyond that, the page comes back empty with a cursor to go on from (not after
    /// a scan of the whole table, holding its snapshot). Walked to the end, the pages hold every
    /// matching filing exactly once, in order, never more than LEDGER_PAGE at a time.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ledger_pages_look_at_a_bounded_window() {
        let dir = std::env::temp_dir().join(format!("anbei-ledger-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
        let store = Arc::new(SqliteStore::open(&dir.join("db.sqlite3"), signer, false).unwrap());
        let n = 2 * LEDGER_SCAN as usize + 500;
        let mut tasks = Vec::new();
        for i in 0..n {
            let s = store.clone();
            let mut f = new_filing(&format!("ledger-{i}"));
            // Every tenth in another street, whose numbers sort after all of bantian's.
            if i % 10 == 0 {
                f.street = "nanwan".into();
            }
            if i >= n - 150 {
                f.filed_on = "2026-12-01".into();
            }
            tasks.push(tokio::spawn(async move {
                match s.create_filing(f).await.unwrap() {
                    Created::New(r) => (r.filing_no, r.street, r.filed_on),
                    Created::Existing { .. } => panic!("a new key was a replay"),
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.unwrap());
        }
        all.sort();
        let expect = |keep: &dyn Fn(&(String, String, String)) -> bool| -> Vec<String> {
            all.iter()
                .filter(|r| keep(r))
                .map(|r| r.0.clone())
                .collect()
        };
        let street = |s: &str| ListFilter {
            street: Some(s.into()),
            ..ListFilter::default()
        };

        let (rows, sizes) = walk_ledger(&store, &ListFilter::default()).await;
        assert_eq!(rows, expect(&|_| true));
        assert!(
            sizes.iter().all(|&k| k <= LEDGER_PAGE as usize),
            "{sizes:?}"
        );

        // nanwan's 250 filings all sort after bantian's 2,250: the first pages see none of them.
        let (rows, sizes) = walk_ledger(&store, &street("nanwan")).await;
        assert_eq!(rows, expect(&|r| r.1 == "nanwan"));
        assert_eq!(&sizes[..2], &[0, 0], "{sizes:?}");
        assert!(
            sizes.iter().all(|&k| k <= LEDGER_PAGE as usize),
            "{sizes:?}"
        );

        let from = ListFilter {
            from: Some("2026-12-01".into()),
            ..ListFilter::default()
        };
        let (rows, _) = walk_ledger(&store, &from).await;
        assert_eq!(rows, expect(&|r| r.2.as_str() >= "2026-12-01"));
        assert_eq!(rows.len(), 150);
        let (rows, _) = walk_ledger(&store, &street("bantian")).await;
        assert_eq!(rows, expect(&|r| r.1 == "bantian"));
        let (rows, sizes) = walk_ledger(&store, &street("pingdi")).await;
        assert!(rows.is_empty());
        assert_eq!(sizes.len(), 3, "{sizes:?}");
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Under continuous writes the WAL still starts over: it holds only the frames since the last
    /// checkpoint, not everything ever written (it grew to 1.7 GB in a 60 s benchmark before).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_starts_over_under_continuous_writes() {
        let dir = std::env::temp_dir().join(format!("anbei-wal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
        let store = SqliteStore::open(&dir.join("db.sqlite3"), signer, false).unwrap();
        let until = std::time::Instant::now() + 8 * WRITER_CHECKPOINT_EVERY;
        let mut commits = 0u64;
        while std::time::Instant::now() < until {
            // One write at a time: each is a group and a COMMIT of its own (≥ 2 WAL frames).
            store
                .put_upload(upload(&format!("w-{commits}")))
                .await
                .unwrap();
            commits += 1;
        }
        // The frame count comes with a checkpoint attempt; it is -1 while another checkpoint (the
        // checkpoint thread's or the writer's) holds the lock: ask again.
        let mut frames = -1i64;
        for _ in 0..200 {
            frames = store
                .read_now(|c| {
                    c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
                        .map_err(db)
                })
                .await
                .unwrap();
            if frames >= 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(
            frames >= 0,
            "no frame count: the checkpoint lock was never free"
        );
        assert!(commits > 100, "too few writes to tell ({commits})");
        // Never started over: ≥ 2 frames per commit. Started over every checkpoint period: about a
        // quarter of that at most.
        assert!(
            (frames as u64) < commits,
            "the WAL holds {frames} frames after {commits} commits: it never started over"
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A group whose writes all succeed commits them together (no savepoints needed).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_group_of_good_writes_commits_all_of_them() {
        let dir = std::env::temp_dir().join(format!("anbei-group-ok-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let signer = Arc::new(Signer::load_or_create(&dir).unwrap());
        let store = SqliteStore::open(&dir.join("db.sqlite3"), signer, false).unwrap();
        let futs: Vec<_> = (0..300)
            .map(|i| store.put_upload(upload(&format!("ok-{i}"))))
            .collect();
        for f in futs {
            f.await.unwrap();
        }
        let n: i64 = store
            .read_now(|c| {
                c.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0))
                    .map_err(db)
            })
            .await
            .unwrap();
        assert_eq!(n, 300);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
