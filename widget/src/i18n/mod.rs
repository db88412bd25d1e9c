//! The string catalogue: one module per language, one field per string, so a missing translation is a
//! compile error. Question texts, help, code titles and explanations come from the core's rule set view;
//! everything the widget itself says is here. Dates and money are formatted per locale.

use anbei_core::Date;

mod en;
mod zh;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `lang` attribute → language; anything starting with `en` is English, everything else Chinese.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn cat(self) -> &'static Catalogue {
        match self {
            Lang::Zh => &zh::CAT,
            Lang::En => &en::CAT,
        }
    }
    /// Pick the language's half of a bilingual text from the core.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

macro_rules! catalogue {
    ($($name:ident),* $(,)?) => {
        /// Every string the widget shows, in one language.
        pub struct Catalogue { $(pub $name: &'static str),* }
    };
}

catalogue! {
    widget_title, ruleset_draft, progress, step_of, back, next, yes, no, continue_, start_again, start_again_confirm,
    change, change_answer, your_answers, none_apply, which_apply, search_activity, no_match, group_engineering,
    group_odd_job, no_building_area, unit_yuan, unit_m2, unit_m, err_required, err_number, err_range, err_choose,
    hazard_has_excavation, hazard_has_scaffold, depth_label, height_label, offline_note, share, share_copied,
    share_link_label, copy, copied, print, result_title, result_announce, scope, high_risk, high_risk_yes,
    high_risk_no, no_high_risk_grade, triggers, supervision, contractor, qualified_required, capable_required,
    documents, documents_none, what_is_it, why_needed, obligations, where_register, street_office, departments,
    primary_dept, co_dept, deadlines, acceptance_due, inspection_due, valid_until, extension_window_start,
    cancellation_due, calendar_provisional, notes, article, not_registrable, go_file, odd_job_mode,
    odd_job_intro, intro, lang_switch, lang_name, resumed, shared_loaded, share_bad, after_completion,
    filing_title, applicant, agent, name, id_number, mobile, site, address, street, community, contractor_unit,
    contractor_is_person, credit_code, qualification_no, safety_licence_no, project_lead, safety_manager,
    workers, worker, add_worker, remove_worker, operation, op_none, certificate_no, planned_start, planned_end,
    waste_site, uploads, upload_choose, upload_done, upload_failed, upload_type, submit, submitting,
    errors_summary, err_id_checksum, err_id_format, err_credit_code, err_mobile, err_date_order, err_upload,
    err_network, err_server, receipt_title, receipt_no, filing_no, status_registered, status_filed,
    valid_to, print_receipt, site_notice, verify_link, ack_title, ack_body, answer_due, follow_up,
    access_token_note, returned_title, returned_body, requested_change, resubmit, optional, back_to_result,
    api_missing, qr_label, hazards_hint, answered_count, skip_link, close_summary, filing_intro, not_needed_upload,
    person, company, answer_these, err_workers, err_uncovered, err_start_past, check_status, schedule,
}

/// Replace `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// A date for people: 2026年5月6日（星期三） / Wed 6 May 2026.
pub fn fmt_date(lang: Lang, d: Date) -> String {
    let (y, m, day) = d.ymd();
    let wd = d.weekday() as usize;
    match lang {
        Lang::Zh => {
            const W: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            format!(
                "{y}年{m}月{day}日（星期{}）",
                W.get(wd).copied().unwrap_or("")
            )
        }
        Lang::En => {
            const W: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const M: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let mi = (m as usize).saturating_sub(1);
            format!(
                "{} {day} {} {y}",
                W.get(wd).copied().unwrap_or(""),
                M.get(mi).copied().unwrap_or("")
            )
        }
    }
}

/// Digits grouped by thousands (both locales use the comma for grouping amounts in yuan).
pub fn group_digits(x: f64) -> String {
    let cents = (x.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = (cents - whole * 100.0) as u64;
    let digits = format!("{whole:.0}");
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if frac > 0 {
        out.push_str(&format!(".{frac:02}"));
        while out.ends_with('0') {
            out.pop();
        }
    }
    out
}

/// Money: zh "42万元（¥420,000）", en "¥420,000".
pub fn fmt_money(lang: Lang, yuan: f64) -> String {
    match lang {
        Lang::Zh if yuan >= 10_000.0 => {
            let wan = yuan / 10_000.0;
            let wan_s = if (wan * 100.0).round() % 100.0 == 0.0 {
                format!("{wan:.0}")
            } else {
                group_digits(wan)
            };
            format!("{wan_s}万元（¥{}）", group_digits(yuan))
        }
        Lang::Zh => format!("{}元", group_digits(yuan)),
        Lang::En => format!("¥{}", group_digits(yuan)),
    }
}

/// A number with its unit for the locale.
pub fn fmt_quantity(lang: Lang, x: f64, unit: &str) -> String {
    match unit {
        "yuan" => fmt_money(lang, x),
        "m2" => format!("{} {}", group_digits(x), lang.cat().unit_m2),
        "m" => format!("{} {}", group_digits(x), lang.cat().unit_m),
        _ => group_digits(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let d = Date::parse("2026-05-06").unwrap_or_else(|| panic!("date"));
        assert_eq!(fmt_date(Lang::Zh, d), "2026年5月6日（星期三）");
        assert_eq!(fmt_date(Lang::En, d), "Wed 6 May 2026");
    }

    #[test]
    fn money_is_in_wan_for_chinese_and_grouped_for_english() {
        assert_eq!(fmt_money(Lang::Zh, 420_000.0), "42万元（¥420,000）");
        assert_eq!(fmt_money(Lang::Zh, 1_234_500.0), "123.45万元（¥1,234,500）");
        assert_eq!(fmt_money(Lang::Zh, 800.0), "800元");
        assert_eq!(fmt_money(Lang::En, 1_000_000.0), "¥1,000,000");
        assert_eq!(group_digits(1234.5), "1,234.5");
    }

    #[test]
    fn lang_tags() {
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag(""), Lang::Zh);
        assert_eq!(fill("{a} of {b}", &[("a", "1"), ("b", "3")]), "1 of 3");
    }
}

/// A plain decimal ("420000", "3.2", "-1.5") → f64, without the float parser and its tables (a lean
/// bundle). Up to 15 significant digits the result equals `str::parse::<f64>` exactly: both parts are
/// exact integers and one IEEE division rounds correctly.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) || int.len() + frac.len() > 15 {
        return None;
    }
    let digits = |d: &str| d.bytes().fold(0u64, |a, b| a * 10 + u64::from(b - b'0'));
    let mantissa = digits(int) * 10u64.pow(frac.len() as u32) + digits(frac);
    let x = mantissa as f64 / 10u64.pow(frac.len() as u32) as f64;
    Some(if neg { -x } else { x })
}

fn zh_number(s: &str) -> Option<u32> {
    let d = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().all(char::is_ascii_digit) {
        return s.parse().ok();
    }
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + d(*u)?),
        [t, '十'] => Some(d(*t)? * 10),
        [t, '十', u] => Some(d(*t)? * 10 + d(*u)?),
        [u] => d(*u),
        _ => None,
    }
}

