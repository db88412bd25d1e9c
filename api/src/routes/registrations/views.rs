//! How a registration is shown: to its applicant or an officer ([`RegistrationView`]), in the answer
//! to a filing ([`FiledView`]), and its receipt ([`ReceiptView`]).

use crate::app::AppState;
use crate::error::ApiError;
use crate::lifecycle::{State, Status};
use crate::store::{Event, FilingRecord, Receipt};
use anbei_core::Date;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

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
    /// The printable receipt and notice, with the verification code (without it they show nothing).
    pub print_url: String,
    pub notice_url: String,
    /// Printed beside the QR code and carried in it (`XXXX-XXXX`): the public lookup shows what the
    /// receipt covers only with it (issue 16, item 2). Derived, not stored.
    pub verification_code: String,
    /// The payload version of the signature (2: covers the filing number and the site; 1: older).
    pub payload_version: i64,
    /// Ed25519, base64url, over `payload`.
    pub signature: String,
    pub kid: String,
    pub payload: String,
    /// The string encoded in the printed QR code.
    pub qr_payload: String,
}

/// The receipt `r` of a filing created at `created_at` (which chooses its verification code's secret).
pub fn receipt_view(s: &AppState, r: &Receipt, created_at: &str) -> ReceiptView {
    let code = s.signer.verification_code(created_at, &r.receipt_no);
    let verify_url = format!("/api/v1/receipts/{}/verify?code={code}", r.receipt_no);
    let payload = r.payload().canonical();
    ReceiptView {
        // The scan page (`/v/…`, HTML for the inspector's phone) with the verification code; the
        // fragment stays on the phone and lets the page check the printed signature itself.
        qr_payload: format!(
            "{}/v/{}?c={code}#{payload};{};{}",
            s.cfg.public_url.trim_end_matches('/'),
            r.receipt_no,
            r.kid,
            r.signature
        ),
        verification_code: crate::signing::format_code(&code),
        payload_version: r.version,
        receipt_no: r.receipt_no.clone(),
        ruleset: r.ruleset.clone(),
        scope: r.scope.clone(),
        high_risk: r.high_risk,
        street: r.street.clone(),
        valid_until: r.valid_until.clone(),
        issued_at: r.issued_at.clone(),
        print_url: format!("/receipts/{}?c={code}", r.receipt_no),
        notice_url: format!("/receipts/{}/notice?c={code}", r.receipt_no),
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
    #[schema(inline)]
    pub status: State,
    /// Shown here only: the applicant's bearer token for this filing (stored as a hash).
    pub access_token: String,
    /// Shown here only, for the applicant to hand to the contractor named in the filing: its own
    /// access code (rules.md §10, *product policy*) — it answers findings, declares completion and
    /// reads the registration with ID numbers masked; it cannot extend. Derived, never stored.
    pub contractor_access_token: String,
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
    #[schema(inline)]
    pub status: State,
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
    /// Staff only: what this account may do to it now (`accept`, `return`, `refuse`, `revoke`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<&'static str>>,
    /// `GET` only: its inspections with their checklists and findings (rules.md §9; the inspector's
    /// name for staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspections: Option<Vec<crate::inspections::InspectionView>>,
    /// `GET` only: `referred`, `under_rectification` or `null` (see `inspections`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management: Option<Option<&'static str>>,
    /// `GET`, staff and the contractor: what the contractor added under management (site photos,
    /// worker changes, rectification evidence, the waste-disposal record; rules.md §10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_records: Option<Vec<crate::inspections::SiteRecordView>>,
    /// `GET`, staff only: the district departments' supervisory-check feedback (第三十一条).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Vec<crate::inspections::SiteRecordView>>,
}

/// The state a registration is in now: a registration past `valid_until` has expired.
pub fn effective_state(rec: &FilingRecord, today: Date) -> State {
    state_on(
        rec.status,
        rec.receipt.as_ref().map(|r| r.valid_until.as_str()),
        today,
    )
}

/// The state on `today` of a registration stored as `status`, valid until `valid_until` (as stored).
pub fn state_on(status: Status, valid_until: Option<&str>, today: Date) -> State {
    State::on(status, valid_until.and_then(Date::parse), today)
}

/// A registration as its applicant sees it: the history names the street office, never an officer's
/// account (rules.md §10, issue 13).
pub fn view(s: &AppState, rec: &FilingRecord) -> Result<RegistrationView, ApiError> {
    let mut v = full_view(s, rec)?;
    for e in &mut v.history {
        e.actor_name = None;
    }
    Ok(v)
}

/// A registration as the contractor named in it sees it (its own access code, rules.md §10): the
/// applicant's view with every ID number, certificate number and mobile masked — the contractor needs
/// the work and its findings, not the applicant's personal data.
pub fn contractor_view(s: &AppState, rec: &FilingRecord) -> Result<RegistrationView, ApiError> {
    let mut v = view(s, rec)?;
    mask_people(&mut v.request);
    Ok(v)
}

/// A registration as a staff account covering it sees it: who did what, and what it may do now. A
/// patrol account reads it masked (rules.md §10: "masked except what the checklist needs").
pub fn staff_view(
    s: &AppState,
    rec: &FilingRecord,
    o: &crate::auth::Officer,
) -> Result<RegistrationView, ApiError> {
    use crate::lifecycle::{Action, decide};
    let mut v = full_view(s, rec)?;
    let cx = super::context(s, rec)?;
    v.allowed_actions = Some(
        [
            Action::Accept,
            Action::Return,
            Action::Refuse,
            Action::Revoke,
        ]
        .into_iter()
        .filter(|a| decide(Some(rec.status), *a, o.actor(), &cx).is_ok())
        .map(|a| match a {
            Action::Accept => "accept",
            Action::Return => "return",
            Action::Refuse => "refuse",
            _ => "revoke",
        })
        .collect(),
    );
    if o.role == crate::lifecycle::Role::Patrol {
        mask_people(&mut v.request);
    }
    Ok(v)
}

/// ID numbers and mobiles of every person in a stored filing, masked as the public pages mask them.
fn mask_people(request: &mut Value) {
    use anbei_filing::ids::{mask_id, mask_mobile};
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    match (k.as_str(), x.as_str()) {
                        ("id_number" | "certificate_no", Some(t)) => *x = Value::from(mask_id(t)),
                        ("mobile", Some(t)) => *x = Value::from(mask_mobile(t)),
                        _ => walk(x),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(request);
}

fn full_view(s: &AppState, rec: &FilingRecord) -> Result<RegistrationView, ApiError> {
    Ok(RegistrationView {
        filing_no: rec.filing_no.clone(),
        status: effective_state(rec, s.today()),
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
        receipt: rec
            .receipt
            .as_ref()
            .map(|r| receipt_view(s, r, &rec.created_at)),
        assessment: serde_json::from_str(&rec.assessment).map_err(ApiError::internal)?,
        request: serde_json::from_str(&rec.request).map_err(ApiError::internal)?,
        history: rec.events.clone(),
        allowed_actions: None,
        inspections: None,
        management: None,
        site_records: None,
        feedback: None,
    })
}

/// [`FiledView`] without the assessment, which [`filed_response`] appends as stored.
#[derive(Serialize)]
struct FiledHead<'a> {
    filing_no: &'a str,
    status: State,
    access_token: String,
    contractor_access_token: String,
    acceptance_due: Option<&'a str>,
    receipt: Option<ReceiptView>,
}

/// The 201 answer ([`FiledView`]). The assessment is the stored JSON text, which this server wrote
/// with the core's own writer: it is appended as it is, without a parse or a validation pass per
/// answer (that was ~3 % of a receipt's instructions).
pub fn filed_response(s: &AppState, rec: &FilingRecord, key: &str) -> Result<Response, ApiError> {
    let head = FiledHead {
        filing_no: &rec.filing_no,
        status: rec.status.into(),
        access_token: s.signer.access_token(&rec.created_at, &rec.filing_no, key),
        contractor_access_token: s
            .signer
            .contractor_token(&rec.created_at, &rec.filing_no, key),
        acceptance_due: rec.acceptance_due.as_deref(),
        receipt: rec
            .receipt
            .as_ref()
            .map(|r| receipt_view(s, r, &rec.created_at)),
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
