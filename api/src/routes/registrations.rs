//! Filings and their lifecycle (rules.md §7): submit, return/resubmit, accept, refuse, extend, cancel,
//! revoke; the officers' ledger (台账) as JSON or streamed CSV.

use crate::app::AppState;
use crate::clock::compact;
use crate::error::{ApiBody, ApiError, ApiPath, ApiQuery, FieldProblem, Msg, parse_json};
use crate::filing::{self, Filing};
use crate::signing::sha256_hex;
use crate::store::{
    Created, Event, FilingRecord, FilingUpdate, LEDGER_PAGE, LedgerEntry, LedgerPage, ListFilter,
    NewFiling, Officer, Receipt, ReceiptDraft, ReceiptOp, Status,
};
use crate::validate;
use anbei_core::Date;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/registrations", post(create).get(list))
        .route("/api/v1/registrations/{filing_no}", get(show))
        .route(
            "/api/v1/registrations/{filing_no}/resubmission",
            post(resubmit),
        )
        .route("/api/v1/registrations/{filing_no}/acceptance", post(accept))
        .route(
            "/api/v1/registrations/{filing_no}/return",
            post(return_filing),
        )
        .route("/api/v1/registrations/{filing_no}/refusal", post(refuse))
        .route("/api/v1/registrations/{filing_no}/revocation", post(revoke))
        .route("/api/v1/registrations/{filing_no}/extension", post(extend))
        .route(
            "/api/v1/registrations/{filing_no}/cancellation",
            post(cancel),
        )
}

// ---------------------------------------------------------------------------------------------------
// Views

/// A receipt as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    pub receipt_no: String,
    pub ruleset: String,
    pub scope: String,
    pub high_risk: bool,
    pub street: String,
    pub valid_until: String,
    pub issued_at: String,
    pub verify_url: String,
    pub print_url: String,
    pub notice_url: String,
    /// Ed25519, base64url, over `payload`.
    pub signature: String,
    pub kid: String,
    pub payload: String,
    /// The string encoded in the printed QR code.
    pub qr_payload: String,
}

pub fn receipt_view(s: &AppState, r: &Receipt) -> ReceiptView {
    let verify_url = format!("/api/v1/receipts/{}/verify", r.receipt_no);
    let payload = r.payload().canonical();
    ReceiptView {
        qr_payload: format!(
            "{}{verify_url}#{payload};{};{}",
            s.cfg.public_url.trim_end_matches('/'),
            r.kid,
            r.signature
        ),
        receipt_no: r.receipt_no.clone(),
        ruleset: r.ruleset.clone(),
        scope: r.scope.clone(),
        high_risk: r.high_risk,
        street: r.street.clone(),
        valid_until: r.valid_until.clone(),
        issued_at: r.issued_at.clone(),
        print_url: format!("/receipts/{}", r.receipt_no),
        notice_url: format!("/receipts/{}/notice", r.receipt_no),
        verify_url,
        signature: r.signature.clone(),
        kid: r.kid.clone(),
        payload,
    }
}

/// The answer to a new filing (201), as documented; [`filed_response`] writes it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FiledView {
    pub filing_no: String,
    /// `registered` (with the receipt) or `filed` (awaiting an officer by `acceptance_due`).
    pub status: String,
    /// Shown here only: the applicant's bearer token for this filing (stored as a hash).
    pub access_token: String,
    /// Stored JSON text, passed through as it is (no parse and re-serialisation per answer).
    #[schema(value_type = Object)]
    pub assessment: Box<serde_json::value::RawValue>,
    pub acceptance_due: Option<String>,
    pub receipt: Option<ReceiptView>,
}

/// A registration as its applicant or an officer of its street sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RegistrationView {
    pub filing_no: String,
    /// Current state; `expired` when a registration is past its `valid_until`.
    pub status: String,
    pub street: String,
    pub scope: String,
    pub high_risk: bool,
    pub filed_on: String,
    pub acceptance_due: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[schema(value_type = Option<Vec<Object>>)]
    pub requested_changes: Option<Value>,
    pub receipt: Option<ReceiptView>,
    #[schema(value_type = Object)]
    pub assessment: Value,
    #[schema(value_type = Object)]
    pub request: Value,
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<Event>,
}

/// The state a registration is in now: a registration past `valid_until` has expired.
pub fn effective_status(rec: &FilingRecord, today: Date) -> &'static str {
    status_on(
        rec.status,
        rec.receipt.as_ref().map(|r| r.valid_until.as_str()),
        today,
    )
}

fn status_on(status: Status, valid_until: Option<&str>, today: Date) -> &'static str {
    if status.is_live() && valid_until.and_then(Date::parse).is_some_and(|v| v < today) {
        "expired"
    } else {
        status.as_str()
    }
}

