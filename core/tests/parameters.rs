#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! Thresholds are the rule set's parameters, and every text that shows one takes it from there: change a
//! parameter in the data and nothing else, and the assessment, the reasons (`because`), the code titles
//! and the question help all follow — in both languages, under the rule set in force.

use anbei_core::{Code, Date, Engine, Fact, embedded_sources};
use serde_json::{Value, json};

fn today() -> Date {
    Date::parse("2026-05-06").unwrap()
}

/// The embedded rule set with some parameters changed.
fn ruleset_with(changes: &[(&str, f64)]) -> String {
    let mut rs: Value = serde_json::from_str(embedded_sources().rulesets[0]).unwrap();
    for (name, value) in changes {
        assert!(rs["parameters"][name].is_object(), "{name}");
        rs["parameters"][name]["value"] = json!(value);
    }
    rs.to_string()
}

fn engine_with(changes: &[(&str, f64)]) -> Engine {
    let rs = ruleset_with(changes);
    let mut src = embedded_sources();
    src.rulesets = vec![&rs];
    Engine::from_sources(&src).unwrap()
}

/// An ordinary office fit-out (rules.md §3.1 SMALL_PROJECT) with the given facts changed.
fn case(engine: &Engine, extra: Value) -> Value {
    let mut facts = json!({
        "activity": "nonresidential_decoration", "contract_amount_yuan": 420000, "construction_area_m2": 260,
        "investment_yuan": 420000, "emergency_rescue": false, "temporary_building": false,
        "illegal_addition": false, "structural_change": false, "load_increase": false, "use_change": false,
        "excavation_depth_m": 0, "earthwork": true, "underground_pipelines": false, "scaffold_height_m": 0,
        "lifting": false, "other_dangerous_subproject": false, "welding": false, "hot_work": false,
        "confined_space": false, "work_at_height": false, "electrical_work": false,
        "other_special_operation": false, "temporary_electricity": false, "suspended_work": false,
        "demolition": false, "other_dangerous_work": false, "gas_pipeline_alteration": false,
        "hazardous_chemicals": false, "venue": "office", "property_managed": false,
        "closed_managed_site": false, "applicant_is_owner": true, "via_agent": false, "street": "bantian",
        "permit_not_applicable": false,
        "registration_date": "2026-05-06"
    });
    for (k, v) in extra.as_object().unwrap() {
        facts[k] = v.clone();
    }
    let f = engine.parse_json(&facts.to_string(), today()).unwrap();
    let r = serde_json::to_value(engine.assess(&f)).unwrap();
    assert_eq!(r["missing_facts"], json!([]), "{facts}");
    r
}

