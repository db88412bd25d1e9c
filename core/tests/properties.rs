#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! Property tests: the engine never panics on any facts object, is deterministic, and adding a hazard
//! never removes a high-risk trigger.

use anbei_core::{Date, Engine, Fact};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

/// Any JSON scalar or small container: the wrong types too.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1e12f64..1e12).prop_map(|x| json!(x)),
        prop_oneof![
            Just(0.0),
            Just(2.99),
            Just(3.0),
            Just(23.9),
            Just(24.0),
            Just(500.0),
            Just(500.01),
            Just(1e6),
            Just(1_000_001.0),
            Just(3e6)
        ]
        .prop_map(|x| json!(x)),
        "[a-z_]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2026-05-06"),
            Just("2026-02-29"),
            Just("2027-12-31"),
            Just("1999-01-01")
        ]
        .prop_map(|s| json!(s)),
        Just(json!([1, 2])),
        Just(json!({"k": 1})),
    ]
}

/// One of the codes, as a JSON string.
fn one_of<'a>(codes: impl Iterator<Item = &'a String>) -> BoxedStrategy<Value> {
    proptest::sample::select(codes.cloned().collect::<Vec<_>>())
        .prop_map(Value::String)
        .boxed()
}

/// A plausible value for a fact (mostly of the right type), so deep branches get exercised.
fn fact_value(f: Fact) -> BoxedStrategy<Value> {
    let e = engine();
    let rs = e.ruleset_for(Date::parse("2026-05-06").unwrap());
    let spec = rs.spec(f);
    let good: BoxedStrategy<Value> = match spec.ty.as_str() {
        "bool" => any::<bool>().prop_map(Value::Bool).boxed(),
        "number" => prop_oneof![
            0.0f64..5_000_000.0,
            Just(0.0),
            Just(3.0),
            Just(24.0),
            Just(500.0),
            Just(1e6)
        ]
        .prop_map(|x| json!(x))
        .boxed(),
        "activity" => one_of(rs.file.activities.iter().map(|a| &a.code)),
        "venue" => one_of(rs.file.venues.iter().map(|v| &v.code)),
        "street" => one_of(e.streets().iter().map(|s| &s.code)),
        "enum" => one_of(spec.values.iter()),
        _ => prop_oneof![
            Just("2026-05-06"),
            Just("2026-09-30"),
            Just("2027-01-29"),
            Just("2025-01-24")
        ]
        .prop_map(|s| json!(s))
        .boxed(),
    };
    prop_oneof![9 => good, 1 => any_value()].boxed()
}

fn facts_strategy() -> impl Strategy<Value = Map<String, Value>> {
    let per_fact: Vec<BoxedStrategy<Option<(String, Value)>>> = Fact::ALL
        .iter()
        .map(|&f| {
            proptest::option::weighted(0.7, fact_value(f))
                .prop_map(move |v| v.map(|v| (f.key().to_owned(), v)))
                .boxed()
        })
        .collect();
    (
        per_fact,
        proptest::option::weighted(0.05, ("[a-z]{1,8}", any_value())),
    )
        .prop_map(|(entries, extra)| {
            let mut m: Map<String, Value> = entries.into_iter().flatten().collect();
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            m
        })
}

const HAZARDS: &[&str] = &[
    "structural_change",
    "load_increase",
    "use_change",
    "hot_work",
    "welding",
    "confined_space",
    "lifting",
    "other_dangerous_subproject",
    "work_at_height",
    "electrical_work",
    "other_special_operation",
    "temporary_electricity",
    "suspended_work",
    "demolition",
    "other_dangerous_work",
    "earthwork",
    "gas_pipeline_alteration",
    "hazardous_chemicals",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any object: either a clear error or a result; never a panic. Deterministic.
    #[test]
    fn never_panics_and_is_deterministic(facts in facts_strategy()) {
        let e = engine();
        let text = Value::Object(facts).to_string();
        let today = Date::parse("2026-11-23").unwrap();
        match e.parse_json(&text, today) {
            Ok(f) => {
                let a = serde_json::to_string(&e.assess(&f)).unwrap();
                prop_assert_eq!(&e.assess(&f).to_json(), &a, "the fast writer matches serde_json");
                let b = serde_json::to_string(&e.assess(&e.parse_json(&text, today).unwrap())).unwrap();
                prop_assert_eq!(&a, &b);
                // Every text is written out: no `{placeholder}` left for the reader.
                let r: Value = serde_json::from_str(&a).unwrap();
                let texts = r["high_risk_triggers"].as_array().into_iter().chain(r["documents"].as_array())
                    .flatten().map(|i| &i["because"])
                    .chain(r["notes"].as_array().into_iter().flatten().map(|n| &n["text"]))
                    .chain([&r["scope_because"]]);
                for t in texts {
                    for lang in ["zh", "en"] {
                        let s = t[lang].as_str().unwrap_or("");
                        prop_assert!(!s.contains('{') && !s.contains('}'), "{}", s);
                    }
                }
            }
            Err(err) => {
                prop_assert!(!err.fields.is_empty());
                for f in &err.fields {
                    prop_assert!(!f.message.zh.is_empty() && !f.message.en.is_empty());
                }
            }
        }
    }

    /// Adding a hazard (or deepening an excavation, raising a scaffold) never removes a trigger.
    #[test]
    fn adding_a_hazard_never_removes_a_trigger(facts in facts_strategy(), which in 0..HAZARDS.len() + 2) {
        let e = engine();
        let today = Date::parse("2026-11-23").unwrap();
        let Ok(before) = e.parse_json(&Value::Object(facts.clone()).to_string(), today) else { return Ok(()) };
        let mut more = facts.clone();
        match which {
            i if i < HAZARDS.len() => { more.insert(HAZARDS[i].into(), json!(true)); }
            i if i == HAZARDS.len() => { more.insert("excavation_depth_m".into(), json!(more.get("excavation_depth_m").and_then(Value::as_f64).unwrap_or(0.0) + 3.0)); }
            _ => { more.insert("scaffold_height_m".into(), json!(more.get("scaffold_height_m").and_then(Value::as_f64).unwrap_or(0.0) + 24.0)); }
        }
        let Ok(after) = e.parse_json(&Value::Object(more).to_string(), today) else { return Ok(()) };
        let (b, a) = (e.assess(&before), e.assess(&after));
        for t in &b.high_risk_triggers {
            prop_assert!(a.high_risk_triggers.iter().any(|x| x.code == t.code), "{:?} lost", t.code);
        }
        if b.high_risk == Some(true) {
            prop_assert_eq!(a.high_risk, Some(true));
        }
    }
}
