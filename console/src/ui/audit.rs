//! The audit log (admins): filters by account, action and dates, the table, paging and a CSV link.

use super::ctx::{Ctx, spawn};
use super::form::{Input, input, on_submit};
use super::queue::edit;
use super::table::{Cursor, pager, status_line, table};
use crate::i18n;
use crate::model::{AuditRow, Page, audit_page, display_name};
use crate::query::AuditFilter;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

#[function_component(Audit)]
pub fn audit(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang) = (ctx.c(), ctx.lang);
    let applied = use_state(AuditFilter::default);
    let draft = use_state(AuditFilter::default);
    let cursor = use_state(Cursor::default);
    let page = use_state(|| None::<Page<AuditRow>>);
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
                        page.set(Some(audit_page(&j)));
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
            applied.set(AuditFilter::default());
            draft.set(AuditFilter::default());
            cursor.set(Cursor::default());
        })
    };
    let rows = page.as_ref().map(|pg| {
        pg.items
            .iter()
            .map(|r| {
                html! {
                    <tr>
                        <td>{ r.seq.clone() }</td>
                        <td class="cn-nowrap">{ i18n::fmt_time(&r.at) }</td>
                        <td>{ display_name(&r.account_name, &r.account, lang) }</td>
                        <td class="cn-nowrap">{ i18n::role(c, &r.role) }</td>
                        <td><code>{ r.action.clone() }</code></td>
                        <td class="cn-nowrap">{ r.target.clone() }</td>
                        <td>{ r.client.clone() }</td>
                        <td>{ r.outcome.clone() }</td>
                        <td class="cn-break">{ r.detail.clone() }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let n = page.as_ref().map(|pg| pg.items.len());
    let next = page.as_ref().and_then(|pg| pg.next.clone());
    html! {
        <section aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.audit_title }</h1>
            <p>{ c.audit_intro }</p>
            <form class="cn-filters" onsubmit={apply} novalidate=true>
                <fieldset>
                    <legend>{ c.filters }</legend>
                    <div class="cn-filter-grid">
                        { input(Input::new("a-account", c.f_account, &draft.account, edit(&draft, |f, v| f.account = v))) }
                        { input(Input::new("a-action", c.f_action, &draft.action, edit(&draft, |f, v| f.action = v))) }
                        { input(Input::new("a-from", c.f_date_from, &draft.from, edit(&draft, |f, v| f.from = v)).kind("date")) }
                        { input(Input::new("a-to", c.f_date_to, &draft.to, edit(&draft, |f, v| f.to = v)).kind("date")) }
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
                    { table("cn-audit", c.audit_title, &[c.col_seq, c.col_at, c.col_account, c.col_role, c.f_action, c.col_target, c.col_client, c.col_outcome, c.col_detail], rows) }
                }
            }
            { pager(c, &cursor, next) }
        </section>
    }
}
