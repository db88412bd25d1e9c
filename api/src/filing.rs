//! The filing (申报) body: parsed field by field into validated types, with **every** problem collected
//! before answering (一次性告知, 第二十七条第（三）项). The facts are decided again by the core — the
//! browser's own assessment is never trusted.

use crate::error::{ApiError, FieldProblem, Msg};
use crate::validate::{self, CreditCode, IdNumber, Invalid, Mobile};
use anbei_core::{Assessment, Code, Date, Engine, RawFacts};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Special operations that need an operation certificate (第十一条第（二）项); also worker `operation` values.
pub const SPECIAL_OPERATIONS: [&str; 4] = [
    "work_at_height",
    "electrical_work",
    "welding",
    "other_special_operation",
];
pub const MAX_WORKERS: usize = 500;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Contact {
    pub name: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Site {
    pub address: String,
    pub street: String,
    pub community: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Contractor {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    /// When the hired party of an odd job is a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualification_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_licence_no: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Worker {
    pub name: String,
    pub id_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_no: Option<String>,
}

/// A filing as accepted: normalised, every field checked. Stored as JSON.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Filing {
    pub facts: Map<String, Value>,
    pub applicant: Person,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<Person>,
    pub site: Site,
    pub contractor: Contractor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_lead: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_manager: Option<Contact>,
    pub workers: Vec<Worker>,
    pub planned_start: String,
    pub planned_end: String,
    pub waste_disposal_site: String,
    pub documents: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl Filing {
    /// The same filing with identity numbers and mobiles masked — for anyone but the applicant and officers.
    pub fn masked(&self) -> Filing {
        let mut f = self.clone();
        let person = |p: &mut Person| {
            p.id_number = validate::mask_id(&p.id_number);
            p.mobile = mask_mobile(&p.mobile);
        };
        person(&mut f.applicant);
        if let Some(a) = f.agent.as_mut() {
            person(a);
        }
        if let Some(id) = f.contractor.id_number.as_mut() {
            *id = validate::mask_id(id);
        }
        for c in [f.project_lead.as_mut(), f.safety_manager.as_mut()]
            .into_iter()
            .flatten()
        {
            c.mobile = mask_mobile(&c.mobile);
        }
        for w in &mut f.workers {
            w.id_number = validate::mask_id(&w.id_number);
        }
        f
    }
}

impl Filing {
    /// The filing as compact JSON, byte for byte what `serde_json::to_string` gives (a test holds the
    /// two together) without serde_json's byte-by-byte string escaping: one is written per filing.
    pub fn to_json(&self) -> String {
        use anbei_core::json::write_str;
        /// `,"name":"v"` when there is a `v` (never the first field of its object).
        fn opt(out: &mut String, name: &str, v: &Option<String>) {
            if let Some(v) = v {
                out.push_str(",\"");
                out.push_str(name);
                out.push_str("\":");
                write_str(out, v);
            }
        }
        fn person(out: &mut String, p: &Person) {
            out.push_str("{\"name\":");
            write_str(out, &p.name);
            out.push_str(",\"id_number\":");
            write_str(out, &p.id_number);
            out.push_str(",\"mobile\":");
            write_str(out, &p.mobile);
            out.push('}');
        }
        fn contact(out: &mut String, c: &Contact) {
            out.push_str("{\"name\":");
            write_str(out, &c.name);
            out.push_str(",\"mobile\":");
            write_str(out, &c.mobile);
            out.push('}');
        }
        let mut out = String::with_capacity(4096);
        out.push_str("{\"facts\":");
        write_canonical_object(&self.facts, &mut out);
        out.push_str(",\"applicant\":");
        person(&mut out, &self.applicant);
        if let Some(a) = &self.agent {
            out.push_str(",\"agent\":");
            person(&mut out, a);
        }
        out.push_str(",\"site\":{\"address\":");
        write_str(&mut out, &self.site.address);
        out.push_str(",\"street\":");
        write_str(&mut out, &self.site.street);
        out.push_str(",\"community\":");
        write_str(&mut out, &self.site.community);
        out.push_str("},\"contractor\":{\"name\":");
        let c = &self.contractor;
        write_str(&mut out, &c.name);
        opt(&mut out, "credit_code", &c.credit_code);
        opt(&mut out, "id_number", &c.id_number);
        opt(&mut out, "qualification_no", &c.qualification_no);
        opt(&mut out, "safety_licence_no", &c.safety_licence_no);
        out.push('}');
        if let Some(p) = &self.project_lead {
            out.push_str(",\"project_lead\":");
            contact(&mut out, p);
        }
        if let Some(p) = &self.safety_manager {
            out.push_str(",\"safety_manager\":");
            contact(&mut out, p);
        }
        out.push_str(",\"workers\":[");
        for (i, w) in self.workers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"name\":");
            write_str(&mut out, &w.name);
            out.push_str(",\"id_number\":");
            write_str(&mut out, &w.id_number);
            opt(&mut out, "operation", &w.operation);
            opt(&mut out, "certificate_no", &w.certificate_no);
            out.push('}');
        }
        out.push_str("],\"planned_start\":");
        write_str(&mut out, &self.planned_start);
        out.push_str(",\"planned_end\":");
        write_str(&mut out, &self.planned_end);
        out.push_str(",\"waste_disposal_site\":");
        write_str(&mut out, &self.waste_disposal_site);
        out.push_str(",\"documents\":{");
        for (i, (k, v)) in self.documents.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(&mut out, k);
            out.push(':');
            write_str(&mut out, v);
        }
        out.push('}');
        opt(&mut out, "lang", &self.lang);
        out.push('}');
        out
    }
}

