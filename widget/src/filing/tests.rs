use super::*;
use anbei_filing::fixtures::{self, TODAY};
use serde_json::Value;

fn engine() -> &'static Engine {
    Box::leak(Box::new(
        Engine::embedded().unwrap_or_else(|e| panic!("{e}")),
    ))
}

fn today() -> Date {
    Date::parse(TODAY).unwrap_or_else(|| panic!("date"))
}

/// serde_json's value as the widget's (what `JSON.parse` gives the widget in the browser).
fn json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Num(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(t) => Json::Str(t.clone()),
        Value::Array(a) => Json::Arr(a.iter().map(json).collect()),
        Value::Object(m) => Json::Obj(m.iter().map(|(k, x)| (k.clone(), json(x))).collect()),
    }
}

/// The widget's JSON as serde_json's, to compare bodies whatever their key order.
fn value(j: &Json) -> Value {
    serde_json::from_str(&j.text()).unwrap_or_else(|e| panic!("{e}"))
}

/// What the widget knows of `facts` once the interview is done: their assessment as of the fixtures' day.
fn needs_of(engine: &'static Engine, facts: Option<&Value>) -> Needs {
    let facts = facts.cloned().unwrap_or(Value::Object(Default::default()));
    let parsed = engine
        .parse_json(&facts.to_string(), today())
        .or_else(|_| engine.parse_json("{}", today()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    Needs {
        engine,
        assessment: engine.assess(&parsed),
        facts: json(&facts),
        today: today(),
    }
}

fn needs(facts: &str) -> Needs {
    needs_of(
        engine(),
        Some(&fixtures::facts(facts).unwrap_or_else(|e| panic!("{e}"))),
    )
}

/// 依据：第二十七条第（三）项 — the widget's checks give every case of the shared corpus exactly the
/// problems the API gives it (api/src/filing.rs runs the same corpus), field by field.
#[test]
fn the_widget_and_the_corpus_agree_field_by_field() {
    let engine = engine();
    let mut wrong = Vec::new();
    for c in fixtures::corpus().unwrap_or_else(|e| panic!("{e}")) {
        let needs = needs_of(engine, c.body.get("facts"));
        let mut got: Vec<(String, String)> = problems(&json(&c.body), &needs)
            .into_iter()
            .map(|p| (p.field, p.rule))
            .collect();
        got.sort();
        let mut want = c.expect.clone();
        want.sort();
        if got != want {
            wrong.push(format!("{}:\n  want {want:?}\n  got  {got:?}", c.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The complete filing of tests/fixtures/, typed into the form: every text field at its path.
fn complete_form() -> Form {
    let b = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
    let at = |path: &str| {
        let v = path.split('.').fold(&b, |v, k| &v[k]);
        v.as_str().unwrap_or("").to_string()
    };
    let mut f = Form {
        pledge_affirmed: b["pledge"]["affirmed"] == Value::Bool(true),
        ..Form::default()
    };
    for (path, _) in TEXT {
        f.set(path, at(path));
    }
    for w in b["workers"].as_array().into_iter().flatten() {
        f.workers
            .push(WORKER.map(|k| w[k].as_str().unwrap_or("").to_string()));
    }
    for (k, v) in b["documents"].as_object().into_iter().flatten() {
        f.documents
            .insert(k.clone(), v.as_str().unwrap_or("").to_string());
    }
    f
}

/// The form filled in with the fixture's values sends exactly the fixture's body: the widget and the
/// corpus speak of the same filing.
#[test]
fn the_form_sends_the_complete_filing() {
    let needs = needs("ordinary");
    let f = complete_form();
    assert_eq!(validate(&f, &needs), vec![]);
    let sent = value(&body(&f, &needs, Lang::Zh));
    assert_eq!(
        sent,
        fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"))
    );
}

#[test]
fn every_problem_is_reported_at_once_with_its_field() {
    let mut needs = needs("high_risk");
    needs.facts.set("welding", Json::Bool(true));
    needs.facts.set("hot_work", Json::Bool(true));
    let mut f = complete_form();
    for (path, v) in [
        ("applicant.id_number", "440307199001010011"),
        ("applicant.mobile", "12345"),
        ("contractor.credit_code", "91440300MA5XXXXXXX"),
        ("contractor.qualification_no", ""),
        ("workers.1.certificate_no", ""),
        ("planned_start", "2026-11-20"),
        ("planned_end", "2026-11-01"),
    ] {
        f.set(path, v.into());
    }
    f.pledge_affirmed = false;
    let fields: Vec<(String, String)> = validate(&f, &needs)
        .into_iter()
        .map(|p| (p.field, p.rule))
        .collect();
    let want = [
        ("applicant.id_number", "checksum"),
        ("applicant.mobile", "mobile"),
        ("contractor.credit_code", "checksum"),
        ("contractor.qualification_no", "required"),
        ("workers.1.certificate_no", "required"),
        ("workers", "special_operation_uncovered"),
        ("planned_start", "before_filing"),
        ("planned_end", "date_order"),
        ("documents.D_SPECIAL_PLAN", "missing_document"),
        ("documents.D_DRAWINGS", "missing_document"),
        ("documents.D_CONTRACTOR_LICENCES", "missing_document"),
        ("pledge.affirmed", "not_affirmed"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(fields, want);
    // in the server's words, in both languages
    let p = validate(&f, &needs);
    assert_eq!(p[0].text(Lang::Zh), "身份证号码校验位不对，请核对。");
    assert!(p[0].text(Lang::En).contains("check digit"));
}

/// 依据：第二十八条 last paragraph — the hired party of an odd job may be a person, with an ID number.
#[test]
fn odd_job_hired_person_needs_an_id_not_a_credit_code() {
    let needs = needs("odd_job");
    assert!(needs.odd_job() && needs.uploads().is_empty());
    let mut f = complete_form();
    f.contractor_is_person = true;
    for (path, v) in [
        ("contractor.credit_code", ""),
        ("contractor.id_number", "440307199003071239"),
        ("project_lead.name", ""),
        ("project_lead.mobile", ""),
        ("safety_manager.name", ""),
        ("safety_manager.mobile", ""),
    ] {
        f.set(path, v.into());
    }
    // an odd job says what it does (作业内容, S_WORK_CONTENT, 第二十八条 last paragraph)
    let missing = validate(&f, &needs);
    assert_eq!(
        missing
            .iter()
            .map(|p| (p.field.as_str(), p.rule.as_str()))
            .collect::<Vec<_>>(),
        vec![("work_description", "required")]
    );
    f.set("work_description", "更换临街商铺招牌".into());
    assert_eq!(validate(&f, &needs), vec![]);
    let b = body(&f, &needs, Lang::Zh);
    assert_eq!(b.get("work_description"), Some(&s("更换临街商铺招牌")));
    // engineering work does not send it
    assert!(
        body(&f, &self::needs("ordinary"), Lang::Zh)
            .get("work_description")
            .is_none()
    );
    let contractor = b.get("contractor").cloned().unwrap_or_default();
    assert_eq!(contractor.get("id_number"), Some(&s("440307199003071239")));
    assert!(contractor.get("credit_code").is_none());
    assert!(b.get("project_lead").is_none());
}

/// 依据：spec v3 §3.4 — the worker list, the disposal site and the pledge are not uploads; the body
/// carries the affirmed pledge's version and only the uploads of the checklist.
#[test]
fn body_follows_the_api_contract() {
    let needs = needs("ordinary");
    let mut f = complete_form();
    f.documents
        .insert("D_SAFETY_PLEDGE".into(), "sha256:stale".into());
    let b = body(&f, &needs, Lang::En);
    let docs: Vec<&str> = match b.get("documents") {
        Some(Json::Obj(m)) => m.iter().map(|(k, _)| k.as_str()).collect(),
        _ => vec![],
    };
    assert_eq!(
        docs,
        [
            "D_APPLICANT_ID",
            "D_PROPERTY_PROOF",
            "D_CONTRACT",
            "D_DECOR_PLAN"
        ]
    );
    let pledge = b.get("pledge").cloned().unwrap_or_default();
    assert_eq!(pledge.get("version"), Some(&s(pledge::current())));
    assert_eq!(pledge.get("affirmed"), Some(&Json::Bool(true)));
    assert_eq!(b.get("lang"), Some(&s("en")));
    assert!(b.get("agent").is_none());
    assert_eq!(fingerprint(&b), fingerprint(&b.clone()));
    let mut f2 = f.clone();
    f2.set("site.address", format!("{}A", f.get("site.address")));
    assert_ne!(fingerprint(&b), fingerprint(&body(&f2, &needs, Lang::En)));
}

/// rules.md §11 — notifications are e-mailed when the filing carries an address: the applicant's e-mail
/// is sent only when given (an empty field is no address), and a malformed one is named by the same check
/// the server runs.
#[test]
fn email_is_sent_only_when_given_and_checked_like_the_server() {
    let needs = needs("ordinary");
    let mut f = complete_form();
    let applicant = |f: &Form| {
        body(f, &needs, Lang::Zh)
            .get("applicant")
            .cloned()
            .unwrap_or_default()
    };
    assert!(applicant(&f).get("email").is_none());
    f.set("applicant.email", "  zhang.san@example.cn ".to_string());
    assert_eq!(applicant(&f).get("email"), Some(&s("zhang.san@example.cn")));
    assert!(
        validate(&f, &needs)
            .iter()
            .all(|p| p.field != "applicant.email")
    );
    f.set("applicant.email", "zhang.san-at-example".to_string());
    assert!(
        validate(&f, &needs)
            .iter()
            .any(|p| p.field == "applicant.email")
    );
}

/// 依据：第二十三条第（一）项 (rules.md §10 `property`) — when the answers say the site is property-managed
/// the form asks for its property-management area, as the server does; otherwise it sends none, even
/// if one was typed before the answer changed.
#[test]
fn a_property_managed_site_sends_its_area() {
    let mut needs = needs("ordinary");
    let mut f = complete_form();
    f.set("site.property_area", " 万科城 ".into());
    let area = |f: &Form, needs: &Needs| {
        body(f, needs, Lang::Zh)
            .get("site")
            .and_then(|s| s.get("property_area"))
            .cloned()
    };
    assert!(!needs.property_managed());
    assert_eq!(area(&f, &needs), None);
    assert_eq!(validate(&f, &needs), vec![]);
    needs.facts.set("property_managed", Json::Bool(true));
    assert_eq!(area(&f, &needs), Some(s("万科城")));
    assert_eq!(validate(&f, &needs), vec![]);
    f.set("site.property_area", "".into());
    let p = validate(&f, &needs);
    let fields: Vec<(&str, &str)> = p
        .iter()
        .map(|p| (p.field.as_str(), p.rule.as_str()))
        .collect();
    assert_eq!(fields, [("site.property_area", "required")]);
}

#[test]
fn a_saved_draft_restores_every_field() {
    let mut f = complete_form();
    f.set("agent.mobile", "13600136000".into());
    f.set("site.property_area", "万科城".into());
    f.contractor_is_person = true;
    assert!(f.pledge_affirmed && !f.get("workers.1.certificate_valid_until").is_empty());
    assert_eq!(Form::from_json(&f.to_json()), f);
    // drafts keep the names of the earlier form
    let saved = f.to_json();
    assert_eq!(saved.get("lead_name"), Some(&s(f.get("project_lead.name"))));
    assert_eq!(
        saved.get("agent").and_then(|a| a.get("mobile")),
        Some(&s("13600136000"))
    );
    let old = obj(vec![
        ("address", s("x")),
        ("workers", Json::Arr(vec![obj(vec![("name", s("王五"))])])),
        ("bogus", Json::Num(1.0)),
    ]);
    let back = Form::from_json(&old);
    assert_eq!(
        (
            back.get("site.address"),
            back.workers.len(),
            back.get("workers.0.name"),
            back.pledge_affirmed
        ),
        ("x", 1, "王五", false)
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
    assert_eq!(
        (p[0].field.as_str(), p[0].rule.as_str()),
        ("applicant.id_number", "checksum")
    );
    assert_eq!(p[0].text(Lang::En), "check digit");
}

/// A returned filing is refilled from the server's copy of its request (any device): the same body again.
#[test]
fn a_returned_filing_refills_the_form_from_its_request() {
    let needs = needs("ordinary");
    let b = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
    let f = Form::from_body(&json(&b));
    assert_eq!(f, complete_form());
    assert_eq!(value(&body(&f, &needs, Lang::Zh)), b);
}

/// An upload refused for its content says why, never "please retry".
#[test]
fn upload_refusals_say_why() {
    for lang in [Lang::Zh, Lang::En] {
        let c = lang.cat();
        assert_eq!(upload_refusal(413, lang), c.upload_too_big);
        assert_eq!(upload_refusal(415, lang), c.upload_not_real);
        assert_eq!(upload_refusal(400, lang), c.upload_empty);
        assert_eq!(upload_refusal(0, lang), c.err_network);
    }
    assert!(upload_refusal(415, Lang::Zh).contains("PDF"));
}
