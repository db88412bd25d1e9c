#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! rules.md §9 — inspections, checklists, findings and referrals. Each row names its article (依据) and
//! states its expectation by hand, from the spec and the Rules — never from the function under test.

use anbei_core::manage::{
    self, Finding, InspectionKind as K, ManageCode, ReferralWhen, ReportTo, RevocationGround,
    StopWork,
};
use anbei_core::model::Kind;
use anbei_core::{Date, Engine};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A decided, ordinary office fit-out (SMALL_PROJECT, not high risk) with `extra` facts on top.
fn engineering(extra: Value) -> Value {
    let mut f = json!({
        "activity": "nonresidential_decoration", "contract_amount_yuan": 420000, "construction_area_m2": 260,
        "investment_yuan": 420000, "emergency_rescue": false, "temporary_building": false,
        "illegal_addition": false, "structural_change": false, "load_increase": false, "use_change": false,
        "excavation_depth_m": 0, "earthwork": false, "scaffold_height_m": 0, "lifting": false,
        "other_dangerous_subproject": false, "welding": false, "hot_work": false, "confined_space": false,
        "work_at_height": false, "electrical_work": false, "other_special_operation": false,
        "temporary_electricity": false, "suspended_work": false, "demolition": false,
        "other_dangerous_work": false, "gas_pipeline_alteration": false, "hazardous_chemicals": false,
        "venue": "office", "property_managed": false, "closed_managed_site": false,
        "applicant_is_owner": true, "via_agent": false, "street": "bantian", "registration_date": "2026-05-06"
    });
    merge(&mut f, extra);
    f
}

/// A decided odd job in a public area (air-conditioner installation) with `extra` facts on top.
fn odd_job(extra: Value) -> Value {
    let mut f = json!({
        "activity": "odd_equipment", "public_area": true, "illegal_addition": false, "earthwork": false,
        "lifting": false, "welding": false, "hot_work": false, "confined_space": false, "work_at_height": false,
        "electrical_work": false, "other_special_operation": false, "temporary_electricity": false,
        "suspended_work": false, "demolition": false, "other_dangerous_work": false,
        "hazardous_chemicals": false, "venue": "residential", "property_managed": false,
        "closed_managed_site": false, "street": "buji", "registration_date": "2026-05-06"
    });
    merge(&mut f, extra);
    f
}

fn merge(f: &mut Value, extra: Value) {
    for (k, v) in extra.as_object().unwrap() {
        f[k] = v.clone();
    }
}

/// The checklist codes (and each one's `because` keys) for these facts, the result fully decided.
#[track_caller]
fn checklist(kind: K, facts: &Value, escalated: bool) -> BTreeMap<String, Vec<String>> {
    let engine = Engine::embedded().unwrap();
    let f = engine
        .parse_json(&facts.to_string(), d("2026-05-06"))
        .unwrap();
    let r = engine.assess(&f);
    assert!(
        r.missing_facts.is_empty(),
        "undecided: {:?}",
        r.missing_facts
    );
    assert!(r.scope.is_some_and(|s| s.is_in_scope()), "{:?}", r.scope);
    engine
        .checklist(kind, &f, &r, escalated)
        .into_iter()
        .map(|i| {
            assert!(
                !i.text.zh.is_empty() && !i.text.en.is_empty(),
                "{:?}",
                i.code
            );
            assert!(!i.because.is_empty(), "{:?}", i.code);
            for b in &i.because {
                assert!(
                    !b.text.zh.is_empty() && !b.text.en.is_empty(),
                    "{:?} {}",
                    i.code,
                    b.on
                );
            }
            (
                i.code.as_str().to_owned(),
                i.because.iter().map(|b| b.on.to_owned()).collect(),
            )
        })
        .collect()
}

/// One row: an item, the article it cites, the inspection, the work, and whether the item applies.
struct Row {
    item: &'static str,
    article: &'static str,
    kind: K,
    escalated: bool,
    facts: Value,
    applies: bool,
    /// When it applies: a fact or determination its `because` must name.
    because: Option<&'static str>,
}

fn row(item: &'static str, article: &'static str, kind: K, facts: Value, applies: bool) -> Row {
    Row {
        item,
        article,
        kind,
        escalated: false,
        facts,
        applies,
        because: None,
    }
}

