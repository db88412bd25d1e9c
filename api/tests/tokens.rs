//! Issue 16, item 5: access tokens cannot be recovered from a database copy. The Idempotency-Key is
//! stored only as a hash (rows stored in clear before are hashed in place at start); a replay returns
//! the codes only within 24 h of the original request, then the filing number and "use your access
//! code"; an officer re-issues a lost code after checking the applicant's identity, audited.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::signing::sha256_hex;
use common::*;
use serde_json::{Value, json};

both_backends!(
    the_idempotency_key_is_stored_only_as_a_hash,
    a_replay_returns_the_codes_only_within_24_hours,
    an_officer_reissues_a_lost_code_after_an_identity_check,
    keys_stored_in_clear_are_hashed_in_place,
);

/// POST the filing `body` under `key`: (status, replayed header, body).
async fn file(app: &TestApp, key: &str, body: &Value) -> (u16, bool, Value) {
    let r = app
        .http
        .post(app.url("/api/v1/registrations"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (st, replayed, r.json().await.unwrap())
}

async fn reads(app: &TestApp, no: &str, token: &str) -> u16 {
    app.get(&format!("/api/v1/registrations/{no}"), Some(token))
        .await
        .0
}

async fn the_idempotency_key_is_stored_only_as_a_hash(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let key = "client-key-7c1d2e3f-clear";
    let (st, _, v) = file(&app, key, &body).await;
    assert_eq!(st, 201, "{v}");
    let no = v["filing_no"].as_str().unwrap();
    assert_eq!(
        app.sql(&format!(
            "SELECT idempotency_key FROM filings WHERE filing_no = '{no}'"
        ))
        .await,
        [format!("sha256:{}", sha256_hex(key.as_bytes()))]
    );
    // The key in clear is nowhere in the database: no table's text holds it.
    match app.schema() {
        None => {
            let _ = app.sql("PRAGMA wal_checkpoint(TRUNCATE)").await;
            let bytes = std::fs::read(app.data_dir().join("anbei.sqlite3")).unwrap();
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "the clear key is in the SQLite file"
            );
        }
        Some(_) => {
            for table in ["filings", "events", "outbox", "audit"] {
                let hits = app
                    .sql(&format!(
                        "SELECT COUNT(*) FROM {table} t WHERE t::text LIKE '%{key}%'"
                    ))
                    .await;
                assert_eq!(hits, ["0"], "{table}");
            }
        }
    }
    // Both codes work, and a replay at once returns them again (the same filing).
    let (token, contractor) = (
        v["access_token"].as_str().unwrap(),
        v["contractor_access_token"].as_str().unwrap(),
    );
    assert_eq!(reads(&app, no, token).await, 200);
    assert_eq!(reads(&app, no, contractor).await, 200);
    let (st, replayed, again) = file(&app, key, &body).await;
    assert_eq!(st, 201, "{again}");
    assert!(replayed);
    assert_eq!(again["filing_no"], no);
    assert_eq!(again["access_token"], token);
    assert_eq!(app.sql("SELECT COUNT(*) FROM filings").await, ["1"]);
}

async fn a_replay_returns_the_codes_only_within_24_hours(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, _, v) = file(&app, "late-replay", &body).await;
    let no = v["filing_no"].as_str().unwrap();
    let token = v["access_token"].as_str().unwrap();
    app.clock.advance_ms(23 * 3600 * 1000 + 59 * 60 * 1000);
    let (st, _, again) = file(&app, "late-replay", &body).await;
    assert_eq!(st, 201, "{again}");
    assert_eq!(again["access_token"], token, "within 24 h");
    app.clock.advance_ms(2 * 60 * 1000);
    let (st, replayed, late) = file(&app, "late-replay", &body).await;
    assert_eq!(st, 200, "{late}");
    assert!(replayed);
    assert_eq!(late["filing_no"], no);
    assert_eq!(late["token_withheld"], true);
    assert!(late["access_token"].is_null() && late["contractor_access_token"].is_null());
    assert!(!late.to_string().contains(token));
    assert!(
        late["message"]["zh"].as_str().unwrap().contains("访问码"),
        "{late}"
    );
    assert!(
        late["message"]["en"]
            .as_str()
            .unwrap()
            .contains("access code"),
        "{late}"
    );
    // Nothing new was filed, and the code still works for its holder.
    assert_eq!(app.sql("SELECT COUNT(*) FROM filings").await, ["1"]);
    assert_eq!(reads(&app, no, token).await, 200);
}

