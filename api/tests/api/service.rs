//! The officers' ledger and the service around the registrations (both backends): CSV export and JSON
//! pages, health, the rule set, OpenAPI, headers, printable pages, CORS and rate limiting.

use super::*;

/// The ledger (台账) for officers, scoped to their street; CSV streamed.
pub(super) async fn ledger_csv_export(b: Backend) {
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
    let applicant = a["access_token"].as_str();
    assert_eq!(app.get("/api/v1/registrations", applicant).await.0, 403);
}

/// The ledger is read `LEDGER_PAGE` rows at a time: an export or a listing several pages long has every
/// filing exactly once, in filing-number order, wherever the page breaks fall.
pub(super) async fn ledger_read_in_pages(b: Backend) {
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

pub(super) async fn service_endpoints_and_headers(b: Backend) {
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

    let assess = |facts: Value| {
        let app = &app;
        async move { app.post("/api/v1/assessments", None, &facts).await }
    };
    let partial =
        json!({ "activity": "nonresidential_decoration", "contract_amount_yuan": 420000 });
    let (st, a) = assess(partial).await;
    assert_eq!(st, 200);
    assert!(!a["missing_facts"].as_array().unwrap().is_empty());
    let (st, p) = assess(json!({ "activity": "moon_base", "bogus": 1 })).await;
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
        app.status(Method::DELETE, "/api/v1/registrations").await,
        405
    );
    // Missing static files are a 404, not a crash.
    assert_eq!(app.status(Method::GET, "/widget/anbei.js").await, 404);
    assert_eq!(app.status(Method::GET, "/").await, 404);

    // Printable receipt and site notice.
    let body = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("pages-1", &body).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let page = app
        .http
        .get(app.url(v["receipt"]["print_url"].as_str().unwrap()))
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
    // Issue 15 "plain words, never raw values": the printed receipt gives its dates as people read them
    // and the street by name — no ISO date or time, no street code, no self-check disclaimer.
    let until = v["receipt"]["valid_until"].as_str().unwrap();
    let (y, m, d) = (
        &until[..4],
        until[5..7].trim_start_matches('0'),
        until[8..10].trim_start_matches('0'),
    );
    assert!(
        html.contains(&format!("{y}年{m}月{d}日")),
        "valid until in words"
    );
    let iso = |h: &str| {
        h.split(|c: char| !(c.is_ascii_digit() || c == '-'))
            .any(|w| w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-')
    };
    let text_only = |h: &str| h.split("<svg").next().unwrap_or(h).replace(rno, "");
    assert!(
        !iso(&text_only(&html)),
        "no ISO date on the printed receipt"
    );
    assert!(
        html.contains("坂田街道") && !html.contains("（bantian）"),
        "the street by name"
    );
    assert!(!html.contains("仅供自查参考"));
    let notice = app
        .text(&app.with_code(&format!("/receipts/{rno}/notice")).await)
        .await;
    assert!(!iso(&text_only(&notice)), "no ISO date on the site notice");
    assert!(
        notice.contains("安全生产承诺书")
            && notice.contains("安全风险告知书")
            && notice.contains("钱*")
    );
    // Issue 16 (High): a special-operation certificate number is "T" + the holder's ID number; the notice
    // at the site gate never prints it in full, nor any worker's ID number.
    let workers = body["workers"].as_array().unwrap();
    let certs: Vec<&str> = workers
        .iter()
        .filter_map(|w| w["certificate_no"].as_str())
        .collect();
    assert!(!certs.is_empty(), "the fixture has a certified worker");
    for c in certs {
        assert!(!notice.contains(c), "certificate {c} printed in full");
        assert!(
            notice.contains(&c[..6]),
            "masked certificate keeps its first six"
        );
    }
    for w in workers {
        let id = w["id_number"].as_str().unwrap();
        assert!(!notice.contains(id), "worker ID {id} printed in full");
    }
    assert_eq!(
        app.status(Method::GET, "/receipts/LG-bantian-20000101-000001")
            .await,
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

pub(super) async fn rate_limiting_per_client(b: Backend) {
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
