//! The API contract suite: every test runs against SQLite and against PostgreSQL (127.0.0.1:5432,
//! database `test`, a fresh schema per test), each on its own server on a random port.

// The contract functions below are called by the generated #[tokio::test]s; panicking is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;
mod calls;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use calls::*;
use common::*;
use serde_json::{Value, json};

#[path = "api/filing.rs"]
mod filing;
#[path = "api/service.rs"]
mod service;
use filing::*;
use service::*;

// The lifecycle (rules.md §7) here; filing itself in api/filing.rs, the ledger and the service in
// api/service.rs.
both_backends!(
    lifecycle_registered_at_once_verify_extend_cancel,
    high_risk_waits_for_an_officer_of_its_street,
    return_with_changes_then_resubmit,
    refusal,
    revocation,
    an_unknown_stored_action_is_an_error_not_a_default,
    fast_acceptance_can_be_switched_off_per_street,
    idempotency_replay_and_mismatch,
    idempotency_twenty_concurrent_identical_requests_one_receipt,
    invalid_filing_lists_every_problem_at_once,
    out_of_scope_work_is_refused_with_where_to_go,
    uploads_checked_by_content_and_size,
    receipt_signature_verifies_with_the_published_key,
    ledger_csv_export,
    ledger_read_in_pages,
    service_endpoints_and_headers,
    rate_limiting_per_client,
);

/// 依据：第二十五条（有效期、延期）、第三十三条（注销）, rules.md §7.
async fn lifecycle_registered_at_once_verify_extend_cancel(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("life-1", ordinary_facts()).await;
    assert_eq!(v["status"], "registered");
    let no = v["filing_no"].as_str().unwrap();
    assert!(no.starts_with("F-bantian-20261123-"), "{no}");
    let token = v["access_token"].as_str().unwrap().to_owned();
    let receipt = &v["receipt"];
    let rno = receipt["receipt_no"].as_str().unwrap().to_owned();
    assert_eq!(rno, "LG-bantian-20261123-000001");
    assert_eq!(receipt["valid_until"], "2027-05-23");
    assert!(receipt["ruleset"].as_str().unwrap().len() > 3);

    // Public verification: in force, signed, names masked.
    let (st, ver) = app.verify(&rno).await;
    assert_eq!(st, 200);
    assert_eq!(ver["status"], "registered");
    assert_eq!(ver["valid"], true);
    assert_eq!(ver["signature_valid"], true);
    assert_eq!(ver["applicant"], "张*");
    assert!(
        !ver.to_string().contains(&id_number(1)),
        "ID number leaked: {ver}"
    );

    // The applicant sees everything; nobody else without a token.
    let (st, full) = app.registration(no, Some(&token)).await;
    assert_eq!(st, 200);
    assert_eq!(full["request"]["applicant"]["id_number"], id_number(1));
    assert_eq!(app.registration(no, None).await.0, 401);
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{no}"), Some("anb_a_wrong"))
            .await
            .0,
        401
    );

    // Outside the window (opens 2027-05-09, the 15 days ending on 2027-05-23): refused.
    let ext = |d: &str| json!({ "new_valid_until": d });
    let (st, p) = app
        .act(no, "extension", Some(&token), &ext("2027-08-01"))
        .await;
    assert_eq!(st, 409, "{p}");
    assert_eq!(p["code"], "INVALID_STATE");
    app.set_today("2027-05-08");
    assert_eq!(
        app.act(no, "extension", Some(&token), &ext("2027-08-01"))
            .await
            .0,
        409
    );
    // Inside the window: at most 6 months more.
    app.set_today("2027-05-09");
    let (st, p) = app
        .act(no, "extension", Some(&token), &ext("2027-11-24"))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), ["new_valid_until"]);
    let (st, r) = app
        .act(no, "extension", Some(&token), &ext("2027-11-23"))
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "extended");
    assert_eq!(r["receipt"]["valid_until"], "2027-11-23");
    assert_eq!(r["receipt"]["receipt_no"], rno);
    let (_, ver) = app.verify(&rno).await;
    assert_eq!(ver["signature_valid"], true, "re-signed after extension");
    assert_eq!(ver["valid_until"], "2027-11-23");

    // 注销申报 after completion, with the waste-disposal record (第三十三条): declared, awaiting the
    // street's completion check (rules.md §7 v3; the check closing it: tests/inspections.rs).
    app.set_today("2027-06-03");
    let record = app.upload_pdf("waste record").await;
    let cancel = |d: &str| {
        let (app, token) = (&app, &token);
        let body = json!({ "completion_date": d, "waste_disposal_record": record });
        async move { app.act(no, "cancellation", Some(token), &body).await }
    };
    let (st, p) = cancel("2027-06-10").await;
    assert_eq!(st, 422, "future completion refused: {p}");
    let (st, r) = cancel("2027-06-01").await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "completion_declared");
    let last = last_event(&r).clone();
    assert_eq!(last["action"], "completion_declared");
    assert_eq!(last["data"]["late"], false);
    let (_, ver) = app.verify(&rno).await;
    assert_eq!(ver["status"], "completion_declared");
    assert_eq!(
        ver["valid"], false,
        "the receipt admits no new work once declared"
    );
    let actions: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["filed", "registered", "extended", "completion_declared"]
    );
}

