//! The filing (申报) body: the facts decided again by the core — the browser's own assessment is never
//! trusted — and every other field checked by `anbei-filing`, the checks the widget runs in the browser,
//! with **every** problem collected before answering (一次性告知, 第二十七条第（三）项).

use crate::error::{ApiError, FieldProblem, Msg};
use crate::validate;
use anbei_core::model::I18n;
use anbei_core::{Assessment, Code, Date, Engine, RawFacts};
use anbei_filing::msg::{Given, Msg as Words, Problem};
use serde_json::{Map, Value};

pub use anbei_filing::canonical::{canonical, write_canonical};
pub use anbei_filing::check::is_upload_id;
pub use anbei_filing::schema::{Contact, Contractor, Person, Pledge, Signer, Site, Worker};

/// A filing as accepted and stored: its facts as the JSON object they were decided from.
pub type Filing = anbei_filing::Filing<Map<String, Value>>;

/// The filing, its decided assessment (as JSON) and the facts that decided it.
#[derive(Debug)]
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
    /// What the queue and the scoped roles filter it on.
    pub columns: crate::store::FilterColumns,
}

/// A problem of the shared catalogue, as the API reports it.
fn field_problem(p: Problem) -> FieldProblem {
    FieldProblem {
        rule: p.msg.rule().to_owned(),
        message: Msg {
            zh: p.msg.zh(),
            en: p.msg.en(),
        },
        field: p.field,
    }
}

fn problem(field: impl Into<String>, words: Words) -> FieldProblem {
    field_problem(Problem::new(field, words))
}

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
    let raw: RawFacts = serde::Deserialize::deserialize(&*facts)
        .map_err(|e| vec![problem("facts", Words::FactsJson(e.to_string()))])?;
    let facts = engine
        .parse_facts(raw, filing_date)
        .map_err(facts_problems)?;
    Ok(engine.assess(&facts))
}

