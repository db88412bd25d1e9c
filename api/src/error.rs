//! The one error type of the API, rendered as `application/problem+json` (RFC 9457) with Chinese and
//! English text from the message catalogue (`messages/`). Internal detail is logged, never returned.

use crate::lifecycle::Refusal;
use crate::messages::{Key, Lang};
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A bilingual message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// One problem with one field of a request (`field` is a dotted path into the body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub rule: String,
    pub message: Msg,
}

impl FieldProblem {
    pub fn new(
        field: impl Into<String>,
        rule: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldProblem {
        FieldProblem::msg(field, rule, Msg::new(zh, en))
    }
    /// A problem whose message comes from the catalogue.
    pub fn msg(field: impl Into<String>, rule: impl Into<String>, message: Msg) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            rule: rule.into(),
            message,
        }
    }
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request cannot be understood (bad JSON, missing header…).
    BadRequest {
        code: &'static str,
        msg: Msg,
    },
    /// 422: the filing (or request) has these problems — every one of them.
    Invalid {
        code: &'static str,
        title: Key,
        problems: Vec<FieldProblem>,
    },
    /// 422: out of scope, prohibited or needing a permit — with the assessment and where to go.
    NotRegistrable {
        msg: Msg,
        assessment: serde_json::Value,
        go_to: Vec<Msg>,
    },
    /// 422: the same Idempotency-Key was used with another body.
    IdempotencyMismatch,
    /// 409: the same Idempotency-Key is still being processed.
    IdempotencyInFlight,
    /// 409: the action does not fit the registration's current state.
    State {
        msg: Msg,
    },
    Unauthorized,
    Forbidden {
        msg: Msg,
    },
    /// 401 or 403 with a code of its own, for a client that acts on it (sign in again, ask for the
    /// verification code, change the password first, send the CSRF header).
    Denied {
        status: StatusCode,
        code: &'static str,
        title: Key,
        detail: Key,
    },
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge {
        limit: usize,
    },
    UnsupportedMediaType {
        msg: Msg,
    },
    TooManyRequests {
        retry_after_s: u64,
    },
    Unavailable,
    /// 429 `UPLOAD_QUOTA`: this client's anonymous uploads for the hour are spent (issue 16, item 8);
    /// `count` and `mb` are the allowance per hour (0: none on that measure).
    UploadQuota {
        retry_after_s: u64,
        count: u32,
        mb: u64,
    },
    /// 507 `INSUFFICIENT_STORAGE`: the data directory's filesystem is below its free-space floor, so
    /// uploads are refused while filings (a few KB) are still taken.
    InsufficientStorage,
    /// 500: logged with its detail, returned without it.
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }
    pub fn bad_request(code: &'static str, msg: Msg) -> ApiError {
        ApiError::BadRequest { code, msg }
    }
    pub fn invalid(problems: Vec<FieldProblem>) -> ApiError {
        ApiError::Invalid {
            code: "INVALID_FILING",
            title: Key::InvalidFiling,
            problems,
        }
    }
    pub fn invalid_request(problems: Vec<FieldProblem>) -> ApiError {
        ApiError::Invalid {
            code: "INVALID_REQUEST",
            title: Key::InvalidRequest,
            problems,
        }
    }
    pub fn forbidden(k: Key) -> ApiError {
        ApiError::Forbidden { msg: Msg::of(k) }
    }
    /// 401 `SIGN_IN_FAILED`: wrong login or password, unknown or disabled login, or locked — alike.
    pub fn sign_in_failed() -> ApiError {
        ApiError::Denied {
            status: StatusCode::UNAUTHORIZED,
            code: "SIGN_IN_FAILED",
            title: Key::SignInFailed,
            detail: Key::SignInFailedDetail,
        }
    }
    /// 401 `TOTP_REQUIRED`: the password was right; the verification code is missing or wrong.
    pub fn totp_required() -> ApiError {
        ApiError::Denied {
            status: StatusCode::UNAUTHORIZED,
            code: "TOTP_REQUIRED",
            title: Key::TotpRequired,
            detail: Key::TotpRequiredDetail,
        }
    }
    /// 403 `CSRF`: a change made with a session cookie without its `X-CSRF-Token`.
    pub fn csrf() -> ApiError {
        ApiError::Denied {
            status: StatusCode::FORBIDDEN,
            code: "CSRF",
            title: Key::CsrfFailed,
            detail: Key::CsrfFailedDetail,
        }
    }
    /// 403 `PASSWORD_CHANGE_REQUIRED`.
    pub fn password_change_required() -> ApiError {
        ApiError::Denied {
            status: StatusCode::FORBIDDEN,
            code: "PASSWORD_CHANGE_REQUIRED",
            title: Key::PasswordChangeRequired,
            detail: Key::PasswordChangeRequiredDetail,
        }
    }
    /// 403 `TOTP_ENROLMENT_REQUIRED`: an admin without a second factor.
    pub fn totp_enrolment_required() -> ApiError {
        ApiError::Denied {
            status: StatusCode::FORBIDDEN,
            code: "TOTP_ENROLMENT_REQUIRED",
            title: Key::TotpEnrolmentRequired,
            detail: Key::TotpEnrolmentRequiredDetail,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. }
            | ApiError::NotRegistrable { .. }
            | ApiError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::IdempotencyInFlight | ApiError::State { .. } => StatusCode::CONFLICT,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Denied { status, .. } => *status,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } | ApiError::UploadQuota { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The lifecycle table's refusal (lifecycle.rs) as the problem today's clients know: 403 `FORBIDDEN`
/// when the actor never takes the action, 409 `INVALID_STATE` otherwise, naming the action and state.
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        match r {
            Refusal::NotPermitted { action, actor } => ApiError::Forbidden {
                msg: Msg::each(|l| {
                    l.fill(
                        Key::NotPermitted,
                        &[("actor", &l.actor(actor)), ("action", &l.action(action))],
                    )
                }),
            },
            Refusal::WrongState {
                action,
                state,
                allowed,
            } => ApiError::State {
                msg: Msg::each(|l| {
                    let state = state.map_or(l.text(Key::NewFiling), |s| l.state(s));
                    let allowed = l.list(allowed.iter().map(|s| l.state((*s).into())));
                    l.fill(
                        Key::WrongState,
                        &[
                            ("action", &l.action(action)),
                            ("state", &state),
                            ("allowed", &allowed),
                            ("article", &action.article()),
                        ],
                    )
                }),
            },
            Refusal::Condition { why, .. } => ApiError::State { msg: why },
        }
    }
}

