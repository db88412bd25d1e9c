//! Filing against the API: the form (every problem at once, next to its field), one upload per
//! checklist document with progress, submit with an Idempotency-Key (a retry never files twice), then the
//! receipt with its QR code, or — for high-risk work awaiting an officer — the acknowledgement; a
//! returned filing reopens with every requested change marked.

use super::web::{self, Body};
use crate::filing::{
    Form, Needs, Problem, Worker, body, fingerprint, problems_from_server, validate,
};
use crate::i18n::{Lang, Texts, fill};
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
}

struct Edit(Rc<dyn Fn(&mut Fs)>);

/// Writes one text field of the form.
type Setter = Rc<dyn Fn(&mut Form, String)>;

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

fn saved(fs: &Fs) -> String {
    obj(vec![
        ("form", fs.form.to_json()),
        ("idem", pair(&fs.idem)),
        ("done", fs.done.clone().unwrap_or_default()),
        ("filing", pair(&fs.filing)),
        ("returned", Json::Bool(fs.returned)),
    ])
    .text()
}

fn restore(text: Option<String>) -> Fs {
    let s = text.and_then(|t| web::parse_json(&t)).unwrap_or_default();
    Fs {
        form: s.get("form").map(Form::from_json).unwrap_or_default(),
        idem: unpair(s.get("idem")),
        done: s.get("done").filter(|d| matches!(d, Json::Obj(_))).cloned(),
        filing: unpair(s.get("filing")),
        returned: s.get("returned").and_then(Json::as_bool).unwrap_or(false),
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
    let d = fs.dispatcher();
    let problem = |field: &str| {
        fs.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.text(lang).to_string())
    };
    let text_field = |label: &str,
                      path: &str,
                      value: &str,
                      set: Setter,
                      required: bool,
                      kind: &str| {
        let id = format!("aw-f-{}", path.replace('.', "-"));
        let err = problem(path);
        let d = d.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            let set = set.clone();
            d.dispatch(edit(move |fs| set(&mut fs.form, v.clone())));
        });
        let (ty, mode, ac) = match kind {
            "tel" => ("tel", "tel", "tel"),
            "date" => ("date", "text", "off"),
            "id" => ("text", "text", "off"),
            _ => ("text", "text", "on"),
        };
        html! {
            <div class={classes!("aw-field", err.is_some().then_some("aw-invalid"))} data-field={path.to_string()}>
                <label for={id.clone()} class="aw-label">{ label.to_string() }{ if required { " *" } else { c.optional } }</label>
                <input id={id.clone()} type={ty} inputmode={mode} autocomplete={ac} value={value.to_string()} oninput={oninput}
                    aria-invalid={if err.is_some() { "true" } else { "false" }} aria-describedby={format!("{id}-err")} required={required} />
                <p class="aw-field-error" id={format!("{id}-err")}>{ err.unwrap_or_default() }</p>
            </div>
        }
    };
    let f = &fs.form;

    if let Some(done) = fs.done.clone().filter(|_| !fs.returned) {
        return receipt::receipt(&fs, done, &d, &p.heading, &api, lang);
    }

    // --- the form
    let on_upload = |code: &'static str| {
        let d = d.clone();
        let url = format!("{api}/api/v1/uploads");
        let msg_type = c.upload_type;
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            let ty = file.type_();
            if !matches!(ty.as_str(), "application/pdf" | "image/jpeg" | "image/png")
                || file.size() > 10.0 * 1024.0 * 1024.0
            {
                d.dispatch(edit(move |fs| {
                    fs.problems
                        .retain(|p| p.field != format!("documents.{code}"));
                    fs.problems.push(Problem {
                        field: format!("documents.{code}"),
                        rule: "upload_type".into(),
                        zh: msg_type.into(),
                        en: msg_type.into(),
                    });
                }));
                return;
            }
            let name: String = js_sys::encode_uri_component(&file.name()).into();
            let d1 = d.clone();
            let d2 = d.clone();
            d.dispatch(edit(move |fs| {
                fs.progress.insert(code.into(), (0, false));
            }));
            web::send(
                "POST",
                &url,
                &[("Content-Type", ty), ("X-Filename", name)],
                Body::File(file),
                Some(Box::new(move |loaded, total| {
                    let pct = if total > 0.0 {
                        (loaded * 100.0 / total) as u32
                    } else {
                        0
                    };
                    d1.dispatch(edit(move |fs| {
                        fs.progress.insert(code.into(), (pct.min(99), false));
                    }));
                })),
                Box::new(move |st, text| {
                    let id = web::parse_json(&text).and_then(|v| {
                        v.get("upload_id")
                            .and_then(Json::as_str)
                            .map(str::to_string)
                    });
                    d2.dispatch(edit(move |fs| match (&id, st) {
                        (Some(id), 200 | 201) => {
                            fs.form.documents.insert(code.into(), id.clone());
                            fs.progress.insert(code.into(), (100, false));
                            fs.problems
                                .retain(|p| p.field != format!("documents.{code}"));
                        }
                        _ => {
                            fs.progress.insert(code.into(), (0, true));
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
                <span id={format!("{id}-st")} class="aw-small">{ if failed { c.upload_failed } else if pct >= 100 { c.upload_done } else { "" } }</span>
                <p class="aw-field-error" id={format!("{id}-err")}>{ err.unwrap_or_default() }</p>
            </li>
        }
    });
    let specials = needs.special_operations();
    let workers = f.workers.iter().enumerate().map(|(i, w)| {
        let set_name: Setter = Rc::new(move |f, v| if let Some(w) = f.workers.get_mut(i) { w.name = v });
        let set_id: Setter = Rc::new(move |f, v| if let Some(w) = f.workers.get_mut(i) { w.id_number = v });
        let set_cert: Setter = Rc::new(move |f, v| if let Some(w) = f.workers.get_mut(i) { w.certificate_no = v });
        let set_until: Setter = Rc::new(move |f, v| if let Some(w) = f.workers.get_mut(i) { w.certificate_valid_until = v });
        let op_change = {
            let d = d.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                d.dispatch(edit(move |fs| if let Some(w) = fs.form.workers.get_mut(i) { w.operation = v.clone() }));
            })
        };
        let remove = {
            let d = d.clone();
            Callback::from(move |_: MouseEvent| d.dispatch(edit(move |fs| { if i < fs.form.workers.len() { fs.form.workers.remove(i); } })))
        };
        let op_id = format!("aw-f-workers-{i}-operation");
        let special = specials.contains(&w.operation);
        html! {
            <fieldset class="aw-worker">
                <legend>{ fill(c.worker, &[("n", &(i + 1).to_string())]) }</legend>
                { text_field(c.name, &format!("workers.{i}.name"), &w.name, set_name, true, "text") }
                { text_field(c.id_number, &format!("workers.{i}.id_number"), &w.id_number, set_id, true, "id") }
                <div class="aw-field">
                    <label for={op_id.clone()} class="aw-label">{ c.operation }</label>
                    <select id={op_id} onchange={op_change}>
                        <option value="" selected={!special}>{ c.op_none }</option>
                        { for specials.iter().map(|op| {
                            let name = s.engine.ruleset_view(s.today).fact_names.get(op).map(|n| lang.pick(&n.zh, &n.en).to_string()).unwrap_or_else(|| op.to_string());
                            html! { <option value={op.to_string()} selected={w.operation == *op}>{ name }</option> }
                        }) }
                    </select>
                </div>
                if special {
                    { text_field(c.certificate_no, &format!("workers.{i}.certificate_no"), &w.certificate_no, set_cert, true, "id") }
                    { text_field(c.certificate_valid_until, &format!("workers.{i}.certificate_valid_until"), &w.certificate_valid_until, set_until, true, "date") }
                }
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
                        let no = v
                            .get("filing_no")
                            .and_then(Json::as_str)
                            .unwrap_or("")
                            .to_string();
                        let token = v
                            .get("access_token")
                            .and_then(Json::as_str)
                            .unwrap_or("")
                            .to_string();
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
                <ul>{ for fs.problems.iter().map(|p| html! {
                    <li><a href={format!("#aw-f-{}", p.field.replace('.', "-"))}>{ p.text(lang).to_string() }</a></li>
                }) }</ul>
            }
        </div>
    });
    let odd = needs.odd_job();
    // whoever files affirms the pledge: the agent when there is one (nothing asked twice: their name is above)
    let signer = match needs.via_agent() {
        true => format!("{} {}", c.agent, f.agent.name.trim()),
        false => format!("{} {}", c.applicant, f.applicant.name.trim()),
    };
    // the form as data: one template renders every section (a leaner bundle than one per field)
    let office = crate::summary::street_office(s.engine, &street, lang).unwrap_or_default();
    let mut before_workers: Vec<Section> = vec![Section {
        legend: c.applicant,
        extra: html! {},
        fields: vec![
            def(
                c.name,
                "applicant.name",
                "text",
                |f| &f.applicant.name,
                |f, v| f.applicant.name = v,
            ),
            def(
                c.id_number,
                "applicant.id_number",
                "id",
                |f| &f.applicant.id_number,
                |f, v| f.applicant.id_number = v,
            ),
            def(
                c.mobile,
                "applicant.mobile",
                "tel",
                |f| &f.applicant.mobile,
                |f, v| f.applicant.mobile = v,
            ),
        ],
    }];
    if needs.via_agent() {
        before_workers.push(Section {
            legend: c.agent,
            extra: html! {},
            fields: vec![
                def(
                    c.name,
                    "agent.name",
                    "text",
                    |f| &f.agent.name,
                    |f, v| f.agent.name = v,
                ),
                def(
                    c.id_number,
                    "agent.id_number",
                    "id",
                    |f| &f.agent.id_number,
                    |f, v| f.agent.id_number = v,
                ),
                def(
                    c.mobile,
                    "agent.mobile",
                    "tel",
                    |f| &f.agent.mobile,
                    |f, v| f.agent.mobile = v,
                ),
            ],
        });
    }
    before_workers.push(Section {
        legend: c.site,
        extra: html! { <p class="aw-small">{ c.street }{ crate::i18n::colon(lang) }{ office }</p> },
        fields: vec![
            def(
                c.address,
                "site.address",
                "text",
                |f| &f.address,
                |f, v| f.address = v,
            ),
            def(
                c.community,
                "site.community",
                "text",
                |f| &f.community,
                |f, v| f.community = v,
            ),
        ],
    });
    let mut contractor = vec![def(
        c.name,
        "contractor.name",
        "text",
        |f| &f.contractor_name,
        |f, v| f.contractor_name = v,
    )];
    if odd && f.contractor_is_person {
        contractor.push(def(
            c.id_number,
            "contractor.id_number",
            "id",
            |f| &f.contractor_id_number,
            |f, v| f.contractor_id_number = v,
        ));
    } else {
        contractor.push(def(
            c.credit_code,
            "contractor.credit_code",
            "id",
            |f| &f.contractor_credit_code,
            |f, v| f.contractor_credit_code = v,
        ));
    }
    if needs.high_risk() {
        contractor.push(def(
            c.qualification_no,
            "contractor.qualification_no",
            "id",
            |f| &f.qualification_no,
            |f, v| f.qualification_no = v,
        ));
        contractor.push(def(
            c.safety_licence_no,
            "contractor.safety_licence_no",
            "id",
            |f| &f.safety_licence_no,
            |f, v| f.safety_licence_no = v,
        ));
    }
    before_workers.push(Section {
        legend: c.contractor_unit,
        extra: if odd {
            html! { <label class="aw-check"><input type="checkbox" checked={f.contractor_is_person} onchange={person_toggle} /><span>{ c.contractor_is_person }</span></label> }
        } else {
            html! {}
        },
        fields: contractor,
    });
    if !odd {
        before_workers.push(Section {
            legend: c.project_lead,
            extra: html! {},
            fields: vec![
                def(
                    c.name,
                    "project_lead.name",
                    "text",
                    |f| &f.lead_name,
                    |f, v| f.lead_name = v,
                ),
                def(
                    c.mobile,
                    "project_lead.mobile",
                    "tel",
                    |f| &f.lead_mobile,
                    |f, v| f.lead_mobile = v,
                ),
            ],
        });
        before_workers.push(Section {
            legend: c.safety_manager,
            extra: html! {},
            fields: vec![
                def(
                    c.name,
                    "safety_manager.name",
                    "text",
                    |f| &f.safety_name,
                    |f, v| f.safety_name = v,
                ),
                def(
                    c.mobile,
                    "safety_manager.mobile",
                    "tel",
                    |f| &f.safety_mobile,
                    |f, v| f.safety_mobile = v,
                ),
            ],
        });
    }
    let dates = Section {
        legend: c.schedule,
        extra: html! {},
        fields: vec![
            def(
                c.planned_start,
                "planned_start",
                "date",
                |f| &f.planned_start,
                |f, v| f.planned_start = v,
            ),
            def(
                c.planned_end,
                "planned_end",
                "date",
                |f| &f.planned_end,
                |f, v| f.planned_end = v,
            ),
        ],
    };
    let section = |sec: Section| {
        html! {
            <fieldset><legend>{ sec.legend }</legend>
                { sec.extra }
                { for sec.fields.into_iter().map(|x| { let set = x.set; text_field(x.label, x.path, (x.get)(f), Rc::new(move |form: &mut Form, v: String| set(form, v)), true, x.kind) }) }
            </fieldset>
        }
    };
    html! {
        <form class="aw-screen aw-filing" aria-labelledby="aw-filing-h" onsubmit={submit} novalidate=true>
            <h2 id="aw-filing-h" class="aw-q" tabindex="-1" ref={p.heading.clone()}>{ c.filing_title }</h2>
            if fs.returned { <div class="aw-error" role="alert"><p><strong>{ c.returned_title }</strong></p><p>{ c.returned_body }</p></div> }
            <p class="aw-help">{ c.filing_intro }</p>
            { summary }
            { for before_workers.into_iter().map(&section) }
            <fieldset class={classes!(problem("workers").is_some().then_some("aw-invalid"))} data-field="workers" id="aw-f-workers" tabindex="-1"><legend>{ c.workers }{ " *" }</legend>
                <p class="aw-field-error">{ problem("workers").unwrap_or_default() }</p>
                { for workers }
                <button type="button" class="aw-btn aw-secondary aw-add-worker" onclick={add_worker}>{ "+ " }{ c.add_worker }</button>
            </fieldset>
            { section(dates) }
            { text_field(c.waste_site, "waste_disposal_site", &f.waste_site, Rc::new(|f: &mut Form, v: String| f.waste_site = v), true, "text") }
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

/// One text field of the form, as data.
struct Def {
    label: &'static str,
    path: &'static str,
    kind: &'static str,
    get: fn(&Form) -> &String,
    set: fn(&mut Form, String),
}

fn def(
    label: &'static str,
    path: &'static str,
    kind: &'static str,
    get: fn(&Form) -> &String,
    set: fn(&mut Form, String),
) -> Def {
    Def {
        label,
        path,
        kind,
        get,
        set,
    }
}

/// A fieldset of text fields, with optional content before them.
struct Section {
    legend: &'static str,
    extra: Html,
    fields: Vec<Def>,
}

fn title_progress(label: &str, code: &str) -> String {
    format!("{label} {code}")
}
