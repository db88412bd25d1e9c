//! Statistics (第二十一条第（二）项 "建立管理台账…定期分析总结通报"; `GET /api/v1/statistics`): filters (street for
//! accounts that cover several, the period, the grouping), the figures in tables — the source — with
//! bar and line charts drawn as inline SVG beside them (hidden from assistive technology: the tables
//! say the same), a CSV download, and a printable monthly report (A4, zh-CN) printed from the page with
//! a print stylesheet. Its words live here, not in the shared catalogue.

use super::ctx::{Ctx, spawn};
use super::form::{Input, input, on_submit, select};
use super::queue::edit;
use super::table::table;
use crate::i18n;
use anbei_core::Date;
use anbei_widget::json::Json;
use yew::prelude::*;

/// The page's words in one language.
pub struct Words {
    pub title: &'static str,
    pub intro: &'static str,
    pub street: &'static str,
    pub all_streets: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub group_by: &'static str,
    pub by_month: &'static str,
    pub by_community: &'static str,
    pub by_activity: &'static str,
    pub period: &'static str,
    pub side_by_side: &'static str,
    pub total: &'static str,
    pub group: &'static str,
    pub registrations: &'static str,
    pub high_risk: &'static str,
    pub awaiting_overdue: &'static str,
    pub answered: &'static str,
    pub late: &'static str,
    pub hours: &'static str,
    pub wdays: &'static str,
    pub ins_due: &'static str,
    pub ins_on_time: &'static str,
    pub ins_overdue: &'static str,
    pub findings: &'static str,
    pub rect_overdue: &'static str,
    pub rect_accepted: &'static str,
    pub rect_days: &'static str,
    pub referrals: &'static str,
    pub referrals_late: &'static str,
    pub by_scope: &'static str,
    pub by_status: &'static str,
    pub by_code: &'static str,
    pub by_target: &'static str,
    pub count: &'static str,
    pub chart_regs: &'static str,
    pub chart_hours: &'static str,
    pub chart_note: &'static str,
    pub nothing: &'static str,
    pub month: &'static str,
    pub report_open: &'static str,
    pub print: &'static str,
    pub median_p90: &'static str,
    pub acceptance: &'static str,
    pub inspections: &'static str,
    pub err_month: &'static str,
}

pub const ZH: Words = Words {
    title: "统计分析",
    intro: "依据《实施细则》第二十一条第（二）项建立管理台账、定期分析总结通报：登记、受理时效（3个工作日）、现场检查、发现问题、整改和转办。",
    street: "街道",
    all_streets: "全部街道（并列）",
    from: "开始日期",
    to: "结束日期",
    group_by: "分组方式",
    by_month: "按月",
    by_community: "按社区",
    by_activity: "按作业类别",
    period: "统计期间",
    side_by_side: "各街道对比",
    total: "合计",
    group: "分组",
    registrations: "登记",
    high_risk: "高风险",
    awaiting_overdue: "逾期未受理",
    answered: "已答复",
    late: "超期答复",
    hours: "答复用时（小时）",
    wdays: "答复用时（工作日）",
    ins_due: "应检查",
    ins_on_time: "按期检查",
    ins_overdue: "逾期未检查",
    findings: "发现问题",
    rect_overdue: "整改逾期",
    rect_accepted: "整改通过",
    rect_days: "整改用时（天）",
    referrals: "转办",
    referrals_late: "转办超时",
    by_scope: "按登记类别",
    by_status: "按状态",
    by_code: "发现问题（按类型）",
    by_target: "转办（按去向）",
    count: "数量",
    chart_regs: "登记数量",
    chart_hours: "答复用时中位数（小时）",
    chart_note: "图表内容与下表相同。",
    nothing: "本期间没有数据。",
    month: "月报月份",
    report_open: "生成月报",
    print: "打印月报",
    median_p90: "中位数 / 90%分位",
    acceptance: "受理时效",
    inspections: "现场检查",
    err_month: "请选择月份",
};

