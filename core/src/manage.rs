//! Management after registration (rules.md §9; the Rules' 第五章 日常安全巡查检查 and 第六章 执法查处):
//! inspection kinds and their due dates, the inspection checklist generated from the determination, the
//! handling of each finding, and the suggested referral target. Pure like the rest of the core: dates
//! come in as arguments.
//!
//! ```
//! use anbei_core::{Date, Engine};
//! use anbei_core::manage::{Finding, InspectionKind, ManageCode};
//!
//! let engine = Engine::embedded().unwrap();
//! let today = Date::parse("2026-05-06").unwrap();
//! let facts = engine.parse_json(r#"{"activity": "nonresidential_decoration", "contract_amount_yuan": 420000,
//!     "construction_area_m2": 260, "emergency_rescue": false, "temporary_building": false,
//!     "illegal_addition": false, "earthwork": true}"#, today).unwrap();
//! let result = engine.assess(&facts);
//! let items = engine.checklist(InspectionKind::Patrol, &facts, &result, false);
//! let pipe = items.iter().find(|i| i.code == ManageCode::IC_PIPELINE_PROTECTION).unwrap();
//! assert_eq!(pipe.article, "第十条第（八）项、第十三条第（八）项");
//! assert_eq!(pipe.because[0].on, "earthwork");
//!
//! // Effective on Wednesday 2026-09-30: 10-01…10-07 are the National Day break, Saturday 10-10 is worked.
//! let due = engine.inspection_due(InspectionKind::HighRisk, Date::parse("2026-09-30").unwrap(), false).unwrap();
//! assert_eq!(due.date.to_string(), "2026-10-10");
//! assert_eq!(anbei_core::manage::handling(Finding::PermitEvasion, result.kind.unwrap()).revocation_ground
//!     .map(|g| g.as_str()), Some("permit_evasion"));
//! ```

use crate::calendar::Counted;
use crate::date::Date;
use crate::engine::{DataError, DataParser, Engine, Ruleset};
use crate::facts::{Fact, Facts, Value};
use crate::model::{CodeText, I18n, Kind, SortedMap};
use crate::result::{Assessment, Code, Text};
use crate::rules::EMPTY;
use crate::rules::inspections::{CHECKLIST, FINDINGS, KINDS, REFERRALS};
use crate::text::borrowed;
use serde::{Deserialize, Serialize};

pub use crate::result::ManageCode;

/// codes.json's §9 part, as embedded ([`crate::engine::embedded_manage_source`]).
#[derive(Deserialize)]
struct ManageFile {
    manage_codes: SortedMap<CodeText>,
    manage_words: SortedMap<I18n>,
    /// Which `F_*` findings each `IC_*` checklist item may record (§9.2 "a `finding` names one or more
    /// finding codes"); every item allows `F_MAJOR_HAZARD` (第三十条第（七）项: a major hazard can show
    /// anywhere).
    checklist_findings: SortedMap<Vec<String>>,
}

/// §9's wording as each rule set shows it (parameters filled, articles from the rules), checked when
/// loaded: every §9 code has wording, no other key is there, every word the reasons use exists, no
/// text writes a parameter's number.
#[derive(Debug, Clone)]
pub struct ManageData {
    /// Indexed like the engine's rule sets.
    per_ruleset: Vec<ManageTexts>,
    /// codes.json `checklist_findings`, indexed by [`ManageCode`] (empty for codes that are not
    /// checklist items).
    item_findings: Vec<Vec<Finding>>,
}

#[derive(Debug, Clone)]
pub(crate) struct ManageTexts {
    pub codes: SortedMap<CodeText>,
    /// `codes` indexed by [`ManageCode`].
    by_code: Vec<CodeText>,
    pub words: SortedMap<I18n>,
}

impl ManageTexts {
    fn code(&self, c: ManageCode) -> &CodeText {
        &self.by_code[c as usize]
    }
}

