//! Wording: how numbers are written and how `{placeholder}`s are filled with a case's values.

use crate::model::I18n;
use crate::result::Text;
use std::borrow::Cow;

/// Formats a number: thousands grouped, at most two decimals, no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    let neg = x < 0.0;
    let x = x.abs();
    let cents = (x * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = (cents - whole * 100.0) as u64;
    let digits = if whole < 1e18 {
        (whole as u64).to_string()
    } else {
        format!("{whole:.0}")
    };
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if frac != 0 {
        if frac % 10 == 0 {
            out.push_str(&format!(".{}", frac / 10));
        } else {
            out.push_str(&format!(".{frac:02}"));
        }
    }
    out
}

/// An English name used mid-sentence: first letter in lower case ("Home interior decoration" → "home …").
/// ASCII only (English names start with an ASCII letter): Unicode case mapping would add its tables to
/// the browser bundle.
pub(crate) fn mid(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => core::iter::once(f.to_ascii_lowercase()).chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn yuan(x: f64) -> String {
    format!("¥{}", fmt_num(x))
}

pub(crate) fn m2(x: f64) -> String {
    format!("{} m²", fmt_num(x))
}

/// Replaces `{name}` placeholders: `value(name, out)` appends the value and says whether it had one; a
/// placeholder without a value stays as it is.
fn fill_with(tpl: &str, mut value: impl FnMut(&str, &mut String) -> bool) -> String {
    let mut out = String::with_capacity(tpl.len() + 32);
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let name = &after[..j];
                if !value(name, &mut out) {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces `{name}` placeholders with the case's values.
pub(crate) fn fill(tpl: &str, args: &[(&str, &str)]) -> String {
    fill_with(tpl, |name, out| {
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => {
                out.push_str(v);
                true
            }
            None => false,
        }
    })
}

/// A text of the rule data as it is.
pub(crate) fn borrowed(t: &I18n) -> Text<'_> {
    Text {
        zh: Cow::Borrowed(&t.zh),
        en: Cow::Borrowed(&t.en),
    }
}

/// A text of the rule data with the case's values filled in.
pub(crate) fn filled(t: &I18n, zh: &[(&str, &str)], en: &[(&str, &str)]) -> Text<'static> {
    Text {
        zh: Cow::Owned(fill(&t.zh, zh)),
        en: Cow::Owned(fill(&t.en, en)),
    }
}

/// Like [`filled`], with owned values.
pub(crate) fn render(
    t: &I18n,
    zh: &[(&'static str, String)],
    en: &[(&'static str, String)],
) -> Text<'static> {
    let z: Vec<(&str, &str)> = zh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let e: Vec<(&str, &str)> = en.iter().map(|(k, v)| (*k, v.as_str())).collect();
    filled(t, &z, &e)
}
