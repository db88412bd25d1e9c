//! Re-issuing an applicant's lost access code (issue 16, item 5; API.md, `POST
//! /api/v1/registrations/{no}/access-token`): a street officer or an admin checks the applicant's
//! identity document in person and types the ID number on it; a confirmation says what happens
//! (核验身份证件后重新签发访问码); the new code is shown once, with a copy button, and the old one stops
//! working at once. The API compares the number with the filing's applicant and audits both outcomes.

use super::accounts::SecretBox;
use super::ctx::{Ctx, spawn};
use super::filing::fail_errors;
use super::form::{Input, error_summary, input, on_submit, required, setter};
use super::web;
use crate::i18n::fill;
use crate::query::segment;
use anbei_widget::json::{obj, s};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
    pub no: String,
}

/// Whether an account of `role` may re-issue a code (the API answers 403 to the others).
pub fn may_reissue(role: &str) -> bool {
    matches!(role, "officer" | "admin")
}

#[function_component(Reissue)]
pub fn reissue(p: &Props) -> Html {
    let ctx = &p.ctx;
    let c = ctx.c();
    let open = use_state(|| false);
    let id_number = use_state(String::new);
    let document = use_state(String::new);
    let confirming = use_state(|| false);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);
    // the new code, shown once (until closed or the page is left)
    let shown = use_state(|| None::<String>);
    let done = use_state(String::new);

    let toggle = {
        let (open, confirming, errors) = (open.clone(), confirming.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            let now = !*open;
            open.set(now);
            confirming.set(false);
            errors.set(Vec::new());
            if now {
                web::focus_soon("rs-id");
            }
        })
    };
    let submit = {
        let (id_number, errors, confirming) =
            (id_number.clone(), errors.clone(), confirming.clone());
        on_submit(move || {
            if id_number.trim().is_empty() {
                errors.set(vec![(
                    "rs-id".to_string(),
                    required(c, c.reissue_id_number),
                )]);
                web::focus_soon("cn-rs-errors");
            } else {
                errors.set(Vec::new());
                confirming.set(true);
                web::focus_soon("cn-rs-confirm");
            }
        })
    };
    let confirm = {
        let (ctx, id_number, document, errors, confirming, busy, shown, done, open) = (
            ctx.clone(),
            id_number.clone(),
            document.clone(),
            errors.clone(),
            confirming.clone(),
            busy.clone(),
            shown.clone(),
            done.clone(),
            open.clone(),
        );
        let url = format!("/api/v1/registrations/{}/access-token", segment(&p.no));
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let mut body = vec![("id_number", s(id_number.trim()))];
            if !document.trim().is_empty() {
                body.push(("identity_document", s(document.trim())));
            }
            let body = obj(body);
            let (ctx, id_number, document, errors, confirming, busy, shown, done, open, url) = (
                ctx.clone(),
                id_number.clone(),
                document.clone(),
                errors.clone(),
                confirming.clone(),
                busy.clone(),
                shown.clone(),
                done.clone(),
                open.clone(),
                url.clone(),
            );
            spawn(async move {
                let r = ctx.call("POST", &url, Some(body)).await;
                busy.set(false);
                confirming.set(false);
                match r {
                    Ok(j) => {
                        shown.set(Some(j.str_at("access_token").to_string()));
                        done.set(ctx.c().done_reissue.to_string());
                        id_number.set(String::new());
                        document.set(String::new());
                        errors.set(Vec::new());
                        open.set(false);
                        web::focus_soon("cn-rs-secret");
                    }
                    Err(f) => {
                        let e = fail_errors(
                            &ctx,
                            &f,
                            &[("id_number", "rs-id"), ("identity_document", "rs-doc")],
                        );
                        if !e.is_empty() {
                            errors.set(e);
                            web::focus_soon("cn-rs-errors");
                        }
                    }
                }
            });
        })
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            web::focus_soon("rs-id");
        })
    };
    let close_secret = {
        let shown = shown.clone();
        Callback::from(move |()| {
            shown.set(None);
            web::focus_soon("cn-rs-open");
        })
    };
    let e = (*errors).clone();
    let err_for = |id: &str| e.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    html! {
        <section class="cn-card cn-reissue" aria-labelledby="cn-rs-h">
            <h2 id="cn-rs-h">{ c.reissue_title }</h2>
            <p class="cn-hint">{ c.reissue_intro }</p>
            <p id="cn-rs-done" class="cn-done" role="status">{ (*done).clone() }</p>
            if let Some(code) = (*shown).clone() {
                <SecretBox ctx={ctx.clone()} id="cn-rs-secret" title={c.reissue_once.to_string()} value={code} on_close={close_secret} />
            }
            <p><button type="button" id="cn-rs-open" class="cn-btn cn-secondary" aria-expanded={if *open { "true" } else { "false" }}
                aria-controls="cn-rs-panel" onclick={toggle}>{ c.reissue_open }</button></p>
            if *open {
                <div id="cn-rs-panel">
                    { error_summary("cn-rs-errors", c.errors_title, &e) }
                    <form onsubmit={submit} novalidate=true>
                        { input(Input::new("rs-id", c.reissue_id_number, &id_number, setter(&id_number))
                            .hint(c.reissue_id_hint).required().error(err_for("rs-id"))) }
                        { input(Input::new("rs-doc", c.reissue_document, &document, setter(&document))
                            .hint(c.reissue_document_hint).error(err_for("rs-doc"))) }
                        if *confirming {
                            <div id="cn-rs-confirm" class="cn-confirm" role="alertdialog" aria-labelledby="cn-rs-q" tabindex="-1">
                                <p id="cn-rs-q"><strong>{ fill(c.reissue_confirm, &[("no", &p.no)]) }</strong></p>
                                <div class="cn-actions">
                                    <button type="button" class="cn-btn cn-primary" onclick={confirm} disabled={*busy}>
                                        { if *busy { c.sending } else { c.reissue_yes } }</button>
                                    <button type="button" class="cn-btn cn-secondary" onclick={cancel}>{ c.cancel }</button>
                                </div>
                            </div>
                        } else {
                            <button type="submit" class="cn-btn cn-primary">{ c.reissue_submit }</button>
                        }
                    </form>
                </div>
            }
        </section>
    }
}
