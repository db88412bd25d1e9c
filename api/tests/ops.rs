//! Operations (issue 17): `GET /metrics` (who may read it, what it says), the request id on every
//! response, and the SQLite backup taken while serving restored into a fresh server whose receipts verify.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::*;
use serde_json::Value;

both_backends!(metrics_count_requests_by_route_template_and_receipts);

const TOKEN: &str = "metrics-token-0123456789";

async fn metrics(app: &TestApp, auth: Option<&str>, forwarded: bool) -> (u16, String, String) {
    let mut r = app.http.get(app.url("/metrics"));
    if let Some(t) = auth {
        r = r.bearer_auth(t);
    }
    if forwarded {
        r = r.header("X-Forwarded-For", "203.0.113.7");
    }
    let resp = r.send().await.unwrap();
    let st = resp.status().as_u16();
    let ct = content_type(&resp);
    (st, ct, resp.text().await.unwrap())
}

async fn metrics_count_requests_by_route_template_and_receipts(backend: Backend) {
    let app = spawn(backend).await;
    // without a token configured: this machine, directly — not through a proxy
    let (st, ct, before) = metrics(&app, None, false).await;
    assert_eq!(st, 200, "{before}");
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    assert_eq!(metrics(&app, None, true).await.0, 403);
    let v = app.file_complete("ops-m1", ordinary_facts()).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let no = v["filing_no"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let (st, _) = app
            .get(
                &app.with_code(&format!("/api/v1/receipts/{rno}/verify"))
                    .await,
                None,
            )
            .await;
        assert_eq!(st, 200);
    }
    assert_eq!(app.get("/no/such/page-13812345678", None).await.0, 404);
    let (_, _, text) = metrics(&app, None, false).await;
    let verify = "anbei_http_requests_total{route=\"/api/v1/receipts/{receipt_no}/verify\",method=\"GET\",status=\"200\"} ";
    assert!(
        series(&text, verify) - series(&before, verify) >= 2.0,
        "{text}"
    );
    assert!(
        series(&text, "anbei_receipts_issued_total ")
            >= series(&before, "anbei_receipts_issued_total ") + 1.0
    );
    assert!(text.contains("anbei_http_request_duration_seconds_bucket{route=\"/api/v1/registrations\",method=\"POST\",le=\"+Inf\"}"));
    assert!(
        series(&text, "anbei_group_commit_size_count ") >= 1.0,
        "{text}"
    );
    assert!(text.contains("route=\"unmatched\""));
    assert!(text.contains("anbei_outbox_lag_seconds "));
    // raw URLs never become labels: neither the receipt nor the unknown path
    assert!(!text.contains(&rno) && !text.contains(&no) && !text.contains("13812345678"));
    if backend == Backend::Postgres {
        assert!(
            text.contains("anbei_db_pool_connections{state=\"open\"}"),
            "{text}"
        );
    }
    // with a token configured: it is needed, from anywhere
    let app = spawn_with(backend, |c| c.metrics_token = Some(TOKEN.into())).await;
    let (st, _, body) = metrics(&app, None, false).await;
    assert_eq!(st, 401, "{body}");
    let (st, ct, body) = metrics(&app, Some("metrics-token-0123456780"), false).await;
    assert_eq!(st, 403);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["code"], "FORBIDDEN");
    assert_eq!(metrics(&app, Some(TOKEN), true).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_names_its_request() {
    let app = spawn(Backend::Sqlite).await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    let a = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let r = app.http.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let b = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!a.is_empty() && a != b);
    // a proxy's id is kept …
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("X-Request-Id", "edge-7f3a.42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "edge-7f3a.42");
    // … unless it is not a plain token (or could carry personal data)
    for bad in ["a b \"c\"", "13812345678", &"x".repeat(65)] {
        let r = app
            .http
            .get(app.url("/healthz"))
            .header("X-Request-Id", bad)
            .send()
            .await
            .unwrap();
        let got = r.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(got, bad);
        assert!(!got.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_into_a_fresh_server() {
    let app = spawn(Backend::Sqlite).await;
    let mut receipts = Vec::new();
    for i in 0..3 {
        let v = app
            .file_complete(&format!("ops-b{i}"), ordinary_facts())
            .await;
        receipts.push(v["receipt"]["receipt_no"].as_str().unwrap().to_owned());
    }
    let out = std::env::temp_dir().join(format!(
        "anbei-ops-backup-{}-{}.tar",
        std::process::id(),
        app.clock_ms()
    ));
    let _ = std::fs::remove_file(&out);
    let dir = app.data_dir().to_owned();
    let target = out.clone();
    let sum =
        tokio::task::spawn_blocking(move || anbei_api::ops::backup::backup(&dir, &target, true))
            .await
            .unwrap()
            .unwrap();
    assert!(sum.database && sum.files >= 2, "{sum:?}"); // the key and the upload
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // the server goes on after the backup; what it files now is not in it
    let later = app.file_complete("ops-after", ordinary_facts()).await;
    // a backup never lands on existing data
    let e = anbei_api::ops::backup::restore(&out, app.data_dir()).unwrap_err();
    assert!(e.contains("not empty"), "{e}");
    let fresh = std::env::temp_dir().join(format!("anbei-ops-restored-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    anbei_api::ops::backup::restore(&out, &fresh).unwrap();
    let restored_dir = fresh.clone();
    let restored = spawn_with(Backend::Sqlite, move |c| c.data_dir = restored_dir).await;
    for rno in &receipts {
        let (st, v) = restored
            .get(
                &restored
                    .with_code(&format!("/api/v1/receipts/{rno}/verify"))
                    .await,
                None,
            )
            .await;
        assert_eq!(st, 200, "{rno}: {v}");
        assert_eq!(v["valid"], true, "{v}");
    }
    let (st, _) = restored
        .get(
            &format!(
                "/api/v1/receipts/{}/verify",
                later["receipt"]["receipt_no"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(st, 404, "filed after the backup");
    // the restored server files on, numbering after the restored filings
    let next = restored
        .file_complete("ops-restored-1", ordinary_facts())
        .await;
    assert!(!receipts.contains(&next["receipt"]["receipt_no"].as_str().unwrap().to_owned()));
    drop(restored);
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_file(&out);
}