pub const EN: Words = Words {
    title: "Statistics",
    intro: "The management ledger's periodic analysis (Art. 21(2)): registrations, answers against the 3-working-day duty, site inspections, findings, rectification and referrals.",
    street: "Street",
    all_streets: "All streets, side by side",
    from: "From",
    to: "To",
    group_by: "Group by",
    by_month: "Month",
    by_community: "Community",
    by_activity: "Kind of work",
    period: "Period",
    side_by_side: "Streets side by side",
    total: "Total",
    group: "Group",
    registrations: "Registrations",
    high_risk: "High risk",
    awaiting_overdue: "Awaiting, overdue",
    answered: "Answered",
    late: "Answered late",
    hours: "Time to answer (hours)",
    wdays: "Time to answer (working days)",
    ins_due: "Inspections due",
    ins_on_time: "Done on time",
    ins_overdue: "Overdue",
    findings: "Findings",
    rect_overdue: "Rectification overdue",
    rect_accepted: "Rectified",
    rect_days: "Time to rectify (days)",
    referrals: "Referrals",
    referrals_late: "Referred late",
    by_scope: "By kind of registration",
    by_status: "By status",
    by_code: "Findings by kind",
    by_target: "Referrals by body",
    count: "Count",
    chart_regs: "Registrations",
    chart_hours: "Median time to answer (hours)",
    chart_note: "The chart shows the table below.",
    nothing: "Nothing in this period.",
    month: "Month of the report",
    report_open: "Make the monthly report",
    print: "Print the monthly report",
    median_p90: "median / 90th percentile",
    acceptance: "Answers",
    inspections: "Site inspections",
    err_month: "Choose a month",
};

fn words(ctx: &Ctx) -> &'static Words {
    if ctx.lang.tag() == "en" { &EN } else { &ZH }
}

/// The page's name (navigation, page title).
pub fn title(lang: anbei_widget::i18n::Lang) -> &'static str {
    if lang.tag() == "en" {
        EN.title
    } else {
        ZH.title
    }
}

fn en(ctx: &Ctx) -> bool {
    ctx.lang.tag() == "en"
}

/// The filters as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub street: String,
    pub from: String,
    pub to: String,
    pub group_by: String,
}

impl Filter {
    /// The API's address for these filters (`format=csv` for the download).
    pub fn url(&self, csv: bool) -> String {
        let mut q = vec![];
        for (k, v) in [
            ("street", &self.street),
            ("from", &self.from),
            ("to", &self.to),
            ("group_by", &self.group_by),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", js_escape(v)));
            }
        }
        if csv {
            q.push("format=csv".into());
        }
        format!("/api/v1/statistics?{}", q.join("&"))
    }
}