/// An article citation for the reader: zh as is; en "第二十八条第（二）项" → "Art. 28(2)".
pub fn article(lang: Lang, zh: &str) -> String {
    if lang == Lang::Zh {
        return zh.to_string();
    }
    let mut out = String::new();
    let mut rest = zh;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('第') {
            // 第N条 / 第N行 / 第N项 / 第（k）项
            if let Some(r2) = r.strip_prefix('（') {
                if let Some(end) = r2.find('）') {
                    let n = zh_number(&r2[..end])
                        .map_or_else(|| r2[..end].to_string(), |n| n.to_string());
                    out.push_str(&format!("({n})"));
                    rest = r2[end + '）'.len_utf8()..]
                        .strip_prefix('项')
                        .unwrap_or(&r2[end + '）'.len_utf8()..]);
                    continue;
                }
            }
            let end = r.find(['条', '行', '项']).unwrap_or(r.len());
            let unit = r[end..].chars().next();
            let n = zh_number(&r[..end]).map_or_else(|| r[..end].to_string(), |n| n.to_string());
            match unit {
                Some('条') => out.push_str(&format!("Art. {n}")),
                Some('行') => out.push_str(&format!("row {n}")),
                Some('项') => out.push_str(&format!(" item {n}")),
                _ => out.push_str(&n),
            }
            rest = unit.map_or("", |u| &r[end + u.len_utf8()..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix('（') {
            if let Some(end) = r.find('）') {
                let n =
                    zh_number(&r[..end]).map_or_else(|| r[..end].to_string(), |n| n.to_string());
                out.push_str(&format!("({n})"));
                let after = &r[end + '）'.len_utf8()..];
                rest = after.strip_prefix('项').unwrap_or(after);
                continue;
            }
        }
        let mut chars = rest.chars();
        let Some(ch) = chars.next() else { break };
        match ch {
            '、' | '，' => out.push_str(", "),
            '及' | '和' => out.push_str(" and "),
            _ if rest.starts_with("分类表") => {
                out.push_str("Classification table");
                rest = &rest["分类表".len()..];
                continue;
            }
            c => out.push(c),
        }
        rest = chars.as_str();
    }
    out.replace("  ", " ").trim().to_string()
}

/// "：" or ": ".
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

#[cfg(test)]
mod article_tests {
    use super::*;

    #[test]
    fn decimals_parse_like_the_float_parser() {
        for s in [
            "0",
            "3.2",
            "420000",
            "1234567.89",
            "0.1",
            "-2.5",
            ".5",
            "7.",
            "99999999999999",
        ] {
            assert_eq!(parse_decimal(s), s.parse::<f64>().ok(), "{s}");
        }
        for bad in ["", ".", "1e5", "abc", "1.2.3", "1234567890123456"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn articles_read_in_english() {
        for (zh, en) in [
            ("第二十八条第（二）项", "Art. 28(2)"),
            ("第二条", "Art. 2"),
            ("第十条第（六）（七）项", "Art. 10(6)(7)"),
            (
                "第二十八条第（三）项、第二十七条第（四）项",
                "Art. 28(3), Art. 27(4)",
            ),
            ("第五条（一）", "Art. 5(1)"),
            ("分类表 第14行第6项", "Classification table row 14 item 6"),
            ("第四十五条", "Art. 45"),
        ] {
            assert_eq!(article(Lang::En, zh), en, "{zh}");
            assert_eq!(article(Lang::Zh, zh), zh);
        }
    }
}