fn trigger(r: &Value, code: &str) -> Option<Value> {
    r["high_risk_triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .map(|t| t["because"].clone())
}

/// 依据：第三条第（六）项 "涉及开挖深度超过3米（含3米）的基坑（槽）土方开挖的限额以下小型工程" — the 3 m is the rule
/// set's `deep_excavation_m` ("高风险小型工程的判定标准依照市建设工程主管部门定期发布更新"), and 第二条's 500 m² is
/// `limit_area_m2` ("本细则的限额相应予以调整"). Raise them to 4 m and 600 m² in a copy of the data: the
/// assessment, the reasons, the titles and the question help all say so, and none still says 3 m or 500 m².
#[test]
fn art3_6_changing_a_threshold_in_the_data_changes_every_text_that_shows_it() {
    let old = Engine::embedded().unwrap();
    let new = engine_with(&[("deep_excavation_m", 4.0), ("limit_area_m2", 600.0)]);

    // The assessment: 3.5 m was high risk and no longer is; 4 m is.
    let dig = |e: &Engine, depth: f64| case(e, json!({"excavation_depth_m": depth}));
    assert!(trigger(&dig(&old, 3.5), "HR_DEEP_EXCAVATION").is_some());
    let r = dig(&new, 3.5);
    assert_eq!(trigger(&r, "HR_DEEP_EXCAVATION"), None);
    assert_eq!(r["high_risk"], false);
    let r = dig(&new, 4.0);
    assert_eq!(r["high_risk"], true);
    assert_eq!(
        trigger(&r, "HR_DEEP_EXCAVATION").unwrap(),
        json!({"zh": "开挖深度 4 米 ≥ 4 米", "en": "excavation depth 4 m ≥ 4 m"})
    );

    // The code's title, published and as the result's rule set shows it.
    let d = today();
    for t in [
        &new.code_text(Code::HR_DEEP_EXCAVATION).title,
        &new.code_text_on(d, Code::HR_DEEP_EXCAVATION).title,
    ] {
        assert_eq!(t.zh, "开挖深度4米及以上");
        assert_eq!(t.en, "Excavation 4 m or deeper");
    }
    assert_eq!(
        old.code_text(Code::HR_DEEP_EXCAVATION).title.zh,
        "开挖深度3米及以上"
    );

    // The question help.
    let rs = new.ruleset_for(d);
    let help = &rs.spec(Fact::excavation_depth_m).help;
    assert!(help.zh.starts_with("开挖深度4米及以上为高风险"), "{help:?}");
    assert!(
        help.en.starts_with("4 m or deeper is high risk"),
        "{help:?}"
    );
    let help = &rs.spec(Fact::construction_area_m2).help;
    assert!(
        help.zh.starts_with("限额为600平方米") && help.en.starts_with("The limit is 600 m²"),
        "{help:?}"
    );

    // The area limit in the scope and its reasons: 550 m² is now within it.
    let r = case(
        &new,
        json!({"construction_area_m2": 550, "contract_amount_yuan": 1_200_000}),
    );
    assert_eq!(r["scope"], "SMALL_PROJECT");
    assert_eq!(
        r["scope_because"]["en"],
        "area 550 m² ≤ 600 m²; non-residential fit-out"
    );
    assert_eq!(
        r["scope_because"]["zh"],
        "面积 550 m² ≤ 600 m²，属于非住宅房屋装饰装修"
    );
    assert_eq!(
        trigger(&r, "HR_LIMIT_ONE_SIDE").unwrap()["en"],
        "contract ¥1,200,000 > ¥1,000,000 while area 550 m² ≤ 600 m²"
    );
    assert_eq!(
        case(
            &old,
            json!({"construction_area_m2": 550, "contract_amount_yuan": 1_200_000})
        )["scope"],
        "NEEDS_PERMIT"
    );

    // Nothing the new rule set publishes still shows the old numbers.
    let view = serde_json::to_value(new.ruleset_view(d)).unwrap();
    let texts = format!("{} {}", view["codes"], view["facts"]);
    for stale in ["3米", "3 m ", "3 m)", "500平方米", "500 m²"] {
        assert!(!texts.contains(stale), "still says {stale}");
    }
    for fresh in ["4米", "4 m", "600平方米", "600 m²"] {
        assert!(texts.contains(fresh), "never says {fresh}");
    }
}

/// 依据：第二条 "相关法律、法规、规章对施工许可限额予以调整的，本细则的限额相应予以调整" — a later rule set that amends
/// a parameter shows its own number from its effective date; the earlier one keeps its own.
#[test]
fn an_amending_rule_set_shows_its_own_numbers_from_its_effective_date() {
    let amendment = json!({
        "id": "longgang-small-works", "version": "2027.2-synthetic-test", "status": "test",
        "effective_from": "2027-07-01", "amends": "2026.1-draft",
        "parameters": {"deep_excavation_m": {"value": 5, "unit": "m", "article": "第三条第（六）项 (synthetic)"}}
    })
    .to_string();
    let mut src = embedded_sources();
    src.rulesets.push(&amendment);
    let engine = Engine::from_sources(&src).unwrap();
    let before = Date::parse("2027-06-30").unwrap();
    let after = Date::parse("2027-07-01").unwrap();
    let title = |d| {
        engine
            .code_text_on(d, Code::HR_DEEP_EXCAVATION)
            .title
            .en
            .clone()
    };
    assert_eq!(title(before), "Excavation 3 m or deeper");
    assert_eq!(title(after), "Excavation 5 m or deeper");
    let help = |d| {
        engine
            .ruleset_for(d)
            .spec(Fact::excavation_depth_m)
            .help
            .zh
            .clone()
    };
    assert!(help(before).starts_with("开挖深度3米"));
    assert!(help(after).starts_with("开挖深度5米"));
    // The newest rule set's wording is what `code_text` without a date shows.
    assert_eq!(
        engine.code_text(Code::HR_DEEP_EXCAVATION).title.en,
        "Excavation 5 m or deeper"
    );
}

/// A text that writes a parameter's number itself, or a placeholder nothing fills, is refused at load.
#[test]
fn a_threshold_written_into_a_text_is_refused_at_load() {
    let src = embedded_sources();
    let hard = src.codes.replacen(
        "开挖深度{deep_excavation_m}米及以上",
        "开挖深度3米及以上",
        1,
    );
    assert_ne!(hard, src.codes);
    let mut broken = embedded_sources();
    broken.codes = &hard;
    let err = Engine::from_sources(&broken).unwrap_err();
    assert!(
        err.0.contains("HR_DEEP_EXCAVATION") && err.0.contains("deep_excavation_m"),
        "{err}"
    );

    let rs = src.rulesets[0].replacen("{high_scaffold_m} m or higher", "24 m or higher", 1);
    let mut broken = embedded_sources();
    broken.rulesets = vec![&rs];
    let err = Engine::from_sources(&broken).unwrap_err();
    assert!(
        err.0.contains("scaffold_height_m") && err.0.contains("high_scaffold_m"),
        "{err}"
    );

    let typo = src.codes.replacen(
        "{deep_excavation_m}米及以上",
        "{deep_excavation}米及以上",
        1,
    );
    let mut broken = embedded_sources();
    broken.codes = &typo;
    let err = Engine::from_sources(&broken).unwrap_err();
    assert!(err.0.contains("{deep_excavation}"), "{err}");
}