fn rows() -> Vec<Row> {
    use K::*;
    let e = |x: Value| engineering(x);
    let o = |x: Value| odd_job(x);
    let deep =
        || json!({"excavation_depth_m": 3.2, "earthwork": true, "underground_pipelines": true});
    vec![
        // 依据：第十条第（三）项 — engineering posts its receipt at the entrance; odd jobs do not.
        row(
            "IC_POSTED_AT_ENTRANCE",
            "第十条第（三）项",
            Patrol,
            e(json!({})),
            true,
        ),
        row(
            "IC_POSTED_AT_ENTRANCE",
            "第十条第（三）项",
            Patrol,
            o(json!({})),
            false,
        ),
        // 依据：第三十条第（一）项 — every site inspection; not a completion check.
        row(
            "IC_WORKERS_MATCH",
            "第三十条第（一）项",
            FollowUp,
            o(json!({})),
            true,
        ),
        row(
            "IC_WORKERS_MATCH",
            "第三十条第（一）项",
            Completion,
            e(json!({})),
            false,
        ),
        // 依据：第十三条第（三）项
        row(
            "IC_PRE_WORK_BRIEFING",
            "第十三条第（三）项",
            Patrol,
            e(json!({})),
            true,
        ),
        row(
            "IC_PRE_WORK_BRIEFING",
            "第十三条第（三）项",
            Completion,
            e(json!({})),
            false,
        ),
        // 依据：第十一条第（二）项、第十三条第（六）项 — a special operation (electrical work).
        Row {
            because: Some("electrical_work"),
            ..row(
                "IC_SPECIAL_CERTS",
                "第十一条第（二）项、第十三条第（六）项",
                Patrol,
                e(json!({"electrical_work": true})),
                true,
            )
        },
        Row {
            because: Some("work_at_height"),
            ..row(
                "IC_SPECIAL_CERTS",
                "第十一条第（二）项、第十三条第（六）项",
                Patrol,
                o(json!({"activity": "odd_facade"})),
                true,
            ) // 第五条第（二）项: a facade job is work at height
        },
        row(
            "IC_SPECIAL_CERTS",
            "第十一条第（二）项、第十三条第（六）项",
            Patrol,
            e(json!({})),
            false,
        ),
        // 依据：第三十二条第（二）项 — high risk (deep excavation, 第三条第（六）项), or escalated.
        Row {
            because: Some("high_risk"),
            ..row(
                "IC_SAFETY_MANAGERS",
                "第三十二条第（二）项",
                HighRisk,
                e(deep()),
                true,
            )
        },
        row(
            "IC_SAFETY_MANAGERS",
            "第三十二条第（二）项",
            Patrol,
            e(json!({})),
            false,
        ),
        Row {
            escalated: true,
            because: Some("escalated"),
            ..row(
                "IC_SAFETY_MANAGERS",
                "第三十二条第（二）项、第三十条第（七）项",
                HighRisk,
                e(json!({})),
                true,
            )
        },
        // 依据：第三十条第（七）项 — only small projects are escalated: an odd job's flag changes nothing.
        Row {
            escalated: true,
            ..row(
                "IC_SAFETY_MANAGERS",
                "第三十条第（七）项",
                Patrol,
                o(json!({})),
                false,
            )
        },
        // 依据：第三十二条第（三）项
        row(
            "IC_ORGANISATION_PLAN",
            "第三十二条第（三）项",
            HighRisk,
            e(json!({"lifting": true})),
            true,
        ),
        row(
            "IC_ORGANISATION_PLAN",
            "第三十二条第（三）项",
            Patrol,
            e(json!({})),
            false,
        ),
        // 依据：第三十二条第（四）（五）项
        row(
            "IC_SAFETY_BRIEFING",
            "第三十二条第（四）（五）项",
            FollowUp,
            e(json!({"confined_space": true})),
            true,
        ),
        row(
            "IC_SAFETY_BRIEFING",
            "第三十二条第（四）（五）项",
            FollowUp,
            e(json!({})),
            false,
        ),
        Row {
            escalated: true,
            ..row(
                "IC_SAFETY_BRIEFING",
                "第三十二条第（四）（五）项",
                FollowUp,
                e(json!({})),
                true,
            )
        },
        // 依据：第三十二条第（七）项
        row(
            "IC_FIRE_SEPARATION",
            "第三十二条第（七）项",
            HighRisk,
            e(json!({"scaffold_height_m": 30})),
            true,
        ),
        row(
            "IC_FIRE_SEPARATION",
            "第三十二条第（七）项",
            HighRisk,
            e(json!({"scaffold_height_m": 10})),
            false,
        ),
        // 依据：第三十二条第（七）项、第十条第（八）项、第十三条第（七）项 — hot work in a ★ venue, both kinds.
        Row {
            because: Some("venue"),
            ..row(
                "IC_HOT_WORK_CROWDED",
                "第三十二条第（七）项",
                Patrol,
                e(json!({"hot_work": true, "venue": "hotel_restaurant"})),
                true,
            )
        },
        Row {
            because: Some("hot_work"),
            ..row(
                "IC_HOT_WORK_CROWDED",
                "第三十二条第（七）项、第四十五条",
                Patrol,
                o(json!({"welding": true, "venue": "school"})),
                true,
            ) // welding is hot work (第四十五条)
        },
        row(
            "IC_HOT_WORK_CROWDED",
            "第三十二条第（七）项",
            Patrol,
            e(json!({"hot_work": true})),
            false,
        ),
        row(
            "IC_HOT_WORK_CROWDED",
            "第三十二条第（七）项",
            Patrol,
            o(json!({"venue": "hospital"})),
            false,
        ),
        // 依据：第十三条第（七）项 — O_DANGEROUS_WORK_PLAN (here: lifting).
        Row {
            because: Some("O_DANGEROUS_WORK_PLAN"),
            ..row(
                "IC_DANGEROUS_WORK_PLAN",
                "第十三条第（七）项",
                Patrol,
                o(json!({"lifting": true})),
                true,
            )
        },
        row(
            "IC_DANGEROUS_WORK_PLAN",
            "第十三条第（七）项",
            Patrol,
            o(json!({"electrical_work": true})),
            false,
        ),
        // 依据：第十条第（二）项 — SUPERVISION_REQUIRED: high risk and area ≥ 3,000 m².
        Row {
            because: Some("SUPERVISION_REQUIRED"),
            ..row(
                "IC_SUPERVISOR_ON_SITE",
                "第十条第（二）项",
                HighRisk,
                e(json!({"construction_area_m2": 3000})),
                true,
            )
        },
        row(
            "IC_SUPERVISOR_ON_SITE",
            "第十条第（二）项",
            HighRisk,
            e(deep()),
            false,
        ),
        // 依据：第十三条第（五）项
        row(
            "IC_PROTECTIVE_EQUIPMENT",
            "第十三条第（五）项",
            Patrol,
            o(json!({})),
            true,
        ),
        row(
            "IC_PROTECTIVE_EQUIPMENT",
            "第十三条第（五）项",
            Unregistered,
            o(json!({})),
            false,
        ),
        // 依据：第十条第（八）项、第十三条第（八）项 — earthwork, or any excavation.
        Row {
            because: Some("earthwork"),
            ..row(
                "IC_PIPELINE_PROTECTION",
                "第十条第（八）项",
                Patrol,
                e(json!({"earthwork": true, "underground_pipelines": false})),
                true,
            )
        },
        Row {
            because: Some("excavation_depth_m"),
            ..row(
                "IC_PIPELINE_PROTECTION",
                "第十三条第（八）项",
                Patrol,
                e(json!({"excavation_depth_m": 1.5})),
                true,
            )
        },
        row(
            "IC_PIPELINE_PROTECTION",
            "第十条第（八）项",
            Patrol,
            o(json!({"earthwork": true})),
            true,
        ),
        row(
            "IC_PIPELINE_PROTECTION",
            "第十条第（八）项",
            Patrol,
            e(json!({})),
            false,
        ),
        // 依据：第十条第（九）项
        row(
            "IC_GAS_WORK",
            "第十条第（九）项",
            Patrol,
            e(json!({"gas_pipeline_alteration": true})),
            true,
        ),
        row(
            "IC_GAS_WORK",
            "第十条第（九）项",
            Patrol,
            e(json!({})),
            false,
        ),
        // 依据：第十三条第（九）项
        row(
            "IC_HAZARDOUS_CHEMICALS",
            "第十三条第（九）项",
            Patrol,
            o(json!({"hazardous_chemicals": true})),
            true,
        ),
        row(
            "IC_HAZARDOUS_CHEMICALS",
            "第十三条第（九）项",
            Patrol,
            o(json!({})),
            false,
        ),
        // 依据：第十三条第（十一）项、第三十条第（八）项
        row(
            "IC_WASTE_AND_SITE",
            "第十三条第（十一）项",
            HighRisk,
            e(deep()),
            true,
        ),
        row(
            "IC_WASTE_AND_SITE",
            "第十三条第（十一）项",
            Completion,
            e(json!({})),
            false,
        ),
        // 依据：第三十条第（三）至（六）项、第七条、第二十五条
        row(
            "IC_SCOPE_MATCH",
            "第三十条第（三）（四）（五）（六）项",
            Patrol,
            o(json!({})),
            true,
        ),
        row(
            "IC_SCOPE_MATCH",
            "第三十条第（三）项",
            Unregistered,
            e(json!({})),
            false,
        ),
        // 依据：第二十三条第（三）项 — work at height inside a property-management area.
        Row {
            because: Some("property_managed"),
            ..row(
                "IC_PROPERTY_WATCH",
                "第二十三条第（三）项",
                Patrol,
                e(json!({"work_at_height": true, "property_managed": true})),
                true,
            )
        },
        row(
            "IC_PROPERTY_WATCH",
            "第二十三条第（三）项",
            Patrol,
            e(json!({"work_at_height": true})),
            false,
        ),
        row(
            "IC_PROPERTY_WATCH",
            "第二十三条第（三）项",
            Patrol,
            o(json!({"property_managed": true})),
            false,
        ),
        // 依据：第十一条第（二）项 — O_NOTIFY_PROPERTY: a special operation inside a property area.
        Row {
            because: Some("O_NOTIFY_PROPERTY"),
            ..row(
                "IC_PROPERTY_NOTIFIED",
                "第十一条第（二）项",
                Patrol,
                o(json!({"electrical_work": true, "property_managed": true})),
                true,
            )
        },
        row(
            "IC_PROPERTY_NOTIFIED",
            "第十一条第（二）项",
            Patrol,
            o(json!({"property_managed": true})),
            false,
        ),
        // 依据：第三十三条 — completion checks only.
        row(
            "IC_WORK_COMPLETED",
            "第三十三条",
            Completion,
            o(json!({})),
            true,
        ),
        row(
            "IC_WORK_COMPLETED",
            "第三十三条",
            Patrol,
            e(json!({})),
            false,
        ),
        // 依据：第十三条第（十一）项、第三十三条
        row(
            "IC_WASTE_RECORD_MATCHES",
            "第十三条第（十一）项、第三十三条",
            Completion,
            e(json!({})),
            true,
        ),
        row(
            "IC_WASTE_RECORD_MATCHES",
            "第三十三条",
            HighRisk,
            e(deep()),
            false,
        ),
        // 依据：第十条第（九）项 "经管道燃气企业安全检查合格后方可投入使用"
        row(
            "IC_GAS_SAFETY_CHECK",
            "第十条第（九）项",
            Completion,
            e(json!({"gas_pipeline_alteration": true})),
            true,
        ),
        row(
            "IC_GAS_SAFETY_CHECK",
            "第十条第（九）项",
            Completion,
            e(json!({})),
            false,
        ),
        row(
            "IC_GAS_SAFETY_CHECK",
            "第十条第（九）项",
            Patrol,
            e(json!({"gas_pipeline_alteration": true})),
            false,
        ),
    ]
}

