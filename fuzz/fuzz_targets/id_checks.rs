//! ID number, credit code, mobile and free-text checkers, and the masks (api/src/validate.rs).
#![no_main]
use anbei_api::validate::{self, CreditCode, IdNumber, Mobile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = IdNumber::parse(s) {
        // A valid number carries its own check character.
        let t = id.as_str();
        assert_eq!(t.len(), 18);
        assert_eq!(validate::id_check_char(&t[..17]), t.chars().nth(17));
        let _ = id.masked();
    }
    if let Ok(c) = CreditCode::parse(s) {
        let t = c.as_str();
        assert_eq!(validate::credit_check_char(&t[..17]), t.chars().nth(17));
    }
    let _ = validate::id_check_char(s);
    let _ = validate::credit_check_char(s);
    if let Ok(m) = Mobile::parse(s) {
        let _ = m.masked();
    }
    for max in [1, 50, 200] {
        if let Ok(t) = validate::text(s, max) {
            assert!(t.chars().count() <= max && !t.is_empty());
        }
    }
    let _ = validate::mask_id(s);
    let _ = validate::mask_name(s);
});
