//! Issue 16, items 6 and 9, tried as an outside tester would: invisible characters in names, a
//! wildcard CORS origin, guessing which registrations exist from 401/403 vs 404, transport headers, and
//! a data directory readable by other users.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::config::Config;
use common::*;
use serde_json::json;

both_backends!(
    invisible_characters_in_names_are_refused,
    existence_is_not_revealed_by_the_status,
    verify_is_not_cached_and_https_is_strict,
    the_data_directory_is_private_even_when_it_existed,
    anonymous_uploads_have_a_quota_per_client,
    uploads_stop_before_the_disk_is_full_while_filings_go_on,
    connections_per_client_are_capped,
    a_client_that_stops_reading_is_cut_off,
);

async fn invisible_characters_in_names_are_refused(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    for (i, c) in [
        '\u{2060}',
        '\u{3164}',
        '\u{115F}',
        '\u{FFA0}',
        '\u{2800}',
        '\u{061C}',
        '\u{00AD}',
        '\u{E0041}',
        '\u{2028}',
        '\u{2029}',
        '\u{FE0F}',
    ]
    .into_iter()
    .enumerate()
    {
        let mut b2 = body.clone();
        b2["applicant"]["name"] = json!(format!("张{c}三"));
        let (st, p) = app.file(&format!("inv-{i}"), &b2).await;
        assert_eq!(st, 422, "U+{:04X}: {p}", c as u32);
        assert!(
            fields(&p).iter().any(|f| f == "applicant.name"),
            "U+{:04X}: {p}",
            c as u32
        );
        let e = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "applicant.name")
            .unwrap();
        assert!(e["message"]["zh"].is_string() && e["message"]["en"].is_string());
    }
    assert_eq!(app.sql("SELECT COUNT(*) FROM filings").await, ["0"]);
}

async fn existence_is_not_revealed_by_the_status(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("ex-1", ordinary_facts()).await;
    let real = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    let ghost = real.replace("-000001", "-000777");
    let ghost_other_street = ghost.replace("bantian", "pinghu");
    let status = |p: String, t: Option<String>| {
        let app = &app;
        async move { app.get(&p, t.as_deref()).await.0 }
    };
    let at = |no: &str| format!("/api/v1/registrations/{no}");
    // Without credentials, or with an access code that is not this registration's: 401 either way.
    assert_eq!(status(at(&real), None).await, 401);
    assert_eq!(status(at(&ghost), None).await, 401);
    let wrong = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(status(at(&real), Some(wrong.clone())).await, 401);
    assert_eq!(status(at(&ghost), Some(wrong)).await, 401);
    // The real code opens only its own.
    assert_eq!(status(at(&real), Some(token.clone())).await, 200);
    assert_eq!(status(at(&ghost), Some(token)).await, 401);
    // An officer of another street: 403 for a registration of that street, existing or not.
    let pinghu = app.officer("pinghu", "officer").await;
    assert_eq!(status(at(&real), Some(pinghu.clone())).await, 403);
    assert_eq!(status(at(&ghost), Some(pinghu.clone())).await, 403);
    assert_eq!(status(at(&ghost_other_street), Some(pinghu)).await, 404);
    let bantian = app.officer("bantian", "officer").await;
    assert_eq!(status(at(&real), Some(bantian.clone())).await, 200);
    assert_eq!(status(at(&ghost), Some(bantian)).await, 404);
}

async fn verify_is_not_cached_and_https_is_strict(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("nc-1", ordinary_facts()).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    for p in [
        format!("/api/v1/receipts/{rno}/verify"),
        "/api/v1/receipts/LG-bantian-20261123-999999/verify".to_owned(),
    ] {
        let p = app.with_code(&p).await;
        let r = app.http.get(app.url(&p)).send().await.unwrap();
        assert_eq!(
            r.headers()["cache-control"].to_str().unwrap(),
            "no-store",
            "{p}"
        );
        // The tests' public URL is https: browsers are told to use nothing else.
        assert!(
            r.headers()["strict-transport-security"]
                .to_str()
                .unwrap()
                .starts_with("max-age=")
        );
    }
    // A server whose public URL is plain http sends no HSTS; a wildcard CORS origin does not start.
    let plain = spawn_with(b, |c| c.public_url = "http://127.0.0.1:8080".into()).await;
    let r = plain
        .http
        .get(plain.url("/api/v1/keys"))
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("strict-transport-security"));
    let mut cfg = Config::new(plain.data_dir().join("cors"));
    cfg.listen = "127.0.0.1:0".into();
    cfg.cors_origins = vec!["*".into()];
    let e = anbei_api::Application::build(cfg)
        .await
        .err()
        .expect("a wildcard origin must not start");
    assert!(
        e.contains("--cors-origins") && e.contains("wildcard"),
        "{e}"
    );
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

