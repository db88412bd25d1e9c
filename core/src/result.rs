//! The assessment result, contract v1 (rules.md §8). Keys may be added, never renamed.

use crate::date::Date;
use serde::Serialize;
use std::borrow::Cow;

macro_rules! codes {
    ($(#[$m:meta])* $ty:ident { $($name:ident),* $(,)? }) => {
        $(#[$m])*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $ty { $($name),* }
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$name),*];
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$name => stringify!($name)),* }
            }
            #[allow(clippy::should_implement_trait)]
            pub fn from_str(s: &str) -> Option<$ty> {
                match s { $(stringify!($name) => Some($ty::$name),)* _ => None }
            }
        }
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

codes! {
    /// A stable code of the assessment contract (rules.md §3). Never renamed.
    Code {
    // §3.1 scope
    EXCLUDED_EMERGENCY, EXCLUDED_TEMPORARY, PROHIBITED, EXCLUDED_PRIVATE_ODD_JOB, SPORADIC_WORK,
    EXCLUDED_MINOR_REPAIR, EXCLUDED_PUBLIC_SAFETY_STRUCTURE, SMALL_PROJECT, REFERENCE_MANAGED, NEEDS_PERMIT,
    // §3.2 high risk
    HR_LIMIT_ONE_SIDE, HR_STRUCTURE, HR_ELEVATOR, HR_HOT_WORK_CROWDED, HR_CONFINED_SPACE, HR_DEEP_EXCAVATION,
    HR_HIGH_SCAFFOLD, HR_LIFTING, HR_DANGEROUS_SUBPROJECT, HR_REFERENCE_MANAGED,
    // §3.3
    SUPERVISION_REQUIRED, SUPERVISION_ENCOURAGED, QUALIFIED_CONTRACTOR_REQUIRED,
    // §3.4 documents
    D_BASIC_FORM, D_APPLICANT_ID, D_AGENT_AUTH, D_PROPERTY_PROOF, D_OWNER_CONSENT, D_SAFETY_PLEDGE,
    D_CONTRACT, D_WORKER_LIST, D_WASTE_DESTINATION, D_SPECIAL_PLAN, D_DRAWINGS, D_DECOR_PLAN,
    D_CONTRACTOR_LICENCES, D_STRUCTURAL_DOSSIER, D_GAS_OPINION, D_PIPELINE_AGREEMENT,
    D_ELEVATOR_JOINT_REVIEW, D_ELEVATOR_APPROVAL, D_SUPERVISION_CONTRACT,
    S_WORK_TIME, S_WORK_PLACE, S_HIRED_PARTY, S_WORK_CONTENT, S_SPECIAL_CERTS,
    // §3.5 obligations
    O_REGISTER_BEFORE_START, O_TRUTHFUL_FILING, O_OTHER_APPROVALS, O_INSURANCE, O_WASTE_DISPOSAL,
    O_CANCEL_AFTER_COMPLETION, O_EXTEND_BEFORE_EXPIRY, O_CAPABLE_CONTRACTOR, O_POST_AT_ENTRANCE,
    O_QUALIFIED_CONTRACTOR, O_SUPERVISION, O_DECORATION_AGREEMENT, O_STRUCTURAL_PROCEDURE,
    O_ELEVATOR_SPECIAL_EQUIPMENT, O_HOT_WORK_CROWDED_MEASURES, O_PIPELINE_SURVEY, O_GAS_COMPANY,
    O_HIGH_RISK_SITE_MANAGEMENT, O_NO_SPLITTING, O_SPECIAL_CERTIFICATES, O_NOTIFY_PROPERTY,
    O_DANGEROUS_WORK_PLAN, O_HAZARDOUS_CHEMICALS, O_APPLY_FOR_PERMIT,
    // §3.6 channels
    C_ONLINE, C_STREET_OFFICE, C_COMMUNITY, C_PROPERTY, C_FACILITY_MANAGER,
}}

