//! The filing form (API.md "Filing"): its data, the request body, its checks — `anbei-filing`'s, the
//! very checks and words the server refuses a filing with, run on the body the form would send — and the
//! mapping of server errors (problem+json `errors[].field`) back onto the form. No DOM code.

use crate::i18n::Lang;
use crate::json::{Json, StrMap, obj, s};
use anbei_core::{Assessment, Code, Date, Engine};
use anbei_filing::check::problems as check;
use anbei_filing::{Context, Doc, documents, ids, pledge};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worker {
    pub name: String,
    pub id_number: String,
    pub operation: String,
    pub certificate_no: String,
    pub certificate_valid_until: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    pub applicant: Person,
    pub agent: Person,
    pub address: String,
    pub community: String,
    pub contractor_is_person: bool,
    pub contractor_name: String,
    pub contractor_credit_code: String,
    pub contractor_id_number: String,
    pub qualification_no: String,
    pub safety_licence_no: String,
    pub lead_name: String,
    pub lead_mobile: String,
    pub safety_name: String,
    pub safety_mobile: String,
    pub workers: Vec<Worker>,
    pub planned_start: String,
    pub planned_end: String,
    pub waste_site: String,
    /// Checklist code → upload id.
    pub documents: StrMap<String>,
    /// The safety pledge shown in full was affirmed (第二十七条第（四）项)…
    pub pledge_affirmed: bool,
    /// …in this version (the server's current one when it was shown).
    pub pledge_version: String,
}

