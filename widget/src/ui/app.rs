//! The root component: header, progress, the current view, the answers summary and the footer.

use super::filing_view::FilingView;
use super::question::Question;
use super::result_view::ResultView;
use super::track_view::{KEPT, TrackView};
use super::web;
use crate::i18n::{Lang, fill};
use crate::json::{Json, obj, s as js};
use crate::share;
use crate::state::{Action, Mode, Origin, State, View};
use anbei_core::{Engine, Fact};
use std::rc::Rc;
use yew::prelude::*;

/// The engine, compared by address: one per page (comparing rule sets would be slow).
#[derive(Clone, Copy)]
pub struct EngineRef(pub &'static Engine);

impl PartialEq for EngineRef {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.0, o.0)
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct Props {
    pub engine: EngineRef,
    pub host: web_sys::HtmlElement,
    pub api: Option<String>,
    pub lang: Lang,
    pub street: Option<String>,
    pub mode: Mode,
    pub storage_key: String,
}

/// Saved in localStorage under the widget's key.
fn saved_json(s: &State) -> String {
    let view = match s.view {
        View::Interview => "interview",
        View::Result => "result",
        View::Filing => "filing",
        View::Track => "track",
    };
    let answers: Vec<Json> = s
        .ordered_answers()
        .into_iter()
        .map(|(k, v)| Json::Arr(vec![Json::Str(k), v]))
        .collect();
    obj(vec![
        ("v", Json::Num(1.0)),
        ("lang", js(s.lang.tag())),
        ("view", js(view)),
        ("answers", Json::Arr(answers)),
    ])
    .text()
}

/// Saved answers, the view and the language.
type Saved = (Vec<(String, Json)>, View, Option<Lang>);

fn parse_saved(text: &str) -> Option<Saved> {
    let v = web::parse_json(text)?;
    if v.get("v")?.as_f64() != Some(1.0) {
        return None;
    }
    let Json::Arr(list) = v.get("answers")? else {
        return None;
    };
    let answers = list
        .iter()
        .filter_map(|p| match p {
            Json::Arr(kv) if kv.len() >= 2 => Some((kv[0].as_str()?.to_string(), kv[1].clone())),
            _ => None,
        })
        .collect();
    let view = match v.get("view").and_then(Json::as_str) {
        Some("result") => View::Result,
        Some("filing") => View::Filing,
        Some("track") => View::Track,
        _ => View::Interview,
    };
    Some((
        answers,
        view,
        v.get("lang").and_then(Json::as_str).map(Lang::from_tag),
    ))
}

/// The first state: a shared link wins over saved answers, which win over a fresh start.
fn initial(p: &Props) -> State {
    let mut s = State::new(
        p.engine.0,
        web::today_shanghai(),
        p.lang,
        p.mode,
        p.street.clone(),
    );
    let hash = web::location_hash();
    let (load, origin) = match share::decode(&hash) {
        // a link is for the kind of widget that made it: a pre-screen link opens in the pre-screen
        Ok(shared) if shared.odd_job_mode == (p.mode == Mode::OddJob) => (
            Some((shared.answers, View::Interview, None)),
            Origin::Shared,
        ),
        Ok(_) => (
            web::load(&p.storage_key).and_then(|t| parse_saved(&t)),
            Origin::Resumed,
        ),
        Err(share::ShareError::NotAShareLink) => (
            web::load(&p.storage_key).and_then(|t| parse_saved(&t)),
            Origin::Resumed,
        ),
        Err(_) => {
            s.origin = Origin::SharedBad;
            (None, Origin::SharedBad)
        }
    };
    if let Some((answers, view, lang)) = load {
        if !answers.is_empty() {
            if let Some(l) = lang {
                s.lang = l;
            }
            let s2 = Rc::new(s).reduce(Action::Load {
                answers,
                view,
                origin,
            });
            return (*s2).clone();
        }
    }
    s
}

#[function_component(App)]
pub fn app(p: &Props) -> Html {
    let props = p.clone();
    let state = use_reducer(move || initial(&props));
    let s: &State = &state;
    let lang = s.lang;
    let c = lang.cat();
    let heading = use_node_ref();
    let answers_open = use_state(|| false);
    let first_render = use_mut_ref(|| true);
    // The filing form and the track view are in the second module (ui/more.rs): until it is here, a line
    // saying so stands in for them; `more_failed`: its last fetch failed.
    let waiting = matches!(s.view, View::Filing | View::Track) && !super::more::ready();
    let more_failed = use_state(|| false);
    {
        let failed = more_failed.clone();
        use_effect_with(waiting, move |&waiting| {
            if waiting {
                super::more::load(move |ok| failed.set(!ok));
            }
        });
    }

    // persist; drop a loaded share fragment from the address bar
    {
        let key = p.storage_key.clone();
        let saved = saved_json(s);
        let origin = s.origin;
        use_effect_with(saved.clone(), move |_| {
            web::save(&key, &saved);
            if origin == Origin::Shared {
                web::clear_hash();
            }
        });
    }
    // move focus to each new screen (not on first load: the host page owns focus then)
    {
        let heading = heading.clone();
        let first = first_render.clone();
        // …except a shared link, which lands on the widget that restores it: scrolled to and focused
        let shared = (s.origin == Origin::Shared).then(|| p.host.clone());
        // (again once the view the second module was awaited for is shown)
        use_effect_with((s.screen_seq, s.view, waiting), move |_| {
            if *first.borrow() {
                *first.borrow_mut() = false;
                if let (Some(host), Some(el)) = (shared, heading.cast::<web_sys::HtmlElement>()) {
                    web::scroll_to(&host);
                    web::focus(&el);
                }
            } else if let Some(el) = heading.cast::<web_sys::HtmlElement>() {
                web::focus(&el);
            }
        });
    }
    // once the first screen is up: compile and warm the code of the screens to come, in idle time, in a
    // detached element (ui/warm.rs)
    {
        let (engine, lang) = (p.engine.0, lang);
        use_effect_with((), move |_| super::warm::schedule(engine, lang));
    }
    // tell the host page about a result (portal analytics), once per decided set of answers
    {
        let host = p.host.clone();
        let decided = s.view == View::Result && s.is_decided();
        let detail = decided.then(|| {
            let a = &s.assessment;
            let opt = |x: Option<&str>| x.map_or(Json::Null, js);
            let codes = |it: &mut dyn Iterator<Item = anbei_core::Code>| {
                Json::Arr(it.map(|c| js(c.as_str())).collect())
            };
            obj(vec![
                ("scope", opt(a.scope.map(|c| c.as_str()))),
                ("high_risk", a.high_risk.map_or(Json::Null, Json::Bool)),
                (
                    "triggers",
                    codes(&mut a.high_risk_triggers.iter().map(|t| t.code)),
                ),
                ("documents", codes(&mut a.documents.iter().map(|d| d.code))),
                ("channels", codes(&mut a.channels.iter().copied())),
                ("street_office", opt(a.street_office)),
                (
                    "ruleset",
                    obj(vec![
                        ("id", js(a.ruleset.id)),
                        ("version", js(a.ruleset.version)),
                    ]),
                ),
                ("facts", s.facts_json()),
            ])
        });
        let sig = detail.as_ref().map(Json::text).unwrap_or_default();
        use_effect_with(sig, move |_| {
            if let Some(d) = detail {
                web::emit(&host, "anbei:result", &d);
            }
        });
    }
    let dispatch = state.dispatcher();
    let set_lang = {
        let d = dispatch.clone();
        let other = lang.next();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::SetLang(other)))
    };
    let restart = {
        let d = dispatch.clone();
        let key = p.storage_key.clone();
        let msg = c.start_again_confirm;
        Callback::from(move |_: MouseEvent| {
            if web::confirm(msg) {
                web::remove(&key);
                web::remove(&format!("{key}.filing"));
                web::remove(KEPT);
                d.dispatch(Action::Restart);
            }
        })
    };

    let (answered, _, pct) = s.progress();
    let status = match s.origin {
        Origin::Resumed if !s.answers.is_empty() => c.resumed,
        Origin::Shared => c.shared_loaded,
        Origin::SharedBad => c.share_bad,
        _ => "",
    };
    let announce = if s.view == View::Result && s.is_decided() {
        fill(
            c.result_announce,
            &[(
                "scope",
                &crate::summary::scope_sentence(s.engine, &s.assessment, lang),
            )],
        )
    } else {
        String::new()
    };
    let title = match s.mode {
        Mode::OddJob => c.odd_job_mode,
        Mode::Track => c.track_title,
        Mode::Full => c.widget_title,
    };
    let open_track = (s.view != View::Track).then(|| {
        let d = dispatch.clone();
        html! { <button type="button" class="aw-link aw-track-link" onclick={Callback::from(move |_: MouseEvent| d.dispatch(Action::Track(None)))}>{ c.track_title }</button> }
    });
    let body = match s.view {
        View::Filing | View::Track if waiting => {
            let retry = (*more_failed).then(|| {
                let failed = more_failed.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    failed.set(false);
                    let failed = failed.clone();
                    super::more::load(move |ok| failed.set(!ok));
                });
                html! { <button type="button" class="aw-btn aw-secondary" {onclick}>{ c.more_retry }</button> }
            });
            html! {
                <div class="aw-more">
                    <p role="status">{ if *more_failed { c.more_failed } else { c.more_loading } }</p>
                    { for retry }
                </div>
            }
        }
        View::Interview => html! {
            <Question key={s.screen_seq} state={state.clone()} heading={heading.clone()} />
        },
        View::Result => html! {
            <ResultView state={state.clone()} heading={heading.clone()} api={p.api.clone()} />
        },
        View::Filing => html! {
            <FilingView state={state.clone()} heading={heading.clone()} api={p.api.clone()}
                host={p.host.clone()} storage_key={format!("{}.filing", p.storage_key)} />
        },
        View::Track => html! {
            <TrackView state={state.clone()} heading={heading.clone()} api={p.api.clone()}
                storage_key={p.storage_key.clone()} />
        },
    };
    html! {
        <div class="aw" lang={lang.tag()} data-seq={s.screen_seq.to_string()} data-view={match s.view { View::Interview => "interview", View::Result => "result", View::Filing => "filing", View::Track => "track" }}>
            <header class="aw-head">
                <p class="aw-title">{ title }</p>
                <button type="button" class="aw-link aw-lang" lang={lang.next().tag()}
                    onclick={set_lang}>{ lang.next().cat().lang_name }</button>
            </header>
            if s.view == View::Interview {
                <div class="aw-progress">
                    <progress max="100" value={pct.to_string()} aria-label={c.progress}></progress>
                    <span class="aw-progress-text">{ fill(c.answered_count, &[("n", &answered.to_string())]) }</span>
                </div>
            }
            <p class="aw-status" role="status">{ status }</p>
            // one live region that exists before the result does, so the result is announced
            <p class="aw-visually-hidden" aria-live="polite">{ announce }</p>
            if s.view == View::Interview {
                // Text in the faces only the result uses (bold CJK, monospace codes), laid out while the
                // questions are on screen: the first result then does not pay for setting them up
                // (~9 ms of its layout in a trace).
                <p class="aw-visually-hidden" aria-hidden="true"><strong>{ "登记范围高风险" }</strong><code class="aw-code">{ "HR_LIFTING" }</code></p>
            }
            { body }
            if s.view != View::Track { { answer_list(&state, &answers_open) } }
            <footer class="aw-foot">
                { for open_track }
                if s.mode != Mode::Track { <button type="button" class="aw-link aw-restart" onclick={restart}>{ c.start_again }</button> }
                if s.view != View::Track { <p class="aw-small">{ c.offline_note }</p> }
            </footer>
        </div>
    }
}

