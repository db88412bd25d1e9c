//! Wording: how numbers are written, how `{placeholder}`s are filled, and how a rule set's parameters
//! get into the texts that show them.
//!
//! Two kinds of placeholder appear in the data's texts:
//! - **parameters** — `{deep_excavation_m}`, `{limit_contract_yuan:wan}` — filled once per rule set at
//!   load (so a rule set that amends a parameter also changes every title, help text and reason that
//!   shows it). Formats: `{p}` the number (`1,000,000`), `{p:wan}` in units of 10,000 (万: `100`),
//!   `{p:%}` a fraction as a percentage (`10%`).
//! - **case values** — `{value}`, `{activity}`, … — filled when a case is assessed (see [`CASE_VALUES`]).
//!
//! Loading checks that nothing else is left (a title or a question has no placeholder left at all) and,
//! in native builds, that no text writes a parameter's number itself ("3米" where `deep_excavation_m`
//! is 3): see `hard_coded_parameter`.

use crate::model::{I18n, Parameter, SortedMap};
use crate::result::Text;
use std::borrow::Cow;

/// Placeholders the engine fills with a case's values when it writes a `because`, a note or a word.
pub(crate) const CASE_VALUES: &[&str] = &[
    "activity", "area", "basis", "contract", "date", "detail", "fact", "facts", "reason", "size",
    "value", "venue", "work", "years",
];

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
        // exact below 2^128 (3.4e38), far above any number of the data or a case; no float formatter
        (whole as u128).to_string()
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
    let mut out = String::with_capacity(s.len());
    if let Some(f) = c.next() {
        out.push(f.to_ascii_lowercase());
        out.push_str(c.as_str());
    }
    out
}

pub(crate) fn yuan(x: f64) -> String {
    format!("¥{}", fmt_num(x))
}

pub(crate) fn m2(x: f64) -> String {
    format!("{} m²", fmt_num(x))
}

/// Where an ASCII byte first stands in `s` (a char boundary, since it is ASCII).
fn byte_at(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|x| x == b)
}

/// Replaces `{name}` placeholders: `value(name, out)` appends the value and says whether it had one; a
/// placeholder without a value stays as it is.
fn fill_with(tpl: &str, mut value: impl FnMut(&str, &mut String) -> bool) -> String {
    let mut out = String::with_capacity(tpl.len() + 32);
    let mut rest = tpl;
    while let Some(i) = byte_at(rest, b'{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match byte_at(after, b'}') {
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
pub fn fill(tpl: &str, args: &[(&str, &str)]) -> String {
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

/// The value of `{name}` or `{name:format}` when `name` is a parameter.
fn param_text(spec: &str, params: &SortedMap<Parameter>) -> Option<String> {
    let (name, format) = spec.split_once(':').unwrap_or((spec, ""));
    let v = params.get(name)?.value;
    match format {
        "" => Some(fmt_num(v)),
        "wan" => Some(fmt_num(v / 10_000.0)),
        "%" => Some(format!("{}%", fmt_num(v * 100.0))),
        _ => None,
    }
}

/// Fills a text's parameter placeholders with the rule set's values; case placeholders stay.
pub(crate) fn fill_params(tpl: &str, params: &SortedMap<Parameter>) -> String {
    fill_with(tpl, |spec, out| match param_text(spec, params) {
        Some(v) => {
            out.push_str(&v);
            true
        }
        None => false,
    })
}

/// [`fill_params`] in both languages.
pub(crate) fn i18n_params(t: &I18n, params: &SortedMap<Parameter>) -> I18n {
    I18n {
        zh: fill_params(&t.zh, params),
        en: fill_params(&t.en, params),
    }
}

/// The placeholders a text still has after its parameters are filled, that the engine will not fill
/// (`case_values`: those a case may fill here; none for titles, explanations and questions).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn unfilled<'t>(text: &'t str, case_values: &[&str]) -> Option<&'t str> {
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let j = after.find('}').unwrap_or(after.len());
        let name = &after[..j];
        if !case_values.contains(&name) {
            return Some(name);
        }
        rest = &after[j.min(after.len())..];
    }
    None
}

/// Units a number in a text can carry, with the factor that turns the written number into the
/// parameter's unit (`100万元` = 1,000,000 yuan). Longer spellings first; a Latin unit must end its word.
#[cfg(not(target_arch = "wasm32"))]
const UNITS: &[(&str, &str, f64)] = &[
    ("万元", "yuan", 10_000.0),
    ("元", "yuan", 1.0),
    ("yuan", "yuan", 1.0),
    ("平方米", "m2", 1.0),
    ("m²", "m2", 1.0),
    ("个工作日", "working days", 1.0),
    ("working days", "working days", 1.0),
    ("working day", "working days", 1.0),
    ("个月", "months", 1.0),
    ("months", "months", 1.0),
    ("month", "months", 1.0),
    ("米", "m", 1.0),
    ("m", "m", 1.0),
    ("日", "days", 1.0),
    ("天", "days", 1.0),
    ("days", "days", 1.0),
    ("day", "days", 1.0),
    ("%", "fraction", 0.01),
];

