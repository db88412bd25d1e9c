//! The statistics (第二十一条第（二）项 "建立管理台账…定期分析总结通报"): the store's grouped counts
//! (`store/sql/stats.rs`) folded into one [`Section`] per street and group, per street, and for all
//! the streets answered. Medians and 90th percentiles are read from histograms by the nearest-rank
//! rule: the smallest value at least `p` of the values are at or below (p = 0.5, 0.9).

use crate::store::stats::{StatRow, StatsRows};
use anbei_core::Date;
use anbei_core::calendar::Calendar;
use serde::Serialize;
use std::collections::BTreeMap;

/// A median and 90th percentile (nearest rank); `null` when nothing was measured.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Spread {
    pub median: f64,
    pub p90: f64,
}

/// Nearest-rank percentile `p` of a histogram `value → count`.
pub fn percentile(h: &BTreeMap<i64, i64>, p: f64) -> Option<i64> {
    let total: i64 = h.values().sum();
    if total == 0 {
        return None;
    }
    let rank = ((p * total as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (v, n) in h {
        seen += n;
        if seen >= rank {
            return Some(*v);
        }
    }
    h.keys().next_back().copied()
}

fn spread(h: &BTreeMap<i64, i64>, scale: f64) -> Option<Spread> {
    let r = |v: i64| (v as f64 / scale * 10.0).round() / 10.0;
    Some(Spread {
        median: r(percentile(h, 0.5)?),
        p90: r(percentile(h, 0.9)?),
    })
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Registrations {
    /// Filed in the period (by their latest filing date).
    pub total: i64,
    pub high_risk: i64,
    /// By §3.1 scope code.
    pub by_scope: BTreeMap<String, i64>,
    /// By stored status (rules.md §7).
    pub by_status: BTreeMap<String, i64>,
}

/// The street's answers to filings against the 3-working-day duty (第二十七条第（二）项).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Acceptance {
    /// Answered by staff (accepted, returned or refused); fast-accepted filings are not counted here.
    pub answered: i64,
    pub on_time: i64,
    /// Answered after `acceptance_due`.
    pub late: i64,
    /// Still awaiting an answer.
    pub awaiting: i64,
    /// Awaiting past `acceptance_due`.
    pub awaiting_overdue: i64,
    /// Hours from the submission to the answer.
    pub hours: Option<Spread>,
    /// Working days after the filing day up to the answer's day.
    pub working_days: Option<Spread>,
}

/// Inspections falling due in the period (rules.md §9.1).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Inspections {
    /// With a due date in the period.
    pub due: i64,
    /// Done on or before their due date (the day on site).
    pub done_on_time: i64,
    pub done_late: i64,
    /// Not done, past their due date.
    pub overdue: i64,
    /// Not done, not yet due.
    pub pending: i64,
    /// Done without a due date (patrols, property watches, work found unregistered).
    pub unscheduled: i64,
    /// By kind (`INSPECTION_*`), every inspection counted.
    pub by_kind: BTreeMap<String, i64>,
}

/// Findings made in the period (rules.md §9.3).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Findings {
    pub total: i64,
    pub by_code: BTreeMap<String, i64>,
    /// By status: open, rectified (answered, awaiting the decision), closed, referred.
    pub by_status: BTreeMap<String, i64>,
    /// Asking for rectification (with `rectify_by`).
    pub to_rectify: i64,
    /// Open past `rectify_by`.
    pub overdue: i64,
}

/// Rectifications of those findings the street accepted (第三十四条).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Rectification {
    pub accepted: i64,
    /// Calendar days from the finding to the accepted rectification.
    pub days: Option<Spread>,
    pub working_days: Option<Spread>,
}

/// Referrals of those findings (第三十六条).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Referrals {
    pub total: i64,
    /// Same-day referrals made after the day (第三十条).
    pub late: i64,
    pub by_target: BTreeMap<String, i64>,
}

/// Every figure of one street and group (or a total).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Section {
    pub registrations: Registrations,
    pub acceptance: Acceptance,
    pub inspections: Inspections,
    pub findings: Findings,
    pub rectification: Rectification,
    pub referrals: Referrals,
}

