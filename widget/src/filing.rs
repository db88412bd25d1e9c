//! The filing form (API.md "Filing"): its data, client-side checks mirroring the server's, the request
//! body, and the mapping of server errors (problem+json `errors[].field`) back onto the form. No DOM code.

use crate::checks::{IdProblem, check_credit_code, check_id_number, check_mobile};
use crate::i18n::Lang;
use crate::json::{Json, StrMap, obj, s};
use anbei_core::{Assessment, Date};

/// Special operations a worker may do (the facts of the same name).
pub const OPERATIONS: &[&str] = &[
    "work_at_height",
    "electrical_work",
    "welding",
    "other_special_operation",
];

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
}

/// The text fields of the form as (saved name, field): one table for saving and restoring a draft.
fn text_fields(f: &mut Form) -> [(&'static str, &mut String); 14] {
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
    ]
}

fn person_fields(p: &mut Person) -> [(&'static str, &mut String); 3] {
    [
        ("name", &mut p.name),
        ("id_number", &mut p.id_number),
        ("mobile", &mut p.mobile),
    ]
}

fn worker_fields(w: &mut Worker) -> [(&'static str, &mut String); 4] {
    [
        ("name", &mut w.name),
        ("id_number", &mut w.id_number),
        ("operation", &mut w.operation),
        ("certificate_no", &mut w.certificate_no),
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
        Json::Obj(m)
    }

    /// A saved draft; missing or mistyped fields are left empty.
    pub fn from_json(j: &Json) -> Form {
        let mut f = Form::default();
        strings_from_json(&mut text_fields(&mut f), Some(j));
        strings_from_json(&mut person_fields(&mut f.applicant), j.get("applicant"));
        strings_from_json(&mut person_fields(&mut f.agent), j.get("agent"));
        f.contractor_is_person = j
            .get("contractor_is_person")
            .and_then(Json::as_bool)
            .unwrap_or(false);
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
    pub fn of(a: &Assessment<'_>, facts: &Json) -> Needs {
        Needs {
            via_agent: facts.get("via_agent") == Some(&Json::Bool(true)),
            high_risk: a.high_risk == Some(true),
            odd_job: a.scope.map(|c| c.as_str()) == Some("SPORADIC_WORK"),
            uploads: a
                .documents
                .iter()
                .map(|d| d.code.as_str())
                .filter(|c| c.starts_with("D_") && *c != "D_BASIC_FORM")
                .collect(),
            special_ops: OPERATIONS
                .iter()
                .copied()
                .filter(|op| facts.get(op) == Some(&Json::Bool(true)))
                .collect(),
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
    Problem {
        field: field.to_string(),
        zh: lang_pair.0.to_string(),
        en: lang_pair.1.to_string(),
    }
}

fn both(
    f: impl Fn(&'static crate::i18n::Catalogue) -> &'static str,
) -> (&'static str, &'static str) {
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
    } else if required(
        &mut out,
        "contractor.credit_code",
        &f.contractor_credit_code,
    ) && !check_credit_code(&f.contractor_credit_code)
    {
        out.push(p("contractor.credit_code", both(|c| c.err_credit_code)));
    }
    if needs.high_risk {
        required(&mut out, "contractor.qualification_no", &f.qualification_no);
        required(
            &mut out,
            "contractor.safety_licence_no",
            &f.safety_licence_no,
        );
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
            required(
                &mut out,
                &format!("workers.{i}.certificate_no"),
                &w.certificate_no,
            );
        }
    }
    for op in &needs.special_ops {
        let covered = f
            .workers
            .iter()
            .any(|w| w.operation == *op && !w.certificate_no.trim().is_empty());
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
        if f.documents.get(code).is_none_or(|v| v.is_empty()) {
            out.push(p(&format!("documents.{code}"), both(|c| c.err_upload)));
        }
    }
    out
}

fn opt(v: &str) -> Json {
    if v.trim().is_empty() {
        Json::Null
    } else {
        s(v.trim())
    }
}

/// The request body of `POST /api/v1/registrations`.
pub fn body(f: &Form, needs: &Needs, facts: &Json, street: &str, lang: Lang) -> Json {
    let person = |x: &Person| {
        obj(vec![
            ("name", s(x.name.trim())),
            ("id_number", s(&x.id_number.trim().to_ascii_uppercase())),
            ("mobile", s(x.mobile.trim())),
        ])
    };
    let mut contractor = obj(vec![("name", s(f.contractor_name.trim()))]);
    if needs.odd_job && f.contractor_is_person {
        contractor.set(
            "id_number",
            s(&f.contractor_id_number.trim().to_ascii_uppercase()),
        );
    } else {
        contractor.set(
            "credit_code",
            s(&f.contractor_credit_code.trim().to_ascii_uppercase()),
        );
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
        ("facts", facts.clone()),
        ("applicant", person(&f.applicant)),
    ]);
    if needs.via_agent {
        b.set("agent", person(&f.agent));
    }
    let mut site = obj(vec![
        ("address", s(f.address.trim())),
        ("street", s(street)),
    ]);
    if !f.community.trim().is_empty() {
        site.set("community", s(f.community.trim()));
    }
    b.set("site", site);
    b.set("contractor", contractor);
    if !f.lead_name.trim().is_empty() || !f.lead_mobile.trim().is_empty() {
        b.set(
            "project_lead",
            obj(vec![
                ("name", s(f.lead_name.trim())),
                ("mobile", s(f.lead_mobile.trim())),
            ]),
        );
    }
    if !f.safety_name.trim().is_empty() || !f.safety_mobile.trim().is_empty() {
        b.set(
            "safety_manager",
            obj(vec![
                ("name", s(f.safety_name.trim())),
                ("mobile", s(f.safety_mobile.trim())),
            ]),
        );
    }
    let workers: Vec<Json> = f
        .workers
        .iter()
        .map(|w| {
            let mut o = obj(vec![
                ("name", s(w.name.trim())),
                ("id_number", s(&w.id_number.trim().to_ascii_uppercase())),
            ]);
            if OPERATIONS.contains(&w.operation.as_str()) {
                o.set("operation", s(&w.operation));
                o.set("certificate_no", opt(&w.certificate_no));
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
        .uploads
        .iter()
        .filter_map(|c| f.documents.get(c).map(|id| ((*c).to_string(), s(id))))
        .collect();
    b.set("documents", Json::Obj(docs));
    b.set("lang", s(lang.tag()));
    b
}

/// Server problems (`errors: [{field, message: {zh, en}}]` or `requested_changes`) as form problems.
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
            applicant: Person {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                mobile: "13800138000".into(),
            },
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
            workers: vec![Worker {
                name: "王五".into(),
                id_number: "440307199003071239".into(),
                operation: "welding".into(),
                certificate_no: "T4403".into(),
            }],
            ..Form::default()
        };
        f.documents
            .insert("D_APPLICANT_ID".into(), "sha256:aa".into());
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
        let fields: Vec<String> = validate(&f, &needs(true, false))
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "applicant.id_number",
                "applicant.mobile",
                "contractor.credit_code",
                "contractor.qualification_no",
                "workers.0.certificate_no",
                "workers",
                "planned_start",
                "planned_end",
                "documents.D_DRAWINGS"
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
        let b = body(
            &f,
            &needs(false, true),
            &Json::Obj(vec![]),
            "buji",
            Lang::Zh,
        );
        let contractor = b.get("contractor").cloned().unwrap_or_default();
        assert_eq!(contractor.get("id_number"), Some(&s("440307199003071239")));
        assert!(contractor.get("credit_code").is_none());
    }

    #[test]
    fn body_follows_the_api_contract() {
        let f = good();
        let facts = obj(vec![("activity", s("nonresidential_decoration"))]);
        let b = body(&f, &needs(true, false), &facts, "bantian", Lang::Zh);
        let at = |path: &[&str]| {
            path.iter()
                .try_fold(&b, |v, k| v.get(k))
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        assert_eq!(at(&["site", "street"]).as_deref(), Some("bantian"));
        assert_eq!(
            at(&["facts", "activity"]).as_deref(),
            Some("nonresidential_decoration")
        );
        let Some(Json::Arr(workers)) = b.get("workers") else {
            panic!("workers")
        };
        assert_eq!(workers[0].get("operation"), Some(&s("welding")));
        assert_eq!(
            at(&["documents", "D_DRAWINGS"]).as_deref(),
            Some("sha256:bb")
        );
        assert_eq!(at(&["lang"]).as_deref(), Some("zh-CN"));
        assert!(b.get("agent").is_none());
        assert_eq!(fingerprint(&b), fingerprint(&b.clone()));
        let mut f2 = f.clone();
        f2.address.push('A');
        assert_ne!(
            fingerprint(&b),
            fingerprint(&body(&f2, &needs(true, false), &facts, "bantian", Lang::Zh))
        );
    }

    #[test]
    fn a_saved_draft_restores_every_field() {
        let mut f = good();
        f.agent.mobile = "13600136000".into();
        f.contractor_is_person = true;
        assert_eq!(Form::from_json(&f.to_json()), f);
        let old = obj(vec![
            ("address", s("x")),
            ("workers", Json::Arr(vec![obj(vec![("name", s("王五"))])])),
            ("bogus", Json::Num(1.0)),
        ]);
        let back = Form::from_json(&old);
        assert_eq!(
            (
                back.address.as_str(),
                back.workers.len(),
                back.workers[0].name.as_str()
            ),
            ("x", 1, "王五")
        );
    }

    #[test]
    fn server_errors_map_to_fields() {
        let v = Json::Arr(vec![obj(vec![
            ("field", s("applicant.id_number")),
            ("rule", s("checksum")),
            (
                "message",
                obj(vec![("zh", s("校验位错误")), ("en", s("check digit"))]),
            ),
        ])]);
        let p = problems_from_server(Some(&v));
        assert_eq!(p[0].field, "applicant.id_number");
        assert_eq!(p[0].text(Lang::En), "check digit");
    }
}
