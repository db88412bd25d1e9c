//! What both load generators share: arguments, the facts of an ordinary filing and a complete filing
//! body built against the running server (one upload, its checklist from `/api/v1/assessments`).

use anbei_api::clock::Clock as _;
use anbei_core::Code;
use anbei_filing::documents::needs_upload;
use anbei_filing::fixtures;
use serde_json::{Value, json};

pub fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

/// An ordinary office fit-out in Bantian: registered at once (not high risk) — `tests/fixtures/facts/ordinary.json`.
pub fn facts() -> Value {
    fixtures::facts("ordinary").unwrap()
}

/// The complete filing of `tests/fixtures/filings/complete.json`, starting in a week (its certificate
/// valid for three years): one PDF uploaded
/// (marked with `tag`) serves every upload of the checklist the server returns for [`facts`].
pub async fn filing_body(http: &reqwest::Client, url: &str, tag: &str) -> Vec<u8> {
    let upload = http
        .post(format!("{url}/api/v1/uploads"))
        .header("Content-Type", "application/pdf")
        .body(format!("%PDF-1.4\n% {tag}\n%%EOF\n").into_bytes());
    let up = json_of(upload).await;
    let doc = up["upload_id"].as_str().unwrap().to_owned();
    let a = json_of(
        http.post(format!("{url}/api/v1/assessments"))
            .json(&facts()),
    )
    .await;
    let mut docs = serde_json::Map::new();
    for d in a["documents"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        if Code::from_str(code).is_some_and(needs_upload) {
            docs.insert(code.into(), Value::String(doc.clone()));
        }
    }
    let today = anbei_api::clock::shanghai_date(anbei_api::clock::SystemClock.now_ms());
    let mut body = fixtures::complete_filing().unwrap();
    body["documents"] = Value::Object(docs);
    body["planned_start"] = json!(today.add_days(7).to_string());
    body["planned_end"] = json!(today.add_days(90).to_string());
    body["workers"][1]["certificate_valid_until"] = json!(today.add_days(3 * 365).to_string());
    serde_json::to_vec(&body).unwrap()
}

/// Sends a request and reads its JSON answer.
async fn json_of(req: reqwest::RequestBuilder) -> Value {
    req.send().await.unwrap().json().await.unwrap()
}
