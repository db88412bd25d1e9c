//! Receipt verification (api/src/signing.rs): an arbitrary QR payload `<url>#<payload>;<kid>;<sig>` is
//! parsed and checked against the key; nothing but the genuine signed payload may verify.
#![no_main]
use anbei_api::signing::{ReceiptPayload, Signer, verify_with};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SIGNER: OnceLock<(Signer, String, String)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (signer, genuine_payload, genuine_sig) = SIGNER.get_or_init(|| {
        let s = Signer::from_seed([42; 32]);
        let p = ReceiptPayload {
            version: 2,
            receipt_no: "LG-bantian-20261123-000001",
            filing_no: "F-bantian-20261123-000001",
            site_hash: "AAAAAAAAAAAAAAAA",
            ruleset: "longgang-small-works",
            scope: "SMALL_PROJECT",
            high_risk: false,
            street: "bantian",
            valid_until: "2027-05-23",
            issued_at: "2026-11-23T10:00:00.000+08:00",
        };
        let sig = s.sign(&p);
        (s, p.canonical(), sig)
    });
    let Ok(qr) = std::str::from_utf8(data) else { return };
    let frag = qr.split_once('#').map_or(qr, |(_, f)| f);
    let mut parts = frag.rsplitn(3, ';');
    let (Some(sig), Some(_kid), Some(payload)) = (parts.next(), parts.next(), parts.next()) else { return };
    let ok = verify_with(&signer.public_key(), payload, sig);
    if ok {
        // Ed25519 is strongly unforgeable (dalek `verify` rejects malleated signatures): only the
        // genuine pair can verify.
        assert_eq!(payload, genuine_payload);
        assert_eq!(sig, genuine_sig);
    }
    let _ = verify_with(&signer.public_key(), genuine_payload, sig);
});
