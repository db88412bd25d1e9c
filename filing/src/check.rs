//! The filing body's checks, written once for the server (which decides) and the browser (which tells
//! the user before sending): every field parsed into its validated form, and **every** problem collected
//! before answering (一次性告知, 第二十七条第（三）项). The facts themselves are the core's business: the
//! caller decides them and passes the assessment.

use crate::doc::Doc;
use crate::documents::{needs_pledge, uploads};
use crate::ids::{CreditCode, IdNumber, Mobile, Normalise, text};
use crate::msg::{Given, Msg, Problem};
use crate::pledge;
use crate::schema::*;
use anbei_core::{Assessment, Code, Date, Engine};
use std::fmt::Display;

/// The members of a filing body.
pub const TOP_KEYS: [&str; 14] = [
    "facts",
    "applicant",
    "agent",
    "site",
    "contractor",
    "project_lead",
    "safety_manager",
    "workers",
    "planned_start",
    "planned_end",
    "waste_disposal_site",
    "documents",
    "lang",
    "pledge",
];
const PERSON_KEYS: [&str; 3] = ["name", "id_number", "mobile"];
const SITE_KEYS: [&str; 3] = ["address", "street", "community"];
const CONTRACTOR_KEYS: [&str; 5] = [
    "name",
    "credit_code",
    "id_number",
    "qualification_no",
    "safety_licence_no",
];
const WORKER_KEYS: [&str; 5] = [
    "name",
    "id_number",
    "operation",
    "certificate_no",
    "certificate_valid_until",
];
const PLEDGE_KEYS: [&str; 2] = ["version", "affirmed"];
/// The languages a filing may ask its answers in.
pub const LANGS: [&str; 2] = ["zh-CN", "en"];

/// What the checks need besides the body.
pub struct Context<'a, 'e, D> {
    pub engine: &'e Engine,
    /// The filing date: the planned start may not be earlier (第九条).
    pub today: Date,
    /// The time recorded for the pledge (the server's clock; the browser passes "").
    pub now: &'a str,
    /// The facts as given: `via_agent`, the special operations answered yes, the street.
    pub facts: Option<&'a D>,
    /// The assessment of those facts once decided; `None` while facts are missing or invalid.
    pub decided: Option<&'a Assessment<'e>>,
    /// How text is brought to its stored form ([`crate::ids::Normalise`]).
    pub normalise: Normalise,
}

/// Every problem, and the filing (without its facts) when there is none.
#[derive(Debug)]
pub struct Outcome {
    pub problems: Vec<Problem>,
    pub filing: Option<Filing<()>>,
}

/// The rule set's special operations (its `hazards.special_operations`): the facts that need an operation
/// certificate (第十一条第（二）项, 第十三条第（六）项), and the values of a worker's `operation`.
pub fn special_operations(engine: &Engine, date: Date) -> &[String] {
    engine
        .ruleset_for(date)
        .file
        .hazards
        .as_ref()
        .map_or(&[], |h| h.special_operations.as_slice())
}

/// A fact's name in both languages (the key when the data has none).
fn fact_name(engine: &Engine, date: Date, key: &str) -> Given {
    match engine.ruleset_view(date).fact_names.get(key) {
        Some(n) => Given {
            zh: n.zh.clone(),
            en: n.en.clone(),
        },
        None => Given {
            zh: key.into(),
            en: key.into(),
        },
    }
}

/// A field's path `prefix.key`, written out only when a problem is reported there.
#[derive(Clone, Copy)]
struct Field<'a>(&'a str, &'a str);

impl Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

struct Cx {
    problems: Vec<Problem>,
    normalise: Normalise,
}

impl Cx {
    fn push(&mut self, field: &dyn Display, msg: Msg) {
        self.problems.push(Problem::new(field.to_string(), msg));
    }

