//! One screen of the interview: the facts the core still needs that share a group.
//! Single yes/no and single choices answer with one tap; groups of hazards are one "which of these
//! apply" checklist with the core's plain-language explanations; numbers come with their unit.

use super::web;
use crate::i18n::{Lang, fill, fmt_num, fmt_quantity};
use crate::json::{Json, StrMap};
use crate::state::{Action, Mode, State};
use anbei_core::Fact;
use anbei_core::model::{FactSpec, Kind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    pub heading: NodeRef,
}

const CHECKLIST_GROUPS: &[&str] = &["hazards", "structure", "exclusions"];

fn spec(s: &State, key: &str) -> Option<&'static FactSpec> {
    let f = Fact::from_key(key)?;
    Some(s.engine.ruleset_for(s.today).spec(f))
}

fn q(lang: Lang, sp: &FactSpec) -> String {
    lang.pick(&sp.question.zh, &sp.question.en).to_string()
}

fn help(lang: Lang, sp: &FactSpec) -> String {
    lang.pick(&sp.help.zh, &sp.help.en).to_string()
}

/// A short label for a checklist item: the core's fact name, else the question.
fn item_label(
    s: &State,
    names: &anbei_core::model::SortedMap<anbei_core::model::I18n>,
    key: &str,
    sp: &FactSpec,
) -> String {
    match names.get(key) {
        Some(n) => {
            let t = s.lang.pick(&n.zh, &n.en);
            let mut c = t.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        }
        None => q(s.lang, sp),
    }
}

/// An answer as shown in "Your answers".
pub fn answer_text(s: &State, key: &str, v: &Json) -> String {
    let lang = s.lang;
    let c = lang.cat();
    let rs = s.engine.ruleset_for(s.today);
    match v {
        Json::Bool(true) => c.yes.into(),
        Json::Bool(false) => c.no.into(),
        Json::Null => c.no_building_area.into(),
        Json::Num(x) => {
            let unit = spec(s, key)
                .and_then(|sp| sp.unit.clone())
                .unwrap_or_default();
            fmt_quantity(lang, *x, &unit)
        }
        Json::Str(code) => {
            let (acts, venues, streets) =
                (&rs.file.activities, &rs.file.venues, s.engine.streets());
            let name = match key {
                "activity" => acts.iter().find(|a| a.code == *code).map(|a| &a.name),
                "venue" => venues.iter().find(|a| a.code == *code).map(|a| &a.name),
                "street" => streets.iter().find(|a| a.code == *code).map(|a| &a.name),
                _ => spec(s, key).and_then(|sp| sp.value_names.get(code)),
            };
            name.map_or_else(|| code.clone(), |n| lang.pick(&n.zh, &n.en).to_string())
        }
        _ => String::new(),
    }
}

/// "420000", "42万", "1,200,000" → 420000: the core's amount reader, the same the batch pre-screen uses.
pub use anbei_core::input::parse_amount as parse_number;

#[derive(Clone, Default, PartialEq)]
struct Local {
    values: StrMap<Json>,
    texts: StrMap<String>,
    errors: StrMap<String>,
    search: String,
    /// hazards with a number: "has an excavation" ticked
    ticked: StrMap<bool>,
}

fn implied_by(
    hz: Option<&anbei_core::model::HazardLists>,
    key: &str,
    values: &StrMap<Json>,
) -> bool {
    hz.is_some_and(|h| {
        h.implications
            .iter()
            .any(|i| i.then == key && values.get(&i.if_) == Some(&Json::Bool(true)))
    })
}