codes! {
    /// A stable code of management after registration (rules.md §9): inspection kinds, checklist items,
    /// findings and referral targets. Never renamed. Decided by `src/rules/inspections.rs`, not by the
    /// assessment, so it is a type of its own: an [`Assessment`] never carries one.
    ManageCode {
    // §9.1 inspection kinds
    INSPECTION_HIGH_RISK, INSPECTION_COMPLETION, INSPECTION_PATROL, INSPECTION_PROPERTY_WATCH,
    INSPECTION_FOLLOW_UP, INSPECTION_UNREGISTERED,
    // §9.2 checklist items: site inspections
    IC_POSTED_AT_ENTRANCE, IC_WORKERS_MATCH, IC_PRE_WORK_BRIEFING, IC_SPECIAL_CERTS, IC_SAFETY_MANAGERS,
    IC_ORGANISATION_PLAN, IC_SAFETY_BRIEFING, IC_FIRE_SEPARATION, IC_HOT_WORK_CROWDED,
    IC_DANGEROUS_WORK_PLAN, IC_SUPERVISOR_ON_SITE, IC_PROTECTIVE_EQUIPMENT, IC_PIPELINE_PROTECTION,
    IC_GAS_WORK, IC_HAZARDOUS_CHEMICALS, IC_WASTE_AND_SITE, IC_SCOPE_MATCH, IC_PROPERTY_WATCH,
    IC_PROPERTY_NOTIFIED,
    // §9.2 checklist items: completion checks
    IC_WORK_COMPLETED, IC_WASTE_RECORD_MATCHES, IC_GAS_SAFETY_CHECK,
    // §9.3 findings
    F_WORKERS_MISMATCH, F_UNCERTIFIED_PERSONNEL, F_UNSAFE_PRACTICE, F_UNREGISTERED,
    F_REGISTRATION_MISMATCH, F_SERIOUS_VIOLATION, F_ILLEGAL_CONSTRUCTION, F_PERMIT_EVASION,
    F_MAJOR_HAZARD, F_WASTE_VIOLATION,
    // §9.3 referral targets (第三十六条)
    REF_STREET_ENFORCEMENT, REF_INDUSTRY_SAFETY, REF_DEPARTMENT, REF_LAND_PLANNING,
}}

impl Code {
    /// Scope codes that bring the work under these Rules.
    pub fn is_in_scope(self) -> bool {
        matches!(
            self,
            Code::SMALL_PROJECT | Code::REFERENCE_MANAGED | Code::SPORADIC_WORK
        )
    }
}

/// A text in Chinese and English; borrowed from the rule data where it is fixed, owned where it carries
/// the case's values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text<'a> {
    pub zh: Cow<'a, str>,
    pub en: Cow<'a, str>,
}

/// A determination with its citation and the reason it applies to this case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item<'a> {
    pub code: Code,
    pub article: &'a str,
    pub because: Text<'a>,
}

/// An obligation and its citation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Obligation<'a> {
    pub code: Code,
    pub article: &'a str,
}

/// A note: implied facts overridden, draft status, debatable readings applied, product policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note<'a> {
    pub code: &'static str,
    pub text: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RulesetRef<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub status: &'a str,
    pub effective_from: Date,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Departments<'a> {
    pub primary: Vec<&'a str>,
    pub co: Vec<&'a str>,
}

/// §3.7 deadlines. `null` where not (yet) determined.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Deadlines {
    pub acceptance_due: Option<Date>,
    pub inspection_due: Option<Date>,
    pub valid_until: Option<Date>,
    pub extension_window_start: Option<Date>,
    pub cancellation_due: Option<Date>,
    pub calendar_provisional: bool,
}

/// The result of an assessment (contract v1). While `missing_facts` is not empty the other keys hold
/// only what is already certain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment<'a> {
    pub ruleset: RulesetRef<'a>,
    pub activity: Option<&'a str>,
    pub kind: Option<crate::model::Kind>,
    pub scope: Option<Code>,
    pub scope_article: Option<&'a str>,
    pub scope_because: Option<Text<'a>>,
    pub high_risk: Option<bool>,
    pub high_risk_triggers: Vec<Item<'a>>,
    pub supervision: Option<Code>,
    pub qualified_contractor_required: Option<bool>,
    pub documents: Vec<Item<'a>>,
    pub obligations: Vec<Obligation<'a>>,
    pub channels: Vec<Code>,
    /// The street office that registers the work (the code of `street`), once in scope.
    pub street_office: Option<&'a str>,
    pub departments: Departments<'a>,
    pub deadlines: Deadlines,
    /// Hazards present, for the site risk notice (风险告知书): fact keys.
    pub risk_factors: Vec<&'static str>,
    pub notes: Vec<Note<'a>>,
    pub missing_facts: Vec<&'static str>,
}

impl Assessment<'_> {
    /// Every code the result carries (scope, triggers, supervision, documents, obligations, channels).
    pub fn codes(&self) -> Vec<Code> {
        let mut v = Vec::new();
        v.extend(self.scope);
        v.extend(self.high_risk_triggers.iter().map(|i| i.code));
        v.extend(self.supervision);
        if self.qualified_contractor_required == Some(true) {
            v.push(Code::QUALIFIED_CONTRACTOR_REQUIRED);
        }
        v.extend(self.documents.iter().map(|i| i.code));
        v.extend(self.obligations.iter().map(|i| i.code));
        v.extend(self.channels.iter().copied());
        v
    }

    pub fn is_decided(&self) -> bool {
        self.missing_facts.is_empty()
    }
}
