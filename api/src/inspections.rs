//! The management after registration (rules.md §9, issue 14), between the core's pure rules
//! (`anbei_core::manage`: due dates, checklists, the handling of findings, referral targets) and the
//! store's rows (`store::manage`): which inspections a change of a registration makes due (scheduled in
//! that change's transaction), and how inspections and findings are shown to the applicant and to staff.
//! The handlers are `routes/inspections.rs`.

use crate::app::AppState;
use crate::error::ApiError;
use crate::error::Msg;
use crate::lifecycle::{Action, Status};
use crate::messages::Lang;
use crate::store::{
    FilingRecord, FilingUpdate, FilterColumns, FindingRow, InspectionRow, ManageRecord,
    RectificationRow, ReferralRow,
};
use anbei_core::manage::{Finding, StopWork, handling, is_overdue};
use anbei_core::model::Kind as WorkKind;
use anbei_core::{Date, InspectionKind, ManageCode};
use serde::Serialize;
use serde_json::Value;

/// A new id: `prefix_` and 128 random bits.
pub fn new_id(prefix: &str) -> Result<String, ApiError> {
    let b = crate::signing::random_bytes::<16>().map_err(ApiError::internal)?;
    Ok(format!("{prefix}_{}", crate::signing::hex(&b)))
}

/// A §9 code's title in `l` (the code itself when the wording is not loaded), for notifications.
pub fn code_title(s: &AppState, code: &str, l: Lang) -> String {
    s.engine
        .ruleset_view_with_manage(s.today())
        .ok()
        .and_then(|v| {
            v.manage.and_then(|m| {
                m.manage_codes.get(code).map(|t| match l {
                    Lang::ZhCn => t.title.zh.clone(),
                    Lang::En => t.title.en.clone(),
                })
            })
        })
        .unwrap_or_else(|| code.to_owned())
}

/// A scheduled inspection of `kind` of the registration `rec` (scope columns `cols`), due on `due`.
pub fn scheduled(
    rec: &FilingRecord,
    cols: &FilterColumns,
    kind: InspectionKind,
    due: Option<Date>,
    now: &str,
) -> Result<InspectionRow, ApiError> {
    Ok(InspectionRow {
        id: new_id("ins")?,
        filing_no: Some(rec.filing_no.clone()),
        street: rec.street.clone(),
        community: cols.community.clone(),
        area: cols.area.clone(),
        departments: cols.departments.clone(),
        address: None,
        kind: kind.code().as_str().to_owned(),
        due: due.map(|d| d.to_string()),
        status: "due".into(),
        created_at: now.to_owned(),
        inspected_at: None,
        done_at: None,
        inspector_login: None,
        inspector_name: None,
        answers: None,
        finding_id: None,
    })
}

/// The inspections a state change `u` of `rec` makes due, stored in its transaction (rules.md §9.1):
/// a high-risk registration taking effect (by an officer's acceptance, or at once) gets
/// `INSPECTION_HIGH_RISK` within `inspection_working_days` working days (第三十二条第（一）项); a
/// declaration of completion (注销申报) gets `INSPECTION_COMPLETION` (第三十三条; *product policy*: 3
/// working days).
pub fn for_update(
    s: &AppState,
    rec: &FilingRecord,
    u: &FilingUpdate,
) -> Result<Vec<InspectionRow>, ApiError> {
    let today = s.today();
    let takes_effect = u.status == Status::Registered && !rec.status.is_live();
    let high_risk = u.high_risk.unwrap_or(rec.high_risk);
    let kind = if takes_effect && high_risk {
        InspectionKind::HighRisk
    } else if u.event.action == Action::DeclareCompletion {
        InspectionKind::Completion
    } else {
        return Ok(Vec::new());
    };
    let due = s.engine.inspection_due(kind, today, false).map(|c| c.date);
    let cols = u.columns.as_ref().unwrap_or(&rec.columns);
    Ok(vec![scheduled(rec, cols, kind, due, &u.updated_at)?])
}

