//! The filing body's checks, written once for the server (which decides) and the browser (which tells
//! the user before sending): every field parsed into its validated form, and **every** problem collected
//! before answering (一次性告知, 第二十七条第（三）项). The facts themselves are the core's business: the
//! caller decides them and passes the assessment.
//!
//! The body's objects and their members are tables below — a member's key, how its text is read
//! ([`Kind`]) and when it must be given ([`Need`]) — read by one loop; what is more than one member's
//! business (the workers' certificates, the dates' order, the documents, the pledge) is code after it.
//! A new field is a row (and its place in [`Filing`] and the stored JSON).

use crate::doc::Doc;
use crate::documents::{needs_pledge, uploads};
use crate::ids::{CreditCode, Email, IdNumber, Mobile, Normalise, text};
use crate::msg::{Given, Msg, Problem};
use crate::pledge;
use crate::schema::*;
use anbei_core::{Assessment, Code, Date, Engine};
use std::fmt::Display;

/// How a member's text is read.
#[derive(Clone, Copy)]
enum Kind {
    /// Free text of at most this many characters ([`text`]).
    Text(usize),
    /// A resident identity number (GB 11643).
    Id,
    Mobile,
    /// An e-mail address for notifications.
    Email,
    /// A unified social credit code (GB 32100).
    Credit,
    Date,
    /// A Longgang street code: the street of the facts.
    Street,
    /// One of the rule set's special operations.
    Operation,
    /// One of [`LANGS`].
    Lang,
    /// A version of the pledge this build knows.
    PledgeVersion,
    /// `true`: the pledge is affirmed (not a text).
    Affirmed,
}

/// When a member, or an object, must be given.
#[derive(Clone, Copy)]
enum Need {
    Always,
    Optional,
    /// For engineering work (not an odd job).
    Engineering,
    /// For high-risk work — 第十条第（一）项, 第二十八条第（六）项.
    HighRisk,
    /// When an agent files — 第二十八条第（二）项.
    ViaAgent,
    /// For a worker with a special operation — 第十一条第（二）项, 第十三条第（六）项.
    Special,
    /// Only for the hired person of an odd job, who has no credit code (第二十八条); not read otherwise.
    HiredPerson,
    /// When the assessment asks for the pledge (every in-scope case); not read otherwise.
    Pledge,
    /// When the facts say `property_managed`: the property-management area names the property service
    /// company that accepts the filing (第二十三条第（一）项, rules.md §10). Not read otherwise, so a
    /// filing outside one never names an area (nor falls in a property company's scope).
    PropertyManaged,
    /// For an odd job: its 作业内容 (`S_WORK_CONTENT`, 第二十八条 last paragraph); optional otherwise.
    OddJob,
}

use Kind as K;
use Need as N;