/// The text fields of the form as (saved name, field): one table for saving and restoring a draft.
fn text_fields(f: &mut Form) -> [(&'static str, &mut String); 15] {
    [
        ("address", &mut f.address),
        ("community", &mut f.community),
        ("contractor_name", &mut f.contractor_name),
        ("contractor_credit_code", &mut f.contractor_credit_code),
        ("contractor_id_number", &mut f.contractor_id_number),
        ("qualification_no", &mut f.qualification_no),
        ("safety_licence_no", &mut f.safety_licence_no),
        ("lead_name", &mut f.lead_name),
        ("lead_mobile", &mut f.lead_mobile),
        ("safety_name", &mut f.safety_name),
        ("safety_mobile", &mut f.safety_mobile),
        ("planned_start", &mut f.planned_start),
        ("planned_end", &mut f.planned_end),
        ("waste_site", &mut f.waste_site),
        ("pledge_version", &mut f.pledge_version),
    ]
}

fn person_fields(p: &mut Person) -> [(&'static str, &mut String); 3] {
    [
        ("name", &mut p.name),
        ("id_number", &mut p.id_number),
        ("mobile", &mut p.mobile),
    ]
}

fn worker_fields(w: &mut Worker) -> [(&'static str, &mut String); 5] {
    [
        ("name", &mut w.name),
        ("id_number", &mut w.id_number),
        ("operation", &mut w.operation),
        ("certificate_no", &mut w.certificate_no),
        ("certificate_valid_until", &mut w.certificate_valid_until),
    ]
}

fn strings_to_json(fields: &mut [(&'static str, &mut String)]) -> Vec<(String, Json)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), s(v)))
        .collect()
}

fn strings_from_json(fields: &mut [(&'static str, &mut String)], j: Option<&Json>) {
    for (k, v) in fields.iter_mut() {
        if let Some(x) = j.and_then(|j| j.get(k)).and_then(Json::as_str) {
            **v = x.to_string();
        }
    }
}

impl Form {
    /// The draft as saved in localStorage (the field names of the earlier serde form, so drafts survive).
    pub fn to_json(&self) -> Json {
        let mut f = self.clone();
        let mut m = strings_to_json(&mut text_fields(&mut f));
        m.push((
            "applicant".into(),
            Json::Obj(strings_to_json(&mut person_fields(&mut f.applicant))),
        ));
        m.push((
            "agent".into(),
            Json::Obj(strings_to_json(&mut person_fields(&mut f.agent))),
        ));
        m.push((
            "contractor_is_person".into(),
            Json::Bool(f.contractor_is_person),
        ));
        m.push((
            "workers".into(),
            Json::Arr(
                f.workers
                    .iter_mut()
                    .map(|w| Json::Obj(strings_to_json(&mut worker_fields(w))))
                    .collect(),
            ),
        ));
        m.push((
            "documents".into(),
            Json::Obj(f.documents.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        ));
        m.push(("pledge_affirmed".into(), Json::Bool(f.pledge_affirmed)));
        Json::Obj(m)
    }

    /// A saved draft; missing or mistyped fields are left empty.
    pub fn from_json(j: &Json) -> Form {
        let mut f = Form::default();
        strings_from_json(&mut text_fields(&mut f), Some(j));
        strings_from_json(&mut person_fields(&mut f.applicant), j.get("applicant"));
        strings_from_json(&mut person_fields(&mut f.agent), j.get("agent"));
        let flag = |k: &str| j.get(k).and_then(Json::as_bool).unwrap_or(false);
        f.contractor_is_person = flag("contractor_is_person");
        f.pledge_affirmed = flag("pledge_affirmed");
        if let Some(Json::Arr(ws)) = j.get("workers") {
            f.workers = ws
                .iter()
                .map(|x| {
                    let mut w = Worker::default();
                    strings_from_json(&mut worker_fields(&mut w), Some(x));
                    w
                })
                .collect();
        }
        if let Some(Json::Obj(d)) = j.get("documents") {
            f.documents = d
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
        }
        f
    }
}

/// The widget's JSON, read by the shared checks.
impl Doc for Json {
    fn member(&self, key: &str) -> Option<&Json> {
        self.get(key)
    }
    fn members(&self) -> Option<impl Iterator<Item = (&str, &Json)>> {
        match self {
            Json::Obj(m) => Some(m.iter().map(|(k, v)| (k.as_str(), v))),
            _ => None,
        }
    }
    fn items(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        Json::as_str(self)
    }
    fn as_bool(&self) -> Option<bool> {
        Json::as_bool(self)
    }
    fn is_null(&self) -> bool {
        Json::is_null(self)
    }
}

/// What the answers require of the form: the assessment of the facts, as of today.
#[derive(Clone, Debug)]
pub struct Needs {
    pub engine: &'static Engine,
    pub assessment: Assessment<'static>,
    /// The facts object (rules.md §1) the assessment was made of.
    pub facts: Json,
    /// Today (planned start may not be earlier: register before starting, 第九条).
    pub today: Date,
}

impl Needs {
    pub fn flag(&self, fact: &str) -> bool {
        self.facts.get(fact) == Some(&Json::Bool(true))
    }
    pub fn via_agent(&self) -> bool {
        self.flag("via_agent")
    }
    pub fn high_risk(&self) -> bool {
        self.assessment.high_risk == Some(true)
    }
    pub fn odd_job(&self) -> bool {
        self.assessment.scope == Some(Code::SPORADIC_WORK)
    }
    pub fn street(&self) -> &str {
        self.facts
            .get("street")
            .and_then(Json::as_str)
            .unwrap_or("")
    }
    /// The checklist items that are uploads (everything but what the form itself satisfies).
    pub fn uploads(&self) -> Vec<Code> {
        documents::uploads(&self.assessment)
            .map(|d| d.code)
            .collect()
    }
    /// The rule set's special operations: a worker's `operation` choices.
    pub fn special_operations(&self) -> &'static [String] {
        anbei_filing::check::special_operations(self.engine, self.today)
    }
}

/// A problem with one field: its dotted path (as the server names it), rule code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub rule: String,
    pub zh: String,
    pub en: String,
}

impl Problem {
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// Every problem of a request body, as the server would find it (一次性告知): the shared checks, with
/// the facts decided here as the server decides them.
pub fn problems(body: &Json, needs: &Needs) -> Vec<Problem> {
    let c = Context {
        engine: needs.engine,
        today: needs.today,
        now: "",
        facts: body.get("facts"),
        decided: Some(&needs.assessment).filter(|a| a.is_decided()),
        normalise: ids::as_given,
    };
    check(body, &c)
        .into_iter()
        .map(|p| Problem {
            rule: p.msg.rule().to_string(),
            zh: p.msg.zh(),
            en: p.msg.en(),
            field: p.field,
        })
        .collect()
}

/// Every problem of the form at once: the problems of the body it would send.
pub fn validate(f: &Form, needs: &Needs) -> Vec<Problem> {
    problems(&body(f, needs, Lang::default()), needs)
}

fn opt(v: &str) -> Json {
    if v.trim().is_empty() {
        Json::Null
    } else {
        s(v.trim())
    }
}

/// Names and numbers as the form sends them: trimmed, identity numbers in capitals.
fn upper(v: &str) -> Json {
    s(&v.trim().to_ascii_uppercase())
}

/// `{"name": …, "mobile": …}` when either was filled in.
fn contact(name: &str, mobile: &str) -> Option<Json> {
    (!name.trim().is_empty() || !mobile.trim().is_empty())
        .then(|| obj(vec![("name", s(name.trim())), ("mobile", s(mobile.trim()))]))
}

/// The version of the pledge the form affirms: the one shown (this build's current one before any was).
fn pledge_version(f: &Form) -> &str {
    match f.pledge_version.trim() {
        "" => pledge::current(),
        v => v,
    }
}

/// The request body of `POST /api/v1/registrations`.
pub fn body(f: &Form, needs: &Needs, lang: Lang) -> Json {
    let person = |x: &Person| {
        obj(vec![
            ("name", s(x.name.trim())),
            ("id_number", upper(&x.id_number)),
            ("mobile", s(x.mobile.trim())),
        ])
    };
    let mut contractor = obj(vec![("name", s(f.contractor_name.trim()))]);
    if needs.odd_job() && f.contractor_is_person {
        contractor.set("id_number", upper(&f.contractor_id_number));
    } else {
        contractor.set("credit_code", upper(&f.contractor_credit_code));
    }
    for (k, v) in [
        ("qualification_no", &f.qualification_no),
        ("safety_licence_no", &f.safety_licence_no),
    ] {
        if !v.trim().is_empty() {
            contractor.set(k, s(v.trim()));
        }
    }
    let mut b = obj(vec![
        ("facts", needs.facts.clone()),
        ("applicant", person(&f.applicant)),
    ]);
    if needs.via_agent() {
        b.set("agent", person(&f.agent));
    }
    let mut site = obj(vec![
        ("address", s(f.address.trim())),
        ("street", s(needs.street())),
    ]);
    if !f.community.trim().is_empty() {
        site.set("community", s(f.community.trim()));
    }
    b.set("site", site);
    b.set("contractor", contractor);
    for (k, c) in [
        ("project_lead", contact(&f.lead_name, &f.lead_mobile)),
        ("safety_manager", contact(&f.safety_name, &f.safety_mobile)),
    ] {
        if let Some(c) = c {
            b.set(k, c);
        }
    }
    let specials = needs.special_operations();
    let workers: Vec<Json> = f
        .workers
        .iter()
        .map(|w| {
            let mut o = obj(vec![
                ("name", s(w.name.trim())),
                ("id_number", upper(&w.id_number)),
            ]);
            if specials.contains(&w.operation) {
                o.set("operation", s(&w.operation));
                o.set("certificate_no", opt(&w.certificate_no));
                o.set("certificate_valid_until", opt(&w.certificate_valid_until));
            }
            o
        })
        .collect();
    b.set("workers", Json::Arr(workers));
    b.set("planned_start", s(f.planned_start.trim()));
    b.set("planned_end", s(f.planned_end.trim()));
    if !f.waste_site.trim().is_empty() {
        b.set("waste_disposal_site", s(f.waste_site.trim()));
    }
    let docs: Vec<(String, Json)> = needs
        .uploads()
        .into_iter()
        .filter_map(|c| {
            let id = f.documents.get(c.as_str())?;
            Some((c.as_str().to_string(), s(id)))
        })
        .collect();
    b.set("documents", Json::Obj(docs));
    b.set(
        "pledge",
        obj(vec![
            ("version", s(pledge_version(f))),
            ("affirmed", Json::Bool(f.pledge_affirmed)),
        ]),
    );
    b.set("lang", s(lang.tag()));
    b
}

/// Server problems (`errors: [{field, rule, message: {zh, en}}]` or `requested_changes`) as form problems.
pub fn problems_from_server(list: Option<&Json>) -> Vec<Problem> {
    let Some(Json::Arr(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .map(|e| {
            let s = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("").to_string();
            let msg = e.get("message");
            Problem {
                field: s(e.get("field")),
                rule: s(e.get("rule")),
                zh: s(msg.and_then(|m| m.get("zh"))),
                en: s(msg.and_then(|m| m.get("en"))),
            }
        })
        .collect()
}

/// A stable fingerprint of a request body (FNV-1a 64): the same body keeps its Idempotency-Key, so a
/// retried submit can never file twice; an edited body gets a new key.
pub fn fingerprint(body: &Json) -> String {
    let s = body.text();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests;
