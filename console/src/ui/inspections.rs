//! The inspections list (rules.md §9.1, §10): what is due, overdue and done in the account's scope —
//! overdue first, due dates in words, kinds in words — each leading to its registration and, for an
//! account that records that kind, to the record screen.

use super::ctx::{Ctx, spawn};
use super::queue::overdue_mark;
use super::table::{status_line, table};
use crate::i18n::fill;
use crate::i18n::inspect::{Ins, code_words, ins};
use crate::inspect::{may_record, sort_entries};
use crate::route::Route;
use anbei_core::Date;
use anbei_widget::i18n::{Lang, fmt_day};
use anbei_widget::json::Json;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

/// A date of the API (`YYYY-MM-DD`, or the date of a time) in words; "" for none.
pub fn day_words(lang: Lang, t: &str) -> String {
    t.get(..10)
        .and_then(Date::parse)
        .map_or_else(String::new, |d| fmt_day(lang, d))
}

/// A time of the API in words and Beijing time: 2026年5月6日 10:05.
pub fn time_words(lang: Lang, t: &str) -> String {
    let local = crate::i18n::fmt_time(t);
    match local.split_once(' ') {
        Some((d, hm)) => format!("{} {hm}", day_words(lang, d)),
        None => day_words(lang, &local),
    }
}

/// "2026年5月9日前" and, when overdue, the mark in words.
pub fn due_cell(x: &Ins, c: &crate::i18n::Catalogue, lang: Lang, due: &str, overdue: bool) -> Html {
    if due.is_empty() {
        return html! { { x.no_due } };
    }
    html! {
        <>
            { fill(x.due_in_words, &[("date", &day_words(lang, due))]) }
            if overdue { <br />{ overdue_mark(c) } }
        </>
    }
}