/// A member of an object: its key, how it is read, when it is needed.
type Member = (&'static str, Kind, Need);

const PERSON: &[Member] = &[
    ("name", K::Text(50), N::Always),
    ("id_number", K::Id, N::Always),
    ("mobile", K::Mobile, N::Always),
    // Notifications by e-mail (rules.md §11), when given.
    ("email", K::Email, N::Optional),
];
const CONTACT: &[Member] = &[
    ("name", K::Text(50), N::Always),
    ("mobile", K::Mobile, N::Always),
];
const SITE: &[Member] = &[
    ("address", K::Text(200), N::Always),
    ("street", K::Street, N::Always),
    ("community", K::Text(50), N::Always),
    ("property_area", K::Text(50), N::PropertyManaged),
];
/// An enterprise with its credit code, or — for an odd job — a hired person with an ID number; for
/// high-risk work its qualification and safety licence.
const CONTRACTOR: &[Member] = &[
    ("name", K::Text(100), N::Always),
    ("credit_code", K::Credit, N::Engineering),
    ("id_number", K::Id, N::HiredPerson),
    ("qualification_no", K::Text(64), N::HighRisk),
    ("safety_licence_no", K::Text(64), N::HighRisk),
    // Notifications to the contractor (rules.md §11), when given: checked like the applicant's.
    ("mobile", K::Mobile, N::Optional),
    ("email", K::Email, N::Optional),
];
/// A worker; with a special operation its certificate's number and validity.
const WORKER: &[Member] = &[
    ("name", K::Text(50), N::Always),
    ("id_number", K::Id, N::Always),
    ("operation", K::Operation, N::Optional),
    ("certificate_no", K::Text(64), N::Special),
    ("certificate_valid_until", K::Date, N::Special),
];
const PLEDGE: &[Member] = &[
    ("version", K::PledgeVersion, N::Always),
    ("affirmed", K::Affirmed, N::Always),
];

/// The body's people and companies, in the order they are checked: key, when needed, members.
const OBJECTS: [(&str, Need, &[Member]); 6] = [
    ("applicant", N::Always, PERSON),
    ("agent", N::ViaAgent, PERSON),
    ("site", N::Always, SITE),
    ("contractor", N::Always, CONTRACTOR),
    ("project_lead", N::Engineering, CONTACT),
    ("safety_manager", N::Engineering, CONTACT),
];
/// The body's own texts: the planned dates, then the rest.
const DATES: &[Member] = &[
    ("planned_start", K::Date, N::Always),
    ("planned_end", K::Date, N::Always),
];
const REST: &[Member] = &[
    ("waste_disposal_site", K::Text(200), N::Always),
    ("work_description", K::Text(200), N::OddJob),
    ("lang", K::Lang, N::Optional),
];

/// The members of a filing body.
pub const TOP_KEYS: [&str; 15] = [
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
    "work_description",
    "documents",
    "lang",
    "pledge",
];
/// The languages a filing may ask its answers in.
pub const LANGS: [&str; 2] = ["zh-CN", "en"];

/// What the checks need besides the body.
pub struct Context<'a, 'e, D> {
    pub engine: &'e Engine,
    /// The filing date: the planned start may not be earlier (第九条).
    pub today: Date,
    /// The time recorded for the pledge (the server's clock; the browser passes "").
    pub now: &'a str,
    /// The facts as given: `via_agent`, `property_managed`, the special operations answered yes, the
    /// street.
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

/// A field's path `prefix.key` (`key` in the body itself), written out only when a problem is
/// reported there.
#[derive(Clone, Copy)]
struct Field<'a>(&'a str, &'a str);

impl Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            "" => f.write_str(self.1),
            prefix => write!(f, "{prefix}.{}", self.1),
        }
    }
}

/// What decides which members are needed: the case's, and the object's own.
#[derive(Clone, Copy)]
struct When {
    engineering: bool,
    high_risk: bool,
    via_agent: bool,
    pledge: bool,
    property_managed: bool,
    /// The object names a special operation (a worker's `operation`).
    special: bool,
    /// The object gives a credit code (the contractor's).
    credit_given: bool,
}

impl Need {
    /// Whether the member must be given, or `None` when it is not read at all.
    fn of(self, w: &When) -> Option<bool> {
        match self {
            N::Always => Some(true),
            N::Optional => Some(false),
            N::Engineering => Some(w.engineering),
            N::HighRisk => Some(w.high_risk),
            N::ViaAgent => Some(w.via_agent),
            N::Special => Some(w.special),
            N::HiredPerson => (!w.engineering && !w.credit_given).then_some(true),
            N::Pledge => w.pledge.then_some(true),
            N::PropertyManaged => w.property_managed.then_some(true),
            N::OddJob => Some(!w.engineering),
        }
    }
}

/// The texts of an object's members as read (normalised), those given and without a problem.
type Values = Vec<(&'static str, String)>;

/// The value of `key`.
fn value(v: &Values, key: &str) -> Option<String> {
    v.iter().find(|(k, _)| *k == key).map(|(_, s)| s.clone())
}

struct Cx<'c> {
    problems: Vec<Problem>,
    normalise: Normalise,
    engine: &'c Engine,
    specials: &'c [String],
    /// The street of the facts.
    street: Option<&'c str>,
}

