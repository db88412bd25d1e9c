//! Filing against the API: the form (every problem at once, next to its field), one upload per
//! checklist document with progress, submit with an Idempotency-Key (a retry never files twice), then the
//! receipt with its QR code, or — for high-risk work awaiting an officer — the acknowledgement; a
//! returned filing reopens with every requested change marked.

use super::web::{self, Body};
use crate::filing::{
    Form, Needs, Problem, Worker, body, field, fingerprint, problems_from_server, validate,
};
use crate::i18n::{Catalogue, Lang, Texts, fill};
use crate::json::{Json, StrMap, obj, s as js};
use crate::state::{Action, State, View};
use std::rc::Rc;
use yew::prelude::*;

mod pledge;
mod receipt;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    pub heading: NodeRef,
    pub api: Option<String>,
    pub host: web_sys::HtmlElement,
    pub storage_key: String,
}

#[derive(Clone, PartialEq, Default)]
struct Fs {
    form: Form,
    problems: Vec<Problem>,
    /// upload progress per document: (percent, failed)
    progress: StrMap<(u32, bool)>,
    submitting: bool,
    message: String,
    /// (Idempotency-Key, fingerprint of the body it was used for)
    idem: Option<(String, String)>,
    /// the 201 answer of a filing (or of a status check)
    done: Option<Json>,
    /// (filing_no, access_token) once filed
    filing: Option<(String, String)>,
    returned: bool,
    seq: u32,
    /// The pledge `{version, zh, en}` from the server: `None` while loading, `Null` when that failed.
    pledge: Option<Json>,
    /// The person chose to keep the filing number and access code on this device.
    keep: bool,
    /// The filing was restored from storage already filed: its state is the server's, shown by the track
    /// view (a stored receipt would go on saying 登记成功 after a revocation).
    restored_done: bool,
}

struct Edit(Rc<dyn Fn(&mut Fs)>);

impl Reducible for Fs {
    type Action = Edit;
    fn reduce(self: Rc<Self>, a: Edit) -> Rc<Self> {
        let mut s = (*self).clone();
        (a.0)(&mut s);
        Rc::new(s)
    }
}

fn edit(f: impl Fn(&mut Fs) + 'static) -> Edit {
    Edit(Rc::new(f))
}

fn pair(p: &Option<(String, String)>) -> Json {
    p.as_ref()
        .map_or(Json::Null, |(a, b)| Json::Arr(vec![js(a), js(b)]))
}

fn unpair(v: Option<&Json>) -> Option<(String, String)> {
    match v? {
        Json::Arr(x) if x.len() == 2 => {
            Some((x[0].as_str()?.to_string(), x[1].as_str()?.to_string()))
        }
        _ => None,
    }
}

/// What is kept in localStorage: the draft while it is being filled in; once filed, only the filing
/// number — the access code only when the person chose to keep it, and no personal data.
fn saved(fs: &Fs) -> String {
    let mut done = fs.done.clone().unwrap_or_default();
    if let Json::Obj(m) = &mut done {
        m.retain(|(k, _)| k != "access_token");
    }
    let filing = fs.filing.as_ref().map(|(no, code)| {
        (
            no.clone(),
            if fs.keep { code.clone() } else { String::new() },
        )
    });
    let mut v = obj(vec![
        ("form", fs.form.to_json()),
        ("idem", pair(&fs.idem)),
        ("done", done),
        ("filing", pair(&filing)),
        ("returned", Json::Bool(fs.returned)),
    ]);
    if fs.returned {
        let changes = fs
            .problems
            .iter()
            .map(|p| {
                obj(vec![
                    ("field", js(&p.field)),
                    ("rule", js(&p.rule)),
                    ("message", obj(vec![("zh", js(&p.zh)), ("en", js(&p.en))])),
                ])
            })
            .collect();
        v.set("requested", Json::Arr(changes));
    }
    v.text()
}

fn restore(text: Option<String>) -> Fs {
    let s = text.and_then(|t| web::parse_json(&t)).unwrap_or_default();
    let returned = s.get("returned").and_then(Json::as_bool).unwrap_or(false);
    let done = s.get("done").filter(|d| matches!(d, Json::Obj(_))).cloned();
    Fs {
        form: s.get("form").map(Form::from_json).unwrap_or_default(),
        idem: unpair(s.get("idem")),
        restored_done: done.is_some() && !returned,
        done,
        filing: unpair(s.get("filing")),
        returned,
        problems: if returned {
            problems_from_server(s.get("requested"))
        } else {
            vec![]
        },
        ..Fs::default()
    }
}

