//! `GET /api/v1/receipts/{receipt_no}/verify`: public check of a receipt — its state now, what it covers,
//! names masked, and whether its signature is valid.

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
use axum::http::{HeaderMap, HeaderValue, header};
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
    })
}

/// Public: is this receipt genuine and in force? A browser (`Accept` preferring `text/html`: a phone
/// opening a QR code printed before `/v/{receipt_no}` existed) gets the scan page instead, at this URL.
#[utoipa::path(get, path = "/api/v1/receipts/{receipt_no}/verify", tag = "receipts", params(("receipt_no" = String, Path)),
    responses((status = 200, description = "the verification (JSON); with `Accept: text/html` the scan page of /v/{receipt_no} (HTML)",
               content((Verification = "application/json"), (String = "text/html"))),
              (status = 404, description = "no such receipt: a problem; with `Accept: text/html` the scan page saying so (HTML)",
               content((crate::error::Problem = "application/json"), (String = "text/html")))))]
pub async fn verify(
    axum::extract::State(s): axum::extract::State<AppState>,
    ApiPath(no): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if crate::routes::scan::wants_html(&headers) {
        return crate::routes::scan::page(&s, &no).await;
    }
    let rec = s
        .store
        .get_by_receipt(&no)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut v = verification(&s, &rec)?;
    v.management = crate::inspections::management(&s.store.manage_of(&rec.filing_no).await?);
    let mut r = Json(v).into_response();
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(r)
}
