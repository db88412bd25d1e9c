//! The safety pledge shown in full, with the box whoever files ticks to affirm it — 第二十七条第（四）项
//! "签署", 第二十八条第（三）项 (spec v3: no paper pledge to upload). The text is the server's current one
//! (`GET /api/v1/pledge`, not carried in the bundle); the form records the version shown, the server the
//! signer and the time.

use super::super::web::{self, Body};
use super::{Fs, edit};
use crate::i18n::{Lang, fill};
use crate::json::Json;
use anbei_filing::pledge;
use yew::prelude::*;

/// Fetches the pledge `{version, zh, en}` from `api` into the form's state (`Null` when that failed).
#[hook]
pub(super) fn use_pledge(api: &str, d: UseReducerDispatcher<Fs>) {
    use_effect_with(format!("{api}/api/v1/pledge"), move |url| {
        let accept = [("Accept", "application/json".to_string())];
        let done = move |st: u16, body: String| {
            let v = web::parse_json(&body)
                .filter(|_| st == 200)
                .unwrap_or_default();
            d.dispatch(edit(move |fs| fs.pledge = Some(v.clone())));
        };
        web::send("GET", url, &accept, Body::None, None, Box::new(done));
    });
}

pub(super) fn pledge_section(
    shown: Option<&Json>,
    affirmed: bool,
    who: &str,
    err: Option<String>,
    d: &UseReducerDispatcher<Fs>,
    lang: Lang,
) -> Html {
    let c = lang.cat();
    let version = shown.and_then(|t| t.get("version")).and_then(Json::as_str);
    let text = shown
        .and_then(|t| t.get(lang.pick("zh", "en")))
        .and_then(Json::as_str)
        .unwrap_or("");
    // the title line, then the paragraphs as they are (one per line; the style keeps the breaks)
    let (title, body) = text.split_once('\n').unwrap_or((c.pledge, ""));
    let onchange = {
        let d = d.clone();
        let version = version.unwrap_or(pledge::current()).to_string();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            let version = version.clone();
            d.dispatch(edit(move |fs| {
                fs.form.pledge_affirmed = on;
                fs.form.set("pledge.version", version.clone());
            }));
        })
    };
    let status = match shown {
        None => c.pledge_loading,
        Some(Json::Null) => c.err_network,
        Some(_) => "",
    };
    html! {
        <fieldset class={classes!("aw-pledge", err.is_some().then_some("aw-invalid"))} data-field="pledge.affirmed">
            <legend>{ title.trim() }{ " *" }</legend>
            <p class="aw-small" role="status">{ status }</p>
            <div class="aw-pledge-text">{ body.trim() }</div>
            <label class="aw-check">
                <input id="aw-f-pledge-affirmed" type="checkbox" checked={affirmed} onchange={onchange} required=true
                    disabled={version.is_none()} aria-invalid={if err.is_some() { "true" } else { "false" }}
                    aria-describedby="aw-f-pledge-affirmed-err" />
                <span>{ fill(c.pledge_affirm, &[("who", who)]) }</span>
            </label>
            <p class="aw-field-error" id="aw-f-pledge-affirmed-err">{ err.unwrap_or_default() }</p>
        </fieldset>
    }
}
