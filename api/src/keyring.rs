//! The keyring (issue 16, item 4): every key the service has used, in the database table `keyring`
//! (migration 0008), each with its validity. Private parts are stored only sealed with AES-256-GCM under
//! the key-encryption key (KEK): 32 random bytes in `keyring.kek` in the data directory, or in the file
//! given by `--kek-file` / `ANBEI_KEK_FILE` — the one secret that instances sharing a PostgreSQL
//! database must share. A copy of the database alone signs no receipt and derives no access code.
//!
//! - First start: the keyring is empty. The signing key of earlier versions
//!   (`receipt-signing.key`) is imported, valid since the beginning, so every receipt it signed keeps
//!   verifying; the access-code secret of earlier versions (the same seed) is kept as a `token` entry
//!   ending now, and a new random `token` secret begins now — so codes of filings created before the
//!   import still work and new ones are derived from a secret of their own, not from the signing seed.
//!   Without an old key file, a new key and a new token secret are made (and refused if the database
//!   already holds filings: their receipts would stop verifying).
//! - Every start and every 30 s: the keyring is read again and installed in the [`Signer`], so a
//!   rotation made by `anbei keys rotate` (or another instance) is picked up without a restart.
//! - A KEK that is missing or does not open the entries of an existing keyring stops the start with an
//!   error saying so; the service never makes new keys beside old ones it cannot read.
//! - `anbei keys rotate [--in-seconds N]`: a new key, current from now + N; every key current until
//!   then gets that moment as its `not_after` (it verifies on, signs no more).
//! - Purpose `field` (issue 16, item 6): the data keys that encrypt ID numbers and mobiles at rest
//!   (`store/fieldcrypt.rs`). One is added to a keyring that has none (first start, or the first start
//!   of this version); `anbei keys rotate --kind field` starts a new one, `anbei keys reencrypt` moves
//!   every stored value to it.
//! - `anbei keys rotate-kek --new-kek-file F`: every entry sealed again under a new KEK, in one
//!   transaction. Every command here is recorded in the audit trail (account `cli`).

use crate::clock::{self, Clock};
use crate::signing::{self, FieldEntry, ReceiptKey, Ring, Signer, TokenSecret, hex, random_bytes};
use crate::store::fieldcrypt::{self, FieldKey};
use crate::store::{KeyRow, Store};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

/// The KEK's file name in the data directory (without `--kek-file`).
pub const KEK_FILE: &str = "keyring.kek";
const KEK_PREFIX: &str = "anbei-kek-v1:";
const SEALED_PREFIX: &str = "v1:";
/// How often a running instance reads the keyring again.
pub const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

pub const RECEIPT: &str = "receipt";
pub const TOKEN: &str = "token";
/// The data keys of personal fields at rest (`store/fieldcrypt.rs`).
pub const FIELD: &str = "field";
/// How long after `anbei keys rotate --kind field` the new data key starts encrypting by default:
/// two reloads, so every running instance can decrypt with it before any encrypts with it.
pub const FIELD_DELAY_S: i64 = 2 * RELOAD_EVERY.as_secs() as i64;

/// The key-encryption key.
#[derive(Clone)]
pub struct Kek([u8; 32]);

/// Where the KEK is read from: `--kek-file` if given, else `keyring.kek` in the data directory.
pub fn kek_path(data_dir: &Path, kek_file: Option<&Path>) -> PathBuf {
    kek_file.map_or_else(|| data_dir.join(KEK_FILE), Path::to_path_buf)
}

/// The KEK at `path`, which must exist (`anbei keys …` beside a running service).
pub fn kek_at(path: &Path) -> Result<Kek, String> {
    read_kek(path)?.ok_or_else(|| format!("key-encryption key {} does not exist", path.display()))
}

fn read_kek(path: &Path) -> Result<Option<Kek>, String> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "key-encryption key {} exists but cannot be read: {e}",
            path.display()
        )
    })?;
    let bytes = text
        .trim()
        .strip_prefix(KEK_PREFIX)
        .and_then(signing::unhex)
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| {
            format!(
                "key-encryption key {} is corrupt (expected `{KEK_PREFIX}<64 hex digits>`)",
                path.display()
            )
        })?;
    Ok(Some(Kek(bytes)))
}