fn problem_message(status: u16, text: &str, lang: Lang) -> (Vec<Problem>, String, Option<String>) {
    let c = lang.cat();
    let v = web::parse_json(text).unwrap_or_default();
    let code = v.get("code").and_then(Json::as_str).map(str::to_string);
    let detail = match lang.texts() {
        Texts::Zh => v.get("detail_zh").or_else(|| v.get("title_zh")),
        Texts::En => v.get("detail").or_else(|| v.get("title")),
    }
    .and_then(Json::as_str)
    .unwrap_or("")
    .to_string();
    match status {
        0 => (vec![], c.err_network.to_string(), None),
        400..=499 => (problems_from_server(v.get("errors")), detail, code),
        _ => (vec![], c.err_server.to_string(), code),
    }
}

#[function_component(FilingView)]
pub fn filing_view(p: &Props) -> Html {
    let s: &State = &p.state;
    let lang = s.lang;
    let c = lang.cat();
    let key = p.storage_key.clone();
    let fs = use_reducer(move || restore(web::load(&key)));
    let needs = Needs {
        engine: s.engine,
        assessment: s.assessment.clone(),
        facts: s.facts_json(),
        today: s.today,
    };
    let street = needs.street().to_string();
    let api = p.api.clone().unwrap_or_default();
    let summary_ref = use_node_ref();
    pledge::use_pledge(&api, fs.dispatcher());

    {
        let key = p.storage_key.clone();
        let text = saved(&fs);
        use_effect_with(text.clone(), move |_| web::save(&key, &text));
    }
    {
        let r = summary_ref.clone();
        use_effect_with(fs.seq, move |seq| {
            if *seq > 0 {
                if let Some(el) = r.cast::<web_sys::HtmlElement>() {
                    web::focus(&el);
                }
            }
        });
    }

    // the receipt / acknowledgement takes focus when it appears
    {
        let h = p.heading.clone();
        use_effect_with(fs.done.is_some() && !fs.returned, move |shown| {
            if *shown {
                if let Some(el) = h.cast::<web_sys::HtmlElement>() {
                    web::focus(&el);
                }
            }
        });
    }
    // a filing restored already filed: its current state is the server's (the track view), and the
    // form starts empty for another one
    {
        let (restored, filing) = (fs.restored_done, fs.filing.clone());
        let (sd, key, d) = (p.state.dispatcher(), p.storage_key.clone(), fs.dispatcher());
        use_effect_with((), move |_| {
            if restored {
                web::remove(&key);
                d.dispatch(edit(|fs| *fs = Fs::default()));
                let kept = super::track_view::kept();
                let prefill = filing.map(|(no, code)| {
                    let code = match kept {
                        Some((n, c)) if code.is_empty() && n == no => c,
                        _ => code,
                    };
                    (no, code)
                });
                sd.dispatch(Action::Track(prefill));
            }
        });
    }
    let d = fs.dispatcher();
    let needs_rc = Rc::new(needs.clone());
    let fx = Fields {
        fs: &fs,
        d: &d,
        lang,
        needs: needs_rc,
        person: f_is_person(&fs.form, &needs),
    };
    let problem = |field: &str| fx.problem(field);
    let f = &fs.form;

    if fs.restored_done {
        return html! {};
    }
    if let Some(done) = fs.done.clone().filter(|_| !fs.returned) {
        return receipt::receipt(&fs, done, &d, &p.state, &p.heading, &api, lang);
    }

    // --- the form
    let on_upload = |code: &'static str| {
        let (d, api) = (d.clone(), api.clone());
        Callback::from(move |e: Event| {
            let Some(file) = web::chosen_file(&e) else {
                return;
            };
            let (d1, d2) = (d.clone(), d.clone());
            d.dispatch(edit(move |fs| {
                fs.progress.insert(code.into(), (0, false));
            }));
            web::upload(
                &api,
                file,
                &["application/pdf", "image/jpeg", "image/png"],
                Some(Box::new(move |pct| {
                    d1.dispatch(edit(move |fs| {
                        fs.progress.insert(code.into(), (pct.min(99), false));
                    }));
                })),
                Box::new(move |r| {
                    d2.dispatch(edit(move |fs| {
                        let field = format!("documents.{code}");
                        fs.problems.retain(|p| p.field != field);
                        match &r {
                            Ok(id) => {
                                fs.form.documents.insert(code.into(), id.clone());
                                fs.progress.insert(code.into(), (100, false));
                            }
                            // refused for its content (type, size, not a real PDF): say why, next to it
                            Err(e) => {
                                fs.progress.insert(code.into(), (0, true));
                                let why = e.words(c.upload_type, lang);
                                fs.problems.push(Problem {
                                    field: field.clone(),
                                    rule: "upload".into(),
                                    zh: why.into(),
                                    en: why.into(),
                                });
                            }
                        }
                    }));
                }),
            );
        })
    };
    let upload_codes = needs.uploads();
    let uploads = upload_codes.iter().map(|&doc| {
        let code = doc.as_str();
        let path = format!("documents.{code}");
        let id = format!("aw-f-documents-{code}");
        let err = problem(&path);
        let title = crate::summary::code_title(s.engine, doc, lang);
        let (pct, failed) = fs.progress.get(code).copied().unwrap_or((if f.documents.contains_key(code) { 100 } else { 0 }, false));
        html! {
            <li class={classes!("aw-field", "aw-upload", err.is_some().then_some("aw-invalid"))} data-field={path.clone()}>
                <label for={id.clone()} class="aw-label">{ title }{ " *" }</label>
                <input id={id.clone()} type="file" accept="application/pdf,image/jpeg,image/png" onchange={on_upload(code)}
                    aria-describedby={format!("{id}-err {id}-st")} aria-invalid={if err.is_some() { "true" } else { "false" }} />
                <progress max="100" value={pct.to_string()} aria-label={title_progress(c.uploads, code)}></progress>
                <span id={format!("{id}-st")} class="aw-small">{ if failed { "" } else if pct >= 100 { c.upload_done } else { "" } }</span>
                <p class="aw-field-error" id={format!("{id}-err")}>{ err.unwrap_or_default() }</p>
            </li>
        }
    });
    let specials = needs.special_operations();
    let workers = f.workers.iter().enumerate().map(|(i, w)| {
        let op_change = {
            let d = d.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                d.dispatch(edit(move |fs| fs.form.set(&format!("workers.{i}.operation"), v.clone())));
            })
        };
        let remove = {
            let d = d.clone();
            Callback::from(move |_: MouseEvent| d.dispatch(edit(move |fs| { if i < fs.form.workers.len() { fs.form.workers.remove(i); } })))
        };
        let op_id = format!("aw-f-workers-{i}-operation");
        let operation = field(w, "operation");
        let special = specials.iter().any(|op| op == operation);
        let prefix = format!("workers.{i}");
        html! {
            <fieldset class="aw-worker">
                <legend>{ fill(c.worker, &[("n", &(i + 1).to_string())]) }</legend>
                { fx.fields(&prefix, &["name", "id_number"]) }
                <div class="aw-field">
                    <label for={op_id.clone()} class="aw-label">{ c.operation }</label>
                    <select id={op_id} onchange={op_change}>
                        <option value="" selected={!special}>{ c.op_none }</option>
                        { for specials.iter().map(|op| {
                            let name = s.engine.ruleset_view(s.today).fact_names.get(op).map(|n| lang.pick(&n.zh, &n.en).to_string()).unwrap_or_else(|| op.to_string());
                            html! { <option value={op.to_string()} selected={operation == op}>{ name }</option> }
                        }) }
                    </select>
                </div>
                if special { { fx.fields(&prefix, &["certificate_no", "certificate_valid_until"]) } }
                <button type="button" class="aw-link" onclick={remove}>{ c.remove_worker }</button>
            </fieldset>
        }
    });
    let add_worker = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(edit(|fs| fs.form.workers.push(Worker::default())))
        })
    };
    let person_toggle = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            d.dispatch(edit(move |fs| fs.form.contractor_is_person = on));
        })
    };
    let submit = {
        let d = d.clone();
        let fs2 = fs.clone();
        let needs = needs.clone();
        let api = api.clone();
        let host = p.host.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let problems = validate(&fs2.form, &needs);
            if !problems.is_empty() {
                d.dispatch(edit(move |fs| {
                    fs.problems = problems.clone();
                    fs.message.clear();
                    fs.seq += 1;
                }));
                return;
            }
            let b = body(&fs2.form, &needs, lang);
            let fp = fingerprint(&b);
            let key = match &fs2.idem {
                Some((k, f)) if *f == fp => k.clone(),
                _ => web::uuid(),
            };
            let (url, auth) = match (&fs2.filing, fs2.returned) {
                (Some((no, token)), true) => (
                    format!("{api}/api/v1/registrations/{no}/resubmission"),
                    Some(format!("Bearer {token}")),
                ),
                _ => (format!("{api}/api/v1/registrations"), None),
            };
            {
                let key = key.clone();
                let fp = fp.clone();
                d.dispatch(edit(move |fs| {
                    fs.idem = Some((key.clone(), fp.clone()));
                    fs.submitting = true;
                    fs.problems.clear();
                    fs.message.clear();
                }));
            }
            let mut headers = vec![
                ("Content-Type", "application/json".to_string()),
                ("Accept", "application/json".to_string()),
                ("Idempotency-Key", key),
            ];
            if let Some(a) = auth {
                headers.push(("Authorization", a));
            }
            let d = d.clone();
            let host = host.clone();
            web::send(
                "POST",
                &url,
                &headers,
                Body::Text(b.text()),
                None,
                Box::new(move |st, text| {
                    if st == 200 || st == 201 {
                        let v = web::parse_json(&text).unwrap_or_default();
                        let no = v.str_at("filing_no").to_string();
                        let token = v.str_at("access_token").to_string();
                        let member = |m: Option<&Json>| m.cloned().unwrap_or_default();
                        web::emit(
                            &host,
                            "anbei:submitted",
                            &obj(vec![
                                ("filing_no", js(&no)),
                                ("status", member(v.get("status"))),
                                (
                                    "receipt_no",
                                    member(v.get("receipt").and_then(|r| r.get("receipt_no"))),
                                ),
                                ("acceptance_due", member(v.get("acceptance_due"))),
                            ]),
                        );
                        d.dispatch(edit(move |fs| {
                            fs.submitting = false;
                            if !token.is_empty() || fs.filing.is_none() {
                                fs.filing = Some((no.clone(), token.clone()));
                            }
                            fs.done = Some(v.clone());
                            fs.returned = false;
                            fs.problems.clear();
                            // filed: the personal data of the form leaves this device
                            fs.form = Form::default();
                            fs.idem = None;
                        }));
                    } else {
                        let (problems, message, code) = problem_message(st, &text, lang);
                        d.dispatch(edit(move |fs| {
                            fs.submitting = false;
                            fs.problems = problems.clone();
                            fs.message = message.clone();
                            if code.as_deref() == Some("IDEMPOTENCY_MISMATCH") {
                                fs.idem = None;
                            }
                            fs.seq += 1;
                        }));
                    }
                }),
            );
        })
    };
    let back = {
        let d = p.state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Show(View::Result)))
    };
    let n = fs.problems.len();
    let summary = (n > 0 || !fs.message.is_empty()).then(|| html! {
        <div class="aw-error aw-error-summary" role="alert" tabindex="-1" ref={summary_ref.clone()}>
            if !fs.message.is_empty() { <p>{ fs.message.clone() }</p> }
            if n > 0 {
                <p>{ fill(c.errors_summary, &[("n", &n.to_string())]) }</p>
                <ul>{ for fs.problems.iter().map(|p| problem_text(p, lang, s.engine, s.today, &format!("aw-f-{}", p.field.replace('.', "-")))) }</ul>
            }
        </div>
    });
    let odd = needs.odd_job();
    // whoever files affirms the pledge: the agent when there is one (nothing asked twice: their name is above)
    let signer = match needs.via_agent() {
        true => format!("{} {}", c.agent, f.get("agent.name").trim()),
        false => format!("{} {}", c.applicant, f.get("applicant.name").trim()),
    };
    // the form as data: (legend, the body's object, its fields, anything before them)
    let office = crate::summary::street_office(s.engine, &street, lang).unwrap_or_default();
    let person = ["name", "id_number", "mobile", "email"];
    let mut sections = vec![(c.applicant, "applicant", &person[..], html! {})];
    if needs.via_agent() {
        sections.push((c.agent, "agent", &person, html! {}));
    }
    // a property-managed site names its area: its property company accepts the filing (第二十三条第（一）项)
    let managed = needs.property_managed();
    let site = ["address", "community", "property_area"];
    sections.push((
        c.site,
        "site",
        &site[..if managed { 3 } else { 2 }],
        html! { <p class="aw-small">{ c.street }{ crate::i18n::colon(lang) }{ office }
        if managed { <br />{ c.property_area_hint } }</p> },
    ));
    // the hired party of an odd job may be a person, with an ID number (第二十八条); high-risk work
    // needs the contractor's qualification and safety licence (第十条第（一）项)
    let contractor: &[&str] = match (odd && f.contractor_is_person, needs.high_risk()) {
        (true, false) => &["name", "id_number"],
        (true, true) => &["name", "id_number", "qualification_no", "safety_licence_no"],
        (false, false) => &["name", "credit_code"],
        (false, true) => &[
            "name",
            "credit_code",
            "qualification_no",
            "safety_licence_no",
        ],
    };
    let toggle = odd.then(|| html! { <label class="aw-check"><input type="checkbox" checked={f.contractor_is_person} onchange={person_toggle} /><span>{ c.contractor_is_person }</span></label> });
    sections.push((
        c.contractor_unit,
        "contractor",
        contractor,
        html! { { for toggle } },
    ));
    if !odd {
        sections.push((
            c.project_lead,
            "project_lead",
            &["name", "mobile"],
            html! {},
        ));
        sections.push((
            c.safety_manager,
            "safety_manager",
            &["name", "mobile"],
            html! {},
        ));
    }
    let section = |(legend, prefix, keys, extra): (&str, &str, &[&str], Html)| {
        html! { <fieldset><legend>{ legend }</legend>{ extra }{ fx.fields(prefix, keys) }</fieldset> }
    };
    html! {
        <form class="aw-screen aw-filing" aria-labelledby="aw-filing-h" onsubmit={submit} novalidate=true>
            <h2 id="aw-filing-h" class="aw-q" tabindex="-1" ref={p.heading.clone()}>{ c.filing_title }</h2>
            if fs.returned { <div class="aw-error" role="alert"><p><strong>{ c.returned_title }</strong></p><p>{ c.returned_body }</p></div> }
            <p class="aw-help">{ c.filing_intro }</p>
            { summary }
            { for sections.into_iter().map(section) }
            <fieldset class={classes!(problem("workers").is_some().then_some("aw-invalid"))} data-field="workers" id="aw-f-workers" tabindex="-1"><legend>{ c.workers }{ " *" }</legend>
                <p class="aw-field-error">{ problem("workers").unwrap_or_default() }</p>
                { for workers }
                <button type="button" class="aw-btn aw-secondary aw-add-worker" onclick={add_worker}>{ "+ " }{ c.add_worker }</button>
            </fieldset>
            if odd { { fx.fields("", &["work_description"]) } }
            { section((c.schedule, "", &["planned_start", "planned_end"], html! {})) }
            { fx.fields("", &["waste_disposal_site"]) }
            if !upload_codes.is_empty() {
                <fieldset><legend>{ c.uploads }</legend>
                    <p class="aw-small">{ c.upload_choose }{ " · " }{ c.not_needed_upload }</p>
                    <ul class="aw-uploads">{ for uploads }</ul>
                </fieldset>
            }
            { pledge::pledge_section(fs.pledge.as_ref(), f.pledge_affirmed, &signer, problem("pledge.affirmed").or_else(|| problem("pledge.version")), &d, lang) }
            <div class="aw-nav">
                <button type="button" class="aw-btn aw-secondary" onclick={back}>{ "← " }{ c.back_to_result }</button>
                <button type="submit" class="aw-btn aw-primary aw-submit" disabled={fs.submitting}>
                    { if fs.submitting { c.submitting } else if fs.returned { c.resubmit } else { c.submit } }
                </button>
            </div>
        </form>
    }
}

