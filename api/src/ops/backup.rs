//! `anbei backup --to FILE` and `anbei restore --from FILE`: one tar file (mode 0600) holding a
//! manifest, a consistent copy of the SQLite database taken while the service runs (`VACUUM INTO`, a
//! read transaction: the writer goes on), and then the rest of the data directory — uploads, keys.
//!
//! Order matters: the database is copied first, then the files. An upload is stored before any filing
//! can name it and is never deleted, and a key before anything is signed with it, so every upload and
//! key the copied database refers to is in the files copied after it.
//!
//! On PostgreSQL the database is not in the data directory: the backup holds the directory's files
//! only, and the database is dumped with `pg_dump -Fc` (OPERATIONS.md).
//!
//! The tar format (ustar) is written and read here: plain files only, a few dozen lines, no crate.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// The SQLite database's file name in the data directory.
pub const DB_FILE: &str = "anbei.sqlite3";
/// The first entry of every backup.
pub const MANIFEST: &str = "anbei-backup.json";

/// What a backup or restore did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The database copied (false: PostgreSQL, dumped separately).
    pub database: bool,
    /// Other files (uploads, keys).
    pub files: usize,
    pub bytes: u64,
}

/// Files of the data directory that are not copied as they are: the live database (copied through
/// `VACUUM INTO` instead), its WAL, shared memory and lock, and upload temporaries (`.name.random`).
fn skipped(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel == DB_FILE
        || name.starts_with('.')
        || name.starts_with(&format!("{DB_FILE}-"))
        || name == format!("{DB_FILE}.lock")
}

/// Writes the backup of `data_dir` to `to` (atomically: a temporary file renamed at the end).
/// `sqlite`: the database is SQLite and is copied.
pub fn backup(data_dir: &Path, to: &Path, sqlite: bool) -> Result<Summary, String> {
    if !data_dir.is_dir() {
        return Err(format!("{} is not a data directory", data_dir.display()));
    }
    let dir = to
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.partial-{}",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("backup"),
        std::process::id()
    ));
    let snap = dir.join(format!(".anbei-snapshot-{}.sqlite3", std::process::id()));
    let _ = fs::remove_file(&snap);
    let result = (|| {
        let mut out = open_private(&tmp)?;
        let mut sum = Summary::default();
        let manifest = serde_json::json!({
            "format": 1,
            "database": if sqlite { "sqlite" } else { "postgres (not included: pg_dump)" },
            "created_at_ms": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            "version": env!("CARGO_PKG_VERSION"),
        })
        .to_string();
        write_entry(&mut out, MANIFEST, manifest.as_bytes())?;
        if sqlite {
            let db = data_dir.join(DB_FILE);
            if !db.is_file() {
                return Err(format!("no SQLite database at {}", db.display()));
            }
            let c = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
            c.busy_timeout(std::time::Duration::from_secs(30))
                .map_err(|e| e.to_string())?;
            let target = snap
                .to_str()
                .ok_or("the backup's directory is not valid UTF-8")?;
            c.execute("VACUUM INTO ?1", [target])
                .map_err(|e| format!("VACUUM INTO failed: {e}"))?;
            drop(c);
            let bytes = fs::read(&snap).map_err(|e| e.to_string())?;
            sum.bytes += bytes.len() as u64;
            write_entry(&mut out, DB_FILE, &bytes)?;
            sum.database = true;
        }
        for rel in files_of(data_dir)? {
            if skipped(&rel) {
                continue;
            }
            let bytes = match fs::read(data_dir.join(&rel)) {
                Ok(b) => b,
                // a temporary renamed away meanwhile
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot read {rel}: {e}")),
            };
            sum.bytes += bytes.len() as u64;
            sum.files += 1;
            write_entry(&mut out, &rel, &bytes)?;
        }
        out.write_all(&[0u8; 1024]).map_err(|e| e.to_string())?;
        out.sync_all().map_err(|e| e.to_string())?;
        fs::rename(&tmp, to).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        Ok(sum)
    })();
    let _ = fs::remove_file(&snap);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Restores a backup into `data_dir`, which must not exist or be empty (a restore never mixes with or
/// overwrites data). Checks the restored database's integrity.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Summary, String> {
    if data_dir.exists() {
        let mut entries = fs::read_dir(data_dir).map_err(|e| e.to_string())?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty: restore only into a new or empty data directory",
                data_dir.display()
            ));
        }
    }
    create_private_dir(data_dir)?;
    let r = restore_into(from, data_dir);
    if r.is_err() {
        // it was empty: leave it so
        if let Ok(rd) = fs::read_dir(data_dir) {
            for e in rd.flatten() {
                let p = e.path();
                let _ = if p.is_dir() {
                    fs::remove_dir_all(&p)
                } else {
                    fs::remove_file(&p)
                };
            }
        }
    }
    r
}

