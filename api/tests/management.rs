//! The management gaps of issue 14 on both backends: which findings each checklist item may record
//! (codes.json `checklist_findings`), referral to a named department (第三十六条第（三）项), the
//! contractor's own site records (rules.md §10), a department's supervisory-check feedback (第三十一条),
//! and statistics asked outside an account's scope.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::accounts::NewAccount;
use common::*;
use serde_json::{Value, json};

both_backends!(
    each_checklist_item_records_only_its_findings,
    a_referral_to_a_department_names_one_of_section_5,
    the_contractor_adds_site_records_the_street_reads,
    a_department_gives_feedback_on_its_works_only,
    statistics_outside_the_scope_say_which_scope,
    an_account_sets_where_its_notifications_go
);

/// codes.json `checklist_findings`, read here apart from the service.
fn allowed_by_data(item: &str) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/data/codes.json");
    let codes: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    codes["checklist_findings"][item]
        .as_array()
        .unwrap_or_else(|| panic!("no checklist_findings for {item}"))
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// The audit actions recorded against `target`, oldest first.
async fn audit_actions(app: &TestApp, target: &str) -> Vec<String> {
    app.sql(&format!(
        "SELECT action FROM audit WHERE target = '{target}' ORDER BY seq"
    ))
    .await
}

/// The kinds of the outbox events of `filing_no` (rules.md §11), sorted.
async fn events(app: &TestApp, filing_no: &str) -> Vec<String> {
    let mut v: Vec<String> = app
        .state
        .store
        .outbox_list(anbei_api::store::OutboxFilter {
            filing_no: Some(filing_no.into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.kind)
        .collect();
    v.sort();
    v
}

/// The registration's checklist of `kind` as `token` reads it.
async fn checklist(app: &TestApp, no: &str, kind: &str, token: &str) -> (u16, Value) {
    app.get(
        &format!("/api/v1/registrations/{no}/checklist?kind={kind}"),
        Some(token),
    )
    .await
}

/// Every item answered `ok` except `item`, answered `finding`.
fn answers(list: &Value, item: &str) -> Vec<Value> {
    list["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            if i["code"] == item {
                json!({ "code": item, "answer": "finding", "note": "现场发现" })
            } else {
                json!({ "code": i["code"], "answer": "ok" })
            }
        })
        .collect()
}

/// 依据：§9.2 "a `finding` names one or more finding codes" — only those that fit the item; and
/// 第三十条第（七）项: a major hazard can be found on any item.
async fn each_checklist_item_records_only_its_findings(b: Backend) {
    let app = spawn(b).await;
    let r = app.registered_high_risk("mg-checklist").await;
    let (st, list) = checklist(&app, &r.no, "INSPECTION_HIGH_RISK", &r.officer).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["kind"], "INSPECTION_HIGH_RISK");
    let items = list["checklist"].as_array().unwrap();
    assert!(!items.is_empty());
    for i in items {
        let code = i["code"].as_str().unwrap();
        let given: Vec<String> = i["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(given, allowed_by_data(code), "{code}");
        assert!(given.iter().any(|f| f == "F_MAJOR_HAZARD"), "{code}");
        assert!(i["article"].as_str().unwrap().starts_with('第'), "{i}");
    }
    // The same checklist as the registration's due inspection shows.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.officer))
        .await;
    assert_eq!(v["inspections"][0]["checklist"], list["checklist"]);
    assert!(
        audit_actions(&app, &r.no)
            .await
            .contains(&"checklist_read".to_owned())
    );
    // No kind, or one without a checklist of this registration: 422 on `kind`.
    for q in ["", "INSPECTION_UNREGISTERED", "NOPE"] {
        let (st, p) = checklist(&app, &r.no, q, &r.officer).await;
        assert_eq!(st, 422, "{q}: {p}");
        assert_eq!(fields(&p), vec!["kind"]);
    }
    // Outside the scope: an officer of another street.
    let pinghu = app.officer("pinghu", "officer").await;
    let (st, _) = checklist(&app, &r.no, "INSPECTION_PATROL", &pinghu).await;
    assert_eq!(st, 403);
    // A waste violation is not a finding of the workers' item: 422, nothing recorded.
    let path = format!("/api/v1/registrations/{}/inspections", r.no);
    let patrol = app.officer("bantian", "patrol").await;
    assert!(!allowed_by_data("IC_WORKERS_MATCH").contains(&"F_WASTE_VIOLATION".to_owned()));
    let (st, p) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": answers(&list, "IC_WORKERS_MATCH"),
                     "findings": [{ "code": "F_WORKERS_MISMATCH", "item": "IC_WORKERS_MATCH", "note": "人员不符" },
                                  { "code": "F_WASTE_VIOLATION", "item": "IC_WORKERS_MATCH", "note": "乱倒垃圾" }] }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let e = &p["errors"][0];
    assert_eq!(e["field"], "findings.1.code", "{p}");
    assert_eq!(e["rule"], "item_finding");
    assert!(
        e["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("IC_WORKERS_MATCH"),
        "{e}"
    );
    assert!(
        e["message"]["en"]
            .as_str()
            .unwrap()
            .contains("F_WORKERS_MISMATCH"),
        "{e}"
    );
    assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{p}");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.officer))
        .await;
    assert_eq!(v["inspections"][0]["status"], "due", "nothing stored");
    // A major hazard fits any item.
    let (st, rec) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": answers(&list, "IC_WORKERS_MATCH"),
                     "findings": [{ "code": "F_MAJOR_HAZARD", "item": "IC_WORKERS_MATCH", "note": "管理混乱" }] }),
        )
        .await;
    assert_eq!(st, 201, "{rec}");
    // A patrol's finding reaches the street's officers (rules.md §11 "each patrol finding").
    assert!(
        events(&app, &r.no)
            .await
            .contains(&"finding_recorded".to_owned())
    );
}

