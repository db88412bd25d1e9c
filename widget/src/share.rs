//! "Share these answers": the answers travel in the URL fragment (never sent to a server), compact and
//! versioned, so a property manager can pre-screen a job and pass it on.
//!
//! Format v1: `anbei=1~<item>~<item>…` where an item is one key character (the fact's position in the
//! frozen v1 table below, alphabet `0-9a-zA-Z`) followed by its value: `1`/`0` for yes/no, a decimal
//! number, `-` for "no building area", or the code itself (codes are `[a-z0-9_]`, URL-safe as is).
//! Optionally a mode item `~m:o` (odd-job pre-screen). The table is frozen: new facts are appended, never
//! reordered, so old links keep working; a new version number is used for anything incompatible.

use crate::json::{Json, num_text};
use anbei_core::share::ShareValue;
pub use anbei_core::share::{PREFIX, ShareError};

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Shared {
    pub answers: Vec<(String, Json)>,
    pub odd_job_mode: bool,
}

/// Encodes answers (in the order given) into the fragment payload, without the `#`
/// (`anbei_core::share`, numbers written by the browser).
pub fn encode(answers: &[(String, Json)], odd_job_mode: bool) -> String {
    let values: Vec<(&str, ShareValue)> = answers
        .iter()
        .filter_map(|(k, v)| {
            let v = match v {
                Json::Bool(b) => ShareValue::Bool(*b),
                Json::Num(x) => ShareValue::Num(*x),
                Json::Null => ShareValue::Null,
                Json::Str(s) => ShareValue::Code(s.clone()),
                _ => return None,
            };
            Some((k.as_str(), v))
        })
        .collect();
    anbei_core::share::encode(values.iter().map(|(k, v)| (*k, v)), odd_job_mode, num_text)
}

/// Decodes a fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let s = anbei_core::share::decode(fragment)?;
    Ok(Shared {
        answers: s
            .answers
            .into_iter()
            .map(|(k, v)| {
                let j = match v {
                    ShareValue::Bool(b) => Json::Bool(b),
                    ShareValue::Num(x) => Json::Num(x),
                    ShareValue::Null => Json::Null,
                    ShareValue::Code(c) => Json::Str(c),
                };
                (k, j)
            })
            .collect(),
        odd_job_mode: s.odd_job_mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(pairs: &[(&str, Json)]) -> Vec<(String, Json)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn round_trip_keeps_every_answer_and_its_order() {
        let answers = a(&[
            ("activity", Json::Str("landscaping_works".into())),
            ("contract_amount_yuan", Json::Num(1_200_000.0)),
            ("construction_area_m2", Json::Null),
            ("excavation_depth_m", Json::Num(3.5)),
            ("hot_work", Json::Bool(true)),
            ("public_area", Json::Bool(false)),
            ("street", Json::Str("bantian".into())),
        ]);
        let s = encode(&answers, true);
        assert_eq!(
            s,
            "anbei=1~0landscaping_works~71200000~8-~f3.5~m1~10~Dbantian~m:o"
        );
        let back = decode(&format!("#{s}")).unwrap_or_default();
        assert!(back.odd_job_mode);
        assert_eq!(back.answers.len(), answers.len());
        for ((k1, v1), (k2, v2)) in answers.iter().zip(&back.answers) {
            assert_eq!(k1, k2);
            assert_eq!(
                v1.as_f64().or(v1.as_bool().map(f64::from)),
                v2.as_f64().or(v2.as_bool().map(f64::from)),
                "{k1}"
            );
        }
    }

    #[test]
    fn every_fact_the_engine_asks_has_a_v1_key() {
        use anbei_core::share::V1;
        for f in anbei_core::Fact::ALL {
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
    fn rejects_what_it_cannot_read() {
        assert_eq!(decode("#other"), Err(ShareError::NotAShareLink));
        assert_eq!(
            decode("#anbei=9~01"),
            Err(ShareError::UnknownVersion("9".into()))
        );
        assert!(matches!(
            decode("#anbei=1~1maybe"),
            Err(ShareError::Malformed(_))
        ));
        assert!(matches!(
            decode("#anbei=1~7abc"),
            Err(ShareError::Malformed(_))
        ));
        assert!(matches!(
            decode("#anbei=1~0<script>"),
            Err(ShareError::Malformed(_))
        ));
        // a key from a later, longer table is skipped, not an error
        assert_eq!(decode("#anbei=1~Z1").map(|s| s.answers.len()), Ok(0));
    }
}
