//! The queue: what awaits this account's decision — counts per status as tabs, filters, search, the
//! table ordered by acceptance deadline (overdue first, marked in words), and paging.

use super::ctx::{Ctx, spawn};
use super::form::{Input, input, on_submit, select};
use super::inspections::due_cell;
use super::table::{Cursor, pager, status_line, table};
use crate::i18n::inspect::{code_words, ins};
use crate::i18n::manage::mg;
use crate::i18n::{self, Catalogue, fill};
use crate::inspect::sort_entries;
use crate::model::{QueuePage, SCOPES};
use crate::query::QueueFilter;
use crate::route::Route;
use anbei_widget::json::Json;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

/// An "overdue" mark in words (never colour alone).
pub fn overdue_mark(c: &Catalogue) -> Html {
    html! { <strong class="cn-overdue"><span aria-hidden="true">{ "⚠ " }</span>{ c.overdue }</strong> }
}

/// Options of a yes / no / either filter.
pub fn yes_no_any(c: &Catalogue) -> Vec<(String, String)> {
    vec![
        (String::new(), c.any.to_string()),
        ("true".into(), c.yes.to_string()),
        ("false".into(), c.no.to_string()),
    ]
}

/// A setter of one field of a filter kept in a state handle.
pub fn edit<F: Clone + 'static>(h: &UseStateHandle<F>, f: fn(&mut F, String)) -> Callback<String> {
    let h = h.clone();
    Callback::from(move |v: String| {
        let mut x = (*h).clone();
        f(&mut x, v);
        h.set(x);
    })
}

/// The inspections past their due date in this account's scope (rules.md §9.1: overdue
/// inspections head the officers' queue), above the filings; nothing when none is overdue.
#[function_component(OverdueBox)]
fn overdue_box(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang) = (ctx.c(), ctx.lang);
    let (x, m) = (ins(lang), mg(lang));
    let items = use_state(Vec::<Json>::new);
    {
        let (ctx, items) = (ctx.clone(), items.clone());
        use_effect_with((), move |_| {
            spawn(async move {
                // a failure leaves the box out: the inspections screen says why
                if let Ok(j) = ctx.get("/api/v1/inspections?status=overdue").await {
                    let mut v = match j.get("items") {
                        Some(Json::Arr(a)) => a.clone(),
                        _ => Vec::new(),
                    };
                    sort_entries(&mut v);
                    items.set(v);
                }
            });
        });
    }
    if items.is_empty() {
        return html! {};
    }
    const SHOWN: usize = 5;
    html! {
        <section class="cn-card cn-warn cn-overdue-box" aria-labelledby="cn-overdue-h">
            <h2 id="cn-overdue-h"><span aria-hidden="true">{ "⚠ " }</span>
                { fill(x.queue_overdue, &[("n", &items.len().to_string())]) }</h2>
            <p>{ m.overdue_box_intro }</p>
            <ul class="cn-list">
                { for items.iter().take(SHOWN).map(|i| {
                    let no = i.str_at("filing_no");
                    html! {
                        <li>
                            if no.is_empty() { { i.str_at("address").to_string() } }
                            else { <a href={Route::Filing(no.to_string()).hash()}>{ no.to_string() }</a> }
                            { " · " }{ code_words(i.str_at("kind"), lang) }{ " · " }
                            { due_cell(x, c, lang, i.str_at("due"), true) }
                        </li>
                    }
                }) }
            </ul>
            <p><a href={Route::Inspections.hash()}>{ m.overdue_all }</a></p>
        </section>
    }
}