/// 依据：第三十六条第（三）项 — other violations go to the district department by domain (§5).
async fn a_referral_to_a_department_names_one_of_section_5(b: Backend) {
    let app = spawn(b).await;
    let r = app.registered_high_risk("mg-referral").await;
    let primary = r.view["assessment"]["departments"]["primary"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no primary department: {}", r.view))
        .to_owned();
    let (_, list) = checklist(&app, &r.no, "INSPECTION_HIGH_RISK", &r.officer).await;
    let (st, rec) = app
        .post(
            &format!("/api/v1/registrations/{}/inspections", r.no),
            Some(&r.officer),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": answers(&list, "IC_WASTE_AND_SITE"),
                     "findings": [{ "code": "F_WASTE_VIOLATION", "item": "IC_WASTE_AND_SITE", "note": "装修垃圾混入生活垃圾" }] }),
        )
        .await;
    assert_eq!(st, 201, "{rec}");
    let finding = &rec["inspection"]["findings"][0];
    // The staff's view carries the core's suggestion: the work's own department first.
    assert_eq!(finding["suggested_target"], "REF_DEPARTMENT", "{finding}");
    assert_eq!(
        finding["suggested_departments"][0]["code"],
        primary.as_str()
    );
    assert!(finding["suggested_departments"][0]["name"]["zh"].is_string());
    let fid = finding["id"].as_str().unwrap().to_owned();
    // The applicant's does not.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.token))
        .await;
    let seen = &v["inspections"][0]["findings"][0];
    assert_eq!(seen["id"], fid.as_str());
    assert!(seen.get("suggested_target").is_none(), "{seen}");
    assert!(seen.get("suggested_departments").is_none(), "{seen}");
    let path = format!("/api/v1/registrations/{}/findings/{fid}/referral", r.no);
    for (body, field, rule) in [
        (
            json!({ "target": "REF_DEPARTMENT", "reason": "x" }),
            "department",
            "required",
        ),
        (
            json!({ "target": "REF_DEPARTMENT", "department": "NOPE", "reason": "x" }),
            "department",
            "code",
        ),
        (
            json!({ "target": "REF_STREET_ENFORCEMENT", "department": "HOUSING", "reason": "x" }),
            "department",
            "only_for_department",
        ),
    ] {
        let (st, p) = app.post(&path, Some(&r.officer), &body).await;
        assert_eq!(st, 422, "{body}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(p["errors"][0]["rule"], rule, "{p}");
        assert!(p["errors"][0]["message"]["en"].is_string());
    }
    // Nothing was referred by those.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.officer))
        .await;
    assert_eq!(v["inspections"][0]["findings"][0]["status"], "open");
    let (st, f) = app
        .post(
            &path,
            Some(&r.officer),
            &json!({ "target": "REF_DEPARTMENT", "department": "ECOLOGY", "reason": "建筑废弃物违法" }),
        )
        .await;
    assert_eq!(st, 201, "{f}");
    assert_eq!(f["status"], "referred");
    assert_eq!(f["referrals"][0]["target"], "REF_DEPARTMENT");
    assert_eq!(f["referrals"][0]["department"], "ECOLOGY");
    assert_eq!(
        f["referrals"][0]["department_name"]["zh"],
        "市生态环境局龙岗管理局"
    );
}

