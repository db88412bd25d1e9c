//! # anbei-core
//!
//! The rules engine of Anbei (安备): Longgang District's safety registration of small projects and odd
//! jobs (《龙岗区限额以下小型工程和零星作业安全生产纳管实施细则》). Facts in, determination out — every
//! determination carries its stable code, the article it comes from and a reason in Chinese and English.
//!
//! ```
//! use anbei_core::{Engine, Date, Code};
//!
//! let engine = Engine::embedded().expect("embedded rule data is valid");
//! let today = Date::parse("2026-05-06").unwrap();
//! let facts = engine.parse_json(r#"{
//!     "activity": "nonresidential_decoration", "contract_amount_yuan": 420000,
//!     "construction_area_m2": 260, "excavation_depth_m": 3.2, "registration_date": "2026-05-06",
//!     "emergency_rescue": false, "temporary_building": false, "illegal_addition": false
//! }"#, today).unwrap();
//! let result = engine.assess(&facts);
//! let deep = result.high_risk_triggers.iter().find(|t| t.code == Code::HR_DEEP_EXCAVATION).unwrap();
//! assert_eq!(deep.article, "第三条第（六）项");
//! assert_eq!(deep.because.en, "excavation depth 3.2 m ≥ 3 m");
//! assert_eq!(result.high_risk, Some(true));
//! assert_eq!(result.missing_facts[0], "structural_change"); // what the interview asks next
//! ```
//!
//! The crate is pure: no I/O, no clock, no global state. Rule parameters, activity and venue tables,
//! wording and holiday calendars are versioned data files under `data/`, embedded at build time and
//! checked as a whole when loaded. With the `wasm` feature it exports `assess(facts)`, `ruleset()` and
//! `checklist(kind, facts, escalated)` to JavaScript.
//!
//! ## After registration (rules.md §9): [`manage`]
//!
//! | function | gives |
//! |---|---|
//! | [`Engine::checklist`]`(kind, &facts, &result, escalated)` | the `IC_*` items of an inspection, each with its article, zh/en text and `because` (the fact or determination it rests on) |
//! | [`Engine::inspection_due`]`(kind, from, escalated)` | when `INSPECTION_HIGH_RISK` / `INSPECTION_COMPLETION` fall due, in working days on the holiday calendar (`provisional` past the known years) |
//! | [`Engine::rectify_by`]`(found_on)` | the default `rectify_by` (`rectify_working_days`, product policy) |
//! | [`manage::handling`]`(finding, kind)` | what a finding stops, reports, asks, refers and revokes (§9.3, 第三十条, 第二十五条) |
//! | [`Engine::referral_target`]`(finding, &result)` | the suggested `REF_*` target and department (第三十六条) |
//! | [`manage::referral_late`], [`manage::is_overdue`] | late same-day referrals, overdue inspections and rectifications |
//! | [`Engine::ruleset_view_with_manage`]`(date)` | the published rule set plus §9's tables and wording |
//!
//! §9's wording is codes.json's `manage_codes` / `manage_words`, embedded apart and loaded on first use
//! ([`Engine::manage_data`]; in wasm32 builds call [`Engine::load_manage_with`] with the shell's parser
//! first), so the widget, which shows no inspection, carries none of it.
//!
//! ## Where a change goes
//!
//! | to change … | edit … |
//! |---|---|
//! | a threshold or a day count (3 m, ¥1,000,000, 3 working days…) | its parameter in `data/rulesets/<rule set>.json`, or a new rule-set file that `amends` it from a date — every text that shows it says `{parameter}` and follows |
//! | when a code applies, or the article it cites | its rule in `src/rules/<section>.rs` (`scope`, `high_risk`, `supervision`, `documents`, `obligations`, `channels`, `departments`, `deadlines`, and §9's `inspections`; find it by its article: `grep 第三条第（六）项 src/rules`) |
//! | a §9 code (inspection kind, checklist item, finding's handling, referral target) | `ManageCode` in `src/result.rs`, its unit in `src/rules/inspections.rs`, its wording in codes.json `manage_codes`, the findings a checklist item may record in `checklist_findings` (keep `manage_codes` / `manage_words` / `checklist_findings` the last keys) |
//! | a code's wording (title, reason, explanation), a note, a question or its help | `data/codes.json`, or the facts table of the rule set — never write a parameter's number there (load refuses it) |
//! | an activity (typical item) or a venue | the rule set's `activities` / `venues`: its article items, departments and flags (`D` decoration, `L` no building area, `P` asked `public_safety_structure`) |
//! | a new code | `codes!` in `src/result.rs`, a rule in its section, its wording in `data/codes.json`, a golden scenario in `tests/data/scenarios.json` |
//! | a year's public holidays | a file under `data/calendars/` and its line in `build.rs` and `embedded_sources` |
//!
//! Each rule in `src/rules/` is one named unit — code, article, condition, reason — with the article's
//! wording quoted in its doc comment. Conditions are three-valued ([`Tri`]): an unknown fact makes a
//! determination unknown, and what it still depends on is what the interview asks next (`missing_facts`).

pub mod assess;
pub mod calendar;
mod check;
pub mod date;
pub mod engine;
pub mod facts;
pub mod input;
pub mod json;
pub mod manage;
pub mod model;
pub mod result;
mod rules;
pub mod share;
mod text;
pub mod view;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use assess::Tri;
pub use date::Date;
pub use engine::{
    DataError, DataParser, DataSources, Engine, Ruleset, SerdeJson, embedded_sources,
};
pub use facts::{Fact, Facts, FactsError, FieldError, RawFacts};
pub use manage::{ChecklistItem, Finding, InspectionKind, ManageCode, Referral};
pub use result::{Assessment, Code};
