//! DOM side: the entry point (the page's `<main id="content">`), the app and its screens. State lives in
//! `crate::state`, words in `crate::i18n`, the API's shapes in `crate::model`.

mod accounts;
mod app;
mod audit;
mod ctx;
mod decide;
mod filing;
mod findings;
mod form;
mod inspections;
mod ledger;
mod queue;
mod record;
mod referral;
mod reissue;
mod signin;
mod stats;
mod table;
mod unregistered;
pub mod web;

pub use app::{App, Props};
pub use signin::totp_code;

/// Starts the console in the page's `<main id="content">` (the header goes to `<header
/// id="console-header">`). Called when the module is loaded.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let Some(root) = web::document().and_then(|d| d.get_element_by_id("content")) else {
        return;
    };
    match anbei_widget::ui::engine() {
        Ok(engine) => {
            // the page's <noscript> goes: the app is here
            root.set_inner_html("");
            yew::Renderer::<App>::with_root_and_props(
                root,
                Props {
                    engine: anbei_widget::ui::EngineRef(engine),
                },
            )
            .render();
        }
        Err(e) => root.set_text_content(Some(&e)),
    }
}
