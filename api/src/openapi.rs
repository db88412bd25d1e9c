//! The OpenAPI 3.1 document served at `/api/openapi.json`, generated from the handlers' annotations.

use crate::routes;
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "Anbei (安备) registration API", description = "Self-service safety registration of small projects and odd jobs, Longgang District. Errors are application/problem+json (RFC 9457) with zh and en texts; see api/API.md."),
    paths(
        routes::meta::healthz, routes::meta::readyz, routes::meta::ruleset, routes::meta::keys,
        routes::assess::assess, routes::uploads::upload,
        routes::registrations::create, routes::registrations::list, routes::registrations::show,
        routes::registrations::resubmit, routes::registrations::accept, routes::registrations::return_filing,
        routes::registrations::refuse, routes::registrations::revoke, routes::registrations::extend,
        routes::registrations::cancel,
        routes::receipts::verify, routes::pages::receipt_page, routes::pages::notice_page,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem, crate::error::Msg)),
    modifiers(&Bearer),
    tags((name = "registrations"), (name = "officers"), (name = "receipts"), (name = "rules"), (name = "uploads"), (name = "meta"))
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
                            "applicant access token (anb_a_…) or officer token (anb_o_…)",
                        ))
                        .build(),
                ),
            );
        }
    }
}

pub fn json() -> String {
    ApiDoc::openapi()
        .to_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