fn build_manage<P: DataParser>(
    engine: &Engine,
    text: &str,
    p: &P,
) -> Result<ManageData, DataError> {
    let mut file: ManageFile = p.parse("codes.json manage_codes", text)?;
    for k in file.manage_codes.keys() {
        if ManageCode::from_str(k).is_none() {
            return Err(DataError(format!("codes.json: {k} is not a §9 code")));
        }
    }
    for c in ManageCode::ALL {
        let t = file
            .manage_codes
            .get_mut(c.as_str())
            .ok_or_else(|| DataError(format!("codes.json: no text for {}", c.as_str())))?;
        if !t.article.is_empty() {
            return Err(DataError(format!(
                "codes.json: {} gives an article; a code's article is its rule's, in src/rules/",
                c.as_str()
            )));
        }
        t.article = crate::rules::inspections::article_of(*c)
            .ok_or_else(|| DataError(format!("no rule decides {}", c.as_str())))?
            .to_owned();
    }
    for w in WORDS {
        if !file.manage_words.contains_key(w) {
            return Err(DataError(format!("codes.json: no word {w}")));
        }
    }
    let item_findings = item_findings(&file.checklist_findings)?;
    let mut per_ruleset = Vec::with_capacity(engine.rulesets.len());
    for rs in &engine.rulesets {
        let params = &rs.file.parameters;
        let name = format!("{} {}", rs.file.id, rs.file.version);
        let render = |what: &str, t: &I18n, case: &[&str]| -> Result<I18n, DataError> {
            #[cfg(not(target_arch = "wasm32"))]
            for s in [&t.zh, &t.en] {
                if let Some((p, written)) = crate::text::hard_coded_parameter(s, params) {
                    return Err(DataError(format!(
                        "{name}: codes.json {what} writes \"{written}\", which is {p}: write {{{p}}}"
                    )));
                }
            }
            let out = crate::text::i18n_params(t, params);
            #[cfg(not(target_arch = "wasm32"))]
            for s in [&out.zh, &out.en] {
                if let Some(ph) = crate::text::unfilled(s, case) {
                    return Err(DataError(format!(
                        "{name}: codes.json {what}: {{{ph}}} is neither a parameter nor a value filled here"
                    )));
                }
            }
            #[cfg(target_arch = "wasm32")]
            let _ = (what, case, &name);
            Ok(out)
        };
        let mut codes = file.manage_codes.clone();
        for (k, t) in codes.iter_mut() {
            t.title = render(k, &t.title, &[])?;
            if let Some(x) = &t.explain {
                t.explain = Some(render(k, x, &[])?);
            }
        }
        let mut words = file.manage_words.clone();
        for (k, t) in words.iter_mut() {
            *t = render(k, t, &["venue"])?;
        }
        let by_code = ManageCode::ALL
            .iter()
            .map(|c| {
                codes.get(c.as_str()).cloned().unwrap_or_else(|| CodeText {
                    article: String::new(),
                    title: I18n::default(),
                    because: None,
                    because_elevator: None,
                    explain: None,
                })
            })
            .collect();
        per_ruleset.push(ManageTexts {
            codes,
            by_code,
            words,
        });
    }
    Ok(ManageData {
        per_ruleset,
        item_findings,
    })
}

/// codes.json `checklist_findings`, checked: exactly the checklist items as keys, each allowing known
/// findings, none twice, and `F_MAJOR_HAZARD` among them.
fn item_findings(data: &SortedMap<Vec<String>>) -> Result<Vec<Vec<Finding>>, DataError> {
    for k in data.keys() {
        if !CHECKLIST.iter().any(|r| r.code.as_str() == k) {
            return Err(DataError(format!(
                "codes.json checklist_findings: {k} is not a checklist item"
            )));
        }
    }
    let mut out = vec![Vec::new(); ManageCode::ALL.len()];
    for r in CHECKLIST {
        let item = r.code.as_str();
        let list = data.get(item).ok_or_else(|| {
            DataError(format!("codes.json checklist_findings: nothing for {item}"))
        })?;
        let mut allowed: Vec<Finding> = Vec::with_capacity(list.len());
        for f in list {
            let code = Finding::from_code(f).ok_or_else(|| {
                DataError(format!(
                    "codes.json checklist_findings.{item}: {f} is not a finding"
                ))
            })?;
            if allowed.contains(&code) {
                return Err(DataError(format!(
                    "codes.json checklist_findings.{item}: {f} twice"
                )));
            }
            allowed.push(code);
        }
        if !allowed.contains(&Finding::MajorHazard) {
            return Err(DataError(format!(
                "codes.json checklist_findings.{item}: every item allows F_MAJOR_HAZARD"
            )));
        }
        out[r.code as usize] = allowed;
    }
    Ok(out)
}

