//! Issue 16, items 2 and 3: the signature binds a receipt to its filing and its site (payload version
//! 2; receipts signed under version 1 keep verifying), and the public lookup shows what a receipt
//! covers only with the verification code the printed receipt and notice carry — without it, whether it
//! exists and until when; a wrong code counts against the client (per IPv4 address, per IPv6 /64).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use anbei_api::signing::{self, ReceiptPayload};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use serde_json::Value;

both_backends!(
    new_receipts_are_signed_for_their_filing_and_site,
    a_receipt_signed_under_version_1_still_verifies,
    without_the_code_only_exists_and_valid_until,
    wrong_codes_are_limited_per_client_and_per_64,
);

fn key_of(keys: &Value, kid: &str) -> ed25519_dalek::VerifyingKey {
    let k = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .unwrap();
    let pk: [u8; 32] = URL_SAFE_NO_PAD
        .decode(k["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap()
}

/// The site as the notice prints it.
fn printed_site(filing: &Value) -> String {
    signing::site_text(
        filing["site"]["address"].as_str().unwrap(),
        filing["site"]["community"].as_str().unwrap(),
    )
}

async fn new_receipts_are_signed_for_their_filing_and_site(b: Backend) {
    let app = spawn(b).await;
    let filing = app.filing(ordinary_facts()).await;
    let (st, v) = app.file("bind-1", &filing).await;
    assert_eq!(st, 201, "{v}");
    let r = &v["receipt"];
    let (rno, fno) = (
        r["receipt_no"].as_str().unwrap(),
        v["filing_no"].as_str().unwrap(),
    );
    assert_eq!(r["payload_version"], 2);
    let payload = r["payload"].as_str().unwrap();
    assert!(
        payload.starts_with(&format!("ANBEI2;{rno};{fno};")),
        "{payload}"
    );

    // Offline, with nothing but the QR code, the published keys and the address printed on the notice.
    let qr = r["qr_payload"].as_str().unwrap();
    let code = r["verification_code"].as_str().unwrap().replace('-', "");
    assert!(
        qr.starts_with(&format!("https://anbei.test/v/{rno}?c={code}#ANBEI2;")),
        "{qr}"
    );
    let (p, kid, sig) = signing::parse_qr(qr).unwrap();
    assert_eq!(p.canonical(), payload);
    let (_, keys) = app.get("/api/v1/keys", None).await;
    assert!(signing::verify_with(&key_of(&keys, kid), payload, sig));
    assert!(
        keys["payload_format"]
            .as_str()
            .unwrap()
            .starts_with("ANBEI2;<receipt_no>;<filing_no>;"),
        "{keys}"
    );
    assert!(
        keys["payload_format_v1"]
            .as_str()
            .unwrap()
            .starts_with("ANBEI1;")
    );
    let site = printed_site(&filing);
    assert_eq!(p.site_hash, signing::site_hash(rno, &site));
    assert_eq!(signing::site_matches(&p, &site), Some(true));
    // The same address typed differently still matches; another site's does not.
    assert_eq!(
        signing::site_matches(&p, &format!(" {} ", site.replace(' ', ""))),
        Some(true)
    );

    // A second, genuine registration at another site: its QR code pasted onto this site's notice fails
    // the check against the address printed there, and its payload cannot be re-labelled.
    let mut other = app.filing(ordinary_facts()).await;
    other["site"]["address"] = Value::String("坂田街道雪岗路 88 号".into());
    let (st, w) = app.file("bind-2", &other).await;
    assert_eq!(st, 201, "{w}");
    let (q, qkid, qsig) = signing::parse_qr(w["receipt"]["qr_payload"].as_str().unwrap()).unwrap();
    assert!(
        signing::verify_with(&key_of(&keys, qkid), &q.canonical(), qsig),
        "genuine"
    );
    assert_eq!(
        signing::site_matches(&q, &site),
        Some(false),
        "pasted onto this site"
    );
    assert_eq!(signing::site_matches(&q, &printed_site(&other)), Some(true));
    let relabelled = ReceiptPayload {
        site_hash: p.site_hash,
        ..q.clone()
    };
    assert!(
        !signing::verify_with(&key_of(&keys, qkid), &relabelled.canonical(), qsig),
        "the site hash is signed"
    );
    let other_filing = ReceiptPayload {
        filing_no: fno,
        ..q.clone()
    };
    assert!(!signing::verify_with(
        &key_of(&keys, qkid),
        &other_filing.canonical(),
        qsig
    ));
}

async fn a_receipt_signed_under_version_1_still_verifies(b: Backend) {
    let app = spawn(b).await;
    let v = app.file_complete("bind-v1", ordinary_facts()).await;
    let r = &v["receipt"];
    let rno = r["receipt_no"].as_str().unwrap().to_owned();
    // A receipt as a version before item 3 signed and stored it: payload version 1, no site hash.
    let old = anbei_api::store::Receipt {
        receipt_no: rno.clone(),
        filing_no: v["filing_no"].as_str().unwrap().into(),
        street: r["street"].as_str().unwrap().into(),
        ruleset: r["ruleset"].as_str().unwrap().into(),
        scope: r["scope"].as_str().unwrap().into(),
        high_risk: r["high_risk"].as_bool().unwrap(),
        valid_until: r["valid_until"].as_str().unwrap().into(),
        issued_at: r["issued_at"].as_str().unwrap().into(),
        signature: String::new(),
        kid: String::new(),
        version: 1,
        site_hash: String::new(),
    };
    let sig = app.state.signer.sign(&old.payload());
    let v1 = old.payload().canonical();
    assert!(v1.starts_with(&format!("ANBEI1;{rno};")), "{v1}");
    app.sql(&format!(
        "UPDATE receipts SET payload_version = 1, site_hash = '', signature = '{sig}' WHERE receipt_no = '{rno}'"
    ))
    .await;

    // After the change it verifies under its own version: on the server, and offline.
    let (st, ver) = app.get(r["verify_url"].as_str().unwrap(), None).await;
    assert_eq!(st, 200, "{ver}");
    assert_eq!(ver["signature_valid"], true, "{ver}");
    assert_eq!(ver["valid"], true);
    assert_eq!(ver["payload"], v1);
    let (_, view) = app
        .get(
            &format!("/api/v1/registrations/{}", v["filing_no"].as_str().unwrap()),
            v["access_token"].as_str(),
        )
        .await;
    assert_eq!(view["receipt"]["payload_version"], 1, "{view}");
    let (p, kid, s) = signing::parse_qr(view["receipt"]["qr_payload"].as_str().unwrap()).unwrap();
    assert_eq!(p.version, 1);
    let (_, keys) = app.get("/api/v1/keys", None).await;
    assert!(signing::verify_with(&key_of(&keys, kid), &v1, s));
    assert_eq!(
        signing::site_matches(&p, "any address"),
        None,
        "version 1 covers no site"
    );
    // Altered under version 1 it still fails.
    app.sql(&format!(
        "UPDATE receipts SET valid_until = '2099-12-31' WHERE receipt_no = '{rno}'"
    ))
    .await;
    let (_, ver) = app.get(r["verify_url"].as_str().unwrap(), None).await;
    assert_eq!(ver["signature_valid"], false, "{ver}");
}

async fn without_the_code_only_exists_and_valid_until(b: Backend) {
    let app = spawn(b).await;
    let filing = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("bind-code", &filing).await;
    let r = &v["receipt"];
    let rno = r["receipt_no"].as_str().unwrap();
    let code = r["verification_code"].as_str().unwrap();
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-',
        "XXXX-XXXX: {code}"
    );
    let address = filing["site"]["address"].as_str().unwrap();
    let applicant = filing["applicant"]["name"].as_str().unwrap();
    let masked_applicant: String = applicant.chars().take(1).collect();

    // JSON without the code: exists, state, valid until — nothing else.
    let (st, lim) = app
        .get(&format!("/api/v1/receipts/{rno}/verify"), None)
        .await;
    assert_eq!(st, 200, "{lim}");
    let mut fields: Vec<&str> = lim
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "code_required",
            "notice",
            "receipt_no",
            "status",
            "valid",
            "valid_until"
        ]
    );
    assert_eq!(lim["valid"], true);
    assert_eq!(lim["valid_until"], r["valid_until"]);
    assert!(!lim.to_string().contains(address));

    // With the code as typed (lower case, spaces): what it covers, masked.
    let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
    let (st, full) = app
        .get(
            &format!(
                "/api/v1/receipts/{rno}/verify?code={}",
                typed.replace(' ', "%20")
            ),
            None,
        )
        .await;
    assert_eq!(st, 200, "{full}");
    assert_eq!(full["site_address"], address);
    assert!(
        full["applicant"]
            .as_str()
            .unwrap()
            .starts_with(&masked_applicant)
    );
    assert_eq!(full["payload"], r["payload"]);

    // A wrong code: 403 with its own problem code, nothing of the receipt.
    let wrong = if code.starts_with('Z') {
        "YYYY-YYYY"
    } else {
        "ZZZZ-ZZZZ"
    };
    let (st, p) = app
        .get(&format!("/api/v1/receipts/{rno}/verify?code={wrong}"), None)
        .await;
    assert_eq!(st, 403, "{p}");
    assert_eq!(p["code"], "verification_code_wrong", "{p}");
    assert!(!p.to_string().contains(address));
    // Another receipt's code does not open this one.
    let w = app.file_complete("bind-code-2", ordinary_facts()).await;
    let other_code = w["receipt"]["verification_code"].as_str().unwrap();
    let (st, _) = app
        .get(
            &format!("/api/v1/receipts/{rno}/verify?code={other_code}"),
            None,
        )
        .await;
    assert_eq!(st, 403);

    // The scan page and the printed pages: the same rule.
    for (path, with_code) in [
        (format!("/v/{rno}"), format!("/v/{rno}?c={code}")),
        (
            format!("/receipts/{rno}"),
            r["print_url"].as_str().unwrap().to_owned(),
        ),
        (
            format!("/receipts/{rno}/notice"),
            r["notice_url"].as_str().unwrap().to_owned(),
        ),
    ] {
        let (st, html) = app.page(&path).await;
        assert_eq!(st, 200, "{path}");
        assert!(
            !html.contains(address),
            "{path} shows the address without the code"
        );
        assert!(
            !html.contains(&masked_applicant) || !html.contains("申报人"),
            "{path}"
        );
        assert!(html.contains("name=\"c\""), "{path}: a form for the code");
        let (st, html) = app.page(&with_code).await;
        assert_eq!(st, 200, "{with_code}");
        assert!(html.contains(address), "{with_code} lacks the address");
        let (st, html) = app.page(&format!("{path}?c={wrong}")).await;
        assert_eq!(st, 403, "{path} with a wrong code");
        assert!(!html.contains(address));
    }
    // The printed receipt and notice carry the code beside the QR code.
    for url in [
        r["print_url"].as_str().unwrap(),
        r["notice_url"].as_str().unwrap(),
    ] {
        let (_, html) = app.page(url).await;
        assert!(
            html.contains(&format!("<b>{code}</b>")),
            "{url} prints the code"
        );
    }
}

