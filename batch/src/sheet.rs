//! Columns of the batch sheet: which fact each header names (looked up once per column), and how each
//! column's cells read into fact values — yes/no words, amounts as the interview accepts them, activity,
//! venue, street and elevator work by their code or their Chinese or English name.

use crate::words::{Lang, both};
use anbei_core::facts::Raw;
use anbei_core::input::{parse_amount, parse_yes_no};
use anbei_core::model::I18n;
use anbei_core::{Date, Engine, Fact};
use std::collections::HashMap;

const COLUMNS: &str = include_str!("../data/columns.tsv");

/// One column of the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    /// A fact key, or `ref` (the work order's own number).
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub fact: Option<Fact>,
}

/// The template's columns, in order.
pub fn columns() -> Vec<ColumnDef> {
    COLUMNS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut p = l.split('\t');
            let (key, zh, en) = (p.next()?, p.next()?, p.next()?);
            Some(ColumnDef {
                key,
                zh,
                en,
                fact: Fact::from_key(key),
            })
        })
        .collect()
}

/// A header or a code name as compared: no spaces, no `*`, no unit in brackets, lower case.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth - 1).max(0),
            c if depth > 0 || c.is_whitespace() || c == '*' || c == '_' || c == '-' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// How one column's cells read.
#[derive(Clone, Debug)]
pub enum Reader {
    Ref,
    YesNo,
    /// `nullable`: "无" / "-" mean no building area.
    Number {
        nullable: bool,
    },
    /// normalised code or name → code
    Codes(HashMap<String, String>),
    Date,
}

/// A cell that does not read: which column, what it holds, the rule it breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct CellError {
    pub column: String,
    pub value: String,
    pub rule: &'static str,
    pub message: I18n,
}

fn names(into: &mut HashMap<String, String>, code: &str, name: Option<&I18n>) {
    into.insert(norm(code), code.to_owned());
    if let Some(n) = name {
        into.insert(norm(&n.zh), code.to_owned());
        into.insert(norm(&n.en), code.to_owned());
    }
}

impl Reader {
    /// The reader of a column, built once: code columns get their name table here.
    pub fn of(engine: &Engine, date: Date, def: &ColumnDef) -> Reader {
        let Some(fact) = def.fact else {
            return Reader::Ref;
        };
        let rs = engine.ruleset_for(date);
        let spec = rs.spec(fact);
        match spec.ty.as_str() {
            "bool" => Reader::YesNo,
            "number" => Reader::Number {
                nullable: spec.nullable_for_flag.is_some(),
            },
            "date" => Reader::Date,
            _ => {
                let mut m = HashMap::new();
                match fact {
                    Fact::activity => rs
                        .file
                        .activities
                        .iter()
                        .for_each(|a| names(&mut m, &a.code, Some(&a.name))),
                    Fact::venue => rs
                        .file
                        .venues
                        .iter()
                        .for_each(|v| names(&mut m, &v.code, Some(&v.name))),
                    Fact::street => engine.streets().iter().for_each(|s| {
                        names(&mut m, &s.code, Some(&s.name));
                        m.insert(norm(&s.office.zh), s.code.clone());
                    }),
                    _ => spec
                        .values
                        .iter()
                        .for_each(|v| names(&mut m, v, spec.value_names.get(v))),
                }
                Reader::Codes(m)
            }
        }
    }

    /// The allowed values, for the template's second sheet and the inline question (code, zh, en).
    pub fn choices(engine: &Engine, date: Date, fact: Fact) -> Vec<(String, I18n)> {
        let rs = engine.ruleset_for(date);
        let spec = rs.spec(fact);
        match fact {
            Fact::activity => rs
                .file
                .activities
                .iter()
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect(),
            Fact::venue => rs
                .file
                .venues
                .iter()
                .map(|v| (v.code.clone(), v.name.clone()))
                .collect(),
            Fact::street => engine
                .streets()
                .iter()
                .map(|s| (s.code.clone(), s.name.clone()))
                .collect(),
            _ if spec.ty == "bool" => vec![
                (
                    "true".into(),
                    I18n {
                        zh: "是".into(),
                        en: "yes".into(),
                    },
                ),
                (
                    "false".into(),
                    I18n {
                        zh: "否".into(),
                        en: "no".into(),
                    },
                ),
            ],
            _ => spec
                .values
                .iter()
                .map(|v| {
                    (
                        v.clone(),
                        spec.value_names.get(v).cloned().unwrap_or_else(|| I18n {
                            zh: v.clone(),
                            en: v.clone(),
                        }),
                    )
                })
                .collect(),
        }
    }