fn mask_mobile(m: &str) -> String {
    Mobile::parse(m)
        .map(|m| m.masked())
        .unwrap_or_else(|_| validate::mask_id(m))
}

/// The filing, its decided assessment (as JSON) and the facts that decided it.
pub struct Checked {
    pub filing: Filing,
    /// The §8 result as compact JSON (the core's writer, the same bytes as `serde_json::to_string`).
    pub assessment: String,
    pub high_risk: bool,
    pub scope: &'static str,
    pub street: String,
    pub ruleset_id: String,
    pub acceptance_due: Option<String>,
    pub valid_until: Option<String>,
    /// Upload ids that must exist (checked against the store by the caller).
    pub upload_refs: Vec<(String, String)>,
}

struct Ctx {
    problems: Vec<FieldProblem>,
}

/// A field's path `prefix.key`, written out only when a problem is reported there.
#[derive(Clone, Copy)]
struct Field<'a>(&'a str, &'a str);

impl std::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

impl Ctx {
    fn push(&mut self, field: impl std::fmt::Display, inv: Invalid) {
        self.problems.push(FieldProblem {
            field: field.to_string(),
            rule: inv.rule.to_owned(),
            message: Msg {
                zh: inv.zh,
                en: inv.en,
            },
        });
    }
    fn problem(
        &mut self,
        field: impl std::fmt::Display,
        rule: &str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.problems
            .push(FieldProblem::new(field.to_string(), rule, zh, en));
    }
    fn missing(&mut self, field: impl std::fmt::Display) {
        self.problem(field, "required", "必填", "required");
    }

