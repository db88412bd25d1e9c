//! The console's strings: one catalogue per language, one field per string, so a missing translation
//! is a compile error. Languages are the widget's ([`anbei_widget::i18n::LANGS`]: the same tags, the
//! same fallback, the same switch); the filing's field names (申报人, 身份证号码 …) are the widget's
//! catalogue's, the rule data's texts (scope, documents) the core's. A language added to the widget needs
//! a catalogue here too (a test says so).

mod en;
pub mod inspect;
pub mod manage;
mod zh;

use anbei_core::{Code, Engine};
use anbei_widget::i18n::Lang;
pub use anbei_widget::i18n::fill;

/// The console's catalogues by the widget's language tags; the first is the default.
static CATS: &[(&str, &Catalogue)] = &[("zh-CN", &zh::CAT), ("en", &en::CAT)];

/// The catalogue of a language tag (the default's for a tag without one).
pub fn by_tag(tag: &str) -> &'static Catalogue {
    CATS.iter()
        .find(|(t, _)| *t == tag)
        .map_or(&zh::CAT, |(_, c)| c)
}

/// The console's catalogue of a language.
pub fn cat(lang: Lang) -> &'static Catalogue {
    by_tag(lang.tag())
}

macro_rules! catalogue {
    ($($name:ident),* $(,)?) => {
        /// Every string the console shows, in one language.
        pub struct Catalogue { $(pub $name: &'static str),* }

        impl Catalogue {
            /// Every string with its key (for the completeness tests).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

catalogue! {
    // the page and its header
    app_title, skip, nav_label, nav_queue, nav_ledger, nav_accounts, nav_audit, sign_out, account_label,
    no_street, loading, err_network, err_server, retry, errors_title, err_required, none, yes, no, any,
    apply, clear, next_page, first_page, no_rows, rows_shown, download_csv, copy, copied, close, cancel,
    sending, lang_switch,
    // roles, statuses, actors, actions, grounds
    role_officer, role_admin, role_community, role_property, role_patrol, role_viewer,
    status_filed, status_returned, status_registered, status_extended, status_expired, status_refused,
    status_completion_declared, status_cancelled, status_revoked,
    actor_applicant, actor_contractor, actor_officer, actor_admin, actor_system,
    action_filed, action_registered, action_accepted, action_returned, action_resubmitted, action_refused,
    action_extended, action_completion_declared, action_cancelled, action_revoked,
    ground_false_filing, ground_permit_evasion, ground_beyond_scope, ground_illegal_construction,
    // sign-in, password, TOTP
    signin_title, signin_intro, login, password, totp, totp_help, signin_submit, signin_failed, totp_wrong,
    err_totp_format, notice_signed_out, notice_session_ended,
    pw_title, pw_intro, current_password, new_password, confirm_password, pw_submit, err_pw_short,
    err_pw_mismatch, err_pw_current, notice_pw_changed,
    totp_title, totp_intro, totp_begin, totp_secret, totp_uri, totp_qr, totp_code, totp_confirm,
    notice_totp_enrolled,
    // the queue
    queue_title, queue_intro, status_tabs, filters, f_status, f_community, f_scope, f_high_risk, f_from,
    f_to, f_q, f_q_help, col_filing_no, col_status, col_applicant, col_site, col_community, col_scope,
    col_high_risk, col_filed_on, col_due, col_receipt, col_valid_until, col_contractor, col_schedule,
    overdue, due_none, queue_caption, not_yours,
    // a filing
    filing_title, back_to_queue, summary_title, k_street, k_updated, requested_changes, actions_title,
    no_actions, act_accept, act_return, act_refuse, act_revoke, note, accept_submit, return_intro,
    return_fields, return_documents, reason, reason_choose, reason_other, reason_text, reason_incomplete,
    reason_mismatch_id, reason_mismatch_site, reason_illegible, reason_missing_pages, reason_expired,
    reason_unsigned, return_submit, err_return_none, err_return_reason, current_value, refuse_reason,
    refuse_article, article_help, refuse_submit, revoke_ground, revoke_reason, revoke_submit,
    confirm_refuse, confirm_revoke, confirm_yes_refuse, confirm_yes_revoke, done_accept, done_return,
    done_refuse, done_revoke, new_status, assessment_intro, assessment_differs, request_title, show_ids,
    pledge_signed, signer_applicant, signer_agent, documents_title, view_doc, hide_doc, open_doc,
    doc_pdf, doc_image, doc_failed, history_title, col_at, col_actor, col_action, col_reason, worker_list,
    // re-issuing the applicant's access code (issue 16, item 5)
    reissue_title, reissue_intro, reissue_open, reissue_id_number, reissue_id_hint, reissue_document,
    reissue_document_hint, reissue_submit, reissue_confirm, reissue_yes, reissue_once, done_reissue,
    // the ledger
    ledger_title, ledger_intro,
    // accounts
    accounts_title, add_account, a_login, a_name, a_role, a_street, a_community, a_areas, a_department,
    add_submit, initial_password, col_account, col_role, col_area, col_state, col_totp, col_last,
    col_actions, state_active, state_disabled, disable, enable, reset_password, tokens, never,
    tokens_title, t_label, t_days, issue_token, token_once, t_created, t_expires, t_revoked, t_last_used,
    revoke_token, no_tokens, done_added, done_disabled, done_enabled, done_reset, done_token_revoked,
    done_token_issued, totp_on, totp_off,
    // the audit log
    audit_title, audit_intro, f_account, f_action, f_date_from, f_date_to, col_target, col_client, col_outcome, col_seq, col_detail, err_days, org_name, scope_small, scope_sporadic,
}

/// A role's name (`officer` → 街道工作人员); the code itself when unknown.
pub fn role(c: &Catalogue, code: &str) -> String {
    match code {
        "officer" => c.role_officer,
        "admin" => c.role_admin,
        "community" => c.role_community,
        "property" => c.role_property,
        "patrol" => c.role_patrol,
        "viewer" => c.role_viewer,
        other => return other.to_string(),
    }
    .to_string()
}

/// The roles an account may have, in the order the form offers them.
pub const ROLES: [&str; 6] = [
    "officer",
    "admin",
    "community",
    "property",
    "patrol",
    "viewer",
];

/// A status's name (`filed` → 待受理).
pub fn status(c: &Catalogue, code: &str) -> String {
    match code {
        "filed" => c.status_filed,
        "returned" => c.status_returned,
        "registered" => c.status_registered,
        "extended" => c.status_extended,
        "expired" => c.status_expired,
        "refused" => c.status_refused,
        "completion_declared" => c.status_completion_declared,
        "cancelled" => c.status_cancelled,
        "revoked" => c.status_revoked,
        other => return other.to_string(),
    }
    .to_string()
}

/// Who did something in a filing's history.
pub fn actor(c: &Catalogue, code: &str) -> String {
    match code {
        "applicant" => c.actor_applicant,
        "contractor" => c.actor_contractor,
        "officer" => c.actor_officer,
        "admin" => c.actor_admin,
        "system" => c.actor_system,
        // the roles of rules.md §10 that act on a filing besides the street office
        "community" | "property" | "patrol" | "viewer" => return role(c, code),
        other => return other.to_string(),
    }
    .to_string()
}

/// What happened in a filing's history.
pub fn action(c: &Catalogue, code: &str) -> String {
    match code {
        "filed" => c.action_filed,
        "registered" => c.action_registered,
        "accepted" => c.action_accepted,
        "returned" => c.action_returned,
        "resubmitted" => c.action_resubmitted,
        "refused" => c.action_refused,
        "extended" => c.action_extended,
        "completion_declared" => c.action_completion_declared,
        "cancelled" => c.action_cancelled,
        "revoked" => c.action_revoked,
        other => return other.to_string(),
    }
    .to_string()
}

/// The grounds of a revocation (第二十五条), in the order the form offers them.
pub const GROUNDS: [&str; 4] = [
    "false_filing",
    "permit_evasion",
    "beyond_scope",
    "illegal_construction",
];

pub fn ground(c: &Catalogue, code: &str) -> String {
    match code {
        "false_filing" => c.ground_false_filing,
        "permit_evasion" => c.ground_permit_evasion,
        "beyond_scope" => c.ground_beyond_scope,
        "illegal_construction" => c.ground_illegal_construction,
        other => return other.to_string(),
    }
    .to_string()
}

/// A code of the rule data (a scope, a document) by its title; the code itself when unknown.
pub fn code_title(engine: &Engine, code: &str, lang: Lang) -> String {
    match Code::from_str(code) {
        Some(c) => anbei_widget::summary::code_title(engine, c, lang),
        None => code.to_string(),
    }
}

/// A scope in a few words for a table (`SCOPE_SMALL_PROJECT` → 小型工程); its title when unknown.
pub fn scope_short(engine: &Engine, code: &str, lang: Lang) -> String {
    let c = cat(lang);
    match code.trim_start_matches("SCOPE_") {
        "SMALL_PROJECT" => c.scope_small.to_string(),
        "SPORADIC_WORK" => c.scope_sporadic.to_string(),
        _ => code_title(engine, code, lang),
    }
}

/// A street's name (`bantian` → 坂田街道).
pub fn street_name(engine: &Engine, code: &str, lang: Lang) -> String {
    engine
        .streets()
        .iter()
        .find(|s| s.code == code)
        .map_or_else(
            || code.to_string(),
            |s| lang.pick(&s.name.zh, &s.name.en).to_string(),
        )
}

/// A field of the filing by its path, for people: `applicant.mobile` → "申报人 · 手机号码",
/// `workers.1.name` → "施工人员 · 第 2 人 · 姓名", `documents.D_CONTRACT` → the document's title.
pub fn field_label(engine: &Engine, path: &str, lang: Lang) -> String {
    let w = lang.cat();
    let key = |k: &str| -> &'static str {
        match k {
            "name" => w.name,
            "id_number" => w.id_number,
            "mobile" => w.mobile,
            "address" => w.address,
            "street" => w.street,
            "community" => w.community,
            "credit_code" => w.credit_code,
            "qualification_no" => w.qualification_no,
            "safety_licence_no" => w.safety_licence_no,
            "operation" => w.operation,
            "certificate_no" => w.certificate_no,
            "certificate_valid_until" => w.certificate_valid_until,
            "planned_start" => w.planned_start,
            "planned_end" => w.planned_end,
            "waste_disposal_site" => w.waste_site,
            "applicant" => w.applicant,
            "agent" => w.agent,
            "site" => w.site,
            "contractor" => w.contractor_unit,
            "project_lead" => w.project_lead,
            "safety_manager" => w.safety_manager,
            "workers" => w.workers,
            "pledge" => w.pledge,
            "documents" => w.uploads,
            _ => "",
        }
    };
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["documents", code] => code_title(engine, code, lang),
        // a company's name, not a person's
        ["contractor", "name"] => format!("{} · {}", w.contractor_unit, cat(lang).org_name),
        ["workers"] => cat(lang).worker_list.to_string(),
        ["workers", i, k] => {
            let n = i.parse::<usize>().map_or(0, |n| n + 1).to_string();
            format!(
                "{} · {} · {}",
                w.workers,
                fill(w.worker, &[("n", &n)]),
                key(k)
            )
        }
        parts => {
            let words: Vec<&str> = parts.iter().map(|p| key(p)).collect();
            if words.iter().any(|x| x.is_empty()) {
                path.to_string()
            } else {
                words.join(" · ")
            }
        }
    }
}

/// A time from the API (RFC 3339: `2026-12-01T08:05:09Z`, `…+08:00`, fractions allowed) as
/// Beijing time to the minute, `2026-12-01 16:05`; a date alone, or anything else, as given.
pub fn fmt_time(t: &str) -> String {
    fn num(s: &str) -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }
    let parse = || -> Option<String> {
        let (date, rest) = t.split_once('T')?;
        let d = anbei_core::Date::parse(date)?;
        let (h, m) = (num(rest.get(0..2)?)?, num(rest.get(3..5)?)?);
        // the offset: Z, +hh:mm or -hh:mm after the seconds and any fraction
        let tail = rest.get(5..)?;
        let at = tail.find(['Z', 'z', '+', '-'])?;
        let off = &tail[at..];
        let off_min = match off.as_bytes().first()? {
            b'Z' | b'z' => 0,
            sign => {
                let (oh, om) = (num(off.get(1..3)?)?, num(off.get(4..6)?)?);
                (oh * 60 + om) * if *sign == b'-' { -1 } else { 1 }
            }
        };
        let local = h * 60 + m - off_min + 8 * 60;
        let days = local.div_euclid(24 * 60);
        let mins = local.rem_euclid(24 * 60);
        let d = d.add_days(i32::try_from(days).ok()?);
        Some(format!("{d} {:02}:{:02}", mins / 60, mins % 60))
    };
    parse().unwrap_or_else(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anbei_widget::i18n::LANGS;

    /// A history entry by a community workstation or a property company names its role in words, never
    /// its code (rules.md §10: they accept and return filings too).
    #[test]
    fn every_role_that_acts_on_a_filing_is_named() {
        for (_, c) in CATS {
            for code in [
                "applicant",
                "officer",
                "admin",
                "system",
                "community",
                "property",
            ] {
                assert_ne!(actor(c, code), code, "{code}");
            }
        }
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|r| r.split_once('}').map(|(p, _)| p))
            .collect();
        out.sort_unstable();
        out
    }

    /// Every key has a text in every language, with the same placeholders.
    #[test]
    fn every_key_is_worded_in_every_language() {
        let zh = by_tag("zh-CN").entries();
        for (tag, c) in CATS {
            let e = c.entries();
            assert_eq!(e.len(), zh.len());
            for ((k, v), (_, z)) in e.iter().zip(&zh) {
                assert!(!v.trim().is_empty(), "{tag}: {k} is empty");
                assert_eq!(placeholders(v), placeholders(z), "{tag}: {k}");
            }
        }
        // English is English: no Chinese left in it, but in the reasons' examples (articles are cited in Chinese)
        for (k, v) in by_tag("en").entries() {
            let cjk = v.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(!cjk || k == "article_help", "en: {k} = {v}");
        }
    }

    /// Every language of the widget has a console catalogue, and no catalogue is for a language the
    /// widget does not know.
    #[test]
    fn the_languages_are_the_widgets() {
        for l in LANGS {
            assert!(CATS.iter().any(|(t, _)| *t == l.tag), "{}", l.tag);
        }
        for (t, _) in CATS {
            assert!(LANGS.iter().any(|l| l.tag == *t), "{t}");
        }
        assert!(std::ptr::eq(cat(Lang::En), by_tag("en")));
        assert!(std::ptr::eq(cat(Lang::from_tag("fr")), by_tag("zh-CN")));
    }

    #[test]
    fn codes_have_names() {
        let c = by_tag("zh-CN");
        assert_eq!(status(c, "filed"), "待受理");
        assert_eq!(status(c, "mystery"), "mystery");
        assert_eq!(role(by_tag("en"), "officer"), "Street officer");
        for g in GROUNDS {
            assert_ne!(ground(c, g), g);
        }
        for r in ROLES {
            assert_ne!(role(c, r), r);
        }
        for a in [
            "filed",
            "registered",
            "accepted",
            "returned",
            "resubmitted",
            "refused",
            "extended",
            "completion_declared",
            "cancelled",
            "revoked",
        ] {
            assert_ne!(action(c, a), a);
        }
        for a in ["applicant", "contractor", "officer", "admin", "system"] {
            assert_ne!(actor(c, a), a);
        }
    }

    #[test]
    fn fields_are_named_by_the_widgets_words() {
        let e = Engine::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            field_label(&e, "applicant.mobile", Lang::Zh),
            "申报人 · 手机号码"
        );
        assert_eq!(
            field_label(&e, "workers.1.name", Lang::Zh),
            "施工人员 · 第 2 人 · 姓名"
        );
        assert_eq!(
            field_label(&e, "contractor.credit_code", Lang::En),
            "Contractor (hired party) · Unified social credit code"
        );
        assert_eq!(
            field_label(&e, "waste_disposal_site", Lang::En),
            "Legal disposal site for construction waste"
        );
        assert_eq!(field_label(&e, "mystery.field", Lang::Zh), "mystery.field");
        let contract = field_label(&e, "documents.D_CONTRACT", Lang::Zh);
        assert!(
            !contract.is_empty() && contract != "D_CONTRACT",
            "{contract}"
        );
        assert_eq!(code_title(&e, "NOT_A_CODE", Lang::Zh), "NOT_A_CODE");
        assert_eq!(
            field_label(&e, "contractor.name", Lang::Zh),
            "施工单位（受雇方） · 单位名称"
        );
        assert_eq!(scope_short(&e, "SCOPE_SMALL_PROJECT", Lang::Zh), "小型工程");
        assert_eq!(scope_short(&e, "SPORADIC_WORK", Lang::En), "Odd job");
        assert_eq!(street_name(&e, "bantian", Lang::Zh), "坂田街道");
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        assert_eq!(fmt_time("2026-12-01T08:05:09Z"), "2026-12-01 16:05");
        assert_eq!(fmt_time("2026-12-01T20:30:00.123Z"), "2026-12-02 04:30");
        assert_eq!(fmt_time("2026-12-01T09:00:00+08:00"), "2026-12-01 09:00");
        assert_eq!(fmt_time("2026-12-31T23:59:59-01:00"), "2027-01-01 08:59");
        assert_eq!(fmt_time("2026-12-01"), "2026-12-01");
        assert_eq!(fmt_time("soon"), "soon");
    }
}
