//! One person's data, for admins (PIPL 第四十五条 access and copy, 第四十六条 correction; issue 16, item
//! 7): export everything stored about a person, found by their resident ID number, and correct a
//! mistyped name or mobile in one registration. Both are audited — without the ID number or the values
//! (the audit trail never holds an applicant's personal data, so the retention purge never has to
//! touch its hash chain). The ID number travels in the body, never in the URL (which access logs keep).

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiBody, ApiError, FieldProblem, Msg, parse_json};
use crate::lifecycle::Action;
use crate::messages::Key;
use crate::routes::Routes;
use crate::store::{Event, FilingRecord, FilingUpdate, Status};
use crate::validate::{IdNumber, Mobile};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub fn routes(r: Routes) -> Routes {
    r.post("/api/v1/personal-data/export", export)
        .post("/api/v1/personal-data/correction", correct)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportBody {
    /// The person's resident ID number (居民身份证号码).
    pub id_number: String,
}

/// Where a person appears in a registration, with what it holds of them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonEntry {
    /// `applicant`, `agent`, `contractor` (a hired person) or `worker`.
    pub role: String,
    /// The worker's position in the list (0-based), workers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// That entry of the filing as stored (name, ID number, mobile, e-mail, certificate).
    #[schema(value_type = Object)]
    pub data: Value,
}

/// One registration that names the person: its public facts, where the person appears, its history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExportedFiling {
    pub filing_no: String,
    pub street: String,
    #[schema(value_type = String)]
    pub status: Status,
    pub created_at: String,
    pub receipt_no: Option<String>,
    pub valid_until: Option<String>,
    /// The site (address, street, community).
    #[schema(value_type = Object)]
    pub site: Value,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub appears_as: Vec<PersonEntry>,
    /// Every history entry: when, who (role), what.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Export {
    /// Every registration the admin covers that names the person; none when nothing is stored (or the
    /// data was removed after the retention period).
    pub filings: Vec<ExportedFiling>,
    pub exported_at: String,
}

/// The `id_number` of a body, checked and normalised (uppercase `X`), or the field problem.
fn id_number(given: &str) -> Result<String, ApiError> {
    IdNumber::parse(given)
        .map(|id| id.as_str().to_owned())
        .map_err(|m| {
            let e = crate::validate::Invalid::from(m);
            ApiError::invalid_request(vec![FieldProblem::new("id_number", e.rule, e.zh, e.en)])
        })
}

/// Where the person with `id` appears in request `f`: `(role, worker index, pointer to the entry)`.
fn places(f: &Value, id: &str) -> Vec<(&'static str, Option<usize>, String)> {
    let same = |v: &Value| {
        v.get("id_number").and_then(Value::as_str).is_some_and(|x| {
            crate::signing::ct_eq(x.trim().to_ascii_uppercase().as_bytes(), id.as_bytes())
        })
    };
    let mut out = Vec::new();
    for role in ["applicant", "agent", "contractor"] {
        if f.get(role).is_some_and(same) {
            out.push((role, None, format!("/{role}")));
        }
    }
    if let Some(ws) = f.get("workers").and_then(Value::as_array) {
        for (i, w) in ws.iter().enumerate() {
            if same(w) {
                out.push(("worker", Some(i), format!("/workers/{i}")));
            }
        }
    }
    out
}

