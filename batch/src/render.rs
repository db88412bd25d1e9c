//! The page's HTML, written here so it can be tested natively: the summary, one page of the results
//! table (50 rows), the inline question of an incomplete row. All text escaped.

use crate::batch::{Batch, Outcome};
use crate::output::{fact_label, next_question, result_cells, where_to_register, yes_no};
use crate::sheet::Reader;
use crate::words::{Lang, w};

pub const PAGE_ROWS: usize = 50;

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Rows shown under the filter: all, or those needing attention (errors or missing answers).
pub fn visible(b: &Batch<'_>, attention: bool) -> Vec<usize> {
    (0..b.rows.len())
        .filter(|&i| !attention || b.rows[i].is_invalid() || b.rows[i].is_incomplete())
        .collect()
}

pub fn pages(b: &Batch<'_>, attention: bool) -> usize {
    visible(b, attention).len().div_ceil(PAGE_ROWS).max(1)
}

pub fn summary_html(b: &Batch<'_>, lang: Lang) -> String {
    let c = b.counts();
    let mut h = format!(
        r#"<h2 id="summary-h">{}</h2><dl class="counts">"#,
        esc(w(lang, "summary"))
    );
    for (k, n) in [
        ("rows_total", c.total),
        ("in_scope", c.in_scope),
        ("out_scope", c.out_scope),
        ("needs_permit", c.needs_permit),
        ("high_risk", c.high_risk),
        ("incomplete", c.incomplete),
        ("invalid", c.invalid),
    ] {
        h.push_str(&format!(
            r#"<div class="count {k}"><dt>{}</dt><dd>{n}</dd></div>"#,
            esc(w(lang, k))
        ));
    }
    h.push_str("</dl>");
    if !b.layout.unknown.is_empty() {
        let list = b
            .layout
            .unknown
            .iter()
            .map(|(_, h)| h.as_str())
            .collect::<Vec<_>>()
            .join("、");
        h.push_str(&format!(
            r#"<p class="warn" role="status">{}</p>"#,
            esc(&w(lang, "unknown_columns").replace("{list}", &list))
        ));
    }
    if b.layout.map.iter().all(Option::is_none) {
        h.push_str(&format!(
            r#"<p class="warn" role="alert">{}</p>"#,
            esc(w(lang, "no_columns"))
        ));
    }
    if b.empty_rows > 0 {
        h.push_str(&format!(
            "<p>{}</p>",
            esc(&w(lang, "empty_rows").replace("{n}", &b.empty_rows.to_string()))
        ));
    }
    h
}

