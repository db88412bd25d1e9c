//! "需要整改的问题" in the track view (rules.md §9.3, 第三十四条): each finding of the street's
//! inspections in words — what was found, the inspector's note, by when (overdue said so), where it
//! stands, any stop order — and, while it is open, the applicant's answer: a note and photos taken with
//! the phone's camera (the widget's one uploader), sent with the access code. No inspector's name or
//! account is shown (the API does not give them to the applicant).

use super::filing_view::problem_text;
use super::web::{self, Body};
use crate::filing::Problem;
use crate::i18n::{colon, fill};
use crate::json::{Json, obj, s as js};
use crate::state::State;
use crate::track::{FindingState, date_words, rectify_by_words};
use anbei_filing::RECTIFICATION_NOTE_MAX as NOTE_MAX;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    pub api: String,
    pub no: String,
    pub code: String,
    /// Every finding of the registration (API: `inspections[].findings[]`).
    pub findings: Vec<Json>,
    /// A finding as the API answered the applicant's answer: the track view puts it in place.
    pub on_update: Callback<Json>,
}

/// The answer being written to one finding.
#[derive(Clone, PartialEq, Default)]
struct Answer {
    note: String,
    photos: Vec<String>,
    /// Photos still uploading.
    uploading: u32,
    /// Why the last photo was not taken, in words.
    photo_err: String,
    busy: bool,
    /// The server's (or this form's) refusal: its detail and its problems by field.
    msg: String,
    problems: Vec<Problem>,
}

#[derive(Clone, PartialEq, Default)]
struct Rs {
    answers: Vec<(String, Answer)>,
    /// The element to focus after the next render (an error summary, a finding's new state).
    focus: String,
    seq: u32,
}

impl Rs {
    fn answer(&mut self, id: &str) -> &mut Answer {
        let i = match self.answers.iter().position(|(k, _)| k == id) {
            Some(i) => i,
            None => {
                self.answers.push((id.to_string(), Answer::default()));
                self.answers.len() - 1
            }
        };
        &mut self.answers[i].1
    }
}

struct Edit(Rc<dyn Fn(&mut Rs)>);

impl Reducible for Rs {
    type Action = Edit;
    fn reduce(self: Rc<Self>, a: Edit) -> Rc<Self> {
        let mut s = (*self).clone();
        (a.0)(&mut s);
        Rc::new(s)
    }
}

/// An edit of the answer to finding `id`.
fn on(id: &str, f: impl Fn(&mut Answer) + 'static) -> Edit {
    let id = id.to_string();
    Edit(Rc::new(move |r| f(r.answer(&id))))
}

/// The id of the input a problem's field names (`note`, `photos.N`).
fn input_id(fid: &str, field: &str) -> String {
    let f = if field.starts_with("photos") {
        "photos"
    } else {
        "note"
    };
    format!("aw-r-{fid}-{f}")
}

#[function_component(Findings)]
pub fn findings(p: &Props) -> Html {
    let lang = p.state.lang;
    let c = lang.cat();
    let rs = use_reducer(Rs::default);
    let d = rs.dispatcher();
    let root = use_node_ref();
    {
        let (root, target) = (root.clone(), rs.focus.clone());
        use_effect_with(rs.seq, move |seq| {
            if *seq > 0 {
                if let Some(el) = root.cast::<web_sys::HtmlElement>() {
                    web::focus_id(&el, &target);
                }
            }
        });
    }
    if p.findings.is_empty() {
        return html! {};
    }
    let item = |f: &Json| {
        let id = f.str_at("id").to_string();
        let state = FindingState::of(f, lang);
        let a = rs
            .answers
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, a)| a.clone())
            .unwrap_or_default();
        let title = f
            .get("title")
            .map_or("", |t| t.str_at(lang.pick("zh", "en")));
        let stop = match (f.str_at("stop_work"), &state) {
            (_, FindingState::Closed | FindingState::Referred { .. }) => None,
            ("at_once", _) => Some(c.fnd_stop_at_once),
            ("uncertified_work", _) => Some(c.fnd_stop_uncertified),
            _ => None,
        };
        let by = rectify_by_words(f, lang);
        let overdue = f.get("overdue").and_then(Json::as_bool) == Some(true);
        let (words, tone) = match &state {
            FindingState::Open => (c.fnd_open.to_string(), "aw-finding"),
            FindingState::Rejected(_) => (c.fnd_rejected.to_string(), "aw-finding"),
            FindingState::Answered => (c.fnd_answered.to_string(), "aw-finding aw-fnd-answered"),
            FindingState::Closed => (c.fnd_closed.to_string(), "aw-finding aw-fnd-closed"),
            FindingState::Referred { body, on } => (
                fill(c.fnd_referred, &[("date", on), ("body", body)]),
                "aw-finding aw-fnd-closed",
            ),
        };
        let form = state.answerable().then(|| answer_form(p, &id, &a, &d));
        html! {
            <li class={tone} data-finding={id.clone()} data-status={f.str_at("status").to_string()}>
                <h4>{ title.to_string() }</h4>
                if let Some(stop) = stop { <p class="aw-stop"><strong>{ stop }</strong></p> }
                <dl class="aw-dates">
                    if !f.str_at("note").is_empty() { <dt>{ c.fnd_note }</dt><dd class="aw-fnd-note">{ f.str_at("note").to_string() }</dd> }
                    <dt>{ c.fnd_found_on }</dt><dd>{ date_words(f.get("found_on"), lang) }</dd>
                    if !by.is_empty() { <dt>{ c.fnd_by }</dt><dd class={if overdue { "aw-fnd-by aw-overdue" } else { "aw-fnd-by" }}>{ by }</dd> }
                </dl>
                <p class="aw-fnd-state" id={format!("aw-fnd-{id}-state")} tabindex="-1">
                    <span class="aw-k">{ c.fnd_state }{ colon(lang) }</span><strong>{ words }</strong>
                </p>
                if let FindingState::Rejected(reason) = &state {
                    <p class="aw-fnd-reason"><strong>{ c.reason }{ colon(lang) }</strong>{ reason.clone() }</p>
                }
                { for form }
            </li>
        }
    };
    html! {
        <section class="aw-findings" aria-labelledby="aw-fnd-h" ref={root.clone()}>
            <h3 id="aw-fnd-h">{ c.fnd_title }</h3>
            <p class="aw-help">{ c.fnd_intro }</p>
            <ul class="aw-list aw-finding-list">{ for p.findings.iter().map(item) }</ul>
        </section>
    }
}

