//! Service configuration: flags and environment (`anbei serve --help` lists both).

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;

/// Largest JSON body accepted (a filing with a long worker list fits comfortably).
pub const JSON_BODY_LIMIT: usize = 256 * 1024;
/// Largest document upload.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// Where the data lives.
#[derive(Clone, Debug)]
pub enum Database {
    /// SQLite file `anbei.sqlite3` under the data directory.
    Sqlite,
    /// PostgreSQL; `schema` (optional) is put first on the search path — tests use one per test.
    Postgres { url: String, schema: Option<String> },
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `host:port`; port 0 picks a free one (tests).
    pub listen: String,
    /// SQLite file, uploads and the signing key.
    pub data_dir: PathBuf,
    pub database: Database,
    /// The widget bundle and demo page.
    pub www_dir: PathBuf,
    /// Origins allowed to call the API from a browser and to frame its pages.
    pub cors_origins: Vec<String>,
    /// Streets where even a non-high-risk filing waits for an officer (快速受理 off).
    pub fast_accept_disabled_streets: HashSet<String>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Requests per second per client; 0 turns rate limiting off.
    pub rate_limit_per_s: u32,
    pub rate_limit_burst: u32,
    /// Absolute base URL printed in QR codes (`https://anbei.example.gov.cn`).
    pub public_url: String,
    /// Open the data directory beside a running server (`anbei account …`): no lock, no filing.
    pub shared_access: bool,
    /// A console session ends after this long without a request (default 30 minutes) …
    pub session_idle_ms: i64,
    /// … and this long after sign-in whatever happens (default 12 hours).
    pub session_absolute_ms: i64,
    /// Where notifications go (e-mail, webhook); none: they wait in the outbox.
    pub notify: crate::notify::Channels,
}

impl Config {
    /// Whether cookies are marked `Secure`: whenever the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl Config {
    /// Defaults for a service on `data_dir` with SQLite — the starting point for tests.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: data_dir.into(),
            database: Database::Sqlite,
            www_dir: "www".into(),
            cors_origins: vec![],
            fast_accept_disabled_streets: HashSet::new(),
            trusted_proxies: vec![],
            rate_limit_per_s: 0,
            rate_limit_burst: 0,
            public_url: "http://127.0.0.1:8080".into(),
            shared_access: false,
            session_idle_ms: 30 * 60 * 1000,
            session_absolute_ms: 12 * 3600 * 1000,
            notify: crate::notify::Channels::default(),
        }
    }
}

/// Splits a comma-separated list, dropping blanks.
pub fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}
