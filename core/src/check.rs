//! Checking a facts object against the rule set in force on its filing date (rules.md §1): every
//! problem at once, each naming the key and the rule, in Chinese and English.

use crate::date::Date;
use crate::engine::{Engine, Ruleset};
use crate::facts::{Fact, Facts, FactsError, FieldError, Key, N_FACTS, Raw, RawFacts, Value};
use crate::model::I18n;

impl Engine {
    /// Parses a facts object from JSON text and checks it. `today` is the caller's date in Asia/Shanghai,
    /// used when `registration_date` is absent.
    pub fn parse_json(&self, json: &str, today: Date) -> Result<Facts, FactsError> {
        let raw: RawFacts =
            serde_json::from_str(json).map_err(|e| FactsError::json(&e.to_string()))?;
        self.parse_facts(raw, today)
    }

    /// Checks raw facts against the rule set in force on the filing date. Reports every problem at once.
    pub fn parse_facts(&self, raw: RawFacts, today: Date) -> Result<Facts, FactsError> {
        let entries = match raw {
            RawFacts::Object(e) => e,
            RawFacts::NotAnObject(r) => {
                let k = r.kind();
                return Err(FactsError::new(vec![FieldError {
                    field: String::new(),
                    rule: "not_an_object",
                    message: I18n {
                        zh: format!("事实数据应为一个 JSON 对象，收到的是{}", k.zh),
                        en: format!("the facts must be one JSON object, got {}", k.en),
                    },
                }]));
            }
        };
        let mut errors = Vec::new();
        let mut seen = [false; N_FACTS];
        let mut found: Vec<(Fact, &Raw)> = Vec::with_capacity(entries.len());
        for (k, v) in &entries {
            match k {
                Key::Unknown(k) => errors.push(unknown_key(k)),
                Key::Fact(f) if seen[*f as usize] => errors.push(FieldError {
                    field: f.key().to_owned(),
                    rule: "duplicate_key",
                    message: I18n {
                        zh: format!("“{}”出现了不止一次", f.key()),
                        en: format!("\"{}\" appears more than once", f.key()),
                    },
                }),
                Key::Fact(f) => {
                    seen[*f as usize] = true;
                    found.push((*f, v));
                }
            }
        }
        // The filing date picks the rule set, so read it first.
        let mut values: [Option<Value>; N_FACTS] = [None; N_FACTS];
        for &(f, v) in &found {
            if matches!(
                f,
                Fact::registration_date | Fact::registered_date | Fact::completion_date
            ) {
                match check_date(f, v) {
                    Ok(d) => values[f as usize] = Some(Value::Date(d)),
                    Err(e) => errors.push(e),
                }
            }
        }
        let filing_date = match values[Fact::registration_date as usize] {
            Some(Value::Date(d)) => d,
            _ => today,
        };
        let ri = self.ruleset_index_for(filing_date);
        let rs = &self.rulesets[ri];
        for &(f, v) in &found {
            if values[f as usize].is_some()
                || matches!(
                    f,
                    Fact::registration_date | Fact::registered_date | Fact::completion_date
                )
            {
                continue;
            }
            match self.check_value(rs, f, v) {
                Ok(val) => values[f as usize] = Some(val),
                Err(e) => errors.push(e),
            }
        }
        // Cross-field rules.
        if let (Some(Value::NoArea), Some(Value::Code(a))) = (
            values[Fact::construction_area_m2 as usize],
            values[Fact::activity as usize],
        ) {
            let act = &rs.file.activities[a as usize];
            if !act.has_flag('L') {
                errors.push(FieldError {
                    field: "construction_area_m2".into(),
                    rule: "null_area",
                    message: I18n {
                        zh: format!("“construction_area_m2”为 null（无建筑面积）只适用于道路、管线、公园等工程；“{}”有建筑面积，请填写面积", act.name.zh),
                        en: format!("\"construction_area_m2\": null (no building area) is allowed only for roads, pipelines, parks and similar works; {} has a building area, so give it", act.name.en),
                    },
                });
            }
        }
        if let Some(Value::Date(r)) = values[Fact::registered_date as usize] {
            if r < filing_date {
                errors.push(FieldError {
                    field: "registered_date".into(),
                    rule: "date_order",
                    message: I18n {
                        zh: format!("“registered_date”（{r}）不能早于申报日期（{filing_date}）"),
                        en: format!("\"registered_date\" ({r}) cannot be before the filing date ({filing_date})"),
                    },
                });
            }
        }
        if errors.is_empty() {
            Ok(Facts {
                values,
                ruleset: ri,
                filing_date,
            })
        } else {
            Err(FactsError::new(errors))
        }
    }

