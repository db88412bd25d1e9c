//! Faults that can be provoked deterministically inside the test suite (issue 5, "Faults"); the
//! destructive ones (kill -9 loops, killing PostgreSQL, disk full, slowloris) are scripts under
//! tests/faults/.
//!
//! - database unavailable: PostgreSQL reached through a TCP relay the test cuts and restores —
//!   `/readyz` 503, filings 503 with `Retry-After`, nothing half-written, recovery without restart;
//! - signing key missing (with filings in the database), unreadable or corrupt: the service refuses
//!   to start with a clear message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use anbei_api::Application;
use anbei_api::config::{Config, Database};
use common::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay to PostgreSQL that can be cut (listener closed, every relayed connection dropped) and
/// restored on the same port.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    task: Option<tokio::task::JoinHandle<()>>,
    conns: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Relay {
    async fn start(port: u16) -> Relay {
        let mut r = Relay {
            port,
            up: Arc::new(AtomicBool::new(false)),
            task: None,
            conns: Arc::default(),
        };
        r.restore().await;
        r
    }

    async fn restore(&mut self) {
        let l = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.port = l.local_addr().unwrap().port();
        self.up.store(true, Ordering::SeqCst);
        let conns = self.conns.clone();
        self.task = Some(tokio::spawn(async move {
            while let Ok((mut c, _)) = l.accept().await {
                let h = tokio::spawn(async move {
                    if let Ok(mut s) = TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut c, &mut s).await;
                    }
                });
                conns.lock().unwrap().push(h.abort_handle());
            }
        }));
    }

    fn cut(&mut self) {
        self.up.store(false, Ordering::SeqCst);
        if let Some(t) = self.task.take() {
            t.abort();
        }
        for h in self.conns.lock().unwrap().drain(..) {
            h.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unavailable_then_back_without_restart() {
    let mut relay = Relay::start(0).await;
    let port = relay.port;
    let app = spawn_with(Backend::Postgres, |c| {
        if let Database::Postgres { url, .. } = &mut c.database {
            *url = url.replace("127.0.0.1:5432", &format!("127.0.0.1:{port}"));
        }
    })
    .await;
    let body = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("dbu-before", &body).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(app.get("/readyz", None).await.0, 200);

    relay.cut();
    // Readiness fails, filings get 503 + Retry-After, reads get 503 — each within a bounded time.
    let t = std::time::Instant::now();
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let r = app
        .http
        .post(app.url("/api/v1/registrations"))
        .header("Idempotency-Key", "dbu-during")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().contains_key("retry-after"), "{:?}", r.headers());
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["code"], "UNAVAILABLE");
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    assert_eq!(
        app.get(
            &app.with_code(&format!("/api/v1/receipts/{rno}/verify"))
                .await,
            None
        )
        .await
        .0,
        503
    );
    assert!(
        t.elapsed() < std::time::Duration::from_secs(40),
        "{:?}",
        t.elapsed()
    );
    // Assessments do not need the database.
    assert_eq!(
        app.post("/api/v1/assessments", None, &ordinary_facts())
            .await
            .0,
        200
    );

    relay.restore().await;
    // Recovery without restarting the service: ready again within seconds.
    let mut ready = false;
    for _ in 0..60 {
        if app.get("/readyz", None).await.0 == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(ready, "not ready again after the database came back");
    let (st, v2) = app.file("dbu-during", &body).await;
    assert_eq!(st, 201, "{v2}");
    // Nothing half-written: exactly the two filings, two receipts, consecutive numbers.
    assert_eq!(app.sql("SELECT COUNT(*) FROM filings").await, ["2"]);
    assert_eq!(app.sql("SELECT COUNT(*) FROM receipts").await, ["2"]);
    assert!(
        v2["receipt"]["receipt_no"]
            .as_str()
            .unwrap()
            .ends_with("-000002"),
        "{v2}"
    );
    relay.cut();
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "anbei-faults-{tag}-{}",
        anbei_api::signing::hex(&anbei_api::signing::random_bytes::<6>().unwrap())
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn build(cfg: Config) -> Result<Application, String> {
    Application::build(cfg).await
}

#[tokio::test]
async fn signing_key_unreadable_or_corrupt_refuses_to_start() {
    let dir = temp_dir("key");
    let key = anbei_api::signing::key_path(&dir);
    // Unreadable (a directory where the file should be: root can read any file, not this).
    std::fs::create_dir_all(&key).unwrap();
    let mut cfg = Config::new(&dir);
    cfg.listen = "127.0.0.1:0".into();
    let e = build(cfg.clone()).await.err().expect("must refuse");
    assert!(e.contains("cannot be read"), "{e}");
    assert!(e.contains("receipt-signing.key"), "{e}");
    std::fs::remove_dir(&key).unwrap();
    // Corrupt.
    std::fs::write(&key, "anbei-ed25519-seed-v1:zz").unwrap();
    let e = build(cfg.clone()).await.err().expect("must refuse");
    assert!(e.contains("corrupt"), "{e}");
    // Truncated.
    std::fs::write(&key, "anbei-ed25519-seed-v1:0123").unwrap();
    assert!(build(cfg).await.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The keys live in the keyring, sealed under the key-encryption key (keyring.rs): without that key
/// — or with the keyring gone while the database holds filings — the service refuses to start rather
/// than sign with new keys beside receipts nobody could verify any more.
async fn key_missing_with_filings(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    assert_eq!(app.file("key-1", &body).await.0, 201);
    let kek = app.data_dir().join(anbei_api::keyring::KEK_FILE);
    std::fs::rename(&kek, kek.with_extension("moved")).unwrap();
    let mut cfg = Config::new(app.data_dir());
    cfg.listen = "127.0.0.1:0".into();
    // The first server still runs in this process and holds the SQLite data directory's lock; a
    // real restart would have stopped it. Shared access skips the lock, not the key check.
    cfg.shared_access = true;
    if let Some(schema) = app.schema() {
        cfg.database = Database::Postgres {
            url: pg_url(),
            schema: Some(schema.to_owned()),
        };
    }
    let e = build(cfg.clone()).await.err().expect("must refuse");
    assert!(
        e.contains("keyring.kek") && e.contains("does not exist") && e.contains("restore"),
        "unclear message: {e}"
    );
    assert!(!kek.exists(), "no new key-encryption key left behind");
    // With the key restored it starts, and old receipts still verify.
    std::fs::rename(kek.with_extension("moved"), &kek).unwrap();
    assert!(build(cfg.clone()).await.is_ok());
    // The keyring lost (and no key file of an earlier version to import) beside filings: refused.
    app.sql("DELETE FROM keyring").await;
    let e = build(cfg).await.err().expect("must refuse");
    assert!(
        e.contains("missing") && e.contains("restore"),
        "unclear message: {e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_key_missing_refuses_to_start_sqlite() {
    key_missing_with_filings(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_key_missing_refuses_to_start_postgres() {
    key_missing_with_filings(Backend::Postgres).await;
}

#[test]
fn database_errors_that_mean_unavailable() {
    use anbei_api::error::unavailable;
    for d in [
        "database or disk is full",
        "attempt to write a readonly database",
        "disk I/O error",
        "commit failed",
        "pool timed out while waiting for an open connection",
        "error communicating with database: Connection refused (os error 111)",
        "error returned from database: terminating connection due to administrator command",
    ] {
        assert!(unavailable(d), "{d}");
    }
    for d in [
        "UNIQUE constraint failed: filings.filing_no",
        "no such column",
    ] {
        assert!(!unavailable(d), "{d}");
    }
}

/// One server per SQLite data directory: a second refuses to start and says why, while the first
/// goes on filing; `anbei officer add` (shared access) still works beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_server_on_the_same_sqlite_directory_refuses_to_start() {
    let app = spawn(Backend::Sqlite).await;
    let mut cfg = Config::new(app.data_dir());
    cfg.listen = "127.0.0.1:0".into();
    let e = build(cfg.clone())
        .await
        .err()
        .expect("a second server must refuse");
    assert!(
        e.contains("in use by another") && e.contains("anbei.sqlite3.lock"),
        "unclear message: {e}"
    );
    let v = app.file_complete("after-second", ordinary_facts()).await;
    cfg.shared_access = true;
    let tool = anbei_api::app::state(cfg, std::sync::Arc::new(anbei_api::clock::SystemClock))
        .await
        .expect("officer add opens the directory beside the server");
    let n = anbei_api::accounts::NewAccount {
        login: "li.si".into(),
        name: "李四".into(),
        role: "officer".into(),
        street: Some("bantian".into()),
        ..Default::default()
    };
    anbei_api::accounts::cli::add(&tool, &n, None)
        .await
        .expect("account created beside the running server");
    let token = anbei_api::accounts::cli::issue_token(&tool, "li.si", "t", None)
        .await
        .expect("token issued beside the running server")
        .1;
    let (status, _) = app
        .get(
            &format!("/api/v1/registrations/{}", v["filing_no"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "the server sees the officer added beside it");
}
