//! Recording an inspection of a registration (rules.md §9.2, §9.3; 第二十九条—第三十四条), made for a
//! phone at 360 px as much as for a desk: the checklist generated from the determination (each item
//! with its text, its article and why it applies), each item OK / finding / not applicable with a note,
//! the finding's kind chosen in words from those the item offers, its rectification date (the default
//! shown in words), photos taken with the phone's camera (uploaded like documents), and a confirmation
//! before it is sent. The API's errors come back next to their fields. Afterwards: the revocation a
//! finding calls for, the escalation a major hazard on engineering work awaits, the referrals due.

use super::ctx::{Ctx, spawn};
use super::filing::fail_errors;
use super::form::{Input, error_summary, input, on_submit, select, textarea};
use super::inspections::day_words;
use super::web;
use crate::assess::decide;
use crate::i18n::fill;
use crate::i18n::inspect::{code_words, ins};
use crate::inspect::{
    ItemAnswer, Missing, asks_rectification, field_of, findings_for, may_record, may_refer,
    missing, record_body, same_day_referral,
};
use crate::query::segment;
use crate::route::Route;
use anbei_core::Date;
use anbei_core::model::Kind;
use anbei_widget::i18n::Lang;
use anbei_widget::json::{Json, obj};
use anbei_widget::ui::web as wweb;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
    pub no: String,
    pub kind: String,
}

/// One item of the checklist as the form shows it (from the API's view or the core).
#[derive(Clone, PartialEq)]
pub struct Row {
    pub code: String,
    pub article: String,
    pub text: (String, String),
    pub because: Vec<(String, String)>,
}

