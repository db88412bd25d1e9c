//! The one error type of the API, rendered as `application/problem+json` (RFC 9457) with Chinese and
//! English text. Internal detail is logged, never returned.

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
        FieldProblem {
            field: field.into(),
            rule: rule.into(),
            message: Msg::new(zh, en),
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
        title: Msg,
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
    /// 500: logged with its detail, returned without it.
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }
    pub fn bad_request(
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError::BadRequest {
            code,
            msg: Msg::new(zh, en),
        }
    }
    pub fn invalid(problems: Vec<FieldProblem>) -> ApiError {
        ApiError::Invalid {
            code: "INVALID_FILING",
            title: Msg::new(
                "申报材料不完整或有误",
                "The filing is incomplete or invalid",
            ),
            problems,
        }
    }
    pub fn invalid_request(problems: Vec<FieldProblem>) -> ApiError {
        ApiError::Invalid {
            code: "INVALID_REQUEST",
            title: Msg::new("请求内容有误", "The request is invalid"),
            problems,
        }
    }
    pub fn state(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::State {
            msg: Msg::new(zh, en),
        }
    }
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::Forbidden {
            msg: Msg::new(zh, en),
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
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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

impl ApiError {
    fn problem(self) -> Problem {
        let status = self.status().as_u16();
        let (code, title, detail, errors, assessment, go_to): (
            &str,
            Msg,
            Msg,
            Vec<FieldProblem>,
            Option<serde_json::Value>,
            Vec<Msg>,
        ) = match self {
            ApiError::BadRequest { code, msg } => (
                code,
                Msg::new("请求有误", "Bad request"),
                msg,
                vec![],
                None,
                vec![],
            ),
            ApiError::Invalid {
                code,
                title,
                problems,
            } => {
                let n = problems.len();
                let detail = Msg::new(
                    format!("共 {n} 处问题，未予处理"),
                    format!(
                        "{n} problem{}; nothing was done",
                        if n == 1 { "" } else { "s" }
                    ),
                );
                (code, title, detail, problems, None, vec![])
            }
            ApiError::NotRegistrable {
                msg,
                assessment,
                go_to,
            } => (
                "NOT_REGISTRABLE",
                Msg::new("不能在本系统登记", "This work cannot be registered here"),
                msg,
                vec![],
                Some(assessment),
                go_to,
            ),
            ApiError::IdempotencyMismatch => (
                "IDEMPOTENCY_MISMATCH",
                Msg::new(
                    "幂等键已用于另一份请求",
                    "Idempotency-Key reused with a different body",
                ),
                Msg::new(
                    "同一幂等键只能用于同一份请求内容；新的申报请使用新的幂等键",
                    "an Idempotency-Key may only be replayed with the same body; use a new key for a new filing",
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::IdempotencyInFlight => (
                "IDEMPOTENCY_IN_FLIGHT",
                Msg::new(
                    "相同请求正在处理中",
                    "The same request is still being processed",
                ),
                Msg::new(
                    "请稍后用同一幂等键重试以取得结果",
                    "retry later with the same Idempotency-Key to get the result",
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::State { msg } => (
                "INVALID_STATE",
                Msg::new(
                    "当前状态下不能进行此操作",
                    "Not allowed in the current state",
                ),
                msg,
                vec![],
                None,
                vec![],
            ),
            ApiError::Unauthorized => (
                "UNAUTHORIZED",
                Msg::new("需要身份凭证", "Authentication required"),
                Msg::new(
                    "请提供有效的访问令牌（Authorization: Bearer …）",
                    "send a valid access token (Authorization: Bearer …)",
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::Forbidden { msg } => (
                "FORBIDDEN",
                Msg::new("无权进行此操作", "Forbidden"),
                msg,
                vec![],
                None,
                vec![],
            ),
            ApiError::NotFound => (
                "NOT_FOUND",
                Msg::new("未找到", "Not found"),
                Msg::new(
                    "所请求的资源不存在",
                    "the requested resource does not exist",
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::MethodNotAllowed => (
                "METHOD_NOT_ALLOWED",
                Msg::new("不支持此方法", "Method not allowed"),
                Msg::new(
                    "该地址不支持此 HTTP 方法",
                    "this address does not support that HTTP method",
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::PayloadTooLarge { limit } => (
                "PAYLOAD_TOO_LARGE",
                Msg::new("内容过大", "Payload too large"),
                Msg::new(
                    format!("请求内容不能超过 {limit} 字节"),
                    format!("the body may be at most {limit} bytes"),
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::UnsupportedMediaType { msg } => (
                "UNSUPPORTED_MEDIA_TYPE",
                Msg::new("不支持的文件或内容类型", "Unsupported media type"),
                msg,
                vec![],
                None,
                vec![],
            ),
            ApiError::TooManyRequests { retry_after_s } => (
                "RATE_LIMITED",
                Msg::new("请求过于频繁", "Too many requests"),
                Msg::new(
                    format!("请 {retry_after_s} 秒后再试"),
                    format!("try again in {retry_after_s} s"),
                ),
                vec![],
                None,
                vec![],
            ),
            ApiError::Unavailable => (
                "UNAVAILABLE",
                Msg::new("服务暂不可用", "Service unavailable"),
                Msg::new("数据库暂不可用", "the database is not reachable"),
                vec![],
                None,
                vec![],
            ),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                (
                    "INTERNAL",
                    Msg::new("服务器内部错误", "Internal server error"),
                    Msg::new(
                        "请稍后再试；问题已记录",
                        "please try again later; the problem has been logged",
                    ),
                    vec![],
                    None,
                    vec![],
                )
            }
        };
        Problem {
            type_: format!(
                "https://anbei.invalid/problems/{}",
                code.to_ascii_lowercase().replace('_', "-")
            ),
            title: title.en,
            status,
            detail: detail.en,
            title_zh: title.zh,
            detail_zh: detail.zh,
            code: code.to_owned(),
            errors,
            assessment,
            go_to,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = if let ApiError::TooManyRequests { retry_after_s } = &self {
            Some(*retry_after_s)
        } else {
            None
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
            crate::store::StoreError::Conflict => ApiError::state(
                "该登记已被并发修改，请刷新后重试",
                "the registration was changed concurrently; reload and retry",
            ),
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
            format!("请求内容不是有效的 JSON：{e}"),
            format!("the body is not valid JSON: {e}"),
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
                    msg: Msg::new(
                        "请求内容应为 JSON（Content-Type: application/json）",
                        "the body must be JSON (Content-Type: application/json)",
                    ),
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
            Err(e) => Err(ApiError::bad_request(
                "BAD_BODY",
                "无法读取请求内容",
                format!("the body could not be read: {}", e.body_text()),
            )),
        }
    }
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
                "地址参数有误",
                e.body_text(),
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
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(
                ApiError::bad_request("BAD_QUERY", "查询参数有误", e.body_text()),
            ),
            Err(e) => Err(ApiError::bad_request(
                "BAD_QUERY",
                "查询参数有误",
                e.body_text(),
            )),
        }
    }
}
