//! The SQLite writer: one thread, one connection, group commit. Pending writes are grouped (up to
//! [`MAX_BATCH`]) into one transaction, each answered only after its COMMIT has returned; a checkpoint
//! thread and the writer between groups keep the WAL from growing without end.

use super::StoreError;
use crate::store::gather;
use rusqlite::Connection;
use std::sync::mpsc;

/// Most writes grouped into one transaction.
pub const MAX_BATCH: usize = 256;

/// A write queued for the writer thread. It runs inside a group transaction and may run twice: first
/// optimistically with the rest of its group and no savepoint; if any job of the group fails, the whole
/// group is rolled back and every job runs again in its own savepoint, so one failure never takes
/// another request's write with it. Either way it is answered only once the COMMIT has returned.
pub(super) trait WriteJob: Send {
    /// Runs against the open transaction; keeps the outcome; `false` if it failed.
    fn run(&mut self, c: &Connection) -> bool;
    /// Records that the transaction could not even begin.
    fn fail(&mut self, why: &str);
    /// Answers the waiting request.
    fn answer(self: Box<Self>, committed: bool);
}

pub(super) struct Pending<T, F> {
    pub(super) f: F,
    pub(super) outcome: Option<Result<T, StoreError>>,
    pub(super) tx: tokio::sync::oneshot::Sender<Result<T, StoreError>>,
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

pub(super) type Job = Box<dyn WriteJob>;

pub(super) fn checkpointer(c: Connection, stop: mpsc::Receiver<()>) {
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

/// A statement without parameters or rows, prepared once per connection (no SQL parsing per job).
fn run_cached(c: &Connection, sql: &str) -> rusqlite::Result<()> {
    c.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// How often the writer itself checkpoints (see [`writer`]).
pub(super) const WRITER_CHECKPOINT_EVERY: std::time::Duration =
    std::time::Duration::from_millis(200);

pub(super) fn writer(conn: Connection, rx: mpsc::Receiver<Job>) {
    let mut last_checkpoint = std::time::Instant::now();
    while let Ok(first) = rx.recv() {
        let mut batch = gather(first, MAX_BATCH, || rx.try_recv().ok());
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
