//! Inspections, findings, rectification and referral (issue 14, rules.md §9, §10) on both backends:
//! scheduling in the transaction that makes an inspection due, recording with photos, the
//! rectification loop on the injected clock, escalation, referral with its late flag, and the roles.
//! 2026-11-23 (the fixed "today") is a Monday: 3 working days later is Thursday 2026-11-26.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::accounts::NewAccount;
use common::*;
use serde_json::{Value, json};

both_backends!(
    a_high_risk_registration_taking_effect_schedules_its_site_inspection,
    an_inspection_is_recorded_with_photos_and_its_finding_rectified,
    a_major_hazard_escalates_and_findings_are_referred,
    roles_record_and_decide_only_within_rules_10,
    a_management_change_that_fails_writes_nothing,
    a_major_hazard_on_an_odd_job_is_referred_the_same_day,
    a_declared_completion_is_closed_by_the_completion_check,
    the_contractor_code_answers_and_declares_but_never_extends,
    property_watches_fall_due_each_working_day_in_the_areas
);

/// A registration in force: `(filing_no, access token)`. High-risk work is accepted by `officer`.
async fn registered(app: &TestApp, key: &str, facts: Value, officer: &str) -> (String, String) {
    let v = app.file_complete(key, facts).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    if v["status"] == "filed" {
        let (st, a) = app
            .post(
                &format!("/api/v1/registrations/{no}/acceptance"),
                Some(officer),
                &json!({}),
            )
            .await;
        assert_eq!(st, 200, "{a}");
    }
    (no, token)
}

async fn inspections(app: &TestApp, no: &str, token: &str) -> Vec<Value> {
    let (st, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(token))
        .await;
    assert_eq!(st, 200, "{v}");
    v["inspections"].as_array().unwrap().clone()
}

/// A §9 code's title as `core/data/codes.json` words it (read here, apart from the service).
fn title(code: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/data/codes.json");
    let codes: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let t = codes["manage_codes"][code]["title"].clone();
    assert!(t["zh"].is_string() && t["en"].is_string(), "{code}: {t}");
    t
}

/// Every checklist item of `inspection` answered `ok`.
fn all_ok(inspection: &Value) -> Vec<Value> {
    inspection["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "code": i["code"], "answer": "ok" }))
        .collect()
}

/// 依据：第三十二条第（一）项 (the street inspects a high-risk site within 3 working days of
/// registration) and 第三十三条 (the completion check after 注销).
async fn a_high_risk_registration_taking_effect_schedules_its_site_inspection(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    // Filed: nothing is due yet.
    let v = app.file_complete("ins-hr", high_risk_facts()).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    assert_eq!(v["status"], "filed");
    assert!(inspections(&app, &no, &token).await.is_empty());
    // The officer's acceptance makes it due, in the same transaction.
    let (st, a) = app
        .post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{a}");
    let list = inspections(&app, &no, &token).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let i = &list[0];
    assert_eq!(i["kind"], "INSPECTION_HIGH_RISK");
    assert_eq!(i["due"], "2026-11-26");
    assert_eq!(i["status"], "due");
    assert_eq!(i["overdue"], false);
    let codes: Vec<&str> = i["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"IC_SAFETY_MANAGERS"), "{codes:?}");
    assert!(
        i["checklist"][0]["article"]
            .as_str()
            .unwrap()
            .starts_with('第')
    );
    assert!(i["checklist"][0]["text"]["zh"].is_string());
    // Fast-accepted ordinary work is not high risk: nothing due.
    let (plain, plain_token) = registered(&app, "ins-plain", ordinary_facts(), &officer).await;
    assert!(inspections(&app, &plain, &plain_token).await.is_empty());
    // The street's list, by the injected clock: due, then overdue the day after its due date.
    let (st, l) = app
        .get("/api/v1/inspections?status=due", Some(&officer))
        .await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(l["items"].as_array().unwrap().len(), 1, "{l}");
    assert_eq!(l["items"][0]["filing_no"], no.as_str());
    let (_, l) = app
        .get("/api/v1/inspections?status=overdue", Some(&officer))
        .await;
    assert!(l["items"].as_array().unwrap().is_empty(), "{l}");
    app.set_today("2026-11-26");
    let (_, l) = app
        .get("/api/v1/inspections?status=overdue", Some(&officer))
        .await;
    assert!(
        l["items"].as_array().unwrap().is_empty(),
        "due today is not overdue: {l}"
    );
    app.set_today("2026-11-27");
    let (_, l) = app
        .get(
            "/api/v1/inspections?status=overdue&due_before=2026-11-30",
            Some(&officer),
        )
        .await;
    assert_eq!(l["items"].as_array().unwrap().len(), 1, "{l}");
    assert_eq!(l["items"][0]["overdue"], true);
    // …and heads the officer's queue (rules.md §9.1).
    let (st, q) = app.get("/api/v1/queue", Some(&officer)).await;
    assert_eq!(st, 200, "{q}");
    assert_eq!(q["inspections_overdue"][0]["filing_no"], no.as_str(), "{q}");
    let (st, p) = app
        .get("/api/v1/inspections?status=late", Some(&officer))
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["status"]);
    // An officer of another street reads none of Bantian's.
    let pinghu = app.officer("pinghu", "officer").await;
    let (_, l) = app.get("/api/v1/inspections", Some(&pinghu)).await;
    assert!(l["items"].as_array().unwrap().is_empty(), "{l}");
    let (st, _) = app
        .get("/api/v1/inspections?street=bantian", Some(&pinghu))
        .await;
    assert_eq!(st, 403);
    // 注销 schedules the completion check, due 3 working days after the declaration.
    let record = app.upload_pdf("waste").await;
    let (st, c) = app
        .post(
            &format!("/api/v1/registrations/{plain}/cancellation"),
            Some(&plain_token),
            &json!({ "completion_date": "2026-11-27", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 200, "{c}");
    let list = inspections(&app, &plain, &plain_token).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["kind"], "INSPECTION_COMPLETION");
    assert_eq!(list[0]["due"], "2026-12-02");
    let codes: Vec<&str> = list[0]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"IC_WORK_COMPLETED"), "{codes:?}");
}

