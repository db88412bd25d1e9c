//! The result page: scope in one sentence, high-risk status with every trigger (article and values),
//! supervision and contractor, the document checklist (what and why), obligations, where to register,
//! departments, dates, notes. Printable and copyable; announced to screen readers.

use super::web;
use crate::i18n::{article, colon, fmt_date};
use crate::share;
use crate::state::{Action, Mode, State, View};
use crate::summary::{
    after_completion, code_explain, code_title, department_name, result_text, scope_sentence,
    street_office,
};
use anbei_core::Code;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    pub heading: NodeRef,
    pub api: Option<String>,
}

#[function_component(ResultView)]
pub fn result_view(p: &Props) -> Html {
    let s: &State = &p.state;
    let a = &s.assessment;
    let e = s.engine;
    let lang = s.lang;
    let c = lang.cat();
    let copied = use_state(String::new);
    // progressive rendering: the answer itself (scope, risk grade with its triggers, contractor) now; the
    // rest — documents, where, dates, obligations, departments, notes, the rule set line, the actions and
    // the share link — once that has been painted
    // (next animation frame, then a task), so the answer shows within a frame. `data-complete` marks the
    // full page.
    let full = use_state(|| false);
    {
        let full = full.clone();
        use_effect_with((), move |_| web::after_paint(move || full.set(true)));
    }
    let full = *full;
    let in_scope = a.scope.is_some_and(Code::is_in_scope);
    let scope_line = scope_sentence(e, a, lang);
    let art = |a: &str| html! { <span class="aw-art">{ c.article }{ colon(lang) }{ article(lang, a) }</span> };

    let copy = {
        let copied = copied.clone();
        let st = p.state.clone();
        let msg = c.copied;
        Callback::from(move |_: MouseEvent| {
            // built on demand: the result renders without it
            if web::copy_text(&result_text(st.engine, &st.assessment, st.lang)) {
                copied.set(msg.to_string());
            }
        })
    };
    // built once the rest of the page is rendered (below the answer)
    let share_link = if full {
        format!(
            "{}#{}",
            web::location_base(),
            share::encode(&s.ordered_answers(), s.mode == Mode::OddJob)
        )
    } else {
        String::new()
    };
    let share_cb = {
        let copied = copied.clone();
        let link = share_link.clone();
        let msg = c.share_copied;
        Callback::from(move |_: MouseEvent| {
            web::copy_text(&link);
            copied.set(msg.to_string());
        })
    };
    let print = Callback::from(|_: MouseEvent| web::print());
    let file = {
        let d = p.state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Show(View::Filing)))
    };
    let back = {
        let d = p.state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Back))
    };

    let triggers = a.high_risk_triggers.iter().map(|t| html! {
        <li>
            <strong>{ code_title(e, t.code, lang) }</strong>{ " — " }{ lang.pick(&t.because.zh, &t.because.en).to_string() }
            { " " }{ art(t.article) }<code class="aw-code">{ t.code.as_str() }</code>
        </li>
    });
    let docs = a.documents.iter().map(|d| html! {
        <li class="aw-doc">
            <strong>{ code_title(e, d.code, lang) }</strong><code class="aw-code">{ d.code.as_str() }</code>
            if let Some(x) = code_explain(e, d.code, lang) { <p><span class="aw-k">{ c.what_is_it }{ colon(lang) }</span>{ x }</p> }
            <p><span class="aw-k">{ c.why_needed }{ colon(lang) }</span>{ lang.pick(&d.because.zh, &d.because.en).to_string() }{ " " }{ art(d.article) }</p>
        </li>
    });
    let obligations = a.obligations.iter().map(|o| {
        html! {
            <li>
                <strong>{ code_title(e, o.code, lang) }</strong>{ " " }{ art(o.article) }
                if let Some(x) = code_explain(e, o.code, lang) { <p>{ x }</p> }
            </li>
        }
    });
    let office = a.street_office.and_then(|st| street_office(e, st, lang));
    let dept = |code: &&str, role: &str| {
        let d = e.departments().iter().find(|x| x.code == *code);
        html! {
            <li>
                <details>
                    <summary>{ department_name(e, code, lang) }{ " · " }{ role.to_string() }</summary>
                    if let Some(d) = d { <p class="aw-small">{ lang.pick(&d.duty.zh, &d.duty.en).to_string() }</p> }
                </details>
            </li>
        }
    };
    let dl = &a.deadlines;
    let dates: Vec<(&str, String)> = [
        (c.acceptance_due, dl.acceptance_due),
        (c.inspection_due, dl.inspection_due),
        (c.valid_until, dl.valid_until),
        (c.extension_window_start, dl.extension_window_start),
        (c.cancellation_due, dl.cancellation_due),
    ]
    .into_iter()
    .filter_map(|(l, d)| d.map(|d| (l, fmt_date(lang, d))))
    .chain(
        in_scope
            .then(|| (c.cancellation_due, after_completion(e, s.today, lang)))
            .filter(|_| dl.cancellation_due.is_none()),
    )
    .collect();
    let notice = e
        .ruleset_view(s.today)
        .notice
        .map(|n| lang.pick(&n.zh, &n.en).to_string())
        .unwrap_or_default();
    let hr_class = if a.high_risk == Some(true) {
        "aw-badge aw-high"
    } else {
        "aw-badge"
    };

    html! {
        <section class="aw-result" aria-labelledby="aw-result-h" data-complete={if full { "true" } else { "false" }}>
            <h2 id="aw-result-h" class="aw-q" tabindex="-1" ref={p.heading.clone()}>{ c.result_title }</h2>
            <div class={if in_scope { "aw-scope" } else { "aw-scope aw-out" }}>
                <p class="aw-scope-line">{ scope_line.clone() }</p>
                if let Some(sa) = a.scope_article { <p>{ art(sa) }<code class="aw-code">{ a.scope.map(|x| x.as_str()).unwrap_or("") }</code></p> }
                if let Some(x) = a.scope.and_then(|sc| code_explain(e, sc, lang)) { <p>{ x }</p> }
            </div>
            if in_scope {
                <h3>{ c.high_risk }</h3>
                if a.kind == Some(anbei_core::model::Kind::OddJob) {
                    <p>{ c.no_high_risk_grade }</p>
                } else {
                    <p><span class={hr_class}>{ if a.high_risk == Some(true) { c.high_risk_yes } else { c.high_risk_no } }</span></p>
                    if !a.high_risk_triggers.is_empty() {
                        <h4>{ c.triggers }</h4>
                        <ul class="aw-list">{ for triggers }</ul>
                    }
                    <h3>{ c.contractor }</h3>
                    <ul class="aw-list">
                        <li>{ if a.qualified_contractor_required == Some(true) { c.qualified_required } else { c.capable_required } }</li>
                        if let Some(sv) = a.supervision {
                            <li><strong>{ c.supervision }{ colon(lang) }{ code_title(e, sv, lang) }</strong>{ " " }{ art(&e.code_text(sv).article) }</li>
                        }
                    </ul>
                }
                if full {
                    <h3>{ c.documents }</h3>
                    if a.documents.is_empty() { <p>{ c.documents_none }</p> } else { <ol class="aw-list aw-docs">{ for docs }</ol> }
                    <h3>{ c.where_register }</h3>
                    <ul class="aw-list">
                        { for a.channels.iter().map(|ch| html! { <li>{ code_title(e, *ch, lang) }{ " " }{ art(&e.code_text(*ch).article) }</li> }) }
                        if let Some(o) = office { <li><strong>{ c.street_office }{ colon(lang) }</strong>{ o }</li> }
                    </ul>
                    <h3>{ c.deadlines }</h3>
                    <dl class="aw-dates">
                        { for dates.iter().map(|(l, d)| html! { <><dt>{ l.to_string() }</dt><dd>{ d.clone() }</dd></> }) }
                    </dl>
                    if dl.calendar_provisional { <p class="aw-small">{ c.calendar_provisional }</p> }
                    <h3>{ c.obligations }</h3>
                    <ul class="aw-list">{ for obligations }</ul>
                }
            } else {
                <p>{ c.not_registrable }</p>
                if !a.obligations.is_empty() { <ul class="aw-list">{ for obligations }</ul> }
            }
            if full && (!a.departments.primary.is_empty() || !a.departments.co.is_empty()) {
                <h3>{ c.departments }</h3>
                <ul class="aw-list">
                    { for a.departments.primary.iter().map(|d| dept(d, c.primary_dept)) }
                    { for a.departments.co.iter().map(|d| dept(d, c.co_dept)) }
                </ul>
            }
            if full && !a.notes.is_empty() {
                <h3>{ c.notes }</h3>
                <ul class="aw-list aw-small">{ for a.notes.iter().map(|n| html! { <li>{ lang.pick(&n.text.zh, &n.text.en).to_string() }</li> }) }</ul>
            }
            if full {
                <p class="aw-small aw-ruleset">{ format!("{} {} · ", a.ruleset.id, a.ruleset.version) }{ notice }</p>
                <div class="aw-actions aw-noprint">
                    if in_scope && p.api.is_some() { <button type="button" class="aw-btn aw-primary aw-go-file" onclick={file}>{ c.go_file }{ " →" }</button> }
                    <button type="button" class="aw-btn aw-secondary" onclick={print}>{ c.print }</button>
                    <button type="button" class="aw-btn aw-secondary" onclick={copy}>{ c.copy }</button>
                    <button type="button" class="aw-btn aw-secondary aw-share" onclick={share_cb}>{ c.share }</button>
                    <button type="button" class="aw-btn aw-secondary" onclick={back}>{ "← " }{ c.back }</button>
                </div>
                if in_scope && p.api.is_none() { <p class="aw-small aw-noprint">{ c.api_missing }</p> }
                <p class="aw-noprint aw-share-out">
                    <label>{ c.share_link_label }{ " " }<input class="aw-share-link" type="text" readonly=true value={share_link} /></label>
                </p>
            }
            <p class="aw-status" role="status">{ (*copied).clone() }</p>
        </section>
    }
}