/// An answer to a finding (第三十四条) and the decision on it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RectificationView {
    pub id: String,
    pub at: String,
    pub note: String,
    pub photos: Vec<String>,
    /// `null` (awaiting the street), `accepted` or `rejected`.
    pub decision: Option<String>,
    pub reason: Option<String>,
    /// Staff only: who decided, `name（login）`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// A referral (第三十六条).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: String,
    pub target: String,
    /// The body it went to, in words (the target's title): what the applicant reads as "已移交…处理".
    pub title: Msg,
    pub department: Option<String>,
    /// The department's name (§5), where one was chosen.
    pub department_name: Option<Msg>,
    pub reason: String,
    pub referred_on: String,
    /// A same-day referral (第三十条) made after its day.
    pub late: bool,
    /// Staff only: who referred it, `name（login）`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A finding (§9.3) with its rectification loop and referrals.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingView {
    pub id: String,
    pub inspection_id: String,
    pub code: String,
    /// What was found, in words (the finding code's title in both languages): so the applicant's
    /// widget needs none of §9's wording tables.
    pub title: Msg,
    /// Whether the work found is stopped (第三十条, §9.3): `at_once` (立即制止), `uncertified_work`
    /// (the person without a certificate stops that work) or `no`.
    pub stop_work: &'static str,
    pub item: Option<String>,
    pub note: String,
    pub found_on: String,
    pub rectify_by: Option<String>,
    /// `open`, `rectified` (an answer awaits the street's decision), `closed` or `referred`.
    pub status: String,
    /// Open past `rectify_by` (the day after it, by the service's clock).
    pub overdue: bool,
    /// `F_MAJOR_HAZARD` on engineering work: `pending` until an officer confirms, then `confirmed`.
    pub escalation: Option<String>,
    pub rectifications: Vec<RectificationView>,
    pub referrals: Vec<ReferralView>,
    /// Staff only: the core's suggested referral target (`REF_*`, 第三十六条), from the finding and
    /// the work's determination (absent for work without a registration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_target: Option<String>,
    /// Staff only: the departments (§5) to choose from for `REF_DEPARTMENT` — the work's primary and
    /// co-departments, the suggested one first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_departments: Option<Vec<DepartmentRef>>,
}

/// A department (§5) by code, with its name.
#[derive(Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct DepartmentRef {
    pub code: String,
    pub name: Msg,
}

/// The department `code`'s name (§5), `None` for a code the data does not know.
pub fn department_name(s: &AppState, code: &str) -> Option<Msg> {
    s.engine
        .departments()
        .iter()
        .find(|d| d.code == code)
        .map(|d| Msg::new(d.name.zh.clone(), d.name.en.clone()))
}

/// An inspection as a registration shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub id: String,
    /// `INSPECTION_*` (§9.1).
    pub kind: String,
    pub due: Option<String>,
    /// `due` or `done`.
    pub status: String,
    /// Still due after its due date (*product policy*: overdue the day after).
    pub overdue: bool,
    pub inspected_at: Option<String>,
    /// Staff only: the inspector, `name（login）`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspector: Option<String>,
    /// The generated checklist (§9.2): `[{code, article, text{zh,en}, because[{on, text}]}]`.
    #[schema(value_type = Vec<Object>)]
    pub checklist: Value,
    /// The recorded answers, `[{code, answer, note, photos}]` (empty while due).
    #[schema(value_type = Vec<Object>)]
    pub answers: Value,
    pub findings: Vec<FindingView>,
    /// A scheduled `INSPECTION_FOLLOW_UP`: the finding whose rectification it verifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<String>,
}

/// An inspection as the inspections list shows it (no checklist, no personal data).
#[derive(Serialize, utoipa::ToSchema)]
pub struct InspectionEntry {
    pub id: String,
    pub kind: String,
    pub filing_no: Option<String>,
    pub street: String,
    pub community: String,
    pub address: Option<String>,
    pub due: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub inspected_at: Option<String>,
    /// A scheduled `INSPECTION_FOLLOW_UP`: the finding whose rectification it verifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<String>,
    /// A recorded inspection's findings, each with its state and referrals (empty while due): what
    /// the console's lists of records show without opening each registration — and the only place
    /// the findings of work found without registration are read again.
    pub findings: Vec<RecordFinding>,
}

/// A finding as the inspections list shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordFinding {
    pub id: String,
    pub code: String,
    pub title: Msg,
    pub note: String,
    pub rectify_by: Option<String>,
    /// `open`, `rectified`, `closed` or `referred`.
    pub status: String,
    pub overdue: bool,
    pub referrals: Vec<ReferralView>,
}

/// The findings of `i` among `findings`, with their referrals among `referrals` (staff).
pub fn record_findings(
    s: &AppState,
    i: &str,
    findings: &[FindingRow],
    referrals: &[ReferralRow],
) -> Vec<RecordFinding> {
    let today = s.today();
    findings
        .iter()
        .filter(|f| f.inspection_id == i)
        .map(|f| RecordFinding {
            id: f.id.clone(),
            code: f.code.clone(),
            title: title_of(s, &f.code, &f.found_on),
            note: f.note.clone(),
            rectify_by: f.rectify_by.clone(),
            status: f.status.clone(),
            overdue: finding_overdue(f, today),
            referrals: referrals
                .iter()
                .filter(|r| r.finding_id == f.id)
                .map(|r| referral_view(s, r, true))
                .collect(),
        })
        .collect()
}

