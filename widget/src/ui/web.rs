//! The few browser calls the widget makes: time, storage, location, events to the host page, clipboard
//! and HTTP (XMLHttpRequest, for upload progress). Everything fails soft: a missing API means the
//! feature is off, never a panic.

use crate::json::Json;
use anbei_core::Date;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// JSON text (saved state, API answers) → a value, through the browser's `JSON.parse` (`None` if not JSON).
pub fn parse_json(text: &str) -> Option<Json> {
    Some(from_js(&js_sys::JSON::parse(text).ok()?, 0))
}

/// A parsed JavaScript value as [`Json`] (nesting deeper than 64 reads as null).
fn from_js(v: &JsValue, depth: u32) -> Json {
    if let Some(b) = v.as_bool() {
        Json::Bool(b)
    } else if let Some(n) = v.as_f64() {
        Json::Num(n)
    } else if let Some(s) = v.as_string() {
        Json::Str(s)
    } else if depth > 64 || !v.is_object() {
        Json::Null
    } else if js_sys::Array::is_array(v) {
        Json::Arr(
            js_sys::Array::from(v)
                .iter()
                .map(|x| from_js(&x, depth + 1))
                .collect(),
        )
    } else {
        let entries = js_sys::Object::entries(v.unchecked_ref());
        Json::Obj(
            entries
                .iter()
                .map(|e| {
                    let e: js_sys::Array = e.unchecked_into();
                    (
                        e.get(0).as_string().unwrap_or_default(),
                        from_js(&e.get(1), depth + 1),
                    )
                })
                .collect(),
        )
    }
}

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Today in Asia/Shanghai (UTC+8, no daylight saving).
pub fn today_shanghai() -> Date {
    let ms = js_sys::Date::now() + 8.0 * 3_600_000.0;
    let days = (ms / 86_400_000.0).floor() as i32;
    Date::from_ymd(1970, 1, 1).map_or_else(fallback_date, |d| d.add_days(days))
}

fn fallback_date() -> Date {
    // from_ymd(1970, 1, 1) is always Some; this keeps clippy's unwrap lint quiet.
    Date::parse("2026-01-01").unwrap_or_else(fallback_date)
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page address without its fragment.
pub fn location_base() -> String {
    let href = window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or("").to_string()
}

/// Drop the fragment from the address bar (after a shared link was loaded).
pub fn clear_hash() {
    if let Some(w) = window() {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&location_base()));
        }
    }
}

/// `anbei:*` event on the host element; bubbles out of the shadow root.
pub fn emit(host: &web_sys::HtmlElement, name: &str, detail: &Json) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let d = js_sys::JSON::parse(&detail.text()).unwrap_or(JsValue::NULL);
    init.set_detail(&d);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&ev);
    }
}

pub fn copy_text(text: &str) -> bool {
    match window() {
        Some(w) => {
            let _ = w.navigator().clipboard().write_text(text);
            true
        }
        None => false,
    }
}

pub fn print() {
    if let Some(w) = window() {
        let _ = w.print();
    }
}

pub fn confirm(msg: &str) -> bool {
    window()
        .and_then(|w| w.confirm_with_message(msg).ok())
        .unwrap_or(true)
}

pub fn uuid() -> String {
    match window().and_then(|w| w.crypto().ok()) {
        Some(c) => c.random_uuid(),
        None => format!(
            "{:x}-{:x}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 1e15) as u64
        ),
    }
}

/// Run `f` once the next frame has been painted: a task posted from the next animation frame callback
/// (a plain `setTimeout` may run before that frame and delay its paint).
pub fn after_paint(f: impl FnOnce() + 'static) {
    let Some(w) = window() else { return };
    let task = Closure::once_into_js(f);
    let w2 = w.clone();
    let frame = Closure::once_into_js(move || {
        let _ = w2.set_timeout_with_callback(task.unchecked_ref());
    });
    let _ = w.request_animation_frame(frame.unchecked_ref());
}

thread_local! {
    /// `performance.now()` of the user's last pointer, key or text input on the page (see [`watch_input`]).
    static LAST_INPUT: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NEG_INFINITY) };
    static INPUT_WATCH: std::cell::RefCell<Option<Closure<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

const INPUT_EVENTS: [&str; 3] = ["pointerdown", "keydown", "input"];

/// Note the time of every pointer, key and text input on the page (capturing listeners on the window), so
/// that idle-time work can stay out of the user's way ([`when_quiet`]); `false` stops watching.
pub fn watch_input(on: bool) {
    let Some(w) = window() else { return };
    INPUT_WATCH.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some(cb) = slot.take() {
            for t in INPUT_EVENTS {
                let _ = w.remove_event_listener_with_callback_and_bool(
                    t,
                    cb.as_ref().unchecked_ref(),
                    true,
                );
            }
        }
        if on {
            let cb = Closure::<dyn Fn()>::new(|| LAST_INPUT.with(|t| t.set(now_ms())));
            for t in INPUT_EVENTS {
                let _ = w.add_event_listener_with_callback_and_bool(
                    t,
                    cb.as_ref().unchecked_ref(),
                    true,
                );
            }
            *slot = Some(cb);
        }
    });
}

