//! The parsers of issue 16, items 2 and 3 (api/src/signing.rs), on untrusted input: a QR code's content
//! or fragment (`parse_qr`, `ReceiptPayload::parse` of payload versions 1 and 2), a verification code as
//! a person types it (`parse_code`), and the site address normalisation the site hash covers. None may
//! panic; a parsed payload writes back to exactly the text it was read from; a parsed code is 8
//! characters of its alphabet and parses to itself; normalising is idempotent.
#![no_main]
use anbei_api::signing::{ReceiptPayload, normalise_site, parse_code, parse_qr, site_hash, site_matches};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(p) = ReceiptPayload::parse(text) {
        assert_eq!(p.canonical(), text, "parse then write is the identity");
        assert!(p.version == 1 || p.version == 2);
        let _ = site_matches(&p, text);
    }
    if let Some((p, kid, sig)) = parse_qr(text) {
        assert!(!kid.contains(';') && !sig.contains(';'));
        assert!(text.contains(&p.canonical()));
    }
    if let Some(c) = parse_code(text) {
        assert_eq!(c.len(), 8);
        assert!(c.bytes().all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b)), "{c}");
        assert_eq!(parse_code(&c).as_deref(), Some(c.as_str()));
    }
    let n = normalise_site(text);
    assert_eq!(normalise_site(&n), n, "normalising is idempotent");
    assert_eq!(site_hash("LG-1", text), site_hash("LG-1", &n));
});