pub fn entry(i: &InspectionRow, today: Date) -> InspectionEntry {
    InspectionEntry {
        id: i.id.clone(),
        kind: i.kind.clone(),
        filing_no: i.filing_no.clone(),
        street: i.street.clone(),
        community: i.community.clone(),
        address: i.address.clone(),
        due: i.due.clone(),
        overdue: inspection_overdue(i, today),
        status: i.status.clone(),
        inspected_at: i.inspected_at.clone(),
        finding_id: i.finding_id.clone(),
        findings: Vec::new(),
    }
}

/// Due and past its due date.
pub fn inspection_overdue(i: &InspectionRow, today: Date) -> bool {
    i.status == "due"
        && i.due
            .as_deref()
            .and_then(Date::parse)
            .is_some_and(|d| is_overdue(d, today))
}

/// Open and past its `rectify_by`.
pub fn finding_overdue(f: &FindingRow, today: Date) -> bool {
    f.status == "open"
        && f.rectify_by
            .as_deref()
            .and_then(Date::parse)
            .is_some_and(|d| is_overdue(d, today))
}

/// What the public and the registration show of its management (issue 14): `referred` once a finding
/// still unresolved was referred (第三十六条), `under_rectification` while one is open or awaits the
/// street's decision, else `None`.
pub fn management(m: &ManageRecord) -> Option<&'static str> {
    if m.findings.iter().any(|f| f.status == "referred") {
        Some("referred")
    } else if m
        .findings
        .iter()
        .any(|f| matches!(f.status.as_str(), "open" | "rectified"))
    {
        Some("under_rectification")
    } else {
        None
    }
}

/// Whether an officer confirmed a major-hazard escalation of this registration.
pub fn escalated(m: &ManageRecord) -> bool {
    m.findings
        .iter()
        .any(|f| f.escalation.as_deref() == Some("confirmed"))
}

/// The stored facts of `rec` and their determination.
pub fn facts_of<'e>(
    s: &'e AppState,
    rec: &FilingRecord,
) -> Result<(anbei_core::Facts, anbei_core::Assessment<'e>), ApiError> {
    let f: crate::filing::Filing =
        serde_json::from_str(&rec.request).map_err(ApiError::internal)?;
    let filed_on = crate::routes::registrations::filed_on(rec)?;
    let registered = rec
        .receipt
        .as_ref()
        .and_then(|r| r.issued_at.get(..10))
        .and_then(Date::parse);
    crate::filing::facts_and_result(&s.engine, &f.facts, filed_on, registered)
        .map_err(|_| ApiError::internal("stored facts no longer decide"))
}

/// A contractor's site record, or a department's feedback (rules.md §10, 第三十一条).
#[derive(Serialize, utoipa::ToSchema)]
pub struct SiteRecordView {
    pub id: String,
    /// `site_photos`, `worker_changes`, `rectification_evidence`, `waste_disposal` or `feedback`.
    pub kind: String,
    pub at: String,
    /// `contractor`, or (staff) the department account `name（login）`.
    pub by: String,
    pub note: Option<String>,
    /// Upload ids, opened with `GET /api/v1/registrations/{filing_no}/documents/{upload_id}`.
    pub documents: Vec<String>,
}

pub fn site_record_view(r: &crate::store::SiteRecordRow, staff: bool) -> SiteRecordView {
    SiteRecordView {
        id: r.id.clone(),
        kind: r.kind.clone(),
        at: r.at.clone(),
        by: match (&r.by_name, &r.by_login) {
            (Some(n), Some(l)) if staff => format!("{n}（{l}）"),
            _ => r.by_role.clone(),
        },
        note: r.note.clone(),
        documents: serde_json::from_str(&r.documents).unwrap_or_default(),
    }
}

/// A registration's department feedback and its contractor's site records, oldest first.
pub fn site_record_views(
    m: &ManageRecord,
    staff: bool,
) -> (Vec<SiteRecordView>, Vec<SiteRecordView>) {
    let (feedback, records): (Vec<_>, Vec<_>) =
        m.site_records.iter().partition(|r| r.kind == "feedback");
    (
        feedback
            .into_iter()
            .map(|r| site_record_view(r, staff))
            .collect(),
        records
            .into_iter()
            .map(|r| site_record_view(r, staff))
            .collect(),
    )
}

