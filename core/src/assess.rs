//! The determinations of rules.md §3, article by article.
//!
//! Every condition is evaluated in three-valued logic ([`Tri`]): true, false, or unknown *because of*
//! a set of facts not yet given. A determination that is still unknown adds those facts to
//! `missing_facts`; one that is already certain does not, so the engine never asks what cannot change
//! the result. `and_then`/`or_else` are the lazy forms: the right side is looked at only once the left is
//! known, which is how "ask `underground_pipelines` only after `earthwork`" is expressed.

use crate::date::Date;
use crate::engine::{Engine, Ruleset};
use crate::facts::{Fact, Facts, N_FACTS, Value};
use crate::model::{I18n, Kind};
use crate::result::*;
use std::borrow::Cow;

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

/// Formats a number: thousands grouped, at most two decimals, no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    let neg = x < 0.0;
    let x = x.abs();
    let cents = (x * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = (cents - whole * 100.0) as u64;
    let digits = if whole < 1e18 {
        (whole as u64).to_string()
    } else {
        format!("{whole:.0}")
    };
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if frac != 0 {
        if frac % 10 == 0 {
            out.push_str(&format!(".{}", frac / 10));
        } else {
            out.push_str(&format!(".{frac:02}"));
        }
    }
    out
}

/// An English name used mid-sentence: first letter in lower case ("Home interior decoration" → "home …").
/// ASCII only (English names start with an ASCII letter): Unicode case mapping would add its tables to
/// the browser bundle.
fn mid(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => core::iter::once(f.to_ascii_lowercase()).chain(c).collect(),
        None => String::new(),
    }
}

fn yuan(x: f64) -> String {
    format!("¥{}", fmt_num(x))
}

fn m2(x: f64) -> String {
    format!("{} m²", fmt_num(x))
}

/// Replaces `{name}` placeholders.
fn fill(tpl: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(tpl.len() + 32);
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let name = &after[..j];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn borrowed(t: &I18n) -> Text<'_> {
    Text {
        zh: Cow::Borrowed(&t.zh),
        en: Cow::Borrowed(&t.en),
    }
}

fn filled(t: &I18n, zh: &[(&str, &str)], en: &[(&str, &str)]) -> Text<'static> {
    Text {
        zh: Cow::Owned(fill(&t.zh, zh)),
        en: Cow::Owned(fill(&t.en, en)),
    }
}

/// Bit set of scope codes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct ScopeSet(u16);

const SCOPES: [Code; 10] = [
    Code::EXCLUDED_EMERGENCY,
    Code::EXCLUDED_TEMPORARY,
    Code::PROHIBITED,
    Code::EXCLUDED_PRIVATE_ODD_JOB,
    Code::SPORADIC_WORK,
    Code::EXCLUDED_MINOR_REPAIR,
    Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE,
    Code::SMALL_PROJECT,
    Code::REFERENCE_MANAGED,
    Code::NEEDS_PERMIT,
];

impl ScopeSet {
    fn of(codes: &[Code]) -> ScopeSet {
        ScopeSet(codes.iter().fold(0, |acc, c| acc | ScopeSet::bit(*c)))
    }
    fn bit(c: Code) -> u16 {
        SCOPES.iter().position(|s| *s == c).map_or(0, |i| 1 << i)
    }
}

/// §3.1 evaluated in order, over unknowns: which scopes are still possible, and because of what.
struct ScopeEval {
    possible: u16,
    unknown: u64,
    done: bool,
}

impl ScopeEval {
    fn new() -> ScopeEval {
        ScopeEval {
            possible: 0,
            unknown: 0,
            done: false,
        }
    }
    /// The next rule of the chain: if `cond` holds, the scope is `code`.
    fn rule(&mut self, cond: Tri, code: Code) {
        if self.done {
            return;
        }
        match cond {
            T => {
                self.possible |= ScopeSet::bit(code);
                self.done = true;
            }
            F => {}
            U(m) => {
                self.unknown |= m;
                self.possible |= ScopeSet::bit(code);
            }
        }
    }
    fn known(&self) -> Option<Code> {
        if self.unknown == 0 && self.possible.count_ones() == 1 {
            SCOPES
                .iter()
                .copied()
                .find(|c| self.possible & ScopeSet::bit(*c) != 0)
        } else {
            None
        }
    }
    /// Is the scope one of `set`?
    fn is_in(&self, set: ScopeSet) -> Tri {
        if self.possible & !set.0 == 0 {
            T
        } else if self.possible & set.0 == 0 {
            F
        } else {
            U(self.unknown)
        }
    }
}

/// The facts of one case with implications applied, and the unknowns the result still depends on.
struct Cx<'e> {
    v: [Option<Value>; N_FACTS],
    rs: &'e Ruleset,
    need: u64,
}

