//! The API contract suite: every test runs against SQLite and against PostgreSQL (127.0.0.1:5432,
//! database `test`, a fresh schema per test), each on its own server on a random port.

// The contract functions below are called by the generated #[tokio::test]s; panicking is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use serde_json::{Value, json};

both_backends!(
    lifecycle_registered_at_once_verify_extend_cancel,
    high_risk_waits_for_an_officer_of_its_street,
    return_with_changes_then_resubmit,
    refusal,
    revocation,
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
    let body = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("life-1", &body).await;
    assert_eq!(st, 201, "{v}");
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
    let (st, ver) = app
        .get(&format!("/api/v1/receipts/{rno}/verify"), None)
        .await;
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
    let (st, full) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(st, 200);
    assert_eq!(full["request"]["applicant"]["id_number"], id_number(1));
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{no}"), None)
            .await
            .0,
        401
    );
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{no}"), Some("anb_a_wrong"))
            .await
            .0,
        401
    );

    // Outside the window (opens 2027-05-09, the 15 days ending on 2027-05-23): refused.
    let ext = |d: &str| json!({ "new_valid_until": d });
    let (st, p) = app
        .post(
            &format!("/api/v1/registrations/{no}/extension"),
            Some(&token),
            &ext("2027-08-01"),
        )
        .await;
    assert_eq!(st, 409, "{p}");
    assert_eq!(p["code"], "INVALID_STATE");
    app.set_today("2027-05-08");
    assert_eq!(
        app.post(
            &format!("/api/v1/registrations/{no}/extension"),
            Some(&token),
            &ext("2027-08-01")
        )
        .await
        .0,
        409
    );
    // Inside the window: at most 6 months more.
    app.set_today("2027-05-09");
    let (st, p) = app
        .post(
            &format!("/api/v1/registrations/{no}/extension"),
            Some(&token),
            &ext("2027-11-24"),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), ["new_valid_until"]);
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/extension"),
            Some(&token),
            &ext("2027-11-23"),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "extended");
    assert_eq!(r["receipt"]["valid_until"], "2027-11-23");
    assert_eq!(r["receipt"]["receipt_no"], rno);
    let (_, ver) = app
        .get(&format!("/api/v1/receipts/{rno}/verify"), None)
        .await;
    assert_eq!(ver["signature_valid"], true, "re-signed after extension");
    assert_eq!(ver["valid_until"], "2027-11-23");

    // Cancellation (注销) after completion, with the waste-disposal record.
    app.set_today("2027-06-03");
    let record = app.upload_pdf("waste record").await;
    let (st, p) = app
        .post(
            &format!("/api/v1/registrations/{no}/cancellation"),
            Some(&token),
            &json!({ "completion_date": "2027-06-10", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 422, "future completion refused: {p}");
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/cancellation"),
            Some(&token),
            &json!({ "completion_date": "2027-06-01", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "cancelled");
    let last = r["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "cancelled");
    assert_eq!(last["data"]["late"], false);
    let (_, ver) = app
        .get(&format!("/api/v1/receipts/{rno}/verify"), None)
        .await;
    assert_eq!(ver["status"], "cancelled");
    assert_eq!(ver["valid"], false);
    let actions: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["filed", "registered", "extended", "cancelled"]);
}

/// 依据：第二十七条第（二）项（受理期限）, rules.md §7: high risk waits for an officer of its street.
async fn high_risk_waits_for_an_officer_of_its_street(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(high_risk_facts()).await;
    let (st, v) = app.file("hr-1", &body).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "filed");
    assert!(v["receipt"].is_null());
    assert_eq!(v["acceptance_due"], "2026-11-26");
    let no = v["filing_no"].as_str().unwrap();
    let token = v["access_token"].as_str().unwrap();

    let other = app.officer("pinghu", "officer").await;
    let mine = app.officer("bantian", "officer").await;
    let accept = format!("/api/v1/registrations/{no}/acceptance");
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{no}"), Some(&other))
            .await
            .0,
        403
    );
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
    let last = r["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "accepted");
    assert_eq!(last["actor_name"], "王五");
    assert_eq!(
        app.post(&accept, Some(&mine), &json!({})).await.0,
        409,
        "accepted twice"
    );
    let (_, ver) = app
        .get(
            &format!(
                "/api/v1/receipts/{}/verify",
                rc["receipt_no"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(ver["valid"], true);
    // A district admin covers every street.
    let admin = app.officer("*", "admin").await;
    assert_eq!(
        app.get(&format!("/api/v1/registrations/{no}"), Some(&admin))
            .await
            .0,
        200
    );
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
        .post(
            &format!("/api/v1/registrations/{no}/return"),
            Some(&officer),
            &json!({ "changes": [] }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let changes = json!({ "changes": [
        { "field": "documents.D_DRAWINGS", "message": { "zh": "施工图纸缺少签章", "en": "the drawings are not stamped" } },
        { "field": "workers", "message": { "zh": "补充起重信号工", "en": "" } }
    ]});
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/return"),
            Some(&officer),
            &changes,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "returned");
    let (_, seen) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
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
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(r["status"], "registered");
}

/// 依据：第二十七条第（三）项（不予登记）.
async fn refusal(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(high_risk_facts()).await;
    let (_, v) = app.file("ref-1", &body).await;
    let no = v["filing_no"].as_str().unwrap();
    let officer = app.officer("bantian", "officer").await;
    assert_eq!(
        app.post(
            &format!("/api/v1/registrations/{no}/refusal"),
            Some(&officer),
            &json!({ "reason": "" })
        )
        .await
        .0,
        422
    );
    let (st, r) = app
        .post(
            &format!("/api/v1/registrations/{no}/refusal"),
            Some(&officer),
            &json!({ "reason": "实为加建，应申请施工许可" }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["status"], "refused");
    assert_eq!(
        r["history"].as_array().unwrap().last().unwrap()["reason"],
        "实为加建，应申请施工许可"
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(&officer),
            &json!({})
        )
        .await
        .0,
        409
    );
}

/// 依据：第二十五条（撤销：虚假申报、规避施工许可、超范围施工、违法建设）.
async fn revocation(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("rev-1", &body).await;
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
    let (_, ver) = app
        .get(&format!("/api/v1/receipts/{rno}/verify"), None)
        .await;
    assert_eq!(ver["status"], "revoked");
    assert_eq!(ver["valid"], false);
    assert_eq!(ver["signature_valid"], true);
    assert_eq!(app.post(&path, Some(&officer), &why).await.0, 409);
}

/// 快速受理 is product policy, configurable per street.
async fn fast_acceptance_can_be_switched_off_per_street(b: Backend) {
    let app = spawn_with(b, |c| {
        c.fast_accept_disabled_streets.insert("bantian".into());
    })
    .await;
    let body = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("fast-off", &body).await;
    assert_eq!(st, 201);
    assert_eq!(v["status"], "filed");
    assert!(v["receipt"].is_null());
}

async fn idempotency_replay_and_mismatch(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let resp = app
        .http
        .post(app.url("/api/v1/registrations"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["code"], "IDEMPOTENCY_KEY_REQUIRED");

    let (st, first) = app.file("idem-1", &body).await;
    assert_eq!(st, 201);
    let resp = app
        .http
        .post(app.url("/api/v1/registrations"))
        .header("Idempotency-Key", "idem-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(resp.headers()["idempotent-replayed"], "true");
    let again: Value = resp.json().await.unwrap();
    assert_eq!(again["filing_no"], first["filing_no"]);
    assert_eq!(
        again["receipt"]["receipt_no"],
        first["receipt"]["receipt_no"]
    );
    assert_eq!(
        again["access_token"], first["access_token"],
        "a lost response can be recovered"
    );

    let mut other = body.clone();
    other["planned_end"] = json!("2027-03-31");
    let (st, p) = app.file("idem-1", &other).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "IDEMPOTENCY_MISMATCH");
    let (st, second) = app.file("idem-2", &other).await;
    assert_eq!(st, 201);
    assert_ne!(second["filing_no"], first["filing_no"]);
    // The replays took no number: the series goes on without a gap.
    assert_eq!(
        second["receipt"]["receipt_no"],
        "LG-bantian-20261123-000002"
    );
    assert_eq!(second["filing_no"], "F-bantian-20261123-000002");

    // Weeks later the same body would be refused (planned start before today, 第九条), but a replay
    // of its key still gets the receipt it was given.
    app.set_today("2027-01-05");
    let (st, late) = app.file("idem-1", &body).await;
    assert_eq!(st, 201, "{late}");
    assert_eq!(
        late["receipt"]["receipt_no"],
        first["receipt"]["receipt_no"]
    );
    let (st, p) = app.file("idem-3", &body).await;
    assert_eq!(st, 422, "a new key with that body is checked: {p}");
    assert_eq!(p["code"], "INVALID_FILING");
    let mut late_other = body.clone();
    late_other["planned_end"] = json!("2027-03-30");
    let (st, p) = app.file("idem-1", &late_other).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "IDEMPOTENCY_MISMATCH", "{p}");
}

async fn idempotency_twenty_concurrent_identical_requests_one_receipt(b: Backend) {
    let app = std::sync::Arc::new(spawn(b).await);
    let body = std::sync::Arc::new(app.filing(ordinary_facts()).await);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = app.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(
            async move { app.file("same-key", &body).await },
        ));
    }
    let mut receipts = std::collections::HashSet::new();
    let mut created = 0;
    for t in tasks {
        let (st, v) = t.await.unwrap();
        match st {
            201 => {
                created += 1;
                receipts.insert(v["receipt"]["receipt_no"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(v["code"], "IDEMPOTENCY_IN_FLIGHT"),
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert!(created >= 1);
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    let officer = app.officer("bantian", "officer").await;
    let (st, list) = app.get("/api/v1/registrations", Some(&officer)).await;
    assert_eq!(st, 200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "exactly one filing stored"
    );
}

/// 依据：第二十七条第（三）项 — incomplete filings are told every problem at once.
async fn invalid_filing_lists_every_problem_at_once(b: Backend) {
    let app = spawn(b).await;
    let mut facts = ordinary_facts();
    facts["welding"] = json!(true);
    facts.as_object_mut().unwrap().remove("venue");
    let mut body = base_filing(facts);
    body["applicant"]["id_number"] = json!("440307199001010011"); // wrong check digit
    body["applicant"]["mobile"] = json!("1380013800");
    body["contractor"]["credit_code"] = json!("91440300MA5F123450");
    body["workers"] =
        json!([{ "name": "钱七\u{0007}", "id_number": id_number(2), "operation": "welding" }]);
    body["planned_start"] = json!("2026-11-01");
    body["documents"] = json!({ "D_APPLICANT_ID": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "D_NOPE": "x" });
    body["surprise"] = json!(1);
    let (st, p) = app.file("bad-1", &body).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["code"], "INVALID_FILING");
    assert!(p["title_zh"].as_str().unwrap().contains("不完整"));
    let f = fields(&p);
    for want in [
        "surprise",
        "facts.venue",
        "applicant.id_number",
        "applicant.mobile",
        "contractor.credit_code",
        "workers.0.name",
        "workers.0.certificate_no",
        "planned_start",
        "documents.D_NOPE",
        "documents.D_APPLICANT_ID",
    ] {
        assert!(f.iter().any(|x| x == want), "missing {want} in {f:?}");
    }
    let rule_of = |field: &str| {
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["rule"].as_str().unwrap().to_owned())
    };
    assert_eq!(rule_of("applicant.id_number").as_deref(), Some("checksum"));
    assert_eq!(rule_of("facts.venue").as_deref(), Some("missing_fact"));
    assert_eq!(
        rule_of("documents.D_APPLICANT_ID").as_deref(),
        Some("unknown_upload")
    );
    for e in p["errors"].as_array().unwrap() {
        assert!(
            !e["message"]["zh"].as_str().unwrap().is_empty()
                && !e["message"]["en"].as_str().unwrap().is_empty(),
            "{e}"
        );
    }

    // Complete facts, nothing else: every missing document is named.
    let (st, p) = app.file("bad-2", &base_filing(ordinary_facts())).await;
    assert_eq!(st, 422);
    let f = fields(&p);
    for d in [
        "documents.D_APPLICANT_ID",
        "documents.D_PROPERTY_PROOF",
        "documents.D_CONTRACT",
        "documents.D_DECOR_PLAN",
    ] {
        assert!(f.iter().any(|x| x == d), "missing {d} in {f:?}");
    }
    // The form is the basic form; since spec v3 its workers, disposal site and affirmed pledge are the
    // worker list, the waste destination and the safety pledge: none of them is asked for as an upload.
    for d in [
        "documents.D_BASIC_FORM",
        "documents.D_WORKER_LIST",
        "documents.D_WASTE_DESTINATION",
        "documents.D_SAFETY_PLEDGE",
    ] {
        assert!(!f.iter().any(|x| x == d), "{d} asked in {f:?}");
    }
    let (st, p) = app.file("bad-3", &json!([1, 2])).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "INVALID_FILING");
    let resp = app
        .http
        .post(app.url("/api/v1/registrations"))
        .header("Idempotency-Key", "bad-4")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
}

/// 依据：第七条, 第二条 — prohibited and needs-permit work is refused with where to go.
async fn out_of_scope_work_is_refused_with_where_to_go(b: Backend) {
    let app = spawn(b).await;
    let mut facts = ordinary_facts();
    facts["illegal_addition"] = json!(true);
    let (st, p) = app.file("oos-1", &base_filing(facts)).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["code"], "NOT_REGISTRABLE");
    assert_eq!(p["assessment"]["scope"], "PROHIBITED");
    assert!(!p["go_to"].as_array().unwrap().is_empty());
    let mut facts = ordinary_facts();
    facts["contract_amount_yuan"] = json!(5_000_000);
    facts["construction_area_m2"] = json!(5000);
    facts["permit_not_applicable"] = json!(false);
    let (st, p) = app.file("oos-2", &base_filing(facts)).await;
    assert_eq!(st, 422);
    assert_eq!(p["assessment"]["scope"], "NEEDS_PERMIT");
    assert!(p["go_to"].to_string().contains("施工许可"));
}

async fn uploads_checked_by_content_and_size(b: Backend) {
    let app = spawn(b).await;
    let up = |body: Vec<u8>, ct: &'static str| {
        let req = app
            .http
            .post(app.url("/api/v1/uploads"))
            .header("Content-Type", ct)
            .body(body);
        async move {
            let r = req.send().await.unwrap();
            let (st, ct) = (r.status().as_u16(), content_type(&r));
            (st, ct, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let (st, _, v) = up(png.clone(), "image/png").await;
    assert_eq!(st, 201);
    assert_eq!(v["content_type"], "image/png");
    assert_eq!(v["size"], png.len());
    let id = v["upload_id"].as_str().unwrap().to_owned();
    assert_eq!(
        id,
        format!("sha256:{}", anbei_api::signing::sha256_hex(&png))
    );
    let (_, _, again) = up(png.clone(), "application/octet-stream").await;
    assert_eq!(again["upload_id"], id.as_str(), "content-addressed");
    let (st, _, _) = up(b"\xff\xd8\xff\xe0JFIF".to_vec(), "image/jpeg").await;
    assert_eq!(st, 201);
    // A PDF by name only, or a PNG declared as PDF: refused.
    let (st, ct, p) = up(b"hello, I am text".to_vec(), "application/pdf").await;
    assert_eq!((st, ct.as_str()), (415, "application/problem+json"));
    assert_eq!(p["code"], "UNSUPPORTED_MEDIA_TYPE");
    assert_eq!(up(png.clone(), "application/pdf").await.0, 415);
    assert_eq!(up(vec![], "application/pdf").await.0, 400);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (st, _, p) = up(big, "application/pdf").await;
    assert_eq!(st, 413);
    assert_eq!(p["code"], "PAYLOAD_TOO_LARGE");
    let mut max = b"%PDF-1.4\n".to_vec();
    max.resize(10 * 1024 * 1024, b' ');
    assert_eq!(
        up(max, "application/pdf").await.0,
        201,
        "exactly 10 MB is allowed"
    );
}

/// A printed QR code can be checked offline with the published key.
async fn receipt_signature_verifies_with_the_published_key(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("sig-1", &body).await;
    let r = &v["receipt"];
    let (st, keys) = app.get("/api/v1/keys", None).await;
    assert_eq!(st, 200);
    let k = &keys["keys"][0];
    assert_eq!(k["alg"], "Ed25519");
    let pk: [u8; 32] = URL_SAFE_NO_PAD
        .decode(k["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap();
    let payload = r["payload"].as_str().unwrap();
    assert_eq!(
        payload,
        format!(
            "ANBEI1;{};{};SMALL_PROJECT;0;bantian;2027-05-23;{}",
            r["receipt_no"].as_str().unwrap(),
            r["ruleset"].as_str().unwrap(),
            r["issued_at"].as_str().unwrap()
        )
    );
    assert!(anbei_api::signing::verify_with(
        &key,
        payload,
        r["signature"].as_str().unwrap()
    ));
    // The QR string alone carries everything needed.
    let qr = r["qr_payload"].as_str().unwrap();
    assert!(qr.starts_with(&format!(
        "https://anbei.test/api/v1/receipts/{}/verify#",
        r["receipt_no"].as_str().unwrap()
    )));
    let frag = qr.split_once('#').unwrap().1;
    let (rest, sig) = frag.rsplit_once(';').unwrap();
    let (signed, kid) = rest.rsplit_once(';').unwrap();
    assert_eq!(kid, k["kid"].as_str().unwrap());
    assert!(anbei_api::signing::verify_with(&key, signed, sig));
    let forged = signed.replace(";0;bantian;", ";1;bantian;");
    assert!(!anbei_api::signing::verify_with(&key, &forged, sig));
    let forged = signed.replace("2027-05-23", "2028-05-23");
    assert!(!anbei_api::signing::verify_with(&key, &forged, sig));
}

/// The ledger (台账) for officers, scoped to their street; CSV streamed.
async fn ledger_csv_export(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, a) = app.file("csv-1", &body).await;
    let mut hr = app.filing(high_risk_facts()).await;
    hr["site"]["address"] = json!("龙岗区坂田街道\"雪岗路\", 8 号");
    let (_, h) = app.file("csv-2", &hr).await;
    let officer = app.officer("bantian", "officer").await;
    let other = app.officer("nanwan", "officer").await;

    let csv = |token: String, q: &'static str| {
        let app = &app;
        async move {
            app.get_csv(&format!("/api/v1/registrations{q}"), &token)
                .await
        }
    };
    let (st, ct, text) = csv(officer.clone(), "").await;
    assert_eq!(st, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("\u{FEFF}登记编号 filing_no,"));
    assert!(lines[1].starts_with(a["filing_no"].as_str().unwrap()));
    assert!(lines[1].contains(a["receipt"]["receipt_no"].as_str().unwrap()));
    assert!(
        lines[1].contains("440307********0015") || lines[1].contains("440307********"),
        "masked ID: {}",
        lines[1]
    );
    assert!(
        !text.contains(&id_number(1)),
        "full ID numbers never leave in the ledger"
    );
    assert!(
        lines[2].contains("\"龙岗区坂田街道\"\"雪岗路\"\", 8 号\""),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains(",filed,"));

    let (_, _, filed) = csv(officer.clone(), "?status=filed").await;
    assert_eq!(filed.trim_end().split("\r\n").count(), 2);
    assert!(filed.contains(h["filing_no"].as_str().unwrap()));
    let (_, _, none) = csv(officer.clone(), "?from=2026-11-24").await;
    assert_eq!(none.trim_end().split("\r\n").count(), 1);
    let (st, _, _) = csv(other.clone(), "?street=bantian").await;
    assert_eq!(st, 403);
    let (_, _, empty) = csv(other, "").await;
    assert_eq!(
        empty.trim_end().split("\r\n").count(),
        1,
        "another street sees none of these"
    );

    let (st, j) = app
        .get("/api/v1/registrations?status=registered", Some(&officer))
        .await;
    assert_eq!(st, 200);
    assert_eq!(j["items"].as_array().unwrap().len(), 1);
    let (st, p) = app
        .get("/api/v1/registrations?from=yesterday", Some(&officer))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(
        app.get(
            "/api/v1/registrations",
            Some(a["access_token"].as_str().unwrap())
        )
        .await
        .0,
        403
    );
}

/// The ledger is read `LEDGER_PAGE` rows at a time: an export or a listing several pages long has every
/// filing exactly once, in filing-number order, wherever the page breaks fall.
async fn ledger_read_in_pages(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let n = 2 * anbei_api::store::LEDGER_PAGE as usize + 7;
    let mut filed = Vec::with_capacity(n);
    for i in 0..n {
        let (st, v) = app.file(&format!("pages-{i}"), &body).await;
        assert_eq!(st, 201, "{v}");
        filed.push(v["filing_no"].as_str().unwrap().to_owned());
    }
    filed.sort();
    let officer = app.officer("bantian", "officer").await;

    let (st, _, csv) = app.get_csv("/api/v1/registrations", &officer).await;
    assert_eq!(st, 200);
    let exported: Vec<&str> = csv
        .trim_end()
        .split("\r\n")
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(exported, filed, "CSV export: each filing once, in order");

    // JSON pages of 90 (not a multiple of the store's page), followed through `next_after`.
    let mut listed = Vec::new();
    let mut after = String::new();
    loop {
        let (st, j) = app
            .get(
                &format!("/api/v1/registrations?limit=90{after}"),
                Some(&officer),
            )
            .await;
        assert_eq!(st, 200, "{j}");
        let items = j["items"].as_array().unwrap();
        assert!(items.len() <= 90);
        listed.extend(
            items
                .iter()
                .map(|e| e["filing_no"].as_str().unwrap().to_owned()),
        );
        match j["next_after"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    assert_eq!(listed, filed, "JSON listing: each filing once, in order");

    // A status no row has: every page is read and none is kept.
    let (st, j) = app
        .get("/api/v1/registrations?status=filed", Some(&officer))
        .await;
    assert_eq!(st, 200);
    assert_eq!(j, json!({ "items": [], "next_after": null }));
}

async fn service_endpoints_and_headers(b: Backend) {
    let app = spawn(b).await;
    assert_eq!(
        app.get("/healthz", None).await,
        (200, json!({ "status": "ok" }))
    );
    assert_eq!(
        app.get("/readyz", None).await,
        (200, json!({ "status": "ready" }))
    );
    let (st, rs) = app.get("/api/v1/ruleset", None).await;
    assert_eq!(st, 200);
    assert_eq!(rs["streets"].as_array().unwrap().len(), 11);
    assert!(rs["version"].is_string() && rs["calendar_years"].is_array());

    let (st, a) = app
        .post(
            "/api/v1/assessments",
            None,
            &json!({ "activity": "nonresidential_decoration", "contract_amount_yuan": 420000 }),
        )
        .await;
    assert_eq!(st, 200);
    assert!(!a["missing_facts"].as_array().unwrap().is_empty());
    let (st, p) = app
        .post(
            "/api/v1/assessments",
            None,
            &json!({ "activity": "moon_base", "bogus": 1 }),
        )
        .await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "INVALID_FACTS");
    assert!(fields(&p).contains(&"bogus".to_owned()));

    let (st, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/registrations",
        "/api/v1/registrations/{filing_no}/extension",
        "/api/v1/receipts/{receipt_no}/verify",
        "/api/v1/uploads",
        "/api/v1/assessments",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing from OpenAPI");
    }

    let resp = app
        .http
        .get(app.url("/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let h = resp.headers();
    assert_eq!(h["content-type"], "application/problem+json");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'self'")
    );
    assert_eq!(
        app.http
            .delete(app.url("/api/v1/registrations"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        405
    );
    // Missing static files are a 404, not a crash.
    assert_eq!(
        app.http
            .get(app.url("/widget/anbei.js"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.http
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    // Printable receipt and site notice.
    let body = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("pages-1", &body).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let page = app
        .http
        .get(app.url(&format!("/receipts/{rno}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("登记回执") && html.contains(rno) && html.contains("<svg"),
        "receipt page"
    );
    assert!(
        !html.contains(&id_number(1)) && !html.contains("张三"),
        "personal data masked on public pages"
    );
    let notice = app
        .http
        .get(app.url(&format!("/receipts/{rno}/notice")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        notice.contains("安全生产承诺书")
            && notice.contains("安全风险告知书")
            && notice.contains("钱*")
    );
    assert_eq!(
        app.http
            .get(app.url("/receipts/LG-bantian-20000101-000001"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );

    // CORS allow-list.
    let app2 = spawn_with(b, |c| {
        c.cors_origins = vec!["https://portal.example".into()]
    })
    .await;
    let r = app2
        .http
        .request(reqwest::Method::OPTIONS, app2.url("/api/v1/registrations"))
        .header("Origin", "https://portal.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://portal.example"
    );
    let r = app2
        .http
        .get(app2.url("/healthz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'self' https://portal.example")
    );
}

async fn rate_limiting_per_client(b: Backend) {
    let app = spawn_with(b, |c| {
        c.rate_limit_per_s = 1;
        c.rate_limit_burst = 3;
    })
    .await;
    let mut limited = None;
    for _ in 0..10 {
        let r = app.http.get(app.url("/healthz")).send().await.unwrap();
        if r.status().as_u16() == 429 {
            assert!(r.headers().get("retry-after").is_some());
            limited = Some(r.json::<Value>().await.unwrap());
            break;
        }
    }
    assert_eq!(limited.expect("rate limited")["code"], "RATE_LIMITED");
}
