//! The filing page's inspections (rules.md §9): each inspection with its results, each finding with
//! its state in words (open, overdue, answered, accepted, rejected, referred), the applicant's
//! rectification with its photos (opened like documents), the verification — accept, or reject with a
//! reason (第三十四条) — and the referral (第三十六条): the target chosen in words from the four, the
//! suggested one preselected, the reason, today's date, the same-day duty (第三十条) and "late" marked.

use super::ctx::{Ctx, spawn};
use super::filing::{DocView, document_url, fail_errors};
use super::form::{Input, error_summary, input, on_submit, select, setter, textarea};
use super::inspections::{day_words, due_cell, time_words};
use super::queue::overdue_mark;
use super::referral::department_select;
use super::web;
use crate::assess::regenerate;
use crate::i18n::fill;
use crate::i18n::inspect::{Ins, code_words, ins};
use crate::i18n::manage::mg;
use crate::inspect::{FindingState, finding_state, may_record, may_refer, may_verify};
use crate::query::segment;
use crate::route::Route;
use anbei_core::manage::{Finding, ReferralWhen, handling, referral_late};
use anbei_core::model::Kind;
use anbei_core::{Assessment, Date, InspectionKind};
use anbei_widget::json::{Json, obj, s};
use anbei_widget::ui::web as wweb;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
    pub no: String,
    pub view: Rc<Json>,
    /// Something changed: read the registration again.
    pub on_change: Callback<()>,
}

const TARGETS: [&str; 4] = [
    "REF_STREET_ENFORCEMENT",
    "REF_INDUSTRY_SAFETY",
    "REF_DEPARTMENT",
    "REF_LAND_PLANNING",
];

/// A finding's state in words.
pub(crate) fn state_words(x: &Ins, st: FindingState) -> &'static str {
    match st {
        FindingState::Open => x.st_open,
        FindingState::Overdue => x.st_overdue,
        FindingState::Answered => x.st_answered,
        FindingState::Rejected => x.st_rejected,
        FindingState::Accepted => x.st_accepted,
        FindingState::Referred => x.st_referred,
    }
}

fn arr(j: Option<&Json>) -> Vec<Json> {
    match j {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    }
}

#[function_component(Inspections)]
pub fn inspections(p: &Props) -> Html {
    let ctx = &p.ctx;
    let lang = ctx.lang;
    let x = ins(lang);
    let v = &p.view;
    let role = ctx
        .account
        .as_ref()
        .map_or("", |a| a.role.as_str())
        .to_string();
    let list = arr(v.get("inspections"));
    let filed_on = Date::parse(v.str_at("filed_on")).unwrap_or_else(wweb::today_shanghai);
    let facts = v
        .get("request")
        .and_then(|r| r.get("facts"))
        .cloned()
        .unwrap_or_default();
    let assessment = regenerate(ctx.engine.0, &facts, filed_on).map(Rc::new);
    let status = v.str_at("status");
    let live = matches!(status, "registered" | "extended");
    // the kinds this account may record here: those due first, then patrols and re-inspections
    let mut kinds: Vec<String> = list
        .iter()
        .filter(|i| i.str_at("status") == "due")
        .map(|i| i.str_at("kind").to_string())
        .collect();
    if live {
        for k in [
            "INSPECTION_PATROL",
            "INSPECTION_FOLLOW_UP",
            "INSPECTION_PROPERTY_WATCH",
        ] {
            let wanted = match k {
                "INSPECTION_FOLLOW_UP" => list.iter().any(|i| !arr(i.get("findings")).is_empty()),
                "INSPECTION_PROPERTY_WATCH" => role == "property",
                _ => true,
            };
            if wanted && !kinds.iter().any(|x| x == k) {
                kinds.push(k.to_string());
            }
        }
    } else {
        kinds.retain(|k| k == "INSPECTION_COMPLETION" && status == "cancelled");
    }
    kinds.retain(|k| may_record(&role, k));
    let management = match v.str_at("management") {
        "under_rectification" => Some(x.management_under),
        "referred" => Some(x.management_referred),
        _ => None,
    };
    html! {
        <section class="cn-card cn-ins" aria-labelledby="cn-ins-h">
            <h2 id="cn-ins-h">{ x.fs_title }
                if let Some(m) = management { { " " }<span class="cn-badge">{ m }</span> }</h2>
            if !kinds.is_empty() {
                <ul class="cn-record-links" aria-label={x.fs_record}>
                    { for kinds.iter().map(|k| html! {
                        <li><a class="cn-btn cn-secondary cn-btn-link" href={Route::Record(p.no.clone(), k.clone()).hash()}>
                            { x.fs_record }{ lang.pick("：", ": ") }{ code_words(k, lang) }</a></li>
                    }) }
                </ul>
            }
            if list.is_empty() { <p>{ x.fs_none }</p> }
            { for list.iter().map(|i| inspection(ctx, &p.no, i, assessment.clone(), &role, &p.on_change)) }
        </section>
    }
}

