//! One module per resource. Each adds its routes through [`Routes`], which records every method and
//! path as it builds the router, so that a test compares the router with `/api/openapi.json`
//! (`openapi.rs`): a route without its OpenAPI entry fails it. The static files (`statics.rs`) are
//! files, not operations, and are merged outside it.

pub mod accounts;
pub mod assess;
pub mod audit;
pub mod inspections;
pub mod meta;
pub mod pages;
pub mod personal_data;
pub mod queue;
pub mod receipts;
pub mod registrations;
pub mod scan;
pub mod session;
pub mod site_records;
pub mod statics;
pub mod statistics;
pub mod unregistered;
pub mod uploads;

use crate::app::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post};

/// The problems of a listing's `from` / `to` query dates that are not real dates (ledger, queue, audit).
pub(crate) fn date_bounds(
    from: &Option<String>,
    to: &Option<String>,
) -> Vec<crate::error::FieldProblem> {
    use crate::error::{FieldProblem, Msg};
    [("from", from), ("to", to)]
        .into_iter()
        .filter(|(_, v)| {
            v.as_deref()
                .is_some_and(|d| anbei_core::Date::parse(d).is_none())
        })
        .map(|(name, _)| FieldProblem::msg(name, "date", Msg::of(crate::messages::Key::Date)))
        .collect()
}

/// A query value, `None` when absent or blank.
pub(crate) fn given(v: &Option<String>) -> Option<String> {
    v.clone().filter(|x| !x.trim().is_empty())
}

/// The router being built, and the (method, path) of every route added to it.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl Routes {
    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add(Method::GET, path, get(h))
    }
    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add(Method::POST, path, post(h))
    }
    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add(Method::DELETE, path, delete(h))
    }
    /// `post`, with `wrap` applied to that one route (e.g. its own body limit).
    pub fn post_with<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        h: H,
        wrap: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
    ) -> Routes {
        self.add(Method::POST, path, wrap(post(h)))
    }
    fn add(mut self, method: Method, path: &'static str, r: MethodRouter<AppState>) -> Routes {
        self.list.push((method, path));
        self.router = self.router.route(path, r);
        self
    }
    /// Every route added, in order.
    pub fn list(&self) -> &[(Method, &'static str)] {
        &self.list
    }
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Every operation of the service.
pub fn all() -> Routes {
    let r = Routes::default();
    let r = meta::routes(r);
    let r = assess::routes(r);
    let r = uploads::routes(r);
    let r = registrations::routes(r);
    let r = receipts::routes(r);
    let r = session::routes(r);
    let r = accounts::routes(r);
    let r = audit::routes(r);
    let r = personal_data::routes(r);
    let r = queue::routes(r);
    let r = scan::routes(r);
    let r = inspections::routes(r);
    let r = site_records::routes(r);
    let r = statistics::routes(r);
    pages::routes(r)
}