/// Every §9.2 item applies exactly when its row says, and every item is covered both ways.
#[test]
fn every_checklist_item_both_ways() {
    let mut seen: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    let mut failures = Vec::new();
    for r in rows() {
        assert!(
            r.article.starts_with('第'),
            "{}: every row names its article",
            r.item
        );
        let got = checklist(r.kind, &r.facts, r.escalated);
        let applies = got.contains_key(r.item);
        if applies != r.applies {
            failures.push(format!(
                "{} ({}) on {:?}, escalated {}: expected applies={}, got {:?}",
                r.item,
                r.article,
                r.kind,
                r.escalated,
                r.applies,
                got.keys().collect::<Vec<_>>()
            ));
        }
        if let (true, Some(b)) = (applies, r.because) {
            if !got[r.item].iter().any(|x| x == b) {
                failures.push(format!(
                    "{}: because should name {b}, got {:?}",
                    r.item, got[r.item]
                ));
            }
        }
        let e = seen.entry(r.item).or_default();
        if r.applies {
            e.0 = true;
        } else {
            e.1 = true;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let ic: Vec<&str> = ManageCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| c.starts_with("IC_"))
        .collect();
    assert_eq!(ic.len(), 22, "§9.2 has 22 items");
    for c in ic {
        assert_eq!(
            seen.get(c),
            Some(&(true, true)),
            "{c}: needs a row each way"
        );
    }
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn codes(kind: K, facts: &Value, escalated: bool) -> BTreeSet<String> {
    checklist(kind, facts, escalated).into_keys().collect()
}

const ALWAYS_SITE: &[&str] = &[
    "IC_WORKERS_MATCH",
    "IC_PRE_WORK_BRIEFING",
    "IC_PROTECTIVE_EQUIPMENT",
    "IC_WASTE_AND_SITE",
    "IC_SCOPE_MATCH",
];

/// Whole checklists per kind (依据：§9.2 — site items, completion items, none for unregistered work).
#[test]
fn whole_checklists_per_kind() {
    // An ordinary fit-out (第二条第（二）项): the always-items and the entrance posting (第十条第（三）项).
    let mut want = set(ALWAYS_SITE);
    want.insert("IC_POSTED_AT_ENTRANCE".into());
    for k in [K::Patrol, K::HighRisk, K::FollowUp] {
        assert_eq!(codes(k, &engineering(json!({})), false), want, "{k:?}");
    }
    // An odd job (第五条): no entrance posting.
    assert_eq!(
        codes(K::Patrol, &odd_job(json!({})), false),
        set(ALWAYS_SITE)
    );
    // Escalated (第三十条第（七）项 → 第三十二条): the four high-risk items join.
    let mut esc = want.clone();
    for c in [
        "IC_SAFETY_MANAGERS",
        "IC_ORGANISATION_PLAN",
        "IC_SAFETY_BRIEFING",
        "IC_FIRE_SEPARATION",
    ] {
        esc.insert(c.into());
    }
    assert_eq!(codes(K::HighRisk, &engineering(json!({})), true), esc);
    // Completion (第三十三条): completion items only.
    assert_eq!(
        codes(
            K::Completion,
            &engineering(json!({"gas_pipeline_alteration": true})),
            false
        ),
        set(&[
            "IC_WORK_COMPLETED",
            "IC_WASTE_RECORD_MATCHES",
            "IC_GAS_SAFETY_CHECK"
        ])
    );
    // Unregistered work (第三十条第（三）项): recorded against the address, no checklist.
    assert!(
        codes(
            K::Unregistered,
            &engineering(json!({"lifting": true})),
            false
        )
        .is_empty()
    );
}

/// 依据：第二十三条第（三）项 "涉及高空作业的，物业企业应派专人全程做好旁站监督，重点检查作业人员资质备案、防护
/// 用品佩戴、作业环境安全警示标识设置" — the watch (product policy) checks the workers and their certificates,
/// protective equipment and the watch itself, and (第十一条第（二）项) whether it was told first.
#[test]
fn property_watch_items() {
    let facade = odd_job(json!({"activity": "odd_facade", "property_managed": true}));
    let got = checklist(K::PropertyWatch, &facade, false);
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        set(&[
            "IC_WORKERS_MATCH",
            "IC_SPECIAL_CERTS",
            "IC_PROTECTIVE_EQUIPMENT",
            "IC_PROPERTY_WATCH",
            "IC_PROPERTY_NOTIFIED"
        ])
    );
    assert_eq!(got["IC_PROPERTY_WATCH"], ["INSPECTION_PROPERTY_WATCH"]);
    // Never the site-management items, even on a high-risk work.
    let hr =
        engineering(json!({"lifting": true, "work_at_height": true, "property_managed": true}));
    let got = codes(K::PropertyWatch, &hr, false);
    assert!(!got.contains("IC_SAFETY_MANAGERS") && !got.contains("IC_SCOPE_MATCH"));
    assert!(got.contains("IC_PROPERTY_WATCH"));
}

/// The checklist's texts come from codes.json, its articles from the rules.
#[test]
fn checklist_texts_and_articles() {
    let engine = Engine::embedded().unwrap();
    let f = engine
        .parse_json(
            &engineering(json!({"earthwork": true, "underground_pipelines": true})).to_string(),
            d("2026-05-06"),
        )
        .unwrap();
    let r = engine.assess(&f);
    let items = engine.checklist(K::Patrol, &f, &r, false);
    let pipe = items
        .iter()
        .find(|i| i.code == ManageCode::IC_PIPELINE_PROTECTION)
        .unwrap();
    assert_eq!(pipe.article, "第十条第（八）项、第十三条第（八）项");
    assert!(pipe.text.zh.contains("地下管线"));
    assert_eq!(pipe.because[0].on, "earthwork");
    assert_eq!(pipe.because[0].text.zh, "动土作业");
    let json = serde_json::to_value(&items).unwrap();
    assert_eq!(json[0]["code"], "IC_POSTED_AT_ENTRANCE");
    assert_eq!(json[0]["article"], "第十条第（三）项");
    assert!(json[0]["because"][0]["text"]["en"].is_string());
}

/// What the applicant reads of a finding (issues 14, 15): its title as codes.json words it, the same as
/// the checklist's text for an item — one title per §9 code, read without building all of §9's tables.
#[test]
fn a_codes_title_for_the_applicant() {
    let engine = Engine::embedded().unwrap();
    let codes: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/codes.json")).unwrap(),
    )
    .unwrap();
    for code in [
        ManageCode::F_UNSAFE_PRACTICE,
        ManageCode::F_MAJOR_HAZARD,
        ManageCode::REF_STREET_ENFORCEMENT,
    ] {
        let t = engine.manage_title(code, d("2026-12-03"));
        let want = &codes["manage_codes"][code.as_str()]["title"];
        assert_eq!(t.zh, want["zh"].as_str().unwrap(), "{code:?}");
        assert_eq!(t.en, want["en"].as_str().unwrap(), "{code:?}");
    }
}

