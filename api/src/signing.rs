//! Ed25519 receipt signatures and the service's secrets, from one key file under the data directory.
//!
//! The signed payload is canonical text (fields never contain `;`):
//! `ANBEI1;<receipt_no>;<ruleset id>;<scope>;<high_risk 0|1>;<street>;<valid_until>;<issued_at>`.
//! The QR code carries `<public url>/v/<receipt_no>#<payload>;<key id>;<signature base64url>` (the scan
//! page), so a verifier with the published key (`GET /api/v1/keys`) can check a printed receipt offline
//! — and the scan page checks it in the phone's browser with the keys inlined into it.
//!
//! The store numbers and keeps receipts but holds no key: it asks a [`Sealer`] — [`Signer`] here — to
//! sign each receipt and to hash each access token, so that keys (and, later, their rotation) live
//! only in this module.

use crate::store::{Receipt, Seal, Sealer};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The contractor's access code starts with this (the applicant's with `anb_a_`).
pub const CONTRACTOR_TOKEN_PREFIX: &str = "anb_c_";
const KEY_FILE: &str = "receipt-signing.key";
const KEY_PREFIX: &str = "anbei-ed25519-seed-v1:";

pub struct Signer {
    key: SigningKey,
    kid: String,
    token_key: [u8; 32],
    /// Derives the contractors' access codes ([`Signer::contractor_token`]).
    contractor_key: [u8; 32],
}

/// The fields of a receipt that are signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptPayload<'a> {
    pub receipt_no: &'a str,
    pub ruleset: &'a str,
    pub scope: &'a str,
    pub high_risk: bool,
    pub street: &'a str,
    pub valid_until: &'a str,
    pub issued_at: &'a str,
}

impl Receipt {
    /// What is signed of this receipt.
    pub fn payload(&self) -> ReceiptPayload<'_> {
        ReceiptPayload {
            receipt_no: &self.receipt_no,
            ruleset: &self.ruleset,
            scope: &self.scope,
            high_risk: self.high_risk,
            street: &self.street,
            valid_until: &self.valid_until,
            issued_at: &self.issued_at,
        }
    }
}

impl ReceiptPayload<'_> {
    pub fn canonical(&self) -> String {
        format!(
            "ANBEI1;{};{};{};{};{};{};{}",
            self.receipt_no,
            self.ruleset,
            self.scope,
            if self.high_risk { 1 } else { 0 },
            self.street,
            self.valid_until,
            self.issued_at
        )
    }
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(b)
}

pub fn sha256_hex(b: &[u8]) -> String {
    hex(&Sha256::digest(b))
}