impl Engine {
    /// Loads §9's wording with this JSON parser (once; later calls return it). The browser shell loads
    /// it with `JSON.parse`; native builds need not call this ([`Engine::manage_data`] does).
    pub fn load_manage_with<P: DataParser>(&self, p: &P) -> Result<&ManageData, DataError> {
        self.load_manage_from(crate::engine::embedded_manage_source(), p)
    }

    /// Like [`Engine::load_manage_with`], from other text (`{"manage_codes": …, "manage_words": …}`:
    /// tests and previews of a wording change). Only the first load of an engine counts.
    pub fn load_manage_from<P: DataParser>(
        &self,
        text: &str,
        p: &P,
    ) -> Result<&ManageData, DataError> {
        match self.manage.get_or_init(|| build_manage(self, text, p)) {
            Ok(m) => Ok(m),
            Err(e) => Err(e.clone()),
        }
    }

    /// §9's wording, loaded and checked on first use (native builds: serde_json). Call it at start-up
    /// to fail early; the embedded data is checked by the tests. In a wasm32 build, call
    /// [`Engine::load_manage_with`] first (the shell's parser keeps serde_json out of the module).
    pub fn manage_data(&self) -> Result<&ManageData, DataError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.load_manage_with(&crate::engine::SerdeJson)
        }
        #[cfg(target_arch = "wasm32")]
        match self.manage.get() {
            Some(Ok(m)) => Ok(m),
            Some(Err(e)) => Err(e.clone()),
            None => Err(DataError(
                "§9 wording not loaded: call Engine::load_manage_with first".into(),
            )),
        }
    }

    /// A §9 code's title (a finding's "what was found", a referral target's body) as the rule set in
    /// force on `on` words it — what the applicant reads of a finding without loading all of §9's
    /// tables. Empty texts if §9's wording failed to load (see [`Engine::manage_data`]).
    pub fn manage_title(&self, code: ManageCode, on: Date) -> Text<'_> {
        let mt = self.manage_texts(self.ruleset_index_for(on));
        borrowed(&mt.map_or(&NO_TEXT, |m| m.code(code)).title)
    }

    /// The findings a checklist item may record (codes.json `checklist_findings`); empty for a code
    /// that is not a checklist item, or if §9's data failed to load (see [`Engine::manage_data`]).
    pub fn item_findings(&self, item: ManageCode) -> &[Finding] {
        self.manage_data()
            .ok()
            .and_then(|m| m.item_findings.get(item as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// §9's texts as the rule set at `index` shows them; `None` only if they failed to load (see
    /// [`Engine::manage_data`]), and then texts are empty while codes and articles stay.
    fn manage_texts(&self, index: usize) -> Option<&ManageTexts> {
        self.manage_data()
            .ok()
            .and_then(|m| m.per_ruleset.get(index))
    }
}

static NO_TEXT: CodeText = CodeText {
    article: String::new(),
    title: I18n {
        zh: String::new(),
        en: String::new(),
    },
    because: None,
    because_elevator: None,
    explain: None,
};

macro_rules! coded {
    ($(#[$m:meta])* $ty:ident { $($v:ident = $code:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $ty { $($v),* }
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$v),*];
            /// Its stable code.
            pub const fn code(self) -> ManageCode {
                match self { $($ty::$v => ManageCode::$code),* }
            }
            /// From its stable code (`"INSPECTION_PATROL"`, `"F_MAJOR_HAZARD"`…).
            pub fn from_code(s: &str) -> Option<$ty> {
                match s { $(stringify!($code) => Some($ty::$v),)* _ => None }
            }
        }
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code().as_str())
            }
        }
    };
}

coded! {
    /// An inspection kind (§9.1).
    InspectionKind {
        HighRisk = INSPECTION_HIGH_RISK,
        Completion = INSPECTION_COMPLETION,
        Patrol = INSPECTION_PATROL,
        PropertyWatch = INSPECTION_PROPERTY_WATCH,
        FollowUp = INSPECTION_FOLLOW_UP,
        Unregistered = INSPECTION_UNREGISTERED,
    }
}

coded! {
    /// A finding (§9.3).
    Finding {
        WorkersMismatch = F_WORKERS_MISMATCH,
        UncertifiedPersonnel = F_UNCERTIFIED_PERSONNEL,
        UnsafePractice = F_UNSAFE_PRACTICE,
        Unregistered = F_UNREGISTERED,
        RegistrationMismatch = F_REGISTRATION_MISMATCH,
        SeriousViolation = F_SERIOUS_VIOLATION,
        IllegalConstruction = F_ILLEGAL_CONSTRUCTION,
        PermitEvasion = F_PERMIT_EVASION,
        MajorHazard = F_MAJOR_HAZARD,
        WasteViolation = F_WASTE_VIOLATION,
    }
}