/// A record's findings as the inspections list gives them (`findings`): each in words with its state
/// and, once referred, where to and when ("referred late" marked).
pub fn findings_cell(lang: Lang, i: &Json) -> Html {
    let (x, m) = (ins(lang), crate::i18n::manage::mg(lang));
    let words = |t: Option<&Json>, code: &str| {
        t.map_or_else(
            || code.to_string(),
            |t| lang.pick(t.str_at("zh"), t.str_at("en")).to_string(),
        )
    };
    let list = match i.get("findings") {
        Some(Json::Arr(a)) if !a.is_empty() => a,
        _ => return html! { { m.rf_none } },
    };
    html! {
        <ul class="cn-list">
            { for list.iter().map(|f| {
                let refs = match f.get("referrals") { Some(Json::Arr(a)) => a.clone(), _ => Vec::new() };
                html! {
                    <li>{ words(f.get("title"), f.str_at("code")) }{ " · " }
                        { super::findings::state_words(x, crate::inspect::finding_state(f)) }
                        { for refs.iter().map(|r| {
                            let mut to = words(r.get("title"), r.str_at("target"));
                            if let Some(d) = r.get("department_name") {
                                to = format!("{to}{}{}", lang.pick("·", " · "), words(Some(d), ""));
                            }
                            let late = r.get("late").and_then(Json::as_bool) == Some(true);
                            html! { <><br /><span class="cn-small">
                                { fill(m.rf_referred, &[("target", &to), ("date", &day_words(lang, r.str_at("referred_on")))]) }
                                if late { { " · " }{ x.ref_late } }</span></> }
                        }) }
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Due,
    Overdue,
    Done,
}

#[function_component(Inspections)]
pub fn inspections(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang) = (ctx.c(), ctx.lang);
    let x = ins(lang);
    let tab = use_state(|| Tab::Due);
    let due = use_state(|| None::<Vec<Json>>);
    let done = use_state(|| None::<Vec<Json>>);
    let error = use_state(String::new);
    {
        let (ctx, due, done, error) = (ctx.clone(), due.clone(), done.clone(), error.clone());
        use_effect_with((), move |_| {
            spawn(async move {
                for (status, h) in [("due", due), ("done", done)] {
                    match ctx
                        .get(&format!("/api/v1/inspections?status={status}"))
                        .await
                    {
                        Ok(j) => {
                            let mut items = match j.get("items") {
                                Some(Json::Arr(a)) => a.clone(),
                                _ => Vec::new(),
                            };
                            if status == "due" {
                                sort_entries(&mut items);
                            } else {
                                // the most recent first
                                items.reverse();
                            }
                            h.set(Some(items));
                        }
                        Err(f) => {
                            error.set(ctx.fail_text(&f));
                            return;
                        }
                    }
                }
            });
        });
    }
    let role = ctx
        .account
        .as_ref()
        .map_or("", |a| a.role.as_str())
        .to_string();
    let overdue = |j: &Json| j.get("overdue").and_then(Json::as_bool) == Some(true);
    let list: Option<Vec<Json>> = match *tab {
        Tab::Due => (*due).clone(),
        Tab::Overdue => due
            .as_ref()
            .map(|v| v.iter().filter(|j| overdue(j)).cloned().collect()),
        Tab::Done => (*done).clone(),
    };
    let count = |t: Tab| match t {
        Tab::Due => due.as_ref().map(Vec::len),
        Tab::Overdue => due
            .as_ref()
            .map(|v| v.iter().filter(|j| overdue(j)).count()),
        Tab::Done => done.as_ref().map(Vec::len),
    };
    let tabs = [(Tab::Due, x.tab_due), (Tab::Overdue, x.tab_overdue), (Tab::Done, x.tab_done)]
        .into_iter()
        .map(|(t, label)| {
            let h = tab.clone();
            let on = *tab == t;
            let onclick = Callback::from(move |_: MouseEvent| h.set(t));
            html! {
                <li><button type="button" class={classes!("cn-tab", on.then_some("cn-tab-on"))}
                    aria-pressed={if on { "true" } else { "false" }} {onclick}>
                    { label }<span class="cn-count">{ count(t).map(|n| n.to_string()).unwrap_or_default() }</span>
                </button></li>
            }
        })
        .collect::<Html>();
    let is_done = *tab == Tab::Done;
    let rf = crate::i18n::manage::mg(lang);
    let rows = list.as_ref().map(|items| {
        items
            .iter()
            .map(|i| {
                let kind = i.str_at("kind");
                let no = i.str_at("filing_no");
                let work = if no.is_empty() {
                    html! { { i.str_at("address").to_string() } }
                } else {
                    html! { <a href={Route::Filing(no.to_string()).hash()}>{ no.to_string() }</a> }
                };
                let when = if is_done {
                    html! { { time_words(lang, i.str_at("inspected_at")) } }
                } else {
                    due_cell(x, c, lang, i.str_at("due"), overdue(i))
                };
                let act = (!is_done && !no.is_empty() && may_record(&role, kind)).then(|| {
                    html! { <a class="cn-btn cn-secondary cn-btn-link" href={Route::Record(no.to_string(), kind.to_string()).hash()}
                        aria-label={format!("{} · {no}", x.record)}>{ x.record }</a> }
                });
                html! {
                    <tr class={classes!(overdue(i).then_some("cn-row-overdue"))}>
                        <td data-label={x.col_kind}>{ code_words(kind, lang) }</td>
                        <td class="cn-nowrap" data-label={x.col_work}>{ work }
                            if !i.str_at("community").is_empty() { <br /><span class="cn-small">{ i.str_at("community").to_string() }</span> }</td>
                        <td data-label={if is_done { x.col_done } else { x.col_due }}>{ when }</td>
                        if is_done { <td class="cn-wide" data-label={rf.rf_col}>{ findings_cell(lang, i) }</td> }
                        <td>{ for act }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let n = list.as_ref().map(Vec::len);
    let empty = match *tab {
        Tab::Due => x.none_due,
        Tab::Overdue => x.none_overdue,
        Tab::Done => x.none_done,
    };
    html! {
        <section aria-labelledby="cn-h1" class="cn-inspections">
            <h1 id="cn-h1" tabindex="-1">{ x.title }</h1>
            <p>{ x.intro }</p>
            if may_record(&role, "INSPECTION_UNREGISTERED") {
                <p><a class="cn-btn cn-secondary cn-btn-link" href={Route::Unregistered.hash()}>
                    { crate::i18n::manage::mg(lang).ur_link }</a></p>
            }
            <ul class="cn-tabs" aria-label={x.caption}>{ tabs }</ul>
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            if n == Some(0) {
                <p class="cn-status" role="status">{ empty }</p>
            } else {
                { status_line(c, n.is_none() && error.is_empty(), n) }
            }
            if let Some(rows) = rows {
                if n.unwrap_or(0) > 0 {
                    if is_done {
                        { table("cn-inspections", x.caption, &[x.col_kind, x.col_work, x.col_done, rf.rf_col, x.col_next], rows) }
                    } else {
                        { table("cn-inspections", x.caption, &[x.col_kind, x.col_work, x.col_due, x.col_next], rows) }
                    }
                }
            }
        </section>
    }
}
