//! Reading what people type or keep in a spreadsheet into fact values: plain decimals, amounts as the
//! interview accepts them ("42万", "420,000", "420000元") and yes/no words. Shared by the widget's
//! questions and the batch pre-screen, so a value reads the same in both.

/// A plain decimal ("420000", "3.2", "-1.5") → f64, without the float parser and its tables (a lean
/// bundle). Up to 15 significant digits the result equals `str::parse::<f64>` exactly: both parts are
/// exact integers and one IEEE division rounds correctly.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) || int.len() + frac.len() > 15 {
        return None;
    }
    let digits = |d: &str| d.bytes().fold(0u64, |a, b| a * 10 + u64::from(b - b'0'));
    let mantissa = digits(int) * 10u64.pow(frac.len() as u32) + digits(frac);
    let x = mantissa as f64 / 10u64.pow(frac.len() as u32) as f64;
    Some(if neg { -x } else { x })
}

/// "420000", "42万", "1,200,000", "42 万元", "３．２" is not accepted (ASCII digits only) → 420000.
/// Spaces, thousands separators (`,` `，`) and a trailing `元` are ignored; a trailing `万` multiplies by
/// 10,000. What the interview's number questions accept.
pub fn parse_amount(t: &str) -> Option<f64> {
    let t: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，' && *c != '元')
        .collect();
    let (t, mult) = match t.strip_suffix('万') {
        Some(x) => (x, 10_000.0),
        None => (t.as_str(), 1.0),
    };
    let x = parse_decimal(t)?;
    x.is_finite().then_some(x * mult)
}

/// Yes/no as people write it in a sheet: 是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/×
/// (case-insensitive, surrounding spaces ignored). Anything else → `None`.
pub fn parse_yes_no(t: &str) -> Option<bool> {
    let t = t.trim();
    const YES: &[&str] = &["是", "有", "y", "yes", "true", "1", "√", "✓", "对"];
    const NO: &[&str] = &[
        "否", "无", "没有", "n", "no", "false", "0", "×", "✗", "不是",
    ];
    if YES.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if NO.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_accept_commas_and_wan() {
        assert_eq!(parse_amount("420,000"), Some(420_000.0));
        assert_eq!(parse_amount("42万"), Some(420_000.0));
        assert_eq!(parse_amount("8万"), Some(80_000.0));
        assert_eq!(parse_amount("80,000元"), Some(80_000.0));
        assert_eq!(parse_amount(" 3.2 "), Some(3.2));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn decimals_parse_like_the_float_parser() {
        for s in [
            "0",
            "3.2",
            "420000",
            "-1.5",
            "0.1",
            "123456789.123456",
            "+7",
        ] {
            assert_eq!(parse_decimal(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in ["", ".", "1e5", "1.2.3", "abc", "1234567890123456"] {
            assert_eq!(parse_decimal(s), None, "{s}");
        }
    }

    #[test]
    fn yes_no_words() {
        for y in ["是", "Y", "yes", "TRUE", "1", " 是 "] {
            assert_eq!(parse_yes_no(y), Some(true), "{y}");
        }
        for n in ["否", "n", "No", "false", "0"] {
            assert_eq!(parse_yes_no(n), Some(false), "{n}");
        }
        assert_eq!(parse_yes_no("maybe"), None);
        assert_eq!(parse_yes_no(""), None);
    }
}
