//! Several instances, one PostgreSQL, no shared disk (issue 17): two servers started with the same
//! database and the same key-encryption key file (`ANBEI_KEK_FILE`) but different data directories are
//! interchangeable — an upload made on one is checked and served by the other, a registration filed on
//! one is managed on the other, and every receipt verifies on both.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

/// `GET` the bytes of a registration's document on `app`.
async fn document(app: &TestApp, no: &str, doc: &str, token: &str) -> (u16, Vec<u8>) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/registrations/{no}/documents/{doc}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.bytes().await.unwrap().to_vec())
}

/// The public verification of `receipt_no` on `app`.
/// The receipt's public verification on `app` with the code `printed_by` derives for the notice (the
/// code is an HMAC under the shared keyring's secret: a notice printed by one instance opens on any).
async fn verifies(app: &TestApp, printed_by: &TestApp, receipt_no: &str) -> Value {
    let code = printed_by.code_of(receipt_no).await;
    let (st, v) = app
        .get(
            &format!("/api/v1/receipts/{receipt_no}/verify?c={code}"),
            None,
        )
        .await;
    assert_eq!(st, 200, "{v}");
    v
}

/// Upload on A, file on B with it, manage on A, read the documents and verify the receipts on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_with_their_own_data_directories_are_interchangeable() {
    let (a, b) = spawn_pair().await;
    assert_ne!(a.data_dir(), b.data_dir());
    // The same keyring: both sign with the same key (made by whichever started first).
    assert_eq!(a.state.signer.kid(), b.state.signer.kid());

    // An upload on A is known to B: a filing on B may name it.
    let pdf = b"%PDF-1.4\n% uploaded on instance A\n%%EOF\n".to_vec();
    let r = a
        .http
        .post(a.url("/api/v1/uploads"))
        .header("Content-Type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let doc = r.json::<Value>().await.unwrap()["upload_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, v) = b.post("/api/v1/assessments", None, &ordinary_facts()).await;
    assert_eq!(st, 200, "{v}");
    let mut body = base_filing(ordinary_facts());
    let mut docs = serde_json::Map::new();
    for d in v["documents"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        if anbei_core::Code::from_str(code).is_some_and(anbei_filing::documents::needs_upload) {
            docs.insert(code.into(), Value::String(doc.clone()));
        }
    }
    assert!(!docs.is_empty(), "the ordinary filing names an upload");
    body["documents"] = Value::Object(docs);
    let (st, filed) = b.file("pair-ordinary", &body).await;
    assert_eq!(st, 201, "{filed}");
    let no = filed["filing_no"].as_str().unwrap().to_owned();
    let receipt_no = filed["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let applicant = filed["access_token"].as_str().unwrap().to_owned();

    // The same Idempotency-Key replayed on the other instance gives the same registration back.
    let (st, again) = a.file("pair-ordinary", &body).await;
    assert!(st == 200 || st == 201, "{st} {again}");
    assert_eq!(again["filing_no"], no.as_str());
    assert_eq!(again["receipt"]["receipt_no"], receipt_no.as_str());

    // The applicant's access code, derived on B, opens the registration on A.
    let (st, v) = a
        .get(&format!("/api/v1/registrations/{no}"), Some(&applicant))
        .await;
    assert_eq!(st, 200, "{v}");

    // Every instance serves the document's bytes, which are in the database and in no data directory.
    let officer = a.officer("bantian", "officer").await;
    for app in [&a, &b] {
        let (st, bytes) = document(app, &no, &doc, &officer).await;
        assert_eq!(st, 200);
        assert_eq!(bytes, pdf);
        assert!(!app.data_dir().join("uploads").exists());
        let v = verifies(app, &b, &receipt_no).await;
        assert_eq!(v["signature_valid"], true, "{v}");
    }
    let sha = doc.trim_start_matches("sha256:");
    assert_eq!(
        a.sql(&format!(
            "SELECT size::text FROM upload_blobs WHERE sha256 = '{sha}'"
        ))
        .await,
        [pdf.len().to_string()]
    );

    // A lifecycle across instances: a high-risk filing on A, accepted on B, its receipt verifying on
    // both; the same bytes uploaded on B are the same upload (content-addressed).
    let same = b
        .http
        .post(b.url("/api/v1/uploads"))
        .header("Content-Type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same.status().as_u16(), 201);
    assert_eq!(
        same.json::<Value>().await.unwrap()["upload_id"],
        doc.as_str()
    );
    let high = a.file_complete("pair-high-risk", high_risk_facts()).await;
    assert_eq!(high["status"], "filed", "{high}");
    let high_no = high["filing_no"].as_str().unwrap();
    let (st, accepted) = b
        .post(
            &format!("/api/v1/registrations/{high_no}/acceptance"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{accepted}");
    let high_receipt = accepted["receipt"]["receipt_no"].as_str().unwrap();
    for app in [&a, &b] {
        assert_eq!(
            verifies(app, &a, high_receipt).await["signature_valid"],
            true
        );
        let (st, v) = app
            .get(&format!("/api/v1/registrations/{high_no}"), Some(&officer))
            .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["status"], "registered", "{v}");
    }
}

/// Documents an earlier version stored in one instance's data directory: that instance still serves
/// them; `anbei uploads import` (here its library call) copies them into the database, after which every
/// instance does; importing again changes nothing, and a file whose bytes do not match its name is
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_left_on_disk_by_an_earlier_version_are_imported_into_the_database() {
    use sha2::{Digest, Sha256};
    let (a, b) = spawn_pair().await;
    let pdf = b"%PDF-1.4\n% stored on disk before issue 17\n%%EOF\n".to_vec();
    let sha = anbei_api::signing::hex(&Sha256::digest(&pdf));
    let dir = a.data_dir().join("uploads").join(&sha[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&sha), &pdf).unwrap();
    let forged = "0".repeat(64);
    std::fs::create_dir_all(a.data_dir().join("uploads").join("00")).unwrap();
    std::fs::write(a.data_dir().join("uploads").join("00").join(&forged), b"x").unwrap();
    a.sql(&format!(
        "INSERT INTO uploads (id, sha256, size, content_type, created_at) \
         VALUES ('sha256:{sha}', '{sha}', {}, 'application/pdf', '2026-11-01T09:00:00+08:00')",
        pdf.len()
    ))
    .await;
    let doc = format!("sha256:{sha}");
    let mut body = a.filing(ordinary_facts()).await;
    for v in body["documents"].as_object_mut().unwrap().values_mut() {
        *v = Value::String(doc.clone());
    }
    let (st, filed) = b.file("on-disk", &body).await;
    assert_eq!(st, 201, "{filed}");
    let no = filed["filing_no"].as_str().unwrap().to_owned();
    let officer = a.officer("bantian", "officer").await;
    assert_eq!(document(&a, &no, &doc, &officer).await, (200, pdf.clone()));
    assert_ne!(document(&b, &no, &doc, &officer).await.0, 200);

    let opts = sqlx::postgres::PgConnectOptions::from_str(&pg_url())
        .unwrap()
        .options([("search_path", a.schema().unwrap())]);
    let pool = sqlx::PgPool::connect_with(opts).await.unwrap();
    let uploads = a.data_dir().join("uploads");
    let r = anbei_api::store::blobs::import_dir(&pool, &uploads)
        .await
        .unwrap();
    assert_eq!((r.imported, r.present), (1, 0));
    assert_eq!(r.skipped.len(), 1, "{:?}", r.skipped);
    assert!(r.skipped[0].ends_with(&forged));
    for app in [&a, &b] {
        assert_eq!(document(app, &no, &doc, &officer).await, (200, pdf.clone()));
    }
    let r = anbei_api::store::blobs::import_dir(&pool, &uploads)
        .await
        .unwrap();
    assert_eq!((r.imported, r.present), (0, 1));
    pool.close().await;
}

use std::str::FromStr;

/// Two instances append to one audit chain at once (issue 17): each group commit of new filings and
/// each officer's read takes the chain's lock and its last row in one round trip (migration 0018), so
/// after 2 × 48 filings filed 16 at a time on each instance, with officers reading registrations on
/// both in between, the chain is one unbroken chain: consecutive numbers, every row linked to the one
/// before, an entry for every filing and every read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_writing_at_once_keep_one_unbroken_audit_chain() {
    let (a, b) = spawn_pair().await;
    let before = audit_rows(&a, "TRUE").await;
    let mut tasks = tokio::task::JoinSet::new();
    for (name, app) in [("a", &a), ("b", &b)] {
        let body = app.filing(ordinary_facts()).await;
        let officer = app.officer("bantian", "officer").await;
        for lane in 0..16 {
            let (http, base, body, officer) =
                (app.http.clone(), app.url(""), body.clone(), officer.clone());
            tasks.spawn(async move {
                for n in 0..3 {
                    let r = http
                        .post(format!("{base}/api/v1/registrations"))
                        .header("Idempotency-Key", format!("chain-{name}-{lane}-{n}"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 201);
                    let no = r.json::<Value>().await.unwrap()["filing_no"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    let r = http
                        .get(format!("{base}/api/v1/registrations/{no}"))
                        .bearer_auth(&officer)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 200);
                }
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    assert_eq!(audit_rows(&a, "action = 'filed'").await, 96);
    assert_eq!(audit_rows(&a, "action = 'registration_read'").await, 96);
    // one chain, checked row by row from the first (both instances' `anbei audit verify` agree)
    let all = audit_rows(&a, "TRUE").await;
    assert!(all >= before + 192, "{before} → {all}");
    for app in [&a, &b] {
        let ok = anbei_api::accounts::cli::verify(&app.state).await.unwrap();
        assert_eq!(ok.rows, all, "every row is in the one chain");
    }
}

/// How many audit rows match `filter` (an SQL condition).
async fn audit_rows(app: &TestApp, filter: &str) -> i64 {
    app.sql(&format!("SELECT count(*) FROM audit WHERE {filter}"))
        .await[0]
        .parse()
        .unwrap()
}

/// (`anbei_pg_instances_live`, `anbei_pg_groups_in_flight_limit`) from `app`'s `GET /metrics`.
async fn in_flight_gauges(app: &TestApp) -> (u64, u64) {
    let (st, text) = app.page("/metrics").await;
    assert_eq!(st, 200, "{text}");
    (
        series(&text, "anbei_pg_instances_live ") as u64,
        series(&text, "anbei_pg_groups_in_flight_limit ") as u64,
    )
}

/// Instances sharing a database share its group commits (issue 17): every group of new filings ends
/// on the audit chain's lock, so groups commit one at a time across all instances, and more in flight
/// only made smaller groups (BENCHMARKS.md). Alone, an instance writes two groups at once; beside
/// another, one. The second instance knows from its first heartbeat, at start; the first within a
/// heartbeat or two. A number the operator gives (`ANBEI_PG_GROUPS_IN_FLIGHT`) is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_a_database_share_the_group_commits_in_flight() {
    use anbei_api::store::pg_batch::{HEARTBEAT, IN_FLIGHT};
    let alone = spawn(Backend::Postgres).await;
    assert_eq!(in_flight_gauges(&alone).await, (1, IN_FLIGHT as u64));
    let told = spawn_with(Backend::Postgres, |c| c.pg_groups_in_flight = Some(1)).await;
    assert_eq!(in_flight_gauges(&told).await, (1, 1));

    let (a, b) = spawn_pair().await;
    assert_eq!(in_flight_gauges(&b).await, (2, 1), "the second, at start");
    let deadline = std::time::Instant::now() + 3 * HEARTBEAT;
    loop {
        let g = in_flight_gauges(&a).await;
        if g == (2, 1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the first still says {g:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // and filings still go through both
    for (key, app) in [("share-a", &a), ("share-b", &b)] {
        let (st, v) = app.file(key, &app.filing(ordinary_facts()).await).await;
        assert_eq!(st, 201, "{v}");
    }
}
