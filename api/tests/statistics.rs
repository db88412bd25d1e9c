//! Statistics (issue 14, 第二十一条第（二）项 "建立管理台账…定期分析总结通报") on both backends: a small
//! district seeded through the API on the injected clock — filings in two streets answered on time,
//! late and not at all, inspections done on time and overdue, findings rectified, referred and overdue
//! — and every figure of `GET /api/v1/statistics` compared with what this test computes itself from
//! the rows it seeded; the scopes of rules.md §10; the CSV; the errors.
//! 2026-11-23 is a Monday; the period seeded (23 November – 8 December 2026) has no holiday, so a
//! working day here is Monday to Friday.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::accounts::NewAccount;
use anbei_core::Date;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

both_backends!(
    statistics_match_the_seeded_rows,
    each_role_sees_its_scope_only,
    bad_parameters_name_their_field
);

/// What the test itself knows of one filing it seeded.
#[derive(Clone, Debug)]
struct Seeded {
    street: &'static str,
    scope: String,
    high_risk: bool,
    departments: Vec<String>,
    /// Answered by the street on this day (None: at once, or not yet).
    answered: Option<&'static str>,
    status: &'static str,
}

/// A seeded inspection: due date, the day it was done (None: not yet).
#[derive(Clone, Debug)]
struct Insp {
    street: &'static str,
    due: &'static str,
    done: Option<&'static str>,
}

/// A seeded finding.
#[derive(Clone, Debug)]
struct Fnd {
    street: &'static str,
    code: &'static str,
    found: &'static str,
    rectify_by: &'static str,
    /// The day its rectification was accepted.
    accepted: Option<&'static str>,
    referred_late: Option<bool>,
}

const FILED: &str = "2026-11-23";
const TODAY: &str = "2026-12-08";

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Monday to Friday after `a` up to `b` (no holiday in the seeded period).
fn weekdays_between(a: &str, b: &str) -> i64 {
    let (mut x, b) = (d(a), d(b));
    let mut n = 0;
    while x < b {
        x = x.add_days(1);
        n += i64::from(!x.is_weekend());
    }
    n
}

/// Nearest rank: the smallest value at least `p` of the values are at or below.
fn nearest_rank(mut v: Vec<f64>, p: f64) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).max(1);
    json!(v[rank - 1])
}

struct World {
    app: TestApp,
    filings: Vec<Seeded>,
    inspections: Vec<Insp>,
    findings: Vec<Fnd>,
    officer: String,
    /// The primary department of the Bantian high-risk work.
    department: String,
}

async fn file_in(app: &TestApp, key: &str, facts: Value, street: &'static str) -> Value {
    let mut facts = facts;
    facts["street"] = json!(street);
    let mut body = app.filing(facts).await;
    body["site"]["street"] = json!(street);
    if street == "pinghu" {
        body["site"]["community"] = json!("平湖社区");
    }
    let (st, v) = app.file(key, &body).await;
    assert_eq!(st, 201, "{v}");
    v
}

