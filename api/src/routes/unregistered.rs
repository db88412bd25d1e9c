//! Referrals made with a record of work found unregistered (`POST /api/v1/inspections`,
//! `INSPECTION_UNREGISTERED`, 第三十条第（三）项, 第三十六条). There is no registration to suggest a
//! target from, so the officer names it (and, for `REF_DEPARTMENT`, the department, §5); each
//! referral names its finding by its place in the record's `findings`. Only the street office refers
//! (rules.md §10): a patrol records the work, the officer refers it.

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, FieldProblem, Msg};
use crate::inspections as ins;
use crate::lifecycle::Role;
use crate::messages::Key;
use crate::store::{FindingRow, ReferralRow};
use anbei_core::Date;
use anbei_core::manage::{Finding, ReferralWhen, handling, referral_late};
use anbei_core::model::Kind as WorkKind;
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UnregisteredReferralIn {
    /// The finding's place in the record's `findings` (from 0).
    pub finding: usize,
    /// `REF_STREET_ENFORCEMENT`, `REF_INDUSTRY_SAFETY`, `REF_DEPARTMENT` or `REF_LAND_PLANNING`.
    #[serde(default)]
    pub target: String,
    /// A department code (§5, `GET /api/v1/meta`): required with `REF_DEPARTMENT`.
    #[serde(default)]
    pub department: Option<String>,
    pub reason: String,
}

/// The referral rows of `list`, each finding it names marked `referred`; problems go to `problems`
/// (field `referrals.<i>.<name>`). 403 when someone other than the street office refers.
#[allow(clippy::too_many_arguments)]
pub fn referrals(
    s: &AppState,
    o: &Officer,
    list: &[UnregisteredReferralIn],
    findings: &mut [FindingRow],
    day: Date,
    today: Date,
    now: &str,
    problems: &mut Vec<FieldProblem>,
) -> Result<Vec<ReferralRow>, ApiError> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    if !matches!(o.role, Role::Admin | Role::Officer) {
        return Err(ApiError::forbidden(Key::OfficerOnly));
    }
    let targets = super::inspections::TARGETS;
    let n_findings = findings.len().to_string();
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let field = |x: &str| format!("referrals.{i}.{x}");
        let mut ok = true;
        let f = findings
            .get_mut(r.finding)
            .filter(|f| f.status != "referred");
        if f.is_none() {
            ok = false;
            problems.push(FieldProblem::msg(
                field("finding"),
                "index",
                Msg::with(Key::UnregisteredReferralFinding, &[("n", &n_findings)]),
            ));
        }
        if !targets.contains(&r.target.as_str()) {
            ok = false;
            problems.push(FieldProblem::msg(
                field("target"),
                "code",
                Msg::with(Key::ReferralTarget, &[("targets", &targets.join(", "))]),
            ));
        }
        let department = r
            .department
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let known = department.is_none_or(|d| s.engine.departments().iter().any(|x| x.code == d));
        if !known || (department.is_none() && r.target == "REF_DEPARTMENT") {
            ok = false;
            let codes: Vec<&str> = s
                .engine
                .referral_departments(&[])
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            problems.push(FieldProblem::msg(
                field("department"),
                if known { "required" } else { "code" },
                Msg::with(
                    Key::UnregisteredReferralDepartment,
                    &[("codes", &codes.join(", "))],
                ),
            ));
        }
        let reason = super::inspections::text(&r.reason, &field("reason"), 1000)
            .map_err(|p| {
                ok = false;
                problems.push(p)
            })
            .ok();
        let (Some(f), Some(reason), true) = (f, reason, ok) else {
            continue;
        };
        // A same-day referral (第三十条 "于当日") recorded after the day the work was found is late.
        let same_day = Finding::from_code(&f.code)
            .is_some_and(|c| handling(c, WorkKind::Engineering).referral == ReferralWhen::SameDay);
        f.status = "referred".into();
        out.push(ReferralRow {
            id: ins::new_id("ref")?,
            finding_id: f.id.clone(),
            filing_no: None,
            target: r.target.clone(),
            department: department.map(str::to_owned),
            reason,
            referred_on: today.to_string(),
            at: now.to_owned(),
            by_login: o.login.clone(),
            by_name: o.name.clone(),
            late: same_day && referral_late(day, Some(today), today),
        });
    }
    Ok(out)
}