/// One page (0-based) of the table.
pub fn table_html(b: &Batch<'_>, lang: Lang, page: usize, attention: bool, origin: &str) -> String {
    let rows = visible(b, attention);
    let total = pages(b, attention);
    let page = page.min(total - 1);
    let col = |k: &str| format!(r#"<th scope="col">{}</th>"#, esc(w(lang, k)));
    let mut h = String::from(r#"<table class="results"><caption class="sr">"#);
    h.push_str(&esc(&w(lang, "page_of")
        .replace("{page}", &(page + 1).to_string())
        .replace("{pages}", &total.to_string())));
    h.push_str("</caption><thead><tr>");
    for k in [
        "col_row",
        "col_ref",
        "col_activity",
        "col_scope",
        "col_high_risk",
        "col_triggers",
        "col_certs",
        "col_docs",
        "col_where",
        "col_missing",
        "col_actions",
    ] {
        h.push_str(&col(k));
    }
    h.push_str("</tr></thead><tbody>");
    let ref_col = b.column_of("ref");
    let act_col = b.column_of("activity");
    for &i in rows.iter().skip(page * PAGE_ROWS).take(PAGE_ROWS) {
        let row = &b.rows[i];
        let cell = |c: Option<usize>| {
            c.and_then(|c| row.cells.get(c))
                .map_or(String::new(), |s| esc(s))
        };
        let class = if row.is_invalid() {
            "invalid"
        } else if row.is_incomplete() {
            "incomplete"
        } else {
            "decided"
        };
        h.push_str(&format!(
            r#"<tr class="{class}" data-row="{i}"><th scope="row">{}</th><td>{}</td><td>{}</td>"#,
            row.line,
            cell(ref_col),
            cell(act_col)
        ));
        let cells = result_cells(b, row, lang, origin);
        match &row.outcome {
            Outcome::Invalid(errs) => {
                h.push_str(r#"<td colspan="7" class="errors"><ul>"#);
                for e in errs {
                    h.push_str(&format!(
                        r#"<li><strong>{}</strong> “{}”：{} <span class="rule">({})</span></li>"#,
                        esc(&e.column),
                        esc(&e.value),
                        esc(lang.pick(&e.message.zh, &e.message.en)),
                        esc(e.rule)
                    ));
                }
                h.push_str("</ul></td><td></td>");
            }
            Outcome::Decided(d) => {
                let hr = if d.high_risk == Some(true) {
                    r#" class="hr""#
                } else {
                    ""
                };
                h.push_str(&format!(
                    "<td>{}</td><td{hr}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    esc(&cells[0]),
                    esc(&yes_no(d.high_risk, lang)),
                    esc(&cells[2]),
                    esc(&cells[3]),
                    esc(&cells[4]),
                    esc(&where_to_register(b, d, lang)),
                    esc(&cells[6]),
                ));
                h.push_str("<td class=\"acts\">");
                if !d.missing.is_empty() {
                    h.push_str(&format!(
                        r#"<button type="button" data-act="complete" data-row="{i}">{}<span class="sr"> {} {}</span></button> "#,
                        esc(w(lang, "complete")),
                        esc(w(lang, "col_row")),
                        row.line
                    ));
                }
                h.push_str(&format!(
                    r#"<button type="button" data-act="share" data-row="{i}">{}<span class="sr"> {} {}</span></button> <a href="{}" target="_blank" rel="noopener">{}<span class="sr"> {} {}</span></a></td>"#,
                    esc(w(lang, "share")),
                    esc(w(lang, "col_row")),
                    row.line,
                    esc(&cells[8]),
                    esc(w(lang, "open_interview")),
                    esc(w(lang, "col_row")),
                    row.line
                ));
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

/// The inline question for row `r`: the interview's question and help for its first missing answer.
pub fn question_html(b: &Batch<'_>, lang: Lang, r: usize, error: Option<&str>) -> String {
    let Some(row) = b.rows.get(r) else {
        return String::new();
    };
    let Some(fact) = next_question(row) else {
        return String::new();
    };
    let rs = b.engine.ruleset_for(b.today);
    let spec = rs.spec(fact);
    let q = rs.fill_params(lang.pick(&spec.question.zh, &spec.question.en));
    let help = rs.fill_params(lang.pick(&spec.help.zh, &spec.help.en));
    let mut h = format!(
        r#"<form class="question" data-row="{r}" data-fact="{key}" aria-labelledby="q-label"><p class="q-row">{} {} · {}</p><label id="q-label" for="q-input">{}</label><p class="help" id="q-help">{}</p>"#,
        esc(w(lang, "col_row")),
        row.line,
        esc(&fact_label(b.engine, b.today, fact.key(), lang)),
        esc(&q),
        esc(&help),
        key = fact.key()
    );
    let invalid = if error.is_some() {
        r#" aria-invalid="true" aria-describedby="q-help q-error""#
    } else {
        r#" aria-describedby="q-help""#
    };
    if spec.ty == "number" {
        h.push_str(&format!(
            r#"<input id="q-input" name="value" inputmode="decimal" autocomplete="off" required{invalid}>"#
        ));
    } else {
        h.push_str(&format!(
            r#"<select id="q-input" name="value" required{invalid}><option value=""></option>"#
        ));
        for (code, n) in Reader::choices(b.engine, b.today, fact) {
            let shown = if spec.ty == "bool" {
                n.zh.clone()
            } else {
                code.clone()
            };
            h.push_str(&format!(
                r#"<option value="{}">{}</option>"#,
                esc(&shown),
                esc(lang.pick(&n.zh, &n.en))
            ));
        }
        h.push_str("</select>");
    }
    if let Some(e) = error {
        h.push_str(&format!(
            r#"<p class="error" id="q-error" role="alert">{}</p>"#,
            esc(e)
        ));
    }
    h.push_str(&format!(
        r#"<div class="q-acts"><button type="submit">{}</button> <button type="button" data-act="cancel">{}</button></div><p class="back"><label for="q-back">{}</label><br><input id="q-back" name="back" autocomplete="off"> <button type="button" data-act="back">{}</button></p></form>"#,
        esc(w(lang, "answer")),
        esc(w(lang, "cancel")),
        esc(w(lang, "bring_back_label")),
        esc(w(lang, "bring_back"))
    ));
    h
}
