//! The inspector's scan (issue 15): `/v/{receipt_no}` says each state in one glance, in words, names
//! masked, as one self-contained HTML response; a browser opening the old verify URL gets the same page;
//! an unknown number is an HTML page too; the printed receipt and notice of a registration no longer in
//! force are marked void.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;
mod calls;

use base64::Engine as _;
use calls::*;
use common::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

both_backends!(
    scan_page_for_each_state,
    verify_url_answers_browsers_with_the_scan_page,
    printed_pages_of_a_registration_no_longer_in_force_are_void,
);

const BROWSER: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// GET `path` as a browser does: (status, headers, body).
/// With the receipt's verification code, as the printed QR code carries it.
async fn browse(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let path = app.with_code(path).await;
    let r = app
        .http
        .get(app.url(&path))
        .header("Accept", BROWSER)
        .send()
        .await
        .unwrap();
    let (st, h) = (r.status().as_u16(), r.headers().clone());
    (st, h, r.text().await.unwrap())
}

/// What every scan page must be: HTML, not cached, its own CSP allowing exactly its inline script and
/// style, nothing fetched, and no personal number of the filing anywhere in it.
fn assert_scan_page(h: &reqwest::header::HeaderMap, html: &str, filing: &Value) {
    assert!(
        h["content-type"].to_str().unwrap().starts_with("text/html"),
        "{:?}",
        h["content-type"]
    );
    assert_eq!(h["cache-control"], "no-store");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    for (open, close, directive) in [
        ("<script>", "</script>", "script-src"),
        ("<style>", "</style>", "style-src"),
    ] {
        if let Some(i) = html.find(open) {
            let body = &html[i + open.len()..];
            let body = &body[..body.find(close).unwrap()];
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
            assert!(
                csp.contains(&format!("{directive} 'sha256-{hash}'")),
                "{directive} does not allow the page's own {open}: {csp}"
            );
        }
    }
    for external in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "{external} in the scan page");
    }
    assert!(html.contains("name=\"viewport\""));
    // No full ID number, mobile or certificate number of anyone in the filing.
    let mut numbers = vec![
        filing["applicant"]["id_number"]
            .as_str()
            .unwrap()
            .to_owned(),
        filing["applicant"]["mobile"].as_str().unwrap().to_owned(),
        filing["project_lead"]["mobile"]
            .as_str()
            .unwrap()
            .to_owned(),
        filing["safety_manager"]["mobile"]
            .as_str()
            .unwrap()
            .to_owned(),
    ];
    for w in filing["workers"].as_array().unwrap() {
        numbers.push(w["id_number"].as_str().unwrap().to_owned());
        if let Some(c) = w["certificate_no"].as_str() {
            numbers.push(c.to_owned());
        }
    }
    for n in numbers {
        assert!(!html.contains(&n), "{n} in the scan page");
    }
    for name in ["张三", "李四"] {
        assert!(!html.contains(name), "{name} unmasked");
    }
    assert!(
        html.len() < 16 * 1024,
        "one small response: {} bytes",
        html.len()
    );
}

/// The banner's class and its words.
fn banner(html: &str) -> (&str, &str) {
    let i = html.find("data-look=\"").unwrap() + 11;
    let look = &html[i..i + html[i..].find('"').unwrap()];
    let h1 = html.find("<h1>").unwrap() + 4;
    let words = &html[h1..h1 + html[h1..].find("</h1>").unwrap()];
    (look, words)
}

