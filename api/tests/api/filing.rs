//! The contract of filing itself (both backends): Idempotency-Key replays, every problem of an invalid
//! filing at once, work that cannot be registered here, uploads, and the receipt's signature.

use super::*;

pub(super) async fn idempotency_replay_and_mismatch(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let resp = app
        .http
        .post(app.url("/api/v1/registrations"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["code"], "IDEMPOTENCY_KEY_REQUIRED");

    let (st, first) = app.file("idem-1", &body).await;
    assert_eq!(st, 201);
    let resp = app.file_response("idem-1", &body).await;
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(resp.headers()["idempotent-replayed"], "true");
    let again: Value = resp.json().await.unwrap();
    assert_eq!(again["filing_no"], first["filing_no"]);
    assert_eq!(
        again["receipt"]["receipt_no"],
        first["receipt"]["receipt_no"]
    );
    assert_eq!(
        again["access_token"], first["access_token"],
        "a lost response can be recovered"
    );

    let mut other = body.clone();
    other["planned_end"] = json!("2027-03-31");
    let (st, p) = app.file("idem-1", &other).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "IDEMPOTENCY_MISMATCH");
    let (st, second) = app.file("idem-2", &other).await;
    assert_eq!(st, 201);
    assert_ne!(second["filing_no"], first["filing_no"]);
    // The replays took no number: the series goes on without a gap.
    assert_eq!(
        second["receipt"]["receipt_no"],
        "LG-bantian-20261123-000002"
    );
    assert_eq!(second["filing_no"], "F-bantian-20261123-000002");

    // Weeks later the same body would be refused (planned start before today, 第九条), but a replay
    // of its key still finds its filing — past 24 h without the access codes (issue 16, item 5): the
    // filing number and "use your access code".
    app.set_today("2027-01-05");
    let (st, late) = app.file("idem-1", &body).await;
    assert_eq!(st, 200, "{late}");
    assert_eq!(late["filing_no"], first["filing_no"]);
    assert_eq!(late["token_withheld"], true);
    assert!(late["access_token"].is_null(), "{late}");
    let (st, p) = app.file("idem-3", &body).await;
    assert_eq!(st, 422, "a new key with that body is checked: {p}");
    assert_eq!(p["code"], "INVALID_FILING");
    let mut late_other = body.clone();
    late_other["planned_end"] = json!("2027-03-30");
    let (st, p) = app.file("idem-1", &late_other).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "IDEMPOTENCY_MISMATCH", "{p}");
}