/// "Your answers": every answer with a Change button (a plain function: one component type less).
fn answer_list(state: &UseReducerHandle<State>, open: &UseStateHandle<bool>) -> Html {
    let s: &State = state;
    let lang = s.lang;
    let c = lang.cat();
    let answers = s.ordered_answers();
    if answers.is_empty() {
        return html! {};
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(
                e.target_unchecked_into::<web_sys::HtmlDetailsElement>()
                    .open(),
            )
        })
    };
    let summary = html! {
        <summary>{ c.your_answers }{" · "}{ fill(c.answered_count, &[("n", &answers.len().to_string())]) }</summary>
    };
    if !**open {
        // rows are only built while the list is open: answering stays fast with many answers
        return html! { <details class="aw-answers" {ontoggle}>{ summary }</details> };
    }
    let rs = s.engine.ruleset_for(s.today);
    let rows = answers.iter().map(|(k, v)| {
        let Some(f) = Fact::from_key(k) else { return html! {} };
        let spec = rs.spec(f);
        let q = lang.pick(&spec.question.zh, &spec.question.en).to_string();
        let shown = super::question::answer_text(s, k, v);
        let d = state.dispatcher();
        let key = k.clone();
        let onclick = Callback::from(move |_: MouseEvent| d.dispatch(Action::Change(key.clone())));
        html! {
            <li class="aw-ans">
                <span class="aw-ans-q">{ q }</span>
                <span class="aw-ans-v">{ shown }</span>
                <button type="button" class="aw-link" onclick={onclick}
                    aria-label={format!("{}：{}", c.change_answer, lang.pick(&spec.question.zh, &spec.question.en))}>{ c.change }</button>
            </li>
        }
    });
    html! {
        <details class="aw-answers" open=true {ontoggle}>
            { summary }
            <ul>{ for rows }</ul>
        </details>
    }
}
