//! Signing in (login and password, then a 6-digit TOTP code when the API answers `TOTP_REQUIRED`),
//! the change-password form (`must_change_password`) and TOTP enrolment (admins without one).

use super::ctx::{Ctx, Fail, spawn};
use super::form::{Input, error_summary, input, on_submit, required, setter};
use super::web;
use crate::i18n::{cat, fill};
use crate::model::{Problem, Session};
use crate::state::{Msg, Notice};
use anbei_widget::i18n::Lang;
use anbei_widget::json::{Json, obj, s};
use yew::prelude::*;

/// The message for the field `id` among `(field id, message)` errors.
fn err_for(errors: &[(String, String)], id: &str) -> Option<String> {
    errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone())
}

/// Six digits (spaces ignored), as the authenticator shows them.
pub fn totp_code(raw: &str) -> Option<String> {
    let d: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

/// After a password change or an enrolment: the session as it is now.
async fn reload(ctx: &Ctx, notice: Notice) -> Result<(), Fail> {
    let j = ctx.call("GET", "/api/v1/session", None).await?;
    ctx.dispatch
        .emit(Msg::Session(Box::new(Session::from_json(&j)), notice));
    Ok(())
}

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    pub lang: Lang,
    pub on_session: Callback<Session>,
}

#[function_component(SignIn)]
pub fn sign_in(p: &SignInProps) -> Html {
    let (lang, c) = (p.lang, cat(p.lang));
    let login = use_state(String::new);
    let password = use_state(String::new);
    let totp = use_state(String::new);
    let need_totp = use_state(|| false);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);

    let submit = {
        let (login, password, totp, need_totp, errors, busy) = (
            login.clone(),
            password.clone(),
            totp.clone(),
            need_totp.clone(),
            errors.clone(),
            busy.clone(),
        );
        let on_session = p.on_session.clone();
        on_submit(move || {
            if *busy {
                return;
            }
            let mut errs = Vec::new();
            if login.trim().is_empty() {
                errs.push(("cn-login".to_string(), required(c, c.login)));
            }
            if password.is_empty() {
                errs.push(("cn-password".to_string(), required(c, c.password)));
            }
            let code = totp_code(&totp);
            if *need_totp && code.is_none() {
                errs.push(("cn-totp".to_string(), c.err_totp_format.to_string()));
            }
            if !errs.is_empty() {
                errors.set(errs);
                web::focus_soon("cn-errors");
                return;
            }
            let mut body = vec![("login", s(login.trim())), ("password", s(&password))];
            if let Some(code) = &code {
                body.push(("totp", s(code)));
            }
            let body = obj(body);
            let sent_totp = code.is_some();
            busy.set(true);
            let (errors, busy, need_totp, on_session) = (
                errors.clone(),
                busy.clone(),
                need_totp.clone(),
                on_session.clone(),
            );
            spawn(async move {
                let a = web::fetch("POST", "/api/v1/session", Some(&body), "").await;
                busy.set(false);
                let code = a
                    .body
                    .as_ref()
                    .map(|b| b.str_at("code").to_string())
                    .unwrap_or_default();
                match (a.status, code.as_str()) {
                    (200..=299, _) => {
                        errors.set(Vec::new());
                        on_session.emit(Session::from_json(&a.body.unwrap_or_default()));
                    }
                    (401, "TOTP_REQUIRED") => {
                        need_totp.set(true);
                        if sent_totp {
                            errors.set(vec![("cn-totp".into(), c.totp_wrong.into())]);
                            web::focus_soon("cn-errors");
                        } else {
                            errors.set(Vec::new());
                            web::focus_soon("cn-totp");
                        }
                    }
                    (401, _) => {
                        errors.set(vec![("cn-password".into(), c.signin_failed.into())]);
                        web::focus_soon("cn-errors");
                    }
                    (0, _) => {
                        errors.set(vec![(String::new(), c.err_network.into())]);
                        web::focus_soon("cn-errors");
                    }
                    (status, _) => {
                        let pr = Problem::from_json(status, &a.body.unwrap_or_default());
                        let t = match pr.text(lang) {
                            t if t.is_empty() => {
                                fill(c.err_server, &[("status", &status.to_string())])
                            }
                            t => t,
                        };
                        errors.set(vec![(String::new(), t)]);
                        web::focus_soon("cn-errors");
                    }
                }
            });
        })
    };

    let e = (*errors).clone();
    html! {
        <section class="cn-narrow" aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.signin_title }</h1>
            <p>{ c.signin_intro }</p>
            { error_summary("cn-errors", c.errors_title, &e) }
            <form onsubmit={submit} novalidate=true>
                { input(Input::new("cn-login", c.login, &login, setter(&login)).autocomplete("username").required().error(err_for(&e, "cn-login"))) }
                { input(Input::new("cn-password", c.password, &password, setter(&password)).kind("password").autocomplete("current-password").required().error(err_for(&e, "cn-password"))) }
                if *need_totp {
                    { input(Input::new("cn-totp", c.totp, &totp, setter(&totp)).hint(c.totp_help).autocomplete("one-time-code").numeric().required().error(err_for(&e, "cn-totp"))) }
                }
                <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ if *busy { c.sending } else { c.signin_submit } }</button>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CtxProps {
    pub ctx: Ctx,
}

