//! `GET /api/v1/receipts/{receipt_no}/verify`: public check of a receipt — its state now, what it covers,
//! names masked, and whether its signature is valid.
//!
//! What it covers (site, names, the signed payload) only with the receipt's verification code
//! (`?code=`), which only the printed receipt and notice carry — beside the QR code and in it (issue 16,
//! item 2); without it: whether it exists, its state and until when it is valid. A wrong code counts
//! against the client's allowance of wrong codes ([`crate::ratelimit::Failures`]).

use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::filing::Filing;
use crate::lifecycle::State;
use crate::messages::Key;
use crate::routes::Routes;
use crate::routes::registrations::effective_state;
use crate::store::FilingRecord;
use crate::validate;
use axum::Json;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/receipts/{receipt_no}/verify", verify)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub receipt_no: String,
    pub filing_no: String,
    /// The registration's state now (`registered`, `extended`, `expired`, `cancelled`, `revoked`).
    pub status: State,
    /// In force today and correctly signed.
    pub valid: bool,
    pub signature_valid: bool,
    pub scope: String,
    pub high_risk: bool,
    pub street: String,
    pub street_name: Option<String>,
    pub site_address: String,
    pub community: String,
    pub valid_until: String,
    pub issued_at: String,
    pub ruleset: String,
    pub applicant: String,
    pub contractor: String,
    pub project_lead: Option<String>,
    pub kid: String,
    pub payload: String,
    pub signature: String,
    /// Registration is a notification, not an approval (第八条).
    pub notice: crate::error::Msg,
    /// After an inspection (rules.md §9, issue 14): `referred` when a finding was referred (第三十六条),
    /// `under_rectification` while one awaits rectification; `null` otherwise. No personal data.
    pub management: Option<&'static str>,
    /// Set once the registration's personal data was removed after the retention period (PIPL
    /// 第四十七条, issue 16 item 7): no names are left to show; the signature still verifies.
    pub personal_data_removed: Option<crate::error::Msg>,
}

/// What anyone learns of a receipt without its verification code: that it exists, its state and until
/// when it is valid — no site, no names, no signed payload.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LimitedVerification {
    pub receipt_no: String,
    pub status: State,
    /// In force today and correctly signed.
    pub valid: bool,
    pub valid_until: String,
    /// Always `true` here: send the verification code printed beside the QR code (`?code=`) for the rest.
    pub code_required: bool,
    pub notice: crate::error::Msg,
}

impl LimitedVerification {
    pub fn of(v: &Verification) -> LimitedVerification {
        LimitedVerification {
            receipt_no: v.receipt_no.clone(),
            status: v.status,
            valid: v.valid,
            valid_until: v.valid_until.clone(),
            code_required: true,
            notice: crate::error::Msg::of(Key::VerifyCodeNeeded),
        }
    }
}

/// What a public lookup may show of a receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The right verification code: what it covers, masked.
    Full,
    /// No code: exists / state / valid until.
    Limited,
    /// A wrong (or malformed) code, counted against the client.
    Wrong,
}

/// The verification code of a query (`code`, or `c` as the QR code carries it).
#[derive(serde::Deserialize, Default)]
pub struct CodeQuery {
    pub code: Option<String>,
    pub c: Option<String>,
}

impl CodeQuery {
    pub fn given(&self) -> Option<&str> {
        self.code
            .as_deref()
            .or(self.c.as_deref())
            .filter(|c| !c.trim().is_empty())
    }
}

/// Checks `given` against the receipt of `rec`. A client with no wrong code left gets 429 whatever it
/// sends; a wrong one is charged to it (and to the general limiter, when that is on).
pub fn access(
    s: &AppState,
    rec: &FilingRecord,
    given: Option<&str>,
    headers: &HeaderMap,
    ext: &Extensions,
) -> Result<Access, ApiError> {
    let (Some(given), Some(r)) = (given, rec.receipt.as_ref()) else {
        return Ok(Access::Limited);
    };
    let ip = crate::ratelimit::client_of(s, headers, ext);
    let now = std::time::Instant::now();
    s.code_failures
        .check(ip, now)
        .map_err(|retry_after_s| ApiError::TooManyRequests { retry_after_s })?;
    if s.signer.check_code(&rec.created_at, &r.receipt_no, given) {
        return Ok(Access::Full);
    }
    s.code_failures.charge(ip, now);
    if let Some(l) = &s.limiter {
        let _ = l.check(ip, now);
    }
    Ok(Access::Wrong)
}

