//! Validated newtypes for people and companies, parsed at the edge ("parse, don't validate"). The checks
//! themselves are `anbei-filing`'s (the widget runs the same ones in the browser); the server adds Unicode
//! NFC normalisation of text, so every text is stored in one canonical form.
//!
//! ```
//! use anbei_api::validate::{IdNumber, CreditCode, Mobile, text};
//! assert!(IdNumber::parse("11010519491231002X").is_ok());
//! assert_eq!(IdNumber::parse("110105194912310021").unwrap_err().rule(), "checksum");
//! assert!(CreditCode::parse("91350100M000100Y43").is_ok());
//! assert_eq!(Mobile::parse("+86 138 0013 8000").unwrap().as_str(), "13800138000");
//! assert_eq!(text("Cafe\u{301}", 10).unwrap(), "Caf\u{e9}");
//! ```

use anbei_filing::Msg;
pub use anbei_filing::ids::{
    CreditCode, IdNumber, Mobile, credit_check_char, id_check_char, mask_id, mask_mobile, mask_name,
};
use serde::Serialize;
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Why one value was refused: its rule code and the catalogue's words in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invalid {
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
}

impl From<Msg> for Invalid {
    fn from(m: Msg) -> Invalid {
        Invalid {
            rule: m.rule(),
            zh: m.zh(),
            en: m.en(),
        }
    }
}

/// Unicode NFC. Most text is NFC already (the quick check answers Yes for all of ASCII and CJK); only
/// the rest is run through the normaliser.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Checks a free-text field: NFC-normalised, trimmed, no control characters, 1..=`max` characters.
pub fn text(s: &str, max: usize) -> Result<String, Invalid> {
    anbei_filing::ids::text(s, max, nfc).map_err(Invalid::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text is stored in one canonical form (NFC) whether or not the quick check lets it skip the
    /// normaliser: decomposed accents are composed, CJK compatibility ideographs map to their unified
    /// form, and text that is NFC already comes back unchanged (trimmed).
    #[test]
    fn text_is_stored_as_nfc() {
        assert_eq!(text("  e\u{301}  ", 10).unwrap(), "é");
        assert_eq!(text("Cafe\u{301}", 10).unwrap(), "Caf\u{e9}");
        assert_eq!(text("\u{F900}", 10).unwrap(), "\u{8C48}");
        assert_eq!(
            text("  龙岗区坂田街道 5 楼 ", 50).unwrap(),
            "龙岗区坂田街道 5 楼"
        );
        assert_eq!(
            text("e\u{301}\u{301}\u{301}", 2).unwrap_err().rule,
            "length"
        );
        assert_eq!(text("a\u{7}b", 10).unwrap_err().rule, "control_character");
    }
}