// ── due dates (§9.1, §3.7 calendar) ────────────────────────────────────────────────────────────────

#[track_caller]
fn due(kind: K, from: &str, escalated: bool) -> Option<(String, bool)> {
    let engine = Engine::embedded().unwrap();
    engine
        .inspection_due(kind, d(from), escalated)
        .map(|c| (c.date.to_string(), c.provisional))
}

/// 依据：第三十二条第（一）项 "应于3个工作日内组织开展现场检查"; 2026 holidays (国务院办公厅 2025-11-04):
/// 10-01…10-07 off, Saturday 10-10 worked; 02-15…02-23 off, Saturday 02-14 worked.
#[test]
fn high_risk_inspection_due_across_holidays() {
    // Wed 09-30 → (10-01…10-07 off) Thu 10-08, Fri 10-09, Sat 10-10 (调休上班).
    assert_eq!(
        due(K::HighRisk, "2026-09-30", false),
        Some(("2026-10-10".into(), false))
    );
    // Fri 02-13 → Sat 02-14 (调休上班), (02-15…02-23 off) Tue 02-24, Wed 02-25.
    assert_eq!(
        due(K::HighRisk, "2026-02-13", false),
        Some(("2026-02-25".into(), false))
    );
    // Thu 09-24 → (09-25…09-27 off) Mon 09-28, Tue 09-29, Wed 09-30.
    assert_eq!(
        due(K::HighRisk, "2026-09-24", false),
        Some(("2026-09-30".into(), false))
    );
    // An ordinary week: Mon 03-02 → Thu 03-05.
    assert_eq!(
        due(K::HighRisk, "2026-03-02", false),
        Some(("2026-03-05".into(), false))
    );
}