fn inspection(
    ctx: &Ctx,
    no: &str,
    i: &Json,
    assessment: Option<Rc<Assessment<'static>>>,
    role: &str,
    on_change: &Callback<()>,
) -> Html {
    let (c, lang) = (ctx.c(), ctx.lang);
    let x = ins(lang);
    let done = i.str_at("status") == "done";
    let checklist = arr(i.get("checklist"));
    let item_text = |code: &str| {
        checklist
            .iter()
            .find(|r| r.str_at("code") == code)
            .and_then(|r| r.get("text"))
            .map_or_else(
                || code_words(code, lang),
                |t| lang.pick(t.str_at("zh"), t.str_at("en")).to_string(),
            )
    };
    let answers = arr(i.get("answers"));
    let findings = arr(i.get("findings"));
    let when = if done {
        fill(
            x.fs_done_on,
            &[("date", &time_words(lang, i.str_at("inspected_at")))],
        )
    } else {
        String::new()
    };
    let answer_word = |a: &str| match a {
        "ok" => x.ans_ok,
        "finding" => x.ans_finding,
        "not_applicable" => x.ans_na,
        _ => "",
    };
    html! {
        <article class="cn-inspection" aria-labelledby={format!("ins-h-{}", i.str_at("id"))}>
            <h3 id={format!("ins-h-{}", i.str_at("id"))}>{ code_words(i.str_at("kind"), lang) }</h3>
            <p>
                if done { { when } } else { { due_cell(x, c, lang, i.str_at("due"), i.get("overdue").and_then(Json::as_bool) == Some(true)) } }
                if let Some(who) = i.get("inspector").and_then(Json::as_str) { <br /><span class="cn-small">{ fill(x.fs_by, &[("who", who)]) }</span> }
            </p>
            if done && !answers.is_empty() {
                <details>
                    <summary>{ x.fs_answers }</summary>
                    <ul class="cn-list">
                        { for answers.iter().map(|a| html! {
                            <li><strong>{ answer_word(a.str_at("answer")) }</strong>{ " · " }{ item_text(a.str_at("code")) }
                                if !a.str_at("note").is_empty() { { lang.pick("：", ": ") }{ a.str_at("note").to_string() } }</li>
                        }) }
                    </ul>
                </details>
            }
            if done {
                if findings.is_empty() { <p>{ x.fs_no_findings }</p> } else {
                    <h4>{ x.fs_findings }</h4>
                    { for findings.iter().map(|f| html! {
                        <FindingView key={f.str_at("id").to_string()} ctx={ctx.clone()} no={no.to_string()}
                            finding={Rc::new(f.clone())} item={f.get("item").and_then(Json::as_str).map(item_text).unwrap_or_default()}
                            assessment={AssessmentRef(assessment.clone())} role={role.to_string()} on_change={on_change.clone()} />
                    }) }
                }
            }
        </article>
    }
}