fn restore_into(from: &Path, data_dir: &Path) -> Result<Summary, String> {
    let mut input = io::BufReader::new(
        File::open(from).map_err(|e| format!("cannot open {}: {e}", from.display()))?,
    );
    let mut sum = Summary::default();
    let mut first = true;
    let mut postgres = false;
    while let Some((name, data)) = read_entry(&mut input)? {
        if first {
            if name != MANIFEST {
                return Err(format!(
                    "{} is not an anbei backup (no manifest)",
                    from.display()
                ));
            }
            let m: serde_json::Value = serde_json::from_slice(&data).map_err(|e| e.to_string())?;
            if m["format"] != 1 {
                return Err(format!("unknown backup format {}", m["format"]));
            }
            postgres = m["database"]
                .as_str()
                .is_some_and(|d| d.starts_with("postgres"));
            first = false;
            continue;
        }
        let rel = safe_relative(&name)?;
        let path = data_dir.join(&rel);
        if let Some(p) = path.parent() {
            create_private_dir(p)?;
        }
        let mut f = open_private(&path)?;
        f.write_all(&data).map_err(|e| e.to_string())?;
        f.sync_all().map_err(|e| e.to_string())?;
        sum.bytes += data.len() as u64;
        if name == DB_FILE {
            sum.database = true;
        } else {
            sum.files += 1;
        }
    }
    if first {
        return Err(format!("{} is empty", from.display()));
    }
    if !postgres && !sum.database {
        return Err("the backup holds no database".into());
    }
    if sum.database {
        let c = rusqlite::Connection::open(data_dir.join(DB_FILE)).map_err(|e| e.to_string())?;
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if ok != "ok" {
            return Err(format!(
                "the restored database fails its integrity check: {ok}"
            ));
        }
    }
    Ok(sum)
}

/// A tar member's name as a path under the data directory: relative, no `..`.
fn safe_relative(name: &str) -> Result<PathBuf, String> {
    let p = Path::new(name);
    if name.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "refusing the backup entry {name:?}: not a plain relative path"
        ));
    }
    Ok(p.to_path_buf())
}

