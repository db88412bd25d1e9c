//! Retention and the person's rights (PIPL 第四十七条, 第四十五条, 第四十六条; issue 16, item 7), on both
//! backends: the purge removes the people and documents of registrations that ended more than the
//! retention period ago — and nothing else — while the receipt still verifies and the audit chain
//! holds; uploads no filing names go after 24 h; an admin exports and corrects one person's data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::retention::{self, Report};
use anbei_core::Date;
use common::*;
use serde_json::{Value, json};

both_backends!(
    the_purge_removes_people_past_the_retention_period_and_nothing_else,
    a_registration_in_force_is_never_purged,
    uploads_no_filing_names_go_after_24_hours,
    an_admin_exports_and_corrects_one_persons_data,
);

/// Every person the fixture filing names: applicant, project lead, safety manager, workers, and the
/// ID numbers and mobiles.
const PEOPLE: &[&str] = &[
    "张三",
    "李四",
    "赵六",
    "钱七",
    "孙八",
    "440307199001010010",
    "440307199001010029",
    "440307199001010037",
    "T440300201900123",
    "13800138000",
    "13900139000",
    "13700137000",
];

fn day(d: &str, n: i32) -> String {
    Date::parse(d).unwrap().add_days(n).to_string()
}

async fn purge(app: &TestApp, dry_run: bool) -> Report {
    retention::purge(&app.state, dry_run, "test").await.unwrap()
}

/// Files the fixture (registered at once: 快速受理) with a document of its own besides the shared one;
/// (filing number, receipt number, its own upload id).
async fn registered(app: &TestApp, key: &str) -> (String, String, String) {
    let mut body = app.filing(ordinary_facts()).await;
    let own = app.upload_pdf(&format!("own document of {key}")).await;
    let code = body["documents"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    body["documents"][code] = json!(own);
    let (st, v) = app.file(key, &body).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "registered", "{v}");
    (
        v["filing_no"].as_str().unwrap().to_owned(),
        v["receipt"]["receipt_no"].as_str().unwrap().to_owned(),
        own,
    )
}