/// The facts of a stored filing and their determination, as [`decide`] reads them: what an inspection
/// checklist is generated from (rules.md §9.2, `Engine::checklist`).
pub fn facts_and_result<'e>(
    engine: &'e Engine,
    facts: &Map<String, Value>,
    filing_date: Date,
    registered: Option<Date>,
) -> Result<(anbei_core::Facts, Assessment<'e>), Vec<FieldProblem>> {
    let mut m = Value::Object(facts.clone());
    if let Value::Object(o) = &mut m {
        o.insert(
            "registration_date".into(),
            Value::String(filing_date.to_string()),
        );
        o.remove("completion_date");
        match registered {
            Some(r) => o.insert("registered_date".into(), Value::String(r.to_string())),
            None => o.remove("registered_date"),
        };
    }
    let raw: RawFacts = serde::Deserialize::deserialize(&m)
        .map_err(|e| vec![problem("facts", Words::FactsJson(e.to_string()))])?;
    let facts = engine
        .parse_facts(raw, filing_date)
        .map_err(facts_problems)?;
    let result = engine.assess(&facts);
    Ok((facts, result))
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

/// Parses and checks a whole filing on `today`; `now` is recorded as the time the pledge was affirmed.
/// `Err` carries every problem found, or the refusal of work that cannot be registered here. Takes the
/// body so that its facts are decided and stored without a copy.
pub fn check(
    engine: &Engine,
    mut body: Value,
    today: Date,
    now: &str,
) -> Result<Checked, ApiError> {
    // The facts are taken out of the body (the server's dates are written into them below).
    let facts_in = body.as_object_mut().and_then(|m| m.remove("facts"));
    if !body.is_object() {
        return Err(ApiError::invalid(vec![problem("", Words::NotAFiling)]));
    }
    let mut problems = Vec::new();

    // 1. The facts, decided by the server.
    let mut facts = match facts_in {
        Some(f @ Value::Object(_)) => Some(f),
        None | Some(Value::Null) => {
            problems.push(problem("facts", Words::Required));
            None
        }
        Some(_) => {
            problems.push(problem("facts", Words::NotAnObject));
            None
        }
    };
    let assessment = facts.as_mut().and_then(|f| {
        decide_in_place(engine, f, today, None)
            .map_err(|p| problems.extend(p))
            .ok()
    });
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
                let question = match view.facts.iter().find(|s| s.key == *key) {
                    Some(s) => Given {
                        zh: s.question.zh.clone(),
                        en: s.question.en.clone(),
                    },
                    None => Given {
                        zh: (*key).to_owned(),
                        en: (*key).to_owned(),
                    },
                };
                problems.push(problem(
                    format!("facts.{key}"),
                    Words::MissingFact(question),
                ));
            }
        }
    }
    let decided = assessment.as_ref().filter(|a| a.is_decided());

    // 2. Everything else, as the widget checks it.
    let outcome = anbei_filing::check(
        &body,
        &anbei_filing::Context {
            engine,
            today,
            now,
            facts: facts.as_ref(),
            decided,
            normalise: validate::nfc,
        },
    );
    problems.extend(outcome.problems.into_iter().map(field_problem));
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let (Some(a), Some(Value::Object(facts)), Some(filing)) = (decided, facts, outcome.filing)
    else {
        return Err(ApiError::internal(
            "filing check: a field is missing without a problem recorded",
        ));
    };
    // `facts` already carries the server's dates (decide_in_place): registration_date = today, no
    // registered_date or completion_date.
    let mut departments = String::from(" ");
    for d in a.departments.primary.iter().chain(&a.departments.co) {
        departments.push_str(d);
        departments.push(' ');
    }
    let columns = crate::store::FilterColumns {
        community: filing.site.community.clone(),
        area: filing.site.property_area.clone().unwrap_or_default(),
        departments,
        applicant_name: filing.applicant.name.clone(),
        activity: facts
            .get("activity")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    };
    Ok(Checked {
        columns,
        high_risk: a.high_risk.unwrap_or(false),
        scope: a.scope.map(Code::as_str).unwrap_or(""),
        street: filing.site.street.clone(),
        ruleset_id: a.ruleset.id.to_owned(),
        acceptance_due: a.deadlines.acceptance_due.map(|d| d.to_string()),
        valid_until: a.deadlines.valid_until.map(|d| d.to_string()),
        assessment: a.to_json(),
        filing: filing.with_facts(facts),
    })
}

/// A version of the safety pledge as the rule set in force on `on` shows it: the numbers it quotes
/// (`{cancellation_working_days}`, 第三十三条) are that rule set's parameters.
pub fn pledge_text(engine: &Engine, on: Date, version: &str) -> Option<I18n> {
    let text = anbei_filing::pledge::text(version)?;
    let rs = engine.ruleset_for(on);
    Some(I18n {
        zh: rs.fill_params(text.zh),
        en: rs.fill_params(text.en),
    })
}