/// The problem of a wrong verification code (403).
pub fn wrong_code() -> ApiError {
    ApiError::Denied {
        status: StatusCode::FORBIDDEN,
        code: "verification_code_wrong",
        title: Key::VerifyCodeWrong,
        detail: Key::VerifyCodeWrongDetail,
    }
}

pub fn verification(s: &AppState, rec: &FilingRecord) -> Result<Verification, ApiError> {
    let r = rec.receipt.as_ref().ok_or(ApiError::NotFound)?;
    let f: Filing = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let signature_valid = s.signer.verify_receipt(&r.payload(), &r.kid, &r.signature);
    let status = effective_state(rec, s.today());
    let contractor = f.contractor.public_name();
    Ok(Verification {
        valid: signature_valid && status.in_force(),
        signature_valid,
        status,
        receipt_no: r.receipt_no.clone(),
        filing_no: rec.filing_no.clone(),
        scope: r.scope.clone(),
        high_risk: r.high_risk,
        street_name: s
            .engine
            .street_index(&r.street)
            .and_then(|i| s.engine.streets().get(i))
            .map(|st| st.name.zh.clone()),
        street: r.street.clone(),
        site_address: f.site.address.clone(),
        community: f.site.community.clone(),
        valid_until: r.valid_until.clone(),
        issued_at: r.issued_at.clone(),
        ruleset: r.ruleset.clone(),
        applicant: validate::mask_name(&f.applicant.name),
        contractor,
        project_lead: f
            .project_lead
            .as_ref()
            .map(|p| validate::mask_name(&p.name)),
        kid: r.kid.clone(),
        payload: r.payload().canonical(),
        signature: r.signature.clone(),
        notice: crate::error::Msg::of(Key::NotAPermit),
        management: None,
        personal_data_removed: crate::retention::purged_on_text(&rec.request)
            .map(|_| crate::error::Msg::of(Key::PersonalDataRemoved)),
    })
}

/// Public: is this receipt genuine and in force? Without `?code=` only whether it exists, its state and
/// until when it is valid ([`LimitedVerification`]); with the right code what it covers, names masked
/// ([`Verification`]); a wrong code is 403 and counts against the client (20 per hour by default, then
/// 429). A browser (`Accept` preferring `text/html`: a phone
/// opening a QR code printed before `/v/{receipt_no}` existed) gets the scan page instead, at this URL.
#[utoipa::path(get, path = "/api/v1/receipts/{receipt_no}/verify", tag = "receipts",
    params(("receipt_no" = String, Path), ("code" = Option<String>, Query, description = "the verification code printed beside the QR code (`XXXX-XXXX`; case, spaces and hyphens do not matter)")),
    responses((status = 200, description = "with the right code the verification (JSON), without one the limited answer; with `Accept: text/html` the scan page of /v/{receipt_no} (HTML)",
               content((Verification = "application/json"), (LimitedVerification = "application/json"), (String = "text/html"))),
              (status = 403, description = "a wrong verification code (`verification_code_wrong`)", body = crate::error::Problem),
              (status = 429, description = "too many wrong verification codes from this client", body = crate::error::Problem),
              (status = 404, description = "no such receipt: a problem; with `Accept: text/html` the scan page saying so (HTML)",
               content((crate::error::Problem = "application/json"), (String = "text/html")))))]
pub async fn verify(
    axum::extract::State(s): axum::extract::State<AppState>,
    ApiPath(no): ApiPath<String>,
    crate::error::ApiQuery(q): crate::error::ApiQuery<CodeQuery>,
    headers: HeaderMap,
    ext: Extensions,
) -> Result<Response, ApiError> {
    if crate::routes::scan::wants_html(&headers) {
        return crate::routes::scan::page(&s, &no, q.given(), &headers, &ext).await;
    }
    let rec = s
        .store
        .get_by_receipt(&no)
        .await?
        .filter(|r| r.receipt.is_some())
        .ok_or(ApiError::NotFound)?;
    let mut v = verification(&s, &rec)?;
    let mut r = match access(&s, &rec, q.given(), &headers, &ext)? {
        Access::Wrong => return Err(wrong_code()),
        Access::Limited => Json(LimitedVerification::of(&v)).into_response(),
        Access::Full => {
            v.management =
                crate::inspections::management(&s.store.manage_of(&rec.filing_no).await?);
            Json(v).into_response()
        }
    };
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(r)
}
