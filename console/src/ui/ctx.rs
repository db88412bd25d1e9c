//! What every screen gets: the language, the signed-in account and its CSRF token, the engine, and the
//! way back to the app's reducer — through which every request reports a 401 (sign in again) or a 403
//! that must be dealt with first (change password, enrol TOTP), so no screen can forget to.

use super::web;
use crate::i18n::{self, Catalogue, fill};
use crate::model::{Account, Outcome, Problem, classify};
use crate::state::Msg;
use anbei_core::Engine;
use anbei_widget::i18n::Lang;
use anbei_widget::json::Json;
use anbei_widget::ui::EngineRef;
use std::rc::Rc;
use yew::Callback;

#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf: Rc<str>,
    pub account: Option<Rc<Account>>,
    pub engine: EngineRef,
    pub dispatch: Callback<Msg>,
}

/// Why a request gave no value.
#[derive(Clone, Debug, PartialEq)]
pub enum Fail {
    /// The app took over (sign-in, change password, enrol TOTP): nothing to show here.
    Handled,
    Problem(Problem),
}

impl Ctx {
    pub fn c(&self) -> &'static Catalogue {
        i18n::cat(self.lang)
    }
    pub fn engine(&self) -> &'static Engine {
        self.engine.0
    }

    /// One request to the API: its JSON value (`Null` for 204), or why not — after telling the app
    /// about a 401 or a 403 that comes first.
    pub async fn call(&self, method: &str, url: &str, body: Option<Json>) -> Result<Json, Fail> {
        let a = web::fetch(method, url, body.as_ref(), &self.csrf).await;
        match classify(a.status, a.body) {
            Outcome::Ok(j) => Ok(j),
            Outcome::SignIn => {
                self.dispatch.emit(Msg::SignIn);
                Err(Fail::Handled)
            }
            Outcome::PasswordChange => {
                self.dispatch.emit(Msg::PasswordChange);
                Err(Fail::Handled)
            }
            Outcome::TotpEnrolment => {
                self.dispatch.emit(Msg::TotpEnrolment);
                Err(Fail::Handled)
            }
            Outcome::Failed(p) => Err(Fail::Problem(p)),
        }
    }

    pub fn get(
        &self,
        url: &str,
    ) -> impl std::future::Future<Output = Result<Json, Fail>> + 'static {
        let me = self.clone();
        let url = url.to_string();
        async move { me.call("GET", &url, None).await }
    }

    /// What to say about a problem: the API's words, else the console's for no answer or a bare status.
    pub fn problem_text(&self, p: &Problem) -> String {
        let t = p.text(self.lang);
        if p.status == 0 {
            self.c().err_network.to_string()
        } else if t.is_empty() {
            fill(self.c().err_server, &[("status", &p.status.to_string())])
        } else {
            t
        }
    }

    /// The text of a failure, "" when the app took over.
    pub fn fail_text(&self, f: &Fail) -> String {
        match f {
            Fail::Handled => String::new(),
            Fail::Problem(p) => self.problem_text(p),
        }
    }
}

/// Run a request (or any future) without blocking the page.
pub fn spawn(f: impl std::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(f);
}