    fn check_value(&self, rs: &Ruleset, f: Fact, v: &Raw) -> Result<Value, FieldError> {
        let spec = rs.spec(f);
        let key = f.key();
        let type_err = |want_zh: &str, want_en: &str| {
            let got = v.kind();
            FieldError {
                field: key.into(),
                rule: "type",
                message: I18n {
                    zh: format!("“{key}”应为{want_zh}，收到的是{}", got.zh),
                    en: format!("\"{key}\" must be {want_en}, got {}", got.en),
                },
            }
        };
        match spec.ty.as_str() {
            "bool" => match v {
                Raw::Bool(b) => Ok(Value::Bool(*b)),
                _ => Err(type_err(
                    "布尔值 true 或 false（未知时请不填该项）",
                    "true or false (leave the key out if unknown)",
                )),
            },
            "number" => match v {
                Raw::Null if f == Fact::construction_area_m2 => Ok(Value::NoArea),
                Raw::Num(n) => {
                    let max = spec.max.unwrap_or(f64::MAX);
                    let (unit_zh, unit_en) = match spec.unit.as_deref() {
                        Some("yuan") => ("元", "yuan"),
                        Some("m2") => ("平方米", "m²"),
                        Some("m") => ("米", "m"),
                        _ => ("", ""),
                    };
                    if !n.is_finite() || *n < 0.0 || *n > max {
                        Err(FieldError {
                            field: key.into(),
                            rule: "range",
                            message: I18n {
                                zh: format!(
                                    "“{key}”应在 0 到 {} {unit_zh}之间，收到的是 {}",
                                    fmt_plain(max),
                                    received(*n)
                                ),
                                en: format!(
                                    "\"{key}\" must be between 0 and {} {unit_en}, got {}",
                                    fmt_plain(max),
                                    received(*n)
                                ),
                            },
                        })
                    } else {
                        Ok(Value::Num(*n))
                    }
                }
                _ if f == Fact::construction_area_m2 => Err(type_err(
                    "数字（平方米），或 null 表示无建筑面积",
                    "a number of m², or null for no building area",
                )),
                _ => Err(type_err("数字", "a number")),
            },
            "activity" | "venue" | "street" | "enum" => {
                let s = match v {
                    Raw::Str(s) => s,
                    _ => return Err(type_err("文本代码", "a code string")),
                };
                let codes: Vec<&str> = match spec.ty.as_str() {
                    "activity" => rs.file.activities.iter().map(|a| a.code.as_str()).collect(),
                    "venue" => rs.file.venues.iter().map(|a| a.code.as_str()).collect(),
                    "street" => self.streets.iter().map(|a| a.code.as_str()).collect(),
                    _ => spec.values.iter().map(String::as_str).collect(),
                };
                match codes.iter().position(|c| c == s) {
                    Some(i) => Ok(Value::Code(i as u16)),
                    None => {
                        let shown: String = s.chars().take(40).collect();
                        let list = codes.join(", ");
                        Err(FieldError {
                            field: key.into(),
                            rule: "code",
                            message: I18n {
                                zh: format!("“{key}”没有“{shown}”这个取值；可选：{list}"),
                                en: format!(
                                    "\"{key}\" has no value \"{shown}\"; expected one of: {list}"
                                ),
                            },
                        })
                    }
                }
            }
            other => Err(FieldError {
                field: key.into(),
                rule: "type",
                message: I18n {
                    zh: format!("“{key}”的类型 {other} 无法识别"),
                    en: format!("\"{key}\" has unsupported type {other}"),
                },
            }),
        }
    }
}

