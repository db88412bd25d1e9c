//! SQLite store: WAL, `synchronous=FULL`, one writer thread that groups up to [`MAX_BATCH`] pending
//! writes into one transaction (each in its own savepoint) and answers every request only after the
//! COMMIT has returned — so a 201 means the row is on disk, while fsyncs are shared. Reads use a small
//! pool of separate connections, on the request's thread (see `read_now`). The statements are
//! `sql.rs`'s, the records `decode.rs`'s; here: connections, the writer (`group.rs`) and
//! numbering (`numbers.rs`).

mod group;
mod numbers;
#[cfg(test)]
mod tests;

pub use group::MAX_BATCH;

use super::decode::{AuditHead, Decode, Earlier, FilingNo, StatusCount, columns_by_name};
use super::sql::{
    self, Arg, Dialect, Query, manage as msql, outbox as osql, retention as rsql, staff as ssql,
};
use super::*;
use group::{Job, Pending, checkpointer, writer};
use numbers::{Kind, Numbers, committed_max, lock_data_dir, not_numbering, try_lock_file};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, Row, ToSql};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

const READERS: usize = 4;

pub struct SqliteStore {
    tx: mpsc::Sender<Job>,
    readers: Arc<Vec<Mutex<Connection>>>,
    next: AtomicUsize,
    sealer: Arc<dyn Sealer>,
    /// Filing and receipt numbers; `None` when the store was opened beside a running server.
    numbers: Option<Arc<Numbers>>,
    /// Dropped with the store: stops the checkpoint thread.
    _stop_checkpointer: mpsc::Sender<()>,
    /// Held while a purge runs (`Store::retention_lock`): `<database>.purge.lock`.
    purge_lock: std::path::PathBuf,
}

impl ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Arg::Text(s) => s.to_sql(),
            Arg::MaybeText(s) => s.to_sql(),
            Arg::Int(i) => i.to_sql(),
            Arg::MaybeInt(i) => i.to_sql(),
            Arg::Flag(b) => b.to_sql(),
            Arg::MaybeFlag(b) => b.to_sql(),
        }
    }
}

