//! Spec v3 (rules.md §3.4, "How a filing satisfies the list"): the safety pledge is affirmed in the form
//! and recorded, not uploaded; the worker list and the waste-disposal site are the filing's own fields; the
//! printable site notice prints the affirmed pledge; filings stored before v3 (with uploads for those
//! items) stay readable. Every test runs against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::*;
use serde_json::{Value, json};

both_backends!(
    the_pledge_is_affirmed_in_the_form_and_printed,
    filings_stored_before_v3_stay_readable,
);

/// The rule of the one problem of a refused filing at `field`.
fn rule_at(p: &Value, field: &str) -> Option<String> {
    p["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["rule"].as_str().unwrap_or("").to_owned())
}

/// 依据：第二十七条第（四）项 (签署安全生产承诺书), 第二十八条第（三）项, 第十条第（三）项 (张贴).
async fn the_pledge_is_affirmed_in_the_form_and_printed(b: Backend) {
    let app = spawn(b).await;
    // the text the form shows, in full, in both languages
    let (st, pledge) = app.get("/api/v1/pledge", None).await;
    assert_eq!(st, 200, "{pledge}");
    let version = pledge["version"].as_str().unwrap().to_owned();
    assert!(
        pledge["zh"]
            .as_str()
            .unwrap()
            .starts_with("龙岗区限额以下小型工程和零星作业安全生产承诺书")
    );
    assert!(pledge["en"].as_str().unwrap().contains("safety pledge"));
    // 第三十三条: the number is the rule set's `cancellation_working_days`, filled in
    assert!(
        pledge["zh"]
            .as_str()
            .unwrap()
            .contains("完工后 3 个工作日内申报注销"),
        "{pledge}"
    );

    let good = app.filing(ordinary_facts()).await;
    for (key, change, field, rule) in [
        ("p-none", Value::Null, "pledge", "required"),
        (
            "p-no",
            json!({"version": version, "affirmed": false}),
            "pledge.affirmed",
            "not_affirmed",
        ),
        (
            "p-old",
            json!({"version": "1999.1", "affirmed": true}),
            "pledge.version",
            "unknown_version",
        ),
    ] {
        let mut body = good.clone();
        body["pledge"] = change;
        let (st, p) = app.file(key, &body).await;
        assert_eq!(st, 422, "{key}: {p}");
        assert_eq!(rule_at(&p, field).as_deref(), Some(rule), "{key}: {p}");
    }

    let (st, v) = app.file("p-yes", &good).await;
    assert_eq!(st, 201, "{v}");
    let no = v["filing_no"].as_str().unwrap();
    let (_, full) = app
        .get(
            &format!("/api/v1/registrations/{no}"),
            v["access_token"].as_str(),
        )
        .await;
    let stored = &full["request"]["pledge"];
    assert_eq!(stored["version"], json!(version));
    assert_eq!(stored["signer"], "applicant");
    // the server's time at filing, never the browser's
    assert_eq!(stored["signed_at"], json!(app.state.now()), "{stored}");
    assert!(
        full["request"]["documents"]
            .get("D_SAFETY_PLEDGE")
            .is_none()
    );

    // the site notice prints the pledge as affirmed, with who and when
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let (st, html) = app
        .page(&app.with_code(&format!("/receipts/{rno}/notice")).await)
        .await;
    assert_eq!(st, 200);
    assert!(
        html.contains("<h1>龙岗区限额以下小型工程和零星作业安全生产承诺书</h1>"),
        "{html}"
    );
    assert!(html.contains("一、如实登记。"));
    assert!(html.contains("完工后 3 个工作日内申报注销"), "{html}");
    assert!(html.contains("承诺人（申报人）：张*"));
    // the time of the affirmation as people read it (issue 15: no ISO timestamps on printed pages)
    let at = stored["signed_at"].as_str().unwrap();
    let (y, m, d) = (
        &at[..4],
        at[5..7].trim_start_matches('0'),
        at[8..10].trim_start_matches('0'),
    );
    assert!(
        html.contains(&format!("确认时间：{y}年{m}月{d}日 {}", &at[11..16])),
        "{html}"
    );
    assert!(!html.contains("张三"), "the public notice masks the signer");
}

/// A filing stored by an earlier version: its pledge, worker list and disposal site were uploads, and it
/// has no affirmed pledge. It is still shown, and its notice points to the signed paper pledge.
async fn filings_stored_before_v3_stay_readable(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("old-1", &body).await;
    assert_eq!(st, 201, "{v}");
    let no = v["filing_no"].as_str().unwrap();
    let stored = app
        .sql(&format!(
            "SELECT request FROM filings WHERE filing_no = '{no}'"
        ))
        .await;
    let mut old: Value = serde_json::from_str(&stored[0]).unwrap();
    old.as_object_mut().unwrap().remove("pledge");
    let doc = old["documents"]["D_CONTRACT"].clone();
    for code in ["D_SAFETY_PLEDGE", "D_WORKER_LIST", "D_WASTE_DESTINATION"] {
        old["documents"][code] = doc.clone();
    }
    for w in old["workers"].as_array_mut().unwrap() {
        w.as_object_mut().unwrap().remove("certificate_valid_until");
    }
    let text = old.to_string().replace('\'', "''");
    app.sql(&format!(
        "UPDATE filings SET request = '{text}' WHERE filing_no = '{no}'"
    ))
    .await;

    let officer = app.officer("bantian", "officer").await;
    let (st, full) = app
        .get(&format!("/api/v1/registrations/{no}"), Some(&officer))
        .await;
    assert_eq!(st, 200, "{full}");
    assert!(full["request"].get("pledge").is_none());
    assert_eq!(full["request"]["documents"]["D_SAFETY_PLEDGE"], doc);
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let (st, html) = app
        .page(&app.with_code(&format!("/receipts/{rno}/notice")).await)
        .await;
    assert_eq!(st, 200);
    assert!(html.contains("书面承诺书"), "{html}");
}