async fn the_data_directory_is_private_even_when_it_existed(b: Backend) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let app = spawn_with(b, |cfg| {
            // A directory made by an earlier version (or by hand) with the usual 0755/0644.
            let up = cfg.data_dir.join("uploads").join("ab");
            std::fs::create_dir_all(&up).unwrap();
            std::fs::write(up.join("old"), b"%PDF-1.4\n%%EOF\n").unwrap();
            for p in [cfg.data_dir.clone(), up.clone(), up.join("old")] {
                let m = if p.is_dir() { 0o755 } else { 0o644 };
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
            }
        })
        .await;
        let dir = app.data_dir();
        assert_eq!(mode(dir), 0o700);
        assert_eq!(mode(&dir.join("uploads")), 0o700);
        assert_eq!(mode(&dir.join("uploads/ab")), 0o700);
        assert_eq!(mode(&dir.join("uploads/ab/old")), 0o600);
        assert_eq!(mode(&dir.join(anbei_api::keyring::KEK_FILE)), 0o600);
        // What is written after the start is private too: an upload, the database and its WAL.
        let id = app.upload_pdf("perm").await;
        let hex = id.trim_start_matches("sha256:");
        if b == Backend::Sqlite {
            assert_eq!(mode(&dir.join("uploads").join(&hex[..2]).join(hex)), 0o600);
        } else {
            // PostgreSQL: the bytes are in the database (upload_blobs), never in the data directory.
            assert!(!dir.join("uploads").join(&hex[..2]).exists());
            assert_eq!(
                app.sql(&format!(
                    "SELECT sha256 FROM upload_blobs WHERE sha256 = '{hex}'"
                ))
                .await,
                [hex]
            );
        }
        app.file_complete("perm-1", ordinary_facts()).await;
        if b == Backend::Sqlite {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("anbei.sqlite3") {
                    assert_eq!(mode(&e.path()), 0o600, "{name}");
                }
            }
        }
    }
}

/// A PDF of `n` bytes (well formed: the service checks its structure), unique by `tag`.
fn pdf_of(tag: &str, n: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% {tag}\n").into_bytes();
    b.resize(n.saturating_sub(6), b' ');
    b.extend_from_slice(b"%%EOF\n");
    b
}

/// Uploads `bytes` as the client `from` (through the trusted proxy the test client plays), with a
/// staff bearer token if given: the status, the problem or meta, and `Retry-After`.
async fn upload_as(
    app: &TestApp,
    from: &str,
    bytes: Vec<u8>,
    bearer: Option<&str>,
) -> (u16, serde_json::Value, Option<String>) {
    let mut r = app
        .http
        .post(app.url("/api/v1/uploads"))
        .header("Content-Type", "application/pdf")
        .header("X-Forwarded-For", from);
    if let Some(t) = bearer {
        r = r.bearer_auth(t);
    }
    let resp = r.body(bytes).send().await.unwrap();
    let st = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (st, resp.json().await.unwrap_or_default(), retry)
}

async fn uploads_stored(app: &TestApp) -> String {
    app.sql("SELECT count(*) FROM uploads").await.remove(0)
}