    /// The cell as a fact value: `Ok(None)` when blank (unknown), an error naming the rule otherwise.
    pub fn read(&self, column: &str, cell: &str) -> Result<Option<Raw>, CellError> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        let err = |rule: &'static str, key: &str| {
            let (zh, en) = both(key);
            Err(CellError {
                column: column.to_owned(),
                value: cell.to_owned(),
                rule,
                message: I18n {
                    zh: zh.into(),
                    en: en.into(),
                },
            })
        };
        match self {
            Reader::Ref => Ok(None),
            Reader::YesNo => match parse_yes_no(t) {
                Some(b) => Ok(Some(Raw::Bool(b))),
                None => err("yes_no", "rule_yes_no"),
            },
            Reader::Number { nullable } => {
                if *nullable
                    && matches!(t, "无" | "-" | "—" | "null" | "none" | "n/a" | "无建筑面积")
                {
                    return Ok(Some(Raw::Null));
                }
                match parse_amount(t) {
                    Some(x) => Ok(Some(Raw::Num(x))),
                    None => err("number", "rule_number"),
                }
            }
            Reader::Codes(m) => match m.get(&norm(t)) {
                Some(code) => Ok(Some(Raw::Str(code.clone()))),
                None => err("code", "rule_code"),
            },
            Reader::Date => {
                if Date::parse(t).is_some() {
                    return Ok(Some(Raw::Str(t.to_owned())));
                }
                // Excel's serial day number (a date cell read from an .xlsx): day 25569 is 1970-01-01
                match parse_amount(t)
                    .filter(|x| x.fract() == 0.0 && (20_000.0..100_000.0).contains(x))
                {
                    Some(x) => {
                        let d = Date::from_ymd(1970, 1, 1).map(|e| e.add_days(x as i32 - 25_569));
                        match d {
                            Some(d) => Ok(Some(Raw::Str(d.to_string()))),
                            None => err("date", "rule_date"),
                        }
                    }
                    None => err("date", "rule_date"),
                }
            }
        }
    }
}

/// How a sheet's header maps onto the template's columns.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Header rows above the jobs: 1, or 2 when the second holds the English headers.
    pub header_rows: usize,
    /// For each column of the sheet: the template column it is (index into [`columns`]), or `None`.
    pub map: Vec<Option<usize>>,
    /// Columns whose header is not the template's: (position, header text).
    pub unknown: Vec<(usize, String)>,
}

impl Layout {
    /// Matches the header row(s) once; cells are then read by position.
    pub fn of(defs: &[ColumnDef], rows: &[Vec<String>]) -> Layout {
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, d) in defs.iter().enumerate() {
            for n in [d.key, d.zh, d.en] {
                by_name.insert(norm(n), i);
            }
        }
        let head = rows.first().cloned().unwrap_or_default();
        let map: Vec<Option<usize>> = head
            .iter()
            .map(|h| by_name.get(&norm(h)).copied())
            .collect();
        let unknown = head
            .iter()
            .enumerate()
            .filter(|(i, h)| map[*i].is_none() && !h.trim().is_empty())
            .map(|(i, h)| (i, h.clone()))
            .collect();
        let second_is_english = rows.get(1).is_some_and(|r| {
            let mapped = map.iter().filter(|m| m.is_some()).count();
            let same = map
                .iter()
                .enumerate()
                .filter(|(i, m)| {
                    m.is_some_and(|d| r.get(*i).is_some_and(|c| norm(c) == norm(defs[d].en)))
                })
                .count();
            mapped > 0 && same * 2 >= mapped
        });
        Layout {
            header_rows: if second_is_english { 2 } else { 1 },
            map,
            unknown,
        }
    }
}

/// The header of a column for messages: its Chinese or English template name.
pub fn header(def: &ColumnDef, lang: Lang) -> &'static str {
    lang.pick(def.zh, def.en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_either_language_or_by_key() {
        let defs = columns();
        let rows = vec![
            vec![
                "作业类型".to_string(),
                "Contract amount (yuan)".into(),
                "hot_work".into(),
                "备注".into(),
                "".into(),
            ],
            vec![
                "Activity".to_string(),
                "Contract amount (yuan)".into(),
                "Hot work".into(),
            ],
        ];
        let l = Layout::of(&defs, &rows);
        let key = |i: usize| l.map[i].map(|d| defs[d].key);
        assert_eq!(
            (key(0), key(1), key(2), key(3)),
            (
                Some("activity"),
                Some("contract_amount_yuan"),
                Some("hot_work"),
                None
            )
        );
        assert_eq!(l.unknown, vec![(3, "备注".to_string())]);
        assert_eq!(l.header_rows, 2);
        assert_eq!(Layout::of(&defs, &rows[..1]).header_rows, 1);
    }

    #[test]
    fn every_template_column_is_a_fact_or_ref() {
        for d in columns() {
            assert!(d.fact.is_some() || d.key == "ref", "{}", d.key);
        }
    }
}
