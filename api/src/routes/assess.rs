//! `POST /api/v1/assessments`: facts in, the §8 result out — the same core as the widget and the CLI.

use crate::app::AppState;
use crate::error::{ApiBody, ApiError, FieldProblem, Msg};
use crate::messages::Key;
use crate::routes::Routes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub fn routes(r: Routes) -> Routes {
    r.post("/api/v1/assessments", assess)
}

/// Assess facts (rules.md §1) → the §8 result. Absent facts are unknown and reported in `missing_facts`.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "rules",
    request_body(content = Object, description = "facts object (rules.md §1)"),
    responses((status = 200, description = "the §8 assessment", body = Object),
               (status = 422, description = "invalid facts, every problem listed", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn assess(State(s): State<AppState>, ApiBody(body): ApiBody) -> Response {
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(_) => {
            return ApiError::bad_request("MALFORMED_JSON", Msg::of(Key::NotUtf8)).into_response();
        }
    };
    match s.engine.parse_json(text, s.today()) {
        Ok(facts) => {
            // The core's own writer: the same bytes as serde_json, without the generic serializer.
            let mut b = String::with_capacity(8 * 1024);
            s.engine.assess(&facts).write_json(&mut b);
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                b.into_bytes(),
            )
                .into_response()
        }
        Err(e) => ApiError::Invalid {
            code: "INVALID_FACTS",
            title: Key::InvalidFacts,
            problems: e
                .fields
                .into_iter()
                .map(|f| FieldProblem::new(f.field, f.rule, f.message.zh, f.message.en))
                .collect(),
        }
        .into_response(),
    }
}