async fn wrong_codes_are_limited_per_client_and_per_64(b: Backend) {
    let app = spawn_with(b, |c| {
        c.code_failures_per_hour = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let v = app.file_complete("bind-rl", ordinary_facts()).await;
    let rno = v["receipt"]["receipt_no"].as_str().unwrap();
    let code = v["receipt"]["verification_code"].as_str().unwrap();
    let wrong = if code.starts_with('Z') {
        "YYYYYYYY"
    } else {
        "ZZZZZZZZ"
    };
    let ask = |from: &'static str, c: String| {
        let req = app
            .http
            .get(app.url(&format!("/api/v1/receipts/{rno}/verify?code={c}")))
            .header("X-Forwarded-For", from);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // Three wrong codes from one /64 (three addresses in it) …
    for from in ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:abcd::3"] {
        assert_eq!(ask(from, wrong.into()).await, 403);
    }
    // … and every code from that /64 is refused, the right one too; other clients are not affected.
    assert_eq!(ask("2001:db8:5:6::99", code.into()).await, 429);
    assert_eq!(ask("2001:db8:5:7::1", code.into()).await, 200);
    assert_eq!(ask("203.0.113.7", code.into()).await, 200);
    // Without a code nothing is counted or refused.
    assert_eq!(ask("2001:db8:5:6::1", String::new()).await, 200);
    // A malformed code counts as a wrong one.
    for _ in 0..3 {
        assert_eq!(ask("203.0.113.8", "'%20OR%201=1".into()).await, 403);
    }
    assert_eq!(ask("203.0.113.8", code.into()).await, 429);
}
