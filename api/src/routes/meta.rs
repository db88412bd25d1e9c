//! Health, readiness, the rule set, the public keys and the OpenAPI document.

use crate::app::AppState;
use crate::error::ApiError;
use crate::routes::Routes;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub fn routes(r: Routes) -> Routes {
    r.get("/healthz", healthz)
        .get("/readyz", readyz)
        .get("/api/v1/ruleset", ruleset)
        .get("/api/v1/pledge", pledge)
        .get("/api/v1/keys", keys)
        .get("/api/openapi.json", openapi)
        .get("/metrics", crate::ops::metrics::handler)
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, description = "alive")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "meta", responses((status = 200, description = "ready"), (status = 503, description = "database unreachable", body = crate::error::Problem)))]
pub async fn readyz(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    // Bounded: a probe must answer before the load balancer gives up, even while the pool waits.
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), s.store.ping())
        .await
        .unwrap_or_else(|_| Err(crate::store::StoreError::Db("ping timed out".into())));
    match ping {
        Ok(()) => Ok(Json(serde_json::json!({ "status": "ready" }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::Unavailable)
        }
    }
}

/// The rule set in force today: questions, activities, venues, streets, texts, limits, calendars, version.
#[utoipa::path(get, path = "/api/v1/ruleset", tag = "rules", responses((status = 200, description = "the core's RulesetView", body = Object)))]
pub async fn ruleset(State(s): State<AppState>) -> Response {
    let view = s.engine.ruleset_view(s.today());
    match serde_json::to_vec(&view) {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            b,
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// The safety pledge the filing form shows in full and a filing affirms (第二十七条第（四）项, spec v3): the
/// current version and its text in zh and en (the title, a blank line, paragraphs between blank lines),
/// quoting the parameters of the rule set in force today.
#[utoipa::path(get, path = "/api/v1/pledge", tag = "rules", responses((status = 200, description = "{version, zh, en}", body = Object)))]
pub async fn pledge(State(s): State<AppState>) -> Response {
    let version = anbei_filing::pledge::current();
    match crate::filing::pledge_text(&s.engine, s.today(), version) {
        Some(t) => (
            [(header::CACHE_CONTROL, "public, max-age=300")],
            Json(serde_json::json!({ "version": version, "zh": t.zh, "en": t.en })),
        )
            .into_response(),
        None => ApiError::internal("the current pledge has no text").into_response(),
    }
}

/// Every Ed25519 public key that has signed receipts (JWK-like), each with `not_before`, `not_after`
/// and `status` (`current`: signs now; `retired`: verifies receipts issued before its `not_after`;
/// `next`: published ahead, signs from `not_before`), the current key's id, and the signed payload's
/// format.
#[utoipa::path(get, path = "/api/v1/keys", tag = "receipts", responses((status = 200, description = "public keys with their validity and status; `current`: the kid that signs now", body = Object)))]
pub async fn keys(State(s): State<AppState>) -> Json<serde_json::Value> {
    Json(s.signer.jwks())
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", responses((status = 200, description = "the OpenAPI document", body = Object)))]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::json(),
    )
        .into_response()
}