    /// The object at `key` of `parent` (reported when absent or not an object).
    fn object<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        key: &str,
        path: &str,
        required: bool,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path);
                }
                None
            }
            Some(Value::Object(m)) => {
                for k in m.keys() {
                    if !allowed.contains(&k.as_str()) {
                        self.problem(
                            Field(path, k),
                            "unknown_key",
                            format!("不认识的字段“{k}”"),
                            format!("unknown field \"{k}\""),
                        );
                    }
                }
                Some(m)
            }
            Some(_) => {
                self.problem(path, "type", "应为对象", "must be an object");
                None
            }
        }
    }

    fn string<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: impl std::fmt::Display + Copy,
        required: bool,
    ) -> Option<&'v str> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path);
                }
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                if required {
                    self.missing(path);
                }
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.problem(path, "type", "应为文本", "must be a string");
                None
            }
        }
    }

    fn text(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: impl std::fmt::Display + Copy,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let s = self.string(obj, key, path, required)?;
        match validate::text(s, max) {
            Ok(t) => Some(t),
            Err(e) => {
                self.push(path, e);
                None
            }
        }
    }

    fn id(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: impl std::fmt::Display + Copy,
        required: bool,
    ) -> Option<String> {
        let s = self.string(obj, key, path, required)?;
        match IdNumber::parse(s) {
            Ok(v) => Some(v.as_str().to_owned()),
            Err(e) => {
                self.push(path, e);
                None
            }
        }
    }

    fn mobile(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: impl std::fmt::Display + Copy,
    ) -> Option<String> {
        let s = self.string(obj, key, path, true)?;
        match Mobile::parse(s) {
            Ok(v) => Some(v.as_str().to_owned()),
            Err(e) => {
                self.push(path, e);
                None
            }
        }
    }

    fn person(&mut self, parent: &Map<String, Value>, key: &str) -> Option<Person> {
        let o = self.object(parent, key, key, true, &["name", "id_number", "mobile"])?;
        let name = self.text(o, "name", Field(key, "name"), 50, true);
        let id = self.id(o, "id_number", Field(key, "id_number"), true);
        let mobile = self.mobile(o, "mobile", Field(key, "mobile"));
        Some(Person {
            name: name?,
            id_number: id?,
            mobile: mobile?,
        })
    }

    fn contact(
        &mut self,
        parent: &Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<Contact> {
        let o = self.object(parent, key, key, required, &["name", "mobile"])?;
        let name = self.text(o, "name", Field(key, "name"), 50, true);
        let mobile = self.mobile(o, "mobile", Field(key, "mobile"));
        Some(Contact {
            name: name?,
            mobile: mobile?,
        })
    }

    fn date(&mut self, obj: &Map<String, Value>, key: &str) -> Option<Date> {
        let s = self.string(obj, key, key, true)?;
        let d = Date::parse(s);
        if d.is_none() {
            self.problem(
                key,
                "date",
                "应为有效日期 YYYY-MM-DD",
                "must be a real date YYYY-MM-DD",
            );
        }
        d
    }
}

const TOP_KEYS: [&str; 13] = [
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
];

/// Problems found in the facts, with `facts.` paths.
fn facts_problems(e: anbei_core::FactsError) -> Vec<FieldProblem> {
    e.fields
        .into_iter()
        .map(|f| FieldProblem {
            field: if f.field.is_empty() {
                "facts".into()
            } else {
                format!("facts.{}", f.field)
            },
            rule: f.rule.to_owned(),
            message: Msg {
                zh: f.message.zh,
                en: f.message.en,
            },
        })
        .collect()
}

/// Decides `facts` as of `filing_date` (and `registered` when the registration took effect), the
/// server's own way: dates the client may have sent are replaced.
pub fn decide<'e>(
    engine: &'e Engine,
    facts: &Map<String, Value>,
    filing_date: Date,
    registered: Option<Date>,
) -> Result<Assessment<'e>, Vec<FieldProblem>> {
    let mut m = Value::Object(facts.clone());
    decide_in_place(engine, &mut m, filing_date, registered)
}

/// As [`decide`], on facts the caller owns: the server's dates are written into `facts` (which is
/// then exactly what is stored) and the facts are read from it without another copy.
fn decide_in_place<'e>(
    engine: &'e Engine,
    facts: &mut Value,
    filing_date: Date,
    registered: Option<Date>,
) -> Result<Assessment<'e>, Vec<FieldProblem>> {
    if let Value::Object(m) = facts {
        m.insert(
            "registration_date".into(),
            Value::String(filing_date.to_string()),
        );
        m.remove("completion_date");
        match registered {
            Some(r) => m.insert("registered_date".into(), Value::String(r.to_string())),
            None => m.remove("registered_date"),
        };
    }
    let raw: RawFacts = serde::Deserialize::deserialize(&*facts).map_err(|e| {
        vec![FieldProblem::new(
            "facts",
            "json",
            format!("事实数据有误：{e}"),
            format!("the facts are not valid: {e}"),
        )]
    })?;
    let facts = engine
        .parse_facts(raw, filing_date)
        .map_err(facts_problems)?;
    Ok(engine.assess(&facts))
}

