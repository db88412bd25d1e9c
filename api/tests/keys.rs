//! Key rotation without voiding receipts (issue 16, item 4): the keyring holds every key with its
//! validity, only the current one signs, retired ones still verify; `/api/v1/keys` publishes them all;
//! the private parts are stored sealed under the key-encryption key, which must be present and right
//! for the service to start; the signing key of an earlier version is imported so its receipts keep
//! verifying.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::config::{Config, Database};
use anbei_api::keyring;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use serde_json::Value;

both_backends!(
    rotating_twice_keeps_receipts_of_all_three_keys_verifying,
    keys_are_stored_sealed_and_a_wrong_or_missing_kek_refuses_to_start,
    the_key_of_an_earlier_version_is_imported_and_keeps_verifying,
);

async fn rotate(app: &TestApp, in_seconds: i64) -> String {
    let kek = keyring::kek_at(&keyring::kek_path(app.data_dir(), None)).unwrap();
    keyring::rotate(
        app.state.store.as_ref(),
        &app.state.signer,
        &kek,
        app.clock_ms(),
        in_seconds,
    )
    .await
    .unwrap()
    .kid
}

/// (receipt number, kid, payload, signature) of a new registration.
async fn receipt(app: &TestApp, key: &str) -> (String, String, String, String) {
    let v = app.file_complete(key, ordinary_facts()).await;
    let r = &v["receipt"];
    let s = |k: &str| r[k].as_str().unwrap().to_owned();
    (s("receipt_no"), s("kid"), s("payload"), s("signature"))
}

fn published(keys: &Value, kid: &str) -> Value {
    keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .cloned()
        .unwrap_or_else(|| panic!("{kid} not published: {keys}"))
}

