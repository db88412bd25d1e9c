//! Filing (登记申报) with its Idempotency-Key, resubmission after a return, and reading a registration.

use super::views::{RegistrationView, filed_response, view};
use super::{commit, context, step};
use crate::app::AppState;
use crate::auth::{Applicant, Caller, ClientAddr, Reader};
use crate::clock::compact;
use crate::error::{ApiBody, ApiError, FieldProblem, Msg};
use crate::filing;
use crate::lifecycle::{self, Action, Actor, Context, Status};
use crate::messages::{Key, Lang};
use crate::store::{Created, NewFiling, ReceiptDraft, ReceiptOp};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use serde_json::Value;
use std::collections::HashSet;

fn idempotency_key(h: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::bad_request(
            "IDEMPOTENCY_KEY_REQUIRED",
            Msg::of(Key::IdempotencyKeyRequired),
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
            Msg::of(Key::IdempotencyKeyInvalid),
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
                    FieldProblem::msg(
                        format!("documents.{k}"),
                        "unknown_upload",
                        Msg::of(Key::UnknownUpload),
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

/// The receipt a checked filing gets when it is registered now.
pub(super) fn receipt_draft(
    s: &AppState,
    ruleset: &str,
    scope: &str,
    high_risk: bool,
    valid_until: Option<String>,
    site: &anbei_filing::Site,
) -> Result<ReceiptDraft, ApiError> {
    Ok(ReceiptDraft {
        site: crate::signing::site_text(&site.address, &site.community),
        ruleset: ruleset.to_owned(),
        scope: scope.to_owned(),
        high_risk,
        valid_until: valid_until
            .ok_or_else(|| ApiError::internal("decided assessment without valid_until"))?,
        issued_at: s.now(),
        day: compact(s.today()),
    })
}

fn checked_receipt(s: &AppState, c: &filing::Checked) -> Result<ReceiptDraft, ApiError> {
    receipt_draft(
        s,
        &c.ruleset_id,
        c.scope,
        c.high_risk,
        c.valid_until.clone(),
        &c.filing.site,
    )
}

/// The reason recorded with 快速受理, in both languages ("快速受理 / fast acceptance").
fn fast_acceptance() -> String {
    format!(
        "{} / {}",
        Lang::ZhCn.text(Key::FastAcceptance),
        Lang::En.text(Key::FastAcceptance)
    )
}

/// File a registration (登记申报). Not high risk and 快速受理 on for the street → `registered` at once
/// with the receipt; otherwise `filed`, awaiting an officer by `acceptance_due`.
#[utoipa::path(post, path = "/api/v1/registrations", tag = "registrations",
    params(("Idempotency-Key" = String, Header, description = "client-chosen key; replays return the same result")),
    request_body(content = Object, description = "the filing (see API.md)"),
    responses((status = 201, description = "filed or registered", body = super::FiledView),
              (status = 400, description = "no Idempotency-Key or malformed JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, description = "same key still in flight", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "INVALID_FILING (every problem), NOT_REGISTRABLE, IDEMPOTENCY_MISMATCH", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    // Only its hash is kept, and the access codes are derived from that (issue 16, item 5).
    let key = crate::tokens::stored_idempotency_key(&idempotency_key(&headers)?);
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
    let cx = Context {
        today,
        high_risk: c.high_risk,
        street_fast_accept: s.fast_accept(&c.street),
        validity: None,
    };
    let mut status = lifecycle::decide(None, Action::File, Actor::Applicant, &cx)?;
    let mut events = vec![lifecycle::event(
        now.clone(),
        Actor::Applicant,
        None,
        Action::File,
        None,
        None,
    )];
    let mut receipt = None;
    // 快速受理: the system registers at once where the table lets it.
    if let Ok(next) = lifecycle::decide(Some(status), Action::Register, Actor::System, &cx) {
        status = next;
        events.push(lifecycle::event(
            now.clone(),
            Actor::System,
            None,
            Action::Register,
            Some(fast_acceptance()),
            None,
        ));
        receipt = Some(checked_receipt(&s, &c)?);
    }
    let outbox = crate::notify::for_new(
        &s,
        &c.street,
        c.filing.lang.as_deref(),
        &now,
        status,
        receipt
            .as_ref()
            .map(|r: &ReceiptDraft| r.valid_until.as_str()),
        Some(c.filing.planned_end.as_str()),
    )?;
    // The request as stored, and where its personal values are: the store encrypts them in place.
    let (request, marks) = c
        .filing
        .to_json_marking(&crate::store::fieldcrypt::is_personal);
    let documents =
        crate::store::fieldcrypt::upload_ids(c.filing.documents.iter().map(|(_, id)| id));
    let nf = NewFiling {
        street: c.street.clone(),
        day: compact(today),
        created_at: now,
        filed_on: today.to_string(),
        idempotency_key: key.clone(),
        request_hash: hash.clone(),
        status,
        high_risk: c.high_risk,
        scope: c.scope.to_owned(),
        acceptance_due: c.acceptance_due.clone(),
        request,
        assessment: c.assessment.to_string(),
        events,
        receipt,
        columns: c.columns.clone(),
        audit: vec![crate::auth::applicant_audit(&s, &client, "filed", "")],
        outbox,
        request_marks: Some(crate::store::RequestMarks { marks, documents }),
    };
    match s.store.create_filing(nf).await? {
        Created::New(rec) => {
            s.outbox_wake.notify_one();
            if rec.receipt.is_some() {
                crate::ops::metrics::receipt_issued();
            }
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
    let rec = s
        .store
        .get_filing(filing_no)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The codes again only within 24 h of the original request, and only while they are the ones in
    // force (not re-issued by an officer since); after that the filing number and "use your access code".
    let age_min = crate::clock::minutes_between(&rec.created_at, &s.now()).unwrap_or(i64::MAX);
    let in_force = crate::signing::ct_eq(
        crate::signing::sha256_hex(
            s.signer
                .access_token(&rec.created_at, &rec.filing_no, key)
                .as_bytes(),
        )
        .as_bytes(),
        rec.access_token_hash.as_bytes(),
    );
    let mut resp = if age_min <= crate::tokens::REPLAY_WINDOW_MS / 60_000 && in_force {
        filed_response(s, &rec, key)?
    } else {
        axum::response::IntoResponse::into_response(Json(serde_json::json!({
            "filing_no": rec.filing_no,
            "status": crate::routes::registrations::effective_state(&rec, s.today()),
            "access_token": null,
            "contractor_access_token": null,
            "token_withheld": true,
            "message": Msg::of(Key::AccessTokenWithheld),
        })))
    };
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(resp)
}

/// The registration with its history, receipt, assessment and the request as filed.
#[utoipa::path(get, path = "/api/v1/registrations/{filing_no}", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = RegistrationView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(s): State<AppState>,
    Reader { rec, caller }: Reader,
) -> Result<Json<RegistrationView>, ApiError> {
    let m = s.store.manage_of(&rec.filing_no).await?;
    let mut v = match &caller {
        Caller::Applicant { client } => {
            s.store
                .staff_write(
                    vec![],
                    vec![crate::auth::applicant_audit(
                        &s,
                        client,
                        "registration_read",
                        &rec.filing_no,
                    )],
                )
                .await?;
            view(&s, &rec)?
        }
        Caller::Contractor { client } => {
            s.store
                .staff_write(
                    vec![],
                    vec![crate::auth::party_audit(
                        &s,
                        client,
                        crate::lifecycle::Actor::Contractor,
                        "registration_read",
                        &rec.filing_no,
                    )],
                )
                .await?;
            super::views::contractor_view(&s, &rec)?
        }
        Caller::Staff(o) => {
            o.record(&s, "registration_read", &rec.filing_no, None)
                .await?;
            super::views::staff_view(&s, &rec, o)?
        }
    };
    let staff = matches!(caller, Caller::Staff(_));
    v.inspections = Some(crate::inspections::views(&s, &rec, &m, staff)?);
    v.management = Some(crate::inspections::management(&m));
    if !matches!(caller, Caller::Applicant { .. }) {
        let (feedback, records) = crate::inspections::site_record_views(&m, staff);
        v.site_records = Some(records);
        v.feedback = staff.then_some(feedback);
    }
    Ok(Json(v))
}

/// The applicant answers a return with the whole corrected filing (第二十七条第（三）项).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/resubmission", tag = "registrations",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = Object),
    responses((status = 200, body = RegistrationView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn resubmit(
    State(s): State<AppState>,
    Applicant { rec, client }: Applicant,
    ApiBody(body): ApiBody,
) -> Result<Json<RegistrationView>, ApiError> {
    // Asked first as the stored filing stands (409 before the body is checked); again below with the
    // corrected filing's own high risk, which decides 快速受理.
    let mut cx = context(&s, &rec)?;
    step(&s, &rec, Action::Resubmit, Actor::Applicant, None, &cx)?;
    let value: Value = crate::error::parse_json_value(&body)?;
    let hash = filing::request_hash(&value);
    let c = check_body(&s, value).await?;
    if c.street != rec.street {
        return Err(ApiError::invalid(vec![FieldProblem::msg(
            "site.street",
            "immutable",
            Msg::with(Key::StreetImmutable, &[("street", &rec.street)]),
        )]));
    }
    cx.high_risk = c.high_risk;
    let mut u = step(&s, &rec, Action::Resubmit, Actor::Applicant, None, &cx)?;
    let registered = u.status == Status::Registered;
    u.event.reason = registered.then(fast_acceptance);
    u.filed_on = Some(s.today().to_string());
    u.request = Some(c.filing.to_json());
    u.request_hash = Some(hash);
    u.assessment = Some(c.assessment.to_string());
    u.high_risk = Some(c.high_risk);
    u.scope = Some(c.scope.to_owned());
    u.acceptance_due = Some(c.acceptance_due.clone());
    u.requested_changes = Some(None);
    u.columns = Some(c.columns.clone());
    u.audit = vec![crate::auth::applicant_audit(
        &s,
        &client,
        "resubmitted",
        &rec.filing_no,
    )];
    if registered {
        u.receipt = ReceiptOp::Issue(checked_receipt(&s, &c)?);
    }
    commit(&s, &rec, u).await
}
