//! SQLite numbering: filing and receipt numbers handed out in memory by the one process that holds the
//! data directory's lock.

use super::{StoreError, db};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
use std::sync::Mutex;

/// Filing (`F-…`) and receipt (`LG-…`) numbers, handed out in memory.
///
/// Only the process holding the data directory's lock (`anbei.sqlite3.lock`, taken in
/// [`SqliteStore::open`]) writes filings, so the next number of a street and day is known here
/// without asking the database. That takes the counter statements off the writer and lets the
/// receipt be signed on the request's own thread before its write is queued — the single writer
/// thread was the bottleneck with both on it. Each series is seeded once per process from the
/// highest number committed. A number whose write then fails is not used again (a gap, never a
/// duplicate); the UNIQUE keys on both columns would refuse a duplicate anyway.
pub(super) struct Numbers {
    /// The last number handed out, by series prefix (`F-bantian-20261123`).
    pub(super) last: Mutex<std::collections::HashMap<String, i64>>,
    /// Held for the life of the store.
    pub(super) _lock: std::fs::File,
}

impl Numbers {
    /// The next number of a series. `committed` reads the highest number already committed; it
    /// runs only the first time the series is used in this process.
    pub(super) fn next(
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
    pub(super) fn give_back(&self, kind: Kind, street: &str, day: &str, n: i64) {
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
pub(super) enum Kind {
    Filing,
    Receipt,
}

/// The highest number of a series already committed: from the rows themselves, and from the
/// `counters` table that databases written before in-memory numbering kept.
pub(super) fn committed_max(
    c: &Connection,
    kind: Kind,
    street: &str,
    day: &str,
) -> Result<i64, StoreError> {
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
pub(super) fn lock_data_dir(db: &Path) -> Result<std::fs::File, String> {
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

/// A lock file taken without waiting: `None` when another process (or handle) holds it.
pub(super) fn try_lock_file(path: &Path) -> Result<Option<std::fs::File>, String> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))?;
    match try_lock(&f).map_err(|e| format!("cannot lock {}: {e}", path.display()))? {
        true => Ok(Some(f)),
        false => Ok(None),
    }
}

pub(super) fn not_numbering() -> StoreError {
    StoreError::Db(
        "this process opened the database beside a running server and cannot number filings".into(),
    )
}