/// Which inspections carry a checklist item.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// `INSPECTION_HIGH_RISK`, `INSPECTION_PATROL`, `INSPECTION_FOLLOW_UP` (and, where marked, the watch).
    Site,
    /// `INSPECTION_COMPLETION` only.
    Completion,
}

/// When a checklist item applies (§9.2 "applies when"), as data the console can show.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "of")]
pub enum When {
    /// Every inspection of its group.
    Always,
    /// Engineering (小型工程).
    Engineering,
    /// High risk, or escalated by `F_MAJOR_HAZARD` (engineering only).
    HighRisk,
    /// Any special operation (the rule set's `special_operations` present in the work).
    SpecialOperation,
    /// `hot_work` in a crowded (★) venue, engineering or odd job.
    HotWorkCrowded,
    /// The result carries this determination (an obligation, or `SUPERVISION_REQUIRED`).
    Determination(Code),
    /// Any of these facts holds (a number: above 0).
    AnyFact(&'static [Fact]),
    /// All of these facts hold.
    AllFacts(&'static [Fact]),
}

/// Who a finding is reported to at once.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportTo {
    /// The inspector's own unit (第三十条第（二）项 "向本单位报告").
    OwnUnit,
    /// The street office (第三十条第（四）（七）项).
    Street,
}

/// What is stopped on site.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopWork {
    No,
    /// The uncertified person stops the work they are not certified for.
    UncertifiedWork,
    /// The work is stopped at once (立即制止).
    AtOnce,
}

/// When a finding is referred (第三十条, 第三十六条).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralWhen {
    Never,
    /// On refusal to stop or rectify (第三十六条); *product policy*: past `rectify_by` counts as refusal.
    OnRefusal,
    /// The same day, once the rectification is refused or overdue (未补办或者拒不登记的，于当日上报).
    SameDayWhenOverdueOrRefused,
    /// The same day, once the rectification is overdue or when a major hazard is on site.
    SameDayWhenOverdueOrMajorHazard,
    /// The same day it is found.
    SameDay,
}

impl ReferralWhen {
    /// Is the referral, once due, due the same day (and flagged late after that day)?
    pub fn same_day(self) -> bool {
        !matches!(self, ReferralWhen::Never | ReferralWhen::OnRefusal)
    }
}

/// A ground to revoke the registration once confirmed (第二十五条 "信息登记无效，予以撤销"); the API's names.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationGround {
    /// 虚假申报
    FalseFiling,
    /// 刻意规避施工许可证办理
    PermitEvasion,
    /// 超出登记范围施工
    BeyondScope,
    /// 违法建设
    IllegalConstruction,
}

impl RevocationGround {
    pub const fn as_str(self) -> &'static str {
        match self {
            RevocationGround::FalseFiling => "false_filing",
            RevocationGround::PermitEvasion => "permit_evasion",
            RevocationGround::BeyondScope => "beyond_scope",
            RevocationGround::IllegalConstruction => "illegal_construction",
        }
    }
}

/// What the system records and schedules for a finding (§9.3).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Handling {
    pub finding: Finding,
    pub article: &'static str,
    /// The kind of work this row is for; `None`: both.
    pub applies_to: Option<Kind>,
    pub stop_work: StopWork,
    pub report_to: Option<ReportTo>,
    /// Gets a `rectify_by` (default: found + `rectify_working_days`).
    pub asks_rectification: bool,
    /// The contractor updates the worker list (a registration change, history kept).
    pub updates_workers: bool,
    pub referral: ReferralWhen,
    pub revocation_ground: Option<RevocationGround>,
    /// An officer's confirmation escalates the work to high-risk management (engineering only).
    pub escalates: bool,
}

/// The handling of a finding on this kind of work (`F_MAJOR_HAZARD` escalates engineering only; an odd
/// job is stopped and referred the same day).
pub fn handling(finding: Finding, kind: Kind) -> &'static Handling {
    FINDINGS
        .iter()
        .find(|h| h.finding == finding && h.applies_to.is_none_or(|k| k == kind))
        .unwrap_or(&FINDINGS[0]) // never: every finding has a row for each kind (tested)
}

