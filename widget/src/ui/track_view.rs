//! "查询办理进度" (also `mode="track"`): anyone holding a filing number and its access code sees the
//! registration's current state in words, on any device — and, while it is in force, extends it inside
//! the window (第二十五条) or cancels it on completion (第三十三条). The access code is kept on this device
//! only when the person ticks the box for it.

use super::filing_view::{field_label, problem_text};
use super::web::{self, Body};
use crate::filing::{Form, Problem, problems_from_server};
use crate::i18n::{Lang, colon, fill, fmt_day};
use crate::json::{Json, obj, s as js};
use crate::state::{Action, Mode, Origin, State, View};
use crate::track::{
    Phase, WindowNow, date_words, findings, replace_finding, street_name, window, window_sentence,
};
use anbei_core::Date;
use std::rc::Rc;
use yew::prelude::*;

/// Where a kept filing number and access code live (one per browser profile, by the person's choice).
pub const KEPT: &str = "anbei.v1.code";

/// The kept `(filing number, access code)`, if any.
pub fn kept() -> Option<(String, String)> {
    let v = web::parse_json(&web::load(KEPT)?)?;
    Some((
        v.str_at("filing_no").to_string(),
        v.str_at("code").to_string(),
    ))
    .filter(|(n, c)| !n.is_empty() && !c.is_empty())
}