/// The answer to the open finding `id`: a note, photos, send (第三十四条).
fn answer_form(p: &Props, id: &str, a: &Answer, d: &UseReducerDispatcher<Rs>) -> Html {
    let s: &State = &p.state;
    let (lang, engine, today) = (s.lang, s.engine, s.today);
    let c = lang.cat();
    let problem = |field: &str| {
        a.problems
            .iter()
            .find(|x| x.field == field || (field == "photos" && x.field.starts_with("photos")))
            .map(|x| x.text(lang).to_string())
    };
    let note_err = problem("note");
    let photo_err =
        problem("photos").or_else(|| (!a.photo_err.is_empty()).then(|| a.photo_err.clone()));
    let note_id = input_id(id, "note");
    let photos_id = input_id(id, "photos");
    let on_note = {
        let (d, id) = (d.clone(), id.to_string());
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                .value();
            d.dispatch(on(&id, move |a| a.note = v.clone()));
        })
    };
    let on_photo = {
        let (d, id, api) = (d.clone(), id.to_string(), p.api.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = web::chosen_file(&e) else {
                return;
            };
            // the same input takes the next photo
            input.set_value("");
            d.dispatch(on(&id, |a| {
                a.uploading += 1;
                a.photo_err.clear();
            }));
            let (d, id) = (d.clone(), id.clone());
            web::upload(
                &api,
                file,
                &["image/jpeg", "image/png"],
                None,
                Box::new(move |r| {
                    d.dispatch(on(&id, move |a| {
                        a.uploading = a.uploading.saturating_sub(1);
                        match &r {
                            Ok(up) => {
                                a.photos.push(up.clone());
                                a.problems.retain(|p| !p.field.starts_with("photos"));
                            }
                            Err(e) => a.photo_err = e.words(c.upload_photo_type, lang).to_string(),
                        }
                    }));
                }),
            );
        })
    };
    let submit = {
        let (d, id, a) = (d.clone(), id.to_string(), a.clone());
        let (api, no, code) = (p.api.clone(), p.no.clone(), p.code.clone());
        let on_update = p.on_update.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send(
                &api,
                &no,
                &code,
                &id,
                &a,
                d.clone(),
                on_update.clone(),
                lang,
            );
        })
    };
    let summary = (!a.msg.is_empty() || !a.problems.is_empty()).then(|| {
        html! {
            <div class="aw-error aw-error-summary" role="alert" tabindex="-1" id={format!("aw-fnd-{id}-err")}>
                <p><strong>{ c.action_failed }</strong>{ a.msg.clone() }</p>
                if !a.problems.is_empty() {
                    <ul>{ for a.problems.iter().map(|x| problem_text(x, lang, engine, today, &input_id(id, &x.field))) }</ul>
                }
            </div>
        }
    });
    let invalid = |e: &Option<String>| if e.is_some() { "true" } else { "false" };
    let field = |e: &Option<String>| {
        if e.is_some() {
            "aw-field aw-invalid"
        } else {
            "aw-field"
        }
    };
    html! {
        <form class="aw-rectify" onsubmit={submit} novalidate=true>
            { for summary }
            <div class={field(&note_err)} data-field="note">
                <label class="aw-label" for={note_id.clone()}>{ c.rect_note }{ " *" }</label>
                <p class="aw-small" id={format!("{note_id}-hint")}>{ fill(c.rect_note_hint, &[("max", &NOTE_MAX.to_string())]) }</p>
                <textarea id={note_id.clone()} rows="4" maxlength={NOTE_MAX.to_string()} value={a.note.clone()} oninput={on_note}
                    aria-invalid={invalid(&note_err)} aria-describedby={format!("{note_id}-hint {note_id}-err")} />
                <p class="aw-field-error" id={format!("{note_id}-err")}>{ note_err.clone().unwrap_or_default() }</p>
            </div>
            <div class={field(&photo_err)} data-field="photos">
                <label class="aw-label" for={photos_id.clone()}>{ c.rect_photos }</label>
                <p class="aw-small" id={format!("{photos_id}-hint")}>{ c.rect_photos_hint }</p>
                <input id={photos_id.clone()} type="file" accept="image/*" capture="environment" onchange={on_photo}
                    aria-invalid={invalid(&photo_err)} aria-describedby={format!("{photos_id}-hint {photos_id}-st {photos_id}-err")} />
                <p class="aw-small aw-photos-state" id={format!("{photos_id}-st")} aria-live="polite">
                    { if a.uploading > 0 { c.submitting.to_string() } else if a.photos.is_empty() { String::new() } else { fill(c.rect_photos_n, &[("n", &a.photos.len().to_string())]) } }
                </p>
                <p class="aw-field-error" id={format!("{photos_id}-err")}>{ photo_err.unwrap_or_default() }</p>
            </div>
            <button type="submit" class="aw-btn aw-primary aw-rectify-go" disabled={a.busy || a.uploading > 0}>
                { if a.busy { c.submitting } else { c.rect_submit } }</button>
        </form>
    }
}