/// Every handling row, in §9.3's order.
pub fn handling_table() -> &'static [Handling] {
    FINDINGS
}

/// Why a checklist item or a referral applies: what it names (a fact key, a code, `always`,
/// `engineering`, `odd_job`, `high_risk`, `escalated`, `venue`…) and the reason in both languages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason<'a> {
    pub on: &'a str,
    pub text: Text<'a>,
}

/// One item of an inspection checklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChecklistItem<'a> {
    pub code: ManageCode,
    pub article: &'a str,
    /// What to check (the code's title).
    pub text: Text<'a>,
    pub because: Vec<Reason<'a>>,
    /// The findings this item may record (codes.json `checklist_findings`; always `F_MAJOR_HAZARD`).
    pub findings: Vec<Finding>,
}

/// The suggested referral of a finding (第三十六条); the officer may choose another.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Referral<'a> {
    pub code: ManageCode,
    pub article: &'a str,
    /// The suggested department (§5) where the target is a department.
    pub department: Option<&'a str>,
    /// The work's departments (§5), the suggested one first: what the officer chooses from.
    pub candidates: Vec<&'a str>,
    pub because: Vec<Reason<'a>>,
}

/// Is something due on `due` overdue on `today`? (*Product policy*: overdue the day after.)
pub fn is_overdue(due: Date, today: Date) -> bool {
    today > due
}

/// Is a same-day referral (第三十条 "于当日上报") that fell due on `due_on` late? Made after that day, or
/// not yet made and `today` is past it.
pub fn referral_late(due_on: Date, referred_on: Option<Date>, today: Date) -> bool {
    match referred_on {
        Some(r) => r > due_on,
        None => today > due_on,
    }
}

/// The words the checklist and the referral reasons are composed from (codes.json `manage_words`).
pub(crate) const WORDS: &[&str] = &[
    "ic_always",
    "ic_engineering",
    "ic_high_risk",
    "ic_escalated",
    "ic_property_managed",
    "ic_crowded_venue",
    "ref_engineering",
    "ref_odd_job",
    "ref_hot_work_fire",
    "ref_land_planning",
    "ref_permit_evasion",
    "ref_other",
    "ref_waste",
];

struct Ck<'r, 'e> {
    rs: &'e Ruleset,
    mt: Option<&'e ManageTexts>,
    facts: &'r Facts,
    result: &'r Assessment<'e>,
    odd: bool,
    high_risk: bool,
    escalated: bool,
}

