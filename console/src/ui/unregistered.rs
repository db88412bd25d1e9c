//! `#/unregistered`: work found on patrol or reported at an address with no registration
//! (`INSPECTION_UNREGISTERED`, rules.md §9.1, 第三十条第（三）项) — the address, what was seen, the
//! findings (each with its `rectify_by`), and, for the street office, each finding's referral at once
//! (第三十六条: target, the department for `REF_DEPARTMENT` — usual ones first — and the reason). Below,
//! the records of unregistered work already made in the account's scope.

use super::ctx::{Ctx, spawn};
use super::form::{Input, error_summary, input, on_submit, select, textarea};
use super::inspections::time_words;
use super::referral::department_select;
use super::table::table;
use super::web;
use crate::i18n::fill;
use crate::i18n::inspect::{code_words, ins};
use crate::i18n::manage::mg;
use crate::inspect::may_refer;
use crate::manage::{UrDraft, UrFinding, ur_body, ur_field_id, ur_id, ur_missing};
use anbei_core::manage::Finding;
use anbei_widget::json::Json;
use anbei_widget::ui::web as wweb;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

const TARGETS: [&str; 4] = [
    "REF_STREET_ENFORCEMENT",
    "REF_INDUSTRY_SAFETY",
    "REF_DEPARTMENT",
    "REF_LAND_PLANNING",
];

