//! DOM side: the `mount` entry point called by the custom element (or `AnbeiWidget.mount`), and the
//! components. State lives in `crate::state`; words in `crate::i18n`.
//!
//! The street office's console (`anbei-console`) reuses the result view and the QR code. Its browser
//! build (scripts/build-bundle.sh, which builds every page bundle but the widget's own with the same
//! flags, so that they share one build of std and their common dependencies) passes
//! `--cfg anbei_page_bundle`, which leaves out `mount` and `unmount` (the widget's entry points:
//! exported, they would bring the whole widget app into the console's bundle).

mod app;
mod filing_view;
mod findings;
mod more;
mod qr;
mod question;
mod result_view;
mod track_view;
mod warm;
pub mod web;

#[cfg(not(anbei_page_bundle))]
use crate::i18n::Lang;
use crate::json::ViaJson;
#[cfg(not(anbei_page_bundle))]
use crate::state::Mode;
use anbei_core::Engine;
use std::cell::RefCell;
#[cfg(not(anbei_page_bundle))]
use wasm_bindgen::JsCast;
#[cfg(not(anbei_page_bundle))]
use wasm_bindgen::prelude::*;

pub use app::{App, EngineRef, Props};

// For the street office's console (`anbei-console`): the result page (a filing's assessment as its
// applicant saw it) and the QR code. Re-exported only where the console is built — natively, and in its
// browser build (`--cfg anbei_page_bundle`, scripts/build-bundle.sh) — because making them reachable from
// the widget's own bundle moves that bundle's code layout (+0.2 KB gzip measured), and it is at its budget.
#[cfg(any(anbei_page_bundle, not(target_arch = "wasm32")))]
pub use {qr::qr, result_view::ResultView};

thread_local! {
    static ENGINE: RefCell<Option<&'static Engine>> = const { RefCell::new(None) };
    #[cfg(not(anbei_page_bundle))]
    static HANDLES: RefCell<Vec<(u32, yew::AppHandle<App>)>> = const { RefCell::new(Vec::new()) };
    #[cfg(not(anbei_page_bundle))]
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
}

/// The engine, built once per page from the embedded rule data and shared by every widget.
pub fn engine() -> Result<&'static Engine, String> {
    ENGINE.with(|e| {
        if let Some(eng) = *e.borrow() {
            return Ok(eng);
        }
        let built =
            Engine::from_sources_with(&anbei_core::embedded_sources(), &ViaJson(web::parse_json))
                .map_err(|err| err.to_string())?;
        let eng: &'static Engine = Box::leak(Box::new(built));
        *e.borrow_mut() = Some(eng);
        Ok(eng)
    })
}

/// The style sheet, without its comment and indentation (build.rs).
#[cfg(not(anbei_page_bundle))]
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));

#[cfg(not(anbei_page_bundle))]
fn opt_string(o: &JsValue, k: &str) -> Option<String> {
    js_sys::Reflect::get(o, &JsValue::from_str(k))
        .ok()
        .and_then(|v| v.as_string())
        .filter(|s| !s.trim().is_empty())
}

/// Mount a widget into `root` (a shadow root or an element) for the host element `host`.
/// `options`: `{api, lang, street, mode, storageKey}` (all optional). Returns a handle for `unmount`.
#[cfg(not(anbei_page_bundle))]
#[wasm_bindgen]
pub fn mount(
    root: web_sys::Node,
    host: web_sys::HtmlElement,
    options: JsValue,
) -> Result<u32, JsValue> {
    let engine = engine().map_err(|e| JsValue::from_str(&e))?;
    // the entry module's loader of the second module (ui/more.rs)
    more::set_loader(
        js_sys::Reflect::get(&options, &JsValue::from_str("more"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok()),
    );
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let style = doc.create_element("style")?;
    style.set_text_content(Some(CSS));
    root.append_child(&style)?;
    let div = doc.create_element("div")?;
    div.set_class_name("aw-root");
    root.append_child(&div)?;
    let mode = match opt_string(&options, "mode").as_deref() {
        Some("odd-job") => Mode::OddJob,
        Some("track") => Mode::Track,
        _ => Mode::Full,
    };
    let api = opt_string(&options, "api").map(|a| a.trim_end_matches('/').to_string());
    let storage_key = opt_string(&options, "storageKey").unwrap_or_else(|| {
        format!(
            "anbei.v1.{}",
            match mode {
                Mode::OddJob => "odd-job",
                Mode::Track => "track",
                Mode::Full => "full",
            }
        )
    });
    let props = Props {
        engine: EngineRef(engine),
        host: host.clone(),
        api,
        lang: Lang::from_tag(&opt_string(&options, "lang").unwrap_or_default()),
        street: opt_string(&options, "street").filter(|s| engine.street_index(s).is_some()),
        mode,
        storage_key,
    };
    let handle = yew::Renderer::<App>::with_root_and_props(div, props).render();
    let id = NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        let id = *n;
        *n += 1;
        id
    });
    HANDLES.with(|h| h.borrow_mut().push((id, handle)));
    let _ = host.unchecked_ref::<web_sys::Element>();
    Ok(id)
}

/// Remove a mounted widget.
#[cfg(not(anbei_page_bundle))]
#[wasm_bindgen]
pub fn unmount(id: u32) {
    let handle = HANDLES.with(|h| {
        let mut h = h.borrow_mut();
        h.iter().position(|(i, _)| *i == id).map(|p| h.remove(p).1)
    });
    if let Some(handle) = handle {
        handle.destroy();
    }
}
