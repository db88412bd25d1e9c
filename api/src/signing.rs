//! Ed25519 receipt signatures and the access-code secrets, from the keyring (`keyring.rs`).
//!
//! The signed payload is canonical text (fields never contain `;`). Version 2 (every receipt signed
//! since issue 16, item 3) binds the receipt to its filing and its site:
//! `ANBEI2;<receipt_no>;<filing_no>;<ruleset id>;<scope>;<high_risk 0|1>;<street>;<site hash>;<valid_until>;<issued_at>`
//! where the site hash is [`site_hash`] of the site address as printed on the notice. Version 1 (receipts
//! signed before) is `ANBEI1;<receipt_no>;<ruleset id>;<scope>;<high_risk 0|1>;<street>;<valid_until>;<issued_at>`
//! and still verifies: each receipt keeps the version it was signed under (column `payload_version`).
//! The QR code carries `<public url>/v/<receipt_no>?c=<verification code>#<payload>;<key id>;<signature base64url>`
//! (the scan page), so a verifier with the published key (`GET /api/v1/keys`) can check a printed receipt
//! offline — and the scan page checks it in the phone's browser with the keys inlined into it.
//!
//! The store numbers and keeps receipts but holds no key: it asks a [`Sealer`] — [`Signer`] here — to
//! sign each receipt and to hash each access token, so that keys live only in this module; where they
//! are kept, sealed, and how they rotate is `keyring.rs`.

use crate::clock::Clock;
use crate::store::{Receipt, Seal, Sealer};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The contractor's access code starts with this (the applicant's with `anb_a_`).
pub const CONTRACTOR_TOKEN_PREFIX: &str = "anb_c_";
const KEY_FILE: &str = "receipt-signing.key";
const KEY_PREFIX: &str = "anbei-ed25519-seed-v1:";

/// The service's keys (see `keyring.rs` for where they are kept): every receipt-signing key with
/// its validity — only the current one signs, retired ones still verify — and the secrets the access
/// codes are derived from, each chosen by the filing's `created_at`. Installed at start and again
/// whenever the keyring is reloaded (every 30 s), so a rotation made by `anbei keys rotate` or by
/// another instance is picked up without a restart.
pub struct Signer {
    clock: Arc<dyn Clock>,
    ring: RwLock<Arc<Ring>>,
}

/// One snapshot of the keys, oldest `not_before` first in each list.
#[derive(Default)]
pub struct Ring {
    pub receipt: Vec<ReceiptKey>,
    pub token: Vec<TokenSecret>,
    /// The data keys of personal fields at rest (`store/fieldcrypt.rs`), oldest first: the last one
    /// not retired encrypts; every one decrypts.
    pub field: Vec<FieldEntry>,
}

/// A `field` keyring entry: its key and validity.
pub struct FieldEntry {
    pub key: crate::store::fieldcrypt::FieldKey,
    pub not_before: String,
    pub not_after: Option<String>,
}

pub struct ReceiptKey {
    pub kid: String,
    key: SigningKey,
    /// RFC 3339 (+08:00, fixed width, so compared as text); '' = since the beginning.
    pub not_before: String,
    pub not_after: Option<String>,
}

pub struct TokenSecret {
    pub kid: String,
    pub not_before: String,
    pub not_after: Option<String>,
    token_key: [u8; 32],
    /// Derives the contractors' access codes ([`Signer::contractor_token`]).
    contractor_key: [u8; 32],
    /// Derives the receipts' verification codes ([`Signer::verification_code`]).
    code_key: [u8; 32],
}

impl ReceiptKey {
    pub fn new(seed: [u8; 32], not_before: &str, not_after: Option<&str>) -> ReceiptKey {
        let key = SigningKey::from_bytes(&seed);
        ReceiptKey {
            kid: kid_of(&key.verifying_key()),
            key,
            not_before: not_before.to_owned(),
            not_after: not_after.map(str::to_owned),
        }
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Whether it signs at `now`.
    fn signs_at(&self, now: &str) -> bool {
        self.not_before.as_str() <= now && self.not_after.as_deref().is_none_or(|a| now < a)
    }

    /// `current` (signs now), `retired` (verifies only) or `next` (published, signs from `not_before`).
    pub fn status(&self, now: &str) -> &'static str {
        if self.not_before.as_str() > now {
            "next"
        } else if self.signs_at(now) {
            "current"
        } else {
            "retired"
        }
    }
}

