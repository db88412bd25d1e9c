//! The filing form (API.md "Filing"): its data, client-side checks mirroring the server's, the request
//! body, and the mapping of server errors (problem+json `errors[].field`) back onto the form. No DOM code.

use crate::checks::{IdProblem, check_credit_code, check_id_number, check_mobile};
use crate::i18n::Lang;
use anbei_core::{Assessment, Date};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Special operations a worker may do (the facts of the same name).
pub const OPERATIONS: &[&str] = &["work_at_height", "electrical_work", "welding", "other_special_operation"];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Person {
    pub name: String,
    pub id_number: String,
    pub mobile: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Worker {
    pub name: String,
    pub id_number: String,
    pub operation: String,
    pub certificate_no: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    pub documents: BTreeMap<String, String>,
}

/// What the answers require of the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Needs {
    pub via_agent: bool,
    pub high_risk: bool,
    pub odd_job: bool,
    /// `D_*` codes that need an upload (every one except the online basic form).
    pub uploads: Vec<&'static str>,
    /// Special operations answered yes: each needs a certified worker (第十一条第（二）项).
    pub special_ops: Vec<&'static str>,
    /// Today (planned start may not be earlier: register before starting, 第九条).
    pub today: Option<Date>,
}

impl Needs {
    pub fn of(a: &Assessment<'_>, facts: &Map<String, Value>) -> Needs {
        Needs {
            via_agent: facts.get("via_agent") == Some(&Value::Bool(true)),
            high_risk: a.high_risk == Some(true),
            odd_job: a.scope.map(|c| c.as_str()) == Some("SPORADIC_WORK"),
            uploads: a
                .documents
                .iter()
                .map(|d| d.code.as_str())
                .filter(|c| c.starts_with("D_") && *c != "D_BASIC_FORM")
                .collect(),
            special_ops: OPERATIONS.iter().copied().filter(|op| facts.get(*op) == Some(&Value::Bool(true))).collect(),
            today: None,
        }
    }
}

/// A problem with one field: its dotted path (as the server names it) and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl Problem {
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

fn p(field: &str, lang_pair: (&str, &str)) -> Problem {
    Problem { field: field.to_string(), zh: lang_pair.0.to_string(), en: lang_pair.1.to_string() }
}

