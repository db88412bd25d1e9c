#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! The worked examples of `shared/spec/examples.json` (copied verbatim to tests/data/spec_examples.json;
//! spec v3's file is the same five examples): facts → exact codes, required obligations and channels,
//! and dates. Every example is run and every expectation it states is checked.

use anbei_core::{Date, Engine};
use serde_json::Value;

/// The expectations an example may state (shared/spec/examples.json `about`).
const EXPECTATIONS: &[&str] = &[
    "scope",
    "high_risk",
    "high_risk_triggers",
    "supervision",
    "qualified_contractor_required",
    "documents",
    "obligations_at_least",
    "channels_at_least",
    "deadlines",
];

#[test]
fn every_worked_example_of_the_spec_holds() {
    let engine = Engine::embedded().unwrap();
    let doc: Value = serde_json::from_str(include_str!("data/spec_examples.json")).unwrap();
    let examples = doc["examples"].as_array().unwrap();
    assert!(examples.len() >= 5);
    for ex in examples {
        let name = ex["name"].as_str().unwrap();
        // Every expectation the spec states is checked below: a kind this test does not know fails it
        // rather than being skipped.
        for key in ex.as_object().unwrap().keys() {
            assert!(
                ["name", "note", "facts", "expected_codes"].contains(&key.as_str()),
                "{name}: unknown example key {key}"
            );
        }
        for key in ex["expected_codes"].as_object().unwrap().keys() {
            assert!(
                EXPECTATIONS.contains(&key.as_str()),
                "{name}: expectation {key} is not checked by this test"
            );
        }
        let facts = engine
            .parse_json(&ex["facts"].to_string(), Date::parse("2026-01-01").unwrap())
            .unwrap();
        let r = serde_json::to_value(engine.assess(&facts)).unwrap();
        let exp = &ex["expected_codes"];
        assert_eq!(
            r["missing_facts"],
            serde_json::json!([]),
            "{name}: complete facts must decide"
        );
        assert_eq!(r["scope"], exp["scope"], "{name}: scope");
        assert_eq!(r["high_risk"], exp["high_risk"], "{name}: high_risk");
        assert_eq!(r["supervision"], exp["supervision"], "{name}: supervision");
        assert_eq!(
            r["qualified_contractor_required"], exp["qualified_contractor_required"],
            "{name}: contractor"
        );
        let codes = |v: &Value| -> Vec<String> {
            let mut c: Vec<String> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.get("code").unwrap_or(x).as_str().unwrap().to_owned())
                .collect();
            c.sort();
            c
        };
        assert_eq!(
            codes(&r["high_risk_triggers"]),
            codes(&exp["high_risk_triggers"]),
            "{name}: triggers"
        );
        assert_eq!(
            codes(&r["documents"]),
            codes(&exp["documents"]),
            "{name}: documents"
        );
        let obligations = codes(&r["obligations"]);
        for o in codes(&exp["obligations_at_least"]) {
            assert!(
                obligations.contains(&o),
                "{name}: obligation {o} missing from {obligations:?}"
            );
        }
        let channels = codes(&r["channels"]);
        for c in codes(&exp["channels_at_least"]) {
            assert!(
                channels.contains(&c),
                "{name}: channel {c} missing from {channels:?}"
            );
        }
        let dl = &exp["deadlines"];
        for key in dl.as_object().unwrap().keys() {
            assert!(
                r["deadlines"].get(key).is_some(),
                "{name}: deadline {key} is not in the result"
            );
        }
        for key in [
            "acceptance_due",
            "inspection_due",
            "valid_until",
            "extension_window_start",
            "cancellation_due",
        ] {
            let want = dl.get(key).cloned().unwrap_or(Value::Null);
            assert_eq!(r["deadlines"][key], want, "{name}: {key}");
        }
        assert_eq!(
            r["deadlines"]["calendar_provisional"],
            dl.get("calendar_provisional")
                .cloned()
                .unwrap_or(Value::Bool(false)),
            "{name}"
        );
        // Every item cites its article and explains itself in both languages.
        for list in ["high_risk_triggers", "documents"] {
            for item in r[list].as_array().unwrap() {
                assert!(
                    item["article"].as_str().unwrap().starts_with('第'),
                    "{name}: {item}"
                );
                assert!(
                    !item["because"]["zh"].as_str().unwrap().is_empty(),
                    "{name}: {item}"
                );
                assert!(
                    !item["because"]["en"].as_str().unwrap().is_empty(),
                    "{name}: {item}"
                );
            }
        }
    }
}
