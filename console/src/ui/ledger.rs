//! The ledger (台账): every filing of the street, the same filters as the queue, paged, and the whole
//! filtered ledger as a CSV download (a plain link: the session cookie goes with it).

use super::ctx::{Ctx, spawn};
use super::form::{Input, input, on_submit, select};
use super::queue::edit;
use super::table::{Cursor, pager, status_line, table};
use crate::i18n;
use crate::model::{LedgerRow, Page, STATUSES, ledger_page};
use crate::query::LedgerFilter;
use crate::route::Route;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

#[function_component(Ledger)]
pub fn ledger(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let applied = use_state(LedgerFilter::default);
    let draft = use_state(LedgerFilter::default);
    let cursor = use_state(Cursor::default);
    let page = use_state(|| None::<Page<LedgerRow>>);
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
                        page.set(Some(ledger_page(&j)));
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
            applied.set(LedgerFilter::default());
            draft.set(LedgerFilter::default());
            cursor.set(Cursor::default());
        })
    };
    let mut status_opts = vec![(String::new(), c.any.to_string())];
    status_opts.extend(STATUSES.iter().map(|s| (s.to_string(), i18n::status(c, s))));
    let rows = page.as_ref().map(|pg| {
        pg.items
            .iter()
            .map(|r| {
                html! {
                    <tr>
                        <td class="cn-nowrap"><a href={Route::Filing(r.filing_no.clone()).hash()}>{ r.filing_no.clone() }</a></td>
                        <td class="cn-nowrap">{ r.receipt_no.clone().unwrap_or_default() }</td>
                        <td class="cn-nowrap">{ i18n::status(c, &r.status) }</td>
                        <td class="cn-nowrap">{ r.applicant_name.clone() }</td>
                        <td class="cn-wide">{ r.site_address.clone() }</td>
                        <td>{ r.community.clone() }</td>
                        <td>{ r.contractor_name.clone() }</td>
                        <td class="cn-nowrap">{ i18n::scope_short(engine, &r.scope, lang) }</td>
                        <td>{ if r.high_risk { c.yes } else { c.no } }</td>
                        <td class="cn-nowrap">{ r.filed_on.clone() }</td>
                        <td class="cn-nowrap">{ format!("{} – {}", r.planned_start, r.planned_end) }</td>
                        <td class="cn-nowrap">{ r.valid_until.clone() }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let n = page.as_ref().map(|pg| pg.items.len());
    let next = page.as_ref().and_then(|pg| pg.next.clone());
    html! {
        <section aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.ledger_title }</h1>
            <p>{ c.ledger_intro }</p>
            <form class="cn-filters" onsubmit={apply} novalidate=true>
                <fieldset>
                    <legend>{ c.filters }</legend>
                    <div class="cn-filter-grid">
                        { select("l-status", c.f_status, &draft.status, status_opts, edit(&draft, |f, v| f.status = v), None) }
                        { input(Input::new("l-community", c.f_community, &draft.community, edit(&draft, |f, v| f.community = v))) }
                        { input(Input::new("l-from", c.f_from, &draft.from, edit(&draft, |f, v| f.from = v)).kind("date")) }
                        { input(Input::new("l-to", c.f_to, &draft.to, edit(&draft, |f, v| f.to = v)).kind("date")) }
                    </div>
                    <div class="cn-actions">
                        <button type="submit" class="cn-btn cn-primary">{ c.apply }</button>
                        <button type="button" class="cn-btn cn-secondary" onclick={clear}>{ c.clear }</button>
                    </div>
                </fieldset>
            </form>
            <p><a class="cn-download" href={applied.csv_url()} download="">{ c.download_csv }</a></p>
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            { status_line(c, *loading, n) }
            if let Some(rows) = rows {
                if n.unwrap_or(0) > 0 {
                    { table("cn-ledger", c.ledger_title, &[c.col_filing_no, c.col_receipt, c.col_status, c.col_applicant, c.col_site,
                        c.col_community, c.col_contractor, c.col_scope, c.col_high_risk, c.col_filed_on, c.col_schedule, c.col_valid_until], rows) }
                }
            }
            { pager(c, &cursor, next) }
        </section>
    }
}
