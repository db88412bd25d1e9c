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
    // Sealing rewrites the request through serde_json once; serde_json's float parse is not exactly
    // round-trip for extreme literals (`130150222000…0698` reads back a last bit off), so the object is
    // compared with v as serde_json itself writes and reads it: sealing changes nothing else.
    let written: serde_json::Value = serde_json::from_str(&v.to_string()).unwrap();
    assert!(back == v || back == written, "{back} != {v}");
});
