//! Access tokens that a copy of the database does not give away (issue 16, item 5).
//!
//! - The client's Idempotency-Key is stored only as `sha256:<hex>` ([`stored_idempotency_key`]); the
//!   applicant's and the contractor's codes are derived (HMAC, under the token secret of the keyring,
//!   sealed under the KEK) from that stored form, and only the applicant's code's hash is kept. A copy of
//!   the database without the KEK derives no code; the clear key is never written anywhere.
//! - A replay of the filing request returns the codes only within [`REPLAY_WINDOW_MS`] of the original
//!   request, and only while they are the ones in force (not re-issued); after that the answer is the
//!   filing number and "use your access code".
//! - An officer re-issues an applicant's code after checking the applicant's identity
//!   (`POST /api/v1/registrations/{filing_no}/access-token`): a new random code, the old one stops
//!   working, audited.
//! - Rows stored before this version held the key in clear: at start they are hashed in place
//!   ([`hash_legacy_keys`]), keeping the hash of the contractor's code that was derived from the clear
//!   key so that it keeps working.

use crate::signing::{Signer, sha256_hex};
use crate::store::{StaffOp, Store};

/// A replay returns the access codes within 24 h of the original request.
pub const REPLAY_WINDOW_MS: i64 = 24 * 3600 * 1000;

const STORED_PREFIX: &str = "sha256:";

/// The stored form of a client's Idempotency-Key.
pub fn stored_idempotency_key(key: &str) -> String {
    format!("{STORED_PREFIX}{}", sha256_hex(key.as_bytes()))
}

/// A new random applicant access code (re-issued by an officer) and the hash stored for it.
pub fn new_access_token() -> Result<(String, String), String> {
    use base64::Engine as _;
    let t = format!(
        "anb_a_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(crate::signing::random_bytes::<32>()?)
    );
    let h = sha256_hex(t.as_bytes());
    Ok((t, h))
}

/// Hashes in place the Idempotency-Keys of filings stored in clear before this version, in batches;
/// returns how many. Run at start, after the keyring is loaded (the contractor's code is derived from
/// the key in clear one last time, and its hash kept). Safe beside other instances doing the same.
pub async fn hash_legacy_keys(store: &dyn Store, signer: &Signer) -> Result<usize, String> {
    let mut done = 0;
    loop {
        let rows = store
            .legacy_idempotency_keys(500)
            .await
            .map_err(|e| format!("cannot read the filings' Idempotency-Keys: {e}"))?;
        if rows.is_empty() {
            return Ok(done);
        }
        let n = rows.len();
        let ops = rows
            .into_iter()
            .map(|r| StaffOp::HashIdempotencyKey {
                contractor_token_hash: sha256_hex(
                    signer
                        .contractor_token(&r.created_at, &r.filing_no, &r.idempotency_key)
                        .as_bytes(),
                ),
                new: stored_idempotency_key(&r.idempotency_key),
                filing_no: r.filing_no,
                old: r.idempotency_key,
            })
            .collect();
        store
            .staff_write(ops, vec![])
            .await
            .map_err(|e| format!("cannot hash the filings' Idempotency-Keys: {e}"))?;
        done += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_key_is_a_prefixed_sha256_and_new_codes_are_random() {
        let k = stored_idempotency_key("abc");
        assert_eq!(
            k,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let (a, ha) = new_access_token().unwrap();
        let (b, _) = new_access_token().unwrap();
        assert!(a.starts_with("anb_a_") && a.len() > 40, "{a}");
        assert_ne!(a, b);
        assert_eq!(ha, sha256_hex(a.as_bytes()));
    }
}