/// The re-decided assessment of the filing, compared by identity.
#[derive(Clone)]
pub struct AssessmentRef(Option<Rc<Assessment<'static>>>);

impl PartialEq for AssessmentRef {
    fn eq(&self, o: &Self) -> bool {
        match (&self.0, &o.0) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

#[derive(Properties, PartialEq)]
struct FindingProps {
    ctx: Ctx,
    no: String,
    finding: Rc<Json>,
    /// The checklist item's text.
    item: String,
    assessment: AssessmentRef,
    role: String,
    on_change: Callback<()>,
}

/// The day a same-day referral of this finding fell (or falls) due, as the API counts it: the day it
/// was found, or the day after its `rectify_by` once that has passed.
fn same_day_due(f: &Json, odd: bool, today: Date) -> Option<Date> {
    let code = Finding::from_code(f.str_at("code"))?;
    let h = handling(code, if odd { Kind::OddJob } else { Kind::Engineering });
    match h.referral {
        ReferralWhen::SameDay => Date::parse(f.str_at("found_on")),
        ReferralWhen::SameDayWhenOverdueOrRefused
        | ReferralWhen::SameDayWhenOverdueOrMajorHazard => f
            .get("rectify_by")
            .and_then(Json::as_str)
            .and_then(Date::parse)
            .map(|d| d.add_days(1))
            .filter(|d| *d <= today),
        _ => None,
    }
}

#[function_component(FindingView)]
fn finding_view(p: &FindingProps) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let x = ins(lang);
    let f = &p.finding;
    let id = f.str_at("id").to_string();
    let open = use_state(|| None::<&'static str>);
    let reason = use_state(String::new);
    let target = use_state(String::new);
    let department = use_state(String::new);
    let due = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);
    let done = use_state(String::new);
    let st = finding_state(f);
    let code = f.str_at("code");
    let odd = p
        .assessment
        .0
        .as_ref()
        .is_some_and(|a| a.kind == Some(Kind::OddJob));
    // the API's suggestion when it sends one, else the core's over the re-decided assessment
    let (suggested, suggested_departments) = {
        let core = match (Finding::from_code(code), p.assessment.0.as_ref()) {
            (Some(fc), Some(a)) => Some(engine.referral_target(fc, a)),
            _ => None,
        };
        crate::manage::referral_suggestion(
            f,
            core.as_ref()
                .map(|r| (r.code.as_str(), r.candidates.clone())),
        )
    };
    let suggested = suggested.as_str();
    let today = wweb::today_shanghai();
    let due_on = same_day_due(f, odd, today);
    let late_now = due_on.is_some_and(|d| referral_late(d, Some(today), today));
    let rect = arr(f.get("rectifications"));
    let referrals = arr(f.get("referrals"));
    let pfx = format!("f-{id}");

    // one POST of this finding; on success the registration is read again
    let post = {
        let (ctx, busy, errors, done, on_change, open) = (
            ctx.clone(),
            busy.clone(),
            errors.clone(),
            done.clone(),
            p.on_change.clone(),
            open.clone(),
        );
        let url = format!(
            "/api/v1/registrations/{}/findings/{}/",
            segment(&p.no),
            segment(&id)
        );
        let pfx = pfx.clone();
        Rc::new(move |path: &'static str, body: Json, ok: &'static str| {
            if *busy {
                return;
            }
            busy.set(true);
            let (ctx, busy, errors, done, on_change, open, pfx) = (
                ctx.clone(),
                busy.clone(),
                errors.clone(),
                done.clone(),
                on_change.clone(),
                open.clone(),
                pfx.clone(),
            );
            let url = format!("{url}{path}");
            spawn(async move {
                let r = ctx.call("POST", &url, Some(body)).await;
                busy.set(false);
                match r {
                    Ok(_) => {
                        errors.set(Vec::new());
                        open.set(None);
                        done.set(ok.to_string());
                        on_change.emit(());
                    }
                    Err(fl) => {
                        let (reason, target, dept, due) = (
                            format!("{pfx}-reason"),
                            format!("{pfx}-target"),
                            format!("{pfx}-department"),
                            format!("{pfx}-due"),
                        );
                        let e = fail_errors(
                            &ctx,
                            &fl,
                            &[
                                ("reason", reason.as_str()),
                                ("target", target.as_str()),
                                ("department", dept.as_str()),
                                ("due", due.as_str()),
                            ],
                        );
                        if !e.is_empty() {
                            errors.set(e);
                            web::focus_soon(&format!("{pfx}-errors"));
                        }
                    }
                }
            });
        })
    };
    // the server's default follow-up date (§9.1, the same rule-set parameter): from `rectify_by`, or
    // today once that has passed
    let default_due = {
        let from = f
            .get("rectify_by")
            .and_then(Json::as_str)
            .and_then(Date::parse)
            .filter(|d| *d >= today)
            .unwrap_or(today);
        engine
            .inspection_due(InspectionKind::FollowUp, from, false)
            .map(|c| c.date.to_string())
            .unwrap_or_default()
    };
    let toggle = |what: &'static str| {
        let (open, errors, reason, target, department, due) = (
            open.clone(),
            errors.clone(),
            reason.clone(),
            target.clone(),
            department.clone(),
            due.clone(),
        );
        let default_due = default_due.clone();
        let suggested = suggested.to_string();
        let first_department = suggested_departments.first().cloned().unwrap_or_default();
        let pfx = pfx.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if *open == Some(what) {
                None
            } else {
                Some(what)
            };
            open.set(next);
            errors.set(Vec::new());
            reason.set(String::new());
            target.set(suggested.clone());
            department.set(first_department.clone());
            due.set(default_due.clone());
            if next.is_some() {
                let field = if what == "follow" { "due" } else { "reason" };
                web::focus_soon(&format!("{pfx}-{field}"));
            }
        })
    };
    let accept = {
        let post = post.clone();
        let ok = x.done_accepted;
        Callback::from(move |_: MouseEvent| {
            post("decision", obj(vec![("accept", Json::Bool(true))]), ok)
        })
    };
    let reject = {
        let (post, reason, errors) = (post.clone(), reason.clone(), errors.clone());
        let (ok, label, pfx) = (x.done_rejected, x.reject_reason, pfx.clone());
        on_submit(move || {
            if reason.trim().is_empty() {
                errors.set(vec![(
                    format!("{pfx}-reason"),
                    super::form::required(c, label),
                )]);
                web::focus_soon(&format!("{pfx}-errors"));
                return;
            }
            post(
                "decision",
                obj(vec![
                    ("accept", Json::Bool(false)),
                    ("reason", s(reason.trim())),
                ]),
                ok,
            )
        })
    };
    let refer = {
        let (post, reason, target, department, errors) = (
            post.clone(),
            reason.clone(),
            target.clone(),
            department.clone(),
            errors.clone(),
        );
        let (ok, label, pfx) = (x.done_referred, x.ref_reason, pfx.clone());
        let dept_label = mg(lang).ref_department;
        on_submit(move || {
            // REF_DEPARTMENT names its department (第三十六条第（三）项)
            let needs_department = *target == "REF_DEPARTMENT";
            let mut errs = Vec::new();
            if needs_department && department.is_empty() {
                errs.push((
                    format!("{pfx}-department"),
                    super::form::required(c, dept_label),
                ));
            }
            if reason.trim().is_empty() {
                errs.push((format!("{pfx}-reason"), super::form::required(c, label)));
            }
            if !errs.is_empty() {
                errors.set(errs);
                web::focus_soon(&format!("{pfx}-errors"));
                return;
            }
            let mut body = vec![("target", s(&target)), ("reason", s(reason.trim()))];
            if needs_department {
                body.push(("department", s(&department)));
            }
            post("referral", obj(body), ok)
        })
    };
    let follow = {
        let (post, due) = (post.clone(), due.clone());
        let ok = x.done_follow_up;
        on_submit(move || {
            let body = if due.trim().is_empty() {
                obj(vec![])
            } else {
                obj(vec![("due", s(due.trim()))])
            };
            post("follow-up", body, ok)
        })
    };
    let err_of = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let can_verify = st == FindingState::Answered && may_verify(&p.role);
    let can_refer =
        may_refer(&p.role) && !matches!(st, FindingState::Accepted | FindingState::Referred);
    // a re-inspection (INSPECTION_FOLLOW_UP) of a finding still to verify: the street office's
    let can_follow = can_refer;
    let target_opts: Vec<(String, String)> = TARGETS
        .iter()
        .map(|t| {
            let w = code_words(t, lang);
            let label = if *t == suggested {
                fill(x.ref_suggested, &[("target", &w)])
            } else {
                w
            };
            (t.to_string(), label)
        })
        .collect();
    let photo_n = std::cell::Cell::new(0usize);
    // a confirmed revocation ground (第二十五条) offers the revocation, its ground chosen — while the
    // finding stands and the street office may revoke
    let revoke_ground = crate::manage::revocation_ground(code, odd)
        .filter(|_| may_refer(&p.role) && !matches!(st, FindingState::Accepted));
    let escalated_on = f.str_at("found_on");
    let state_class = match st {
        FindingState::Overdue | FindingState::Rejected => "cn-state-bad",
        FindingState::Accepted => "cn-state-ok",
        _ => "cn-state",
    };
    html! {
        <div class="cn-finding" id={pfx.clone()}>
            <p class="cn-finding-head"><strong>{ code_words(code, lang) }</strong>
                <span class={classes!("cn-badge", state_class)}>
                    if st == FindingState::Overdue { <span aria-hidden="true">{ "⚠ " }</span> }
                    { state_words(x, st) }</span></p>
            <dl class="cn-dl">
                if !p.item.is_empty() { <dt>{ x.f_item }</dt><dd>{ p.item.clone() }</dd> }
                <dt>{ x.note_finding }</dt><dd>{ f.str_at("note").to_string() }</dd>
                <dt>{ x.f_found_on }</dt><dd>{ day_words(lang, f.str_at("found_on")) }</dd>
                if let Some(by) = f.get("rectify_by").and_then(Json::as_str) {
                    <dt>{ x.f_rectify_by }</dt><dd>{ day_words(lang, by) }
                        if st == FindingState::Overdue { { " " }{ overdue_mark(c) } }</dd>
                }
            </dl>
            if f.str_at("escalation") == "pending" {
                <p class="cn-warn-line">{ x.escalation_pending }</p>
                <p class="cn-small cn-escalation-why">{ mg(lang).escalated_pending_why }</p>
            }
            if f.str_at("escalation") == "confirmed" {
                <p><strong>{ x.escalation_confirmed }</strong></p>
                <p class="cn-escalation-why">{ fill(mg(lang).escalated_why, &[("date", &day_words(lang, escalated_on))]) }</p>
            }
            if let Some(g) = revoke_ground {
                <div class="cn-revoke-offer">
                    <p>{ mg(lang).revoke_hint }</p>
                    <p><a class="cn-btn cn-danger-outline cn-btn-link" href={crate::route::revoke_link(&p.no, g)}>
                        { fill(mg(lang).revoke_go, &[("ground", &crate::i18n::ground(c, g))]) }</a></p>
                </div>
            }
            { for rect.iter().map(|r| {
                let photos = arr(r.get("photos"));
                html! {
                    <div class="cn-answer">
                        <p><strong>{ x.answer_title }</strong>{ " · " }<span class="cn-small">{ time_words(lang, r.str_at("at")) }</span></p>
                        <p>{ r.str_at("note").to_string() }</p>
                        if !photos.is_empty() {
                            <ul class="cn-docs">
                                { for photos.iter().filter_map(|ph| ph.as_str()).map(|ph| {
                                    photo_n.set(photo_n.get() + 1);
                                    let n = photo_n.get();
                                    html! { <li><DocView ctx={ctx.clone()} n={1000 + n} url={document_url(&p.no, ph)}
                                        label={fill(x.answer_photo, &[("n", &n.to_string())])} /></li> }
                                }) }
                            </ul>
                        }
                        { match r.str_at("decision") {
                            "accepted" => html! { <p>{ x.decision_accepted }</p> },
                            "rejected" => html! { <p>{ fill(x.decision_rejected, &[("reason", r.str_at("reason"))]) }</p> },
                            _ => html! {},
                        } }
                        if let Some(who) = r.get("decided_by").and_then(Json::as_str) { <p class="cn-small">{ fill(x.decided_by, &[("who", who)]) }</p> }
                    </div>
                }
            }) }
            { for referrals.iter().map(|r| html! {
                <p>{ fill(x.referred_to, &[("target", &code_words(r.str_at("target"), lang)), ("date", &day_words(lang, r.str_at("referred_on")))]) }
                    { " · " }if r.get("late").and_then(Json::as_bool) == Some(true) { <strong class="cn-overdue">{ x.ref_late }</strong> } else { { x.ref_on_time } }</p>
            }) }
            <p id={format!("{pfx}-done")} class="cn-done" role="status">{ (*done).clone() }</p>
            if can_verify || can_refer || can_follow {
                <div class="cn-actions">
                    if can_verify {
                        <button type="button" class="cn-btn cn-primary" onclick={accept} disabled={*busy}>{ x.accept }</button>
                        <button type="button" class="cn-btn cn-danger-outline" aria-expanded={if *open == Some("reject") { "true" } else { "false" }}
                            aria-controls={format!("{pfx}-panel")} onclick={toggle("reject")}>{ x.reject }</button>
                    }
                    if can_refer {
                        <button type="button" class="cn-btn cn-secondary" aria-expanded={if *open == Some("refer") { "true" } else { "false" }}
                            aria-controls={format!("{pfx}-panel")} onclick={toggle("refer")}>{ x.refer }</button>
                    }
                    if can_follow {
                        <button type="button" class="cn-btn cn-secondary" aria-expanded={if *open == Some("follow") { "true" } else { "false" }}
                            aria-controls={format!("{pfx}-panel")} onclick={toggle("follow")}>{ x.follow_up }</button>
                    }
                </div>
            }
            <div id={format!("{pfx}-panel")}>
                if *open == Some("reject") {
                    <form class="cn-panel" onsubmit={reject} novalidate=true>
                        { error_summary(&format!("{pfx}-errors"), c.errors_title, &errors) }
                        { textarea(&format!("{pfx}-reason"), x.reject_reason, &reason, setter(&reason), err_of(&format!("{pfx}-reason")), true) }
                        <button type="submit" class="cn-btn cn-danger" disabled={*busy}>{ x.reject_submit }</button>
                    </form>
                }
                if *open == Some("refer") {
                    <form class="cn-panel" onsubmit={refer} novalidate=true>
                        { error_summary(&format!("{pfx}-errors"), c.errors_title, &errors) }
                        { select(&format!("{pfx}-target"), x.ref_target, &target, target_opts, setter(&target), err_of(&format!("{pfx}-target"))) }
                        if *target == "REF_DEPARTMENT" {
                            { department_select(ctx, &format!("{pfx}-department"), &department, &suggested_departments, setter(&department), err_of(&format!("{pfx}-department"))) }
                        }
                        { textarea(&format!("{pfx}-reason"), x.ref_reason, &reason, setter(&reason), err_of(&format!("{pfx}-reason")), true) }
                        <p>{ fill(x.ref_date, &[("date", &day_words(lang, &today.to_string()))]) }</p>
                        if let Some(d) = due_on {
                            <p>{ fill(x.ref_same_day, &[("date", &day_words(lang, &d.to_string()))]) }
                                if late_now { { " " }<strong class="cn-overdue">{ x.ref_late }</strong> }</p>
                        }
                        <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ x.ref_submit }</button>
                    </form>
                }
                if *open == Some("follow") {
                    <form class="cn-panel" onsubmit={follow} novalidate=true>
                        { error_summary(&format!("{pfx}-errors"), c.errors_title, &errors) }
                        { input(Input::new(&format!("{pfx}-due"), x.follow_up_due, &due, setter(&due)).kind("date").hint(x.follow_up_hint).error(err_of(&format!("{pfx}-due")))) }
                        <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ x.follow_up_submit }</button>
                    </form>
                }
            </div>
        </div>
    }
}