/// Every registration (that this admin covers) naming the person with this ID number, as JSON: where
/// they appear, with what is stored of them, and each registration's public facts and history — not
/// the other people in it. Audited (`personal_data_exported`, with the count and filing numbers).
#[utoipa::path(post, path = "/api/v1/personal-data/export", tag = "accounts", security(("bearer" = []), ("session" = [])),
    request_body(content = ExportBody),
    responses((status = 200, body = Export), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn export(
    State(s): State<AppState>,
    o: Officer,
    ApiBody(body): ApiBody,
) -> Result<Json<Export>, ApiError> {
    o.require_admin()?;
    let b: ExportBody = parse_json(&body)?;
    let id = id_number(&b.id_number)?;
    let mut filings = Vec::new();
    for no in s.store.filings_naming(id.clone()).await? {
        let Some(rec) = s.store.get_filing(&no).await? else {
            continue;
        };
        if !o.covers(&rec) {
            continue;
        }
        let f: Value = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
        let found = places(&f, &id);
        if found.is_empty() {
            continue;
        }
        filings.push(exported(&rec, &f, found));
    }
    let numbers: Vec<&str> = filings.iter().map(|f| f.filing_no.as_str()).collect();
    o.record(
        &s,
        "personal_data_exported",
        "person",
        Some(format!(
            "{} registration(s): {}",
            filings.len(),
            numbers.join(" ")
        )),
    )
    .await?;
    Ok(Json(Export {
        filings,
        exported_at: s.now(),
    }))
}

fn exported(
    rec: &FilingRecord,
    f: &Value,
    found: Vec<(&'static str, Option<usize>, String)>,
) -> ExportedFiling {
    let text = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_owned);
    ExportedFiling {
        filing_no: rec.filing_no.clone(),
        street: rec.street.clone(),
        status: rec.status,
        created_at: rec.created_at.clone(),
        receipt_no: rec.receipt.as_ref().map(|r| r.receipt_no.clone()),
        valid_until: rec.receipt.as_ref().map(|r| r.valid_until.clone()),
        site: f.get("site").cloned().unwrap_or(Value::Null),
        planned_start: text("planned_start"),
        planned_end: text("planned_end"),
        appears_as: found
            .into_iter()
            .map(|(role, index, ptr)| PersonEntry {
                role: role.to_owned(),
                index,
                data: f.pointer(&ptr).cloned().unwrap_or(Value::Null),
            })
            .collect(),
        history: rec
            .events
            .iter()
            .map(|e| json!({ "at": e.at, "actor": e.actor.as_str(), "action": e.action.as_str() }))
            .collect(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    pub filing_no: String,
    /// The person's resident ID number, as in the registration (who is corrected).
    pub id_number: String,
    /// The corrected name, where the person appears.
    #[serde(default)]
    pub name: Option<String>,
    /// The corrected mobile (applicant, agent, a hired person contractor; workers have none).
    #[serde(default)]
    pub mobile: Option<String>,
    /// Why (the person's request, the document checked): kept in the history and the audit trail.
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Corrected {
    pub filing_no: String,
    /// What was changed (`applicant.name`, `workers[2].name`, …), not the values.
    pub fields: Vec<String>,
    pub notice: Msg,
}

/// Corrects a person's name or mobile everywhere they appear (by ID number) in one registration, at
/// their request (PIPL 第四十六条): a `corrected` history entry (with the fields, not the values) and an
/// audit entry. The receipt is not signed again: its signed payload names no person (the filing and
/// receipt numbers, dates, scope, ruleset and the site's hash), so it is unaffected and still
/// verifies. The ID number itself is not corrected here (a different ID number is a different person:
/// the applicant files again). Refused for a registration whose data was purged.
#[utoipa::path(post, path = "/api/v1/personal-data/correction", tag = "accounts", security(("bearer" = []), ("session" = [])),
    request_body(content = CorrectionBody),
    responses((status = 200, body = Corrected), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn correct(
    State(s): State<AppState>,
    o: Officer,
    ApiBody(body): ApiBody,
) -> Result<Json<Corrected>, ApiError> {
    o.require_admin()?;
    let b: CorrectionBody = parse_json(&body)?;
    let id = id_number(&b.id_number)?;
    let mut problems = Vec::new();
    let name = match b.name.as_deref() {
        Some(n) => match crate::validate::text(n, 50) {
            Ok(n) => Some(n),
            Err(e) => {
                problems.push(FieldProblem::new("name", e.rule, e.zh, e.en));
                None
            }
        },
        None => None,
    };
    let mobile = match b.mobile.as_deref() {
        Some(m) => match Mobile::parse(m) {
            Ok(m) => Some(m.as_str().to_owned()),
            Err(m) => {
                let e = crate::validate::Invalid::from(m);
                problems.push(FieldProblem::new("mobile", e.rule, e.zh, e.en));
                None
            }
        },
        None => None,
    };
    let reason = crate::validate::text(&b.reason, 1000)
        .map_err(|e| FieldProblem::new("reason", e.rule, e.zh, e.en));
    if let Err(p) = &reason {
        problems.push(p.clone());
    }
    if b.name.is_none() && b.mobile.is_none() {
        problems.push(FieldProblem::msg(
            "name",
            "required",
            Msg::of(Key::CorrectionEmpty),
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let reason = reason.map_err(|p| ApiError::invalid_request(vec![p]))?;
    let rec = match s.store.get_filing(&b.filing_no).await? {
        Some(r) if o.covers(&r) => r,
        _ => return Err(ApiError::NotFound),
    };
    let mut f: Value = serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    if crate::retention::purged_on(&f).is_some() {
        return Err(ApiError::State {
            msg: Msg::of(Key::CorrectionPurged),
        });
    }
    let found = places(&f, &id);
    if found.is_empty() {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "id_number",
            "not_named",
            Msg::of(Key::PersonNotNamed),
        )]));
    }
    let mut fields = Vec::new();
    let mut mobile_set = false;
    for (role, index, ptr) in &found {
        let label = match index {
            Some(i) => format!("workers[{i}]"),
            None => (*role).to_owned(),
        };
        let Some(entry) = f.pointer_mut(ptr).and_then(Value::as_object_mut) else {
            continue;
        };
        if let Some(n) = &name {
            entry.insert("name".into(), Value::String(n.clone()));
            fields.push(format!("{label}.name"));
        }
        if let Some(m) = &mobile {
            if *role != "worker" {
                entry.insert("mobile".into(), Value::String(m.clone()));
                fields.push(format!("{label}.mobile"));
                mobile_set = true;
            }
        }
    }
    if mobile.is_some() && !mobile_set {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "mobile",
            "no_mobile",
            Msg::of(Key::PersonHasNoMobile),
        )]));
    }
    let now = s.now();
    // An ended registration keeps the day it ended (`updated_at`): its retention period runs from
    // there, not from the correction.
    let ended = matches!(
        rec.status,
        Status::Cancelled | Status::Revoked | Status::Refused
    );
    let mut u = FilingUpdate::new(
        &rec,
        rec.status,
        if ended {
            rec.updated_at.clone()
        } else {
            now.clone()
        },
        Event {
            at: now,
            actor: o.actor(),
            actor_name: Some(o.signature()),
            action: Action::Correct,
            reason: Some(reason.clone()),
            data: Some(json!({ "fields": fields })),
        },
    );
    u.request = Some(f.to_string());
    if fields.iter().any(|x| x == "applicant.name") {
        let mut c = rec.columns.clone();
        c.applicant_name = name.clone().unwrap_or_default();
        u.columns = Some(c);
    }
    u.audit = vec![o.audit(
        &s,
        "personal_data_corrected",
        &rec.filing_no,
        "ok",
        // the fields only: the reason is free text and may name someone
        Some(format!("fields={}", fields.join(","))),
    )];
    s.store.update_filing(u).await?;
    Ok(Json(Corrected {
        filing_no: rec.filing_no,
        fields,
        notice: Msg::of(Key::CorrectionDone),
    }))
}