/// The problem document (RFC 9457) with our extension members.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub title_zh: String,
    pub detail_zh: String,
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub assessment: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub go_to: Vec<Msg>,
}

/// What a problem says, before it is laid out as a [`Problem`].
struct Said {
    code: &'static str,
    title: Key,
    detail: Msg,
    errors: Vec<FieldProblem>,
    assessment: Option<serde_json::Value>,
    go_to: Vec<Msg>,
}

impl Said {
    fn new(code: &'static str, title: Key, detail: Msg) -> Said {
        Said {
            code,
            title,
            detail,
            errors: vec![],
            assessment: None,
            go_to: vec![],
        }
    }
    /// A problem whose detail is a fixed message of the catalogue.
    fn fixed(code: &'static str, title: Key, detail: Key) -> Said {
        Said::new(code, title, Msg::of(detail))
    }
}

impl ApiError {
    fn said(self) -> Said {
        match self {
            ApiError::BadRequest { code, msg } => Said::new(code, Key::BadRequest, msg),
            ApiError::Invalid {
                code,
                title,
                problems,
            } => {
                let n = problems.len();
                let k = if n == 1 {
                    Key::ProblemsOne
                } else {
                    Key::ProblemsMany
                };
                Said {
                    errors: problems,
                    ..Said::new(code, title, Msg::with(k, &[("n", &n)]))
                }
            }
            ApiError::NotRegistrable {
                msg,
                assessment,
                go_to,
            } => Said {
                assessment: Some(assessment),
                go_to,
                ..Said::new("NOT_REGISTRABLE", Key::NotRegistrable, msg)
            },
            ApiError::IdempotencyMismatch => Said::fixed(
                "IDEMPOTENCY_MISMATCH",
                Key::IdempotencyMismatch,
                Key::IdempotencyMismatchDetail,
            ),
            ApiError::IdempotencyInFlight => Said::fixed(
                "IDEMPOTENCY_IN_FLIGHT",
                Key::IdempotencyInFlight,
                Key::IdempotencyInFlightDetail,
            ),
            ApiError::State { msg } => Said::new("INVALID_STATE", Key::InvalidState, msg),
            ApiError::Unauthorized => {
                Said::fixed("UNAUTHORIZED", Key::Unauthorized, Key::UnauthorizedDetail)
            }
            ApiError::Forbidden { msg } => Said::new("FORBIDDEN", Key::Forbidden, msg),
            ApiError::Denied {
                code,
                title,
                detail,
                ..
            } => Said::fixed(code, title, detail),
            ApiError::NotFound => Said::fixed("NOT_FOUND", Key::NotFound, Key::NotFoundDetail),
            ApiError::MethodNotAllowed => Said::fixed(
                "METHOD_NOT_ALLOWED",
                Key::MethodNotAllowed,
                Key::MethodNotAllowedDetail,
            ),
            ApiError::PayloadTooLarge { limit } => Said::new(
                "PAYLOAD_TOO_LARGE",
                Key::PayloadTooLarge,
                Msg::with(Key::PayloadTooLargeDetail, &[("limit", &limit)]),
            ),
            ApiError::UnsupportedMediaType { msg } => {
                Said::new("UNSUPPORTED_MEDIA_TYPE", Key::UnsupportedMediaType, msg)
            }
            ApiError::TooManyRequests { retry_after_s } => Said::new(
                "RATE_LIMITED",
                Key::RateLimited,
                Msg::with(Key::RateLimitedDetail, &[("seconds", &retry_after_s)]),
            ),
            ApiError::Unavailable => {
                Said::fixed("UNAVAILABLE", Key::Unavailable, Key::UnavailableDetail)
            }
            ApiError::UploadQuota {
                retry_after_s,
                count,
                mb,
            } => {
                let or_none = |n: u64| {
                    if n == 0 {
                        "∞".to_owned()
                    } else {
                        n.to_string()
                    }
                };
                Said::new(
                    "UPLOAD_QUOTA",
                    Key::UploadQuota,
                    Msg::with(
                        Key::UploadQuotaDetail,
                        &[
                            ("count", &or_none(u64::from(count))),
                            ("mb", &or_none(mb)),
                            ("seconds", &retry_after_s),
                        ],
                    ),
                )
            }
            ApiError::InsufficientStorage => Said::fixed(
                "INSUFFICIENT_STORAGE",
                Key::InsufficientStorage,
                Key::InsufficientStorageDetail,
            ),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Said::fixed("INTERNAL", Key::Internal, Key::InternalDetail)
            }
        }
    }

    /// The problem document: `title`/`detail` in English (the RFC's members), `title_zh`/`detail_zh`
    /// in Chinese (API.md, "Languages").
    pub fn problem(self) -> Problem {
        let status = self.status().as_u16();
        let s = self.said();
        Problem {
            type_: format!(
                "https://anbei.invalid/problems/{}",
                s.code.to_ascii_lowercase().replace('_', "-")
            ),
            title: Lang::En.text(s.title).to_owned(),
            status,
            detail: s.detail.en,
            title_zh: Lang::ZhCn.text(s.title).to_owned(),
            detail_zh: s.detail.zh,
            code: s.code.to_owned(),
            errors: s.errors,
            assessment: s.assessment,
            go_to: s.go_to,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = match &self {
            ApiError::TooManyRequests { retry_after_s }
            | ApiError::UploadQuota { retry_after_s, .. } => Some(*retry_after_s),
            _ => None,
        };
        let retry = if matches!(self, ApiError::Unavailable) {
            Some(5)
        } else {
            retry
        };
        let unauthorized = matches!(self, ApiError::Unauthorized);
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut resp = (status, body).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                h.insert(header::RETRY_AFTER, v);
            }
        }
        if unauthorized {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        match e {
            crate::store::StoreError::Conflict => ApiError::State {
                msg: Msg::of(Key::ConcurrentChange),
            },
            crate::store::StoreError::NotFound => ApiError::NotFound,
            crate::store::StoreError::Db(d) if unavailable(&d) => {
                tracing::error!(error = %d, "database unavailable");
                ApiError::Unavailable
            }
            crate::store::StoreError::Db(d) => ApiError::Internal(d),
            e @ crate::store::StoreError::BadValue { .. } => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<crate::store::blobs::BlobError> for ApiError {
    fn from(e: crate::store::blobs::BlobError) -> ApiError {
        match e {
            // Disk full, read-only data directory, database unreachable: nothing was stored or read,
            // retry later (503), not a bug.
            crate::store::blobs::BlobError::Unavailable(d) => {
                tracing::error!(error = %d, "uploads unavailable");
                ApiError::Unavailable
            }
            crate::store::blobs::BlobError::Failed(d) => ApiError::Internal(d),
        }
    }
}

/// Whether a database error means "the database cannot be used right now" (unreachable, restarting,
/// disk full, read-only, I/O error, pool exhausted) rather than a bug: the request did nothing and can
/// be retried, so it is answered 503 with `Retry-After`, not 500.
pub fn unavailable(detail: &str) -> bool {
    const MARKERS: &[&str] = &[
        // SQLite (rusqlite messages) and the group-commit writer.
        "database or disk is full",
        "attempt to write a readonly database",
        "disk i/o error",
        "unable to open database file",
        "database is locked",
        "commit failed",
        "could not begin a transaction",
        "the writer thread",
        // PostgreSQL (sqlx): connection refused/reset, pool timeouts, shutdown, disk full, read-only.
        "error communicating with database",
        "pool timed out",
        "closed pool",
        "connection refused",
        "connection reset",
        "terminating connection",
        "the database system is",
        "could not extend file",
        "no space left on device",
        "read-only transaction",
        "unexpected eof",
        "broken pipe",
    ];
    let d = detail.to_ascii_lowercase();
    MARKERS.iter().any(|m| d.contains(m))
}

/// A JSON body parsed by us, so every rejection is a problem document.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = ApiBody::from_request(req, state).await?;
        parse_json(&body.0).map(ApiJson)
    }
}

