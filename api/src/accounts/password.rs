//! Staff passwords (OWASP ASVS 5.0 V6): argon2id, at least [`MIN_LEN`] characters, not one of the
//! bundled common passwords, never stored or logged in clear.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// The shortest password accepted (characters, not bytes).
pub const MIN_LEN: usize = 12;
/// The longest (argon2 takes any length; this only bounds the work a request can ask for).
pub const MAX_LEN: usize = 256;

/// The cost: 19 MiB, 2 passes, 1 lane — OWASP's Password Storage Cheat Sheet's first argon2id
/// configuration. ~25 ms per hash on this machine (BENCHMARKS.md, "sign-in"), under the 250 ms budget.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password`, with a fresh salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string (a string that does not parse never matches).
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the login is unknown, so that an unknown login takes as long to
/// refuse as a wrong password (no user enumeration by timing).
pub fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password, never matches").unwrap_or_default())
}

/// Why a new password is refused: the rule's name (`length`, `common`, `same_as_current`).
pub fn check(new: &str, login: &str, current: Option<&str>) -> Result<(), &'static str> {
    let n = new.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&n) {
        return Err("length");
    }
    let lower = new.to_lowercase();
    if is_common(&lower) || lower.contains(&login.to_lowercase()) && n < login.chars().count() + 8 {
        return Err("common");
    }
    if let Some(chars) = lower.chars().next() {
        if lower.chars().all(|c| c == chars) {
            return Err("common");
        }
    }
    if current == Some(new) {
        return Err("same_as_current");
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    static LIST: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
    .contains(lower)
}

/// A new random password to hand over once (first sign-in changes it): 16 characters from an alphabet
/// without look-alikes (no 0/O, 1/l/I), ~92 bits.
pub fn generate() -> Result<String, String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("correct horse battery", "not a hash"));
        // a fresh salt each time
        assert_ne!(h, hash("correct horse battery").unwrap());
        assert!(!verify("anything", decoy()));
    }

    #[test]
    fn weak_passwords_are_refused_with_their_rule() {
        assert_eq!(check("short", "li.wei", None), Err("length"));
        assert_eq!(check("12345678901", "li.wei", None), Err("length"));
        assert_eq!(check("Qwerty123456", "li.wei", None), Err("common"));
        assert_eq!(check("1qaz2wsx3edc", "li.wei", None), Err("common"));
        assert_eq!(check("aaaaaaaaaaaaaa", "li.wei", None), Err("common"));
        assert_eq!(check("li.wei123456", "li.wei", None), Err("common"));
        assert_eq!(
            check("a long passphrase", "li.wei", Some("a long passphrase")),
            Err("same_as_current")
        );
        assert_eq!(check("坂田街道安全登记2026", "li.wei", None), Ok(()));
        assert_eq!(
            check("a long passphrase", "li.wei", Some("old one")),
            Ok(())
        );
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..50 {
            let p = generate().unwrap();
            assert_eq!(p.chars().count(), 16);
            assert_eq!(check(&p, "x", None), Ok(()), "{p}");
        }
    }
}