/// Where to go instead, for work that cannot be registered here.
pub fn go_to(engine: &Engine, a: &Assessment<'_>) -> Vec<Msg> {
    let mut v = Vec::new();
    if let Some(scope) = a.scope {
        let t = engine.code_text(scope);
        v.push(Msg::new(
            format!("{}（{}）", t.title.zh, t.article),
            format!("{} ({})", t.title.en, t.article),
        ));
        if let Some(e) = &t.explain {
            v.push(Msg::new(e.zh.clone(), e.en.clone()));
        }
    }
    if a.obligations
        .iter()
        .any(|o| o.code == Code::O_APPLY_FOR_PERMIT)
    {
        let t = engine.code_text(Code::O_APPLY_FOR_PERMIT);
        v.push(Msg::new(
            format!("{}（{}）", t.title.zh, t.article),
            format!("{} ({})", t.title.en, t.article),
        ));
    }
    v
}

/// Parses and checks a whole filing. `Err` carries every problem found, or the refusal of work that
/// cannot be registered here. Takes the body so that its facts are decided and stored without a copy.
pub fn check(engine: &Engine, mut body: Value, today: Date) -> Result<Checked, ApiError> {
    let mut cx = Ctx {
        problems: Vec::new(),
    };
    // The facts are taken out of the body (the server's dates are written into them below).
    let facts_in = body.as_object_mut().and_then(|m| m.remove("facts"));
    let Some(top) = body.as_object() else {
        return Err(ApiError::invalid(vec![FieldProblem::new(
            "",
            "not_an_object",
            "申报内容应为 JSON 对象",
            "the filing must be a JSON object",
        )]));
    };
    for k in top.keys() {
        if !TOP_KEYS.contains(&k.as_str()) {
            cx.problem(
                k,
                "unknown_key",
                format!("不认识的字段“{k}”"),
                format!("unknown field \"{k}\""),
            );
        }
    }

    // 1. The facts, decided by the server.
    let mut facts = match facts_in {
        Some(f @ Value::Object(_)) => Some(f),
        None | Some(Value::Null) => {
            cx.missing("facts");
            None
        }
        Some(_) => {
            cx.problem("facts", "type", "应为对象", "must be an object");
            None
        }
    };
    let assessment = match facts.as_mut() {
        Some(f) => match decide_in_place(engine, f, today, None) {
            Ok(a) => Some(a),
            Err(p) => {
                cx.problems.extend(p);
                None
            }
        },
        None => None,
    };
    if let Some(a) = &assessment {
        if a.is_decided() {
            if let Some(scope) = a.scope.filter(|s| !s.is_in_scope()) {
                let t = engine.code_text(scope);
                return Err(ApiError::NotRegistrable {
                    msg: Msg::new(
                        format!("{}：{}", t.title.zh, t.article),
                        format!("{}: {}", t.title.en, t.article),
                    ),
                    assessment: serde_json::to_value(a).unwrap_or(Value::Null),
                    go_to: go_to(engine, a),
                });
            }
        } else {
            let view = engine.ruleset_view(today);
            for key in &a.missing_facts {
                let q = view
                    .facts
                    .iter()
                    .find(|s| s.key == *key)
                    .map(|s| (s.question.zh.clone(), s.question.en.clone()));
                let (zh, en) = q.unwrap_or_else(|| ((*key).to_owned(), (*key).to_owned()));
                cx.problem(
                    Field("facts", key),
                    "missing_fact",
                    format!("尚需回答：{zh}"),
                    format!("still needed: {en}"),
                );
            }
        }
    }
    let decided = assessment.as_ref().filter(|a| a.is_decided());
    let high_risk = decided.and_then(|a| a.high_risk).unwrap_or(false);
    let engineering = decided
        .map(|a| a.scope != Some(Code::SPORADIC_WORK))
        .unwrap_or(true);
    let facts = facts.and_then(|f| match f {
        Value::Object(m) => Some(m),
        _ => None,
    });
    let fact_bool = |k: &str| {
        facts
            .as_ref()
            .and_then(|f| f.get(k))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };

    // 2. People and companies.
    let applicant = cx.person(top, "applicant");
    let agent = if fact_bool("via_agent") {
        cx.person(top, "agent")
    } else {
        if top.get("agent").is_some_and(|v| !v.is_null()) {
            cx.person(top, "agent");
        }
        None
    };
    let site = cx
        .object(
            top,
            "site",
            "site",
            true,
            &["address", "street", "community"],
        )
        .and_then(|o| {
            let address = cx.text(o, "address", "site.address", 200, true);
            let street = cx
                .string(o, "street", "site.street", true)
                .map(str::to_owned);
            let community = cx.text(o, "community", "site.community", 50, true);
            if let Some(s) = &street {
                if engine.street_index(s).is_none() {
                    cx.problem(
                        "site.street",
                        "code",
                        format!("不是龙岗区的街道代码：{s}"),
                        format!("not a Longgang street code: {s}"),
                    );
                } else if let Some(fs) = facts
                    .as_ref()
                    .and_then(|f| f.get("street"))
                    .and_then(Value::as_str)
                {
                    if fs != s {
                        cx.problem(
                            "site.street",
                            "mismatch",
                            format!("与事实中的街道（{fs}）不一致"),
                            format!("differs from the street in the facts ({fs})"),
                        );
                    }
                }
            }
            Some(Site {
                address: address?,
                street: street?,
                community: community?,
            })
        });
    let contractor = cx
        .object(
            top,
            "contractor",
            "contractor",
            true,
            &[
                "name",
                "credit_code",
                "id_number",
                "qualification_no",
                "safety_licence_no",
            ],
        )
        .and_then(|o| {
            let name = cx.text(o, "name", "contractor.name", 100, true);
            let credit = cx
                .string(o, "credit_code", "contractor.credit_code", engineering)
                .map(str::to_owned);
            let credit = credit.and_then(|c| match CreditCode::parse(&c) {
                Ok(c) => Some(c.as_str().to_owned()),
                Err(e) => {
                    cx.push("contractor.credit_code", e);
                    None
                }
            });
            let id_number = if !engineering
                && credit.is_none()
                && o.get("credit_code").is_none_or(Value::is_null)
            {
                cx.id(o, "id_number", "contractor.id_number", true)
            } else {
                None
            };
            let qualification_no = cx.text(
                o,
                "qualification_no",
                "contractor.qualification_no",
                64,
                high_risk,
            );
            let safety_licence_no = cx.text(
                o,
                "safety_licence_no",
                "contractor.safety_licence_no",
                64,
                high_risk,
            );
            Some(Contractor {
                name: name?,
                credit_code: credit,
                id_number,
                qualification_no,
                safety_licence_no,
            })
        });
    let project_lead = cx.contact(top, "project_lead", engineering);
    let safety_manager = cx.contact(top, "safety_manager", engineering);

    // 3. Workers, with certificates for special operations (第十一条第（二）项, 第十三条第（六）项).
    let mut workers = Vec::new();
    let mut workers_ok = true;
    match top.get("workers") {
        Some(Value::Array(a)) if a.is_empty() => cx.problem(
            "workers",
            "required",
            "至少填写一名施工人员",
            "list at least one worker",
        ),
        Some(Value::Array(a)) if a.len() > MAX_WORKERS => cx.problem(
            "workers",
            "length",
            format!("最多 {MAX_WORKERS} 人"),
            format!("at most {MAX_WORKERS} workers"),
        ),
        Some(Value::Array(a)) => {
            for (i, w) in a.iter().enumerate() {
                let p = format!("workers.{i}");
                let Some(o) = w.as_object() else {
                    cx.problem(&p, "type", "应为对象", "must be an object");
                    workers_ok = false;
                    continue;
                };
                for k in o.keys() {
                    if !["name", "id_number", "operation", "certificate_no"].contains(&k.as_str()) {
                        cx.problem(
                            Field(&p, k),
                            "unknown_key",
                            format!("不认识的字段“{k}”"),
                            format!("unknown field \"{k}\""),
                        );
                    }
                }
                let name = cx.text(o, "name", Field(&p, "name"), 50, true);
                let id = cx.id(o, "id_number", Field(&p, "id_number"), true);
                let operation = cx
                    .string(o, "operation", Field(&p, "operation"), false)
                    .map(str::to_owned);
                if let Some(op) = &operation {
                    if !SPECIAL_OPERATIONS.contains(&op.as_str()) {
                        cx.problem(
                            Field(&p, "operation"),
                            "code",
                            format!("特种作业类别应为 {}", SPECIAL_OPERATIONS.join("、")),
                            format!("operation must be one of {}", SPECIAL_OPERATIONS.join(", ")),
                        );
                    }
                }
                let cert = cx.text(
                    o,
                    "certificate_no",
                    Field(&p, "certificate_no"),
                    64,
                    operation.is_some(),
                );
                match (name, id) {
                    (Some(name), Some(id_number)) => workers.push(Worker {
                        name,
                        id_number,
                        operation,
                        certificate_no: cert,
                    }),
                    _ => workers_ok = false,
                }
            }
            if workers_ok {
                for op in SPECIAL_OPERATIONS {
                    if fact_bool(op)
                        && !workers.iter().any(|w| {
                            w.operation.as_deref() == Some(op) && w.certificate_no.is_some()
                        })
                    {
                        cx.problem(
                            "workers",
                            "special_operation_uncovered",
                            format!("作业涉及特种作业（{op}），须至少列出一名持相应特种作业操作证的人员（第十一条第（二）项）"),
                            format!("the work involves a special operation ({op}): list at least one worker holding its operation certificate (Art. 11(2))"),
                        );
                    }
                }
            }
        }
        None | Some(Value::Null) => cx.missing("workers"),
        Some(_) => cx.problem("workers", "type", "应为数组", "must be an array"),
    }

    // 4. Dates and waste.
    let start = cx.date(top, "planned_start");
    let end = cx.date(top, "planned_end");
    if let Some(s) = start {
        if s < today {
            cx.problem(
                "planned_start",
                "before_filing",
                "应先登记后开工：计划开工日期不能早于今天（第九条）",
                "register before starting: the planned start cannot be before today (Art. 9)",
            );
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            cx.problem(
                "planned_end",
                "date_order",
                "计划完工日期不能早于计划开工日期",
                "the planned end cannot be before the planned start",
            );
        }
    }
    let waste = cx.text(top, "waste_disposal_site", "waste_disposal_site", 200, true);
    let lang = cx.string(top, "lang", "lang", false).map(str::to_owned);
    if let Some(l) = &lang {
        if !["zh-CN", "en"].contains(&l.as_str()) {
            cx.problem(
                "lang",
                "code",
                "语言应为 zh-CN 或 en",
                "lang must be zh-CN or en",
            );
        }
    }

    // 5. Documents: one upload per required D_* item except the basic form (the online form).
    let mut documents = BTreeMap::new();
    let mut upload_refs = Vec::new();
    let given = match top.get("documents") {
        Some(Value::Object(m)) => Some(m),
        None | Some(Value::Null) => None,
        Some(_) => {
            cx.problem("documents", "type", "应为对象", "must be an object");
            None
        }
    };
    if let Some(m) = given {
        for (k, v) in m {
            let p = format!("documents.{k}");
            if Code::from_str(k).is_none_or(|c| !c.as_str().starts_with("D_")) {
                cx.problem(
                    &p,
                    "code",
                    format!("不是材料代码：{k}"),
                    format!("not a document code: {k}"),
                );
                continue;
            }
            match v.as_str() {
                Some(id) if is_upload_id(id) => {
                    documents.insert(k.clone(), id.to_owned());
                    upload_refs.push((p, id.to_owned()));
                }
                _ => cx.problem(
                    &p,
                    "upload_id",
                    "应为上传文件编号（sha256:…）",
                    "must be an upload id (sha256:…)",
                ),
            }
        }
    }
    if let Some(a) = decided {
        for d in &a.documents {
            let code = d.code.as_str();
            if code.starts_with("D_")
                && d.code != Code::D_BASIC_FORM
                && !given.is_some_and(|m| m.contains_key(code))
            {
                let t = engine.code_text(d.code);
                cx.problem(
                    Field("documents", code),
                    "missing_document",
                    format!("缺少材料：{}（{}）", t.title.zh, d.article),
                    format!("missing document: {} ({})", t.title.en, d.article),
                );
            }
        }
    }

    if !cx.problems.is_empty() {
        return Err(ApiError::invalid(cx.problems));
    }
    let (
        Some(a),
        Some(facts),
        Some(applicant),
        Some(site),
        Some(contractor),
        Some(start),
        Some(end),
        Some(waste),
    ) = (
        decided, facts, applicant, site, contractor, start, end, waste,
    )
    else {
        return Err(ApiError::internal(
            "filing check: a field is missing without a problem recorded",
        ));
    };
    // `facts` already carries the server's dates (decide_in_place): registration_date = today, no
    // registered_date or completion_date.
    let scope = a.scope.map(Code::as_str).unwrap_or("");
    Ok(Checked {
        high_risk,
        scope,
        street: site.street.clone(),
        ruleset_id: a.ruleset.id.to_owned(),
        acceptance_due: a.deadlines.acceptance_due.map(|d| d.to_string()),
        valid_until: a.deadlines.valid_until.map(|d| d.to_string()),
        assessment: a.to_json(),
        filing: Filing {
            facts,
            applicant,
            agent,
            site,
            contractor,
            project_lead,
            safety_manager,
            workers,
            planned_start: start.to_string(),
            planned_end: end.to_string(),
            waste_disposal_site: waste,
            documents,
            lang,
        },
        upload_refs,
    })
}