/// 依据：rules.md §10 — the contractor named in the filing uploads site photos (第十三条第（一）项),
/// worker changes (第三十条第（一）项), rectification evidence (第三十四条) and the waste-disposal record
/// (第十三条第（十一）项), by its own access code; the street reads them.
async fn the_contractor_adds_site_records_the_street_reads(b: Backend) {
    let app = spawn(b).await;
    // Filed, not yet registered: not under management.
    let filed = app.file_complete("mg-site-filed", high_risk_facts()).await;
    assert_eq!(filed["status"], "filed");
    let photo = upload_png(&app, "site").await;
    let (st, p) = app
        .post(
            &format!(
                "/api/v1/registrations/{}/site-records",
                filed["filing_no"].as_str().unwrap()
            ),
            Some(filed["contractor_access_token"].as_str().unwrap()),
            &json!({ "kind": "site_photos", "documents": [photo] }),
        )
        .await;
    assert_eq!(st, 409, "{p}");
    let r = app.registered_high_risk("mg-site").await;
    let path = format!("/api/v1/registrations/{}/site-records", r.no);
    let body = json!({ "kind": "site_photos", "note": "入口公示", "documents": [photo] });
    // Only the contractor's code: not the applicant, not the street.
    for who in [&r.token, &r.officer] {
        let (st, p) = app.post(&path, Some(who), &body).await;
        assert_eq!(st, 403, "{p}");
    }
    // Bad input: every problem named, nothing stored.
    let pdf = app.upload_pdf("not-a-photo").await;
    let (st, p) = app
        .post(
            &path,
            Some(&r.contractor),
            &json!({ "kind": "site_photos", "documents": [pdf, "up_nope"] }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let f = fields(&p);
    assert!(f.contains(&"documents.0".to_owned()), "{f:?}");
    assert!(f.contains(&"documents.1".to_owned()), "{f:?}");
    let (st, p) = app
        .post(&path, Some(&r.contractor), &json!({ "kind": "diary" }))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["kind", "note"]);
    assert!(
        p["errors"][0]["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("site_photos")
    );
    // Recorded: a site photo, and the waste-disposal record as a PDF.
    let (st, s1) = app.post(&path, Some(&r.contractor), &body).await;
    assert_eq!(st, 201, "{s1}");
    assert_eq!(s1["kind"], "site_photos");
    assert_eq!(s1["by"], "contractor");
    assert_eq!(s1["documents"][0], photo.as_str());
    let (st, s2) = app
        .post(
            &path,
            Some(&r.contractor),
            &json!({ "kind": "waste_disposal", "documents": [pdf] }),
        )
        .await;
    assert_eq!(st, 201, "{s2}");
    // The street reads both with the registration, and opens the photo.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.officer))
        .await;
    // (Both at the fixed clock's same instant: compared as a set.)
    let mut kinds: Vec<(&str, &Value)> = v["site_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), &s["note"]))
        .collect();
    kinds.sort_by_key(|k| k.0);
    assert_eq!(
        kinds,
        vec![
            ("site_photos", &json!("入口公示")),
            ("waste_disposal", &Value::Null)
        ],
        "{v}"
    );
    let (st, _) = app
        .get(
            &format!("/api/v1/registrations/{}/documents/{photo}", r.no),
            Some(&r.officer),
        )
        .await;
    assert_eq!(st, 200);
    // The applicant's view has none of it.
    let (_, mine) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.token))
        .await;
    assert!(mine.get("site_records").is_none(), "{mine}");
    let actions = audit_actions(&app, &r.no).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "site_record_added").count(),
        2,
        "{actions:?}"
    );
    // Each reaches the street's officers (rules.md §11), as the filing awaiting acceptance did.
    let ev = events(&app, &r.no).await;
    assert_eq!(
        ev.iter().filter(|k| *k == "site_record").count(),
        2,
        "{ev:?}"
    );
    assert!(ev.contains(&"officer_filing_awaiting".to_owned()), "{ev:?}");
}