/// §3.7: a count touching a year without holiday data (2027) is Monday–Friday and provisional.
#[test]
fn provisional_calendar_in_2027() {
    // Mon 12-28 → 12-29, 12-30, 12-31: all in 2026, not provisional.
    assert_eq!(
        due(K::HighRisk, "2026-12-28", false),
        Some(("2026-12-31".into(), false))
    );
    // Wed 12-30 → Thu 12-31, Fri 2027-01-01 (no data: counted as a working day), Mon 01-04.
    assert_eq!(
        due(K::HighRisk, "2026-12-30", false),
        Some(("2027-01-04".into(), true))
    );
    assert_eq!(
        due(K::Completion, "2027-03-01", false),
        Some(("2027-03-04".into(), true))
    );
}

/// 依据：第三十条第（七）项 (escalation, product policy: 3 working days), 第三十三条 (completion check, product
/// policy: 3 working days after the declaration), 第三十四条 (a scheduled follow-up, product policy: 1
/// working day after `rectify_by`); the other kinds have no due date.
#[test]
fn escalation_completion_and_undated_kinds() {
    // Thu 06-18 → (06-19…06-21 off) Mon 06-22, Tue 06-23, Wed 06-24.
    assert_eq!(
        due(K::HighRisk, "2026-06-18", true),
        Some(("2026-06-24".into(), false))
    );
    // Thu 04-30 → (05-01…05-05 off) Wed 05-06, Thu 05-07, Fri 05-08.
    assert_eq!(
        due(K::Completion, "2026-04-30", false),
        Some(("2026-05-08".into(), false))
    );
    // A follow-up scheduled for a finding (product policy, 第三十四条): 1 working day after its
    // `rectify_by` — Thu 04-30 → (05-01…05-05 off) Wed 05-06; Fri 05-08 → Sat 05-09 (worked, 调休).
    assert_eq!(
        due(K::FollowUp, "2026-04-30", false),
        Some(("2026-05-06".into(), false))
    );
    assert_eq!(
        due(K::FollowUp, "2026-05-08", false),
        Some(("2026-05-09".into(), false))
    );
    for k in [K::Patrol, K::PropertyWatch, K::Unregistered] {
        assert_eq!(due(k, "2026-05-06", false), None, "{k:?}");
    }
}

/// 依据：第三十条 "责令整改" (product policy default: 3 working days); Sat 05-09 is worked in 2026.
#[test]
fn rectify_by_default() {
    let engine = Engine::embedded().unwrap();
    let r = |s: &str| {
        let c = engine.rectify_by(d(s));
        (c.date.to_string(), c.provisional)
    };
    assert_eq!(r("2026-05-08"), ("2026-05-12".into(), false)); // Sat 05-09, Mon 05-11, Tue 05-12
    assert_eq!(r("2026-02-13"), ("2026-02-25".into(), false));
    assert_eq!(r("2027-06-01"), ("2027-06-04".into(), true));
}

