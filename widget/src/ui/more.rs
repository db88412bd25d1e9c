//! The second module. The browser build is split in two (scripts/build-widget.sh, binaryen's
//! `wasm-split`): the first module holds what the interview and the result need, the second the code only
//! the views after the result run — the filing form and its receipt, the track view and the findings
//! (`filing_view`, `track_view`, `findings`: scripts/split-list.mjs moves exactly the code that only
//! they can reach). A visitor downloads the first for the first question; the second is fetched once
//! the first question is up and the idle-time warm-up has run (ui/warm.rs), so it is normally there
//! before anyone presses "file". Until it is, [`App`](super::App) shows a line saying so instead of
//! those views and shows them as soon as it arrives ([`load`]).
//!
//! The entry module passes the loader to `mount` (`options.more`: a function taking a callback that is
//! called with `true` once the second module is instantiated, `false` if it could not be fetched). No
//! loader — native builds, tests, the console's bundle, an unsplit build — means everything is here.

use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// Where the second module is.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    NotAsked,
    Loading,
    Here,
    Failed,
}

type Waiter = Box<dyn FnOnce(bool)>;

thread_local! {
    static LOADER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    static STAGE: Cell<Stage> = const { Cell::new(Stage::NotAsked) };
    static WAITING: RefCell<Vec<Waiter>> = const { RefCell::new(Vec::new()) };
}

/// The entry module's loader (the first widget's; every widget of a page shares one module).
#[cfg_attr(anbei_page_bundle, allow(dead_code))] // the console has no `mount`, and one module
pub fn set_loader(f: Option<js_sys::Function>) {
    if let Some(f) = f {
        LOADER.with(|l| {
            l.borrow_mut().get_or_insert(f);
        });
    }
}

/// Is the code of the views after the result here?
pub fn ready() -> bool {
    LOADER.with(|l| l.borrow().is_none()) || STAGE.with(Cell::get) == Stage::Here
}

/// Fetch the second module if it is not here yet (again after a failure), then call `then` with whether
/// it is here. Called at once when it is.
pub fn load(then: impl FnOnce(bool) + 'static) {
    if ready() {
        then(true);
        return;
    }
    WAITING.with(|w| w.borrow_mut().push(Box::new(then)));
    if STAGE.with(Cell::get) == Stage::Loading {
        return;
    }
    STAGE.with(|s| s.set(Stage::Loading));
    let done = Closure::once_into_js(|ok: bool| {
        STAGE.with(|s| s.set(if ok { Stage::Here } else { Stage::Failed }));
        for w in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
            w(ok);
        }
    });
    let called = LOADER.with(|l| l.borrow().as_ref().map(|f| f.call1(&JsValue::NULL, &done)));
    if !matches!(called, Some(Ok(_))) {
        STAGE.with(|s| s.set(Stage::Failed));
        for w in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
            w(false);
        }
    }
}

/// Fetch it ahead of need (idle time after the first question: the end of the warm-up).
pub fn preload() {
    if STAGE.with(Cell::get) == Stage::NotAsked {
        load(|_| {});
    }
}
