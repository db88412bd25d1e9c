//! A re-inspection scheduled for a finding (issue 14 "A `INSPECTION_FOLLOW_UP` can be scheduled for
//! it", rules.md §9.1; 第三十条, 第三十四条 "核实…隐患整改情况") on both backends: the street office
//! schedules it (default: 1 working day after the finding's `rectify_by`), it is due like every
//! scheduled inspection (the registration, the lists, overdue by the injected clock, the officers'
//! reminder), recording an `INSPECTION_FOLLOW_UP` completes it, and the refusals say why.
//! 2026-11-23 (the fixed "today") is a Monday.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};

both_backends!(a_follow_up_is_scheduled_for_a_finding_and_completed_by_recording_it);

/// Every checklist item of `inspection` answered `ok`.
fn all_ok(inspection: &Value) -> Vec<Value> {
    inspection["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "code": i["code"], "answer": "ok" }))
        .collect()
}

async fn a_follow_up_is_scheduled_for_a_finding_and_completed_by_recording_it(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let v = app.file_complete("fu", high_risk_facts()).await;
    let no = v["filing_no"].as_str().unwrap().to_owned();
    let token = v["access_token"].as_str().unwrap().to_owned();
    let (st, a) = app
        .post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{a}");
    let reg = format!("/api/v1/registrations/{no}");
    let (_, view) = app.get(&reg, Some(&token)).await;
    let due = view["inspections"][0].clone();
    // The high-risk inspection with two findings: one to verify, one referred at once.
    let (st, r) = app
        .post(
            &format!("{reg}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": all_ok(&due),
                     "findings": [{ "code": "F_UNSAFE_PRACTICE", "note": "临边无防护" },
                                  { "code": "F_PERMIT_EVASION", "note": "疑似规避施工许可" }] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let fid = r["inspection"]["findings"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let evasion = r["inspection"]["findings"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(r["inspection"]["findings"][0]["rectify_by"], "2026-11-26");
    let (st, x) = app
        .post(
            &format!("{reg}/findings/{evasion}/referral"),
            Some(&officer),
            &json!({ "reason": "涉嫌规避施工许可" }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    let path = format!("{reg}/findings/{fid}/follow-up");
    // Who: the street office (§10; as it schedules the escalated inspection) — not a patrol.
    let (st, p) = app.post(&path, Some(&patrol), &json!({})).await;
    assert_eq!(st, 403, "{p}");
    // Dates: not in the past, a real date — 422 on `due`, nothing stored.
    for bad in ["2026-11-20", "下周一", "2026-02-30"] {
        let (st, p) = app
            .post(&path, Some(&officer), &json!({ "due": bad }))
            .await;
        assert_eq!(st, 422, "{bad}: {p}");
        assert_eq!(fields(&p), vec!["due"], "{p}");
        assert!(p["errors"][0]["message"]["zh"].is_string(), "{p}");
        assert!(p["errors"][0]["message"]["en"].is_string(), "{p}");
    }
    // A referred finding is no longer the street's to verify: 422 on the finding.
    let (st, p) = app
        .post(
            &format!("{reg}/findings/{evasion}/follow-up"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(fields(&p), vec!["finding_id"], "{p}");
    // An unknown finding: 404.
    let (st, _) = app
        .post(
            &format!("{reg}/findings/fnd_0000/follow-up"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 404);
    let (_, view) = app.get(&reg, Some(&officer)).await;
    assert_eq!(
        view["inspections"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );
    // Scheduled by default 1 working day after rectify_by (Thursday 26 → Friday 27 November).
    let (st, f) = app.post(&path, Some(&officer), &json!({})).await;
    assert_eq!(st, 201, "{f}");
    assert_eq!(f["kind"], "INSPECTION_FOLLOW_UP");
    assert_eq!(f["due"], "2026-11-27");
    assert_eq!(f["status"], "due");
    assert_eq!(f["finding_id"], fid.as_str());
    assert!(!f["checklist"].as_array().unwrap().is_empty(), "{f}");
    let follow_up = f["id"].as_str().unwrap().to_owned();
    // One at a time: a second is a conflict with what is scheduled (409), not a bad request.
    let (st, p) = app
        .post(&path, Some(&officer), &json!({ "due": "2026-12-01" }))
        .await;
    assert_eq!(st, 409, "{p}");
    assert!(
        p.to_string().contains("2026-11-27"),
        "names the one scheduled: {p}"
    );
    // Shown on the registration (to the applicant too), in the due list, audited, reminded.
    let (_, view) = app.get(&reg, Some(&token)).await;
    let shown: Vec<&Value> = view["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "INSPECTION_FOLLOW_UP")
        .collect();
    assert_eq!(shown.len(), 1, "{view}");
    assert_eq!(shown[0]["id"], follow_up.as_str());
    assert_eq!(shown[0]["finding_id"], fid.as_str());
    let (st, l) = app
        .get("/api/v1/inspections?status=due", Some(&officer))
        .await;
    assert_eq!(st, 200, "{l}");
    let listed: Vec<&Value> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == follow_up.as_str())
        .collect();
    assert_eq!(listed.len(), 1, "{l}");
    assert_eq!(listed[0]["finding_id"], fid.as_str());
    let audit = app
        .sql(&format!(
            "SELECT detail FROM audit WHERE target = '{no}' AND action = 'follow_up_scheduled'"
        ))
        .await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].contains(&follow_up) && audit[0].contains(&fid),
        "{audit:?}"
    );
    let reminders = app
        .sql(&format!(
            "SELECT payload FROM outbox WHERE filing_no = '{no}' AND type = 'inspection_due'"
        ))
        .await;
    assert!(
        reminders.iter().any(|p| p.contains(&follow_up)),
        "{reminders:?}"
    );
    // Past its date by the injected clock: overdue, in the overdue list.
    app.set_today("2026-11-30");
    let (_, l) = app
        .get("/api/v1/inspections?status=overdue", Some(&officer))
        .await;
    let over = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == follow_up.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{l}"));
    assert_eq!(over["overdue"], true);
    // Recording the follow-up completes the scheduled one.
    let (st, r) = app
        .post(
            &format!("{reg}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_FOLLOW_UP", "items": all_ok(&f) }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["inspection"]["id"], follow_up.as_str());
    assert_eq!(r["inspection"]["status"], "done");
    let (_, l) = app
        .get("/api/v1/inspections?status=due", Some(&officer))
        .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != follow_up.as_str()),
        "{l}"
    );
    // …and the finding, still open, may get another.
    let (st, again) = app
        .post(&path, Some(&officer), &json!({ "due": "2026-12-02" }))
        .await;
    assert_eq!(st, 201, "{again}");
    assert_eq!(again["due"], "2026-12-02");
    assert_ne!(again["id"], follow_up.as_str());
}
