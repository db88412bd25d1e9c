//! Work found without registration (rules.md §9.1 `INSPECTION_UNREGISTERED`, 第三十条第（三）项) recorded
//! against its address with its findings and the street office's referrals (第三十六条), on both
//! backends. 2026-11-23 (the fixed "today") is a Monday.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};

both_backends!(
    an_officer_refers_the_findings_of_work_found_unregistered,
    a_bad_referral_is_named_by_its_field_and_records_nothing,
    only_the_street_office_refers
);

/// Work found on Sunday, recorded on Monday: an unregistered job, and waste dumped (same-day referral,
/// 第三十条第（八）项).
fn found(referrals: Value) -> Value {
    json!({
        "street": "bantian", "address": "坂田街道五和大道 18 号", "inspected_at": "2026-11-22",
        "note": "拆除隔墙，建筑垃圾堆放路边",
        "findings": [
            { "code": "F_UNREGISTERED", "note": "未登记施工" },
            { "code": "F_WASTE_VIOLATION", "note": "装修垃圾混入生活垃圾" }
        ],
        "referrals": referrals
    })
}

async fn done_count(app: &TestApp, token: &str) -> usize {
    let (st, l) = app
        .get("/api/v1/inspections?status=done", Some(token))
        .await;
    assert_eq!(st, 200, "{l}");
    l["items"].as_array().unwrap().len()
}

/// 依据：第三十条第（八）项 (waste → referred the same day), 第三十六条第（三）项 (the department by domain).
async fn an_officer_refers_the_findings_of_work_found_unregistered(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let admin = app.officer("*", "admin").await;
    let body = found(
        json!([{ "finding": 1, "target": "REF_DEPARTMENT", "department": "URBAN",
                              "reason": "建筑废弃物违法处置，移交处理" }]),
    );
    let (st, r) = app.post("/api/v1/inspections", Some(&officer), &body).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["inspection"]["kind"], "INSPECTION_UNREGISTERED");
    assert_eq!(r["inspection"]["address"], "坂田街道五和大道 18 号");
    let f = r["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    // The unregistered work is guided to register by its rectify_by; nothing referred yet.
    assert_eq!(f[0]["status"], "open");
    assert_eq!(f[0]["referrals"], json!([]));
    // The waste finding went to the urban-management department, a day after it was found: late.
    assert_eq!(f[1]["status"], "referred");
    let rf = &f[1]["referrals"][0];
    assert_eq!(rf["target"], "REF_DEPARTMENT");
    assert_eq!(rf["department"], "URBAN");
    assert_eq!(rf["referred_on"], "2026-11-23");
    assert_eq!(rf["late"], true, "{rf}");
    assert_eq!(rf["reason"], "建筑废弃物违法处置，移交处理");
    // Recorded on the day it was found: on time.
    let body = json!({ "street": "bantian", "address": "坂田街道某路 1 号",
        "findings": [{ "code": "F_ILLEGAL_CONSTRUCTION", "note": "违法加建" }],
        "referrals": [{ "finding": 0, "target": "REF_LAND_PLANNING", "reason": "违法建设" }] });
    let (st, r) = app.post("/api/v1/inspections", Some(&officer), &body).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["findings"][0]["referrals"][0]["late"], false);
    assert!(r["findings"][0]["referrals"][0]["department"].is_null());
    // The inspections list reads each record back with its findings and their referrals (the console's
    // lists of records show them): the only place work found without registration is read again.
    let (st, l) = app
        .get("/api/v1/inspections?status=done", Some(&officer))
        .await;
    assert_eq!(st, 200, "{l}");
    let items = l["items"].as_array().unwrap();
    let first = items
        .iter()
        .find(|i| i["address"] == "坂田街道五和大道 18 号")
        .expect("the first record");
    let fs = first["findings"].as_array().unwrap();
    assert_eq!(
        fs.iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["F_UNREGISTERED", "F_WASTE_VIOLATION"]
    );
    assert_eq!(fs[0]["status"], "open");
    assert_eq!(fs[0]["rectify_by"], f[0]["rectify_by"]);
    assert_eq!(fs[0]["referrals"], json!([]));
    assert!(
        fs[0]["title"]["zh"]
            .as_str()
            .is_some_and(|t| !t.is_empty() && !t.starts_with("F_"))
    );
    assert_eq!(fs[1]["status"], "referred");
    let lr = &fs[1]["referrals"][0];
    assert_eq!(
        (
            &lr["target"],
            &lr["department"],
            &lr["referred_on"],
            &lr["late"]
        ),
        (
            &json!("REF_DEPARTMENT"),
            &json!("URBAN"),
            &json!("2026-11-23"),
            &json!(true)
        )
    );
    assert!(
        lr["department_name"]["zh"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let second = items
        .iter()
        .find(|i| i["address"] == "坂田街道某路 1 号")
        .expect("the second record");
    assert_eq!(
        second["findings"][0]["referrals"][0]["target"],
        "REF_LAND_PLANNING"
    );
    // What is still due has no findings yet.
    let (_, due) = app
        .get("/api/v1/inspections?status=due", Some(&officer))
        .await;
    assert!(
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["findings"] == json!([])),
        "{due}"
    );
    // The street's statistics by community name the records without one, never a blank row.
    let (st, s) = app
        .get("/api/v1/statistics?group_by=community", Some(&officer))
        .await;
    assert_eq!(st, 200, "{s}");
    let groups = s["streets"][0]["groups"].as_array().unwrap();
    assert!(
        groups
            .iter()
            .any(|g| g["label"]["zh"] == "未注明社区" && g["label"]["en"] == "No community given"),
        "{s}"
    );
    assert!(groups.iter().all(|g| g["label"]["zh"] != ""), "{s}");
    // The audit trail has both referrals, each against its record.
    let (st, a) = app.get("/api/v1/audit?action=referred", Some(&admin)).await;
    assert_eq!(st, 200, "{a}");
    let items = a["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{a}");
    assert!(
        items.iter().any(|i| i["target"] == r["inspection"]["id"]),
        "{a}"
    );
}

