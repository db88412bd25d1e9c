//! `GET /api/v1/statistics` (第二十一条第（二）项 "建立管理台账…定期分析总结通报"; rules.md §10): the figures of
//! one period for the account's scope — the district's administrators every street side by side, an
//! officer its street, a community its community, a property company its areas, a department its works
//! (the same [`Officer::coverage`] as the queue and the ledger); patrols none. JSON, or CSV with
//! `format=csv`. Every read is audited.

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, ApiQuery, FieldProblem, Msg};
use crate::lifecycle::Role;
use crate::messages::Key;
use crate::routes::registrations::ledger::csv_field;
use crate::routes::{Routes, given};
use crate::statistics::{Section, Spread, StreetStats, fold};
use crate::store::stats::{GroupBy, StatsFilter};
use anbei_core::Date;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/statistics", statistics)
}

/// The longest period one request may ask for (two years and a leap day).
pub const MAX_DAYS: i32 = 731;

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct StatsQuery {
    /// A street (admins and departments: omitted — every street side by side; others: their own).
    pub street: Option<String>,
    /// First day, YYYY-MM-DD (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: today). At most 731 days after `from`.
    pub to: Option<String>,
    /// `month` (default), `community` or `activity`.
    pub group_by: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// A name in both languages.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Label {
    pub zh: String,
    pub en: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupOut {
    /// `2026-11`, a community's name, or an activity code (`''`: work found without registration).
    pub key: String,
    pub label: Label,
    #[serde(flatten)]
    pub section: Section,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StreetOut {
    pub street: String,
    pub name: Label,
    pub total: Section,
    pub groups: Vec<GroupOut>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub from: String,
    pub to: String,
    pub group_by: String,
    /// What "overdue" is measured against.
    pub today: String,
    /// Each street in the account's scope with anything in the period, by code.
    pub streets: Vec<StreetOut>,
    /// Over every street answered.
    pub total: Section,
    /// What each code in the figures (scope, inspection kind, finding, referral target) is called.
    pub labels: BTreeMap<String, Label>,
}

/// 403 for statistics asked outside the account's scope, naming the scope: its street, community,
/// property areas and department (§10), in words where the data has them.
fn outside_scope(s: &AppState, o: &crate::auth::Officer) -> ApiError {
    let sc = &o.scope;
    let street = sc.street.as_deref().map(|c| {
        s.engine
            .streets()
            .iter()
            .find(|x| x.code == c)
            .map_or((c.to_owned(), c.to_owned()), |x| {
                (x.name.zh.clone(), x.name.en.clone())
            })
    });
    let dept = sc.department.as_deref().map(str::trim).map(|d| {
        crate::inspections::department_name(s, d)
            .map_or((d.to_owned(), d.to_owned()), |m| (m.zh, m.en))
    });
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if let Some((z, e)) = street {
        zh.push(z);
        en.push(e);
    }
    if let Some(c) = &sc.community {
        zh.push(format!("{c}社区"));
        en.push(format!("community {c}"));
    }
    if let Some(a) = &sc.areas {
        let a = a.trim_matches('|').replace('|', ", ");
        zh.push(format!("物业管理区域 {a}"));
        en.push(format!("property areas {a}"));
    }
    if let Some((z, e)) = dept {
        zh.push(format!("{z}主管的工程"));
        en.push(format!("the works of {e}"));
    }
    let (zh, en) = (zh.join("、"), en.join(", "));
    ApiError::Forbidden {
        msg: crate::error::Msg::each(|l| {
            l.fill(
                Key::StatsOutsideScope,
                &[(
                    "scope",
                    &match l {
                        crate::messages::Lang::ZhCn => zh.as_str(),
                        crate::messages::Lang::En => en.as_str(),
                    },
                )],
            )
        }),
    }
}

/// The statistics of a period for this account's scope (not for patrols).
#[utoipa::path(get, path = "/api/v1/statistics", tag = "officers", params(StatsQuery),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = Statistics, description = "JSON, or CSV with format=csv (one line per street and group, then each street's total)"),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn statistics(
    State(s): State<AppState>,
    o: Officer,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Response, ApiError> {
    if o.role == Role::Patrol {
        return Err(ApiError::forbidden(Key::NotPermittedStatistics));
    }
    let street = o
        .listing_street(given(&q.street))
        .map_err(|_| outside_scope(&s, &o))?;
    let today = s.today();
    let mut problems = Vec::new();
    if let Some(st) = &street
        && s.engine.street_index(st).is_none()
    {
        let known: Vec<&str> = s.engine.streets().iter().map(|x| x.code.as_str()).collect();
        problems.push(FieldProblem::msg(
            "street",
            "code",
            Msg::with(Key::UnknownStreet, &[("streets", &known.join(", "))]),
        ));
    }
    problems.extend(crate::routes::date_bounds(&q.from, &q.to));
    let from = given(&q.from)
        .and_then(|d| Date::parse(&d))
        .unwrap_or_else(|| Date::from_ymd(today.year(), 1, 1).unwrap_or(today));
    let to = given(&q.to).and_then(|d| Date::parse(&d)).unwrap_or(today);
    if problems.is_empty() {
        if from > to {
            problems.push(FieldProblem::msg(
                "from",
                "order",
                Msg::of(Key::StatsPeriodOrder),
            ));
        } else if to.days_since(from) > MAX_DAYS {
            problems.push(FieldProblem::msg(
                "to",
                "length",
                Msg::with(Key::StatsPeriodLength, &[("days", &MAX_DAYS)]),
            ));
        }
    }
    let group_by = match given(&q.group_by) {
        None => Some(GroupBy::Month),
        Some(g) => GroupBy::parse(&g),
    };
    if group_by.is_none() {
        problems.push(FieldProblem::msg(
            "group_by",
            "code",
            Msg::of(Key::StatsGroupBy),
        ));
    }
    let csv = match given(&q.format).as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            problems.push(FieldProblem::msg(
                "format",
                "code",
                Msg::of(Key::StatsFormat),
            ));
            false
        }
    };
    let (Some(group_by), true) = (group_by, problems.is_empty()) else {
        return Err(ApiError::invalid_request(problems));
    };
    let mut cover = o.coverage();
    cover.street = street;
    let filter = StatsFilter {
        cover,
        from: from.to_string(),
        to: to.to_string(),
        today: today.to_string(),
        group_by,
    };
    let what = format!(
        "street={} from={from} to={to} group_by={}{}",
        filter.cover.street.as_deref().unwrap_or("*"),
        group_by.as_str(),
        if csv { " format=csv" } else { "" }
    );
    let rows = s.store.statistics(filter).await?;
    o.record(
        &s,
        if csv {
            "statistics_exported"
        } else {
            "statistics_read"
        },
        "statistics",
        Some(what),
    )
    .await?;
    let (streets, total) = fold(&rows, s.engine.calendar());
    let labels = labels(&s, today, &total);
    let out = Statistics {
        from: from.to_string(),
        to: to.to_string(),
        group_by: group_by.as_str().to_owned(),
        today: today.to_string(),
        streets: streets
            .into_iter()
            .map(|st| street_out(&s, group_by, today, st))
            .collect(),
        total,
        labels,
    };
    if csv {
        let name = format!("statistics-{from}-{to}.csv");
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            to_csv(&out),
        )
            .into_response());
    }
    Ok(Json(out).into_response())
}