    /// `v`'s members that are not in `allowed`, reported.
    fn unknown_keys<D: Doc>(&mut self, v: &D, path: &str, allowed: &[&str]) {
        for (k, _) in v.members().into_iter().flatten() {
            if !allowed.contains(&k) {
                let field = if path.is_empty() {
                    k.to_owned()
                } else {
                    Field(path, k).to_string()
                };
                self.push(&field, Msg::UnknownKey(k.to_owned()));
            }
        }
    }

    /// The member `key` unless it is absent or null (reported as missing when `required`).
    fn member<'v, D: Doc>(
        &mut self,
        parent: &'v D,
        key: &str,
        path: &dyn Display,
        required: bool,
    ) -> Option<&'v D> {
        match parent.member(key) {
            Some(v) if !v.is_null() => Some(v),
            _ => {
                if required {
                    self.push(path, Msg::Required);
                }
                None
            }
        }
    }

    /// The object at `key` (reported when absent or not an object), its unknown members reported.
    fn object<'v, D: Doc>(
        &mut self,
        parent: &'v D,
        key: &str,
        required: bool,
        allowed: &[&str],
    ) -> Option<&'v D> {
        let v = self.member(parent, key, &key, required)?;
        if v.members().is_none() {
            self.push(&key, Msg::NotAnObject);
            return None;
        }
        self.unknown_keys(v, key, allowed);
        Some(v)
    }

    /// The string at `key`; blank counts as absent.
    fn string<'v, D: Doc>(
        &mut self,
        obj: &'v D,
        key: &str,
        path: &dyn Display,
        required: bool,
    ) -> Option<&'v str> {
        let v = self.member(obj, key, path, required)?;
        match v.as_str() {
            Some(s) if s.trim().is_empty() => {
                if required {
                    self.push(path, Msg::Required);
                }
                None
            }
            Some(s) => Some(s),
            None => {
                self.push(path, Msg::NotAString);
                None
            }
        }
    }

    /// The string at `key`, parsed by `parse` (its refusal reported at `path`).
    fn parsed<D: Doc, T>(
        &mut self,
        obj: &D,
        key: &str,
        path: &dyn Display,
        required: bool,
        parse: &dyn Fn(&str) -> Result<T, Msg>,
    ) -> Option<T> {
        let s = self.string(obj, key, path, required)?;
        parse(s).map_err(|m| self.push(path, m)).ok()
    }

    fn text<D: Doc>(
        &mut self,
        obj: &D,
        key: &str,
        path: &dyn Display,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let normalise = self.normalise;
        self.parsed(obj, key, path, required, &|s| text(s, max, normalise))
    }

    fn id<D: Doc>(
        &mut self,
        obj: &D,
        key: &str,
        path: &dyn Display,
        required: bool,
    ) -> Option<String> {
        self.parsed(obj, key, path, required, &|s| {
            IdNumber::parse(s).map(|v| v.as_str().to_owned())
        })
    }

    fn mobile<D: Doc>(&mut self, obj: &D, key: &str, path: &dyn Display) -> Option<String> {
        self.parsed(obj, key, path, true, &|s| {
            Mobile::parse(s).map(|v| v.as_str().to_owned())
        })
    }

    fn date<D: Doc>(
        &mut self,
        obj: &D,
        key: &str,
        path: &dyn Display,
        required: bool,
    ) -> Option<Date> {
        self.parsed(obj, key, path, required, &|s| {
            Date::parse(s).ok_or(Msg::Date)
        })
    }

    fn person<D: Doc>(&mut self, parent: &D, key: &str) -> Option<Person> {
        let o = self.object(parent, key, true, &PERSON_KEYS)?;
        let name = self.text(o, "name", &Field(key, "name"), 50, true);
        let id = self.id(o, "id_number", &Field(key, "id_number"), true);
        let mobile = self.mobile(o, "mobile", &Field(key, "mobile"));
        Some(Person {
            name: name?,
            id_number: id?,
            mobile: mobile?,
        })
    }

    fn contact<D: Doc>(&mut self, parent: &D, key: &str, required: bool) -> Option<Contact> {
        let o = self.object(parent, key, required, &["name", "mobile"])?;
        let name = self.text(o, "name", &Field(key, "name"), 50, true);
        let mobile = self.mobile(o, "mobile", &Field(key, "mobile"));
        Some(Contact {
            name: name?,
            mobile: mobile?,
        })
    }
}

