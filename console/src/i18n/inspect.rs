//! The strings of the inspection screens (the list, the record form, the filing's inspections and
//! findings), apart from the main catalogue so that screens added beside them merge without conflict.
//! Same rules: one field per string, both languages or it does not compile. The §9 codes' own words
//! (kinds, items, findings, referral targets) are the core's (`codes.json` `manage_codes`, embedded
//! apart by the core), through [`code_words`].

use anbei_widget::i18n::{Lang, Texts};
use anbei_widget::json::Json;
use std::cell::RefCell;

macro_rules! catalogue {
    ($($name:ident),* $(,)?) => {
        /// Every string of the inspection screens, in one language.
        pub struct Ins { $(pub $name: &'static str),* }

        impl Ins {
            /// Every string with its key (for the completeness test).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

catalogue! {
    nav, title, intro, tab_due, tab_overdue, tab_done, caption, col_kind, col_work, col_due, col_done,
    col_next, no_due, overdue, due_in_words, record, view_filing, none_due, none_overdue, none_done,
    rec_title, rec_intro, rec_kind_label, rec_date, rec_date_hint, rec_not_allowed, rec_no_checklist,
    because, ans_ok, ans_finding, ans_na, note_ok, note_finding, note_na, finding_kind, rectify_by,
    rectify_hint, rectify_none, photos, photo_take, photo_hint, photo_added, photo_uploading,
    rec_submit, rec_confirm, rec_confirm_yes, rec_back, err_answer, err_note_finding, err_note_na,
    err_finding, rec_done, rec_revoke, rec_revoke_go, rec_revoke_other, rec_escalate, rec_escalate_btn,
    rec_escalate_other, rec_escalated, rec_refer, rec_refer_same_day, back_to_list, back_to_filing,
    fs_title, fs_none, fs_record, fs_due_on, fs_done_on, fs_by, fs_answers, fs_findings, fs_no_findings,
    st_open, st_overdue, st_answered, st_rejected, st_accepted, st_referred, f_found_on, f_rectify_by,
    f_state, f_item, answer_title, answer_at, answer_photo, decision_accepted, decision_rejected,
    decided_by, accept, reject, reject_reason, reject_submit, done_accepted, done_rejected, refer,
    ref_target, ref_suggested, ref_reason, ref_date, ref_same_day, ref_late, ref_on_time, ref_submit,
    done_referred, referred_to, escalation_pending, escalation_confirmed, management_under,
    management_referred, queue_overdue, follow_up, follow_up_due, follow_up_hint, follow_up_submit,
    done_follow_up,
}

pub static ZH: Ins = Ins {
    nav: "巡查检查",
    title: "巡查检查",
    intro: "本账号范围内待检查、已逾期和已完成的检查；逾期的排在最前。",
    tab_due: "待检查",
    tab_overdue: "已逾期",
    tab_done: "已完成",
    caption: "检查列表",
    col_kind: "检查类型",
    col_work: "登记编号或地点",
    col_due: "应完成日期",
    col_done: "检查时间",
    col_next: "操作",
    no_due: "不设期限",
    overdue: "已逾期",
    due_in_words: "{date}前",
    record: "记录检查",
    view_filing: "查看登记",
    none_due: "没有待检查的项目。",
    none_overdue: "没有逾期的检查。",
    none_done: "还没有完成的检查。",
    rec_title: "记录检查：{no}",
    rec_intro: "检查清单由该登记的认定结果生成。每一项请选择“符合”“发现问题”或“不适用”；发现问题或不适用时请写明情况。",
    rec_kind_label: "检查类型",
    rec_date: "检查日期",
    rec_date_hint: "不填写即为今天。",
    rec_not_allowed: "本账号不能记录这类检查。",
    rec_no_checklist: "无法为该登记生成检查清单。",
    because: "适用原因",
    ans_ok: "符合",
    ans_finding: "发现问题",
    ans_na: "不适用",
    note_ok: "备注（选填）",
    note_finding: "发现的问题",
    note_na: "不适用的理由",
    finding_kind: "问题类型",
    rectify_by: "整改期限",
    rectify_hint: "默认为{date}（本系统规定：3个工作日），可另定日期。",
    rectify_none: "此类问题不设整改期限。",
    photos: "现场照片",
    photo_take: "拍照或选择照片",
    photo_hint: "JPEG 或 PNG 图片，每张不超过10 MB。",
    photo_added: "已添加第{n}张照片。",
    photo_uploading: "正在上传照片……",
    rec_submit: "提交检查记录",
    rec_confirm: "确认提交本次检查？共{items}项，发现问题{findings}项。提交后不能修改。",
    rec_confirm_yes: "确认提交",
    rec_back: "返回修改",
    err_answer: "请为“{item}”选择检查结果。",
    err_note_finding: "请写明“{item}”发现的问题。",
    err_note_na: "请写明“{item}”不适用的理由。",
    err_finding: "请为“{item}”选择问题类型。",
    rec_done: "检查记录已保存。",
    rec_revoke: "“{finding}”经确认属于撤销登记的情形（第二十五条：{ground}），街道应撤销该登记。",
    rec_revoke_go: "打开登记并撤销",
    rec_revoke_other: "已提示街道工作人员确认并撤销。",
    rec_escalate: "发现重大事故隐患：经街道确认后，该工程提级参照高风险小型工程管理。",
    rec_escalate_btn: "确认提级管理",
    rec_escalate_other: "须由街道工作人员确认提级。",
    rec_escalated: "已提级管理；高风险现场检查应于{date}前完成。",
    rec_refer: "“{finding}”须转办（建议：{target}）。",
    rec_refer_same_day: "第三十条要求当日转办。",
    back_to_list: "返回检查列表",
    back_to_filing: "返回登记",
    fs_title: "巡查检查与整改",
    fs_none: "尚无检查记录。",
    fs_record: "记录检查",
    fs_due_on: "应于{date}前完成",
    fs_done_on: "{date}检查",
    fs_by: "检查人：{who}",
    fs_answers: "检查结果",
    fs_findings: "发现的问题",
    fs_no_findings: "未发现问题。",
    st_open: "待整改",
    st_overdue: "已逾期未整改",
    st_answered: "已答复，待核实",
    st_rejected: "整改未通过，待重新整改",
    st_accepted: "整改已通过",
    st_referred: "已转办",
    f_found_on: "发现日期",
    f_rectify_by: "整改期限",
    f_state: "状态",
    f_item: "检查项",
    answer_title: "申请人的整改答复",
    answer_at: "答复时间",
    answer_photo: "整改照片{n}",
    decision_accepted: "已通过",
    decision_rejected: "未通过：{reason}",
    decided_by: "核实人：{who}",
    accept: "通过整改",
    reject: "不予通过",
    reject_reason: "不予通过的理由",
    reject_submit: "确认不予通过",
    done_accepted: "整改已通过。",
    done_rejected: "整改未通过，已告知申请人。",
    refer: "转办",
    ref_target: "转办对象",
    ref_suggested: "{target}（建议）",
    ref_reason: "转办理由",
    ref_date: "转办日期：{date}（今天）",
    ref_same_day: "第三十条要求此问题当日转办，应转办日期：{date}。",
    ref_late: "逾期转办",
    ref_on_time: "按时转办",
    ref_submit: "确认转办",
    done_referred: "已转办。",
    referred_to: "已于{date}转办至{target}",
    escalation_pending: "重大事故隐患：待街道确认提级管理",
    escalation_confirmed: "已提级参照高风险小型工程管理",
    management_under: "整改中",
    management_referred: "已转办",
    queue_overdue: "逾期未检查：{n}项",
    follow_up: "安排复查",
    follow_up_due: "复查日期",
    follow_up_hint: "默认为整改期限后 1 个工作日；到期未复查的列入逾期检查。",
    follow_up_submit: "确认安排复查",
    done_follow_up: "已安排复查，列入待检查。",
};

pub static EN: Ins = Ins {
    nav: "Inspections",
    title: "Inspections",
    intro: "Inspections due, overdue and done in this account's area; overdue ones first.",
    tab_due: "Due",
    tab_overdue: "Overdue",
    tab_done: "Done",
    caption: "Inspections",
    col_kind: "Kind",
    col_work: "Registration or place",
    col_due: "Due by",
    col_done: "Inspected",
    col_next: "Actions",
    no_due: "No due date",
    overdue: "Overdue",
    due_in_words: "by {date}",
    record: "Record inspection",
    view_filing: "View registration",
    none_due: "Nothing is due.",
    none_overdue: "No inspection is overdue.",
    none_done: "No inspection done yet.",
    rec_title: "Record an inspection: {no}",
    rec_intro: "The checklist comes from this registration's determination. Mark each item OK, Finding or Not applicable; say what you found, or why an item does not apply.",
    rec_kind_label: "Kind of inspection",
    rec_date: "Date of the inspection",
    rec_date_hint: "Leave empty for today.",
    rec_not_allowed: "This account cannot record this kind of inspection.",
    rec_no_checklist: "No checklist can be made for this registration.",
    because: "Why it applies",
    ans_ok: "OK",
    ans_finding: "Finding",
    ans_na: "Not applicable",
    note_ok: "Note (optional)",
    note_finding: "What was found",
    note_na: "Why it does not apply",
    finding_kind: "Kind of finding",
    rectify_by: "Rectify by",
    rectify_hint: "Default {date} (our policy: 3 working days); you may set another date.",
    rectify_none: "This kind of finding has no rectification date.",
    photos: "Photos",
    photo_take: "Take or choose a photo",
    photo_hint: "JPEG or PNG, up to 10 MB each.",
    photo_added: "Photo {n} added.",
    photo_uploading: "Uploading the photo…",
    rec_submit: "Submit the inspection",
    rec_confirm: "Submit this inspection? {items} items, {findings} findings. It cannot be changed afterwards.",
    rec_confirm_yes: "Submit",
    rec_back: "Back to the form",
    err_answer: "Choose a result for “{item}”.",
    err_note_finding: "Say what was found at “{item}”.",
    err_note_na: "Say why “{item}” does not apply.",
    err_finding: "Choose the kind of finding for “{item}”.",
    rec_done: "The inspection is recorded.",
    rec_revoke: "“{finding}”, once confirmed, is a ground to revoke the registration (Article 25: {ground}); the street office must revoke it.",
    rec_revoke_go: "Open the registration to revoke it",
    rec_revoke_other: "The street office has been asked to confirm and revoke.",
    rec_escalate: "A major hazard: once the street office confirms, this work is managed as high risk.",
    rec_escalate_btn: "Confirm the escalation",
    rec_escalate_other: "An officer of the street office confirms the escalation.",
    rec_escalated: "Escalated; the high-risk site inspection is due by {date}.",
    rec_refer: "“{finding}” is to be referred (suggested: {target}).",
    rec_refer_same_day: "Article 30 requires the referral the same day.",
    back_to_list: "Back to inspections",
    back_to_filing: "Back to the registration",
    fs_title: "Inspections and rectification",
    fs_none: "No inspections yet.",
    fs_record: "Record inspection",
    fs_due_on: "Due by {date}",
    fs_done_on: "Inspected on {date}",
    fs_by: "Inspector: {who}",
    fs_answers: "Checklist results",
    fs_findings: "Findings",
    fs_no_findings: "Nothing found.",
    st_open: "Open",
    st_overdue: "Overdue, not rectified",
    st_answered: "Answered, awaiting decision",
    st_rejected: "Rectification rejected, open again",
    st_accepted: "Rectification accepted",
    st_referred: "Referred",
    f_found_on: "Found on",
    f_rectify_by: "Rectify by",
    f_state: "State",
    f_item: "Checklist item",
    answer_title: "The applicant's rectification",
    answer_at: "Answered",
    answer_photo: "Rectification photo {n}",
    decision_accepted: "Accepted",
    decision_rejected: "Rejected: {reason}",
    decided_by: "Decided by {who}",
    accept: "Accept the rectification",
    reject: "Reject",
    reject_reason: "Why it is rejected",
    reject_submit: "Reject the rectification",
    done_accepted: "The rectification is accepted.",
    done_rejected: "The rectification is rejected; the applicant is told.",
    refer: "Refer",
    ref_target: "Refer to",
    ref_suggested: "{target} (suggested)",
    ref_reason: "Reason for the referral",
    ref_date: "Date of the referral: {date} (today)",
    ref_same_day: "Article 30 requires this finding to be referred the same day; it was due on {date}.",
    ref_late: "Referred late",
    ref_on_time: "Referred on time",
    ref_submit: "Refer the finding",
    done_referred: "The finding is referred.",
    referred_to: "Referred to {target} on {date}",
    escalation_pending: "Major hazard: escalation awaits the street office's confirmation",
    escalation_confirmed: "Escalated to high-risk management",
    management_under: "Under rectification",
    management_referred: "Referred",
    queue_overdue: "Inspections overdue: {n}",
    follow_up: "Schedule a follow-up",
    follow_up_due: "Follow-up date",
    follow_up_hint: "Default: 1 working day after the rectification date; not done by then, it is listed as overdue.",
    follow_up_submit: "Schedule the follow-up",
    done_follow_up: "Follow-up scheduled: it is in the due inspections.",
};

/// The strings of a language.
pub fn ins(lang: Lang) -> &'static Ins {
    match lang.texts() {
        Texts::Zh => &ZH,
        Texts::En => &EN,
    }
}

thread_local! {
    /// codes.json's §9 part (`manage_codes`), parsed once.
    static WORDS: RefCell<Option<Json>> = const { RefCell::new(None) };
}

/// The embedded §9 wording as a value (the browser's `JSON.parse`; natively, in tests, serde_json).
fn manage_json() -> Json {
    let text = anbei_core::engine::embedded_manage_source();
    #[cfg(target_arch = "wasm32")]
    let v = anbei_widget::ui::web::parse_json(text);
    #[cfg(all(not(target_arch = "wasm32"), not(test)))]
    let v: Option<Json> = {
        let _ = text;
        None
    };
    #[cfg(all(not(target_arch = "wasm32"), test))]
    let v = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .map(|v| {
            fn conv(v: serde_json::Value) -> Json {
                use serde_json::Value as V;
                match v {
                    V::Null => Json::Null,
                    V::Bool(b) => Json::Bool(b),
                    V::Number(n) => Json::Num(n.as_f64().unwrap_or(0.0)),
                    V::String(s) => Json::Str(s),
                    V::Array(a) => Json::Arr(a.into_iter().map(conv).collect()),
                    V::Object(m) => Json::Obj(m.into_iter().map(|(k, v)| (k, conv(v))).collect()),
                }
            }
            conv(v)
        });
    v.and_then(|v| v.get("manage_codes").cloned())
        .unwrap_or_default()
}

/// A §9 code's words (`F_UNSAFE_PRACTICE` → 未按技术规范施工…), its title in codes.json (titles name
/// no parameter); the code itself when there is none.
pub fn code_words(code: &str, lang: Lang) -> String {
    WORDS.with(|w| {
        let mut w = w.borrow_mut();
        let m = w.get_or_insert_with(manage_json);
        match m.get(code).and_then(|c| c.get("title")) {
            Some(t) => {
                let s = lang.pick(t.str_at("zh"), t.str_at("en"));
                if s.is_empty() { t.str_at("zh") } else { s }.to_string()
            }
            None => code.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_string() {
        let (zh, en) = (ZH.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        for ((k, z), (_, e)) in zh.iter().zip(en.iter()) {
            assert!(!z.trim().is_empty() && !e.trim().is_empty(), "{k}");
        }
        // a placeholder in one language is in the other
        for ((k, z), (_, e)) in zh.iter().zip(en.iter()) {
            for ph in [
                "{date}",
                "{no}",
                "{n}",
                "{item}",
                "{finding}",
                "{target}",
                "{reason}",
                "{who}",
            ] {
                assert_eq!(z.contains(ph), e.contains(ph), "{k} {ph}");
            }
        }
    }

    #[test]
    fn codes_read_as_words() {
        let zh = code_words("F_MAJOR_HAZARD", Lang::Zh);
        assert!(zh.contains("重大事故隐患"), "{zh}");
        let en = code_words("REF_STREET_ENFORCEMENT", Lang::En);
        assert!(!en.contains("REF_") && !en.is_empty(), "{en}");
        assert_eq!(code_words("NOT_A_CODE", Lang::En), "NOT_A_CODE");
    }
}
