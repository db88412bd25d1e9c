//! The console's state as a reducer: who is signed in, what they must do before anything else
//! (change the password, enrol TOTP), where they are and in which language. Every screen dispatches
//! what an answer meant (`model::Outcome`): a 401 anywhere leads back to the sign-in, a 403
//! `PASSWORD_CHANGE_REQUIRED` to the change-password form. No DOM code: unit-tested natively.

use crate::model::Session;
use crate::route::Route;
use anbei_widget::i18n::Lang;
use std::rc::Rc;
use yew::Reducible;

/// What the console shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Phase {
    /// Asking the API whether a session exists.
    #[default]
    Starting,
    SignIn,
    /// `must_change_password`: the change-password form before anything else.
    ChangePassword,
    /// An admin without TOTP: enrolment before anything else.
    EnrolTotp,
    /// The screens.
    Ready,
}

/// A line shown once above the next screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Notice {
    #[default]
    None,
    SignedOut,
    /// A 401 while signed in: the session expired or was ended.
    SessionEnded,
    PasswordChanged,
    TotpEnrolled,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct State {
    pub phase: Phase,
    pub session: Option<Session>,
    pub route: Route,
    pub lang: Lang,
    pub notice: Notice,
    /// Bumped on every navigation, so the screen moves focus to its heading.
    pub seq: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A session (signed in, or found at start), with the notice to show.
    Session(Box<Session>, Notice),
    /// No session (start), or a 401 anywhere.
    SignIn,
    /// A 403 `PASSWORD_CHANGE_REQUIRED`.
    PasswordChange,
    /// A 403 `TOTP_ENROLMENT_REQUIRED`.
    TotpEnrolment,
    SignedOut,
    Navigate(Route),
    SetLang(Lang),
}

impl State {
    pub fn new(route: Route, lang: Lang) -> State {
        State {
            route,
            lang,
            ..State::default()
        }
    }

    pub fn is_admin(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.account.is_admin())
    }

    /// The route this account may see: admin screens fall back to the queue for everyone else.
    fn allowed(&self, r: Route) -> Route {
        if r.admin_only() && !self.is_admin() {
            Route::Queue
        } else {
            r
        }
    }
}

impl Reducible for State {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        match msg {
            Msg::Session(session, notice) => {
                s.phase = if session.must_change_password {
                    Phase::ChangePassword
                } else if session.totp_enrolment_required {
                    Phase::EnrolTotp
                } else {
                    Phase::Ready
                };
                s.session = Some(*session);
                s.notice = notice;
                s.route = s.allowed(s.route.clone());
                s.seq = s.seq.wrapping_add(1);
            }
            Msg::SignIn => {
                s.notice = if s.session.is_some() {
                    Notice::SessionEnded
                } else {
                    Notice::None
                };
                s.session = None;
                s.phase = Phase::SignIn;
            }
            Msg::PasswordChange if s.session.is_some() => s.phase = Phase::ChangePassword,
            Msg::TotpEnrolment if s.session.is_some() => s.phase = Phase::EnrolTotp,
            Msg::PasswordChange | Msg::TotpEnrolment => s.phase = Phase::SignIn,
            Msg::SignedOut => {
                s.session = None;
                s.phase = Phase::SignIn;
                s.notice = Notice::SignedOut;
                s.route = Route::Queue;
            }
            Msg::Navigate(r) => {
                s.route = s.allowed(r);
                s.notice = Notice::None;
                s.seq = s.seq.wrapping_add(1);
            }
            Msg::SetLang(l) => s.lang = l,
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Account;

    fn session(role: &str) -> Session {
        Session {
            account: Account {
                login: "li.wei".into(),
                name: "李伟".into(),
                role: role.into(),
                ..Account::default()
            },
            csrf_token: "t".into(),
            ..Session::default()
        }
    }

    fn run(s: State, msgs: Vec<Msg>) -> State {
        let mut s = Rc::new(s);
        for m in msgs {
            s = s.reduce(m);
        }
        (*s).clone()
    }