/// The checklist of the API's JSON (`[{code, article, text{zh,en}, because[{on, text{zh,en}}]}]`).
pub fn rows_of(j: &Json) -> Vec<Row> {
    let pair = |t: Option<&Json>| {
        t.map_or_else(Default::default, |t| {
            (t.str_at("zh").to_string(), t.str_at("en").to_string())
        })
    };
    match j {
        Json::Arr(a) => a
            .iter()
            .map(|i| Row {
                code: i.str_at("code").to_string(),
                article: i.str_at("article").to_string(),
                text: pair(i.get("text")),
                because: match i.get("because") {
                    Some(Json::Arr(b)) => b.iter().map(|r| pair(r.get("text"))).collect(),
                    _ => Vec::new(),
                },
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Which inspections share a checklist (§9.2: the site items, the completion items, the watch).
fn group(kind: &str) -> u8 {
    match kind {
        "INSPECTION_COMPLETION" => 1,
        "INSPECTION_PROPERTY_WATCH" => 2,
        _ => 0,
    }
}

/// What the record screen needs of the registration.
#[derive(Clone, PartialEq)]
struct Loaded {
    rows: Vec<Row>,
    odd_job: bool,
}

/// The checklist of `kind` for the registration `v`: a scheduled inspection's (the API's), another
/// inspection's of the same group, or the core's over the filed facts (offline like the widget).
fn load(ctx: &Ctx, v: &Json, kind: &str) -> Loaded {
    let engine = ctx.engine.0;
    let list: Vec<Json> = match v.get("inspections") {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    };
    let escalated = list.iter().any(|i| match i.get("findings") {
        Some(Json::Arr(f)) => f.iter().any(|f| f.str_at("escalation") == "confirmed"),
        _ => false,
    });
    let from_api = list
        .iter()
        .find(|i| i.str_at("kind") == kind && i.str_at("status") == "due")
        .or_else(|| list.iter().find(|i| group(i.str_at("kind")) == group(kind)))
        .map(|i| rows_of(i.get("checklist").unwrap_or(&Json::Null)))
        .filter(|r| !r.is_empty());
    let facts = v
        .get("request")
        .and_then(|r| r.get("facts"))
        .cloned()
        .unwrap_or_default();
    let day = Date::parse(v.str_at("filed_on")).unwrap_or_else(wweb::today_shanghai);
    let decided = decide(engine, &facts, day);
    let odd_job = decided
        .as_ref()
        .is_some_and(|(_, a)| a.kind == Some(Kind::OddJob));
    let _ = escalated;
    let rows = from_api.unwrap_or_default();
    Loaded { rows, odd_job }
}

fn pick(lang: Lang, t: &(String, String)) -> String {
    let s = lang.pick(&t.0, &t.1);
    if s.is_empty() {
        t.0.clone()
    } else {
        s.to_string()
    }
}

#[function_component(Record)]
pub fn record(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let x = ins(lang);
    let loaded = use_state(|| None::<Rc<Loaded>>);
    let error = use_state(String::new);
    let items = use_mut_ref(Vec::<ItemAnswer>::new);
    let redraw = use_force_update();
    let date = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let uploading = use_state(|| 0u32);
    let result = use_state(|| None::<Rc<Json>>);
    let escalated = use_state(String::new);
    let role = ctx
        .account
        .as_ref()
        .map_or("", |a| a.role.as_str())
        .to_string();
    {
        let (ctx, loaded, error, items, kind) = (
            ctx.clone(),
            loaded.clone(),
            error.clone(),
            items.clone(),
            p.kind.clone(),
        );
        let url = format!("/api/v1/registrations/{}", segment(&p.no));
        use_effect_with((), move |_| {
            spawn(async move {
                match ctx.get(&url).await {
                    Ok(v) => {
                        let l = load(&ctx, &v, &kind);
                        *items.borrow_mut() = l
                            .rows
                            .iter()
                            .map(|r| ItemAnswer {
                                code: r.code.clone(),
                                ..Default::default()
                            })
                            .collect();
                        loaded.set(Some(Rc::new(l)));
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }
    let title = fill(x.rec_title, &[("no", &p.no)]);
    let head = html! {
        <>
            <p class="cn-back"><a href={Route::Filing(p.no.clone()).hash()}>{ "← " }{ x.back_to_filing }</a></p>
            <h1 id="cn-h1" tabindex="-1">{ title }</h1>
            <p class="cn-kind"><span class="cn-small">{ x.rec_kind_label }{ lang.pick("：", ": ") }</span><strong>{ code_words(&p.kind, lang) }</strong></p>
        </>
    };
    let wrap = |body: Html| html! { <section aria-labelledby="cn-h1" class="cn-record">{ head.clone() }{ body }</section> };
    if !may_record(&role, &p.kind) {
        return wrap(html! { <p class="cn-error" role="alert">{ x.rec_not_allowed }</p> });
    }
    let Some(l) = (*loaded).clone() else {
        return wrap(if error.is_empty() {
            html! { <p class="cn-status" role="status">{ c.loading }</p> }
        } else {
            html! { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
        });
    };
    if l.rows.is_empty() {
        return wrap(html! { <p class="cn-error" role="alert">{ x.rec_no_checklist }</p> });
    }

    // after sending: what the officer is asked next
    if let Some(r) = (*result).clone() {
        return wrap(after(ctx, &p.no, &r, &l, &role, &escalated));
    }

    let today = wweb::today_shanghai();
    let default_by = engine.rectify_by(today).date;
    let err_of = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let now = items.borrow().clone();
    let fieldsets = l.rows.iter().enumerate().map(|(i, row)| {
        let a = &now[i];
        let text = pick(lang, &row.text);
        let set = |f: fn(&mut ItemAnswer, String)| {
            let (items, redraw, errors) = (items.clone(), redraw.clone(), errors.clone());
            Callback::from(move |v: String| {
                if let Some(it) = items.borrow_mut().get_mut(i) {
                    f(it, v);
                }
                // an item changed: its errors are answered (the summary is redone on the next submit)
                let own = format!("ins-{i}-");
                if errors.iter().any(|(id, _)| id.starts_with(&own)) {
                    errors.set(errors.iter().filter(|(id, _)| !id.starts_with(&own)).cloned().collect());
                }
                redraw.force_update();
            })
        };
        let radio = |value: &'static str, label: &'static str| {
            let id = format!("ins-{i}-a-{value}");
            let onchange = {
                let s = set(|it, v| it.answer = v);
                Callback::from(move |_: Event| s.emit(value.to_string()))
            };
            let err = err_of(&format!("ins-{i}-a-ok"));
            html! {
                <label class="cn-choice" for={id.clone()}>
                    <input type="radio" id={id.clone()} name={format!("ins-{i}")} value={value}
                        checked={a.answer == value} {onchange}
                        aria-describedby={err.is_some().then(|| format!("ins-{i}-a-ok-err"))} />
                    <span>{ label }</span>
                </label>
            }
        };
        let answer_err = err_of(&format!("ins-{i}-a-ok"));
        let because: Vec<String> = row.because.iter().map(|b| pick(lang, b)).filter(|s| !s.is_empty()).collect();
        let note_label = match a.answer.as_str() {
            "finding" => x.note_finding,
            _ => x.note_na,
        };
        let finding_opts = {
            let mut v = vec![(String::new(), c.reason_choose.to_string())];
            v.extend(findings_for(&row.code).into_iter().map(|f| (f.to_string(), code_words(f, lang))));
            v
        };
        let photo_id = format!("ins-{i}-photo");
        let on_photo = {
            let (items, redraw, uploading, errors) = (items.clone(), redraw.clone(), uploading.clone(), errors.clone());
            let pid = photo_id.clone();
            Callback::from(move |e: Event| {
                let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
                let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
                input.set_value("");
                let ty = match file.type_() {
                    t if t.is_empty() => "application/octet-stream".to_string(),
                    t => t,
                };
                let name: String = js_sys::encode_uri_component(&file.name()).into();
                uploading.set(*uploading + 1);
                let (items, redraw, uploading, errors, pid) = (items.clone(), redraw.clone(), uploading.clone(), errors.clone(), pid.clone());
                wweb::send("POST", "/api/v1/uploads", &[("Content-Type", ty), ("X-Filename", name)], wweb::Body::File(file), None,
                    Box::new(move |st, text| {
                        uploading.set(uploading.saturating_sub(1));
                        let id = wweb::parse_json(&text).map(|v| v.str_at("upload_id").to_string())
                            .filter(|id| !id.is_empty() && matches!(st, 200 | 201));
                        let mut errs: Vec<(String, String)> = errors.iter().filter(|(f, _)| *f != pid).cloned().collect();
                        match id {
                            Some(id) => { if let Some(it) = items.borrow_mut().get_mut(i) { it.photos.push(id); } }
                            None => errs.push((pid.clone(), anbei_widget::filing::upload_refusal(st, lang).to_string())),
                        }
                        errors.set(errs);
                        redraw.force_update();
                    }));
            })
        };
        let photo_err = err_of(&photo_id);
        let asks = asks_rectification(&a.finding, l.odd_job);
        html! {
            <fieldset class={classes!("cn-item", answer_err.is_some().then_some("cn-invalid"))} id={format!("ins-{i}")}>
                <legend>{ format!("{}. ", i + 1) }{ text.clone() }</legend>
                <p class="cn-small cn-why">{ crate::i18n::fill(lang.pick("依据{a}", "{a}"), &[("a", &anbei_widget::i18n::article(lang, &row.article))]) }
                    if !because.is_empty() { { " · " }{ x.because }{ lang.pick("：", ": ") }{ because.join(lang.pick("；", "; ")) } }</p>
                if let Some(e) = answer_err { <p class="cn-field-error" id={format!("ins-{i}-a-ok-err")}>{ e }</p> }
                <div class="cn-choices">
                    { radio("ok", x.ans_ok) }{ radio("finding", x.ans_finding) }{ radio("not_applicable", x.ans_na) }
                </div>
                if a.answer == "finding" || a.answer == "not_applicable" {
                    { textarea(&format!("ins-{i}-note"), note_label, &a.note, set(|it, v| it.note = v), err_of(&format!("ins-{i}-note")), true) }
                }
                if a.answer == "finding" {
                    { select(&format!("ins-{i}-finding"), x.finding_kind, &a.finding, finding_opts, set(|it, v| it.finding = v), err_of(&format!("ins-{i}-finding"))) }
                    if !a.finding.is_empty() {
                        if asks {
                            { input(Input::new(&format!("ins-{i}-rectify"), x.rectify_by, if a.rectify_by.is_empty() { default_by.to_string() } else { a.rectify_by.clone() }.as_str(),
                                { let s = set(|it, v| it.rectify_by = v); let d = default_by.to_string(); Callback::from(move |v: String| s.emit(if v == d { String::new() } else { v })) })
                                .kind("date").hint(&fill(x.rectify_hint, &[("date", &day_words(lang, &default_by.to_string()))])).error(err_of(&format!("ins-{i}-rectify")))) }
                        } else {
                            <p class="cn-hint">{ x.rectify_none }</p>
                        }
                    }
                }
                if !a.answer.is_empty() {
                    <div class={classes!("cn-field", "cn-photo", photo_err.is_some().then_some("cn-invalid"))}>
                        <input type="file" class="cn-file" id={photo_id.clone()} accept="image/*" capture="environment"
                            aria-describedby={format!("{photo_id}-hint")} onchange={on_photo} />
                        <label for={photo_id.clone()} class="cn-btn cn-secondary cn-file-label">{ x.photo_take }</label>
                        <p class="cn-hint" id={format!("{photo_id}-hint")}>{ x.photo_hint }</p>
                        if let Some(e) = photo_err { <p class="cn-field-error" id={format!("{photo_id}-err")}>{ e }</p> }
                        <ul class="cn-photos" aria-live="polite">
                            { for (1..=a.photos.len()).map(|n| html! { <li>{ "✓ " }{ fill(x.photo_added, &[("n", &n.to_string())]) }</li> }) }
                        </ul>
                    </div>
                }
            </fieldset>
        }
    });

    let submit = {
        let (items, errors, confirming, rows) = (
            items.clone(),
            errors.clone(),
            confirming.clone(),
            l.rows.clone(),
        );
        on_submit(move || {
            let m = missing(&items.borrow());
            if m.is_empty() {
                errors.set(Vec::new());
                confirming.set(true);
                web::focus_soon("ins-confirm");
                return;
            }
            let name = |i: usize| rows.get(i).map(|r| pick(lang, &r.text)).unwrap_or_default();
            let it = items.borrow();
            errors.set(
                m.into_iter()
                    .map(|m| match m {
                        Missing::Answer(i) => (
                            format!("ins-{i}-a-ok"),
                            fill(x.err_answer, &[("item", &name(i))]),
                        ),
                        Missing::Note(i) if it[i].answer == "finding" => (
                            format!("ins-{i}-note"),
                            fill(x.err_note_finding, &[("item", &name(i))]),
                        ),
                        Missing::Note(i) => (
                            format!("ins-{i}-note"),
                            fill(x.err_note_na, &[("item", &name(i))]),
                        ),
                        Missing::FindingCode(i) => (
                            format!("ins-{i}-finding"),
                            fill(x.err_finding, &[("item", &name(i))]),
                        ),
                    })
                    .collect(),
            );
            web::focus_soon("ins-errors");
        })
    };
    let send = {
        let (ctx, items, errors, confirming, busy, result, date) = (
            ctx.clone(),
            items.clone(),
            errors.clone(),
            confirming.clone(),
            busy.clone(),
            result.clone(),
            date.clone(),
        );
        let (no, kind) = (p.no.clone(), p.kind.clone());
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (body, of_item) = record_body(&kind, date.trim(), &items.borrow());
            let url = format!("/api/v1/registrations/{}/inspections", segment(&no));
            let (ctx, errors, confirming, busy, result) = (
                ctx.clone(),
                errors.clone(),
                confirming.clone(),
                busy.clone(),
                result.clone(),
            );
            spawn(async move {
                let r = ctx.call("POST", &url, Some(body)).await;
                busy.set(false);
                confirming.set(false);
                match r {
                    Ok(j) => {
                        errors.set(Vec::new());
                        result.set(Some(Rc::new(j)));
                        web::focus_soon("cn-h1");
                    }
                    Err(f) => {
                        // each field the API names, next to it in the form
                        let ids: Vec<(String, String)> = match &f {
                            super::ctx::Fail::Problem(p) => p
                                .errors
                                .iter()
                                .map(|e| {
                                    let id = match e.field.as_str() {
                                        "inspected_at" => "ins-date".to_string(),
                                        f => field_of(f, &of_item).map_or_else(
                                            String::new,
                                            |(i, part)| match part {
                                                "answer" => format!("ins-{i}-a-ok"),
                                                "rectify_by" => format!("ins-{i}-rectify"),
                                                "photos" => format!("ins-{i}-photo"),
                                                p => format!("ins-{i}-{p}"),
                                            },
                                        ),
                                    };
                                    (e.field.clone(), id)
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        let map: Vec<(&str, &str)> =
                            ids.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                        let e = fail_errors(&ctx, &f, &map);
                        if !e.is_empty() {
                            errors.set(e);
                            web::focus_soon("ins-errors");
                        }
                    }
                }
            });
        })
    };
    let back = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            web::focus_soon("ins-submit");
        })
    };
    let n_findings = now.iter().filter(|a| a.answer == "finding").count();
    wrap(html! {
        <form class="cn-record-form" onsubmit={submit} novalidate=true>
            <p>{ x.rec_intro }</p>
            { error_summary("ins-errors", c.errors_title, &errors) }
            { input(Input::new("ins-date", x.rec_date, &date, super::form::setter(&date)).kind("date").hint(x.rec_date_hint).error(err_of("ins-date"))) }
            { for fieldsets }
            if *uploading > 0 { <p class="cn-status" role="status">{ x.photo_uploading }</p> }
            if *confirming {
                <div class="cn-confirm" id="ins-confirm" tabindex="-1" role="alertdialog" aria-labelledby="ins-confirm-text">
                    <p id="ins-confirm-text">{ fill(x.rec_confirm, &[("items", &now.len().to_string()), ("findings", &n_findings.to_string())]) }</p>
                    <div class="cn-actions">
                        <button type="button" class="cn-btn cn-primary" id="ins-send" onclick={send} disabled={*busy || *uploading > 0}>
                            { if *busy { c.sending } else { x.rec_confirm_yes } }</button>
                        <button type="button" class="cn-btn cn-secondary" onclick={back}>{ x.rec_back }</button>
                    </div>
                </div>
            } else {
                <div class="cn-actions">
                    <button type="submit" class="cn-btn cn-primary" id="ins-submit">{ x.rec_submit }</button>
                </div>
            }
        </form>
    })
}

/// After the inspection is recorded: the revocation it calls for (第二十五条), the escalation a
/// major hazard awaits (第三十条第（七）项), the referrals due (第三十条, 第三十六条).
fn after(
    ctx: &Ctx,
    no: &str,
    r: &Json,
    l: &Loaded,
    role: &str,
    escalated: &UseStateHandle<String>,
) -> Html {
    let (c, lang) = (ctx.c(), ctx.lang);
    let x = ins(lang);
    let findings: Vec<Json> = match r.get("inspection").and_then(|i| i.get("findings")) {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    };
    let code_of = |id: &str| {
        findings
            .iter()
            .find(|f| f.str_at("id") == id)
            .map(|f| code_words(f.str_at("code"), lang))
            .unwrap_or_default()
    };
    let officer = may_refer(role);
    let revoke = r.get("revocation_suggested").filter(|v| !v.is_null()).map(|s| {
        let text = fill(x.rec_revoke, &[("finding", &code_of(s.str_at("finding_id"))), ("ground", &crate::i18n::ground(c, s.str_at("ground")))]);
        html! {
            <div class="cn-card cn-warn" role="region" aria-label={c.act_revoke}>
                <p>{ text }</p>
                if officer {
                    <p><a class="cn-btn cn-danger-outline cn-btn-link" href={Route::Filing(no.to_string()).hash()}>{ x.rec_revoke_go }</a></p>
                } else { <p>{ x.rec_revoke_other }</p> }
            </div>
        }
    });
    let escalate = (r.get("escalation_pending").and_then(Json::as_bool) == Some(true)).then(|| {
        let onclick = {
            let (ctx, no, escalated) = (ctx.clone(), no.to_string(), escalated.clone());
            Callback::from(move |_: MouseEvent| {
                let (ctx, escalated) = (ctx.clone(), escalated.clone());
                let url = format!("/api/v1/registrations/{}/escalation", segment(&no));
                spawn(async move {
                    match ctx.call("POST", &url, Some(obj(vec![]))).await {
                        Ok(j) => escalated.set(fill(ins(ctx.lang).rec_escalated, &[("date", &day_words(ctx.lang, j.str_at("due")))])),
                        Err(f) => escalated.set(ctx.fail_text(&f)),
                    }
                    web::focus_soon("ins-escalated");
                });
            })
        };
        html! {
            <div class="cn-card cn-warn">
                <p>{ x.rec_escalate }</p>
                if escalated.is_empty() {
                    if officer { <p><button type="button" class="cn-btn cn-primary" {onclick}>{ x.rec_escalate_btn }</button></p> }
                    else { <p>{ x.rec_escalate_other }</p> }
                }
                <p id="ins-escalated" role="status" tabindex="-1">{ (**escalated).clone() }</p>
            </div>
        }
    });
    let referrals: Vec<Html> = match r.get("referrals_due") {
        Some(Json::Arr(a)) => a.iter().map(|d| {
            let id = d.str_at("finding_id");
            let target = code_words(d.get("suggested").map_or("", |s| s.str_at("code")), lang);
            let code = findings.iter().find(|f| f.str_at("id") == id).map_or("", |f| f.str_at("code"));
            html! {
                <li>{ fill(x.rec_refer, &[("finding", &code_of(id)), ("target", &target)]) }
                    if d.get("same_day").and_then(Json::as_bool) == Some(true) || same_day_referral(code, l.odd_job) { { " " }<strong>{ x.rec_refer_same_day }</strong> }</li>
            }
        }).collect(),
        _ => Vec::new(),
    };
    html! {
        <>
            <p class="cn-done" role="status">{ x.rec_done }</p>
            { for revoke }
            { for escalate }
            if !referrals.is_empty() { <div class="cn-card"><ul class="cn-list">{ for referrals }</ul></div> }
            <p class="cn-actions">
                <a class="cn-btn cn-primary cn-btn-link" href={Route::Filing(no.to_string()).hash()}>{ x.back_to_filing }</a>
                <a class="cn-btn cn-secondary cn-btn-link" href={Route::Inspections.hash()}>{ x.back_to_list }</a>
            </p>
        </>
    }
}
