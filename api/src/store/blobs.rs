//! Where the bytes of uploads live, content-addressed by SHA-256 (issue 17): the metadata row (`uploads`)
//! is the store's; the bytes are a [`BlobStore`]'s.
//!
//! - [`FsBlobs`] (SQLite, the single-instance default, as before): `<data-dir>/uploads/<2 hex>/<hex>`,
//!   written to a temporary file, fsynced and renamed, so a file under its final name is whole.
//! - [`PgBlobs`] (PostgreSQL): the table `upload_blobs` (migration 0013), so every instance sharing the
//!   database serves and checks every upload and no instance keeps anything of its own on disk. Files an
//!   earlier version left in `<data-dir>/uploads/` are still read from there until `anbei uploads
//!   import` has copied them into the database ([`import_dir`]).
//!
//! The bytes are written and durable before the metadata row is, so an upload id the store knows always
//! has its bytes; a blob without a row (a crash between the two) is harmless and reused by a retry.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

/// Why a blob could not be stored or read.
#[derive(Debug)]
pub enum BlobError {
    /// Retry later (disk full, read-only, database unreachable): answered 503, nothing was stored.
    Unavailable(String),
    Failed(String),
}

impl std::fmt::Display for BlobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobError::Unavailable(d) | BlobError::Failed(d) => f.write_str(d),
        }
    }
}

pub type BlobFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, BlobError>> + Send + 'a>>;

pub trait BlobStore: Send + Sync {
    /// Stores `bytes` under `sha256` (lowercase hex of their SHA-256, which the caller computed) and
    /// returns once they are durable; bytes already stored under that name are kept as they are.
    fn put(&self, sha256: &str, bytes: axum::body::Bytes) -> BlobFut<'_, ()>;
    /// The bytes stored under `sha256`, if any.
    fn get(&self, sha256: &str) -> BlobFut<'_, Option<Vec<u8>>>;
    /// Removes the bytes stored under `sha256` (none stored: nothing to do). Only the retention sweep
    /// calls it (`retention.rs`), after the upload's row is gone, so no request can name them any more.
    fn delete(&self, sha256: &str) -> BlobFut<'_, ()>;
    /// [`BlobStore::delete`] of several (PostgreSQL: one statement).
    fn delete_many(&self, names: Vec<String>) -> BlobFut<'_, ()> {
        Box::pin(async move {
            for n in &names {
                self.delete(n).await?;
            }
            Ok(())
        })
    }
    /// Where the bytes live, for the start-up log (`filesystem`, `postgresql`).
    fn kind(&self) -> &'static str;
}

/// Whether `s` is a blob name: 64 lowercase hex digits (never a path).
pub fn is_name(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

fn io_error(what: &str, e: &std::io::Error) -> BlobError {
    use std::io::ErrorKind::{ReadOnlyFilesystem, StorageFull};
    let d = format!("uploads: cannot {what}: {e}");
    if matches!(e.kind(), StorageFull | ReadOnlyFilesystem) {
        BlobError::Unavailable(d)
    } else {
        BlobError::Failed(d)
    }
}

/// Uploads as files under a directory (`<data-dir>/uploads`).
#[derive(Clone, Debug)]
pub struct FsBlobs {
    dir: PathBuf,
}

impl FsBlobs {
    pub fn new(dir: impl Into<PathBuf>) -> FsBlobs {
        FsBlobs { dir: dir.into() }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        is_name(sha256).then(|| self.dir.join(&sha256[..2]).join(sha256))
    }

    fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let Some(path) = self.path(sha256) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read a file", &e)),
        }
    }
}

impl BlobStore for FsBlobs {
    fn put(&self, sha256: &str, bytes: axum::body::Bytes) -> BlobFut<'_, ()> {
        let Some(path) = self.path(sha256) else {
            return Box::pin(async { Err(BlobError::Failed("not a SHA-256 name".into())) });
        };
        let name = sha256.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || -> Result<(), BlobError> {
                use std::io::Write;
                if path.exists() {
                    return Ok(());
                }
                let dir = path.parent().unwrap_or(Path::new("."));
                std::fs::create_dir_all(dir).map_err(|e| io_error("create a directory", &e))?;
                let tmp = dir.join(format!(
                    ".{name}.{}",
                    crate::signing::hex(&crate::signing::random_bytes::<6>().unwrap_or_default())
                ));
                let write = || -> std::io::Result<()> {
                    let mut f = std::fs::File::create(&tmp)?;
                    f.write_all(&bytes)?;
                    f.sync_all()?;
                    std::fs::rename(&tmp, &path)
                };
                write().map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    io_error("store the file", &e)
                })
            })
            .await
            .map_err(|e| BlobError::Failed(e.to_string()))?
        })
    }

    fn get(&self, sha256: &str) -> BlobFut<'_, Option<Vec<u8>>> {
        let this = self.clone();
        let name = sha256.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || this.read(&name))
                .await
                .map_err(|e| BlobError::Failed(e.to_string()))?
        })
    }

    fn delete(&self, sha256: &str) -> BlobFut<'_, ()> {
        let path = self.path(sha256);
        Box::pin(async move {
            let Some(path) = path else { return Ok(()) };
            tokio::task::spawn_blocking(move || match std::fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_error("remove the file", &e)),
            })
            .await
            .map_err(|e| BlobError::Failed(e.to_string()))?
        })
    }

    fn kind(&self) -> &'static str {
        "filesystem"
    }
}

/// Uploads in PostgreSQL's `upload_blobs` (`bytea`), shared by every instance on the database; files
/// an earlier version stored in the data directory are read from there until imported.
pub struct PgBlobs {
    pool: sqlx::PgPool,
    legacy: FsBlobs,
}