/// Checks a whole filing body against the decided assessment: every problem, and the filing when there
/// is none (the server's).
pub fn check<D: Doc>(body: &D, c: &Context<'_, '_, D>) -> Outcome {
    run::<D, true>(body, c)
}

/// Every problem of a filing body, as [`check`] finds them, without building the filing (the browser's:
/// it only shows them).
pub fn problems<D: Doc>(body: &D, c: &Context<'_, '_, D>) -> Vec<Problem> {
    run::<D, false>(body, c).problems
}

fn run<D: Doc, const BUILD: bool>(body: &D, c: &Context<'_, '_, D>) -> Outcome {
    let mut cx = Cx {
        problems: Vec::new(),
        normalise: c.normalise,
    };
    if body.members().is_none() {
        cx.push(&"", Msg::NotAFiling);
        return Outcome {
            problems: cx.problems,
            filing: None,
        };
    }
    cx.unknown_keys(body, "", &TOP_KEYS);
    let decided = c.decided;
    let high_risk = decided.and_then(|a| a.high_risk).unwrap_or(false);
    let engineering = decided.is_none_or(|a| a.scope != Some(Code::SPORADIC_WORK));
    let fact = |k: &str| c.facts.and_then(|f| f.member(k));
    let fact_bool = |k: &str| fact(k).and_then(Doc::as_bool).unwrap_or(false);

    // 1. People and companies.
    let applicant = cx.person(body, "applicant");
    let via_agent = fact_bool("via_agent");
    let agent = match cx.member(body, "agent", &"agent", via_agent) {
        Some(_) => cx.person(body, "agent").filter(|_| via_agent),
        None => None,
    };
    let site = site(&mut cx, body, c, fact("street").and_then(Doc::as_str));
    let contractor = contractor(&mut cx, body, engineering, high_risk);
    let project_lead = cx.contact(body, "project_lead", engineering);
    let safety_manager = cx.contact(body, "safety_manager", engineering);

    // 2. Workers, with certificates for special operations — 第十一条第（二）项, 第十三条第（六）项 —
    // valid on the planned start.
    let specials = special_operations(c.engine, c.today);
    let planned = body
        .member("planned_start")
        .and_then(Doc::as_str)
        .and_then(Date::parse);
    let valid_on = planned.unwrap_or(c.today).max(c.today);
    let workers = workers(&mut cx, body, specials, valid_on);
    if let Some(ws) = &workers {
        for op in specials.iter().filter(|op| fact_bool(op)) {
            let covered = ws
                .iter()
                .any(|w| w.operation.as_deref() == Some(op.as_str()) && w.certificate_no.is_some());
            if !covered {
                let operation = fact_name(c.engine, c.today, op);
                cx.push(&"workers", Msg::Uncovered { operation });
            }
        }
    }

    // 3. Dates, waste, language.
    let start = cx.date(body, "planned_start", &"planned_start", true);
    let end = cx.date(body, "planned_end", &"planned_end", true);
    if start.is_some_and(|s| s < c.today) {
        cx.push(&"planned_start", Msg::StartBeforeToday);
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            cx.push(&"planned_end", Msg::EndBeforeStart);
        }
    }
    let waste = cx.text(
        body,
        "waste_disposal_site",
        &"waste_disposal_site",
        200,
        true,
    );
    let lang = cx.parsed(body, "lang", &"lang", false, &|l| {
        LANGS.contains(&l).then(|| l.to_owned()).ok_or(Msg::Lang)
    });

    // 4. Documents: one upload per required item the form does not satisfy (第二十八条).
    let documents = documents(&mut cx, body, c);

    // 5. The pledge, affirmed by whoever files — 第二十七条第（四）项, 第二十八条第（三）项.
    let pledge = match decided.is_none_or(needs_pledge) {
        true => affirmed_pledge(&mut cx, body, c.now, via_agent),
        false => None,
    };

    if !cx.problems.is_empty() {
        return Outcome {
            problems: cx.problems,
            filing: None,
        };
    }
    let filing = BUILD
        .then(|| {
            Some(Filing {
                facts: (),
                applicant: applicant?,
                agent,
                site: site?,
                contractor: contractor?,
                project_lead,
                safety_manager,
                workers: workers?,
                planned_start: start?.to_string(),
                planned_end: end?.to_string(),
                waste_disposal_site: waste?,
                documents: documents?,
                lang,
                pledge,
            })
        })
        .flatten();
    Outcome {
        problems: cx.problems,
        filing,
    }
}

