//! The statistics' statements (第二十一条第（二）项 "建立管理台账…定期分析总结通报"; `GET /api/v1/statistics`):
//! six grouped counts over one period, each filtered by the account's [`Coverage`] the way the queue
//! and the ledger are, and grouped by street and the asked group (month, community or activity). Every
//! statement returns the same columns (`street, g, k, j, x, y, n`), decoded as a [`StatRow`]; what
//! each column means per statement is said at [`StatsFilter`]'s statements below. Percentiles are not
//! computed here: the rows are histograms (a value and how many), read by `crate::statistics`.
//!
//! The registrations' two statements read `filings_stats`, a covering index (migration 0007): one
//! street's period is a range of it, and no filing row (with its JSON) is read.

use super::Arg;
use crate::store::staff::Coverage;
use crate::store::stats::{GroupBy, StatsFilter};

/// Appends `cover`'s conditions on table alias `t` (equalities first, then areas and department).
pub(crate) fn covered<'a>(t: &str, c: &'a Coverage, sql: &mut String, args: &mut Vec<Arg<'a>>) {
    for (col, v) in [("street", &c.street), ("community", &c.community)] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND {t}.{col} = ${}", args.len()));
        }
    }
    if let Some(a) = &c.areas {
        args.push(Arg::Text(a));
        sql.push_str(&format!(
            " AND ${} LIKE '%|' || {t}.area || '|%'",
            args.len()
        ));
    }
    if let Some(d) = &c.department {
        args.push(Arg::Text(d));
        sql.push_str(&format!(
            " AND {t}.departments LIKE '%' || ${} || '%'",
            args.len()
        ));
    }
}

/// `from <= {col} <= to` on `col`.
fn period<'a>(col: &str, f: &'a StatsFilter, sql: &mut String, args: &mut Vec<Arg<'a>>) {
    args.push(Arg::Text(&f.from));
    args.push(Arg::Text(&f.to));
    sql.push_str(&format!(
        " AND {col} >= ${} AND {col} <= ${}",
        args.len() - 1,
        args.len()
    ));
}

/// The group's expression for a row of table alias `t` dated by `date` (activity: the filing `f`).
fn group(by: GroupBy, t: &str, date: &str) -> String {
    match by {
        GroupBy::Month => format!("substr({date}, 1, 7)"),
        GroupBy::Community => format!("{t}.community"),
        GroupBy::Activity => "COALESCE(f.activity, '')".into(),
    }
}

const TAIL: &str = " GROUP BY 1, 2, 3, 4, 5, 6";