/// Issue 16, item 8: anonymous uploads are counted per client — IPv4 address or IPv6 /64 — in
/// documents and in bytes per hour; over either: 429 `UPLOAD_QUOTA` with `Retry-After`, zh and en,
/// and nothing stored. Other clients, and staff, are not affected.
async fn anonymous_uploads_have_a_quota_per_client(b: Backend) {
    let app = spawn_with(b, |c| {
        c.uploads_per_hour = 3;
        c.upload_bytes_per_hour = 5000;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let a = "203.0.113.7";
    for i in 0..3 {
        let (st, v, _) = upload_as(&app, a, pdf_of(&format!("a{i}"), 300), None).await;
        assert_eq!(st, 201, "upload {i} of 3: {v}");
    }
    let before = uploads_stored(&app).await;
    let (st, p, retry) = upload_as(&app, a, pdf_of("a3", 300), None).await;
    assert_eq!(st, 429, "{p}");
    assert_eq!(p["code"], "UPLOAD_QUOTA", "{p}");
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    // One document comes back every 20 minutes.
    assert!((1..=1200).contains(&retry), "{retry}");
    assert!(p["detail"].as_str().unwrap().contains("3 documents"), "{p}");
    assert!(p["detail_zh"].as_str().unwrap().contains("3 个文件"), "{p}");
    assert_eq!(uploads_stored(&app).await, before, "nothing stored");

    // Another address is not affected; staff (an inspector's photos) are not counted at all.
    let (st, v, _) = upload_as(&app, "203.0.113.8", pdf_of("b0", 300), None).await;
    assert_eq!(st, 201, "{v}");
    let officer = app.officer("bantian", "officer").await;
    let (st, v, _) = upload_as(&app, a, pdf_of("staff", 300), Some(&officer)).await;
    assert_eq!(st, 201, "staff upload from the same address: {v}");

    // Bytes: 5000 an hour; 4000 taken, 2000 more do not fit (the count would).
    let c = "198.51.100.20";
    let (st, v, _) = upload_as(&app, c, pdf_of("c0", 4000), None).await;
    assert_eq!(st, 201, "{v}");
    let before = uploads_stored(&app).await;
    let (st, p, retry) = upload_as(&app, c, pdf_of("c1", 2000), None).await;
    assert_eq!((st, p["code"].as_str()), (429, Some("UPLOAD_QUOTA")), "{p}");
    assert!(retry.is_some());
    assert_eq!(uploads_stored(&app).await, before, "nothing stored");
    let (st, v, _) = upload_as(&app, c, pdf_of("c2", 900), None).await;
    assert_eq!(st, 201, "what still fits is taken: {v}");

    // IPv6: one subscriber's /64 is one client, whichever address it picks.
    for i in 0..3 {
        let from = format!("2001:db8:aa:bb::{}", i + 1);
        let (st, v, _) = upload_as(&app, &from, pdf_of(&format!("v6-{i}"), 300), None).await;
        assert_eq!(st, 201, "{v}");
    }
    let (st, p, _) = upload_as(&app, "2001:db8:aa:bb:ffff:1:2:3", pdf_of("v6-3", 300), None).await;
    assert_eq!(
        (st, p["code"].as_str()),
        (429, Some("UPLOAD_QUOTA")),
        "same /64: {p}"
    );
    let (st, v, _) = upload_as(&app, "2001:db8:aa:bc::1", pdf_of("v6-4", 300), None).await;
    assert_eq!(st, 201, "the next /64 is another client: {v}");
}

/// Issue 16, item 8: below the free-space floor of the data directory's filesystem (here 100 %: any
/// real disk is below it) uploads are refused with 507 `INSUFFICIENT_STORAGE`, zh and en, nothing
/// stored — while a filing whose documents were uploaded before still gets its receipt. With
/// PostgreSQL the documents are in the database, not on this disk: the guard does not apply.
async fn uploads_stop_before_the_disk_is_full_while_filings_go_on(b: Backend) {
    let app = spawn_with(b, |c| c.upload_min_free_percent = 100).await;
    let (st, p, _) = upload_as(&app, "203.0.113.9", pdf_of("full", 300), None).await;
    if b == Backend::Postgres {
        assert_eq!(st, 201, "PostgreSQL: uploads go to the database: {p}");
        return;
    }
    assert_eq!(st, 507, "{p}");
    assert_eq!(p["code"], "INSUFFICIENT_STORAGE");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("can still be submitted"),
        "{p}"
    );
    assert!(!p["detail_zh"].as_str().unwrap().is_empty());
    assert_eq!(uploads_stored(&app).await, "0", "nothing stored");
    let files = std::fs::read_dir(app.data_dir().join("uploads"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "no file written");

    // The documents were uploaded before the disk filled up (stored directly here).
    let doc = pdf_of("before", 300);
    let meta = anbei_api::store::UploadMeta {
        upload_id: format!(
            "sha256:{}",
            anbei_api::signing::hex(&<sha2::Sha256 as sha2::Digest>::digest(&doc))
        ),
        sha256: anbei_api::signing::hex(&<sha2::Sha256 as sha2::Digest>::digest(&doc)),
        size: doc.len() as i64,
        content_type: "application/pdf".into(),
        created_at: app.state.now(),
    };
    app.state
        .blobs
        .put(&meta.sha256, doc.clone().into())
        .await
        .unwrap();
    app.state.store.put_upload(meta.clone()).await.unwrap();
    let facts = ordinary_facts();
    let (st, a) = app.post("/api/v1/assessments", None, &facts).await;
    assert_eq!(st, 200, "{a}");
    let mut docs = serde_json::Map::new();
    for d in a["documents"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        if anbei_core::Code::from_str(code).is_some_and(anbei_filing::documents::needs_upload) {
            docs.insert(code.into(), json!(meta.upload_id));
        }
    }
    let mut body = base_filing(facts);
    body["documents"] = serde_json::Value::Object(docs);
    let (st, v) = app.file("disk-low-1", &body).await;
    assert_eq!(st, 201, "a filing still goes through: {v}");
    assert!(v["receipt"]["receipt_no"].is_string(), "{v}");
}

/// Sends a GET of `/healthz` on `s` and reads the whole answer: whether one came (false: closed
/// unanswered).
async fn answered(s: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = match tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf))
            .await
        {
            Ok(Ok(n)) => n,
            Ok(Err(_)) => 0,
            Err(_) => panic!("neither answered nor closed in 10 s"),
        };
        if n == 0 {
            return false;
        }
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let len: usize = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                return text.starts_with("HTTP/1.1 200");
            }
        }
    }
}

