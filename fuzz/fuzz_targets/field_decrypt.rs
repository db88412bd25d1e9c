//! The stored form of encrypted personal fields (issue 16, item 6; api/src/store/fieldcrypt.rs) on
//! untrusted input: a stored request as a database copy could hold it. Opening it never panics (a value
//! that does not decrypt is an error naming the field); any JSON object sealed and opened again is the
//! same object.
#![no_main]
use anbei_api::store::fieldcrypt::{FieldKey, open_request, register, seal_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let key = FieldKey::new("fld_fuzz", &[7; 32]);
    register(&key);
    let _ = open_request("F-1", text.to_owned());
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return };
    if !v.is_object() {
        return;
    }
    let sealed = seal_request(Some(&key), "F-1", text).expect("a JSON object seals");
    let opened = open_request("F-1", sealed).expect("what was sealed opens");
    let back: serde_json::Value = serde_json::from_str(&opened).unwrap();
    // Sealing and opening each rewrite the request through serde_json; the api parses floats exactly
    // (its float_roundtrip feature), so even a long float literal comes back as the same number.
    assert_eq!(back, v, "sealing and opening changed the request");
});