pub fn keep(no: &str, code: &str, on: bool) {
    if on {
        web::save(
            KEPT,
            &obj(vec![("filing_no", js(no)), ("code", js(code))]).text(),
        );
    } else {
        web::remove(KEPT);
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    pub heading: NodeRef,
    pub api: Option<String>,
    pub storage_key: String,
}

#[derive(Clone, PartialEq, Default)]
struct Ts {
    no: String,
    code: String,
    keep: bool,
    loading: bool,
    /// The lookup's problem (not found, network), in words.
    message: String,
    /// The registration as `GET /api/v1/registrations/{no}` answers it.
    reg: Option<Json>,
    new_until: String,
    completion: String,
    /// The waste-disposal record's upload id, and the upload's state in words.
    record: Option<String>,
    record_note: String,
    record_failed: bool,
    busy: bool,
    /// An action's refusal: the server's detail, and its problems by field.
    action_msg: String,
    problems: Vec<Problem>,
    /// What an action did, in words.
    done_msg: String,
    /// Bumped to move focus to the state banner after an answer.
    seq: u32,
}

struct Edit(Rc<dyn Fn(&mut Ts)>);

impl Reducible for Ts {
    type Action = Edit;
    fn reduce(self: Rc<Self>, a: Edit) -> Rc<Self> {
        let mut s = (*self).clone();
        (a.0)(&mut s);
        Rc::new(s)
    }
}

fn edit(f: impl Fn(&mut Ts) + 'static) -> Edit {
    Edit(Rc::new(f))
}

/// The server's refusal of an action (problem+json) as (detail, problems), in `lang`.
pub(super) fn refusal(status: u16, text: &str, lang: Lang) -> (String, Vec<Problem>) {
    let c = lang.cat();
    if status == 0 {
        return (c.err_network.to_string(), vec![]);
    }
    if status >= 500 {
        return (c.err_server.to_string(), vec![]);
    }
    let v = web::parse_json(text).unwrap_or_default();
    let detail = lang
        .pick(v.str_at("detail_zh").trim(), v.str_at("detail").trim())
        .to_string();
    (detail, problems_from_server(v.get("errors")))
}

/// GET the registration; `then` runs on the answer.
fn lookup(api: &str, no: &str, code: &str, d: UseReducerDispatcher<Ts>, lang: Lang) {
    let c = lang.cat();
    let (no, code) = (no.trim().to_string(), code.trim().to_string());
    if no.is_empty() || code.is_empty() {
        d.dispatch(edit(move |t| {
            t.message = c.track_need.to_string();
            t.seq += 1;
        }));
        return;
    }
    d.dispatch(edit(|t| {
        t.loading = true;
        t.message.clear();
    }));
    let url = format!(
        "{api}/api/v1/registrations/{}",
        String::from(js_sys::encode_uri_component(&no))
    );
    web::send(
        "GET",
        &url,
        &[
            ("Authorization", format!("Bearer {code}")),
            ("Accept", "application/json".into()),
        ],
        Body::None,
        None,
        Box::new(move |st, text| {
            let v = (st == 200).then(|| web::parse_json(&text)).flatten();
            d.dispatch(edit(move |t| {
                t.loading = false;
                t.seq += 1;
                match &v {
                    Some(reg) => {
                        t.reg = Some(reg.clone());
                        t.message.clear();
                        if t.keep {
                            keep(&t.no, &t.code, true);
                        }
                    }
                    None => {
                        t.reg = None;
                        t.message = match st {
                            0 => c.err_network,
                            401 | 403 | 404 => c.track_not_found,
                            _ => c.err_server,
                        }
                        .to_string();
                    }
                }
            }));
        }),
    );
}

/// POST an applicant's action (`extension`, `cancellation`) with the access code; the answer is the
/// registration again.
fn act(api: &str, t: &Ts, what: &'static str, body: Json, d: UseReducerDispatcher<Ts>, lang: Lang) {
    let c = lang.cat();
    let url = format!(
        "{api}/api/v1/registrations/{}/{what}",
        String::from(js_sys::encode_uri_component(t.no.trim()))
    );
    d.dispatch(edit(|t| {
        t.busy = true;
        t.action_msg.clear();
        t.problems.clear();
        t.done_msg.clear();
    }));
    web::send(
        "POST",
        &url,
        &[
            ("Authorization", format!("Bearer {}", t.code.trim())),
            ("Content-Type", "application/json".into()),
            ("Accept", "application/json".into()),
        ],
        Body::Text(body.text()),
        None,
        Box::new(move |st, text| {
            let ok = (st == 200).then(|| web::parse_json(&text)).flatten();
            let (msg, problems) = match ok {
                Some(_) => (String::new(), vec![]),
                None => refusal(st, &text, lang),
            };
            d.dispatch(edit(move |t| {
                t.busy = false;
                t.seq += 1;
                match &ok {
                    Some(reg) => {
                        t.reg = Some(reg.clone());
                        t.done_msg = match what {
                            "extension" => c.extend_done,
                            _ => c.declare_done,
                        }
                        .to_string();
                        t.new_until.clear();
                        t.completion.clear();
                        t.record = None;
                        t.record_note.clear();
                    }
                    None => {
                        t.action_msg = msg.clone();
                        t.problems = problems.clone();
                    }
                }
            }));
        }),
    );
}

#[function_component(TrackView)]
pub fn track_view(p: &Props) -> Html {
    let s: &State = &p.state;
    let lang = s.lang;
    let c = lang.cat();
    let api = p.api.clone().unwrap_or_default();
    let prefill = s.track.clone();
    let ts = use_reducer(move || {
        let (no, code, keep) = match prefill.or_else(|| kept().map(|k| (k.0, k.1))) {
            Some((n, c)) => {
                let keep = kept().is_some_and(|k| k.0 == n);
                (n, c, keep)
            }
            None => (String::new(), String::new(), false),
        };
        Ts {
            no,
            code,
            keep,
            ..Ts::default()
        }
    });
    let d = ts.dispatcher();
    let banner = use_node_ref();
    // look up at once what was just filed or kept on this device
    {
        let (api, no, code, d) = (api.clone(), ts.no.clone(), ts.code.clone(), d.clone());
        use_effect_with((), move |_| {
            if !no.is_empty() && !code.is_empty() {
                lookup(&api, &no, &code, d, lang);
            }
        });
    }
    {
        let b = banner.clone();
        use_effect_with(ts.seq, move |seq| {
            if *seq > 0 {
                if let Some(el) = b.cast::<web_sys::HtmlElement>() {
                    web::focus(&el);
                }
            }
        });
    }
    let text_input = |set: fn(&mut Ts, String)| {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            d.dispatch(edit(move |t| set(t, v.clone())));
        })
    };
    let on_keep = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            d.dispatch(edit(move |t| {
                t.keep = on;
                // kept only once the number and code were found to be right
                if !on || t.reg.is_some() {
                    keep(&t.no, &t.code, on);
                }
            }));
        })
    };
    let on_lookup = {
        let (api, d, ts) = (api.clone(), d.clone(), ts.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            lookup(&api, &ts.no, &ts.code, d.clone(), lang);
        })
    };
    let back = (s.mode != Mode::Track).then(|| {
        let d = p.state.dispatcher();
        html! { <button type="button" class="aw-btn aw-secondary" onclick={Callback::from(move |_: MouseEvent| d.dispatch(Action::Show(View::Result)))}>{ "← " }{ c.track_back }</button> }
    });
    let keep_box = html! {
        <label class="aw-check"><input id="aw-t-keep" type="checkbox" checked={ts.keep} onchange={on_keep} /><span>{ c.track_keep }</span></label>
    };
    let form = html! {
        <form class="aw-track-form" onsubmit={on_lookup} novalidate=true>
            <div class="aw-field">
                <label class="aw-label" for="aw-t-no">{ c.filing_no }</label>
                <input id="aw-t-no" type="text" autocomplete="off" spellcheck="false" value={ts.no.clone()}
                    oninput={text_input(|t, v| t.no = v)} />
            </div>
            <div class="aw-field">
                <label class="aw-label" for="aw-t-code">{ c.access_code }</label>
                <input id="aw-t-code" type="text" autocomplete="off" spellcheck="false" value={ts.code.clone()}
                    oninput={text_input(|t, v| t.code = v)} />
            </div>
            { keep_box.clone() }
            <div class="aw-nav">
                { for back.clone() }
                <button type="submit" class="aw-btn aw-primary aw-track-go" disabled={ts.loading}>
                    { if ts.loading { c.track_loading } else { c.track_go } }</button>
            </div>
        </form>
    };
    let heading = html! {
        <h2 id="aw-track-h" class="aw-q" tabindex="-1" ref={p.heading.clone()}>{ c.track_title }</h2>
    };
    let Some(reg) = ts.reg.clone() else {
        return html! {
            <section class="aw-screen aw-track" aria-labelledby="aw-track-h">
                { heading }
                <p class="aw-help">{ c.track_intro }</p>
                if !ts.message.is_empty() {
                    <div class="aw-error aw-track-error" role="alert" tabindex="-1" ref={banner.clone()}><p>{ ts.message.clone() }</p></div>
                }
                { form }
            </section>
        };
    };

    // --- the registration
    let phase = Phase::of(reg.str_at("status"));
    let street = reg.str_at("street").to_string();
    let office = crate::summary::street_office(s.engine, &street, lang).unwrap_or_default();
    let receipt = reg.get("receipt").filter(|r| !r.is_null()).cloned();
    let valid_until = receipt
        .as_ref()
        .and_then(|r| r.get("valid_until"))
        .and_then(Json::as_str)
        .and_then(|t| Date::parse(t.get(..10)?));
    let history = match reg.get("history") {
        Some(Json::Arr(h)) => h.clone(),
        _ => vec![],
    };
    // the last event of an action: its reason and data (refusal, revocation)
    let last = |action: &str| {
        history
            .iter()
            .rev()
            .find(|e| e.str_at("action") == action)
            .cloned()
    };
    let reason_of = |action: &str| {
        last(action)
            .map(|e| e.str_at("reason").to_string())
            .filter(|r| !r.is_empty())
    };
    let row = |k: &str, v: String, class: &'static str| {
        html! { <><dt>{ k.to_string() }</dt><dd class={class}>{ v }</dd></> }
    };
    let link = |path: &str| format!("{api}{path}");
    let receipt_no = receipt
        .as_ref()
        .map(|r| r.str_at("receipt_no").to_string())
        .unwrap_or_default();
    let print_links = (!receipt_no.is_empty() && phase.in_force()).then(|| {
        let enc = String::from(js_sys::encode_uri_component(&receipt_no));
        let r = receipt.clone().unwrap_or_default();
        let url = |member: &str, fallback: String| match r.str_at(member) {
            "" => link(&fallback),
            u => link(u),
        };
        html! {<>
            if !r.str_at("qr_payload").is_empty() { { super::qr::qr(r.str_at("qr_payload"), c.qr_label) } }
            <ul class="aw-list aw-noprint">
                <li><a class="aw-print-receipt" href={url("print_url", format!("/receipts/{enc}"))} target="_blank" rel="noopener">{ c.print_receipt }</a></li>
                <li><a class="aw-print-notice" href={url("notice_url", format!("/receipts/{enc}/notice"))} target="_blank" rel="noopener">{ c.site_notice }</a></li>
            </ul>
        </>}
    });
    let today = s.today;
    let params = &s.engine.ruleset_for(today).params;
    let what = match phase {
        Phase::Filed => html! {
            <p>{ fill(c.filed_body, &[("due", &date_words(reg.get("acceptance_due"), lang))]) }</p>
        },
        Phase::Returned => {
            let changes = problems_from_server(reg.get("requested_changes"));
            let fix = {
                let sd = p.state.dispatcher();
                let key = format!("{}.filing", p.storage_key);
                let (reg, no, code) = (
                    reg.clone(),
                    ts.no.trim().to_string(),
                    ts.code.trim().to_string(),
                );
                Callback::from(move |_: MouseEvent| {
                    let request = reg.get("request").cloned().unwrap_or_default();
                    let form = Form::from_body(&request);
                    // the draft the form opens with: the filing as the server keeps it, the changes asked for
                    let draft = obj(vec![
                        ("form", form.to_json()),
                        ("filing", Json::Arr(vec![js(&no), js(&code)])),
                        ("returned", Json::Bool(true)),
                        (
                            "requested",
                            reg.get("requested_changes").cloned().unwrap_or_default(),
                        ),
                    ]);
                    web::save(&key, &draft.text());
                    let answers = match request.get("facts") {
                        Some(Json::Obj(m)) => m.clone(),
                        _ => vec![],
                    };
                    sd.dispatch(Action::Load {
                        answers,
                        view: View::Filing,
                        origin: Origin::Fresh,
                    });
                })
            };
            html! {<>
                <p>{ c.returned_list }</p>
                <ul class="aw-list aw-changes">{ for changes.iter().map(|p| html! {
                    <li>{ field_label(&p.field, lang, s.engine, today) }{ colon(lang) }{ p.text(lang).to_string() }</li>
                }) }</ul>
                <button type="button" class="aw-btn aw-primary aw-fix" onclick={fix}>{ c.returned_fix }</button>
            </>}
        }
        Phase::Refused => html! {<>
            if let Some(r) = reason_of("refused") { <p><strong>{ c.reason }{ colon(lang) }</strong>{ r }</p> }
            if let Some(a) = last("refused").and_then(|e| e.get("data").map(|d| d.str_at("article").to_string())).filter(|a| !a.is_empty()) {
                <p><strong>{ c.article }{ colon(lang) }</strong>{ crate::i18n::article(lang, &a) }</p>
            }
            <p>{ c.refused_body }</p>
            <p>{ fill(c.refused_next, &[("office", &office)]) }</p>
        </>},
        Phase::Revoked => {
            let ground = last("revoked")
                .and_then(|e| e.get("data").map(|d| d.str_at("ground").to_string()))
                .unwrap_or_default();
            let ground = match ground.as_str() {
                "false_filing" => c.ground_false_filing,
                "permit_evasion" => c.ground_permit_evasion,
                "beyond_scope" => c.ground_beyond_scope,
                "illegal_construction" => c.ground_illegal_construction,
                _ => c.ground_any,
            };
            html! {<>
                if let Some(r) = reason_of("revoked") { <p><strong>{ c.reason }{ colon(lang) }</strong>{ r }</p> }
                <p>{ fill(c.revoked_body, &[("ground", ground)]) }</p>
                <p><strong>{ fill(c.revoked_next, &[("office", &office)]) }</strong></p>
            </>}
        }
        Phase::Expired => html! {
            <p>{ fill(c.expired_body, &[("date", &valid_until.map(|d| fmt_day(lang, d)).unwrap_or_default()), ("office", &office)]) }</p>
        },
        Phase::Declared => html! { <p>{ c.declared_body }</p> },
        Phase::Cancelled => html! { <p>{ c.cancelled_body }</p> },
        Phase::Registered | Phase::Extended | Phase::Other => html! {},
    };

    // --- extend and cancel, while in force
    let field_error = |field: &str| {
        ts.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| crate::track::dates_in_words(p.text(lang), lang))
    };
    let date_field = |id: &str, label: &str, value: &str, field: &str, set: fn(&mut Ts, String)| {
        let err = field_error(field);
        html! {
            <div class={classes!("aw-field", err.is_some().then_some("aw-invalid"))} data-field={field.to_string()}>
                <label class="aw-label" for={id.to_string()}>{ label.to_string() }</label>
                <input id={id.to_string()} type="date" value={value.to_string()} oninput={text_input(set)}
                    aria-invalid={if err.is_some() { "true" } else { "false" }} aria-describedby={format!("{id}-err")} />
                <p class="aw-field-error" id={format!("{id}-err")}>{ err.unwrap_or_default() }</p>
            </div>
        }
    };
    let manage = match (phase.in_force(), valid_until) {
        (true, Some(vu)) => {
            let w = window(s.engine, vu);
            let extend = (w.now(today) == WindowNow::Open).then(|| {
                let (api, d, ts2) = (api.clone(), d.clone(), ts.clone());
                let submit = Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let body = obj(vec![("new_valid_until", js(ts2.new_until.trim()))]);
                    act(&api, &ts2, "extension", body, d.clone(), lang);
                });
                html! {
                    <form class="aw-extend" onsubmit={submit} novalidate=true>
                        <h3>{ c.extend_title }</h3>
                        { date_field("aw-t-new_valid_until", c.new_valid_until, &ts.new_until, "new_valid_until", |t, v| t.new_until = v) }
                        <button type="submit" class="aw-btn aw-primary aw-extend-go" disabled={ts.busy}>{ c.extend_submit }</button>
                    </form>
                }
            });
            let on_record = {
                let (api, d) = (api.clone(), d.clone());
                Callback::from(move |e: Event| {
                    let Some(file) = web::chosen_file(&e) else {
                        return;
                    };
                    let d2 = d.clone();
                    d.dispatch(edit(|t| {
                        t.record = None;
                        t.record_failed = false;
                        t.record_note.clear();
                    }));
                    web::upload(
                        &api,
                        file,
                        &["application/pdf", "image/jpeg", "image/png"],
                        None,
                        Box::new(move |r| {
                            d2.dispatch(edit(move |t| match &r {
                                Ok(id) => {
                                    t.record = Some(id.clone());
                                    t.record_failed = false;
                                    t.record_note = c.upload_done.to_string();
                                    t.problems.retain(|p| p.field != "waste_disposal_record");
                                }
                                Err(e) => {
                                    t.record = None;
                                    t.record_failed = true;
                                    t.record_note = e.words(c.upload_type, lang).to_string();
                                }
                            }));
                        }),
                    );
                })
            };
            let cancel = {
                let (api, d, ts2) = (api.clone(), d.clone(), ts.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let body = obj(vec![
                        ("completion_date", js(ts2.completion.trim())),
                        (
                            "waste_disposal_record",
                            js(ts2.record.as_deref().unwrap_or("")),
                        ),
                    ]);
                    act(&api, &ts2, "cancellation", body, d.clone(), lang);
                })
            };
            let rec_err = field_error("waste_disposal_record")
                .or_else(|| ts.record_failed.then(|| ts.record_note.clone()));
            html! {<>
                <h3>{ c.ext_window }</h3>
                <p class="aw-ext-window">{ window_sentence(&w, today, lang) }</p>
                { for extend }
                <h3>{ c.at_completion }</h3>
                <p>{ fill(c.at_completion_body, &[("cancellation_working_days", &params.cancellation_working_days.to_string())]) }</p>
                <form class="aw-cancel" onsubmit={cancel} novalidate=true>
                    <h4>{ c.cancel_title }</h4>
                    { date_field("aw-t-completion_date", c.completion_date, &ts.completion, "completion_date", |t, v| t.completion = v) }
                    <div class={classes!("aw-field", rec_err.is_some().then_some("aw-invalid"))} data-field="waste_disposal_record">
                        <label class="aw-label" for="aw-t-waste_disposal_record">{ c.waste_record }</label>
                        <p class="aw-small">{ c.upload_choose }</p>
                        <input id="aw-t-waste_disposal_record" type="file" accept="application/pdf,image/jpeg,image/png" onchange={on_record}
                            aria-invalid={if rec_err.is_some() { "true" } else { "false" }} aria-describedby="aw-t-waste_disposal_record-err aw-t-waste_disposal_record-st" />
                        <p class="aw-small aw-record-state" id="aw-t-waste_disposal_record-st">{ if ts.record.is_some() { ts.record_note.clone() } else { String::new() } }</p>
                        <p class="aw-field-error" id="aw-t-waste_disposal_record-err">{ rec_err.unwrap_or_default() }</p>
                    </div>
                    <button type="submit" class="aw-btn aw-secondary aw-cancel-go" disabled={ts.busy}>{ c.cancel_submit }</button>
                </form>
            </>}
        }
        _ => html! {},
    };
    let refusal_box = (!ts.action_msg.is_empty() || !ts.problems.is_empty()).then(|| html! {
        <div class="aw-error aw-error-summary" role="alert" tabindex="-1" ref={banner.clone()}>
            <p><strong>{ c.action_failed }</strong>{ crate::track::dates_in_words(&ts.action_msg, lang) }</p>
            if !ts.problems.is_empty() {
                <ul>{ for ts.problems.iter().map(|p| problem_text(p, lang, s.engine, today, &format!("aw-t-{}", p.field))) }</ul>
            }
        </div>
    });
    let banner_ref = if refusal_box.is_some() {
        NodeRef::default()
    } else {
        banner.clone()
    };
    // --- the street's findings (rules.md §9.3) and the answer to each
    let found = findings(&reg);
    let stopped = found.iter().any(|f| {
        f.str_at("stop_work") != "no"
            && !f.str_at("stop_work").is_empty()
            && matches!(f.str_at("status"), "open" | "rectified")
    });
    let on_update = {
        let d = d.clone();
        Callback::from(move |f: Json| {
            d.dispatch(edit(move |t| {
                if let Some(reg) = t.reg.as_mut() {
                    replace_finding(reg, f.clone());
                }
            }))
        })
    };
    let findings_view = html! {
        <super::findings::Findings state={p.state.clone()} api={api.clone()} no={ts.no.trim().to_string()}
            code={ts.code.trim().to_string()} findings={found} {on_update} />
    };
    let tone = match phase {
        Phase::Refused | Phase::Revoked | Phase::Expired => "aw-banner aw-banner-bad",
        Phase::Returned => "aw-banner aw-banner-warn",
        Phase::Registered | Phase::Extended => "aw-banner aw-banner-ok",
        _ => "aw-banner",
    };
    let another = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(edit(|t| {
                t.reg = None;
                t.problems.clear();
                t.action_msg.clear();
                t.done_msg.clear();
            }))
        })
    };
    html! {
        <section class="aw-screen aw-track" aria-labelledby="aw-track-h" data-status={reg.str_at("status").to_string()}>
            { heading }
            { for refusal_box }
            <div class={tone} tabindex="-1" ref={banner_ref}>
                <p class="aw-banner-title"><span class="aw-k">{ c.status_label }{ colon(lang) }</span><strong class="aw-status-words">{ phase.words(lang) }</strong></p>
                if !ts.done_msg.is_empty() { <p class="aw-done">{ ts.done_msg.clone() }</p> }
                if stopped { <p class="aw-stop"><strong>{ c.fnd_stop_banner }</strong></p> }
            </div>
            <dl class="aw-dates">
                { row(c.filing_no, reg.str_at("filing_no").to_string(), "aw-filing-no") }
                { row(c.street, street_name(s.engine, &street, lang), "aw-street") }
                { row(c.filed_on, date_words(reg.get("filed_on").or_else(|| reg.get("created_at")), lang), "") }
                if !receipt_no.is_empty() { { row(c.receipt_no, receipt_no.clone(), "aw-receipt-no") } }
                if let Some(vu) = valid_until { { row(c.valid_to, fmt_day(lang, vu), "aw-valid-until") } }
                if let (true, Some(vu)) = (phase.in_force(), valid_until) {
                    { row(c.ext_window, { let w = window(s.engine, vu); format!("{} – {}", fmt_day(lang, w.opens), fmt_day(lang, w.closes)) }, "aw-window") }
                }
            </dl>
            { what }
            { findings_view }
            { for print_links }
            { manage }
            if !history.is_empty() {
                <h3>{ c.history }</h3>
                <ol class="aw-list aw-history">{ for history.iter().map(|e| html! {
                    <li>{ date_words(e.get("at"), lang) }{ " · " }{ Phase::action_words(e.str_at("action"), lang) }</li>
                }) }</ol>
            }
            { keep_box }
            <div class="aw-nav">
                { for back }
                <button type="button" class="aw-btn aw-secondary aw-noprint" onclick={another}>{ c.track_other }</button>
            </div>
        </section>
    }
}