#[function_component(ChangePassword)]
pub fn change_password(p: &CtxProps) -> Html {
    let c = p.ctx.c();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let again = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);
    let submit = {
        let (current, new, again, errors, busy) = (
            current.clone(),
            new.clone(),
            again.clone(),
            errors.clone(),
            busy.clone(),
        );
        let ctx = p.ctx.clone();
        on_submit(move || {
            if *busy {
                return;
            }
            let mut errs = Vec::new();
            if current.is_empty() {
                errs.push(("cn-current".to_string(), required(c, c.current_password)));
            }
            if new.chars().count() < 12 {
                errs.push(("cn-new".to_string(), c.err_pw_short.to_string()));
            } else if *new != *again {
                errs.push(("cn-again".to_string(), c.err_pw_mismatch.to_string()));
            }
            if !errs.is_empty() {
                errors.set(errs);
                web::focus_soon("cn-errors");
                return;
            }
            let body = obj(vec![
                ("current_password", s(&current)),
                ("new_password", s(&new)),
            ]);
            busy.set(true);
            let (ctx, errors, busy) = (ctx.clone(), errors.clone(), busy.clone());
            spawn(async move {
                let r = ctx
                    .call("POST", "/api/v1/session/password", Some(body))
                    .await;
                let r = match r {
                    Ok(_) => reload(&ctx, Notice::PasswordChanged).await,
                    Err(f) => Err(f),
                };
                busy.set(false);
                match r {
                    Ok(()) | Err(Fail::Handled) => {}
                    Err(Fail::Problem(pr)) => {
                        let errs = if pr.status == 403 {
                            vec![("cn-current".to_string(), c.err_pw_current.to_string())]
                        } else if let Some(m) = pr.field("new_password", ctx.lang) {
                            vec![("cn-new".to_string(), m)]
                        } else {
                            vec![(String::new(), ctx.problem_text(&pr))]
                        };
                        errors.set(errs);
                        web::focus_soon("cn-errors");
                    }
                }
            });
        })
    };
    let e = (*errors).clone();
    html! {
        <section class="cn-narrow" aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.pw_title }</h1>
            <p>{ c.pw_intro }</p>
            { error_summary("cn-errors", c.errors_title, &e) }
            <form onsubmit={submit} novalidate=true>
                { input(Input::new("cn-current", c.current_password, &current, setter(&current)).kind("password").autocomplete("current-password").required().error(err_for(&e, "cn-current"))) }
                { input(Input::new("cn-new", c.new_password, &new, setter(&new)).kind("password").autocomplete("new-password").required().error(err_for(&e, "cn-new"))) }
                { input(Input::new("cn-again", c.confirm_password, &again, setter(&again)).kind("password").autocomplete("new-password").required().error(err_for(&e, "cn-again"))) }
                <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ if *busy { c.sending } else { c.pw_submit } }</button>
            </form>
        </section>
    }
}