/// A registration's inspections with their findings, as `staff` (or the applicant) sees them.
pub fn views(
    s: &AppState,
    rec: &FilingRecord,
    m: &ManageRecord,
    staff: bool,
) -> Result<Vec<InspectionView>, ApiError> {
    let today = s.today();
    let esc = escalated(m);
    let mut out = Vec::with_capacity(m.inspections.len());
    // The determination once for all the registration's checklists (none without an inspection).
    let decided = if m.inspections.is_empty() {
        None
    } else {
        Some(facts_of(s, rec)?)
    };
    let work = decided
        .as_ref()
        .and_then(|(_, r)| r.kind)
        .unwrap_or(WorkKind::Engineering);
    for i in &m.inspections {
        let kind = InspectionKind::from_code(&i.kind)
            .ok_or_else(|| ApiError::internal(format!("inspections.kind {:?}", i.kind)))?;
        let checklist = match &decided {
            Some((facts, result)) if kind != InspectionKind::Unregistered => {
                serde_json::to_value(s.engine.checklist(kind, facts, result, esc))
                    .map_err(ApiError::internal)?
            }
            _ => Value::Array(vec![]),
        };
        let answers = match &i.answers {
            Some(a) => serde_json::from_str(a).map_err(ApiError::internal)?,
            None => Value::Array(vec![]),
        };
        let findings = m
            .findings
            .iter()
            .filter(|f| f.inspection_id == i.id)
            .map(|f| {
                let result = decided.as_ref().map(|(_, r)| r).filter(|_| staff);
                finding_view(s, f, m, work, staff, result)
            })
            .collect();
        out.push(InspectionView {
            id: i.id.clone(),
            kind: i.kind.clone(),
            due: i.due.clone(),
            status: i.status.clone(),
            overdue: inspection_overdue(i, today),
            inspected_at: i.inspected_at.clone(),
            inspector: if staff {
                match (&i.inspector_name, &i.inspector_login) {
                    (Some(n), Some(l)) => Some(format!("{n}（{l}）")),
                    _ => None,
                }
            } else {
                None
            },
            checklist,
            answers,
            findings,
            finding_id: i.finding_id.clone(),
        });
    }
    Ok(out)
}

/// A §9 code's title in both languages, as the rule set in force on `on` words it (the code itself
/// for a code this build does not know: never an empty line).
pub fn title_of(s: &AppState, code: &str, on: &str) -> Msg {
    let on = Date::parse(on).unwrap_or_else(|| s.today());
    match ManageCode::from_str(code) {
        Some(c) => {
            let t = s.engine.manage_title(c, on);
            Msg::new(t.zh, t.en)
        }
        None => Msg::new(code, code),
    }
}

/// A finding as `staff` (or the applicant) sees it, on work of kind `work` (which decides whether
/// it is stopped: `F_MAJOR_HAZARD` stops odd jobs only); with the work's determination `result`
/// (staff), the suggested referral.
pub fn finding_view(
    s: &AppState,
    f: &FindingRow,
    m: &ManageRecord,
    work: WorkKind,
    staff: bool,
    result: Option<&anbei_core::Assessment<'_>>,
) -> FindingView {
    let today = s.today();
    let suggested = result
        .zip(Finding::from_code(&f.code))
        .map(|(r, code)| s.engine.referral_target(code, r));
    let stop_work = match Finding::from_code(&f.code).map(|c| handling(c, work).stop_work) {
        Some(StopWork::AtOnce) => "at_once",
        Some(StopWork::UncertifiedWork) => "uncertified_work",
        Some(StopWork::No) | None => "no",
    };
    FindingView {
        id: f.id.clone(),
        inspection_id: f.inspection_id.clone(),
        code: f.code.clone(),
        title: title_of(s, &f.code, &f.found_on),
        stop_work,
        item: f.item.clone(),
        note: f.note.clone(),
        found_on: f.found_on.clone(),
        rectify_by: f.rectify_by.clone(),
        status: f.status.clone(),
        overdue: finding_overdue(f, today),
        escalation: f.escalation.clone(),
        rectifications: m
            .rectifications
            .iter()
            .filter(|r| r.finding_id == f.id)
            .map(|r| rectification_view(r, staff))
            .collect(),
        referrals: m
            .referrals
            .iter()
            .filter(|r| r.finding_id == f.id)
            .map(|r| referral_view(s, r, staff))
            .collect(),
        suggested_target: suggested.as_ref().map(|r| r.code.as_str().to_owned()),
        suggested_departments: suggested.map(|r| {
            r.candidates
                .iter()
                .map(|c| DepartmentRef {
                    code: (*c).to_owned(),
                    name: department_name(s, c).unwrap_or_else(|| Msg::new(*c, *c)),
                })
                .collect()
        }),
    }
}

