//! The filing form (API.md "Filing"): its data, the request body, its checks — `anbei-filing`'s, the
//! very checks and words the server refuses a filing with, run on the body the form would send — and the
//! mapping of server errors (problem+json `errors[].field`) back onto the form. No DOM code.

use crate::i18n::Lang;
use crate::json::{Json, StrMap, obj, s};
use anbei_core::{Assessment, Code, Date, Engine};
use anbei_filing::check::problems as check;
use anbei_filing::{Context, Doc, documents, ids, pledge};

/// The form's text fields: (path in the request body, name in a saved draft). The path is what the
/// server's problems name (`errors[].field`), so one key finds a field's value, its input and its
/// problem. Drafts keep the names of the earlier form — a person's fields under `applicant` / `agent`
/// — so a draft saved before an update still opens.
pub const TEXT: [(&str, &str); 25] = [
    ("applicant.name", "applicant.name"),
    ("applicant.id_number", "applicant.id_number"),
    ("applicant.mobile", "applicant.mobile"),
    // optional: where notifications are e-mailed (rules.md §11)
    ("applicant.email", "applicant.email"),
    ("agent.name", "agent.name"),
    ("agent.id_number", "agent.id_number"),
    ("agent.mobile", "agent.mobile"),
    ("agent.email", "agent.email"),
    ("site.address", "address"),
    ("site.community", "community"),
    ("site.property_area", "property_area"),
    ("contractor.name", "contractor_name"),
    ("contractor.credit_code", "contractor_credit_code"),
    ("contractor.id_number", "contractor_id_number"),
    ("contractor.qualification_no", "qualification_no"),
    ("contractor.safety_licence_no", "safety_licence_no"),
    ("project_lead.name", "lead_name"),
    ("project_lead.mobile", "lead_mobile"),
    ("safety_manager.name", "safety_name"),
    ("safety_manager.mobile", "safety_mobile"),
    ("planned_start", "planned_start"),
    ("planned_end", "planned_end"),
    ("waste_disposal_site", "waste_site"),
    // an odd job's 作业内容 (S_WORK_CONTENT)
    ("work_description", "work_description"),
    // the version of the pledge shown when it was affirmed (the server's current one then)
    ("pledge.version", "pledge_version"),
];

/// A worker's fields (`workers.{i}.{key}` in the body; the same names in a draft).
pub const WORKER: [&str; 5] = [
    "name",
    "id_number",
    "operation",
    "certificate_no",
    "certificate_valid_until",
];

/// A worker: its fields in the order of [`WORKER`].
pub type Worker = [String; WORKER.len()];

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// The text fields in the order of [`TEXT`]: [`Form::get`] and [`Form::set`] by path.
    text: [String; TEXT.len()],
    pub workers: Vec<Worker>,
    pub contractor_is_person: bool,
    /// Checklist code → upload id.
    pub documents: StrMap<String>,
    /// The safety pledge shown in full was affirmed (第二十七条第（四）项).
    pub pledge_affirmed: bool,
}

/// An empty form. (Not derived: the derived default writes each of [`TEXT`]'s strings out one by one,
/// ~0.6 KB of the bundle.)
impl Default for Form {
    fn default() -> Form {
        Form {
            text: std::array::from_fn(|_| String::new()),
            workers: Vec::new(),
            contractor_is_person: false,
            documents: StrMap::default(),
            pledge_affirmed: false,
        }
    }
}

/// Where the text at `path` is kept: `(None, i)` for `TEXT[i]`, `(Some(w), k)` for worker `w`'s
/// `WORKER[k]`.
fn slot(path: &str) -> Option<(Option<usize>, usize)> {
    match path
        .strip_prefix("workers.")
        .and_then(|r| r.split_once('.'))
    {
        Some((w, key)) => Some((
            Some(w.parse().ok()?),
            WORKER.iter().position(|k| *k == key)?,
        )),
        None => Some((None, TEXT.iter().position(|(p, _)| *p == path)?)),
    }
}

/// The member `saved` of a draft, `outer.inner` one level down.
fn saved_member<'j>(j: &'j Json, saved: &str) -> Option<&'j Json> {
    match saved.split_once('.') {
        Some((outer, inner)) => j.get(outer)?.get(inner),
        None => j.get(saved),
    }
}

impl Form {
    /// The text at `path` (`applicant.name`, `workers.0.operation`; "" for no such field).
    pub fn get(&self, path: &str) -> &str {
        match slot(path) {
            Some((None, i)) => &self.text[i],
            Some((Some(w), k)) => self.workers.get(w).map_or("", |x| &x[k]),
            None => "",
        }
    }

