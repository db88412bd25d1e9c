//! The decision on a filing: the actions `allowed_actions` lists — accept (an optional note), return
//! (the fields and documents to change, a reason for each, all sent at once), refuse (reason, article),
//! revoke (ground, reason). Refusing and revoking are confirmed first.

use super::ctx::{Ctx, spawn};
use super::filing::fail_errors;
use super::form::{Input, error_summary, input, on_submit, required, select, setter, textarea};
use super::web;
use crate::i18n::{self, fill};
use crate::query::segment;
use crate::returns::{COMMON_REASONS, Draft, DraftError, Reason, at, common_reason, returnable};
use anbei_core::Date;
use anbei_filing::ids::mask_id;
use anbei_widget::json::{Json, obj, s};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
    pub no: String,
    pub view: Rc<Json>,
    pub allowed: Vec<String>,
    /// The new registration view and the line to say.
    pub on_done: Callback<(Json, &'static str)>,
}

/// The actions the console knows, in the order it offers them.
const ACTIONS: [&str; 4] = ["accept", "return", "refuse", "revoke"];

#[function_component(Decide)]
pub fn decide(p: &Props) -> Html {
    let ctx = &p.ctx;
    let c = ctx.c();
    let open = use_state(|| None::<&'static str>);
    let note = use_state(String::new);
    let draft = use_state(Draft::default);
    let reason = use_state(String::new);
    let article = use_state(String::new);
    let ground = use_state(String::new);
    // a finding's link may open the revocation with its ground chosen (第二十五条): on arrival, and
    // when the link is followed from this very page (the same route, another query)
    let prefill = p
        .allowed
        .iter()
        .any(|a| a == "revoke")
        .then(|| crate::route::revoke_prefill(&web::location_hash(), &i18n::GROUNDS))
        .flatten();
    {
        let (open, ground) = (open.clone(), ground.clone());
        use_effect_with(prefill, move |prefill| {
            if let Some(g) = prefill {
                open.set(Some("revoke"));
                ground.set(g.clone());
                web::focus_soon("act-ground");
            }
        });
    }
    let confirming = use_state(|| false);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);

    let actions: Vec<&'static str> = ACTIONS
        .into_iter()
        .filter(|a| p.allowed.iter().any(|x| x == a))
        .collect();
    let label = |a: &str| match a {
        "accept" => c.act_accept,
        "return" => c.act_return,
        "refuse" => c.act_refuse,
        _ => c.act_revoke,
    };
    let fields = returnable(p.view.get("request").unwrap_or(&Json::Null));

    // send one action's body; on success the new view goes up
    let send = {
        let (ctx, busy, errors, on_done, confirming) = (
            ctx.clone(),
            busy.clone(),
            errors.clone(),
            p.on_done.clone(),
            confirming.clone(),
        );
        let no = p.no.clone();
        Rc::new(
            move |path: &'static str,
                  body: Json,
                  done: &'static str,
                  ids: Vec<(&'static str, &'static str)>| {
                if *busy {
                    return;
                }
                busy.set(true);
                let url = format!("/api/v1/registrations/{}/{path}", segment(&no));
                let (ctx, busy, errors, on_done, confirming) = (
                    ctx.clone(),
                    busy.clone(),
                    errors.clone(),
                    on_done.clone(),
                    confirming.clone(),
                );
                spawn(async move {
                    let r = ctx.call("POST", &url, Some(body)).await;
                    busy.set(false);
                    confirming.set(false);
                    match r {
                        Ok(j) => {
                            errors.set(Vec::new());
                            on_done.emit((j, done));
                        }
                        Err(f) => {
                            let e = fail_errors(&ctx, &f, &ids);
                            if !e.is_empty() {
                                errors.set(e);
                                web::focus_soon("cn-act-errors");
                            }
                        }
                    }
                });
            },
        )
    };

    let tabs = actions.iter().map(|a| {
        let a: &'static str = a;
        let (open, errors, confirming) = (open.clone(), errors.clone(), confirming.clone());
        let on = *open == Some(a);
        let onclick = Callback::from(move |_: MouseEvent| {
            open.set(if *open == Some(a) { None } else { Some(a) });
            errors.set(Vec::new());
            confirming.set(false);
        });
        html! {
            <button type="button" class={classes!("cn-btn", if a == "refuse" || a == "revoke" { "cn-danger-outline" } else { "cn-secondary" })}
                aria-expanded={if on { "true" } else { "false" }} aria-controls="cn-act-panel" {onclick}>{ label(a) }</button>
        }
    });

    let e = (*errors).clone();
    let err_for = |id: &str| e.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let panel = match *open {
        None => html! {},
        Some("accept") => {
            let submit = {
                let (send, note) = (send.clone(), note.clone());
                on_submit(move || {
                    let body = if note.trim().is_empty() {
                        Json::Obj(Vec::new())
                    } else {
                        obj(vec![("note", s(note.trim()))])
                    };
                    send(
                        "acceptance",
                        body,
                        c.done_accept,
                        vec![("note", "act-note")],
                    );
                })
            };
            html! {
                <form onsubmit={submit} novalidate=true>
                    <h3 id="cn-act-accept-h" tabindex="-1">{ c.act_accept }</h3>
                    { textarea("act-note", c.note, &note, setter(&note), err_for("act-note"), false) }
                    <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ if *busy { c.sending } else { c.accept_submit } }</button>
                </form>
            }
        }
        Some("return") => return_panel(ctx, &draft, &fields, &p.view, &errors, &busy, send.clone()),
        Some(a) => {
            // refuse or revoke: the reason (and the article, or the ground), then a confirmation
            let refuse = a == "refuse";
            let submit = {
                let (reason, ground, errors, confirming) = (
                    reason.clone(),
                    ground.clone(),
                    errors.clone(),
                    confirming.clone(),
                );
                on_submit(move || {
                    let mut errs = Vec::new();
                    if !refuse && ground.is_empty() {
                        errs.push(("act-ground".to_string(), required(c, c.revoke_ground)));
                    }
                    if reason.trim().is_empty() {
                        errs.push((
                            "act-reason".to_string(),
                            required(
                                c,
                                if refuse {
                                    c.refuse_reason
                                } else {
                                    c.revoke_reason
                                },
                            ),
                        ));
                    }
                    if errs.is_empty() {
                        errors.set(Vec::new());
                        confirming.set(true);
                        web::focus_soon("cn-confirm");
                    } else {
                        errors.set(errs);
                        web::focus_soon("cn-act-errors");
                    }
                })
            };
            let confirm = {
                let (send, reason, article, ground) = (
                    send.clone(),
                    reason.clone(),
                    article.clone(),
                    ground.clone(),
                );
                Callback::from(move |_: MouseEvent| {
                    if refuse {
                        let mut b = vec![("reason", s(reason.trim()))];
                        if !article.trim().is_empty() {
                            b.push(("article", s(article.trim())));
                        }
                        send(
                            "refusal",
                            obj(b),
                            c.done_refuse,
                            vec![("reason", "act-reason"), ("article", "act-article")],
                        );
                    } else {
                        let b = obj(vec![("reason", s(reason.trim())), ("ground", s(&ground))]);
                        send(
                            "revocation",
                            b,
                            c.done_revoke,
                            vec![("reason", "act-reason"), ("ground", "act-ground")],
                        );
                    }
                })
            };
            let cancel = {
                let confirming = confirming.clone();
                Callback::from(move |_: MouseEvent| {
                    confirming.set(false);
                    web::focus_soon("act-reason");
                })
            };
            let mut grounds = vec![(String::new(), c.reason_choose.to_string())];
            grounds.extend(
                i18n::GROUNDS
                    .iter()
                    .map(|g| (g.to_string(), i18n::ground(c, g))),
            );
            let question = fill(
                if refuse {
                    c.confirm_refuse
                } else {
                    c.confirm_revoke
                },
                &[("no", &p.no)],
            );
            html! {
                <form onsubmit={submit} novalidate=true>
                    <h3 id={format!("cn-act-{a}-h")} tabindex="-1">{ label(a) }</h3>
                    if !refuse {
                        { select("act-ground", c.revoke_ground, &ground, grounds, setter(&ground), err_for("act-ground")) }
                    }
                    { textarea("act-reason", if refuse { c.refuse_reason } else { c.revoke_reason }, &reason, setter(&reason), err_for("act-reason"), true) }
                    if refuse {
                        { input(Input::new("act-article", c.refuse_article, &article, setter(&article)).hint(c.article_help).error(err_for("act-article"))) }
                    }
                    if *confirming {
                        <div id="cn-confirm" class="cn-confirm" role="alertdialog" aria-labelledby="cn-confirm-q" tabindex="-1">
                            <p id="cn-confirm-q"><strong>{ question }</strong></p>
                            <div class="cn-actions">
                                <button type="button" class="cn-btn cn-danger" onclick={confirm} disabled={*busy}>
                                    { if *busy { c.sending } else if refuse { c.confirm_yes_refuse } else { c.confirm_yes_revoke } }</button>
                                <button type="button" class="cn-btn cn-secondary" onclick={cancel}>{ c.cancel }</button>
                            </div>
                        </div>
                    } else {
                        <button type="submit" class="cn-btn cn-danger">{ if refuse { c.refuse_submit } else { c.revoke_submit } }</button>
                    }
                </form>
            }
        }
    };

    html! {
        <section class="cn-card cn-decide" aria-labelledby="cn-act-h">
            <h2 id="cn-act-h">{ c.actions_title }</h2>
            if actions.is_empty() {
                <p>{ c.no_actions }</p>
            } else {
                <div class="cn-actions">{ for tabs }</div>
                <div id="cn-act-panel">
                    { error_summary("cn-act-errors", c.errors_title, &e) }
                    { panel }
                </div>
            }
        </section>
    }
}