/// How a text is typed in.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    /// Identity numbers and codes: no autocompletion.
    Id,
    Tel,
    /// Optional: the only field a filing may leave empty (notifications by e-mail, rules.md §11).
    Email,
    Date,
}

/// How a field is typed in, by its key in the body.
fn kind(key: &str) -> Kind {
    match key {
        "mobile" => Kind::Tel,
        "email" => Kind::Email,
        "planned_start" | "planned_end" | "certificate_valid_until" => Kind::Date,
        "name"
        | "address"
        | "community"
        | "property_area"
        | "waste_disposal_site"
        | "work_description" => Kind::Text,
        _ => Kind::Id,
    }
}

macro_rules! labels {
    ($($key:ident),*) => {
        /// A field's label: the catalogue's string named like its key in the body.
        fn label(c: &Catalogue, key: &str) -> &'static str {
            match key {
                $(stringify!($key) => c.$key,)*
                _ => c.waste_site,
            }
        }
    };
}

labels! {
    name, id_number, mobile, email, address, community, property_area, credit_code, qualification_no, safety_licence_no,
    certificate_no, certificate_valid_until, planned_start, planned_end, work_description
}

/// What every text field of the form reads: the form, its problems, the language, where edits go.
struct Fields<'a> {
    fs: &'a Fs,
    d: &'a UseReducerDispatcher<Fs>,
    lang: Lang,
    /// What the answers require: a field is checked when it is left (blur), as on submit.
    needs: Rc<Needs>,
    /// The hired party is a person (odd jobs): its name is a person's name, not a company's.
    person: bool,
}