pub(super) async fn idempotency_twenty_concurrent_identical_requests_one_receipt(b: Backend) {
    let app = std::sync::Arc::new(spawn(b).await);
    let body = std::sync::Arc::new(app.filing(ordinary_facts()).await);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = app.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(
            async move { app.file("same-key", &body).await },
        ));
    }
    let mut receipts = std::collections::HashSet::new();
    let mut created = 0;
    for t in tasks {
        let (st, v) = t.await.unwrap();
        match st {
            201 => {
                created += 1;
                receipts.insert(v["receipt"]["receipt_no"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(v["code"], "IDEMPOTENCY_IN_FLIGHT"),
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert!(created >= 1);
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    let officer = app.officer("bantian", "officer").await;
    let (st, list) = app.get("/api/v1/registrations", Some(&officer)).await;
    assert_eq!(st, 200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "exactly one filing stored"
    );
}

/// 依据：第二十七条第（三）项 — incomplete filings are told every problem at once.
pub(super) async fn invalid_filing_lists_every_problem_at_once(b: Backend) {
    let app = spawn(b).await;
    let mut facts = ordinary_facts();
    facts["welding"] = json!(true);
    facts.as_object_mut().unwrap().remove("venue");
    let mut body = base_filing(facts);
    body["applicant"]["id_number"] = json!("440307199001010011"); // wrong check digit
    body["applicant"]["mobile"] = json!("1380013800");
    body["contractor"]["credit_code"] = json!("91440300MA5F123450");
    body["workers"] =
        json!([{ "name": "钱七\u{0007}", "id_number": id_number(2), "operation": "welding" }]);
    body["planned_start"] = json!("2026-11-01");
    body["documents"] = json!({ "D_APPLICANT_ID": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "D_NOPE": "x" });
    body["surprise"] = json!(1);
    let (st, p) = app.file("bad-1", &body).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["code"], "INVALID_FILING");
    assert!(p["title_zh"].as_str().unwrap().contains("不完整"));
    let f = fields(&p);
    for want in [
        "surprise",
        "facts.venue",
        "applicant.id_number",
        "applicant.mobile",
        "contractor.credit_code",
        "workers.0.name",
        "workers.0.certificate_no",
        "planned_start",
        "documents.D_NOPE",
        "documents.D_APPLICANT_ID",
    ] {
        assert!(f.iter().any(|x| x == want), "missing {want} in {f:?}");
    }
    let rule_of = |field: &str| {
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["rule"].as_str().unwrap().to_owned())
    };
    assert_eq!(rule_of("applicant.id_number").as_deref(), Some("checksum"));
    assert_eq!(rule_of("facts.venue").as_deref(), Some("missing_fact"));
    assert_eq!(
        rule_of("documents.D_APPLICANT_ID").as_deref(),
        Some("unknown_upload")
    );
    for e in p["errors"].as_array().unwrap() {
        assert!(
            !e["message"]["zh"].as_str().unwrap().is_empty()
                && !e["message"]["en"].as_str().unwrap().is_empty(),
            "{e}"
        );
    }

    // Complete facts, nothing else: every missing document is named.
    let (st, p) = app.file("bad-2", &base_filing(ordinary_facts())).await;
    assert_eq!(st, 422);
    let f = fields(&p);
    for d in [
        "documents.D_APPLICANT_ID",
        "documents.D_PROPERTY_PROOF",
        "documents.D_CONTRACT",
        "documents.D_DECOR_PLAN",
    ] {
        assert!(f.iter().any(|x| x == d), "missing {d} in {f:?}");
    }
    // The form is the basic form; since spec v3 its workers, disposal site and affirmed pledge are the
    // worker list, the waste destination and the safety pledge: none of them is asked for as an upload.
    for d in [
        "documents.D_BASIC_FORM",
        "documents.D_WORKER_LIST",
        "documents.D_WASTE_DESTINATION",
        "documents.D_SAFETY_PLEDGE",
    ] {
        assert!(!f.iter().any(|x| x == d), "{d} asked in {f:?}");
    }
    let (st, p) = app.file("bad-3", &json!([1, 2])).await;
    assert_eq!(st, 422);
    assert_eq!(p["code"], "INVALID_FILING");
    let resp = app
        .http
        .post(app.url("/api/v1/registrations"))
        .header("Idempotency-Key", "bad-4")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
}

/// 依据：第七条, 第二条 — prohibited and needs-permit work is refused with where to go.
pub(super) async fn out_of_scope_work_is_refused_with_where_to_go(b: Backend) {
    let app = spawn(b).await;
    let mut facts = ordinary_facts();
    facts["illegal_addition"] = json!(true);
    let (st, p) = app.file("oos-1", &base_filing(facts)).await;
    assert_eq!(st, 422, "{p}");
    assert_eq!(p["code"], "NOT_REGISTRABLE");
    assert_eq!(p["assessment"]["scope"], "PROHIBITED");
    assert!(!p["go_to"].as_array().unwrap().is_empty());
    let mut facts = ordinary_facts();
    facts["contract_amount_yuan"] = json!(5_000_000);
    facts["construction_area_m2"] = json!(5000);
    facts["permit_not_applicable"] = json!(false);
    let (st, p) = app.file("oos-2", &base_filing(facts)).await;
    assert_eq!(st, 422);
    assert_eq!(p["assessment"]["scope"], "NEEDS_PERMIT");
    assert!(p["go_to"].to_string().contains("施工许可"));
}

pub(super) async fn uploads_checked_by_content_and_size(b: Backend) {
    let app = spawn(b).await;
    let up = |body: Vec<u8>, ct: &'static str| {
        let req = app
            .http
            .post(app.url("/api/v1/uploads"))
            .header("Content-Type", ct)
            .body(body);
        async move {
            let r = req.send().await.unwrap();
            let (st, ct) = (r.status().as_u16(), content_type(&r));
            (st, ct, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let png = png("filing");
    let (st, _, v) = up(png.clone(), "image/png").await;
    assert_eq!(st, 201);
    assert_eq!(v["content_type"], "image/png");
    assert_eq!(v["size"], png.len());
    let id = v["upload_id"].as_str().unwrap().to_owned();
    assert_eq!(
        id,
        format!("sha256:{}", anbei_api::signing::sha256_hex(&png))
    );
    let (_, _, again) = up(png.clone(), "application/octet-stream").await;
    assert_eq!(again["upload_id"], id.as_str(), "content-addressed");
    let (st, _, _) = up(b"\xff\xd8\xff\xe0JFIF\xff\xd9".to_vec(), "image/jpeg").await;
    assert_eq!(st, 201);
    // Issue 16 (item 8): the type is judged by structure too, not only the first bytes. A truncated
    // PDF, PNG or JPEG, a PNG with a wrong CRC or with data stitched after IEND: 415, in zh and en.
    let mut bad_crc = png.clone();
    let n = bad_crc.len();
    bad_crc[n - 20] ^= 1;
    let mut stitched = png.clone();
    stitched.extend_from_slice(b"<script>");
    for (name, body, ct) in [
        (
            "pdf without %%EOF",
            b"%PDF-1.4\n1 0 obj".to_vec(),
            "application/pdf",
        ),
        ("png cut short", png[..png.len() - 6].to_vec(), "image/png"),
        ("png bad crc", bad_crc, "image/png"),
        ("png data after IEND", stitched, "image/png"),
        (
            "jpeg cut short",
            b"\xff\xd8\xff\xe0JFIF".to_vec(),
            "image/jpeg",
        ),
    ] {
        let (st, _, p) = up(body, ct).await;
        assert_eq!(st, 415, "{name}: {p}");
        assert_eq!(p["code"], "UNSUPPORTED_MEDIA_TYPE", "{name}");
        assert!(
            p["detail_zh"].as_str().unwrap().contains("损坏"),
            "{name}: {p}"
        );
        assert!(
            p["detail"].as_str().unwrap().contains("damaged"),
            "{name}: {p}"
        );
    }
    // A PDF by name only, or a PNG declared as PDF: refused.
    let (st, ct, p) = up(b"hello, I am text".to_vec(), "application/pdf").await;
    assert_eq!((st, ct.as_str()), (415, "application/problem+json"));
    assert_eq!(p["code"], "UNSUPPORTED_MEDIA_TYPE");
    assert_eq!(up(png.clone(), "application/pdf").await.0, 415);
    assert_eq!(up(vec![], "application/pdf").await.0, 400);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (st, _, p) = up(big, "application/pdf").await;
    assert_eq!(st, 413);
    assert_eq!(p["code"], "PAYLOAD_TOO_LARGE");
    let mut max = b"%PDF-1.4\n".to_vec();
    max.resize(10 * 1024 * 1024 - 6, b' ');
    max.extend_from_slice(b"%%EOF\n");
    assert_eq!(
        up(max, "application/pdf").await.0,
        201,
        "exactly 10 MB is allowed"
    );
}

/// A printed QR code can be checked offline with the published key.
pub(super) async fn receipt_signature_verifies_with_the_published_key(b: Backend) {
    let app = spawn(b).await;
    let body = app.filing(ordinary_facts()).await;
    let (_, v) = app.file("sig-1", &body).await;
    let r = &v["receipt"];
    let (st, keys) = app.get("/api/v1/keys", None).await;
    assert_eq!(st, 200);
    let k = &keys["keys"][0];
    assert_eq!(k["alg"], "Ed25519");
    let pk: [u8; 32] = URL_SAFE_NO_PAD
        .decode(k["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap();
    let payload = r["payload"].as_str().unwrap();
    assert_eq!(
        payload,
        format!(
            "ANBEI2;{};{};{};SMALL_PROJECT;0;bantian;{};2027-05-23;{}",
            r["receipt_no"].as_str().unwrap(),
            v["filing_no"].as_str().unwrap(),
            r["ruleset"].as_str().unwrap(),
            anbei_api::signing::site_hash(
                r["receipt_no"].as_str().unwrap(),
                &anbei_api::signing::site_text(
                    body["site"]["address"].as_str().unwrap(),
                    body["site"]["community"].as_str().unwrap()
                )
            ),
            r["issued_at"].as_str().unwrap()
        )
    );
    assert!(anbei_api::signing::verify_with(
        &key,
        payload,
        r["signature"].as_str().unwrap()
    ));
    // The QR string alone carries everything needed.
    let qr = r["qr_payload"].as_str().unwrap();
    assert!(qr.starts_with(&format!(
        "https://anbei.test/v/{}?c={}#",
        r["receipt_no"].as_str().unwrap(),
        r["verification_code"].as_str().unwrap().replace('-', "")
    )));
    let frag = qr.split_once('#').unwrap().1;
    let (rest, sig) = frag.rsplit_once(';').unwrap();
    let (signed, kid) = rest.rsplit_once(';').unwrap();
    assert_eq!(kid, k["kid"].as_str().unwrap());
    assert!(anbei_api::signing::verify_with(&key, signed, sig));
    let forged = signed.replace(";0;bantian;", ";1;bantian;");
    assert!(!anbei_api::signing::verify_with(&key, &forged, sig));
    let forged = signed.replace("2027-05-23", "2028-05-23");
    assert!(!anbei_api::signing::verify_with(&key, &forged, sig));
}