impl<'e> Ck<'_, 'e> {
    /// A composed reason: `ic_high_risk` names `high_risk`.
    fn word(&self, k: &'static str) -> Reason<'e> {
        Reason {
            on: k.strip_prefix("ic_").unwrap_or(k),
            text: borrowed(self.w(k)),
        }
    }
    fn w(&self, k: &str) -> &'e I18n {
        self.mt.and_then(|m| m.words.get(k)).unwrap_or(&EMPTY) // checked at load
    }
    fn named(&self, on: &'static str, t: &'e I18n) -> Reason<'e> {
        Reason {
            on,
            text: borrowed(t),
        }
    }
    fn is_hazard(&self, f: Fact) -> bool {
        self.rs.hazards_engineering.contains(&f) || self.rs.hazards_odd_job.contains(&f)
    }
    /// Does the fact hold for this work? Hazards as the result found them (implications applied, the
    /// kind's own hazards only); other facts as given.
    fn holds(&self, f: Fact) -> bool {
        if self.is_hazard(f) {
            self.result.risk_factors.contains(&f.key())
        } else {
            match self.facts.get(f) {
                Some(Value::Bool(b)) => b,
                Some(Value::Num(n)) => n > 0.0,
                _ => false,
            }
        }
    }
    fn fact_reason(&self, f: Fact) -> Reason<'e> {
        match self.rs.texts.fact_names.get(f.key()) {
            Some(n) => self.named(f.key(), n),
            None if f == Fact::property_managed => Reason {
                on: f.key(),
                ..self.word("ic_property_managed")
            },
            None => self.named(f.key(), &EMPTY),
        }
    }
    fn crowded_venue(&self) -> Option<&'e I18n> {
        match self.facts.get(Fact::venue) {
            Some(Value::Code(i)) => self
                .rs
                .file
                .venues
                .get(i as usize)
                .filter(|v| v.crowded)
                .map(|v| &v.name),
            _ => None,
        }
    }
    fn has(&self, c: Code) -> bool {
        self.result.supervision == Some(c) || self.result.obligations.iter().any(|o| o.code == c)
    }

    /// The reasons `when` holds; empty when it does not.
    fn reasons(&self, when: When) -> Vec<Reason<'e>> {
        match when {
            When::Always => vec![self.word("ic_always")],
            When::Engineering if !self.odd && self.result.kind.is_some() => {
                vec![self.word("ic_engineering")]
            }
            When::Engineering => vec![],
            When::HighRisk if self.high_risk => vec![self.word("ic_high_risk")],
            When::HighRisk if self.escalated && !self.odd => vec![self.word("ic_escalated")],
            When::HighRisk => vec![],
            When::SpecialOperation => self
                .rs
                .special_operations
                .iter()
                .filter(|f| self.holds(**f))
                .map(|f| self.fact_reason(*f))
                .collect(),
            When::HotWorkCrowded => match self.crowded_venue() {
                Some(v) if self.holds(Fact::hot_work) => vec![
                    self.fact_reason(Fact::hot_work),
                    Reason {
                        on: Fact::venue.key(),
                        text: crate::text::filled(
                            self.w("ic_crowded_venue"),
                            &[("venue", &v.zh)],
                            &[("venue", &v.en)],
                        ),
                    },
                ],
                _ => vec![],
            },
            When::Determination(c) if self.has(c) => {
                vec![self.named(c.as_str(), &self.rs.code_text(c).title)]
            }
            When::Determination(_) => vec![],
            When::AnyFact(fs) => fs
                .iter()
                .filter(|f| self.holds(**f))
                .map(|f| self.fact_reason(*f))
                .collect(),
            When::AllFacts(fs) if fs.iter().all(|f| self.holds(*f)) => {
                fs.iter().map(|f| self.fact_reason(*f)).collect()
            }
            When::AllFacts(_) => vec![],
        }
    }
}

