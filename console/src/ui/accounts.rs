//! Accounts (admins): the list, adding one (its initial password is shown once), disabling and
//! enabling, resetting a password (the new initial password shown once), and each account's API tokens
//! (issued — the token shown once —, listed, revoked).

use super::ctx::{Ctx, spawn};
use super::filing::fail_errors;
use super::form::{Input, error_summary, input, on_submit, required, select, setter};
use super::table::table;
use super::web;
use crate::i18n::{self, fill};
use crate::model::{Account, Token, accounts, tokens};
use crate::query::segment;
use anbei_widget::json::{Json, obj, s};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

#[derive(Properties, PartialEq)]
pub(super) struct SecretProps {
    pub ctx: Ctx,
    pub id: &'static str,
    pub title: String,
    pub value: String,
    pub on_close: Callback<()>,
}

/// A secret shown once (an initial password, a token): what it is, and the value with a copy button.
#[function_component(SecretBox)]
pub(super) fn secret_box(p: &SecretProps) -> Html {
    let c = p.ctx.c();
    let copied = use_state_eq(|| false);
    let copy = {
        let (v, copied) = (p.value.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| copied.set(web::copy_text(&v)))
    };
    let close = {
        let f = p.on_close.clone();
        Callback::from(move |_: MouseEvent| f.emit(()))
    };
    html! {
        <div id={p.id} class="cn-secret-box" role="status" tabindex="-1">
            <p>{ p.title.clone() }</p>
            <p><code class="cn-secret">{ p.value.clone() }</code></p>
            <div class="cn-actions">
                <button type="button" class="cn-btn cn-secondary" onclick={copy}>{ c.copy }</button>
                <button type="button" class="cn-btn cn-secondary" onclick={close}>{ c.close }</button>
                if *copied { <span>{ c.copied }</span> }
            </div>
        </div>
    }
}

/// The secret box of a state handle (nothing when there is no secret to show).
fn secret(ctx: &Ctx, id: &'static str, shown: &UseStateHandle<Option<(String, String)>>) -> Html {
    let Some((title, value)) = (**shown).clone() else {
        return html! {};
    };
    let shown = shown.clone();
    let on_close = Callback::from(move |()| shown.set(None));
    html! { <SecretBox ctx={ctx.clone()} {id} {title} {value} {on_close} /> }
}