/// Writes a new KEK (mode 0600); if another process wrote one first, that one.
fn create_kek(path: &Path) -> Result<Kek, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create directory {}: {e}", dir.display()))?;
    }
    let kek = random_bytes::<32>()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(format!("{KEK_PREFIX}{}\n", hex(&kek)).as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| format!("cannot write key-encryption key {}: {e}", path.display()))?;
            Ok(Kek(kek))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_kek(path)?.ok_or_else(|| format!("key-encryption key {} vanished", path.display()))
        }
        Err(e) => Err(format!(
            "cannot create key-encryption key {}: {e}",
            path.display()
        )),
    }
}

fn aead(kek: &Kek) -> Result<LessSafeKey, String> {
    UnboundKey::new(&AES_256_GCM, &kek.0)
        .map(LessSafeKey::new)
        .map_err(|_| "AES-256-GCM key rejected".to_owned())
}

/// `secret` sealed under the KEK, bound to its entry (`kid;purpose` as associated data, so a sealed
/// secret copied into another row does not open).
pub fn seal(kek: &Kek, kid: &str, purpose: &str, secret: &[u8; 32]) -> Result<String, String> {
    let nonce = random_bytes::<12>()?;
    let mut buf = secret.to_vec();
    aead(kek)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(format!("{kid};{purpose}").as_bytes()),
            &mut buf,
        )
        .map_err(|_| "cannot seal a key".to_owned())?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&buf);
    Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(out)))
}

/// The secret of a stored entry; `None` if the KEK does not open it (wrong KEK or altered row).
pub fn open(kek: &Kek, row: &KeyRow) -> Option<[u8; 32]> {
    let raw = STANDARD
        .decode(row.sealed.strip_prefix(SEALED_PREFIX)?)
        .ok()?;
    let (nonce, ct) = raw.split_at_checked(12)?;
    let mut buf = ct.to_vec();
    let plain = aead(kek)
        .ok()?
        .open_in_place(
            Nonce::try_assume_unique_for_key(nonce).ok()?,
            Aad::from(format!("{};{}", row.kid, row.purpose).as_bytes()),
            &mut buf,
        )
        .ok()?;
    <[u8; 32]>::try_from(&plain[..]).ok()
}

/// The keys of `rows`, opened with `kek`.
pub fn ring_of(rows: &[KeyRow], kek: &Kek, kek_at: &Path) -> Result<Ring, String> {
    let mut ring = Ring::default();
    for row in rows {
        let secret = open(kek, row).ok_or_else(|| {
            format!(
                "the key-encryption key {} does not open keyring entry {} — it is not the KEK this keyring \
                 was sealed with (instances sharing a database must share one KEK: --kek-file / ANBEI_KEK_FILE); \
                 restore the right file, refusing to start",
                kek_at.display(),
                row.kid
            )
        })?;
        match row.purpose.as_str() {
            RECEIPT => {
                let k = ReceiptKey::new(secret, &row.not_before, row.not_after.as_deref());
                if k.kid != row.kid || hex(k.public_key().as_bytes()) != row.public_key {
                    return Err(format!(
                        "keyring entry {} does not match its public key: the table was altered",
                        row.kid
                    ));
                }
                ring.receipt.push(k);
            }
            TOKEN => ring.token.push(TokenSecret::new(
                &row.kid,
                secret,
                &row.not_before,
                row.not_after.as_deref(),
            )),
            FIELD => {
                let key = FieldKey::new(&row.kid, &secret);
                fieldcrypt::register(&key);
                ring.field.push(FieldEntry {
                    key,
                    not_before: row.not_before.clone(),
                    not_after: row.not_after.clone(),
                });
            }
            other => {
                return Err(format!(
                    "keyring entry {} has an unknown purpose {other}",
                    row.kid
                ));
            }
        }
    }
    ring.receipt.sort_by(|a, b| a.not_before.cmp(&b.not_before));
    ring.token.sort_by(|a, b| a.not_before.cmp(&b.not_before));
    ring.field.sort_by(|a, b| a.not_before.cmp(&b.not_before));
    if ring.receipt.is_empty() || ring.token.is_empty() {
        return Err(
            "the keyring has no receipt key or no token secret: the table was altered".into(),
        );
    }
    Ok(ring)
}

fn receipt_row(kek: &Kek, seed: [u8; 32], not_before: &str, now: &str) -> Result<KeyRow, String> {
    let k = ReceiptKey::new(seed, not_before, None);
    Ok(KeyRow {
        sealed: seal(kek, &k.kid, RECEIPT, &seed)?,
        public_key: hex(k.public_key().as_bytes()),
        kid: k.kid,
        purpose: RECEIPT.into(),
        not_before: not_before.into(),
        not_after: None,
        created_at: now.into(),
    })
}

