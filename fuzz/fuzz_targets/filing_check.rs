//! Submission parsing and validation (api/src/error.rs `parse_json_value`, api/src/filing.rs `check`):
//! any bytes → a precise error or a checked filing. No panic, no hang.
#![no_main]
use anbei_core::{Date, Engine};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| Engine::embedded().expect("embedded rule data"));
    let Ok(v) = anbei_api::error::parse_json_value(data) else { return };
    let today = Date::parse("2026-11-23").expect("date");
    let _ = anbei_api::filing::canonical(&v);
    if let Ok(c) = anbei_api::filing::check(engine, &v, today) {
        let _ = c.filing.masked();
        assert!(!c.assessment.is_empty());
    }
});
