//! The officers' ledger (台账) of their street: JSON pages, or the whole ledger as streamed CSV.

use super::views::state_on;
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, ApiQuery, FieldProblem, Msg};
use crate::lifecycle::State;
use crate::messages::Key;
use crate::store::{LEDGER_PAGE, LedgerEntry, LedgerPage, ListFilter};
use crate::validate;
use anbei_core::Date;
use axum::Json;
use axum::body::Body;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
    /// Only this community's filings.
    pub community: Option<String>,
    /// `csv`: the whole ledger as CSV (like `Accept: text/csv`; for a plain download link).
    pub format: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LedgerRow {
    pub filing_no: String,
    pub receipt_no: Option<String>,
    #[schema(inline)]
    pub status: State,
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

/// A string of a stored filing's JSON, borrowed from it unless it holds escapes (`null`: empty).
#[derive(Default)]
struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(v))
            }
            /// `null` reads as an absent field.
            fn visit_unit<E>(self) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Borrowed(""))
            }
        }
        d.deserialize_any(V).map(Text)
    }
}

/// The few fields of a stored filing that a ledger row shows, borrowed from its JSON where possible
/// (everything else — facts, workers, documents — is skipped without being built).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct LedgerRequest<'a> {
    applicant: Party<'a>,
    site: Party<'a>,
    contractor: Party<'a>,
    planned_start: Text<'a>,
    planned_end: Text<'a>,
}

/// The applicant, the site or the contractor: the fields of each that a row shows.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Party<'a> {
    name: Text<'a>,
    id_number: Text<'a>,
    mobile: Text<'a>,
    address: Text<'a>,
    community: Text<'a>,
    credit_code: Text<'a>,
}

fn ledger_row(e: &LedgerEntry, today: Date) -> LedgerRow {
    let f: Option<LedgerRequest<'_>> = serde_json::from_str(&e.request).ok();
    let g = |pick: for<'r> fn(&'r LedgerRequest<'_>) -> &'r str| {
        f.as_ref().map(pick).unwrap_or_default().to_owned()
    };
    LedgerRow {
        filing_no: e.filing_no.clone(),
        receipt_no: e.receipt_no.clone(),
        status: state_on(e.status, e.valid_until.as_deref(), today),
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
        contractor_credit_code: g(|f| &f.contractor.credit_code),
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
pub(crate) fn csv_field(out: &mut String, v: &str) {
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
        r.status.as_str(),
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
#[utoipa::path(get, path = "/api/v1/registrations", tag = "officers", params(ListQuery), security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "JSON page `{items, next_after}` or CSV (Accept: text/csv)", body = Object)))]
pub async fn list(
    axum::extract::State(s): axum::extract::State<AppState>,
    officer: Officer,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    if officer.role == crate::lifecycle::Role::Patrol {
        return Err(ApiError::forbidden(Key::NotPermittedLedger));
    }
    let street = officer.listing_street(q.street.clone())?;
    let mut problems = Vec::new();
    problems.extend(crate::routes::date_bounds(&q.from, &q.to));
    let mut status = None;
    if let Some(st) = &q.status {
        status = st.parse::<State>().ok();
        if status.is_none() {
            problems.push(FieldProblem::msg(
                "status",
                "code",
                Msg::of(Key::UnknownStatus),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let cover = officer.coverage();
    let filter = ListFilter {
        street,
        from: q.from.clone(),
        to: q.to.clone(),
        // a stored status narrows the read; `expired` is derived from `registered`/`extended` below
        status: status
            .filter(|st| *st != State::Expired)
            .map(|st| st.as_str().to_owned()),
        community: cover
            .community
            .or_else(|| q.community.clone().filter(|c| !c.is_empty())),
        areas: cover.areas,
        department: cover.department,
    };
    let today = s.today();
    let wants_csv = q.format.as_deref() == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"));
    let what = format!(
        "street={} community={} status={} from={} to={}",
        filter.street.as_deref().unwrap_or("*"),
        filter.community.as_deref().unwrap_or("*"),
        q.status.as_deref().unwrap_or("*"),
        q.from.as_deref().unwrap_or(""),
        q.to.as_deref().unwrap_or("")
    );
    officer
        .record(
            &s,
            if wants_csv {
                "ledger_exported"
            } else {
                "ledger_read"
            },
            "ledger",
            Some(what),
        )
        .await?;
    let keep = move |e: &LedgerEntry| {
        status.is_none_or(|st| state_on(e.status, e.valid_until.as_deref(), today) == st)
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
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"anbei-ledger.csv\"",
        ),
    ];
    (headers, Body::new(crate::body::ChannelBody(rx))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 100,000-row export reads each row's names without copying them: plain strings are borrowed
    /// from the stored JSON; escaped ones are unescaped; `null` and absent fields are empty.
    #[test]
    fn ledger_fields_are_borrowed_from_the_stored_json() {
        let json = r#"{"applicant":{"name":"张三","id_number":"x","mobile":null},
            "site":{"address":"雪岗路\"8\"号"},"contractor":{"name":"某公司","credit_code":null},
            "planned_start":"2026-12-01","planned_end":"2027-02-28"}"#;
        let f: LedgerRequest<'_> = serde_json::from_str(json).expect("parses");
        assert!(matches!(f.applicant.name.0, Cow::Borrowed("张三")));
        assert!(matches!(&f.site.address.0, Cow::Owned(a) if a == "雪岗路\"8\"号"));
        assert_eq!(&*f.applicant.mobile, "");
        assert_eq!(&*f.contractor.credit_code, "");
        assert_eq!(&*f.site.community, "");
    }
}
