//! The root: the session at start, the header (rendered into the page's `<header>` through a portal, so
//! the landmarks are the page's own), the notice line and the current screen.

use super::accounts::Accounts;
use super::audit::Audit;
use super::ctx::{Ctx, spawn};
use super::filing::FilingPage;
use super::inspections::Inspections;
use super::ledger::Ledger;
use super::queue::Queue;
use super::record::Record;
use super::signin::{ChangePassword, EnrolTotp, SignIn};
use super::web;
use crate::i18n::inspect::ins;
use crate::i18n::{self, cat};
use crate::model::{Outcome, Session, classify};
use crate::route::Route;
use crate::state::{Msg, Notice, Phase, State};
use anbei_widget::i18n::Lang;
use anbei_widget::ui::EngineRef;
use std::rc::Rc;
use yew::prelude::*;

/// Where the console keeps the chosen language (nothing else is stored in the browser).
const LANG_KEY: &str = "anbei.console.lang";

fn initial_lang() -> Lang {
    let saved = anbei_widget::ui::web::load(LANG_KEY);
    let page = web::document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"));
    Lang::from_tag(&saved.or(page).unwrap_or_default())
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub engine: EngineRef,
}

#[function_component(App)]
pub fn app(p: &Props) -> Html {
    let state = use_reducer(|| State::new(Route::parse(&web::location_hash()), initial_lang()));
    let s: &State = &state;
    let lang = s.lang;
    let c = cat(lang);
    let dispatch = {
        let d = state.dispatcher();
        Callback::from(move |m: Msg| d.dispatch(m))
    };

    // at start: is there a session? And follow the address's fragment from then on.
    {
        let d = dispatch.clone();
        use_effect_with((), move |_| {
            let d2 = d.clone();
            spawn(async move {
                let a = web::fetch("GET", "/api/v1/session", None, "").await;
                match classify(a.status, a.body) {
                    Outcome::Ok(j) => {
                        d2.emit(Msg::Session(Box::new(Session::from_json(&j)), Notice::None))
                    }
                    _ => d2.emit(Msg::SignIn),
                }
            });
            web::on_hash_change(move |h| d.emit(Msg::Navigate(Route::parse(&h))));
        });
    }
    // the page's language and title; the choice is kept
    {
        let title = format!("{} · {}", screen_title(s), c.app_title);
        use_effect_with((lang, title), move |(lang, title)| {
            web::set_page_lang(lang.tag(), title);
            anbei_widget::ui::web::save(LANG_KEY, lang.tag());
        });
    }
    // each new screen takes focus on its heading (not the first: the page has it then)
    {
        let first = use_mut_ref(|| true);
        use_effect_with((s.seq, s.phase), move |(_, phase)| {
            if *phase != Phase::Starting && !std::mem::replace(&mut *first.borrow_mut(), false) {
                web::focus_soon("cn-h1");
            }
        });
    }

    let session = s.session.as_ref();
    let ctx = Ctx {
        lang,
        csrf: Rc::from(session.map_or("", |x| x.csrf_token.as_str())),
        account: session.map(|x| Rc::new(x.account.clone())),
        engine: p.engine,
        dispatch: dispatch.clone(),
    };
    let notice = match s.notice {
        Notice::None => "",
        Notice::SignedOut => c.notice_signed_out,
        Notice::SessionEnded => c.notice_session_ended,
        Notice::PasswordChanged => c.notice_pw_changed,
        Notice::TotpEnrolled => c.notice_totp_enrolled,
    };
    let body = match s.phase {
        Phase::Starting => html! { <p class="cn-loading" role="status">{ c.loading }</p> },
        Phase::SignIn => {
            let d = dispatch.clone();
            let on_session =
                Callback::from(move |x: Session| d.emit(Msg::Session(Box::new(x), Notice::None)));
            html! { <SignIn {lang} {on_session} /> }
        }
        Phase::ChangePassword => html! { <ChangePassword ctx={ctx.clone()} /> },
        Phase::EnrolTotp => html! { <EnrolTotp ctx={ctx.clone()} /> },
        Phase::Ready => match &s.route {
            Route::Queue => html! { <Queue ctx={ctx.clone()} /> },
            Route::Filing(no) => {
                // a link with a query (`?act=revoke&ground=…`) opens the page afresh, pre-filled
                let hash = web::location_hash();
                let key = format!("{no}?{}", hash.split_once('?').map_or("", |(_, q)| q));
                html! { <FilingPage {key} ctx={ctx.clone()} no={no.clone()} /> }
            }
            Route::Ledger => html! { <Ledger ctx={ctx.clone()} /> },
            Route::Accounts => html! { <Accounts ctx={ctx.clone()} /> },
            Route::Audit => html! { <Audit ctx={ctx.clone()} /> },
            Route::Inspections => html! { <Inspections ctx={ctx.clone()} /> },
            Route::Record(no, kind) => html! {
                <Record key={format!("{no}/{kind}")} ctx={ctx.clone()} no={no.clone()} kind={kind.clone()} />
            },
            Route::Statistics => html! { <super::stats::Statistics ctx={ctx.clone()} /> },
            Route::Unregistered => {
                html! { <super::unregistered::Unregistered ctx={ctx.clone()} /> }
            }
        },
    };
    let head = header(s, &ctx);
    let head = match web::document().and_then(|d| d.get_element_by_id("console-header")) {
        Some(host) => create_portal(head, host),
        None => head,
    };
    html! {
        <>
            { head }
            <p class="cn-notice" role="status">{ notice }</p>
            { body }
        </>
    }
}

