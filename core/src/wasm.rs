//! JavaScript bindings (feature `wasm`): `assess(facts)`, `ruleset()` and `checklist(kind, facts, escalated)`.
//!
//! This shell is the only place that touches the outside world: it reads "today" in Asia/Shanghai from the
//! JavaScript clock and keeps one parsed engine per instance; the core stays pure.

use crate::{Date, Engine, RawFacts};
use serde::Serialize;
use std::cell::OnceCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static ENGINE: OnceCell<Result<Engine, String>> = const { OnceCell::new() };
}

fn with_engine<R>(f: impl FnOnce(&Engine) -> Result<R, JsValue>) -> Result<R, JsValue> {
    ENGINE.with(|cell| {
        match cell.get_or_init(|| {
            Engine::from_sources_with(&crate::embedded_sources(), &JsJson)
                .map_err(|e| e.to_string())
        }) {
            Ok(e) => f(e),
            Err(msg) => Err(JsValue::from_str(msg)),
        }
    })
}

/// The browser's `JSON.parse`, then serde-wasm-bindgen: no JSON parser compiled into the module.
pub struct JsJson;

impl crate::engine::DataParser for JsJson {
    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        text: &str,
    ) -> Result<T, crate::DataError> {
        let v =
            js_sys::JSON::parse(text).map_err(|_| crate::DataError(format!("{what}: not JSON")))?;
        serde_wasm_bindgen::from_value(v).map_err(|e| crate::DataError(format!("{what}: {e}")))
    }
}

/// Today's civil date in Asia/Shanghai (UTC+8, no daylight saving).
pub fn today_shanghai() -> Date {
    let ms = js_sys::Date::now() + 8.0 * 3_600_000.0;
    let days = (ms / 86_400_000.0).floor() as i32;
    Date::from_ymd(1970, 1, 1).map_or_else(
        || Date::from_ymd(2000, 1, 1).unwrap_or_else(unreachable_date),
        |d| d.add_days(days),
    )
}

fn unreachable_date() -> Date {
    // 1970-01-01 and 2000-01-01 are valid dates; this is never reached.
    Date::parse("1970-01-01").unwrap_or_else(unreachable_date)
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Assesses one facts object. Returns the §8 result, or `{error: {...}}` naming every bad key.
#[wasm_bindgen]
pub fn assess(facts: JsValue) -> Result<JsValue, JsValue> {
    assess_with_today(facts, today_shanghai())
}

/// Like `assess`, with "today" given (`YYYY-MM-DD`) instead of read from the clock.
#[wasm_bindgen(js_name = assessOn)]
pub fn assess_on(facts: JsValue, today: &str) -> Result<JsValue, JsValue> {
    match Date::parse(today) {
        Some(d) => assess_with_today(facts, d),
        None => Err(JsValue::from_str("today must be YYYY-MM-DD")),
    }
}

fn assess_with_today(facts: JsValue, today: Date) -> Result<JsValue, JsValue> {
    with_engine(|engine| {
        let raw: RawFacts = match serde_wasm_bindgen::from_value(facts) {
            Ok(r) => r,
            Err(e) => return to_js(&serde_json_error(&e.to_string())),
        };
        match engine.parse_facts(raw, today) {
            Ok(f) => to_js(&engine.assess(&f)),
            Err(e) => to_js(&ErrorBody { error: e }),
        }
    })
}

/// The checklist of an inspection (rules.md §9.2) of a work with these facts: `[{code, article, text,
/// because: [{on, text}]}]`, offline. `kind` is an `INSPECTION_*` code; `escalated`: an officer confirmed
/// `F_MAJOR_HAZARD` on this engineering work. Bad facts give `{error: {...}}` like `assess`.
#[wasm_bindgen]
pub fn checklist(kind: &str, facts: JsValue, escalated: bool) -> Result<JsValue, JsValue> {
    let Some(kind) = crate::manage::InspectionKind::from_code(kind) else {
        return Err(JsValue::from_str("kind must be an INSPECTION_* code"));
    };
    with_engine(|engine| {
        let raw: RawFacts = match serde_wasm_bindgen::from_value(facts) {
            Ok(r) => r,
            Err(e) => return to_js(&serde_json_error(&e.to_string())),
        };
        match engine.parse_facts(raw, today_shanghai()) {
            Ok(f) => {
                engine
                    .load_manage_with(&JsJson)
                    .map_err(|e| JsValue::from_str(&e.to_string()))?;
                to_js(&engine.checklist(kind, &f, &engine.assess(&f), escalated))
            }
            Err(e) => to_js(&ErrorBody { error: e }),
        }
    })
}

/// The rule set in force today: questions, tables, wording, parameters, and §9's tables and wording.
#[wasm_bindgen]
pub fn ruleset() -> Result<JsValue, JsValue> {
    with_engine(|engine| {
        engine
            .load_manage_with(&JsJson)
            .map_err(|e| JsValue::from_str(&e.to_string()))?;
        match engine.ruleset_view_with_manage(today_shanghai()) {
            Ok(v) => to_js(&v),
            Err(e) => Err(JsValue::from_str(&e.to_string())),
        }
    })
}

#[derive(Serialize)]
struct ErrorBody {
    error: crate::FactsError,
}

fn serde_json_error(msg: &str) -> ErrorBody {
    ErrorBody {
        error: crate::FactsError::json(msg),
    }
}