/// A number written with a parameter's unit that equals the parameter ("3米", "¥1,000,000",
/// "100万元", "3 working days", "10%"): the text should say `{parameter}` instead, or a rule set that
/// changes the parameter would leave it saying the old number. Returns (the parameters it equals, what
/// was written). Article numbers ("Art. 3(6)", "第149号") carry no unit and are not numbers of this kind.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn hard_coded_parameter(
    text: &str,
    params: &SortedMap<Parameter>,
) -> Option<(String, String)> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts_number = b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.'));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b',' || b[i] == b'.') {
            i += 1;
        }
        let number = text[start..i].trim_end_matches([',', '.']);
        let Ok(n) = number.replace(',', "").parse::<f64>() else {
            continue;
        };
        let after = &text[start + number.len()..];
        let spaced = after.strip_prefix(' ').unwrap_or(after);
        let unit = UNITS.iter().find(|(word, _, _)| {
            spaced.starts_with(word)
                && !spaced[word.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
        });
        let mut readings: Vec<(&str, f64, String)> = Vec::new();
        if let Some((word, unit, factor)) = unit {
            readings.push((
                unit,
                *factor,
                format!(
                    "{number}{}",
                    &after[..after.len() - spaced.len() + word.len()]
                ),
            ));
        }
        if text[..start].ends_with('¥') {
            readings.push(("yuan", 1.0, format!("¥{number}")));
        }
        for (unit, factor, written) in readings {
            let equal: Vec<&str> = params
                .iter()
                .filter(|(_, p)| {
                    p.unit == unit && (n * factor - p.value).abs() <= 1e-9 * p.value.abs().max(1.0)
                })
                .map(|(name, _)| name.as_str())
                .collect();
            if !equal.is_empty() {
                return Some((equal.join(" or "), written));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SortedMap<Parameter> {
        let p = |value: f64, unit: &str| Parameter {
            value,
            unit: unit.into(),
            article: String::new(),
            product_policy: false,
        };
        [
            ("deep_excavation_m", p(3.0, "m")),
            ("limit_contract_yuan", p(1_000_000.0, "yuan")),
            ("limit_area_m2", p(500.0, "m2")),
            ("cancellation_working_days", p(3.0, "working days")),
            ("validity_months", p(6.0, "months")),
            ("extension_window_days", p(15.0, "days")),
            ("near_limit_fraction", p(0.1, "fraction")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    #[test]
    fn parameters_fill_their_placeholders_in_each_format() {
        let p = params();
        assert_eq!(
            fill_params(
                "{limit_contract_yuan:wan}万元 ¥{limit_contract_yuan} {near_limit_fraction:%} {value} {deep_excavation_m} 米",
                &p
            ),
            "100万元 ¥1,000,000 10% {value} 3 米"
        );
        assert_eq!(unfilled("开挖 {value} 米", CASE_VALUES), None);
        assert_eq!(
            unfilled("{deep_excavation_mm} 米", CASE_VALUES),
            Some("deep_excavation_mm")
        );
    }

    /// 依据：第三条第（六）项, 第二条, 第二十五条, 第三十三条 — their numbers are parameters, never written out.
    #[test]
    fn a_written_out_parameter_is_found() {
        let p = params();
        let found = |t: &str| hard_coded_parameter(t, &p).map(|(name, _)| name);
        assert_eq!(
            hard_coded_parameter("开挖深度3米及以上", &p),
            Some(("deep_excavation_m".into(), "3米".into()))
        );
        for (text, param) in [
            ("开挖深度3米及以上", "deep_excavation_m"),
            ("Excavation 3 m or deeper", "deep_excavation_m"),
            ("限额为100万元（第二条）", "limit_contract_yuan"),
            ("The limit is ¥1,000,000 (Art. 2).", "limit_contract_yuan"),
            ("限额为500平方米", "limit_area_m2"),
            ("The limit is 500 m² (Art. 2)", "limit_area_m2"),
            ("完工后3个工作日内申报注销", "cancellation_working_days"),
            ("Cancel within 3 working days", "cancellation_working_days"),
            ("登记有效期6个月", "validity_months"),
            ("Valid 6 months", "validity_months"),
            ("到期前15日内申请", "extension_window_days"),
            ("within the 15 days before expiry", "extension_window_days"),
            ("within 10% of a limit", "near_limit_fraction"),
        ] {
            assert_eq!(found(text).as_deref(), Some(param), "{text}");
        }
        for text in [
            "Art. 3(6)",
            "第149号",
            "Order No. 149 (Art. 6(2))",
            "Pick the closest typical item of Articles 2, 4 and 5.",
            "0 if none",
            "开挖深度 {value} 米 ≥ 3.5 米",
            "4 m",
            "S3 m",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }
}