type Send = Rc<dyn Fn(&'static str, Json, &'static str, Vec<(&'static str, &'static str)>)>;

/// The return form: a checkbox per field and document, a reason for each one chosen.
fn return_panel(
    ctx: &Ctx,
    draft: &UseStateHandle<Draft>,
    fields: &[String],
    view: &Json,
    errors: &UseStateHandle<Vec<(String, String)>>,
    busy: &UseStateHandle<bool>,
    send: Send,
) -> Html {
    let (c, lang, e) = (ctx.c(), ctx.lang, ctx.engine());
    let request = view.get("request").cloned().unwrap_or_default();
    let day =
        Date::parse(view.str_at("filed_on")).unwrap_or_else(anbei_widget::ui::web::today_shanghai);
    let names = e.ruleset_view(day).fact_names;
    let item = |i: usize, f: &String| -> Html {
        let chosen = draft.is_chosen(f);
        let label = i18n::field_label(e, f, lang);
        let current = at(&request, f).and_then(Json::as_str).unwrap_or("");
        // identity numbers stay masked here; a special operation by its name
        let current = if f.ends_with("id_number") {
            mask_id(current)
        } else if f.ends_with(".operation") && !current.is_empty() {
            names.get(current).map_or_else(
                || current.to_string(),
                |n| lang.pick(&n.zh, &n.en).to_string(),
            )
        } else {
            current.to_string()
        };
        let toggle = {
            let (draft, f) = (draft.clone(), f.clone());
            Callback::from(move |ev: Event| {
                let on = ev
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .checked();
                let mut d = (*draft).clone();
                d.toggle(&f, on);
                draft.set(d);
            })
        };
        let reason = draft.reason(f).cloned().unwrap_or_default();
        let pick = match &reason {
            Reason::None => String::new(),
            Reason::Common(n) => n.to_string(),
            Reason::Free(_) => "other".to_string(),
        };
        let on_pick = {
            let (draft, f) = (draft.clone(), f.clone());
            Callback::from(move |v: String| {
                let mut d = (*draft).clone();
                let r = match v.as_str() {
                    "" => Reason::None,
                    "other" => Reason::Free(String::new()),
                    n => n.parse().map_or(Reason::None, Reason::Common),
                };
                d.set_reason(&f, r);
                draft.set(d);
            })
        };
        let on_text = {
            let (draft, f) = (draft.clone(), f.clone());
            Callback::from(move |v: String| {
                let mut d = (*draft).clone();
                d.set_reason(&f, Reason::Free(v));
                draft.set(d);
            })
        };
        let mut opts = vec![(String::new(), c.reason_choose.to_string())];
        opts.extend((0..COMMON_REASONS).map(|n| (n.to_string(), common_reason(c, n).to_string())));
        opts.push(("other".into(), c.reason_other.to_string()));
        let sel_id = format!("ret-{i}-reason");
        let txt_id = format!("ret-{i}-text");
        let err = errors
            .iter()
            .find(|(id, _)| *id == sel_id || *id == txt_id)
            .map(|(_, m)| m.clone());
        let free = if let Reason::Free(t) = &reason {
            Some(t.clone())
        } else {
            None
        };
        html! {
            <li class={classes!("cn-ret-item", chosen.then_some("cn-ret-on"))}>
                <div class="cn-check">
                    <input type="checkbox" id={format!("ret-{i}")} checked={chosen} onchange={toggle} />
                    <label for={format!("ret-{i}")}>{ label }
                        if !current.is_empty() { <span class="cn-small">{ " · " }{ c.current_value }{ lang.pick("：", ": ") }{ current }</span> }
                    </label>
                </div>
                if chosen {
                    <div class="cn-ret-reason">
                        { select(&sel_id, c.reason, &pick, opts, on_pick, if free.is_none() { err.clone() } else { None }) }
                        if let Some(t) = free {
                            { input(Input::new(&txt_id, c.reason_text, &t, on_text).required().error(err)) }
                        }
                    </div>
                }
            </li>
        }
    };
    let is_doc = |f: &String| f.starts_with("documents.");
    let docs: Vec<(usize, &String)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| is_doc(f))
        .collect();
    let form: Vec<(usize, &String)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !is_doc(f))
        .collect();
    let submit = {
        let (draft, errors) = (draft.clone(), errors.clone());
        let fields = fields.to_vec();
        let labels: Vec<String> = fields
            .iter()
            .map(|f| i18n::field_label(e, f, lang))
            .collect();
        on_submit(move || match draft.body(&fields) {
            Ok(body) => send("return", body, c.done_return, Vec::new()),
            Err(errs) => {
                let list = errs
                    .iter()
                    .map(|er| match er {
                        DraftError::NoneChosen => {
                            ("ret-0".to_string(), c.err_return_none.to_string())
                        }
                        DraftError::NoReason(f) => {
                            let i = fields.iter().position(|x| x == f).unwrap_or(0);
                            let id = match draft.reason(f) {
                                Some(Reason::Free(_)) => format!("ret-{i}-text"),
                                _ => format!("ret-{i}-reason"),
                            };
                            let name = labels.get(i).cloned().unwrap_or_default();
                            (id, fill(c.err_return_reason, &[("field", &name)]))
                        }
                    })
                    .collect();
                errors.set(list);
                web::focus_soon("cn-act-errors");
            }
        })
    };
    let n = draft.chosen.len();
    html! {
        <form onsubmit={submit} novalidate=true>
            <h3 id="cn-act-return-h" tabindex="-1">{ c.act_return }</h3>
            <p class="cn-hint">{ c.return_intro }</p>
            <fieldset>
                <legend>{ c.return_fields }</legend>
                <ul class="cn-ret-list">{ for form.into_iter().map(|(i, f)| item(i, f)) }</ul>
            </fieldset>
            if !docs.is_empty() {
                <fieldset>
                    <legend>{ c.return_documents }</legend>
                    <ul class="cn-ret-list">{ for docs.into_iter().map(|(i, f)| item(i, f)) }</ul>
                </fieldset>
            }
            <button type="submit" class="cn-btn cn-primary" disabled={**busy}>
                { if **busy { c.sending.to_string() } else { fill(c.return_submit, &[("n", &n.to_string())]) } }</button>
        </form>
    }
}