columns_by_name!(Row<'_>, get);

/// Runs a statement (prepared once per connection); the number of rows it changed.
fn execute<const N: usize>(c: &Connection, q: Query<'_, N>) -> Result<usize, StoreError> {
    c.prepare_cached(q.stmt.text(Dialect::Sqlite))
        .map_err(db)?
        .execute(rusqlite::params_from_iter(q.args))
        .map_err(db)
}

/// Runs a query (prepared once per connection) and hands its rows to `read`.
fn with_rows<T, const N: usize>(
    c: &Connection,
    q: Query<'_, N>,
    read: impl FnOnce(&mut rusqlite::Rows<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut st = c.prepare_cached(q.stmt.text(Dialect::Sqlite)).map_err(db)?;
    let mut rows = st.query(rusqlite::params_from_iter(q.args)).map_err(db)?;
    read(&mut rows)
}

/// Every row of a query, decoded.
fn fetch_all<T: Decode, const N: usize>(
    c: &Connection,
    q: Query<'_, N>,
) -> Result<Vec<T>, StoreError> {
    with_rows(c, q, |rows| {
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(db)? {
            out.push(T::decode(r)?);
        }
        Ok(out)
    })
}

/// Every row of a statement built for its filters (`$n` numbering), decoded.
fn fetch_all_dyn<T: Decode>(
    c: &Connection,
    pg_text: &str,
    args: &[Arg<'_>],
) -> Result<Vec<T>, StoreError> {
    let text = sql::sqlite_placeholders(pg_text);
    let mut st = c.prepare_cached(&text).map_err(db)?;
    let mut rows = st.query(rusqlite::params_from_iter(args)).map_err(db)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db)? {
        out.push(T::decode(r)?);
    }
    Ok(out)
}

/// The first row of a query, decoded.
fn fetch<T: Decode, const N: usize>(
    c: &Connection,
    q: Query<'_, N>,
) -> Result<Option<T>, StoreError> {
    with_rows(c, q, |rows| {
        rows.next().map_err(db)?.map(T::decode).transpose()
    })
}

/// Whether a query returns a row.
fn exists<const N: usize>(c: &Connection, q: Query<'_, N>) -> Result<bool, StoreError> {
    with_rows(c, q, |rows| Ok(rows.next().map_err(db)?.is_some()))
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
    pub fn open(path: &Path, sealer: Arc<dyn Sealer>, shared: bool) -> Result<SqliteStore, String> {
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
        // The data directory's lock says no other instance runs: leases a killed process left are free.
        if lock.is_some() {
            execute(&w, osql::release_leases()).map_err(|e| e.to_string())?;
        }
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
            // Reads that group (the statistics) sort in memory, and keep an index range's pages cached
            // between requests (16 MiB each).
            r.pragma_update(None, "temp_store", "MEMORY")
                .map_err(|e| e.to_string())?;
            r.pragma_update(None, "cache_size", -16384)
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
            sealer,
            numbers: lock.map(|_lock| {
                Arc::new(Numbers {
                    last: Mutex::new(std::collections::HashMap::new()),
                    _lock,
                })
            }),
            _stop_checkpointer: stop_tx,
            purge_lock: {
                let mut name = path.as_os_str().to_owned();
                name.push(".purge.lock");
                name.into()
            },
        })
    }

    /// Queues a write for the group-commit writer; resolves once its transaction has committed (or
    /// failed). `f` may run twice (see [`WriteJob`]), so it must only read what it captures.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnMut(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Fut<'_, T> {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T, StoreError>>();
        crate::ops::metrics::queued();
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

fn migrate(c: &Connection) -> Result<(), String> {
    c.execute_batch(super::migrate::CREATE_TABLE)
        .map_err(|e| e.to_string())?;
    for (v, name, sql) in super::migrate::migrations(Dialect::Sqlite) {
        if exists(c, sql::migration_done(*v)).map_err(|e| e.to_string())? {
            continue;
        }
        let text = super::migrate::render(sql, Dialect::Sqlite)?;
        let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(&text)
            .map_err(|e| format!("migration {v:04}_{name}: {e}"))?;
        execute(&tx, sql::record_migration(*v, name)).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A filing with its history and receipt.
fn load(c: &Connection, q: Query<'_, 1>) -> Result<Option<FilingRecord>, StoreError> {
    let Some(mut rec) = fetch::<FilingRecord, 1>(c, q)? else {
        return Ok(None);
    };
    rec.events = fetch_all(c, sql::events_of(&rec.filing_no))?;
    Ok(Some(rec))
}

/// Numbers and chains `drafts` after the last audit row and inserts them (the writer thread is the
/// chain's only writer).
fn append_audit(c: &Connection, drafts: &[AuditDraft]) -> Result<(), StoreError> {
    if drafts.is_empty() {
        return Ok(());
    }
    let head = fetch::<AuditHead, 0>(c, ssql::audit_head())?.map(|h| (h.seq, h.hash));
    for row in chained(head, drafts) {
        execute(c, ssql::insert_audit(&row))?;
    }
    Ok(())
}

/// One change of the staff side.
fn apply(c: &Connection, op: &StaffOp) -> Result<(), StoreError> {
    let changed = match op {
        StaffOp::AddAccount(a) => execute(c, ssql::insert_account(a))?,
        StaffOp::PutAccount(a) => execute(c, ssql::update_account(a))?,
        StaffOp::AddSession(x) => execute(c, ssql::insert_session(x))?,
        StaffOp::TouchSession {
            id_hash,
            last_seen_ms,
        } => {
            execute(c, ssql::touch_session(id_hash, *last_seen_ms))?;
            1
        }
        StaffOp::EndSession { id_hash } => {
            execute(c, ssql::end_session(id_hash))?;
            1
        }
        StaffOp::EndSessionsOf { login } => {
            execute(c, ssql::end_sessions_of(login))?;
            1
        }
        StaffOp::AddToken(t) => execute(c, ssql::insert_token(t))?,
        StaffOp::RevokeToken { login, id, at } => execute(c, ssql::revoke_token(login, id, at))?,
        StaffOp::RevokeTokensOf { login, at } => {
            execute(c, ssql::revoke_tokens_of(login, at))?;
            1
        }
        StaffOp::SetAccessToken { filing_no, hash } => {
            execute(c, ssql::set_access_token(filing_no, hash))?
        }
        StaffOp::HashIdempotencyKey {
            filing_no,
            old,
            new,
            contractor_token_hash,
        } => {
            execute(
                c,
                ssql::hash_idempotency_key(filing_no, old, new, contractor_token_hash),
            )?;
            1
        }
        StaffOp::SealTotp {
            login,
            pending,
            old,
            new,
        } => execute(c, ssql::seal_totp(login, *pending, old, new))?,
    };
    match (changed, op) {
        (0, StaffOp::AddAccount(_)) => Err(StoreError::Conflict),
        (0, _) => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// One change of the management side (`Conflict` when its row moved on).
fn apply_manage(c: &Connection, op: &ManageOp) -> Result<(), StoreError> {
    let changed = match op {
        ManageOp::AddInspection(i) => execute(c, msql::insert_inspection(i))?,
        ManageOp::CompleteInspection(i) => execute(c, msql::complete_inspection(i))?,
        ManageOp::AddFinding(f) => execute(c, msql::insert_finding(f))?,
        ManageOp::PutFinding(f) => execute(c, msql::put_finding(f))?,
        ManageOp::AddRectification(r) => execute(c, msql::insert_rectification(r))?,
        ManageOp::DecideRectification(r) => execute(c, msql::decide_rectification(r))?,
        ManageOp::AddReferral(r) => execute(c, msql::insert_referral(r))?,
        ManageOp::AddSiteRecord(r) => execute(c, msql::insert_site_record(r))?,
    };
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

fn insert_event(c: &Connection, filing_no: &str, e: &Event) -> Result<(), StoreError> {
    let data = e.data.as_ref().map(|d| d.to_string());
    execute(c, sql::insert_event(filing_no, e, data.as_deref())).map(|_| ())
}

impl Store for SqliteStore {
    fn ping(&self) -> Fut<'_, ()> {
        self.read_now(|c| exists(c, sql::ping()).map(|_| ()))
    }

    fn create_filing(&self, f: NewFiling) -> Fut<'_, Created> {
        Box::pin(async move {
            // Numbering, the access token and the receipt's signature happen here, on the request's
            // thread: the writer thread only inserts.
            let seq = self.next_number(Kind::Filing, &f.street, &f.day)?;
            let no = filing_no(&f.street, &f.day, seq);
            let token_hash = self.sealer.access_token_hash(&no, &f.idempotency_key);
            let sealed = super::fieldcrypt::seal_new_with(
                self.sealer.as_ref(),
                &no,
                &f.request,
                f.request_marks.as_ref(),
            )?;
            let (receipt, receipt_seq) = match &f.receipt {
                Some(d) => {
                    let rseq = self.next_number(Kind::Receipt, &f.street, &d.day)?;
                    (
                        Some(make_receipt(self.sealer.as_ref(), &no, &f.street, rseq, d)),
                        Some((rseq, d.day.clone())),
                    )
                }
                None => (None, None),
            };
            let f = Arc::new(f);
            let earlier = {
                let (f, no, token_hash, receipt) =
                    (f.clone(), no.clone(), token_hash.clone(), receipt.clone());
                self.write(move |c| {
                    // One statement for a new key; a key stored before (even earlier in this group)
                    // inserts nothing and is answered with its filing.
                    if execute(c, sql::insert_filing(&no, &token_hash, &f, &sealed.text))? == 0 {
                        return fetch::<Earlier, 1>(c, sql::find_idempotent(&f.idempotency_key))?
                            .map(Some)
                            .ok_or(StoreError::Conflict);
                    }
                    for id in &sealed.documents {
                        execute(c, rsql::insert_filing_ref(id, &no))?;
                    }
                    for e in &f.events {
                        insert_event(c, &no, e)?;
                    }
                    if let Some(r) = &receipt {
                        execute(c, sql::insert_receipt(r))?;
                    }
                    append_audit(c, &with_target(&f.audit, &no))?;
                    for d in &f.outbox {
                        execute(c, osql::insert_outbox(d, &no))?;
                    }
                    Ok(None)
                })
                .await?
            };
            Ok(match earlier {
                Some(earlier) => {
                    if let Some(numbers) = &self.numbers {
                        if let Some((rseq, rday)) = &receipt_seq {
                            numbers.give_back(Kind::Receipt, &f.street, rday, *rseq);
                        }
                        numbers.give_back(Kind::Filing, &f.street, &f.day, seq);
                    }
                    earlier.into()
                }
                None => Created::New(Box::new(f.record(no, token_hash, receipt))),
            })
        })
    }

    fn replay_leaves_no_gap(&self) -> bool {
        true
    }

    fn find_idempotent(&self, key: &str) -> Fut<'_, Option<(String, String)>> {
        self.read_now(|c| Ok(fetch::<Earlier, 1>(c, sql::find_idempotent(key))?.map(Earlier::pair)))
    }

    fn get_filing(&self, filing_no: &str) -> Fut<'_, Option<FilingRecord>> {
        self.read_now(|c| load(c, sql::filing_by_no(filing_no)))
    }

    fn get_by_receipt(&self, receipt_no: &str) -> Fut<'_, Option<FilingRecord>> {
        self.read_now(|c| load(c, sql::filing_by_receipt(receipt_no)))
    }

    fn update_filing(&self, mut u: FilingUpdate) -> Fut<'_, FilingRecord> {
        let sealer = self.sealer.clone();
        if let Some(r) = &u.request {
            match super::fieldcrypt::seal_with(sealer.as_ref(), &u.filing_no, r) {
                Ok(stored) => u.request = Some(stored),
                Err(e) => return Box::pin(async move { Err(e) }),
            }
        }
        let numbers = self.numbers.clone();
        // The job may run twice (see `WriteJob`): its receipt number is taken once.
        let mut taken: Option<i64> = None;
        self.write(move |c| {
            let Some(cur) = load(c, sql::filing_by_no(&u.filing_no))? else {
                return Err(StoreError::NotFound);
            };
            if execute(c, sql::update_filing(&u))? == 0 {
                return Err(StoreError::Conflict);
            }
            insert_event(c, &u.filing_no, &u.event)?;
            append_audit(c, &u.audit)?;
            for d in &u.outbox {
                execute(c, osql::insert_outbox(d, &u.filing_no))?;
            }
            for i in &u.inspections {
                execute(c, msql::insert_inspection(i))?;
            }
            for op in &u.manage {
                apply_manage(c, op)?;
            }
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
                    let r = make_receipt(sealer.as_ref(), &cur.filing_no, &cur.street, seq, d);
                    execute(c, sql::insert_receipt(&r))?;
                }
                ReceiptOp::Resign { valid_until } => {
                    execute(
                        c,
                        sql::resign_receipt(&resigned(sealer.as_ref(), &cur, valid_until)?),
                    )?;
                }
            }
            load(c, sql::filing_by_no(&u.filing_no))?.ok_or(StoreError::NotFound)
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
            // Where this page's window ends; None: fewer remain, the window reaches the end of the ledger.
            let end = fetch::<FilingNo, 2>(c, sql::ledger_window_end(&after, LEDGER_SCAN))?
                .map(|e| e.filing_no);
            let entries = fetch_all(
                c,
                sql::ledger_window(&filter, &after, end.as_deref(), limit),
            )?;
            Ok(LedgerPage::new(entries, limit, end))
        })
    }

    fn put_upload(&self, u: UploadMeta) -> Fut<'_, ()> {
        self.write(move |c| execute(c, sql::insert_upload(&u)).map(|_| ()))
    }

    fn get_upload(&self, id: &str) -> Fut<'_, Option<UploadMeta>> {
        self.read_now(|c| fetch(c, sql::upload_by_id(id)))
    }

    fn staff_write(&self, ops: Vec<StaffOp>, audit: Vec<AuditDraft>) -> Fut<'_, ()> {
        self.write(move |c| {
            for op in &ops {
                apply(c, op)?;
            }
            append_audit(c, &audit)
        })
    }

    fn get_account(&self, login: &str) -> Fut<'_, Option<AccountRow>> {
        self.read_now(|c| fetch(c, ssql::account_by_login(login)))
    }

    fn list_accounts(&self) -> Fut<'_, Vec<AccountRow>> {
        self.read_now(|c| fetch_all(c, ssql::all_accounts()))
    }

    fn get_session(&self, id_hash: &str) -> Fut<'_, Option<SessionRow>> {
        self.read_now(|c| fetch(c, ssql::session_by_hash(id_hash)))
    }

    fn token_by_hash(&self, hash: &str) -> Fut<'_, Option<TokenRow>> {
        self.read_now(|c| fetch(c, ssql::token_by_hash(hash)))
    }

    fn tokens_of(&self, login: &str) -> Fut<'_, Vec<TokenRow>> {
        self.read_now(|c| fetch_all(c, ssql::tokens_of(login)))
    }

    fn audit_page(&self, filter: AuditFilter, after: i64, limit: u32) -> Fut<'_, Vec<AuditRow>> {
        self.read_now(move |c| fetch_all(c, ssql::audit_page(&filter, after, limit)))
    }

    fn status_counts(&self, cover: Coverage) -> Fut<'_, Vec<(String, i64)>> {
        self.read_now(move |c| {
            let (text, args) = ssql::status_counts(&cover);
            Ok(fetch_all_dyn::<StatusCount>(c, &text, &args)?
                .into_iter()
                .map(|x| (x.status, x.n))
                .collect())
        })
    }

    fn queue_page(&self, q: QueueFilter) -> Fut<'_, Vec<QueueEntry>> {
        self.read_now(move |c| {
            let (text, args) = ssql::queue_page(&q);
            fetch_all_dyn(c, &text, &args)
        })
    }

    fn outbox_claim(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Fut<'_, Vec<OutboxRow>> {
        self.write(move |c| fetch_all(c, osql::claim_sqlite(now_ms, lease_until_ms, limit)))
    }

    fn outbox_finish(&self, outcomes: Vec<OutboxOutcome>) -> Fut<'_, ()> {
        self.write(move |c| {
            for o in &outcomes {
                match &o.then {
                    Some(n) => execute(c, osql::chain_outbox(o, n))?,
                    None => execute(c, osql::finish_outbox(o))?,
                };
            }
            Ok(())
        })
    }

    fn outbox_list(&self, f: OutboxFilter) -> Fut<'_, Vec<OutboxRow>> {
        self.read_now(move |c| fetch_all(c, osql::list_outbox(&f)))
    }

    fn outbox_retry(&self, id: Option<String>, now_ms: i64) -> Fut<'_, u64> {
        self.write(move |c| execute(c, osql::retry_outbox(id.as_deref(), now_ms)).map(|n| n as u64))
    }

    fn manage_write(
        &self,
        ops: Vec<ManageOp>,
        audit: Vec<AuditDraft>,
        outbox: Vec<(String, OutboxDraft)>,
    ) -> Fut<'_, ()> {
        self.write(move |c| {
            for op in &ops {
                apply_manage(c, op)?;
            }
            for (no, d) in &outbox {
                execute(c, osql::insert_outbox(d, no))?;
            }
            append_audit(c, &audit)
        })
    }

    fn manage_of(&self, filing_no: &str) -> Fut<'_, ManageRecord> {
        self.read_now(|c| {
            Ok(ManageRecord {
                inspections: fetch_all(c, msql::inspections_of(filing_no))?,
                findings: fetch_all(c, msql::findings_of(filing_no))?,
                rectifications: fetch_all(c, msql::rectifications_of(filing_no))?,
                referrals: fetch_all(c, msql::referrals_of(filing_no))?,
                site_records: fetch_all(c, msql::site_records_of(filing_no))?,
            })
        })
    }

    fn get_finding(&self, id: &str) -> Fut<'_, Option<FindingRow>> {
        self.read_now(|c| fetch(c, msql::finding_by_id(id)))
    }

    fn keyring_list(&self) -> Fut<'_, Vec<KeyRow>> {
        self.read_now(|c| fetch_all(c, sql::all_keys()))
    }

    fn legacy_idempotency_keys(&self, limit: i64) -> Fut<'_, Vec<super::staff::LegacyKey>> {
        self.read_now(move |c| fetch_all(c, ssql::legacy_idempotency_keys(limit)))
    }

    fn keyring_insert(&self, k: KeyRow) -> Fut<'_, ()> {
        self.write(move |c| execute(c, sql::insert_key(&k)).map(|_| ()))
    }

    fn keyring_init(&self, rows: Vec<KeyRow>) -> Fut<'_, bool> {
        // One writer: the check and the inserts are one transaction no other write interleaves with.
        self.write(move |c| {
            for k in &rows {
                if exists(c, sql::any_key_of(&k.purpose))? {
                    return Ok(false);
                }
            }
            for k in &rows {
                execute(c, sql::insert_key(k))?;
            }
            Ok(true)
        })
    }

    fn keyring_retire(&self, kid: String, not_after: String) -> Fut<'_, ()> {
        self.write(move |c| execute(c, sql::retire_key(&kid, &not_after)).map(|_| ()))
    }

    fn keyring_reseal(&self, rows: Vec<KeyRow>, audit: Vec<AuditDraft>) -> Fut<'_, ()> {
        // One write job: one transaction (savepoint).
        self.write(move |c| {
            for k in &rows {
                if execute(c, sql::reseal_key(&k.kid, &k.sealed))? != 1 {
                    return Err(StoreError::Conflict);
                }
            }
            append_audit(c, &audit)
        })
    }

    fn stored_requests(
        &self,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<super::fieldcrypt::StoredRequest>> {
        self.read_now(move |c| fetch_all(c, sql::stored_requests(&after, limit)))
    }

    fn replace_request(&self, filing_no: String, old: String, new: String) -> Fut<'_, bool> {
        self.write(move |c| {
            execute(c, sql::replace_request(&filing_no, &old, &new)).map(|n| n == 1)
        })
    }

    fn purge_candidates(
        &self,
        cutoff: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<PurgeCandidate>> {
        // On a reader, like a ledger page: the writer (and so the filings) never waits for it.
        self.read_now(move |c| {
            fetch_all(c, rsql::purge_candidates(&after, &cutoff, i64::from(limit)))
        })
    }

    fn purge_apply(&self, rows: Vec<PurgeCandidate>, at: String) -> Fut<'_, u64> {
        // One job of the group-commit writer: a batch is kept small (`retention::SQLITE_BATCH`) so that
        // the filings committed in the same group wait a few milliseconds at most.
        self.write(move |c| {
            let mut n = 0;
            for r in &rows {
                if execute(
                    c,
                    rsql::purge_filing(&r.filing_no, r.version, &r.request, &at),
                )? == 0
                {
                    continue;
                }
                execute(c, rsql::purge_events(&r.filing_no))?;
                execute(c, rsql::purge_site_records(&r.filing_no))?;
                execute(c, rsql::purge_rectifications(&r.filing_no))?;
                execute(c, rsql::purge_outbox(&r.filing_no))?;
                execute(c, rsql::purge_refs(&r.filing_no))?;
                insert_event(c, &r.filing_no, &crate::retention::purged_event(&at))?;
                n += 1;
            }
            Ok(n)
        })
    }

    fn unreferenced_uploads(
        &self,
        before: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<UploadMeta>> {
        self.read_now(move |c| {
            fetch_all(
                c,
                rsql::unreferenced_uploads(&after, &before, i64::from(limit)),
            )
        })
    }

    fn delete_uploads(&self, ids: Vec<String>, before: String) -> Fut<'_, Vec<String>> {
        self.write(move |c| {
            let mut gone = Vec::new();
            for id in &ids {
                if execute(c, rsql::delete_upload(id, &before))? > 0 {
                    gone.push(id.clone());
                }
            }
            Ok(gone)
        })
    }

    fn retention_lock(&self) -> Fut<'_, Option<RetentionLock>> {
        let r = try_lock_file(&self.purge_lock)
            .map(|f| f.map(RetentionLock::new))
            .map_err(StoreError::Db);
        Box::pin(async move { r })
    }

    fn statistics(&self, f: super::stats::StatsFilter) -> Fut<'_, super::stats::StatsRows> {
        self.read_now(move |c| {
            let mut out = Vec::new();
            for (text, args) in sql::stats::statements(&f) {
                out.push(fetch_all_dyn::<super::stats::StatRow>(c, &text, &args)?);
            }
            Ok(super::stats::StatsRows::from_vec(out))
        })
    }

    fn inspection_list(&self, f: InspectionFilter) -> Fut<'_, Vec<InspectionRow>> {
        self.read_now(move |c| {
            let (text, args) = msql::inspection_list(&f);
            fetch_all_dyn(c, &text, &args)
        })
    }

    fn inspection_findings(
        &self,
        ids: Vec<String>,
    ) -> Fut<'_, (Vec<FindingRow>, Vec<ReferralRow>)> {
        self.read_now(move |c| {
            if ids.is_empty() {
                return Ok((Vec::new(), Vec::new()));
            }
            let (text, args) = msql::findings_of_inspections(&ids);
            let findings = fetch_all_dyn(c, &text, &args)?;
            let (text, args) = msql::referrals_of_inspections(&ids);
            Ok((findings, fetch_all_dyn(c, &text, &args)?))
        })
    }
}
