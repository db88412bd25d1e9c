//! The shared test data of `tests/fixtures/` (feature `fixtures`, for tests and examples only): complete
//! facts, the complete filing, and the corpus of valid and invalid filings that the API's check and the
//! widget's form both run (`tests/fixtures/README.md`). Rust, Python and JavaScript tests read the same
//! files; none keeps its own copy.

use serde_json::{Map, Value};

/// The date the fixtures are written for (the API tests' fixed clock).
pub const TODAY: &str = "2026-11-23";

const ORDINARY: &str = include_str!("../../tests/fixtures/facts/ordinary.json");
const HIGH_RISK: &str = include_str!("../../tests/fixtures/facts/high_risk.json");
const ODD_JOB: &str = include_str!("../../tests/fixtures/facts/odd_job.json");
const COMPLETE: &str = include_str!("../../tests/fixtures/filings/complete.json");
const CORPUS: &str = include_str!("../../tests/fixtures/filings/corpus.json");

fn parse(what: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("tests/fixtures/{what}: {e}"))
}

/// Complete facts by name: `ordinary` (an office fit-out in Bantian, registered at once), `high_risk`
/// (the same with crane lifting, 第三条第（八）项) or `odd_job` (equipment work in a public area).
pub fn facts(name: &str) -> Result<Value, String> {
    match name {
        "ordinary" => parse("facts/ordinary.json", ORDINARY),
        "high_risk" => parse("facts/high_risk.json", HIGH_RISK),
        "odd_job" => parse("facts/odd_job.json", ODD_JOB),
        _ => Err(format!("no facts fixture {name}")),
    }
}

/// The complete filing of the `ordinary` facts, its documents naming a placeholder upload id (replace
/// each with a real upload before sending it to a server).
pub fn complete_filing() -> Result<Value, String> {
    let mut body = parse("filings/complete.json", COMPLETE)?;
    body["facts"] = facts("ordinary")?;
    Ok(body)
}

/// JSON merge patch (RFC 7396): members of `patch` replace those of `target`, `null` removes one.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// One case of the corpus: a body and the problems it must have, as (field path, rule code).
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    /// The body as sent, facts included.
    pub body: Value,
    pub expect: Vec<(String, String)>,
}

/// The corpus (`tests/fixtures/filings/corpus.json`): each case names its facts and patches the complete
/// filing; `body` replaces the whole body.
pub fn corpus() -> Result<Vec<Case>, String> {
    let doc = parse("filings/corpus.json", CORPUS)?;
    let cases = doc["cases"]
        .as_array()
        .ok_or("corpus.json: no cases array")?;
    cases
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap_or("").to_owned();
            let body = match c.get("body") {
                Some(b) => b.clone(),
                None => {
                    let mut body = complete_filing()?;
                    body["facts"] = facts(c["facts"].as_str().unwrap_or("ordinary"))?;
                    merge_patch(&mut body, &c["patch"]);
                    body
                }
            };
            let expect = c["expect"]
                .as_array()
                .ok_or_else(|| format!("corpus case {name}: no expect"))?
                .iter()
                .map(|e| {
                    (
                        e[0].as_str().unwrap_or("").to_owned(),
                        e[1].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            Ok(Case { name, body, expect })
        })
        .collect()
}
