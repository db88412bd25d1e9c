//! Field-wise encryption of personal data at rest (issue 16, item 6). The filing as accepted is kept
//! as JSON text (`filings.request`); in it, every resident ID number, special-operation certificate
//! number ("T" + an ID number), mobile and e-mail address of a person ([`PERSON_FIELDS`]) is stored as
//!
//! ```text
//! enc:v1:<kid>:<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>
//! ```
//!
//! under a 32-byte data key of the keyring (purpose `field`, sealed under the KEK like every key, see
//! `keyring.rs`), with associated data `anbei-field-v1 · <filing number> · <field path>`
//! (`workers.3.id_number`): a ciphertext copied into another filing or another field does not open.
//!
//! Where it happens: the store encrypts when it writes a filing's request, once the filing number is
//! known — a new filing by the places its writer marked ([`seal_marked`]: no second reading of the
//! request), a changed one by reading it ([`seal_request`]) — and decrypts when it decodes one (`decode.rs`, via
//! [`open_request`]) — everything above the store sees the filing in clear, as before. Values without
//! the prefix are rows stored before this version: they read as they are, and [`sweep`] encrypts them.
//! The request hash (idempotency) is taken over the body in clear before the store sees it, so replays
//! match as before.
//!
//! Keys: the key that encrypts is the Sealer's current `field` key ([`crate::store::Sealer::field_key`]);
//! decryption may need any key ever used, so every key the keyring loads is registered here by kid
//! ([`register`]) — the decoders run without a handle on the service. Kids are random, so instances
//! (or tests) in one process never mix their keys. After `anbei keys rotate --kind field`, [`sweep`]
//! (`anbei keys reencrypt`, and once at every start) moves every value to the current key.

use super::{Fut, Sealer, Store, StoreError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

/// The prefix of an encrypted value.
pub const PREFIX: &str = "enc:v1:";
const AAD_LABEL: &str = "anbei-field-v1";

/// The members of the filing that hold a person's identifying data: object → members, and list →
/// members of each element. Data, not code: a new personal field is one more name here.
pub const PERSON_FIELDS: &[(&str, bool, &[&str])] = &[
    ("applicant", false, &["id_number", "mobile", "email"]),
    ("agent", false, &["id_number", "mobile", "email"]),
    ("contractor", false, &["id_number", "mobile", "email"]),
    ("project_lead", false, &["mobile"]),
    ("safety_manager", false, &["mobile"]),
    ("workers", true, &["id_number", "certificate_no"]),
];

/// A data key and its id.
#[derive(Clone)]
pub struct FieldKey {
    pub kid: String,
    key: Arc<LessSafeKey>,
}

impl FieldKey {
    pub fn new(kid: &str, secret: &[u8; 32]) -> FieldKey {
        // A 32-byte key is always a valid AES-256 key.
        #[allow(clippy::expect_used)]
        let unbound = UnboundKey::new(&AES_256_GCM, secret).expect("a 32-byte AES-256 key");
        FieldKey {
            kid: kid.to_owned(),
            key: Arc::new(LessSafeKey::new(unbound)),
        }
    }
}

impl std::fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldKey({})", self.kid)
    }
}

static KEYS: LazyLock<RwLock<HashMap<String, FieldKey>>> = LazyLock::new(Default::default);

/// Makes `k` available to decrypt values stored under its kid.
pub fn register(k: &FieldKey) {
    let mut m = KEYS.write().unwrap_or_else(|p| p.into_inner());
    if !m.contains_key(&k.kid) {
        m.insert(k.kid.clone(), k.clone());
    }
}

fn key_of(kid: &str) -> Option<FieldKey> {
    KEYS.read()
        .unwrap_or_else(|p| p.into_inner())
        .get(kid)
        .cloned()
}

fn aad(filing_no: &str, path: &str) -> String {
    let mut ad = String::with_capacity(AAD_LABEL.len() + filing_no.len() + path.len() + 2);
    ad.push_str(AAD_LABEL);
    ad.push('\u{1f}');
    ad.push_str(filing_no);
    ad.push('\u{1f}');
    ad.push_str(path);
    ad
}