#[function_component(Question)]
pub fn question(p: &Props) -> Html {
    let s: &State = &p.state;
    let lang = s.lang;
    let c = lang.cat();
    let screen = s.screen();
    let group = s.screen_group().unwrap_or_default();
    let local = {
        let keys = screen.clone();
        let st = p.state.clone();
        use_state(move || {
            let mut l = Local::default();
            for k in keys {
                if let Some(v) = st.prefill(k) {
                    if let Some(x) = v.as_f64() {
                        l.texts.insert(k.to_string(), fmt_num(x).replace(',', ""));
                        l.ticked.insert(k.to_string(), x > 0.0);
                    }
                    l.values.insert(k.to_string(), v);
                }
            }
            l
        })
    };
    let dispatch = p.state.dispatcher();
    let back = (!s.steps.is_empty()).then(|| {
        let d = dispatch.clone();
        html! { <button type="button" class="aw-btn aw-secondary" onclick={Callback::from(move |_: MouseEvent| d.dispatch(Action::Back))}>{ "← " }{ c.back }</button> }
    });
    let core_errors: Vec<String> = s
        .errors
        .iter()
        .map(|e| lang.pick(&e.message.zh, &e.message.en).to_string())
        .collect();
    let core_err_html = (!core_errors.is_empty()).then(|| html! {
        <div class="aw-error" role="alert">{ for core_errors.iter().map(|e| html!{ <p>{ e.clone() }</p> }) }</div>
    });

    if screen.is_empty() {
        return html! {};
    }
    let checklist = screen.len() > 1 && CHECKLIST_GROUPS.contains(&group.as_str());

    // one tap answers: a single yes/no or a single choice
    if screen.len() == 1 {
        let key = screen[0];
        let Some(sp) = spec(s, key) else {
            return html! {};
        };
        let answer = |v: Json| {
            let d = dispatch.clone();
            let k = key.to_string();
            Callback::from(move |_: MouseEvent| {
                d.dispatch(Action::Answer(vec![(k.clone(), v.clone())]))
            })
        };
        let current = s.prefill(key);
        let pressed = |v: &Json| {
            if current.as_ref() == Some(v) {
                "true"
            } else {
                "false"
            }
        };
        let head = html! {
            <>
                <h2 class="aw-q" tabindex="-1" ref={p.heading.clone()} id="aw-q">{ q(lang, sp) }</h2>
                <p class="aw-help" id="aw-help">{ help(lang, sp) }</p>
            </>
        };
        match sp.ty.as_str() {
            "bool" => {
                let (yes, no) = (Json::Bool(true), Json::Bool(false));
                return html! {
                    <section class="aw-screen" aria-labelledby="aw-q" data-facts={key}>
                        { head }{ core_err_html }
                        <div class="aw-yesno" role="group" aria-labelledby="aw-q">
                            <button type="button" class="aw-btn aw-choice" aria-pressed={pressed(&yes)} data-value="true" onclick={answer(yes.clone())}>{ c.yes }</button>
                            <button type="button" class="aw-btn aw-choice" aria-pressed={pressed(&no)} data-value="false" onclick={answer(no.clone())}>{ c.no }</button>
                        </div>
                        <div class="aw-nav">{ back }</div>
                    </section>
                };
            }
            "activity" | "venue" | "street" | "enum" => {
                let rs = s.engine.ruleset_for(s.today);
                let opt = |code: &str, name: String, detail: Option<String>| {
                    let v = Json::Str(code.to_string());
                    html! {
                        <li>
                            <button type="button" class="aw-option" aria-pressed={pressed(&v)} data-value={code.to_string()} onclick={answer(v.clone())}>
                                <span class="aw-option-name">{ name }</span>
                                if let Some(d) = detail { <span class="aw-option-detail">{ d }</span> }
                            </button>
                        </li>
                    }
                };
                let list = match sp.ty.as_str() {
                    "activity" => {
                        let needle = local.search.trim().to_ascii_lowercase();
                        let matches = |a: &anbei_core::model::Activity| {
                            needle.is_empty()
                                || [&a.name.zh, &a.name.en, &a.detail.zh, &a.detail.en]
                                    .iter()
                                    .any(|t| t.to_ascii_lowercase().contains(&needle))
                        };
                        let group_html = |kind: Kind, title: &str| {
                            let items: Vec<Html> = rs
                                .file
                                .activities
                                .iter()
                                .filter(|a| a.kind == kind && matches(a))
                                .map(|a| {
                                    opt(
                                        &a.code,
                                        lang.pick(&a.name.zh, &a.name.en).into(),
                                        Some(lang.pick(&a.detail.zh, &a.detail.en).into()),
                                    )
                                })
                                .collect();
                            if items.is_empty() {
                                return html! {};
                            }
                            let id = if kind == Kind::Engineering {
                                "aw-g-eng"
                            } else {
                                "aw-g-odd"
                            };
                            html! {
                                <div class="aw-optgroup">
                                    <h3 id={id}>{ title.to_string() }</h3>
                                    <ul class="aw-options" aria-labelledby={id}>{ for items }</ul>
                                </div>
                            }
                        };
                        let oninput = {
                            let local = local.clone();
                            Callback::from(move |e: InputEvent| {
                                let mut l = (*local).clone();
                                l.search = e
                                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                                    .value();
                                local.set(l);
                            })
                        };
                        let odd_only = s.mode == Mode::OddJob;
                        let any = rs
                            .file
                            .activities
                            .iter()
                            .any(|a| (!odd_only || a.kind == Kind::OddJob) && matches(a));
                        html! {
                            <>
                                <label class="aw-search">
                                    <span class="aw-visually-hidden">{ c.search_activity }</span>
                                    <input type="search" placeholder={c.search_activity} value={local.search.clone()} oninput={oninput} autocomplete="off" />
                                </label>
                                if !any { <p class="aw-help" role="status">{ c.no_match }</p> }
                                if odd_only {
                                    { group_html(Kind::OddJob, c.group_odd_job) }
                                } else {
                                    { group_html(Kind::Engineering, c.group_engineering) }
                                    { group_html(Kind::OddJob, c.group_odd_job) }
                                }
                            </>
                        }
                    }
                    "venue" => html! {
                        <ul class="aw-options aw-cols" aria-labelledby="aw-q">
                            { for rs.file.venues.iter().map(|v| opt(&v.code, lang.pick(&v.name.zh, &v.name.en).into(), None)) }
                        </ul>
                    },
                    "street" => html! {
                        <ul class="aw-options aw-cols" aria-labelledby="aw-q">
                            { for s.engine.streets().iter().map(|v| opt(&v.code, lang.pick(&v.name.zh, &v.name.en).into(), None)) }
                        </ul>
                    },
                    _ => html! {
                        <ul class="aw-options" aria-labelledby="aw-q">
                            { for sp.values.iter().map(|v| opt(v, sp.value_names.get(v).map_or_else(|| v.clone(), |n| lang.pick(&n.zh, &n.en).to_string()), None)) }
                        </ul>
                    },
                };
                return html! {
                    <section class="aw-screen" aria-labelledby="aw-q" data-facts={key}>
                        { head }{ core_err_html }{ list }
                        <div class="aw-nav">{ back }</div>
                    </section>
                };
            }
            _ => {}
        }
    }

    // a form: checklist and/or several questions, answered with Continue
    let submit = {
        let local = local.clone();
        let d = dispatch.clone();
        let keys: Vec<&'static str> = screen.clone();
        let st = p.state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let s: &State = &st;
            let c = s.lang.cat();
            let mut l = (*local).clone();
            l.errors.clear();
            let mut out = Vec::new();
            for k in &keys {
                let Some(sp) = spec(s, k) else { continue };
                match sp.ty.as_str() {
                    "bool" => match l.values.get(k) {
                        Some(v @ Json::Bool(_)) => out.push((k.to_string(), v.clone())),
                        _ if checklist => out.push((k.to_string(), Json::Bool(false))),
                        _ => {
                            l.errors.insert(k.to_string(), c.err_required.into());
                        }
                    },
                    "number" => {
                        if l.values.get(k) == Some(&Json::Null) {
                            out.push((k.to_string(), Json::Null));
                            continue;
                        }
                        if checklist && !l.ticked.get(k).copied().unwrap_or(false) {
                            out.push((k.to_string(), Json::Num(0.0)));
                            continue;
                        }
                        let text = l.texts.get(k).cloned().unwrap_or_default();
                        let max = sp.max.unwrap_or(f64::MAX);
                        match parse_number(&text) {
                            None if text.trim().is_empty() => {
                                l.errors.insert(k.to_string(), c.err_required.into());
                            }
                            None => {
                                l.errors.insert(k.to_string(), c.err_number.into());
                            }
                            Some(x) if x < 0.0 || x > max => {
                                l.errors.insert(
                                    k.to_string(),
                                    fill(c.err_range, &[("max", &fmt_num(max))]),
                                );
                            }
                            Some(x) => out.push((k.to_string(), Json::Num(x))),
                        }
                    }
                    _ => match l.values.get(k) {
                        Some(v @ Json::Str(_)) => out.push((k.to_string(), v.clone())),
                        _ => {
                            l.errors.insert(k.to_string(), c.err_choose.into());
                        }
                    },
                }
            }
            if l.errors.is_empty() {
                d.dispatch(Action::Answer(out));
            } else {
                local.set(l);
            }
        })
    };

    let set_value = |k: &'static str, v: Json| {
        let local = local.clone();
        Callback::from(move |_: Event| {
            let mut l = (*local).clone();
            l.values.insert(k.to_string(), v.clone());
            l.errors.remove(k);
            local.set(l);
        })
    };
    // a checkbox of `k`: `edit` changes the screen's state by whether it is ticked
    let on_check = |k: &'static str, edit: fn(&mut Local, &'static str, bool)| {
        let local = local.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            let mut l = (*local).clone();
            edit(&mut l, k, on);
            local.set(l);
        })
    };
    let toggle = |k| {
        on_check(k, |l, k, on| {
            l.values.insert(k.to_string(), Json::Bool(on));
        })
    };
    let tick = |k| {
        on_check(k, |l, k, on| {
            l.ticked.insert(k.to_string(), on);
            if !on {
                l.errors.remove(k);
            }
        })
    };
    let text_input = |k: &'static str| {
        let local = local.clone();
        Callback::from(move |e: InputEvent| {
            let mut l = (*local).clone();
            l.texts.insert(
                k.to_string(),
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            );
            l.errors.remove(k);
            local.set(l);
        })
    };
    let no_area = |k| {
        on_check(k, |l, k, on| match on {
            true => {
                l.values.insert(k.to_string(), Json::Null);
                l.errors.remove(k);
            }
            false => {
                l.values.remove(k);
            }
        })
    };
    let activity_allows_no_area = s
        .answers
        .get("activity")
        .and_then(Json::as_str)
        .and_then(|a| {
            s.engine
                .ruleset_for(s.today)
                .file
                .activities
                .iter()
                .find(|x| x.code == a)
        })
        .is_some_and(|a| a.has_flag('L'));

    let err = |k: &str| local.errors.get(k).cloned();
    let number_field = |k: &'static str, sp: &FactSpec, label: String, in_checklist: bool| {
        let id = format!("aw-{k}");
        let unit = match sp.unit.as_deref() {
            Some("yuan") => c.unit_yuan,
            Some("m2") => c.unit_m2,
            Some("m") => c.unit_m,
            _ => "",
        };
        let is_null = local.values.get(k) == Some(&Json::Null);
        let e = err(k);
        let text = local.texts.get(k).cloned().unwrap_or_default();
        let preview = parse_number(&text)
            .filter(|x| *x >= 10_000.0 && sp.unit.as_deref() == Some("yuan"))
            .map(|x| fmt_quantity(lang, x, "yuan"));
        html! {
            <div class={classes!("aw-field", e.is_some().then_some("aw-invalid"))}>
                <label for={id.clone()} class={if in_checklist { "aw-sub" } else { "aw-label" }}>{ label }</label>
                if !in_checklist { <p class="aw-help" id={format!("{id}-help")}>{ help(lang, sp) }</p> }
                <div class="aw-number">
                    <input id={id.clone()} type="text" inputmode="decimal" autocomplete="off" disabled={is_null}
                        value={text} oninput={text_input(k)} aria-invalid={if e.is_some() { "true" } else { "false" }}
                        aria-describedby={format!("{id}-err {id}-help")} />
                    <span class="aw-unit">{ unit }</span>
                </div>
                if let Some(pv) = preview { <p class="aw-preview">{ "= " }{ pv }</p> }
                if k == "construction_area_m2" && activity_allows_no_area {
                    <label class="aw-check">
                        <input type="checkbox" class="aw-no-area" checked={is_null} onchange={no_area(k)} />
                        <span>{ c.no_building_area }</span>
                    </label>
                }
                <p class="aw-field-error" id={format!("{id}-err")}>{ e.unwrap_or_default() }</p>
            </div>
        }
    };

    let view = s.engine.ruleset_view(s.today);
    let names = view.fact_names;
    let hz = view.hazards;
    let items = screen.iter().map(|&k| {
        let Some(sp) = spec(s, k) else { return html! {} };
        let id = format!("aw-{k}");
        match (sp.ty.as_str(), checklist) {
            ("bool", true) => {
                let implied = implied_by(hz, k, &local.values);
                let on = implied || local.values.get(k) == Some(&Json::Bool(true));
                html! {
                    <li class="aw-item">
                        <input type="checkbox" id={id.clone()} checked={on} disabled={implied} onchange={toggle(k)}
                            aria-describedby={format!("{id}-help")} />
                        <label for={id.clone()}>
                            <span class="aw-item-name">{ item_label(s, names, k, sp) }</span>
                            <span class="aw-help" id={format!("{id}-help")}>{ help(lang, sp) }</span>
                        </label>
                    </li>
                }
            }
            ("number", true) => {
                let on = local.ticked.get(k).copied().unwrap_or(false);
                let (tick_label, sub) = match k {
                    "excavation_depth_m" => (c.hazard_has_excavation, c.depth_label),
                    "scaffold_height_m" => (c.hazard_has_scaffold, c.height_label),
                    _ => ("", ""),
                };
                let tick_label = if tick_label.is_empty() { item_label(s, names, k, sp) } else { tick_label.to_string() };
                let tid = format!("{id}-has");
                html! {
                    <li class="aw-item">
                        <input type="checkbox" id={tid.clone()} checked={on} onchange={tick(k)} aria-describedby={format!("{id}-help")} />
                        <label for={tid}>
                            <span class="aw-item-name">{ tick_label }</span>
                            <span class="aw-help" id={format!("{id}-help")}>{ help(lang, sp) }</span>
                        </label>
                        if on { <div class="aw-item-more">{ number_field(k, sp, sub.to_string(), true) }</div> }
                    </li>
                }
            }
            ("number", false) => number_field(k, sp, q(lang, sp), false),
            ("bool", false) => {
                let e = err(k);
                let cur = local.values.get(k).cloned();
                html! {
                    <fieldset class={classes!("aw-field", e.is_some().then_some("aw-invalid"))} aria-describedby={format!("{id}-help {id}-err")}>
                        <legend class="aw-label">{ q(lang, sp) }</legend>
                        <p class="aw-help" id={format!("{id}-help")}>{ help(lang, sp) }</p>
                        <div class="aw-radios">
                            <label class="aw-radio"><input type="radio" name={id.clone()} value="true" checked={cur == Some(Json::Bool(true))} onchange={set_value(k, Json::Bool(true))} /><span>{ c.yes }</span></label>
                            <label class="aw-radio"><input type="radio" name={id.clone()} value="false" checked={cur == Some(Json::Bool(false))} onchange={set_value(k, Json::Bool(false))} /><span>{ c.no }</span></label>
                        </div>
                        <p class="aw-field-error" id={format!("{id}-err")}>{ e.unwrap_or_default() }</p>
                    </fieldset>
                }
            }
            _ => {
                // a choice inside a multi-question screen: radios
                let e = err(k);
                let cur = local.values.get(k).cloned();
                let opts: Vec<(String, String)> = match sp.ty.as_str() {
                    "venue" => s.engine.ruleset_for(s.today).file.venues.iter().map(|v| (v.code.clone(), lang.pick(&v.name.zh, &v.name.en).to_string())).collect(),
                    "street" => s.engine.streets().iter().map(|v| (v.code.clone(), lang.pick(&v.name.zh, &v.name.en).to_string())).collect(),
                    _ => sp.values.iter().map(|v| (v.clone(), sp.value_names.get(v).map_or_else(|| v.clone(), |n| lang.pick(&n.zh, &n.en).to_string()))).collect(),
                };
                html! {
                    <fieldset class={classes!("aw-field", e.is_some().then_some("aw-invalid"))}>
                        <legend class="aw-label">{ q(lang, sp) }</legend>
                        <p class="aw-help">{ help(lang, sp) }</p>
                        <div class="aw-radios aw-cols">
                            { for opts.into_iter().map(|(code, name)| {
                                let v = Json::Str(code);
                                html! { <label class="aw-radio"><input type="radio" name={id.clone()} value={v.as_str().unwrap_or("").to_string()} checked={cur.as_ref() == Some(&v)} onchange={set_value(k, v.clone())} /><span>{ name }</span></label> }
                            }) }
                        </div>
                        <p class="aw-field-error">{ e.unwrap_or_default() }</p>
                    </fieldset>
                }
            }
        }
    });
    let n_err = local.errors.len();
    let title = if checklist {
        c.which_apply.to_string()
    } else if screen.len() == 1 {
        spec(s, screen[0]).map(|sp| q(lang, sp)).unwrap_or_default()
    } else {
        c.answer_these.to_string()
    };
    let _ = web::now_ms;
    html! {
        <form class="aw-screen" aria-labelledby="aw-q" onsubmit={submit} novalidate=true data-facts={screen.join(",")}
            data-checklist={if checklist { "true" } else { "false" }}>
            <h2 class="aw-q" tabindex="-1" ref={p.heading.clone()} id="aw-q">{ title }</h2>
            if checklist { <p class="aw-help">{ c.hazards_hint }{ " " }{ c.none_apply }</p> }
            { core_err_html }
            if n_err > 0 { <p class="aw-error" role="alert">{ fill(c.errors_summary, &[("n", &n_err.to_string())]) }</p> }
            if checklist {
                <ul class="aw-checklist">{ for items }</ul>
            } else {
                { for items }
            }
            <div class="aw-nav">
                { back }
                <button type="submit" class="aw-btn aw-primary">{ c.continue_ }{ " →" }</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn numbers_accept_commas_and_wan() {
        assert_eq!(parse_number("420,000"), Some(420_000.0));
        assert_eq!(parse_number("42万"), Some(420_000.0));
        assert_eq!(parse_number(" 3.2 "), Some(3.2));
        assert_eq!(parse_number("abc"), None);
    }
}