/// 依据：第三十一条 — the district departments check and give the street their feedback; rules.md §10:
/// a `viewer` reads its department's works and records that feedback, nothing else.
async fn a_department_gives_feedback_on_its_works_only(b: Backend) {
    let app = spawn(b).await;
    let r = app.registered_high_risk("mg-feedback").await;
    let primary = r.view["assessment"]["departments"]["primary"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app
        .state
        .engine
        .departments()
        .iter()
        .map(|d| d.code.clone())
        .find(|d| {
            !r.view["assessment"]["departments"]
                .to_string()
                .contains(d.as_str())
        })
        .unwrap();
    let viewer = |d: String| NewAccount {
        login: String::new(),
        name: "赵六".into(),
        role: "viewer".into(),
        department: Some(d),
        ..Default::default()
    };
    let mine = app.account(viewer(primary)).await;
    let elsewhere = app.account(viewer(other)).await;
    let path = format!("/api/v1/registrations/{}/feedback", r.no);
    let body = json!({ "note": "抽查发现临边防护不到位，请街道督促整改" });
    for who in [&elsewhere, &r.officer] {
        let (st, p) = app.post(&path, Some(who), &body).await;
        assert_eq!(st, 403, "{p}");
    }
    let (st, p) = app.post(&path, Some(&mine), &json!({ "note": " " })).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["note"]);
    let (st, f) = app.post(&path, Some(&mine), &body).await;
    assert_eq!(st, 201, "{f}");
    assert_eq!(f["kind"], "feedback");
    assert!(f["by"].as_str().unwrap().starts_with("赵六（"), "{f}");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{}", r.no), Some(&r.officer))
        .await;
    assert_eq!(v["feedback"][0]["note"], body["note"], "{v}");
    assert!(v["site_records"].as_array().unwrap().is_empty());
    assert!(
        audit_actions(&app, &r.no)
            .await
            .contains(&"feedback_recorded".to_owned())
    );
    assert!(events(&app, &r.no).await.contains(&"feedback".to_owned()));
}

/// rules.md §10: each role's statistics in its scope; asked outside it, the 403 says what the scope is.
async fn statistics_outside_the_scope_say_which_scope(b: Backend) {
    let app = spawn(b).await;
    let community = app
        .account(NewAccount {
            login: String::new(),
            name: "钱七".into(),
            role: "community".into(),
            street: Some("bantian".into()),
            community: Some("岗头社区".into()),
            ..Default::default()
        })
        .await;
    let (st, own) = app
        .get("/api/v1/statistics?street=bantian", Some(&community))
        .await;
    assert_eq!(st, 200, "{own}");
    let (st, p) = app
        .get("/api/v1/statistics?street=pinghu", Some(&community))
        .await;
    assert_eq!(st, 403, "{p}");
    let zh = p["detail_zh"].as_str().or(p["title_zh"].as_str()).unwrap();
    let en = p["detail"].as_str().or(p["title"].as_str()).unwrap();
    assert!(zh.contains("坂田街道") && zh.contains("岗头社区"), "{p}");
    assert!(en.contains("Bantian") && en.contains("岗头社区"), "{p}");
}

/// rules.md §11 "events that reach officers": an account sets where its notifications are e-mailed
/// (itself, or an admin for it; `anbei account email` on the server), checked like the applicant's.
async fn an_account_sets_where_its_notifications_go(b: Backend) {
    let app = spawn(b).await;
    let account = |login: &str, role: &str| NewAccount {
        login: login.into(),
        name: "孙九".into(),
        role: role.into(),
        street: Some(if role == "admin" { "*" } else { "bantian" }.into()),
        ..Default::default()
    };
    let officer = app.account(account("officer.sun", "officer")).await;
    let other = app.account(account("officer.li", "officer")).await;
    let admin = app.account(account("admin.zhou", "admin")).await;
    let path = "/api/v1/accounts/officer.sun/email";
    let (st, p) = app
        .post(path, Some(&officer), &json!({ "email": "not an address" }))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "email");
    assert_eq!(p["errors"][0]["rule"], "email");
    let (st, v) = app
        .post(
            path,
            Some(&officer),
            &json!({ "email": "Sun@Bantian.EXAMPLE.gov.cn" }),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["email"], "Sun@bantian.example.gov.cn");
    // Another officer may not; an admin may.
    let (st, _) = app
        .post(path, Some(&other), &json!({ "email": "x@example.com" }))
        .await;
    assert_eq!(st, 403);
    let (st, v) = app
        .post(path, Some(&admin), &json!({ "email": "sun@example.com" }))
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, list) = app.get("/api/v1/accounts", Some(&admin)).await;
    let sun = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["login"] == "officer.sun")
        .unwrap()
        .clone();
    assert_eq!(sun["email"], "sun@example.com");
    // The CLI clears it.
    let a = anbei_api::accounts::cli::set_email(&app.state, "officer.sun", "")
        .await
        .unwrap();
    assert_eq!(a.email, None);
    assert_eq!(
        audit_actions(&app, "officer.sun")
            .await
            .iter()
            .filter(|a| *a == "account_email_set")
            .count(),
        3
    );
}
