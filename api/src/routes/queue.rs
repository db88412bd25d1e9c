//! The console's queue: the filings awaiting this account's decision, by statutory due date
//! (`acceptance_due`: 3 working days, 第二十七条第（二）项), overdue first; counts per status.

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, ApiQuery, FieldProblem, Msg};
use crate::lifecycle::{self, Action, Context, Role, Status};
use crate::messages::Key;
use crate::routes::Routes;
use crate::store::QueueFilter;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/queue", queue)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct QueueQuery {
    /// A stored status (default `filed`: awaiting acceptance).
    pub status: Option<String>,
    pub community: Option<String>,
    /// `SCOPE_SMALL_PROJECT` or `SCOPE_SPORADIC_WORK`.
    pub scope: Option<String>,
    pub high_risk: Option<bool>,
    /// Filing date from (inclusive), YYYY-MM-DD.
    pub from: Option<String>,
    /// Filing date to (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// A filing number, receipt number or applicant name (exact).
    pub q: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Page size (≤ 200, default 50).
    pub limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub filing_no: String,
    pub status: String,
    pub street: String,
    pub community: String,
    pub scope: String,
    pub high_risk: bool,
    pub filed_on: String,
    pub acceptance_due: Option<String>,
    /// Past `acceptance_due` and still awaiting a decision.
    pub overdue: bool,
    pub applicant_name: String,
    pub site_address: String,
    pub receipt_no: Option<String>,
    /// Whether this account may accept it now (a community or property account may not accept a
    /// high-risk filing).
    pub can_decide: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueuePage {
    pub today: String,
    /// How many filings of each status this account covers.
    pub counts: BTreeMap<String, i64>,
    pub items: Vec<QueueItem>,
    /// `after` for the next page; `null` at the end.
    pub next: Option<String>,
    /// Inspections this account covers that are overdue (rules.md §9.1: "overdue inspections head
    /// the officers' queue"), earliest due first, at most 50.
    pub inspections_overdue: Vec<crate::inspections::InspectionEntry>,
}

/// The queue of what awaits this account's decision (staff; scoped like every listing).
#[utoipa::path(get, path = "/api/v1/queue", tag = "officers", params(QueueQuery), security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = QueuePage), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn queue(
    State(s): State<AppState>,
    o: Officer,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    if matches!(o.role, Role::Patrol | Role::Viewer) {
        return Err(ApiError::forbidden(Key::NotPermittedLedger));
    }
    let mut problems = Vec::new();
    problems.extend(crate::routes::date_bounds(&q.from, &q.to));
    let status = q.status.clone().unwrap_or_else(|| "filed".into());
    if Status::parse(&status).is_none() {
        problems.push(FieldProblem::msg(
            "status",
            "code",
            Msg::of(Key::UnknownStatus),
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let (after_due, after_no) = q
        .after
        .as_deref()
        .and_then(|a| a.split_once('|'))
        .map(|(d, n)| (d.to_owned(), n.to_owned()))
        .unwrap_or_default();
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let nonempty = crate::routes::given;
    let filter = QueueFilter {
        cover: o.coverage(),
        status: status.clone(),
        community: nonempty(&q.community),
        scope: nonempty(&q.scope),
        high_risk: q.high_risk,
        from: nonempty(&q.from),
        to: nonempty(&q.to),
        q: nonempty(&q.q).map(|x| x.trim().to_owned()),
        after_due,
        after_no,
        limit,
    };
    let today = s.today();
    let overdue = crate::store::InspectionFilter {
        cover: o.coverage(),
        status: Some("due".into()),
        due_lt: Some(today.to_string()),
        due_le: None,
        limit: 50,
    };
    let (counts, entries, overdue) = tokio::try_join!(
        s.store.status_counts(o.coverage()),
        s.store.queue_page(filter),
        s.store.inspection_list(overdue)
    )?;
    let today_s = today.to_string();
    let next = (entries.len() as u32 == limit)
        .then(|| {
            entries.last().map(|e| {
                format!(
                    "{}|{}",
                    e.acceptance_due.as_deref().unwrap_or("9999"),
                    e.filing_no
                )
            })
        })
        .flatten();
    let items = entries
        .into_iter()
        .map(|e| {
            let cx = Context {
                today,
                high_risk: e.high_risk,
                street_fast_accept: s.fast_accept(&e.street),
                validity: None,
            };
            let can_decide =
                lifecycle::decide(Some(e.status), Action::Accept, o.actor(), &cx).is_ok();
            let site_address = serde_json::from_str::<serde_json::Value>(&e.request)
                .ok()
                .and_then(|v| v["site"]["address"].as_str().map(str::to_owned))
                .unwrap_or_default();
            QueueItem {
                overdue: e.status == Status::Filed
                    && e.acceptance_due
                        .as_deref()
                        .is_some_and(|d| d < today_s.as_str()),
                filing_no: e.filing_no,
                status: e.status.as_str().to_owned(),
                street: e.street,
                community: e.community,
                scope: e.scope,
                high_risk: e.high_risk,
                filed_on: e.filed_on,
                acceptance_due: e.acceptance_due,
                applicant_name: e.applicant_name,
                site_address,
                receipt_no: e.receipt_no,
                can_decide,
            }
        })
        .collect();
    o.record(&s, "queue_read", "queue", Some(format!("status={status}")))
        .await?;
    Ok(Json(QueuePage {
        today: today_s,
        counts: counts.into_iter().collect(),
        items,
        next,
        inspections_overdue: overdue
            .iter()
            .map(|i| crate::inspections::entry(i, today))
            .collect(),
    }))
}
