//! The determinations of rules.md §3 (and §5), one file per section, one named unit per determination.
//!
//! | section | file | determines |
//! |---|---|---|
//! | §2 implied facts | [`implied`] | facts the work itself settles (第四十五条, the activity table) |
//! | §3.1 scope | [`scope`] | exactly one scope code, its article and reason |
//! | §3.2 high risk | [`high_risk`] | every `HR_*` trigger that holds |
//! | §3.3 supervision | [`supervision`] | `SUPERVISION_*`, `QUALIFIED_CONTRACTOR_REQUIRED` |
//! | §3.4 documents | [`documents`] | the `D_*` / `S_*` checklist |
//! | §3.5 obligations | [`obligations`] | the `O_*` list |
//! | §3.6 channels | [`channels`] | the `C_*` list and the street office |
//! | §5 departments | [`departments`] | primary and co-departments, the site's risk factors |
//! | §3.7 deadlines | [`deadlines`] | the dates |
//! | §9 management | [`inspections`] | inspection kinds, checklist items, findings' handling, referral targets (read by `crate::manage`, not by the assessment) |
//!
//! A determination is a [`Rule`]: its code, the article it cites, when it applies (a three-valued
//! condition over the case, [`Cx`]) and how its reason (`because`) is written. The wording of each code
//! (title, `because` template, explanation) is data (`data/codes.json`); thresholds and day counts are
//! the rule set's parameters (`data/rulesets/*.json`). Sections run in the order above: a later section
//! may use what an earlier one decided ([`Cx::hr`], [`Cx::sup_req`]).

pub(crate) mod channels;
pub(crate) mod deadlines;
pub(crate) mod departments;
pub(crate) mod documents;
pub(crate) mod high_risk;
pub(crate) mod implied;
pub(crate) mod inspections;
pub(crate) mod obligations;
pub(crate) mod scope;
pub(crate) mod supervision;

use crate::assess::Tri::{self, F, T, U};
use crate::engine::{Engine, Params, Ruleset};
use crate::facts::{Fact, N_FACTS, Value};
use crate::model::{Activity, CodeText, I18n, Kind};
use crate::result::{Code, Item, Note, Text};
use crate::text::borrowed;

/// One determination of rules.md §3: a stable code, the article it cites, when it applies and why.
/// The article's wording is quoted in the doc comment of the constant that holds the rule.
pub(crate) struct Rule {
    pub code: Code,
    /// Cited with the code in every result (and published as the code's `article`).
    pub article: &'static str,
    /// When the code applies; unknown while a fact it depends on is not given.
    pub when: fn(&Cx<'_>) -> Tri,
    /// How the reason is written from the code's `because` template; `None`: the template as it is.
    pub because: Option<Because>,
}

/// Writes a rule's reason for this case from the code's wording.
pub(crate) type Because = for<'a> fn(&Cx<'a>, &'a CodeText) -> Text<'a>;

/// Every rule, every section: each code of the contract has exactly one.
pub(crate) const SECTIONS: &[&[Rule]] = &[
    scope::RULES,
    high_risk::RULES,
    supervision::RULES,
    documents::RULES,
    obligations::RULES,
    channels::RULES,
];

/// The article a code cites (its rule's).
pub(crate) fn article_of(code: Code) -> Option<&'static str> {
    SECTIONS
        .iter()
        .flat_map(|s| s.iter())
        .find(|r| r.code == code)
        .map(|r| r.article)
}

