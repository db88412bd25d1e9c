//! The string catalogue: one module per language, one field per string, so a missing translation is a
//! compile error. Question texts, help, code titles and explanations come from the core's rule set view,
//! and the filing form's problems from `anbei-filing`'s catalogue (the server's words); everything else
//! the widget says is here. Dates and money are formatted per locale.
//!
//! **Adding a language** is one catalogue file, `i18n/<module>.rs` (copy `en.rs`, translate every
//! string), and one line in [`languages!`] below: its tag, which half of the bilingual rule data it reads
//! (the core's texts and the server's messages are written in zh and en) and the `lang` tags it answers to.

use anbei_core::Date;

/// Which half of the bilingual texts a language reads: the rule data (questions, code titles) and the
/// filing problems of `anbei-filing` are written in Chinese and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Texts {
    Zh,
    En,
}

/// One language of the widget: its tag, its catalogue, the half of the bilingual texts it reads and the
/// `lang` tags (lowercase) it answers to — each also answering to its subtags (`en` ← `en-GB`).
pub struct LangDef {
    pub tag: &'static str,
    pub cat: &'static Catalogue,
    pub texts: Texts,
    pub answers_to: &'static [&'static str],
}

macro_rules! languages {
    ($($module:ident: $tag:literal, $texts:ident, [$($answers:literal),* $(,)?];)*) => {
        $(mod $module;)*
        /// The languages, in the order the language switch goes through them; the first is the default.
        pub static LANGS: &[LangDef] = &[
            $(LangDef { tag: $tag, cat: &$module::CAT, texts: Texts::$texts, answers_to: &[$($answers),*] }),*
        ];
    };
}

// module: tag, texts, the tags it answers to. Traditional Chinese (zh-HK, zh-TW, zh-MO, zh-Hant) answers
// to `zh` and so falls back to zh-CN for now: a zh-HK catalogue would be `i18n/zh_hk.rs` and a line here
// answering to "zh-hk", "zh-mo", "zh-tw", "zh-hant" (a longer match than "zh", so it wins).
languages! {
    zh: "zh-CN", Zh, ["zh", "zh-cn", "zh-hans", "zh-sg"];
    en: "en", En, ["en"];
}

/// A language of [`LANGS`] (the default is the first, zh-CN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Lang(u8);

#[allow(non_upper_case_globals)] // named like the variants they were
impl Lang {
    pub const Zh: Lang = Lang(0);
    pub const En: Lang = Lang(1);

