//! Idle-time warm-up. The browser compiles WebAssembly functions lazily, on their first call, and runs them
//! as baseline code until they have run for a while; the JS glue is compiled lazily too. Without this, the
//! first answer after a page load (the largest question screen, a checklist) and the first result pay for
//! compiling the engine's, Yew's and the components' code on the user's click.
//!
//! So once the first question is on screen, in idle time, one interview is walked through to its result
//! in a separate Yew app rendered into a detached element that is never attached to the document: the same
//! `Question` and `ResultView` components, the same engine calls. One screen per slice of idle time
//! ([`web::when_quiet`]): a slice starts only with enough of the idle period left, and not while the user
//! is pressing, typing or clicking (the walk waits until they have made no input for [`QUIET_MS`]), so a
//! warm-up step does not start between a press and its click. Detached means no layout, nothing visible,
//! nothing in the accessibility tree, no ids that collide with the real widget's, no focus; the walk uses
//! neither storage nor host events (those live in `App`, which is not used here). Once per page (the
//! compiled code is shared by every widget on it); the app is destroyed at the end (performance mark
//! `anbei:warmed`), and the second module (the views after the result, ui/more.rs) is fetched.
//!
//! Tried and dropped (session 5 measurements): the walk attached (a hidden, closed shadow root in the
//! widget's) and laid out, to warm Blink's glyph and shaping caches too (1–2 ms less per screen for a person
//! who answers after a second, but the extra layout just before an early first click made that click
//! slower); the result first, then the screens in between; the pre-screen's second screen and "Your
//! answers" in the walk (the real result then took ~3 ms longer).

use super::question::Question;
use super::result_view::ResultView;
use super::web;
use crate::i18n::Lang;
use crate::json::Json;
use crate::state::{Action, Mode, State, View};
use anbei_core::Engine;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

thread_local! {
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static HANDLE: RefCell<Option<yew::AppHandle<WarmUp>>> = const { RefCell::new(None) };
}

/// A slice starts only with at least this much of the idle period left (a screen takes 1–15 ms).
const MIN_IDLE_MS: f64 = 10.0;
/// … and only once the user has made no input for this long.
const QUIET_MS: f64 = 100.0;

/// Start the warm-up in idle time (once per page).
pub fn schedule(engine: &'static Engine, lang: Lang) {
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    web::watch_input(true);
    slice(move || {
        // created, never attached
        if let Some(root) = web::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("div").ok())
        {
            let handle =
                yew::Renderer::<WarmUp>::with_root_and_props(root, WarmProps { engine, lang })
                    .render();
            HANDLE.with(|h| *h.borrow_mut() = Some(handle));
        }
    });
}

fn slice(f: impl FnOnce() + 'static) {
    web::when_quiet(MIN_IDLE_MS, QUIET_MS, Box::new(f));
}

fn finish() {
    web::mark("anbei:warmed");
    web::watch_input(false);
    if let Some(h) = HANDLE.with(|h| h.borrow_mut().take()) {
        h.destroy();
    }
    // idle time after the first question: fetch the views after the result (ui/more.rs)
    super::more::preload();
}

#[derive(Properties, Clone)]
struct WarmProps {
    engine: &'static Engine,
    lang: Lang,
}

impl PartialEq for WarmProps {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.engine, o.engine) && self.lang == o.lang
    }
}

/// A representative interview: an engineering job (the longest path: the exclusions, structure and
/// hazards checklists, amounts, choices) that ends high risk (a trigger on the result). Anything else is
/// "no"; should the rule data ever ask something this does not fit, the core rejects it and the walk
/// simply ends after 32 screens.
fn value_for(key: &str) -> Json {
    match key {
        "activity" => Json::Str("nonresidential_decoration".into()),
        "venue" => Json::Str("residential".into()),
        "street" => Json::Str("bantian".into()),
        "contract_amount_yuan" | "investment_yuan" => Json::Num(420_000.0),
        "construction_area_m2" => Json::Num(260.0),
        "excavation_depth_m" => Json::Num(3.2),
        "scaffold_height_m" => Json::Num(0.0),
        "public_area" | "applicant_is_owner" => Json::Bool(true),
        _ => Json::Bool(false),
    }
}

#[function_component(WarmUp)]
fn warm_up(p: &WarmProps) -> Html {
    let (engine, lang) = (p.engine, p.lang);
    let state = use_reducer(move || {
        // starts on the screen after the first question (that one is on the page already)
        let s = Rc::new(State::new(
            engine,
            web::today_shanghai(),
            lang,
            Mode::Full,
            Some("bantian".into()),
        ));
        (*answer(s)).clone()
    });
    let heading = use_node_ref();
    {
        let st = state.clone();
        let on_result = state.view != View::Interview;
        use_effect_with(state.screen_seq, move |_| {
            let step = move || {
                if st.view == View::Interview && st.screen_seq < 32 {
                    st.dispatch(Action::Answer(values(&st)));
                } else {
                    finish();
                }
            };
            if on_result {
                // after the result's second part (rendered once its first frame is painted, as a person's)
                web::after_paint(move || web::soon(move || slice(step)));
            } else {
                // one screen per slice
                slice(step);
            }
        });
    }
    match state.view {
        View::Interview => {
            html! { <Question key={state.screen_seq} state={state.clone()} heading={heading} /> }
        }
        _ => {
            html! { <ResultView state={state.clone()} heading={heading} api={Some("/".to_string())} /> }
        }
    }
}

fn values(s: &State) -> Vec<(String, Json)> {
    s.screen()
        .into_iter()
        .map(|k| (k.to_string(), value_for(k)))
        .collect()
}

fn answer(s: Rc<State>) -> Rc<State> {
    let v = values(&s);
    s.reduce(Action::Answer(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anbei_core::Date;

    #[test]
    fn the_walk_reaches_a_high_risk_result_through_the_checklists() {
        let engine: &'static Engine = Box::leak(Box::new(
            Engine::embedded().unwrap_or_else(|e| panic!("{e}")),
        ));
        let today = Date::parse("2026-05-06").unwrap_or_else(|| panic!("date"));
        let mut s = answer(Rc::new(State::new(
            engine,
            today,
            Lang::Zh,
            Mode::Full,
            None,
        )));
        let mut groups = vec![s.screen_group().unwrap_or_default()];
        while s.view == View::Interview && s.screen_seq < 32 {
            s = answer(s);
            groups.push(s.screen_group().unwrap_or_default());
        }
        assert!(s.errors.is_empty(), "the core rejected an answer");
        assert_eq!(s.view, View::Result, "{groups:?}");
        assert_eq!(s.assessment.high_risk, Some(true));
        for g in ["exclusions", "structure", "hazards"] {
            assert!(groups.iter().any(|x| x == g), "no {g} screen in {groups:?}");
        }
    }
}