/// A new data key for personal fields, encrypting from `not_before`.
fn field_row(kek: &Kek, not_before: &str, now: &str) -> Result<KeyRow, String> {
    let kid = format!("fld_{}", hex(&random_bytes::<8>()?));
    Ok(KeyRow {
        sealed: seal(kek, &kid, FIELD, &random_bytes::<32>()?)?,
        kid,
        purpose: FIELD.into(),
        public_key: String::new(),
        not_before: not_before.into(),
        not_after: None,
        created_at: now.into(),
    })
}

fn token_row(
    kek: &Kek,
    kid: String,
    secret: [u8; 32],
    not_before: &str,
    not_after: Option<&str>,
    now: &str,
) -> Result<KeyRow, String> {
    Ok(KeyRow {
        sealed: seal(kek, &kid, TOKEN, &secret)?,
        kid,
        purpose: TOKEN.into(),
        public_key: String::new(),
        not_before: not_before.into(),
        not_after: not_after.map(str::to_owned),
        created_at: now.into(),
    })
}

/// Reads (on first start: makes, importing the old key file) the keyring of `store` and installs it
/// in `signer`. Returns the KEK, for the reloads.
pub async fn load(
    data_dir: &Path,
    kek_file: Option<&Path>,
    store: &dyn Store,
    signer: &Signer,
    clock: &dyn Clock,
) -> Result<Kek, String> {
    let path = kek_path(data_dir, kek_file);
    let mut rows = store
        .keyring_list()
        .await
        .map_err(|e| format!("cannot read the keyring: {e}"))?;
    if rows.is_empty() {
        let legacy = signing::read_legacy_seed(data_dir)?;
        if legacy.is_none() {
            // A new key next to a database that already holds filings means the key file was lost or
            // the data directory is not the one the database belongs to: every receipt issued so far
            // would stop verifying. Refuse to start rather than silently switch keys.
            let existing = store
                .ledger_page(crate::store::ListFilter::default(), None, 1)
                .await
                .map_err(|e| format!("cannot read the database: {e}"))?;
            if !existing.entries.is_empty() {
                return Err(format!(
                    "signing key {} is missing but the database already holds filings (and no keyring): restore \
                     the key file from backup (or point --data-dir at the directory that holds it); refusing to \
                     start with a new key",
                    signing::key_path(data_dir).display()
                ));
            }
        }
        let kek = match read_kek(&path)? {
            Some(k) => k,
            None if kek_file.is_some() => {
                return Err(format!(
                    "--kek-file {} does not exist: create it on one instance (any first start without \
                     --kek-file writes keyring.kek in its data directory) and copy it to the others",
                    path.display()
                ));
            }
            None => create_kek(&path)?,
        };
        let now = clock::rfc3339(clock.now_ms());
        let mut new_rows = match legacy {
            Some(seed) => vec![
                receipt_row(&kek, seed, "", &now)?,
                token_row(
                    &kek,
                    format!("tok_legacy_{}", hex(&random_bytes::<4>()?)),
                    seed,
                    "",
                    Some(&now),
                    &now,
                )?,
                token_row(
                    &kek,
                    format!("tok_{}", hex(&random_bytes::<8>()?)),
                    random_bytes::<32>()?,
                    &now,
                    None,
                    &now,
                )?,
            ],
            None => vec![
                receipt_row(&kek, random_bytes::<32>()?, "", &now)?,
                token_row(
                    &kek,
                    format!("tok_{}", hex(&random_bytes::<8>()?)),
                    random_bytes::<32>()?,
                    "",
                    None,
                    &now,
                )?,
            ],
        };
        new_rows.push(field_row(&kek, "", &now)?);
        // Another instance starting at the same moment may be filling it too: a keyring is made once
        // (atomically, in the store), and every instance then reads the one that was made.
        store
            .keyring_init(new_rows)
            .await
            .map_err(|e| format!("cannot write the keyring: {e}"))?;
        rows = store
            .keyring_list()
            .await
            .map_err(|e| format!("cannot read the keyring: {e}"))?;
    }
    let kek = read_kek(&path)?.ok_or_else(|| {
        format!(
            "the keyring in the database is sealed under a key-encryption key, but {} does not exist: restore it \
             from backup (or pass --kek-file / ANBEI_KEK_FILE); refusing to start",
            path.display()
        )
    })?;
    // A keyring made before field encryption has no data key: one is added (once, atomically, as
    // the first keyring is made), after checking the KEK opens what is there.
    ring_of(&rows, &kek, &path)?;
    if !rows.iter().any(|r| r.purpose == FIELD) {
        let now = clock::rfc3339(clock.now_ms());
        store
            .keyring_init(vec![field_row(&kek, "", &now)?])
            .await
            .map_err(|e| format!("cannot write the keyring: {e}"))?;
        rows = store
            .keyring_list()
            .await
            .map_err(|e| format!("cannot read the keyring: {e}"))?;
    }
    signer.install(ring_of(&rows, &kek, &path)?);
    Ok(kek)
}

