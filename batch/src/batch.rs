//! A sheet of jobs decided row by row by the core: each row's cells read through its column's
//! [`Reader`], checked by the core ([`Engine::parse_facts`], the same check `anbei assess` runs) and
//! assessed. A row with an unreadable value is marked and left undecided; the others go on.

use crate::sheet::{CellError, ColumnDef, Layout, Reader, columns};
use anbei_core::facts::{Key, Raw};
use anbei_core::model::I18n;
use anbei_core::share::{self, ShareValue};
use anbei_core::{Code, Date, Engine, Fact, RawFacts};

/// What the core decided for one row (owned, so rows can be re-decided one at a time).
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub scope: Option<Code>,
    pub high_risk: Option<bool>,
    /// (code, article, because)
    pub triggers: Vec<(Code, String, I18n)>,
    /// special operations present (fact keys): each needs its certificate
    pub certificates: Vec<&'static str>,
    pub documents: Vec<Code>,
    pub channels: Vec<Code>,
    /// the street whose office registers the work
    pub street: Option<String>,
    /// facts still needed, in the order the interview asks them
    pub missing: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Invalid(Vec<CellError>),
    Decided(Decision),
}

/// One job: its position in the sheet (1-based row number), its cells, what was decided.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
    pub facts: Vec<(Fact, Raw)>,
    pub outcome: Outcome,
}

impl Row {
    pub fn is_incomplete(&self) -> bool {
        matches!(&self.outcome, Outcome::Decided(d) if !d.missing.is_empty())
    }
    pub fn is_invalid(&self) -> bool {
        matches!(self.outcome, Outcome::Invalid(_))
    }
    pub fn decision(&self) -> Option<&Decision> {
        match &self.outcome {
            Outcome::Decided(d) => Some(d),
            Outcome::Invalid(_) => None,
        }
    }
    /// The row's facts as one JSON object (a line for `anbei assess`).
    pub fn facts_json(&self) -> String {
        let mut s = String::from("{");
        for (i, (f, v)) in self.facts.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!("\"{}\":", f.key()));
            match v {
                Raw::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
                Raw::Num(x) => s.push_str(&num_text(*x)),
                Raw::Str(t) => anbei_core::json::write_str(&mut s, t),
                _ => s.push_str("null"),
            }
        }
        s.push('}');
        s
    }
    /// The share-link fragment (without `#`) that opens the interview pre-filled with this row.
    pub fn share_fragment(&self) -> String {
        let vals: Vec<(&str, ShareValue)> = self
            .facts
            .iter()
            .filter_map(|(f, v)| {
                let sv = match v {
                    Raw::Bool(b) => ShareValue::Bool(*b),
                    Raw::Num(x) => ShareValue::Num(*x),
                    Raw::Null => ShareValue::Null,
                    Raw::Str(s) => ShareValue::Code(s.clone()),
                    _ => return None,
                };
                Some((f.key(), sv))
            })
            .collect();
        share::encode(vals.iter().map(|(k, v)| (*k, v)), false, num_text)
    }
}

/// A number as written in JSON and in share links: whole numbers without a fraction.
pub fn num_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        (x as i64).to_string()
    } else {
        x.to_string()
    }
}

/// A whole sheet, read and decided.
pub struct Batch<'e> {
    pub engine: &'e Engine,
    pub today: Date,
    pub defs: Vec<ColumnDef>,
    /// the sheet's header rows as they were
    pub head: Vec<Vec<String>>,
    pub layout: Layout,
    readers: Vec<Option<Reader>>,
    pub rows: Vec<Row>,
    /// blank rows left out
    pub empty_rows: usize,
}