/// Run `f` in idle time (`requestIdleCallback`; where that is missing, a timeout) once the user has
/// made no input for `quiet_ms` and the idle period has at least `min_ms` left: a slice of background work
/// that neither starts while the user is pressing, typing or clicking, nor runs into the next frame.
pub fn when_quiet(min_ms: f64, quiet_ms: f64, f: Box<dyn FnOnce()>) {
    let Some(w) = window() else { return };
    let task = Closure::once_into_js(move |deadline: JsValue| {
        let since = now_ms() - LAST_INPUT.with(std::cell::Cell::get);
        if since < quiet_ms {
            // wait out the quiet time, then look for an idle period again
            let again = Closure::once_into_js(move || when_quiet(min_ms, quiet_ms, f));
            if let Some(w) = window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    again.unchecked_ref(),
                    (quiet_ms - since).ceil() as i32,
                );
            }
        } else if time_remaining(&deadline) < min_ms {
            when_quiet(min_ms, quiet_ms, f);
        } else {
            f();
        }
    });
    if w.request_idle_callback(task.unchecked_ref()).is_err() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 50);
    }
}

/// An `IdleDeadline`'s `timeRemaining()`; 50 ms (a whole idle period) when there is none (the timeout fallback).
fn time_remaining(deadline: &JsValue) -> f64 {
    js_sys::Reflect::get(deadline, &JsValue::from_str("timeRemaining"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(deadline).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(50.0)
}

/// Run `f` in a task of its own, as soon as the browser gets to it (input first).
pub fn soon(f: impl FnOnce() + 'static) {
    let Some(w) = window() else { return };
    let _ = w.set_timeout_with_callback(Closure::once_into_js(f).unchecked_ref());
}

/// A `performance.mark` (for benchmarks and traces).
pub fn mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Move keyboard focus (and the screen reader) to an element.
pub fn focus(el: &web_sys::HtmlElement) {
    let _ = el.focus();
}

pub enum Body {
    None,
    Text(String),
    File(web_sys::File),
}

/// One HTTP exchange through XMLHttpRequest: `on_progress(loaded, total)` for uploads,
/// `on_done(status, body)` once (status 0 = network failure).
pub fn send(
    method: &str,
    url: &str,
    headers: &[(&str, String)],
    body: Body,
    on_progress: Option<Box<dyn Fn(f64, f64)>>,
    on_done: Box<dyn FnOnce(u16, String)>,
) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        on_done(0, String::new());
        return;
    };
    if xhr.open(method, url).is_err() {
        on_done(0, String::new());
        return;
    }
    for (k, v) in headers {
        let _ = xhr.set_request_header(k, v);
    }
    if let Some(p) = on_progress {
        if let Ok(up) = xhr.upload() {
            let cb =
                Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                    p(e.loaded(), e.total());
                });
            up.set_onprogress(Some(cb.as_ref().unchecked_ref()));
            cb.forget();
        }
    }
    let x2 = xhr.clone();
    let done = std::cell::RefCell::new(Some(on_done));
    let cb = Closure::<dyn Fn()>::new(move || {
        if x2.ready_state() == 4 {
            if let Some(f) = done.borrow_mut().take() {
                f(
                    x2.status().unwrap_or(0),
                    x2.response_text().ok().flatten().unwrap_or_default(),
                );
            }
        }
    });
    xhr.set_onreadystatechange(Some(cb.as_ref().unchecked_ref()));
    cb.forget();
    let r = match body {
        Body::None => xhr.send(),
        Body::Text(s) => xhr.send_with_opt_str(Some(&s)),
        Body::File(f) => xhr.send_with_opt_blob(Some(&f)),
    };
    if r.is_err() {
        // onreadystatechange still fires with status 0 for most failures
    }
}

pub use crate::filing::UploadError;

/// The one upload of the widget (`POST /api/v1/uploads`, API.md "Uploads"): a filing's documents, the
/// waste-disposal record, a rectification's photos. `types` are the content types accepted; `progress`
/// gets whole percents; `done` the upload id, or why there is none.
pub fn upload(
    api: &str,
    file: web_sys::File,
    types: &'static [&'static str],
    progress: Option<Box<dyn Fn(u32)>>,
    done: Box<dyn FnOnce(Result<String, UploadError>)>,
) {
    let ty = file.type_();
    if !types.contains(&ty.as_str()) {
        return done(Err(UploadError::Type));
    }
    if file.size() > 10.0 * 1024.0 * 1024.0 {
        return done(Err(UploadError::TooBig));
    }
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    send(
        "POST",
        &format!("{api}/api/v1/uploads"),
        &[("Content-Type", ty), ("X-Filename", name)],
        Body::File(file),
        progress.map(|p| -> Box<dyn Fn(f64, f64)> {
            Box::new(move |loaded, total| {
                p(if total > 0.0 {
                    (loaded * 100.0 / total) as u32
                } else {
                    0
                })
            })
        }),
        Box::new(move |st, text| {
            let id = parse_json(&text)
                .map(|v| v.str_at("upload_id").to_string())
                .filter(|id| !id.is_empty() && matches!(st, 200 | 201));
            done(id.ok_or(UploadError::Status(st)))
        }),
    );
}

/// The file chosen in a file input's change event, if any.
pub fn chosen_file(e: &web_sys::Event) -> Option<web_sys::File> {
    e.target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

/// Move focus to the element `id` in the same document or shadow root as `from` (an error summary's
/// link: a fragment link cannot reach into a shadow root), scrolled into view.
pub fn focus_id(from: &web_sys::EventTarget, id: &str) {
    let Some(node) = from.dyn_ref::<web_sys::Node>() else {
        return;
    };
    let root = node.get_root_node();
    let el = match root.dyn_ref::<web_sys::ShadowRoot>() {
        Some(sr) => sr.get_element_by_id(id),
        None => root
            .dyn_ref::<web_sys::Document>()
            .and_then(|d| d.get_element_by_id(id)),
    };
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        el.scroll_into_view();
        let _ = el.focus();
    }
}

/// Bring the host element into view (a shared link opens on the widget that restores it).
pub fn scroll_to(el: &web_sys::HtmlElement) {
    el.scroll_into_view();
}