/// A connection to the test server from the local address `from` (127.0.0.x: another client).
async fn connect_from(app: &TestApp, from: &str) -> tokio::net::TcpStream {
    let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind(format!("{from}:0").parse().unwrap()).unwrap();
    sock.connect(addr).await.unwrap()
}

/// Issue 16, item 9: one client holds at most `max_connections_per_client` connections; one more is
/// closed unanswered, another client is not affected, and when one closes a new one is taken again.
async fn connections_per_client_are_capped(b: Backend) {
    let app = spawn_with(b, |c| c.max_connections_per_client = 3).await;
    let mut open = Vec::new();
    for i in 0..3 {
        let mut s = connect_from(&app, "127.0.0.1").await;
        assert!(answered(&mut s).await, "connection {i} of 3");
        open.push(s);
    }
    let mut extra = connect_from(&app, "127.0.0.1").await;
    assert!(
        !answered(&mut extra).await,
        "a fourth connection is refused"
    );
    let mut other = connect_from(&app, "127.0.0.2").await;
    assert!(answered(&mut other).await, "another client is not affected");
    // The three still work (keep-alive).
    for s in &mut open {
        assert!(answered(s).await);
    }
    drop(open.pop());
    let mut taken = false;
    for _ in 0..50 {
        let mut s = connect_from(&app, "127.0.0.1").await;
        if answered(&mut s).await {
            taken = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(taken, "after one closed, a new connection is taken again");
}

/// Issue 16, item 9: a client that asks for answers and stops reading them is cut off once an answer
/// has made no progress for the write timeout (here 1 s), instead of holding its connection forever.
async fn a_client_that_stops_reading_is_cut_off(b: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A large answer that costs the server nothing to make (an asset, kept in memory): 8 MiB.
    let www = std::env::temp_dir()
        .join(format!("anbei-www-{}", std::process::id()))
        .join(format!("{b:?}"));
    std::fs::create_dir_all(www.join("dist")).unwrap();
    std::fs::write(www.join("dist/big.js"), vec![b'a'; 8 << 20]).unwrap();
    let w = www.clone();
    let app = spawn_with(b, move |c| {
        c.write_timeout = std::time::Duration::from_secs(1);
        c.www_dir = w;
    })
    .await;
    let one = app
        .http
        .get(app.url("/widget/big.js"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    assert_eq!(one, 8 << 20);
    // 32 answers, 256 MiB: far more than the socket buffers hold, so the server must wait.
    let n = 32;
    let mut s = connect_from(&app, "127.0.0.1").await;
    let req = b"GET /widget/big.js HTTP/1.1\r\nHost: t\r\n\r\n".repeat(n);
    s.write_all(&req).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    // Now read: the connection ends (closed or reset) before every answer came.
    let mut got = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    let ended = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(k)) => got += k,
            Err(_) => break false,
        }
    };
    let _ = std::fs::remove_dir_all(&www);
    assert!(ended, "the connection was still open after {got} bytes");
    assert!(got < n * one, "{got} bytes of {}", n * one);
}

/// A bad setting stops `anbei serve` at once, naming the setting, instead of being replaced by a
/// default the operator did not choose: the group commits in flight (`ANBEI_PG_GROUPS_IN_FLIGHT`),
/// given as a flag or in the environment.
#[test]
fn a_bad_groups_in_flight_setting_is_a_start_up_error() {
    let dir = std::env::temp_dir().join(format!("anbei-inflight-{}", std::process::id()));
    for (flag, env) in [
        (Some("0"), None),
        (Some("65"), None),
        (None, Some("two")),
        (None, Some("-1")),
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_anbei"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&dir)
            .env_remove("ANBEI_PG_GROUPS_IN_FLIGHT");
        if let Some(v) = flag {
            cmd.args(["--pg-groups-in-flight", v]);
        }
        if let Some(v) = env {
            cmd.env("ANBEI_PG_GROUPS_IN_FLIGHT", v);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag:?} {env:?}: {err}");
        assert!(
            err.contains("--pg-groups-in-flight"),
            "{flag:?} {env:?} names the setting: {err}"
        );
    }
    assert!(!dir.exists(), "nothing was created");
}