#[function_component(EnrolTotp)]
pub fn enrol_totp(p: &CtxProps) -> Html {
    let c = p.ctx.c();
    let secret = use_state(|| None::<(String, String)>);
    let code = use_state(String::new);
    let errors = use_state(Vec::<(String, String)>::new);
    let busy = use_state(|| false);
    let begin = {
        let (secret, errors, busy) = (secret.clone(), errors.clone(), busy.clone());
        let ctx = p.ctx.clone();
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            let (ctx, secret, errors, busy) =
                (ctx.clone(), secret.clone(), errors.clone(), busy.clone());
            spawn(async move {
                let r = ctx
                    .call("POST", "/api/v1/session/totp", Some(Json::Obj(Vec::new())))
                    .await;
                busy.set(false);
                match r {
                    Ok(j) => {
                        secret.set(Some((
                            j.str_at("secret").to_string(),
                            j.str_at("otpauth_uri").to_string(),
                        )));
                        errors.set(Vec::new());
                        web::focus_soon("cn-totp-code");
                    }
                    Err(f) => {
                        let t = ctx.fail_text(&f);
                        if !t.is_empty() {
                            errors.set(vec![(String::new(), t)]);
                            web::focus_soon("cn-errors");
                        }
                    }
                }
            });
        })
    };
    let confirm = {
        let (code, errors, busy) = (code.clone(), errors.clone(), busy.clone());
        let ctx = p.ctx.clone();
        on_submit(move || {
            let Some(digits) = totp_code(&code) else {
                errors.set(vec![("cn-totp-code".into(), c.err_totp_format.into())]);
                web::focus_soon("cn-errors");
                return;
            };
            busy.set(true);
            let (ctx, errors, busy) = (ctx.clone(), errors.clone(), busy.clone());
            spawn(async move {
                let body = obj(vec![("code", s(&digits))]);
                let r = match ctx
                    .call("POST", "/api/v1/session/totp/confirm", Some(body))
                    .await
                {
                    Ok(_) => reload(&ctx, Notice::TotpEnrolled).await,
                    Err(f) => Err(f),
                };
                busy.set(false);
                if let Err(Fail::Problem(pr)) = r {
                    let m = pr
                        .field("code", ctx.lang)
                        .unwrap_or_else(|| ctx.problem_text(&pr));
                    errors.set(vec![("cn-totp-code".into(), m)]);
                    web::focus_soon("cn-errors");
                }
            });
        })
    };
    let e = (*errors).clone();
    html! {
        <section class="cn-narrow" aria-labelledby="cn-h1">
            <h1 id="cn-h1" tabindex="-1">{ c.totp_title }</h1>
            <p>{ c.totp_intro }</p>
            { error_summary("cn-errors", c.errors_title, &e) }
            if let Some((key, uri)) = (*secret).clone() {
                <div class="cn-totp">
                    { anbei_widget::ui::qr(&uri, c.totp_qr) }
                    <dl class="cn-dl">
                        <dt>{ c.totp_secret }</dt><dd><code class="cn-secret">{ key }</code></dd>
                        <dt>{ c.totp_uri }</dt><dd><code class="cn-uri">{ uri }</code></dd>
                    </dl>
                </div>
                <form onsubmit={confirm} novalidate=true>
                    { input(Input::new("cn-totp-code", c.totp_code, &code, setter(&code)).autocomplete("one-time-code").numeric().required().error(err_for(&e, "cn-totp-code"))) }
                    <button type="submit" class="cn-btn cn-primary" disabled={*busy}>{ if *busy { c.sending } else { c.totp_confirm } }</button>
                </form>
            } else {
                <button type="button" class="cn-btn cn-primary" onclick={begin} disabled={*busy}>{ if *busy { c.sending } else { c.totp_begin } }</button>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::totp_code;

    #[test]
    fn totp_codes_are_six_digits() {
        assert_eq!(totp_code("123456").as_deref(), Some("123456"));
        assert_eq!(totp_code(" 123 456 ").as_deref(), Some("123456"));
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert_eq!(totp_code(bad), None, "{bad}");
        }
    }
}
