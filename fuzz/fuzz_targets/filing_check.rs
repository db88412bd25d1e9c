//! Submission parsing and validation (api/src/error.rs `parse_json_value`, api/src/filing.rs `check` and
//! the shared checks of filing/src/check.rs):
//! any bytes → a precise error or a checked filing. No panic, no hang; the hand-written JSON writers
//! agree with serde_json.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let engine = common::engine();
    let Ok(v) = anbei_api::error::parse_json_value(data) else { return };
    let today = common::today();
    // The canonical form (Idempotency-Key hashes) is serde_json's output of the sorted tree.
    assert_eq!(anbei_api::filing::canonical(&v), serde_json::to_string(&v).expect("serialise"));
    if let Ok(c) = anbei_api::filing::check(engine, v.clone(), today, "2026-11-23T10:00:00.000+08:00") {
        let _ = c.filing.masked();
        assert!(!c.assessment.is_empty());
        // The stored request is written by hand; it must stay serde_json's bytes.
        assert_eq!(c.filing.to_json(), serde_json::to_string(&c.filing).expect("serialise"));
    }
});