#[function_component(Accounts)]
pub fn accounts_page(p: &Props) -> Html {
    let ctx = &p.ctx;
    let (c, lang, engine) = (ctx.c(), ctx.lang, ctx.engine());
    let list = use_state(|| None::<Vec<Account>>);
    let error = use_state(String::new);
    let flash = use_state(String::new);
    let shown = use_state(|| None::<(String, String)>);
    let reload = use_state(|| 0u32);
    let tokens_for = use_state(|| None::<String>);
    // the add form
    let login = use_state(String::new);
    let name = use_state(String::new);
    let role = use_state(|| "officer".to_string());
    let street = use_state(|| {
        ctx.account
            .as_ref()
            .and_then(|a| a.street.clone())
            .unwrap_or_default()
    });
    let community = use_state(String::new);
    let areas = use_state(String::new);
    let department = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);

    {
        let (ctx, list, error) = (ctx.clone(), list.clone(), error.clone());
        use_effect_with(*reload, move |_| {
            spawn(async move {
                match ctx.get("/api/v1/accounts").await {
                    Ok(j) => {
                        list.set(Some(accounts(&j)));
                        error.set(String::new());
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }

    let add = {
        let (ctx, errors, busy, shown, reload, flash) = (
            ctx.clone(),
            errors.clone(),
            busy.clone(),
            shown.clone(),
            reload.clone(),
            flash.clone(),
        );
        let fields = (
            login.clone(),
            name.clone(),
            role.clone(),
            street.clone(),
            community.clone(),
            areas.clone(),
            department.clone(),
        );
        on_submit(move || {
            let (login, name, role, street, community, areas, department) = fields.clone();
            let mut errs = Vec::new();
            if login.trim().is_empty() {
                errs.push(("ac-login".to_string(), required(c, c.a_login)));
            }
            if name.trim().is_empty() {
                errs.push(("ac-name".to_string(), required(c, c.a_name)));
            }
            if !errs.is_empty() {
                errors.set(errs);
                web::focus_soon("cn-add-errors");
                return;
            }
            let mut body = vec![
                ("login", s(login.trim())),
                ("name", s(name.trim())),
                ("role", s(&role)),
            ];
            if !street.is_empty() {
                body.push(("street", s(&street)));
            }
            if !community.trim().is_empty() {
                body.push(("community", s(community.trim())));
            }
            let list: Vec<Json> = areas
                .split([',', '，', '、'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(s)
                .collect();
            if !list.is_empty() {
                body.push(("areas", Json::Arr(list)));
            }
            if !department.trim().is_empty() {
                body.push(("department", s(department.trim())));
            }
            let body = obj(body);
            busy.set(true);
            let (ctx, errors, busy, shown, reload, flash) = (
                ctx.clone(),
                errors.clone(),
                busy.clone(),
                shown.clone(),
                reload.clone(),
                flash.clone(),
            );
            spawn(async move {
                let r = ctx.call("POST", "/api/v1/accounts", Some(body)).await;
                busy.set(false);
                match r {
                    Ok(j) => {
                        let a = j.get("account").map(Account::from_json).unwrap_or_default();
                        flash.set(fill(c.done_added, &[("account", &a.display(ctx.lang))]));
                        shown.set(Some((
                            c.initial_password.to_string(),
                            j.str_at("initial_password").to_string(),
                        )));
                        errors.set(Vec::new());
                        for f in [&login, &name, &community, &areas, &department] {
                            f.set(String::new());
                        }
                        reload.set(*reload + 1);
                        web::focus_soon("cn-secret");
                    }
                    Err(f) => {
                        let ids = [
                            ("login", "ac-login"),
                            ("name", "ac-name"),
                            ("role", "ac-role"),
                            ("street", "ac-street"),
                            ("community", "ac-community"),
                            ("areas", "ac-areas"),
                            ("department", "ac-department"),
                        ];
                        let e = fail_errors(&ctx, &f, &ids);
                        if !e.is_empty() {
                            errors.set(e);
                            web::focus_soon("cn-add-errors");
                        }
                    }
                }
            });
        })
    };

    // one action on an account: disable, enable, reset its password
    let act = {
        let (ctx, shown, reload, flash, error) = (
            ctx.clone(),
            shown.clone(),
            reload.clone(),
            flash.clone(),
            error.clone(),
        );
        move |a: &Account, what: &'static str| {
            let (ctx, shown, reload, flash, error) = (
                ctx.clone(),
                shown.clone(),
                reload.clone(),
                flash.clone(),
                error.clone(),
            );
            let who = a.display(ctx.lang);
            let url = format!("/api/v1/accounts/{}/{what}", segment(&a.login));
            Callback::from(move |_: MouseEvent| {
                let (ctx, shown, reload, flash, error, who, url) = (
                    ctx.clone(),
                    shown.clone(),
                    reload.clone(),
                    flash.clone(),
                    error.clone(),
                    who.clone(),
                    url.clone(),
                );
                spawn(async move {
                    match ctx.call("POST", &url, Some(Json::Obj(Vec::new()))).await {
                        Ok(j) => {
                            let c = ctx.c();
                            let msg = match what {
                                "disable" => c.done_disabled,
                                "enable" => c.done_enabled,
                                _ => c.done_reset,
                            };
                            flash.set(fill(msg, &[("account", &who)]));
                            error.set(String::new());
                            shown.set(None);
                            if what == "password" {
                                shown.set(Some((
                                    c.initial_password.to_string(),
                                    j.str_at("initial_password").to_string(),
                                )));
                                web::focus_soon("cn-secret");
                            }
                            reload.set(*reload + 1);
                        }
                        Err(f) => error.set(ctx.fail_text(&f)),
                    }
                });
            })
        }
    };

    let rows = list.as_ref().map(|l| {
        l.iter()
            .map(|a| {
                let area = [
                    a.street.as_deref().map(|st| i18n::street_name(engine, st, lang)),
                    a.community.clone(),
                    (!a.areas.is_empty()).then(|| a.areas.join("、")),
                    a.department.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                let open_tokens = {
                    let (tokens_for, login) = (tokens_for.clone(), a.login.clone());
                    let shown = shown.clone();
                    Callback::from(move |_: MouseEvent| {
                        shown.set(None);
                        tokens_for.set(Some(login.clone()));
                        web::focus_soon("cn-tokens-h");
                    })
                };
                let who = a.display(lang);
                html! {
                    <tr>
                        <td>{ who.clone() }</td>
                        <td>{ i18n::role(c, &a.role) }</td>
                        <td>{ if area.is_empty() { c.none.to_string() } else { area } }</td>
                        <td>{ if a.disabled { c.state_disabled } else { c.state_active } }</td>
                        <td>{ if a.totp_enabled { c.totp_on } else { c.totp_off } }</td>
                        <td class="cn-nowrap">{ a.last_sign_in_at.as_deref().map_or_else(|| c.never.to_string(), i18n::fmt_time) }</td>
                        <td class="cn-row-actions">
                            if a.disabled {
                                <button type="button" class="cn-btn cn-small-btn cn-secondary" onclick={act(a, "enable")} aria-label={format!("{} {who}", c.enable)}>{ c.enable }</button>
                            } else {
                                <button type="button" class="cn-btn cn-small-btn cn-secondary" onclick={act(a, "disable")} aria-label={format!("{} {who}", c.disable)}>{ c.disable }</button>
                            }
                            <button type="button" class="cn-btn cn-small-btn cn-secondary" onclick={act(a, "password")} aria-label={format!("{} {who}", c.reset_password)}>{ c.reset_password }</button>
                            <button type="button" class="cn-btn cn-small-btn cn-secondary" onclick={open_tokens} aria-label={format!("{} {who}", c.tokens)}>{ c.tokens }</button>
                        </td>
                    </tr>
                }
            })
            .collect::<Html>()
    });

    let roles: Vec<(String, String)> = i18n::ROLES
        .iter()
        .map(|r| (r.to_string(), i18n::role(c, r)))
        .collect();
    let mut streets = vec![(String::new(), c.no_street.to_string())];
    streets.extend(engine.streets().iter().map(|st| {
        (
            st.code.clone(),
            lang.pick(&st.name.zh, &st.name.en).to_string(),
        )
    }));
    let e = (*errors).clone();
    let err_for = |id: &str| e.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let token_account = (*tokens_for).clone().and_then(|l| {
        list.as_ref()
            .and_then(|x| x.iter().find(|a| a.login == l).cloned())
    });
    html! {
        <section aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.accounts_title }</h1>
            <p class="cn-done" role="status">{ (*flash).clone() }</p>
            { secret(ctx, "cn-secret", &shown) }
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            if let Some(rows) = rows {
                { table("cn-accounts", c.accounts_title, &[c.col_account, c.col_role, c.col_area, c.col_state, c.col_totp, c.col_last, c.col_actions], rows) }
            } else if error.is_empty() {
                <p class="cn-status" role="status">{ c.loading }</p>
            }
            if let Some(a) = token_account {
                <Tokens key={a.login.clone()} ctx={ctx.clone()} account={a.clone()} />
            }
            <section class="cn-card" aria-labelledby="cn-add-h">
                <h2 id="cn-add-h">{ c.add_account }</h2>
                { error_summary("cn-add-errors", c.errors_title, &e) }
                <form onsubmit={add} novalidate=true>
                    <div class="cn-filter-grid">
                        { input(Input::new("ac-login", c.a_login, &login, setter(&login)).required().error(err_for("ac-login"))) }
                        { input(Input::new("ac-name", c.a_name, &name, setter(&name)).required().error(err_for("ac-name"))) }
                        { select("ac-role", c.a_role, &role, roles, setter(&role), err_for("ac-role")) }
                        { select("ac-street", c.a_street, &street, streets, setter(&street), err_for("ac-street")) }
                        { input(Input::new("ac-community", c.a_community, &community, setter(&community)).error(err_for("ac-community"))) }
                        { input(Input::new("ac-areas", c.a_areas, &areas, setter(&areas)).error(err_for("ac-areas"))) }
                        { input(Input::new("ac-department", c.a_department, &department, setter(&department)).error(err_for("ac-department"))) }
                    </div>
                    <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ if *busy { c.sending } else { c.add_submit } }</button>
                </form>
            </section>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TokensProps {
    ctx: Ctx,
    account: Account,
}

/// One account's API tokens: the list, issuing one (shown once), revoking one.
#[function_component(Tokens)]
fn tokens_panel(p: &TokensProps) -> Html {
    let ctx = &p.ctx;
    let c = ctx.c();
    let list = use_state(|| None::<Vec<Token>>);
    let error = use_state(String::new);
    let flash = use_state(String::new);
    let shown = use_state(|| None::<(String, String)>);
    let reload = use_state(|| 0u32);
    let label = use_state(String::new);
    let days = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let base = format!("/api/v1/accounts/{}/tokens", segment(&p.account.login));
    {
        let (ctx, list, error, url) = (ctx.clone(), list.clone(), error.clone(), base.clone());
        use_effect_with(*reload, move |_| {
            spawn(async move {
                match ctx.get(&url).await {
                    Ok(j) => {
                        list.set(Some(tokens(&j)));
                        error.set(String::new());
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }
    let issue = {
        let (ctx, label, days, errors, shown, reload, flash, url) = (
            ctx.clone(),
            label.clone(),
            days.clone(),
            errors.clone(),
            shown.clone(),
            reload.clone(),
            flash.clone(),
            base.clone(),
        );
        on_submit(move || {
            let mut errs = Vec::new();
            if label.trim().is_empty() {
                errs.push(("tk-label".to_string(), required(c, c.t_label)));
            }
            let d = days.trim();
            let n = (!d.is_empty()).then(|| d.parse::<u32>().ok().filter(|n| *n > 0));
            if n == Some(None) {
                errs.push(("tk-days".to_string(), c.err_days.to_string()));
            }
            if !errs.is_empty() {
                errors.set(errs);
                web::focus_soon("cn-tk-errors");
                return;
            }
            let mut body = vec![("label", s(label.trim()))];
            if let Some(Some(n)) = n {
                body.push(("days", Json::Num(f64::from(n))));
            }
            let body = obj(body);
            let (ctx, label, days, errors, shown, reload, flash, url) = (
                ctx.clone(),
                label.clone(),
                days.clone(),
                errors.clone(),
                shown.clone(),
                reload.clone(),
                flash.clone(),
                url.clone(),
            );
            spawn(async move {
                match ctx.call("POST", &url, Some(body)).await {
                    Ok(j) => {
                        shown.set(Some((
                            c.token_once.to_string(),
                            j.str_at("token").to_string(),
                        )));
                        flash.set(c.done_token_issued.to_string());
                        label.set(String::new());
                        days.set(String::new());
                        errors.set(Vec::new());
                        reload.set(*reload + 1);
                        web::focus_soon("cn-token-secret");
                    }
                    Err(f) => {
                        let e =
                            fail_errors(&ctx, &f, &[("label", "tk-label"), ("days", "tk-days")]);
                        if !e.is_empty() {
                            errors.set(e);
                            web::focus_soon("cn-tk-errors");
                        }
                    }
                }
            });
        })
    };
    // the API may not tell when a token was last used: then no such column
    let any_used = list
        .as_ref()
        .is_some_and(|l| l.iter().any(|t| t.last_used_at.is_some()));
    let rows = list.as_ref().map(|l| {
        l.iter()
            .map(|t| {
                let revoke = {
                    let (ctx, reload, flash, error) = (ctx.clone(), reload.clone(), flash.clone(), error.clone());
                    let url = format!("{base}/{}", segment(&t.id));
                    Callback::from(move |_: MouseEvent| {
                        let (ctx, reload, flash, error, url) = (ctx.clone(), reload.clone(), flash.clone(), error.clone(), url.clone());
                        spawn(async move {
                            match ctx.call("DELETE", &url, None).await {
                                Ok(_) => {
                                    flash.set(ctx.c().done_token_revoked.to_string());
                                    reload.set(*reload + 1);
                                }
                                Err(f) => error.set(ctx.fail_text(&f)),
                            }
                        });
                    })
                };
                let opt = |x: &Option<String>| x.as_deref().map(i18n::fmt_time).unwrap_or_default();
                let used = opt(&t.last_used_at);
                html! {
                    <tr>
                        <td>{ t.label.clone() }</td>
                        <td class="cn-nowrap">{ i18n::fmt_time(&t.created_at) }</td>
                        <td class="cn-nowrap">{ opt(&t.expires_at) }</td>
                        if any_used { <td class="cn-nowrap">{ used }</td> }
                        <td class="cn-nowrap">{ opt(&t.revoked_at) }</td>
                        <td>
                            if t.revoked_at.is_none() {
                                <button type="button" class="cn-btn cn-small-btn cn-danger-outline" onclick={revoke}
                                    aria-label={format!("{} {}", c.revoke_token, t.label)}>{ c.revoke_token }</button>
                            }
                        </td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let e = (*errors).clone();
    let err_for = |id: &str| e.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let title = fill(c.tokens_title, &[("account", &p.account.display(ctx.lang))]);
    html! {
        <section class="cn-card" aria-labelledby="cn-tokens-h">
            <h2 id="cn-tokens-h" tabindex="-1">{ title.clone() }</h2>
            <p class="cn-done" role="status">{ (*flash).clone() }</p>
            { secret(ctx, "cn-token-secret", &shown) }
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            { match (rows, list.as_ref().map(Vec::len)) {
                (Some(_), Some(0)) => html! { <p>{ c.no_tokens }</p> },
                (Some(rows), _) => {
                    let mut head = vec![c.t_label, c.t_created, c.t_expires];
                    if any_used {
                        head.push(c.t_last_used);
                    }
                    head.extend([c.t_revoked, c.col_actions]);
                    table("cn-tokens", &title, &head, rows)
                }
                _ => html! {},
            } }
            <h3>{ c.issue_token }</h3>
            { error_summary("cn-tk-errors", c.errors_title, &e) }
            <form onsubmit={issue} novalidate=true>
                <div class="cn-filter-grid">
                    { input(Input::new("tk-label", c.t_label, &label, setter(&label)).required().error(err_for("tk-label"))) }
                    { input(Input::new("tk-days", c.t_days, &days, setter(&days)).numeric().error(err_for("tk-days"))) }
                </div>
                <button type="submit" class="cn-btn cn-primary">{ c.issue_token }</button>
            </form>
        </section>
    }
}
