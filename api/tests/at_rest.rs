//! Issue 16, item 6: personal data at rest. Resident ID numbers, certificate numbers ("T" + an ID
//! number), mobiles and e-mail addresses are stored only encrypted field-wise (AES-256-GCM under a
//! `field` data key of the keyring, bound to the filing and the field), while every role still sees
//! what it saw before; data keys rotate and a sweep moves every value to the current one; rows stored
//! in clear by earlier versions read and get encrypted; the KEK rotates, and a wrong one stops the start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::config::{Config, Database};
use anbei_api::keyring;
use anbei_api::store::fieldcrypt::{self, Sweep};
use common::*;
use serde_json::{Value, json};

both_backends!(
    personal_numbers_are_stored_only_encrypted_and_roles_see_what_they_did,
    a_value_copied_to_another_filing_does_not_decrypt,
    rotation_then_reencryption_leaves_every_filing_readable,
    rows_stored_in_clear_read_and_the_sweep_encrypts_them,
    kek_rotation_reseals_the_keyring_and_a_wrong_kek_stops_the_start,
);

/// Every personal value of [`filing_with_people`], in clear.
const CLEAR: [&str; 10] = [
    "440307199001010010", // applicant
    "13800138000",
    "zhang.san.7f3a@example.com",
    "13900139000",        // project lead
    "13700137000",        // safety manager
    "440307199001010029", // workers
    "440307199001010037",
    "T440300201900123",
    "13600136000", // contractor
    "jia.gong.9c1d@example.com",
];

/// The complete filing of `facts`, with a contractor mobile and e-mail and an applicant e-mail besides.
async fn filing_of(app: &TestApp, facts: Value) -> Value {
    let mut body = app.filing(facts).await;
    body["applicant"]["email"] = json!("zhang.san.7f3a@example.com");
    body["contractor"]["mobile"] = json!("13600136000");
    body["contractor"]["email"] = json!("jia.gong.9c1d@example.com");
    body
}

/// [`filing_of`] an ordinary fit-out (registered at once).
async fn filing_with_people(app: &TestApp) -> Value {
    filing_of(app, ordinary_facts()).await
}

/// Files `body` under `key`: (filing number, applicant code, contractor code).
async fn file(app: &TestApp, key: &str, body: &Value) -> (String, String, String) {
    let (st, v) = app.file(key, body).await;
    assert_eq!(st, 201, "{v}");
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    (
        s("filing_no"),
        s("access_token"),
        s("contractor_access_token"),
    )
}

/// Which of `CLEAR` the database holds anywhere: every byte of the SQLite file and its WAL, or every
/// row of every table of the PostgreSQL schema.
async fn clear_values_in_database(app: &TestApp) -> Vec<&'static str> {
    found_in_database(app, &CLEAR).await
}