    /// The `lang` attribute's language: the one answering to the longest prefix of the tag (case and
    /// `_`/`-` ignored), so `en-GB` → en and `zh-Hans-SG` → zh-CN; a tag no language answers to — `fr`,
    /// or none — falls back to the first, zh-CN.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        let (mut best, mut best_len) = (0, 0);
        for (i, l) in LANGS.iter().enumerate() {
            for a in l.answers_to {
                let covers = t
                    .strip_prefix(a)
                    .is_some_and(|r| r.is_empty() || r.starts_with('-'));
                if covers && a.len() > best_len {
                    (best, best_len) = (i, a.len());
                }
            }
        }
        Lang(best as u8)
    }
    fn def(self) -> &'static LangDef {
        // only from_tag, next and the constants make a Lang: always an index of LANGS
        &LANGS[usize::from(self.0)]
    }
    pub fn tag(self) -> &'static str {
        self.def().tag
    }
    pub fn cat(self) -> &'static Catalogue {
        self.def().cat
    }
    pub fn texts(self) -> Texts {
        self.def().texts
    }
    /// The language the switch offers next.
    pub fn next(self) -> Lang {
        Lang(((usize::from(self.0) + 1) % LANGS.len()) as u8)
    }
    /// Pick the language's half of a bilingual text from the core.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self.texts() {
            Texts::Zh => zh,
            Texts::En => en,
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
    widget_title, ruleset_draft, progress, back, next, yes, no, continue_, start_again, start_again_confirm,
    change, change_answer, your_answers, none_apply, which_apply, search_activity, no_match, group_engineering,
    group_odd_job, no_building_area, unit_yuan, unit_m2, unit_m, err_required, err_number, err_range, err_choose,
    hazard_has_excavation, hazard_has_scaffold, depth_label, height_label, offline_note, share, share_copied,
    share_link_label, copy, copied, print, result_title, result_announce, scope, high_risk, high_risk_yes,
    high_risk_no, no_high_risk_grade, triggers, supervision, contractor, qualified_required, capable_required,
    documents, documents_none, what_is_it, why_needed, obligations, where_register, street_office, departments,
    primary_dept, co_dept, deadlines, acceptance_due, inspection_due, valid_until, extension_window_start,
    cancellation_due, calendar_provisional, notes, article, not_registrable, go_file, odd_job_mode,
    lang_name, resumed, shared_loaded, share_bad, after_completion,
    filing_title, applicant, agent, name, id_number, mobile, email, site, address, street, community, property_area, property_area_hint, contractor_unit,
    contractor_is_person, credit_code, qualification_no, safety_licence_no, project_lead, safety_manager,
    workers, worker, add_worker, remove_worker, operation, op_none, certificate_no, certificate_valid_until, planned_start, planned_end,
    waste_site, uploads, upload_choose, upload_done, upload_failed, upload_type, submit, submitting,
    errors_summary,
    err_network, err_server, receipt_title, receipt_no, filing_no,
    valid_to, print_receipt, site_notice, verify_link, ack_title, ack_body, answer_due, follow_up,
    returned_title, returned_body, resubmit, back_to_result,
    api_missing, qr_label, hazards_hint, answered_count, filing_intro, not_needed_upload, pledge, pledge_loading, pledge_affirm,
    answer_these, schedule,
    track_title, track_intro, access_code, track_go, track_loading, track_need, track_not_found, track_keep, track_back, status_label, st_filed, st_returned, st_registered, st_extended, st_refused, st_revoked, st_expired, st_declared, st_cancelled, st_other, act_filed, act_resubmitted, act_registered, act_returned, act_refused, act_extended, act_declared, act_cancelled, act_revoked, history, filed_body, filed_on, returned_list, returned_fix, reason, refused_body, refused_next, revoked_body, revoked_next, ground_any, ground_false_filing, ground_permit_evasion, ground_beyond_scope, ground_illegal_construction, expired_body, declared_body, declare_done, cancelled_body, ext_window, ext_not_yet, ext_open, ext_closed, extend_title, new_valid_until, extend_submit, extend_done, at_completion, at_completion_body, cancel_title, completion_date, waste_record, cancel_submit, action_failed, code_title, code_body, code_mailed, copy_code, code_copied, unit_name, upload_too_big, upload_not_real, upload_empty, wiped_note, track_other, work_description,
    fnd_title, fnd_intro, fnd_note, fnd_found_on, fnd_by, fnd_overdue, fnd_state, fnd_open, fnd_rejected, fnd_answered, fnd_closed, fnd_referred, fnd_stop_at_once, fnd_stop_uncertified, rect_note, rect_note_hint, rect_photos, rect_photos_hint, rect_photos_n, rect_submit, upload_photo_type, fnd_stop_banner,
    more_loading, more_failed, more_retry,
}

/// Replaces `{name}` placeholders: the core's filler (one for the rule data, the filing's messages and
/// the widget's strings).
pub use anbei_core::assess::fill;

/// A date in words, without the weekday: 2026年12月2日 / 2 December 2026.
pub fn fmt_day(lang: Lang, d: Date) -> String {
    match lang.texts() {
        Texts::Zh => d.words_zh(),
        Texts::En => d.words_en(),
    }
}