async fn revoke(app: &TestApp, officer: &str, no: &str) {
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/revocation"),
            Some(officer),
            &json!({ "reason": "虚假申报，申报人钱七的证件不符", "ground": "false_filing" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql(sql).await[0].parse().unwrap()
}

/// Everything the database holds of one registration, as text.
async fn stored(app: &TestApp, no: &str) -> String {
    let mut all = Vec::new();
    for sql in [
        format!("SELECT request FROM filings WHERE filing_no = '{no}'"),
        format!("SELECT applicant_name FROM filings WHERE filing_no = '{no}'"),
        format!(
            "SELECT COALESCE(reason, '') || ' ' || COALESCE(data, '') FROM events WHERE filing_no = '{no}'"
        ),
        format!("SELECT payload FROM outbox WHERE filing_no = '{no}'"),
    ] {
        all.extend(app.sql(&sql).await);
    }
    all.join("\n")
}

async fn the_purge_removes_people_past_the_retention_period_and_nothing_else(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    // A ends today, B two days later; C is filed two days later and simply runs out.
    let (a, a_receipt, a_own) = registered(&app, "retention-a").await;
    revoke(&app, &officer, &a).await;
    app.set_today(&day(TODAY, 2));
    let (bno, _, b_own) = registered(&app, "retention-b").await;
    revoke(&app, &officer, &bno).await;
    let (c, _, _) = registered(&app, "retention-c").await;
    let shared = app
        .sql(&format!(
            "SELECT request FROM filings WHERE filing_no = '{c}'"
        ))
        .await[0]
        .clone();
    let shared: Value = serde_json::from_str(&shared).unwrap();
    let shared: Vec<String> = shared["documents"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_owned())
        .filter(|u| *u != a_own)
        .collect();
    assert!(stored(&app, &a).await.contains("张三"));

    // 3 years + 1 day after A ended, 3 years − 1 day after B ended.
    app.set_today(&day(TODAY, retention::DEFAULT_DAYS as i32 + 1));
    let audit_before = count(&app, "SELECT COUNT(*) FROM audit").await;
    let dry = purge(&app, true).await;
    assert!(dry.dry_run);
    assert_eq!(dry.registrations, 1, "{dry:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM filings WHERE purged_at IS NOT NULL"
        )
        .await,
        0
    );
    assert!(
        stored(&app, &a).await.contains("张三"),
        "a dry run changes nothing"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit").await,
        audit_before
    );
    assert!(app.state.store.get_upload(&a_own).await.unwrap().is_some());

    let r = purge(&app, false).await;
    assert_eq!(r.registrations, 1, "{r:?}");
    assert!(r.uploads >= 1, "A's own document: {r:?}");
    let a_text = stored(&app, &a).await;
    for p in PEOPLE {
        assert!(!a_text.contains(p), "{p} left in A: {a_text}");
    }
    for kept in [&bno, &c] {
        assert!(stored(&app, kept).await.contains("张三"), "{kept} purged");
    }
    // A's own document is gone with its bytes; the one A shared with live B and C is not.
    assert!(app.state.store.get_upload(&a_own).await.unwrap().is_none());
    let sha = a_own.trim_start_matches("sha256:");
    assert!(app.state.blobs.get(sha).await.unwrap().is_none());
    assert!(app.state.store.get_upload(&b_own).await.unwrap().is_some());
    for u in &shared {
        assert!(
            app.state.store.get_upload(u).await.unwrap().is_some(),
            "{u}"
        );
    }

    // The receipt still verifies, and no public page shows a person.
    let (st, v) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{a_receipt}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["signature_valid"], true, "{v}");
    assert_eq!(v["status"], "revoked");
    assert!(
        v["personal_data_removed"]["zh"]
            .as_str()
            .unwrap()
            .contains("保存期满"),
        "{v}"
    );
    for path in [
        format!("/receipts/{a_receipt}"),
        format!("/receipts/{a_receipt}/notice"),
        format!("/v/{a_receipt}"),
    ] {
        let (st, page) = app.page(&app.with_code(&path).await).await;
        assert_eq!(st, 200, "{path}");
        for p in PEOPLE {
            assert!(!page.contains(p), "{p} on {path}");
        }
        assert!(page.contains("保存期满"), "{path} says why no one is named");
    }
    // Staff still read the anonymised row, with its history ending in `purged` (a token of now: those
    // of three years ago expired).
    let admin = app.officer("*", "admin").await;
    let (st, v) = app
        .get(&format!("/api/v1/registrations/{a}"), Some(&admin))
        .await;
    assert_eq!(st, 200, "{v}");
    let text = v.to_string();
    for p in PEOPLE {
        assert!(!text.contains(p), "{p} shown to staff after the purge");
    }
    assert_eq!(
        v["history"].as_array().unwrap().last().unwrap()["action"],
        "purged",
        "{v}"
    );

    // One audit entry with the counts, none naming a person; the chain holds.
    let rows = app
        .sql("SELECT detail FROM audit WHERE action = 'retention_purge'")
        .await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("registrations=1"), "{rows:?}");
    anbei_api::accounts::cli::verify(&app.state).await.unwrap();
    // A second run finds nothing more.
    assert_eq!(purge(&app, false).await.registrations, 0);

    // Two days later B is past it too, and so is C, expired long before.
    app.set_today(&day(TODAY, retention::DEFAULT_DAYS as i32 + 400));
    let r = purge(&app, false).await;
    assert_eq!(r.registrations, 2, "{r:?}");
    for gone in [&bno, &c] {
        let t = stored(&app, gone).await;
        assert!(
            !t.contains("张三") && !t.contains("440307199001010010"),
            "{t}"
        );
    }
    for u in &shared {
        assert!(
            app.state.store.get_upload(u).await.unwrap().is_none(),
            "{u}"
        );
    }
    anbei_api::accounts::cli::verify(&app.state).await.unwrap();
}

async fn a_registration_in_force_is_never_purged(b: Backend) {
    let app = spawn_with(b, |c| c.retention_days = 1).await;
    let officer = app.officer("bantian", "officer").await;
    let (live, _, own) = registered(&app, "live").await;
    let (ended, _, _) = registered(&app, "ended").await;
    revoke(&app, &officer, &ended).await;
    app.set_today(&day(TODAY, 30));
    let r = purge(&app, false).await;
    assert_eq!(r.registrations, 1, "{r:?}");
    assert!(stored(&app, &live).await.contains("张三"));
    assert!(app.state.store.get_upload(&own).await.unwrap().is_some());
    assert!(!stored(&app, &ended).await.contains("张三"));
}