impl<'e> Batch<'e> {
    /// Reads the header once, then decides every row.
    pub fn new(engine: &'e Engine, today: Date, sheet: Vec<Vec<String>>) -> Batch<'e> {
        let defs = columns();
        let layout = Layout::of(&defs, &sheet);
        let readers = layout
            .map
            .iter()
            .map(|m| m.map(|d| Reader::of(engine, today, &defs[d])))
            .collect();
        let mut it = sheet.into_iter();
        let head: Vec<Vec<String>> = it.by_ref().take(layout.header_rows).collect();
        let mut b = Batch {
            engine,
            today,
            defs,
            head,
            layout,
            readers,
            rows: Vec::new(),
            empty_rows: 0,
        };
        for (i, cells) in it.enumerate() {
            if cells.iter().all(|c| c.trim().is_empty()) {
                b.empty_rows += 1;
                continue;
            }
            let line = b.layout.header_rows + i + 1;
            let mut row = Row {
                line,
                cells,
                facts: Vec::new(),
                outcome: Outcome::Invalid(Vec::new()),
            };
            b.decide(&mut row);
            b.rows.push(row);
        }
        b
    }

    /// The header text of sheet column `i`.
    pub fn column_name(&self, i: usize) -> String {
        self.head
            .first()
            .and_then(|h| h.get(i))
            .cloned()
            .unwrap_or_default()
    }

    fn decide(&self, row: &mut Row) {
        let mut errors = Vec::new();
        let mut facts: Vec<(Fact, Raw)> = Vec::new();
        for (i, reader) in self.readers.iter().enumerate() {
            let (Some(reader), Some(d)) = (reader, self.layout.map[i]) else {
                continue;
            };
            let Some(fact) = self.defs[d].fact else {
                continue;
            };
            let cell = row.cells.get(i).map_or("", String::as_str);
            let header = self
                .head
                .first()
                .and_then(|h| h.get(i))
                .map_or("", String::as_str);
            match reader.read(header, cell) {
                Ok(Some(v)) => {
                    facts.retain(|(f, _)| *f != fact);
                    facts.push((fact, v));
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        row.facts = facts;
        if !errors.is_empty() {
            row.outcome = Outcome::Invalid(errors);
            return;
        }
        let raw = RawFacts::Object(
            row.facts
                .iter()
                .map(|(f, v)| (Key::Fact(*f), v.clone()))
                .collect(),
        );
        row.outcome = match self.engine.parse_facts(raw, self.today) {
            Err(e) => Outcome::Invalid(
                e.fields
                    .into_iter()
                    .map(|fe| {
                        let col = self.column_of(&fe.field);
                        let value = col
                            .and_then(|i| row.cells.get(i))
                            .cloned()
                            .unwrap_or_default();
                        CellError {
                            column: col.map(|i| self.column_name(i)).unwrap_or(fe.field),
                            value,
                            rule: fe.rule,
                            message: fe.message,
                        }
                    })
                    .collect(),
            ),
            Ok(facts) => {
                let a = self.engine.assess(&facts);
                let rs = self.engine.ruleset_for(facts.filing_date());
                let specials: &[String] = rs
                    .file
                    .hazards
                    .as_ref()
                    .map_or(&[], |h| &h.special_operations);
                Outcome::Decided(Decision {
                    scope: a.scope,
                    high_risk: a.high_risk,
                    triggers: a
                        .high_risk_triggers
                        .iter()
                        .map(|t| {
                            (
                                t.code,
                                t.article.to_owned(),
                                I18n {
                                    zh: t.because.zh.to_string(),
                                    en: t.because.en.to_string(),
                                },
                            )
                        })
                        .collect(),
                    certificates: a
                        .risk_factors
                        .iter()
                        .copied()
                        .filter(|f| specials.iter().any(|s| s == f))
                        .collect(),
                    documents: a.documents.iter().map(|d| d.code).collect(),
                    channels: a.channels.clone(),
                    street: a.street_office.map(str::to_owned),
                    missing: a.missing_facts.clone(),
                })
            }
        };
    }

    /// The sheet column that holds `fact_key`, if any.
    pub fn column_of(&self, fact_key: &str) -> Option<usize> {
        self.layout
            .map
            .iter()
            .position(|m| m.is_some_and(|d| self.defs[d].key == fact_key))
    }

    /// Answers one fact of row `r` (inline completion) and decides the row again. A fact without a
    /// column gets one, appended, so the answer is in the downloaded sheet too.
    pub fn answer(&mut self, r: usize, fact: Fact, text: &str) -> Result<(), CellError> {
        let col = match self.column_of(fact.key()) {
            Some(c) => c,
            None => {
                let d = self
                    .defs
                    .iter()
                    .position(|d| d.fact == Some(fact))
                    .ok_or_else(|| CellError {
                        column: fact.key().into(),
                        value: text.into(),
                        rule: "unknown_key",
                        message: I18n::default(),
                    })?;
                let c = self
                    .layout
                    .map
                    .len()
                    .max(self.head.first().map_or(0, Vec::len));
                self.layout.map.resize(c + 1, None);
                self.layout.map[c] = Some(d);
                self.readers.resize(c + 1, None);
                self.readers[c] = Some(Reader::of(self.engine, self.today, &self.defs[d]));
                let names = [self.defs[d].zh, self.defs[d].en];
                for (i, h) in self.head.iter_mut().enumerate() {
                    h.resize(c + 1, String::new());
                    h[c] = names.get(i).copied().unwrap_or("").to_owned();
                }
                c
            }
        };
        let Some(reader) = &self.readers[col] else {
            return Ok(());
        };
        reader.read(&self.column_name(col), text)?;
        let Some(mut row) = self.rows.get(r).cloned() else {
            return Ok(());
        };
        if row.cells.len() <= col {
            row.cells.resize(col + 1, String::new());
        }
        row.cells[col] = text.to_owned();
        self.decide(&mut row);
        self.rows[r] = row;
        Ok(())
    }

    /// Brings back a row opened in the interview: the answers of the interview's share link (`…#anbei=1~…`,
    /// the format of [`share`]) are written into row `r`, each as an inline answer, and the row is decided
    /// again. Returns how many answers were taken; a link that does not read is refused as a whole.
    pub fn bring_back(&mut self, r: usize, link: &str) -> Result<usize, share::ShareError> {
        let frag = link.rsplit_once('#').map_or(link.trim(), |(_, f)| f.trim());
        let shared = share::decode(frag)?;
        let mut n = 0;
        for (key, v) in shared.answers {
            let Some(f) = Fact::from_key(&key) else {
                continue;
            };
            let text = match v {
                ShareValue::Bool(b) => (if b { "是" } else { "否" }).to_owned(),
                ShareValue::Num(x) => num_text(x),
                ShareValue::Null => "无".to_owned(),
                ShareValue::Code(c) => c,
            };
            if self.answer(r, f, &text).is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Counts for the summary: (jobs, must register, need not, needs permit, high risk, incomplete, invalid).
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            total: self.rows.len(),
            ..Counts::default()
        };
        for r in &self.rows {
            match &r.outcome {
                Outcome::Invalid(_) => c.invalid += 1,
                Outcome::Decided(d) => {
                    if !d.missing.is_empty() {
                        c.incomplete += 1;
                    }
                    match d.scope {
                        Some(s) if s.is_in_scope() => c.in_scope += 1,
                        Some(Code::NEEDS_PERMIT) => c.needs_permit += 1,
                        Some(_) => c.out_scope += 1,
                        None => {}
                    }
                    if d.high_risk == Some(true) {
                        c.high_risk += 1;
                    }
                }
            }
        }
        c
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub in_scope: usize,
    pub out_scope: usize,
    pub needs_permit: usize,
    pub high_risk: usize,
    pub incomplete: usize,
    pub invalid: usize,
}
