//! What the store keeps of the management after registration (rules.md §9, issue 14,
//! `migrations/0006_inspections.sql`): inspections, findings, rectification answers with their
//! decisions, and referrals, as rows. What they mean (due dates, checklists, handling of findings) is
//! the core's (`anbei_core::manage`) and `crate::inspections`'.

use super::staff::Coverage;

/// An inspection: scheduled (`due`) or recorded (`done`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionRow {
    pub id: String,
    /// `None`: `INSPECTION_UNREGISTERED`, recorded against `address`.
    pub filing_no: Option<String>,
    pub street: String,
    pub community: String,
    pub area: String,
    pub departments: String,
    pub address: Option<String>,
    pub kind: String,
    pub due: Option<String>,
    /// `due` or `done`.
    pub status: String,
    pub created_at: String,
    pub inspected_at: Option<String>,
    pub done_at: Option<String>,
    pub inspector_login: Option<String>,
    pub inspector_name: Option<String>,
    /// JSON `[{code, answer, note, photos}]`.
    pub answers: Option<String>,
    /// A scheduled `INSPECTION_FOLLOW_UP`: the finding whose rectification it verifies (0014).
    pub finding_id: Option<String>,
}

/// A finding (§9.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingRow {
    pub id: String,
    pub inspection_id: String,
    pub filing_no: Option<String>,
    pub street: String,
    pub code: String,
    pub item: Option<String>,
    pub note: String,
    pub found_on: String,
    pub rectify_by: Option<String>,
    /// `open`, `rectified` (an answer awaits a decision), `closed` or `referred`.
    pub status: String,
    /// `F_MAJOR_HAZARD` on engineering work: `pending` until an officer confirms, then `confirmed`.
    pub escalation: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// The applicant's answer to a finding, and the decision on it (第三十四条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RectificationRow {
    pub id: String,
    pub finding_id: String,
    pub filing_no: String,
    pub at: String,
    pub by_role: String,
    pub note: String,
    /// JSON `[upload id]`.
    pub photos: String,
    /// `None` (awaiting), `accepted` or `rejected`.
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// A referral of a finding (第三十六条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralRow {
    pub id: String,
    pub finding_id: String,
    pub filing_no: Option<String>,
    pub target: String,
    pub department: Option<String>,
    pub reason: String,
    pub referred_on: String,
    pub at: String,
    pub by_login: String,
    pub by_name: String,
    pub late: bool,
}

/// A change of the management side, applied with its audit entries and notifications in one
/// transaction ([`super::Store::manage_write`]).
#[derive(Clone, Debug)]
pub enum ManageOp {
    AddInspection(InspectionRow),
    /// Records a scheduled inspection (its `status`, `inspected_at`, `done_at`, inspector and
    /// answers as given): `Conflict` unless it is still `due`.
    CompleteInspection(InspectionRow),
    AddFinding(FindingRow),
    /// A finding's `status`, `escalation`, `rectify_by` and `updated_at`, if it is still at `version`
    /// (`Conflict` otherwise); the version goes up by one.
    PutFinding(FindingRow),
    AddRectification(RectificationRow),
    /// The decision on an answer: `Conflict` unless it still awaits one.
    DecideRectification(RectificationRow),
    AddReferral(ReferralRow),
    AddSiteRecord(SiteRecordRow),
}

/// A contractor's site record or a department's feedback (`migrations/0009_site_records.sql`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRecordRow {
    pub id: String,
    pub filing_no: String,
    /// `site_photos`, `worker_changes`, `rectification_evidence`, `waste_disposal` or `feedback`.
    pub kind: String,
    pub at: String,
    /// `contractor` or `viewer`.
    pub by_role: String,
    pub by_login: Option<String>,
    pub by_name: Option<String>,
    pub note: Option<String>,
    /// JSON `[upload id]`.
    pub documents: String,
}

/// A registration's management records.
#[derive(Clone, Debug, Default)]
pub struct ManageRecord {
    pub inspections: Vec<InspectionRow>,
    pub findings: Vec<FindingRow>,
    pub rectifications: Vec<RectificationRow>,
    pub referrals: Vec<ReferralRow>,
    /// Site records and feedback, oldest first.
    pub site_records: Vec<SiteRecordRow>,
}

/// Which inspections `GET /api/v1/inspections` lists: an account's coverage and the query's filters.
#[derive(Clone, Debug, Default)]
pub struct InspectionFilter {
    pub cover: Coverage,
    /// `due` or `done`.
    pub status: Option<String>,
    /// Due strictly before (overdue: before today).
    pub due_lt: Option<String>,
    /// Due on or before.
    pub due_le: Option<String>,
    pub limit: u32,
}