/// Overdue the day after (product policy); a same-day referral is late once that day is over.
#[test]
fn overdue_and_late_referrals() {
    assert!(!manage::is_overdue(d("2026-05-12"), d("2026-05-12")));
    assert!(manage::is_overdue(d("2026-05-12"), d("2026-05-13")));
    let found = d("2026-05-12");
    assert!(!manage::referral_late(
        found,
        Some(d("2026-05-12")),
        d("2026-05-20")
    ));
    assert!(manage::referral_late(
        found,
        Some(d("2026-05-13")),
        d("2026-05-13")
    ));
    assert!(!manage::referral_late(found, None, d("2026-05-12")));
    assert!(manage::referral_late(found, None, d("2026-05-13")));
}

// ── findings (§9.3) ─────────────────────────────────────────────────────────────────────────────────

/// (finding, kind, stop, report, rectify, update workers, referral, revocation ground, escalates, article)
type HandlingRow = (
    Finding,
    Kind,
    StopWork,
    Option<ReportTo>,
    bool,
    bool,
    ReferralWhen,
    Option<&'static str>,
    bool,
    &'static str,
);

/// Each finding's handling, written out from §9.3 and 第三十条: (finding, kind, stop, report, rectify,
/// update workers, referral, revocation ground, escalates).
#[test]
fn every_finding_handling() {
    use Finding::*;
    use ReferralWhen as R;
    use StopWork as S;
    let e = Kind::Engineering;
    let o = Kind::OddJob;
    #[rustfmt::skip]
    let table: &[HandlingRow] = &[
        (WorkersMismatch, e, S::No, None, false, true, R::Never, None, false, "第三十条第（一）项"),
        (UncertifiedPersonnel, e, S::UncertifiedWork, None, true, false, R::OnRefusal, None, false, "第三十条第（一）项"),
        (UnsafePractice, o, S::AtOnce, Some(ReportTo::OwnUnit), true, false, R::OnRefusal, None, false, "第三十条第（二）项"),
        (Unregistered, e, S::No, None, true, false, R::SameDayWhenOverdueOrRefused, None, false, "第三十条第（三）项"),
        (RegistrationMismatch, e, S::No, None, true, false, R::SameDayWhenOverdueOrRefused, Some("false_filing"), false, "第三十条第（三）项"),
        (SeriousViolation, e, S::AtOnce, Some(ReportTo::Street), true, false, R::SameDayWhenOverdueOrMajorHazard, Some("beyond_scope"), false, "第三十条第（四）项"),
        (IllegalConstruction, e, S::AtOnce, None, false, false, R::SameDay, Some("illegal_construction"), false, "第三十条第（五）项"),
        (PermitEvasion, e, S::AtOnce, None, false, false, R::SameDay, Some("permit_evasion"), false, "第三十条第（六）项"),
        (MajorHazard, e, S::No, Some(ReportTo::Street), false, false, R::Never, None, true, "第三十条第（七）项"),
        (MajorHazard, o, S::AtOnce, None, false, false, R::SameDay, None, false, "第三十条第（四）（七）项"),
        (WasteViolation, o, S::No, None, false, false, R::SameDay, None, false, "第三十条第（八）项"),
    ];
    let mut covered = BTreeSet::new();
    for &(f, kind, stop, report, rectify, workers, referral, ground, escalates, article) in table {
        let h = manage::handling(f, kind);
        let got = (
            h.stop_work,
            h.report_to,
            h.asks_rectification,
            h.updates_workers,
            h.referral,
            h.revocation_ground.map(RevocationGround::as_str),
            h.escalates,
        );
        assert_eq!(
            got,
            (stop, report, rectify, workers, referral, ground, escalates),
            "{f:?} {kind:?}"
        );
        assert!(
            h.article.starts_with(article),
            "{f:?}: {} should cite {article}",
            h.article
        );
        covered.insert(f.code().as_str());
    }
    assert_eq!(covered.len(), Finding::ALL.len());
    // Escalation is for engineering only (第三十条第（七）项 "限额以下小型工程").
    assert!(manage::handling(MajorHazard, e).escalates);
    assert!(!manage::handling(MajorHazard, o).escalates);
    // Findings other than F_MAJOR_HAZARD are handled the same on both kinds of work.
    for f in Finding::ALL.iter().filter(|f| **f != MajorHazard) {
        assert_eq!(manage::handling(*f, e), manage::handling(*f, o), "{f:?}");
    }
    assert!(R::SameDay.same_day() && !R::OnRefusal.same_day() && !R::Never.same_day());
}

// ── referral targets (第三十六条) ─────────────────────────────────────────────────────────────────────

#[track_caller]
fn referral(facts: Value, f: Finding) -> (String, Option<String>, Vec<String>) {
    let engine = Engine::embedded().unwrap();
    let parsed = engine
        .parse_json(&facts.to_string(), d("2026-05-06"))
        .unwrap();
    let r = engine.assess(&parsed);
    let t = engine.referral_target(f, &r);
    assert!(t.article.starts_with("第三十六条"), "{}", t.article);
    assert!(!t.because.is_empty());
    if let Some(dep) = t.department {
        assert_eq!(t.candidates[0], dep);
    }
    (
        t.code.as_str().to_owned(),
        t.department.map(str::to_owned),
        t.because.iter().map(|b| b.on.to_owned()).collect(),
    )
}