/// `plain` encrypted under `k` for field `path` of `filing_no`.
pub fn encrypt(
    k: &FieldKey,
    filing_no: &str,
    path: &str,
    plain: &str,
) -> Result<String, StoreError> {
    encrypt_with(k, &mut Nonces::default(), filing_no, path, plain)
}

/// Random 96-bit nonces, drawn from the OS [`Nonces::BATCH`] at a time: a filing has 7–14 personal
/// values, and one `getrandom` call per value was a measurable part of a receipt (BENCHMARKS.md,
/// "field encryption"). Each nonce is still 12 fresh random bytes, used once.
pub struct Nonces {
    buf: [u8; 12 * Nonces::BATCH],
    /// Bytes of `buf` not handed out yet (from the end).
    left: usize,
}

impl Default for Nonces {
    fn default() -> Nonces {
        Nonces {
            buf: [0; 12 * Nonces::BATCH],
            left: 0,
        }
    }
}

impl Nonces {
    const BATCH: usize = 16;

    fn next(&mut self) -> Result<[u8; 12], StoreError> {
        if self.left < 12 {
            self.buf =
                crate::signing::random_bytes::<{ 12 * Nonces::BATCH }>().map_err(StoreError::Db)?;
            self.left = self.buf.len();
        }
        self.left -= 12;
        let mut n = [0u8; 12];
        n.copy_from_slice(&self.buf[self.left..self.left + 12]);
        Ok(n)
    }
}

fn encrypt_with(
    k: &FieldKey,
    nonces: &mut Nonces,
    filing_no: &str,
    path: &str,
    plain: &str,
) -> Result<String, StoreError> {
    let mut out =
        String::with_capacity(PREFIX.len() + k.kid.len() + 2 + (plain.len() + 28) * 4 / 3);
    encrypt_into(k, nonces, filing_no, path, plain, &mut out)?;
    Ok(out)
}

/// [`encrypt`], appended to `out`.
fn encrypt_into(
    k: &FieldKey,
    nonces: &mut Nonces,
    filing_no: &str,
    path: &str,
    plain: &str,
    out: &mut String,
) -> Result<(), StoreError> {
    let nonce = nonces.next()?;
    let mut buf = Vec::with_capacity(12 + plain.len() + 16);
    buf.extend_from_slice(&nonce);
    buf.extend_from_slice(plain.as_bytes());
    let ad = aad(filing_no, path);
    let (_, body) = buf.split_at_mut(12);
    let tag = k
        .key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(ad.as_bytes()),
            body,
        )
        .map_err(|_| StoreError::Db("field encryption failed".into()))?;
    buf.extend_from_slice(tag.as_ref());
    out.push_str(PREFIX);
    out.push_str(&k.kid);
    out.push(':');
    URL_SAFE_NO_PAD.encode_string(&buf, out);
    Ok(())
}

/// Why a stored value does not decrypt.
fn undecryptable(filing_no: &str, path: &str, why: &str) -> StoreError {
    StoreError::Db(format!(
        "filing {filing_no}: the encrypted field {path} does not decrypt: {why}"
    ))
}

/// The kid a stored value was encrypted under (`None`: stored in clear).
pub fn kid_of(stored: &str) -> Option<&str> {
    stored.strip_prefix(PREFIX)?.split_once(':').map(|(k, _)| k)
}

