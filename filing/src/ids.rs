//! Validated newtypes for people and companies, parsed at the edge ("parse, don't validate"), and the
//! free-text check. Pure: the same code runs in the server and in the browser.
//!
//! ```
//! use anbei_filing::ids::{IdNumber, CreditCode, Mobile};
//! use anbei_filing::Msg;
//! assert!(IdNumber::parse("11010519491231002X").is_ok());
//! assert_eq!(IdNumber::parse("110105194912310021").unwrap_err(), Msg::IdChecksum);
//! assert!(CreditCode::parse("91350100M000100Y43").is_ok());
//! assert_eq!(Mobile::parse("+86 138 0013 8000").unwrap().as_str(), "13800138000");
//! ```

use crate::msg::Msg;
use anbei_core::Date;
use std::borrow::Cow;

/// A resident identity number (居民身份证号码), GB 11643-1999: 6-digit region, 8-digit birth date,
/// 3-digit sequence, ISO 7064 MOD 11-2 check character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The GB 11643 check character for the first 17 digits (ISO 7064 MOD 11-2), or `None` if they are
/// not 17 ASCII digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let v = (12 - sum % 11) % 11;
    Some(if v == 10 {
        'X'
    } else {
        char::from(b'0' + v as u8)
    })
}

impl IdNumber {
    /// Accepts a lowercase `x` and surrounding spaces.
    pub fn parse(s: &str) -> Result<IdNumber, Msg> {
        let s = s.trim().replace('x', "X");
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(Msg::IdFormat);
        }
        if b[0] == b'0' || &s[2..6] == "0000" {
            return Err(Msg::IdRegion);
        }
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        let year = num(6..10);
        if !(1900..=2100).contains(&year)
            || Date::from_ymd(year as i32, num(10..12), num(12..14)).is_none()
        {
            return Err(Msg::IdBirthDate);
        }
        if id_check_char(&s[..17]) != Some(char::from(b[17])) {
            return Err(Msg::IdChecksum);
        }
        Ok(IdNumber(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `110105********002X`: region and last four only.
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }
}

/// Masks an identity-document number: the first six and last four characters stay.
pub fn mask_id(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 6 || i >= n - 4 { *c } else { '*' })
        .collect()
}

/// Masks a person's name: the first character stays (`张*`, `欧阳**`→`欧**`).
pub fn mask_name(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(first) => {
            let rest = it.count();
            format!("{first}{}", "*".repeat(rest.max(1)))
        }
        None => String::new(),
    }
}

/// A unified social credit code (统一社会信用代码), GB 32100-2015, with its check character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditCode(String);

const CC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character for the first 17 characters, or `None` if one is outside the code set.
pub fn credit_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(CC_WEIGHTS) {
        sum += CC_CHARS.find(c)? as u32 * w;
    }
    let v = (31 - sum % 31) % 31;
    CC_CHARS.chars().nth(v as usize)
}