fn street_out(s: &AppState, by: GroupBy, today: Date, st: StreetStats) -> StreetOut {
    let name = s
        .engine
        .street_index(&st.street)
        .and_then(|i| s.engine.streets().get(i))
        .map_or_else(
            || Label {
                zh: st.street.clone(),
                en: st.street.clone(),
            },
            |x| Label {
                zh: x.name.zh.clone(),
                en: x.name.en.clone(),
            },
        );
    let activities = &s.engine.ruleset_for(today).file.activities;
    StreetOut {
        name,
        total: st.total,
        groups: st
            .groups
            .into_iter()
            .map(|g| GroupOut {
                label: label(by, &g.key, activities),
                key: g.key,
                section: g.section,
            })
            .collect(),
        street: st.street,
    }
}

/// The names of the codes `total` counts by: §3.1 scopes from the rule data, §9 codes from its wording.
fn labels(s: &AppState, today: Date, total: &Section) -> BTreeMap<String, Label> {
    let view = s.engine.ruleset_view_with_manage(today).ok();
    let manage = view.as_ref().and_then(|v| v.manage.as_ref());
    let keys = total
        .registrations
        .by_scope
        .keys()
        .chain(total.inspections.by_kind.keys())
        .chain(total.findings.by_code.keys())
        .chain(total.referrals.by_target.keys());
    let mut out = BTreeMap::new();
    for k in keys {
        let title = anbei_core::Code::from_str(k)
            .map(|c| &s.engine.code_text(c).title)
            .or_else(|| {
                manage
                    .and_then(|m| m.manage_codes.get(k.as_str()))
                    .map(|t| &t.title)
            });
        if let Some(t) = title {
            out.insert(
                k.clone(),
                Label {
                    zh: t.zh.clone(),
                    en: t.en.clone(),
                },
            );
        }
    }
    out
}

