//! The filing's answer: the receipt with its QR code, or — for work awaiting an officer — the
//! acknowledgement; and, once, the access code to save ("请保存此查询码": copy, print, keep on this device
//! only by choice), with the way to the track view, where the current state is always the server's.

use super::super::qr::qr;
use super::super::track_view::keep;
use super::super::web;
use super::{Fs, edit};
use crate::i18n::{Lang, colon, fmt_day};
use crate::json::Json;
use crate::state::{Action, State};
use crate::track::{Phase, date_words};
use anbei_core::Date;
use yew::prelude::*;

pub(super) fn receipt(
    fs: &Fs,
    done: Json,
    d: &UseReducerDispatcher<Fs>,
    state: &UseReducerHandle<State>,
    heading: &NodeRef,
    api: &str,
    lang: Lang,
) -> Html {
    let c = lang.cat();
    let status = done.str_at("status");
    let filing_no = done.str_at("filing_no").to_string();
    let token = fs
        .filing
        .as_ref()
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let receipt = done.get("receipt").filter(|r| !r.is_null());
    let link = |path: Option<&Json>| path.and_then(Json::as_str).map(|u| format!("{api}{u}"));
    let track = {
        let sd = state.dispatcher();
        let (no, token) = (filing_no.clone(), token.clone());
        Callback::from(move |_: MouseEvent| {
            sd.dispatch(Action::Track(Some((no.clone(), token.clone()))))
        })
    };
    let copy = {
        let d = d.clone();
        let text = format!(
            "{}{}{}\n{}{}{}",
            c.filing_no,
            colon(lang),
            filing_no,
            c.access_code,
            colon(lang),
            token
        );
        Callback::from(move |_: MouseEvent| {
            if web::copy_text(&text) {
                d.dispatch(edit(|fs| fs.message = c.code_copied.to_string()));
            }
        })
    };
    let on_keep = {
        let d = d.clone();
        let (no, token) = (filing_no.clone(), token.clone());
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            keep(&no, &token, on);
            d.dispatch(edit(move |fs| fs.keep = on));
        })
    };
    // shown once: only while the answer of the filing is on screen (never restored from storage)
    let code_panel = (!token.is_empty()).then(|| html! {
        <div class="aw-code-panel" role="region" aria-labelledby="aw-code-h">
            <h3 id="aw-code-h">{ c.code_title }</h3>
            <dl class="aw-dates">
                <dt>{ c.filing_no }</dt><dd class="aw-code-no">{ filing_no.clone() }</dd>
                <dt>{ c.access_code }</dt><dd><code class="aw-access-code">{ token.clone() }</code></dd>
            </dl>
            <p class="aw-small">{ c.code_body }</p>
            <p class="aw-small">{ c.code_mailed }</p>
            <div class="aw-actions aw-noprint">
                <button type="button" class="aw-btn aw-secondary aw-copy-code" onclick={copy}>{ c.copy_code }</button>
                <button type="button" class="aw-btn aw-secondary" onclick={Callback::from(|_: MouseEvent| web::print())}>{ c.print }</button>
            </div>
            <p class="aw-small" role="status">{ fs.message.clone() }</p>
            <label class="aw-check aw-noprint"><input id="aw-keep-code" type="checkbox" checked={fs.keep} onchange={on_keep} /><span>{ c.track_keep }</span></label>
            <p class="aw-small">{ c.wiped_note }</p>
        </div>
    });
    let track_btn = html! {
        <button type="button" class="aw-btn aw-primary aw-track-open aw-noprint" onclick={track}>{ c.track_title }</button>
    };
    html! {
        <section class="aw-result aw-receipt" aria-labelledby="aw-receipt-h">
            if let Some(r) = receipt {
                <h2 id="aw-receipt-h" class="aw-q" tabindex="-1" ref={heading.clone()}>{ c.receipt_title }</h2>
                <dl class="aw-dates">
                    <dt>{ c.receipt_no }</dt><dd class="aw-receipt-no">{ r.str_at("receipt_no").to_string() }</dd>
                    <dt>{ c.filing_no }</dt><dd>{ filing_no.clone() }</dd>
                    <dt>{ c.valid_to }</dt><dd>{ r.get("valid_until").and_then(Json::as_str).and_then(Date::parse).map(|d| fmt_day(lang, d)).unwrap_or_default() }</dd>
                </dl>
                { qr(r.str_at("qr_payload"), c.qr_label) }
                <ul class="aw-list aw-noprint">
                    if let Some(u) = link(r.get("print_url")) { <li><a class="aw-print-receipt" href={u} target="_blank" rel="noopener">{ c.print_receipt }</a></li> }
                    if let Some(u) = link(r.get("notice_url")) { <li><a href={u} target="_blank" rel="noopener">{ c.site_notice }</a></li> }
                    if let Some(u) = link(r.get("verify_url")) { <li><a href={u} target="_blank" rel="noopener">{ c.verify_link }</a></li> }
                </ul>
                { for code_panel }
                { track_btn }
            } else {
                <h2 id="aw-receipt-h" class="aw-q" tabindex="-1" ref={heading.clone()}>{ c.ack_title }</h2>
                <p>{ c.ack_body }</p>
                <dl class="aw-dates">
                    <dt>{ c.filing_no }</dt><dd class="aw-filing-no">{ filing_no.clone() }</dd>
                    <dt>{ c.status_label }</dt><dd class="aw-status-words">{ Phase::of(status).words(lang) }</dd>
                    if done.get("acceptance_due").is_some() { <dt>{ c.answer_due }</dt><dd class="aw-due">{ date_words(done.get("acceptance_due"), lang) }</dd> }
                </dl>
                { for code_panel }
                <p>{ c.follow_up }</p>
                { track_btn }
            }
        </section>
    }
}
