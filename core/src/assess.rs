//! Assessing a case: the determinations of rules.md §3 (`src/rules/`, one file per section) run
//! in order over the case's facts.
//!
//! Every condition is evaluated in three-valued logic ([`Tri`]): true, false, or unknown *because of*
//! a set of facts not yet given. A determination that is still unknown adds those facts to
//! `missing_facts`; one that is already certain does not, so the engine never asks what cannot change
//! the result. `and_then`/`or_else` are the lazy forms: the right side is looked at only once the left is
//! known, which is how "ask `underground_pipelines` only after `earthwork`" is expressed.

use crate::engine::Engine;
use crate::facts::{Fact, Facts, Value};
use crate::result::*;
use crate::rules::{self, Cx};
use crate::text::filled;

pub use crate::text::{fill, fmt_num};

/// Three-valued truth; `U` carries the bit set of the unknown facts it depends on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tri {
    F,
    T,
    U(u64),
}
use Tri::{F, T, U};

impl Tri {
    pub fn of(b: bool) -> Tri {
        if b { T } else { F }
    }
    pub fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (F, _) | (_, F) => F,
            (T, x) | (x, T) => x,
            (U(a), U(b)) => U(a | b),
        }
    }
    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (T, _) | (_, T) => T,
            (F, x) | (x, F) => x,
            (U(a), U(b)) => U(a | b),
        }
    }
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            T => F,
            F => T,
            u => u,
        }
    }
    pub fn xor(self, o: Tri) -> Tri {
        match (self, o) {
            (U(a), U(b)) => U(a | b),
            (U(a), _) | (_, U(a)) => U(a),
            (a, b) => Tri::of(a != b),
        }
    }
    /// Lazy and: `o` is only looked at once `self` is known true.
    pub fn and_then(self, o: impl FnOnce() -> Tri) -> Tri {
        match self {
            T => o(),
            x => x,
        }
    }
    /// Lazy or: `o` is only looked at once `self` is known false.
    pub fn or_else(self, o: impl FnOnce() -> Tri) -> Tri {
        match self {
            F => o(),
            x => x,
        }
    }
    pub fn is_true(self) -> bool {
        self == T
    }
}

/// Notes the engine can attach (their texts are in codes.json).
pub(crate) const NOTE_CODES: &[&str] = &[
    "N_DRAFT_RULESET",
    "N_IMPLIED_FACT",
    "N_WELDING_IS_HOT_WORK",
    "N_ILLEGAL_ADDITION",
    "N_REFERENCE_BY_LIST",
    "N_ODD_OTHER_DECISION",
    "N_NEAR_LIMIT_POLICY",
    "N_STRUCTURE_BROAD",
    "N_CALENDAR_PROVISIONAL",
    "N_BEFORE_RULESET",
    "N_PUBLIC_SAFETY_SPECIAL_EQUIPMENT",
    "N_CLOSED_SITE",
];

/// Words the engine composes `because` texts from (codes.json `words`).
pub(crate) const WORDS: &[&str] = &[
    "contract_over",
    "area_over",
    "size_contract_within",
    "size_area_within",
    "size_both_over",
    "size_contract_over_no_area",
    "basis_art4_listed",
    "basis_permit_not_applicable",
    "investment_reached",
    "contract_reached",
    "area_reached",
    "structural_high_risk",
    "structural_with_appraisal",
    "elevator_outside_guidance",
    "list_separator",
    "no_area",
];

impl Engine {
    /// Decides a case. Pure: the same facts always give the same result.
    pub fn assess(&self, facts: &Facts) -> Assessment<'_> {
        let rs = &self.rulesets[facts.ruleset];
        let mut a = Assessment {
            ruleset: RulesetRef {
                id: &rs.file.id,
                version: &rs.file.version,
                status: &rs.file.status,
                effective_from: rs.file.effective_from,
            },
            activity: None,
            kind: None,
            scope: None,
            scope_article: None,
            scope_because: None,
            high_risk: None,
            high_risk_triggers: Vec::with_capacity(4),
            supervision: None,
            qualified_contractor_required: None,
            documents: Vec::with_capacity(16),
            obligations: Vec::with_capacity(20),
            channels: Vec::with_capacity(4),
            street_office: None,
            departments: Departments::default(),
            deadlines: Deadlines::default(),
            risk_factors: Vec::with_capacity(8),
            notes: Vec::new(),
            missing_facts: Vec::new(),
        };
        if rs.file.status == "draft" {
            if let Some(t) = rs.texts.notes.get("N_DRAFT_RULESET") {
                a.notes.push(Note {
                    code: "N_DRAFT_RULESET",
                    text: crate::text::borrowed(t),
                });
            }
        }
        if facts.filing_date < rs.file.effective_from {
            let d = rs.file.effective_from.to_string();
            if let Some(t) = rs.texts.notes.get("N_BEFORE_RULESET") {
                a.notes.push(Note {
                    code: "N_BEFORE_RULESET",
                    text: filled(t, &[("date", &d)], &[("date", &d)]),
                });
            }
        }
        let act_i = match facts.values[Fact::activity as usize] {
            Some(Value::Code(i)) => i as usize,
            _ => {
                a.missing_facts.push(Fact::activity.key());
                return a;
            }
        };
        let act = &rs.file.activities[act_i];
        a.activity = Some(&act.code);
        a.kind = Some(act.kind);
        let mut cx = Cx::new(self, rs, act, facts.values);

        rules::implied::decide(&mut cx, &mut a, &rs.activity_implies[act_i]);
        rules::scope::decide(&mut cx, &mut a);
        rules::high_risk::decide(&mut cx, &mut a);
        rules::supervision::decide(&mut cx, &mut a);
        rules::documents::decide(&mut cx, &mut a);
        rules::obligations::decide(&mut cx, &mut a);
        rules::channels::decide(&mut cx, &mut a);
        rules::departments::decide(&mut cx, &mut a);
        rules::deadlines::decide(&cx, &mut a, facts);

        // What is still unknown and could change the result, in interview order.
        let need = cx.need;
        if need != 0 {
            a.missing_facts = rs
                .order
                .iter()
                .filter(|f| need & f.bit() != 0 && !rs.spec(**f).input_only)
                .map(|f| f.key())
                .collect();
        }
        a
    }
}