/// SHA-256 (hex) of the body's [`canonical`] form: what an Idempotency-Key replay is compared by.
pub fn request_hash(v: &Value) -> String {
    let mut out = String::with_capacity(8192);
    write_canonical(v, &mut out);
    crate::signing::sha256_hex(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anbei_filing::fixtures::{self, TODAY};
    use serde_json::json;

    const NOW: &str = "2026-11-23T10:00:00.000+08:00";

    fn today() -> Date {
        Date::parse(TODAY).unwrap()
    }

    /// The Idempotency-Key hash of filings stored by earlier versions must not change.
    #[test]
    fn request_hash_is_of_serde_jsons_sorted_output() {
        let v = json!({"z": [1, 3.5, null], "a": {"引号\"": "控制\u{1}"}, "n": 0});
        assert_eq!(
            request_hash(&v),
            crate::signing::sha256_hex(serde_json::to_string(&v).unwrap().as_bytes())
        );
    }

    /// 依据：第二十七条第（三）项 — the API gives every case of the shared corpus exactly the problems the
    /// widget's form shows (widget/src/filing.rs runs the same corpus), field by field.
    #[test]
    fn the_api_and_the_corpus_agree_field_by_field() {
        let engine = Engine::embedded().unwrap();
        let mut wrong = Vec::new();
        for c in fixtures::corpus().unwrap() {
            let mut want = c.expect.clone();
            want.sort();
            let mut got: Vec<(String, String)> = match check(&engine, c.body.clone(), today(), NOW)
            {
                Ok(_) => vec![],
                Err(ApiError::Invalid { problems, .. }) => {
                    problems.into_iter().map(|p| (p.field, p.rule)).collect()
                }
                Err(e) => panic!("{}: {e:?}", c.name),
            };
            got.sort();
            if got != want {
                wrong.push(format!("{}:\n  want {want:?}\n  got  {got:?}", c.name));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// 依据：第三十三条 "完工后3个工作日内申报注销" — the pledge quotes `cancellation_working_days` from the
    /// rule set and writes out no parameter itself: every version is filled entirely under every rule
    /// set, and a copy of the data with another value makes the pledge say that value, in zh and en.
    #[test]
    fn the_pledge_quotes_the_rule_sets_parameters() {
        use anbei_filing::pledge::{VERSIONS, current, text};
        let engine = Engine::embedded().unwrap();
        for rs in engine.rulesets() {
            for v in VERSIONS {
                let raw = text(v).unwrap();
                for t in [raw.zh, raw.en] {
                    assert_eq!(rs.written_out_parameter(t), None, "{v}");
                    assert!(!rs.fill_params(t).contains('{'), "{v}");
                }
            }
        }
        let shown = pledge_text(&engine, today(), current()).unwrap();
        assert!(
            shown.zh.contains("完工后 3 个工作日内申报注销"),
            "{}",
            shown.zh
        );

        let mut rs: Value =
            serde_json::from_str(anbei_core::embedded_sources().rulesets[0]).unwrap();
        rs["parameters"]["cancellation_working_days"]["value"] = json!(5);
        let rs = rs.to_string();
        let mut src = anbei_core::embedded_sources();
        src.rulesets = vec![&rs];
        let changed = Engine::from_sources(&src).unwrap();
        let shown = pledge_text(&changed, today(), current()).unwrap();
        assert!(
            shown.zh.contains("完工后 5 个工作日内申报注销"),
            "{}",
            shown.zh
        );
        assert!(
            shown.en.contains("within 5 working days of completion"),
            "{}",
            shown.en
        );
    }

    /// 依据：第二十七条第（四）项 "签署" — the stored filing records who affirmed which pledge and when (the
    /// server's time, not the browser's), and the worker's certificate validity.
    #[test]
    fn the_stored_filing_records_the_affirmed_pledge() {
        let engine = Engine::embedded().unwrap();
        let mut body = fixtures::complete_filing().unwrap();
        body["pledge"]["signed_at"] = json!("1999-01-01T00:00:00Z");
        let p = check(&engine, body.clone(), today(), NOW).unwrap_err();
        assert!(format!("{p:?}").contains("pledge.signed_at"), "{p:?}");
        body["pledge"].as_object_mut().unwrap().remove("signed_at");
        let c = check(&engine, body.clone(), today(), NOW).unwrap();
        let pledge = c.filing.pledge.clone().unwrap();
        assert_eq!(
            (
                pledge.version.as_str(),
                pledge.signer,
                pledge.signed_at.as_str()
            ),
            (anbei_filing::pledge::current(), Signer::Applicant, NOW)
        );
        assert_eq!(
            c.filing.workers[1].certificate_valid_until.as_deref(),
            Some("2029-06-30")
        );
        assert_eq!(
            c.filing.to_json(),
            serde_json::to_string(&c.filing).unwrap()
        );
        // an agent filing signs as the agent
        body["facts"]["via_agent"] = json!(true);
        body["agent"] =
            json!({"name": "李四", "id_number": "11010519491231002X", "mobile": "13600136000"});
        body["documents"]["D_AGENT_AUTH"] = body["documents"]["D_CONTRACT"].clone();
        let c = check(&engine, body, today(), NOW).unwrap();
        assert_eq!(c.filing.pledge.map(|p| p.signer), Some(Signer::Agent));
        assert_eq!(c.filing.agent.map(|a| a.name).as_deref(), Some("李四"));
    }
}