impl CreditCode {
    /// Accepts lowercase letters and surrounding spaces.
    pub fn parse(s: &str) -> Result<CreditCode, Msg> {
        let s = s.trim().to_ascii_uppercase();
        if s.len() != 18 || !s.chars().all(|c| CC_CHARS.contains(c)) {
            return Err(Msg::CreditFormat);
        }
        if !s[2..8].bytes().all(|c| c.is_ascii_digit()) {
            return Err(Msg::CreditRegion);
        }
        if credit_check_char(&s[..17]) != s.chars().nth(17) {
            return Err(Msg::CreditChecksum);
        }
        Ok(CreditCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland China mobile number (11 digits, `1[3-9]…`); `+86`, spaces and dashes are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(s: &str) -> Result<Mobile, Msg> {
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits.strip_prefix("+86").unwrap_or(&digits);
        let b = digits.as_bytes();
        if b.len() != 11
            || !b.iter().all(u8::is_ascii_digit)
            || b[0] != b'1'
            || !(b'3'..=b'9').contains(&b[1])
        {
            return Err(Msg::Mobile);
        }
        Ok(Mobile(digits.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `138****8000`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// An e-mail address for notifications: `local@domain.tld`, ASCII, at most 254 characters, nothing
/// that could break out of an SMTP command or a mail header; the domain lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, Msg> {
        let s = s.trim();
        let ok = |c: char| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '\\' | '[' | ']' | '@'
                )
        };
        let Some((local, domain)) = s.split_once('@') else {
            return Err(Msg::Email);
        };
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if local.is_empty()
            || local.len() > 64
            || s.len() > 254
            || !domain.contains('.')
            || !labels_ok
            || !local.chars().all(ok)
            || !domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(Msg::Email);
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Masks an e-mail address like a mobile: the local part's first character and the domain
/// (`z***@example.com`).
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((l, d)) => format!("{}***@{d}", l.chars().next().unwrap_or('*')),
        None => mask_id(e),
    }
}

/// Masks a mobile number (`138****8000`), or anything else like an identity number.
pub fn mask_mobile(m: &str) -> String {
    Mobile::parse(m)
        .map(|m| m.masked())
        .unwrap_or_else(|_| mask_id(m))
}

/// Brings text to its one stored form before it is checked. The server passes Unicode NFC
/// normalisation (its text is stored in one canonical form); the browser passes [`as_given`] and leaves
/// the normalising to the server, so as not to carry Unicode's tables in its bundle.
pub type Normalise = for<'a> fn(&'a str) -> Cow<'a, str>;

/// The text as it is.
pub fn as_given(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// Whether `c` is refused in any text field — the one list the server and the browser check
/// (API.md, issue 16): control characters; zero-width and joining characters (U+200B–U+200F,
/// U+2060–U+2064, U+FEFF); bidirectional controls (U+061C, U+202A–U+202E, U+2066–U+2069); the soft
/// hyphen U+00AD; the Hangul fillers and the Braille blank that render as nothing (U+115F, U+1160,
/// U+3164, U+FFA0, U+2800); line and paragraph separators (U+2028, U+2029); tag characters
/// (U+E0000–U+E007F); and variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF), which make two names
/// that look the same differ. Each lets text look like other text, or hide.
pub fn refused_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// Checks a free-text field: normalised, trimmed, no control characters, 1..=`max` characters.
pub fn text(s: &str, max: usize, normalise: Normalise) -> Result<String, Msg> {
    let normalised = normalise(s);
    let t = normalised.trim();
    if t.is_empty() {
        return Err(Msg::Required);
    }
    if t.chars().any(refused_char) {
        return Err(Msg::ControlCharacter);
    }
    let got = t.chars().count();
    if got > max {
        return Err(Msg::TooLong { max, got });
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every invisible or formatting character API.md promises to refuse is refused, inside a name
    /// as in any text field; ordinary Chinese, Latin and punctuation pass.
    #[test]
    fn invisible_and_formatting_characters_are_refused() {
        for c in [
            '\u{2060}',
            '\u{3164}',
            '\u{115F}',
            '\u{FFA0}',
            '\u{2800}',
            '\u{061C}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{2028}',
            '\u{2029}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{200B}',
            '\u{202E}',
            '\u{FEFF}',
            '\u{0007}',
        ] {
            assert!(refused_char(c), "U+{:04X}", c as u32);
            assert_eq!(
                text(&format!("张{c}三"), 50, as_given),
                Err(Msg::ControlCharacter),
                "U+{:04X}",
                c as u32
            );
        }
        for ok in [
            "张三",
            "O'Brien-Smith",
            "深圳市龙岗区坂田街道（一期）3号楼",
            "A·B",
        ] {
            assert_eq!(text(ok, 200, as_given).as_deref(), Ok(ok));
        }
    }

    /// GB 11643-1999 and its published example (11010519491231002X).
    #[test]
    fn id_numbers() {
        for ok in [
            "11010519491231002X",
            "11010519491231002x",
            "440307199003071239",
        ] {
            assert!(IdNumber::parse(ok).is_ok(), "{ok}");
        }
        let cases = [
            ("110105194912310021", Msg::IdChecksum),
            ("11010519491331002X", Msg::IdBirthDate), // month 13
            ("11010519490229002X", Msg::IdBirthDate), // 1949 was not a leap year
            ("11010518000101002X", Msg::IdBirthDate), // before 1900
            ("1101051949123100", Msg::IdFormat),
            ("01010519491231002X", Msg::IdRegion),
            ("11000019491231002X", Msg::IdRegion), // a bare province (GB/T 2260)
            ("11010519491231A02X", Msg::IdFormat),
            ("４４０３０７１９９００１０１００１２", Msg::IdFormat), // fullwidth digits
        ];
        for (s, why) in cases {
            assert_eq!(IdNumber::parse(s), Err(why), "{s}");
        }
        assert_eq!(
            IdNumber::parse("11010519491231002X").map(|i| i.masked()),
            Ok("110105********002X".to_owned())
        );
    }

    /// GB 32100-2015 check character.
    #[test]
    fn credit_codes() {
        for ok in [
            "91350100M000100Y43",
            "91440300708461136T",
            "914403001922038216",
            "91440300708461136t",
        ] {
            assert!(CreditCode::parse(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("91350100M000100Y44", Msg::CreditChecksum),
            ("91350100M000100YI3", Msg::CreditFormat),
            ("9135010OM000100Y43", Msg::CreditFormat),
            ("91AB0100M000100Y43", Msg::CreditRegion),
            ("123", Msg::CreditFormat),
        ] {
            assert_eq!(CreditCode::parse(bad), Err(why), "{bad}");
        }
        let first = "91440300MA5F12345";
        let c = credit_check_char(first).unwrap_or('?');
        assert!(CreditCode::parse(&format!("{first}{c}")).is_ok());
    }

    #[test]
    fn emails_and_masks() {
        assert_eq!(
            Email::parse(" Zhang.San@Example.COM ").unwrap().as_str(),
            "Zhang.San@example.com"
        );
        for bad in [
            "", "a", "a@b", "a@b.", "a b@c.cn", "a@b.c>", "<a@b.cn>", "a@@b.cn", "a@-b.cn",
            "张@b.cn",
        ] {
            assert_eq!(Email::parse(bad), Err(Msg::Email), "{bad}");
        }
        assert_eq!(mask_email("zhang.san@example.com"), "z***@example.com");
    }

    #[test]
    fn mobiles_and_masks() {
        for ok in ["13800138000", "+86 139 0000 1111", "199-1234-5678"] {
            assert!(Mobile::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "1380013800a",
            "",
            "１３８００１３８０００",
        ] {
            assert_eq!(Mobile::parse(bad), Err(Msg::Mobile), "{bad}");
        }
        assert_eq!(mask_mobile("13800138000"), "138****8000");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_id("T44030019900101"), "T44030*****0101");
    }

    #[test]
    fn text_fields() {
        assert_eq!(text("  坂田 5 楼 ", 10, as_given), Ok("坂田 5 楼".into()));
        assert_eq!(text("a\u{7}b", 10, as_given), Err(Msg::ControlCharacter));
        assert_eq!(
            text("张\u{202E}三", 10, as_given),
            Err(Msg::ControlCharacter)
        );
        assert_eq!(text("   ", 10, as_given), Err(Msg::Required));
        assert_eq!(
            text("一二三", 2, as_given),
            Err(Msg::TooLong { max: 2, got: 3 })
        );
    }
}