impl Engine {
    /// The checklist of an inspection of this kind on this work (§9.2): each item with its article, its
    /// text and why it applies. `escalated`: an officer confirmed `F_MAJOR_HAZARD` on this engineering
    /// work, so the high-risk items apply (ignored for odd jobs, which cannot be escalated).
    ///
    /// Site items for `INSPECTION_HIGH_RISK`, `INSPECTION_PATROL` and `INSPECTION_FOLLOW_UP`; completion
    /// items for `INSPECTION_COMPLETION`; the watch items for `INSPECTION_PROPERTY_WATCH` (*product
    /// policy*, 第二十三条第（三）项: workers and certificates, protective equipment, the watch itself,
    /// the prior notice); nothing for `INSPECTION_UNREGISTERED` (no registration to generate it from).
    pub fn checklist<'e>(
        &'e self,
        kind: InspectionKind,
        facts: &Facts,
        result: &Assessment<'e>,
        escalated: bool,
    ) -> Vec<ChecklistItem<'e>> {
        let rs = &self.rulesets[facts.ruleset];
        let mt = self.manage_texts(facts.ruleset);
        let text = |c: ManageCode| mt.map_or(&NO_TEXT, |m| m.code(c));
        let ck = Ck {
            rs,
            mt,
            facts,
            result,
            odd: result.kind == Some(Kind::OddJob),
            high_risk: result.high_risk == Some(true),
            escalated,
        };
        let mut out = Vec::new();
        for r in CHECKLIST {
            let because = match kind {
                InspectionKind::HighRisk | InspectionKind::Patrol | InspectionKind::FollowUp
                    if r.group == Group::Site =>
                {
                    ck.reasons(r.when)
                }
                InspectionKind::Completion if r.group == Group::Completion => ck.reasons(r.when),
                InspectionKind::PropertyWatch if r.watch => {
                    if r.code == ManageCode::IC_PROPERTY_WATCH {
                        vec![ck.named(
                            "INSPECTION_PROPERTY_WATCH",
                            &text(ManageCode::INSPECTION_PROPERTY_WATCH).title,
                        )]
                    } else {
                        ck.reasons(r.when)
                    }
                }
                _ => continue,
            };
            if because.is_empty() {
                continue;
            }
            out.push(ChecklistItem {
                code: r.code,
                article: r.article,
                text: borrowed(&text(r.code).title),
                because,
                findings: self.item_findings(r.code).to_vec(),
            });
        }
        out
    }

    /// When an inspection falls due (§9.1), counted in working days from `from` on the holiday calendar
    /// (`provisional` when a counted day falls in a year without holiday data):
    /// - `INSPECTION_HIGH_RISK`: `from` = the registration's effective date, + `inspection_working_days`
    ///   (第三十二条第（一）项); with `escalated`, `from` = the escalation date, +
    ///   `escalation_inspection_working_days` (*product policy*, 第三十条第（七）项);
    /// - `INSPECTION_COMPLETION`: `from` = the completion declaration (or, for a registration that
    ///   expires undeclared, its expiry: *product policy*), + `completion_inspection_working_days`
    ///   (*product policy*, 第三十三条);
    /// - `INSPECTION_FOLLOW_UP` scheduled for a finding: `from` = its `rectify_by`, +
    ///   `follow_up_working_days` (*product policy*, 第三十四条: the rectification verified on site once
    ///   it is due);
    /// - the others: no due date (`None`).
    ///
    /// The parameters are those of the rule set in force on `from`.
    pub fn inspection_due(
        &self,
        kind: InspectionKind,
        from: Date,
        escalated: bool,
    ) -> Option<Counted> {
        let p = &self.ruleset_for(from).params;
        let n = match kind {
            InspectionKind::HighRisk if escalated => p.escalation_inspection_working_days,
            InspectionKind::HighRisk => p.inspection_working_days,
            InspectionKind::Completion => p.completion_inspection_working_days,
            InspectionKind::FollowUp => p.follow_up_working_days,
            _ => return None,
        };
        Some(self.calendar.add_working_days(from, n))
    }

    /// The default `rectify_by` of a finding found on `found_on`: + `rectify_working_days` working days
    /// (*product policy*: 第三十条 "责令整改", "督促整改" set no period; the officer may set another date).
    pub fn rectify_by(&self, found_on: Date) -> Counted {
        let p = &self.ruleset_for(found_on).params;
        self.calendar
            .add_working_days(found_on, p.rectify_working_days)
    }

    /// The suggested referral target of a finding on this work (第三十六条, §9.3 last paragraph):
    /// engineering safety violations and `F_PERMIT_EVASION` → `REF_STREET_ENFORCEMENT`; odd-job safety
    /// violations → `REF_INDUSTRY_SAFETY` (the street emergency office; for hot-work fire violations the
    /// street's fire supervision body, then FIRE); land and planning → `REF_LAND_PLANNING` (URBAN
    /// organises); waste and other violations → `REF_DEPARTMENT`, the department suggested from the
    /// work's departments (§5).
    pub fn referral_target<'e>(
        &'e self,
        finding: Finding,
        result: &Assessment<'e>,
    ) -> Referral<'e> {
        let mt = self.manage_texts(self.ruleset_index_of(result));
        // A composed reason naming what it rests on: `engineering`, `odd_job`, `hot_work`, the finding.
        let on_word = |on: &'static str, k: &'static str| Reason {
            on,
            text: borrowed(mt.and_then(|m| m.words.get(k)).unwrap_or(&EMPTY)),
        };
        let f = finding.code().as_str();
        let odd = result.kind == Some(Kind::OddJob);
        let mut candidates: Vec<&'e str> = result
            .departments
            .primary
            .iter()
            .chain(result.departments.co.iter())
            .copied()
            .collect();
        let mut prefer = |d: Option<&'e str>| {
            if let Some(d) = d {
                candidates.retain(|c| *c != d);
                candidates.insert(0, d);
            }
            d
        };
        let dept = |c: &str| {
            self.departments
                .iter()
                .find(|d| d.code == c)
                .map(|d| d.code.as_str())
        };
        let (code, department, because) = match finding {
            Finding::PermitEvasion => (
                ManageCode::REF_STREET_ENFORCEMENT,
                None,
                vec![on_word(f, "ref_permit_evasion")],
            ),
            Finding::IllegalConstruction => (
                ManageCode::REF_LAND_PLANNING,
                prefer(dept("URBAN")),
                vec![on_word(f, "ref_land_planning")],
            ),
            Finding::WasteViolation => {
                let d = prefer(domain_department(result));
                (ManageCode::REF_DEPARTMENT, d, vec![on_word(f, "ref_waste")])
            }
            _ if odd => {
                let mut because = vec![on_word("odd_job", "ref_odd_job")];
                if result.risk_factors.contains(&Fact::hot_work.key()) {
                    because.push(on_word(Fact::hot_work.key(), "ref_hot_work_fire"));
                }
                (
                    ManageCode::REF_INDUSTRY_SAFETY,
                    prefer(dept("EMERGENCY")),
                    because,
                )
            }
            _ if result.kind == Some(Kind::Engineering) => (
                ManageCode::REF_STREET_ENFORCEMENT,
                None,
                vec![on_word("engineering", "ref_engineering")],
            ),
            _ => {
                let d = prefer(domain_department(result));
                (
                    ManageCode::REF_DEPARTMENT,
                    d,
                    vec![on_word("other", "ref_other")],
                )
            }
        };
        Referral {
            code,
            article: REFERRALS
                .iter()
                .find(|r| r.code == code)
                .map_or("", |r| r.article),
            department,
            candidates,
            because,
        }
    }

    /// The index of the rule set a result was decided under.
    fn ruleset_index_of(&self, result: &Assessment<'_>) -> usize {
        self.rulesets
            .iter()
            .position(|r| {
                r.file.version == result.ruleset.version && r.file.id == result.ruleset.id
            })
            .unwrap_or_else(|| self.ruleset_index_for(result.ruleset.effective_from))
    }
}