/// 依据：第三十四条 (inspections recorded, rectification verified), 第三十条第（二）项 (rectification of
/// unsafe practice by a date), 第十三条第（一）项 (the site's photos).
async fn an_inspection_is_recorded_with_photos_and_its_finding_rectified(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let (no, token) = registered(&app, "ins-rec", high_risk_facts(), &officer).await;
    let due = inspections(&app, &no, &token).await.remove(0);
    let photo = upload_png(&app, "site").await;
    let pdf = app.upload_pdf("not-a-photo").await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    // Everything wrong at once: 422 naming every field, nothing stored.
    let mut items = all_ok(&due);
    let first = items[0]["code"].clone();
    items.pop();
    items[0] = json!({ "code": first, "answer": "finding", "photos": [pdf] });
    items.push(json!({ "code": "IC_NOT_AN_ITEM", "answer": "maybe" }));
    let (st, p) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "inspected_at": "2026-11-30", "items": items,
                     "findings": [{ "code": "F_NOPE", "note": "x" }, { "code": "F_UNSAFE_PRACTICE", "note": "", "rectify_by": "2026-11-01" }] }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let f = fields(&p);
    for want in [
        "inspected_at",
        "items.0.note",
        "items.0.photos.0",
        "items.0.answer",
        "items",
        "findings.0.code",
        "findings.1.note",
        "findings.1.rectify_by",
    ] {
        assert!(f.iter().any(|x| x == want), "{want} not in {f:?}");
    }
    assert!(
        f.iter()
            .any(|x| x.ends_with(".code") && x.starts_with("items.")),
        "{f:?}"
    );
    assert!(p["errors"][0]["message"]["zh"].is_string(), "{p}");
    assert_eq!(inspections(&app, &no, &token).await[0]["status"], "due");
    // Recorded: the scheduled inspection is done, the finding open until the default date.
    let mut items = all_ok(&due);
    items[0] =
        json!({ "code": first, "answer": "finding", "note": "未系安全带", "photos": [photo] });
    let (st, r) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": items,
                     "findings": [{ "code": "F_UNSAFE_PRACTICE", "item": first, "note": "高处作业未系安全带" },
                                  { "code": "F_UNCERTIFIED_PERSONNEL", "note": "电焊工无证", "rectify_by": "2026-11-24" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["inspection"]["id"], due["id"]);
    assert_eq!(r["inspection"]["status"], "done");
    assert!(
        r["inspection"]["inspector"]
            .as_str()
            .unwrap()
            .contains("（"),
        "{r}"
    );
    assert_eq!(r["inspection"]["answers"][0]["photos"][0], photo.as_str());
    let findings = r["inspection"]["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["rectify_by"], "2026-11-26");
    assert_eq!(findings[0]["status"], "open");
    assert!(r["revocation_suggested"].is_null());
    let fid = findings[0]["id"].as_str().unwrap().to_owned();
    let other = findings[1]["id"].as_str().unwrap().to_owned();
    // The registration and the public verify page say so, without personal data.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(v["management"], "under_rectification");
    let receipt = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let (_, pv) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{receipt}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(pv["management"], "under_rectification", "{pv}");
    // the inspector's scan page (issue 15) says it too, without the finding's text
    let (_, scan) = app
        .page(&app.with_code(&format!("/v/{receipt}")).await)
        .await;
    assert!(
        scan.contains("data-management=\"under_rectification\"") && scan.contains("整改中"),
        "{scan}"
    );
    assert!(!scan.contains("未系安全带"));
    assert!(
        !pv.to_string().contains("未系安全带"),
        "no finding notes in public: {pv}"
    );
    // The applicant sees it, without the inspector's name.
    let seen = inspections(&app, &no, &token).await;
    assert!(seen[0].get("inspector").is_none(), "{:?}", seen[0]);
    assert_eq!(seen[0]["findings"][0]["id"], fid.as_str());
    // …in words: what was found (the code's title, both languages, so the widget carries no §9
    // tables), and whether the work is stopped (§9.3: unsafe practice at once, 第三十条第（二）项; the
    // uncertified person stops that work, 第三十条第（一）项).
    assert_eq!(seen[0]["findings"][0]["title"], title("F_UNSAFE_PRACTICE"));
    assert_eq!(seen[0]["findings"][0]["stop_work"], "at_once");
    assert_eq!(
        seen[0]["findings"][1]["title"],
        title("F_UNCERTIFIED_PERSONNEL")
    );
    assert_eq!(seen[0]["findings"][1]["stop_work"], "uncertified_work");
    // Audit and notifications, written with it.
    let audit = app
        .sql(&format!(
            "SELECT action FROM audit WHERE target = '{no}' ORDER BY seq"
        ))
        .await;
    assert!(
        audit.contains(&"inspection_recorded".to_owned()),
        "{audit:?}"
    );
    assert_eq!(audit.iter().filter(|a| *a == "finding_recorded").count(), 2);
    let events = app
        .sql(&format!(
            "SELECT type FROM outbox WHERE filing_no = '{no}' AND type = 'finding'"
        ))
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    // The rectification loop: answer, reject (with a reason), answer again, accept.
    let fpath = format!("/api/v1/registrations/{no}/findings/{fid}");
    let (st, x) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(&token),
            &json!({ "note": "", "photos": [pdf] }),
        )
        .await;
    assert_eq!(st, 422, "{x}");
    assert_eq!(fields(&x), vec!["note", "photos.0"]);
    // the note's limit is the one the widget counts against
    let long = "整".repeat(anbei_filing::RECTIFICATION_NOTE_MAX + 1);
    let (st, x) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(&token),
            &json!({ "note": long, "photos": [photo] }),
        )
        .await;
    assert_eq!(st, 422, "{x}");
    assert_eq!(x["errors"][0]["field"], "note");
    assert_eq!(x["errors"][0]["rule"], "length");
    let (st, x) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(&token),
            &json!({ "note": "已配发安全带", "photos": [photo] }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    assert_eq!(x["status"], "rectified");
    let (st, _) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(&token),
            &json!({ "note": "again" }),
        )
        .await;
    assert_eq!(st, 409, "one answer awaits a decision");
    let (st, x) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&patrol),
            &json!({ "accept": false }),
        )
        .await;
    assert_eq!(st, 422, "{x}");
    assert_eq!(fields(&x), vec!["reason"]);
    let (st, x) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&patrol),
            &json!({ "accept": false, "reason": "照片看不清" }),
        )
        .await;
    assert_eq!(st, 200, "{x}");
    assert_eq!(x["status"], "open");
    assert_eq!(x["rectifications"][0]["decision"], "rejected");
    app.post(
        &format!("{fpath}/rectification"),
        Some(&token),
        &json!({ "note": "重新拍照", "photos": [photo] }),
    )
    .await;
    let (st, x) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&officer),
            &json!({ "accept": true }),
        )
        .await;
    assert_eq!(st, 200, "{x}");
    assert_eq!(x["status"], "closed");
    let (st, _) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&officer),
            &json!({ "accept": true }),
        )
        .await;
    assert_eq!(st, 409);
    let decided = app
        .sql(&format!("SELECT type FROM outbox WHERE filing_no = '{no}' AND type LIKE 'rectification%' ORDER BY occurred_at"))
        .await;
    // The applicant hears each decision; the street's officers hear each answer (rules.md §11).
    let count = |k: &str| decided.iter().filter(|d| *d == k).count();
    assert_eq!(
        (
            count("rectification_rejected") + count("rectification_accepted"),
            count("rectification_answered")
        ),
        (2, 2),
        "{decided:?}"
    );
    // The other finding, past its date by the injected clock: overdue.
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    let find = |v: &Value| {
        v["inspections"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == other.as_str())
            .unwrap()
            .clone()
    };
    assert_eq!(find(&v)["overdue"], false);
    app.set_today("2026-11-25");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(find(&v)["overdue"], true);
    // A finding of another registration is not found through this one.
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{no}/findings/fnd_0/rectification"),
            Some(&token),
            &json!({ "note": "x" }),
        )
        .await;
    assert_eq!(st, 404);
}

