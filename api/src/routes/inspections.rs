//! Inspections, findings, rectification and referral (rules.md §9, §10; issue 14): the list of an
//! account's inspections, recording an inspection of a registration, the officer's confirmation of a
//! major-hazard escalation, the applicant's answer to a finding, the street's decision on it, and a
//! referral. Every change is one store transaction with its audit entries and notifications.

use crate::app::AppState;
use crate::auth::{Officer, Party, StreetOfficer};
use crate::error::ApiBody;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, FieldProblem, Msg, parse_json};
use crate::inspections::{self as ins, InspectionEntry, InspectionView};
use crate::lifecycle::{Role, Status};
use crate::messages::Key;
use crate::notify::{self, Kind as Event};
use crate::routes::{Routes, given};
use crate::store::{
    FindingRow, InspectionFilter, InspectionRow, ManageOp, RectificationRow, ReferralRow,
};
use crate::validate;
use anbei_core::manage::{Finding, ReferralWhen, handling, referral_late};
use anbei_core::model::Kind as WorkKind;
use anbei_core::{Date, InspectionKind};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/inspections", list)
        .post("/api/v1/inspections", record_unregistered)
        .post("/api/v1/registrations/{filing_no}/inspections", record)
        .get("/api/v1/registrations/{filing_no}/checklist", checklist)
        .post("/api/v1/registrations/{filing_no}/escalation", escalate)
        .post(
            "/api/v1/registrations/{filing_no}/findings/{id}/rectification",
            rectify,
        )
        .post(
            "/api/v1/registrations/{filing_no}/findings/{id}/decision",
            decide,
        )
        .post(
            "/api/v1/registrations/{filing_no}/findings/{id}/referral",
            refer,
        )
        .post(
            "/api/v1/registrations/{filing_no}/findings/{id}/follow-up",
            schedule_follow_up,
        )
}

/// A free text of 1..=`max` characters in `field`.
pub(crate) fn text(t: &str, field: &str, max: usize) -> Result<String, FieldProblem> {
    validate::text(t, max).map_err(|e| FieldProblem::new(field, e.rule, e.zh, e.en))
}

/// Who records inspections and findings and verifies rectifications (rules.md §10): the street office,
/// its communities and patrols; a property company its property watches only; a viewer nothing.
fn may_inspect(o: &Officer, kind: Option<InspectionKind>) -> Result<(), ApiError> {
    match o.role {
        Role::Admin | Role::Officer | Role::Community | Role::Patrol => Ok(()),
        Role::Property if kind.is_none_or(|k| k == InspectionKind::PropertyWatch) => Ok(()),
        Role::Property => Err(ApiError::forbidden(Key::PropertyWatchOnly)),
        Role::Viewer => Err(ApiError::forbidden(Key::InspectOnlyStaff)),
    }
}