/// The clear text of the stored value `stored` of field `path` of `filing_no`.
pub fn decrypt(filing_no: &str, path: &str, stored: &str) -> Result<String, StoreError> {
    let Some(rest) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_owned());
    };
    let (kid, b64) = rest
        .split_once(':')
        .ok_or_else(|| undecryptable(filing_no, path, "malformed (no key id)"))?;
    let k = key_of(kid).ok_or_else(|| {
        undecryptable(
            filing_no,
            path,
            &format!("key {kid} is not in the keyring (deleted, or another database's)"),
        )
    })?;
    let raw = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| undecryptable(filing_no, path, "malformed (not base64url)"))?;
    let (nonce, ct) = raw
        .split_at_checked(12)
        .ok_or_else(|| undecryptable(filing_no, path, "malformed (too short)"))?;
    let mut buf = ct.to_vec();
    let nonce = Nonce::try_assume_unique_for_key(nonce)
        .map_err(|_| undecryptable(filing_no, path, "malformed nonce"))?;
    let plain = k
        .key
        .open_in_place(nonce, Aad::from(aad(filing_no, path).as_bytes()), &mut buf)
        .map_err(|_| {
            undecryptable(
                filing_no,
                path,
                "authentication failed — the value was altered or copied from another filing or field",
            )
        })?;
    String::from_utf8(plain.to_vec()).map_err(|_| undecryptable(filing_no, path, "not UTF-8"))
}

/// Calls `f(path, value)` for every personal string field of the filing `v`.
fn each_field(
    v: &mut Value,
    mut f: impl FnMut(&str, &mut String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for entry in PERSON_FIELDS {
        if let Some(node) = v.get_mut(entry.0) {
            each_member(entry, node, &mut f)?;
        }
    }
    Ok(())
}

/// [`each_field`] within one member of the filing (`node`, the value of `entry.0`).
fn each_member(
    (name, list, members): &(&str, bool, &[&str]),
    node: &mut Value,
    f: &mut impl FnMut(&str, &mut String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut visit = |prefix: String, obj: &mut Value| -> Result<(), StoreError> {
        for m in *members {
            if let Some(Value::String(s)) = obj.get_mut(*m) {
                f(&format!("{prefix}.{m}"), s)?;
            }
        }
        Ok(())
    };
    if *list {
        if let Value::Array(items) = node {
            for (i, item) in items.iter_mut().enumerate() {
                visit(format!("{name}.{i}"), item)?;
            }
        }
    } else {
        visit((*name).to_owned(), node)?;
    }
    Ok(())
}

fn parse(filing_no: &str, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Db(format!("filing {filing_no}: request unreadable: {e}")))
}

/// The request text of `filing_no` as stored: every personal field encrypted under `key` (every one,
/// even a value that looks encrypted already — what the service writes is always the clear text).
/// Without a key (a store opened without a keyring: tools and the store's own tests), unchanged.
pub fn seal_request(
    key: Option<&FieldKey>,
    filing_no: &str,
    text: &str,
) -> Result<String, StoreError> {
    seal(key, filing_no, text, false).map(|s| s.text)
}

/// A new filing's request as the store writes it ([`seal_request`]), and the uploads its documents
/// name (`upload_refs`, written in the same transaction: retention.rs) — both from one reading of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub text: String,
    /// The upload ids (`sha256:…`) of `documents`, each once.
    pub documents: Vec<String>,
}

/// [`seal_request`] and the request's document ids. Only the members that hold persons (and
/// `documents`) are parsed into a tree and written again; every other member of the request (the facts,
/// the site, the pledge …) is copied as it is — the request is several KB and this runs for every
/// filing (BENCHMARKS.md, "field encryption"). Members come out in the order serde_json writes an
/// object (sorted by name), as before.
pub fn seal_new(key: Option<&FieldKey>, filing_no: &str, text: &str) -> Result<Sealed, StoreError> {
    seal(key, filing_no, text, true)
}