/// Every regular file under `dir`, as `/`-separated relative paths, sorted.
fn files_of(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let rd = fs::read_dir(dir.join(&rel)).map_err(|e| e.to_string())?;
        for e in rd {
            let e = e.map_err(|e| e.to_string())?;
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            let r = rel.join(name);
            let ft = e.file_type().map_err(|e| e.to_string())?;
            if ft.is_dir() {
                stack.push(r);
            } else if ft.is_file() {
                out.push(r.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn open_private(path: &Path) -> Result<File, String> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn create_private_dir(path: &Path) -> Result<(), String> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// ustar

fn octal(field: &mut [u8], v: u64) {
    let n = field.len() - 1;
    let s = format!("{v:0n$o}");
    field[..n].copy_from_slice(s.as_bytes());
    field[n] = 0;
}

fn write_entry(out: &mut impl Write, name: &str, data: &[u8]) -> Result<(), String> {
    let mut h = [0u8; 512];
    let (prefix, base) = if name.len() <= 100 {
        ("", name)
    } else {
        match name[..name.len().min(156)].rfind('/') {
            Some(i) if name.len() - i - 1 <= 100 && i <= 155 => (&name[..i], &name[i + 1..]),
            _ => return Err(format!("path too long for the backup: {name}")),
        }
    };
    h[..base.len()].copy_from_slice(base.as_bytes());
    octal(&mut h[100..108], 0o600);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], data.len() as u64);
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    octal(&mut h[136..148], mtime);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    out.write_all(&h).map_err(|e| e.to_string())?;
    out.write_all(data).map_err(|e| e.to_string())?;
    let pad = (512 - data.len() % 512) % 512;
    out.write_all(&vec![0u8; pad]).map_err(|e| e.to_string())
}

fn field_str(b: &[u8]) -> &str {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    std::str::from_utf8(&b[..end]).unwrap_or("")
}

/// The next file of the archive; `None` at its end.
fn read_entry(input: &mut impl Read) -> Result<Option<(String, Vec<u8>)>, String> {
    loop {
        let mut h = [0u8; 512];
        input
            .read_exact(&mut h)
            .map_err(|e| format!("truncated backup: {e}"))?;
        if h.iter().all(|&b| b == 0) {
            return Ok(None);
        }
        let stored = u64::from_str_radix(field_str(&h[148..156]).trim(), 8)
            .map_err(|_| "damaged backup: bad header checksum")?;
        let mut check = h;
        check[148..156].copy_from_slice(b"        ");
        if check.iter().map(|&b| u64::from(b)).sum::<u64>() != stored {
            return Err("damaged backup: header checksum mismatch".into());
        }
        let size = u64::from_str_radix(field_str(&h[124..136]).trim(), 8)
            .map_err(|_| "damaged backup: bad size")?;
        let base = field_str(&h[..100]);
        let prefix = field_str(&h[345..500]);
        let name = if prefix.is_empty() {
            base.to_owned()
        } else {
            format!("{prefix}/{base}")
        };
        let mut data = vec![0u8; usize::try_from(size).map_err(|_| "damaged backup: size")?];
        input
            .read_exact(&mut data)
            .map_err(|e| format!("truncated backup: {e}"))?;
        let pad = (512 - (size % 512)) % 512;
        io::copy(&mut input.by_ref().take(pad), &mut io::sink()).map_err(|e| e.to_string())?;
        match h[156] {
            b'0' | 0 => return Ok(Some((name, data))),
            b'5' => continue,
            t => return Err(format!("unexpected entry type {} for {name}", t as char)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_refuses_a_data_directory_that_holds_anything() {
        let base = std::env::temp_dir().join(format!("anbei-restore-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("data")).unwrap_or_default();
        fs::write(base.join("data/keep.txt"), b"x").unwrap_or_default();
        let e = restore(&base.join("none.tar"), &base.join("data")).unwrap_err();
        assert!(e.contains("not empty"), "{e}");
        assert_eq!(
            fs::read(base.join("data/keep.txt")).unwrap_or_default(),
            b"x"
        );
        assert!(safe_relative("../etc/passwd").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("uploads/ab/abcd").is_ok());
        let _ = fs::remove_dir_all(&base);
    }

    #[test]
    fn the_archive_reads_back_what_was_written() {
        let mut buf = Vec::new();
        // longer than ustar's 100-character name: split into prefix and name
        let long = format!("uploads/{}/{}", "d".repeat(60), "c".repeat(64));
        assert!(write_entry(&mut buf, MANIFEST, b"{}").is_ok());
        assert!(write_entry(&mut buf, &long, &[7u8; 700]).is_ok());
        assert!(write_entry(&mut Vec::new(), &"e".repeat(101), b"").is_err());
        buf.extend_from_slice(&[0u8; 1024]);
        let mut r = io::Cursor::new(buf);
        assert_eq!(
            read_entry(&mut r).ok().flatten(),
            Some((MANIFEST.into(), b"{}".to_vec()))
        );
        assert_eq!(
            read_entry(&mut r).ok().flatten(),
            Some((long, vec![7u8; 700]))
        );
        assert_eq!(read_entry(&mut r).ok().flatten(), None);
    }
}
