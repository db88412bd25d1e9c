//! The interview as a reducer: answers, the path of screens answered, drafts (answers kept for prefill
//! after Back / Change / a shared link) and the view. No DOM code: unit-tested natively.
//!
//! The next screen always comes from the core's `missing_facts`: its first fact, plus the facts right
//! after it that share its `group` (one screen). The path of answered screens is the only source of
//! facts, so a changed answer never leaves a stale, irrelevant fact behind: later answers become drafts
//! and are re-applied screen by screen only while the engine still asks for exactly them.

use crate::i18n::Lang;
use crate::json::{Json, StrMap};
use anbei_core::facts::Raw;
use anbei_core::{Assessment, Date, Engine, Fact, FieldError, RawFacts};
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Full,
    /// Property managers' pre-screen: odd-job activities only.
    OddJob,
    /// A portal's "track an application" page: opens on the track view (`mode="track"`).
    Track,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Interview,
    Result,
    Filing,
    /// "查询办理进度": a filing's state by its number and access code.
    Track,
}

/// How the current state came about, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Fresh,
    Resumed,
    Shared,
    SharedBad,
}

#[derive(Clone, Debug)]
pub struct State {
    pub engine: &'static Engine,
    pub today: Date,
    pub lang: Lang,
    pub mode: Mode,
    pub view: View,
    pub origin: Origin,
    /// Answered facts.
    pub answers: StrMap<Json>,
    /// Screens answered, in order: the fact keys asked on each.
    pub steps: Vec<Vec<String>>,
    /// Earlier answers kept for prefill (and replay after "change answer").
    pub drafts: StrMap<Json>,
    /// Street preselected by the host page (`street` attribute).
    pub default_street: Option<String>,
    /// Facts rejected by the core on the last answer (shown next to the question).
    pub errors: Vec<FieldError>,
    pub assessment: Assessment<'static>,
    /// Bumped whenever a new screen is shown, so the UI moves focus to it.
    pub screen_seq: u32,
    /// After "change answer": re-apply drafts after each answer while the engine asks for them.
    pub replaying: bool,
    /// The filing number and access code the track view opens with (just filed, or kept on this
    /// device by choice). Never saved with the answers.
    pub track: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The answers of the current screen.
    Answer(Vec<(String, Json)>),
    Back,
    /// Re-open the screen that asked this fact; later answers are re-applied if still asked.
    Change(String),
    Restart,
    SetLang(Lang),
    /// Answers from storage or a shared link, replayed from the first question.
    Load {
        answers: Vec<(String, Json)>,
        view: View,
        origin: Origin,
    },
    Show(View),
    /// Open the track view, with a filing number and access code to look up.
    Track(Option<(String, String)>),
}

impl PartialEq for State {
    /// Everything else is derived from these (the engine and the date are fixed for a widget).
    fn eq(&self, o: &State) -> bool {
        self.lang == o.lang
            && self.mode == o.mode
            && self.view == o.view
            && self.origin == o.origin
            && self.answers == o.answers
            && self.steps == o.steps
            && self.drafts == o.drafts
            && self.errors == o.errors
            && self.screen_seq == o.screen_seq
            && self.replaying == o.replaying
    }
}

fn raw(v: &Json) -> Raw {
    match v {
        Json::Null => Raw::Null,
        Json::Bool(b) => Raw::Bool(*b),
        Json::Num(n) => Raw::Num(*n),
        Json::Str(s) => Raw::Str(s.clone()),
        Json::Arr(_) => Raw::Array,
        Json::Obj(_) => Raw::Object,
    }
}

impl State {
    pub fn new(
        engine: &'static Engine,
        today: Date,
        lang: Lang,
        mode: Mode,
        default_street: Option<String>,
    ) -> State {
        let mut s = State {
            engine,
            today,
            lang,
            mode,
            view: View::Interview,
            origin: Origin::Fresh,
            answers: StrMap::new(),
            steps: Vec::new(),
            drafts: StrMap::new(),
            default_street,
            errors: Vec::new(),
            assessment: engine.assess(&empty_facts(engine, today)),
            screen_seq: 0,
            replaying: false,
            track: None,
        };
        if mode == Mode::Track {
            s.view = View::Track;
        }
        s.reassess();
        s
    }

    /// The facts object (rules.md §1) of the answers, in interview order.
    pub fn facts_json(&self) -> Json {
        Json::Obj(self.ordered_answers())
    }