async fn an_officer_reissues_a_lost_code_after_an_identity_check(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, _, v) = file(&app, "lost-code", &body).await;
    let no = v["filing_no"].as_str().unwrap();
    let old = v["access_token"].as_str().unwrap();
    let path = format!("/api/v1/registrations/{no}/access-token");
    let officer = app.officer("bantian", "officer").await;
    let community = app
        .account(anbei_api::accounts::NewAccount {
            login: String::new(),
            name: "社区".into(),
            role: "community".into(),
            street: Some("bantian".into()),
            community: body["site"]["community"].as_str().map(str::to_owned),
            ..Default::default()
        })
        .await;
    let elsewhere = app.officer("pinghu", "officer").await;
    let id = body["applicant"]["id_number"].as_str().unwrap();

    // Only a street officer (or admin) covering it; not the applicant, not a community workstation.
    let right = json!({ "id_number": id.to_lowercase(), "identity_document": "居民身份证原件" });
    assert_eq!(app.post(&path, Some(old), &right).await.0, 403);
    assert_eq!(app.post(&path, Some(&community), &right).await.0, 403);
    assert_ne!(app.post(&path, Some(&elsewhere), &right).await.0, 200);
    // The identity check fails: 422 on the field, nothing changes, the attempt is audited.
    let mut wrong = id_number(77);
    if wrong == id {
        wrong = id_number(78);
    }
    let (st, p) = app
        .post(&path, Some(&officer), &json!({ "id_number": wrong }))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), ["id_number"]);
    assert_eq!(p["errors"][0]["rule"], "identity_mismatch", "{p}");
    assert_eq!(reads(&app, no, old).await, 200, "the old code still works");
    // Right: a new code, the old one stops working.
    let (st, r) = app.post(&path, Some(&officer), &right).await;
    assert_eq!(st, 200, "{r}");
    let new = r["access_token"].as_str().unwrap();
    assert!(new.starts_with("anb_a_") && new != old, "{r}");
    assert_eq!(reads(&app, no, new).await, 200);
    assert_eq!(reads(&app, no, old).await, 401);
    assert!(
        !app.sql(&format!(
            "SELECT access_token_hash FROM filings WHERE filing_no = '{no}'"
        ))
        .await[0]
            .contains(new),
        "stored as a hash"
    );
    let audit = app
        .sql(&format!(
            "SELECT action || ':' || outcome || ':' || role FROM audit WHERE target = '{no}' AND action = 'access_token_reissue' ORDER BY seq"
        ))
        .await;
    assert_eq!(
        audit,
        [
            "access_token_reissue:identity_mismatch:officer",
            "access_token_reissue:ok:officer"
        ]
    );
    // A replay within 24 h no longer hands out the replaced code.
    let (st, _, again) = file(&app, "lost-code", &body).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["token_withheld"], true);
    assert!(!again.to_string().contains(old));
}

async fn keys_stored_in_clear_are_hashed_in_place(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, _, v) = file(&app, "placeholder", &body).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    // The row as a version before item 5 stored it: the key in clear, the codes derived from it.
    let legacy = "legacy-clear-key-0001";
    let created = app
        .sql(&format!(
            "SELECT created_at FROM filings WHERE filing_no = '{no}'"
        ))
        .await
        .remove(0);
    let signer = &app.state.signer;
    let token = signer.access_token(&created, &no, legacy);
    let contractor = signer.contractor_token(&created, &no, legacy);
    app.sql(&format!(
        "UPDATE filings SET idempotency_key = '{legacy}', access_token_hash = '{}' WHERE filing_no = '{no}'",
        sha256_hex(token.as_bytes())
    ))
    .await;

    // At start (run here as the service runs it after loading the keyring): hashed in place, once.
    let n = anbei_api::tokens::hash_legacy_keys(app.state.store.as_ref(), signer)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        anbei_api::tokens::hash_legacy_keys(app.state.store.as_ref(), signer)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.sql(&format!(
            "SELECT idempotency_key FROM filings WHERE filing_no = '{no}'"
        ))
        .await,
        [anbei_api::tokens::stored_idempotency_key(legacy)]
    );
    // Both codes derived from the clear key keep working; a wrong contractor code does not.
    assert_eq!(reads(&app, &no, &token).await, 200);
    assert_eq!(reads(&app, &no, &contractor).await, 200);
    assert_eq!(reads(&app, &no, &format!("{contractor}x")).await, 401);
    // The old key still finds its filing (no second filing), without handing out a code.
    let (st, replayed, again) = file(&app, legacy, &body).await;
    assert_eq!(st, 200, "{again}");
    assert!(replayed);
    assert_eq!(again["filing_no"], no.as_str());
    assert_eq!(app.sql("SELECT COUNT(*) FROM filings").await, ["1"]);
}