fn view(s: &AppState, rec: &FilingRecord) -> Result<RegistrationView, ApiError> {
    Ok(RegistrationView {
        filing_no: rec.filing_no.clone(),
        status: effective_status(rec, s.today()).to_owned(),
        street: rec.street.clone(),
        scope: rec.scope.clone(),
        high_risk: rec.high_risk,
        filed_on: rec.filed_on.clone(),
        acceptance_due: rec.acceptance_due.clone(),
        created_at: rec.created_at.clone(),
        updated_at: rec.updated_at.clone(),
        requested_changes: rec
            .requested_changes
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(ApiError::internal)?,
        receipt: rec.receipt.as_ref().map(|r| receipt_view(s, r)),
        assessment: serde_json::from_str(&rec.assessment).map_err(ApiError::internal)?,
        request: serde_json::from_str(&rec.request).map_err(ApiError::internal)?,
        history: rec.events.clone(),
    })
}

/// [`FiledView`] without the assessment, which [`filed_response`] appends as stored.
#[derive(Serialize)]
struct FiledHead<'a> {
    filing_no: &'a str,
    status: &'a str,
    access_token: String,
    acceptance_due: Option<&'a str>,
    receipt: Option<ReceiptView>,
}

/// The 201 answer ([`FiledView`]). The assessment is the stored JSON text, which this server wrote
/// with the core's own writer: it is appended as it is, without a parse or a validation pass per
/// answer (that was ~3 % of a receipt's instructions).
fn filed_response(s: &AppState, rec: &FilingRecord, key: &str) -> Result<Response, ApiError> {
    let head = FiledHead {
        filing_no: &rec.filing_no,
        status: rec.status.as_str(),
        access_token: s.signer.access_token(&rec.filing_no, key),
        acceptance_due: rec.acceptance_due.as_deref(),
        receipt: rec.receipt.as_ref().map(|r| receipt_view(s, r)),
    };
    let mut body = Vec::with_capacity(rec.assessment.len() + 1024);
    serde_json::to_writer(&mut body, &head).map_err(ApiError::internal)?;
    // `{…}` becomes `{…,"assessment":<stored>}`.
    if body.pop() != Some(b'}') || rec.assessment.is_empty() {
        return Err(ApiError::internal("filed view: unexpected JSON"));
    }
    body.extend_from_slice(b",\"assessment\":");
    body.extend_from_slice(rec.assessment.as_bytes());
    body.push(b'}');
    Ok((
        StatusCode::CREATED,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------------
// Who is calling

fn bearer(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The officer behind an `anb_o_…` bearer token.
pub async fn officer(s: &AppState, h: &HeaderMap) -> Result<Officer, ApiError> {
    let t = bearer(h).ok_or(ApiError::Unauthorized)?;
    if !t.starts_with("anb_o_") {
        return Err(ApiError::forbidden("仅限街道工作人员", "officers only"));
    }
    s.store
        .officer_by_token_hash(&sha256_hex(t.as_bytes()))
        .await?
        .ok_or(ApiError::Unauthorized)
}

fn covers(o: &Officer, street: &str) -> bool {
    o.street == street || (o.street == "*" && o.role == "admin")
}

fn scope_check(o: &Officer, rec: &FilingRecord) -> Result<(), ApiError> {
    if covers(o, &rec.street) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "该登记不属于您所在街道",
            "this registration belongs to another street",
        ))
    }
}

async fn load(s: &AppState, filing_no: &str) -> Result<FilingRecord, ApiError> {
    s.store
        .get_filing(filing_no)
        .await?
        .ok_or(ApiError::NotFound)
}

enum Caller {
    Applicant,
    Officer,
}

async fn caller(s: &AppState, h: &HeaderMap, rec: &FilingRecord) -> Result<Caller, ApiError> {
    let t = bearer(h).ok_or(ApiError::Unauthorized)?;
    if t.starts_with("anb_o_") {
        let o = officer(s, h).await?;
        scope_check(&o, rec)?;
        return Ok(Caller::Officer);
    }
    if crate::signing::ct_eq(
        sha256_hex(t.as_bytes()).as_bytes(),
        rec.access_token_hash.as_bytes(),
    ) {
        Ok(Caller::Applicant)
    } else {
        Err(ApiError::Unauthorized)
    }
}

async fn applicant(s: &AppState, h: &HeaderMap, rec: &FilingRecord) -> Result<(), ApiError> {
    match caller(s, h, rec).await? {
        Caller::Applicant => Ok(()),
        Caller::Officer => Err(ApiError::forbidden(
            "此操作由申报人办理",
            "only the applicant can do this",
        )),
    }
}

fn officer_event(
    o: &Officer,
    at: String,
    action: &str,
    reason: Option<String>,
    data: Option<Value>,
) -> Event {
    Event {
        at,
        actor: o.role.clone(),
        actor_name: Some(o.name.clone()),
        action: action.into(),
        reason,
        data,
    }
}

fn applicant_event(at: String, action: &str, reason: Option<String>, data: Option<Value>) -> Event {
    Event {
        at,
        actor: "applicant".into(),
        actor_name: None,
        action: action.into(),
        reason,
        data,
    }
}

// ---------------------------------------------------------------------------------------------------
// Filing

fn idempotency_key(h: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::bad_request(
            "IDEMPOTENCY_KEY_REQUIRED",
            "缺少 Idempotency-Key 请求头",
            "the Idempotency-Key header is required",
        )
    };
    let v = h
        .get("idempotency-key")
        .ok_or_else(missing)?
        .to_str()
        .map_err(|_| missing())?
        .trim();
    if v.is_empty() || v.len() > 255 || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "IDEMPOTENCY_KEY_INVALID",
            "Idempotency-Key 应为 1—255 个可见 ASCII 字符",
            "the Idempotency-Key must be 1–255 visible ASCII characters",
        ));
    }
    Ok(v.to_owned())
}

