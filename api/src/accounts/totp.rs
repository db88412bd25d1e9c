//! TOTP second factor (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second steps, 6 digits — what
//! every authenticator app computes from an `otpauth://` URI. A code is accepted one step early or
//! late (clock drift), and never twice (the step last used is stored).

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_S: i64 = 30;
pub const DIGITS: u32 = 6;

/// A new 160-bit secret, base32 (RFC 4648, no padding), as authenticator apps take it.
pub fn new_secret() -> Result<String, String> {
    let mut b = [0u8; 20];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness: {e}"))?;
    Ok(base32(&b))
}

/// The URI an authenticator app scans: issuer Anbei, the account's login.
pub fn uri(secret: &str, login: &str) -> String {
    let label: String = login
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "otpauth://totp/Anbei:{label}?secret={secret}&issuer=Anbei&digits={DIGITS}&period={STEP_S}"
    )
}

/// The HOTP value of `secret` (raw bytes) at `counter` (RFC 4226 §5.3).
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    bin % 10u32.pow(DIGITS)
}

/// The step (30-second window since the epoch) `code` matches at `now_ms`, looking one step either
/// side, if it is later than `last_used` (a code is good once). `None`: wrong, or used already.
pub fn check(secret_b32: &str, code: &str, now_ms: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = code.parse().ok()?;
    let secret = unbase32(secret_b32)?;
    let now = now_ms.div_euclid(1000 * STEP_S);
    [now - 1, now, now + 1].into_iter().find(|&step| {
        step >= 0 && last_used.is_none_or(|l| step > l) && hotp(&secret, step as u64) == want
    })
}

/// The code of `secret_b32` at `now_ms` (what an authenticator app shows; tests and scripts use it).
pub fn code_at(secret_b32: &str, now_ms: i64) -> Option<String> {
    let secret = unbase32(secret_b32)?;
    let step = now_ms.div_euclid(1000 * STEP_S);
    Some(format!(
        "{:0width$}",
        hotp(&secret, step as u64),
        width = DIGITS as usize
    ))
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn unbase32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = B32.iter().position(|x| *x == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1, with the RFC's 20-byte secret "12345678901234567890" (the RFC
    /// prints 8 digits; these are their last 6).
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = base32(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (t, code) in [
            (59i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(check(&secret, code, t * 1000, None), Some(t / 30), "t={t}");
        }
    }

    #[test]
    fn one_step_of_drift_either_side_and_never_twice() {
        let s = new_secret().unwrap();
        let raw = unbase32(&s).unwrap();
        let now = 1_800_000_000_000i64;
        let step = now / 30_000;
        let code = |st: i64| format!("{:06}", hotp(&raw, st as u64));
        assert_eq!(check(&s, &code(step - 1), now, None), Some(step - 1));
        assert_eq!(check(&s, &code(step + 1), now, None), Some(step + 1));
        assert_eq!(check(&s, &code(step - 2), now, None), None);
        assert_eq!(check(&s, &code(step), now, Some(step)), None, "replayed");
        assert_eq!(check(&s, "12345", now, None), None);
        assert_eq!(check(&s, "abcdef", now, None), None);
        assert!(uri(&s, "li wei").starts_with("otpauth://totp/Anbei:li%20wei?secret="));
    }
}

// ---- at rest -------------------------------------------------------------------------------------

/// Where a stored secret is bound (the additional data of its encryption, with the path `totp`): a
/// secret copied into another account's row does not open. No filing number looks like this.
fn owner(login: &str) -> String {
    format!("account:{login}")
}

const PATH: &str = "totp";

/// The stored form of the TOTP secret `secret` of `login`: AES-256-GCM under the keyring's current
/// data key, as a filing's personal fields are (`store/fieldcrypt.rs`), so a copy of the database
/// without the KEK gives no second factor (issue 16, item 6). In clear only for a store opened without
/// a keyring. A pending secret and a confirmed one share the path, so confirming moves it as it is.
pub fn seal(
    sealer: &dyn crate::store::Sealer,
    login: &str,
    secret: &str,
) -> Result<String, String> {
    match sealer.field_key() {
        Some(k) => crate::store::fieldcrypt::encrypt(&k, &owner(login), PATH, secret)
            .map_err(|e| e.to_string()),
        None => Ok(secret.to_owned()),
    }
}

/// The secret of `login` stored as `stored` (one an earlier version stored in clear, as it is). An
/// error means the value was altered, copied from another account, or its key is gone.
pub fn open(login: &str, stored: &str) -> Result<String, String> {
    crate::store::fieldcrypt::decrypt(&owner(login), PATH, stored).map_err(|e| {
        // fieldcrypt words it for filings
        e.to_string().replace(
            &format!("filing {}", owner(login)),
            &format!("account {login}"),
        )
    })
}

/// Which stored secrets [`seal_stored`] writes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reseal {
    /// Those in clear (stored by a version before this one): every start.
    Clear,
    /// Also those under another key than the current one (`anbei keys reencrypt`).
    NotCurrent,
}

/// Accounts read, secrets written again, and secrets that did not open or were changed meanwhile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResealReport {
    pub accounts: usize,
    pub sealed: usize,
    pub failed: usize,
}

/// Encrypts the TOTP secrets (confirmed and pending) that `which` names, each only if it is still the
/// value read (`StaffOp::SealTotp`). Nothing to do without a keyring.
pub async fn seal_stored(
    store: &dyn crate::store::Store,
    sealer: &dyn crate::store::Sealer,
    which: Reseal,
) -> Result<ResealReport, String> {
    use crate::store::fieldcrypt::kid_of;
    let Some(current) = sealer.field_key().map(|k| k.kid) else {
        return Ok(ResealReport::default());
    };
    let mut r = ResealReport::default();
    for a in store.list_accounts().await.map_err(|e| e.to_string())? {
        r.accounts += 1;
        for (pending, stored) in [(false, &a.totp_secret), (true, &a.totp_pending)] {
            let Some(old) = stored else { continue };
            let due = match (which, kid_of(old)) {
                (_, None) => true,
                (Reseal::NotCurrent, Some(kid)) => kid != current,
                (Reseal::Clear, Some(_)) => false,
            };
            if !due {
                continue;
            }
            let new = open(&a.login, old).and_then(|plain| seal(sealer, &a.login, &plain));
            let written = match new {
                Ok(new) => store
                    .staff_write(
                        vec![crate::store::StaffOp::SealTotp {
                            login: a.login.clone(),
                            pending,
                            old: old.clone(),
                            new,
                        }],
                        vec![],
                    )
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match written {
                Ok(()) => r.sealed += 1,
                Err(e) => {
                    tracing::warn!(login = %a.login, pending, error = %e, "TOTP secret not sealed");
                    r.failed += 1;
                }
            }
        }
    }
    Ok(r)
}