/// A [`Section`] being summed, with its histograms.
#[derive(Clone, Debug, Default)]
struct Acc {
    s: Section,
    minutes: BTreeMap<i64, i64>,
    days: BTreeMap<i64, i64>,
    rect_days: BTreeMap<i64, i64>,
    rect_wd: BTreeMap<i64, i64>,
}

fn add(m: &mut BTreeMap<String, i64>, k: &str, n: i64) {
    *m.entry(k.to_owned()).or_default() += n;
}

fn add_h(m: &mut BTreeMap<i64, i64>, k: i64, n: i64) {
    *m.entry(k).or_default() += n;
}

fn merge(into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>) {
    for (k, n) in from {
        add(into, k, *n);
    }
}

fn merge_h(into: &mut BTreeMap<i64, i64>, from: &BTreeMap<i64, i64>) {
    for (k, n) in from {
        add_h(into, *k, *n);
    }
}

impl Acc {
    fn absorb(&mut self, o: &Acc) {
        let (a, b) = (&mut self.s, &o.s);
        a.registrations.total += b.registrations.total;
        a.registrations.high_risk += b.registrations.high_risk;
        merge(&mut a.registrations.by_scope, &b.registrations.by_scope);
        merge(&mut a.registrations.by_status, &b.registrations.by_status);
        a.acceptance.answered += b.acceptance.answered;
        a.acceptance.on_time += b.acceptance.on_time;
        a.acceptance.late += b.acceptance.late;
        a.acceptance.awaiting += b.acceptance.awaiting;
        a.acceptance.awaiting_overdue += b.acceptance.awaiting_overdue;
        let (ai, bi) = (&mut a.inspections, &b.inspections);
        ai.due += bi.due;
        ai.done_on_time += bi.done_on_time;
        ai.done_late += bi.done_late;
        ai.overdue += bi.overdue;
        ai.pending += bi.pending;
        ai.unscheduled += bi.unscheduled;
        merge(&mut ai.by_kind, &bi.by_kind);
        a.findings.total += b.findings.total;
        merge(&mut a.findings.by_code, &b.findings.by_code);
        merge(&mut a.findings.by_status, &b.findings.by_status);
        a.findings.to_rectify += b.findings.to_rectify;
        a.findings.overdue += b.findings.overdue;
        a.rectification.accepted += b.rectification.accepted;
        a.referrals.total += b.referrals.total;
        a.referrals.late += b.referrals.late;
        merge(&mut a.referrals.by_target, &b.referrals.by_target);
        merge_h(&mut self.minutes, &o.minutes);
        merge_h(&mut self.days, &o.days);
        merge_h(&mut self.rect_days, &o.rect_days);
        merge_h(&mut self.rect_wd, &o.rect_wd);
    }

    fn finish(mut self) -> Section {
        self.s.acceptance.hours = spread(&self.minutes, 60.0);
        self.s.acceptance.working_days = spread(&self.days, 1.0);
        self.s.rectification.days = spread(&self.rect_days, 1.0);
        self.s.rectification.working_days = spread(&self.rect_wd, 1.0);
        self.s
    }
}

/// One group of a street.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Group {
    /// `2026-11` (month), the community's name, or the activity code (`''`: work found unregistered).
    pub key: String,
    #[serde(flatten)]
    pub section: Section,
}

/// One street: its total and its groups (in key order).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StreetStats {
    pub street: String,
    pub total: Section,
    pub groups: Vec<Group>,
}