fn unknown_key(k: &str) -> FieldError {
    let shown: String = k.chars().take(60).collect();
    let hint = Fact::ALL
        .iter()
        .map(|f| (edit_distance(k, f.key()), f.key()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, key)| key);
    let (zh_hint, en_hint) = match hint {
        Some(h) => (
            format!("，是否想填“{h}”？"),
            format!("; did you mean \"{h}\"?"),
        ),
        None => (String::new(), String::new()),
    };
    FieldError {
        field: shown.clone(),
        rule: "unknown_key",
        message: I18n {
            zh: format!("未知字段“{shown}”{zh_hint}"),
            en: format!("unknown key \"{shown}\"{en_hint}"),
        },
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    if a.len() > 64 {
        return usize::MAX;
    }
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn check_date(f: Fact, v: &Raw) -> Result<Date, FieldError> {
    let key = f.key();
    let lo = Date::from_ymd(2000, 1, 1);
    let hi = Date::from_ymd(2100, 12, 31);
    match v {
        Raw::Str(s) => match Date::parse(s) {
            Some(d) if Some(d) >= lo && Some(d) <= hi => Ok(d),
            _ => {
                let shown: String = s.chars().take(40).collect();
                Err(FieldError {
                    field: key.into(),
                    rule: "date",
                    message: I18n {
                        zh: format!(
                            "“{key}”应为 2000-01-01 至 2100-12-31 之间真实存在的日期（YYYY-MM-DD），收到的是“{shown}”"
                        ),
                        en: format!(
                            "\"{key}\" must be a real date YYYY-MM-DD between 2000-01-01 and 2100-12-31, got \"{shown}\""
                        ),
                    },
                })
            }
        },
        other => {
            let k = other.kind();
            Err(FieldError {
                field: key.into(),
                rule: "type",
                message: I18n {
                    zh: format!("“{key}”应为日期文本 YYYY-MM-DD，收到的是{}", k.zh),
                    en: format!("\"{key}\" must be a date string YYYY-MM-DD, got {}", k.en),
                },
            })
        }
    }
}

/// A number without a trailing `.0`, grouped by thousands when large.
pub(crate) fn fmt_plain(x: f64) -> String {
    crate::text::fmt_num(x)
}

/// A number as received, for a message, written the same way natively and in the browser (the parity
/// test holds them equal): thousands grouped, up to six decimals, without `f64`'s `Display`, which would
/// bring the float formatter (~4 KB gzip) into the widget's bundle.
fn received(n: f64) -> String {
    const SCALE: f64 = 1e6;
    let scaled = (n.abs() * SCALE).round();
    if !n.is_finite() || scaled >= 1e18 || scaled.fract() != 0.0 {
        // too large for six decimals: the whole part, grouped
        return fmt_plain(n);
    }
    let micros = scaled as u64;
    let (whole, frac) = (micros / 1_000_000, micros % 1_000_000);
    let mut out = fmt_plain(if n < 0.0 {
        -(whole as f64)
    } else {
        whole as f64
    });
    if n < 0.0 && whole == 0 {
        out.insert(0, '-');
    }
    if frac != 0 {
        let mut digits = [b'0'; 6];
        let mut f = frac;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        let keep = digits.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
        out.push('.');
        out.extend(digits[..keep].iter().map(|d| char::from(*d)));
    }
    out
}

#[cfg(test)]
mod received_tests {
    use super::received;

    /// A rejected number is quoted as received, the same natively and in the browser.
    #[test]
    fn numbers_are_quoted_as_received() {
        for (n, want) in [
            (-5.0, "-5"),
            (1e12, "1,000,000,000,000"),
            (23.9, "23.9"),
            (-0.5, "-0.5"),
            (1000.000001, "1,000.000001"),
            (0.25, "0.25"),
        ] {
            assert_eq!(received(n), want, "{n}");
        }
    }
}