async fn accept(app: &TestApp, no: &str, officer: &str) {
    let (st, v) = app
        .post(
            &format!("/api/v1/registrations/{no}/acceptance"),
            Some(officer),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
}

/// Seeds the district and leaves the clock at [`TODAY`].
async fn seed(b: Backend) -> World {
    let app = spawn(b).await;
    app.set_today(FILED);
    let officer = app.officer("bantian", "officer").await;
    let pinghu_officer = app.officer("pinghu", "officer").await;
    let patrol = app.officer("bantian", "patrol").await;
    let mut filings = Vec::new();
    let mut nos = Vec::new();
    let odd = anbei_filing::fixtures::facts("odd_job").unwrap();
    for (key, facts, street) in [
        ("o1", ordinary_facts(), "bantian"),
        ("o2", ordinary_facts(), "bantian"),
        ("j1", odd.clone(), "bantian"),
        ("h1", high_risk_facts(), "bantian"),
        ("h2", high_risk_facts(), "bantian"),
        ("h3", high_risk_facts(), "bantian"),
        ("p1", ordinary_facts(), "pinghu"),
        ("ph1", high_risk_facts(), "pinghu"),
    ] {
        let v = file_in(&app, &format!("stats-{key}"), facts, street).await;
        let (_, full) = app
            .get(
                &format!("/api/v1/registrations/{}", v["filing_no"].as_str().unwrap()),
                Some(&officer_for(street, &officer, &pinghu_officer)),
            )
            .await;
        let a = &full["assessment"];
        let departments: Vec<String> = a["departments"]["primary"]
            .as_array()
            .into_iter()
            .chain(a["departments"]["co"].as_array())
            .flatten()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        assert!(!departments.is_empty(), "{full}");
        filings.push(Seeded {
            street,
            scope: a["scope"].as_str().unwrap().to_owned(),
            high_risk: a["high_risk"].as_bool().unwrap(),
            departments,
            answered: None,
            status: if v["status"] == "filed" {
                "filed"
            } else {
                "registered"
            },
        });
        nos.push(v["filing_no"].as_str().unwrap().to_owned());
    }
    let department = filings[3].departments[0].clone();
    // h1 accepted on Wednesday (2 working days, on time); ph1 on Thursday (3, on time, the last day).
    app.set_today("2026-11-25");
    accept(&app, &nos[3], &officer).await;
    filings[3].answered = Some("2026-11-25");
    filings[3].status = "registered";
    app.set_today("2026-11-26");
    accept(&app, &nos[7], &pinghu_officer).await;
    filings[7].answered = Some("2026-11-26");
    filings[7].status = "registered";
    // h1's site inspection (due Monday 30 November) done on Friday, with three findings.
    app.set_today("2026-11-27");
    let path = format!("/api/v1/registrations/{}", nos[3]);
    let (_, reg) = app.get(&path, Some(&officer)).await;
    let due = reg["inspections"][0].clone();
    assert_eq!(due["due"], "2026-11-30", "{reg}");
    let items: Vec<Value> = due["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "code": i["code"], "answer": "ok" }))
        .collect();
    let (st, r) = app
        .post(
            &format!("{path}/inspections"),
            Some(&patrol),
            &json!({ "kind": "INSPECTION_HIGH_RISK", "items": items, "findings": [
                { "code": "F_UNSAFE_PRACTICE", "note": "未系安全带", "rectify_by": "2026-12-02" },
                { "code": "F_UNCERTIFIED_PERSONNEL", "note": "电焊工无证", "rectify_by": "2026-12-01" },
                { "code": "F_UNSAFE_PRACTICE", "note": "临边无防护", "rectify_by": "2026-12-03" } ] }),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    let fids: Vec<String> = r["inspection"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    let mut inspections = vec![Insp {
        street: "bantian",
        due: "2026-11-30",
        done: Some("2026-11-27"),
    }];
    let mut findings: Vec<Fnd> = [
        ("F_UNSAFE_PRACTICE", "2026-12-02"),
        ("F_UNCERTIFIED_PERSONNEL", "2026-12-01"),
        ("F_UNSAFE_PRACTICE", "2026-12-03"),
    ]
    .into_iter()
    .map(|(code, rectify_by)| Fnd {
        street: "bantian",
        code,
        found: "2026-11-27",
        rectify_by,
        accepted: None,
        referred_late: None,
    })
    .collect();
    // The first finding is rectified and accepted on Tuesday 1 December.
    let token = {
        // the applicant's token, as the service derived it when it was filed (days later a replay of
        // the key finds the filing but no longer returns the code: issue 16, item 5)
        let body = app.filing(high_risk_facts()).await;
        let (_, again) = app.file("stats-h1", &body).await;
        let no = again["filing_no"].as_str().unwrap();
        let created = app
            .sql(&format!(
                "SELECT created_at FROM filings WHERE filing_no = '{no}'"
            ))
            .await
            .remove(0);
        app.state.signer.access_token(
            &created,
            no,
            &anbei_api::tokens::stored_idempotency_key("stats-h1"),
        )
    };
    app.set_today("2026-11-30");
    let (st, x) = app
        .post(
            &format!("{path}/findings/{}/rectification", fids[0]),
            Some(&token),
            &json!({ "note": "已配发安全带", "photos": [] }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    app.set_today("2026-12-01");
    let (st, x) = app
        .post(
            &format!("{path}/findings/{}/decision", fids[0]),
            Some(&officer),
            &json!({ "accept": true }),
        )
        .await;
    assert_eq!(st, 200, "{x}");
    findings[0].accepted = Some("2026-12-01");
    // h2 accepted on Tuesday 1 December: 6 working days, late; its inspection falls due on Friday
    // 4 December and is never done (overdue on the 8th).
    accept(&app, &nos[4], &officer).await;
    filings[4].answered = Some("2026-12-01");
    filings[4].status = "registered";
    inspections.push(Insp {
        street: "bantian",
        due: "2026-12-04",
        done: None,
    });
    // ph1's inspection (due Tuesday 1 December) is not done either.
    inspections.push(Insp {
        street: "pinghu",
        due: "2026-12-01",
        done: None,
    });
    // The second finding is referred on Wednesday 2 December.
    app.set_today("2026-12-02");
    let (st, x) = app
        .post(
            &format!("{path}/findings/{}/referral", fids[1]),
            Some(&officer),
            &json!({ "target": "REF_STREET_ENFORCEMENT", "reason": "拒不整改" }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    findings[1].referred_late = Some(x["referrals"][0]["late"].as_bool().unwrap());
    app.set_today(TODAY);
    World {
        app,
        filings,
        inspections,
        findings,
        officer,
        department,
    }
}

fn officer_for(street: &str, bantian: &str, pinghu: &str) -> String {
    if street == "pinghu" { pinghu } else { bantian }.to_owned()
}

/// The section this test expects of the seeded rows `keep` selects.
fn expected(w: &World, keep: &dyn Fn(&str, Option<&Seeded>) -> bool) -> Value {
    let fs: Vec<&Seeded> = w
        .filings
        .iter()
        .filter(|f| keep(f.street, Some(f)))
        .collect();
    let count = |p: &dyn Fn(&Seeded) -> bool| fs.iter().filter(|f| p(f)).count() as i64;
    let mut by_scope = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    for f in &fs {
        *by_scope.entry(f.scope.clone()).or_insert(0) += 1;
        *by_status.entry(f.status.to_owned()).or_insert(0) += 1;
    }
    let due = d(FILED).add_days(3).to_string(); // Thursday: 3 working days after Monday
    let answered: Vec<&&Seeded> = fs.iter().filter(|f| f.answered.is_some()).collect();
    let late = answered
        .iter()
        .filter(|f| f.answered.unwrap() > due.as_str())
        .count() as i64;
    let hours: Vec<f64> = answered
        .iter()
        .map(|f| d(f.answered.unwrap()).days_since(d(FILED)) as f64 * 24.0)
        .collect();
    let wdays: Vec<f64> = answered
        .iter()
        .map(|f| weekdays_between(FILED, f.answered.unwrap()) as f64)
        .collect();
    let awaiting = count(&|f| f.status == "filed");
    let is: Vec<&Insp> = w
        .inspections
        .iter()
        .filter(|i| keep(i.street, None))
        .collect();
    let fnd: Vec<&Fnd> = w.findings.iter().filter(|f| keep(f.street, None)).collect();
    let mut by_code = BTreeMap::new();
    for f in &fnd {
        *by_code.entry(f.code).or_insert(0) += 1;
    }
    let acc: Vec<&&Fnd> = fnd.iter().filter(|f| f.accepted.is_some()).collect();
    let referred: Vec<&&Fnd> = fnd.iter().filter(|f| f.referred_late.is_some()).collect();
    let open_overdue = fnd
        .iter()
        .filter(|f| f.accepted.is_none() && f.referred_late.is_none() && f.rectify_by < TODAY)
        .count();
    let mut by_target = BTreeMap::new();
    if !referred.is_empty() {
        by_target.insert("REF_STREET_ENFORCEMENT", referred.len());
    }
    json!({
        "registrations": {
            "total": fs.len(),
            "high_risk": count(&|f| f.high_risk),
            "by_scope": by_scope,
            "by_status": by_status,
        },
        "acceptance": {
            "answered": answered.len(),
            "on_time": answered.len() as i64 - late,
            "late": late,
            "awaiting": awaiting,
            "awaiting_overdue": if due.as_str() < TODAY { awaiting } else { 0 },
            "hours": if hours.is_empty() { Value::Null } else {
                json!({ "median": nearest_rank(hours.clone(), 0.5), "p90": nearest_rank(hours, 0.9) }) },
            "working_days": if wdays.is_empty() { Value::Null } else {
                json!({ "median": nearest_rank(wdays.clone(), 0.5), "p90": nearest_rank(wdays, 0.9) }) },
        },
        "inspections": {
            "due": is.len(),
            "done_on_time": is.iter().filter(|i| i.done.is_some_and(|x| x <= i.due)).count(),
            "done_late": is.iter().filter(|i| i.done.is_some_and(|x| x > i.due)).count(),
            "overdue": is.iter().filter(|i| i.done.is_none() && i.due < TODAY).count(),
            "pending": is.iter().filter(|i| i.done.is_none() && i.due >= TODAY).count(),
            "unscheduled": 0,
        },
        "findings": {
            "total": fnd.len(),
            "by_code": by_code,
            "to_rectify": fnd.len(),
            "overdue": open_overdue,
        },
        "rectification": {
            "accepted": acc.len(),
            "days": if acc.is_empty() { Value::Null } else {
                let v: Vec<f64> = acc.iter().map(|f| d(f.accepted.unwrap()).days_since(d(f.found)) as f64).collect();
                json!({ "median": nearest_rank(v.clone(), 0.5), "p90": nearest_rank(v, 0.9) }) },
            "working_days": if acc.is_empty() { Value::Null } else {
                let v: Vec<f64> = acc.iter().map(|f| weekdays_between(f.found, f.accepted.unwrap()) as f64).collect();
                json!({ "median": nearest_rank(v.clone(), 0.5), "p90": nearest_rank(v, 0.9) }) },
        },
        "referrals": {
            "total": referred.len(),
            "late": referred.iter().filter(|f| f.referred_late == Some(true)).count(),
            "by_target": by_target,
        },
    })
}

/// `got` holds every key of `want` with the same value (numbers compared as numbers).
#[track_caller]
fn assert_has(got: &Value, want: &Value, at: &str) {
    match want {
        Value::Object(m) => {
            for (k, v) in m {
                assert_has(&got[k], v, &format!("{at}.{k}"));
            }
        }
        Value::Number(n) => assert_eq!(got.as_f64(), n.as_f64(), "{at}: {got}"),
        _ => assert_eq!(got, want, "{at}"),
    }
}

async fn stats(app: &TestApp, q: &str, token: &str) -> Value {
    let (st, v) = app
        .get(&format!("/api/v1/statistics?{q}"), Some(token))
        .await;
    assert_eq!(st, 200, "{v}");
    v
}

/// 第二十一条第（二）项: the street's figures are the seeded rows counted.
async fn statistics_match_the_seeded_rows(b: Backend) {
    let w = seed(b).await;
    let v = stats(&w.app, "from=2026-11-01&to=2026-12-31", &w.officer).await;
    assert_eq!(v["today"], TODAY);
    let streets = v["streets"].as_array().unwrap();
    assert_eq!(streets.len(), 1, "{v}");
    assert_eq!(streets[0]["street"], "bantian");
    assert_eq!(streets[0]["name"]["zh"], "坂田街道");
    let want = expected(&w, &|st, _| st == "bantian");
    assert_has(&v["total"], &want, "total");
    assert_has(&streets[0]["total"], &want, "bantian");
    // By month: November holds the filings and the findings, December h2's inspection.
    let groups = streets[0]["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2026-11", "2026-12"]);
    assert_eq!(groups[0]["label"]["zh"], "2026年11月");
    assert_eq!(groups[1]["label"]["en"], "December 2026");
    assert_eq!(
        groups[0]["registrations"]["total"],
        want["registrations"]["total"]
    );
    assert_eq!(groups[1]["registrations"]["total"], 0);
    let dec: Vec<&Insp> = w
        .inspections
        .iter()
        .filter(|i| i.street == "bantian" && i.due >= "2026-12-01")
        .collect();
    assert_eq!(groups[1]["inspections"]["due"], dec.len());
    // By activity: two activities (fit-out and the odd job), labelled by name.
    let v = stats(
        &w.app,
        "from=2026-11-01&to=2026-12-31&group_by=activity",
        &w.officer,
    )
    .await;
    let groups = v["streets"][0]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    let sum: i64 = groups
        .iter()
        .map(|g| g["registrations"]["total"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, want["registrations"]["total"].as_i64().unwrap());
    assert!(
        groups.iter().all(|g| g["label"]["zh"] != g["key"]),
        "{groups:?}"
    );
    // A period before anything was filed counts nothing.
    let v = stats(&w.app, "from=2026-01-01&to=2026-10-31", &w.officer).await;
    assert_eq!(v["streets"], json!([]));
    assert_eq!(v["total"]["registrations"]["total"], 0);
    // CSV: the header, then the November row with the JSON's figures.
    let (st, ct, csv) = w
        .app
        .get_csv(
            "/api/v1/statistics?from=2026-11-01&to=2026-12-31&format=csv",
            &w.officer,
        )
        .await;
    assert_eq!(st, 200, "{csv}");
    assert!(ct.starts_with("text/csv"), "{ct}");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..4],
        [
            "街道 street",
            "分组 group",
            "登记 registrations",
            "高风险 high_risk"
        ]
    );
    let nov: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(nov.len(), header.len());
    assert_eq!(&nov[..2], ["坂田街道", "2026年11月"]);
    assert_eq!(nov[2], want["registrations"]["total"].to_string());
    assert_eq!(nov[3], want["registrations"]["high_risk"].to_string());
    let col = |name: &str| header.iter().position(|h| h.ends_with(name)).unwrap();
    assert_eq!(
        nov[col(" answered_late")],
        want["acceptance"]["late"].to_string()
    );
    // Each read is in the audit trail, with what was asked.
    let audit = w
        .app
        .sql("SELECT action || ' ' || detail FROM audit WHERE target = 'statistics' ORDER BY seq")
        .await;
    assert_eq!(audit.len(), 4, "{audit:?}");
    assert!(
        audit[0].starts_with("statistics_read street=bantian from=2026-11-01"),
        "{audit:?}"
    );
    assert!(audit[3].starts_with("statistics_exported"), "{audit:?}");
}

/// rules.md §10: admins see every street side by side; an officer of another street nothing of this
/// one; a department only its works; patrols nothing at all.
async fn each_role_sees_its_scope_only(b: Backend) {
    let w = seed(b).await;
    let app = &w.app;
    let q = "from=2026-11-01&to=2026-12-31";
    let admin = app.officer("*", "admin").await;
    let v = stats(app, q, &admin).await;
    let streets: Vec<&str> = v["streets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["street"].as_str().unwrap())
        .collect();
    assert_eq!(streets, ["bantian", "pinghu"]);
    assert_has(
        &v["streets"][0]["total"],
        &expected(&w, &|st, _| st == "bantian"),
        "bantian",
    );
    assert_has(
        &v["streets"][1]["total"],
        &expected(&w, &|st, _| st == "pinghu"),
        "pinghu",
    );
    assert_has(&v["total"], &expected(&w, &|_, _| true), "district");
    // The admin may ask for one street.
    let v = stats(app, &format!("{q}&street=pinghu"), &admin).await;
    assert_eq!(v["streets"].as_array().unwrap().len(), 1);
    // An officer of Pinghu: its street only, and not Bantian when asked.
    let pinghu = app.officer("pinghu", "officer").await;
    let v = stats(app, q, &pinghu).await;
    assert_eq!(v["streets"].as_array().unwrap().len(), 1);
    assert_eq!(v["streets"][0]["street"], "pinghu");
    assert_has(
        &v["total"],
        &expected(&w, &|st, _| st == "pinghu"),
        "pinghu officer",
    );
    let (st, p) = app
        .get(
            &format!("/api/v1/statistics?{q}&street=bantian"),
            Some(&pinghu),
        )
        .await;
    assert_eq!(st, 403, "{p}");
    // A department: the works naming it (the inspections and findings of those works too).
    let viewer = app
        .account(NewAccount {
            name: "区住建局".into(),
            role: "viewer".into(),
            department: Some(w.department.clone()),
            ..Default::default()
        })
        .await;
    let v = stats(app, q, &viewer).await;
    let dept = w.department.clone();
    let mine = |_: &str, f: Option<&Seeded>| f.is_none_or(|f| f.departments.contains(&dept));
    let want = expected(&w, &mine);
    assert_has(
        &v["total"]["registrations"],
        &want["registrations"],
        "viewer",
    );
    assert!(
        w.filings.iter().any(|f| !f.departments.contains(&dept)),
        "the seeded rows include work of another department"
    );
    let other = app
        .account(NewAccount {
            name: "区教育局".into(),
            role: "viewer".into(),
            department: Some("EDUCATION".into()),
            ..Default::default()
        })
        .await;
    let v = stats(app, q, &other).await;
    assert_eq!(v["streets"], json!([]), "{v}");
    // Patrols: not at all.
    let patrol = app.officer("bantian", "patrol").await;
    let (st, p) = app
        .get(&format!("/api/v1/statistics?{q}"), Some(&patrol))
        .await;
    assert_eq!(st, 403, "{p}");
    assert!(
        p["detail"].as_str().unwrap_or_default().contains("统计") || p.to_string().contains("统计"),
        "{p}"
    );
}

/// Bad parameters: 422 naming the field, in both languages, and nothing read.
async fn bad_parameters_name_their_field(b: Backend) {
    let app = spawn(b).await;
    let officer = app.officer("bantian", "officer").await;
    let admin = app.officer("*", "admin").await;
    for (q, field, token) in [
        ("group_by=week", "group_by", &officer),
        ("from=2026-12-01&to=2026-11-01", "from", &officer),
        ("from=2026-13-01", "from", &officer),
        ("to=yesterday", "to", &officer),
        ("from=2024-01-01&to=2026-12-31", "to", &officer),
        ("format=xml", "format", &officer),
        ("street=atlantis", "street", &admin),
    ] {
        let (st, p) = app
            .get(&format!("/api/v1/statistics?{q}"), Some(token))
            .await;
        assert_eq!(st, 422, "{q}: {p}");
        assert_eq!(fields(&p), vec![field.to_owned()], "{q}: {p}");
        assert!(p["errors"][0]["message"]["zh"].is_string(), "{p}");
        assert!(p["errors"][0]["message"]["en"].is_string(), "{p}");
    }
    assert!(
        app.sql("SELECT seq FROM audit WHERE target = 'statistics'")
            .await
            .is_empty()
    );
}
