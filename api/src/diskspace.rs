//! The upload disk guard (issue 16, item 8): documents are refused (507) while the filesystem of the
//! data directory — where SQLite keeps the database and the uploaded files — has less free space than
//! its floor, so that a flood of uploads cannot take the last megabytes a filing (a few KB) needs.
//! Filings keep working until the disk is really full (then 503, `error.rs`).

use std::path::Path;

/// Free and total bytes of a filesystem, as an unprivileged process may use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Space {
    pub available: u64,
    pub total: u64,
}

/// The filesystem holding `dir`: `statvfs`, a system call (no I/O on the disk), cheap enough for each
/// upload. `None` when it cannot be asked (then nothing is refused for it).
pub fn of(dir: &Path) -> Option<Space> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: `c` is a NUL-terminated path; `st` is written by statvfs before it is read.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        let unit = st.f_frsize as u64;
        Some(Space {
            available: (st.f_bavail as u64).saturating_mul(unit),
            total: (st.f_blocks as u64).saturating_mul(unit),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Whether storing `need` more bytes would leave less than `min_free` bytes or `min_percent` % of the
/// filesystem free. Pure.
pub fn too_low(s: Space, need: u64, min_free: u64, min_percent: u8) -> bool {
    let after = s.available.saturating_sub(need);
    after < min_free || u128::from(after) * 100 < u128::from(s.total) * u128::from(min_percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_bytes_or_a_share_whichever_is_reached_first() {
        const G: u64 = 1 << 30;
        let s = Space {
            available: 2 * G,
            total: 100 * G,
        };
        assert!(!too_low(s, 10 << 20, G, 0));
        assert!(too_low(s, 10 << 20, G, 5), "2 % free is under 5 %");
        assert!(
            too_low(s, G + 1, G, 0),
            "the upload itself would cross the floor"
        );
        assert!(!too_low(s, 0, 0, 0), "no floor");
        let big = Space {
            available: 30 * G,
            total: 200 * G,
        };
        assert!(!too_low(big, 10 << 20, G, 5));
        assert!(too_low(big, 10 << 20, 31 * G, 5));
    }

    #[test]
    fn the_data_directory_has_a_size() {
        let s = of(&std::env::temp_dir()).expect("statvfs on the temporary directory");
        assert!(s.total > 0 && s.available <= s.total, "{s:?}");
    }
}