/// [`seal_new`]; its `documents` only when `want_documents` (a changed request's references
/// are the update trigger's).
fn seal(
    key: Option<&FieldKey>,
    filing_no: &str,
    text: &str,
    want_documents: bool,
) -> Result<Sealed, StoreError> {
    use serde_json::value::RawValue;
    if !text.trim_start().starts_with('{') {
        // not an object: nothing in it is a person's (the filing checks refuse it long before)
        return Ok(Sealed {
            text: text.to_owned(),
            documents: Vec::new(),
        });
    }
    let top: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(text)
        .map_err(|e| StoreError::Db(format!("filing {filing_no}: request unreadable: {e}")))?;
    let mut documents = Vec::new();
    if let Some(raw) = top.get("documents").filter(|_| want_documents) {
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(raw.get()) {
            documents = upload_ids(m.values().filter_map(Value::as_str));
        }
    }
    let Some(k) = key else {
        return Ok(Sealed {
            text: text.to_owned(),
            documents,
        });
    };
    let mut nonces = Nonces::default();
    let mut out = String::with_capacity(text.len() + 1024);
    out.push('{');
    for (i, (name, raw)) in top.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).map_err(|e| StoreError::Db(e.to_string()))?);
        out.push(':');
        match PERSON_FIELDS.iter().find(|e| e.0 == name) {
            Some(entry) => {
                let mut node: Value = serde_json::from_str(raw.get()).map_err(|e| {
                    StoreError::Db(format!("filing {filing_no}: request unreadable: {e}"))
                })?;
                each_member(entry, &mut node, &mut |path, s| {
                    *s = encrypt_with(k, &mut nonces, filing_no, path, s)?;
                    Ok(())
                })?;
                out.push_str(&node.to_string());
            }
            None => out.push_str(raw.get()),
        }
    }
    out.push('}');
    Ok(Sealed {
        text: out,
        documents,
    })
}

