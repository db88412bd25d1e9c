//! The browser calls of the console beyond the widget's (`anbei_widget::ui::web`): `fetch` with the
//! session cookie (`credentials: 'same-origin'`) and the CSRF header, the address's fragment, focus and
//! the page's language. Everything fails soft: a missing API is an answer with status 0.

use anbei_widget::json::Json;
use anbei_widget::ui::web::{parse_json, window};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// An HTTP answer: status (0: no answer), body as JSON (when it was JSON), media type.
pub struct Answer {
    pub status: u16,
    pub body: Option<Json>,
    pub content_type: String,
}

impl Answer {
    fn none() -> Answer {
        Answer {
            status: 0,
            body: None,
            content_type: String::new(),
        }
    }
}

/// One request to the API of this origin. `csrf` goes in `X-CSRF-Token` on every state-changing
/// request (POST, DELETE); `HEAD` reads the headers only.
pub async fn fetch(method: &str, url: &str, body: Option<&Json>, csrf: &str) -> Answer {
    match try_fetch(method, url, body, csrf).await {
        Ok(a) => a,
        Err(_) => Answer::none(),
    }
}

async fn try_fetch(
    method: &str,
    url: &str,
    body: Option<&Json>,
    csrf: &str,
) -> Result<Answer, JsValue> {
    let w = window().ok_or_else(|| JsValue::from_str("no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(b) = body {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(&b.text()));
    }
    if matches!(method, "POST" | "DELETE" | "PUT" | "PATCH") && !csrf.is_empty() {
        headers.set("X-CSRF-Token", csrf)?;
    }
    init.set_headers(&headers);
    let req = web_sys::Request::new_with_str_and_init(url, &init)?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_request(&req))
        .await?
        .dyn_into()?;
    let content_type = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let text = if method == "HEAD" {
        String::new()
    } else {
        JsFuture::from(resp.text()?)
            .await?
            .as_string()
            .unwrap_or_default()
    };
    let body = if content_type.contains("json") {
        parse_json(&text)
    } else {
        None
    };
    Ok(Answer {
        status: resp.status(),
        body,
        content_type,
    })
}

pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

pub fn set_hash(hash: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_hash(hash);
    }
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// Move focus to the element with this id (a heading with `tabindex="-1"`, an error summary, a field).
pub fn focus_id(id: &str) {
    if let Some(el) = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Focus `id` once the browser has rendered the change that brings it.
pub fn focus_soon(id: &str) {
    let id = id.to_string();
    anbei_widget::ui::web::soon(move || focus_id(&id));
}

/// The page's language and title follow the console's.
pub fn set_page_lang(tag: &str, title: &str) {
    if let Some(d) = document() {
        if let Some(html) = d.document_element() {
            let _ = html.set_attribute("lang", tag);
        }
        d.set_title(title);
    }
}

/// Call `f` with the new fragment on every `hashchange` (Back, Forward, a link).
pub fn on_hash_change(f: impl Fn(String) + 'static) {
    let Some(w) = window() else { return };
    let cb = Closure::<dyn Fn()>::new(move || f(location_hash()));
    let _ = w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
    // the console listens for as long as the page lives
    cb.forget();
}

pub fn copy_text(text: &str) -> bool {
    anbei_widget::ui::web::copy_text(text)
}