#[function_component(Queue)]
pub fn queue(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let applied = use_state(QueueFilter::default);
    let draft = use_state(QueueFilter::default);
    let cursor = use_state(Cursor::default);
    let page = use_state(|| None::<QueuePage>);
    let loading = use_state(|| true);
    let error = use_state(String::new);

    {
        let (ctx, page, loading, error) =
            (ctx.clone(), page.clone(), loading.clone(), error.clone());
        use_effect_with(((*applied).clone(), (*cursor).clone()), move |(f, cur)| {
            let url = f.url(&cur.after);
            loading.set(true);
            spawn(async move {
                let r = ctx.get(&url).await;
                loading.set(false);
                match r {
                    Ok(j) => {
                        page.set(Some(QueuePage::from_json(&j)));
                        error.set(String::new());
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }

    let apply = {
        let (applied, draft, cursor) = (applied.clone(), draft.clone(), cursor.clone());
        on_submit(move || {
            applied.set((*draft).clone());
            cursor.set(Cursor::default());
        })
    };
    let clear = {
        let (applied, draft, cursor) = (applied.clone(), draft.clone(), cursor.clone());
        Callback::from(move |_: MouseEvent| {
            applied.set(QueueFilter::default());
            draft.set(QueueFilter::default());
            cursor.set(Cursor::default());
        })
    };
    let current_status = if applied.status.is_empty() {
        "filed"
    } else {
        applied.status.as_str()
    };
    let tabs = page.as_ref().map(|pg| {
        pg.counts
            .iter()
            .map(|(st, n)| {
                let (applied, draft, cursor) = (applied.clone(), draft.clone(), cursor.clone());
                let code = st.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    let mut f = (*applied).clone();
                    f.status = code.clone();
                    let mut d = (*draft).clone();
                    d.status = code.clone();
                    applied.set(f);
                    draft.set(d);
                    cursor.set(Cursor::default());
                });
                let on = st == current_status;
                html! {
                    <li><button type="button" class={classes!("cn-tab", on.then_some("cn-tab-on"))} aria-pressed={if on { "true" } else { "false" }} {onclick}>
                        { i18n::status(c, st) }<span class="cn-count">{ n.to_string() }</span>
                    </button></li>
                }
            })
            .collect::<Html>()
    });

    let mut status_opts = vec![(String::new(), c.status_filed.to_string())];
    status_opts.extend(
        crate::model::STATUSES
            .iter()
            .filter(|s| **s != "filed")
            .map(|s| (s.to_string(), i18n::status(c, s))),
    );
    let mut scope_opts = vec![(String::new(), c.any.to_string())];
    scope_opts.extend(
        SCOPES
            .iter()
            .map(|s| (s.to_string(), i18n::code_title(engine, s, lang))),
    );
    let hr = match draft.high_risk {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    };

    let rows = page.as_ref().map(|pg| {
        pg.items
            .iter()
            .map(|i| {
                html! {
                    <tr class={classes!(i.overdue.then_some("cn-row-overdue"))}>
                        <td class="cn-nowrap"><a href={Route::Filing(i.filing_no.clone()).hash()}>{ i.filing_no.clone() }</a>
                            if !i.can_decide { <span class="cn-small">{ " " }{ c.not_yours }</span> }</td>
                        <td class="cn-nowrap">{ i18n::status(c, &i.status) }</td>
                        <td class="cn-nowrap">{ i.applicant_name.clone() }</td>
                        <td class="cn-wide">{ i.site_address.clone() }</td>
                        <td>{ i.community.clone() }</td>
                        <td class="cn-nowrap">{ i18n::scope_short(engine, &i.scope, lang) }</td>
                        <td>{ if i.high_risk { c.yes } else { c.no } }</td>
                        <td class="cn-nowrap">{ i.filed_on.clone() }</td>
                        <td class="cn-nowrap">{ i.acceptance_due.clone().unwrap_or_else(|| c.due_none.to_string()) }
                            if i.overdue { <br />{ overdue_mark(c) } }</td>
                        <td class="cn-nowrap">{ i.receipt_no.clone().unwrap_or_default() }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let n = page.as_ref().map(|pg| pg.items.len());
    let next = page.as_ref().and_then(|pg| pg.next.clone());

    html! {
        <section aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.queue_title }</h1>
            <p>{ c.queue_intro }</p>
            <OverdueBox ctx={ctx.clone()} />
            if let Some(tabs) = tabs {
                <ul class="cn-tabs" aria-label={c.status_tabs}>{ tabs }</ul>
            }
            <form class="cn-filters" onsubmit={apply} novalidate=true>
                <fieldset>
                    <legend>{ c.filters }</legend>
                    <div class="cn-filter-grid">
                        { input(Input::new("q-q", c.f_q, &draft.q, edit(&draft, |f, v| f.q = v)).kind("search").hint(c.f_q_help)) }
                        { select("q-status", c.f_status, &draft.status, status_opts, edit(&draft, |f, v| f.status = v), None) }
                        { input(Input::new("q-community", c.f_community, &draft.community, edit(&draft, |f, v| f.community = v))) }
                        { select("q-scope", c.f_scope, &draft.scope, scope_opts, edit(&draft, |f, v| f.scope = v), None) }
                        { select("q-hr", c.f_high_risk, hr, yes_no_any(c), edit(&draft, |f, v| f.high_risk = match v.as_str() { "true" => Some(true), "false" => Some(false), _ => None }), None) }
                        { input(Input::new("q-from", c.f_from, &draft.from, edit(&draft, |f, v| f.from = v)).kind("date")) }
                        { input(Input::new("q-to", c.f_to, &draft.to, edit(&draft, |f, v| f.to = v)).kind("date")) }
                    </div>
                    <div class="cn-actions">
                        <button type="submit" class="cn-btn cn-primary">{ c.apply }</button>
                        <button type="button" class="cn-btn cn-secondary" onclick={clear}>{ c.clear }</button>
                    </div>
                </fieldset>
            </form>
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            { status_line(c, *loading, n) }
            if let Some(rows) = rows {
                if n.unwrap_or(0) > 0 {
                    { table("cn-queue", &format!("{} · {}", c.queue_caption, i18n::status(c, current_status)),
                        &[c.col_filing_no, c.col_status, c.col_applicant, c.col_site, c.col_community, c.col_scope,
                          c.col_high_risk, c.col_filed_on, c.col_due, c.col_receipt], rows) }
                }
            }
            { pager(c, &cursor, next) }
        </section>
    }
}