/// The upload ids (`sha256:…`) among a request's document values, each once, in order: the
/// references a new filing's row carries (`upload_refs`, retention.rs).
pub fn upload_ids<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in values {
        if id.starts_with("sha256:") && !ids.iter().any(|d| d == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// Whether `field` of the filing's member `member` holds a person's identifying data
/// ([`PERSON_FIELDS`]): what `Filing::to_json_marking` is asked to mark.
pub fn is_personal(member: &str, field: &str) -> bool {
    PERSON_FIELDS
        .iter()
        .any(|(m, _, fields)| *m == member && fields.contains(&field))
}

/// [`seal_new`] for a request whose personal values' places are known (`marks`, as the request was
/// written: `Filing::to_json_marking` with [`is_personal`]): each of those string literals is replaced
/// by its encrypted value and everything else copied as it is — no reading of the request at all. A
/// mark that is not a string literal of `text` in order is an error, never a value left in clear.
pub fn seal_marked(
    key: Option<&FieldKey>,
    filing_no: &str,
    text: &str,
    marks: &super::RequestMarks,
) -> Result<Sealed, StoreError> {
    let Some(k) = key else {
        return Ok(Sealed {
            text: text.to_owned(),
            documents: marks.documents.clone(),
        });
    };
    let bad = |path: &str| {
        StoreError::Db(format!(
            "filing {filing_no}: the request's mark for {path} is not a string in it"
        ))
    };
    let mut nonces = Nonces::default();
    let mut out = String::with_capacity(text.len() + marks.marks.len() * 80);
    let mut at = 0;
    for m in &marks.marks {
        let lit = text
            .get(m.start..m.end)
            .filter(|l| m.start >= at && l.len() >= 2 && l.starts_with('"') && l.ends_with('"'))
            .ok_or_else(|| bad(&m.path))?;
        out.push_str(&text[at..m.start]);
        let inner = &lit[1..lit.len() - 1];
        let plain: std::borrow::Cow<'_, str> = if inner.contains('\\') {
            serde_json::from_str::<String>(lit)
                .map_err(|_| bad(&m.path))?
                .into()
        } else if inner.contains('"') {
            return Err(bad(&m.path));
        } else {
            inner.into()
        };
        out.push('"');
        encrypt_into(k, &mut nonces, filing_no, &m.path, &plain, &mut out)?;
        out.push('"');
        at = m.end;
    }
    out.push_str(&text[at..]);
    Ok(Sealed {
        text: out,
        documents: marks.documents.clone(),
    })
}

/// [`seal_new`] with the sealer's current key, by the request's marks when it has them
/// ([`seal_marked`]).
pub fn seal_new_with(
    sealer: &dyn Sealer,
    filing_no: &str,
    text: &str,
    marks: Option<&super::RequestMarks>,
) -> Result<Sealed, StoreError> {
    match marks {
        Some(m) => seal_marked(sealer.field_key().as_ref(), filing_no, text, m),
        None => seal_new(sealer.field_key().as_ref(), filing_no, text),
    }
}

/// [`seal_request`] with the sealer's current key (a changed request: its documents' references are
/// kept by the update trigger of `upload_refs`).
pub fn seal_with(sealer: &dyn Sealer, filing_no: &str, text: &str) -> Result<String, StoreError> {
    seal_request(sealer.field_key().as_ref(), filing_no, text)
}

/// The request text of `filing_no` in clear. A request holding no encrypted value is returned as it
/// is; a value that does not decrypt is an error naming the filing and the field, never a guess.
pub fn open_request(filing_no: &str, text: String) -> Result<String, StoreError> {
    if !text.contains(PREFIX) {
        return Ok(text);
    }
    let mut v = parse(filing_no, &text)?;
    each_field(&mut v, |path, s| {
        if s.starts_with(PREFIX) {
            *s = decrypt(filing_no, path, s)?;
        }
        Ok(())
    })?;
    Ok(v.to_string())
}

/// The stored request re-encrypted for the sweep: every value in clear (a row of an earlier version)
/// or under another key than `key` encrypted under `key`; `None` if nothing needs it.
pub fn reseal_request(
    key: &FieldKey,
    filing_no: &str,
    text: &str,
) -> Result<Option<String>, StoreError> {
    let mut v = parse(filing_no, text)?;
    let mut changed = false;
    each_field(&mut v, |path, s| {
        if kid_of(s) == Some(key.kid.as_str()) {
            return Ok(());
        }
        let plain = decrypt(filing_no, path, s)?;
        *s = encrypt(key, filing_no, path, &plain)?;
        changed = true;
        Ok(())
    })?;
    Ok(changed.then(|| v.to_string()))
}

/// The kids of the values of a stored request (for `anbei keys list`'s counts and the tests).
pub fn kids_in(filing_no: &str, text: &str) -> Result<Vec<Option<String>>, StoreError> {
    let mut v = parse(filing_no, text)?;
    let mut out = Vec::new();
    each_field(&mut v, |_, s| {
        out.push(kid_of(s).map(str::to_owned));
        Ok(())
    })?;
    Ok(out)
}

/// A stored request, as the sweep reads it (not decrypted).
#[derive(Clone, Debug)]
pub struct StoredRequest {
    pub filing_no: String,
    pub request: String,
}

/// What a sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Filings looked at.
    pub seen: u64,
    /// Filings whose request was rewritten under the current key.
    pub rewritten: u64,
    /// Filings that could not be rewritten (an undecryptable value, named in the log): left as they are.
    pub failed: u64,
}

/// Rows read per page by [`sweep`].
pub const SWEEP_PAGE: u32 = 500;

/// Which filings a sweep rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sweep {
    /// Only rows holding no encrypted value at all — rows stored in clear by versions before field
    /// encryption (told apart without parsing them): what every start runs, in the background.
    ClearRows,
    /// Every row with a value in clear or under another key than the current one: `anbei keys
    /// reencrypt`, after a rotation.
    All,
}