impl Rule {
    /// A rule whose reason is its code's `because` as written.
    pub(crate) const fn new(code: Code, article: &'static str, when: fn(&Cx<'_>) -> Tri) -> Rule {
        Rule {
            code,
            article,
            when,
            because: None,
        }
    }

    /// A rule for every case in scope (第二条, 第四条, 第五条).
    pub(crate) const fn in_scope(code: Code, article: &'static str) -> Rule {
        Rule::new(code, article, |cx| cx.in_scope())
    }

    /// A rule for all engineering in scope (第二条, 第四条).
    pub(crate) const fn engineering(code: Code, article: &'static str) -> Rule {
        Rule::new(code, article, |cx| cx.eng_in())
    }

    /// A rule for every high-risk case (第三条, 第四条; decided by §3.2 before the sections after it).
    pub(crate) const fn high_risk(code: Code, article: &'static str) -> Rule {
        Rule::new(code, article, |cx| cx.hr)
    }

    /// The code with its article and this case's reason.
    pub(crate) fn item<'a>(&self, cx: &Cx<'a>) -> Item<'a> {
        let ct = cx.rs.code_text(self.code);
        Item {
            code: self.code,
            article: self.article,
            because: match self.because {
                Some(write) => write(cx, ct),
                None => borrowed(ct.because.as_ref().unwrap_or(&EMPTY)),
            },
        }
    }
}

/// Evaluates a section's rules in order and calls `hit` for each that applies; an unknown one records
/// what it still depends on.
pub(crate) fn apply<'e>(cx: &mut Cx<'e>, rules: &[Rule], mut hit: impl FnMut(&Cx<'e>, &Rule)) {
    for r in rules {
        let t = (r.when)(cx);
        if cx.out(t) == Some(true) {
            hit(cx, r);
        }
    }
}

/// A set of scope codes as a bit set. The scope codes are the first ten codes of the contract, declared
/// in the order of §3.1 (as [`scope::RULES`] lists them; a test checks it).
pub(crate) const fn scopes(codes: &[Code]) -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < codes.len() {
        m |= 1 << (codes[i] as u16);
        i += 1;
    }
    m
}

/// The facts of one case with implications applied, what has been decided so far, and the unknowns
/// the result still depends on.
pub(crate) struct Cx<'e> {
    pub e: &'e Engine,
    pub rs: &'e Ruleset,
    pub act: &'e Activity,
    pub odd: bool,
    pub v: [Option<Value>; N_FACTS],
    /// Unknown facts the result depends on (bit set).
    pub need: u64,
    /// §3.1: the scopes still possible, and the unknowns that keep more than one possible.
    pub scope_possible: u16,
    pub scope_unknown: u64,
    /// §3.2: high risk.
    pub hr: Tri,
    /// §3.3: supervision required.
    pub sup_req: Tri,
}

impl<'e> Cx<'e> {
    pub(crate) fn new(
        e: &'e Engine,
        rs: &'e Ruleset,
        act: &'e Activity,
        v: [Option<Value>; N_FACTS],
    ) -> Self {
        Cx {
            e,
            rs,
            act,
            odd: act.kind == Kind::OddJob,
            v,
            need: 0,
            scope_possible: 0,
            scope_unknown: 0,
            hr: U(0),
            sup_req: U(0),
        }
    }

