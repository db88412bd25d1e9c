//! What the page gives back: the result columns of a row in words, the results workbook (original
//! columns + result columns, and a summary sheet), the results CSV, and the templates.

use crate::batch::{Batch, Counts, Decision, Outcome, Row};
use crate::sheet::{Reader, columns};
use crate::text::to_csv;
use crate::words::{Lang, both, w};
use crate::xlsx::{self, Cell, Sheet};
use anbei_core::{Code, Date, Engine, Fact};

/// The result columns, in order (word keys).
pub const RESULT_COLUMNS: &[&str] = &[
    "col_scope",
    "col_high_risk",
    "col_triggers",
    "col_certs",
    "col_docs",
    "col_where",
    "col_missing",
    "col_errors",
    "col_share",
];

fn code_title(engine: &Engine, date: Date, c: Code, lang: Lang) -> String {
    let t = &engine.ruleset_for(date).code_text(c).title;
    lang.pick(&t.zh, &t.en).to_owned()
}

/// The question a missing fact is asked by (the interview's own wording).
pub fn fact_label(engine: &Engine, date: Date, key: &str, lang: Lang) -> String {
    let defs = columns();
    if let Some(d) = defs.iter().find(|d| d.key == key) {
        return lang.pick(d.zh, d.en).to_owned();
    }
    let _ = (engine, date);
    key.to_owned()
}