pub fn parse_json<T: DeserializeOwned>(b: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(b).map_err(|e| {
        ApiError::bad_request(
            "MALFORMED_JSON",
            Msg::with(Key::MalformedJson, &[("error", &e)]),
        )
    })
}

/// A JSON document as a `Value`, refusing duplicate object keys anywhere in it (serde_json would keep
/// the last one silently, while other parsers keep the first: the two would disagree about what was
/// filed).
pub fn parse_json_value(b: &[u8]) -> Result<serde_json::Value, ApiError> {
    parse_json::<StrictValue>(b).map(|v| v.0)
}

struct StrictValue(serde_json::Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, SeqAccess, Visitor};
        use serde_json::Value;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrictValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_none<E>(self) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Null))
            }
            fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
                Ok(StrictValue(Value::String(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<StrictValue, A::Error> {
                let mut out = Vec::new();
                while let Some(StrictValue(v)) = a.next_element()? {
                    out.push(v);
                }
                Ok(StrictValue(Value::Array(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<StrictValue, A::Error> {
                let mut m = serde_json::Map::new();
                while let Some(k) = a.next_key::<String>()? {
                    let StrictValue(v) = a.next_value()?;
                    match m.entry(k) {
                        serde_json::map::Entry::Vacant(e) => {
                            e.insert(v);
                        }
                        serde_json::map::Entry::Occupied(e) => {
                            let k = e.key();
                            return Err(de::Error::custom(format_args!("duplicate key \"{k}\"")));
                        }
                    }
                }
                Ok(StrictValue(Value::Object(m)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The raw body, with the size limit turned into a problem document.
pub struct ApiBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // JSON bodies only: a declared non-JSON type (a form post, text/plain from another site's
        // page, XML) is refused before the body is read. No Content-Type at all is tolerated.
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let essence = ct
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(ApiError::UnsupportedMediaType {
                    msg: Msg::of(Key::BodyNotJson),
                });
            }
        }
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(ApiBody(b)),
            Err(BytesRejection::FailedToBufferBody(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::PayloadTooLarge {
                    limit: crate::config::JSON_BODY_LIMIT,
                })
            }
            Err(e) => Err(bad_body(e.body_text())),
        }
    }
}

/// 400 `BAD_BODY`: the body could not be read (`error` says why).
pub fn bad_body(error: String) -> ApiError {
    ApiError::bad_request("BAD_BODY", Msg::with(Key::BadBody, &[("error", &error)]))
}

/// A path parameter, rejected as a problem document.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(e @ PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::bad_request(
                "BAD_PATH",
                Msg::with(Key::BadPath, &[("error", &e.body_text())]),
            )),
            Err(e) => Err(ApiError::internal(e.body_text())),
        }
    }
}

/// A query string, rejected as a problem document.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request(
                    "BAD_QUERY",
                    Msg::with(Key::BadQuery, &[("error", &e.body_text())]),
                )
            })
    }
}