impl PgBlobs {
    pub fn new(pool: sqlx::PgPool, legacy_dir: impl Into<PathBuf>) -> PgBlobs {
        PgBlobs {
            pool,
            legacy: FsBlobs::new(legacy_dir),
        }
    }
}

fn pg_error(e: &sqlx::Error) -> BlobError {
    let d = format!("uploads: {e}");
    if crate::error::unavailable(&d) {
        BlobError::Unavailable(d)
    } else {
        BlobError::Failed(d)
    }
}

/// Stores one blob (kept as it is if the name exists).
async fn pg_put(pool: &sqlx::PgPool, sha256: &str, bytes: &[u8]) -> Result<bool, BlobError> {
    let r = sqlx::query(
        "INSERT INTO upload_blobs (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(bytes)
    .execute(pool)
    .await
    .map_err(|e| pg_error(&e))?;
    Ok(r.rows_affected() == 1)
}

impl BlobStore for PgBlobs {
    fn put(&self, sha256: &str, bytes: axum::body::Bytes) -> BlobFut<'_, ()> {
        let name = sha256.to_owned();
        Box::pin(async move {
            if !is_name(&name) {
                return Err(BlobError::Failed("not a SHA-256 name".into()));
            }
            pg_put(&self.pool, &name, &bytes).await.map(|_| ())
        })
    }

    fn get(&self, sha256: &str) -> BlobFut<'_, Option<Vec<u8>>> {
        let name = sha256.to_owned();
        Box::pin(async move {
            let found: Option<Vec<u8>> =
                sqlx::query_scalar("SELECT content FROM upload_blobs WHERE sha256 = $1")
                    .bind(&name)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| pg_error(&e))?;
            match found {
                Some(b) => Ok(Some(b)),
                // Stored by an earlier version in this instance's data directory, not yet imported.
                None => self.legacy.get(&name).await,
            }
        })
    }

    fn delete(&self, sha256: &str) -> BlobFut<'_, ()> {
        let name = sha256.to_owned();
        Box::pin(async move {
            sqlx::query("DELETE FROM upload_blobs WHERE sha256 = $1")
                .bind(&name)
                .execute(&self.pool)
                .await
                .map_err(|e| pg_error(&e))?;
            // and a copy an earlier version left in this instance's data directory
            self.legacy.delete(&name).await
        })
    }

    fn delete_many(&self, names: Vec<String>) -> BlobFut<'_, ()> {
        Box::pin(async move {
            sqlx::query("DELETE FROM upload_blobs WHERE sha256 = ANY($1)")
                .bind(&names)
                .execute(&self.pool)
                .await
                .map_err(|e| pg_error(&e))?;
            for n in &names {
                self.legacy.delete(n).await?;
            }
            Ok(())
        })
    }

    fn kind(&self) -> &'static str {
        "postgresql"
    }
}

/// What [`import_dir`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Files copied into the database.
    pub imported: u64,
    /// Files the database already held.
    pub present: u64,
    /// Files skipped: not named as an upload, or whose bytes do not hash to their name.
    pub skipped: Vec<String>,
}

/// Copies every upload file under `dir` (`<data-dir>/uploads`, as an earlier version or a SQLite
/// instance wrote it) into `upload_blobs`, checking each file's SHA-256 against its name. Idempotent:
/// run it on every instance's data directory, as often as needed; the files are left in place (delete
/// them once every instance has imported them).
pub async fn import_dir(pool: &sqlx::PgPool, dir: &Path) -> Result<Imported, String> {
    use sha2::{Digest, Sha256};
    let mut out = Imported::default();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut names = Vec::new();
    for sub in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let sub = sub.map_err(|e| e.to_string())?.path();
        if !sub.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&sub).map_err(|e| format!("{}: {e}", sub.display()))? {
            names.push(f.map_err(|e| e.to_string())?.path());
        }
    }
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.starts_with('.') {
            // the temporary file of a write interrupted by a crash: never an upload
            continue;
        }
        if !is_name(&name) {
            out.skipped.push(path.display().to_string());
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if crate::signing::hex(&Sha256::digest(&bytes)) != name {
            out.skipped.push(path.display().to_string());
            continue;
        }
        if pg_put(pool, &name, &bytes)
            .await
            .map_err(|e| e.to_string())?
        {
            out.imported += 1;
        } else {
            out.present += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_64_lowercase_hex_digits_and_never_paths() {
        assert!(is_name(&"a".repeat(64)));
        assert!(!is_name(&"A".repeat(64)));
        assert!(!is_name(&"a".repeat(63)));
        assert!(!is_name(&format!("../{}", "a".repeat(61))));
    }

    #[tokio::test]
    async fn the_filesystem_store_keeps_the_first_bytes_under_a_name_and_reads_them_back() {
        let dir = std::env::temp_dir().join(format!(
            "anbei-blobs-{}",
            crate::signing::hex(&crate::signing::random_bytes::<6>().unwrap_or_default())
        ));
        let fs = FsBlobs::new(&dir);
        let name = "ab".repeat(32);
        assert_eq!(fs.get(&name).await.ok().flatten(), None);
        assert!(fs.put(&name, "first".into()).await.is_ok());
        assert!(fs.put(&name, "second".into()).await.is_ok());
        assert_eq!(
            fs.get(&name).await.ok().flatten().as_deref(),
            Some(&b"first"[..])
        );
        assert!(dir.join("ab").join(&name).is_file());
        assert!(fs.put("../x", "y".into()).await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