/// The rows folded: every street with its groups, and the total over them.
pub fn fold(rows: &StatsRows, cal: &Calendar) -> (Vec<StreetStats>, Section) {
    let mut by: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let key = |r: &StatRow| (r.street.clone(), r.g.clone());
    let flag = |v: Option<i64>| v.unwrap_or(0) != 0;
    for r in &rows.registrations {
        let a = &mut by.entry(key(r)).or_default().s;
        let k = r.k.as_deref().unwrap_or("");
        let j = r.j.as_deref().unwrap_or("");
        a.registrations.total += r.n;
        if flag(r.x) {
            a.registrations.high_risk += r.n;
        }
        add(&mut a.registrations.by_scope, k, r.n);
        add(&mut a.registrations.by_status, j, r.n);
        if j == "filed" {
            a.acceptance.awaiting += r.n;
            a.acceptance.awaiting_overdue += r.y.unwrap_or(0);
        }
    }
    for r in &rows.answers {
        let acc = by.entry(key(r)).or_default();
        acc.s.acceptance.answered += r.n;
        if r.k.as_deref() == Some("late") {
            acc.s.acceptance.late += r.n;
        } else {
            acc.s.acceptance.on_time += r.n;
        }
        if let Some(m) = r.x {
            add_h(&mut acc.minutes, m, r.n);
        }
        if let Some(d) = r.y {
            add_h(&mut acc.days, d, r.n);
        }
    }
    for r in &rows.inspections {
        let i = &mut by.entry(key(r)).or_default().s.inspections;
        let kind = r.k.as_deref().unwrap_or("");
        add(&mut i.by_kind, kind, r.n);
        let done = r.j.as_deref() == Some("done");
        match (r.y.unwrap_or(0), done, flag(r.x)) {
            // no due date: done unscheduled (the statement reads only those done)
            (2, _, _) => i.unscheduled += r.n,
            (_, true, true) => {
                i.due += r.n;
                i.done_on_time += r.n;
            }
            (_, true, false) => {
                i.due += r.n;
                i.done_late += r.n;
            }
            (1, false, _) => {
                i.due += r.n;
                i.overdue += r.n;
            }
            (_, false, _) => {
                i.due += r.n;
                i.pending += r.n;
            }
        }
    }
    for r in &rows.findings {
        let f = &mut by.entry(key(r)).or_default().s.findings;
        f.total += r.n;
        add(&mut f.by_code, r.k.as_deref().unwrap_or(""), r.n);
        add(&mut f.by_status, r.j.as_deref().unwrap_or(""), r.n);
        if flag(r.x) {
            f.overdue += r.n;
        }
        if flag(r.y) {
            f.to_rectify += r.n;
        }
    }
    for r in &rows.rectifications {
        let acc = by.entry(key(r)).or_default();
        acc.s.rectification.accepted += r.n;
        let (Some(found), Some(done)) = (
            r.k.as_deref().and_then(Date::parse),
            r.j.as_deref().and_then(Date::parse),
        ) else {
            continue;
        };
        add_h(
            &mut acc.rect_days,
            i64::from(done.days_since(found).max(0)),
            r.n,
        );
        add_h(
            &mut acc.rect_wd,
            i64::from(cal.working_days_between(found, done).0),
            r.n,
        );
    }
    for r in &rows.referrals {
        let x = &mut by.entry(key(r)).or_default().s.referrals;
        x.total += r.n;
        if flag(r.x) {
            x.late += r.n;
        }
        add(&mut x.by_target, r.k.as_deref().unwrap_or(""), r.n);
    }
    let mut streets: BTreeMap<String, (Acc, Vec<Group>)> = BTreeMap::new();
    let mut total = Acc::default();
    for ((street, g), acc) in by {
        total.absorb(&acc);
        let e = streets.entry(street).or_default();
        e.0.absorb(&acc);
        e.1.push(Group {
            key: g,
            section: acc.finish(),
        });
    }
    let streets = streets
        .into_iter()
        .map(|(street, (acc, groups))| StreetStats {
            street,
            total: acc.finish(),
            groups,
        })
        .collect();
    (streets, total.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let h: BTreeMap<i64, i64> = [(1, 1), (2, 1), (3, 1), (4, 1)].into();
        assert_eq!(percentile(&h, 0.5), Some(2));
        assert_eq!(percentile(&h, 0.9), Some(4));
        let h: BTreeMap<i64, i64> = [(0, 9), (7, 1)].into();
        assert_eq!(percentile(&h, 0.9), Some(0));
        assert_eq!(percentile(&BTreeMap::new(), 0.5), None);
    }
}