/// 依据：第二十七条第（二）项（受理期限）, rules.md §7: high risk waits for an officer of its street.
async fn high_risk_waits_for_an_officer_of_its_street(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("hr-1", high_risk_facts()).await;
    assert_eq!(v["status"], "filed");
    assert!(v["receipt"].is_null());
    assert_eq!(v["acceptance_due"], "2026-11-26");
    let no = v["filing_no"].as_str().unwrap();
    let token = v["access_token"].as_str().unwrap();

    let other = app.officer("pinghu", "officer").await;
    let mine = app.officer("bantian", "officer").await;
    let accept = format!("/api/v1/registrations/{no}/acceptance");
    assert_eq!(app.registration(no, Some(&other)).await.0, 403);
    let (st, p) = app.post(&accept, Some(&other), &json!({})).await;
    assert_eq!(st, 403, "{p}");
    assert_eq!(p["code"], "FORBIDDEN");
    assert_eq!(
        app.post(&accept, Some(token), &json!({})).await.0,
        403,
        "applicants cannot accept"
    );
    assert_eq!(app.post(&accept, None, &json!({})).await.0, 401);

    app.set_today("2026-11-25");
    let (st, r) = app
        .post(&accept, Some(&mine), &json!({ "note": "资料齐全" }))
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "registered");
    assert_eq!(r["high_risk"], true);
    let rc = &r["receipt"];
    assert_eq!(rc["receipt_no"], "LG-bantian-20261125-000001");
    assert_eq!(rc["high_risk"], true);
    assert_eq!(
        rc["valid_until"], "2027-05-25",
        "validity runs from the registration date"
    );
    let last = last_event(&r).clone();
    assert_eq!(last["action"], "accepted");
    // Staff see who did it, told apart by login; the applicant sees only the street office (issue 13).
    let who = last["actor_name"].as_str().unwrap();
    assert!(who.starts_with("王五（") && who.ends_with('）'), "{who}");
    let (_, seen) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(token))
        .await;
    let seen = seen.to_string();
    assert!(
        !seen.contains("actor_name") && !seen.contains("王五"),
        "{seen}"
    );
    assert_eq!(
        app.post(&accept, Some(&mine), &json!({})).await.0,
        409,
        "accepted twice"
    );
    let (_, ver) = app
        .get(
            &app.with_code(&format!(
                "/api/v1/receipts/{}/verify",
                rc["receipt_no"].as_str().unwrap()
            ))
            .await,
            None,
        )
        .await;
    assert_eq!(ver["valid"], true);
    // A district admin covers every street.
    let admin = app.officer("*", "admin").await;
    assert_eq!(app.registration(no, Some(&admin)).await.0, 200);
}

/// 依据：第二十七条第（三）项（一次性告知）.
async fn return_with_changes_then_resubmit(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(high_risk_facts()).await;
    let (_, v) = app.file("ret-1", &body).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    let officer = app.officer("bantian", "officer").await;
    let resubmit = format!("/api/v1/registrations/{no}/resubmission");
    assert_eq!(
        app.post(&resubmit, Some(&token), &body).await.0,
        409,
        "nothing to answer yet"
    );

    let (st, p) = app
        .act(&no, "return", Some(&officer), &json!({ "changes": [] }))
        .await;
    assert_eq!(st, 422, "{p}");
    let changes = json!({ "changes": [
        { "field": "documents.D_DRAWINGS", "message": { "zh": "施工图纸缺少签章", "en": "the drawings are not stamped" } },
        { "field": "workers", "message": { "zh": "补充起重信号工", "en": "" } }
    ]});
    let (st, r) = app.act(&no, "return", Some(&officer), &changes).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "returned");
    let (_, seen) = app.registration(&no, Some(&token)).await;
    assert_eq!(seen["requested_changes"].as_array().unwrap().len(), 2);
    assert_eq!(
        seen["requested_changes"][1]["message"]["en"],
        "补充起重信号工"
    );

    // The answer is checked like a new filing: every problem at once.
    let mut bad = body.clone();
    bad["applicant"]["mobile"] = json!("12345");
    let (st, p) = app.post(&resubmit, Some(&token), &bad).await;
    assert_eq!(st, 422);
    assert_eq!(fields(&p), ["applicant.mobile"]);

    let mut fixed = body.clone();
    let workers = body["workers"].as_array().unwrap().len();
    fixed["workers"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "周九", "id_number": id_number(4) }));
    let (st, r) = app.post(&resubmit, Some(&token), &fixed).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "filed");
    assert!(r["requested_changes"].is_null());
    assert_eq!(
        r["request"]["workers"].as_array().unwrap().len(),
        workers + 1
    );
    let (st, r) = app.act(&no, "acceptance", Some(&officer), &json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(r["status"], "registered");
}

