//! Service configuration: flags and environment (`anbei serve --help` lists both).

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;

/// Largest JSON body accepted (a filing with a long worker list fits comfortably).
pub const JSON_BODY_LIMIT: usize = 256 * 1024;
/// Largest document upload.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// Anonymous uploads a client (IPv4 address, IPv6 /64) may make per hour (issue 16, item 8): an
/// applicant's whole filing is at most ~20 documents; three applicants behind one address (an office,
/// a carrier's NAT) fit.
pub const DEFAULT_UPLOADS_PER_HOUR: u32 = 60;
/// … and their bytes per hour, in MiB: 60 phone photos of ~4 MB.
pub const DEFAULT_UPLOAD_MB_PER_HOUR: u64 = 256;
/// Uploads are refused (507) while the data directory's filesystem has less free than this (MiB) …
pub const DEFAULT_UPLOAD_MIN_FREE_MB: u64 = 1024;
/// … or less than this share of it (%), so filings (a few KB each) keep working for long after.
pub const DEFAULT_UPLOAD_MIN_FREE_PERCENT: u8 = 5;
/// Connections open at once from one client (IPv4 address, IPv6 /64; issue 16, item 9): a browser
/// opens at most 6 to a host, so 64 is ten people behind one address.
pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: u32 = 64;
/// A connection whose answer cannot be written for this long (the client stopped reading) is closed.
pub const DEFAULT_WRITE_TIMEOUT_S: u64 = 30;

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
    /// Wrong receipt verification codes per client (IPv4 address, IPv6 /64) per hour (issue 16, item 2).
    pub code_failures_per_hour: u32,
    /// Anonymous uploads per client per hour (0: no limit; issue 16, item 8).
    pub uploads_per_hour: u32,
    /// Bytes of anonymous uploads per client per hour (0: no limit).
    pub upload_bytes_per_hour: u64,
    /// Uploads are refused (507) when the data directory's filesystem has less than this free (bytes;
    /// 0: no such floor) …
    pub upload_min_free_bytes: u64,
    /// … or less than this percentage of it free (0: no such floor). Only where uploads are files in
    /// the data directory (SQLite); with PostgreSQL they are in the database, watched by its operator.
    pub upload_min_free_percent: u8,
    /// Connections open at once per client (IPv4 address, IPv6 /64); 0: no cap. Trusted proxies are
    /// not capped (every client behind them shares their address).
    pub max_connections_per_client: u32,
    /// A connection whose answer makes no progress for this long is closed (slow readers).
    pub write_timeout: std::time::Duration,
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
    /// `GET /metrics` bearer token (`--metrics-token`); none: direct loopback requests only.
    pub metrics_token: Option<String>,
    /// The keyring's key-encryption key (`--kek-file`); `None`: `keyring.kek` in the data directory.
    pub kek_file: Option<PathBuf>,
    /// Days a registration's personal data is kept after it ended (`--retention-days`; default 1,096:
    /// 3 years). See `retention.rs`.
    pub retention_days: i64,
    /// Whether `anbei serve` purges once a day (`--purge-daily`; default on).
    pub purge_daily: bool,
    /// Seconds after start of the first daily purge (default 600; benchmarks set it short).
    pub purge_first_after_s: u64,
    /// PostgreSQL only: group commits of new filings one instance writes at once
    /// (`--pg-groups-in-flight`, 1–64; `None`: its share of two across the instances seen sharing the
    /// database, `store/pg_batch.rs`).
    pub pg_groups_in_flight: Option<usize>,
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
            code_failures_per_hour: 20,
            // Tests and the commands beside a server start without the quotas and the cap (like the
            // rate limit); `anbei serve` sets them from its flags, whose defaults are the constants above.
            uploads_per_hour: 0,
            upload_bytes_per_hour: 0,
            upload_min_free_bytes: 0,
            upload_min_free_percent: 0,
            max_connections_per_client: 0,
            write_timeout: std::time::Duration::from_secs(DEFAULT_WRITE_TIMEOUT_S),
            public_url: "http://127.0.0.1:8080".into(),
            shared_access: false,
            session_idle_ms: 30 * 60 * 1000,
            session_absolute_ms: 12 * 3600 * 1000,
            notify: crate::notify::Channels::default(),
            metrics_token: None,
            kek_file: None,
            retention_days: crate::retention::DEFAULT_DAYS,
            purge_daily: true,
            purge_first_after_s: crate::retention::FIRST_RUN_AFTER_S,
            pg_groups_in_flight: None,
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

