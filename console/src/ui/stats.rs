//! Statistics (第二十一条第（二）项 "建立管理台账…定期分析总结通报"; `GET /api/v1/statistics`): filters (street for
//! accounts that cover several, the period, the grouping), the figures in tables — the source — with
//! bar and line charts drawn as inline SVG beside them (hidden from assistive technology: the tables
//! say the same), a CSV download, and a printable monthly report (A4, zh-CN) printed from the page with
//! a print stylesheet. Its words live here, not in the shared catalogue.

use super::ctx::{Ctx, spawn};
use super::form::{Input, input, on_submit, select};
use super::queue::edit;
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
    pub report_open: &'static str,
    pub print: &'static str,
    pub median_p90: &'static str,
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
    report_open: "生成月报：",
    print: "打印月报",
    median_p90: "中位数 / 90%分位",
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
    report_open: "Make the monthly report: ",
    print: "Print the monthly report",
    median_p90: "median / 90th percentile",
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

/// `2026-11` as 2026年11月 / November 2026.
fn month_words(m: &str, ctx: &Ctx) -> String {
    let Some(d) = Date::parse(&format!("{m}-01")) else {
        return String::new();
    };
    let (y, mo, _) = d.ymd();
    if en(ctx) {
        d.words_en()
            .split_once(' ')
            .map_or_else(String::new, |x| x.1.to_string())
    } else {
        format!("{y}年{mo}月")
    }
}

fn date_words(d: &str, ctx: &Ctx) -> String {
    match Date::parse(d) {
        Some(x) if en(ctx) => x.words_en(),
        Some(x) => x.words_zh(),
        None => d.to_string(),
    }
}

/// Text for HTML: `&`, `<`, `>` and `"` escaped (names come from filings).
pub fn esc(t: &str) -> String {
    let mut o = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

/// Markup made here as text (tables and charts: far lighter in the bundle than a node tree each).
fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

/// A table like `table::table` (caption, column heads, rows), as markup.
fn table_html(id: &str, caption: &str, head: &[&str], rows: &str) -> String {
    let mut o = format!(
        "<div class=\"cn-table-wrap\" role=\"region\" aria-labelledby=\"{id}-cap\" tabindex=\"0\"><table id=\"{id}\" class=\"cn-table{}\"><caption id=\"{id}-cap\">{}</caption><thead><tr>",
        if head.len() > 6 { " cn-wide-table" } else { "" },
        esc(caption)
    );
    for h in head {
        o.push_str("<th scope=\"col\">");
        o.push_str(&esc(h));
        o.push_str("</th>");
    }
    o.push_str("</tr></thead><tbody>");
    o.push_str(rows);
    o.push_str("</tbody></table></div>");
    o
}

/// One row: its name, then numbers.
fn row_html(name: &str, cells: &[String], strong: bool) -> String {
    let mut o = String::from(if strong {
        "<tr class=\"cn-total\">"
    } else {
        "<tr>"
    });
    o.push_str("<th scope=\"row\">");
    o.push_str(&esc(name));
    o.push_str("</th>");
    for c in cells {
        o.push_str("<td class=\"cn-num\">");
        o.push_str(&esc(c));
        o.push_str("</td>");
    }
    o.push_str("</tr>");
    o
}

/// One row of the figures table: label, then the numbers people compare.
fn figures_row(name: &str, x: &Json, strong: bool) -> String {
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
    row_html(name, &cells, strong)
}

fn figures_head(w: &Words, first: &'static str) -> [&'static str; 17] {
    [
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

/// A chart of `values` (labels under them), scaled to the largest: bars, or a line with gaps where a
/// value is missing. Decorative: `aria-hidden`, the table beside it says the same.
pub fn chart(values: &[(String, Option<f64>)], title: &str, line: bool) -> Html {
    let (w, h, pad) = (640.0_f64, 200.0_f64, 24.0_f64);
    let max = values
        .iter()
        .filter_map(|v| v.1)
        .fold(0.0, f64::max)
        .max(1.0);
    let slot = (w - 2.0 * pad) / values.len().max(1) as f64;
    let bw = (slot * 0.7).max(2.0);
    let mut o = format!(
        "<figure class=\"cn-chart\" aria-hidden=\"true\"><figcaption>{}</figcaption><svg viewBox=\"0 0 640 240\" width=\"100%\" focusable=\"false\"><line x1=\"24\" y1=\"200\" x2=\"616\" y2=\"200\" class=\"cn-axis\"/>",
        esc(title)
    );
    let mut path = String::new();
    for (i, (l, v)) in values.iter().enumerate() {
        let cx = pad + slot * i as f64 + slot / 2.0;
        if let Some(v) = v {
            let y = h - (v / max) * (h - 20.0);
            if line {
                path.push_str(if path.is_empty() || values[i - 1].1.is_none() {
                    "M"
                } else {
                    "L"
                });
                path.push_str(&format!("{},{} ", px(cx), px(y)));
                o.push_str(&format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"4\" class=\"cn-dot\"/>",
                    px(cx),
                    px(y)
                ));
            } else {
                o.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"cn-bar\"/>",
                    px(cx - bw / 2.0),
                    px(y),
                    px(bw),
                    px(h - y)
                ));
            }
            o.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cn-val\">{}</text>",
                px(cx),
                px(y - 6.0),
                anbei_widget::json::num_text(*v)
            ));
        }
        o.push_str(&format!(
            "<text x=\"{}\" y=\"216\" text-anchor=\"middle\" class=\"cn-lab\">{}</text>",
            px(cx),
            esc(l)
        ));
    }
    if line {
        o.push_str(&format!(
            "<path d=\"{path}\" class=\"cn-line\" fill=\"none\"/>"
        ));
    }
    o.push_str("</svg></figure>");
    raw(o)
}

