#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! Facts validation (rules.md §1: every rejection names the key and the rule, in zh and en) and dated rule
//! sets (the rule set in force on the filing date decides, and the result says which one).

use anbei_core::{Code, Date, Engine, embedded_sources};
use serde_json::json;

fn today() -> Date {
    Date::parse("2026-05-06").unwrap()
}

#[track_caller]
fn rejects(json: &str, field: &str, rule: &str) {
    let engine = Engine::embedded().unwrap();
    let err = engine.parse_json(json, today()).expect_err(json);
    let hit = err
        .fields
        .iter()
        .find(|e| e.field == field && e.rule == rule);
    let e = hit.unwrap_or_else(|| panic!("{json}: expected {field}/{rule}, got {:?}", err.fields));
    assert!(!e.message.zh.is_empty() && !e.message.en.is_empty());
    if !field.is_empty() {
        assert!(
            e.message.en.contains(field) && e.message.zh.contains(field),
            "message names the key: {:?}",
            e.message
        );
    }
}

/// Facts objects refused, with the field and the rule the refusal names.
#[rustfmt::skip]
const REFUSED: &[(&str, &str, &str)] = &[
    (r#"{"activty": "odd_signage"}"#, "activty", "unknown_key"),
    (r#"{"hot_work": "yes"}"#, "hot_work", "type"),
    (r#"{"hot_work": null}"#, "hot_work", "type"),
    (r#"{"hot_work": 1}"#, "hot_work", "type"),
    (r#"{"contract_amount_yuan": -1}"#, "contract_amount_yuan", "range"),
    (r#"{"contract_amount_yuan": 100000000001}"#, "contract_amount_yuan", "range"),
    (r#"{"construction_area_m2": 10000001}"#, "construction_area_m2", "range"),
    (r#"{"excavation_depth_m": 1000.5}"#, "excavation_depth_m", "range"),
    (r#"{"contract_amount_yuan": 1e400}"#, "", "json"),
    (r#"{"contract_amount_yuan": "1000"}"#, "contract_amount_yuan", "type"),
    (r#"{"activity": "spaceship"}"#, "activity", "code"),
    (r#"{"venue": 3}"#, "venue", "type"),
    (r#"{"street": "futian"}"#, "street", "code"),
    (r#"{"elevator_work": "paint"}"#, "elevator_work", "code"),
    (r#"{"registration_date": "2026-02-30"}"#, "registration_date", "date"),
    (r#"{"registration_date": "1999-12-31"}"#, "registration_date", "date"),
    (r#"{"registration_date": "2101-01-01"}"#, "registration_date", "date"),
    (r#"{"registration_date": "2026-5-6"}"#, "registration_date", "date"),
    (r#"{"registration_date": "2026-05-06", "registered_date": "2026-05-05"}"#, "registered_date", "date_order"),
    (r#"{"activity": "residential_decoration", "construction_area_m2": null}"#, "construction_area_m2", "null_area"),
    (r#"{"hot_work": true, "hot_work": false}"#, "hot_work", "duplicate_key"),
    (r#"{"lifting": {"a": 1}}"#, "lifting", "type"),
    (r#"[1, 2]"#, "", "not_an_object"),
    (r#""facts""#, "", "not_an_object"),
    (r#"{"a": "#, "", "json"),
];

#[test]
fn bad_facts_are_refused_with_the_key_and_the_rule() {
    for (json, field, rule) in REFUSED {
        rejects(json, field, rule);
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let engine = Engine::embedded().unwrap();
    let err = engine
        .parse_json(
            r#"{"foo": 1, "hot_work": "y", "venue": "moon", "contract_amount_yuan": -5}"#,
            today(),
        )
        .unwrap_err();
    let fields: Vec<&str> = err.fields.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(err.fields.len(), 4, "{fields:?}");
    assert!(err.message.en.contains("4 problems"));
}

#[test]
fn misspelt_keys_get_a_suggestion() {
    let engine = Engine::embedded().unwrap();
    let err = engine
        .parse_json(r#"{"hotwork": true}"#, today())
        .unwrap_err();
    assert!(
        err.fields[0]
            .message
            .en
            .contains("did you mean \"hot_work\""),
        "{:?}",
        err.fields[0].message
    );
}

#[test]
fn null_area_is_allowed_for_works_without_building_area() {
    let engine = Engine::embedded().unwrap();
    assert!(
        engine
            .parse_json(
                r#"{"activity": "road_resurfacing", "construction_area_m2": null}"#,
                today()
            )
            .is_ok()
    );
}

#[test]
fn facts_that_do_not_matter_are_validated_and_ignored() {
    let engine = Engine::embedded().unwrap();
    let a = engine
        .parse_json(
            r#"{"activity": "odd_signage", "illegal_addition": false}"#,
            today(),
        )
        .unwrap();
    let b = engine.parse_json(r#"{"activity": "odd_signage", "illegal_addition": false, "contract_amount_yuan": 5000000}"#, today()).unwrap();
    assert_eq!(
        serde_json::to_value(engine.assess(&a)).unwrap(),
        serde_json::to_value(engine.assess(&b)).unwrap()
    );
    rejects(
        r#"{"activity": "odd_signage", "contract_amount_yuan": -3}"#,
        "contract_amount_yuan",
        "range",
    );
}

/// 依据：第二条 "相关法律、法规、规章对施工许可限额予以调整的，本细则的限额相应予以调整" — a later rule set with a
/// changed limit takes over on its effective date, and each result says which rule set decided it.
#[test]
fn the_rule_set_in_force_on_the_filing_date_decides() {
    let mut src = embedded_sources();
    src.rulesets
        .push(include_str!("data/ruleset-2027-synthetic.json"));
    let engine = Engine::from_sources(&src).unwrap();
    let case = |date: &str| {
        let facts = json!({
            "activity": "nonresidential_decoration", "contract_amount_yuan": 1500000, "construction_area_m2": 600,
            "registration_date": date, "emergency_rescue": false, "temporary_building": false, "illegal_addition": false,
            "permit_not_applicable": false
        });
        let f = engine.parse_json(&facts.to_string(), today()).unwrap();
        let r = engine.assess(&f);
        (
            r.scope,
            r.ruleset.version.to_owned(),
            r.high_risk_triggers
                .iter()
                .any(|t| t.code == Code::HR_LIMIT_ONE_SIDE),
        )
    };
    assert_eq!(
        case("2027-06-30"),
        (Some(Code::NEEDS_PERMIT), "2026.1-draft".to_owned(), false)
    );
    assert_eq!(
        case("2027-07-01"),
        (
            Some(Code::SMALL_PROJECT),
            "2027.1-synthetic-test".to_owned(),
            true
        )
    );
    // The default date (today) picks the rule set too.
    assert_eq!(
        engine
            .ruleset_for(Date::parse("2028-01-01").unwrap())
            .file
            .version,
        "2027.1-synthetic-test"
    );
}

#[test]
fn every_result_reports_its_rule_set_and_draft_status() {
    let engine = Engine::embedded().unwrap();
    let f = engine
        .parse_json(r#"{"activity": "odd_signage"}"#, today())
        .unwrap();
    let r = serde_json::to_value(engine.assess(&f)).unwrap();
    assert_eq!(r["ruleset"]["status"], "draft");
    assert_eq!(r["ruleset"]["version"], "2026.1-draft");
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "N_DRAFT_RULESET")
    );
}

#[test]
fn broken_rule_data_is_refused_at_load() {
    let mut src = embedded_sources();
    let broken = src.rulesets[0].replace("\"limit_contract_yuan\"", "\"limit_contract_yuan_typo\"");
    src.rulesets[0] = &broken;
    let err = Engine::from_sources(&src).unwrap_err();
    assert!(err.0.contains("limit_contract_yuan"), "{err}");
    let mut src = embedded_sources();
    let codes = src.codes.replace("\"HR_LIFTING\"", "\"HR_LIFTING_X\"");
    src.codes = &codes;
    assert!(Engine::from_sources(&src).is_err());
}

#[test]
fn a_missing_activity_is_the_only_question() {
    let engine = Engine::embedded().unwrap();
    let f = engine.parse_json("{}", today()).unwrap();
    let r = engine.assess(&f);
    assert_eq!(r.missing_facts, vec!["activity"]);
    assert_eq!(r.scope, None);
    assert_eq!(r.high_risk, None);
}

/// rules.md §1: `underground_pipelines` only after `earthwork`; an odd job is never asked engineering facts.
#[test]
fn nothing_irrelevant_is_asked() {
    let engine = Engine::embedded().unwrap();
    let missing = |j: &str| {
        engine
            .assess(&engine.parse_json(j, today()).unwrap())
            .missing_facts
    };
    let odd = missing(r#"{"activity": "odd_equipment"}"#);
    for k in [
        "contract_amount_yuan",
        "construction_area_m2",
        "investment_yuan",
        "applicant_is_owner",
        "excavation_depth_m",
        "structural_change",
    ] {
        assert!(!odd.contains(&k), "odd job asked {k}");
    }
    assert_eq!(odd[0], "public_area");
    let eng = missing(r#"{"activity": "residential_decoration"}"#);
    assert!(
        !eng.contains(&"underground_pipelines")
            && !eng.contains(&"public_area")
            && !eng.contains(&"investment_yuan")
    );
    let dig = missing(r#"{"activity": "residential_decoration", "earthwork": true}"#);
    assert!(dig.contains(&"underground_pipelines"));
    // Supervision settled by the contract: investment never asked.
    let big = missing(
        r#"{"activity": "residential_decoration", "contract_amount_yuan": 3000000, "construction_area_m2": 100, "lifting": true}"#,
    );
    assert!(!big.contains(&"investment_yuan"));
    let small = missing(
        r#"{"activity": "residential_decoration", "contract_amount_yuan": 300000, "construction_area_m2": 100, "lifting": true, "emergency_rescue": false, "temporary_building": false, "illegal_addition": false}"#,
    );
    assert!(small.contains(&"investment_yuan"));
}

/// 依据：第三十二条第（一）至（七）项 (spec v3 §3.5) — the high-risk site-management obligation cites all seven items
/// and says each of them, the street's inspection within `inspection_working_days` included.
#[test]
fn high_risk_site_management_covers_article_32_items_1_to_7() {
    let engine = Engine::embedded().unwrap();
    let f = engine
        .parse_json(
            r#"{"activity": "nonresidential_decoration", "contract_amount_yuan": 300000, "construction_area_m2": 100, "lifting": true, "emergency_rescue": false, "temporary_building": false, "illegal_addition": false}"#,
            today(),
        )
        .unwrap();
    let r = engine.assess(&f);
    let o = r
        .obligations
        .iter()
        .find(|o| o.code == Code::O_HIGH_RISK_SITE_MANAGEMENT)
        .expect("high risk: site management applies");
    assert_eq!(o.article, "第三十二条第（一）至（七）项");
    let t = &engine.code_text(Code::O_HIGH_RISK_SITE_MANAGEMENT).title;
    for item in [
        "3个工作日内街道组织现场检查",
        "现场安全管理人员",
        "施工计划、工艺技术、安全保证措施、人员保障、应急处置措施",
        "书面安全技术交底",
        "注册建造师",
        "撤离危险区域",
        "不燃材料防火分隔",
        "动火作业",
    ] {
        assert!(t.zh.contains(item), "{item}: {}", t.zh);
    }
    for item in [
        "within 3 working days of registration",
        "site safety managers",
        "organisation plan",
        "written safety briefing",
        "registered constructor",
        "evacuate",
        "non-combustible separation",
        "hot work",
    ] {
        assert!(t.en.contains(item), "{item}: {}", t.en);
    }
}