/// The screen's name, for the page title.
fn screen_title(s: &State) -> String {
    let c = cat(s.lang);
    match (s.phase, &s.route) {
        (Phase::SignIn | Phase::Starting, _) => c.signin_title.to_string(),
        (Phase::ChangePassword, _) => c.pw_title.to_string(),
        (Phase::EnrolTotp, _) => c.totp_title.to_string(),
        (Phase::Ready, Route::Queue) => c.queue_title.to_string(),
        (Phase::Ready, Route::Filing(no)) => i18n::fill(c.filing_title, &[("no", no)]),
        (Phase::Ready, Route::Ledger) => c.ledger_title.to_string(),
        (Phase::Ready, Route::Accounts) => c.accounts_title.to_string(),
        (Phase::Ready, Route::Audit) => c.audit_title.to_string(),
        (Phase::Ready, Route::Inspections) => ins(s.lang).title.to_string(),
        (Phase::Ready, Route::Record(no, _)) => i18n::fill(ins(s.lang).rec_title, &[("no", no)]),
        (Phase::Ready, Route::Statistics) => super::stats::title(s.lang).to_string(),
        (Phase::Ready, Route::Unregistered) => crate::i18n::manage::mg(s.lang).ur_title.to_string(),
    }
}

/// The header: skip link, the console's name, the account "name（login）" with role and street, the
/// language switch, sign-out, and the navigation.
fn header(s: &State, ctx: &Ctx) -> Html {
    let c = ctx.c();
    let lang = ctx.lang;
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        web::focus_id("cn-h1");
    });
    let switch = {
        let d = ctx.dispatch.clone();
        let next = lang.next();
        Callback::from(move |_: MouseEvent| d.emit(Msg::SetLang(next)))
    };
    let sign_out = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            let ctx = ctx.clone();
            spawn(async move {
                // signed out here whatever the answer: the cookie is HttpOnly, only the server ends it
                let _ = web::fetch("DELETE", "/api/v1/session", None, &ctx.csrf).await;
                ctx.dispatch.emit(Msg::SignedOut);
            });
        })
    };
    let who = s.session.as_ref().map(|x| {
        let a = &x.account;
        let street = a.street.as_deref().map_or_else(
            || c.no_street.to_string(),
            |st| i18n::street_name(ctx.engine(), st, lang),
        );
        html! {
            <p class="cn-who">
                <span class="cn-visually-hidden">{ c.account_label }{ " " }</span>
                <strong>{ a.display(lang) }</strong>
                <span>{ " · " }{ i18n::role(c, &a.role) }{ " · " }{ street }</span>
            </p>
        }
    });
    let ready = s.phase == Phase::Ready;
    let section = s.route.section();
    let mut links = vec![(Route::Queue, c.nav_queue), (Route::Ledger, c.nav_ledger)];
    links.insert(1, (Route::Inspections, ins(lang).nav));
    if s.session
        .as_ref()
        .is_some_and(|x| x.account.role != "patrol")
    {
        links.push((Route::Statistics, super::stats::title(lang)));
    }
    if s.is_admin() {
        links.push((Route::Accounts, c.nav_accounts));
        links.push((Route::Audit, c.nav_audit));
    }
    html! {
        <>
            <a class="cn-skip" href="#content" onclick={skip}>{ c.skip }</a>
            <div class="cn-bar">
                <p class="cn-brand">{ c.app_title }</p>
                { for who }
                <div class="cn-bar-actions">
                    <button type="button" class="cn-btn cn-quiet" lang={lang.next().tag()} onclick={switch}
                        aria-label={format!("{} · {}", c.lang_switch, lang.next().cat().lang_name)}>{ lang.next().cat().lang_name }</button>
                    if s.session.is_some() {
                        <button type="button" class="cn-btn cn-quiet cn-sign-out" onclick={sign_out}>{ c.sign_out }</button>
                    }
                </div>
            </div>
            if ready {
                <nav class="cn-nav" aria-label={c.nav_label}>
                    <ul>
                        { for links.into_iter().map(|(r, label)| html! {
                            <li><a href={r.hash()} aria-current={(r == section).then_some("page")}>{ label }</a></li>
                        }) }
                    </ul>
                </nav>
            }
        </>
    }
}