/// Percent-encodes what is not a plain URL character.
fn js_escape(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The first and last day of a `YYYY-MM` month.
pub fn month_bounds(m: &str) -> Option<(String, String)> {
    let first = Date::parse(&format!("{m}-01"))?;
    let (y, mo, _) = first.ymd();
    let next = if mo == 12 {
        Date::from_ymd(y + 1, 1, 1)?
    } else {
        Date::from_ymd(y, mo + 1, 1)?
    };
    Some((first.to_string(), next.add_days(-1).to_string()))
}

fn num(j: &Json, path: &[&str]) -> f64 {
    let mut v = j;
    for k in path {
        match v.get(k) {
            Some(x) => v = x,
            None => return 0.0,
        }
    }
    v.as_f64().unwrap_or(0.0)
}

fn int(j: &Json, path: &[&str]) -> String {
    format!("{}", num(j, path) as i64)
}

/// `median / p90` of a spread (`–` when nothing was measured).
fn spread(j: &Json, path: &[&str]) -> String {
    let mut v = j;
    for k in path {
        match v.get(k) {
            Some(x) => v = x,
            None => return "–".into(),
        }
    }
    if v.is_null() {
        return "–".into();
    }
    format!(
        "{} / {}",
        anbei_widget::json::num_text(num(v, &["median"])),
        anbei_widget::json::num_text(num(v, &["p90"]))
    )
}

fn label(j: &Json, ctx: &Ctx) -> String {
    let l = if en(ctx) { "en" } else { "zh" };
    j.get(l)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

fn date_words(d: &str, ctx: &Ctx) -> String {
    match Date::parse(d) {
        Some(x) if en(ctx) => x.words_en(),
        Some(x) => x.words_zh(),
        None => d.to_string(),
    }
}

/// One row of the figures table: label, then the numbers people compare.
fn figures_row(name: Html, x: &Json, strong: bool) -> Html {
    let cells = [
        int(x, &["registrations", "total"]),
        int(x, &["registrations", "high_risk"]),
        int(x, &["acceptance", "awaiting_overdue"]),
        int(x, &["acceptance", "answered"]),
        int(x, &["acceptance", "late"]),
        spread(x, &["acceptance", "hours"]),
        spread(x, &["acceptance", "working_days"]),
        int(x, &["inspections", "due"]),
        int(x, &["inspections", "done_on_time"]),
        int(x, &["inspections", "overdue"]),
        int(x, &["findings", "total"]),
        int(x, &["findings", "overdue"]),
        int(x, &["rectification", "accepted"]),
        spread(x, &["rectification", "days"]),
        int(x, &["referrals", "total"]),
        int(x, &["referrals", "late"]),
    ];
    html! {
        <tr class={classes!(strong.then_some("cn-total"))}>
            <th scope="row">{ name }</th>
            { for cells.into_iter().map(|c| html! { <td class="cn-num">{ c }</td> }) }
        </tr>
    }
}

fn figures_head(w: &Words, first: &'static str) -> Vec<&'static str> {
    vec![
        first,
        w.registrations,
        w.high_risk,
        w.awaiting_overdue,
        w.answered,
        w.late,
        w.hours,
        w.wdays,
        w.ins_due,
        w.ins_on_time,
        w.ins_overdue,
        w.findings,
        w.rect_overdue,
        w.rect_accepted,
        w.rect_days,
        w.referrals,
        w.referrals_late,
    ]
}

/// An SVG coordinate, whole (no float formatter in the bundle: `anbei_widget::json::num_text`).
fn px(v: f64) -> String {
    format!("{}", v.round() as i64)
}

/// Vertical bars of `values` (labels under them), scaled to the largest; decorative.
pub fn bars(values: &[(String, f64)], title: &str) -> Html {
    let (w, h, pad) = (640.0_f64, 200.0_f64, 24.0_f64);
    let max = values.iter().map(|v| v.1).fold(0.0, f64::max).max(1.0);
    let n = values.len().max(1) as f64;
    let slot = (w - 2.0 * pad) / n;
    let bw = (slot * 0.7).max(2.0);
    html! {
        <figure class="cn-chart" aria-hidden="true">
            <figcaption>{ title.to_string() }</figcaption>
            <svg viewBox={format!("0 0 {} {}", px(w), px(h + 40.0))} width="100%" role="presentation" focusable="false">
                <line x1={px(pad)} y1={px(h)} x2={px(w - pad)} y2={px(h)} class="cn-axis" />
                { for values.iter().enumerate().map(|(i, (l, v))| {
                    let bh = (v / max) * (h - 20.0);
                    let x = pad + slot * i as f64 + (slot - bw) / 2.0;
                    html! { <g>
                        <rect x={px(x)} y={px(h - bh)} width={px(bw)} height={px(bh)} class="cn-bar" />
                        <text x={px(x + bw / 2.0)} y={px(h - bh - 4.0)} text-anchor="middle" class="cn-val">{ anbei_widget::json::num_text(*v) }</text>
                        <text x={px(x + bw / 2.0)} y={px(h + 16.0)} text-anchor="middle" class="cn-lab">{ l.clone() }</text>
                    </g> }
                }) }
            </svg>
        </figure>
    }
}

/// A line through `values` (gaps where a value is missing), scaled to the largest; decorative.
pub fn line(values: &[(String, Option<f64>)], title: &str) -> Html {
    let (w, h, pad) = (640.0_f64, 200.0_f64, 24.0_f64);
    let max = values
        .iter()
        .filter_map(|v| v.1)
        .fold(0.0, f64::max)
        .max(1.0);
    let n = values.len().max(1) as f64;
    let slot = (w - 2.0 * pad) / n;
    let pt = |i: usize, v: f64| {
        (
            pad + slot * i as f64 + slot / 2.0,
            h - (v / max) * (h - 20.0),
        )
    };
    let mut path = String::new();
    let mut pen_up = true;
    for (i, (_, v)) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = pt(i, *v);
                path.push_str(&format!(
                    "{}{},{} ",
                    if pen_up { "M" } else { "L" },
                    px(x),
                    px(y)
                ));
                pen_up = false;
            }
            None => pen_up = true,
        }
    }
    html! {
        <figure class="cn-chart" aria-hidden="true">
            <figcaption>{ title.to_string() }</figcaption>
            <svg viewBox={format!("0 0 {} {}", px(w), px(h + 40.0))} width="100%" role="presentation" focusable="false">
                <line x1={px(pad)} y1={px(h)} x2={px(w - pad)} y2={px(h)} class="cn-axis" />
                <path d={path} class="cn-line" fill="none" />
                { for values.iter().enumerate().map(|(i, (l, v))| {
                    let x = pt(i, 0.0).0;
                    html! { <g>
                        if let Some(v) = v {
                            <circle cx={px(x)} cy={px(pt(i, *v).1)} r="4" class="cn-dot" />
                            <text x={px(x)} y={px(pt(i, *v).1 - 8.0)} text-anchor="middle" class="cn-val">{ anbei_widget::json::num_text(*v) }</text>
                        }
                        <text x={px(x)} y={px(h + 16.0)} text-anchor="middle" class="cn-lab">{ l.clone() }</text>
                    </g> }
                }) }
            </svg>
        </figure>
    }
}