/// Moves filings' personal fields to the current `field` key of `sealer` (`which` says which rows).
/// Page by page in filing-number order, each page a short read; each row is written only if it is
/// still what was read (a concurrent change keeps its own, already current, encryption), so it is
/// safe beside running instances and idempotent: a second run rewrites nothing. `pause` runs between
/// pages (the service sleeps there; the command does not).
pub async fn sweep(
    store: &dyn Store,
    sealer: &dyn Sealer,
    which: Sweep,
    mut pause: impl FnMut() -> Fut<'static, ()>,
) -> Result<SweepReport, String> {
    let key = sealer
        .field_key()
        .ok_or("no field encryption key is loaded (keyring without a `field` entry)")?;
    let mut report = SweepReport::default();
    let mut after = String::new();
    loop {
        let page = store
            .stored_requests(after.clone(), SWEEP_PAGE)
            .await
            .map_err(|e| format!("cannot read filings: {e}"))?;
        let Some(last) = page.last() else { break };
        after = last.filing_no.clone();
        for row in &page {
            report.seen += 1;
            if which == Sweep::ClearRows && row.request.contains(PREFIX) {
                continue;
            }
            match reseal_request(&key, &row.filing_no, &row.request) {
                Ok(None) => {}
                Ok(Some(new)) => {
                    if store
                        .replace_request(row.filing_no.clone(), row.request.clone(), new)
                        .await
                        .map_err(|e| format!("cannot write filing {}: {e}", row.filing_no))?
                    {
                        report.rewritten += 1;
                    }
                }
                Err(e) => {
                    tracing::error!(filing_no = %row.filing_no, error = %e, "field encryption sweep: row left as it is");
                    report.failed += 1;
                }
            }
        }
        if (page.len() as u32) < SWEEP_PAGE {
            break;
        }
        pause().await.map_err(|e| e.to_string())?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(n: u8) -> FieldKey {
        let k = FieldKey::new(&format!("fld_unit{n}"), &[n; 32]);
        register(&k);
        k
    }

    fn filing() -> Value {
        json!({
            "applicant": {"name": "张三", "id_number": "11010519491231002X", "mobile": "13800138000"},
            "contractor": {"name": "李四", "id_number": "110105194912310021", "mobile": "13900139000"},
            "workers": [
                {"name": "王五", "id_number": "110105194912310021", "certificate_no": "T110105194912310021"},
                {"name": "赵六", "id_number": "11010519491231002X"}
            ],
            "site": {"address": "布吉街道 1 号"}
        })
    }

    #[test]
    fn every_personal_field_is_encrypted_and_reads_back() {
        let k = key(1);
        let plain = filing().to_string();
        let stored = seal_request(Some(&k), "F-1", &plain).unwrap();
        for clear in [
            "11010519491231002X",
            "13800138000",
            "110105194912310021",
            "13900139000",
        ] {
            assert!(!stored.contains(clear), "{clear} in {stored}");
        }
        assert!(
            stored.contains("布吉街道 1 号"),
            "other fields stay in clear"
        );
        assert_eq!(kids_in("F-1", &stored).unwrap().len(), 7);
        let back: Value = serde_json::from_str(&open_request("F-1", stored).unwrap()).unwrap();
        assert_eq!(back, filing());
    }

    #[test]
    fn numbers_do_not_drift_when_a_request_is_sealed_and_opened_again_and_again() {
        // fuzz/field_decrypt found it: serde_json's default float parse is a last bit off for long
        // literals, so each read-and-write of a stored request moved such a number (3.3333333333333332e41
        // → …36e41 → …4e41). The api parses floats exactly (float_roundtrip), so it stays what was filed.
        let k = key(6);
        let mut f = filing();
        f["applicant"]["n"] = json!(333333333333333333333333333233333333333333.0_f64);
        f["facts"] = json!({"contract_amount_yuan": 0.30000000000000004_f64, "area_m2": 499.99});
        let mut text = f.to_string();
        for round in 0..4 {
            let stored = seal_request(Some(&k), "F-1", &text).unwrap();
            text = open_request("F-1", stored).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, f, "round {round}: {text}");
        }
        assert!(text.contains("3.3333333333333332e+41"), "{text}");
    }

    /// The store writes a new filing's document references itself (migration 0017 dropped the insert
    /// trigger): sealing names each upload its documents name, once, and nothing that is not an upload.
    #[test]
    fn sealing_a_new_filing_names_its_documents_uploads_once() {
        let k = key(5);
        let mut f = filing();
        f["documents"] = json!({
            "D_CONTRACT": "sha256:aa", "D_FLOOR_PLAN": "sha256:bb", "D_PLEDGE": "sha256:aa", "D_NOTE": "not an upload"
        });
        for key in [Some(&k), None] {
            let s = seal_new(key, "F-3", &f.to_string()).unwrap();
            let mut docs = s.documents.clone();
            docs.sort();
            assert_eq!(docs, ["sha256:aa", "sha256:bb"]);
            let back: Value = serde_json::from_str(&open_request("F-3", s.text).unwrap()).unwrap();
            assert_eq!(back, f, "sealing changes no value");
        }
        // sealing copies the other members as they are: the stored text is still one JSON object whose
        // members come in serde_json's order, with every person's value encrypted
        let s = seal_new(Some(&k), "F-3", &f.to_string()).unwrap();
        let stored: Value = serde_json::from_str(&s.text).unwrap();
        assert_eq!(stored["documents"], f["documents"]);
        assert!(
            stored["workers"][1]["id_number"]
                .as_str()
                .unwrap()
                .starts_with(PREFIX)
        );
        let names: Vec<&str> = s
            .text
            .match_indices("\":{")
            .map(|(i, _)| &s.text[..i])
            .map(|t| &t[t.rfind('"').unwrap() + 1..])
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        // not an object: nothing to seal, nothing named
        assert_eq!(seal_new(Some(&k), "F-3", "[1]").unwrap().text, "[1]");
        assert!(seal_new(Some(&k), "F-3", "{\"applicant\":").is_err());
    }

    /// The request as the service writes it, with its personal values marked as it was written
    /// (`Filing::to_json_marking`), seals to what reading it would give: the same values encrypted,
    /// every other byte as it was, the same documents — and a mark that does not fit is refused.
    #[test]
    fn sealing_by_marks_is_sealing_by_reading() {
        let k = key(6);
        let mut v = anbei_filing::fixtures::complete_filing().unwrap();
        v["agent"] = v["applicant"].clone();
        v["agent"]["email"] = json!("agent@example.cn");
        v["contractor"]["mobile"] = json!("13700137000");
        v["project_lead"] = json!({"name": "钱七", "mobile": "13600136000"});
        v["documents"] = json!({"D_A": "sha256:aa", "D_B": "sha256:bb", "D_C": "sha256:aa"});
        if v["pledge"].is_object() {
            v["pledge"]["signer"] = json!("applicant");
            v["pledge"]["signed_at"] = json!("2026-11-23T10:00:00.000+08:00");
        }
        let f: anbei_filing::Filing<serde_json::Map<String, Value>> =
            serde_json::from_value(v).unwrap();
        let (text, marks) = f.to_json_marking(&is_personal);
        let documents = upload_ids(f.documents.iter().map(|(_, id)| id));
        let marks = crate::store::RequestMarks { marks, documents };
        let by_marks = seal_marked(Some(&k), "F-6", &text, &marks).unwrap();
        let by_reading = seal_new(Some(&k), "F-6", &text).unwrap();
        assert_eq!(by_marks.documents, by_reading.documents);
        assert!(!by_marks.documents.is_empty());
        // The same fields encrypted (values differ: every nonce is new) …
        let shape = |t: &str| {
            let mut v: Value = serde_json::from_str(t).unwrap();
            let mut n = 0;
            each_field(&mut v, |_, s| {
                assert!(s.starts_with(PREFIX), "{s} is encrypted");
                *s = String::new();
                n += 1;
                Ok(())
            })
            .unwrap();
            (v, n)
        };
        let (a, n) = shape(&by_marks.text);
        assert_eq!((a, n), shape(&by_reading.text));
        let mut clear: Value = serde_json::from_str(&text).unwrap();
        let mut personal = 0;
        each_field(&mut clear, |_, _| {
            personal += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, personal, "every personal value, and only those");
        assert!(
            n >= 10,
            "agent, contractor's mobile, project lead and workers included: {n}"
        );
        // … and both open to the request exactly as it was written.
        let tree = |t: String| serde_json::from_str::<Value>(&t).unwrap();
        let written = tree(text.clone());
        assert_eq!(
            tree(open_request("F-6", by_marks.text.clone()).unwrap()),
            written
        );
        assert_eq!(tree(open_request("F-6", by_reading.text).unwrap()), written);
        // Under another filing number the values do not open.
        assert!(open_request("F-7", by_marks.text).is_err());
        // A mark that is not one of the request's string literals is an error, not a value in clear.
        for (start, end) in [(0, 5), (text.len() - 1, text.len() + 3)] {
            let mut bad = marks.clone();
            bad.marks[0].start = start;
            bad.marks[0].end = end;
            assert!(seal_marked(Some(&k), "F-6", &text, &bad).is_err());
        }
        let mut backwards = marks.clone();
        backwards.marks.swap(0, 1);
        assert!(seal_marked(Some(&k), "F-6", &text, &backwards).is_err());
    }

    /// Nonces come from the OS in batches: every value still gets its own.
    #[test]
    fn every_value_gets_its_own_nonce() {
        let k = key(6);
        let mut f = filing();
        f["workers"] = Value::Array(
            (0..40)
                .map(|_| json!({"name": "王五", "id_number": "110105194912310021"}))
                .collect(),
        );
        let s = seal_new(Some(&k), "F-4", &f.to_string()).unwrap();
        let v: Value = serde_json::from_str(&s.text).unwrap();
        let nonces: std::collections::HashSet<Vec<u8>> = v["workers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                let c = w["id_number"].as_str().unwrap();
                let b64 = c.rsplit(':').next().unwrap();
                URL_SAFE_NO_PAD.decode(b64).unwrap()[..12].to_vec()
            })
            .collect();
        assert_eq!(nonces.len(), 40);
    }

    #[test]
    fn a_value_moved_to_another_filing_or_field_does_not_decrypt() {
        let k = key(2);
        let c = encrypt(&k, "F-1", "applicant.id_number", "11010519491231002X").unwrap();
        assert_eq!(
            decrypt("F-1", "applicant.id_number", &c).unwrap(),
            "11010519491231002X"
        );
        let e = decrypt("F-2", "applicant.id_number", &c).unwrap_err();
        assert!(
            e.to_string().contains("F-2") && e.to_string().contains("copied"),
            "{e}"
        );
        let e = decrypt("F-1", "workers.0.id_number", &c).unwrap_err();
        assert!(e.to_string().contains("workers.0.id_number"), "{e}");
        let unknown = c.replace("fld_unit2", "fld_gone");
        let e = decrypt("F-1", "applicant.id_number", &unknown).unwrap_err();
        assert!(e.to_string().contains("fld_gone"), "{e}");
        assert!(decrypt("F-1", "applicant.id_number", "enc:v1:fld_unit2:!!").is_err());
    }

    #[test]
    fn the_sweep_encrypts_clear_rows_and_moves_old_keys_once() {
        let (old, new) = (key(3), key(4));
        let legacy = filing().to_string();
        let once = reseal_request(&old, "F-9", &legacy).unwrap().unwrap();
        assert!(
            kids_in("F-9", &once)
                .unwrap()
                .iter()
                .all(|k| k.as_deref() == Some("fld_unit3"))
        );
        let moved = reseal_request(&new, "F-9", &once).unwrap().unwrap();
        assert!(
            kids_in("F-9", &moved)
                .unwrap()
                .iter()
                .all(|k| k.as_deref() == Some("fld_unit4"))
        );
        assert_eq!(reseal_request(&new, "F-9", &moved).unwrap(), None);
        let back: Value = serde_json::from_str(&open_request("F-9", moved).unwrap()).unwrap();
        assert_eq!(back, filing());
    }

    #[test]
    fn a_user_value_that_looks_encrypted_is_encrypted_too() {
        let k = key(5);
        let mut f = filing();
        f["workers"][0]["certificate_no"] = json!("enc:v1:fld_unit5:AAAA");
        let stored = seal_request(Some(&k), "F-3", &f.to_string()).unwrap();
        let back: Value = serde_json::from_str(&open_request("F-3", stored).unwrap()).unwrap();
        assert_eq!(back, f);
    }
}
