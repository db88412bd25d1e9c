//! Form parts every screen uses (GOV.UK's patterns): a labelled input with its hint and its error (the
//! input names both with `aria-describedby` and says `aria-invalid`), a select, a text area, and the
//! error summary that is announced (`role="alert"`) and links to each field. Plain functions, not
//! components.

use super::web;
use crate::i18n::{Catalogue, fill};
use yew::prelude::*;

/// "请填写“账号”。": the error of an empty required field names it (in the summary too).
pub fn required(c: &Catalogue, label: &str) -> String {
    fill(c.err_required, &[("field", label)])
}

/// A text-like input.
pub struct Input<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub value: String,
    pub oninput: Callback<String>,
    pub error: Option<String>,
    pub hint: Option<&'a str>,
    /// `text`, `password`, `date`, `search`, `number`.
    pub kind: &'a str,
    pub autocomplete: &'a str,
    pub required: bool,
    /// `numeric` for codes.
    pub inputmode: Option<&'a str>,
}

impl<'a> Input<'a> {
    pub fn new(id: &'a str, label: &'a str, value: &str, oninput: Callback<String>) -> Input<'a> {
        Input {
            id,
            label,
            value: value.to_string(),
            oninput,
            error: None,
            hint: None,
            kind: "text",
            autocomplete: "off",
            required: false,
            inputmode: None,
        }
    }
    pub fn kind(mut self, k: &'a str) -> Self {
        self.kind = k;
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn error(mut self, e: Option<String>) -> Self {
        self.error = e;
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = a;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn numeric(mut self) -> Self {
        self.inputmode = Some("numeric");
        self
    }
}

/// `aria-describedby` of a field: its hint and its error, when there are.
pub(super) fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-err"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

pub(super) fn hint_and_error(id: &str, hint: Option<&str>, error: &Option<String>) -> (Html, Html) {
    (
        match hint {
            Some(h) => html! { <p class="cn-hint" id={format!("{id}-hint")}>{ h.to_string() }</p> },
            None => html! {},
        },
        match error {
            Some(e) => {
                html! { <p class="cn-field-error" id={format!("{id}-err")}>{ e.clone() }</p> }
            }
            None => html! {},
        },
    )
}

pub fn input(f: Input<'_>) -> Html {
    let Input {
        id,
        label,
        value,
        oninput,
        error,
        hint,
        kind,
        autocomplete,
        required,
        inputmode,
    } = f;
    let (hint_html, err_html) = hint_and_error(id, hint, &error);
    let oninput = Callback::from(move |e: InputEvent| {
        oninput.emit(
            e.target_unchecked_into::<web_sys::HtmlInputElement>()
                .value(),
        )
    });
    html! {
        <div class={classes!("cn-field", error.is_some().then_some("cn-invalid"))}>
            <label for={id.to_string()}>{ label.to_string() }</label>
            { hint_html }
            { err_html }
            <input id={id.to_string()} name={id.to_string()} type={kind.to_string()} value={value}
                autocomplete={autocomplete.to_string()} inputmode={inputmode.map(str::to_string)}
                required={required} aria-required={required.then_some("true")}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={described_by(id, hint.is_some(), error.is_some())}
                {oninput} />
        </div>
    }
}

/// A select of `(value, label)` options.
pub fn select(
    id: &str,
    label: &str,
    value: &str,
    options: Vec<(String, String)>,
    onchange: Callback<String>,
    error: Option<String>,
) -> Html {
    let (_, err_html) = hint_and_error(id, None, &error);
    let onchange = Callback::from(move |e: Event| {
        onchange.emit(
            e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value(),
        )
    });
    html! {
        <div class={classes!("cn-field", error.is_some().then_some("cn-invalid"))}>
            <label for={id.to_string()}>{ label.to_string() }</label>
            { err_html }
            <select id={id.to_string()} name={id.to_string()} {onchange}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={described_by(id, false, error.is_some())}>
                { for options.into_iter().map(|(v, l)| html! {
                    <option value={v.clone()} selected={v == value}>{ l }</option>
                }) }
            </select>
        </div>
    }
}

pub fn textarea(
    id: &str,
    label: &str,
    value: &str,
    oninput: Callback<String>,
    error: Option<String>,
    required: bool,
) -> Html {
    let (_, err_html) = hint_and_error(id, None, &error);
    let oninput = Callback::from(move |e: InputEvent| {
        oninput.emit(
            e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                .value(),
        )
    });
    html! {
        <div class={classes!("cn-field", error.is_some().then_some("cn-invalid"))}>
            <label for={id.to_string()}>{ label.to_string() }</label>
            { err_html }
            <textarea id={id.to_string()} name={id.to_string()} rows="3" value={value.to_string()}
                required={required} aria-required={required.then_some("true")}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={described_by(id, false, error.is_some())} {oninput} />
        </div>
    }
}

/// A link inside the page that moves focus to `id` (a fragment link would change the console's route).
pub fn focus_link(id: &str, text: String) -> Html {
    let target = id.to_string();
    let onclick = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        web::focus_id(&target);
    });
    html! { <a href={format!("#{id}")} {onclick}>{ text }</a> }
}

/// The error summary: announced when it appears, each error a link to its field. `errors` are
/// `(field id, message)`; a message without a field id is shown as text.
pub fn error_summary(id: &str, title: &str, errors: &[(String, String)]) -> Html {
    if errors.is_empty() {
        return html! { <div id={id.to_string()} role="alert" class="cn-alert-slot"></div> };
    }
    html! {
        <div id={id.to_string()} class="cn-error-summary" role="alert" tabindex="-1">
            <p class="cn-error-title">{ title.to_string() }</p>
            <ul>
                { for errors.iter().map(|(field, msg)| html! {
                    <li>{ if field.is_empty() { html! { msg.clone() } } else { focus_link(field, msg.clone()) } }</li>
                }) }
            </ul>
        </div>
    }
}

/// The value of a `<input>` event's target.
pub fn setter(h: &UseStateHandle<String>) -> Callback<String> {
    let h = h.clone();
    Callback::from(move |v: String| h.set(v))
}

/// A `<form>` submit that stays in the page.
pub fn on_submit(f: impl Fn() + 'static) -> Callback<SubmitEvent> {
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        f();
    })
}