/// The charts and tables of one street.
fn street_section(ctx: &Ctx, w: &Words, st: &Json, labels: &Json, idx: usize) -> Html {
    let name = name_of(st, ctx);
    let groups: Vec<&Json> = match st.get("groups") {
        Some(Json::Arr(a)) => a.iter().collect(),
        _ => vec![],
    };
    let glabel = |g: &Json| label(g.get("label").unwrap_or(&Json::Null), ctx);
    let regs: Vec<(String, Option<f64>)> = groups
        .iter()
        .map(|g| (glabel(g), Some(num(g, &["registrations", "total"]))))
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
    let mut rows: String = groups
        .iter()
        .map(|g| figures_row(&glabel(g), g, false))
        .collect();
    rows.push_str(&figures_row(w.total, total, true));
    let mut tables = table_html(
        &format!("st-{idx}-groups"),
        &format!("{name} · {}", w.median_p90),
        &figures_head(w, w.group),
        &rows,
    );
    for (key, caption, id, status) in [
        (["registrations", "by_scope"], w.by_scope, "scope", false),
        (["registrations", "by_status"], w.by_status, "status", true),
        (["findings", "by_code"], w.by_code, "codes", false),
        (["referrals", "by_target"], w.by_target, "targets", false),
    ] {
        let v = total.get(key[0]).and_then(|x| x.get(key[1]));
        let Some(Json::Obj(items)) = v else { continue };
        if items.is_empty() {
            continue;
        }
        let rows: String = items
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
                row_html(
                    &name,
                    &[anbei_widget::json::num_text(n.as_f64().unwrap_or(0.0))],
                    false,
                )
            })
            .collect();
        tables.push_str(&table_html(
            &format!("st-{idx}-{id}"),
            caption,
            &[caption, w.count],
            &rows,
        ));
    }
    html! {
        <section class="cn-stats-street" aria-labelledby={format!("st-{idx}")}>
            <h2 id={format!("st-{idx}")}>{ name }</h2>
            <div class="cn-charts">
                { chart(&regs, w.chart_regs, false) }
                { chart(&hours, w.chart_hours, true) }
            </div>
            <p class="cn-hint">{ w.chart_note }</p>
            { raw(tables) }
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
    let error = use_state(String::new);
    let report = use_state(|| None::<(String, Json)>);
    {
        let (ctx, data, error) = (ctx.clone(), data.clone(), error.clone());
        use_effect_with((*applied).clone(), move |f| {
            let url = f.url(false);
            spawn(async move {
                let r = ctx.get(&url).await;
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
    // the monthly report of the period's last month
    let month = data
        .as_ref()
        .and_then(|d| d.str_at("to").get(..7).map(str::to_string))
        .unwrap_or_default();
    let make_report = {
        let (ctx, month, report, applied, error) = (
            ctx.clone(),
            month.clone(),
            report.clone(),
            applied.clone(),
            error.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some((from, to)) = month_bounds(&month) else {
                return;
            };
            let f = Filter {
                street: applied.street.clone(),
                from,
                to,
                group_by: "community".into(),
            };
            let (ctx, report, error, month) =
                (ctx.clone(), report.clone(), error.clone(), month.clone());
            spawn(async move {
                match ctx.get(&f.url(false)).await {
                    Ok(j) => report.set(Some((month, j))),
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
            let mut rows: String = streets
                .iter()
                .map(|s| figures_row(&name_of(s, ctx), s.get("total").unwrap_or(&Json::Null), false))
                .collect();
            rows.push_str(&figures_row(w.total, d.get("total").unwrap_or(&Json::Null), true));
            let regs: Vec<(String, Option<f64>)> = streets
                .iter()
                .map(|s| {
                    (
                        name_of(s, ctx).trim_end_matches("街道").to_string(),
                        Some(num(s, &["total", "registrations", "total"])),
                    )
                })
                .collect();
            html! {
                <section aria-labelledby="st-side">
                    <h2 id="st-side">{ w.side_by_side }</h2>
                    { chart(&regs, w.chart_regs, false) }
                    { raw(table_html("st-side-table", w.side_by_side, &figures_head(w, w.street), &rows)) }
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
            if data.is_none() && error.is_empty() { <p role="status">{ ctx.c().loading }</p> }
            { for body }
            if month_bounds(&month).is_some() {
                <p class="cn-actions">
                    <button type="button" class="cn-btn cn-secondary" onclick={make_report}>{ w.report_open }{ month_words(&month, ctx) }</button>
                    if report.is_some() {
                        <button type="button" class="cn-btn cn-primary" onclick={print}>{ w.print }</button>
                    }
                </p>
            }
            if let Some((m, r)) = report.as_ref() { { monthly_report(r, m, ctx) } }
        </section>
    }
}

/// The printable monthly report (A4, zh-CN whatever the console's language: it is filed and
/// circulated, 第二十一条第（二）项 "通报"): one per street in the answer, by community.
fn monthly_report(r: &Json, month: &str, ctx: &Ctx) -> Html {
    let w = &ZH;
    let zh = Ctx {
        lang: anbei_widget::i18n::Lang::from_tag("zh-CN"),
        ..ctx.clone()
    };
    let (y, m) = month.split_once('-').unwrap_or((month, ""));
    let m = m.trim_start_matches('0');
    let mut o = String::from("<div class=\"cn-report\">");
    let streets: &[Json] = match r.get("streets") {
        Some(Json::Arr(a)) => a,
        _ => &[],
    };
    if streets.is_empty() {
        o.push_str(w.nothing);
    }
    for (i, st) in streets.iter().enumerate() {
        let name = name_of(st, &zh);
        let t = st.get("total").unwrap_or(&Json::Null);
        let f = |p: &[&str]| int(t, p);
        let mut rows = String::new();
        if let Some(Json::Arr(groups)) = st.get("groups") {
            for g in groups {
                rows.push_str(&figures_row(
                    &label(g.get("label").unwrap_or(&Json::Null), &zh),
                    g,
                    false,
                ));
            }
        }
        rows.push_str(&figures_row(w.total, t, true));
        o.push_str(&format!(
            "<article class=\"cn-report-page\"><h2>龙岗区{n}限额以下小型工程和零星作业安全生产纳管月报（{y}年{m}月）</h2>\
             <p>统计期间：{} 至 {}；依据《深圳市龙岗区限额以下小型工程和零星作业安全生产纳管实施细则》第二十一条第（二）项。</p><ul>\
             <li>登记 {} 件，其中高风险 {} 件；待受理 {} 件（逾期 {} 件）。</li>\
             <li>受理时效：已答复 {} 件，超期 {} 件；用时中位数 / 90%分位 {} 小时，{} 个工作日。</li>\
             <li>现场检查：应检查 {} 次，按期 {} 次，逾期完成 {} 次，逾期未检查 {} 次。</li>\
             <li>发现问题 {} 项，整改逾期 {} 项，整改通过 {} 项；转办 {} 件（超时 {} 件）。</li></ul>{}</article>",
            date_words(r.str_at("from"), &zh),
            date_words(r.str_at("to"), &zh),
            f(&["registrations", "total"]),
            f(&["registrations", "high_risk"]),
            f(&["acceptance", "awaiting"]),
            f(&["acceptance", "awaiting_overdue"]),
            f(&["acceptance", "answered"]),
            f(&["acceptance", "late"]),
            spread(t, &["acceptance", "hours"]),
            spread(t, &["acceptance", "working_days"]),
            f(&["inspections", "due"]),
            f(&["inspections", "done_on_time"]),
            f(&["inspections", "done_late"]),
            f(&["inspections", "overdue"]),
            f(&["findings", "total"]),
            f(&["findings", "overdue"]),
            f(&["rectification", "accepted"]),
            f(&["referrals", "total"]),
            f(&["referrals", "late"]),
            table_html(&format!("rp-{i}"), &format!("{name}分社区情况"), &figures_head(w, "社区"), &rows),
            n = esc(&name),
        ));
    }
    o.push_str("</div>");
    raw(o)
}

/// The page's own styles: charts, and printing only the monthly report on A4.
const STYLE: &str = "
.cn-charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1rem}
.cn-chart{margin:0}.cn-chart figcaption{font-weight:600;margin:.25rem 0}
.cn-chart .cn-bar{fill:#1d5fa8}.cn-chart .cn-line{stroke:#b5472a;stroke-width:2.5}.cn-chart .cn-dot{fill:#b5472a}
.cn-chart .cn-axis{stroke:#555}.cn-chart text{font-size:12px;fill:#222}
.cn-table td.cn-num{text-align:right;font-variant-numeric:tabular-nums}
.cn-total th,.cn-total td{font-weight:700;border-top:2px solid #333}
.cn-breakdowns{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.cn-period{font-weight:600}
.cn-report{margin-top:1.5rem;border-top:1px solid #999;padding-top:1rem}
.cn-report-page h2{font-size:1.2rem;text-align:center}
.cn-stats .cn-wide-table{table-layout:fixed;font-size:.85rem}
.cn-stats .cn-wide-table thead th{white-space:normal;vertical-align:bottom;overflow-wrap:anywhere}
.cn-stats .cn-wide-table th,.cn-stats .cn-wide-table td{padding:.35rem .3rem}
.cn-stats .cn-wide-table thead th:first-child{width:7.5rem}.cn-stats .cn-wide-table th[scope=row]{overflow-wrap:anywhere}
@media (max-width:64rem){.cn-stats .cn-wide-table{font-size:.75rem}.cn-stats .cn-wide-table thead th:first-child{width:5.5rem}}
@media print{
 @page{size:A4;margin:15mm}
 #console-header,.cn-notice,.cn-stats>:not(.cn-report){display:none!important}
 .cn-report{border:0;margin:0;padding:0}
 .cn-report-page{break-after:page;font-size:10pt}
 .cn-report .cn-table-wrap{overflow:visible}
 .cn-report table{font-size:7pt;width:100%;table-layout:fixed}
 .cn-report th,.cn-report td{padding:2px!important;white-space:normal!important;word-break:break-all;vertical-align:bottom}
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

    /// Names from filings (a community, an activity) are text in the tables' and charts' markup.
    #[test]
    fn names_are_escaped_in_markup() {
        assert_eq!(esc("<b>\"&\""), "&lt;b&gt;&quot;&amp;&quot;");
        let row = row_html("<img src=x>", &["1".into()], true);
        assert!(
            row.starts_with("<tr class=\"cn-total\"><th scope=\"row\">&lt;img"),
            "{row}"
        );
    }
}
