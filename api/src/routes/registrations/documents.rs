//! A registration's documents, opened in the console: the bytes of an upload the registration names,
//! served only to a staff account covering it (or its applicant), inline, typed as stored, never
//! sniffed, and recorded in the audit trail.

use crate::app::AppState;
use crate::auth::{Caller, Reader};
use crate::error::{ApiError, ApiPath};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Whether `upload_id` is one of the registration's documents: named in the filing (its documents,
/// a worker's certificate) or in its history (a cancellation's waste-disposal record).
fn names(rec: &crate::store::FilingRecord, upload_id: &str) -> bool {
    let quoted = format!("\"{upload_id}\"");
    rec.request.contains(&quoted)
        || rec
            .events
            .iter()
            .filter_map(|e| e.data.as_ref())
            .any(|d| d.to_string().contains(&quoted))
}

/// Whether `upload_id` is a photo of the registration's management (rules.md §9): of an inspection's
/// answers, or of a rectification the applicant sent (opened by the console like a document).
async fn names_in_management(
    s: &AppState,
    rec: &crate::store::FilingRecord,
    upload_id: &str,
) -> Result<bool, ApiError> {
    let quoted = format!("\"{upload_id}\"");
    let m = s.store.manage_of(&rec.filing_no).await?;
    Ok(m.rectifications.iter().any(|r| r.photos.contains(&quoted))
        || m.site_records.iter().any(|r| r.documents.contains(&quoted))
        || m.inspections
            .iter()
            .any(|i| i.answers.as_deref().is_some_and(|a| a.contains(&quoted))))
}

/// One document of the registration (PDF, JPEG or PNG), shown inline.
#[utoipa::path(get, path = "/api/v1/registrations/{filing_no}/documents/{upload_id}", tag = "officers",
    params(("filing_no" = String, Path), ("upload_id" = String, Path)), security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "the document's bytes", content_type = "application/pdf"),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn open(
    State(s): State<AppState>,
    method: axum::http::Method,
    Reader { rec, caller }: Reader,
    ApiPath((_, upload_id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    if !crate::filing::is_upload_id(&upload_id)
        || !(names(&rec, &upload_id) || names_in_management(&s, &rec, &upload_id).await?)
    {
        return Err(ApiError::NotFound);
    }
    let meta = s
        .store
        .get_upload(&upload_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = s.blobs.get(&meta.sha256).await?.ok_or_else(|| {
        ApiError::internal(format!(
            "upload {upload_id} listed but its bytes are missing"
        ))
    })?;
    let draft = match &caller {
        Caller::Staff(o) => o.audit(
            &s,
            "document_opened",
            &rec.filing_no,
            "ok",
            Some(upload_id.clone()),
        ),
        Caller::Applicant { client } | Caller::Contractor { client } => {
            let mut d = crate::auth::party_audit(
                &s,
                client,
                caller.actor(),
                "document_opened",
                &rec.filing_no,
            );
            d.detail = Some(upload_id.clone());
            d
        }
    };
    // A HEAD (the console asks the type before it shows a document) opens nothing: only GET is recorded.
    if method != axum::http::Method::HEAD {
        s.store.staff_write(vec![], vec![draft]).await?;
    }
    let ext = match meta.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    };
    let mut resp = Body::from(bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&meta.content_type).map_err(ApiError::internal)?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "inline; filename=\"{}-{}.{ext}\"",
            rec.filing_no,
            &meta.sha256[..12]
        ))
        .map_err(ApiError::internal)?,
    );
    // A document is data, never a page of this origin: nothing it holds may run or fetch anything.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    Ok(resp)
}