/// 依据：第三十条第（七）项 (a major hazard: escalation to high-risk management), 第三十六条 (referral),
/// 第三十条第（六）项 and 第二十五条 (permit evasion: referral at once; a ground to revoke).
async fn a_major_hazard_escalates_and_findings_are_referred(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let community = app
        .account(NewAccount {
            name: "社区".into(),
            role: "community".into(),
            street: Some("bantian".into()),
            community: Some("岗头社区".into()),
            ..NewAccount::default()
        })
        .await;
    let (no, token) = registered(&app, "ins-esc", ordinary_facts(), &officer).await;
    let path = format!("/api/v1/registrations/{no}");
    let (st, _) = app
        .post(&format!("{path}/escalation"), Some(&officer), &json!({}))
        .await;
    assert_eq!(st, 409, "nothing to escalate yet");
    // A patrol without a scheduled one: its checklist is generated now.
    let (_, v) = app.get(&path, Some(&token)).await;
    assert!(v["inspections"].as_array().unwrap().is_empty());
    let items: Vec<Value> = {
        // Recording nothing: 422 names every item of the patrol's checklist still unanswered.
        let (st, p) = app
            .post(
                &format!("{path}/inspections"),
                Some(&patrol),
                &json!({ "kind": "INSPECTION_PATROL" }),
            )
            .await;
        assert_eq!(st, 422, "{p}");
        unanswered_items(&p)
            .iter()
            .map(|code| json!({ "code": code, "answer": "ok" }))
            .collect()
    };
    assert!(!items.is_empty());
    let (st, r) = app
        .post(
            &format!("{path}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": items,
                     "findings": [{ "code": "F_MAJOR_HAZARD", "note": "脚手架严重变形" },
                                  { "code": "F_PERMIT_EVASION", "note": "拆分工程规避施工许可" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["escalation_pending"], true);
    // a major hazard on engineering work is escalated, not stopped (第三十条第（七）项); evading the
    // permit is stopped (第三十条第（六）项)
    assert_eq!(r["inspection"]["findings"][0]["stop_work"], "no");
    assert_eq!(r["inspection"]["findings"][1]["stop_work"], "at_once");
    assert_eq!(r["revocation_suggested"]["ground"], "permit_evasion");
    let due: Vec<&Value> = r["referrals_due"].as_array().unwrap().iter().collect();
    let evasion = r["inspection"]["findings"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = due
        .iter()
        .find(|d| d["finding_id"] == evasion.as_str())
        .unwrap();
    assert_eq!(d["same_day"], true);
    assert_eq!(d["suggested"]["code"], "REF_STREET_ENFORCEMENT");
    // Only the street office confirms the escalation.
    let (st, _) = app
        .post(&format!("{path}/escalation"), Some(&community), &json!({}))
        .await;
    assert_eq!(st, 403);
    app.set_today("2026-11-24");
    let (st, e) = app
        .post(&format!("{path}/escalation"), Some(&officer), &json!({}))
        .await;
    assert_eq!(st, 200, "{e}");
    assert_eq!(e["due"], "2026-11-27");
    let (_, v) = app.get(&path, Some(&officer)).await;
    let high = v["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "INSPECTION_HIGH_RISK")
        .unwrap()
        .clone();
    assert_eq!(high["status"], "due");
    let codes = high["checklist"].to_string();
    assert!(
        codes.contains("IC_SAFETY_MANAGERS"),
        "escalated: the high-risk items apply"
    );
    assert_eq!(
        v["inspections"][0]["findings"][0]["escalation"],
        "confirmed"
    );
    let told = app
        .sql(&format!(
            "SELECT type FROM outbox WHERE filing_no = '{no}' AND type = 'escalated'"
        ))
        .await;
    assert_eq!(told.len(), 1);
    // Referral: the community may not; the officer's, a day after the finding, is late (第三十条 "当日").
    let fpath = format!("{path}/findings/{evasion}/referral");
    let (st, _) = app
        .post(&fpath, Some(&community), &json!({ "reason": "x" }))
        .await;
    assert_eq!(st, 403);
    let (st, p) = app
        .post(
            &fpath,
            Some(&officer),
            &json!({ "target": "REF_MOON", "reason": "" }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["target", "reason"]);
    let (st, x) = app
        .post(
            &fpath,
            Some(&officer),
            &json!({ "reason": "涉嫌规避施工许可" }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    assert_eq!(x["status"], "referred");
    assert_eq!(x["referrals"][0]["target"], "REF_STREET_ENFORCEMENT");
    assert_eq!(x["referrals"][0]["title"], title("REF_STREET_ENFORCEMENT"));
    assert_eq!(x["referrals"][0]["late"], true);
    assert_eq!(x["referrals"][0]["referred_on"], "2026-11-24");
    let (_, v) = app.get(&path, Some(&token)).await;
    assert_eq!(v["management"], "referred");
    let (st, _) = app
        .post(&fpath, Some(&officer), &json!({ "reason": "again" }))
        .await;
    assert_eq!(st, 409);
    let audit = app
        .sql(&format!(
            "SELECT action FROM audit WHERE target = '{no}' ORDER BY seq"
        ))
        .await;
    for a in ["escalation_confirmed", "referred"] {
        assert!(audit.contains(&a.to_owned()), "{a}: {audit:?}");
    }
}

/// 依据：第二十一条第（四）项 (acceptance of high-risk work stays with the street), 第二十九条
/// (patrols record), 第三十一条 (departments read and give feedback, they do not inspect), 第三十条第（三）项
/// (work without registration, recorded against its address), rules.md §10.
async fn roles_record_and_decide_only_within_rules_10(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let elsewhere = app
        .account(NewAccount {
            name: "别的社区".into(),
            role: "community".into(),
            street: Some("bantian".into()),
            community: Some("五和社区".into()),
            ..NewAccount::default()
        })
        .await;
    // A patrol account cannot accept filings.
    let filed = app
        .file_complete("ins-roles-filed", high_risk_facts())
        .await;
    let filed_no = filed["filing_no"].as_str().unwrap();
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{filed_no}/acceptance"),
            Some(&patrol),
            &json!({}),
        )
        .await;
    assert_eq!(st, 403);
    // Inspections only of work under management.
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{filed_no}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    assert_eq!(st, 409);
    let (no, token) = registered(&app, "ins-roles", ordinary_facts(), &officer).await;
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    let department = v["assessment"]["departments"]["primary"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let viewer = app
        .account(NewAccount {
            name: "部门".into(),
            role: "viewer".into(),
            department: Some(department),
            ..NewAccount::default()
        })
        .await;
    let property = app
        .account(NewAccount {
            name: "物业".into(),
            role: "property".into(),
            street: Some("bantian".into()),
            areas: Some(vec!["某某花园".into()]),
            ..NewAccount::default()
        })
        .await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    let body = json!({ "kind": "INSPECTION_PATROL" });
    // A viewer reads the registration but never records an inspection.
    let (st, _) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&viewer))
        .await;
    assert_eq!(st, 200);
    let (st, p) = app.post(&path, Some(&viewer), &body).await;
    assert_eq!(st, 403, "{p}");
    assert!(
        p["detail_zh"].as_str().unwrap_or_default().contains("检查")
            || p.to_string().contains("检查"),
        "{p}"
    );
    // A community account outside the work's community: 403, as the other routes answer.
    let (st, _) = app.post(&path, Some(&elsewhere), &body).await;
    assert_eq!(st, 403);
    // A property company outside its areas: 403.
    let (st, _) = app.post(&path, Some(&property), &body).await;
    assert_eq!(st, 403);
    // In its areas a property company records its watch (第二十三条第（三）项), and nothing else.
    let mut facts = ordinary_facts();
    facts["property_managed"] = json!(true);
    let mut body = app.filing(facts).await;
    body["site"]["property_area"] = json!("某某花园");
    let (st, w) = app.file("ins-roles-watch", &body).await;
    assert_eq!(st, 201, "{w}");
    let watched = w["filing_no"].as_str().unwrap();
    let wpath = format!("/api/v1/registrations/{watched}/inspections");
    let (st, p) = app
        .post(
            &wpath,
            Some(&property),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    assert_eq!(st, 403, "{p}");
    let (st, p) = app
        .post(
            &wpath,
            Some(&property),
            &json!({ "kind": "INSPECTION_PROPERTY_WATCH" }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    assert!(
        items.iter().any(|i| i["code"] == "IC_PROPERTY_WATCH"),
        "{items:?}"
    );
    let (st, r) = app
        .post(
            &wpath,
            Some(&property),
            &json!({ "kind": "INSPECTION_PROPERTY_WATCH", "items": items }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["inspection"]["kind"], "INSPECTION_PROPERTY_WATCH");
    let (_, l) = app
        .get("/api/v1/inspections?status=done", Some(&property))
        .await;
    assert_eq!(
        l["items"].as_array().unwrap().len(),
        1,
        "its areas only: {l}"
    );
    // A viewer lists only its department's works' inspections; the patrol its street's.
    let (st, l) = app.get("/api/v1/inspections", Some(&viewer)).await;
    assert_eq!(st, 200, "{l}");
    let (st, _) = app.get("/api/v1/inspections", Some(&patrol)).await;
    assert_eq!(st, 200);
    // Work without registration (第三十条第（三）项): recorded against its address.
    let found = json!({ "street": "bantian", "address": "坂田街道某路 8 号", "note": "正在拆除隔墙",
                        "findings": [{ "code": "F_UNREGISTERED", "note": "未登记施工" }] });
    let (st, p) = app
        .post(
            "/api/v1/inspections",
            Some(&patrol),
            &json!({ "street": "bantian", "address": " " }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["address"]);
    let (st, _) = app.post("/api/v1/inspections", Some(&viewer), &found).await;
    assert_eq!(st, 403);
    let pinghu = app.officer("pinghu", "officer").await;
    let (st, _) = app.post("/api/v1/inspections", Some(&pinghu), &found).await;
    assert_eq!(st, 403);
    let (st, u) = app.post("/api/v1/inspections", Some(&patrol), &found).await;
    assert_eq!(st, 201, "{u}");
    assert_eq!(u["inspection"]["kind"], "INSPECTION_UNREGISTERED");
    assert!(u["inspection"]["filing_no"].is_null());
    assert_eq!(u["findings"][0]["rectify_by"], "2026-11-26");
    let (_, l) = app
        .get("/api/v1/inspections?status=done", Some(&officer))
        .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["address"] == "坂田街道某路 8 号"),
        "{l}"
    );
    let (_, l) = app
        .get("/api/v1/inspections?status=done", Some(&viewer))
        .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["filing_no"].is_string()),
        "work without registration concerns no department: {l}"
    );
    // Without credentials: 401.
    let (st, _) = app.get("/api/v1/inspections", None).await;
    assert_eq!(st, 401);
    let (st, _) = app.post(&path, None, &body).await;
    assert_eq!(st, 401);
}

/// 依据：第三十四条 ("如实记录") and rules.md §11: an inspection, its audit entry and its notification
/// commit together or not at all — an op whose row moved on (here: completing an inspection that is no
/// longer due) rolls back the ops before it, the audit entry and the outbox row.
async fn a_management_change_that_fails_writes_nothing(b: Backend) {
    use anbei_api::store::{AuditDraft, InspectionRow, ManageOp, OutboxDraft, Status, StoreError};
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let (no, _) = registered(&app, "ins-atomic", ordinary_facts(), &officer).await;
    let row = |id: &str, status: &str| InspectionRow {
        id: id.into(),
        filing_no: Some(no.clone()),
        street: "bantian".into(),
        community: "岗头社区".into(),
        area: String::new(),
        departments: String::new(),
        address: None,
        kind: "INSPECTION_PATROL".into(),
        due: None,
        status: status.into(),
        created_at: "2026-11-23T10:00:00+08:00".into(),
        inspected_at: None,
        done_at: None,
        inspector_login: None,
        inspector_name: None,
        answers: None,
        finding_id: None,
    };
    let audit = AuditDraft {
        at: "2026-11-23T10:00:00+08:00".into(),
        account: "x".into(),
        name: "x".into(),
        role: "officer".into(),
        action: "atomic_probe".into(),
        target: no.clone(),
        client: "127.0.0.1".into(),
        outcome: "ok".into(),
        detail: None,
    };
    let event = OutboxDraft {
        id: "evt_atomic_probe".into(),
        kind: "finding".into(),
        occurred_at: "2026-11-23T10:00:00+08:00".into(),
        street: "bantian".into(),
        status: Status::Registered,
        lang: "zh-CN".into(),
        payload: "{}".into(),
        deliver_after_ms: 0,
    };
    let r = app
        .state
        .store
        .manage_write(
            vec![
                ManageOp::AddInspection(row("ins_atomic_1", "done")),
                ManageOp::CompleteInspection(row("ins_not_due", "done")),
            ],
            vec![audit.clone()],
            vec![(no.clone(), event.clone())],
        )
        .await;
    assert!(matches!(r, Err(StoreError::Conflict)), "{r:?}");
    let count = |t: &'static str, w: String| {
        let app = &app;
        async move {
            app.sql(&format!("SELECT COUNT(*) FROM {t} WHERE {w}"))
                .await[0]
                .clone()
        }
    };
    assert_eq!(
        count("inspections", format!("filing_no = '{no}'")).await,
        "0"
    );
    assert_eq!(count("audit", "action = 'atomic_probe'".into()).await, "0");
    assert_eq!(count("outbox", "id = 'evt_atomic_probe'".into()).await, "0");
    // The same write without the failing op commits all three.
    app.state
        .store
        .manage_write(
            vec![ManageOp::AddInspection(row("ins_atomic_1", "done"))],
            vec![audit],
            vec![(no.clone(), event)],
        )
        .await
        .unwrap();
    assert_eq!(
        count("inspections", format!("filing_no = '{no}'")).await,
        "1"
    );
    assert_eq!(count("audit", "action = 'atomic_probe'".into()).await, "1");
    assert_eq!(count("outbox", "id = 'evt_atomic_probe'".into()).await, "1");
}

/// 依据：第三十条第（四）项 and §9.3: `F_MAJOR_HAZARD` escalates engineering work only; on an odd job the
/// work is stopped and referred the same day (第三十六条第（二）项: the body with the industry safety duty),
/// and a referral made that day is not late.
async fn a_major_hazard_on_an_odd_job_is_referred_the_same_day(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let odd = anbei_filing::fixtures::facts("odd_job").unwrap();
    let (no, _) = registered(&app, "ins-odd", odd, &officer).await;
    let path = format!("/api/v1/registrations/{no}");
    let (_, p) = app
        .post(
            &format!("{path}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    let (st, r) = app
        .post(
            &format!("{path}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": items,
                     "findings": [{ "code": "F_MAJOR_HAZARD", "note": "临时用电严重隐患" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["escalation_pending"], false);
    assert!(r["inspection"]["findings"][0]["escalation"].is_null());
    // …and is stopped (§9.3): the same code, another kind of work
    let (_, v) = app.get(&path, Some(&officer)).await;
    assert_eq!(v["inspections"][0]["findings"][0]["stop_work"], "at_once");
    assert_eq!(r["referrals_due"][0]["same_day"], true, "{r}");
    assert_eq!(
        r["referrals_due"][0]["suggested"]["code"],
        "REF_INDUSTRY_SAFETY"
    );
    let (st, _) = app
        .post(&format!("{path}/escalation"), Some(&officer), &json!({}))
        .await;
    assert_eq!(st, 409, "odd jobs are not escalated");
    let fid = r["inspection"]["findings"][0]["id"].as_str().unwrap();
    let (st, x) = app
        .post(
            &format!("{path}/findings/{fid}/referral"),
            Some(&officer),
            &json!({ "reason": "当日移交" }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    assert_eq!(x["referrals"][0]["target"], "REF_INDUSTRY_SAFETY");
    assert_eq!(x["referrals"][0]["late"], false);
}

/// The completion check's answers: `IC_WORK_COMPLETED` as `work`, every other item ok.
fn completion_items(inspection: &Value, work: &str) -> Vec<Value> {
    inspection["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            if i["code"] == "IC_WORK_COMPLETED" && work != "ok" {
                json!({ "code": i["code"], "answer": work, "note": "脚手架未拆除" })
            } else {
                json!({ "code": i["code"], "answer": "ok" })
            }
        })
        .collect()
}

/// `action:role` of the audit rows about `no`, in order.
async fn audit_of(app: &TestApp, no: &str) -> Vec<String> {
    app.sql(&format!(
        "SELECT action || ':' || role FROM audit WHERE target = '{no}' ORDER BY seq"
    ))
    .await
}

/// 依据：第三十三条 ("完工后3个工作日内及时申报注销" and "现场核实确认，实现闭环管理"), rules.md §7 v3: 注销申报
/// leaves the registration `completion_declared` (the receipt no longer valid for new work); a
/// completion check with a finding keeps it there with the finding open and the next check due; once
/// rectified, a completion check with `IC_WORK_COMPLETED` ok closes it (`cancelled`), with the history
/// event, the audit entry and the applicant's `cancelled` notification.
async fn a_declared_completion_is_closed_by_the_completion_check(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let (no, token) = registered(&app, "ins-close", ordinary_facts(), &officer).await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    // Not declared yet: a completion check cannot close what is in force.
    let record = app.upload_pdf("waste-close").await;
    let (st, c) = app
        .post(
            &format!("/api/v1/registrations/{no}/cancellation"),
            Some(&token),
            &json!({ "completion_date": "2026-11-23", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["status"], "completion_declared");
    let last = c["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "completion_declared");
    assert_eq!(last["actor"], "applicant");
    // Declared again: 409, the registration is no longer in force.
    let (st, _) = app
        .post(
            &format!("/api/v1/registrations/{no}/cancellation"),
            Some(&token),
            &json!({ "completion_date": "2026-11-23", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 409);
    // The receipt verifies as not valid, saying completion was declared; the scan page says it in words.
    let receipt_no = c["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let (st, ver) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{receipt_no}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(st, 200, "{ver}");
    assert_eq!(ver["status"], "completion_declared");
    assert_eq!(ver["valid"], false);
    let scan = app
        .http
        .get(app.url(&app.with_code(&format!("/v/{receipt_no}")).await))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(scan.contains("已申报完工"), "{scan}");
    assert!(scan.contains("Completion declared"), "{scan}");
    // Past its valid_until a declared completion does not turn into `expired`: it awaits the check.
    app.set_today("2027-06-30");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(v["status"], "completion_declared", "{v}");
    app.set_today("2026-11-23");
    let list = inspections(&app, &no, &token).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["kind"], "INSPECTION_COMPLETION");
    assert_eq!(list[0]["due"], "2026-11-26");
    // The first check finds the scaffold still standing: a finding, the registration stays declared.
    let mut items = completion_items(&list[0], "finding");
    items.iter_mut().for_each(|i| {
        if i["answer"] == "finding" {
            i["note"] = json!("脚手架未拆除");
        }
    });
    let (st, r) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_COMPLETION", "items": items,
                     "findings": [{ "code": "F_UNSAFE_PRACTICE", "item": "IC_WORK_COMPLETED",
                                    "note": "脚手架未拆除", "rectify_by": "2026-11-25" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let fid = r["inspection"]["findings"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(v["status"], "completion_declared", "{v}");
    assert_eq!(v["management"], "under_rectification");
    let next: Vec<&Value> = v["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "due")
        .collect();
    assert_eq!(next.len(), 1, "the re-check is due: {v}");
    assert_eq!(next[0]["kind"], "INSPECTION_COMPLETION");
    assert_eq!(next[0]["due"], "2026-11-25", "on the finding's rectify_by");
    // A check with IC_WORK_COMPLETED ok while the finding is still open does not close it either.
    let recheck = next[0].clone();
    let (st, r) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_COMPLETION", "items": completion_items(&recheck, "ok") }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(
        v["status"], "completion_declared",
        "finding still open: {v}"
    );
    // Rectified (the applicant answers, the street accepts), then the check closes the loop.
    let fpath = format!("/api/v1/registrations/{no}/findings/{fid}");
    let (st, x) = app
        .post(
            &format!("{fpath}/rectification"),
            Some(&token),
            &json!({ "note": "脚手架已拆除" }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    let (st, x) = app
        .post(
            &format!("{fpath}/decision"),
            Some(&officer),
            &json!({ "accept": true }),
        )
        .await;
    assert_eq!(st, 200, "{x}");
    app.set_today("2026-11-25");
    let (st, r) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_COMPLETION", "items": completion_items(&recheck, "ok") }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    assert_eq!(v["status"], "cancelled", "{v}");
    let last = v["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "cancelled");
    assert_eq!(last["actor"], "patrol");
    assert_eq!(last["data"]["completion_date"], "2026-11-23");
    assert!(
        last.get("actor_name").is_none(),
        "the applicant sees no names"
    );
    let (_, ver) = app
        .get(
            &app.with_code(&format!("/api/v1/receipts/{receipt_no}/verify"))
                .await,
            None,
        )
        .await;
    assert_eq!(ver["status"], "cancelled");
    // Audit and notifications, in the transactions that made them.
    let audit = audit_of(&app, &no).await;
    assert!(
        audit.contains(&"completion_declared:applicant".to_owned()),
        "{audit:?}"
    );
    assert!(audit.contains(&"cancelled:patrol".to_owned()), "{audit:?}");
    let events = app
        .sql(&format!(
            "SELECT type || ':' || status FROM outbox WHERE filing_no = '{no}' ORDER BY seq"
        ))
        .await;
    assert!(
        events.contains(&"completion_declared:completion_declared".to_owned()),
        "{events:?}"
    );
    assert!(
        events.contains(&"cancelled:cancelled".to_owned()),
        "{events:?}"
    );
    // Closed: nothing more to declare, and an officer cannot close it again.
    let (st, _) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": [] }),
        )
        .await;
    assert_eq!(st, 409);
}

/// rules.md §10 (*product policy*): the contractor named in the filing has its own access code — it
/// answers findings (第三十四条) and declares completion (第三十三条), reads the registration with ID
/// numbers and mobiles masked, cannot extend (第二十五条: the applicant's); every use is audited as
/// `contractor`. Neither code works as the other.
async fn the_contractor_code_answers_and_declares_but_never_extends(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let v = app.file_complete("ins-contractor", ordinary_facts()).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    let code = v["contractor_access_token"].as_str().unwrap().to_owned();
    assert!(code.starts_with("anb_c_"), "{code}");
    assert_ne!(code, token);
    // Shown again on a replay of the same filing (derived, never stored).
    let again = app.file_complete("ins-contractor", ordinary_facts()).await;
    assert_eq!(again["contractor_access_token"], code.as_str());
    // It reads the registration, masked.
    let (st, seen) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&code))
        .await;
    assert_eq!(st, 200, "{seen}");
    let (_, full) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&token))
        .await;
    let id_full = full["request"]["applicant"]["id_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let id_seen = seen["request"]["applicant"]["id_number"].as_str().unwrap();
    assert_ne!(id_seen, id_full);
    assert!(id_seen.contains('*'), "{id_seen}");
    assert!(
        !seen.to_string().contains(&id_full),
        "no ID in full anywhere"
    );
    // A wrong contractor code is 401; the applicant's token on the contractor's prefix is not a way in.
    let (st, _) = app
        .get(
            &format!("/api/v1/registrations/{no}"),
            Some(&format!("anb_c_{}", &token[6..])),
        )
        .await;
    assert_eq!(st, 401);
    // Extension is the applicant's: 403 for the contractor (inside the window or not).
    app.set_today("2027-05-15");
    let (st, p) = app
        .post(
            &format!("/api/v1/registrations/{no}/extension"),
            Some(&code),
            &json!({ "new_valid_until": "2027-08-23" }),
        )
        .await;
    assert_eq!(st, 403, "{p}");
    app.set_today("2026-11-23");
    // It answers a finding.
    let patrol = app.officer("bantian", "patrol").await;
    let path = format!("/api/v1/registrations/{no}/inspections");
    let (st, p) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL" }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| {
            if code == "IC_PROTECTIVE_EQUIPMENT" {
                json!({ "code": code, "answer": "finding", "note": "未戴安全帽" })
            } else {
                json!({ "code": code, "answer": "ok" })
            }
        })
        .collect();
    let (st, r) = app
        .post(
            &path,
            Some(&patrol),
            &json!({ "kind": "INSPECTION_PATROL", "items": items,
                     "findings": [{ "code": "F_UNSAFE_PRACTICE", "item": "IC_PROTECTIVE_EQUIPMENT",
                                    "note": "未戴安全帽" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let fid = r["inspection"]["findings"][0]["id"].as_str().unwrap();
    let photo = upload_png(&app, "helmet").await;
    let (st, x) = app
        .post(
            &format!("/api/v1/registrations/{no}/findings/{fid}/rectification"),
            Some(&code),
            &json!({ "note": "已全员佩戴安全帽", "photos": [photo] }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    assert_eq!(x["status"], "rectified");
    // A staff account cannot act as the applicant or the contractor.
    let record = app.upload_pdf("waste-contractor").await;
    let body = json!({ "completion_date": "2026-11-23", "waste_disposal_record": record });
    let cpath = format!("/api/v1/registrations/{no}/cancellation");
    let (st, _) = app.post(&cpath, Some(&officer), &body).await;
    assert_eq!(st, 403);
    // It declares completion with the waste-disposal record.
    let (st, c) = app.post(&cpath, Some(&code), &body).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["status"], "completion_declared");
    assert!(
        !c.to_string().contains(&id_full),
        "masked in the answer too"
    );
    let last = c["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "contractor");
    let audit = audit_of(&app, &no).await;
    for want in [
        "registration_read:contractor",
        "rectification_submitted:contractor",
        "completion_declared:contractor",
    ] {
        assert!(audit.contains(&want.to_owned()), "{want}: {audit:?}");
    }
    // The contractor's code of one filing opens no other.
    let other = app
        .file_complete("ins-contractor-2", ordinary_facts())
        .await;
    let other_no = other["filing_no"].as_str().unwrap();
    let (st, _) = app
        .get(&format!("/api/v1/registrations/{other_no}"), Some(&code))
        .await;
    assert_eq!(st, 401);
}

/// rules.md §9.1 (第二十三条第（三）项): a property company's list shows one property watch due each
/// working day of work at height in its areas — generated for today, gone once recorded — and none for
/// work elsewhere or without work at height.
async fn property_watches_fall_due_each_working_day_in_the_areas(b: Backend) {
    let app = spawn(b).await;
    let property = app
        .account(NewAccount {
            name: "物业".into(),
            role: "property".into(),
            street: Some("bantian".into()),
            areas: Some(vec!["某某花园".into()]),
            ..NewAccount::default()
        })
        .await;
    let file = |key: &'static str, height: bool, area: &'static str| {
        let app = &app;
        async move {
            let mut facts = ordinary_facts();
            facts["property_managed"] = json!(true);
            facts["work_at_height"] = json!(height);
            let mut body = app.filing(facts).await;
            body["site"]["property_area"] = json!(area);
            if height {
                body["workers"][1]["operation"] = json!("work_at_height");
            }
            let (st, v) = app.file(key, &body).await;
            assert_eq!(st, 201, "{v}");
            v
        }
    };
    let at_height = file("watch-1", true, "某某花园").await;
    let no = at_height["filing_no"].as_str().unwrap().to_owned();
    assert_eq!(at_height["status"], "registered", "{at_height}");
    file("watch-2", false, "某某花园").await;
    file("watch-3", true, "别的花园").await;
    let watches = |l: &Value| -> Vec<String> {
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "INSPECTION_PROPERTY_WATCH" && i["status"] == "due")
            .map(|i| i["filing_no"].as_str().unwrap().to_owned())
            .collect()
    };
    // Before the planned start (2026-12-01) nothing is due.
    let (st, l) = app.get("/api/v1/inspections", Some(&property)).await;
    assert_eq!(st, 200, "{l}");
    assert!(watches(&l).is_empty(), "{l}");
    app.set_today("2026-12-01");
    let (st, l) = app.get("/api/v1/inspections", Some(&property)).await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(watches(&l), vec![no.clone()], "{l}");
    assert_eq!(l["items"][0]["due"], "2026-12-01");
    let (_, l) = app
        .get("/api/v1/inspections?status=overdue", Some(&property))
        .await;
    assert!(watches(&l).is_empty(), "a watch is never overdue: {l}");
    // An officer's list does not carry the property company's watches.
    let officer = app.officer("bantian", "officer").await;
    let (_, l) = app.get("/api/v1/inspections", Some(&officer)).await;
    assert!(watches(&l).is_empty(), "{l}");
    // Not on a day off (Saturday 2026-12-05).
    app.set_today("2026-12-05");
    let (_, l) = app.get("/api/v1/inspections", Some(&property)).await;
    assert!(watches(&l).is_empty(), "{l}");
    // Recorded today: no longer due today; due again the next working day.
    app.set_today("2026-12-02");
    let wpath = format!("/api/v1/registrations/{no}/inspections");
    let (st, p) = app
        .post(
            &wpath,
            Some(&property),
            &json!({ "kind": "INSPECTION_PROPERTY_WATCH" }),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    let items: Vec<Value> = unanswered_items(&p)
        .iter()
        .map(|code| json!({ "code": code, "answer": "ok" }))
        .collect();
    let (st, r) = app
        .post(
            &wpath,
            Some(&property),
            &json!({ "kind": "INSPECTION_PROPERTY_WATCH", "items": items }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, l) = app.get("/api/v1/inspections", Some(&property)).await;
    assert!(watches(&l).is_empty(), "recorded today: {l}");
    app.set_today("2026-12-03");
    let (_, l) = app.get("/api/v1/inspections", Some(&property)).await;
    assert_eq!(watches(&l), vec![no.clone()], "{l}");
}