/// 依据：第三十六条第（一）至（四）项, 第三十条第（五）（六）项.
#[test]
fn referral_targets() {
    use Finding::*;
    let eng = engineering(json!({}));
    let odd = odd_job(json!({}));
    // (一) engineering safety violations → the street's comprehensive law-enforcement body.
    for f in [
        UnsafePractice,
        SeriousViolation,
        UncertifiedPersonnel,
        MajorHazard,
        Unregistered,
    ] {
        assert_eq!(
            referral(eng.clone(), f).0,
            "REF_STREET_ENFORCEMENT",
            "{f:?}"
        );
    }
    // (二) odd-job safety violations → the industry safety body (the street emergency office).
    for f in [UnsafePractice, SeriousViolation, MajorHazard] {
        let (code, dept, _) = referral(odd.clone(), f);
        assert_eq!(
            (code.as_str(), dept.as_deref()),
            ("REF_INDUSTRY_SAFETY", Some("EMERGENCY")),
            "{f:?}"
        );
    }
    // … hot work: the fire note (第十九条第（十四）项, 第三十八条).
    let (_, _, because) = referral(odd_job(json!({"hot_work": true})), UnsafePractice);
    assert!(because.iter().any(|b| b == "hot_work"), "{because:?}");
    let (_, _, because) = referral(odd.clone(), UnsafePractice);
    assert!(!because.iter().any(|b| b == "hot_work"));
    // 第三十条第（六）项: permit evasion → street enforcement, on any work.
    assert_eq!(
        referral(odd.clone(), PermitEvasion).0,
        "REF_STREET_ENFORCEMENT"
    );
    // (四) land and planning → REF_LAND_PLANNING, organised by URBAN.
    let (code, dept, _) = referral(eng.clone(), IllegalConstruction);
    assert_eq!(
        (code.as_str(), dept.as_deref()),
        ("REF_LAND_PLANNING", Some("URBAN"))
    );
    // (三) other violations (waste) → REF_DEPARTMENT, the work's department by domain.
    let (code, dept, _) = referral(eng, WasteViolation);
    assert_eq!(
        (code.as_str(), dept.as_deref()),
        ("REF_DEPARTMENT", Some("HOUSING"))
    );
    let (code, dept, _) = referral(odd_job(json!({"activity": "odd_signage"})), WasteViolation);
    assert_eq!(
        (code.as_str(), dept.as_deref()),
        ("REF_DEPARTMENT", Some("URBAN"))
    );
}

// ── published tables ────────────────────────────────────────────────────────────────────────────────