impl Cx<'_> {
    fn b(&self, f: Fact) -> Tri {
        match self.v[f as usize] {
            Some(Value::Bool(x)) => Tri::of(x),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    fn num(&self, f: Fact) -> Option<f64> {
        match self.v[f as usize] {
            Some(Value::Num(x)) => Some(x),
            _ => None,
        }
    }
    /// `f ≥ x`; a missing building area (`null`) never reaches a threshold.
    fn ge(&self, f: Fact, x: f64) -> Tri {
        match self.v[f as usize] {
            Some(Value::Num(n)) => Tri::of(n >= x),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    fn gt(&self, f: Fact, x: f64) -> Tri {
        match self.v[f as usize] {
            Some(Value::Num(n)) => Tri::of(n > x),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    fn le(&self, f: Fact, x: f64) -> Tri {
        match self.v[f as usize] {
            Some(Value::Num(n)) => Tri::of(n <= x),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    fn within(&self, f: Fact, lo: f64, hi: f64) -> Tri {
        match self.v[f as usize] {
            Some(Value::Num(n)) => Tri::of(n >= lo && n <= hi),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    fn known(&self, f: Fact) -> Tri {
        if self.v[f as usize].is_some() {
            T
        } else {
            U(f.bit())
        }
    }
    fn code(&self, f: Fact) -> Option<usize> {
        match self.v[f as usize] {
            Some(Value::Code(c)) => Some(c as usize),
            _ => None,
        }
    }
    /// Is the hazard present? Numbers (excavation, scaffold) count when above 0.
    fn hazard(&self, f: Fact) -> Tri {
        if self.rs.numeric & f.bit() != 0 {
            self.gt(f, 0.0)
        } else {
            self.b(f)
        }
    }
    fn any(&self, fs: &[Fact]) -> Tri {
        fs.iter().fold(F, |acc, f| acc.or(self.hazard(*f)))
    }
    fn elevator_is(&self, value: &str) -> Tri {
        match self.code(Fact::elevator_work) {
            Some(i) => Tri::of(self.rs.elevator_values.get(i).map(String::as_str) == Some(value)),
            None => U(Fact::elevator_work.bit()),
        }
    }
    /// Records what an unknown outcome still depends on; `Some(b)` once certain.
    fn out(&mut self, t: Tri) -> Option<bool> {
        match t {
            T => Some(true),
            F => Some(false),
            U(m) => {
                self.need |= m;
                None
            }
        }
    }
}

impl Engine {
    /// Decides a case. Pure: the same facts always give the same result.
    pub fn assess(&self, facts: &Facts) -> Assessment<'_> {
        let rs = &self.rulesets[facts.ruleset];
        let words = &self.codes.words;
        let w = |k: &str| -> &I18n {
            match words.get(k) {
                Some(t) => t,
                None => &EMPTY, // unreachable: checked at load
            }
        };
        let mut notes: Vec<Note<'_>> = Vec::new();
        let note = |code: &'static str| -> Text<'_> {
            match self.codes.notes.get(code) {
                Some(t) => borrowed(t),
                None => Text {
                    zh: Cow::Borrowed(""),
                    en: Cow::Borrowed(""),
                },
            }
        };
        if rs.file.status == "draft" {
            notes.push(Note {
                code: "N_DRAFT_RULESET",
                text: note("N_DRAFT_RULESET"),
            });
        }
        if facts.filing_date < rs.file.effective_from {
            let d = rs.file.effective_from.to_string();
            let t = self
                .codes
                .notes
                .get("N_BEFORE_RULESET")
                .map(|t| filled(t, &[("date", &d)], &[("date", &d)]));
            if let Some(text) = t {
                notes.push(Note {
                    code: "N_BEFORE_RULESET",
                    text,
                });
            }
        }
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
            notes,
            missing_facts: Vec::new(),
        };
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
        let odd = act.kind == Kind::OddJob;
        let p = &rs.params;
        let mut cx = Cx {
            v: facts.values,
            rs,
            need: 0,
        };

        // Implied facts (rules.md §2): the work is what it is; an answer saying otherwise is overridden.
        let fact_name = |f: Fact| -> &I18n { self.codes.fact_names.get(f.key()).unwrap_or(&EMPTY) };
        for &f in &rs.activity_implies[act_i] {
            if cx.v[f as usize] == Some(Value::Bool(false)) {
                if let Some(t) = self.codes.notes.get("N_IMPLIED_FACT") {
                    let n = fact_name(f);
                    a.notes.push(Note {
                        code: "N_IMPLIED_FACT",
                        text: filled(
                            t,
                            &[("fact", &n.zh), ("reason", &act.name.zh)],
                            &[("fact", &n.en), ("reason", &act.name.en)],
                        ),
                    });
                }
            }
            cx.v[f as usize] = Some(Value::Bool(true));
        }
        for &(if_, then) in &rs.implications {
            if cx.v[if_ as usize] == Some(Value::Bool(true)) {
                if cx.v[then as usize] == Some(Value::Bool(false)) {
                    if let Some(t) = self.codes.notes.get("N_IMPLIED_FACT") {
                        let (n, r) = (fact_name(then), fact_name(if_));
                        a.notes.push(Note {
                            code: "N_IMPLIED_FACT",
                            text: filled(
                                t,
                                &[("fact", &n.zh), ("reason", &r.zh)],
                                &[("fact", &n.en), ("reason", &r.en)],
                            ),
                        });
                    }
                }
                cx.v[then as usize] = Some(Value::Bool(true));
                if if_ == Fact::welding {
                    a.notes.push(Note {
                        code: "N_WELDING_IS_HOT_WORK",
                        text: note("N_WELDING_IS_HOT_WORK"),
                    });
                }
            }
        }

        // ── §3.1 scope ───────────────────────────────────────────────────────────────────────────
        let mut sc = ScopeEval::new();
        let contract_le = cx.le(Fact::contract_amount_yuan, p.limit_contract_yuan);
        let area_le = cx.le(Fact::construction_area_m2, p.limit_area_m2);
        let below = contract_le.or(area_le);
        let mut via_art4_list = false;
        if odd {
            // 第七条, then 第六条第（一）项, then 第五条.
            sc.rule(cx.b(Fact::illegal_addition), Code::PROHIBITED);
            sc.rule(
                cx.b(Fact::public_area).not(),
                Code::EXCLUDED_PRIVATE_ODD_JOB,
            );
            sc.rule(T, Code::SPORADIC_WORK);
        } else {
            sc.rule(cx.b(Fact::emergency_rescue), Code::EXCLUDED_EMERGENCY); // 第六条第（三）项
            sc.rule(cx.b(Fact::temporary_building), Code::EXCLUDED_TEMPORARY); // 第六条第（二）项
            sc.rule(cx.b(Fact::illegal_addition), Code::PROHIBITED); // 第七条
            if act.code == "building_repair" {
                sc.rule(
                    cx.b(Fact::repair_is_complex).not(),
                    Code::EXCLUDED_MINOR_REPAIR,
                ); // 第二条第（四）项
            }
            if act.has_flag('P') {
                sc.rule(
                    cx.b(Fact::public_safety_structure),
                    Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE,
                ); // 第二条第（六）项
            }
            sc.rule(below, Code::SMALL_PROJECT); // 第二条
            match below {
                F => {
                    // Above the limit (第四条): listed activities are managed by reference; others only when
                    // the permit does not apply (第四条第（四）项).
                    let listed = act.art4.is_some();
                    let cond = if listed {
                        T
                    } else {
                        cx.b(Fact::permit_not_applicable)
                    };
                    via_art4_list = listed;
                    sc.rule(cond, Code::REFERENCE_MANAGED);
                    sc.rule(T, Code::NEEDS_PERMIT);
                }
                _ => {
                    // Size not known yet: both outcomes above the limit stay possible, and
                    // `permit_not_applicable` is not asked until the work is known to be above it.
                    sc.rule(U(0), Code::REFERENCE_MANAGED);
                    sc.rule(T, Code::NEEDS_PERMIT);
                }
            }
        }
        let scope = sc.known();
        let in_scope = sc.is_in(ScopeSet::of(&[
            Code::SMALL_PROJECT,
            Code::REFERENCE_MANAGED,
            Code::SPORADIC_WORK,
        ]));
        let eng_in = sc.is_in(ScopeSet::of(&[
            Code::SMALL_PROJECT,
            Code::REFERENCE_MANAGED,
        ]));
        let odd_in = sc.is_in(ScopeSet::of(&[Code::SPORADIC_WORK]));
        let is_small = sc.is_in(ScopeSet::of(&[Code::SMALL_PROJECT]));
        let is_ref = sc.is_in(ScopeSet::of(&[Code::REFERENCE_MANAGED]));
        let refers_to_permit = sc.is_in(ScopeSet::of(&[
            Code::NEEDS_PERMIT,
            Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE,
        ]));
        if scope.is_none() {
            cx.need |= sc.unknown;
        }

        // Words used in `because` texts.
        let contract = cx.num(Fact::contract_amount_yuan);
        let area = cx.v[Fact::construction_area_m2 as usize];
        // The case's values, formatted once for every text that quotes them.
        let contract_txt = contract.map(yuan).unwrap_or_default();
        let (area_zh, area_en): (Cow<'_, str>, Cow<'_, str>) = match area {
            Some(Value::Num(x)) => {
                let s = m2(x);
                (Cow::Owned(s.clone()), Cow::Owned(s))
            }
            Some(Value::NoArea) => (
                Cow::Borrowed(w("no_area").zh.as_str()),
                Cow::Borrowed(w("no_area").en.as_str()),
            ),
            _ => (Cow::Borrowed(""), Cow::Borrowed("")),
        };
        let size_args = |zh: bool| -> [(&'static str, &str); 4] {
            [
                ("contract", contract_txt.as_str()),
                ("area", if zh { &area_zh } else { &area_en }),
                ("limit_contract", rs.limit_texts.0.as_str()),
                ("limit_area", rs.limit_texts.1.as_str()),
            ]
        };
        let render = |t: &I18n,
                      zh: &[(&'static str, String)],
                      en: &[(&'static str, String)]|
         -> Text<'static> {
            let z: Vec<(&str, &str)> = zh.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let e: Vec<(&str, &str)> = en.iter().map(|(k, v)| (*k, v.as_str())).collect();
            filled(t, &z, &e)
        };
        let size_text = || -> Option<Text<'static>> {
            let key = match (contract_le, area_le, area) {
                (T, _, _) => "size_contract_within",
                (_, T, _) => "size_area_within",
                (F, _, Some(Value::NoArea)) => "size_contract_over_no_area",
                (F, F, _) => "size_both_over",
                _ => return None,
            };
            Some(filled(w(key), &size_args(true), &size_args(false)))
        };
        let basis_text = |zh: bool| -> String {
            let t = if via_art4_list {
                w("basis_art4_listed")
            } else {
                w("basis_permit_not_applicable")
            };
            if zh {
                fill(&t.zh, &[("activity", &act.name.zh)])
            } else {
                fill(&t.en, &[("activity", &mid(&act.name.en))])
            }
        };

        if let Some(s) = scope {
            a.scope = Some(s);
            let ct = self.code_text(s);
            a.scope_article = Some(match s {
                Code::SMALL_PROJECT | Code::SPORADIC_WORK => &act.art2,
                Code::REFERENCE_MANAGED => match &act.art4 {
                    Some(x) if via_art4_list => x,
                    _ => "第四条第（四）项",
                },
                _ => &ct.article,
            });
            let because = ct.because.as_ref();
            a.scope_because = match s {
                Code::SMALL_PROJECT | Code::NEEDS_PERMIT => because.and_then(|t| {
                    let size = size_text()?;
                    let zh = [
                        ("size", size.zh.into_owned()),
                        ("activity", act.name.zh.clone()),
                    ];
                    let en = [
                        ("size", size.en.into_owned()),
                        ("activity", mid(&act.name.en)),
                    ];
                    Some(render(t, &zh, &en))
                }),
                Code::REFERENCE_MANAGED => because.and_then(|t| {
                    let size = size_text()?;
                    let zh = [("size", size.zh.into_owned()), ("basis", basis_text(true))];
                    let en = [("size", size.en.into_owned()), ("basis", basis_text(false))];
                    Some(render(t, &zh, &en))
                }),
                Code::SPORADIC_WORK => because.map(|t| {
                    render(
                        t,
                        &[("activity", act.name.zh.clone())],
                        &[("activity", mid(&act.name.en))],
                    )
                }),
                _ => because.map(borrowed),
            };
            if via_art4_list && s == Code::REFERENCE_MANAGED {
                a.notes.push(Note {
                    code: "N_REFERENCE_BY_LIST",
                    text: note("N_REFERENCE_BY_LIST"),
                });
            }
            if matches!(s, Code::EXCLUDED_EMERGENCY | Code::EXCLUDED_TEMPORARY)
                && cx.b(Fact::illegal_addition).is_true()
            {
                a.notes.push(Note {
                    code: "N_ILLEGAL_ADDITION",
                    text: note("N_ILLEGAL_ADDITION"),
                });
            }
            if s == Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE {
                a.notes.push(Note {
                    code: "N_PUBLIC_SAFETY_SPECIAL_EQUIPMENT",
                    text: note("N_PUBLIC_SAFETY_SPECIAL_EQUIPMENT"),
                });
            }
        }
        if act.code == "odd_other" {
            a.notes.push(Note {
                code: "N_ODD_OTHER_DECISION",
                text: note("N_ODD_OTHER_DECISION"),
            });
        }

        // ── §3.2 high risk (engineering in scope only) ──────────────────────────────────────────
        let elevator = Tri::of(act.code == "elevator");
        let c_gt = cx.gt(Fact::contract_amount_yuan, p.limit_contract_yuan);
        let a_gt = cx.gt(Fact::construction_area_m2, p.limit_area_m2);
        let structure_any = cx
            .b(Fact::structural_change)
            .or(cx.b(Fact::load_increase))
            .or(cx.b(Fact::use_change));
        let crowded = match cx.code(Fact::venue) {
            Some(i) => Tri::of(rs.file.venues.get(i).is_some_and(|v| v.crowded)),
            None => U(Fact::venue.bit()),
        };
        let hot_crowded = eng_in.and(cx.b(Fact::hot_work)).and(crowded);
        let triggers: [(Code, Tri); 10] = [
            (Code::HR_LIMIT_ONE_SIDE, is_small.and(c_gt.xor(a_gt))),
            (Code::HR_STRUCTURE, eng_in.and(structure_any)),
            (Code::HR_ELEVATOR, eng_in.and(elevator)),
            (Code::HR_HOT_WORK_CROWDED, hot_crowded),
            (
                Code::HR_CONFINED_SPACE,
                eng_in.and(cx.b(Fact::confined_space)),
            ),
            (
                Code::HR_DEEP_EXCAVATION,
                eng_in.and(cx.ge(Fact::excavation_depth_m, p.deep_excavation_m)),
            ),
            (
                Code::HR_HIGH_SCAFFOLD,
                eng_in.and(cx.ge(Fact::scaffold_height_m, p.high_scaffold_m)),
            ),
            (Code::HR_LIFTING, eng_in.and(cx.b(Fact::lifting))),
            (
                Code::HR_DANGEROUS_SUBPROJECT,
                eng_in.and(cx.b(Fact::other_dangerous_subproject)),
            ),
            (Code::HR_REFERENCE_MANAGED, is_ref),
        ];
        let mut hr = F;
        for (code, t) in triggers {
            hr = hr.or(t);
            if cx.out(t) == Some(true) {
                let ct = self.code_text(code);
                let tpl = ct.because.as_ref().unwrap_or(&EMPTY);
                let because = match code {
                    Code::HR_LIMIT_ONE_SIDE => {
                        let key = if c_gt.is_true() {
                            "contract_over"
                        } else {
                            "area_over"
                        };
                        let d_zh = fill(&w(key).zh, &size_args(true));
                        let d_en = fill(&w(key).en, &size_args(false));
                        render(tpl, &[("detail", d_zh)], &[("detail", d_en)])
                    }
                    Code::HR_STRUCTURE => {
                        let (zh, en) = self.fact_list(
                            &cx,
                            &[
                                Fact::structural_change,
                                Fact::load_increase,
                                Fact::use_change,
                            ],
                        );
                        render(tpl, &[("facts", zh)], &[("facts", en)])
                    }
                    Code::HR_ELEVATOR => {
                        let (zh, en) = self.elevator_work_name(&cx);
                        render(tpl, &[("work", zh)], &[("work", en)])
                    }
                    Code::HR_HOT_WORK_CROWDED => {
                        let v = cx.code(Fact::venue).and_then(|i| rs.file.venues.get(i));
                        let (zh, en) = v
                            .map(|v| (v.name.zh.clone(), mid(&v.name.en)))
                            .unwrap_or_default();
                        render(tpl, &[("venue", zh)], &[("venue", en)])
                    }
                    Code::HR_DEEP_EXCAVATION | Code::HR_HIGH_SCAFFOLD => {
                        let (f, lim) = if code == Code::HR_DEEP_EXCAVATION {
                            (Fact::excavation_depth_m, p.deep_excavation_m)
                        } else {
                            (Fact::scaffold_height_m, p.high_scaffold_m)
                        };
                        let args = [
                            ("value", fmt_num(cx.num(f).unwrap_or(0.0))),
                            ("limit", fmt_num(lim)),
                        ];
                        render(tpl, &args, &args)
                    }
                    Code::HR_REFERENCE_MANAGED => render(
                        tpl,
                        &[("basis", basis_text(true))],
                        &[("basis", basis_text(false))],
                    ),
                    _ => borrowed(tpl),
                };
                a.high_risk_triggers.push(Item {
                    code,
                    article: &ct.article,
                    because,
                });
            }
        }
        if a.high_risk_triggers
            .iter()
            .any(|t| t.code == Code::HR_STRUCTURE)
        {
            a.notes.push(Note {
                code: "N_STRUCTURE_BROAD",
                text: note("N_STRUCTURE_BROAD"),
            });
        }
        a.high_risk = match hr {
            T => Some(true),
            F => Some(false),
            U(_) => None,
        };

        // ── §3.3 supervision and contractor ───────────────────────────────────────────────────────
        // 第十条第（二）项: investment ≥ ¥3M or area ≥ 3,000 m²; a contract ≥ ¥3M settles it (investment
        // includes the contract), so `investment_yuan` is asked only when nothing else settles it.
        let sup_contract = cx.ge(Fact::contract_amount_yuan, p.supervision_investment_yuan);
        let sup_area = cx.ge(Fact::construction_area_m2, p.supervision_area_m2);
        let sup = hr.and_then(|| {
            sup_contract.or_else(|| {
                sup_area.or_else(|| cx.ge(Fact::investment_yuan, p.supervision_investment_yuan))
            })
        });
        let sup_req = eng_in.and(sup);
        match (cx.out(eng_in), cx.out(sup_req)) {
            (Some(true), Some(true)) => a.supervision = Some(Code::SUPERVISION_REQUIRED),
            (Some(true), Some(false)) => a.supervision = Some(Code::SUPERVISION_ENCOURAGED),
            _ => {}
        }
        a.qualified_contractor_required = cx.out(hr);

        // ── §3.4 documents ────────────────────────────────────────────────────────────────────────
        let pm = cx.b(Fact::property_managed);
        let kind_i = usize::from(odd);
        let special = cx.any(&rs.special_by_kind[kind_i]);
        let earthwork = cx.b(Fact::earthwork);
        let gas = cx.b(Fact::gas_pipeline_alteration);
        let multi = || cx.b(Fact::elevator_multi_owner_residential);
        let ew_add = cx.elevator_is("add");
        let outside_guidance = cx
            .elevator_is("alter")
            .or(ew_add.and_then(|| multi().not()));
        let lift_design = eng_in.and(elevator).and(outside_guidance);
        let structural_dossier = eng_in.and(structure_any.or(elevator.and(outside_guidance)));
        let docs: [(Code, Tri); 24] = [
            (Code::D_BASIC_FORM, eng_in),
            (Code::D_APPLICANT_ID, eng_in),
            (Code::D_AGENT_AUTH, eng_in.and(cx.b(Fact::via_agent))),
            (Code::D_PROPERTY_PROOF, eng_in),
            (
                Code::D_OWNER_CONSENT,
                eng_in.and(cx.b(Fact::applicant_is_owner).not()),
            ),
            (Code::D_SAFETY_PLEDGE, in_scope),
            (Code::D_CONTRACT, eng_in),
            (Code::D_WORKER_LIST, eng_in),
            (Code::D_WASTE_DESTINATION, eng_in),
            (Code::D_SPECIAL_PLAN, hr),
            (Code::D_DRAWINGS, hr),
            (Code::D_DECOR_PLAN, eng_in.and(Tri::of(act.has_flag('D')))),
            (Code::D_CONTRACTOR_LICENCES, hr),
            (Code::D_STRUCTURAL_DOSSIER, structural_dossier),
            (Code::D_GAS_OPINION, eng_in.and(gas)),
            (
                Code::D_PIPELINE_AGREEMENT,
                eng_in.and(earthwork.and_then(|| cx.b(Fact::underground_pipelines))),
            ),
            (
                Code::D_ELEVATOR_JOINT_REVIEW,
                eng_in.and(elevator).and(ew_add.and_then(multi)),
            ),
            (Code::D_ELEVATOR_APPROVAL, lift_design),
            (Code::D_SUPERVISION_CONTRACT, sup_req),
            (Code::S_WORK_TIME, odd_in),
            (Code::S_WORK_PLACE, odd_in),
            (Code::S_HIRED_PARTY, odd_in),
            (Code::S_WORK_CONTENT, odd_in),
            (Code::S_SPECIAL_CERTS, odd_in.and(special)),
        ];
        for (code, t) in docs {
            if cx.out(t) != Some(true) {
                continue;
            }
            let ct = self.code_text(code);
            let tpl = ct.because.as_ref().unwrap_or(&EMPTY);
            let because = match code {
                Code::D_STRUCTURAL_DOSSIER => {
                    if structure_any.is_true() {
                        let key = if cx
                            .b(Fact::load_increase)
                            .or(cx.b(Fact::use_change))
                            .is_true()
                        {
                            "structural_with_appraisal"
                        } else {
                            "structural_high_risk"
                        };
                        let (zh, en) = self.fact_list(
                            &cx,
                            &[
                                Fact::structural_change,
                                Fact::load_increase,
                                Fact::use_change,
                            ],
                        );
                        let r = render(w(key), &[("facts", zh)], &[("facts", en)]);
                        render(
                            tpl,
                            &[("reason", r.zh.into_owned())],
                            &[("reason", r.en.into_owned())],
                        )
                    } else {
                        let (zh, en) = self.elevator_work_name(&cx);
                        let r = render(
                            w("elevator_outside_guidance"),
                            &[("work", zh)],
                            &[("work", en)],
                        );
                        render(
                            tpl,
                            &[("reason", r.zh.into_owned())],
                            &[("reason", r.en.into_owned())],
                        )
                    }
                }
                Code::D_ELEVATOR_APPROVAL => {
                    let (zh, en) = self.elevator_work_name(&cx);
                    render(tpl, &[("work", zh)], &[("work", en)])
                }
                Code::D_CONTRACTOR_LICENCES if elevator.is_true() => {
                    borrowed(ct.because_elevator.as_ref().unwrap_or(tpl))
                }
                Code::S_SPECIAL_CERTS => {
                    let present: Vec<Fact> = rs
                        .special_operations
                        .iter()
                        .copied()
                        .filter(|f| cx.b(*f).is_true())
                        .collect();
                    let (zh, en) = self.fact_list(&cx, &present);
                    render(tpl, &[("facts", zh)], &[("facts", en)])
                }
                _ => borrowed(tpl),
            };
            a.documents.push(Item {
                code,
                article: &ct.article,
                because,
            });
        }

        // ── §3.5 obligations ──────────────────────────────────────────────────────────────────────
        let hazards_here: &[Fact] = if odd {
            &rs.hazards_odd_job
        } else {
            &rs.hazards_engineering
        };
        let dangerous = cx.any(&rs.dangerous_by_kind[kind_i]);
        let near = p.near_limit_fraction;
        let near_limit = cx
            .within(
                Fact::contract_amount_yuan,
                p.limit_contract_yuan * (1.0 - near),
                p.limit_contract_yuan,
            )
            .or(cx.within(
                Fact::construction_area_m2,
                p.limit_area_m2 * (1.0 - near),
                p.limit_area_m2,
            ));
        let needs_permit = sc.is_in(ScopeSet::of(&[Code::NEEDS_PERMIT]));
        let near_policy = is_small.and(near_limit);
        let obligations: [(Code, Tri); 24] = [
            (Code::O_REGISTER_BEFORE_START, in_scope),
            (Code::O_TRUTHFUL_FILING, in_scope),
            (Code::O_OTHER_APPROVALS, in_scope),
            (Code::O_INSURANCE, in_scope),
            (Code::O_WASTE_DISPOSAL, in_scope),
            (Code::O_CANCEL_AFTER_COMPLETION, in_scope),
            (Code::O_EXTEND_BEFORE_EXPIRY, in_scope),
            (Code::O_CAPABLE_CONTRACTOR, eng_in),
            (Code::O_POST_AT_ENTRANCE, eng_in),
            (Code::O_QUALIFIED_CONTRACTOR, hr),
            (Code::O_SUPERVISION, sup_req),
            (
                Code::O_DECORATION_AGREEMENT,
                eng_in.and(Tri::of(act.has_flag('D'))).and(pm),
            ),
            (Code::O_STRUCTURAL_PROCEDURE, structural_dossier),
            (Code::O_ELEVATOR_SPECIAL_EQUIPMENT, eng_in.and(elevator)),
            (Code::O_HOT_WORK_CROWDED_MEASURES, hot_crowded),
            (Code::O_PIPELINE_SURVEY, eng_in.and(earthwork)),
            (Code::O_GAS_COMPANY, eng_in.and(gas)),
            (Code::O_HIGH_RISK_SITE_MANAGEMENT, hr),
            (Code::O_NO_SPLITTING, needs_permit.or(near_policy)),
            (Code::O_SPECIAL_CERTIFICATES, in_scope.and(special)),
            (Code::O_NOTIFY_PROPERTY, in_scope.and(special).and(pm)),
            (Code::O_DANGEROUS_WORK_PLAN, in_scope.and(dangerous)),
            (
                Code::O_HAZARDOUS_CHEMICALS,
                in_scope.and(cx.b(Fact::hazardous_chemicals)),
            ),
            (Code::O_APPLY_FOR_PERMIT, refers_to_permit),
        ];
        for (code, t) in obligations {
            if cx.out(t) == Some(true) {
                a.obligations.push(Obligation {
                    code,
                    article: &self.code_text(code).article,
                });
            }
        }
        if near_policy.is_true() {
            if let Some(t) = self.codes.notes.get("N_NEAR_LIMIT_POLICY") {
                let f = format!("{}%", fmt_num(near * 100.0));
                a.notes.push(Note {
                    code: "N_NEAR_LIMIT_POLICY",
                    text: filled(t, &[("fraction", &f)], &[("fraction", &f)]),
                });
            }
        }

        // ── §3.6 channels ─────────────────────────────────────────────────────────────────────────
        let closed = cx.b(Fact::closed_managed_site);
        let channels: [(Code, Tri); 5] = [
            (Code::C_ONLINE, in_scope),
            (Code::C_STREET_OFFICE, hr),
            (Code::C_COMMUNITY, in_scope.and(hr.not())),
            (Code::C_PROPERTY, in_scope.and(hr.not()).and(pm)),
            (Code::C_FACILITY_MANAGER, in_scope.and(closed)),
        ];
        for (code, t) in channels {
            if cx.out(t) == Some(true) {
                a.channels.push(code);
            }
        }
        if in_scope.and(closed).is_true() {
            a.notes.push(Note {
                code: "N_CLOSED_SITE",
                text: note("N_CLOSED_SITE"),
            });
        }
        if cx.out(in_scope.and(cx.known(Fact::street))) == Some(true) {
            a.street_office = cx
                .code(Fact::street)
                .and_then(|i| self.streets.get(i))
                .map(|s| s.code.as_str());
        }

        // ── §5 departments ────────────────────────────────────────────────────────────────────────
        let venue_known = cx.out(in_scope.and(cx.known(Fact::venue)));
        let fire = cx.out(in_scope.and(cx.b(Fact::hot_work)));
        if let Some(s) = scope {
            let mut d = Departments::default();
            let (first, rest) = act
                .dept
                .split_first()
                .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
            if s.is_in_scope()
                || matches!(
                    s,
                    Code::NEEDS_PERMIT | Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE
                )
            {
                if let Some(dep) = self.departments.iter().find(|x| x.code == first) {
                    d.primary.push(dep.code.as_str());
                }
                for c in rest {
                    self.push_co(&mut d, first, c);
                }
            }
            if s.is_in_scope() {
                if venue_known == Some(true) {
                    if let Some(v) = cx.code(Fact::venue).and_then(|i| rs.file.venues.get(i)) {
                        for c in &v.co {
                            self.push_co(&mut d, first, c);
                        }
                    }
                }
                if fire == Some(true) {
                    self.push_co(&mut d, first, "FIRE");
                }
            }
            if s == Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE {
                self.push_co(&mut d, first, "MARKET");
            }
            a.departments = d;
        }

        // Hazards for the site risk notice.
        for &f in hazards_here {
            if cx.out(in_scope.and(cx.hazard(f))) == Some(true) {
                a.risk_factors.push(f.key());
            }
        }

        // ── §3.7 deadlines ────────────────────────────────────────────────────────────────────────
        if in_scope.is_true() {
            let cal = &self.calendar;
            let f_date = facts.filing_date;
            let r_date = match cx.v[Fact::registered_date as usize] {
                Some(Value::Date(d)) => d,
                _ => f_date,
            };
            let mut provisional_years: Vec<i32> = Vec::new();
            let mut count = |from: Date, n: u32| -> Date {
                let c = cal.add_working_days(from, n);
                if c.provisional {
                    let mut d = from;
                    while d < c.date {
                        d = d.add_days(1);
                        if cal.is_working_day(d).1 && !provisional_years.contains(&d.year()) {
                            provisional_years.push(d.year());
                        }
                    }
                }
                c.date
            };
            let dl = &mut a.deadlines;
            dl.acceptance_due = Some(count(f_date, p.acceptance_working_days));
            if hr.is_true() {
                dl.inspection_due = Some(count(r_date, p.inspection_working_days));
            }
            if let Some(Value::Date(c)) = cx.v[Fact::completion_date as usize] {
                dl.cancellation_due = Some(count(c, p.cancellation_working_days));
            }
            let valid = r_date.add_months_clamped(p.validity_months);
            dl.valid_until = Some(valid);
            dl.extension_window_start = Some(valid.add_days(1 - p.extension_window_days as i32));
            dl.calendar_provisional = !provisional_years.is_empty();
            if dl.calendar_provisional {
                if let Some(t) = self.codes.notes.get("N_CALENDAR_PROVISIONAL") {
                    let years = provisional_years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    a.notes.push(Note {
                        code: "N_CALENDAR_PROVISIONAL",
                        text: filled(t, &[("years", &years)], &[("years", &years)]),
                    });
                }
            }
        }

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

    fn push_co<'a>(&'a self, d: &mut Departments<'a>, primary: &str, code: &str) {
        if let Some(dep) = self.departments.iter().find(|x| x.code == code) {
            if dep.code != primary && !d.co.contains(&dep.code.as_str()) {
                d.co.push(dep.code.as_str());
            }
        }
    }

    fn fact_list(&self, cx: &Cx<'_>, fs: &[Fact]) -> (String, String) {
        let sep = self
            .codes
            .words
            .get("list_separator")
            .cloned()
            .unwrap_or_default();
        let mut zh = Vec::new();
        let mut en = Vec::new();
        for f in fs {
            if cx.b(*f).is_true() {
                if let Some(n) = self.codes.fact_names.get(f.key()) {
                    zh.push(n.zh.as_str());
                    en.push(n.en.as_str());
                }
            }
        }
        (zh.join(&sep.zh), en.join(&sep.en))
    }

    fn elevator_work_name(&self, cx: &Cx<'_>) -> (String, String) {
        let spec = cx.rs.spec(Fact::elevator_work);
        cx.code(Fact::elevator_work)
            .and_then(|i| spec.values.get(i))
            .and_then(|v| spec.value_names.get(v))
            .map(|n| (n.zh.clone(), n.en.clone()))
            .unwrap_or_else(|| (String::new(), "works".to_owned()))
    }
}

static EMPTY: I18n = I18n {
    zh: String::new(),
    en: String::new(),
};