impl TokenSecret {
    /// The secret `secret` (32 bytes) derives the applicant's and the contractor's codes under two
    /// labels. Before the keyring the secret was the signing seed itself; that entry is kept (as
    /// `tok_legacy…`) so the codes of filings created before it keep working.
    pub fn new(
        kid: &str,
        secret: [u8; 32],
        not_before: &str,
        not_after: Option<&str>,
    ) -> TokenSecret {
        let mut h = Sha256::new();
        h.update(b"anbei access-token key v1\0");
        h.update(secret);
        let mut c = Sha256::new();
        c.update(b"anbei contractor-token key v1\0");
        c.update(secret);
        let mut v = Sha256::new();
        v.update(b"anbei verification-code key v1\0");
        v.update(secret);
        TokenSecret {
            code_key: v.finalize().into(),
            kid: kid.to_owned(),
            not_before: not_before.to_owned(),
            not_after: not_after.map(str::to_owned),
            token_key: h.finalize().into(),
            contractor_key: c.finalize().into(),
        }
    }
}

/// A receipt key's id: the first 8 bytes of SHA-256 of its public key, hex.
pub fn kid_of(pk: &VerifyingKey) -> String {
    hex(&Sha256::digest(pk.as_bytes())[..8])
}

/// The payload version new receipts are signed under.
pub const PAYLOAD_VERSION: i64 = 2;

/// The fields of a receipt that are signed. `version` 1 covers neither `filing_no` nor `site_hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptPayload<'a> {
    pub version: i64,
    pub receipt_no: &'a str,
    pub filing_no: &'a str,
    /// [`site_hash`] of the site address (version 2; empty in version 1).
    pub site_hash: &'a str,
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
            version: self.version,
            receipt_no: &self.receipt_no,
            filing_no: &self.filing_no,
            site_hash: &self.site_hash,
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
    /// The signed text, in the receipt's own version.
    pub fn canonical(&self) -> String {
        let hr = if self.high_risk { 1 } else { 0 };
        match self.version {
            1 => format!(
                "ANBEI1;{};{};{};{hr};{};{};{}",
                self.receipt_no,
                self.ruleset,
                self.scope,
                self.street,
                self.valid_until,
                self.issued_at
            ),
            _ => format!(
                "ANBEI2;{};{};{};{};{hr};{};{};{};{}",
                self.receipt_no,
                self.filing_no,
                self.ruleset,
                self.scope,
                self.street,
                self.site_hash,
                self.valid_until,
                self.issued_at
            ),
        }
    }

    /// Reads a signed payload (untrusted: a QR code's fragment) of either version. `None` unless it
    /// is exactly what [`ReceiptPayload::canonical`] writes, so that `parse(p).canonical() == p`.
    pub fn parse(text: &str) -> Option<ReceiptPayload<'_>> {
        let f: Vec<&str> = text.split(';').collect();
        let hr = |s: &str| match s {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        let p = match f.as_slice() {
            ["ANBEI1", no, ruleset, scope, high, street, until, issued] => ReceiptPayload {
                version: 1,
                receipt_no: no,
                filing_no: "",
                site_hash: "",
                ruleset,
                scope,
                high_risk: hr(high)?,
                street,
                valid_until: until,
                issued_at: issued,
            },
            [
                "ANBEI2",
                no,
                filing,
                ruleset,
                scope,
                high,
                street,
                site,
                until,
                issued,
            ] => ReceiptPayload {
                version: 2,
                receipt_no: no,
                filing_no: filing,
                site_hash: site,
                ruleset,
                scope,
                high_risk: hr(high)?,
                street,
                valid_until: until,
                issued_at: issued,
            },
            _ => return None,
        };
        (!p.receipt_no.is_empty()).then_some(p)
    }
}

/// A QR code's content `<url>#<payload>;<kid>;<signature>` (the fragment alone also does), split;
/// `None` unless the payload parses.
pub fn parse_qr(qr: &str) -> Option<(ReceiptPayload<'_>, &str, &str)> {
    let frag = qr.split_once('#').map_or(qr, |(_, f)| f);
    let mut parts = frag.rsplitn(3, ';');
    let (sig, kid, payload) = (parts.next()?, parts.next()?, parts.next()?);
    Some((ReceiptPayload::parse(payload)?, kid, sig))
}

