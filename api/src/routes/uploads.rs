//! `POST /api/v1/uploads`: one document (PDF, JPEG or PNG, recognised by its bytes), ≤ 10 MB, stored
//! content-addressed by SHA-256: under `<data-dir>/uploads/` with SQLite, in the database with
//! PostgreSQL (`store/blobs.rs`), so that every instance sharing it serves every upload.

use crate::app::AppState;
use crate::auth::Officer;
use crate::config::UPLOAD_LIMIT;
use crate::error::{ApiError, Msg, bad_body};
use crate::messages::Key;
use crate::routes::Routes;
use crate::store::UploadMeta;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use sha2::{Digest, Sha256};

pub fn routes(r: Routes) -> Routes {
    r.post_with("/api/v1/uploads", upload, |m| {
        m.layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
    })
}

/// The media type of a document, from its first bytes.
pub fn sniff(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Whether `b`, sniffed as `kind`, is built as that type says (issue 16, item 8) — not only its first
/// bytes: a PDF ends with `%%EOF` (then only whitespace); a PNG is its signature, an `IHDR` chunk first,
/// chunks whose lengths fit and whose CRCs are right, and `IEND` last with nothing after it; a JPEG
/// ends with the end-of-image marker `FF D9`. A truncated or stitched file is refused before it is
/// stored. Pure: no I/O (fuzzed: `fuzz/fuzz_targets/upload_structure.rs`).
pub fn structure_ok(kind: &str, b: &[u8]) -> bool {
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0))
        .map_or(0, |i| i + 1);
    match kind {
        "application/pdf" => b[..end].ends_with(b"%%EOF"),
        "image/jpeg" => b.len() >= 4 && b[..end].ends_with(&[0xFF, 0xD9]),
        "image/png" => png_chunks_ok(b),
        _ => false,
    }
}

fn png_chunks_ok(b: &[u8]) -> bool {
    let Some(mut rest) = b.get(8..) else {
        return false;
    };
    let mut first = true;
    loop {
        let Some((head, tail)) = rest.split_at_checked(8) else {
            return false;
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let Some((data, tail)) = tail.split_at_checked(len) else {
            return false;
        };
        let Some((crc, tail)) = tail.split_at_checked(4) else {
            return false;
        };
        if u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]) != crc32(&[kind, data]) {
            return false;
        }
        if first && (kind != b"IHDR" || len != 13) {
            return false;
        }
        first = false;
        if kind == b"IEND" {
            return tail.is_empty();
        }
        rest = tail;
    }
}

/// CRC-32 (ISO-HDLC, as PNG uses it) over the concatenation of `parts`.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = !0u32;
    for p in parts {
        for &x in *p {
            c ^= u32::from(x);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
    }
    !c
}

/// The quota's refusal (429 `UPLOAD_QUOTA`, with `Retry-After`).
fn over_quota(s: &AppState, retry_after_s: u64) -> ApiError {
    ApiError::UploadQuota {
        retry_after_s,
        count: s.cfg.uploads_per_hour,
        mb: s.cfg.upload_bytes_per_hour.div_ceil(1 << 20),
    }
}

/// Upload one document (raw body) → its id.
///
/// Anonymous uploads (an applicant's documents before filing) are counted per client — IPv4 address
/// or IPv6 /64 — in documents and bytes per hour (`--uploads-per-hour`, `--upload-mb-per-hour`); over
/// it: 429 `UPLOAD_QUOTA` with `Retry-After`, nothing stored. Staff (an inspector's photos, signed in)
/// are not counted. Whoever uploads, a data directory below its free-space floor refuses the upload
/// with 507 `INSUFFICIENT_STORAGE` (filings still work).
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads",
    request_body(content = Vec<u8>, description = "the file's bytes (PDF, JPEG, PNG; ≤ 10 MB)", content_type = "application/octet-stream"),
    responses((status = 201, description = "stored", body = Object),
              (status = 413, description = "over 10 MB", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "not a PDF, JPEG or PNG, or not built as one (truncated, damaged)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "this client's uploads for the hour are spent (UPLOAD_QUOTA, Retry-After)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 507, description = "the server's disk is nearly full: uploads paused, filings still taken (INSUFFICIENT_STORAGE)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(s): State<AppState>,
    req: Request,
) -> Result<(StatusCode, Json<UploadMeta>), ApiError> {
    let (mut parts, body) = req.into_parts();
    let now = std::time::Instant::now();
    // Whom the quota counts: nobody when a staff account uploads, else the client (ratelimit.rs).
    let staff =
        s.upload_quota.is_some() && Officer::from_request_parts(&mut parts, &s).await.is_ok();
    let counted = match &s.upload_quota {
        Some(q) if !staff => {
            let ip = crate::ratelimit::client_of(&s, &parts.headers, &parts.extensions);
            // Refused before the body is read when the documents, or the bytes announced, are spent.
            let announced = parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
                .min(UPLOAD_LIMIT);
            q.check_for(ip, [1.0, announced as f64], now)
                .map_err(|w| over_quota(&s, w))?;
            Some((q, ip))
        }
        _ => None,
    };
    s.upload_space(0)?;
    let req = Request::from_parts(parts, body);
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let body = match Bytes::from_request(req, &()).await {
        Ok(b) => b,
        Err(BytesRejection::FailedToBufferBody(e))
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
        {
            return Err(ApiError::PayloadTooLarge {
                limit: UPLOAD_LIMIT,
            });
        }
        Err(e) => return Err(bad_body(e.body_text())),
    };
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "EMPTY_UPLOAD",
            Msg::of(Key::EmptyUpload),
        ));
    }
    let Some(kind) = sniff(&body) else {
        return Err(ApiError::UnsupportedMediaType {
            msg: Msg::of(Key::UploadType),
        });
    };
    if !structure_ok(kind, &body) {
        return Err(ApiError::UnsupportedMediaType {
            msg: Msg::with(Key::UploadStructure, &[("actual", &kind)]),
        });
    }
    if let Some(d) = declared.filter(|d| !d.is_empty() && d != "application/octet-stream") {
        if d != kind {
            return Err(ApiError::UnsupportedMediaType {
                msg: Msg::with(
                    Key::UploadTypeMismatch,
                    &[("declared", &d), ("actual", &kind)],
                ),
            });
        }
    }
    let size = body.len() as i64;
    s.upload_space(body.len() as u64)?;
    let cost = [1.0, body.len() as f64];
    if let Some((q, ip)) = counted {
        q.take(ip, cost, now).map_err(|w| over_quota(&s, w))?;
    }
    let hex = crate::signing::hex(&Sha256::digest(&body));
    // The bytes are durable before the row that names them is written (store/blobs.rs).
    if let Err(e) = s.blobs.put(&hex, body).await {
        if let Some((q, ip)) = counted {
            q.refund(ip, cost, now);
        }
        return Err(e.into());
    }
    let meta = UploadMeta {
        upload_id: format!("sha256:{hex}"),
        sha256: hex,
        size,
        content_type: kind.to_owned(),
        created_at: s.now(),
    };
    s.store.put_upload(meta.clone()).await?;
    s.remember_upload(&meta.upload_id);
    Ok((StatusCode::CREATED, Json(meta)))
}