fn rectification_view(r: &RectificationRow, staff: bool) -> RectificationView {
    RectificationView {
        id: r.id.clone(),
        at: r.at.clone(),
        note: r.note.clone(),
        photos: serde_json::from_str(&r.photos).unwrap_or_default(),
        decision: r.decision.clone(),
        reason: r.reason.clone(),
        decided_by: r.decided_by.clone().filter(|_| staff),
        decided_at: r.decided_at.clone(),
    }
}

fn referral_view(s: &AppState, r: &ReferralRow, staff: bool) -> ReferralView {
    ReferralView {
        id: r.id.clone(),
        target: r.target.clone(),
        title: title_of(s, &r.target, &r.referred_on),
        department: r.department.clone(),
        department_name: r.department.as_deref().and_then(|d| department_name(s, d)),
        reason: r.reason.clone(),
        referred_on: r.referred_on.clone(),
        late: r.late,
        by: staff.then(|| format!("{}（{}）", r.by_name, r.by_login)),
    }
}

/// Whether a property watch (`INSPECTION_PROPERTY_WATCH`, rules.md §9.1, 第二十三条第（三）项) is due on
/// `day` for a registration whose filing says `facts`, planned from `start` to `end`: work at height
/// inside a property-management area, on a working day (`working`) of the planned work.
pub fn property_watch_due(facts: &Value, start: Date, end: Date, day: Date, working: bool) -> bool {
    let yes = |k: &str| facts.get(k).and_then(Value::as_bool) == Some(true);
    working && yes("work_at_height") && yes("property_managed") && start <= day && day <= end
}

/// The property watches due today for the registrations in force in a property account's areas
/// (`cover`), not yet recorded today. Generated when the list is read, never stored: a watch is due
/// each working day of the work (possibly months of rows per registration), recorded the same day or
/// not at all (a 旁站 record cannot be made afterwards), so only today's are listed — materialising every
/// day would write rows nobody can complete and need cleaning up when the work ends early or is
/// extended. Recording one (`POST …/inspections`, kind `INSPECTION_PROPERTY_WATCH`) stores it.
pub async fn property_watches_today(
    s: &AppState,
    cover: &crate::store::Coverage,
) -> Result<Vec<InspectionEntry>, ApiError> {
    let today = s.today();
    let working = s.engine.calendar().is_working_day(today).0;
    let mut out = Vec::new();
    if !working || cover.areas.is_none() {
        return Ok(out);
    }
    let kind = InspectionKind::PropertyWatch.code().as_str();
    for status in [Status::Registered, Status::Extended] {
        let filter = crate::store::ListFilter {
            street: cover.street.clone(),
            status: Some(status.as_str().to_owned()),
            areas: cover.areas.clone(),
            ..Default::default()
        };
        let mut after = None;
        loop {
            let page = s
                .store
                .ledger_page(filter.clone(), after.clone(), crate::store::LEDGER_PAGE)
                .await?;
            for e in &page.entries {
                if e.valid_until
                    .as_deref()
                    .and_then(Date::parse)
                    .is_some_and(|v| v < today)
                {
                    continue;
                }
                let req: Value = serde_json::from_str(&e.request).unwrap_or(Value::Null);
                let date = |k: &str| req.get(k).and_then(Value::as_str).and_then(Date::parse);
                let (Some(start), Some(end)) = (date("planned_start"), date("planned_end")) else {
                    continue;
                };
                let facts = req.get("facts").unwrap_or(&Value::Null);
                if !property_watch_due(facts, start, end, today, working) {
                    continue;
                }
                let m = s.store.manage_of(&e.filing_no).await?;
                let day = today.to_string();
                if m.inspections.iter().any(|i| {
                    i.kind == kind
                        && i.status == "done"
                        && i.inspected_at.as_deref().and_then(|t| t.get(..10)) == Some(day.as_str())
                }) {
                    continue;
                }
                out.push(InspectionEntry {
                    id: format!("watch_{}_{}", e.filing_no, day.replace('-', "")),
                    kind: kind.to_owned(),
                    filing_no: Some(e.filing_no.clone()),
                    street: e.street.clone(),
                    community: req
                        .pointer("/site/community")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    address: None,
                    due: Some(day),
                    status: "due".into(),
                    overdue: false,
                    inspected_at: None,
                    finding_id: None,
                    findings: Vec::new(),
                });
            }
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
    }
    Ok(out)
}
