//! What reaches a registration under management from outside the street office (rules.md §10): the
//! contractor named in the filing adds site records with its own access code — site photos
//! (第十三条第（一）项), worker changes (第三十条第（一）项), rectification evidence (第三十四条) and the
//! waste-disposal record (第十三条第（十一）项) — and a district department gives supervisory-check
//! feedback to the street (第三十一条). Both are stored with their audit entry in one transaction, and
//! read with the registration by the staff covering it.

use crate::app::AppState;
use crate::auth::{Caller, Reader, StreetOfficer};
use crate::error::{ApiBody, ApiError, FieldProblem, Msg, parse_json};
use crate::inspections::{self as ins, SiteRecordView};
use crate::lifecycle::{Actor, Role, Status};
use crate::messages::Key;
use crate::routes::Routes;
use crate::store::{FilingRecord, ManageOp, SiteRecordRow};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

pub fn routes(r: Routes) -> Routes {
    r.post(
        "/api/v1/registrations/{filing_no}/site-records",
        site_record,
    )
    .post("/api/v1/registrations/{filing_no}/feedback", feedback)
}

/// The kinds of site record the contractor adds (rules.md §10).
pub const KINDS: [&str; 4] = [
    "site_photos",
    "worker_changes",
    "rectification_evidence",
    "waste_disposal",
];