/// Checks the note here (the API's own rule, `anbei_filing::ids::text`), then sends the answer with
/// the access code; on 201 the finding is put in place and its new state takes focus, otherwise the
/// error summary does.
#[allow(clippy::too_many_arguments)]
fn send(
    api: &str,
    no: &str,
    code: &str,
    id: &str,
    a: &Answer,
    d: UseReducerDispatcher<Rs>,
    on_update: Callback<Json>,
    lang: crate::i18n::Lang,
) {
    let c = lang.cat();
    // a textarea's line breaks are control characters to the API's text rule: lines are joined
    let note: String = a
        .note
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let focus_err = |id: &str| {
        let target = format!("aw-fnd-{id}-err");
        move |r: &mut Rs| {
            r.focus = target.clone();
            r.seq += 1;
        }
    };
    if let Err(m) = anbei_filing::ids::text(&note, NOTE_MAX, anbei_filing::ids::as_given) {
        let p = Problem {
            field: "note".into(),
            rule: m.rule().into(),
            zh: m.zh(),
            en: m.en(),
        };
        let (fid, focus) = (id.to_string(), focus_err(id));
        d.dispatch(Edit(Rc::new(move |r| {
            let a = r.answer(&fid);
            a.msg.clear();
            a.problems = vec![p.clone()];
            focus(r);
        })));
        return;
    }
    let url = format!(
        "{api}/api/v1/registrations/{}/findings/{}/rectification",
        String::from(js_sys::encode_uri_component(no.trim())),
        String::from(js_sys::encode_uri_component(id)),
    );
    let body = obj(vec![
        ("note", js(&note)),
        (
            "photos",
            Json::Arr(a.photos.iter().map(|x| js(x)).collect()),
        ),
    ]);
    d.dispatch(on(id, |a| {
        a.busy = true;
        a.msg.clear();
        a.problems.clear();
    }));
    let (fid, focus) = (id.to_string(), focus_err(id));
    web::send(
        "POST",
        &url,
        &[
            ("Authorization", format!("Bearer {}", code.trim())),
            ("Content-Type", "application/json".into()),
            ("Accept", "application/json".into()),
        ],
        Body::Text(body.text()),
        None,
        Box::new(move |st, text| {
            let v = web::parse_json(&text);
            match v.filter(|v| st == 201 && !v.str_at("id").is_empty()) {
                Some(f) => {
                    on_update.emit(f);
                    let target = format!("aw-fnd-{fid}-state");
                    d.dispatch(Edit(Rc::new(move |r| {
                        *r.answer(&fid) = Answer::default();
                        r.focus = target.clone();
                        r.seq += 1;
                    })));
                }
                None => {
                    let (msg, problems) = super::track_view::refusal(st, &text, lang);
                    let msg = if msg.is_empty() && problems.is_empty() {
                        c.err_server.to_string()
                    } else {
                        msg
                    };
                    d.dispatch(Edit(Rc::new(move |r| {
                        let a = r.answer(&fid);
                        a.busy = false;
                        a.msg = msg.clone();
                        a.problems = problems.clone();
                        focus(r);
                    })));
                }
            }
        }),
    );
}