/// The result columns of one row in `lang`, and its share link (the page's `origin` + `/#anbei=…`).
pub fn result_cells(b: &Batch<'_>, row: &Row, lang: Lang, origin: &str) -> Vec<String> {
    let e = b.engine;
    let d8 = b.today;
    let sep = lang.pick("；", "; ");
    let share = format!("{origin}/#{}", row.share_fragment());
    match &row.outcome {
        Outcome::Invalid(errs) => {
            let mut v = vec![String::new(); RESULT_COLUMNS.len()];
            v[7] = errs
                .iter()
                .map(|er| {
                    format!(
                        "{} “{}”: {}",
                        er.column,
                        er.value,
                        lang.pick(&er.message.zh, &er.message.en)
                    )
                })
                .collect::<Vec<_>>()
                .join(sep);
            v
        }
        Outcome::Decided(d) => {
            let list = |codes: &[Code]| {
                codes
                    .iter()
                    .map(|c| code_title(e, d8, *c, lang))
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            vec![
                d.scope
                    .map(|c| code_title(e, d8, c, lang))
                    .unwrap_or_else(|| w(lang, "unknown").into()),
                yes_no(d.high_risk, lang),
                d.triggers
                    .iter()
                    .map(|(c, art, because)| {
                        format!(
                            "{}（{}，{}）",
                            code_title(e, d8, *c, lang),
                            art,
                            lang.pick(&because.zh, &because.en)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(sep),
                d.certificates
                    .iter()
                    .map(|k| fact_label(e, d8, k, lang))
                    .collect::<Vec<_>>()
                    .join(sep),
                list(&d.documents),
                where_to_register(b, d, lang),
                d.missing
                    .iter()
                    .map(|k| fact_label(e, d8, k, lang))
                    .collect::<Vec<_>>()
                    .join(sep),
                String::new(),
                share,
            ]
        }
    }
}

pub fn yes_no(v: Option<bool>, lang: Lang) -> String {
    w(
        lang,
        match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
    )
    .to_owned()
}

/// The street office (once in scope) and the channels, e.g. "坂田街道办事处；网上申报；…".
pub fn where_to_register(b: &Batch<'_>, d: &Decision, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(code) = &d.street {
        if let Some(s) = b.engine.streets().iter().find(|s| &s.code == code) {
            parts.push(lang.pick(&s.office.zh, &s.office.en).to_owned());
        }
    }
    parts.extend(
        d.channels
            .iter()
            .map(|c| code_title(b.engine, b.today, *c, lang)),
    );
    parts.join(lang.pick("；", "; "))
}

/// The results: the sheet's header rows (plus the result columns' names), then each job.
pub fn result_rows(b: &Batch<'_>, lang: Lang, origin: &str) -> Vec<Vec<String>> {
    let width = b
        .layout
        .map
        .len()
        .max(b.head.iter().map(Vec::len).max().unwrap_or(0));
    let mut out = Vec::with_capacity(b.rows.len() + 2);
    for (i, h) in b.head.iter().enumerate() {
        let mut r = h.clone();
        r.resize(width, String::new());
        r.extend(RESULT_COLUMNS.iter().map(|k| {
            let (zh, en) = both(k);
            (if i == 0 && b.head.len() == 2 {
                zh
            } else if i == 1 {
                en
            } else {
                w(lang, k)
            })
            .to_owned()
        }));
        out.push(r);
    }
    for row in &b.rows {
        let mut r = row.cells.clone();
        r.resize(width, String::new());
        r.extend(result_cells(b, row, lang, origin));
        out.push(r);
    }
    out
}

fn summary_rows(c: &Counts, b: &Batch<'_>, lang: Lang) -> Vec<Vec<Cell>> {
    let t = |s: &str| Cell::Text(s.to_owned());
    let n = |x: usize| Cell::Num(x as f64);
    let mut rows = vec![
        vec![t(w(lang, "summary")), t("")],
        vec![t(w(lang, "rows_total")), n(c.total)],
        vec![t(w(lang, "in_scope")), n(c.in_scope)],
        vec![t(w(lang, "out_scope")), n(c.out_scope)],
        vec![t(w(lang, "needs_permit")), n(c.needs_permit)],
        vec![t(w(lang, "high_risk")), n(c.high_risk)],
        vec![t(w(lang, "incomplete")), n(c.incomplete)],
        vec![t(w(lang, "invalid")), n(c.invalid)],
    ];
    if b.empty_rows > 0 {
        rows.push(vec![t(
            &w(lang, "empty_rows").replace("{n}", &b.empty_rows.to_string())
        )]);
    }
    if !b.layout.unknown.is_empty() {
        let list = b
            .layout
            .unknown
            .iter()
            .map(|(_, h)| h.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(vec![
            t(&w(lang, "unknown_columns").replace("{list}", &list)),
        ]);
    }
    rows
}

/// The results workbook: a results sheet and a summary sheet.
pub fn results_xlsx(b: &Batch<'_>, lang: Lang, origin: &str) -> Vec<u8> {
    let rows = result_rows(b, lang, origin)
        .into_iter()
        .map(|r| r.into_iter().map(Cell::Text).collect())
        .collect();
    xlsx::write(&[
        Sheet {
            name: w(lang, "sheet_results").into(),
            rows,
            header_rows: b.head.len(),
        },
        Sheet {
            name: w(lang, "sheet_summary").into(),
            rows: summary_rows(&b.counts(), b, lang),
            header_rows: 1,
        },
    ])
}

pub fn results_csv(b: &Batch<'_>, lang: Lang, origin: &str) -> String {
    to_csv(&result_rows(b, lang, origin))
}

/// The template's two header rows (Chinese, English) and one example job.
fn template_rows() -> Vec<Vec<String>> {
    let defs = columns();
    let example: &[(&str, &str)] = &[
        ("ref", "WO-001"),
        ("activity", "外墙清洗、修补、屋面检修"),
        ("public_area", "是"),
        ("contract_amount_yuan", "8万"),
        ("work_at_height", "是"),
        ("suspended_work", "是"),
        ("property_managed", "是"),
        ("street", "坂田街道"),
    ];
    let ex = defs
        .iter()
        .map(|d| {
            example
                .iter()
                .find(|(k, _)| *k == d.key)
                .map_or("", |(_, v)| *v)
                .to_owned()
        })
        .collect();
    vec![
        defs.iter().map(|d| d.zh.to_owned()).collect(),
        defs.iter().map(|d| d.en.to_owned()).collect(),
        ex,
    ]
}

/// The allowed values of every column (for the template's second sheet): column, then values.
fn values_rows(engine: &Engine, date: Date) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        format!("{} / {}", both("values_column").0, both("values_column").1),
        format!(
            "{} / {}",
            both("values_allowed").0,
            both("values_allowed").1
        ),
    ]];
    for d in columns() {
        let head = format!("{} / {}", d.zh, d.en);
        let bi = |k: &str| format!("{} / {}", both(k).0, both(k).1);
        let allowed: Vec<String> = match d.fact {
            None => vec![bi("values_ref")],
            Some(f) => {
                let spec = engine.ruleset_for(date).spec(f);
                match spec.ty.as_str() {
                    "bool" => vec![bi("values_yes_no")],
                    "number" if spec.nullable_for_flag.is_some() => vec![bi("values_area")],
                    "number" => vec![bi("values_number")],
                    "date" => vec![bi("values_date")],
                    _ => Reader::choices(engine, date, f)
                        .into_iter()
                        .map(|(code, n)| format!("{} / {} ({code})", n.zh, n.en))
                        .collect(),
                }
            }
        };
        let mut r = vec![head];
        r.extend(allowed);
        rows.push(r);
    }
    rows
}

pub fn template_xlsx(engine: &Engine, date: Date) -> Vec<u8> {
    let cells = |rows: Vec<Vec<String>>| {
        rows.into_iter()
            .map(|r| r.into_iter().map(Cell::Text).collect())
            .collect()
    };
    let (zh, en) = both("sheet_values");
    xlsx::write(&[
        Sheet {
            name: "工单 Jobs".into(),
            rows: cells(template_rows()),
            header_rows: 2,
        },
        Sheet {
            name: format!("{zh} {en}"),
            rows: cells(values_rows(engine, date)),
            header_rows: 1,
        },
    ])
}

pub fn template_csv() -> String {
    to_csv(&template_rows())
}

/// The fact a row is asked next (the first missing answer), if it can be answered inline.
pub fn next_question(row: &Row) -> Option<Fact> {
    row.decision()
        .and_then(|d| d.missing.first())
        .and_then(|k| Fact::from_key(k))
}
