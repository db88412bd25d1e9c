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
