//! Facts parsing + assessment (core/src/facts.rs, engine.rs `parse_json`/`parse_facts`, assess): any
//! bytes → either a FactsError or an assessment whose JSON writer agrees with serde_json. No panic, no hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let engine = common::engine();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let today = common::today();
    if let Ok(facts) = engine.parse_json(text, today) {
        let a = engine.assess(&facts);
        let fast = a.to_json();
        let slow = serde_json::to_string(&a).expect("serialisable");
        assert_eq!(fast, slow, "hand-written JSON writer disagrees with serde_json");
        let _ = engine.assess(&facts).missing_facts.len();
    }
});