/// Which of `values` the database holds anywhere (see [`clear_values_in_database`]).
async fn found_in_database(app: &TestApp, values: &[&'static str]) -> Vec<&'static str> {
    match app.schema() {
        None => {
            let mut bytes = Vec::new();
            for f in ["anbei.sqlite3", "anbei.sqlite3-wal"] {
                if let Ok(b) = std::fs::read(app.data_dir().join(f)) {
                    bytes.extend(b);
                }
            }
            values
                .iter()
                .copied()
                .filter(|c| bytes.windows(c.len()).any(|w| w == c.as_bytes()))
                .collect()
        }
        Some(schema) => {
            let tables = app
                .sql(&format!(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{schema}'"
                ))
                .await;
            assert!(tables.len() > 10, "{tables:?}");
            let mut found = Vec::new();
            for &c in values {
                for t in &tables {
                    let n = app
                        .sql(&format!(
                            "SELECT COUNT(*) FROM {t} x WHERE x::text LIKE '%{c}%'"
                        ))
                        .await;
                    if n != ["0"] {
                        found.push(c);
                        break;
                    }
                }
            }
            found
        }
    }
}

/// The kids the stored request of `no` is encrypted under, one per personal value (`None`: clear).
async fn kids(app: &TestApp, no: &str) -> Vec<Option<String>> {
    let stored = app
        .sql(&format!(
            "SELECT request FROM filings WHERE filing_no = '{no}'"
        ))
        .await
        .remove(0);
    fieldcrypt::kids_in(no, &stored).unwrap()
}

async fn personal_numbers_are_stored_only_encrypted_and_roles_see_what_they_did(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    // High-risk work waits for the officer (a filing that can be returned).
    let body = filing_of(&app, high_risk_facts()).await;
    let (no, token, contractor) = file(&app, "at-rest-1", &body).await;
    // A resubmission writes the filing again: encrypted too.
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/return"),
            Some(&officer),
            &json!({"changes": [{"field": "workers", "message": {"zh": "补充", "en": "add"}}]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/resubmission"),
            Some(&token),
            &body,
        )
        .await;
    assert_eq!(st, 200, "{r}");

    // The officer sees every number in full, the applicant too; the contractor masked.
    let (st, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    assert_eq!(st, 200, "{v}");
    let req = &v["request"];
    assert_eq!(req["applicant"]["id_number"], "440307199001010010");
    assert_eq!(req["applicant"]["mobile"], "13800138000");
    assert_eq!(req["applicant"]["email"], "zhang.san.7f3a@example.com");
    assert_eq!(req["workers"][1]["certificate_no"], "T440300201900123");
    assert_eq!(req["contractor"]["mobile"], "13600136000");
    let (_, mine) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(mine["request"], v["request"]);
    let (_, theirs) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&contractor))
        .await;
    let masked = theirs["request"].to_string();
    assert!(!masked.contains("440307199001010010"), "{masked}");
    assert!(!masked.contains("T440300201900123"), "{masked}");
    // The ledger: mobile in full, ID number masked, as before.
    let (st, _, csv) = app.get_csv("/api/v1/registrations", &officer).await;
    assert_eq!(st, 200);
    assert!(csv.contains("13800138000"), "{csv}");
    assert!(!csv.contains("440307199001010010"), "{csv}");
    // A replay of the original request still finds its filing (the request hash is over the clear body).
    let (st, again) = app.file("at-rest-1", &body).await;
    assert!(st == 200 || st == 201, "{again}");
    assert_eq!(again["filing_no"], no.as_str());

    // Stored: every personal value encrypted under the keyring's data key, nothing in clear anywhere.
    let fields = kids(&app, &no).await;
    assert_eq!(fields.len(), CLEAR.len(), "{fields:?}");
    let kid = app.state.signer.current_field_kid().unwrap();
    assert!(fields.iter().all(|k| k.as_deref() == Some(kid.as_str())));
    assert_eq!(
        app.sql(&format!("SELECT purpose FROM keyring WHERE kid = '{kid}'"))
            .await,
        ["field"]
    );
    assert_eq!(clear_values_in_database(&app).await, Vec::<&str>::new());
    // The search does find what is stored in clear (the contractor's credit code, a company's).
    assert_eq!(
        found_in_database(&app, &["91440300MA5F123452"]).await,
        ["91440300MA5F123452"]
    );
    if app.schema().is_none() {
        let _ = app.sql("PRAGMA wal_checkpoint(TRUNCATE)").await;
        assert_eq!(clear_values_in_database(&app).await, Vec::<&str>::new());
    }
}

async fn a_value_copied_to_another_filing_does_not_decrypt(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let body = filing_with_people(&app).await;
    let (a, _, _) = file(&app, "copy-a", &body).await;
    let (b_no, _, _) = file(&app, "copy-b", &body).await;
    // B's stored request replaced by A's: the same kind of values, encrypted for another filing.
    app.sql(&format!(
        "UPDATE filings SET request = (SELECT request FROM filings WHERE filing_no = '{a}') WHERE filing_no = '{b_no}'"
    ))
    .await;
    let e = app.state.store.get_filing(&b_no).await.unwrap_err();
    let e = e.to_string();
    assert!(
        e.contains(&b_no) && e.contains("applicant.id_number") && e.contains("copied"),
        "{e}"
    );
    // The service answers 500 for that filing (no panic, no value) and goes on serving the others.
    let (st, v) = app
        .get(&format!("/api/v1/registrations/{b_no}"), Some(&officer))
        .await;
    assert_eq!(st, 500, "{v}");
    assert!(!v.to_string().contains("440307199001010010"));
    let (st, _) = app
        .get(&format!("/api/v1/registrations/{a}"), Some(&officer))
        .await;
    assert_eq!(st, 200);
    // One value moved within a filing, to another field, does not open either.
    let stored = app
        .sql(&format!(
            "SELECT request FROM filings WHERE filing_no = '{a}'"
        ))
        .await
        .remove(0);
    let mut v: Value = serde_json::from_str(&stored).unwrap();
    v["applicant"]["mobile"] = v["workers"][0]["id_number"].clone();
    app.sql(&format!(
        "UPDATE filings SET request = '{}' WHERE filing_no = '{a}'",
        v.to_string().replace('\'', "''")
    ))
    .await;
    let e = app
        .state
        .store
        .get_filing(&a)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("applicant.mobile"), "{e}");
}

async fn rotation_then_reencryption_leaves_every_filing_readable(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let body = filing_with_people(&app).await;
    let (first, _, _) = file(&app, "rot-1", &body).await;
    let old = app.state.signer.current_field_kid().unwrap();
    let view = |no: String| {
        let (app, officer) = (&app, &officer);
        async move {
            let (st, v) = app
                .get(&format!("/api/v1/registrations/{no}"), Some(officer))
                .await;
            assert_eq!(st, 200, "{v}");
            v["request"].clone()
        }
    };
    let before = view(first.clone()).await;

    // A new data key, encrypting at once (the clock is fixed: `now` is the moment of the rotation).
    let kek = keyring::kek_path(app.data_dir(), None);
    let row = keyring::rotate_audited(&app.state, &kek, keyring::FIELD, 0)
        .await
        .unwrap();
    app.clock.advance_ms(1000);
    assert_eq!(row.purpose, "field");
    let new = app.state.signer.current_field_kid().unwrap();
    assert_eq!(new, row.kid);
    assert_ne!(new, old);
    let (second, _, _) = file(&app, "rot-2", &body).await;
    assert!(
        kids(&app, &first)
            .await
            .iter()
            .all(|k| k.as_deref() == Some(old.as_str()))
    );
    assert!(
        kids(&app, &second)
            .await
            .iter()
            .all(|k| k.as_deref() == Some(new.as_str()))
    );
    assert_eq!(view(first.clone()).await, before);
    let before_second = view(second.clone()).await;

    // The sweep moves the older filing to the new key, once.
    let (kid, r) = keyring::reencrypt_audited(&app.state).await.unwrap();
    assert_eq!(kid, new);
    assert_eq!((r.seen, r.rewritten, r.failed), (2, 1, 0));
    assert!(
        kids(&app, &first)
            .await
            .iter()
            .all(|k| k.as_deref() == Some(new.as_str()))
    );
    let (_, again) = keyring::reencrypt_audited(&app.state).await.unwrap();
    assert_eq!(again.rewritten, 0);
    assert_eq!(view(first).await, before);
    assert_eq!(view(second).await, before_second);
    // Both commands are in the audit trail.
    let actions = app
        .sql(
            "SELECT action || ' ' || target FROM audit WHERE account = 'cli' \
             AND action IN ('key_rotated', 'fields_reencrypted') ORDER BY seq",
        )
        .await;
    assert_eq!(
        actions,
        [
            format!("key_rotated {new}"),
            format!("fields_reencrypted {new}"),
            format!("fields_reencrypted {new}"),
        ]
    );
}

async fn rows_stored_in_clear_read_and_the_sweep_encrypts_them(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let body = filing_with_people(&app).await;
    let (no, _, _) = file(&app, "legacy-1", &body).await;
    let (_, before) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    // The row as a version before field encryption stored it: the filing in clear.
    let clear = app
        .state
        .store
        .get_filing(&no)
        .await
        .unwrap()
        .unwrap()
        .request;
    assert!(clear.contains("440307199001010010"));
    app.sql(&format!(
        "UPDATE filings SET request = '{}' WHERE filing_no = '{no}'",
        clear.replace('\'', "''")
    ))
    .await;
    assert!(kids(&app, &no).await.iter().all(Option::is_none));
    let (st, legacy) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    assert_eq!(st, 200, "{legacy}");
    assert_eq!(legacy["request"], before["request"]);

    // The sweep every start runs: encrypted in place, once.
    let sweep = || {
        fieldcrypt::sweep(
            app.state.store.as_ref(),
            &*app.state.signer,
            Sweep::ClearRows,
            || Box::pin(async { Ok(()) }),
        )
    };
    let r = sweep().await.unwrap();
    assert_eq!((r.seen, r.rewritten, r.failed), (1, 1, 0));
    assert_eq!(sweep().await.unwrap().rewritten, 0);
    let kid = app.state.signer.current_field_kid().unwrap();
    assert!(
        kids(&app, &no)
            .await
            .iter()
            .all(|k| k.as_deref() == Some(kid.as_str()))
    );
    let stored = app
        .sql(&format!(
            "SELECT request FROM filings WHERE filing_no = '{no}'"
        ))
        .await
        .remove(0);
    for c in CLEAR {
        assert!(!stored.contains(c), "{c} still in clear");
    }
    let (_, after) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    assert_eq!(after["request"], before["request"]);
}

fn restart_config(app: &TestApp, kek: Option<std::path::PathBuf>) -> Config {
    let mut cfg = Config::new(app.data_dir());
    cfg.listen = "127.0.0.1:0".into();
    cfg.shared_access = true;
    cfg.kek_file = kek;
    if let Some(schema) = app.schema() {
        cfg.database = Database::Postgres {
            url: pg_url(),
            schema: Some(schema.to_owned()),
        };
    }
    cfg
}

async fn kek_rotation_reseals_the_keyring_and_a_wrong_kek_stops_the_start(b: Backend) {
    let app = spawn(b).await;
    let body = filing_with_people(&app).await;
    let (no, _, _) = file(&app, "kek-rot-1", &body).await;
    let sealed_before = app
        .sql("SELECT kid || ' ' || sealed FROM keyring ORDER BY kid")
        .await;
    assert_eq!(
        sealed_before.len(),
        3,
        "receipt key, token secret, data key"
    );

    let old = app.data_dir().join(keyring::KEK_FILE);
    let new = app.data_dir().join("new.kek");
    let n = keyring::rotate_kek_audited(&app.state, &old, &new)
        .await
        .unwrap();
    assert_eq!(n, 3);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&new).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let sealed_after = app
        .sql("SELECT kid || ' ' || sealed FROM keyring ORDER BY kid")
        .await;
    assert_eq!(sealed_after.len(), 3);
    for (a, b) in sealed_before.iter().zip(&sealed_after) {
        assert_eq!(a.split(' ').next(), b.split(' ').next());
        assert_ne!(a, b, "every entry sealed again");
    }
    assert_eq!(
        app.sql("SELECT action || ' ' || target FROM audit WHERE action = 'kek_rotated'")
            .await,
        ["kek_rotated keyring"]
    );
    // Run again with the old KEK: it opens nothing any more, and nothing changes.
    let e = keyring::rotate_kek_audited(&app.state, &old, &new)
        .await
        .unwrap_err();
    assert!(
        e.contains("does not open") && e.contains("nothing changed"),
        "{e}"
    );

    // The old KEK (now the wrong one) stops the start, saying so.
    let e = anbei_api::Application::build(restart_config(&app, Some(old)))
        .await
        .err()
        .expect("a wrong KEK must refuse");
    assert!(
        e.contains("does not open") && e.contains("refusing to start"),
        "{e}"
    );
    // With the new one it starts, and the filing reads as before.
    let started = anbei_api::Application::build(restart_config(&app, Some(new)))
        .await
        .unwrap();
    let rec = started
        .state()
        .store
        .get_filing(&no)
        .await
        .unwrap()
        .unwrap();
    let req: Value = serde_json::from_str(&rec.request).unwrap();
    assert_eq!(req["workers"][1]["certificate_no"], "T440300201900123");
}