fn both(f: impl Fn(&'static crate::i18n::Catalogue) -> &'static str) -> (&'static str, &'static str) {
    (f(Lang::Zh.cat()), f(Lang::En.cat()))
}

fn required(out: &mut Vec<Problem>, field: &str, v: &str) -> bool {
    if v.trim().is_empty() {
        out.push(p(field, both(|c| c.err_required)));
        false
    } else {
        true
    }
}

fn id(out: &mut Vec<Problem>, field: &str, v: &str) {
    if required(out, field, v) {
        match check_id_number(v) {
            Ok(()) => {}
            Err(IdProblem::Checksum) => out.push(p(field, both(|c| c.err_id_checksum))),
            Err(IdProblem::Format) => out.push(p(field, both(|c| c.err_id_format))),
        }
    }
}

fn mobile(out: &mut Vec<Problem>, field: &str, v: &str, must: bool) {
    if v.trim().is_empty() {
        if must {
            out.push(p(field, both(|c| c.err_required)));
        }
    } else if !check_mobile(v) {
        out.push(p(field, both(|c| c.err_mobile)));
    }
}

fn person(out: &mut Vec<Problem>, prefix: &str, x: &Person) {
    required(out, &format!("{prefix}.name"), &x.name);
    id(out, &format!("{prefix}.id_number"), &x.id_number);
    mobile(out, &format!("{prefix}.mobile"), &x.mobile, true);
}

/// Every problem at once (the server does the same: 一次性告知).
pub fn validate(f: &Form, needs: &Needs) -> Vec<Problem> {
    let mut out = Vec::new();
    person(&mut out, "applicant", &f.applicant);
    if needs.via_agent {
        person(&mut out, "agent", &f.agent);
    }
    required(&mut out, "site.address", &f.address);
    required(&mut out, "site.community", &f.community);
    required(&mut out, "contractor.name", &f.contractor_name);
    if needs.odd_job && f.contractor_is_person {
        id(&mut out, "contractor.id_number", &f.contractor_id_number);
    } else if required(&mut out, "contractor.credit_code", &f.contractor_credit_code)
        && !check_credit_code(&f.contractor_credit_code)
    {
        out.push(p("contractor.credit_code", both(|c| c.err_credit_code)));
    }
    if needs.high_risk {
        required(&mut out, "contractor.qualification_no", &f.qualification_no);
        required(&mut out, "contractor.safety_licence_no", &f.safety_licence_no);
    }
    if !needs.odd_job {
        required(&mut out, "project_lead.name", &f.lead_name);
        mobile(&mut out, "project_lead.mobile", &f.lead_mobile, true);
        required(&mut out, "safety_manager.name", &f.safety_name);
        mobile(&mut out, "safety_manager.mobile", &f.safety_mobile, true);
    }
    if f.workers.is_empty() {
        out.push(p("workers", both(|c| c.err_workers)));
    }
    for (i, w) in f.workers.iter().enumerate() {
        required(&mut out, &format!("workers.{i}.name"), &w.name);
        id(&mut out, &format!("workers.{i}.id_number"), &w.id_number);
        if OPERATIONS.contains(&w.operation.as_str()) {
            required(&mut out, &format!("workers.{i}.certificate_no"), &w.certificate_no);
        }
    }
    for op in &needs.special_ops {
        let covered = f.workers.iter().any(|w| w.operation == *op && !w.certificate_no.trim().is_empty());
        if !f.workers.is_empty() && !covered {
            out.push(p("workers", both(|c| c.err_uncovered)));
            break;
        }
    }
    let start = Date::parse(f.planned_start.trim());
    let end = Date::parse(f.planned_end.trim());
    if start.is_none() {
        out.push(p("planned_start", both(|c| c.err_required)));
    }
    if end.is_none() {
        out.push(p("planned_end", both(|c| c.err_required)));
    }
    if let (Some(s), Some(t)) = (start, needs.today) {
        if s < t {
            out.push(p("planned_start", both(|c| c.err_start_past)));
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            out.push(p("planned_end", both(|c| c.err_date_order)));
        }
    }
    required(&mut out, "waste_disposal_site", &f.waste_site);
    for code in &needs.uploads {
        if f.documents.get(*code).is_none_or(|v| v.is_empty()) {
            out.push(p(&format!("documents.{code}"), both(|c| c.err_upload)));
        }
    }
    out
}

fn opt(v: &str) -> Value {
    if v.trim().is_empty() { Value::Null } else { Value::String(v.trim().to_string()) }
}

/// The request body of `POST /api/v1/registrations`.
pub fn body(f: &Form, needs: &Needs, facts: &Map<String, Value>, street: &str, lang: Lang) -> Value {
    let person = |x: &Person| json!({"name": x.name.trim(), "id_number": x.id_number.trim().to_ascii_uppercase(), "mobile": x.mobile.trim()});
    let mut contractor = Map::new();
    contractor.insert("name".into(), json!(f.contractor_name.trim()));
    if needs.odd_job && f.contractor_is_person {
        contractor.insert("id_number".into(), json!(f.contractor_id_number.trim().to_ascii_uppercase()));
    } else {
        contractor.insert("credit_code".into(), json!(f.contractor_credit_code.trim().to_ascii_uppercase()));
    }
    for (k, v) in [("qualification_no", &f.qualification_no), ("safety_licence_no", &f.safety_licence_no)] {
        if !v.trim().is_empty() {
            contractor.insert(k.into(), json!(v.trim()));
        }
    }
    let mut b = Map::new();
    b.insert("facts".into(), Value::Object(facts.clone()));
    b.insert("applicant".into(), person(&f.applicant));
    if needs.via_agent {
        b.insert("agent".into(), person(&f.agent));
    }
    let mut site = Map::new();
    site.insert("address".into(), json!(f.address.trim()));
    site.insert("street".into(), json!(street));
    if !f.community.trim().is_empty() {
        site.insert("community".into(), json!(f.community.trim()));
    }
    b.insert("site".into(), Value::Object(site));
    b.insert("contractor".into(), Value::Object(contractor));
    if !f.lead_name.trim().is_empty() || !f.lead_mobile.trim().is_empty() {
        b.insert("project_lead".into(), json!({"name": f.lead_name.trim(), "mobile": f.lead_mobile.trim()}));
    }
    if !f.safety_name.trim().is_empty() || !f.safety_mobile.trim().is_empty() {
        b.insert("safety_manager".into(), json!({"name": f.safety_name.trim(), "mobile": f.safety_mobile.trim()}));
    }
    let workers: Vec<Value> = f
        .workers
        .iter()
        .map(|w| {
            let mut o = Map::new();
            o.insert("name".into(), json!(w.name.trim()));
            o.insert("id_number".into(), json!(w.id_number.trim().to_ascii_uppercase()));
            if OPERATIONS.contains(&w.operation.as_str()) {
                o.insert("operation".into(), json!(w.operation));
                o.insert("certificate_no".into(), opt(&w.certificate_no));
            }
            Value::Object(o)
        })
        .collect();
    b.insert("workers".into(), Value::Array(workers));
    b.insert("planned_start".into(), json!(f.planned_start.trim()));
    b.insert("planned_end".into(), json!(f.planned_end.trim()));
    if !f.waste_site.trim().is_empty() {
        b.insert("waste_disposal_site".into(), json!(f.waste_site.trim()));
    }
    let docs: Map<String, Value> = needs
        .uploads
        .iter()
        .filter_map(|c| f.documents.get(*c).map(|id| ((*c).to_string(), json!(id))))
        .collect();
    b.insert("documents".into(), Value::Object(docs));
    b.insert("lang".into(), json!(lang.tag()));
    Value::Object(b)
}

/// Server problems (`errors: [{field, message: {zh, en}}]` or `requested_changes`) as form problems.
pub fn problems_from_server(list: Option<&Value>) -> Vec<Problem> {
    let Some(Value::Array(items)) = list else { return Vec::new() };
    items
        .iter()
        .map(|e| {
            let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
            let msg = e.get("message");
            Problem {
                field: s(e.get("field")),
                zh: s(msg.and_then(|m| m.get("zh"))),
                en: s(msg.and_then(|m| m.get("en"))),
            }
        })
        .collect()
}

/// A stable fingerprint of a request body (FNV-1a 64): the same body keeps its Idempotency-Key, so a
/// retried submit can never file twice; an edited body gets a new key.
pub fn fingerprint(body: &Value) -> String {
    let s = body.to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(high_risk: bool, odd_job: bool) -> Needs {
        Needs {
            via_agent: false,
            high_risk,
            odd_job,
            uploads: vec!["D_APPLICANT_ID", "D_DRAWINGS"],
            special_ops: vec!["welding"],
            today: Date::parse("2026-05-06"),
        }
    }

    fn good() -> Form {
        let mut f = Form {
            applicant: Person { name: "张三".into(), id_number: "11010519491231002X".into(), mobile: "13800138000".into() },
            address: "龙岗区坂田街道岗头社区1号".into(),
            contractor_name: "深圳市某某装饰工程有限公司".into(),
            contractor_credit_code: "91440300708461136T".into(),
            qualification_no: "D244000000".into(),
            safety_licence_no: "(粤)JZ安许证字[2020]000000".into(),
            lead_name: "李四".into(),
            lead_mobile: "13900139000".into(),
            safety_name: "赵六".into(),
            safety_mobile: "13700137000".into(),
            community: "岗头社区".into(),
            planned_start: "2026-06-01".into(),
            planned_end: "2026-08-31".into(),
            waste_site: "龙岗区某某建筑废弃物综合利用厂".into(),
            workers: vec![Worker { name: "王五".into(), id_number: "440307199003071239".into(), operation: "welding".into(), certificate_no: "T4403".into() }],
            ..Form::default()
        };
        f.documents.insert("D_APPLICANT_ID".into(), "sha256:aa".into());
        f.documents.insert("D_DRAWINGS".into(), "sha256:bb".into());
        f
    }

    #[test]
    fn a_complete_form_has_no_problem() {
        assert_eq!(validate(&good(), &needs(true, false)), vec![]);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_field() {
        let mut f = good();
        f.applicant.id_number = "110105194912310021".into();
        f.applicant.mobile = "12345".into();
        f.contractor_credit_code = "91440300MA5XXXXXXX".into();
        f.qualification_no.clear();
        f.workers[0].certificate_no.clear();
        f.planned_start = "2026-05-05".into();
        f.planned_end = "2026-05-01".into();
        f.documents.remove("D_DRAWINGS");
        let fields: Vec<String> = validate(&f, &needs(true, false)).into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "applicant.id_number", "applicant.mobile", "contractor.credit_code", "contractor.qualification_no",
                "workers.0.certificate_no", "workers", "planned_start", "planned_end", "documents.D_DRAWINGS"
            ]
        );
    }

    #[test]
    fn odd_job_hired_person_needs_an_id_not_a_credit_code() {
        let mut f = good();
        f.contractor_is_person = true;
        f.contractor_credit_code.clear();
        f.contractor_id_number = "440307199003071239".into();
        assert_eq!(validate(&f, &needs(false, true)), vec![]);
        let b = body(&f, &needs(false, true), &Map::new(), "buji", Lang::Zh);
        assert_eq!(b["contractor"]["id_number"], json!("440307199003071239"));
        assert!(b["contractor"].get("credit_code").is_none());
    }

    #[test]
    fn body_follows_the_api_contract() {
        let f = good();
        let mut facts = Map::new();
        facts.insert("activity".into(), json!("nonresidential_decoration"));
        let b = body(&f, &needs(true, false), &facts, "bantian", Lang::Zh);
        assert_eq!(b["site"]["street"], json!("bantian"));
        assert_eq!(b["facts"]["activity"], json!("nonresidential_decoration"));
        assert_eq!(b["workers"][0]["operation"], json!("welding"));
        assert_eq!(b["documents"]["D_DRAWINGS"], json!("sha256:bb"));
        assert_eq!(b["lang"], json!("zh-CN"));
        assert!(b.get("agent").is_none());
        assert_eq!(fingerprint(&b), fingerprint(&b.clone()));
        let mut f2 = f.clone();
        f2.address.push('A');
        assert_ne!(fingerprint(&b), fingerprint(&body(&f2, &needs(true, false), &facts, "bantian", Lang::Zh)));
    }

    #[test]
    fn server_errors_map_to_fields() {
        let v = json!([{"field": "applicant.id_number", "rule": "checksum", "message": {"zh": "校验位错误", "en": "check digit"}}]);
        let p = problems_from_server(Some(&v));
        assert_eq!(p[0].field, "applicant.id_number");
        assert_eq!(p[0].text(Lang::En), "check digit");
    }
}
