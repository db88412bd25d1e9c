//! rules.md §3.7 — deadlines, in calendar and working days (Asia/Shanghai). Day counts are the rule set's
//! parameters; working days come from the State Council holiday tables (`data/calendars/`). A count that
//! touches a year without a table counts Monday–Friday there and says so (`calendar_provisional`).

use super::Cx;
use crate::date::Date;
use crate::facts::{Fact, Facts, Value};
use crate::result::{Assessment, Note};
use crate::text::filled;

/// In scope only. F = the filing date, R = the registration date (`registered_date`, or F).
///
/// - `acceptance_due` = F + `acceptance_working_days` — 依据：第二十七条第（二）项 "原则上应在3个工作日内受理反馈"
/// - `inspection_due` (high risk) = R + `inspection_working_days` — 依据：第三十二条第（一）项 "高风险小型工程办理
///   安全生产信息登记后，街道办事处应于3个工作日内组织开展现场检查"
/// - `valid_until` = R + `validity_months` (the month's last day if there is no such day; not moved for
///   holidays) — 依据：第二十五条 "信息登记有效期限为6个月"
/// - `extension_window_start` = `valid_until` − (`extension_window_days` − 1) — 依据：第二十五条 "应在逾期前
///   15日内申请延期"
/// - `cancellation_due` = completion + `cancellation_working_days` — 依据：第三十三条 "应当在完工后3个工作日内
///   及时申报注销"
pub(crate) fn decide<'e>(cx: &Cx<'e>, a: &mut Assessment<'e>, facts: &Facts) {
    if !cx.in_scope().is_true() {
        return;
    }
    let p = cx.p();
    let cal = &cx.e.calendar;
    let f_date = facts.filing_date;
    let r_date = match cx.v[Fact::registered_date as usize] {
        Some(Value::Date(d)) => d,
        _ => f_date,
    };
    let mut provisional_years: Vec<i32> = Vec::new();
    let mut count = |from: Date, n: u32| -> Date {
        let c = cal.add_working_days(from, n);
        if c.provisional {
            let mut d = from;
            while d < c.date {
                d = d.add_days(1);
                if cal.is_working_day(d).1 && !provisional_years.contains(&d.year()) {
                    provisional_years.push(d.year());
                }
            }
        }
        c.date
    };
    let dl = &mut a.deadlines;
    dl.acceptance_due = Some(count(f_date, p.acceptance_working_days));
    if cx.hr.is_true() {
        dl.inspection_due = Some(count(r_date, p.inspection_working_days));
    }
    if let Some(Value::Date(c)) = cx.v[Fact::completion_date as usize] {
        dl.cancellation_due = Some(count(c, p.cancellation_working_days));
    }
    let valid = r_date.add_months_clamped(p.validity_months);
    dl.valid_until = Some(valid);
    dl.extension_window_start = Some(valid.add_days(1 - p.extension_window_days as i32));
    dl.calendar_provisional = !provisional_years.is_empty();
    if dl.calendar_provisional {
        if let Some(t) = cx.rs.texts.notes.get("N_CALENDAR_PROVISIONAL") {
            let years = provisional_years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            a.notes.push(Note {
                code: "N_CALENDAR_PROVISIONAL",
                text: filled(t, &[("years", &years)], &[("years", &years)]),
            });
        }
    }
}