/// 依据：第二十七条第（三）项（不予登记）.
async fn refusal(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("ref-1", high_risk_facts()).await;
    let no = v["filing_no"].as_str().unwrap();
    let officer = app.officer("bantian", "officer").await;
    assert_eq!(
        app.act(no, "refusal", Some(&officer), &json!({ "reason": "" }))
            .await
            .0,
        422
    );
    let (st, r) = app
        .act(
            no,
            "refusal",
            Some(&officer),
            &json!({ "reason": "实为加建，应申请施工许可" }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "refused");
    assert_eq!(last_event(&r)["reason"], "实为加建，应申请施工许可");
    // The lifecycle table's refusal names the action and the state, in both languages.
    let (st, p) = app.act(no, "acceptance", Some(&officer), &json!({})).await;
    assert_eq!(
        (st, p["code"].as_str()),
        (409, Some("INVALID_STATE")),
        "{p}"
    );
    let detail_zh = p["detail_zh"].as_str().unwrap();
    assert!(detail_zh.contains("当前状态为“不予登记”，不能受理"), "{p}");
    assert!(detail_zh.contains("第二十七条"), "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("cannot accept a registration that is refused"),
        "{p}"
    );
}

/// 依据：第二十五条（撤销：虚假申报、规避施工许可、超范围施工、违法建设）.
async fn revocation(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("rev-1", ordinary_facts()).await;
    let no = v["filing_no"].as_str().unwrap();
    let token = v["access_token"].as_str().unwrap();
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let officer = app.officer("bantian", "officer").await;
    let other = app.officer("buji", "officer").await;
    let path = format!("/api/v1/registrations/{no}/revocation");
    let why = json!({ "reason": "现场超出登记范围施工", "ground": "beyond_scope" });
    assert_eq!(
        app.post(&path, Some(token), &why).await.0,
        403,
        "applicants cannot revoke"
    );
    assert_eq!(
        app.post(&path, Some(&other), &why).await.0,
        403,
        "officer of another street"
    );
    assert_eq!(
        app.post(
            &path,
            Some(&officer),
            &json!({ "reason": "x", "ground": "whim" })
        )
        .await
        .0,
        422
    );
    let (st, r) = app.post(&path, Some(&officer), &why).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "revoked");
    let (_, ver) = app.verify(rno).await;
    assert_eq!(ver["status"], "revoked");
    assert_eq!(ver["valid"], false);
    assert_eq!(ver["signature_valid"], true);
    assert_eq!(app.post(&path, Some(&officer), &why).await.0, 409);
}

/// Actions are enums end to end: a history row whose action the lifecycle does not know (a tampered or
/// future database) is an error when read, never shown as something else.
async fn an_unknown_stored_action_is_an_error_not_a_default(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("unknown-1", ordinary_facts()).await;
    let (no, token) = (v["filing_no"].as_str().unwrap(), v["access_token"].as_str());
    assert_eq!(app.registration(no, token).await.0, 200);
    app.sql("UPDATE events SET action = 'approved' WHERE action = 'registered'")
        .await;
    let (st, p) = app.registration(no, token).await;
    assert_eq!((st, p["code"].as_str()), (500, Some("INTERNAL")), "{p}");
    assert!(
        !p.to_string().contains("approved"),
        "internal detail is logged, not returned"
    );
}

/// 快速受理 is product policy, configurable per street.
async fn fast_acceptance_can_be_switched_off_per_street(b: Backend) {
    let app = spawn_with(b, |c| {
        c.fast_accept_disabled_streets.insert("bantian".into());
    })
    .await;
    let v = app.file_complete("fast-off", ordinary_facts()).await;
    assert_eq!(v["status"], "filed");
    assert!(v["receipt"].is_null());
}