    /// Sets the text at `path` (nothing for no such field).
    pub fn set(&mut self, path: &str, v: String) {
        let at = match slot(path) {
            Some((None, i)) => self.text.get_mut(i),
            Some((Some(w), k)) => self.workers.get_mut(w).map(|x| &mut x[k]),
            None => None,
        };
        if let Some(at) = at {
            *at = v;
        }
    }

    /// The draft as saved in localStorage.
    pub fn to_json(&self) -> Json {
        let mut j = Json::Obj(Vec::new());
        for ((_, saved), v) in TEXT.iter().zip(&self.text) {
            let at = match saved.split_once('.') {
                Some((outer, inner)) => j
                    .entry(outer)
                    .map(|o| {
                        if !matches!(o, Json::Obj(_)) {
                            *o = Json::Obj(Vec::new());
                        }
                        o
                    })
                    .and_then(|o| o.entry(inner)),
                None => j.entry(saved),
            };
            if let Some(at) = at {
                *at = s(v);
            }
        }
        let worker = |w: &Worker| {
            Json::Obj(
                WORKER
                    .iter()
                    .zip(w)
                    .map(|(k, v)| (k.to_string(), s(v)))
                    .collect(),
            )
        };
        j.set(
            "contractor_is_person",
            Json::Bool(self.contractor_is_person),
        );
        j.set(
            "workers",
            Json::Arr(self.workers.iter().map(worker).collect()),
        );
        j.set(
            "documents",
            Json::Obj(
                self.documents
                    .iter()
                    .map(|(k, v)| (k.clone(), s(v)))
                    .collect(),
            ),
        );
        j.set("pledge_affirmed", Json::Bool(self.pledge_affirmed));
        j
    }

    /// The form refilled from a filing's request body as the server keeps it (`GET` a registration:
    /// `request`), to make a returned filing's changes on any device.
    pub fn from_body(b: &Json) -> Form {
        let text = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("").to_string();
        let mut f = Form {
            text: TEXT.map(|(path, _)| text(saved_member(b, path))),
            ..Form::default()
        };
        f.contractor_is_person = b
            .get("contractor")
            .and_then(|c| c.get("id_number"))
            .is_some_and(|v| !v.is_null());
        // affirmed in the body sent, or recorded as signed by the server (it keeps `signer` and `signed_at`):
        // the box stays ticked, in view, for the resubmission
        let pledge = b.get("pledge");
        f.pledge_affirmed = pledge
            .and_then(|p| p.get("affirmed"))
            .and_then(Json::as_bool)
            .unwrap_or(false)
            || pledge.is_some_and(|p| !p.str_at("signer").is_empty());
        if let Some(Json::Arr(ws)) = b.get("workers") {
            f.workers = ws.iter().map(|w| WORKER.map(|k| text(w.get(k)))).collect();
        }
        if let Some(Json::Obj(d)) = b.get("documents") {
            f.documents = d
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
        }
        f
    }