/// A group's name as people read it: 2026年11月 / November 2026, the community, the activity's name.
fn label(by: GroupBy, key: &str, activities: &[anbei_core::model::Activity]) -> Label {
    match by {
        GroupBy::Month => {
            let (y, m) = key.split_once('-').unwrap_or((key, "0"));
            let m: u32 = m.parse().unwrap_or(0);
            Label {
                zh: format!("{y}年{m}月"),
                en: format!("{} {y}", anbei_core::date::month_en(m)),
            }
        }
        // work found unregistered without its community, or a filing without one: named, not blank
        GroupBy::Community if key.is_empty() => Label {
            zh: "未注明社区".into(),
            en: "No community given".into(),
        },
        GroupBy::Community => Label {
            zh: key.to_owned(),
            en: key.to_owned(),
        },
        GroupBy::Activity => match activities.iter().find(|a| a.code == key) {
            Some(a) => Label {
                zh: a.name.zh.clone(),
                en: a.name.en.clone(),
            },
            None if key.is_empty() => Label {
                zh: "未登记作业".into(),
                en: "Work found unregistered".into(),
            },
            None => Label {
                zh: key.to_owned(),
                en: key.to_owned(),
            },
        },
    }
}

/// The CSV's header: Chinese and English name of each column, like the ledger's.
pub const CSV_HEADER: &str = "街道 street,分组 group,登记 registrations,高风险 high_risk,小型工程 small_project,\
零星作业 sporadic_work,参照管理 reference_managed,待受理 awaiting,逾期未受理 awaiting_overdue,已受理答复 answered,\
超期答复 answered_late,答复用时中位数(小时) hours_median,答复用时P90(小时) hours_p90,\
答复工作日中位数 working_days_median,答复工作日P90 working_days_p90,应检查 inspections_due,按期检查 done_on_time,\
逾期检查 done_late,逾期未检查 inspections_overdue,未到期 inspections_pending,巡查等其他检查 unscheduled,\
发现问题 findings,须整改 to_rectify,整改逾期 rectification_overdue,整改通过 rectified,\
整改天数中位数 rectification_days_median,整改天数P90 rectification_days_p90,移交 referrals,移交超时 referrals_late\r\n";

fn to_csv(s: &Statistics) -> String {
    let mut out = String::from('\u{feff}');
    out.push_str(CSV_HEADER);
    for st in &s.streets {
        for g in &st.groups {
            csv_line(&mut out, &st.name.zh, &g.label.zh, &g.section);
        }
        csv_line(&mut out, &st.name.zh, "合计 total", &st.total);
    }
    out
}

fn csv_line(out: &mut String, street: &str, group: &str, x: &Section) {
    let sc = |k: &str| {
        x.registrations
            .by_scope
            .get(k)
            .copied()
            .unwrap_or(0)
            .to_string()
    };
    let sp = |v: Option<Spread>, median: bool| {
        v.map(|v| if median { v.median } else { v.p90 }.to_string())
            .unwrap_or_default()
    };
    let (a, i, f, r) = (&x.acceptance, &x.inspections, &x.findings, &x.rectification);
    let fields = [
        street.to_owned(),
        group.to_owned(),
        x.registrations.total.to_string(),
        x.registrations.high_risk.to_string(),
        sc("SMALL_PROJECT"),
        sc("SPORADIC_WORK"),
        sc("REFERENCE_MANAGED"),
        a.awaiting.to_string(),
        a.awaiting_overdue.to_string(),
        a.answered.to_string(),
        a.late.to_string(),
        sp(a.hours, true),
        sp(a.hours, false),
        sp(a.working_days, true),
        sp(a.working_days, false),
        i.due.to_string(),
        i.done_on_time.to_string(),
        i.done_late.to_string(),
        i.overdue.to_string(),
        i.pending.to_string(),
        i.unscheduled.to_string(),
        f.total.to_string(),
        f.to_rectify.to_string(),
        f.overdue.to_string(),
        r.accepted.to_string(),
        sp(r.days, true),
        sp(r.days, false),
        x.referrals.total.to_string(),
        x.referrals.late.to_string(),
    ];
    for (n, v) in fields.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        csv_field(out, v);
    }
    out.push_str("\r\n");
}