/// The site address as its hash covers it: what a reader of the printed notice might type differently
/// is dropped — spaces and punctuation of every width, letter case, full-width letters and digits (read
/// as ASCII). Kept: ASCII letters and digits, and every character from U+3400 up (CJK ideographs)
/// except the compatibility and half-/full-width forms. The scan page's script does the same.
pub fn normalise_site(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let mut u = u32::from(c);
            if (0xFF01..=0xFF5E).contains(&u) {
                u -= 0xFEE0;
            }
            if (0x41..=0x5A).contains(&u) {
                u += 0x20;
            }
            let keep = (0x30..=0x39).contains(&u)
                || (0x61..=0x7A).contains(&u)
                || (u >= 0x3400
                    && !(0xFE30..=0xFE4F).contains(&u)
                    && !(0xFF00..=0xFFEF).contains(&u));
            if keep { char::from_u32(u) } else { None }
        })
        .collect()
}

/// The site hash of payload version 2: the first 12 bytes of SHA-256 over
/// `ANBEI-SITE1;<receipt_no>;<normalised site>`, base64url (16 characters). `site` is the address as
/// the notice prints it (address, then community). The receipt number makes one table of addresses
/// useless for every other receipt.
pub fn site_hash(receipt_no: &str, site: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"ANBEI-SITE1;");
    h.update(receipt_no.as_bytes());
    h.update(b";");
    h.update(normalise_site(site).as_bytes());
    URL_SAFE_NO_PAD.encode(&h.finalize()[..12])
}

/// The site as the notice prints it and as its hash covers it: the address, then the community.
pub fn site_text(address: &str, community: &str) -> String {
    format!("{address} {community}").trim().to_owned()
}

/// Whether a version 2 payload was signed for the site whose printed address is `site` (a version 1
/// payload covers no site: `None`).
pub fn site_matches(p: &ReceiptPayload<'_>, site: &str) -> Option<bool> {
    (p.version >= 2).then(|| {
        ct_eq(
            p.site_hash.as_bytes(),
            site_hash(p.receipt_no, site).as_bytes(),
        )
    })
}

/// The alphabet of verification codes (Crockford base32: no I, L, O, U).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Reads a verification code as a person types it (untrusted): any case, spaces and hyphens anywhere,
/// O read as 0 and I or L as 1. `Some` of the 8 canonical characters, else `None`.
pub fn parse_code(text: &str) -> Option<String> {
    if text.len() > 32 {
        return None;
    }
    let mut out = String::with_capacity(8);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && CODE_ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == 8).then_some(out)
}

/// A canonical code as printed: `XXXX-XXXX`.
pub fn format_code(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => code.to_owned(),
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

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
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

/// The seed in the key file of a data directory (the one key of versions before the keyring; imported
/// into it on first start), `None` when there is no such file. A file that exists but cannot be read
/// or parsed is an error: the service must not silently switch keys.
pub fn read_legacy_seed(dir: &Path) -> Result<Option<[u8; 32]>, String> {
    let path = dir.join(KEY_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "signing key {} exists but cannot be read: {e}",
            path.display()
        )
    })?;
    text.trim()
        .strip_prefix(KEY_PREFIX)
        .and_then(unhex)
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| format!("signing key {} is corrupt (expected `{KEY_PREFIX}<64 hex digits>`); restore it from backup or move it away to create a new key", path.display()))
}

impl Signer {
    /// A signer with no keys yet (the store is opened with it; `keyring::load` installs the keys).
    pub fn empty(clock: Arc<dyn Clock>) -> Signer {
        Signer {
            clock,
            ring: RwLock::new(Arc::new(Ring::default())),
        }
    }