pub fn is_upload_id(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// SHA-256 (hex) of the body's [`canonical`] form: what an Idempotency-Key replay is compared by.
pub fn request_hash(v: &Value) -> String {
    let mut out = String::with_capacity(8192);
    write_canonical(v, &mut out);
    crate::signing::sha256_hex(out.as_bytes())
}

/// JSON with object keys sorted at every level, for hashing request bodies.
pub fn canonical(v: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_canonical(v, &mut out);
    out
}

/// An object of [`canonical`] form: keys sorted, values canonical.
fn write_canonical_object(m: &Map<String, Value>, out: &mut String) {
    use anbei_core::json::write_str;
    out.push('{');
    // serde_json's Map is a BTreeMap (no `preserve_order`): keys already come sorted. Sort anyway if
    // that ever changes, without allocating when it has not.
    let sorted = m.keys().zip(m.keys().skip(1)).all(|(a, b)| a <= b);
    let mut first = true;
    let mut one = |k: &String, x: &Value, out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
        write_str(out, k);
        out.push(':');
        write_canonical(x, out);
    };
    if sorted {
        for (k, x) in m {
            one(k, x, out);
        }
    } else {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            if let Some(x) = m.get(k) {
                one(k, x, out);
            }
        }
    }
    out.push('}');
}

