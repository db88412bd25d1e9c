//! "Share these answers": the answers travel in the URL fragment (never sent to a server), compact and
//! versioned, so a property manager can pre-screen a job and pass it on. Written by the widget's "share"
//! and by the batch pre-screen (one link per row), read by the widget, which opens pre-filled.
//!
//! Format v1: `anbei=1~<item>~<item>…` where an item is one key character (the fact's position in the
//! frozen v1 table below, alphabet `0-9a-zA-Z`) followed by its value: `1`/`0` for yes/no, a decimal
//! number, `-` for "no building area", or the code itself (codes are `[a-z0-9_]`, URL-safe as is).
//! Optionally a mode item `~m:o` (odd-job pre-screen). The table is frozen: new facts are appended, never
//! reordered, so old links keep working; a new version number is used for anything incompatible.

pub const PREFIX: &str = "anbei=";
const VERSION: &str = "1";
const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// v1 key table: (fact key, type) with type b = yes/no, n = number (or null), c = code.
pub const V1: &[(&str, u8)] = &[
    ("activity", b'c'),
    ("public_area", b'b'),
    ("emergency_rescue", b'b'),
    ("temporary_building", b'b'),
    ("illegal_addition", b'b'),
    ("repair_is_complex", b'b'),
    ("public_safety_structure", b'b'),
    ("contract_amount_yuan", b'n'),
    ("construction_area_m2", b'n'),
    ("permit_not_applicable", b'b'),
    ("elevator_work", b'c'),
    ("elevator_multi_owner_residential", b'b'),
    ("structural_change", b'b'),
    ("load_increase", b'b'),
    ("use_change", b'b'),
    ("excavation_depth_m", b'n'),
    ("earthwork", b'b'),
    ("underground_pipelines", b'b'),
    ("scaffold_height_m", b'n'),
    ("lifting", b'b'),
    ("other_dangerous_subproject", b'b'),
    ("welding", b'b'),
    ("hot_work", b'b'),
    ("confined_space", b'b'),
    ("work_at_height", b'b'),
    ("electrical_work", b'b'),
    ("other_special_operation", b'b'),
    ("temporary_electricity", b'b'),
    ("suspended_work", b'b'),
    ("demolition", b'b'),
    ("other_dangerous_work", b'b'),
    ("gas_pipeline_alteration", b'b'),
    ("hazardous_chemicals", b'b'),
    ("venue", b'c'),
    ("investment_yuan", b'n'),
    ("property_managed", b'b'),
    ("closed_managed_site", b'b'),
    ("applicant_is_owner", b'b'),
    ("via_agent", b'b'),
    ("street", b'c'),
];

/// One shared answer's value.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareValue {
    Bool(bool),
    Num(f64),
    /// `construction_area_m2: null`: no building area.
    Null,
    Code(String),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Shared {
    pub answers: Vec<(String, ShareValue)>,
    pub odd_job_mode: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    NotAShareLink,
    UnknownVersion(String),
    Malformed(String),
}

/// Encodes answers (in the order given) into the fragment payload, without the `#`. `num` writes a
/// number as its shortest decimal (the caller's: the widget borrows the browser's, so its bundle
/// carries no float formatter). Keys outside the v1 table and codes that are not URL-safe are left out.
pub fn encode<'a>(
    answers: impl IntoIterator<Item = (&'a str, &'a ShareValue)>,
    odd_job_mode: bool,
    num: impl Fn(f64) -> String,
) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(PREFIX);
    out.push_str(VERSION);
    for (k, v) in answers {
        let Some(i) = V1.iter().position(|(key, _)| *key == k) else {
            continue;
        };
        let val = match v {
            ShareValue::Bool(b) => (if *b { "1" } else { "0" }).to_string(),
            ShareValue::Num(x) if x.is_finite() => num(*x),
            ShareValue::Null => "-".to_string(),
            ShareValue::Code(s) if s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') => {
                s.clone()
            }
            _ => continue,
        };
        out.push('~');
        out.push(char::from(ALPHABET[i]));
        out.push_str(&val);
    }
    if odd_job_mode {
        out.push_str("~m:o");
    }
    out
}

/// Decodes a fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(body) = f.strip_prefix(PREFIX) else {
        return Err(ShareError::NotAShareLink);
    };
    let mut parts = body.split('~');
    let version = parts.next().unwrap_or("");
    if version != VERSION {
        return Err(ShareError::UnknownVersion(
            version.chars().take(8).collect(),
        ));
    }
    let mut shared = Shared::default();
    for item in parts {
        if item == "m:o" {
            shared.odd_job_mode = true;
            continue;
        }
        let mut chars = item.chars();
        let Some(kc) = chars.next() else { continue };
        let rest = chars.as_str();
        let bad = || ShareError::Malformed(item.chars().take(40).collect());
        let idx = ALPHABET
            .iter()
            .position(|a| char::from(*a) == kc)
            .ok_or_else(bad)?;
        let Some((key, ty)) = V1.get(idx) else {
            continue;
        }; // a fact from a later table: skip it
        let value = match (ty, rest) {
            (b'b', "1") => ShareValue::Bool(true),
            (b'b', "0") => ShareValue::Bool(false),
            (b'n', "-") => ShareValue::Null,
            (b'n', s) => {
                let x = crate::input::parse_decimal(s).ok_or_else(bad)?;
                if !x.is_finite() {
                    return Err(bad());
                }
                ShareValue::Num(x)
            }
            (b'c', s)
                if !s.is_empty()
                    && s.len() <= 64
                    && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') =>
            {
                ShareValue::Code(s.to_string())
            }
            _ => return Err(bad()),
        };
        shared.answers.retain(|(k, _)| k != key);
        shared.answers.push(((*key).to_string(), value));
    }
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_the_engine_asks_has_a_v1_key() {
        for f in crate::Fact::ALL {
            let dated = matches!(
                f.key(),
                "registration_date" | "registered_date" | "completion_date"
            );
            assert!(
                dated || V1.iter().any(|(k, _)| *k == f.key()),
                "{} missing from the share table",
                f.key()
            );
        }
    }

    #[test]
    fn round_trip() {
        let a = [
            ("activity", ShareValue::Code("landscaping_works".into())),
            ("contract_amount_yuan", ShareValue::Num(1_200_000.0)),
            ("construction_area_m2", ShareValue::Null),
            ("hot_work", ShareValue::Bool(true)),
        ];
        let s = encode(a.iter().map(|(k, v)| (*k, v)), false, |x| x.to_string());
        assert_eq!(s, "anbei=1~0landscaping_works~71200000~8-~m1");
        let back = decode(&s).unwrap_or_default();
        assert_eq!(back.answers.len(), 4);
        assert_eq!(back.answers[1].1, ShareValue::Num(1_200_000.0));
    }
}