/// A date for people: 2026年5月6日（星期三） / Wed 6 May 2026.
pub fn fmt_date(lang: Lang, d: Date) -> String {
    let (y, m, day) = d.ymd();
    let wd = d.weekday() as usize;
    match lang.texts() {
        Texts::Zh => {
            const W: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            format!(
                "{y}年{m}月{day}日（星期{}）",
                W.get(wd).copied().unwrap_or("")
            )
        }
        Texts::En => {
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

/// Digits grouped by thousands, at most two decimals (both locales group amounts in yuan with the
/// comma): the core's way of writing numbers, as its texts write them.
pub use anbei_core::assess::fmt_num;

/// Money: zh "42万元（¥420,000）", en "¥420,000".
pub fn fmt_money(lang: Lang, yuan: f64) -> String {
    match lang.texts() {
        Texts::Zh if yuan >= 10_000.0 => {
            let wan = yuan / 10_000.0;
            let wan_s = if (wan * 100.0).round() % 100.0 == 0.0 {
                (wan.round() as u64).to_string()
            } else {
                fmt_num(wan)
            };
            format!("{wan_s}万元（¥{}）", fmt_num(yuan))
        }
        Texts::Zh => format!("{}元", fmt_num(yuan)),
        Texts::En => format!("¥{}", fmt_num(yuan)),
    }
}

/// A number with its unit for the locale.
pub fn fmt_quantity(lang: Lang, x: f64, unit: &str) -> String {
    match unit {
        "yuan" => fmt_money(lang, x),
        "m2" => format!("{} {}", fmt_num(x), lang.cat().unit_m2),
        "m" => format!("{} {}", fmt_num(x), lang.cat().unit_m),
        _ => fmt_num(x),
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
        assert_eq!(fmt_num(1234.5), "1,234.5");
    }

    /// The `lang` attribute falls back explicitly (README "Languages"): simplified Chinese tags and
    /// traditional ones (until a zh-HK catalogue exists) → zh-CN, English ones → en, anything else → zh-CN.
    #[test]
    fn lang_tags_fall_back_explicitly() {
        for (tag, want) in [
            ("zh", "zh-CN"),
            ("zh-CN", "zh-CN"),
            ("zh-Hans", "zh-CN"),
            ("zh-Hans-CN", "zh-CN"),
            ("zh-SG", "zh-CN"),
            ("zh_cn", "zh-CN"),
            ("zh-HK", "zh-CN"),
            ("zh-TW", "zh-CN"),
            ("zh-Hant", "zh-CN"),
            ("en", "en"),
            ("EN-gb", "en"),
            ("en-US", "en"),
            (" en ", "en"),
            ("eng", "zh-CN"),
            ("english", "zh-CN"),
            ("fr", "zh-CN"),
            ("ja-JP", "zh-CN"),
            ("", "zh-CN"),
        ] {
            assert_eq!(Lang::from_tag(tag).tag(), want, "{tag:?}");
        }
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::Zh.next(), Lang::En);
        assert_eq!(Lang::En.next(), Lang::Zh);
        // every language's tag leads back to it, and its catalogue names it
        for (i, l) in LANGS.iter().enumerate() {
            assert_eq!(Lang::from_tag(l.tag), Lang(i as u8), "{}", l.tag);
        }
        assert_eq!(fill("{a} of {b}", &[("a", "1"), ("b", "3")]), "1 of 3");
    }
}

/// A plain decimal ("420000", "3.2", "-1.5") → f64, without the float parser: the core's reader, shared
/// with the batch pre-screen.
pub use anbei_core::input::parse_decimal;

/// An article citation for the reader: zh as is; en "第二十八条第（二）项" → "Art. 28(2)".
pub fn article(lang: Lang, zh: &str) -> String {
    match lang.texts() {
        Texts::Zh => zh.to_string(),
        Texts::En => anbei_filing::msg::article_en(zh),
    }
}

/// "：" or ": ".
pub fn colon(lang: Lang) -> &'static str {
    lang.pick("：", ": ")
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
    fn articles_follow_the_language() {
        assert_eq!(article(Lang::En, "第二十八条第（二）项"), "Art. 28(2)");
        assert_eq!(article(Lang::Zh, "第二条"), "第二条");
    }
}