/// Reads the keyring again and installs it.
pub async fn reload(store: &dyn Store, signer: &Signer, kek: &Kek) -> Result<(), String> {
    let rows = store.keyring_list().await.map_err(|e| e.to_string())?;
    signer.install(ring_of(&rows, kek, Path::new("(loaded at start)"))?);
    Ok(())
}

/// Reloads the keyring of `state` every [`RELOAD_EVERY`] while the state lives.
pub fn spawn_reloads(state: Weak<crate::app::Inner>, kek: Kek) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(RELOAD_EVERY).await;
            let Some(s) = state.upgrade() else { break };
            if let Err(e) = reload(s.store.as_ref(), &s.signer, &kek).await {
                tracing::warn!(error = %e, "keyring reload failed; keeping the keys loaded before");
            }
        }
    });
}

/// A new receipt key, current from `now + in_seconds`; every key current until then retires at that
/// moment (it verifies on). Returns the new entry.
pub async fn rotate(
    store: &dyn Store,
    signer: &Signer,
    kek: &Kek,
    now_ms: i64,
    in_seconds: i64,
) -> Result<KeyRow, String> {
    rotate_kind(store, signer, kek, RECEIPT, now_ms, in_seconds).await
}

/// A new key of `purpose` (`receipt` or `field`), current from `now + in_seconds`; every key of that
/// purpose current until then retires at that moment (a receipt key verifies on, a data key decrypts
/// on). Returns the new entry.
pub async fn rotate_kind(
    store: &dyn Store,
    signer: &Signer,
    kek: &Kek,
    purpose: &str,
    now_ms: i64,
    in_seconds: i64,
) -> Result<KeyRow, String> {
    // At the earliest the next millisecond: a receipt issued in this one was signed by the key
    // current now, which must verify it.
    let from = clock::rfc3339(now_ms + (in_seconds.max(0) * 1000).max(1));
    let now = clock::rfc3339(now_ms);
    let row = match purpose {
        RECEIPT => receipt_row(kek, random_bytes::<32>()?, &from, &now)?,
        FIELD => field_row(kek, &from, &now)?,
        other => return Err(format!("keys of kind {other} are not rotated this way")),
    };
    let rows = store.keyring_list().await.map_err(|e| e.to_string())?;
    // Only a keyring this KEK opens is changed.
    ring_of(&rows, kek, Path::new("(given)"))?;
    for r in rows.iter().filter(|r| r.purpose == purpose) {
        if r.not_after.as_deref().is_none_or(|a| a > from.as_str()) {
            store
                .keyring_retire(r.kid.clone(), from.clone())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    store
        .keyring_insert(row.clone())
        .await
        .map_err(|e| e.to_string())?;
    reload(store, signer, kek).await?;
    Ok(row)
}

/// KEK rotation: every keyring entry opened with `old` and sealed again under `new`, written in one
/// transaction with `audit`. Returns how many entries. Nothing is written unless `old` opens every
/// entry (and `new` differs from it).
pub async fn rotate_kek(
    store: &dyn Store,
    old: &Kek,
    new: &Kek,
    audit: Vec<crate::store::AuditDraft>,
) -> Result<usize, String> {
    if old.0 == new.0 {
        return Err("the new key-encryption key is the current one".into());
    }
    let rows = store.keyring_list().await.map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let secret = open(old, &r).ok_or_else(|| {
            format!(
                "the current key-encryption key does not open keyring entry {}: nothing changed",
                r.kid
            )
        })?;
        out.push(KeyRow {
            sealed: seal(new, &r.kid, &r.purpose, &secret)?,
            ..r
        });
    }
    let n = out.len();
    store
        .keyring_reseal(out, audit)
        .await
        .map_err(|e| format!("cannot write the keyring (nothing changed): {e}"))?;
    Ok(n)
}

/// The audit entry of a key command (account `cli`, the operating-system user).
fn cli_audit(
    s: &crate::app::AppState,
    action: &str,
    target: &str,
    detail: String,
) -> crate::store::AuditDraft {
    let mut d = crate::accounts::cli::by(s);
    d.action = action.into();
    d.target = target.into();
    d.detail = Some(crate::audit::clean(&detail));
    d
}

/// `anbei keys rotate --kind K`: [`rotate_kind`] with the KEK of `kek_path`, recorded in the audit
/// trail (`key_rotated`, target the new kid).
pub async fn rotate_audited(
    s: &crate::app::AppState,
    kek_path: &Path,
    purpose: &str,
    in_seconds: i64,
) -> Result<KeyRow, String> {
    let kek = kek_at(kek_path)?;
    let row = rotate_kind(
        s.store.as_ref(),
        &s.signer,
        &kek,
        purpose,
        s.now_ms(),
        in_seconds,
    )
    .await?;
    s.store
        .staff_write(
            vec![],
            vec![cli_audit(
                s,
                "key_rotated",
                &row.kid,
                format!("kind {purpose}; current from {}", row.not_before),
            )],
        )
        .await
        .map_err(|e| format!("key {} made, but its audit entry failed: {e}", row.kid))?;
    Ok(row)
}

/// `anbei keys reencrypt`: every filing's personal fields moved to the current data key
/// (`fieldcrypt::sweep`), recorded in the audit trail (`fields_reencrypted`, target the key).
pub async fn reencrypt_audited(
    s: &crate::app::AppState,
) -> Result<(String, fieldcrypt::SweepReport), String> {
    let kid = s
        .signer
        .current_field_kid()
        .ok_or("no data key in the keyring")?;
    let r = fieldcrypt::sweep(s.store.as_ref(), &*s.signer, fieldcrypt::Sweep::All, || {
        Box::pin(async { Ok(()) })
    })
    .await?;
    let t = crate::accounts::totp::seal_stored(
        s.store.as_ref(),
        &*s.signer,
        crate::accounts::totp::Reseal::NotCurrent,
    )
    .await?;
    s.store
        .staff_write(
            vec![],
            vec![cli_audit(
                s,
                "fields_reencrypted",
                &kid,
                format!(
                    "{} filings read, {} rewritten, {} failed; {} TOTP secrets sealed again, {} failed",
                    r.seen, r.rewritten, r.failed, t.sealed, t.failed
                ),
            )],
        )
        .await
        .map_err(|e| format!("re-encrypted, but the audit entry failed: {e}"))?;
    Ok((kid, r))
}

/// `anbei keys rotate-kek`: the keyring sealed again under the KEK at `new_path` (written, mode 0600,
/// unless it exists), in one transaction with its audit entry (`kek_rotated`). Returns how many
/// entries.
pub async fn rotate_kek_audited(
    s: &crate::app::AppState,
    old_path: &Path,
    new_path: &Path,
) -> Result<usize, String> {
    let old = kek_at(old_path)?;
    let new = create_kek(new_path)?;
    let draft = cli_audit(
        s,
        "kek_rotated",
        "keyring",
        format!(
            "every keyring entry sealed again under the KEK written to {}",
            new_path.display()
        ),
    );
    rotate_kek(s.store.as_ref(), &old, &new, vec![draft]).await
}

/// Keeps a `Weak` handle without importing `Arc` at call sites.
pub fn weak(state: &crate::app::AppState) -> Weak<crate::app::Inner> {
    Arc::downgrade(&state.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kek: &Kek) -> KeyRow {
        receipt_row(kek, [3; 32], "", "t").unwrap()
    }

    #[test]
    fn a_sealed_key_opens_only_with_its_kek_and_in_its_row() {
        let kek = Kek([1; 32]);
        let r = row(&kek);
        assert_eq!(open(&kek, &r), Some([3; 32]));
        assert!(!r.sealed.contains(&hex(&[3; 32])), "stored sealed");
        assert_eq!(open(&Kek([2; 32]), &r), None, "another KEK");
        let moved = KeyRow {
            kid: "0000000000000000".into(),
            ..r.clone()
        };
        assert_eq!(open(&kek, &moved), None, "copied into another row");
        let as_token = KeyRow {
            purpose: TOKEN.into(),
            ..r.clone()
        };
        assert_eq!(open(&kek, &as_token), None, "another purpose");
        let e = ring_of(&[r], &Kek([2; 32]), Path::new("k")).err().unwrap();
        assert!(e.contains("does not open"), "{e}");
    }
}