pub fn hex(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(char::from(H[usize::from(x >> 4)]));
        s.push(char::from(H[usize::from(x & 15)]));
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Where the signing key of a data directory lives.
pub fn key_path(dir: &Path) -> std::path::PathBuf {
    dir.join(KEY_FILE)
}

impl Signer {
    /// Loads the key from `dir`, creating it (mode 0600) on first start. A key file that exists but
    /// cannot be read or parsed is an error: the service must not silently switch keys.
    pub fn load_or_create(dir: &Path) -> Result<Signer, String> {
        let path = dir.join(KEY_FILE);
        if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "signing key {} exists but cannot be read: {e}",
                    path.display()
                )
            })?;
            let seed = text
                .trim()
                .strip_prefix(KEY_PREFIX)
                .and_then(unhex)
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
                .ok_or_else(|| format!("signing key {} is corrupt (expected `{KEY_PREFIX}<64 hex digits>`); restore it from backup or move it away to create a new key", path.display()))?;
            return Ok(Signer::from_seed(seed));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
        let seed = random_bytes::<32>()?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&path) {
            Ok(mut f) => {
                f.write_all(format!("{KEY_PREFIX}{}\n", hex(&seed)).as_bytes())
                    .and_then(|_| f.sync_all())
                    .map_err(|e| format!("cannot write signing key {}: {e}", path.display()))?;
                Ok(Signer::from_seed(seed))
            }
            // Another instance created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Signer::load_or_create(dir),
            Err(e) => Err(format!("cannot create signing key {}: {e}", path.display())),
        }
    }

    pub fn from_seed(seed: [u8; 32]) -> Signer {
        let key = SigningKey::from_bytes(&seed);
        let kid = hex(&Sha256::digest(key.verifying_key().as_bytes())[..8]);
        let mut h = Sha256::new();
        h.update(b"anbei access-token key v1\0");
        h.update(seed);
        let mut c = Sha256::new();
        c.update(b"anbei contractor-token key v1\0");
        c.update(seed);
        Signer {
            key,
            kid,
            token_key: h.finalize().into(),
            contractor_key: c.finalize().into(),
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Signature over the canonical payload, base64url without padding.
    pub fn sign(&self, p: &ReceiptPayload<'_>) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(p.canonical().as_bytes()).to_bytes())
    }

    pub fn verify(&self, p: &ReceiptPayload<'_>, sig_b64: &str) -> bool {
        verify_with(&self.public_key(), &p.canonical(), sig_b64)
    }

    /// The applicant's access token for a filing: derived (HMAC) from the filing number and the
    /// client's Idempotency-Key, so a retried request gets the same token back while only its hash is
    /// stored.
    pub fn access_token(&self, filing_no: &str, idempotency_key: &str) -> String {
        let mut m = match Hmac::<Sha256>::new_from_slice(&self.token_key) {
            Ok(m) => m,
            Err(_) => return String::new(), // unreachable: HMAC takes any key length
        };
        m.update(filing_no.as_bytes());
        m.update(b"\0");
        m.update(idempotency_key.as_bytes());
        format!(
            "anb_a_{}",
            URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
        )
    }

    /// The access code of the contractor named in a filing (rules.md §10, *product policy*): derived
    /// like the applicant's, from the filing number and the Idempotency-Key, under a key of its own
    /// (so neither code can be computed from the other), and with its own prefix `anb_c_`. It is not
    /// stored at all, not even hashed: a request bearing it is checked by deriving it again.
    pub fn contractor_token(&self, filing_no: &str, idempotency_key: &str) -> String {
        let mut m = match Hmac::<Sha256>::new_from_slice(&self.contractor_key) {
            Ok(m) => m,
            Err(_) => return String::new(), // unreachable: HMAC takes any key length
        };
        m.update(filing_no.as_bytes());
        m.update(b"\0");
        m.update(idempotency_key.as_bytes());
        format!(
            "{CONTRACTOR_TOKEN_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
        )
    }

    /// JSON for `GET /api/v1/keys`.
    pub fn jwks(&self) -> serde_json::Value {
        let pk = self.public_key();
        serde_json::json!({
            "keys": [{
                "kid": self.kid, "alg": "Ed25519", "kty": "OKP", "crv": "Ed25519", "use": "sig",
                "x": URL_SAFE_NO_PAD.encode(pk.as_bytes()),
                "public_key_base64": STANDARD.encode(pk.as_bytes()),
                "public_key_hex": hex(pk.as_bytes()),
            }],
            "payload_format": "ANBEI1;<receipt_no>;<ruleset>;<scope>;<high_risk 0|1>;<street>;<valid_until>;<issued_at>",
            "signature_encoding": "base64url, no padding, Ed25519 over the UTF-8 payload",
            "qr_format": "<public url>/v/<receipt_no>#<payload>;<kid>;<signature>",
        })
    }
}

impl Sealer for Signer {
    fn seal(&self, receipt: &Receipt) -> Seal {
        Seal {
            kid: self.kid.clone(),
            signature: self.sign(&receipt.payload()),
        }
    }

    /// SHA-256 (hex) of [`Signer::access_token`] — the only form in which the token is stored.
    fn access_token_hash(&self, filing_no: &str, idempotency_key: &str) -> String {
        sha256_hex(self.access_token(filing_no, idempotency_key).as_bytes())
    }
}

/// Checks a base64url signature over `payload` with `key`.
pub fn verify_with(key: &VerifyingKey, payload: &str, sig_b64: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(sig_b64) else {
        return false;
    };
    let Ok(arr) = <[u8; 64]>::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(payload.as_bytes(), &Signature::from_bytes(&arr))
        .is_ok()
}

/// Constant-time equality (length is not secret): tokens and their hashes are compared with this, so
/// response timing says nothing about how much of a guess was right.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// A new officer token (shown once) and the hash stored for it.
pub fn new_officer_token() -> Result<(String, String), String> {
    let t = format!("anb_o_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()?));
    let h = sha256_hex(t.as_bytes());
    Ok((t, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A receipt as the store holds it, not yet sealed.
    fn receipt() -> Receipt {
        Receipt {
            receipt_no: "LG-bantian-20261123-000001".into(),
            filing_no: "F-bantian-20261123-000001".into(),
            street: "bantian".into(),
            ruleset: "r".into(),
            scope: "SCOPE_SMALL_PROJECT".into(),
            high_risk: false,
            valid_until: "2027-05-23".into(),
            issued_at: "t".into(),
            signature: String::new(),
            kid: String::new(),
        }
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let s = Signer::from_seed([7; 32]);
        let r = receipt();
        let p = r.payload();
        let sig = s.sign(&p);
        assert!(s.verify(&p, &sig));
        let q = ReceiptPayload {
            high_risk: true,
            ..p.clone()
        };
        assert!(!s.verify(&q, &sig));
        assert_eq!(s.access_token("F-1", "k"), s.access_token("F-1", "k"));
        assert_ne!(s.access_token("F-1", "k"), s.access_token("F-1", "k2"));
        // The contractor's code: stable, its own prefix, and neither code derivable from the other.
        let c = s.contractor_token("F-1", "k");
        assert_eq!(c, s.contractor_token("F-1", "k"));
        assert!(c.starts_with(CONTRACTOR_TOKEN_PREFIX), "{c}");
        assert_ne!(c[6..], s.access_token("F-1", "k")[6..]);
        assert_ne!(c, s.contractor_token("F-2", "k"));
    }

    /// The store's seal is this key's signature over the receipt's payload, under this key's id; the
    /// stored token hash is the hash of the token the applicant is given.
    #[test]
    fn the_seal_the_store_asks_for_verifies_with_the_published_key() {
        let s = Signer::from_seed([7; 32]);
        let mut r = receipt();
        let seal = s.seal(&r);
        assert_eq!(seal.kid, s.kid());
        assert!(verify_with(
            &s.public_key(),
            &r.payload().canonical(),
            &seal.signature
        ));
        r.valid_until = "2027-06-23".into();
        assert!(
            !s.verify(&r.payload(), &seal.signature),
            "the seal covers valid_until"
        );
        let token = s.access_token("F-1", "k");
        assert_eq!(
            s.access_token_hash("F-1", "k"),
            sha256_hex(token.as_bytes())
        );
    }

    #[test]
    fn key_file_created_then_reloaded_and_corruption_refused() {
        let dir =
            std::env::temp_dir().join(format!("anbei-key-{}", hex(&random_bytes::<8>().unwrap())));
        let a = Signer::load_or_create(&dir).unwrap();
        let b = Signer::load_or_create(&dir).unwrap();
        assert_eq!(a.kid(), b.kid());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.join(KEY_FILE), "garbage").unwrap();
        assert!(
            Signer::load_or_create(&dir)
                .err()
                .unwrap()
                .contains("corrupt")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