fn fresh(street: &str) -> UrDraft {
    UrDraft {
        street: street.to_string(),
        found_on: wweb::today_shanghai().to_string(),
        findings: vec![UrFinding {
            code: "F_UNREGISTERED".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// A setter of one field of the draft.
fn edit(
    h: &UseStateHandle<UrDraft>,
    f: impl Fn(&mut UrDraft, String) + 'static,
) -> Callback<String> {
    let h = h.clone();
    Callback::from(move |v: String| {
        let mut d = (*h).clone();
        f(&mut d, v);
        h.set(d);
    })
}

/// A setter of one field of finding `i`.
fn edit_f(
    h: &UseStateHandle<UrDraft>,
    i: usize,
    f: fn(&mut UrFinding, String),
) -> Callback<String> {
    edit(h, move |d, v| {
        if let Some(x) = d.findings.get_mut(i) {
            f(x, v);
        }
    })
}

#[function_component(Unregistered)]
pub fn unregistered(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let (x, m) = (ins(lang), mg(lang));
    let account = ctx.account.clone();
    let role = account.as_ref().map_or("", |a| a.role.as_str()).to_string();
    let own_street = account
        .as_ref()
        .and_then(|a| a.street.clone())
        .unwrap_or_default();
    let officer = may_refer(&role);
    let draft = use_state(|| {
        let mut d = fresh(&own_street);
        d.community = account
            .as_ref()
            .and_then(|a| a.community.clone())
            .unwrap_or_default();
        d
    });
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);
    let done = use_state(String::new);
    let recent = use_state(|| None::<Vec<Json>>);
    let reload = use_state(|| 0u32);
    {
        let (ctx, recent) = (ctx.clone(), recent.clone());
        use_effect_with(*reload, move |_| {
            spawn(async move {
                if let Ok(j) = ctx.get("/api/v1/inspections?status=done").await {
                    let mut v: Vec<Json> = match j.get("items") {
                        Some(Json::Arr(a)) => a
                            .iter()
                            .filter(|i| i.str_at("kind") == "INSPECTION_UNREGISTERED")
                            .cloned()
                            .collect(),
                        _ => Vec::new(),
                    };
                    v.reverse();
                    recent.set(Some(v));
                }
            });
        });
    }

    let submit = {
        let (ctx, draft, errors, busy, done, reload) = (
            ctx.clone(),
            draft.clone(),
            errors.clone(),
            busy.clone(),
            done.clone(),
            reload.clone(),
        );
        let own_street = own_street.clone();
        on_submit(move || {
            if *busy {
                return;
            }
            let m = mg(ctx.lang);
            let missing = ur_missing(&draft);
            if !missing.is_empty() {
                let label = |what: &str| match what {
                    "street" => m.ur_street,
                    "address" => m.ur_address,
                    "code" => m.ur_code,
                    "note" => m.ur_finding_note,
                    "target" => ins(ctx.lang).ref_target,
                    "department" => m.ref_department,
                    _ => ins(ctx.lang).ref_reason,
                };
                errors.set(
                    missing
                        .into_iter()
                        .map(|(id, what)| (id, super::form::required(ctx.c(), label(what))))
                        .collect(),
                );
                done.set(String::new());
                web::focus_soon("ur-errors");
                return;
            }
            busy.set(true);
            let body = ur_body(&draft);
            let (ctx, draft, errors, busy, done, reload) = (
                ctx.clone(),
                draft.clone(),
                errors.clone(),
                busy.clone(),
                done.clone(),
                reload.clone(),
            );
            let own_street = own_street.clone();
            spawn(async move {
                let r = ctx.call("POST", "/api/v1/inspections", Some(body)).await;
                busy.set(false);
                match r {
                    Ok(j) => {
                        let address = j
                            .get("inspection")
                            .map(|i| i.str_at("address").to_string())
                            .unwrap_or_default();
                        errors.set(Vec::new());
                        done.set(fill(mg(ctx.lang).ur_done, &[("address", &address)]));
                        let mut next = fresh(&own_street);
                        next.community = draft.community.clone();
                        draft.set(next);
                        reload.set(*reload + 1);
                        web::focus_soon("ur-done");
                    }
                    Err(super::ctx::Fail::Handled) => {}
                    Err(super::ctx::Fail::Problem(pb)) if !pb.errors.is_empty() => {
                        errors.set(
                            pb.errors
                                .iter()
                                .map(|e| {
                                    let msg = ctx.lang.pick(&e.zh, &e.en);
                                    (
                                        ur_field_id(&e.field),
                                        if msg.is_empty() {
                                            e.zh.clone()
                                        } else {
                                            msg.to_string()
                                        },
                                    )
                                })
                                .collect(),
                        );
                        web::focus_soon("ur-errors");
                    }
                    Err(f) => {
                        errors.set(vec![(String::new(), ctx.fail_text(&f))]);
                        web::focus_soon("ur-errors");
                    }
                }
            });
        })
    };
    let add = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut d = (*draft).clone();
            d.findings.push(UrFinding::default());
            let n = d.findings.len() - 1;
            draft.set(d);
            web::focus_soon(&ur_id("code", Some(n)));
        })
    };
    let err_of = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());

    let mut codes = vec![(String::new(), m.ur_choose.to_string())];
    codes.extend(Finding::ALL.iter().map(|f| {
        let code = f.code().as_str();
        (code.to_string(), code_words(code, lang))
    }));
    let mut targets = vec![(String::new(), m.ur_choose.to_string())];
    targets.extend(TARGETS.iter().map(|t| (t.to_string(), code_words(t, lang))));
    let streets: Vec<(String, String)> = std::iter::once((String::new(), m.ur_choose.to_string()))
        .chain(engine.streets().iter().map(|s| {
            (
                s.code.clone(),
                lang.pick(&s.name.zh, &s.name.en).to_string(),
            )
        }))
        .collect();
    let n_findings = draft.findings.len();
    let finding = |i: usize, f: &UrFinding| {
        let remove = {
            let draft = draft.clone();
            Callback::from(move |_: MouseEvent| {
                let mut d = (*draft).clone();
                if i < d.findings.len() {
                    d.findings.remove(i);
                }
                draft.set(d);
                web::focus_soon("ur-add");
            })
        };
        let toggle = {
            let draft = draft.clone();
            Callback::from(move |e: Event| {
                let on = e
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .checked();
                let mut d = (*draft).clone();
                if let Some(x) = d.findings.get_mut(i) {
                    x.refer = on;
                }
                draft.set(d);
            })
        };
        let n = (i + 1).to_string();
        let id = |part: &str| ur_id(part, Some(i));
        html! {
            <fieldset class="cn-ur-finding">
                <legend>{ fill(m.ur_finding_n, &[("n", &n)]) }</legend>
                { select(&id("code"), m.ur_code, &f.code, codes.clone(), edit_f(&draft, i, |x, v| x.code = v), err_of(&id("code"))) }
                { textarea(&id("note"), m.ur_finding_note, &f.note, edit_f(&draft, i, |x, v| x.note = v), err_of(&id("note")), true) }
                { input(Input::new(&id("rectify_by"), m.ur_rectify_by, &f.rectify_by, edit_f(&draft, i, |x, v| x.rectify_by = v))
                    .kind("date").hint(m.ur_rectify_hint).error(err_of(&id("rectify_by")))) }
                if officer {
                    <div class="cn-check">
                        <input type="checkbox" id={id("refer")} checked={f.refer} onchange={toggle}
                            aria-controls={id("referral")} />
                        <label for={id("refer")}>{ m.ur_refer }</label>
                    </div>
                    <div id={id("referral")}>
                        if f.refer {
                            { select(&id("target"), x.ref_target, &f.target, targets.clone(), edit_f(&draft, i, |x, v| x.target = v), err_of(&id("target"))) }
                            if f.target == "REF_DEPARTMENT" {
                                { department_select(ctx, &id("department"), &f.department, &[], edit_f(&draft, i, |x, v| x.department = v), err_of(&id("department"))) }
                            }
                            { textarea(&id("reason"), x.ref_reason, &f.reason, edit_f(&draft, i, |x, v| x.reason = v), err_of(&id("reason")), true) }
                        }
                    </div>
                }
                if n_findings > 1 {
                    <button type="button" class="cn-btn cn-quiet" onclick={remove}>{ fill(m.ur_remove_finding, &[("n", &n)]) }</button>
                }
            </fieldset>
        }
    };
    let rows = recent.as_ref().map(|v| {
        v.iter()
            .map(|i| {
                html! {
                    <tr>
                        <td class="cn-nowrap" data-label={m.ur_col_when}>{ time_words(lang, i.str_at("inspected_at")) }</td>
                        <td class="cn-wide" data-label={m.ur_col_address}>{ i.str_at("address").to_string() }</td>
                        <td data-label={m.ur_col_community}>{ i.str_at("community").to_string() }</td>
                        <td class="cn-wide" data-label={m.rf_col}>{ super::inspections::findings_cell(lang, i) }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let n_recent = recent.as_ref().map(Vec::len);

    html! {
        <section aria-labelledby="cn-h1" class="cn-unregistered">
            <h1 id="cn-h1" tabindex="-1">{ m.ur_title }</h1>
            <p>{ m.ur_intro }</p>
            <p id="ur-done" class="cn-done" role="status" tabindex="-1">{ (*done).clone() }</p>
            <form class="cn-card cn-ur-form" onsubmit={submit} novalidate=true aria-labelledby="cn-h1">
                { error_summary("ur-errors", c.errors_title, &errors) }
                if own_street.is_empty() {
                    { select("ur-street", m.ur_street, &draft.street, streets, edit(&draft, |d, v| d.street = v), err_of("ur-street")) }
                } else {
                    <p><strong>{ m.ur_street }{ lang.pick("：", ": ") }</strong>{ crate::i18n::street_name(engine, &own_street, lang) }</p>
                }
                { input(Input::new("ur-community", m.ur_community, &draft.community, edit(&draft, |d, v| d.community = v)).error(err_of("ur-community"))) }
                { input(Input::new("ur-address", m.ur_address, &draft.address, edit(&draft, |d, v| d.address = v))
                    .hint(m.ur_address_hint).required().error(err_of("ur-address"))) }
                { input(Input::new("ur-inspected_at", m.ur_when, &draft.found_on, edit(&draft, |d, v| d.found_on = v))
                    .kind("date").error(err_of("ur-inspected_at"))) }
                { textarea("ur-note", m.ur_note, &draft.note, edit(&draft, |d, v| d.note = v), err_of("ur-note"), false) }
                <h2>{ m.ur_findings }</h2>
                { for draft.findings.iter().enumerate().map(|(i, f)| finding(i, f)) }
                <p><button type="button" id="ur-add" class="cn-btn cn-secondary" onclick={add}>{ m.ur_add_finding }</button></p>
                if !officer { <p class="cn-hint">{ m.ur_refer_officer }</p> }
                <div class="cn-actions">
                    <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ m.ur_submit }</button>
                </div>
            </form>
            <h2>{ m.ur_recent }</h2>
            if n_recent == Some(0) { <p>{ m.ur_none }</p> }
            if let Some(rows) = rows {
                if n_recent.unwrap_or(0) > 0 {
                    { table("cn-ur-list", m.ur_recent, &[m.ur_col_when, m.ur_col_address, m.ur_col_community, m.rf_col], rows) }
                }
            }
            <p><a href={crate::route::Route::Inspections.hash()}>{ x.back_to_list }</a></p>
        </section>
    }
}
