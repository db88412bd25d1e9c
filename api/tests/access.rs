//! Access control and receipt integrity (issue 5, "Access"): street-scoped officers, applicant tokens
//! that open one registration only, no personal data through receipt numbers, tokens stored hashed,
//! rate limiting keyed correctly behind a trusted proxy, tampered receipts refused. Every test runs
//! against SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;
mod calls;

use anbei_api::signing::verify_with;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use calls::*;
use common::*;
use serde_json::{Value, json};

both_backends!(
    officer_of_another_street_can_do_nothing,
    applicant_token_opens_only_its_own_registration,
    receipt_numbers_lead_to_masked_data_only,
    tokens_are_stored_hashed_only,
    forwarded_for_believed_only_from_trusted_proxies,
    tampered_receipts_fail_verification,
);

/// A filing in Pinghu (another street), high risk so it waits for an officer.
async fn pinghu_high_risk(app: &TestApp, key: &str) -> (String, String) {
    let mut facts = high_risk_facts();
    facts["street"] = json!("pinghu");
    let mut body = app.filing(facts).await;
    body["site"]["street"] = json!("pinghu");
    body["site"]["address"] = json!("龙岗区平湖街道某某路 1 号");
    body["site"]["community"] = json!("平湖社区");
    let (st, v) = app.file(key, &body).await;
    assert_eq!(st, 201, "{v}");
    (
        v["filing_no"].as_str().unwrap().to_owned(),
        v["access_token"].as_str().unwrap().to_owned(),
    )
}