/// The public URL `anbei serve` prints in QR codes, decided from `--listen` and `--public-url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    pub url: String,
    /// Said in the log at start: the QR codes would point at this machine only.
    pub warning: Option<String>,
}

/// Whether `listen` (`host:port`) accepts connections from this machine only.
pub fn listen_is_loopback(listen: &str) -> bool {
    if let Ok(a) = listen.parse::<std::net::SocketAddr>() {
        return a.ip().is_loopback();
    }
    let host = listen.rsplit_once(':').map_or(listen, |(h, _)| h);
    host_is_loopback(host)
}

fn host_is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let h = h.to_ascii_lowercase();
    match h.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => h == "localhost" || h.ends_with(".localhost"),
    }
}

/// The host of an `http(s)://host[:port][/…]` URL, `None` when it is not one.
fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    (!host.is_empty()).then_some(host)
}

/// The URL printed in QR codes. Without `--public-url` it is this machine's address, which only
/// works while the service listens on loopback: listening on another address without it is refused,
/// because every QR code printed would point at an address the inspector's phone cannot reach.
/// A loopback public URL is allowed (development, tests) with a warning.
pub fn public_url(listen: &str, given: Option<&str>) -> Result<PublicUrl, String> {
    let given = given.map(str::trim).filter(|u| !u.is_empty());
    let Some(url) = given else {
        if !listen_is_loopback(listen) {
            return Err(format!(
                "--listen {listen} accepts connections from other machines, but no --public-url (ANBEI_PUBLIC_URL) \
                 is set: the QR codes on receipts and site notices would point at this machine's loopback address, \
                 which an inspector's phone cannot reach. Set --public-url to the address people open \
                 (e.g. https://anbei.example.gov.cn), or listen on 127.0.0.1 behind a proxy that has one"
            ));
        }
        return Ok(PublicUrl {
            url: format!("http://{listen}"),
            warning: Some(format!(
                "no --public-url: QR codes point at http://{listen}, reachable from this machine only"
            )),
        });
    };
    let Some(host) = url_host(url) else {
        return Err(format!(
            "--public-url {url} is not an http:// or https:// address: the QR codes could not be opened"
        ));
    };
    let warning = host_is_loopback(host).then(|| {
        format!(
            "--public-url {url} is a loopback address: QR codes on receipts and notices will not open on a phone"
        )
    });
    Ok(PublicUrl {
        url: url.trim_end_matches('/').to_owned(),
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_refuses_a_public_listen_address_without_a_public_url() {
        for listen in [
            "0.0.0.0:8080",
            "[::]:8080",
            "192.168.1.20:80",
            "anbei.internal:8080",
        ] {
            let e = public_url(listen, None).unwrap_err();
            assert!(e.contains("--public-url") && e.contains("phone"), "{e}");
            assert!(public_url(listen, Some("  ")).is_err(), "blank is unset");
            let ok = public_url(listen, Some("https://anbei.example.gov.cn/")).unwrap();
            assert_eq!(ok.url, "https://anbei.example.gov.cn");
            assert_eq!(ok.warning, None);
        }
    }

    #[test]
    fn loopback_is_allowed_and_a_loopback_public_url_warned_about() {
        for listen in [
            "127.0.0.1:8080",
            "127.0.0.1:0",
            "[::1]:8080",
            "localhost:8080",
        ] {
            let p = public_url(listen, None).unwrap();
            assert_eq!(p.url, format!("http://{listen}"));
            assert!(p.warning.is_some());
        }
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "https://user@127.0.0.2",
        ] {
            let p = public_url("0.0.0.0:8080", Some(url)).unwrap();
            assert!(p.warning.unwrap().contains("loopback"), "{url}");
        }
        assert!(
            public_url("127.0.0.1:8080", Some("anbei.example.gov.cn"))
                .unwrap_err()
                .contains("http")
        );
        assert_eq!(
            public_url(
                "127.0.0.1:8080",
                Some("https://anbei.example.gov.cn:8443/x")
            )
            .unwrap()
            .warning,
            None
        );
    }
}