    /// A saved draft; missing or mistyped fields are left empty.
    pub fn from_json(j: &Json) -> Form {
        let text = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or("").to_string();
        let mut f = Form {
            text: TEXT.map(|(_, saved)| text(saved_member(j, saved))),
            ..Form::default()
        };
        let flag = |k: &str| j.get(k).and_then(Json::as_bool).unwrap_or(false);
        f.contractor_is_person = flag("contractor_is_person");
        f.pledge_affirmed = flag("pledge_affirmed");
        if let Some(Json::Arr(ws)) = j.get("workers") {
            f.workers = ws.iter().map(|w| WORKER.map(|k| text(w.get(k)))).collect();
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
    /// The site is in a property-management area: the form asks which (第二十三条第（一）项).
    pub fn property_managed(&self) -> bool {
        self.flag("property_managed")
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

/// A blank text as null, any other trimmed.
fn opt(v: &str) -> Json {
    match v.trim() {
        "" => Json::Null,
        v => s(v),
    }
}

/// An object of `keys`, their texts from `get` as the form sends them: trimmed, identity numbers and
/// credit codes in capitals.
fn members(keys: &[&str], get: &dyn Fn(&str) -> String) -> Json {
    let member = |k: &&str| {
        let v = get(k);
        let v = match *k {
            "id_number" | "credit_code" => v.trim().to_ascii_uppercase(),
            _ => v.trim().to_string(),
        };
        (k.to_string(), Json::Str(v))
    };
    Json::Obj(keys.iter().map(member).collect())
}

/// A worker's field by its key ([`WORKER`]).
pub fn field<'w>(w: &'w Worker, key: &str) -> &'w str {
    WORKER.iter().position(|k| *k == key).map_or("", |i| &w[i])
}

/// The request body of `POST /api/v1/registrations`.
pub fn body(f: &Form, needs: &Needs, lang: Lang) -> Json {
    let under = |prefix: &'static str| move |k: &str| f.get(&format!("{prefix}.{k}")).to_string();
    let filled = |path: &str| !f.get(path).trim().is_empty();
    // a person, with the optional e-mail only when given (an empty one is not an address)
    let person = |who: &'static str| {
        let mut p = members(&["name", "id_number", "mobile"], &under(who));
        let email = format!("{who}.email");
        if filled(&email) {
            p.set("email", opt(f.get(&email)));
        }
        p
    };
    let mut b = obj(vec![
        ("facts", needs.facts.clone()),
        ("applicant", person("applicant")),
    ]);
    if needs.via_agent() {
        b.set("agent", person("agent"));
    }
    let mut site = members(&["address"], &under("site"));
    site.set("street", s(needs.street()));
    if filled("site.community") {
        site.set("community", opt(f.get("site.community")));
    }
    // only when the answers say there is one: a hidden field's old text is not sent
    if needs.property_managed() && filled("site.property_area") {
        site.set("property_area", opt(f.get("site.property_area")));
    }
    b.set("site", site);
    // an odd job's hired party may be a person, with an ID number (第二十八条)
    let party = match needs.odd_job() && f.contractor_is_person {
        true => "id_number",
        false => "credit_code",
    };
    let mut contractor = members(&["name", party], &under("contractor"));
    for k in ["qualification_no", "safety_licence_no"] {
        let path = format!("contractor.{k}");
        if filled(&path) {
            contractor.set(k, opt(f.get(&path)));
        }
    }
    b.set("contractor", contractor);
    for contact in ["project_lead", "safety_manager"] {
        if filled(&format!("{contact}.name")) || filled(&format!("{contact}.mobile")) {
            b.set(contact, members(&["name", "mobile"], &under(contact)));
        }
    }
    let specials = needs.special_operations();
    let worker = |w: &Worker| {
        let mut o = members(&["name", "id_number"], &|k| field(w, k).to_string());
        let op = field(w, "operation");
        if specials.iter().any(|x| x == op) {
            o.set("operation", s(op));
            for k in ["certificate_no", "certificate_valid_until"] {
                o.set(k, opt(field(w, k)));
            }
        }
        o
    };
    b.set("workers", Json::Arr(f.workers.iter().map(worker).collect()));
    for k in ["planned_start", "planned_end"] {
        b.set(k, s(f.get(k).trim()));
    }
    if filled("waste_disposal_site") {
        b.set("waste_disposal_site", opt(f.get("waste_disposal_site")));
    }
    // only an odd job says what it does here (第二十八条 last paragraph)
    if needs.odd_job() && filled("work_description") {
        b.set("work_description", opt(f.get("work_description")));
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
    // the version shown (this build's current one before any was)
    let version = match f.get("pledge.version").trim() {
        "" => pledge::current(),
        v => v,
    };
    b.set(
        "pledge",
        obj(vec![
            ("version", s(version)),
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
            let message = |lang| e.get("message").map_or("", |m| m.str_at(lang)).to_string();
            Problem {
                field: e.str_at("field").to_string(),
                rule: e.str_at("rule").to_string(),
                zh: message("zh"),
                en: message("en"),
            }
        })
        .collect()
}

/// Why an upload was refused, from the API's answer (API.md "Uploads"): too large (413), not the file
/// it claims to be (415: the bytes are not a PDF, JPG or PNG), empty (400), the network (0) — in words a
/// person can act on.
pub fn upload_refusal(status: u16, lang: Lang) -> &'static str {
    let c = lang.cat();
    match status {
        0 => c.err_network,
        413 => c.upload_too_big,
        415 => c.upload_not_real,
        400 => c.upload_empty,
        _ => c.upload_failed,
    }
}

/// Why an upload gave no id: refused here before sending (its type is not one of those asked for, or it
/// is over 10 MB, the API's limit), or the API's status (0: the network).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadError {
    Type,
    TooBig,
    Status(u16),
}

impl UploadError {
    /// In words a person can act on; `type_words` says which files are taken here.
    pub fn words(self, type_words: &'static str, lang: Lang) -> &'static str {
        match self {
            UploadError::Type => type_words,
            UploadError::TooBig => lang.cat().upload_too_big,
            UploadError::Status(st) => upload_refusal(st, lang),
        }
    }
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