async fn get_with(app: &TestApp, p: &str, token: &str, accept: &str) -> (u16, String) {
    let r = app
        .http
        .get(app.url(p))
        .bearer_auth(token)
        .header("Accept", accept)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn officer_of_another_street_can_do_nothing(b: Backend) {
    let app = spawn(b).await;
    let (no, _) = pinghu_high_risk(&app, "acc-p-1").await;
    let bantian = app.officer("bantian", "officer").await;
    let pinghu = app.officer("pinghu", "officer").await;

    // Read.
    assert_eq!(app.registration(&no, Some(&bantian)).await.0, 403);
    assert_eq!(app.registration(&no, Some(&pinghu)).await.0, 200);
    // List and export another street: refused; the own-street default does not include it.
    for accept in ["application/json", "text/csv"] {
        let (st, _) = get_with(
            &app,
            "/api/v1/registrations?street=pinghu",
            &bantian,
            accept,
        )
        .await;
        assert_eq!(st, 403, "{accept}");
        let (st, text) = get_with(&app, "/api/v1/registrations", &bantian, accept).await;
        assert_eq!(st, 200, "{accept}");
        assert!(!text.contains(&no), "{accept} leaked {no}: {text}");
        let (st, text) = get_with(&app, "/api/v1/registrations", &pinghu, accept).await;
        assert_eq!(st, 200, "{accept}");
        assert!(text.contains(&no), "{accept}: {text}");
    }
    // Every officer action on another street's filing: 403, nothing changes.
    for (action, body) in [
        ("acceptance", json!({})),
        (
            "return",
            json!({ "changes": [{ "field": "site.address", "message": { "zh": "补充", "en": "more" } }] }),
        ),
        ("refusal", json!({ "reason": "不属于本街道" })),
        (
            "revocation",
            json!({ "reason": "x", "ground": "false_filing" }),
        ),
    ] {
        let (st, p) = app.act(&no, action, Some(&bantian), &body).await;
        assert_eq!(st, 403, "{action}: {p}");
        assert_eq!(p["code"], "FORBIDDEN");
    }
    let (_, v) = app.registration(&no, Some(&pinghu)).await;
    assert_eq!(v["status"], "filed");
    assert_eq!(v["history"].as_array().unwrap().len(), 1, "{v}");

    // An officer token that is not in the database, and a plain officer claiming every street.
    let (st, _) = app.get("/api/v1/registrations", Some("anb_o_forged")).await;
    assert_eq!(st, 401);
    let (st, _) = get_with(&app, "/api/v1/registrations?street=*", &bantian, "text/csv").await;
    assert_eq!(st, 403);
    // Revoking a registered filing of another street (after its own officer accepted it).
    let (st, _) = app.act(&no, "acceptance", Some(&pinghu), &json!({})).await;
    assert_eq!(st, 200);
    let (st, _) = app
        .act(
            &no,
            "revocation",
            Some(&bantian),
            &json!({ "reason": "x", "ground": "false_filing" }),
        )
        .await;
    assert_eq!(st, 403);
    let (_, v) = app.registration(&no, Some(&pinghu)).await;
    assert_eq!(v["status"], "registered");
}

async fn applicant_token_opens_only_its_own_registration(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, a) = app.file("acc-a-1", &body).await;
    let mut body2 = body.clone();
    body2["applicant"]["name"] = json!("李雷");
    let (_, b2) = app.file("acc-a-2", &body2).await;
    let (no_a, tok_a) = (
        a["filing_no"].as_str().unwrap(),
        a["access_token"].as_str().unwrap(),
    );
    let no_b = b2["filing_no"].as_str().unwrap();
    assert_ne!(no_a, no_b);
    assert_eq!(app.registration(no_a, Some(tok_a)).await.0, 200);
    // Another filing with A's token, and near-miss tokens: 401.
    for t in [
        tok_a.to_owned(),
        format!("{tok_a}x"),
        tok_a[..tok_a.len() - 1].to_owned(),
        tok_a.to_uppercase(),
        String::new(),
    ] {
        let (st, _) = app.registration(no_b, Some(&t)).await;
        assert_eq!(st, 401, "token {t:?}");
    }
    // The token cannot act on the other filing, list the ledger or act as an officer.
    let (st, _) = app
        .act(
            no_b,
            "extension",
            Some(tok_a),
            &json!({ "new_valid_until": "2027-06-01" }),
        )
        .await;
    assert_eq!(st, 401);
    assert_eq!(app.get("/api/v1/registrations", Some(tok_a)).await.0, 403);
    let (st, _) = app
        .act(
            no_a,
            "revocation",
            Some(tok_a),
            &json!({ "reason": "self", "ground": "false_filing" }),
        )
        .await;
    assert_eq!(st, 403);
    // Non-Bearer schemes are not accepted.
    let r = app
        .http
        .get(app.url(&format!("/api/v1/registrations/{no_a}")))
        .header("Authorization", format!("Basic {tok_a}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // An unknown filing number answers as a wrong access code does (issue 16): the status does not
    // reveal which numbers exist.
    assert_eq!(
        app.get(
            "/api/v1/registrations/F-bantian-20261123-999999",
            Some(tok_a)
        )
        .await
        .0,
        401
    );
}

async fn receipt_numbers_lead_to_masked_data_only(b: Backend) {
    let app = spawn_with(b, |c| {
        c.rate_limit_per_s = 5;
        c.rate_limit_burst = 10;
    })
    .await;
    let mut body = app.filing(ordinary_facts()).await;
    body["applicant"]["name"] = json!("欧阳娜娜");
    body["applicant"]["mobile"] = json!("13912345678");
    body["workers"][0]["name"] = json!("司马光");
    let (st, v) = app.file("acc-m-1", &body).await;
    assert_eq!(st, 201, "{v}");
    let rno = v["receipt"]["receipt_no"].as_str().unwrap().to_owned();
    let secrets = [
        "欧阳娜娜".to_owned(),
        "13912345678".to_owned(),
        id_number(1),
        id_number(2),
        "司马光".to_owned(),
    ];
    for p in [
        format!("/api/v1/receipts/{rno}/verify"),
        format!("/receipts/{rno}"),
        format!("/receipts/{rno}/notice"),
    ] {
        let p = app.with_code(&p).await;
        let r = app.http.get(app.url(&p)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{p}");
        let text = r.text().await.unwrap();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{p} shows {s}");
        }
    }
    // Enumerating receipt numbers is rate-limited (and finds nothing here).
    let mut limited = 0;
    for i in 2..40 {
        let r = app
            .http
            .get(app.url(&format!(
                "/api/v1/receipts/LG-bantian-20261123-{i:06}/verify"
            )))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            404 => {}
            429 => {
                assert!(r.headers().contains_key("retry-after"));
                limited += 1;
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert!(limited > 20, "enumeration not limited: {limited} of 38");
}

async fn tokens_are_stored_hashed_only(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("acc-h-1", ordinary_facts()).await;
    let token = v["access_token"].as_str().unwrap().to_owned();
    let officer = app.officer("bantian", "officer").await;
    let no = v["filing_no"].as_str().unwrap();
    assert_eq!(app.registration(no, Some(&officer)).await.0, 200);
    let hashes = app.sql("SELECT access_token_hash FROM filings").await;
    assert_eq!(
        hashes,
        [anbei_api::signing::sha256_hex(token.as_bytes())],
        "only the SHA-256 of the applicant token is stored"
    );
    let officers = app.sql("SELECT token_hash FROM tokens").await;
    assert_eq!(
        officers,
        [anbei_api::signing::sha256_hex(officer.as_bytes())]
    );
    // Neither token appears anywhere in the stored rows.
    for (table, cols) in [
        (
            "filings",
            "filing_no || request || assessment || access_token_hash || idempotency_key",
        ),
        ("events", "filing_no || action || COALESCE(data, '')"),
        ("tokens", "token_hash || label || login"),
        ("sessions", "id_hash || csrf_token"),
        ("audit", "account || target || COALESCE(detail, '')"),
    ] {
        for row in app.sql(&format!("SELECT {cols} FROM {table}")).await {
            assert!(!row.contains(&token) && !row.contains(&officer), "{table}");
            assert!(
                !row.contains(&token[6..]) && !row.contains(&officer[6..]),
                "{table}"
            );
        }
    }
    // The comparison is constant-time (hashes compared with ct_eq).
    assert!(anbei_api::signing::ct_eq(b"abc", b"abc"));
    assert!(!anbei_api::signing::ct_eq(b"abc", b"abd"));
    assert!(!anbei_api::signing::ct_eq(b"abc", b"ab"));
}

async fn forwarded_for_believed_only_from_trusted_proxies(b: Backend) {
    // The test client connects from 127.0.0.1. Untrusted peer: X-Forwarded-For is ignored, so
    // rotating spoofed addresses does not escape the limit.
    let app = spawn_with(b, |c| {
        c.rate_limit_per_s = 1;
        c.rate_limit_burst = 3;
        c.trusted_proxies = vec!["10.9.9.9".parse().unwrap()];
    })
    .await;
    let mut ok = 0;
    for i in 0..10 {
        let r = app
            .http
            .get(app.url("/healthz"))
            .header("X-Forwarded-For", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 200 {
            ok += 1;
        }
    }
    assert!(
        ok <= 4,
        "spoofed X-Forwarded-For escaped the limit: {ok} of 10 passed"
    );
    drop(app);

    // Trusted proxy (127.0.0.1): each forwarded client has its own bucket; the right-most untrusted
    // hop is the client, so a client cannot pick its key by prepending addresses.
    let app = spawn_with(b, |c| {
        c.rate_limit_per_s = 1;
        c.rate_limit_burst = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let status = |xff: String| {
        let r = app
            .http
            .get(app.url("/healthz"))
            .header("X-Forwarded-For", xff);
        async move { r.send().await.unwrap().status().as_u16() }
    };
    for i in 0..10 {
        assert_eq!(status(format!("203.0.113.{i}")).await, 200, "client {i}");
    }
    let mut ok = 0;
    for i in 0..10 {
        if status(format!("192.0.2.{i}, 203.0.113.200")).await == 200 {
            ok += 1;
        }
    }
    assert!(ok <= 4, "prepended hops changed the key: {ok} of 10 passed");
}

async fn tampered_receipts_fail_verification(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("acc-t-1", ordinary_facts()).await;
    let r = &v["receipt"];
    let rno = r["receipt_no"].as_str().unwrap().to_owned();
    let (_, keys) = app.get("/api/v1/keys", None).await;
    let pk_bytes = URL_SAFE_NO_PAD
        .decode(keys["keys"][0]["x"].as_str().unwrap())
        .unwrap();
    let pk = ed25519_dalek::VerifyingKey::from_bytes(&pk_bytes.try_into().unwrap()).unwrap();

    // Offline check of the QR payload: `<url>#<payload>;<kid>;<signature>`.
    let check = |qr: &str| -> bool {
        let Some((_, frag)) = qr.split_once('#') else {
            return false;
        };
        let mut parts: Vec<&str> = frag.rsplitn(3, ';').collect();
        if parts.len() != 3 {
            return false;
        }
        parts.reverse();
        let (payload, kid, sig) = (parts[0], parts[1], parts[2]);
        kid == keys["keys"][0]["kid"].as_str().unwrap()
            && payload.starts_with("ANBEI2;")
            && verify_with(&pk, payload, sig)
    };
    let qr = r["qr_payload"].as_str().unwrap();
    assert!(check(qr), "genuine receipt verifies: {qr}");
    // Changed field (valid_until, high_risk, street), truncated, wrong key, bad signature.
    let vu = r["valid_until"].as_str().unwrap();
    assert!(!check(&qr.replace(vu, "2099-12-31")));
    assert!(!check(&qr.replace(";SMALL", ";XSMALL")));
    assert!(!check(&qr.replacen(";bantian;", ";pinghu;", 1)));
    for cut in [1, 10, 40, qr.len() / 2] {
        assert!(!check(&qr[..qr.len() - cut]), "truncated by {cut}");
    }
    let other = anbei_api::signing::Signer::from_seed([9; 32]);
    let payload = r["payload"].as_str().unwrap();
    let forged = other.sign(
        &anbei_api::store::Receipt {
            receipt_no: rno.clone(),
            filing_no: String::new(),
            street: "bantian".into(),
            ruleset: r["ruleset"].as_str().unwrap().into(),
            scope: r["scope"].as_str().unwrap().into(),
            high_risk: false,
            valid_until: vu.into(),
            issued_at: r["issued_at"].as_str().unwrap().into(),
            signature: String::new(),
            kid: String::new(),
            version: 2,
            site_hash: String::new(),
        }
        .payload(),
    );
    assert!(
        !verify_with(&pk, payload, &forged),
        "signed with another key"
    );
    assert!(!check(
        &qr.replace(r["signature"].as_str().unwrap(), &forged)
    ));

    // A row changed in the database behind the service's back: verify says the signature is bad.
    app.sql(&format!(
        "UPDATE receipts SET valid_until = '2099-12-31' WHERE receipt_no = '{rno}'"
    ))
    .await;
    let (st, ver) = app.verify(&rno).await;
    assert_eq!(st, 200);
    assert_eq!(ver["signature_valid"], false, "{ver}");
    assert_eq!(ver["valid"], false);
    // Signed by another key (e.g. a restored backup with the wrong key file).
    app.sql(&format!(
        "UPDATE receipts SET valid_until = '{vu}', signature = '{forged}' WHERE receipt_no = '{rno}'"
    ))
    .await;
    let (_, ver) = app.verify(&rno).await;
    assert_eq!(ver["signature_valid"], false, "{ver}");
    let _: Value = ver;
}