    /// Answers in the order they were asked.
    pub fn ordered_answers(&self) -> Vec<(String, Json)> {
        self.steps
            .iter()
            .flatten()
            .filter_map(|k| self.answers.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    /// Assess the answers; facts the core rejects are dropped (and re-asked) and reported in `errors`.
    fn reassess(&mut self) {
        self.errors.clear();
        for _ in 0..4 {
            let raw = RawFacts::Object(
                self.ordered_answers()
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), raw(v)))
                    .collect(),
            );
            match self.engine.parse_facts(raw, self.today) {
                Ok(f) => {
                    self.assessment = self.engine.assess(&f);
                    return;
                }
                Err(e) => {
                    for fe in &e.fields {
                        self.answers.remove(&fe.field);
                        for step in &mut self.steps {
                            step.retain(|k| k != &fe.field);
                        }
                    }
                    self.steps.retain(|s| !s.is_empty());
                    self.errors.extend(e.fields);
                }
            }
        }
        self.assessment = self.engine.assess(&empty_facts(self.engine, self.today));
    }

    /// The facts asked on the current screen (empty when the result is decided).
    pub fn screen(&self) -> Vec<&'static str> {
        let missing = &self.assessment.missing_facts;
        let Some(first) = missing.first() else {
            return Vec::new();
        };
        let group =
            |k: &str| Fact::from_key(k).map(|f| self.engine.fact_group(self.today, f).to_string());
        let g = group(first);
        missing
            .iter()
            .copied()
            .take_while(|k| group(k) == g)
            .collect()
    }

    /// The group of the current screen (`hazards`, `exclusions`, …).
    pub fn screen_group(&self) -> Option<String> {
        let first = self.assessment.missing_facts.first()?;
        Fact::from_key(first).map(|f| self.engine.fact_group(self.today, f).to_string())
    }

    /// Answered / (answered + still missing), in whole percent.
    pub fn progress(&self) -> (usize, usize, u32) {
        let answered = self.steps.iter().map(Vec::len).sum::<usize>();
        let missing = self.assessment.missing_facts.len();
        let pct = (answered * 100)
            .checked_div(answered + missing)
            .map_or(100, |p| p as u32);
        (answered, missing, pct)
    }

    pub fn is_decided(&self) -> bool {
        self.assessment.missing_facts.is_empty()
    }

    /// A prefill value for a fact on the current screen.
    pub fn prefill(&self, key: &str) -> Option<Json> {
        self.drafts
            .get(key)
            .or_else(|| self.answers.get(key))
            .cloned()
            .or_else(|| {
                if key == "street" {
                    self.default_street.clone().map(Json::Str)
                } else {
                    None
                }
            })
    }

    fn apply(&mut self, values: Vec<(String, Json)>) {
        let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
        for (k, v) in values {
            self.drafts.remove(&k);
            self.answers.insert(k, v);
        }
        // a re-answered fact leaves any older step it was on
        for step in &mut self.steps {
            step.retain(|k| !keys.contains(k));
        }
        self.steps.retain(|s| !s.is_empty());
        self.steps.push(keys);
        self.reassess();
    }

    /// Re-apply drafts while the next screen asks exactly facts that have drafts.
    fn replay(&mut self) {
        for _ in 0..64 {
            let screen = self.screen();
            if screen.is_empty() || !screen.iter().all(|k| self.drafts.contains_key(k)) {
                break;
            }
            let values: Vec<(String, Json)> = screen
                .iter()
                .filter_map(|k| self.drafts.get(k).map(|v| ((*k).to_string(), v.clone())))
                .collect();
            self.apply(values);
            if !self.errors.is_empty() {
                break;
            }
        }
    }

    /// Move the answers of steps `from..` into drafts.
    fn unwind_to(&mut self, from: usize) {
        for step in self.steps.drain(from..) {
            for k in step {
                if let Some(v) = self.answers.remove(&k) {
                    self.drafts.insert(k, v);
                }
            }
        }
        self.reassess();
    }

    fn settle_view(&mut self) {
        self.view = if self.view == View::Track {
            View::Track
        } else if self.is_decided() {
            if self.view == View::Filing {
                View::Filing
            } else {
                View::Result
            }
        } else {
            View::Interview
        };
        self.screen_seq = self.screen_seq.wrapping_add(1);
    }
}

fn empty_facts(engine: &Engine, today: Date) -> anbei_core::Facts {
    // An empty object always parses (no JSON parser as a fallback: it would bring serde_json's into the bundle).
    engine
        .parse_facts(RawFacts::Object(Vec::new()), today)
        .unwrap_or_else(|_| unreachable_facts(engine, today))
}

