//! A filing: its summary, the decision (the actions `allowed_actions` lists), the assessment as the
//! applicant saw it (the widget's result page), every field of the form, the documents viewed in the
//! page, and the history.

use super::ctx::{Ctx, Fail, spawn};
use super::decide::Decide;
use super::web;
use crate::assess::{differences, regenerate};
use crate::i18n::{self, fill};
use crate::query::segment;
use crate::returns::at;
use crate::route::Route;
use anbei_core::Date;
use anbei_filing::ids::mask_id;
use anbei_widget::i18n::Lang;
use anbei_widget::json::Json;
use anbei_widget::state::{Mode, State as Interview, View};
use anbei_widget::ui::{EngineRef, ResultView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
    pub no: String,
}

/// The address of one of the filing's documents.
pub fn document_url(no: &str, upload_id: &str) -> String {
    format!(
        "/api/v1/registrations/{}/documents/{}",
        segment(no),
        segment(upload_id)
    )
}

#[function_component(FilingPage)]
pub fn filing_page(p: &Props) -> Html {
    let ctx = &p.ctx;
    let c = ctx.c();
    let view = use_state(|| None::<Rc<Json>>);
    let error = use_state(String::new);
    let done = use_state(String::new);
    let show_ids = use_state(|| false);
    let reload = use_state(|| 0u32);
    {
        let (ctx, view, error) = (ctx.clone(), view.clone(), error.clone());
        let url = format!("/api/v1/registrations/{}", segment(&p.no));
        use_effect_with(*reload, move |_| {
            spawn(async move {
                match ctx.get(&url).await {
                    Ok(j) => {
                        view.set(Some(Rc::new(j)));
                        error.set(String::new());
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }
    let on_done = {
        let (view, done) = (view.clone(), done.clone());
        let ctx = ctx.clone();
        Callback::from(move |(j, msg): (Json, &'static str)| {
            let st = i18n::status(ctx.c(), j.str_at("status"));
            done.set(format!(
                "{msg} {}",
                fill(ctx.c().new_status, &[("status", &st)])
            ));
            view.set(Some(Rc::new(j)));
            web::focus_soon("cn-done");
        })
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| reload.set(*reload + 1))
    };
    let reload_cb = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let title = fill(c.filing_title, &[("no", &p.no)]);
    let head = html! {
        <>
            <p class="cn-back"><a href={Route::Queue.hash()}>{ "← " }{ c.back_to_queue }</a></p>
            <h1 id="cn-h1" tabindex="-1">{ title }</h1>
        </>
    };
    // the heading stays one element whatever comes below it (it has the focus after navigating here)
    let Some(v) = (*view).clone() else {
        return html! {
            <section aria-labelledby="cn-h1" class="cn-filing">
                { head }
                <div>
                    if error.is_empty() {
                        <p class="cn-status" role="status">{ c.loading }</p>
                    } else {
                        <p class="cn-error" role="alert">{ (*error).clone() }</p>
                        <button type="button" class="cn-btn cn-secondary" onclick={retry}>{ c.retry }</button>
                    }
                </div>
            </section>
        };
    };
    let toggle_ids = {
        let show_ids = show_ids.clone();
        Callback::from(move |_: MouseEvent| show_ids.set(!*show_ids))
    };
    let allowed: Vec<String> = match v.get("allowed_actions") {
        Some(Json::Arr(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let request = v.get("request").cloned().unwrap_or_default();
    html! {
        <section aria-labelledby="cn-h1" class="cn-filing">
            { head }
            <div>
            <p id="cn-done" class="cn-done" role="status" tabindex="-1">{ (*done).clone() }</p>
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            { summary(ctx, &v) }
            <Decide key={v.str_at("updated_at").to_string()} ctx={ctx.clone()} no={p.no.clone()} view={v.clone()} allowed={allowed} on_done={on_done} />
            <super::findings::Inspections ctx={ctx.clone()} no={p.no.clone()} view={v.clone()} on_change={reload_cb} />
            if ctx.account.as_ref().is_some_and(|a| super::reissue::may_reissue(&a.role)) {
                <super::reissue::Reissue ctx={ctx.clone()} no={p.no.clone()} />
            }
            <AssessmentView engine={ctx.engine} lang={ctx.lang} facts={Rc::new(request.get("facts").cloned().unwrap_or_default())}
                stored={Rc::new(v.get("assessment").cloned().unwrap_or_default())} filed_on={v.str_at("filed_on").to_string()} />
            <section class="cn-card" aria-labelledby="cn-request-h">
                <h2 id="cn-request-h">{ c.request_title }</h2>
                <p><button type="button" class="cn-btn cn-secondary" aria-pressed={if *show_ids { "true" } else { "false" }} onclick={toggle_ids}>{ c.show_ids }</button></p>
                { request_view(ctx, &request, *show_ids) }
            </section>
            { documents(ctx, &p.no, &request) }
            { history(ctx, &v) }
            </div>
        </section>
    }
}

/// One row of a description list (nothing when the value is empty).
fn row(label: &str, value: String) -> Html {
    if value.trim().is_empty() {
        return html! {};
    }
    html! { <><dt>{ label.to_string() }</dt><dd>{ value }</dd></> }
}

fn summary(ctx: &Ctx, v: &Json) -> Html {
    let (c, lang, e) = (ctx.c(), ctx.lang, ctx.engine());
    let w = lang.cat();
    let receipt = v.get("receipt").filter(|r| !r.is_null());
    let changes: Vec<(String, String)> = match v.get("requested_changes") {
        Some(Json::Arr(a)) => a
            .iter()
            .map(|ch| {
                let m = ch.get("message").cloned().unwrap_or_default();
                let text = lang.pick(m.str_at("zh"), m.str_at("en"));
                let text = if text.is_empty() {
                    m.str_at("zh")
                } else {
                    text
                };
                (
                    i18n::field_label(e, ch.str_at("field"), lang),
                    text.to_string(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    html! {
        <section class="cn-card" aria-labelledby="cn-summary-h">
            <h2 id="cn-summary-h">{ c.summary_title }</h2>
            <dl class="cn-dl cn-dl-cols">
                { row(c.col_status, i18n::status(c, v.str_at("status"))) }
                { row(c.k_street, i18n::street_name(e, v.str_at("street"), lang)) }
                { row(c.col_scope, i18n::code_title(e, v.str_at("scope"), lang)) }
                { row(c.col_high_risk, (if v.get("high_risk").and_then(Json::as_bool) == Some(true) { c.yes } else { c.no }).to_string()) }
                { row(c.col_filed_on, v.str_at("filed_on").to_string()) }
                { row(c.col_due, v.str_at("acceptance_due").to_string()) }
                if let Some(r) = receipt {
                    { row(c.col_receipt, r.str_at("receipt_no").to_string()) }
                    { row(c.col_valid_until, r.str_at("valid_until").to_string()) }
                }
                { row(w.planned_start, at(v, "request.planned_start").and_then(Json::as_str).unwrap_or("").to_string()) }
                { row(w.planned_end, at(v, "request.planned_end").and_then(Json::as_str).unwrap_or("").to_string()) }
                { row(c.k_updated, i18n::fmt_time(v.str_at("updated_at"))) }
            </dl>
            if !changes.is_empty() {
                <h3>{ c.requested_changes }</h3>
                <ul class="cn-list">{ for changes.into_iter().map(|(f, m)| html! { <li><strong>{ f }</strong>{ lang.pick("：", ": ") }{ m }</li> }) }</ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AssessmentProps {
    engine: EngineRef,
    lang: Lang,
    facts: Rc<Json>,
    stored: Rc<Json>,
    filed_on: String,
}

/// The assessment as the applicant saw it: the widget's result page over the facts re-decided on the
/// filing date (its own actions — print, share, file — are the applicant's and stay hidden).
#[function_component(AssessmentView)]
fn assessment_view(p: &AssessmentProps) -> Html {
    let c = i18n::cat(p.lang);
    let heading = use_node_ref();
    let day = Date::parse(&p.filed_on);
    let built = day.and_then(|d| regenerate(p.engine.0, &p.facts, d).map(|a| (d, a)));
    let Some((day, assessment)) = built else {
        // not re-decidable: the stored scope and grade are in the summary above
        return html! {};
    };
    let diff = differences(&p.stored, &assessment);
    let (engine, lang) = (p.engine.0, p.lang);
    html! {
        <section class="cn-card cn-assessment">
            <p class="cn-hint">{ c.assessment_intro }</p>
            if !diff.is_empty() {
                <p class="cn-error" role="alert">{ fill(c.assessment_differs, &[("what", &diff.join(", "))]) }</p>
            }
            <WidgetResult key={lang.tag()} {engine} {lang} {day} assessment={Rc::new(assessment)} heading={heading.clone()} />
        </section>
    }
}

#[derive(Properties)]
struct ResultProps {
    engine: &'static anbei_core::Engine,
    lang: Lang,
    day: Date,
    assessment: Rc<anbei_core::Assessment<'static>>,
    heading: NodeRef,
}

impl PartialEq for ResultProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang && self.day == o.day && Rc::ptr_eq(&self.assessment, &o.assessment)
    }
}

/// The widget's interview state, decided, showing its result.
#[function_component(WidgetResult)]
fn widget_result(p: &ResultProps) -> Html {
    let state = use_reducer(|| {
        let mut s = Interview::new(p.engine, p.day, p.lang, Mode::Full, None);
        s.assessment = (*p.assessment).clone();
        s.view = View::Result;
        s
    });
    // `api` is given so the result page does not say that online filing is off
    html! { <div class="aw-root"><div class="aw"><ResultView {state} heading={p.heading.clone()} api={Some(String::new())} /></div></div> }
}

/// Every field of the filing, section by section.
fn request_view(ctx: &Ctx, r: &Json, show_ids: bool) -> Html {
    let (c, lang, e) = (ctx.c(), ctx.lang, ctx.engine());
    let w = lang.cat();
    let text = |path: &str| at(r, path).and_then(Json::as_str).unwrap_or("").to_string();
    let id = |path: &str| {
        let t = text(path);
        if show_ids { t } else { mask_id(&t) }
    };
    let person = |key: &str, title: &str| -> Html {
        if r.get(key).is_none_or(Json::is_null) {
            return html! {};
        }
        html! {
            <>
                <h3>{ title.to_string() }</h3>
                <dl class="cn-dl">
                    { row(w.name, text(&format!("{key}.name"))) }
                    { row(w.id_number, id(&format!("{key}.id_number"))) }
                    { row(w.mobile, text(&format!("{key}.mobile"))) }
                </dl>
            </>
        }
    };
    let day =
        Date::parse(&text("planned_start")).unwrap_or_else(anbei_widget::ui::web::today_shanghai);
    let names = e.ruleset_view(day).fact_names;
    let op_name = |op: &str| {
        names
            .get(op)
            .map_or_else(|| op.to_string(), |n| lang.pick(&n.zh, &n.en).to_string())
    };
    let workers: Vec<Json> = match r.get("workers") {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    };
    let pledge = r.get("pledge").filter(|x| !x.is_null());
    html! {
        <>
            { person("applicant", w.applicant) }
            { person("agent", w.agent) }
            <h3>{ w.site }</h3>
            <dl class="cn-dl">
                { row(w.address, text("site.address")) }
                { row(w.street, i18n::street_name(e, &text("site.street"), lang)) }
                { row(w.community, text("site.community")) }
            </dl>
            <h3>{ w.contractor_unit }</h3>
            <dl class="cn-dl">
                { row(c.org_name, text("contractor.name")) }
                { row(w.credit_code, text("contractor.credit_code")) }
                { row(w.id_number, id("contractor.id_number")) }
                { row(w.qualification_no, text("contractor.qualification_no")) }
                { row(w.safety_licence_no, text("contractor.safety_licence_no")) }
            </dl>
            { person("project_lead", w.project_lead) }
            { person("safety_manager", w.safety_manager) }
            <h3>{ w.workers }</h3>
            if workers.is_empty() { <p>{ c.none }</p> } else {
                { super::table::table("cn-workers", w.workers, &[w.name, w.id_number, w.operation, w.certificate_no, w.certificate_valid_until],
                    workers.iter().map(|x| {
                        let op = x.str_at("operation");
                        html! {
                            <tr>
                                <td>{ x.str_at("name").to_string() }</td>
                                <td class="cn-nowrap">{ if show_ids { x.str_at("id_number").to_string() } else { mask_id(x.str_at("id_number")) } }</td>
                                <td>{ if op.is_empty() { w.op_none.to_string() } else { op_name(op) } }</td>
                                <td>{ x.str_at("certificate_no").to_string() }</td>
                                <td class="cn-nowrap">{ x.str_at("certificate_valid_until").to_string() }</td>
                            </tr>
                        }
                    }).collect::<Html>()) }
            }
            <h3>{ w.schedule }</h3>
            <dl class="cn-dl">
                { row(w.planned_start, text("planned_start")) }
                { row(w.planned_end, text("planned_end")) }
                { row(w.waste_site, text("waste_disposal_site")) }
            </dl>
            if let Some(pl) = pledge {
                <h3>{ w.pledge }</h3>
                <p>{ fill(c.pledge_signed, &[
                    ("signer", if pl.str_at("signer") == "agent" { c.signer_agent } else { c.signer_applicant }),
                    ("at", &i18n::fmt_time(pl.str_at("signed_at"))),
                    ("version", pl.str_at("version")),
                ]) }</p>
            }
        </>
    }
}

/// The filing's documents, each viewed in the page.
fn documents(ctx: &Ctx, no: &str, r: &Json) -> Html {
    let c = ctx.c();
    let list: Vec<(String, String)> = match r.get("documents") {
        Some(Json::Obj(m)) => m
            .iter()
            .flat_map(|(code, v)| {
                let ids: Vec<String> = match v {
                    Json::Str(s) => vec![s.clone()],
                    Json::Arr(a) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    _ => Vec::new(),
                };
                let code = code.clone();
                ids.into_iter().map(move |id| (code.clone(), id))
            })
            .collect(),
        _ => Vec::new(),
    };
    html! {
        <section class="cn-card" aria-labelledby="cn-docs-h">
            <h2 id="cn-docs-h">{ c.documents_title }</h2>
            if list.is_empty() { <p>{ c.none }</p> } else {
                <ul class="cn-docs">
                    { for list.into_iter().enumerate().map(|(i, (code, id))| {
                        let label = i18n::code_title(ctx.engine(), &code, ctx.lang);
                        html! { <li><DocView ctx={ctx.clone()} n={i} url={document_url(no, &id)} {label} /></li> }
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DocProps {
    pub ctx: Ctx,
    pub n: usize,
    pub url: String,
    pub label: String,
}

/// What a document is, once asked: PDF, image, or neither (opened as a link).
#[derive(Clone, PartialEq)]
enum Kind {
    Pdf,
    Image,
    Other,
    Failed(String),
}

/// One document: its name, a button to view it in the page (a PDF in a frame, an image as an image;
/// its type is asked with a HEAD request first) and a link to open it alone.
#[function_component(DocView)]
pub fn doc_view(p: &DocProps) -> Html {
    let c = p.ctx.c();
    let open = use_state(|| false);
    let kind = use_state(|| None::<Kind>);
    let toggle = {
        let (open, kind) = (open.clone(), kind.clone());
        let (ctx, url) = (p.ctx.clone(), p.url.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(!*open);
            if kind.is_none() {
                let (ctx, url, kind) = (ctx.clone(), url.clone(), kind.clone());
                spawn(async move {
                    let a = web::fetch("HEAD", &url, None, "").await;
                    let k = match a.status {
                        200..=299 if a.content_type.starts_with("application/pdf") => Kind::Pdf,
                        200..=299 if a.content_type.starts_with("image/") => Kind::Image,
                        200..=299 => Kind::Other,
                        401 => {
                            ctx.dispatch.emit(crate::state::Msg::SignIn);
                            return;
                        }
                        0 => Kind::Failed(ctx.c().err_network.to_string()),
                        _ => Kind::Failed(ctx.c().doc_failed.to_string()),
                    };
                    kind.set(Some(k));
                });
            }
        })
    };
    let region = format!("cn-doc-{}", p.n);
    let viewer = match (*open, (*kind).clone()) {
        (false, _) => html! {},
        (true, None) => html! { <p role="status">{ c.loading }</p> },
        (true, Some(Kind::Pdf)) => html! {
            <iframe class="cn-doc-frame" src={p.url.clone()} title={fill(c.doc_pdf, &[("doc", &p.label)])}></iframe>
        },
        (true, Some(Kind::Image)) => html! {
            <img class="cn-doc-img" src={p.url.clone()} alt={fill(c.doc_image, &[("doc", &p.label)])} />
        },
        (true, Some(Kind::Other)) => html! {},
        (true, Some(Kind::Failed(m))) => html! { <p class="cn-error" role="alert">{ m }</p> },
    };
    html! {
        <div class="cn-doc">
            <p class="cn-doc-head">
                <strong>{ p.label.clone() }</strong>
                <button type="button" class="cn-btn cn-secondary" aria-expanded={if *open { "true" } else { "false" }}
                    aria-controls={region.clone()} onclick={toggle}>{ if *open { c.hide_doc } else { c.view_doc } }</button>
                <a href={p.url.clone()} target="_blank" rel="noopener">{ c.open_doc }</a>
            </p>
            <div id={region}>{ viewer }</div>
        </div>
    }
}

/// The history: when, who (name with role), what, why.
fn history(ctx: &Ctx, v: &Json) -> Html {
    let (c, lang, e) = (ctx.c(), ctx.lang, ctx.engine());
    let events: Vec<Json> = match v.get("history") {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    };
    let rows = events
        .iter()
        .map(|ev| {
            // staff see the name as "李伟（li.wei）" already; the role after it
            let role = i18n::actor(c, ev.str_at("actor"));
            let who = match ev.str_at("actor_name") {
                "" => role,
                name => format!("{name} · {role}"),
            };
            let changes: Vec<Html> = match ev.get("data").and_then(|d| d.get("changes")) {
                Some(Json::Arr(a)) => a
                    .iter()
                    .map(|ch| {
                        let m = ch.get("message").cloned().unwrap_or_default();
                        let t = lang.pick(m.str_at("zh"), m.str_at("en"));
                        let t = if t.is_empty() { m.str_at("zh") } else { t };
                        html! { <li>{ i18n::field_label(e, ch.str_at("field"), lang) }{ lang.pick("：", ": ") }{ t.to_string() }</li> }
                    })
                    .collect(),
                _ => Vec::new(),
            };
            html! {
                <tr>
                    <td class="cn-nowrap">{ i18n::fmt_time(ev.str_at("at")) }</td>
                    <td>{ who }</td>
                    <td>{ i18n::action(c, ev.str_at("action")) }</td>
                    <td>{ ev.str_at("reason").to_string() }
                        if !changes.is_empty() { <ul class="cn-list">{ for changes }</ul> }</td>
                </tr>
            }
        })
        .collect::<Html>();
    html! {
        <section class="cn-card" aria-labelledby="cn-history-h">
            <h2 id="cn-history-h">{ c.history_title }</h2>
            { super::table::table("cn-history", c.history_title, &[c.col_at, c.col_actor, c.col_action, c.col_reason], rows) }
        </section>
    }
}

/// A failure's text for a form (nothing when the app took over).
pub fn fail_errors(ctx: &Ctx, f: &Fail, field_ids: &[(&str, &str)]) -> Vec<(String, String)> {
    match f {
        Fail::Handled => Vec::new(),
        Fail::Problem(p) if !p.errors.is_empty() => p
            .errors
            .iter()
            .map(|e| {
                let id = field_ids
                    .iter()
                    .find(|(f, _)| *f == e.field)
                    .map_or("", |(_, id)| id);
                let msg = ctx.lang.pick(&e.zh, &e.en);
                (
                    id.to_string(),
                    if msg.is_empty() {
                        e.zh.clone()
                    } else {
                        msg.to_string()
                    },
                )
            })
            .collect(),
        Fail::Problem(p) => vec![(String::new(), ctx.problem_text(p))],
    }
}
