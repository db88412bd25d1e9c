//! Start-up hardening (issue 16, items 6 and 9): the CORS origins are checked before they reach the
//! CORS layer (whose wildcard would panic), and the data directory is made private to the service's
//! user — the directory and its subdirectories 0700, the database, its WAL and journal, the keys and
//! every upload 0600 — also when the directory already existed with looser modes; files made later
//! are private too (umask 077).

use std::path::Path;

/// Each `--cors-origins` entry must be one origin, `http(s)://host[:port]`: `*` would let every site
/// call the API with the applicant's credentials in the page and frame its pages, and the CORS layer
/// refuses it by panicking — so it is refused here, with a sentence.
pub fn check_cors_origins(origins: &[String]) -> Result<(), String> {
    for o in origins {
        if o == "*" || o.contains('*') {
            return Err(format!(
                "--cors-origins (ANBEI_CORS_ORIGINS) holds `{o}`: a wildcard is not allowed — list each site \
                 that embeds the widget, e.g. https://www.example.gov.cn,https://partner.example.com"
            ));
        }
        let rest = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && !r.contains(['/', '?', '#', '@', ' '])
                && axum::http::HeaderValue::from_str(o).is_ok()
        });
        if !ok {
            return Err(format!(
                "--cors-origins (ANBEI_CORS_ORIGINS) holds `{o}`, which is not an origin: write \
                 http(s)://host[:port], without a path"
            ));
        }
    }
    Ok(())
}

/// The `Strict-Transport-Security` value when the public URL is https (none otherwise: a browser
/// would remember it for a development host).
pub fn hsts(public_url: &str) -> Option<&'static str> {
    public_url
        .starts_with("https://")
        .then_some("max-age=31536000; includeSubDomains")
}

/// Makes the data directory private: directories 0700, files 0600, recursively; and sets the
/// process's umask to 077 so that what is created later (the WAL, uploads) is private too.
pub fn private_data_dir(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        #[cfg(target_os = "linux")]
        // SAFETY: umask only sets the process's file mode creation mask; it cannot fail.
        unsafe {
            libc::umask(0o077);
        }
        restrict(dir, 0)?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, depth: usize) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    // A symbolic link is left alone (its target may be shared, e.g. a KEK mounted from a secret store).
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let want = if meta.is_dir() { 0o700 } else { 0o600 };
    if meta.permissions().mode() & 0o777 != want {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(want)).map_err(|e| {
            format!(
                "cannot make {} private (mode {want:o}): {e}",
                path.display()
            )
        })?;
    }
    // uploads/<2 hex>/<file>: three levels are all the service makes.
    if meta.is_dir() && depth < 3 {
        let entries =
            std::fs::read_dir(path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
        for e in entries.flatten() {
            restrict(&e.path(), depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_are_origins_and_never_a_wildcard() {
        let ok =
            |v: &[&str]| check_cors_origins(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(ok(&[]).is_ok());
        assert!(ok(&["https://www.example.gov.cn", "http://localhost:3000"]).is_ok());
        for bad in [
            "*",
            "https://*.example.com",
            "example.com",
            "https://a.example/path",
            "https://",
        ] {
            let e = ok(&[bad]).unwrap_err();
            assert!(e.contains("--cors-origins") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn hsts_only_for_https() {
        assert!(hsts("https://anbei.example.gov.cn").is_some());
        assert_eq!(hsts("http://127.0.0.1:8080"), None);
    }
}