#[allow(clippy::panic)]
fn unreachable_facts(_engine: &Engine, _today: Date) -> anbei_core::Facts {
    panic!("the core rejects an empty facts object")
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Answer(values) => {
                s.apply(values);
                if s.replaying && s.errors.is_empty() {
                    s.replay();
                }
                if s.view == View::Filing && !s.is_decided() {
                    s.view = View::Interview;
                }
                s.settle_view();
            }
            Action::Back => {
                if s.view == View::Filing {
                    s.view = View::Result;
                } else if !s.steps.is_empty() {
                    s.replaying = false;
                    let last = s.steps.len() - 1;
                    s.unwind_to(last);
                    s.view = View::Interview;
                }
                s.errors.clear();
                s.screen_seq = s.screen_seq.wrapping_add(1);
            }
            Action::Change(key) => {
                if let Some(i) = s.steps.iter().position(|st| st.contains(&key)) {
                    s.unwind_to(i);
                    s.replaying = true;
                    s.view = View::Interview;
                    s.screen_seq = s.screen_seq.wrapping_add(1);
                }
            }
            Action::Restart => {
                let fresh = State::new(s.engine, s.today, s.lang, s.mode, s.default_street.clone());
                return Rc::new(State {
                    screen_seq: s.screen_seq.wrapping_add(1),
                    ..fresh
                });
            }
            Action::SetLang(l) => s.lang = l,
            Action::Load {
                answers,
                view,
                origin,
            } => {
                let mut fresh =
                    State::new(s.engine, s.today, s.lang, s.mode, s.default_street.clone());
                fresh.drafts = answers.into_iter().collect();
                fresh.replay();
                fresh.origin = origin;
                fresh.view = view;
                fresh.screen_seq = s.screen_seq;
                fresh.settle_view();
                return Rc::new(fresh);
            }
            Action::Track(prefill) => {
                s.view = View::Track;
                if prefill.is_some() {
                    s.track = prefill;
                }
                s.screen_seq = s.screen_seq.wrapping_add(1);
            }
            Action::Show(v) => {
                s.view = if s.is_decided() || v == View::Track {
                    v
                } else {
                    View::Interview
                };
                s.screen_seq = s.screen_seq.wrapping_add(1);
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::s as js;

    fn n(x: f64) -> Json {
        Json::Num(x)
    }

    fn engine() -> &'static Engine {
        Box::leak(Box::new(
            Engine::embedded().unwrap_or_else(|e| panic!("{e}")),
        ))
    }

    fn start() -> Rc<State> {
        let today = Date::parse("2026-05-06").unwrap_or_else(|| panic!("date"));
        Rc::new(State::new(
            engine(),
            today,
            Lang::Zh,
            Mode::Full,
            Some("bantian".into()),
        ))
    }

    /// Answer every question on the current screen from `table` (default: false / 0 / first value).
    fn answer_screen(s: Rc<State>, table: &[(&str, Json)]) -> Rc<State> {
        let screen = s.screen();
        assert!(!screen.is_empty(), "no question to answer");
        let vals = screen
            .iter()
            .map(|k| {
                let v = table
                    .iter()
                    .find(|(t, _)| t == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| match *k {
                        "excavation_depth_m" | "scaffold_height_m" => n(0.0),
                        "venue" => js("office"),
                        "street" => js("bantian"),
                        "investment_yuan" => n(500_000.0),
                        "public_area" => Json::Bool(true),
                        _ => Json::Bool(false),
                    });
                ((*k).to_string(), v)
            })
            .collect();
        s.reduce(Action::Answer(vals))
    }

    /// Non-residential decoration for ¥420,000 on 260 m², then `more`.
    fn decoration(more: &[(&'static str, Json)]) -> Vec<(&'static str, Json)> {
        let mut t = vec![
            ("activity", js("nonresidential_decoration")),
            ("contract_amount_yuan", n(420000.0)),
            ("construction_area_m2", n(260.0)),
        ];
        t.extend_from_slice(more);
        t
    }

    fn run(table: &[(&str, Json)]) -> Rc<State> {
        let mut s = start();
        for _ in 0..40 {
            if s.is_decided() {
                return s;
            }
            s = answer_screen(s, table);
        }
        panic!("interview did not end");
    }

    #[test]
    fn first_question_is_the_activity_and_progress_starts_at_zero() {
        let s = start();
        assert_eq!(s.screen(), vec!["activity"]);
        assert_eq!(s.progress().0, 0);
        assert_eq!(s.view, View::Interview);
    }

    #[test]
    fn hazards_are_one_screen() {
        let mut s = start();
        let table = decoration(&[]);
        for _ in 0..10 {
            if s.screen_group().as_deref() == Some("hazards") {
                break;
            }
            s = answer_screen(s, &table);
        }
        let screen = s.screen();
        assert!(screen.len() >= 10, "hazards screen: {screen:?}");
        assert!(screen.contains(&"hot_work") && screen.contains(&"excavation_depth_m"));
    }

    #[test]
    fn high_risk_deep_excavation_ends_on_the_result_with_the_trigger() {
        let s = run(&decoration(&[
            ("excavation_depth_m", n(3.2)),
            ("investment_yuan", n(500000.0)),
            ("applicant_is_owner", Json::Bool(true)),
        ]));
        assert_eq!(s.view, View::Result);
        assert_eq!(s.assessment.high_risk, Some(true));
        assert!(
            s.assessment
                .high_risk_triggers
                .iter()
                .any(|t| t.code.as_str() == "HR_DEEP_EXCAVATION")
        );
        assert_eq!(s.progress().2, 100);
    }

    #[test]
    fn odd_job_is_a_few_screens() {
        let mut s = start();
        let table = [("activity", js("odd_facade")), ("venue", js("residential"))];
        let mut screens = 0;
        while !s.is_decided() {
            s = answer_screen(s, &table);
            screens += 1;
            assert!(screens < 10);
        }
        assert!(screens <= 6, "odd job took {screens} screens");
        assert_eq!(
            s.assessment.scope.map(|c| c.as_str()),
            Some("SPORADIC_WORK")
        );
    }

    #[test]
    fn back_reopens_the_last_screen_with_its_answers_prefilled() {
        let s = answer_screen(start(), &[("activity", js("odd_equipment"))]);
        let second = s.screen();
        let s = s.reduce(Action::Back);
        assert_eq!(s.screen(), vec!["activity"]);
        assert_eq!(s.prefill("activity"), Some(js("odd_equipment")));
        let s = answer_screen(s, &[("activity", js("odd_equipment"))]);
        assert_eq!(s.screen(), second);
    }

    #[test]
    fn changing_an_answer_replays_the_rest_and_drops_irrelevant_ones() {
        let eng = run(&decoration(&[]));
        assert!(eng.answers.contains_key("contract_amount_yuan"));
        // change the activity to an odd job: engineering-only facts must go, shared ones are re-applied
        let s = eng.reduce(Action::Change("activity".into()));
        assert_eq!(s.screen(), vec!["activity"]);
        let s = s.reduce(Action::Answer(vec![("activity".into(), js("odd_signage"))]));
        assert!(!s.answers.contains_key("contract_amount_yuan"));
        assert!(s.is_decided(), "still asks {:?}", s.screen());
        assert_eq!(s.view, View::Result);
        // changing a late answer to the same value returns straight to the result
        let s2 = s.reduce(Action::Change("street".into()));
        assert_eq!(s2.screen(), vec!["street"]);
        let s2 = s2.reduce(Action::Answer(vec![("street".into(), js("buji"))]));
        assert_eq!(s2.view, View::Result);
        assert_eq!(s2.answers.get("street"), Some(&js("buji")));
    }

    #[test]
    fn no_area_is_dropped_and_reasked_when_the_activity_does_not_allow_it() {
        let s = run(&[
            ("activity", js("landscaping_works")),
            ("contract_amount_yuan", n(1_200_000.0)),
            ("construction_area_m2", Json::Null),
        ]);
        assert_eq!(
            s.assessment.scope.map(|c| c.as_str()),
            Some("REFERENCE_MANAGED")
        );
        let s = s.reduce(Action::Change("activity".into()));
        let s = s.reduce(Action::Answer(vec![(
            "activity".into(),
            js("residential_decoration"),
        )]));
        // the null area is not valid for a home fit-out: the area question comes back
        assert!(
            s.screen().contains(&"construction_area_m2"),
            "{:?}",
            s.screen()
        );
    }

    #[test]
    fn load_replays_saved_answers_and_restart_wipes_them() {
        let done = run(&[("activity", js("odd_equipment"))]);
        let saved = done.ordered_answers();
        let s = start().reduce(Action::Load {
            answers: saved.clone(),
            view: View::Result,
            origin: Origin::Resumed,
        });
        assert!(s.is_decided());
        assert_eq!(s.view, View::Result);
        assert_eq!(s.ordered_answers(), saved);
        let partial: Vec<_> = saved.into_iter().take(3).collect();
        let s = start().reduce(Action::Load {
            answers: partial,
            view: View::Interview,
            origin: Origin::Shared,
        });
        assert!(!s.is_decided());
        assert_eq!(s.origin, Origin::Shared);
        let s = s.reduce(Action::Restart);
        assert!(s.answers.is_empty() && s.drafts.is_empty());
    }
}
