//! The filing's answer: the receipt with its QR code, or — for work awaiting an officer — the
//! acknowledgement, with a button that checks the status (a returned filing reopens the form).

use super::super::qr::qr;
use super::super::web::{self, Body};
use super::{Fs, edit};
use crate::filing::problems_from_server;
use crate::i18n::{Lang, fmt_date};
use crate::json::{Json, s as js};
use anbei_core::Date;
use yew::prelude::*;

pub(super) fn receipt(
    fs: &Fs,
    done: Json,
    d: &UseReducerDispatcher<Fs>,
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
    let due = done
        .get("acceptance_due")
        .and_then(Json::as_str)
        .and_then(Date::parse);
    let link = |path: Option<&Json>| path.and_then(Json::as_str).map(|u| format!("{api}{u}"));
    let check = {
        let d = d.clone();
        let url = format!("{api}/api/v1/registrations/{filing_no}");
        let token = token.clone();
        Callback::from(move |_: MouseEvent| {
            let d = d.clone();
            web::send(
                "GET",
                &url,
                &[
                    ("Authorization", format!("Bearer {token}")),
                    ("Accept", "application/json".into()),
                ],
                Body::None,
                None,
                Box::new(move |st, text| {
                    let v = web::parse_json(&text).unwrap_or_default();
                    if st != 200 {
                        return;
                    }
                    d.dispatch(edit(move |fs| {
                        let status = v.str_at("status");
                        if status == "returned" {
                            fs.problems = problems_from_server(v.get("requested_changes"));
                            fs.returned = true;
                            fs.seq += 1;
                        } else if let Some(done) = fs.done.as_mut() {
                            done.set("status", js(status));
                            if let Some(r) = v.get("receipt").filter(|r| !r.is_null()) {
                                done.set("receipt", r.clone());
                            }
                        }
                    }));
                }),
            );
        })
    };
    html! {
        <section class="aw-result aw-receipt" aria-labelledby="aw-receipt-h">
            if let Some(r) = receipt {
                <h2 id="aw-receipt-h" class="aw-q" tabindex="-1" ref={heading.clone()}>{ c.receipt_title }</h2>
                <dl class="aw-dates">
                    <dt>{ c.receipt_no }</dt><dd class="aw-receipt-no">{ r.str_at("receipt_no").to_string() }</dd>
                    <dt>{ c.filing_no }</dt><dd>{ filing_no.clone() }</dd>
                    <dt>{ c.valid_to }</dt><dd>{ r.get("valid_until").and_then(Json::as_str).and_then(Date::parse).map(|d| fmt_date(lang, d)).unwrap_or_default() }</dd>
                </dl>
                { qr(r.str_at("qr_payload"), c.qr_label) }
                <ul class="aw-list aw-noprint">
                    if let Some(u) = link(r.get("print_url")) { <li><a class="aw-print-receipt" href={u} target="_blank" rel="noopener">{ c.print_receipt }</a></li> }
                    if let Some(u) = link(r.get("notice_url")) { <li><a href={u} target="_blank" rel="noopener">{ c.site_notice }</a></li> }
                    if let Some(u) = link(r.get("verify_url")) { <li><a href={u} target="_blank" rel="noopener">{ c.verify_link }</a></li> }
                </ul>
            } else {
                <h2 id="aw-receipt-h" class="aw-q" tabindex="-1" ref={heading.clone()}>{ c.ack_title }</h2>
                <p>{ c.ack_body }</p>
                <dl class="aw-dates">
                    <dt>{ c.filing_no }</dt><dd class="aw-filing-no">{ filing_no.clone() }</dd>
                    <dt>{ c.status_filed }</dt><dd>{ status.to_string() }</dd>
                    if let Some(due) = due { <dt>{ c.answer_due }</dt><dd class="aw-due">{ fmt_date(lang, due) }</dd> }
                    if !token.is_empty() { <dt>{ c.access_token_note }</dt><dd><code>{ token.clone() }</code></dd> }
                </dl>
                <p>{ c.follow_up }</p>
                <button type="button" class="aw-btn aw-secondary aw-check-status aw-noprint" onclick={check}>{ c.check_status }</button>
            }
        </section>
    }
}