async fn a_bad_referral_is_named_by_its_field_and_records_nothing(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    for (referrals, field) in [
        (
            json!([{ "finding": 1, "target": "REF_DEPARTMENT", "reason": "移交" }]),
            "referrals.0.department",
        ),
        (
            json!([{ "finding": 1, "target": "REF_DEPARTMENT", "department": "NOWHERE", "reason": "移交" }]),
            "referrals.0.department",
        ),
        (
            json!([{ "finding": 2, "target": "REF_STREET_ENFORCEMENT", "reason": "移交" }]),
            "referrals.0.finding",
        ),
        (
            json!([{ "finding": 0, "target": "REF_ELSEWHERE", "reason": "移交" }]),
            "referrals.0.target",
        ),
        (
            json!([{ "finding": 0, "target": "REF_STREET_ENFORCEMENT", "reason": " " }]),
            "referrals.0.reason",
        ),
        (
            json!([{ "finding": 0, "target": "REF_STREET_ENFORCEMENT", "reason": "一" },
                   { "finding": 0, "target": "REF_LAND_PLANNING", "reason": "二" }]),
            "referrals.1.finding",
        ),
    ] {
        let (st, p) = app
            .post("/api/v1/inspections", Some(&officer), &found(referrals))
            .await;
        assert_eq!(st, 422, "{p}");
        assert_eq!(fields(&p), vec![field], "{p}");
        let e = &p["errors"][0]["message"];
        assert!(e["zh"].is_string() && e["en"].is_string(), "{p}");
    }
    // The message lists the departments to choose from (§5).
    let (_, p) = app
        .post(
            "/api/v1/inspections",
            Some(&officer),
            &found(json!([{ "finding": 1, "target": "REF_DEPARTMENT", "reason": "移交" }])),
        )
        .await;
    let en = p["errors"][0]["message"]["en"].as_str().unwrap();
    assert!(en.contains("URBAN") && en.contains("HOUSING"), "{en}");
    assert_eq!(done_count(&app, &officer).await, 0, "a 422 records nothing");
}

/// rules.md §10: patrols and communities record findings; the street office refers (第三十六条).
async fn only_the_street_office_refers(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let with = found(
        json!([{ "finding": 1, "target": "REF_DEPARTMENT", "department": "URBAN",
                              "reason": "移交" }]),
    );
    let (st, p) = app.post("/api/v1/inspections", Some(&patrol), &with).await;
    assert_eq!(st, 403, "{p}");
    assert_eq!(done_count(&app, &officer).await, 0);
    let (st, r) = app
        .post("/api/v1/inspections", Some(&patrol), &found(json!([])))
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(done_count(&app, &officer).await, 1);
}