/// Checks a receipt offline, as a verifier with the published keys does.
fn offline(keys: &Value, kid: &str, payload: &str, sig: &str) -> bool {
    let k = published(keys, kid);
    let pk: [u8; 32] = URL_SAFE_NO_PAD
        .decode(k["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap();
    anbei_api::signing::verify_with(&key, payload, sig)
}

async fn rotating_twice_keeps_receipts_of_all_three_keys_verifying(b: Backend) {
    let app = spawn(b).await;
    let (no1, kid1, p1, s1) = receipt(&app, "rot-1").await;
    let v1 = app.file_complete("rot-tok", ordinary_facts()).await;
    let (filing1, token1) = (
        v1["filing_no"].as_str().unwrap().to_owned(),
        v1["access_token"].as_str().unwrap().to_owned(),
    );

    // Rotation 1, effective at once.
    let kid2 = rotate(&app, 0).await;
    assert_ne!(kid2, kid1);
    app.clock.advance_ms(1000);
    let (no2, k, p2, s2) = receipt(&app, "rot-2").await;
    assert_eq!(k, kid2, "the new key signs");

    // Rotation 2, announced a minute ahead: published at once, signing only from then.
    let kid3 = rotate(&app, 60).await;
    let (_, keys) = app.get("/api/v1/keys", None).await;
    assert_eq!(published(&keys, &kid3)["status"], "next");
    assert_eq!(published(&keys, &kid2)["status"], "current");
    assert_eq!(keys["current"], kid2.as_str());
    let (_, k, _, _) = receipt(&app, "rot-2b").await;
    assert_eq!(k, kid2, "a key announced ahead does not sign yet");
    app.clock.advance_ms(61_000);
    let (no3, k, p3, s3) = receipt(&app, "rot-3").await;
    assert_eq!(k, kid3);

    // All three published, with their validity; only the newest current.
    let (st, keys) = app.get("/api/v1/keys", None).await;
    assert_eq!(st, 200);
    assert_eq!(keys["keys"].as_array().unwrap().len(), 3, "{keys}");
    assert_eq!(published(&keys, &kid1)["status"], "retired");
    assert_eq!(published(&keys, &kid2)["status"], "retired");
    assert_eq!(published(&keys, &kid3)["status"], "current");
    assert!(published(&keys, &kid1)["not_after"].is_string());
    assert!(published(&keys, &kid3)["not_before"].is_string());
    assert!(published(&keys, &kid3)["not_after"].is_null());
    assert_eq!(keys["current"], kid3.as_str());

    // Every receipt verifies, on the server and offline with the published key of its kid.
    for (no, kid, p, s) in [
        (&no1, &kid1, &p1, &s1),
        (&no2, &kid2, &p2, &s2),
        (&no3, &kid3, &p3, &s3),
    ] {
        let (st, v) = app
            .get(
                &app.with_code(&format!("/api/v1/receipts/{no}/verify"))
                    .await,
                None,
            )
            .await;
        assert_eq!(st, 200);
        assert_eq!(v["signature_valid"], true, "{no}: {v}");
        assert_eq!(v["kid"], kid.as_str());
        assert!(offline(&keys, kid, p, s), "{no} offline");
    }
    // A genuine signature under a retired key is not accepted for a receipt dated after it retired.
    app.sql(&format!(
        "UPDATE receipts SET kid = '{kid1}' WHERE receipt_no = '{no3}'"
    ))
    .await;
    let (_, v) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{no3}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(v["signature_valid"], false, "{v}");
    assert_eq!(v["valid"], false);
    // The access code of a registration filed before the rotations still opens it.
    let (st, _) = app
        .get(&format!("/api/v1/registrations/{filing1}"), Some(&token1))
        .await;
    assert_eq!(st, 200);
}

fn restart_config(app: &TestApp) -> Config {
    let mut cfg = Config::new(app.data_dir());
    cfg.listen = "127.0.0.1:0".into();
    cfg.shared_access = true;
    if let Some(schema) = app.schema() {
        cfg.database = Database::Postgres {
            url: pg_url(),
            schema: Some(schema.to_owned()),
        };
    }
    cfg
}

async fn keys_are_stored_sealed_and_a_wrong_or_missing_kek_refuses_to_start(b: Backend) {
    let app = spawn(b).await;
    receipt(&app, "kek-1").await;
    let kek = app.data_dir().join(keyring::KEK_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kek).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the KEK is readable by its owner only");
    }
    // No private key in the clear: neither in the database nor in the data directory.
    assert!(
        !anbei_api::signing::key_path(app.data_dir()).exists(),
        "a new installation writes no unsealed key file"
    );
    let sealed = app.sql("SELECT sealed FROM keyring").await;
    assert_eq!(
        sealed.len(),
        3,
        "one receipt key, one token secret, one data key of personal fields"
    );
    assert!(sealed.iter().all(|s| s.starts_with("v1:")), "{sealed:?}");

    // A KEK from elsewhere (another instance's) does not open this keyring.
    let good = std::fs::read(&kek).unwrap();
    let other = app.data_dir().join("other.kek");
    std::fs::write(
        &other,
        format!("anbei-kek-v1:{}\n", "ab".repeat(32)).as_bytes(),
    )
    .unwrap();
    let mut cfg = restart_config(&app);
    cfg.kek_file = Some(other.clone());
    let e = anbei_api::Application::build(cfg.clone())
        .await
        .err()
        .expect("a wrong KEK must refuse");
    assert!(
        e.contains("does not open") && e.contains("--kek-file"),
        "{e}"
    );
    // Given by --kek-file, the right one starts.
    std::fs::write(&other, &good).unwrap();
    assert!(anbei_api::Application::build(cfg.clone()).await.is_ok());
    // A --kek-file that does not exist refuses, naming it.
    cfg.kek_file = Some(app.data_dir().join("nowhere.kek"));
    let e = anbei_api::Application::build(cfg)
        .await
        .err()
        .expect("must refuse");
    assert!(
        e.contains("nowhere.kek") && e.contains("does not exist"),
        "{e}"
    );
}

async fn the_key_of_an_earlier_version_is_imported_and_keeps_verifying(b: Backend) {
    let mut old_kid = String::new();
    let app = spawn_with(b, |cfg| {
        // the key file an earlier version made
        old_kid = anbei_api::signing::Signer::load_or_create(&cfg.data_dir)
            .unwrap()
            .kid();
    })
    .await;
    let (_, keys) = app.get("/api/v1/keys", None).await;
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);
    assert_eq!(keys["keys"][0]["kid"], old_kid.as_str());
    assert_eq!(keys["keys"][0]["status"], "current");
    let (no, kid, _, _) = receipt(&app, "imp-1").await;
    assert_eq!(kid, old_kid);
    // The access-code secret is an entry of its own, not the signing seed: the old one (the seed)
    // is kept, ending at the import, for filings created before it.
    let purposes = app
        .sql("SELECT purpose || ':' || kid FROM keyring ORDER BY kid")
        .await;
    assert_eq!(purposes.len(), 4, "{purposes:?}");
    assert!(purposes.iter().any(|p| p.starts_with("field:fld_")));
    assert!(purposes.iter().any(|p| p.starts_with("token:tok_legacy_")));
    assert!(
        purposes
            .iter()
            .any(|p| p.starts_with("token:tok_") && !p.contains("legacy"))
    );
    rotate(&app, 0).await;
    let (_, v) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{no}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(v["signature_valid"], true, "{v}");
}