    pub(crate) fn p(&self) -> &'e Params {
        &self.rs.params
    }

    /// A word of the wording data (`codes.json` `words`, parameters filled).
    pub(crate) fn word(&self, k: &str) -> &'e I18n {
        self.rs.texts.words.get(k).unwrap_or(&EMPTY) // checked at load
    }

    /// A note with its text as it is.
    pub(crate) fn note(&self, code: &'static str) -> Note<'e> {
        Note {
            code,
            text: borrowed(self.rs.texts.notes.get(code).unwrap_or(&EMPTY)), // checked at load
        }
    }

    // ── facts ────────────────────────────────────────────────────────────────────────────────────

    pub(crate) fn b(&self, f: Fact) -> Tri {
        match self.v[f as usize] {
            Some(Value::Bool(x)) => Tri::of(x),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    pub(crate) fn num(&self, f: Fact) -> Option<f64> {
        match self.v[f as usize] {
            Some(Value::Num(x)) => Some(x),
            _ => None,
        }
    }
    fn cmp(&self, f: Fact, test: impl FnOnce(f64) -> bool) -> Tri {
        match self.v[f as usize] {
            Some(Value::Num(n)) => Tri::of(test(n)),
            None => U(f.bit()),
            Some(_) => F,
        }
    }
    /// `f ≥ x`; a missing building area (`null`) never reaches a threshold.
    pub(crate) fn ge(&self, f: Fact, x: f64) -> Tri {
        self.cmp(f, |n| n >= x)
    }
    pub(crate) fn gt(&self, f: Fact, x: f64) -> Tri {
        self.cmp(f, |n| n > x)
    }
    pub(crate) fn le(&self, f: Fact, x: f64) -> Tri {
        self.cmp(f, |n| n <= x)
    }
    pub(crate) fn within(&self, f: Fact, lo: f64, hi: f64) -> Tri {
        self.cmp(f, |n| n >= lo && n <= hi)
    }
    pub(crate) fn known(&self, f: Fact) -> Tri {
        if self.v[f as usize].is_some() {
            T
        } else {
            U(f.bit())
        }
    }
    pub(crate) fn code(&self, f: Fact) -> Option<usize> {
        match self.v[f as usize] {
            Some(Value::Code(c)) => Some(c as usize),
            _ => None,
        }
    }
    /// Is the hazard present? Numbers (excavation, scaffold) count when above 0.
    pub(crate) fn hazard(&self, f: Fact) -> Tri {
        if self.rs.numeric & f.bit() != 0 {
            self.gt(f, 0.0)
        } else {
            self.b(f)
        }
    }
    pub(crate) fn any(&self, fs: &[Fact]) -> Tri {
        fs.iter().fold(F, |acc, f| acc.or(self.hazard(*f)))
    }
    pub(crate) fn elevator_is(&self, value: &str) -> Tri {
        match self.code(Fact::elevator_work) {
            Some(i) => Tri::of(self.rs.elevator_values.get(i).map(String::as_str) == Some(value)),
            None => U(Fact::elevator_work.bit()),
        }
    }
    /// Records what an unknown outcome still depends on; `Some(b)` once certain.
    pub(crate) fn out(&mut self, t: Tri) -> Option<bool> {
        match t {
            T => Some(true),
            F => Some(false),
            U(m) => {
                self.need |= m;
                None
            }
        }
    }

    // ── what the case is (used by several sections) ─────────────────────────────────────────────

    /// Is the scope one of `set` (a [`scopes`] bit set)?
    pub(crate) fn scope_in(&self, set: u16) -> Tri {
        if self.scope_possible & !set == 0 {
            T
        } else if self.scope_possible & set == 0 {
            F
        } else {
            U(self.scope_unknown)
        }
    }
    /// In scope: a small project, managed by reference, or an odd job in a public area.
    pub(crate) fn in_scope(&self) -> Tri {
        self.scope_in(
            const {
                scopes(&[
                    Code::SMALL_PROJECT,
                    Code::REFERENCE_MANAGED,
                    Code::SPORADIC_WORK,
                ])
            },
        )
    }
    /// Engineering in scope (第二条, 第四条).
    pub(crate) fn eng_in(&self) -> Tri {
        self.scope_in(const { scopes(&[Code::SMALL_PROJECT, Code::REFERENCE_MANAGED]) })
    }
    /// An odd job in scope (第五条).
    pub(crate) fn odd_in(&self) -> Tri {
        self.scope_in(const { scopes(&[Code::SPORADIC_WORK]) })
    }
    pub(crate) fn is_activity(&self, code: &str) -> Tri {
        Tri::of(self.act.code == code)
    }
    pub(crate) fn has_flag(&self, flag: char) -> Tri {
        Tri::of(self.act.has_flag(flag))
    }
    /// 第二条: below the limit — contract ≤ the limit, or area ≤ the limit (a missing area never is).
    pub(crate) fn below_limit(&self) -> Tri {
        self.contract_within_limit().or(self.area_within_limit())
    }
    pub(crate) fn contract_within_limit(&self) -> Tri {
        self.le(Fact::contract_amount_yuan, self.p().limit_contract_yuan)
    }
    pub(crate) fn area_within_limit(&self) -> Tri {
        self.le(Fact::construction_area_m2, self.p().limit_area_m2)
    }
    /// 第三条第（二）项: structural change, load increase or change of use.
    pub(crate) fn structure_change(&self) -> Tri {
        self.b(Fact::structural_change)
            .or(self.b(Fact::load_increase))
            .or(self.b(Fact::use_change))
    }
    /// 第十条第（七）项: lift work outside the existing-housing guidance case — an alteration, or an
    /// addition that is not to a legal multi-owner unit-type residential building.
    pub(crate) fn lift_outside_guidance(&self) -> Tri {
        self.elevator_is("alter").or(self
            .elevator_is("add")
            .and_then(|| self.b(Fact::elevator_multi_owner_residential).not()))
    }
    /// 第十条第（六）（七）项: design documents and the structural procedure are needed.
    pub(crate) fn structural_procedure(&self) -> Tri {
        self.eng_in().and(
            self.structure_change().or(self
                .is_activity("elevator")
                .and(self.lift_outside_guidance())),
        )
    }
    /// 第四十五条: hot work in a crowded place (★ venue).
    pub(crate) fn hot_work_crowded(&self) -> Tri {
        let crowded = match self.code(Fact::venue) {
            Some(i) => Tri::of(self.rs.file.venues.get(i).is_some_and(|v| v.crowded)),
            None => U(Fact::venue.bit()),
        };
        self.b(Fact::hot_work).and(crowded)
    }
    /// 第十一条第（二）项: a special operation needing an operation certificate.
    pub(crate) fn special_operation(&self) -> Tri {
        self.any(&self.rs.special_by_kind[usize::from(self.odd)])
    }
    /// 第十三条第（七）项: dangerous work needing a written plan.
    pub(crate) fn dangerous_work(&self) -> Tri {
        self.any(&self.rs.dangerous_by_kind[usize::from(self.odd)])
    }

    // ── wording shared by several reasons ───────────────────────────────────────────────────────

    /// The names of the facts of `fs` that hold, as a list in both languages.
    pub(crate) fn fact_list(&self, fs: &[Fact]) -> (String, String) {
        let names = &self.rs.texts.fact_names;
        let sep = self.word("list_separator");
        let mut zh = Vec::new();
        let mut en = Vec::new();
        for f in fs {
            if self.b(*f).is_true() {
                if let Some(n) = names.get(f.key()) {
                    zh.push(n.zh.as_str());
                    en.push(n.en.as_str());
                }
            }
        }
        (zh.join(&sep.zh), en.join(&sep.en))
    }

    /// The lift work answered (addition, alteration…), in both languages.
    pub(crate) fn elevator_work_name(&self) -> (String, String) {
        let spec = self.rs.spec(Fact::elevator_work);
        self.code(Fact::elevator_work)
            .and_then(|i| spec.values.get(i))
            .and_then(|v| spec.value_names.get(v))
            .map(|n| (n.zh.clone(), n.en.clone()))
            .unwrap_or_else(|| (String::new(), "works".to_owned()))
    }
}

pub(crate) static EMPTY: I18n = I18n {
    zh: String::new(),
    en: String::new(),
};

#[cfg(test)]
mod tests {
    use super::SECTIONS;
    use crate::result::Code;

    /// Every code of the contract is decided by exactly one rule, which cites an article.
    #[test]
    fn every_code_has_exactly_one_rule_with_its_article() {
        for c in Code::ALL {
            let rules: Vec<_> = SECTIONS
                .iter()
                .flat_map(|s| s.iter())
                .filter(|r| r.code == *c)
                .collect();
            assert_eq!(rules.len(), 1, "{c:?}");
            assert!(rules[0].article.starts_with('第'), "{c:?}");
        }
    }
}