/// The charts and tables of one street.
fn street_section(ctx: &Ctx, w: &Words, st: &Json, labels: &Json, idx: usize) -> Html {
    let name = label(st.get("name").unwrap_or(&Json::Null), ctx);
    let groups: Vec<&Json> = match st.get("groups") {
        Some(Json::Arr(a)) => a.iter().collect(),
        _ => vec![],
    };
    let glabel = |g: &Json| label(g.get("label").unwrap_or(&Json::Null), ctx);
    let regs: Vec<(String, f64)> = groups
        .iter()
        .map(|g| (glabel(g), num(g, &["registrations", "total"])))
        .collect();
    let hours: Vec<(String, Option<f64>)> = groups
        .iter()
        .map(|g| {
            let v = g.get("acceptance").and_then(|a| a.get("hours"));
            (
                glabel(g),
                v.filter(|v| !v.is_null()).map(|v| num(v, &["median"])),
            )
        })
        .collect();
    let total = st.get("total").unwrap_or(&Json::Null);
    let rows = html! {
        <>
            { for groups.iter().map(|g| figures_row(html! { glabel(g) }, g, false)) }
            { figures_row(html! { w.total }, total, true) }
        </>
    };
    let breakdown = |key: &[&str], caption: &str, id: String, status: bool| {
        let mut v = total;
        for k in key {
            v = v.get(k).unwrap_or(&Json::Null);
        }
        let Json::Obj(items) = v else { return html! {} };
        if items.is_empty() {
            return html! {};
        }
        let rows = items
            .iter()
            .map(|(k, n)| {
                let name = if status {
                    i18n::status(ctx.c(), k)
                } else {
                    labels
                        .get(k)
                        .map(|l| label(l, ctx))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| i18n::code_title(ctx.engine(), k, ctx.lang))
                };
                html! { <tr><th scope="row">{ name }</th><td class="cn-num">{ anbei_widget::json::num_text(n.as_f64().unwrap_or(0.0)) }</td></tr> }
            })
            .collect::<Html>();
        table(&id, caption, &[caption, w.count], rows)
    };
    html! {
        <section class="cn-stats-street" aria-labelledby={format!("st-{idx}")}>
            <h2 id={format!("st-{idx}")}>{ name }</h2>
            <div class="cn-charts">
                { bars(&regs, w.chart_regs) }
                { line(&hours, w.chart_hours) }
            </div>
            <p class="cn-hint">{ w.chart_note }</p>
            { table(&format!("st-{idx}-groups"), &format!("{} · {}", name_of(st, ctx), w.median_p90), &figures_head(w, w.group), rows) }
            <div class="cn-breakdowns">
                { breakdown(&["registrations", "by_scope"], w.by_scope, format!("st-{idx}-scope"), false) }
                { breakdown(&["registrations", "by_status"], w.by_status, format!("st-{idx}-status"), true) }
                { breakdown(&["findings", "by_code"], w.by_code, format!("st-{idx}-codes"), false) }
                { breakdown(&["referrals", "by_target"], w.by_target, format!("st-{idx}-targets"), false) }
            </div>
        </section>
    }
}