/// The street office's own decisions: escalation and referral (第二十一条, 第三十六条).
fn street_office(o: &Officer) -> Result<(), ApiError> {
    match o.role {
        Role::Admin | Role::Officer => Ok(()),
        _ => Err(ApiError::forbidden(Key::OfficerOnly)),
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct InspectionQuery {
    /// A street this account covers (default: its own).
    pub street: Option<String>,
    /// `due`, `overdue` (due, past its due date) or `done`.
    pub status: Option<String>,
    /// Due on or before this date (YYYY-MM-DD).
    pub due_before: Option<String>,
    /// At most this many (≤ 500, default 200).
    pub limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InspectionList {
    /// By due date, earliest first (those without one last).
    pub items: Vec<InspectionEntry>,
}

/// The inspections this account covers, by due date (rules.md §9.1; scoped like the ledger: officer
/// its street, community its community, patrol its street or communities, property its areas, viewer
/// its department's works, admin any street). A property account also gets its property watches due
/// today (`INSPECTION_PROPERTY_WATCH`, one per working day of work at height in its areas, §9.1),
/// generated as the list is read: their `id` is `watch_<filing_no>_<yyyymmdd>` and is not stored —
/// record one with `POST /api/v1/registrations/{filing_no}/inspections`.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections", params(InspectionQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = InspectionList), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    o: Officer,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> Result<Json<InspectionList>, ApiError> {
    let street = o.listing_street(given(&q.street))?;
    let today = s.today();
    let mut problems = Vec::new();
    let (status, due_lt) = match given(&q.status).as_deref() {
        None => (None, None),
        Some("due") => (Some("due"), None),
        Some("done") => (Some("done"), None),
        Some("overdue") => (Some("due"), Some(today.to_string())),
        Some(_) => {
            problems.push(FieldProblem::msg(
                "status",
                "code",
                Msg::of(Key::UnknownStatus),
            ));
            (None, None)
        }
    };
    let due_le = given(&q.due_before);
    if due_le.as_deref().is_some_and(|d| Date::parse(d).is_none()) {
        problems.push(FieldProblem::msg("due_before", "date", Msg::of(Key::Date)));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let mut cover = o.coverage();
    cover.street = street;
    // A property company's watches due today (§9.1), generated as the list is read (see
    // `property_watches_today`); only where the list asks for what is due today.
    let watches = if o.role == Role::Property
        && matches!(status, None | Some("due"))
        && due_lt.is_none()
        && due_le
            .as_deref()
            .and_then(Date::parse)
            .is_none_or(|d| d >= today)
    {
        ins::property_watches_today(&s, &cover).await?
    } else {
        Vec::new()
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 500);
    let rows = s
        .store
        .inspection_list(InspectionFilter {
            cover,
            status: status.map(str::to_owned),
            due_lt,
            due_le,
            limit,
        })
        .await?;
    // Each record's findings and their referrals (two reads for the page, by inspection).
    let done: Vec<String> = rows
        .iter()
        .filter(|i| i.status == "done")
        .map(|i| i.id.clone())
        .collect();
    let (findings, referrals) = s.store.inspection_findings(done).await?;
    let mut items: Vec<InspectionEntry> = rows
        .iter()
        .map(|i| InspectionEntry {
            findings: ins::record_findings(&s, &i.id, &findings, &referrals),
            ..ins::entry(i, today)
        })
        .collect();
    items.extend(watches);
    // By due date, earliest first, those without one last (as the store orders them).
    items.sort_by(|a, b| match (&a.due, &b.due) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    items.truncate(limit as usize);
    // Site addresses and what inspectors wrote: a read of personal data (rules.md §10).
    o.record(
        &s,
        "inspections_read",
        "inspections",
        Some(format!(
            "status={}",
            given(&q.status).as_deref().unwrap_or("all")
        )),
    )
    .await?;
    Ok(Json(InspectionList { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ItemIn {
    /// An `IC_*` item of this inspection's checklist.
    pub code: String,
    /// `ok`, `finding` or `not_applicable`.
    pub answer: String,
    /// Required for `finding` and `not_applicable`.
    #[serde(default)]
    pub note: Option<String>,
    /// Upload ids of images (JPEG, PNG), uploaded first with `POST /api/v1/uploads`.
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FindingIn {
    /// `F_*` (§9.3).
    pub code: String,
    /// The checklist item it was found on.
    #[serde(default)]
    pub item: Option<String>,
    pub note: String,
    /// YYYY-MM-DD; default (for findings that ask for rectification) 3 working days after the
    /// inspection (*product policy*).
    #[serde(default)]
    pub rectify_by: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct InspectionIn {
    /// `INSPECTION_HIGH_RISK`, `INSPECTION_COMPLETION`, `INSPECTION_PATROL`,
    /// `INSPECTION_PROPERTY_WATCH` or `INSPECTION_FOLLOW_UP`.
    pub kind: String,
    /// YYYY-MM-DD or an RFC 3339 time, not after today (default: now).
    #[serde(default)]
    pub inspected_at: Option<String>,
    /// Every item of the checklist, answered once.
    #[serde(default)]
    pub items: Vec<ItemIn>,
    #[serde(default)]
    pub findings: Vec<FindingIn>,
}

/// What a recorded inspection asks of the officer next.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub inspection: InspectionView,
    /// A finding that is a ground to revoke once confirmed (第二十五条): the officer confirms it with
    /// `POST …/revocation` and this `ground`.
    pub revocation_suggested: Option<RevocationSuggested>,
    /// `F_MAJOR_HAZARD` on engineering work: an officer confirms it with `POST …/escalation`.
    pub escalation_pending: bool,
    /// Findings to refer, with the suggested target (第三十六条) and whether the same day (第三十条).
    pub referrals_due: Vec<ReferralDue>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RevocationSuggested {
    pub finding_id: String,
    /// `false_filing`, `permit_evasion`, `beyond_scope` or `illegal_construction`.
    pub ground: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralDue {
    pub finding_id: String,
    pub same_day: bool,
    /// The core's suggestion: `{code, article, department, candidates, because}`.
    #[schema(value_type = Object)]
    pub suggested: Value,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UnregisteredIn {
    /// The street's code (one this account covers).
    #[serde(default)]
    pub street: String,
    /// The community, when known (a community account: its own).
    #[serde(default)]
    pub community: Option<String>,
    /// Where the work was found.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub inspected_at: Option<String>,
    /// What was seen.
    #[serde(default)]
    pub note: Option<String>,
    /// Upload ids of images (JPEG, PNG).
    #[serde(default)]
    pub photos: Vec<String>,
    /// Usually `F_UNREGISTERED` (guided to register by `rectify_by`, 第三十条第（三）项).
    #[serde(default)]
    pub findings: Vec<FindingIn>,
    /// The street office's referrals of these findings (第三十六条; `routes/unregistered.rs`).
    #[serde(default)]
    pub referrals: Vec<super::unregistered::UnregisteredReferralIn>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnregisteredRecorded {
    pub inspection: InspectionEntry,
    pub findings: Vec<crate::inspections::FindingView>,
}

/// Work found on patrol or reported at an address with no registration (第三十条第（三）项,
/// 第二十一条第（八）项): recorded against the address (`INSPECTION_UNREGISTERED`, no checklist), with
/// its findings.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "inspections",
    security(("bearer" = []), ("session" = [])), request_body(content = UnregisteredIn),
    responses((status = 201, body = UnregisteredRecorded), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record_unregistered(
    State(s): State<AppState>,
    o: Officer,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<UnregisteredRecorded>), ApiError> {
    if o.role == Role::Property {
        return Err(ApiError::forbidden(Key::PropertyWatchOnly));
    }
    may_inspect(&o, None)?;
    let b: UnregisteredIn = parse_json(&body)?;
    let mut problems = Vec::new();
    if s.engine.street_index(&b.street).is_none() || b.address.trim().is_empty() {
        problems.push(FieldProblem::msg(
            if b.address.trim().is_empty() && s.engine.street_index(&b.street).is_some() {
                "address"
            } else {
                "street"
            },
            "required",
            Msg::of(Key::AddressRequired),
        ));
    } else {
        o.listing_street(Some(b.street.clone()))?;
    }
    let address = if b.address.trim().is_empty() {
        None
    } else {
        text(&b.address, "address", 300)
            .map_err(|p| problems.push(p))
            .ok()
    };
    let community = o
        .scope
        .community
        .clone()
        .or_else(|| given(&b.community))
        .unwrap_or_default();
    let note = match b.note.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => text(n, "note", 1000).map_err(|p| problems.push(p)).ok(),
        None => None,
    };
    photos(&s, "photos", &b.photos, &mut problems).await?;
    let today = s.today();
    let now = s.now();
    let (inspected_at, day) = match b.inspected_at.as_deref().filter(|v| !v.trim().is_empty()) {
        None => (now.clone(), today),
        Some(v) => match inspected_on(v) {
            Some(d) if d <= today => (v.to_owned(), d),
            _ => {
                problems.push(FieldProblem::msg(
                    "inspected_at",
                    "date",
                    Msg::of(Key::InspectedAt),
                ));
                (now.clone(), today)
            }
        },
    };
    let id = ins::new_id("ins")?;
    let finding_base = ins::new_id("fnd")?;
    let mut findings = Vec::new();
    for (i, f) in b.findings.iter().enumerate() {
        let field = |x: &str| format!("findings.{i}.{x}");
        let Some(code) = Finding::from_code(&f.code) else {
            let all = Finding::ALL
                .iter()
                .map(|f| f.code().as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(FieldProblem::msg(
                field("code"),
                "code",
                Msg::with(Key::FindingCode, &[("codes", &all)]),
            ));
            continue;
        };
        let note = text(&f.note, &field("note"), 1000)
            .map_err(|p| problems.push(p))
            .ok();
        let h = handling(code, WorkKind::Engineering);
        let rectify_by = match f.rectify_by.as_deref().filter(|v| !v.trim().is_empty()) {
            Some(v) => match Date::parse(v) {
                Some(d) if d >= day => Some(d),
                _ => {
                    problems.push(FieldProblem::msg(
                        field("rectify_by"),
                        "date",
                        Msg::of(Key::RectifyByRange),
                    ));
                    None
                }
            },
            None if h.asks_rectification => Some(s.engine.rectify_by(day).date),
            None => None,
        };
        findings.push(FindingRow {
            id: format!("{finding_base}{i:02}"),
            inspection_id: id.clone(),
            filing_no: None,
            street: b.street.clone(),
            code: f.code.clone(),
            item: None,
            note: note.unwrap_or_default(),
            found_on: day.to_string(),
            rectify_by: rectify_by.map(|d| d.to_string()),
            status: "open".into(),
            escalation: None,
            created_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
        });
    }
    let referrals = super::unregistered::referrals(
        &s,
        &o,
        &b.referrals,
        &mut findings,
        day,
        today,
        &now,
        &mut problems,
    )?;
    let Some(address) = address.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let row = InspectionRow {
        id: id.clone(),
        filing_no: None,
        street: b.street.clone(),
        community,
        area: String::new(),
        departments: String::new(),
        address: Some(address),
        kind: InspectionKind::Unregistered.code().as_str().to_owned(),
        due: None,
        status: "done".into(),
        created_at: now.clone(),
        inspected_at: Some(inspected_at),
        done_at: Some(now.clone()),
        inspector_login: Some(o.login.clone()),
        inspector_name: Some(o.name.clone()),
        answers: Some(json!([{ "note": note, "photos": b.photos }]).to_string()),
        finding_id: None,
    };
    let mut audit = vec![o.audit(
        &s,
        "inspection_recorded",
        &id,
        "ok",
        Some("INSPECTION_UNREGISTERED".into()),
    )];
    let mut ops = vec![ManageOp::AddInspection(row.clone())];
    for f in &findings {
        audit.push(o.audit(
            &s,
            "finding_recorded",
            &id,
            "ok",
            Some(format!("{} {}", f.id, f.code)),
        ));
        ops.push(ManageOp::AddFinding(f.clone()));
    }
    for r in &referrals {
        let what = format!("{} {}", r.finding_id, r.target);
        audit.push(o.audit(&s, "referred", &id, "ok", Some(what)));
        ops.push(ManageOp::AddReferral(r.clone()));
    }
    s.store.manage_write(ops, audit, vec![]).await?;
    let m = crate::store::ManageRecord {
        findings: findings.clone(),
        referrals,
        ..Default::default()
    };
    Ok((
        StatusCode::CREATED,
        Json(UnregisteredRecorded {
            inspection: InspectionEntry {
                findings: ins::record_findings(&s, &row.id, &m.findings, &m.referrals),
                ..ins::entry(&row, today)
            },
            findings: findings
                .iter()
                .map(|f| ins::finding_view(&s, f, &m, WorkKind::Engineering, true, None))
                .collect(),
        }),
    ))
}

/// The date of an `inspected_at`: YYYY-MM-DD or an RFC 3339 time.
fn inspected_on(v: &str) -> Option<Date> {
    if v.len() != 10 && (v.len() < 20 || v.as_bytes().get(10) != Some(&b'T')) {
        return None;
    }
    v.get(..10).and_then(Date::parse)
}

/// Checks photo upload ids: each stored, and an image.
async fn photos(
    s: &AppState,
    field: &str,
    ids: &[String],
    problems: &mut Vec<FieldProblem>,
) -> Result<(), ApiError> {
    if ids.len() > 20 {
        problems.push(FieldProblem::msg(field, "length", Msg::of(Key::NotAnImage)));
        return Ok(());
    }
    for (j, id) in ids.iter().enumerate() {
        let f = format!("{field}.{j}");
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
            Some(u) if !u.content_type.starts_with("image/") => {
                problems.push(FieldProblem::msg(f, "image", Msg::of(Key::NotAnImage)));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ChecklistQuery {
    /// `INSPECTION_HIGH_RISK`, `INSPECTION_COMPLETION`, `INSPECTION_PATROL`,
    /// `INSPECTION_PROPERTY_WATCH` or `INSPECTION_FOLLOW_UP`.
    pub kind: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChecklistOut {
    pub kind: String,
    /// `[{code, article, text{zh,en}, because[{on, text}], findings[F_*]}]`: the items to answer,
    /// each with the findings it may record (codes.json `checklist_findings`).
    #[schema(value_type = Vec<Object>)]
    pub checklist: Value,
}

/// The kinds an inspection of a registration may be (all but `INSPECTION_UNREGISTERED`), or a 422 on
/// `kind`.
fn registration_kind(code: Option<&str>) -> Result<InspectionKind, ApiError> {
    InspectionKind::from_code(code.unwrap_or_default())
        .filter(|k| *k != InspectionKind::Unregistered)
        .ok_or_else(|| {
            let kinds = InspectionKind::ALL
                .iter()
                .filter(|k| **k != InspectionKind::Unregistered)
                .map(|k| k.code().as_str())
                .collect::<Vec<_>>()
                .join(", ");
            ApiError::invalid_request(vec![FieldProblem::msg(
                "kind",
                "code",
                Msg::with(Key::InspectionKind, &[("kinds", &kinds)]),
            )])
        })
}

/// The checklist an inspection of this kind of this registration answers now (§9.2, generated from
/// the determination and any confirmed escalation), each item with the findings it may record — what
/// the inspector's form shows before recording. Scoped like the registration's other reads; audited
/// (`checklist_read`).
#[utoipa::path(get, path = "/api/v1/registrations/{filing_no}/checklist", tag = "inspections",
    params(("filing_no" = String, Path), ChecklistQuery), security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = ChecklistOut), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn checklist(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiQuery(q): ApiQuery<ChecklistQuery>,
) -> Result<Json<ChecklistOut>, ApiError> {
    let kind = registration_kind(given(&q.kind).as_deref())?;
    let m = s.store.manage_of(&rec.filing_no).await?;
    let (facts, result) = ins::facts_of(&s, &rec)?;
    let items = s
        .engine
        .checklist(kind, &facts, &result, ins::escalated(&m));
    let checklist = serde_json::to_value(items).map_err(ApiError::internal)?;
    o.record(
        &s,
        "checklist_read",
        &rec.filing_no,
        Some(kind.code().as_str().to_owned()),
    )
    .await?;
    Ok(Json(ChecklistOut {
        kind: kind.code().as_str().to_owned(),
        checklist,
    }))
}

/// Records an inspection of a registration (第二十九条, 第三十二条, 第三十三条, 第三十四条): every
/// checklist item answered, findings with their `rectify_by`; a scheduled inspection of that kind is
/// completed by it. Everything is checked first (422 with every problem); nothing is stored on error.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/inspections", tag = "inspections",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = InspectionIn),
    responses((status = 201, body = Recorded), (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<Recorded>), ApiError> {
    may_inspect(&o, None)?;
    let b: InspectionIn = parse_json(&body)?;
    let kind = registration_kind(Some(&b.kind))?;
    may_inspect(&o, Some(kind))?;
    // A declared completion stays under management until its completion check closes it (a patrol or a
    // follow-up may still find something); a registration cancelled before v3 (closed at once) may
    // still get the completion check it was scheduled.
    let in_management = rec.status.is_live()
        || rec.status == Status::CompletionDeclared
        || (kind == InspectionKind::Completion && rec.status == Status::Cancelled);
    if !in_management {
        return Err(ApiError::State {
            msg: Msg::of(Key::InspectNotInForce),
        });
    }
    let today = s.today();
    let now = s.now();
    let mut problems = Vec::new();
    let (inspected_at, day) = match b.inspected_at.as_deref().filter(|v| !v.trim().is_empty()) {
        None => (now.clone(), today),
        Some(v) => match inspected_on(v) {
            None => {
                problems.push(FieldProblem::msg(
                    "inspected_at",
                    "date",
                    Msg::of(Key::InspectedAt),
                ));
                (now.clone(), today)
            }
            Some(d) if d > today => {
                problems.push(FieldProblem::msg(
                    "inspected_at",
                    "future",
                    Msg::of(Key::InspectedInFuture),
                ));
                (now.clone(), today)
            }
            Some(d) => (v.to_owned(), d),
        },
    };
    let m = s.store.manage_of(&rec.filing_no).await?;
    let escalated = ins::escalated(&m);
    let (facts, result) = ins::facts_of(&s, &rec)?;
    let checklist = s.engine.checklist(kind, &facts, &result, escalated);
    let codes: Vec<&str> = checklist.iter().map(|i| i.code.as_str()).collect();
    let mut answers = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, it) in b.items.iter().enumerate() {
        let field = |x: &str| format!("items.{i}.{x}");
        if !codes.contains(&it.code.as_str()) {
            problems.push(FieldProblem::msg(
                field("code"),
                "code",
                Msg::with(Key::ChecklistItem, &[("items", &codes.join(", "))]),
            ));
        } else if !seen.insert(it.code.as_str()) {
            problems.push(FieldProblem::msg(
                field("code"),
                "unique",
                Msg::of(Key::ItemTwice),
            ));
        }
        if !matches!(it.answer.as_str(), "ok" | "finding" | "not_applicable") {
            problems.push(FieldProblem::msg(
                field("answer"),
                "code",
                Msg::of(Key::ItemAnswer),
            ));
        }
        let note = match it.note.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(n) => text(n, &field("note"), 1000)
                .map_err(|p| problems.push(p))
                .ok(),
            None if it.answer != "ok" => {
                problems.push(FieldProblem::msg(
                    field("note"),
                    "required",
                    Msg::of(Key::NoteRequired),
                ));
                None
            }
            None => None,
        };
        photos(&s, &field("photos"), &it.photos, &mut problems).await?;
        answers.push(
            json!({ "code": it.code, "answer": it.answer, "note": note, "photos": it.photos }),
        );
    }
    for c in &codes {
        if !seen.contains(c) {
            problems.push(FieldProblem::msg(
                "items",
                "missing_item",
                Msg::with(Key::ItemMissing, &[("item", c)]),
            ));
        }
    }
    let work = result.kind.unwrap_or(WorkKind::Engineering);
    let inspection_id = m
        .inspections
        .iter()
        .find(|i| i.status == "due" && i.kind == kind.code().as_str())
        .map(|i| i.id.clone());
    let inspection_id = match inspection_id {
        Some(id) => (id, true),
        None => (ins::new_id("ins")?, false),
    };
    let finding_base = ins::new_id("fnd")?;
    let mut findings = Vec::new();
    let mut suggested_revocation = None;
    let mut escalation_pending = false;
    let mut referrals_due = Vec::new();
    let finding_codes = || {
        Finding::ALL
            .iter()
            .map(|f| f.code().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, f) in b.findings.iter().enumerate() {
        let field = |x: &str| format!("findings.{i}.{x}");
        let Some(code) = Finding::from_code(&f.code) else {
            problems.push(FieldProblem::msg(
                field("code"),
                "code",
                Msg::with(Key::FindingCode, &[("codes", &finding_codes())]),
            ));
            continue;
        };
        if let Some(item) = &f.item {
            match checklist.iter().find(|c| c.code.as_str() == item) {
                None => problems.push(FieldProblem::msg(
                    field("item"),
                    "code",
                    Msg::with(Key::ChecklistItem, &[("items", &codes.join(", "))]),
                )),
                // codes.json `checklist_findings`: what this item may record.
                Some(c) if !c.findings.contains(&code) => {
                    let allowed = c
                        .findings
                        .iter()
                        .map(|f| f.code().as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    problems.push(FieldProblem::msg(
                        field("code"),
                        "item_finding",
                        Msg::with(Key::ItemFinding, &[("item", item), ("codes", &allowed)]),
                    ));
                }
                Some(_) => {}
            }
        }
        let note = text(&f.note, &field("note"), 1000)
            .map_err(|p| problems.push(p))
            .ok();
        let h = handling(code, work);
        let rectify_by = match f.rectify_by.as_deref().filter(|v| !v.trim().is_empty()) {
            Some(v) => match Date::parse(v) {
                Some(d) if d >= day => Some(d),
                _ => {
                    problems.push(FieldProblem::msg(
                        field("rectify_by"),
                        "date",
                        Msg::of(Key::RectifyByRange),
                    ));
                    None
                }
            },
            None if h.asks_rectification => Some(s.engine.rectify_by(day).date),
            None => None,
        };
        // One random base per recording, numbered in the order given: findings read back in that
        // order (`ORDER BY created_at, id`).
        let id = format!("{finding_base}{i:02}");
        if let Some(g) = h.revocation_ground {
            suggested_revocation.get_or_insert(RevocationSuggested {
                finding_id: id.clone(),
                ground: g.as_str().to_owned(),
            });
        }
        if h.escalates {
            escalation_pending = true;
        }
        if h.referral != ReferralWhen::Never {
            referrals_due.push(ReferralDue {
                finding_id: id.clone(),
                same_day: h.referral == ReferralWhen::SameDay,
                suggested: serde_json::to_value(s.engine.referral_target(code, &result))
                    .map_err(ApiError::internal)?,
            });
        }
        findings.push(FindingRow {
            id,
            inspection_id: inspection_id.0.clone(),
            filing_no: Some(rec.filing_no.clone()),
            street: rec.street.clone(),
            code: f.code.clone(),
            item: f.item.clone(),
            note: note.unwrap_or_default(),
            found_on: day.to_string(),
            rectify_by: rectify_by.map(|d| d.to_string()),
            status: "open".into(),
            escalation: h.escalates.then(|| "pending".to_owned()),
            created_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
        });
    }
    // §9.2: "a `finding` names one or more finding codes".
    for (i, it) in b.items.iter().enumerate() {
        if it.answer == "finding"
            && !b
                .findings
                .iter()
                .any(|f| f.item.as_deref() == Some(&it.code))
        {
            problems.push(FieldProblem::msg(
                format!("items.{i}.answer"),
                "finding_required",
                Msg::of(Key::FindingForItem),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let row = InspectionRow {
        status: "done".into(),
        inspected_at: Some(inspected_at),
        done_at: Some(now.clone()),
        inspector_login: Some(o.login.clone()),
        inspector_name: Some(o.name.clone()),
        answers: Some(Value::Array(answers).to_string()),
        ..ins::scheduled(&rec, &rec.columns, kind, None, &now)?
    };
    let row = InspectionRow {
        id: inspection_id.0.clone(),
        ..row
    };
    let mut ops = vec![if inspection_id.1 {
        ManageOp::CompleteInspection(row)
    } else {
        ManageOp::AddInspection(row)
    }];
    let mut audit = vec![o.audit(
        &s,
        "inspection_recorded",
        &rec.filing_no,
        "ok",
        Some(format!("{} {}", inspection_id.0, kind.code().as_str())),
    )];
    let mut outbox = Vec::new();
    for f in &findings {
        audit.push(o.audit(
            &s,
            "finding_recorded",
            &rec.filing_no,
            "ok",
            Some(format!("{} {}", f.id, f.code)),
        ));
        // Each finding another role records reaches the street's officers (rules.md §11 "each patrol
        // finding", 第二十三条第（六）项).
        if o.role != Role::Officer {
            outbox.push(notify::for_officers(
                &s,
                &rec,
                Event::FindingRecorded,
                json!({ "finding": f.code, "finding_id": f.id }),
            )?);
        }
        // The officers' reminders: rectification overdue, same-day referral due (rules.md §11).
        for d in notify::finding_reminders(&s, &rec.street, rec.status, f, work)? {
            outbox.push((rec.filing_no.clone(), d));
        }
        if let Some(by) = &f.rectify_by {
            outbox.push(notify::for_manage(
                &s,
                &rec,
                Event::Finding,
                json!({ "finding": f.code, "finding_id": f.id, "rectify_by": by }),
            )?);
        }
        ops.push(ManageOp::AddFinding(f.clone()));
    }
    // The completion check closes the loop (rules.md §7 v3, 第三十三条 "现场核实确认，实现闭环管理"): with
    // `IC_WORK_COMPLETED` ok, no finding in it and none left open or awaiting the street's decision, a
    // declared completion becomes `cancelled` — in the same transaction as the inspection, with its
    // history event, audit entry and the applicant's `cancelled` notification. With findings it stays
    // `completion_declared`; the next completion check falls due when they are to be rectified.
    let closes = kind == InspectionKind::Completion
        && rec.status == Status::CompletionDeclared
        && findings.is_empty()
        && b.items
            .iter()
            .any(|it| it.code == "IC_WORK_COMPLETED" && it.answer == "ok")
        && !m
            .findings
            .iter()
            .any(|f| matches!(f.status.as_str(), "open" | "rectified"));
    if kind == InspectionKind::Completion
        && rec.status == Status::CompletionDeclared
        && !findings.is_empty()
    {
        // *Product policy*: the re-check is due on the latest `rectify_by` (or the usual 3 working
        // days when none asks for rectification).
        let due = findings
            .iter()
            .filter_map(|f| f.rectify_by.as_deref().and_then(Date::parse))
            .max()
            .or_else(|| {
                s.engine
                    .inspection_due(InspectionKind::Completion, day, false)
                    .map(|c| c.date)
            });
        let again = ins::scheduled(&rec, &rec.columns, InspectionKind::Completion, due, &now)?;
        if let Some(d) = notify::inspection_reminder(&s, &rec.street, rec.status, &again)? {
            outbox.push((rec.filing_no.clone(), d));
        }
        ops.push(ManageOp::AddInspection(again));
    }
    if closes {
        let mut u = crate::routes::registrations::staff_step(
            &s,
            &rec,
            &o,
            crate::lifecycle::Action::Cancel,
        )?;
        let declared = rec
            .events
            .iter()
            .rev()
            .find(|e| e.action == crate::lifecycle::Action::DeclareCompletion)
            .and_then(|e| e.data.as_ref());
        u.event.data = Some(json!({
            "inspection_id": inspection_id.0,
            "completion_date": declared.and_then(|d| d.get("completion_date")).cloned(),
        }));
        audit.push(o.audit(
            &s,
            "cancelled",
            &rec.filing_no,
            "ok",
            Some(inspection_id.0.clone()),
        ));
        u.audit = audit;
        u.manage = ops;
        crate::routes::registrations::store_update(&s, &rec, u).await?;
    } else {
        let wake = !outbox.is_empty();
        s.store.manage_write(ops, audit, outbox).await?;
        if wake {
            s.outbox_wake.notify_one();
        }
    }
    let m = s.store.manage_of(&rec.filing_no).await?;
    let inspection = ins::views(&s, &rec, &m, true)?
        .into_iter()
        .find(|v| v.id == inspection_id.0)
        .ok_or_else(|| ApiError::internal("recorded inspection not read back"))?;
    Ok((
        StatusCode::CREATED,
        Json(Recorded {
            inspection,
            revocation_suggested: suggested_revocation,
            escalation_pending,
            referrals_due,
        }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Escalated {
    /// The `INSPECTION_HIGH_RISK` now due.
    pub inspection_id: String,
    pub due: Option<String>,
}

/// An officer confirms the escalation of an engineering work to high-risk management after an
/// `F_MAJOR_HAZARD` finding (第三十条第（七）项): the high-risk checklist items apply and an
/// `INSPECTION_HIGH_RISK` falls due (*product policy*: 3 working days); the applicant is told.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/escalation", tag = "inspections",
    params(("filing_no" = String, Path)), security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Escalated), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn escalate(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
) -> Result<Json<Escalated>, ApiError> {
    street_office(&o)?;
    let m = s.store.manage_of(&rec.filing_no).await?;
    let pending: Vec<&FindingRow> = m
        .findings
        .iter()
        .filter(|f| f.escalation.as_deref() == Some("pending"))
        .collect();
    if pending.is_empty() {
        return Err(ApiError::State {
            msg: Msg::of(Key::NoEscalation),
        });
    }
    let now = s.now();
    let mut ops: Vec<ManageOp> = pending
        .iter()
        .map(|f| {
            ManageOp::PutFinding(FindingRow {
                escalation: Some("confirmed".into()),
                updated_at: now.clone(),
                ..(*f).clone()
            })
        })
        .collect();
    let due = s
        .engine
        .inspection_due(InspectionKind::HighRisk, s.today(), true)
        .map(|c| c.date);
    let row = ins::scheduled(&rec, &rec.columns, InspectionKind::HighRisk, due, &now)?;
    let id = row.id.clone();
    ops.push(ManageOp::AddInspection(row.clone()));
    let due = due.map(|d| d.to_string());
    let audit = vec![o.audit(
        &s,
        "escalation_confirmed",
        &rec.filing_no,
        "ok",
        Some(id.clone()),
    )];
    let mut outbox = vec![notify::for_manage(
        &s,
        &rec,
        Event::Escalated,
        json!({ "due": due }),
    )?];
    if let Some(d) = notify::inspection_reminder(&s, &rec.street, rec.status, &row)? {
        outbox.push((rec.filing_no.clone(), d));
    }
    s.store.manage_write(ops, audit, outbox).await?;
    s.outbox_wake.notify_one();
    Ok(Json(Escalated {
        inspection_id: id,
        due,
    }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct FollowUpIn {
    /// YYYY-MM-DD, not before today. Default: `follow_up_working_days` (1) working day after the
    /// finding's `rectify_by` (counted from today when that has passed or the finding has none).
    #[serde(default)]
    pub due: Option<String>,
}

/// The street office schedules a re-inspection (`INSPECTION_FOLLOW_UP`, rules.md §9.1; 第三十条,
/// 第三十四条 "核实…隐患整改情况") of a finding still open or awaiting its decision: a due inspection
/// linked to the finding (`finding_id`), with its checklist, listed with the other due inspections (the
/// queue's overdue handling and the officers' `inspection_due` reminder apply). Recording an
/// `INSPECTION_FOLLOW_UP` completes it. One scheduled follow-up per finding (409 for a second).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/findings/{id}/follow-up", tag = "inspections",
    params(("filing_no" = String, Path), ("id" = String, Path)), security(("bearer" = []), ("session" = [])),
    request_body(content = FollowUpIn),
    responses((status = 201, body = InspectionView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
pub async fn schedule_follow_up(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiPath((_, id)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<InspectionView>), ApiError> {
    street_office(&o)?;
    let b: FollowUpIn = if body.iter().all(u8::is_ascii_whitespace) {
        FollowUpIn::default()
    } else {
        parse_json(&body)?
    };
    let f = finding_of(&s, &rec.filing_no, &id).await?;
    if !(rec.status.is_live() || rec.status == Status::CompletionDeclared) {
        return Err(ApiError::State {
            msg: Msg::of(Key::InspectNotInForce),
        });
    }
    let today = s.today();
    let mut problems = Vec::new();
    if !matches!(f.status.as_str(), "open" | "rectified") {
        problems.push(FieldProblem::msg(
            "finding_id",
            "finding_state",
            Msg::of(Key::FollowUpFindingState),
        ));
    }
    let due = match b.due.as_deref().filter(|v| !v.trim().is_empty()) {
        Some(v) => match Date::parse(v) {
            Some(d) if d >= today => Some(d),
            _ => {
                problems.push(FieldProblem::msg("due", "date", Msg::of(Key::FollowUpDue)));
                None
            }
        },
        None => {
            let from = f
                .rectify_by
                .as_deref()
                .and_then(Date::parse)
                .filter(|d| *d >= today)
                .unwrap_or(today);
            s.engine
                .inspection_due(InspectionKind::FollowUp, from, false)
                .map(|c| c.date)
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid_request(problems));
    }
    let m = s.store.manage_of(&rec.filing_no).await?;
    let kind = InspectionKind::FollowUp.code().as_str();
    if let Some(i) = m
        .inspections
        .iter()
        .find(|i| i.status == "due" && i.kind == kind && i.finding_id.as_deref() == Some(&f.id))
    {
        return Err(ApiError::State {
            msg: Msg::with(
                Key::FollowUpScheduled,
                &[("due", &i.due.clone().unwrap_or_default())],
            ),
        });
    }
    let now = s.now();
    let row = InspectionRow {
        finding_id: Some(f.id.clone()),
        ..ins::scheduled(&rec, &rec.columns, InspectionKind::FollowUp, due, &now)?
    };
    let ins_id = row.id.clone();
    let audit = vec![o.audit(
        &s,
        "follow_up_scheduled",
        &rec.filing_no,
        "ok",
        Some(format!(
            "{ins_id} {} {}",
            f.id,
            due.map(|d| d.to_string()).unwrap_or_default()
        )),
    )];
    let mut outbox = Vec::new();
    if let Some(d) = notify::inspection_reminder(&s, &rec.street, rec.status, &row)? {
        outbox.push((rec.filing_no.clone(), d));
    }
    let wake = !outbox.is_empty();
    if let Err(e) = s
        .store
        .manage_write(vec![ManageOp::AddInspection(row)], audit, outbox)
        .await
    {
        // Two officers at once: the unique index (0014) refused the second — the same 409 as above.
        let m = s.store.manage_of(&rec.filing_no).await?;
        if let Some(i) = m
            .inspections
            .iter()
            .find(|i| i.status == "due" && i.kind == kind && i.finding_id.as_deref() == Some(&f.id))
        {
            return Err(ApiError::State {
                msg: Msg::with(
                    Key::FollowUpScheduled,
                    &[("due", &i.due.clone().unwrap_or_default())],
                ),
            });
        }
        return Err(e.into());
    }
    if wake {
        s.outbox_wake.notify_one();
    }
    let m = s.store.manage_of(&rec.filing_no).await?;
    let view = ins::views(&s, &rec, &m, true)?
        .into_iter()
        .find(|v| v.id == ins_id)
        .ok_or_else(|| ApiError::internal("scheduled follow-up not read back"))?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The finding `id` of the registration `filing_no` (404 otherwise).
async fn finding_of(s: &AppState, filing_no: &str, id: &str) -> Result<FindingRow, ApiError> {
    s.store
        .get_finding(id)
        .await?
        .filter(|f| f.filing_no.as_deref() == Some(filing_no))
        .ok_or(ApiError::NotFound)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RectificationIn {
    pub note: String,
    /// Upload ids of images (JPEG, PNG).
    #[serde(default)]
    pub photos: Vec<String>,
}

/// The applicant or the contractor named in the filing (its own access code, rules.md §10: "the
/// contractor uploads evidence") answers a finding with what was done (第三十四条, 第十三条第（一）项): a
/// note and photos. The finding awaits the street's decision (`rectified`).
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/findings/{id}/rectification", tag = "inspections",
    params(("filing_no" = String, Path), ("id" = String, Path)), security(("bearer" = [])), request_body(content = RectificationIn),
    responses((status = 201, body = crate::inspections::FindingView), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn rectify(
    State(s): State<AppState>,
    party: Party,
    ApiPath((_, id)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<RectificationIn>,
) -> Result<(StatusCode, Json<crate::inspections::FindingView>), ApiError> {
    let rec = &party.rec;
    let f = finding_of(&s, &rec.filing_no, &id).await?;
    if f.status != "open" {
        return Err(ApiError::State {
            msg: Msg::of(Key::FindingNotOpen),
        });
    }
    let mut problems = Vec::new();
    let note = text(&b.note, "note", anbei_filing::RECTIFICATION_NOTE_MAX)
        .map_err(|p| problems.push(p))
        .ok();
    photos(&s, "photos", &b.photos, &mut problems).await?;
    let Some(note) = note.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let now = s.now();
    let r = RectificationRow {
        id: ins::new_id("rct")?,
        finding_id: f.id.clone(),
        filing_no: rec.filing_no.clone(),
        at: now.clone(),
        by_role: party.actor.as_str().into(),
        note,
        photos: Value::from(b.photos.clone()).to_string(),
        decision: None,
        reason: None,
        decided_by: None,
        decided_at: None,
    };
    let mut audit = party.audit(&s, "rectification_submitted");
    audit.detail = Some(f.id.clone());
    let ops = vec![
        ManageOp::PutFinding(FindingRow {
            status: "rectified".into(),
            updated_at: now,
            ..f.clone()
        }),
        ManageOp::AddRectification(r),
    ];
    let outbox = vec![notify::for_officers(
        &s,
        rec,
        Event::RectificationAnswered,
        json!({ "finding": f.code, "finding_id": f.id }),
    )?];
    s.store.manage_write(ops, vec![audit], outbox).await?;
    s.outbox_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(view_of(&s, rec, &f.id, false).await?),
    ))
}

/// The finding `id` of `rec` as it now stands.
async fn view_of(
    s: &AppState,
    rec: &crate::store::FilingRecord,
    id: &str,
    staff: bool,
) -> Result<crate::inspections::FindingView, ApiError> {
    let m = s.store.manage_of(&rec.filing_no).await?;
    ins::views(s, rec, &m, staff)?
        .into_iter()
        .flat_map(|i| i.findings)
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::internal("finding not read back"))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecisionIn {
    pub accept: bool,
    /// Required to reject.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The street verifies the answer to a finding (第三十四条 "核实"): accepted → `closed`; rejected →
/// `open` again, with the reason. The applicant is told either way.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/findings/{id}/decision", tag = "inspections",
    params(("filing_no" = String, Path), ("id" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = DecisionIn),
    responses((status = 200, body = crate::inspections::FindingView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiPath((_, id)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<crate::inspections::FindingView>, ApiError> {
    if o.role == Role::Property {
        return Err(ApiError::forbidden(Key::InspectOnlyStaff));
    }
    may_inspect(&o, None)?;
    let f = finding_of(&s, &rec.filing_no, &id).await?;
    let b: DecisionIn = parse_json(&body)?;
    let reason = match b.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(r) => Some(text(r, "reason", 1000).map_err(|p| ApiError::invalid_request(vec![p]))?),
        None if !b.accept => {
            return Err(ApiError::invalid_request(vec![FieldProblem::msg(
                "reason",
                "required",
                Msg::of(Key::RejectNeedsReason),
            )]));
        }
        None => None,
    };
    let m = s.store.manage_of(&rec.filing_no).await?;
    let pending = m
        .rectifications
        .iter()
        .find(|r| r.finding_id == f.id && r.decision.is_none());
    let (Some(pending), "rectified") = (pending, f.status.as_str()) else {
        return Err(ApiError::State {
            msg: Msg::of(Key::NothingToDecide),
        });
    };
    let now = s.now();
    let (decision, status, event) = if b.accept {
        ("accepted", "closed", Event::RectificationAccepted)
    } else {
        ("rejected", "open", Event::RectificationRejected)
    };
    let ops = vec![
        ManageOp::DecideRectification(RectificationRow {
            decision: Some(decision.into()),
            reason: reason.clone(),
            decided_by: Some(o.signature()),
            decided_at: Some(now.clone()),
            ..pending.clone()
        }),
        ManageOp::PutFinding(FindingRow {
            status: status.into(),
            updated_at: now,
            ..f.clone()
        }),
    ];
    let audit = vec![o.audit(
        &s,
        &format!("rectification_{decision}"),
        &rec.filing_no,
        "ok",
        Some(f.id.clone()),
    )];
    let mut outbox = vec![notify::for_manage(
        &s,
        &rec,
        event,
        json!({ "finding_id": f.id, "reason": reason }),
    )?];
    // Rejected after its `rectify_by`: overdue again, and its officers' reminder has gone (§11).
    if !b.accept {
        let work = ins::facts_of(&s, &rec)?
            .1
            .kind
            .unwrap_or(WorkKind::Engineering);
        if let Some(d) = notify::overdue_again(&s, &rec.street, rec.status, &f, work)? {
            outbox.push((rec.filing_no.clone(), d));
        }
    }
    s.store.manage_write(ops, audit, outbox).await?;
    s.outbox_wake.notify_one();
    Ok(Json(view_of(&s, &rec, &f.id, true).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReferralIn {
    /// `REF_STREET_ENFORCEMENT`, `REF_INDUSTRY_SAFETY`, `REF_DEPARTMENT` or `REF_LAND_PLANNING`
    /// (default: the core's suggestion for the finding and the work).
    #[serde(default)]
    pub target: Option<String>,
    /// A department code (§5); default the suggested one.
    #[serde(default)]
    pub department: Option<String>,
    pub reason: String,
}

pub(crate) const TARGETS: [&str; 4] = [
    "REF_STREET_ENFORCEMENT",
    "REF_INDUSTRY_SAFETY",
    "REF_DEPARTMENT",
    "REF_LAND_PLANNING",
];

/// An officer refers a finding (第三十六条) to the body that enforces it, with the reason and the date;
/// a same-day referral (第三十条 "于当日") made after its day is flagged `late`.
#[utoipa::path(post, path = "/api/v1/registrations/{filing_no}/findings/{id}/referral", tag = "inspections",
    params(("filing_no" = String, Path), ("id" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = ReferralIn),
    responses((status = 201, body = crate::inspections::FindingView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn refer(
    State(s): State<AppState>,
    StreetOfficer { officer: o, rec }: StreetOfficer,
    ApiPath((_, id)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<crate::inspections::FindingView>), ApiError> {
    street_office(&o)?;
    let f = finding_of(&s, &rec.filing_no, &id).await?;
    let b: ReferralIn = parse_json(&body)?;
    if matches!(f.status.as_str(), "closed" | "referred") {
        return Err(ApiError::State {
            msg: Msg::of(Key::FindingNotOpen),
        });
    }
    let code = Finding::from_code(&f.code)
        .ok_or_else(|| ApiError::internal(format!("findings.code {:?}", f.code)))?;
    let (_, result) = ins::facts_of(&s, &rec)?;
    let suggested = s.engine.referral_target(code, &result);
    let mut problems = Vec::new();
    let target = match given(&b.target) {
        Some(t) if TARGETS.contains(&t.as_str()) => t,
        Some(_) => {
            problems.push(FieldProblem::msg(
                "target",
                "code",
                Msg::with(Key::ReferralTarget, &[("targets", &TARGETS.join(", "))]),
            ));
            String::new()
        }
        None => suggested.code.as_str().to_owned(),
    };
    // `REF_DEPARTMENT` names its department (§5; the suggestion when none is given); no other target
    // takes one (`REF_LAND_PLANNING` records the organising URBAN the core suggests).
    let department = match (target.as_str(), given(&b.department)) {
        ("REF_DEPARTMENT", Some(d)) if ins::department_name(&s, &d).is_some() => Some(d),
        ("REF_DEPARTMENT", Some(_)) => {
            let known: Vec<&str> = s
                .engine
                .departments()
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            problems.push(FieldProblem::msg(
                "department",
                "code",
                Msg::with(Key::DepartmentCode, &[("departments", &known.join(", "))]),
            ));
            None
        }
        // Only the whole suggestion (no target given) brings its department along.
        ("REF_DEPARTMENT", None) => match suggested.department {
            Some(d) if given(&b.target).is_none() => Some(d.to_owned()),
            _ => {
                problems.push(FieldProblem::msg(
                    "department",
                    "required",
                    Msg::of(Key::ReferralDepartmentRequired),
                ));
                None
            }
        },
        (_, Some(_)) => {
            problems.push(FieldProblem::msg(
                "department",
                "only_for_department",
                Msg::of(Key::DepartmentOnlyForDepartment),
            ));
            None
        }
        (t, None) if t == suggested.code.as_str() => suggested.department.map(str::to_owned),
        (_, None) => None,
    };
    let reason = text(&b.reason, "reason", 1000)
        .map_err(|p| problems.push(p))
        .ok();
    let Some(reason) = reason.filter(|_| problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let today = s.today();
    let found_on = Date::parse(&f.found_on).unwrap_or(today);
    let h = handling(code, result.kind.unwrap_or(WorkKind::Engineering));
    // The day a same-day referral falls due: the finding's day, or the day its rectification is overdue.
    let due_on = match h.referral {
        ReferralWhen::SameDay => Some(found_on),
        ReferralWhen::SameDayWhenOverdueOrRefused
        | ReferralWhen::SameDayWhenOverdueOrMajorHazard => f
            .rectify_by
            .as_deref()
            .and_then(Date::parse)
            .map(|d| d.add_days(1))
            .filter(|d| *d <= today),
        _ => None,
    };
    let late = due_on.is_some_and(|d| referral_late(d, Some(today), today));
    let now = s.now();
    let r = ReferralRow {
        id: ins::new_id("ref")?,
        finding_id: f.id.clone(),
        filing_no: Some(rec.filing_no.clone()),
        target: target.clone(),
        department,
        reason,
        referred_on: today.to_string(),
        at: now.clone(),
        by_login: o.login.clone(),
        by_name: o.name.clone(),
        late,
    };
    let ops = vec![
        ManageOp::PutFinding(FindingRow {
            status: "referred".into(),
            updated_at: now,
            ..f.clone()
        }),
        ManageOp::AddReferral(r),
    ];
    let audit = vec![o.audit(
        &s,
        "referred",
        &rec.filing_no,
        "ok",
        Some(format!(
            "{} {target}{}",
            f.id,
            if late { " late" } else { "" }
        )),
    )];
    s.store.manage_write(ops, audit, vec![]).await?;
    Ok((
        StatusCode::CREATED,
        Json(view_of(&s, &rec, &f.id, true).await?),
    ))
}
