//! The OpenAPI 3.1 document served at `/api/openapi.json`, generated from the handlers' annotations.

use crate::routes::{self, registrations};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "Anbei (安备) registration API", description = "Self-service safety registration of small projects and odd jobs, Longgang District. Errors are application/problem+json (RFC 9457) with zh and en texts; see api/API.md."),
    paths(
        routes::meta::healthz, routes::meta::readyz, routes::meta::ruleset, routes::meta::pledge, routes::meta::keys, crate::ops::metrics::handler,
        routes::assess::assess, routes::uploads::upload,
        routes::meta::openapi,
        registrations::create::create, registrations::ledger::list, registrations::create::show,
        registrations::create::resubmit, registrations::actions::accept, registrations::actions::return_filing,
        registrations::actions::refuse, registrations::actions::revoke, registrations::actions::extend,
        registrations::actions::cancel, registrations::actions::reissue_token,
        routes::receipts::verify, routes::pages::receipt_page, routes::pages::notice_page, routes::scan::scan_page,
        registrations::documents::open, routes::queue::queue,
        routes::session::sign_in, routes::session::current, routes::session::sign_out,
        routes::session::change_password, routes::session::totp_begin, routes::session::totp_confirm,
        routes::accounts::list, routes::accounts::create, routes::accounts::disable, routes::accounts::enable,
        routes::accounts::reset_password, routes::accounts::tokens, routes::accounts::issue_token,
        routes::accounts::revoke_token, routes::accounts::set_email, routes::audit::list,
        routes::personal_data::export, routes::personal_data::correct,
        routes::inspections::list, routes::inspections::record_unregistered, routes::inspections::record, routes::inspections::escalate,
        routes::inspections::rectify, routes::inspections::decide, routes::inspections::refer, routes::inspections::schedule_follow_up,
        routes::inspections::checklist, routes::site_records::site_record, routes::site_records::feedback,
        routes::statistics::statistics,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem, crate::error::Msg)),
    modifiers(&Bearer),
    tags((name = "registrations"), (name = "officers"), (name = "receipts"), (name = "rules"), (name = "uploads"), (name = "meta"), (name = "session"), (name = "accounts"), (name = "inspections"))
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = doc.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "applicant access token (anb_a_…) or a staff account's token (anb_o_…); the console uses the session cookie anbei_session with X-CSRF-Token instead",
                        ))
                        .build(),
                ),
            );
            c.add_security_scheme(
                "metrics_token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "GET /metrics: the token given with --metrics-token (ANBEI_METRICS_TOKEN); without one configured, only direct requests from this machine (no X-Forwarded-For or Forwarded) are answered",
                        ))
                        .build(),
                ),
            );
            c.add_security_scheme(
                "session",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    "anbei_session",
                    "the console's session (POST /api/v1/session); changes also need X-CSRF-Token",
                ))),
            );
        }
    }
}

pub fn json() -> String {
    let text = ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(mut doc) => {
            document_problems(&mut doc);
            doc.to_string()
        }
        Err(_) => text,
    }
}

/// Every operation also answers the cross-cutting problems (API.md) — rate limiting (429), the database
/// being unavailable (503), a malformed path or query (400), unknown resources (404); secured ones 401
/// and 403; those with a body 400, 413, 415 and 422 — and every 4xx/5xx is `application/problem+json`.
/// Documented here once rather than on each handler, so the document matches what the service sends
/// (checked by tests/faults/schemathesis.sh).
fn document_problems(doc: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let problem = || {
        json!({ "description": "problem (RFC 9457), see API.md",
                "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } })
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let secured = op.get("security").is_some();
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut codes = vec!["429", "500", "503"];
            if path.contains('{') {
                codes.extend(["400", "404"]);
            }
            if path.starts_with("/api/v1/registrations") || path.starts_with("/api/v1/receipts") {
                codes.extend(["400", "404"]);
            }
            if secured {
                codes.extend(["401", "403"]);
            }
            if method == "post" {
                codes.extend(["400", "413", "415", "422"]);
            }
            for c in codes {
                responses.entry(c).or_insert_with(problem);
            }
            for (code, r) in responses.iter_mut() {
                if code.starts_with('4') || code.starts_with('5') {
                    if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                        if let Some(schema) = content.remove("application/json") {
                            content.insert("application/problem+json".into(), schema);
                        }
                    } else if let Some(r) = r.as_object_mut() {
                        r.insert("content".into(), problem()["content"].clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every route of the router is in `/api/openapi.json` with its method, and every operation of the
    /// document is routed: adding a route without its `#[utoipa::path]` entry fails here.
    #[test]
    fn the_document_lists_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(&super::json()).expect("valid JSON");
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let routed: BTreeSet<(String, String)> = crate::routes::all()
            .list()
            .iter()
            .map(|(m, p)| (m.to_string(), (*p).to_owned()))
            .collect();
        assert_eq!(
            routed.difference(&documented).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "routed but not in the OpenAPI document"
        );
        assert_eq!(
            documented.difference(&routed).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "in the OpenAPI document but not routed"
        );
        assert!(routed.contains(&("GET".into(), "/api/openapi.json".into())));
        assert!(routed.len() >= 19, "{routed:?}");
    }
}