async fn scan_page_for_each_state(b: Backend) {
    let app = spawn(b).await;
    let filing = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("scan-valid", &filing).await;
    assert_eq!(st, 201, "{v}");
    let rno = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let qr = v["receipt"]["qr_payload"].as_str().unwrap();
    assert!(
        qr.starts_with(&format!(
            "https://anbei.test/v/{rno}?c={}#ANBEI2;{rno};",
            app.code_of(&rno).await
        )),
        "the QR code opens the scan page, with the signed fragment: {qr}"
    );

    // Valid: green banner, everything in words.
    let (st, h, html) = browse(&app, &format!("/v/{rno}")).await;
    assert_eq!(st, 200);
    assert_scan_page(&h, &html, &filing);
    let (look, words) = banner(&html);
    assert_eq!(look, "ok");
    assert!(
        words.starts_with("有效") && words.contains("Valid"),
        "{words}"
    );
    for text in [
        "坂田街道",
        "2027年5月23日",
        "23 May 2027",
        "张*",
        "深圳市某某装饰工程有限公司",
        &rno,
        v["filing_no"].as_str().unwrap(),
        // checked at: the server's time, in words
        "2026年11月23日 10:00（北京时间）",
        "否",
        "不是行政许可",
    ] {
        assert!(html.contains(text), "{text} missing from the scan page");
    }
    assert!(
        !html.contains(">bantian<") && !html.contains(">2027-05-23<"),
        "no raw codes or ISO dates shown"
    );
    let scope = app
        .state
        .engine
        .code_text(anbei_core::Code::from_str(v["receipt"]["scope"].as_str().unwrap()).unwrap())
        .title
        .zh
        .clone();
    assert!(html.contains(&scope), "scope in words: {scope}");
    // The signature is checked in the page with the inlined key: the data it needs is all there.
    let (_, keys) = app.get("/api/v1/keys", None).await;
    let x = keys["keys"][0]["x"].as_str().unwrap();
    assert!(html.contains(x), "the published key is inlined");
    assert!(html.contains("data-state=\"pending\""));
    let payload = v["receipt"]["payload"].as_str().unwrap();
    assert!(html.contains(&format!("data-payload=\"{payload}\"")));

    // Expired: past valid_until.
    app.set_today("2027-05-24");
    let (st, h, html) = browse(&app, &format!("/v/{rno}")).await;
    assert_eq!(st, 200);
    assert_scan_page(&h, &html, &filing);
    let (look, words) = banner(&html);
    assert_eq!(look, "exp");
    assert!(words.starts_with("已过期") && words.contains("Expired"));
    assert!(html.contains("有效期至2027年5月23日，已届满"));
    app.set_today(TODAY);

    // Revoked by the street office.
    let r2 = app.file_complete("scan-revoked", ordinary_facts()).await;
    let officer = app.officer("bantian", "officer").await;
    let (st, r) = app
        .act(
            r2["filing_no"].as_str().unwrap(),
            "revocation",
            Some(&officer),
            &json!({ "reason": "现场超出登记范围施工", "ground": "beyond_scope" }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let rno2 = r2["receipt"]["receipt_no"].as_str().unwrap();
    let (st, h, html) = browse(&app, &format!("/v/{rno2}")).await;
    assert_eq!(st, 200);
    assert_scan_page(&h, &html, &filing);
    let (look, words) = banner(&html);
    assert_eq!(look, "rev");
    assert!(words.starts_with("已撤销") && words.contains("Revoked"));
    assert!(html.contains("街道办事处已于2026年11月23日撤销本登记，本回执作废"));

    // Cancelled after completion.
    let r3 = app.file_complete("scan-cancelled", ordinary_facts()).await;
    let record = app.upload_pdf("waste record").await;
    app.set_today("2026-12-02");
    let (st, r) = app
        .act(
            r3["filing_no"].as_str().unwrap(),
            "cancellation",
            Some(r3["access_token"].as_str().unwrap()),
            &json!({ "completion_date": "2026-12-01", "waste_disposal_record": record }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let rno3 = r3["receipt"]["receipt_no"].as_str().unwrap();
    let (st, h, html) = browse(&app, &format!("/v/{rno3}")).await;
    assert_eq!(st, 200);
    assert_scan_page(&h, &html, &filing);
    let (look, words) = banner(&html);
    assert_eq!(look, "dec");
    assert!(
        words.starts_with("已申报完工") && words.contains("Completion declared"),
        "{words}"
    );
    assert!(html.contains("已于2026年12月2日申报完工，待街道现场核实"));
    // The street's completion check closes it: cancelled.
    let officer = app.officer("bantian", "officer").await;
    let no3 = r3["filing_no"].as_str().unwrap();
    let (_, v) = app
        .get(&format!("/api/v1/registrations/{no3}"), Some(&officer))
        .await;
    let items: Vec<Value> = v["inspections"][0]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "code": i["code"], "answer": "ok" }))
        .collect();
    let (st, x) = app
        .post(
            &format!("/api/v1/registrations/{no3}/inspections"),
            Some(&officer),
            &json!({ "kind": "INSPECTION_COMPLETION", "items": items }),
        )
        .await;
    assert_eq!(st, 201, "{x}");
    let (_, _, html) = browse(&app, &format!("/v/{rno3}")).await;
    let (look, words) = banner(&html);
    assert_eq!(look, "can");
    assert!(words.starts_with("已注销") && words.contains("Cancelled"));
    assert!(html.contains("2026年12月2日注销"));

    // Unknown number: an HTML page saying so, 404.
    let (st, h, html) = browse(&app, "/v/LG-bantian-20000101-000001").await;
    assert_eq!(st, 404);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(h["cache-control"], "no-store");
    assert!(html.contains("查无此回执") && html.contains("LG-bantian-20000101-000001"));
    // Markup in the path is text on the page.
    let (st, _, html) = browse(&app, "/v/%3Cb%3Ex%3C%2Fb%3E").await;
    assert_eq!(st, 404);
    assert!(!html.contains("<b>x</b>") && html.contains("&lt;b&gt;x&lt;/b&gt;"));
}

async fn verify_url_answers_browsers_with_the_scan_page(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("scan-neg", ordinary_facts()).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let path = format!("/api/v1/receipts/{rno}/verify");
    // A phone opening a QR code printed before /v/ existed: the same page, at this URL (the fragment
    // stays in the browser).
    let (st, h, html) = browse(&app, &path).await;
    assert_eq!(st, 200);
    assert_eq!(h["vary"], "Accept");
    let (_, _, page) = browse(&app, &format!("/v/{rno}")).await;
    assert_eq!(html, page, "the verify URL answers a browser the scan page");
    // Machines keep the JSON: no Accept, */*, application/json, or JSON preferred.
    for accept in [
        None,
        Some("*/*"),
        Some("application/json"),
        Some("text/html;q=0.5, application/json"),
    ] {
        let mut r = app.http.get(app.url(&path));
        if let Some(a) = accept {
            r = r.header("Accept", a);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(content_type(&r), "application/json", "{accept:?}");
        assert_eq!(r.headers()["vary"], "Accept");
        let j: Value = r.json().await.unwrap();
        assert_eq!(j["status"], "registered");
        assert_eq!(j["valid"], true);
    }
    // Unknown: a browser gets the HTML page, a machine the problem.
    let unknown = "/api/v1/receipts/LG-bantian-20000101-000001/verify";
    let (st, h, html) = browse(&app, unknown).await;
    assert_eq!(st, 404);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(html.contains("查无此回执"));
    let (st, p) = app.get(unknown, None).await;
    assert_eq!((st, p["code"].as_str()), (404, Some("NOT_FOUND")));
    // The scan page is in the OpenAPI document.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    assert!(doc["paths"]["/v/{receipt_no}"]["get"].is_object());
}

async fn printed_pages_of_a_registration_no_longer_in_force_are_void(b: Backend) {
    let app = spawn(b).await;
    let live = app.file_complete("void-live", ordinary_facts()).await;
    let revoked = app.file_complete("void-revoked", ordinary_facts()).await;
    let officer = app.officer("bantian", "officer").await;
    let (st, r) = app
        .act(
            revoked["filing_no"].as_str().unwrap(),
            "revocation",
            Some(&officer),
            &json!({ "reason": "虚假申报", "ground": "false_filing" }),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let rno = |v: &Value| v["receipt"]["receipt_no"].as_str().unwrap().to_owned();

    for page in ["", "/notice"] {
        let (st, html) = app
            .page(
                &app.with_code(&format!("/receipts/{}{page}", rno(&live)))
                    .await,
            )
            .await;
        assert_eq!(st, 200);
        assert!(
            !html.contains("class=\"void"),
            "a registration in force is not void"
        );
        // The QR code and the address under it open the scan page.
        assert!(html.contains("<svg"));

        let (st, html) = app
            .page(
                &app.with_code(&format!("/receipts/{}{page}", rno(&revoked)))
                    .await,
            )
            .await;
        assert_eq!(st, 200);
        // The overlay repeated on every printed page (position: fixed) and the banner at the top.
        let overlay = html.find("<div class=\"void\"").expect("void overlay");
        let banner = html.find("<p class=\"void-banner\"").expect("void banner");
        assert!(overlay < banner && banner < html.find("<table").unwrap());
        assert!(html.contains(".void{position:fixed"));
        for text in [
            "作废",
            "VOID",
            "已撤销 · 2026年11月23日",
            "Revoked · 23 November 2026",
            "本回执已作废（已撤销 · 2026年11月23日）",
        ] {
            assert!(html.contains(text), "{text} missing from /receipts/…{page}");
        }
    }
    let (_, html) = app
        .page(&app.with_code(&format!("/receipts/{}", rno(&live))).await)
        .await;
    assert!(
        html.contains(&format!("https://anbei.test/v/{}", rno(&live))),
        "the address printed under the QR code is the scan page"
    );

    // Expired: void too, with the end of its validity.
    app.set_today("2027-05-24");
    let (_, html) = app
        .page(&app.with_code(&format!("/receipts/{}", rno(&live))).await)
        .await;
    assert!(html.contains("<div class=\"void\""));
    assert!(html.contains("已过期 · 有效期至2027年5月23日"));
    let (_, html) = app
        .page(
            &app.with_code(&format!("/receipts/{}/notice", rno(&live)))
                .await,
        )
        .await;
    assert!(html.contains("Expired · valid until 23 May 2027"));
}