fn site<D: Doc>(
    cx: &mut Cx,
    body: &D,
    c: &Context<'_, '_, D>,
    facts_street: Option<&str>,
) -> Option<Site> {
    let o = cx.object(body, "site", true, &SITE_KEYS)?;
    let address = cx.text(o, "address", &"site.address", 200, true);
    let street = cx.string(o, "street", &"site.street", true);
    let community = cx.text(o, "community", &"site.community", 50, true);
    if let Some(s) = street {
        if c.engine.street_index(s).is_none() {
            cx.push(&"site.street", Msg::Street(s.to_owned()));
        } else if let Some(fs) = facts_street.filter(|fs| *fs != s) {
            cx.push(&"site.street", Msg::StreetMismatch(fs.to_owned()));
        }
    }
    Some(Site {
        address: address?,
        street: street?.to_owned(),
        community: community?,
    })
}

/// The contractor: an enterprise with its credit code, or — for an odd job — a hired person with an ID
/// number; for high-risk work its qualification and safety licence (第十条第（一）项, 第二十八条第（六）项).
fn contractor<D: Doc>(
    cx: &mut Cx,
    body: &D,
    engineering: bool,
    high_risk: bool,
) -> Option<Contractor> {
    let o = cx.object(body, "contractor", true, &CONTRACTOR_KEYS)?;
    let path = |k| Field("contractor", k);
    let name = cx.text(o, "name", &path("name"), 100, true);
    let credit_given = o.member("credit_code").is_some_and(|v| !v.is_null());
    let credit_code = cx.parsed(o, "credit_code", &path("credit_code"), engineering, &|s| {
        CreditCode::parse(s).map(|v| v.as_str().to_owned())
    });
    let id_number = match !engineering && !credit_given {
        true => cx.id(o, "id_number", &path("id_number"), true),
        false => None,
    };
    let qualification_no = cx.text(
        o,
        "qualification_no",
        &path("qualification_no"),
        64,
        high_risk,
    );
    let safety_licence_no = cx.text(
        o,
        "safety_licence_no",
        &path("safety_licence_no"),
        64,
        high_risk,
    );
    Some(Contractor {
        name: name?,
        credit_code,
        id_number,
        qualification_no,
        safety_licence_no,
    })
}

