//! Public pages never show a person in full (issue 16, item 1): the verify JSON, the printed receipt,
//! the site notice and the inspector's scan page all show masked names and never an ID number, a
//! certificate number (a special-operation certificate is "T" + an ID number) or a mobile; the verify
//! answer is never cached.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use common::*;
use serde_json::json;

both_backends!(no_public_page_shows_a_person_in_full);

async fn no_public_page_shows_a_person_in_full(b: Backend) {
    let app = spawn(b).await;
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["name"] = json!("欧阳娜娜");
    body["applicant"]["mobile"] = json!("13912345678");
    body["workers"][0]["name"] = json!("司马光");
    let (st, v) = app.file("priv-1", &body).await;
    assert_eq!(st, 201, "{v}");
    let rno = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let mut secrets = vec![
        "欧阳娜娜".to_owned(),
        "13912345678".to_owned(),
        "司马光".to_owned(),
    ];
    for w in body["workers"].as_array().unwrap() {
        secrets.push(w["id_number"].as_str().unwrap().to_owned());
        if let Some(c) = w["certificate_no"].as_str() {
            secrets.push(c.to_owned());
        }
    }
    for p in [
        format!("/api/v1/receipts/{rno}/verify"),
        format!("/receipts/{rno}"),
        format!("/receipts/{rno}/notice"),
        format!("/v/{rno}"),
    ] {
        let p = app.with_code(&p).await;
        let r = app.http.get(app.url(&p)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{p}");
        let cache = r.headers()["cache-control"].to_str().unwrap().to_owned();
        let text = r.text().await.unwrap();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{p} shows {s}");
        }
        assert!(
            text.contains("欧*"),
            "{p}: the applicant masked, not absent"
        );
        if p.starts_with("/api/") || p.starts_with("/v/") {
            assert_eq!(cache, "no-store", "{p}");
        }
    }
}