/// The statements, in the order of [`crate::store::stats::StatsRows`]' fields.
pub fn statements(f: &StatsFilter) -> Vec<(String, Vec<Arg<'_>>)> {
    let by = f.group_by;
    let mut out = Vec::new();

    // 1. Registrations filed in the period: k scope, j status, x high risk (0/1), y how many of the
    //    n await an answer past acceptance_due. By month the rows are grouped in the index's own order
    //    (street, day, status, scope, risk: no sort; several rows a month, summed by the fold).
    let mut args = vec![Arg::Text(&f.today)];
    let mut sql = format!(
        "SELECT f.street AS street, {g} AS g, f.scope AS k, f.status AS j, \
         CAST(CASE WHEN f.high_risk THEN 1 ELSE 0 END AS BIGINT) AS x, \
         SUM(CASE WHEN f.status = 'filed' AND f.acceptance_due < $1 THEN 1 ELSE 0 END) AS y, \
         COUNT(*) AS n FROM filings f WHERE TRUE",
        g = group(by, "f", "f.filed_on")
    );
    covered("f", &f.cover, &mut sql, &mut args);
    period("f.filed_on", f, &mut sql, &mut args);
    sql.push_str(match by {
        GroupBy::Month => " GROUP BY f.street, f.filed_on, f.status, f.scope, f.high_risk",
        _ => " GROUP BY 1, 2, 3, 4, 5",
    });
    out.push((sql, args));

    // 2. Answers given by the street (accepted, returned, refused): k 'late' when given after
    //    acceptance_due, x minutes, y working days.
    let mut args = Vec::new();
    let mut sql = format!(
        "SELECT f.street AS street, {g} AS g, \
         CASE WHEN f.answered_on > f.acceptance_due THEN 'late' ELSE 'on_time' END AS k, \
         CAST(NULL AS TEXT) AS j, f.answer_minutes AS x, f.answer_days AS y, COUNT(*) AS n \
         FROM filings f WHERE f.answered_on IS NOT NULL AND f.status <> 'filed'",
        g = group(by, "f", "f.filed_on")
    );
    covered("f", &f.cover, &mut sql, &mut args);
    period("f.filed_on", f, &mut sql, &mut args);
    sql.push_str(TAIL);
    out.push((sql, args));

    // Inspections, findings and the rest are scoped by the inspection's copied columns; grouped by
    // activity through the registration (none for work found unregistered).
    let join_f = |on: &str| match by {
        GroupBy::Activity => format!(" LEFT JOIN filings f ON f.filing_no = {on}"),
        _ => String::new(),
    };

    // 3. Inspections falling due in the period (ad-hoc ones, without a due date: recorded in it):
    //    k kind, j status, x done on time (0/1), y 1 overdue, 2 without a due date, else 0.
    let mut args = vec![Arg::Text(&f.today)];
    let mut sql = format!(
        "SELECT i.street AS street, {g} AS g, i.kind AS k, i.status AS j, \
         CAST(CASE WHEN i.status = 'done' AND i.due IS NOT NULL \
              AND substr(COALESCE(i.inspected_at, i.done_at), 1, 10) <= i.due THEN 1 ELSE 0 END AS BIGINT) AS x, \
         CAST(CASE WHEN i.due IS NULL THEN 2 WHEN i.status = 'due' AND i.due < $1 THEN 1 ELSE 0 END AS BIGINT) AS y, \
         COUNT(*) AS n FROM inspections i{j} WHERE TRUE",
        g = group(by, "i", "COALESCE(i.due, substr(i.done_at, 1, 10))"),
        j = join_f("i.filing_no")
    );
    covered("i", &f.cover, &mut sql, &mut args);
    args.push(Arg::Text(&f.from));
    args.push(Arg::Text(&f.to));
    let (a, b) = (args.len() - 1, args.len());
    sql.push_str(&format!(
        " AND ((i.due >= ${a} AND i.due <= ${b}) OR (i.due IS NULL AND substr(i.done_at, 1, 10) >= ${a} \
         AND substr(i.done_at, 1, 10) <= ${b}))"
    ));
    sql.push_str(TAIL);
    out.push((sql, args));

    // Findings found in the period, with their inspection when the scope or the grouping needs its
    // copied columns (community, area, departments), and their registration for the activity.
    let with_i = f.cover.community.is_some()
        || f.cover.areas.is_some()
        || f.cover.department.is_some()
        || by == GroupBy::Community;
    let findings_from = format!(
        " FROM findings d{}{}",
        if with_i {
            " JOIN inspections i ON i.id = d.inspection_id"
        } else {
            ""
        },
        join_f("d.filing_no")
    );
    let fg = if by == GroupBy::Community {
        group(by, "i", "d.found_on")
    } else {
        group(by, "d", "d.found_on")
    };
    // 4. Findings: k code, j status, x open past rectify_by (0/1).
    let mut args = vec![Arg::Text(&f.today)];
    let mut sql = format!(
        "SELECT d.street AS street, {fg} AS g, d.code AS k, d.status AS j, \
         CAST(CASE WHEN d.status = 'open' AND d.rectify_by < $1 THEN 1 ELSE 0 END AS BIGINT) AS x, \
         CAST(CASE WHEN d.rectify_by IS NOT NULL THEN 1 ELSE 0 END AS BIGINT) AS y, \
         COUNT(*) AS n{findings_from} WHERE TRUE",
    );
    finding_scope(f, with_i, &mut sql, &mut args);
    sql.push_str(TAIL);
    out.push((sql, args));

    // 5. Rectifications accepted (the finding closed): k the day found, j the day accepted.
    let mut args = Vec::new();
    let mut sql = format!(
        "SELECT d.street AS street, {fg} AS g, d.found_on AS k, substr(r.decided_at, 1, 10) AS j, \
         CAST(NULL AS BIGINT) AS x, CAST(NULL AS BIGINT) AS y, COUNT(*) AS n{findings_from} \
         JOIN rectifications r ON r.finding_id = d.id AND r.decision = 'accepted' WHERE TRUE",
    );
    finding_scope(f, with_i, &mut sql, &mut args);
    sql.push_str(TAIL);
    out.push((sql, args));

    // 6. Referrals of those findings: k target, x late (0/1).
    let mut args = Vec::new();
    let mut sql = format!(
        "SELECT d.street AS street, {fg} AS g, x.target AS k, CAST(NULL AS TEXT) AS j, \
         CAST(CASE WHEN x.late THEN 1 ELSE 0 END AS BIGINT) AS x, CAST(NULL AS BIGINT) AS y, \
         COUNT(*) AS n{findings_from} JOIN referrals x ON x.finding_id = d.id WHERE TRUE",
    );
    finding_scope(f, with_i, &mut sql, &mut args);
    sql.push_str(TAIL);
    out.push((sql, args));
    out
}

/// Findings `d` in `f`'s scope and period: by their own street (`findings_stats` walks the period),
/// and by their inspection `i`'s copied columns when `with_i`.
fn finding_scope<'a>(f: &'a StatsFilter, with_i: bool, sql: &mut String, args: &mut Vec<Arg<'a>>) {
    if with_i {
        if let Some(st) = &f.cover.street {
            args.push(Arg::Text(st));
            sql.push_str(&format!(" AND d.street = ${}", args.len()));
        }
        covered("i", &f.cover, sql, args);
    } else {
        covered("d", &f.cover, sql, args);
    }
    period("d.found_on", f, sql, args);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement numbers its arguments 1..n, once each, for every grouping and scope.
    #[test]
    fn each_statement_numbers_exactly_its_arguments() {
        let every = Coverage {
            street: Some("bantian".into()),
            community: Some("岗头社区".into()),
            areas: Some("|万科城|".into()),
            department: Some(" housing ".into()),
        };
        for cover in [every, Coverage::default()] {
            for group_by in [GroupBy::Month, GroupBy::Community, GroupBy::Activity] {
                let f = StatsFilter {
                    cover: cover.clone(),
                    from: "2026-01-01".into(),
                    to: "2026-12-31".into(),
                    today: "2026-11-23".into(),
                    group_by,
                };
                let all = statements(&f);
                assert_eq!(all.len(), 6);
                for (sql, args) in all {
                    assert_eq!(
                        crate::store::sql::placeholders(&sql),
                        (1..=args.len()).collect::<Vec<_>>(),
                        "{sql}"
                    );
                }
            }
        }
    }
}