/// The workers; `None` when the list or one of them has a problem.
fn workers<D: Doc>(
    cx: &mut Cx,
    body: &D,
    specials: &[String],
    valid_on: Date,
) -> Option<Vec<Worker>> {
    let list = cx.member(body, "workers", &"workers", true)?;
    let Some(items) = list.items() else {
        cx.push(&"workers", Msg::NotAnArray);
        return None;
    };
    if items.is_empty() {
        cx.push(&"workers", Msg::NoWorkers);
        return None;
    }
    if items.len() > MAX_WORKERS {
        cx.push(&"workers", Msg::TooManyWorkers { max: MAX_WORKERS });
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, w) in items.iter().enumerate() {
        let p = format!("workers.{i}");
        if w.members().is_none() {
            cx.push(&p, Msg::NotAnObject);
            ok = false;
            continue;
        }
        cx.unknown_keys(w, &p, &WORKER_KEYS);
        let name = cx.text(w, "name", &Field(&p, "name"), 50, true);
        let id = cx.id(w, "id_number", &Field(&p, "id_number"), true);
        let operation =
            cx.parsed(
                w,
                "operation",
                &Field(&p, "operation"),
                false,
                &|op| match specials.iter().any(|s| s == op) {
                    true => Ok(op.to_owned()),
                    false => Err(Msg::Operation {
                        allowed: specials.to_vec(),
                    }),
                },
            );
        let special = w
            .member("operation")
            .and_then(Doc::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        let cert = cx.text(
            w,
            "certificate_no",
            &Field(&p, "certificate_no"),
            64,
            special,
        );
        let until_path = Field(&p, "certificate_valid_until");
        let until = cx.date(w, "certificate_valid_until", &until_path, special);
        if let Some(until) = until.filter(|u| *u < valid_on) {
            cx.push(
                &until_path,
                Msg::CertificateExpired {
                    until,
                    on: valid_on,
                },
            );
        }
        match (name, id) {
            (Some(name), Some(id_number)) => out.push(Worker {
                name,
                id_number,
                operation,
                certificate_no: cert,
                certificate_valid_until: until.map(|d| d.to_string()),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// An upload's id: `sha256:` and 64 lowercase hex digits.
pub fn is_upload_id(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `documents`: checklist code → upload id; every required upload present.
fn documents<D: Doc>(cx: &mut Cx, body: &D, c: &Context<'_, '_, D>) -> Option<Documents> {
    let mut out = Documents::default();
    let given = cx.member(body, "documents", &"documents", false);
    let members = given.and_then(Doc::members);
    if given.is_some() && members.is_none() {
        cx.push(&"documents", Msg::NotAnObject);
    }
    for (k, v) in members.into_iter().flatten() {
        let p = Field("documents", k);
        if Code::from_str(k).is_none_or(|code| !code.as_str().starts_with("D_")) {
            cx.push(&p, Msg::DocumentCode(k.to_owned()));
            continue;
        }
        match v.as_str() {
            Some(id) if is_upload_id(id) => {
                out.insert(k.to_owned(), id.to_owned());
            }
            _ => cx.push(&p, Msg::UploadId),
        }
    }
    for d in c.decided.into_iter().flat_map(uploads) {
        let code = d.code.as_str();
        if given.and_then(|m| m.member(code)).is_none() {
            let t = &c.engine.code_text(d.code).title;
            let title = Given {
                zh: t.zh.clone(),
                en: t.en.clone(),
            };
            let article = d.article.to_owned();
            cx.push(
                &Field("documents", code),
                Msg::MissingDocument { title, article },
            );
        }
    }
    Some(out)
}

/// The pledge as affirmed: a known version, `affirmed: true`; signed by the agent when one files.
fn affirmed_pledge<D: Doc>(cx: &mut Cx, body: &D, now: &str, via_agent: bool) -> Option<Pledge> {
    let o = cx.object(body, "pledge", true, &PLEDGE_KEYS)?;
    let version = cx.parsed(
        o,
        "version",
        &"pledge.version",
        true,
        &|v| match pledge::is_known(v) {
            true => Ok(v.to_owned()),
            false => Err(Msg::PledgeVersion(v.to_owned())),
        },
    );
    if o.member("affirmed").and_then(Doc::as_bool) != Some(true) {
        cx.push(&"pledge.affirmed", Msg::PledgeNotAffirmed);
        return None;
    }
    Some(Pledge {
        version: version?,
        signer: if via_agent {
            Signer::Agent
        } else {
            Signer::Applicant
        },
        signed_at: now.to_owned(),
    })
}