    /// The keys of the key file under `dir` (created, mode 0600, if absent) as the only key — the
    /// form of versions before the keyring, kept for tools and tests that open a store directly.
    pub fn load_or_create(dir: &Path) -> Result<Signer, String> {
        if let Some(seed) = read_legacy_seed(dir)? {
            return Ok(Signer::from_seed(seed));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
        let path = dir.join(KEY_FILE);
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

    /// One key from `seed`, valid forever, its token secret the seed (as before the keyring).
    pub fn from_seed(seed: [u8; 32]) -> Signer {
        let s = Signer::empty(Arc::new(crate::clock::SystemClock));
        s.install(Ring {
            receipt: vec![ReceiptKey::new(seed, "", None)],
            token: vec![TokenSecret::new("tok_legacy", seed, "", None)],
            field: vec![],
        });
        s
    }

    /// The kid of the data key that encrypts personal fields now.
    pub fn current_field_kid(&self) -> Option<String> {
        Sealer::field_key(self).map(|k| k.kid)
    }

    /// Replaces the keys (a reload of the keyring).
    pub fn install(&self, ring: Ring) {
        *self.ring.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ring);
    }

    pub fn ring(&self) -> Arc<Ring> {
        self.ring.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn now(&self) -> String {
        crate::clock::rfc3339(self.clock.now_ms())
    }

    /// The key that signs now: the newest one in its validity (or, if every key's validity has ended,
    /// the newest one begun — receipts are never left unsigned).
    fn current(ring: &Ring, now: &str) -> Option<usize> {
        ring.receipt
            .iter()
            .rposition(|k| k.signs_at(now))
            .or_else(|| {
                ring.receipt
                    .iter()
                    .rposition(|k| k.not_before.as_str() <= now)
            })
            .or_else(|| ring.receipt.len().checked_sub(1))
    }

    /// The public key of the key that signs now.
    pub fn public_key(&self) -> VerifyingKey {
        let ring = self.ring();
        Signer::current(&ring, &self.now())
            .map(|i| ring.receipt[i].public_key())
            .unwrap_or_else(|| SigningKey::from_bytes(&[0; 32]).verifying_key())
    }

    /// The id of the key that signs now.
    pub fn kid(&self) -> String {
        let ring = self.ring();
        Signer::current(&ring, &self.now())
            .map(|i| ring.receipt[i].kid.clone())
            .unwrap_or_default()
    }

    /// Signature over the canonical payload with the current key, base64url without padding, and
    /// that key's id.
    pub fn sign_now(&self, p: &ReceiptPayload<'_>) -> (String, String) {
        let ring = self.ring();
        match Signer::current(&ring, &self.now()) {
            Some(i) => {
                let k = &ring.receipt[i];
                (
                    k.kid.clone(),
                    URL_SAFE_NO_PAD.encode(k.key.sign(p.canonical().as_bytes()).to_bytes()),
                )
            }
            None => (String::new(), String::new()),
        }
    }

    /// Signature over the canonical payload with the current key, base64url without padding.
    pub fn sign(&self, p: &ReceiptPayload<'_>) -> String {
        self.sign_now(p).1
    }

    /// Whether `sig_b64` is the signature of key `kid` over `p`, and that key had not been retired
    /// when the receipt was issued (`issued_at`): a retired key verifies what it signed while it was
    /// in service, and nothing dated after. (An extension re-signs an older receipt with the key
    /// current then, so a key's `not_before` bounds when it signed, not the receipt's `issued_at`.)
    pub fn verify_receipt(&self, p: &ReceiptPayload<'_>, kid: &str, sig_b64: &str) -> bool {
        let ring = self.ring();
        ring.receipt.iter().any(|k| {
            k.kid == kid
                && k.not_after.as_deref().is_none_or(|a| p.issued_at < a)
                && verify_with(&k.public_key(), &p.canonical(), sig_b64)
        })
    }

    /// With any key of the ring, whatever its validity (tests of the signature alone).
    pub fn verify(&self, p: &ReceiptPayload<'_>, sig_b64: &str) -> bool {
        let ring = self.ring();
        ring.receipt
            .iter()
            .any(|k| verify_with(&k.public_key(), &p.canonical(), sig_b64))
    }

    /// The token secret of a filing created at `created_at`: the newest begun by then.
    fn token_secret<R>(&self, created_at: &str, f: impl FnOnce(&TokenSecret) -> R) -> Option<R> {
        let ring = self.ring();
        let t = ring
            .token
            .iter()
            .rev()
            .find(|t| t.not_before.as_str() <= created_at)
            .or_else(|| ring.token.first())?;
        Some(f(t))
    }

    /// The applicant's access token for a filing created at `created_at`: derived (HMAC) from the
    /// filing number and the client's Idempotency-Key, so a retried request gets the same token back
    /// while only its hash is stored.
    pub fn access_token(&self, created_at: &str, filing_no: &str, idempotency_key: &str) -> String {
        self.token_secret(created_at, |t| {
            format!(
                "anb_a_{}",
                hmac_b64(&t.token_key, filing_no, idempotency_key)
            )
        })
        .unwrap_or_default()
    }

    /// The access code of the contractor named in a filing (rules.md §10, *product policy*): derived
    /// like the applicant's, from the filing number and the Idempotency-Key, under a key of its own
    /// (so neither code can be computed from the other), and with its own prefix `anb_c_`. It is not
    /// stored at all, not even hashed: a request bearing it is checked by deriving it again.
    pub fn contractor_token(
        &self,
        created_at: &str,
        filing_no: &str,
        idempotency_key: &str,
    ) -> String {
        self.token_secret(created_at, |t| {
            format!(
                "{CONTRACTOR_TOKEN_PREFIX}{}",
                hmac_b64(&t.contractor_key, filing_no, idempotency_key)
            )
        })
        .unwrap_or_default()
    }

    /// The verification code of a receipt (issue 16, item 2): 8 characters of Crockford base32 (40 bits)
    /// from an HMAC of the receipt number under the secret of the filing's time (`created_at`), printed
    /// beside the QR code and carried in it. Derived, never stored.
    pub fn verification_code(&self, created_at: &str, receipt_no: &str) -> String {
        self.token_secret(created_at, |t| {
            let Ok(mut m) = Hmac::<Sha256>::new_from_slice(&t.code_key) else {
                return String::new();
            };
            m.update(b"receipt\0");
            m.update(receipt_no.as_bytes());
            let d = m.finalize().into_bytes();
            let bits = d[..5]
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            (0..8)
                .map(|i| char::from(CODE_ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize]))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Whether `given` (as typed: see [`parse_code`]) is the verification code of the receipt.
    pub fn check_code(&self, created_at: &str, receipt_no: &str, given: &str) -> bool {
        match parse_code(given) {
            Some(c) => ct_eq(
                c.as_bytes(),
                self.verification_code(created_at, receipt_no).as_bytes(),
            ),
            None => false,
        }
    }

    /// JSON for `GET /api/v1/keys`: every receipt key, with its validity and status.
    pub fn jwks(&self) -> serde_json::Value {
        let ring = self.ring();
        let now = self.now();
        let keys: Vec<serde_json::Value> = ring
            .receipt
            .iter()
            .map(|k| {
                let pk = k.public_key();
                serde_json::json!({
                    "kid": k.kid, "alg": "Ed25519", "kty": "OKP", "crv": "Ed25519", "use": "sig",
                    "x": URL_SAFE_NO_PAD.encode(pk.as_bytes()),
                    "public_key_base64": STANDARD.encode(pk.as_bytes()),
                    "public_key_hex": hex(pk.as_bytes()),
                    "not_before": (!k.not_before.is_empty()).then_some(&k.not_before),
                    "not_after": k.not_after,
                    "status": k.status(&now),
                })
            })
            .collect();
        serde_json::json!({
            "keys": keys,
            "current": Signer::current(&ring, &now).map(|i| ring.receipt[i].kid.clone()),
            "payload_format": "ANBEI2;<receipt_no>;<filing_no>;<ruleset>;<scope>;<high_risk 0|1>;<street>;<site_hash>;<valid_until>;<issued_at>",
            "payload_format_v1": "ANBEI1;<receipt_no>;<ruleset>;<scope>;<high_risk 0|1>;<street>;<valid_until>;<issued_at>",
            "site_hash": "base64url(SHA-256(ANBEI-SITE1;<receipt_no>;<site>)[..12]), API.md",
            "signature_encoding": "base64url, no padding, Ed25519 over the UTF-8 payload",
            "qr_format": "<public url>/v/<receipt_no>?c=<code>#<payload>;<kid>;<signature>",
            "validity": "a receipt verifies with its kid's key if that key's not_after is unset or after the receipt's issued_at; only the `current` key signs",
        })
    }
}

fn hmac_b64(key: &[u8; 32], filing_no: &str, idempotency_key: &str) -> String {
    let mut m = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(), // unreachable: HMAC takes any key length
    };
    m.update(filing_no.as_bytes());
    m.update(b"\0");
    m.update(idempotency_key.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

impl Sealer for Signer {
    fn seal(&self, receipt: &Receipt) -> Seal {
        let (kid, signature) = self.sign_now(&receipt.payload());
        Seal { kid, signature }
    }

    /// SHA-256 (hex) of [`Signer::access_token`] for a filing created now — the only form in which
    /// the token is stored.
    fn access_token_hash(&self, filing_no: &str, idempotency_key: &str) -> String {
        sha256_hex(
            self.access_token(&self.now(), filing_no, idempotency_key)
                .as_bytes(),
        )
    }

    /// The newest `field` key begun and not retired (else the newest begun, else the newest).
    fn field_key(&self) -> Option<crate::store::fieldcrypt::FieldKey> {
        let ring = self.ring();
        let now = self.now();
        let begun = |e: &&FieldEntry| e.not_before.as_str() <= now.as_str();
        ring.field
            .iter()
            .filter(begun)
            .rfind(|e| e.not_after.as_deref().is_none_or(|a| a > now.as_str()))
            .or_else(|| ring.field.iter().rfind(begun))
            .or_else(|| ring.field.last())
            .map(|e| e.key.clone())
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
            version: PAYLOAD_VERSION,
            site_hash: site_hash(
                "LG-bantian-20261123-000001",
                "坂田街道五和大道 1 号 五和社区",
            ),
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
        assert_eq!(
            s.access_token("", "F-1", "k"),
            s.access_token("", "F-1", "k")
        );
        assert_ne!(
            s.access_token("", "F-1", "k"),
            s.access_token("", "F-1", "k2")
        );
        // The contractor's code: stable, its own prefix, and neither code derivable from the other.
        let c = s.contractor_token("", "F-1", "k");
        assert_eq!(c, s.contractor_token("", "F-1", "k"));
        assert!(c.starts_with(CONTRACTOR_TOKEN_PREFIX), "{c}");
        assert_ne!(c[6..], s.access_token("", "F-1", "k")[6..]);
        assert_ne!(c, s.contractor_token("", "F-2", "k"));
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
            &s.ring().receipt[0].public_key(),
            &r.payload().canonical(),
            &seal.signature
        ));
        r.valid_until = "2027-06-23".into();
        assert!(
            !s.verify(&r.payload(), &seal.signature),
            "the seal covers valid_until"
        );
        let token = s.access_token("", "F-1", "k");
        assert_eq!(
            s.access_token_hash("F-1", "k"),
            sha256_hex(token.as_bytes())
        );
    }

    /// The access-code secret is chosen by the filing's `created_at`: a filing made before the keyring
    /// keeps the code derived from the old seed; one made after gets a code from the new secret.
    #[test]
    fn access_codes_follow_the_secret_of_their_filing_s_time() {
        let old = Signer::from_seed([7; 32]);
        let t = "2026-11-23T10:00:00.000+08:00";
        let s = Signer::from_seed([7; 32]);
        s.install(Ring {
            receipt: vec![ReceiptKey::new([7; 32], "", None)],
            token: vec![
                TokenSecret::new("tok_legacy", [7; 32], "", Some(t)),
                TokenSecret::new("tok_new", [8; 32], t, None),
            ],
            field: vec![],
        });
        let before = "2026-11-22T09:00:00.000+08:00";
        assert_eq!(
            s.access_token(before, "F-1", "k"),
            old.access_token("", "F-1", "k")
        );
        assert_eq!(
            s.contractor_token(before, "F-1", "k"),
            old.contractor_token("", "F-1", "k")
        );
        assert_ne!(
            s.access_token(t, "F-1", "k"),
            old.access_token("", "F-1", "k")
        );
        assert_ne!(
            s.contractor_token(t, "F-1", "k"),
            old.contractor_token("", "F-1", "k")
        );
    }

    /// Version 2 covers the filing number and the site; a receipt signed under version 1 keeps
    /// verifying under it after the change (its stored version is what is verified).
    #[test]
    fn version_2_binds_filing_and_site_and_version_1_still_verifies() {
        let s = Signer::from_seed([7; 32]);
        let mut old = receipt();
        old.version = 1;
        old.site_hash = String::new();
        let p1 = old.payload().canonical();
        assert!(
            p1.starts_with("ANBEI1;LG-bantian-20261123-000001;r;"),
            "{p1}"
        );
        let sig1 = s.sign(&old.payload());
        // the change: new receipts are version 2; the old one, as stored, still verifies
        let new = receipt();
        let p2 = new.payload().canonical();
        assert!(
            p2.starts_with("ANBEI2;LG-bantian-20261123-000001;F-bantian-20261123-000001;r;"),
            "{p2}"
        );
        let sig2 = s.sign(&new.payload());
        assert!(s.verify(&old.payload(), &sig1));
        assert!(s.verify_receipt(&old.payload(), &s.kid(), &sig1));
        assert!(s.verify(&new.payload(), &sig2));
        assert!(
            !verify_with(&s.public_key(), &p2, &sig1),
            "versions are not interchangeable"
        );
        // another filing or another site: the version 2 signature no longer fits
        for changed in [
            Receipt {
                filing_no: "F-bantian-20261123-000002".into(),
                ..new.clone()
            },
            Receipt {
                site_hash: site_hash(&new.receipt_no, "坂田街道五和大道 2 号 五和社区"),
                ..new.clone()
            },
        ] {
            assert!(!s.verify(&changed.payload(), &sig2));
        }
        // parse ∘ canonical is the identity, for both versions
        assert_eq!(ReceiptPayload::parse(&p1).unwrap().canonical(), p1);
        assert_eq!(ReceiptPayload::parse(&p2).unwrap(), new.payload());
        for bad in [
            "",
            "ANBEI3;a",
            "ANBEI2;x;F;r;s;2;b;h;v;i",
            "ANBEI1;x;r;s;0;b;v",
            "ANBEI2;;F;r;s;0;b;h;v;i",
        ] {
            assert!(ReceiptPayload::parse(bad).is_none(), "{bad}");
        }
    }

    /// The site hash reads the address as printed: spacing, punctuation, full-width forms and letter
    /// case do not matter; another address (a number, a character) does — and so does the receipt.
    #[test]
    fn the_site_hash_is_of_the_printed_address() {
        let no = "LG-bantian-20261123-000001";
        let h = site_hash(no, "坂田街道五和大道 1 号 A 栋 五和社区");
        assert_eq!(h.len(), 16);
        for same in [
            "坂田街道五和大道1号A栋五和社区",
            "坂田街道 五和大道１号ａ栋，五和社区。",
            "  坂田街道五和大道1号-a栋  五和社区 ",
        ] {
            assert_eq!(site_hash(no, same), h, "{same}");
        }
        for other in [
            "坂田街道五和大道 2 号 A 栋 五和社区",
            "坂田街道五和大道 1 号 B 栋 五和社区",
            "坂田街道五和大道 1 号 A 栋 岗头社区",
        ] {
            assert_ne!(site_hash(no, other), h, "{other}");
        }
        assert_ne!(
            site_hash(
                "LG-bantian-20261123-000002",
                "坂田街道五和大道 1 号 A 栋 五和社区"
            ),
            h
        );
        let r = receipt();
        assert_eq!(
            site_matches(&r.payload(), "坂田街道五和大道1号五和社区"),
            Some(true)
        );
        assert_eq!(
            site_matches(&r.payload(), "坂田街道五和大道3号五和社区"),
            Some(false)
        );
        let v1 = Receipt { version: 1, ..r };
        assert_eq!(site_matches(&v1.payload(), "anything"), None);
    }

    /// The verification code: 8 characters of Crockford base32, stable per receipt, different for
    /// another receipt or another secret, read as a person types it.
    #[test]
    fn verification_codes_are_short_typeable_and_keyed() {
        let s = Signer::from_seed([7; 32]);
        let c = s.verification_code("", "LG-bantian-20261123-000001");
        assert_eq!(c.len(), 8);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
        assert_eq!(c, s.verification_code("", "LG-bantian-20261123-000001"));
        assert_ne!(c, s.verification_code("", "LG-bantian-20261123-000002"));
        assert_ne!(
            c,
            Signer::from_seed([8; 32]).verification_code("", "LG-bantian-20261123-000001")
        );
        let typed = format!(" {}-{} ", c[..4].to_lowercase(), &c[4..]);
        assert!(s.check_code("", "LG-bantian-20261123-000001", &typed));
        assert!(!s.check_code("", "LG-bantian-20261123-000002", &c));
        assert_eq!(
            parse_code("o1il-2345").as_deref(),
            Some("0111".to_owned() + "2345").as_deref()
        );
        for bad in [
            "",
            "1234567",
            "123456789",
            "1234-567U",
            "12345678\u{ff10}",
            "１２３４５６７８",
        ] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
        assert_eq!(format_code("ABCD1234"), "ABCD-1234");
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