/// The hired party of an odd job is a person (第二十八条).
fn f_is_person(f: &Form, needs: &Needs) -> bool {
    needs.odd_job() && f.contractor_is_person
}

/// A field's name as a person reads it in a list of problems: its part of the form, then its label
/// ("申请人 · 身份证号码"). Problems of the facts (`facts.*`) and unknown paths read as the form itself.
pub(crate) fn field_label(
    path: &str,
    lang: Lang,
    engine: &anbei_core::Engine,
    today: anbei_core::Date,
) -> String {
    let c = lang.cat();
    let mut parts = path.split('.');
    let head = parts.next().unwrap_or("");
    let key = parts.next().unwrap_or("");
    let sep = " · ";
    let with = |section: &str, k: &str| match k {
        "" => section.to_string(),
        "name" if head == "contractor" => format!("{section}{sep}{}", c.unit_name),
        k => format!("{section}{sep}{}", label(c, k)),
    };
    match head {
        "applicant" => with(c.applicant, key),
        "agent" => with(c.agent, key),
        "site" => with(c.site, key),
        "contractor" => with(c.contractor_unit, key),
        "project_lead" => with(c.project_lead, key),
        "safety_manager" => with(c.safety_manager, key),
        "workers" => match key.parse::<usize>() {
            Ok(i) => {
                let who = format!(
                    "{}{sep}{}",
                    c.workers,
                    fill(c.worker, &[("n", &(i + 1).to_string())])
                );
                match parts.next() {
                    Some("operation") => format!("{who}{sep}{}", c.operation),
                    Some(k) => format!("{who}{sep}{}", label(c, k)),
                    None => who,
                }
            }
            Err(_) => c.workers.to_string(),
        },
        "documents" => match anbei_core::Code::from_str(key) {
            Some(code) if !key.is_empty() => format!(
                "{}{sep}{}",
                c.uploads,
                crate::summary::code_title(engine, code, lang)
            ),
            _ => c.uploads.to_string(),
        },
        "pledge" => c.pledge.to_string(),
        "planned_start" | "planned_end" => label(c, head).to_string(),
        "waste_disposal_site" => c.waste_site.to_string(),
        "work_description" => c.work_description.to_string(),
        "new_valid_until" => c.new_valid_until.to_string(),
        "completion_date" => c.completion_date.to_string(),
        "waste_disposal_record" => c.waste_record.to_string(),
        // an answer to a finding (track view)
        "note" => c.rect_note.to_string(),
        "photos" => c.rect_photos.to_string(),
        _ => {
            let _ = today;
            c.filing_title.to_string()
        }
    }
}