/// [`canonical`] into a buffer, without an allocation per key or value. The bytes are serde_json's:
/// strings go through the core's writer (escaping exactly as serde_json does, without its byte-by-byte
/// loop), numbers through serde_json itself.
pub fn write_canonical(v: &Value, out: &mut String) {
    use anbei_core::json::write_str;
    match v {
        Value::Object(m) => write_canonical_object(m, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        Value::String(s) => write_str(out, s),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Ok(t) = serde_json::to_string(n) {
                out.push_str(&t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The Idempotency-Key hash of filings stored by earlier versions must not change: the canonical
    /// form is exactly serde_json's compact output of the sorted tree (its Map is a BTreeMap), escapes,
    /// numbers and non-ASCII text included.
    #[test]
    fn canonical_form_is_serde_jsons_sorted_output() {
        let v = json!({
            "z": [1, -2, 3.5, 1e300, 18446744073709551615u64, true, false, null],
            "a": {"quote\"back\\slash": "控制\u{1}字符\u{1f}\t\n\r\u{c}\u{8}\u{7f}€𝄞", "": ""},
            "m": {"b": {"d": [], "c": {}}, "a": "长文本长文本长文本长文本\"长"},
            "n": 0
        });
        assert_eq!(canonical(&v), serde_json::to_string(&v).unwrap());
        assert_eq!(
            request_hash(&v),
            crate::signing::sha256_hex(serde_json::to_string(&v).unwrap().as_bytes())
        );
    }

    /// The stored request is what serde_json would write, with every optional part present and absent.
    #[test]
    fn filing_json_is_serde_jsons() {
        let person = |n: &str| Person {
            name: n.into(),
            id_number: "11010519491231002X".into(),
            mobile: "13800138000".into(),
        };
        let contact = |n: &str| Contact {
            name: n.into(),
            mobile: "13900139000".into(),
        };
        let full = Filing {
            facts:
                json!({"activity": "facade_cleaning", "contract_amount": 120000.5, "hot_work": true,
                          "note": "引号\"与\\反斜杠\u{1}", "list": [1, null, "x"]})
                .as_object()
                .unwrap()
                .clone(),
            applicant: person("张三"),
            agent: Some(person("李四 \"代理\"")),
            site: Site {
                address: "龙岗区坂田街道\t5 楼".into(),
                street: "bantian".into(),
                community: "岗头社区".into(),
            },
            contractor: Contractor {
                name: "深圳市某某建设有限公司".into(),
                credit_code: Some("91440300MA5FXXXX0X".into()),
                id_number: Some("11010519491231002X".into()),
                qualification_no: Some("D344000001".into()),
                safety_licence_no: Some("(粤)JZ安许证字[2020]000001".into()),
            },
            project_lead: Some(contact("王五")),
            safety_manager: Some(contact("赵六")),
            workers: vec![
                Worker {
                    name: "钱七".into(),
                    id_number: "11010519491231002X".into(),
                    operation: Some("welding".into()),
                    certificate_no: Some("T110105194912310021".into()),
                },
                Worker {
                    name: "孙八".into(),
                    id_number: "11010519491231002X".into(),
                    operation: None,
                    certificate_no: None,
                },
            ],
            planned_start: "2026-12-01".into(),
            planned_end: "2026-12-31".into(),
            waste_disposal_site: "龙岗区建筑废弃物消纳场".into(),
            documents: [
                ("D_A".to_owned(), "sha256:ab".to_owned()),
                ("D_B".to_owned(), "sha256:cd".to_owned()),
            ]
            .into_iter()
            .collect(),
            lang: Some("en".into()),
        };
        assert_eq!(full.to_json(), serde_json::to_string(&full).unwrap());
        let mut bare = full.clone();
        bare.facts.clear();
        bare.agent = None;
        bare.contractor = Contractor {
            name: "个人".into(),
            credit_code: None,
            id_number: None,
            qualification_no: None,
            safety_licence_no: None,
        };
        bare.project_lead = None;
        bare.safety_manager = None;
        bare.workers.truncate(0);
        bare.documents.clear();
        bare.lang = None;
        assert_eq!(bare.to_json(), serde_json::to_string(&bare).unwrap());
    }
}