    #[test]
    fn a_session_decides_what_comes_first() {
        let start = State::new(Route::Ledger, Lang::Zh);
        assert_eq!(start.phase, Phase::Starting);
        let s = run(
            start.clone(),
            vec![Msg::Session(Box::new(session("officer")), Notice::None)],
        );
        assert_eq!((s.phase, s.route.clone()), (Phase::Ready, Route::Ledger));
        let mut must = session("officer");
        must.must_change_password = true;
        must.totp_enrolment_required = true;
        let s = run(
            start.clone(),
            vec![Msg::Session(Box::new(must), Notice::None)],
        );
        assert_eq!(s.phase, Phase::ChangePassword);
        let mut enrol = session("admin");
        enrol.totp_enrolment_required = true;
        let s = run(
            start,
            vec![Msg::Session(Box::new(enrol), Notice::PasswordChanged)],
        );
        assert_eq!(
            (s.phase, s.notice),
            (Phase::EnrolTotp, Notice::PasswordChanged)
        );
    }

    #[test]
    fn a_401_anywhere_leads_back_to_the_sign_in() {
        let s = run(
            State::new(Route::Queue, Lang::Zh),
            vec![
                Msg::Session(Box::new(session("officer")), Notice::None),
                Msg::Navigate(Route::Filing("2026-BT-0001".into())),
                Msg::SignIn,
            ],
        );
        assert_eq!((s.phase, s.notice), (Phase::SignIn, Notice::SessionEnded));
        assert!(s.session.is_none());
        // where they were is kept: after signing in again they are back there
        assert_eq!(s.route, Route::Filing("2026-BT-0001".into()));
        let s = run(
            s,
            vec![Msg::Session(Box::new(session("officer")), Notice::None)],
        );
        assert_eq!(s.phase, Phase::Ready);
        assert_eq!(s.route, Route::Filing("2026-BT-0001".into()));
        // no session at start: no "session ended"
        let s = run(State::new(Route::Queue, Lang::Zh), vec![Msg::SignIn]);
        assert_eq!((s.phase, s.notice), (Phase::SignIn, Notice::None));
    }

    #[test]
    fn a_password_change_or_enrolment_required_comes_first() {
        let s = run(
            State::new(Route::Queue, Lang::Zh),
            vec![
                Msg::Session(Box::new(session("officer")), Notice::None),
                Msg::PasswordChange,
            ],
        );
        assert_eq!(s.phase, Phase::ChangePassword);
        let s = run(s, vec![Msg::TotpEnrolment]);
        assert_eq!(s.phase, Phase::EnrolTotp);
        // without a session there is nothing to change: sign in
        let s = run(
            State::new(Route::Queue, Lang::Zh),
            vec![Msg::PasswordChange],
        );
        assert_eq!(s.phase, Phase::SignIn);
    }

    #[test]
    fn admin_screens_are_for_admins_only() {
        let officer = run(
            State::new(Route::Accounts, Lang::Zh),
            vec![Msg::Session(Box::new(session("officer")), Notice::None)],
        );
        assert_eq!(officer.route, Route::Queue);
        let officer = run(officer, vec![Msg::Navigate(Route::Audit)]);
        assert_eq!(officer.route, Route::Queue);
        let admin = run(
            State::new(Route::Accounts, Lang::Zh),
            vec![
                Msg::Session(Box::new(session("admin")), Notice::None),
                Msg::Navigate(Route::Audit),
            ],
        );
        assert_eq!(admin.route, Route::Audit);
        let seq = admin.seq;
        let out = run(admin, vec![Msg::SignedOut, Msg::SetLang(Lang::En)]);
        assert_eq!((out.phase, out.notice), (Phase::SignIn, Notice::SignedOut));
        assert_eq!((out.route, out.lang), (Route::Queue, Lang::En));
        assert_eq!(out.seq, seq);
    }
}