/// One line of an error summary: the field's name and its problem, a link that moves focus to the field
/// (a fragment link cannot reach into the widget's shadow root).
pub(crate) fn problem_text(
    p: &Problem,
    lang: Lang,
    engine: &anbei_core::Engine,
    today: anbei_core::Date,
    id: &str,
) -> Html {
    let text = format!(
        "{}{}{}",
        field_label(&p.field, lang, engine, today),
        crate::i18n::colon(lang),
        crate::track::dates_in_words(p.text(lang), lang)
    );
    let target = id.to_string();
    let onclick = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        if let Some(t) = e.target() {
            web::focus_id(&t, &target);
        }
    });
    html! { <li><a href={format!("#{id}")} {onclick}>{ text }</a></li> }
}

impl Fields<'_> {
    /// The problem reported at `path`, in the form's language.
    fn problem(&self, path: &str) -> Option<String> {
        self.fs
            .problems
            .iter()
            .find(|p| p.field == path)
            .map(|p| crate::track::dates_in_words(p.text(self.lang), self.lang))
    }

    /// The text fields `keys` of the body's object `prefix` (`""`: the body itself).
    fn fields(&self, prefix: &str, keys: &[&str]) -> Html {
        keys.iter()
            .map(|key| match prefix {
                "" => self.field(key, key.to_string()),
                _ => self.field(key, format!("{prefix}.{key}")),
            })
            .collect()
    }

    /// One labelled text input for the form's text at `path`, with its problem.
    fn field(&self, key: &str, path: String) -> Html {
        let c = self.lang.cat();
        let (label, kind) = (label(c, key), kind(key));
        let required = !matches!(kind, Kind::Email);
        let id = format!("aw-f-{}", path.replace('.', "-"));
        let err = self.problem(&path);
        let value = self.fs.form.get(&path).to_string();
        let (ty, mode, ac) = match kind {
            Kind::Tel => ("tel", "tel", "tel"),
            Kind::Email => ("email", "email", "email"),
            Kind::Date => ("date", "text", "off"),
            Kind::Id => ("text", "text", "off"),
            Kind::Text => ("text", "text", "on"),
        };
        let field_path = path.clone();
        let d = self.d.clone();
        let label = match (path.as_str(), self.person) {
            ("contractor.name", false) => c.unit_name,
            _ => label,
        };
        // checked when left: the problems of this field, as the submit would find them (an empty field
        // just passed over is not flagged until it is submitted)
        let onblur = {
            let (d, needs, path) = (self.d.clone(), self.needs.clone(), path.clone());
            Callback::from(move |_: FocusEvent| {
                let (needs, path) = (needs.clone(), path.clone());
                d.dispatch(edit(move |fs| {
                    let had = fs.problems.iter().any(|p| p.field == path);
                    if fs.form.get(&path).trim().is_empty() && !had {
                        return;
                    }
                    let now: Vec<Problem> = validate(&fs.form, &needs)
                        .into_iter()
                        .filter(|p| p.field == path)
                        .collect();
                    // in place: the error summary's lines do not move under the pointer
                    let at = fs.problems.iter().position(|p| p.field == path);
                    fs.problems.retain(|p| p.field != path);
                    let at = at.unwrap_or(fs.problems.len()).min(fs.problems.len());
                    for (i, p) in now.into_iter().enumerate() {
                        fs.problems.insert(at + i, p);
                    }
                }));
            })
        };
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            let path = path.clone();
            d.dispatch(edit(move |fs| fs.form.set(&path, v.clone())));
        });
        html! {
            <div class={classes!("aw-field", err.is_some().then_some("aw-invalid"))} data-field={field_path}>
                <label for={id.clone()} class="aw-label">{ label }if required { { " *" } }</label>
                <input id={id.clone()} type={ty} inputmode={mode} autocomplete={ac} value={value} oninput={oninput} onblur={onblur}
                    aria-invalid={if err.is_some() { "true" } else { "false" }} aria-describedby={format!("{id}-err")} {required} />
                <p class="aw-field-error" id={format!("{id}-err")}>{ err.unwrap_or_default() }</p>
            </div>
        }
    }
}

fn title_progress(label: &str, code: &str) -> String {
    format!("{label} {code}")
}
