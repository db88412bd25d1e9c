//! Validated newtypes for people and companies, parsed at the edge ("parse, don't validate").
//!
//! ```
//! use anbei_api::validate::{IdNumber, CreditCode, Mobile};
//! assert!(IdNumber::parse("11010519491231002X").is_ok());
//! assert_eq!(IdNumber::parse("110105194912310021").unwrap_err().rule, "checksum");
//! assert!(CreditCode::parse("91350100M000100Y43").is_ok());
//! assert_eq!(Mobile::parse("+86 138 0013 8000").unwrap().as_str(), "13800138000");
//! ```

use anbei_core::Date;
use serde::Serialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Why one value was refused: a machine rule and a message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invalid {
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
}

fn invalid(rule: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Invalid {
    Invalid {
        rule,
        zh: zh.into(),
        en: en.into(),
    }
}

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
    pub fn parse(s: &str) -> Result<IdNumber, Invalid> {
        let s: String = s
            .trim()
            .chars()
            .map(|c| if c == 'x' { 'X' } else { c })
            .collect();
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(invalid(
                "format",
                "身份证号码应为 18 位（前 17 位为数字，末位为数字或 X）",
                "an ID number has 18 characters: 17 digits, then a digit or X",
            ));
        }
        if b[0] == b'0' || &s[2..6] == "0000" {
            return Err(invalid(
                "region",
                "身份证号码的行政区划代码无效",
                "the region code of the ID number is not valid",
            ));
        }
        let birth = Date::parse(&format!("{}-{}-{}", &s[6..10], &s[10..12], &s[12..14]));
        match birth {
            Some(d) if d >= Date::from_ymd(1900, 1, 1).unwrap_or(d) && d.year() <= 2100 => {}
            _ => {
                return Err(invalid(
                    "birth_date",
                    "身份证号码中的出生日期无效",
                    "the birth date in the ID number is not a real date",
                ));
            }
        }
        if id_check_char(&s[..17]) != Some(char::from(b[17])) {
            return Err(invalid(
                "checksum",
                "身份证号码校验位错误",
                "ID number check digit is wrong",
            ));
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
    pub fn parse(s: &str) -> Result<CreditCode, Invalid> {
        let s = s.trim().to_ascii_uppercase();
        if s.len() != 18 || !s.chars().all(|c| CC_CHARS.contains(c)) {
            return Err(invalid(
                "format",
                "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）",
                "a unified social credit code has 18 digits or capital letters (not I, O, Z, S, V)",
            ));
        }
        if !s[6..8].chars().all(|c| c.is_ascii_digit())
            || !s[2..6].chars().all(|c| c.is_ascii_digit())
        {
            return Err(invalid(
                "format",
                "统一社会信用代码第 3—8 位应为行政区划代码",
                "characters 3–8 of a unified social credit code are the region code",
            ));
        }
        if credit_check_char(&s[..17]) != s.chars().nth(17) {
            return Err(invalid(
                "checksum",
                "统一社会信用代码校验码错误",
                "the check character of the unified social credit code is wrong",
            ));
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
    pub fn parse(s: &str) -> Result<Mobile, Invalid> {
        let mut digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_owned();
        }
        let b = digits.as_bytes();
        if b.len() != 11
            || !b.iter().all(u8::is_ascii_digit)
            || b[0] != b'1'
            || !(b'3'..=b'9').contains(&b[1])
        {
            return Err(invalid(
                "mobile",
                "手机号码应为 11 位中国大陆手机号",
                "a mobile number is an 11-digit mainland China number starting 13–19",
            ));
        }
        Ok(Mobile(digits))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `138****8000`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Checks a free-text field: NFC-normalised, trimmed, no control characters, 1..=`max` characters.
pub fn text(s: &str, max: usize) -> Result<String, Invalid> {
    // Most text is NFC already (the quick check answers Yes for all of ASCII and CJK); only the rest
    // is run through the normaliser.
    let normalised: std::borrow::Cow<'_, str> = if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    };
    let t = normalised.trim();
    if t.is_empty() {
        return Err(invalid("required", "不能为空", "must not be empty"));
    }
    if t.chars().any(|c| c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')) {
        return Err(invalid("control_character", "含有控制字符或不可见格式字符", "contains control or invisible formatting characters"));
    }
    let n = t.chars().count();
    if n > max {
        return Err(invalid(
            "length",
            format!("不能超过 {max} 个字符（现为 {n} 个）"),
            format!("at most {max} characters (got {n})"),
        ));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GB 11643-1999 and its published example (11010519491231002X).
    #[test]
    fn id_numbers() {
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(IdNumber::parse("11010519491231002x").is_ok());
        let cases = [
            ("110105194912310021", "checksum"),
            ("11010519491331002X", "birth_date"),
            ("11010518000101002X", "birth_date"),
            ("1101051949123100", "format"),
            ("01010519491231002X", "region"),
            ("11010519491231A02X", "format"),
        ];
        for (s, rule) in cases {
            assert_eq!(
                IdNumber::parse(s).map(|_| ()).unwrap_err().rule,
                rule,
                "{s}"
            );
        }
        assert_eq!(
            IdNumber::parse("11010519491231002X").unwrap().masked(),
            "110105********002X"
        );
    }

    /// GB 32100-2015 check character.
    #[test]
    fn credit_codes() {
        for ok in ["91350100M000100Y43", "91440300MA5FXXXX0A"] {
            let first = &ok[..17];
            if let Some(c) = credit_check_char(first) {
                let full = format!("{first}{c}");
                assert!(CreditCode::parse(&full).is_ok(), "{full}");
            }
        }
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            CreditCode::parse("91350100M000100Y44").unwrap_err().rule,
            "checksum"
        );
        assert_eq!(
            CreditCode::parse("91350100M000100YI3").unwrap_err().rule,
            "format"
        );
    }

    #[test]
    fn mobiles_and_text() {
        assert!(Mobile::parse("13800138000").is_ok());
        assert!(Mobile::parse("12800138000").is_err());
        assert!(Mobile::parse("1380013800").is_err());
        assert_eq!(
            Mobile::parse("13800138000").unwrap().masked(),
            "138****8000"
        );
        assert_eq!(text("  e\u{301}  ", 10).unwrap(), "é");
        assert_eq!(text("a\u{7}b", 10).unwrap_err().rule, "control_character");
        assert_eq!(text("   ", 10).unwrap_err().rule, "required");
        assert_eq!(text("一二三", 2).unwrap_err().rule, "length");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_id("T44030019900101"), "T44030*****0101");
    }

    /// Text is stored in one canonical form (NFC) whether or not the quick check lets it skip the
    /// normaliser: decomposed accents are composed, CJK compatibility ideographs map to their unified
    /// form, and text that is NFC already comes back unchanged (trimmed).
    #[test]
    fn text_is_stored_as_nfc() {
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
    }
}
