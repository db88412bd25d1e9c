//! The audit trail, for admins: `GET /api/v1/audit` (JSON pages, or CSV). Reading it is recorded too.

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, ApiQuery};
use crate::routes::Routes;
use crate::routes::registrations::ledger::csv_field;
use crate::store::{AuditFilter, AuditRow};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/audit", list)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct AuditQuery {
    /// A login (or `applicant`, `system`).
    pub account: Option<String>,
    /// e.g. `sign_in`, `accepted`, `document_opened`.
    pub action: Option<String>,
    /// From this date (inclusive), YYYY-MM-DD.
    pub from: Option<String>,
    /// To this date (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// JSON: continue after this entry number.
    pub after: Option<i64>,
    /// JSON: page size (≤ 500, default 100).
    pub limit: Option<u32>,
    /// `csv`: every matching entry as CSV.
    pub format: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    /// `after` for the next page; `null` at the end.
    pub next: Option<i64>,
}

const CSV_HEADER: &str = "序号 seq,时间 at,账户 account,姓名 name,角色 role,操作 action,对象 target,客户端 client,结果 outcome,说明 detail,前一哈希 prev,哈希 hash\r\n";

fn csv_line(out: &mut String, r: &AuditRow) {
    let seq = r.seq.to_string();
    let fields = [
        seq.as_str(),
        &r.at,
        &r.account,
        &r.name,
        &r.role,
        &r.action,
        &r.target,
        &r.client,
        &r.outcome,
        r.detail.as_deref().unwrap_or(""),
        &r.prev,
        &r.hash,
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

/// The audit trail, oldest first, filtered (admins). `format=csv` or `Accept: text/csv`: all of it.
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditQuery), security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    o: Officer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    o.require_admin()?;
    let mut problems = Vec::new();
    problems.extend(crate::routes::date_bounds(&q.from, &q.to));
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let nonempty = crate::routes::given;
    let filter = AuditFilter {
        account: nonempty(&q.account),
        action: nonempty(&q.action),
        from: nonempty(&q.from),
        to: nonempty(&q.to),
    };
    let csv = q.format.as_deref() == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"));
    o.record(
        &s,
        if csv { "audit_exported" } else { "audit_read" },
        "audit",
        Some(format!(
            "account={} action={} from={} to={}",
            filter.account.as_deref().unwrap_or("*"),
            filter.action.as_deref().unwrap_or("*"),
            filter.from.as_deref().unwrap_or(""),
            filter.to.as_deref().unwrap_or("")
        )),
    )
    .await?;
    if csv {
        // Pages of 1,000 into one body: the trail of a district is tens of thousands of rows a day,
        // read by an admin now and then.
        let mut out = format!("\u{FEFF}{CSV_HEADER}");
        let mut after = 0;
        loop {
            let page = s.store.audit_page(filter.clone(), after, 1000).await?;
            for r in &page {
                csv_line(&mut out, r);
            }
            match page.last() {
                Some(r) if page.len() == 1000 => after = r.seq,
                _ => break,
            }
            tokio::task::yield_now().await;
        }
        let h = [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"anbei-audit.csv\"",
            ),
        ];
        return Ok((h, out).into_response());
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let items = s
        .store
        .audit_page(filter, q.after.unwrap_or(0), limit)
        .await?;
    let next = (items.len() as u32 == limit)
        .then(|| items.last().map(|r| r.seq))
        .flatten();
    Ok(Json(AuditPage { items, next }).into_response())
}