impl Cx<'_> {
    fn push(&mut self, field: &dyn Display, msg: Msg) {
        self.problems.push(Problem::new(field.to_string(), msg));
    }

    /// `v`'s members that are not in `known`, reported.
    fn unknown_keys<D: Doc>(&mut self, v: &D, path: &str, known: &mut dyn Iterator<Item = &str>) {
        let known: Vec<&str> = known.collect();
        for (k, _) in v.members().into_iter().flatten() {
            if !known.contains(&k) {
                self.push(&Field(path, k), Msg::UnknownKey(k.to_owned()));
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

    /// A text read as `kind`: its stored form, or why not.
    fn parse(&self, kind: Kind, s: &str) -> Result<String, Msg> {
        match kind {
            K::Text(max) => text(s, max, self.normalise),
            K::Id => IdNumber::parse(s).map(|v| v.as_str().to_owned()),
            K::Mobile => Mobile::parse(s).map(|v| v.as_str().to_owned()),
            K::Email => Email::parse(s).map(|v| v.as_str().to_owned()),
            K::Credit => CreditCode::parse(s).map(|v| v.as_str().to_owned()),
            K::Date => Date::parse(s).map(|d| d.to_string()).ok_or(Msg::Date),
            K::Street if self.engine.street_index(s).is_none() => Err(Msg::Street(s.to_owned())),
            K::Street => match self.street.filter(|fs| *fs != s) {
                Some(fs) => Err(Msg::StreetMismatch(fs.to_owned())),
                None => Ok(s.to_owned()),
            },
            K::Operation if self.specials.iter().any(|x| x == s) => Ok(s.to_owned()),
            K::Operation => Err(Msg::Operation {
                allowed: self.specials.to_vec(),
            }),
            K::Lang if LANGS.contains(&s) => Ok(s.to_owned()),
            K::Lang => Err(Msg::Lang),
            K::PledgeVersion if pledge::is_known(s) => Ok(s.to_owned()),
            K::PledgeVersion => Err(Msg::PledgeVersion(s.to_owned())),
            K::Affirmed => Err(Msg::PledgeNotAffirmed),
        }
    }

    /// The members of `table` in `o` (at `path`), each read as its kind when needed.
    fn members<D: Doc>(&mut self, o: &D, path: &str, table: &[Member], when: &When) -> Values {
        let when = When {
            special: o
                .member("operation")
                .and_then(Doc::as_str)
                .is_some_and(|s| !s.trim().is_empty()),
            credit_given: o.member("credit_code").is_some_and(|v| !v.is_null()),
            ..*when
        };
        let mut out = Values::new();
        for &(key, kind, need) in table {
            let Some(required) = need.of(&when) else {
                continue;
            };
            let field = Field(path, key);
            if let K::Affirmed = kind {
                // 依据：第二十七条第（四）项 — affirmed is `true`, nothing else
                match o.member(key).and_then(Doc::as_bool) {
                    Some(true) => out.push((key, String::new())),
                    _ => self.push(&field, Msg::PledgeNotAffirmed),
                }
                continue;
            }
            let Some(s) = self.string(o, key, &field, required) else {
                continue;
            };
            match self.parse(kind, s) {
                Ok(v) => out.push((key, v)),
                Err(m) => self.push(&field, m),
            }
        }
        out
    }

    /// The object at `key` of the body, when `need`ed (reported when absent or not an object), with its
    /// unknown members reported and its members read.
    fn object<D: Doc>(
        &mut self,
        body: &D,
        key: &str,
        need: Need,
        table: &[Member],
        when: &When,
    ) -> Option<Values> {
        let required = need.of(when)?;
        let v = self.member(body, key, &key, required)?;
        if v.members().is_none() {
            self.push(&key, Msg::NotAnObject);
            return None;
        }
        self.unknown_keys(v, key, &mut table.iter().map(|m| m.0));
        Some(self.members(v, key, table, when))
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
    let fact = |k: &str| c.facts.and_then(|f| f.member(k));
    let fact_bool = |k: &str| fact(k).and_then(Doc::as_bool).unwrap_or(false);
    let mut cx = Cx {
        problems: Vec::new(),
        normalise: c.normalise,
        engine: c.engine,
        specials: special_operations(c.engine, c.today),
        street: fact("street").and_then(Doc::as_str),
    };
    if body.members().is_none() {
        cx.push(&"", Msg::NotAFiling);
        return Outcome {
            problems: cx.problems,
            filing: None,
        };
    }
    cx.unknown_keys(body, "", &mut TOP_KEYS.into_iter());
    let decided = c.decided;
    let when = When {
        engineering: decided.is_none_or(|a| a.scope != Some(Code::SPORADIC_WORK)),
        high_risk: decided.and_then(|a| a.high_risk).unwrap_or(false),
        via_agent: fact_bool("via_agent"),
        pledge: decided.is_none_or(needs_pledge),
        property_managed: fact_bool("property_managed"),
        special: false,
        credit_given: false,
    };

    // 1. People and companies.
    let objects = OBJECTS.map(|(key, need, table)| cx.object(body, key, need, table, &when));

    // 2. Workers, with certificates for special operations — 第十一条第（二）项, 第十三条第（六）项 —
    // valid on the planned start.
    let planned = body
        .member("planned_start")
        .and_then(Doc::as_str)
        .and_then(Date::parse);
    let valid_on = planned.unwrap_or(c.today).max(c.today);
    let workers = workers(&mut cx, body, &when, valid_on);
    if let Some(ws) = &workers {
        for op in cx.specials.iter().filter(|op| fact_bool(op)) {
            let covered = ws.iter().any(|w| {
                value(w, "operation").as_ref() == Some(op) && value(w, "certificate_no").is_some()
            });
            if !covered {
                let operation = fact_name(c.engine, c.today, op);
                cx.push(&"workers", Msg::Uncovered { operation });
            }
        }
    }

    // 3. Dates, waste, language.
    let dates = cx.members(body, "", DATES, &when);
    let date = |k| value(&dates, k).and_then(|d| Date::parse(&d));
    let (start, end) = (date("planned_start"), date("planned_end"));
    if start.is_some_and(|s| s < c.today) {
        cx.push(&"planned_start", Msg::StartBeforeToday);
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            cx.push(&"planned_end", Msg::EndBeforeStart);
        }
    }
    let rest = cx.members(body, "", REST, &when);

    // 4. Documents: one upload per required item the form does not satisfy (第二十八条).
    let documents = documents(&mut cx, body, c);

    // 5. The pledge, affirmed by whoever files — 第二十七条第（四）项, 第二十八条第（三）项.
    let pledge = cx.object(body, "pledge", N::Pledge, PLEDGE, &when);

    if !cx.problems.is_empty() || !BUILD {
        return Outcome {
            problems: cx.problems,
            filing: None,
        };
    }
    let [applicant, agent, site, contractor, lead, safety] = objects;
    let person = |v: Values| {
        Some(Person {
            name: value(&v, "name")?,
            id_number: value(&v, "id_number")?,
            mobile: value(&v, "mobile")?,
            email: value(&v, "email"),
        })
    };
    let contact = |v: Values| {
        Some(Contact {
            name: value(&v, "name")?,
            mobile: value(&v, "mobile")?,
        })
    };
    let build = || {
        let site = site?;
        let contractor = contractor?;
        let workers = workers?.into_iter().map(|w| {
            Some(Worker {
                name: value(&w, "name")?,
                id_number: value(&w, "id_number")?,
                operation: value(&w, "operation"),
                certificate_no: value(&w, "certificate_no"),
                certificate_valid_until: value(&w, "certificate_valid_until"),
            })
        });
        Some(Filing {
            facts: (),
            applicant: person(applicant?)?,
            agent: agent.filter(|_| when.via_agent).and_then(person),
            site: Site {
                address: value(&site, "address")?,
                street: value(&site, "street")?,
                community: value(&site, "community")?,
                property_area: value(&site, "property_area"),
            },
            contractor: Contractor {
                name: value(&contractor, "name")?,
                credit_code: value(&contractor, "credit_code"),
                id_number: value(&contractor, "id_number"),
                qualification_no: value(&contractor, "qualification_no"),
                safety_licence_no: value(&contractor, "safety_licence_no"),
                mobile: value(&contractor, "mobile"),
                email: value(&contractor, "email"),
            },
            project_lead: lead.and_then(contact),
            safety_manager: safety.and_then(contact),
            workers: workers.collect::<Option<_>>()?,
            planned_start: start?.to_string(),
            planned_end: end?.to_string(),
            waste_disposal_site: value(&rest, "waste_disposal_site")?,
            work_description: value(&rest, "work_description"),
            documents: documents?,
            lang: value(&rest, "lang"),
            pledge: pledge.and_then(|p| {
                Some(Pledge {
                    version: value(&p, "version")?,
                    signer: if when.via_agent {
                        Signer::Agent
                    } else {
                        Signer::Applicant
                    },
                    signed_at: c.now.to_owned(),
                })
            }),
        })
    };
    Outcome {
        problems: cx.problems,
        filing: build(),
    }
}

/// The workers' values; `None` when the list or one of them is not a worker with a name and an ID.
fn workers<D: Doc>(cx: &mut Cx, body: &D, when: &When, valid_on: Date) -> Option<Vec<Values>> {
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
        cx.unknown_keys(w, &p, &mut WORKER.iter().map(|m| m.0));
        let v = cx.members(w, &p, WORKER, when);
        let until = value(&v, "certificate_valid_until").and_then(|d| Date::parse(&d));
        if let Some(until) = until.filter(|u| *u < valid_on) {
            let on = valid_on;
            let field = Field(&p, "certificate_valid_until");
            cx.push(&field, Msg::CertificateExpired { until, on });
        }
        ok &= value(&v, "name").is_some() && value(&v, "id_number").is_some();
        out.push(v);
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
        // a look-up in the list: `Code::from_str`'s match weighs 1.5 KB in the browser's bundle
        if !k.starts_with("D_") || !Code::ALL.iter().any(|c| c.as_str() == k) {
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