fn name_of(st: &Json, ctx: &Ctx) -> String {
    label(st.get("name").unwrap_or(&Json::Null), ctx)
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

#[function_component(Statistics)]
pub fn statistics(p: &Props) -> Html {
    let ctx = &p.ctx;
    let w = words(ctx);
    let many_streets = ctx.account.as_ref().is_some_and(|a| a.street.is_none());
    let applied = use_state(|| Filter {
        group_by: "month".into(),
        ..Filter::default()
    });
    let draft = use_state(|| (*applied).clone());
    let data = use_state(|| None::<Json>);
    let loading = use_state(|| true);
    let error = use_state(String::new);
    let month = use_state(String::new);
    let month_error = use_state(|| None::<String>);
    let report = use_state(|| None::<Json>);
    {
        let (ctx, data, loading, error) =
            (ctx.clone(), data.clone(), loading.clone(), error.clone());
        use_effect_with((*applied).clone(), move |f| {
            let url = f.url(false);
            loading.set(true);
            spawn(async move {
                let r = ctx.get(&url).await;
                loading.set(false);
                match r {
                    Ok(j) => {
                        data.set(Some(j));
                        error.set(String::new());
                    }
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        });
    }
    let apply = {
        let (applied, draft) = (applied.clone(), draft.clone());
        on_submit(move || applied.set((*draft).clone()))
    };
    let make_report = {
        let (ctx, month, month_error, report, applied, error) = (
            ctx.clone(),
            month.clone(),
            month_error.clone(),
            report.clone(),
            applied.clone(),
            error.clone(),
        );
        on_submit(move || {
            let Some((from, to)) = month_bounds(&month) else {
                month_error.set(Some(words(&ctx).err_month.to_string()));
                return;
            };
            month_error.set(None);
            let f = Filter {
                street: applied.street.clone(),
                from,
                to,
                group_by: "community".into(),
            };
            let (ctx, report, error) = (ctx.clone(), report.clone(), error.clone());
            spawn(async move {
                match ctx.get(&f.url(false)).await {
                    Ok(j) => report.set(Some(j)),
                    Err(f) => error.set(ctx.fail_text(&f)),
                }
            });
        })
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(win) = web_sys::window() {
            let _ = win.print();
        }
    });
    let mut street_options = vec![(String::new(), w.all_streets.to_string())];
    street_options.extend(ctx.engine().streets().iter().map(|s| {
        (
            s.code.clone(),
            i18n::street_name(ctx.engine(), &s.code, ctx.lang),
        )
    }));
    let group_options = vec![
        ("month".to_string(), w.by_month.to_string()),
        ("community".to_string(), w.by_community.to_string()),
        ("activity".to_string(), w.by_activity.to_string()),
    ];
    let body = data.as_ref().map(|d| {
        let streets: Vec<&Json> = match d.get("streets") {
            Some(Json::Arr(a)) => a.iter().collect(),
            _ => vec![],
        };
        let labels = d.get("labels").cloned().unwrap_or_default();
        let period = format!(
            "{}：{} – {}",
            w.period,
            date_words(d.str_at("from"), ctx),
            date_words(d.str_at("to"), ctx)
        );
        let side = (streets.len() > 1).then(|| {
            let rows = html! {
                <>
                    { for streets.iter().map(|s| figures_row(html! { name_of(s, ctx) }, s.get("total").unwrap_or(&Json::Null), false)) }
                    { figures_row(html! { w.total }, d.get("total").unwrap_or(&Json::Null), true) }
                </>
            };
            let regs: Vec<(String, f64)> = streets
                .iter()
                .map(|s| (name_of(s, ctx).trim_end_matches("街道").to_string(), num(s, &["total", "registrations", "total"])))
                .collect();
            html! {
                <section aria-labelledby="st-side">
                    <h2 id="st-side">{ w.side_by_side }</h2>
                    { bars(&regs, w.chart_regs) }
                    { table("st-side-table", w.side_by_side, &figures_head(w, w.street), rows) }
                </section>
            }
        });
        html! {
            <>
                <p class="cn-period">{ period }</p>
                if streets.is_empty() { <p>{ w.nothing }</p> }
                { for side }
                { for streets.iter().enumerate().map(|(i, s)| street_section(ctx, w, s, &labels, i)) }
            </>
        }
    });
    html! {
        <section aria-labelledby="cn-h1" class="cn-stats">
            <style>{ STYLE }</style>
            <h1 id="cn-h1" tabindex="-1">{ w.title }</h1>
            <p>{ w.intro }</p>
            <form class="cn-filters" onsubmit={apply} novalidate=true>
                <fieldset>
                    <legend>{ ctx.c().filters }</legend>
                    <div class="cn-filter-grid">
                        if many_streets {
                            { select("s-street", w.street, &draft.street, street_options, edit(&draft, |f, v| f.street = v), None) }
                        }
                        { input(Input::new("s-from", w.from, &draft.from, edit(&draft, |f, v| f.from = v)).kind("date")) }
                        { input(Input::new("s-to", w.to, &draft.to, edit(&draft, |f, v| f.to = v)).kind("date")) }
                        { select("s-group", w.group_by, &draft.group_by, group_options, edit(&draft, |f, v| f.group_by = v), None) }
                    </div>
                    <div class="cn-actions">
                        <button type="submit" class="cn-btn cn-primary">{ ctx.c().apply }</button>
                    </div>
                </fieldset>
            </form>
            <p><a class="cn-download" href={applied.url(true)} download="">{ ctx.c().download_csv }</a></p>
            if !error.is_empty() { <p class="cn-error" role="alert">{ (*error).clone() }</p> }
            if *loading { <p role="status">{ ctx.c().loading }</p> }
            { for body }
            <form class="cn-filters cn-noprint" onsubmit={make_report} novalidate=true>
                <fieldset>
                    <legend>{ w.report_open }</legend>
                    <div class="cn-filter-grid">
                        { input(Input { error: (*month_error).clone(), ..Input::new("s-month", w.month, &month, { let m = month.clone(); Callback::from(move |v: String| m.set(v)) }).kind("month") }) }
                    </div>
                    <div class="cn-actions">
                        <button type="submit" class="cn-btn cn-secondary">{ w.report_open }</button>
                        if report.is_some() {
                            <button type="button" class="cn-btn cn-primary" onclick={print}>{ w.print }</button>
                        }
                    </div>
                </fieldset>
            </form>
            if let Some(r) = report.as_ref() { { monthly_report(r, &month, ctx) } }
        </section>
    }
}

/// The printable monthly report (A4, zh-CN whatever the console's language: it is filed and
/// circulated, 第二十一条第（二）项 "通报"): one per street in the answer, by community.
fn monthly_report(r: &Json, month: &str, ctx: &Ctx) -> Html {
    let w = &ZH;
    let zh_ctx = Ctx {
        lang: anbei_widget::i18n::Lang::from_tag("zh-CN"),
        ..ctx.clone()
    };
    let (y, m) = month.split_once('-').unwrap_or((month, ""));
    let m = m.trim_start_matches('0');
    let streets: Vec<&Json> = match r.get("streets") {
        Some(Json::Arr(a)) => a.iter().collect(),
        _ => vec![],
    };
    let one = |name: String, st: &Json, i: usize| {
        let total = st.get("total").unwrap_or(&Json::Null);
        let groups: Vec<&Json> = match st.get("groups") {
            Some(Json::Arr(a)) => a.iter().collect(),
            _ => vec![],
        };
        let rows = html! {
            <>
                { for groups.iter().map(|g| figures_row(html! { label(g.get("label").unwrap_or(&Json::Null), &zh_ctx) }, g, false)) }
                { figures_row(html! { w.total }, total, true) }
            </>
        };
        html! {
            <article class="cn-report-page">
                <h2>{ format!("龙岗区{name}限额以下小型工程和零星作业安全生产纳管月报（{y}年{m}月）") }</h2>
                <p>{ format!("统计期间：{} 至 {}；依据《深圳市龙岗区限额以下小型工程和零星作业安全生产纳管实施细则》第二十一条第（二）项。",
                    date_words(r.str_at("from"), &zh_ctx), date_words(r.str_at("to"), &zh_ctx)) }</p>
                <ul class="cn-report-list">
                    <li>{ format!("登记 {} 件，其中高风险 {} 件；待受理 {} 件（逾期 {} 件）。", int(total, &["registrations", "total"]), int(total, &["registrations", "high_risk"]), int(total, &["acceptance", "awaiting"]), int(total, &["acceptance", "awaiting_overdue"])) }</li>
                    <li>{ format!("{}：已答复 {} 件，超期 {} 件；用时中位数 / 90%分位 {} 小时，{} 个工作日。", w.acceptance, int(total, &["acceptance", "answered"]), int(total, &["acceptance", "late"]), spread(total, &["acceptance", "hours"]), spread(total, &["acceptance", "working_days"])) }</li>
                    <li>{ format!("{}：应检查 {} 次，按期 {} 次，逾期完成 {} 次，逾期未检查 {} 次。", w.inspections, int(total, &["inspections", "due"]), int(total, &["inspections", "done_on_time"]), int(total, &["inspections", "done_late"]), int(total, &["inspections", "overdue"])) }</li>
                    <li>{ format!("发现问题 {} 项，整改逾期 {} 项，整改通过 {} 项；转办 {} 件（超时 {} 件）。", int(total, &["findings", "total"]), int(total, &["findings", "overdue"]), int(total, &["rectification", "accepted"]), int(total, &["referrals", "total"]), int(total, &["referrals", "late"])) }</li>
                </ul>
                { table(&format!("rp-{i}"), &format!("{name}分社区情况"), &figures_head(w, "社区"), rows) }
            </article>
        }
    };
    html! {
        <div class="cn-report" aria-label="月报">
            if streets.is_empty() { <p>{ w.nothing }</p> }
            { for streets.iter().enumerate().map(|(i, s)| one(name_of(s, &zh_ctx), s, i)) }
        </div>
    }
}

/// The page's own styles: charts, and printing only the monthly report on A4.
const STYLE: &str = "
.cn-charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1rem}
.cn-chart{margin:0}.cn-chart figcaption{font-weight:600;margin:.25rem 0}
.cn-chart .cn-bar{fill:#1d5fa8}.cn-chart .cn-line{stroke:#b5472a;stroke-width:2.5}.cn-chart .cn-dot{fill:#b5472a}
.cn-chart .cn-axis{stroke:#555}.cn-chart text{font-size:12px;fill:#222}
.cn-num{text-align:right;font-variant-numeric:tabular-nums}
.cn-total th,.cn-total td{font-weight:700;border-top:2px solid #333}
.cn-breakdowns{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.cn-period{font-weight:600}
.cn-report{margin-top:1.5rem;border-top:1px solid #999;padding-top:1rem}
.cn-report-page h2{font-size:1.2rem;text-align:center}
@media print{
 @page{size:A4;margin:15mm}
 body *{visibility:hidden}
 .cn-report,.cn-report *{visibility:visible}
 .cn-report{position:absolute;left:0;top:0;width:100%;border:0;margin:0;padding:0}
 .cn-report-page{break-after:page;font-size:10pt}
 .cn-report .cn-table-wrap{overflow:visible}
 .cn-report table{font-size:8pt}
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_bounds_cover_the_whole_month() {
        assert_eq!(
            month_bounds("2026-11"),
            Some(("2026-11-01".into(), "2026-11-30".into()))
        );
        assert_eq!(
            month_bounds("2026-12"),
            Some(("2026-12-01".into(), "2026-12-31".into()))
        );
        assert_eq!(
            month_bounds("2028-02").map(|b| b.1),
            Some("2028-02-29".into())
        );
        assert_eq!(month_bounds("2026-13"), None);
        assert_eq!(month_bounds(""), None);
    }

    #[test]
    fn the_url_sends_only_what_is_set() {
        let f = Filter {
            street: String::new(),
            from: "2026-11-01".into(),
            to: String::new(),
            group_by: "month".into(),
        };
        assert_eq!(
            f.url(false),
            "/api/v1/statistics?from=2026-11-01&group_by=month"
        );
        assert!(f.url(true).ends_with("&format=csv"));
    }

    #[test]
    fn both_languages_say_every_word() {
        for w in [&ZH, &EN] {
            for t in [w.title, w.intro, w.print, w.err_month, w.chart_note] {
                assert!(!t.is_empty());
            }
        }
    }
}