async fn uploads_no_filing_names_go_after_24_hours(b: Backend) {
    let app = spawn(b).await;
    let orphan = app.upload_pdf("never filed").await;
    let (_, _, filed) = registered(&app, "named").await;
    app.clock.advance_ms(23 * 3600 * 1000);
    let r = purge(&app, false).await;
    assert_eq!(r.uploads, 0, "{r:?}");
    assert!(app.state.store.get_upload(&orphan).await.unwrap().is_some());
    app.clock.advance_ms(2 * 3600 * 1000);
    let r = purge(&app, false).await;
    assert_eq!((r.registrations, r.uploads), (0, 1), "{r:?}");
    assert!(app.state.store.get_upload(&orphan).await.unwrap().is_none());
    let sha = orphan.trim_start_matches("sha256:");
    assert!(app.state.blobs.get(sha).await.unwrap().is_none());
    // the upload a registration names stays
    assert!(app.state.store.get_upload(&filed).await.unwrap().is_some());
    // and a filing naming the orphan now is refused (the id is unknown), not stored without its bytes
    let mut body = app.filing(ordinary_facts()).await;
    let code = body["documents"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    body["documents"][code] = json!(orphan);
    let (st, v) = app.file("names-the-orphan", &body).await;
    assert_eq!(st, 422, "{v}");
}

async fn an_admin_exports_and_corrects_one_persons_data(b: Backend) {
    let app = spawn(b).await;
    let admin = app.officer("*", "admin").await;
    let officer = app.officer("bantian", "officer").await;
    let (no, receipt, _) = registered(&app, "person").await;
    let worker = "440307199001010037";

    // Export: by ID number, in the body; refused to an officer.
    let (st, _) = app
        .post(
            "/api/v1/personal-data/export",
            Some(&officer),
            &json!({ "id_number": worker }),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = app
        .post(
            "/api/v1/personal-data/export",
            Some(&admin),
            &json!({ "id_number": "44030719900101003" }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), vec!["id_number"]);
    let (st, v) = app
        .post(
            "/api/v1/personal-data/export",
            Some(&admin),
            &json!({ "id_number": worker }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let f = &v["filings"][0];
    assert_eq!(f["filing_no"], no.as_str(), "{v}");
    assert_eq!(f["appears_as"][0]["role"], "worker");
    assert_eq!(f["appears_as"][0]["index"], 1);
    assert_eq!(f["appears_as"][0]["data"]["name"], "孙八");
    // only that person: not the applicant or the other worker
    assert!(
        !v.to_string().contains("张三") && !v.to_string().contains("钱七"),
        "{v}"
    );

    // Correct the worker's name: a `corrected` event, the receipt unaffected.
    let before = app.state.store.get_filing(&no).await.unwrap().unwrap();
    let (st, v) = app
        .post(
            "/api/v1/personal-data/correction",
            Some(&admin),
            &json!({ "filing_no": no, "id_number": worker, "mobile": "13600136000", "reason": "本人申请" }),
        )
        .await;
    assert_eq!(st, 422, "a worker has no mobile: {v}");
    assert_eq!(fields(&v), vec!["mobile"]);
    let (st, v) = app
        .post(
            "/api/v1/personal-data/correction",
            Some(&admin),
            &json!({ "filing_no": no, "id_number": id_number(4), "name": "孙八", "reason": "本人申请" }),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["rule"], "not_named", "{v}");
    let unchanged = app.state.store.get_filing(&no).await.unwrap().unwrap();
    assert_eq!(
        unchanged.version, before.version,
        "a refused correction changes nothing"
    );
    let (st, _) = app
        .post(
            "/api/v1/personal-data/correction",
            Some(&officer),
            &json!({ "filing_no": no, "id_number": worker, "name": "孙捌", "reason": "本人申请" }),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = app
        .post(
            "/api/v1/personal-data/correction",
            Some(&admin),
            &json!({ "filing_no": no, "id_number": worker, "name": "孙捌", "reason": "本人持身份证申请更正" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["fields"], json!(["workers[1].name"]));
    let after = app.state.store.get_filing(&no).await.unwrap().unwrap();
    let f: Value = serde_json::from_str(&after.request).unwrap();
    assert_eq!(f["workers"][1]["name"], "孙捌");
    assert_eq!(f["workers"][0]["name"], "钱七");
    assert_eq!(after.events.last().unwrap().action.as_str(), "corrected");
    assert_eq!(
        after.receipt, before.receipt,
        "the receipt is not signed again"
    );
    let (st, v) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{receipt}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!((st, &v["signature_valid"]), (200, &json!(true)), "{v}");

    // Both audited, neither with the ID number or a value.
    let audit = app
        .sql("SELECT action || ' ' || target || ' ' || COALESCE(detail, '') FROM audit WHERE action LIKE 'personal_data_%' ORDER BY seq")
        .await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(
        audit[0].starts_with("personal_data_exported") && audit[0].contains(&no),
        "{audit:?}"
    );
    assert!(
        audit[1].starts_with("personal_data_corrected") && audit[1].contains("workers[1].name"),
        "{audit:?}"
    );
    for a in &audit {
        assert!(
            !a.contains(worker) && !a.contains("孙捌") && !a.contains("本人"),
            "{a}"
        );
    }

    // After the purge there is nothing to export or correct.
    let officer_revokes = app.officer("bantian", "officer").await;
    revoke(&app, &officer_revokes, &no).await;
    app.set_today(&day(TODAY, retention::DEFAULT_DAYS as i32 + 1));
    assert_eq!(purge(&app, false).await.registrations, 1);
    let admin = app.officer("*", "admin").await;
    let (st, v) = app
        .post(
            "/api/v1/personal-data/export",
            Some(&admin),
            &json!({ "id_number": worker }),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(v["filings"], json!([]), "{v}");
    let (st, v) = app
        .post(
            "/api/v1/personal-data/correction",
            Some(&admin),
            &json!({ "filing_no": no, "id_number": worker, "name": "孙八", "reason": "本人申请" }),
        )
        .await;
    assert_eq!(st, 409, "{v}");
}