/// At most this many documents in one record.
const MAX_DOCUMENTS: usize = 20;
/// At most this many characters of note.
const NOTE_MAX: usize = 1000;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SiteRecordIn {
    /// `site_photos`, `worker_changes`, `rectification_evidence` or `waste_disposal`.
    #[serde(default)]
    pub kind: String,
    /// What it shows or what changed (required without documents).
    #[serde(default)]
    pub note: Option<String>,
    /// Upload ids (`POST /api/v1/uploads`: PDF, JPEG, PNG); `site_photos` takes images only.
    #[serde(default)]
    pub documents: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FeedbackIn {
    /// The supervisory check's feedback to the street (第三十一条).
    #[serde(default)]
    pub note: String,
    /// Upload ids (PDF, JPEG, PNG).
    #[serde(default)]
    pub documents: Vec<String>,
}

/// A registration is under management while in force or awaiting its completion check.
fn under_management(rec: &FilingRecord) -> bool {
    rec.status.is_live() || rec.status == Status::CompletionDeclared
}

/// The note (optional, ≤ `NOTE_MAX`) and the documents (stored uploads; `images` only images).
async fn note_and_documents(
    s: &AppState,
    note: Option<&str>,
    documents: &[String],
    images: bool,
    problems: &mut Vec<FieldProblem>,
) -> Result<Option<String>, ApiError> {
    let note = match note.filter(|n| !n.trim().is_empty()) {
        Some(n) => match crate::validate::text(n, NOTE_MAX) {
            Ok(t) => Some(t),
            Err(e) => {
                problems.push(FieldProblem::new("note", e.rule, e.zh, e.en));
                None
            }
        },
        None => None,
    };
    if documents.len() > MAX_DOCUMENTS {
        problems.push(FieldProblem::msg(
            "documents",
            "length",
            Msg::of(Key::SiteRecordEmpty),
        ));
        return Ok(note);
    }
    for (j, id) in documents.iter().enumerate() {
        let f = format!("documents.{j}");
        if !crate::filing::is_upload_id(id) {
            problems.push(FieldProblem::msg(f, "upload_id", Msg::of(Key::UploadId)));
            continue;
        }
        match s.store.get_upload(id).await? {
            None => problems.push(FieldProblem::msg(
                f,
                "unknown_upload",
                Msg::of(Key::UnknownUpload),
            )),
            Some(u) if images && !u.content_type.starts_with("image/") => {
                problems.push(FieldProblem::msg(f, "image", Msg::of(Key::NotAnImage)));
            }
            Some(_) => {}
        }
    }
    Ok(note)
}

/// The contractor named in the filing adds a site record to its registration under management (rules.md
/// §10, by its own access code only): site photos (第十三条第（一）项), worker changes (第三十条第（一）项),
/// rectification evidence (第三十四条) or the waste-disposal record (第十三条第（十一）项). 409 unless the
/// registration is in force or awaiting its completion check. Officers read it with the registration
/// (`site_records`).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/site-records", tag = "inspections",
    params(("filing_no" = String, Path)), security(("bearer" = [])), request_body(content = SiteRecordIn),
    responses((status = 201, body = SiteRecordView), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn site_record(
    State(s): State<AppState>,
    Reader { rec, caller }: Reader,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<SiteRecordView>), ApiError> {
    let Caller::Contractor { client } = caller else {
        return Err(ApiError::forbidden(Key::ContractorOnly));
    };
    if !under_management(&rec) {
        return Err(ApiError::State {
            msg: Msg::of(Key::SiteRecordNotManaged),
        });
    }
    let b: SiteRecordIn = parse_json(&body)?;
    let mut problems = Vec::new();
    if !KINDS.contains(&b.kind.as_str()) {
        problems.push(FieldProblem::msg(
            "kind",
            "code",
            Msg::with(Key::SiteRecordKind, &[("kinds", &KINDS.join(", "))]),
        ));
    }
    let note = note_and_documents(
        &s,
        b.note.as_deref(),
        &b.documents,
        b.kind == "site_photos",
        &mut problems,
    )
    .await?;
    if note.is_none() && b.documents.is_empty() && !problems.iter().any(|p| p.field == "note") {
        problems.push(FieldProblem::msg(
            "note",
            "required",
            Msg::of(Key::SiteRecordEmpty),
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let row = SiteRecordRow {
        id: ins::new_id("srec")?,
        filing_no: rec.filing_no.clone(),
        kind: b.kind.clone(),
        at: s.now(),
        by_role: Actor::Contractor.as_str().into(),
        by_login: None,
        by_name: None,
        note,
        documents: Value::from(b.documents.clone()).to_string(),
    };
    let mut audit = crate::auth::party_audit(
        &s,
        &client,
        Actor::Contractor,
        "site_record_added",
        &rec.filing_no,
    );
    audit.detail = Some(format!("{} {}", row.id, row.kind));
    let outbox = vec![crate::notify::for_officers(
        &s,
        &rec,
        crate::notify::Kind::SiteRecord,
        serde_json::json!({ "record_kind": row.kind, "record_id": row.id }),
    )?];
    s.store
        .manage_write(
            vec![ManageOp::AddSiteRecord(row.clone())],
            vec![audit],
            outbox,
        )
        .await?;
    s.outbox_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(ins::site_record_view(&row, false)),
    ))
}

/// A district department (a `viewer` whose department is the work's primary or co-department, §5)
/// gives the street its supervisory-check feedback on the work (第三十一条). Audited; the street reads
/// it with the registration (`feedback`).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/feedback", tag = "inspections",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = FeedbackIn),
    responses((status = 201, body = SiteRecordView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn feedback(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<SiteRecordView>), ApiError> {
    if o.role != Role::Viewer {
        return Err(ApiError::forbidden(Key::FeedbackViewerOnly));
    }
    let b: FeedbackIn = parse_json(&body)?;
    let mut problems = Vec::new();
    let note = note_and_documents(&s, Some(&b.note), &b.documents, false, &mut problems).await?;
    if note.is_none() && !problems.iter().any(|p| p.field == "note") {
        problems.push(FieldProblem::msg(
            "note",
            "required",
            Msg::of(Key::NoteRequired),
        ));
    }
    let Some(note) = note.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let row = SiteRecordRow {
        id: ins::new_id("srec")?,
        filing_no: rec.filing_no.clone(),
        kind: "feedback".into(),
        at: s.now(),
        by_role: o.role.as_str().into(),
        by_login: Some(o.login.clone()),
        by_name: Some(o.name.clone()),
        note: Some(note),
        documents: Value::from(b.documents.clone()).to_string(),
    };
    let audit = o.audit(
        &s,
        "feedback_recorded",
        &rec.filing_no,
        "ok",
        Some(row.id.clone()),
    );
    let outbox = vec![crate::notify::for_officers(
        &s,
        &rec,
        crate::notify::Kind::Feedback,
        serde_json::json!({ "record_kind": row.kind, "record_id": row.id }),
    )?];
    s.store
        .manage_write(
            vec![ManageOp::AddSiteRecord(row.clone())],
            vec![audit],
            outbox,
        )
        .await?;
    s.outbox_wake.notify_one();
    Ok((StatusCode::CREATED, Json(ins::site_record_view(&row, true))))
}
