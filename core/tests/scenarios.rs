#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! Golden scenario table (tests/data/scenarios.json): facts → expected codes, each row citing its article.
//! The table is data a domain expert can read and extend; this file only runs it.

use anbei_core::{Code, Date, Engine};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

fn facts_of(doc: &Value, sc: &Value) -> Map<String, Value> {
    let base = sc["base"].as_str().unwrap();
    let mut facts = doc["bases"][base].as_object().unwrap().clone();
    for (k, v) in sc["facts"].as_object().unwrap() {
        if v.is_null() && k != "construction_area_m2" {
            facts.remove(k);
        } else {
            facts.insert(k.clone(), v.clone());
        }
    }
    facts
}

fn all_codes(r: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(s) = r["scope"].as_str() {
        out.insert(s.to_owned());
    }
    if let Some(s) = r["supervision"].as_str() {
        out.insert(s.to_owned());
    }
    if r["qualified_contractor_required"] == Value::Bool(true) {
        out.insert("QUALIFIED_CONTRACTOR_REQUIRED".to_owned());
    }
    for list in ["high_risk_triggers", "documents", "obligations"] {
        for i in r[list].as_array().unwrap() {
            out.insert(i["code"].as_str().unwrap().to_owned());
        }
    }
    for c in r["channels"].as_array().unwrap() {
        out.insert(c.as_str().unwrap().to_owned());
    }
    out
}

#[test]
fn golden_scenarios() {
    let engine = Engine::embedded().unwrap();
    let doc: Value = serde_json::from_str(include_str!("data/scenarios.json")).unwrap();
    let today = Date::parse("2026-05-06").unwrap();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for sc in doc["scenarios"].as_array().unwrap() {
        let name = sc["name"].as_str().unwrap();
        assert!(
            !sc["article"].as_str().unwrap_or("").is_empty(),
            "{name}: every scenario names its article"
        );
        let facts = Value::Object(facts_of(&doc, sc));
        let parsed = match engine.parse_json(&facts.to_string(), today) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{name}: facts rejected: {e}"));
                continue;
            }
        };
        let r = serde_json::to_value(engine.assess(&parsed)).unwrap();
        let codes = all_codes(&r);
        covered.extend(codes.iter().cloned());
        let exp = &sc["expect"];
        let mut check = |what: &str, ok: bool, detail: String| {
            if !ok {
                failures.push(format!(
                    "{name} [{}]: {what}: {detail}",
                    sc["article"].as_str().unwrap_or("")
                ));
            }
        };
        let missing = exp.get("missing").cloned().unwrap_or(Value::Array(vec![]));
        check(
            "missing_facts",
            r["missing_facts"] == missing,
            format!("got {}", r["missing_facts"]),
        );
        for key in ["scope", "scope_article", "high_risk", "supervision"] {
            if let Some(want) = exp.get(key) {
                check(key, &r[key] == want, format!("want {want}, got {}", r[key]));
            }
        }
        for (what, present) in [("include", true), ("exclude", false)] {
            for c in exp
                .get(what)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let c = c.as_str().unwrap();
                check(
                    what,
                    codes.contains(c) == present,
                    format!("{c} present: {}, in {codes:?}", !present),
                );
            }
        }
        if let Some(d) = exp.get("departments") {
            check(
                "departments",
                &r["departments"] == d,
                format!("want {d}, got {}", r["departments"]),
            );
        }
        for n in exp
            .get("notes_include")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let present = r["notes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| &x["code"] == n);
            check("notes", present, format!("{n} missing from {}", r["notes"]));
        }
        for (code, text) in exp
            .get("because")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let item = ["high_risk_triggers", "documents"]
                .iter()
                .flat_map(|l| r[*l].as_array().unwrap().iter())
                .find(|i| i["code"].as_str() == Some(code.as_str()));
            let got = item
                .map(|i| i["because"]["en"].clone())
                .unwrap_or(Value::Null);
            check(
                "because",
                &got == text,
                format!("{code}: want {text}, got {got}"),
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every stable code of the contract is produced by at least one golden scenario.
    let uncovered: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        uncovered.is_empty(),
        "codes no golden scenario produces: {uncovered:?}"
    );
}