/// The department by domain for a violation that is neither a safety nor a land/planning one: an odd
/// job's first co-department other than FIRE (its primary, EMERGENCY, is the safety body), otherwise
/// the work's primary department.
fn domain_department<'e>(result: &Assessment<'e>) -> Option<&'e str> {
    let first = result.departments.primary.first().copied();
    if result.kind == Some(Kind::OddJob) {
        result
            .departments
            .co
            .iter()
            .copied()
            .find(|d| *d != "FIRE")
            .or(first)
    } else {
        first
    }
}

/// The published tables and wording of §9 (part of [`crate::view::RulesetView`]): what the console and
/// the widget need to show inspections, checklists, findings and referrals offline.
#[derive(Serialize)]
pub struct ManageView<'a> {
    pub inspection_kinds: Vec<KindView>,
    pub checklist_items: Vec<CheckItemView<'a>>,
    pub findings: &'static [Handling],
    pub referral_targets: Vec<RefView>,
    /// Every §9 code's title, explanation and article, as the rule set shows them.
    pub manage_codes: &'a SortedMap<CodeText>,
    /// The words checklist and referral reasons are composed from.
    pub manage_words: &'a SortedMap<I18n>,
}

#[derive(Serialize)]
pub struct KindView {
    pub code: ManageCode,
    pub article: &'static str,
    /// The parameter counting its due date, if it has one.
    pub due_parameter: Option<&'static str>,
}

#[derive(Serialize)]
pub struct CheckItemView<'a> {
    pub code: ManageCode,
    pub article: &'static str,
    pub group: Group,
    pub in_property_watch: bool,
    pub applies_when: When,
    /// The findings it may record (codes.json `checklist_findings`).
    pub findings: &'a [Finding],
}

#[derive(Serialize)]
pub struct RefView {
    pub code: ManageCode,
    pub article: &'static str,
}

impl Engine {
    /// The §9 tables with the wording of the rule set at `index`.
    pub(crate) fn manage_view(&self, index: usize) -> Result<ManageView<'_>, DataError> {
        let m = self.manage_data()?;
        let t = m
            .per_ruleset
            .get(index)
            .ok_or_else(|| DataError(format!("no rule set {index}")))?;
        Ok(ManageView {
            inspection_kinds: KINDS
                .iter()
                .map(|k| KindView {
                    code: k.kind.code(),
                    article: k.article,
                    due_parameter: k.due_parameter,
                })
                .collect(),
            checklist_items: CHECKLIST
                .iter()
                .map(|r| CheckItemView {
                    code: r.code,
                    article: r.article,
                    group: r.group,
                    in_property_watch: r.watch,
                    applies_when: r.when,
                    findings: m.item_findings[r.code as usize].as_slice(),
                })
                .collect(),
            findings: FINDINGS,
            referral_targets: REFERRALS
                .iter()
                .map(|r| RefView {
                    code: r.code,
                    article: r.article,
                })
                .collect(),
            manage_codes: &t.codes,
            manage_words: &t.words,
        })
    }
}
