//! A filing's assessment as its applicant saw it: the core re-decides the filed facts on the filing
//! date (the rule set in force then), exactly as the widget did in the applicant's browser and the
//! server did when the filing arrived, so the widget's own result page can show it. The result is
//! compared with the one the server stored; a difference is shown, never hidden. No DOM code.

use anbei_core::facts::{Key, Raw};
use anbei_core::{Assessment, Date, Engine, Facts, RawFacts};
use anbei_widget::json::Json;

fn raw(v: &Json) -> Raw {
    match v {
        Json::Null => Raw::Null,
        Json::Bool(b) => Raw::Bool(*b),
        Json::Num(n) => Raw::Num(*n),
        Json::Str(s) => Raw::Str(s.clone()),
        Json::Arr(_) => Raw::Array,
        Json::Obj(_) => Raw::Object,
    }
}

/// The assessment of the facts of a filing (`request.facts`) filed on `filed_on`; `None` when the core
/// refuses the facts (a rule changed under a stored filing) or they are not an object.
pub fn regenerate(
    engine: &'static Engine,
    facts: &Json,
    filed_on: Date,
) -> Option<Assessment<'static>> {
    decide(engine, facts, filed_on).map(|(_, a)| a)
}

/// The parsed facts of a filing and their assessment (the inspection checklist needs both).
pub fn decide(
    engine: &'static Engine,
    facts: &Json,
    filed_on: Date,
) -> Option<(Facts, Assessment<'static>)> {
    let Json::Obj(m) = facts else { return None };
    let raw = RawFacts::Object(
        m.iter()
            .map(|(k, v)| (Key::from(k.as_str()), raw(v)))
            .collect(),
    );
    let f = engine.parse_facts(raw, filed_on).ok()?;
    let a = engine.assess(&f);
    Some((f, a))
}

/// What differs between the stored assessment (the server's JSON) and `a`: any of `scope`,
/// `high_risk`, `high_risk_triggers`, `documents` (by code).
pub fn differences(stored: &Json, a: &Assessment<'_>) -> Vec<&'static str> {
    let codes = |k: &str| -> Vec<String> {
        match stored.get(k) {
            Some(Json::Arr(items)) => items.iter().map(|i| i.str_at("code").to_string()).collect(),
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    if stored.get("scope").and_then(Json::as_str) != a.scope.map(|c| c.as_str()) {
        out.push("scope");
    }
    if stored.get("high_risk").and_then(Json::as_bool) != a.high_risk {
        out.push("high_risk");
    }
    let mine: Vec<String> = a
        .high_risk_triggers
        .iter()
        .map(|t| t.code.as_str().to_string())
        .collect();
    if codes("high_risk_triggers") != mine {
        out.push("high_risk_triggers");
    }
    let mine: Vec<String> = a
        .documents
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    if codes("documents") != mine {
        out.push("documents");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::json;

    fn engine() -> &'static Engine {
        Box::leak(Box::new(
            Engine::embedded().unwrap_or_else(|e| panic!("{e}")),
        ))
    }

    #[test]
    fn the_filed_facts_give_the_stored_assessment_back() {
        let e = engine();
        let facts = json(include_str!("../../tests/fixtures/facts/high_risk.json"));
        let day = Date::parse("2026-11-02").unwrap_or_else(|| panic!("date"));
        let a = regenerate(e, &facts, day).unwrap_or_else(|| panic!("facts refused"));
        assert!(a.is_decided());
        assert_eq!(a.high_risk, Some(true));
        assert!(!a.high_risk_triggers.is_empty());
        // what the server stored for the same facts on the same day (the core's own writer)
        let stored = json(&a.to_json());
        assert_eq!(differences(&stored, &a), Vec::<&str>::new());
        // a stored result that says otherwise is reported, field by field
        let mut other = stored.clone();
        other.set("high_risk", Json::Bool(false));
        other.set("high_risk_triggers", Json::Arr(Vec::new()));
        assert_eq!(differences(&other, &a), ["high_risk", "high_risk_triggers"]);
    }

    #[test]
    fn facts_the_core_refuses_give_nothing() {
        let e = engine();
        let day = Date::parse("2026-11-02").unwrap_or_else(|| panic!("date"));
        assert!(regenerate(e, &json(r#"{"contract_amount_yuan":"lots"}"#), day).is_none());
        assert!(regenerate(e, &json("[]"), day).is_none());
    }
}
