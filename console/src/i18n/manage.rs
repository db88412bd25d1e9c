//! The strings of the management screens added after the inspections ones: the record of work found
//! without registration (`#/unregistered`), the referral's department, the revocation link of a
//! finding, the overdue-inspections box of the queue and the escalation's explanation. Apart from
//! `inspect.rs` so that both grow without conflict; same rules (both languages or no compile).

use anbei_widget::i18n::{Lang, Texts};

macro_rules! catalogue {
    ($($name:ident),* $(,)?) => {
        /// Every string of these screens, in one language.
        pub struct Mg { $(pub $name: &'static str),* }

        impl Mg {
            /// Every string with its key (for the completeness test).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

catalogue! {
    ur_link, ur_title, ur_intro, ur_street, ur_community, ur_address, ur_address_hint, ur_when,
    ur_note, ur_findings, ur_finding_n, ur_add_finding, ur_remove_finding, ur_code, ur_finding_note,
    ur_rectify_by, ur_rectify_hint, ur_refer, ur_refer_hint, ur_submit, ur_done, ur_recent,
    ur_none, ur_col_when, ur_col_address, ur_col_community, ur_choose, ur_refer_officer,
    ref_department, ref_department_hint, ref_department_suggested, ref_department_usual,
    ref_department_other, revoke_go, revoke_hint, overdue_box_intro, overdue_all,
    escalated_why, escalated_pending_why, rf_col, rf_none, rf_referred,
}

pub static ZH: Mg = Mg {
    ur_link: "记录未登记施工作业",
    ur_title: "未登记施工作业",
    ur_intro: "巡查发现或群众投诉、但该地址没有登记的施工作业：按地址记录所见和发现的问题，督促办理登记；需要转办的，街道工作人员可同时转办（第三十条第（三）项、第三十六条）。",
    ur_street: "街道",
    ur_community: "社区（可选）",
    ur_address: "地址",
    ur_address_hint: "发现施工作业的详细地址，如门牌号、楼栋、房号。",
    ur_when: "发现日期",
    ur_note: "所见情况",
    ur_findings: "发现的问题",
    ur_finding_n: "问题{n}",
    ur_add_finding: "再加一项问题",
    ur_remove_finding: "删除问题{n}",
    ur_code: "问题类别",
    ur_finding_note: "情况说明",
    ur_rectify_by: "整改期限（可选）",
    ur_rectify_hint: "不填则为发现后3个工作日（本系统规则）。",
    ur_refer: "同时转办",
    ur_refer_hint: "转办由街道工作人员办理（第三十六条）。",
    ur_submit: "保存记录",
    ur_done: "已记录：{address}。",
    ur_recent: "已记录的未登记施工作业",
    ur_none: "尚无记录。",
    ur_col_when: "检查日期",
    ur_col_address: "地址",
    ur_col_community: "社区",
    ur_choose: "请选择",
    ur_refer_officer: "如需转办，请告知街道工作人员。",
    ref_department: "转办部门",
    ref_department_hint: "建议的部门排在前面；其次为常用部门。",
    ref_department_suggested: "{department}（建议）",
    ref_department_usual: "常用部门",
    ref_department_other: "其他部门",
    revoke_go: "撤销登记（第二十五条：{ground}）",
    revoke_hint: "该问题经确认属于撤销登记的情形，街道应撤销该登记。",
    overdue_box_intro: "以下检查已过应检查日期，请优先安排。",
    overdue_all: "查看全部逾期检查",
    escalated_why: "{date}发现“重大事故隐患”（第三十条第（七）项），经街道确认，该工程提级参照高风险小型工程管理：适用高风险检查项目和现场安全管理义务，高风险现场检查应在提级后3个工作日内完成（本系统规则），申请人已获告知。",
    rf_col: "发现的问题",
    rf_none: "未发现问题",
    rf_referred: "已转办{target}（{date}）",
    escalated_pending_why: "“重大事故隐患”（第三十条第（七）项）须街道工作人员确认后提级参照高风险小型工程管理；确认后适用高风险检查项目，并应在3个工作日内完成高风险现场检查。",
};

pub static EN: Mg = Mg {
    ur_link: "Record unregistered work",
    ur_title: "Work found without registration",
    ur_intro: "Work found on patrol or reported at an address with no registration: record what was seen and found against the address, and guide the owner to register; the street office may refer it at once (Article 30 (3), Article 36).",
    ur_street: "Street",
    ur_community: "Community (optional)",
    ur_address: "Address",
    ur_address_hint: "Where the work was found: number, building, room.",
    ur_when: "Date found",
    ur_note: "What was seen",
    ur_findings: "Findings",
    ur_finding_n: "Finding {n}",
    ur_add_finding: "Add another finding",
    ur_remove_finding: "Remove finding {n}",
    ur_code: "What was found",
    ur_finding_note: "Details",
    ur_rectify_by: "Rectify by (optional)",
    ur_rectify_hint: "Empty: 3 working days after it was found (product policy).",
    ur_refer: "Refer now",
    ur_refer_hint: "The street office refers (Article 36).",
    ur_submit: "Save the record",
    ur_done: "Recorded: {address}.",
    ur_recent: "Unregistered work recorded",
    ur_none: "Nothing recorded yet.",
    ur_col_when: "Inspected",
    ur_col_address: "Address",
    ur_col_community: "Community",
    ur_choose: "Choose",
    ur_refer_officer: "To refer it, tell the street office.",
    ref_department: "Department",
    ref_department_hint: "Suggested departments first, then the usual ones.",
    ref_department_suggested: "{department} (suggested)",
    ref_department_usual: "Usual departments",
    ref_department_other: "Other departments",
    revoke_go: "Revoke the registration (Article 25: {ground})",
    revoke_hint: "Once confirmed, this finding is a ground to revoke; the street office must revoke the registration.",
    overdue_box_intro: "These inspections are past their due date; arrange them first.",
    overdue_all: "All overdue inspections",
    escalated_why: "A major hazard was found on {date} (Article 30 (7)); the street office confirmed it, so this work is under high-risk management: the high-risk checklist items and site duties apply, the high-risk site inspection is due within 3 working days of the escalation (product policy), and the applicant has been told.",
    rf_col: "Findings",
    rf_none: "No findings",
    rf_referred: "Referred to {target} ({date})",
    escalated_pending_why: "A major hazard (Article 30 (7)) escalates the work to high-risk management once the street office confirms it; the high-risk checklist items then apply and the high-risk site inspection is due within 3 working days.",
};

/// The strings of a language.
pub fn mg(lang: Lang) -> &'static Mg {
    match lang.texts() {
        Texts::Zh => &ZH,
        Texts::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_string_and_placeholder() {
        let (zh, en) = (ZH.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        for ((k, z), (_, e)) in zh.iter().zip(en.iter()) {
            assert!(!z.trim().is_empty() && !e.trim().is_empty(), "{k}");
            for ph in [
                "{date}",
                "{n}",
                "{address}",
                "{department}",
                "{ground}",
                "{target}",
            ] {
                assert_eq!(z.contains(ph), e.contains(ph), "{k} {ph}");
            }
        }
    }
}