/// Upload ids named in `documents` that the store does not have.
async fn unknown_uploads(s: &AppState, body: &Value) -> Result<HashSet<String>, ApiError> {
    let mut out = HashSet::new();
    if let Some(m) = body.get("documents").and_then(Value::as_object) {
        // One lookup per distinct file: a single scan may serve several checklist items.
        let ids: HashSet<&str> = m
            .values()
            .filter_map(Value::as_str)
            .filter(|id| filing::is_upload_id(id))
            .collect();
        for id in ids {
            if !s.upload_known(id).await? {
                out.insert(id.to_owned());
            }
        }
    }
    Ok(out)
}

/// Checks a whole filing body, including that every document was uploaded.
async fn check_body(s: &AppState, body: Value) -> Result<filing::Checked, ApiError> {
    let unknown = unknown_uploads(s, &body).await?;
    let upload_problems: Vec<FieldProblem> = body
        .get("documents")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v.as_str().is_some_and(|id| unknown.contains(id)))
                .map(|(k, _)| {
                    FieldProblem::new(
                        format!("documents.{k}"),
                        "unknown_upload",
                        "未找到该上传文件，请重新上传",
                        "no such upload; upload the file again",
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    match filing::check(&s.engine, body, s.today(), &s.now()) {
        Ok(c) if upload_problems.is_empty() => Ok(c),
        Ok(_) => Err(ApiError::invalid(upload_problems)),
        Err(ApiError::Invalid {
            code,
            title,
            mut problems,
        }) => {
            problems.extend(upload_problems);
            Err(ApiError::Invalid {
                code,
                title,
                problems,
            })
        }
        Err(e) => Err(e),
    }
}

fn receipt_draft(
    s: &AppState,
    ruleset: &str,
    scope: &str,
    high_risk: bool,
    valid_until: Option<String>,
) -> Result<ReceiptDraft, ApiError> {
    Ok(ReceiptDraft {
        ruleset: ruleset.to_owned(),
        scope: scope.to_owned(),
        high_risk,
        valid_until: valid_until
            .ok_or_else(|| ApiError::internal("decided assessment without valid_until"))?,
        issued_at: s.now(),
        day: compact(s.today()),
    })
}

/// File a registration (登记申报). Not high risk and 快速受理 on for the street → `registered` at once
/// with the receipt; otherwise `filed`, awaiting an officer by `acceptance_due`.
#[utoipa::path(post, path = "/api/v1/registrations", tag = "registrations",
    params(("Idempotency-Key" = String, Header, description = "client-chosen key; replays return the same result")),
    request_body(content = Object, description = "the filing (see API.md)"),
    responses((status = 201, description = "filed or registered", body = FiledView),
              (status = 400, description = "no Idempotency-Key or malformed JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, description = "same key still in flight", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "INVALID_FILING (every problem), NOT_REGISTRABLE, IDEMPOTENCY_MISMATCH", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let value: Value = crate::error::parse_json_value(&body)?;
    let hash = filing::request_hash(&value);
    let _inflight = s.begin(&key).ok_or(ApiError::IdempotencyInFlight)?;
    // A key seen before is answered as it was the first time. Where the store gives a replay's
    // numbers back, a new key (the usual case) saves this lookup: the insert itself finds a replay.
    // A replay whose body would not pass today's check (a rule or date that moved on) is still
    // answered with its receipt: the lookup runs whenever the check refuses.
    let looked_up = !s.store.replay_leaves_no_gap();
    if looked_up {
        if let Some((h, no)) = s.store.find_idempotent(&key).await? {
            return replay(&s, &key, &hash, &h, &no).await;
        }
    }
    let c = match check_body(&s, value).await {
        Ok(c) => c,
        Err(e) => {
            if !looked_up {
                if let Some((h, no)) = s.store.find_idempotent(&key).await? {
                    return replay(&s, &key, &hash, &h, &no).await;
                }
            }
            return Err(e);
        }
    };
    let now = s.now();
    let today = s.today();
    let registered = !c.high_risk && s.fast_accept(&c.street);
    let mut events = vec![applicant_event(now.clone(), "filed", None, None)];
    let receipt = if registered {
        events.push(Event {
            at: now.clone(),
            actor: "system".into(),
            actor_name: None,
            action: "registered".into(),
            reason: Some("快速受理 / fast acceptance".into()),
            data: None,
        });
        Some(receipt_draft(
            &s,
            &c.ruleset_id,
            c.scope,
            c.high_risk,
            c.valid_until.clone(),
        )?)
    } else {
        None
    };
    let nf = NewFiling {
        street: c.street.clone(),
        day: compact(today),
        created_at: now,
        filed_on: today.to_string(),
        idempotency_key: key.clone(),
        request_hash: hash.clone(),
        status: if registered {
            Status::Registered
        } else {
            Status::Filed
        },
        high_risk: c.high_risk,
        scope: c.scope.to_owned(),
        acceptance_due: c.acceptance_due.clone(),
        request: c.filing.to_json(),
        assessment: c.assessment.to_string(),
        events,
        receipt,
    };
    match s.store.create_filing(nf).await? {
        Created::New(rec) => {
            tracing::debug!(filing_no = %rec.filing_no, status = rec.status.as_str(), "filing stored");
            filed_response(&s, &rec, &key)
        }
        Created::Existing {
            request_hash,
            filing_no,
        } => replay(&s, &key, &hash, &request_hash, &filing_no).await,
    }
}

async fn replay(
    s: &AppState,
    key: &str,
    hash: &str,
    stored_hash: &str,
    filing_no: &str,
) -> Result<Response, ApiError> {
    if hash != stored_hash {
        return Err(ApiError::IdempotencyMismatch);
    }
    let rec = load(s, filing_no).await?;
    let mut resp = filed_response(s, &rec, key)?;
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(resp)
}

/// The registration with its history, receipt, assessment and the request as filed.
#[utoipa::path(get, path = "/api/v1/registrations/{filing_no}", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = RegistrationView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = load(&s, &no).await?;
    caller(&s, &headers, &rec).await?;
    Ok(Json(view(&s, &rec)?))
}

/// The applicant answers a return with the whole corrected filing.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/resubmission", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = Object),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn resubmit(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = load(&s, &no).await?;
    applicant(&s, &headers, &rec).await?;
    if rec.status != Status::Returned {
        return Err(ApiError::state(
            "只有被退回的申报才能补正后重新提交",
            "only a returned filing can be resubmitted",
        ));
    }
    let value: Value = crate::error::parse_json_value(&body)?;
    let hash = filing::request_hash(&value);
    let c = check_body(&s, value).await?;
    if c.street != rec.street {
        return Err(ApiError::invalid(vec![FieldProblem::new(
            "site.street",
            "immutable",
            format!("不能改为其他街道（原为 {}）；请另行申报", rec.street),
            format!(
                "cannot move to another street (was {}); file anew",
                rec.street
            ),
        )]));
    }
    let now = s.now();
    let registered = !c.high_risk && s.fast_accept(&c.street);
    let mut u = FilingUpdate::new(
        &rec,
        if registered {
            Status::Registered
        } else {
            Status::Filed
        },
        now.clone(),
        applicant_event(
            now,
            "resubmitted",
            registered.then(|| "快速受理 / fast acceptance".to_owned()),
            None,
        ),
    );
    u.filed_on = Some(s.today().to_string());
    u.request = Some(c.filing.to_json());
    u.request_hash = Some(hash);
    u.assessment = Some(c.assessment.to_string());
    u.high_risk = Some(c.high_risk);
    u.scope = Some(c.scope.to_owned());
    u.acceptance_due = Some(c.acceptance_due.clone());
    u.requested_changes = Some(None);
    if registered {
        u.receipt = ReceiptOp::Issue(receipt_draft(
            &s,
            &c.ruleset_id,
            c.scope,
            c.high_risk,
            c.valid_until.clone(),
        )?);
    }
    let rec = s.store.update_filing(u).await?;
    Ok(Json(view(&s, &rec)?))
}

// ---------------------------------------------------------------------------------------------------
// Officers

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct NoteBody {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    pub reason: String,
    /// Revocation only: `false_filing` (虚假申报), `permit_evasion` (刻意规避施工许可证办理),
    /// `beyond_scope` (超出登记范围施工), `illegal_construction` (违法建设) — 第二十五条.
    #[serde(default)]
    pub ground: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeIn {
    pub field: String,
    pub message: Msg,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnBody {
    pub changes: Vec<ChangeIn>,
}

fn optional_body<T: serde::de::DeserializeOwned + Default>(b: &[u8]) -> Result<T, ApiError> {
    if b.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(b)
    }
}

fn reason(text: &str, field: &str) -> Result<String, ApiError> {
    validate::text(text, 1000)
        .map_err(|e| ApiError::invalid_request(vec![FieldProblem::new(field, e.rule, e.zh, e.en)]))
}

async fn officer_and_filing(
    s: &AppState,
    h: &HeaderMap,
    no: &str,
) -> Result<(Officer, FilingRecord), ApiError> {
    let o = officer(s, h).await?;
    let rec = load(s, no).await?;
    scope_check(&o, &rec)?;
    Ok((o, rec))
}

/// An officer of the street accepts a filed registration: it becomes `registered` and the receipt is issued.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/acceptance", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = NoteBody),
    responses((status = 200, body = RegistrationView), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn accept(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let (o, rec) = officer_and_filing(&s, &headers, &no).await?;
    let b: NoteBody = optional_body(&body)?;
    let note = b.note.map(|n| reason(&n, "note")).transpose()?;
    if rec.status != Status::Filed {
        return Err(ApiError::state(
            format!("当前状态为 {}，只能受理待受理的申报", rec.status.as_str()),
            format!(
                "the filing is {}; only a filed one can be accepted",
                rec.status.as_str()
            ),
        ));
    }
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let filed_on = Date::parse(&rec.filed_on).ok_or_else(|| ApiError::internal("bad filed_on"))?;
    let today = s.today();
    // Decided again with the registration date: the validity runs from today (第二十五条).
    let a = filing::decide(&s.engine, &f.facts, filed_on, Some(today.max(filed_on)))
        .map_err(|_| ApiError::internal("stored facts no longer decide"))?;
    let draft = receipt_draft(
        &s,
        a.ruleset.id,
        &rec.scope,
        rec.high_risk,
        a.deadlines.valid_until.map(|d| d.to_string()),
    )?;
    let now = s.now();
    let mut u = FilingUpdate::new(
        &rec,
        Status::Registered,
        now.clone(),
        officer_event(&o, now, "accepted", note, None),
    );
    u.assessment = Some(serde_json::to_string(&a).map_err(ApiError::internal)?);
    u.receipt = ReceiptOp::Issue(draft);
    let rec = s.store.update_filing(u).await?;
    Ok(Json(view(&s, &rec)?))
}

/// An officer returns a filing with every requested change at once (一次性告知).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/return", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = ReturnBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn return_filing(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let (o, rec) = officer_and_filing(&s, &headers, &no).await?;
    let b: ReturnBody = parse_json(&body)?;
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    if b.changes.is_empty() || b.changes.len() > 100 {
        problems.push(FieldProblem::new(
            "changes",
            "length",
            "请列出 1—100 项需补正的内容",
            "list 1–100 requested changes",
        ));
    }
    for (i, c) in b.changes.iter().enumerate() {
        let field = validate::text(&c.field, 200)
            .map_err(|e| {
                problems.push(FieldProblem::new(
                    format!("changes.{i}.field"),
                    e.rule,
                    e.zh,
                    e.en,
                ))
            })
            .ok();
        let zh = validate::text(&c.message.zh, 1000)
            .map_err(|e| {
                problems.push(FieldProblem::new(
                    format!("changes.{i}.message.zh"),
                    e.rule,
                    e.zh,
                    e.en,
                ))
            })
            .ok();
        let en = if c.message.en.trim().is_empty() {
            zh.clone()
        } else {
            validate::text(&c.message.en, 1000)
                .map_err(|e| {
                    problems.push(FieldProblem::new(
                        format!("changes.{i}.message.en"),
                        e.rule,
                        e.zh,
                        e.en,
                    ))
                })
                .ok()
        };
        if let (Some(field), Some(zh), Some(en)) = (field, zh, en) {
            changes.push(serde_json::json!({ "field": field, "message": { "zh": zh, "en": en } }));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    if rec.status != Status::Filed {
        return Err(ApiError::state(
            "只能退回待受理的申报",
            "only a filed registration can be returned",
        ));
    }
    let changes = Value::Array(changes);
    let now = s.now();
    let mut u = FilingUpdate::new(
        &rec,
        Status::Returned,
        now.clone(),
        officer_event(
            &o,
            now,
            "returned",
            None,
            Some(serde_json::json!({ "changes": changes })),
        ),
    );
    u.requested_changes = Some(Some(changes.to_string()));
    let rec = s.store.update_filing(u).await?;
    Ok(Json(view(&s, &rec)?))
}

/// An officer refuses a filing (e.g. it needs a permit or is prohibited), with the reason.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/refusal", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem)))]
pub async fn refuse(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let (o, rec) = officer_and_filing(&s, &headers, &no).await?;
    let b: ReasonBody = parse_json(&body)?;
    let why = reason(&b.reason, "reason")?;
    if !matches!(rec.status, Status::Filed | Status::Returned) {
        return Err(ApiError::state(
            "只能不予登记待受理或已退回的申报",
            "only a filed or returned filing can be refused",
        ));
    }
    let now = s.now();
    let rec = s
        .store
        .update_filing(FilingUpdate::new(
            &rec,
            Status::Refused,
            now.clone(),
            officer_event(&o, now, "refused", Some(why), None),
        ))
        .await?;
    Ok(Json(view(&s, &rec)?))
}

const REVOCATION_GROUNDS: [&str; 4] = [
    "false_filing",
    "permit_evasion",
    "beyond_scope",
    "illegal_construction",
];

/// An officer revokes a registration (第二十五条), with the reason.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/revocation", tag = "officers",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = ReasonBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let (o, rec) = officer_and_filing(&s, &headers, &no).await?;
    let b: ReasonBody = parse_json(&body)?;
    let why = reason(&b.reason, "reason")?;
    if let Some(g) = &b.ground {
        if !REVOCATION_GROUNDS.contains(&g.as_str()) {
            return Err(ApiError::invalid_request(vec![FieldProblem::new(
                "ground",
                "code",
                format!("撤销理由代码应为 {}", REVOCATION_GROUNDS.join("、")),
                format!("ground must be one of {}", REVOCATION_GROUNDS.join(", ")),
            )]));
        }
    }
    if !rec.status.is_live() {
        return Err(ApiError::state(
            "只能撤销有效的登记",
            "only a registration in force can be revoked",
        ));
    }
    let now = s.now();
    let data = b.ground.map(|g| serde_json::json!({ "ground": g }));
    let rec = s
        .store
        .update_filing(FilingUpdate::new(
            &rec,
            Status::Revoked,
            now.clone(),
            officer_event(&o, now, "revoked", Some(why), data),
        ))
        .await?;
    Ok(Json(view(&s, &rec)?))
}

// ---------------------------------------------------------------------------------------------------
// Applicant after registration

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExtensionBody {
    pub new_valid_until: String,
}

/// Extend a registration: only inside the window (the 15 days ending on `valid_until`, 第二十五条),
/// to at most `validity_months` past the current `valid_until` (product policy: once per window).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/extension", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = ExtensionBody),
    responses((status = 200, body = RegistrationView), (status = 409, description = "outside the window", body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn extend(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = load(&s, &no).await?;
    applicant(&s, &headers, &rec).await?;
    let b: ExtensionBody = parse_json(&body)?;
    let new = Date::parse(&b.new_valid_until).ok_or_else(|| {
        ApiError::invalid_request(vec![FieldProblem::new(
            "new_valid_until",
            "date",
            "应为有效日期 YYYY-MM-DD",
            "must be a real date YYYY-MM-DD",
        )])
    })?;
    let (Some(r), true) = (rec.receipt.as_ref(), rec.status.is_live()) else {
        return Err(ApiError::state(
            "只有有效的登记才能延期",
            "only a registration in force can be extended",
        ));
    };
    let current =
        Date::parse(&r.valid_until).ok_or_else(|| ApiError::internal("bad valid_until"))?;
    let today = s.today();
    let filed_on = Date::parse(&rec.filed_on).unwrap_or(today);
    let p = &s.engine.ruleset_for(filed_on).params;
    let window_start = current.add_days(1 - p.extension_window_days as i32);
    if today > current {
        return Err(ApiError::state(
            format!("登记已于 {current} 到期，请重新申报"),
            format!("the registration expired on {current}; file anew"),
        ));
    }
    if today < window_start {
        return Err(ApiError::state(
            format!(
                "延期须在有效期届满前 {} 日内（{window_start} 至 {current}）申请（第二十五条）",
                p.extension_window_days
            ),
            format!(
                "an extension can be requested only in the {} days before expiry ({window_start} to {current}) (Art. 25)",
                p.extension_window_days
            ),
        ));
    }
    let max = current.add_months_clamped(p.validity_months);
    if new <= current || new > max {
        return Err(ApiError::invalid_request(vec![FieldProblem::new(
            "new_valid_until",
            "range",
            format!(
                "新的有效期应晚于 {current}，且不超过 {max}（延长不超过 {} 个月）",
                p.validity_months
            ),
            format!(
                "the new end must be after {current} and no later than {max} (at most {} months more)",
                p.validity_months
            ),
        )]));
    }
    let now = s.now();
    let mut u = FilingUpdate::new(
        &rec,
        Status::Extended,
        now.clone(),
        applicant_event(
            now,
            "extended",
            None,
            Some(serde_json::json!({ "from": current.to_string(), "to": new.to_string() })),
        ),
    );
    u.receipt = ReceiptOp::Resign {
        valid_until: new.to_string(),
    };
    let rec = s.store.update_filing(u).await?;
    Ok(Json(view(&s, &rec)?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancellationBody {
    pub completion_date: String,
    /// Upload id of the waste-disposal record (第三十三条).
    pub waste_disposal_record: String,
}

/// 注销: after completion, with the waste-disposal record, due within 3 working days (第三十三条).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/cancellation", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = CancellationBody),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn cancel(
    State(s): State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    let rec = load(&s, &no).await?;
    applicant(&s, &headers, &rec).await?;
    let b: CancellationBody = parse_json(&body)?;
    let today = s.today();
    let (Some(r), true) = (rec.receipt.as_ref(), rec.status.is_live()) else {
        return Err(ApiError::state(
            "只有已登记的工程才能注销",
            "only a registered work can be cancelled",
        ));
    };
    let registered_on = r.issued_at.get(..10).and_then(Date::parse).unwrap_or(today);
    let mut problems = Vec::new();
    let completion = Date::parse(&b.completion_date);
    match completion {
        None => problems.push(FieldProblem::new(
            "completion_date",
            "date",
            "应为有效日期 YYYY-MM-DD",
            "must be a real date YYYY-MM-DD",
        )),
        Some(d) if d > today => problems.push(FieldProblem::new(
            "completion_date",
            "future",
            "完工日期不能晚于今天",
            "the completion date cannot be in the future",
        )),
        Some(d) if d < registered_on => problems.push(FieldProblem::new(
            "completion_date",
            "date_order",
            format!("完工日期不能早于登记日期（{registered_on}）"),
            format!("the completion date cannot be before registration ({registered_on})"),
        )),
        Some(_) => {}
    }
    if !filing::is_upload_id(&b.waste_disposal_record) {
        problems.push(FieldProblem::new(
            "waste_disposal_record",
            "upload_id",
            "应为上传文件编号（sha256:…）",
            "must be an upload id (sha256:…)",
        ));
    } else if !s.upload_known(&b.waste_disposal_record).await? {
        problems.push(FieldProblem::new(
            "waste_disposal_record",
            "unknown_upload",
            "未找到该上传文件，请重新上传",
            "no such upload; upload the file again",
        ));
    }
    let Some(completion) = completion.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let filed_on = Date::parse(&rec.filed_on).unwrap_or(today);
    let p = &s.engine.ruleset_for(filed_on).params;
    let due = s
        .engine
        .calendar()
        .add_working_days(completion, p.cancellation_working_days);
    let now = s.now();
    let data = serde_json::json!({
        "completion_date": completion.to_string(), "waste_disposal_record": b.waste_disposal_record,
        "cancellation_due": due.date.to_string(), "calendar_provisional": due.provisional, "late": today > due.date,
    });
    let rec = s
        .store
        .update_filing(FilingUpdate::new(
            &rec,
            Status::Cancelled,
            now.clone(),
            applicant_event(now, "cancelled", None, Some(data)),
        ))
        .await?;
    Ok(Json(view(&s, &rec)?))
}

// ---------------------------------------------------------------------------------------------------
// Ledger

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ListQuery {
    /// Defaults to the officer's street.
    pub street: Option<String>,
    /// filed, returned, registered, extended, expired, refused, cancelled, revoked.
    pub status: Option<String>,
    /// Filing date from (inclusive), YYYY-MM-DD.
    pub from: Option<String>,
    /// Filing date to (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// JSON only: continue after this filing number.
    pub after: Option<String>,
    /// JSON only: page size (≤ 500, default 100).
    pub limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LedgerRow {
    pub filing_no: String,
    pub receipt_no: Option<String>,
    pub status: String,
    pub street: String,
    pub filed_on: String,
    pub scope: String,
    pub high_risk: bool,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_mobile: String,
    pub site_address: String,
    pub community: String,
    pub contractor_name: String,
    pub contractor_credit_code: String,
    pub planned_start: String,
    pub planned_end: String,
    pub acceptance_due: String,
    pub valid_until: String,
    pub ruleset: String,
}

/// The few fields of a stored filing that a ledger row shows, borrowed from its JSON where possible
/// (everything else — facts, workers, documents — is skipped without being built).
#[derive(Deserialize)]
struct LedgerRequest<'a> {
    #[serde(borrow)]
    applicant: LedgerPerson<'a>,
    #[serde(borrow)]
    site: LedgerSite<'a>,
    #[serde(borrow)]
    contractor: LedgerContractor<'a>,
    #[serde(borrow)]
    planned_start: Cow<'a, str>,
    #[serde(borrow)]
    planned_end: Cow<'a, str>,
}

#[derive(Deserialize)]
struct LedgerPerson<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    id_number: Cow<'a, str>,
    #[serde(borrow)]
    mobile: Cow<'a, str>,
}

#[derive(Deserialize)]
struct LedgerSite<'a> {
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(borrow)]
    community: Cow<'a, str>,
}

#[derive(Deserialize)]
struct LedgerContractor<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    credit_code: Option<Cow<'a, str>>,
}

fn ledger_row(e: &LedgerEntry, today: Date) -> LedgerRow {
    let f: Option<LedgerRequest<'_>> = serde_json::from_str(&e.request).ok();
    let g = |pick: for<'r> fn(&'r LedgerRequest<'_>) -> &'r str| {
        f.as_ref().map(pick).unwrap_or_default().to_owned()
    };
    LedgerRow {
        filing_no: e.filing_no.clone(),
        receipt_no: e.receipt_no.clone(),
        status: status_on(e.status, e.valid_until.as_deref(), today).to_owned(),
        street: e.street.clone(),
        filed_on: e.filed_on.clone(),
        scope: e.scope.clone(),
        high_risk: e.high_risk,
        applicant_name: g(|f| &f.applicant.name),
        // The ledger leaves the system: identity numbers masked even for officers (data minimisation).
        applicant_id_number: f
            .as_ref()
            .map(|f| validate::mask_id(&f.applicant.id_number))
            .unwrap_or_default(),
        applicant_mobile: g(|f| &f.applicant.mobile),
        site_address: g(|f| &f.site.address),
        community: g(|f| &f.site.community),
        contractor_name: g(|f| &f.contractor.name),
        contractor_credit_code: g(|f| f.contractor.credit_code.as_deref().unwrap_or_default()),
        planned_start: g(|f| &f.planned_start),
        planned_end: g(|f| &f.planned_end),
        acceptance_due: e.acceptance_due.clone().unwrap_or_default(),
        valid_until: e.valid_until.clone().unwrap_or_default(),
        ruleset: e.ruleset.clone().unwrap_or_default(),
    }
}

const CSV_HEADER: &str = "登记编号 filing_no,回执编号 receipt_no,状态 status,街道 street,申报日期 filed_on,类别 scope,高风险 high_risk,\
申报人 applicant,身份证号 id_number,手机 mobile,工程地址 site_address,社区 community,施工单位 contractor,统一社会信用代码 credit_code,\
计划开工 planned_start,计划完工 planned_end,受理期限 acceptance_due,有效期至 valid_until,规则版本 ruleset\r\n";

/// One CSV field: quoted when needed; cells that a spreadsheet would run as a formula are defused.
fn csv_field(out: &mut String, v: &str) {
    let formula = v.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = v.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        for (i, part) in v.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Appends one ledger row as a CSV line.
fn csv_line(s: &mut String, r: &LedgerRow) {
    let hr = if r.high_risk { "是 yes" } else { "否 no" };
    let fields = [
        r.filing_no.as_str(),
        r.receipt_no.as_deref().unwrap_or(""),
        &r.status,
        &r.street,
        &r.filed_on,
        &r.scope,
        hr,
        &r.applicant_name,
        &r.applicant_id_number,
        &r.applicant_mobile,
        &r.site_address,
        &r.community,
        &r.contractor_name,
        &r.contractor_credit_code,
        &r.planned_start,
        &r.planned_end,
        &r.acceptance_due,
        &r.valid_until,
        &r.ruleset,
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        csv_field(s, f);
    }
    s.push_str("\r\n");
}

/// The officers' ledger (台账), scoped to their street. `Accept: text/csv` streams the whole ledger.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "officers", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, description = "JSON page `{items, next_after}` or CSV (Accept: text/csv)", body = Object)))]
pub async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let o = officer(&s, &headers).await?;
    let street = match q.street.clone() {
        Some(st) => {
            if !covers(&o, &st) {
                return Err(ApiError::forbidden(
                    "只能查看本街道的登记",
                    "you can only list your own street",
                ));
            }
            Some(st)
        }
        None if o.street == "*" => None,
        None => Some(o.street.clone()),
    };
    let mut problems = Vec::new();
    for (name, v) in [("from", &q.from), ("to", &q.to)] {
        if v.as_deref().is_some_and(|d| Date::parse(d).is_none()) {
            problems.push(FieldProblem::new(
                name,
                "date",
                "应为有效日期 YYYY-MM-DD",
                "must be a real date YYYY-MM-DD",
            ));
        }
    }
    let status = q.status.clone();
    if let Some(st) = &status {
        if Status::parse(st).is_none() && st != "expired" {
            problems.push(FieldProblem::new(
                "status",
                "code",
                "未知的状态",
                "unknown status",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let filter = ListFilter {
        street,
        from: q.from.clone(),
        to: q.to.clone(),
    };
    let today = s.today();
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    let keep = move |e: &LedgerEntry| {
        status
            .as_deref()
            .is_none_or(|st| status_on(e.status, e.valid_until.as_deref(), today) == st)
    };
    if wants_csv {
        return Ok(csv_stream(s.clone(), filter, keep));
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let mut items = Vec::new();
    let mut after = q.after.clone();
    let mut next_after = None;
    'pages: loop {
        let page = s
            .store
            .ledger_page(filter.clone(), after.clone(), LEDGER_PAGE)
            .await?;
        for e in page.entries {
            if keep(&e) {
                items.push(ledger_row(&e, today));
                if items.len() as u32 == limit {
                    next_after = Some(e.filing_no);
                    break 'pages;
                }
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        // A page is read on this thread (SQLite): let other requests run between pages of a long
        // listing (a status filter few rows match reads the whole ledger).
        tokio::task::yield_now().await;
    }
    Ok(Json(serde_json::json!({ "items": items, "next_after": next_after })).into_response())
}

fn csv_stream(
    s: AppState,
    filter: ListFilter,
    keep: impl Fn(&LedgerEntry) -> bool + Clone + Send + 'static,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        // UTF-8 BOM so spreadsheet programs read the Chinese headers correctly.
        if tx
            .send(Ok(bytes::Bytes::from(format!("\u{FEFF}{CSV_HEADER}"))))
            .await
            .is_err()
        {
            return;
        }
        let today = s.today();
        let mut after = None;
        loop {
            let page = match s
                .store
                .ledger_page(filter.clone(), after.clone(), LEDGER_PAGE)
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "ledger export failed");
                    let _ = tx
                        .send(Err(std::io::Error::other("ledger export failed")))
                        .await;
                    return;
                }
            };
            let LedgerPage { entries, next } = page;
            // Formatting parses each row's stored JSON: bulk work, at low priority.
            let keep = keep.clone();
            let chunk = s
                .bulk
                .run(move || {
                    let mut chunk = String::with_capacity(entries.len() * 320);
                    for e in entries.iter().filter(|e| keep(e)) {
                        csv_line(&mut chunk, &ledger_row(e, today));
                    }
                    chunk
                })
                .await;
            let Ok(chunk) = chunk else {
                tracing::error!("ledger export failed: the export thread stopped");
                let _ = tx
                    .send(Err(std::io::Error::other("ledger export failed")))
                    .await;
                return;
            };
            if !chunk.is_empty() && tx.send(Ok(bytes::Bytes::from(chunk))).await.is_err() {
                return;
            }
            match next {
                Some(next) => after = Some(next),
                None => return,
            }
        }
    });
    let mut resp = Response::new(Body::new(crate::body::ChannelBody(rx)));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"anbei-ledger.csv\""),
    );
    resp
}