/// The ruleset view carries §9's tables, and every §9 code's wording (zh/en) and article.
#[test]
fn ruleset_view_has_the_tables() {
    let engine = Engine::embedded().unwrap();
    let plain = serde_json::to_value(engine.ruleset_view(d("2026-05-06"))).unwrap();
    assert!(plain.get("checklist_items").is_none() && plain.get("manage_codes").is_none());
    let v =
        serde_json::to_value(engine.ruleset_view_with_manage(d("2026-05-06")).unwrap()).unwrap();
    assert_eq!(v["inspection_kinds"].as_array().unwrap().len(), 6);
    assert_eq!(
        v["inspection_kinds"][0]["due_parameter"],
        "inspection_working_days"
    );
    assert_eq!(v["checklist_items"].as_array().unwrap().len(), 22);
    assert_eq!(v["findings"].as_array().unwrap().len(), 11);
    assert_eq!(v["referral_targets"].as_array().unwrap().len(), 4);
    let pipe = v["checklist_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "IC_PIPELINE_PROTECTION")
        .unwrap();
    assert_eq!(
        pipe["applies_when"],
        json!({"type": "any_fact", "of": ["earthwork", "excavation_depth_m"]})
    );
    for c in ManageCode::ALL {
        let t = &v["manage_codes"][c.as_str()];
        assert!(
            t["title"]["zh"].is_string() && t["title"]["en"].is_string(),
            "{c:?}"
        );
        assert!(t["article"].as_str().unwrap().starts_with('第'), "{c:?}");
    }
    // Texts take their numbers from the rule set's parameters.
    assert!(
        v["manage_codes"]["F_UNREGISTERED"]["explain"]["en"]
            .as_str()
            .unwrap()
            .contains("3 working days")
    );
    assert_eq!(
        v["parameters"]["rectify_working_days"]["product_policy"],
        true
    );
}

// ── data checked at load; texts follow the rule set ───────────────────────────────────────────────

/// §9's wording is checked when loaded: every code has wording, no text writes a parameter's number.
#[test]
fn manage_wording_is_checked_at_load() {
    let engine = Engine::embedded().unwrap();
    assert!(engine.manage_data().is_ok());
    let good: Value = serde_json::from_str(anbei_core::engine::embedded_manage_source()).unwrap();
    let load = |v: &Value| {
        let e = Engine::embedded().unwrap();
        e.load_manage_from(&v.to_string(), &anbei_core::SerdeJson)
            .err()
            .map(|e| e.0)
    };
    assert_eq!(load(&good), None);
    let mut missing = good.clone();
    missing["manage_codes"]
        .as_object_mut()
        .unwrap()
        .remove("IC_GAS_WORK");
    assert!(load(&missing).unwrap().contains("IC_GAS_WORK"));
    let mut stranger = good.clone();
    stranger["manage_codes"]["IC_NOT_IN_SPEC"] = good["manage_codes"]["IC_GAS_WORK"].clone();
    assert!(load(&stranger).unwrap().contains("IC_NOT_IN_SPEC"));
    let mut number = good.clone();
    number["manage_codes"]["F_UNREGISTERED"]["explain"]["zh"] = json!("督促在3个工作日内办理登记");
    assert!(
        load(&number).unwrap().contains("working_days"),
        "{:?}",
        load(&number)
    );
    let mut article = good.clone();
    article["manage_codes"]["IC_GAS_WORK"]["article"] = json!("第十条");
    assert!(load(&article).unwrap().contains("article"));
    let mut word = good;
    word["manage_words"]
        .as_object_mut()
        .unwrap()
        .remove("ic_high_risk");
    assert!(load(&word).unwrap().contains("ic_high_risk"));
}

/// codes.json `checklist_findings` (§9.2 "a `finding` names one or more finding codes") is checked when
/// loaded: every checklist item and only those, known findings once each, `F_MAJOR_HAZARD` on every item
/// (第三十条第（七）项); the checklist carries each item's list.
#[test]
fn checklist_findings_are_checked_at_load() {
    let good: Value = serde_json::from_str(anbei_core::engine::embedded_manage_source()).unwrap();
    let load = |v: &Value| {
        let e = Engine::embedded().unwrap();
        e.load_manage_from(&v.to_string(), &anbei_core::SerdeJson)
            .err()
            .map(|e| e.0)
    };
    assert_eq!(load(&good), None);
    let bad = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        load(&v).unwrap_or_else(|| panic!("accepted: {}", v["checklist_findings"]))
    };
    assert!(
        bad(&|v| {
            v["checklist_findings"]
                .as_object_mut()
                .unwrap()
                .remove("IC_GAS_WORK");
        })
        .contains("IC_GAS_WORK")
    );
    assert!(
        bad(&|v| v["checklist_findings"]["IC_NOPE"] = json!(["F_MAJOR_HAZARD"]))
            .contains("IC_NOPE")
    );
    assert!(
        bad(&|v| v["checklist_findings"]["F_MAJOR_HAZARD"] = json!(["F_MAJOR_HAZARD"]))
            .contains("F_MAJOR_HAZARD")
    );
    assert!(
        bad(&|v| v["checklist_findings"]["IC_GAS_WORK"] = json!(["F_NOPE", "F_MAJOR_HAZARD"]))
            .contains("F_NOPE")
    );
    assert!(
        bad(&|v| v["checklist_findings"]["IC_GAS_WORK"] =
            json!(["F_MAJOR_HAZARD", "F_MAJOR_HAZARD"]))
        .contains("twice")
    );
    assert!(
        bad(&|v| v["checklist_findings"]["IC_GAS_WORK"] = json!(["F_SERIOUS_VIOLATION"]))
            .contains("F_MAJOR_HAZARD")
    );
    // Every item of the embedded data allows the major hazard, and the checklist carries the list.
    let engine = Engine::embedded().unwrap();
    for (item, list) in good["checklist_findings"].as_object().unwrap() {
        let code = ManageCode::from_str(item).unwrap();
        let given: Vec<&str> = engine
            .item_findings(code)
            .iter()
            .map(|f| f.code().as_str())
            .collect();
        let want: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(given, want, "{item}");
        assert!(given.contains(&"F_MAJOR_HAZARD"), "{item}");
    }
    assert!(engine.item_findings(ManageCode::F_MAJOR_HAZARD).is_empty());
}

/// Day counts are the rule set's parameters: a rule set with `rectify_working_days` 5 and
/// `inspection_working_days` 2 moves the dates, and the texts quote the new numbers.
#[test]
fn day_counts_follow_the_rule_set() {
    let mut rs: Value =
        serde_json::from_str(include_str!("../data/rulesets/longgang-2026.1-draft.json")).unwrap();
    rs["parameters"]["rectify_working_days"]["value"] = json!(5);
    rs["parameters"]["inspection_working_days"]["value"] = json!(2);
    let rs = rs.to_string();
    let mut src = anbei_core::embedded_sources();
    src.rulesets = vec![&rs];
    let engine = Engine::from_sources(&src).unwrap();
    // Fri 05-08 + 5: Sat 05-09 (worked), Mon 05-11 … Thu 05-14.
    assert_eq!(
        engine.rectify_by(d("2026-05-08")).date.to_string(),
        "2026-05-14"
    );
    // Wed 09-30 + 2: Thu 10-08, Fri 10-09.
    let due = engine
        .inspection_due(K::HighRisk, d("2026-09-30"), false)
        .unwrap();
    assert_eq!(due.date.to_string(), "2026-10-09");
    let v =
        serde_json::to_value(engine.ruleset_view_with_manage(d("2026-05-06")).unwrap()).unwrap();
    let explain = v["manage_codes"]["F_UNREGISTERED"]["explain"]["en"]
        .as_str()
        .unwrap();
    assert!(explain.contains("within 5 working days"), "{explain}");
}

/// The §8 result's `inspection_due` and §9's agree (依据：第三十二条第（一）项): one count, one calendar.
#[test]
fn result_and_schedule_agree() {
    let engine = Engine::embedded().unwrap();
    for day in ["2026-02-13", "2026-09-30", "2026-12-30"] {
        let facts = engineering(json!({"lifting": true, "registration_date": day}));
        let f = engine.parse_json(&facts.to_string(), d(day)).unwrap();
        let r = engine.assess(&f);
        assert_eq!(r.high_risk, Some(true));
        let due = engine.inspection_due(K::HighRisk, d(day), false).unwrap();
        assert_eq!(r.deadlines.inspection_due, Some(due.date), "{day}");
    }
}
