//! rules.md §3.4 — the document checklist, 第二十八条 "限额以下小型工程应当登记以下信息和材料" (engineering in
//! scope) and its last paragraph for odd jobs. Each item's `because` says which fact caused it.
//!
//! How a filing satisfies an item is not decided here: `D_WORKER_LIST`, `D_WASTE_DESTINATION` and
//! `D_SAFETY_PLEDGE` are satisfied by the filing's own fields (the workers, the disposal site, the signed
//! pledge — rules.md §3.4 v3); every other `D_*` item is one upload.

use super::{Cx, EMPTY, Rule, apply};
use crate::facts::Fact;
use crate::result::{Assessment, Code};
use crate::text::{borrowed, render};

/// 依据：第二十八条第（一）项 "基本信息登记表，或者通过登记申报平台填写基本信息"
const BASIC_FORM: Rule = Rule::engineering(Code::D_BASIC_FORM, "第二十八条第（一）项");

/// 依据：第二十八条第（二）项1 "申报登记人员的身份证"
const APPLICANT_ID: Rule = Rule::engineering(Code::D_APPLICANT_ID, "第二十八条第（二）项");

/// 依据：第二十八条第（二）项1 "建设单位或业主授权他人办理的，应提供受委托人身份材料及授权委托书"
const AGENT_AUTH: Rule = Rule::new(Code::D_AGENT_AUTH, "第二十八条第（二）项", |cx| {
    cx.eng_in().and(cx.b(Fact::via_agent))
});

/// 依据：第二十八条第（二）项2 "房屋所有权证或者证明其合法权益的有效凭证"
const PROPERTY_PROOF: Rule = Rule::engineering(Code::D_PROPERTY_PROOF, "第二十八条第（二）项");

/// 依据：第二十八条第（二）项2 "非房屋产权人申报登记的，应提供房屋产权人同意施工的书面材料"
const OWNER_CONSENT: Rule = Rule::new(
    Code::D_OWNER_CONSENT,
    "第二十八条第（二）项",
    |cx| cx.eng_in().and(cx.b(Fact::applicant_is_owner).not()),
);

/// 依据：第二十八条第（三）项 "安全生产承诺书"; 第二十七条第（四）项 "在受理登记时，应通过签署安全生产承诺书……告知
/// ……有关注意事项" — odd jobs too.
const SAFETY_PLEDGE: Rule = Rule::in_scope(
    Code::D_SAFETY_PLEDGE,
    "第二十八条第（三）项、第二十七条第（四）项",
);

/// 依据：第二十八条第（四）项 "工程委托合同或者协议书"
const CONTRACT: Rule = Rule::engineering(Code::D_CONTRACT, "第二十八条第（四）项");

/// 依据：第十条第（三）项 "确保提交信息登记的单位资质、合同、图纸、造价、人员证件等信息真实有效"; 第十三条第（六）项
/// "涉及特种作业的，应安排依法取得特种作业操作证人员从事相关特种作业"; 第三十条第（一）项 (workers on site match).
const WORKER_LIST: Rule = Rule::engineering(
    Code::D_WORKER_LIST,
    "第十条第（三）项、第十三条第（六）项、第三十条第（一）项",
);

/// 依据：第十三条第（十一）项 "在登记纳管平台登记建筑废弃物拟去往的合法消纳场所名称"
const WASTE_DESTINATION: Rule =
    Rule::engineering(Code::D_WASTE_DESTINATION, "第十三条第（十一）项");

/// 依据：第二十八条第（五）项 "属于高风险小型工程的，应提供施工、作业专项方案"
const SPECIAL_PLAN: Rule = Rule::high_risk(Code::D_SPECIAL_PLAN, "第二十八条第（五）项");

/// 依据：第十条第（三）项 "……图纸……等信息真实有效"; 第二十七条第（五）项 "对高风险小型工程可委托第三方专业力量，
/// 对施工资质、施工图及施工方案进行审查"
const DRAWINGS: Rule = Rule::high_risk(Code::D_DRAWINGS, "第十条第（三）项、第二十七条第（五）项");

/// 依据：第二十八条第（五）项 "属于装饰装修工程的，应提供装饰装修方案" (activities flagged `D`)
const DECOR_PLAN: Rule = Rule::new(Code::D_DECOR_PLAN, "第二十八条第（五）项", |cx| {
    cx.eng_in().and(cx.has_flag('D'))
});

/// 依据：第二十八条第（六）项 "属于高风险小型工程必须委托具有相应资质等级的施工企业情形的，应提供该企业在有效期内的
/// 建筑业企业资质证书及安全生产许可证，以及企业法定代表人出具的项目负责人书面授权委托书" — for lifts also the
/// special-equipment licence (第十条第（七）项).
const CONTRACTOR_LICENCES: Rule = Rule {
    code: Code::D_CONTRACTOR_LICENCES,
    article: "第二十八条第（六）项",
    when: |cx| cx.hr,
    because: Some(|cx, ct| {
        let tpl = ct.because.as_ref().unwrap_or(&EMPTY);
        if cx.is_activity("elevator").is_true() {
            borrowed(ct.because_elevator.as_ref().unwrap_or(tpl))
        } else {
            borrowed(tpl)
        }
    }),
};

/// 依据：第二十八条第（七）项 "涉及第十条第（六）项情形的，提供相应的鉴定报告、设计文件和施工方案"; 第十条第（七）项
/// (lift additions and alterations outside the guidance case "严格履行本条第（六）项的有关程序").
const STRUCTURAL_DOSSIER: Rule = Rule {
    code: Code::D_STRUCTURAL_DOSSIER,
    article: "第二十八条第（七）项、第十条第（六）（七）项",
    when: |cx| cx.structural_procedure(),
    because: Some(|cx, ct| {
        let r = if cx.structure_change().is_true() {
            let appraisal = cx
                .b(Fact::load_increase)
                .or(cx.b(Fact::use_change))
                .is_true();
            let key = if appraisal {
                "structural_with_appraisal"
            } else {
                "structural_high_risk"
            };
            let (zh, en) = cx.fact_list(&[
                Fact::structural_change,
                Fact::load_increase,
                Fact::use_change,
            ]);
            render(cx.word(key), &[("facts", zh)], &[("facts", en)])
        } else {
            let (zh, en) = cx.elevator_work_name();
            render(
                cx.word("elevator_outside_guidance"),
                &[("work", zh)],
                &[("work", en)],
            )
        };
        render(
            ct.because.as_ref().unwrap_or(&EMPTY),
            &[("reason", r.zh.into_owned())],
            &[("reason", r.en.into_owned())],
        )
    }),
};

/// 依据：第二十八条第（七）项 "涉及拆改燃气管道和设施的，应提供管道燃气企业出具的意见材料"
const GAS_OPINION: Rule = Rule::new(Code::D_GAS_OPINION, "第二十八条第（七）项", |cx| {
    cx.eng_in().and(cx.b(Fact::gas_pipeline_alteration))
});

/// 依据：第二十八条第（七）项 "涉及动土作业且经查明有地下管线的，应提供与地下管线权属或者运营管理等单位签订的安全
/// 保护协议" — `underground_pipelines` is asked only after `earthwork`.
const PIPELINE_AGREEMENT: Rule = Rule::new(
    Code::D_PIPELINE_AGREEMENT,
    "第二十八条第（七）项",
    |cx| {
        cx.eng_in().and(
            cx.b(Fact::earthwork)
                .and_then(|| cx.b(Fact::underground_pipelines)),
        )
    },
);

/// 依据：第二十八条第（七）项 "属于限额以下的合法、非单一产权、单元式既有住宅加装电梯的，应提供联合审查意见书等材料"
const ELEVATOR_JOINT_REVIEW: Rule = Rule::new(
    Code::D_ELEVATOR_JOINT_REVIEW,
    "第二十八条第（七）项",
    |cx| {
        cx.eng_in().and(cx.is_activity("elevator")).and(
            cx.elevator_is("add")
                .and_then(|| cx.b(Fact::elevator_multi_owner_residential)),
        )
    },
);

/// 依据：第二十八条第（七）项 "其它限额以下电梯加装、改造工程，应提供相关部门审批同意或者审查通过的相关材料"
const ELEVATOR_APPROVAL: Rule = Rule {
    code: Code::D_ELEVATOR_APPROVAL,
    article: "第二十八条第（七）项",
    when: |cx| {
        cx.eng_in()
            .and(cx.is_activity("elevator"))
            .and(cx.lift_outside_guidance())
    },
    because: Some(|cx, ct| {
        let (zh, en) = cx.elevator_work_name();
        render(
            ct.because.as_ref().unwrap_or(&EMPTY),
            &[("work", zh)],
            &[("work", en)],
        )
    }),
};

/// 依据：第二十八条第（七）项 "涉及第十条第（二）项情形的，提供监理合同或监理员的资质证明文件"
const SUPERVISION_CONTRACT: Rule = Rule::new(
    Code::D_SUPERVISION_CONTRACT,
    "第二十八条第（七）项",
    |cx| cx.sup_req,
);

/// 依据：第二十八条 "零星作业应当登记以下信息和材料：作业时间、地点、雇请单位或者人员、特种作业证件及其作业内容。"
const WORK_TIME: Rule = odd_job_item(Code::S_WORK_TIME);
/// 依据：第二十八条 (零星作业) "……地点……"
const WORK_PLACE: Rule = odd_job_item(Code::S_WORK_PLACE);
/// 依据：第二十八条 (零星作业) "……雇请单位或者人员……"
const HIRED_PARTY: Rule = odd_job_item(Code::S_HIRED_PARTY);
/// 依据：第二十八条 (零星作业) "……及其作业内容"
const WORK_CONTENT: Rule = odd_job_item(Code::S_WORK_CONTENT);

const fn odd_job_item(code: Code) -> Rule {
    Rule::new(code, "第二十八条", |cx| cx.odd_in())
}

/// 依据：第十一条第（二）项 "对于涉及高处作业……、电工作业、焊接与热切割作业等零星作业，应督促承揽业务的生产经营
/// 单位依法取得特种作业操作证"; 第二十八条 (零星作业) "……特种作业证件……"
const SPECIAL_CERTS: Rule = Rule {
    code: Code::S_SPECIAL_CERTS,
    article: "第十一条第（二）项",
    when: |cx| cx.odd_in().and(cx.special_operation()),
    because: Some(|cx, ct| {
        let (zh, en) = cx.fact_list(&cx.rs.special_operations);
        render(
            ct.because.as_ref().unwrap_or(&EMPTY),
            &[("facts", zh)],
            &[("facts", en)],
        )
    }),
};

/// §3.4 in the order of 第二十八条.
pub(crate) const RULES: &[Rule] = &[
    BASIC_FORM,
    APPLICANT_ID,
    AGENT_AUTH,
    PROPERTY_PROOF,
    OWNER_CONSENT,
    SAFETY_PLEDGE,
    CONTRACT,
    WORKER_LIST,
    WASTE_DESTINATION,
    SPECIAL_PLAN,
    DRAWINGS,
    DECOR_PLAN,
    CONTRACTOR_LICENCES,
    STRUCTURAL_DOSSIER,
    GAS_OPINION,
    PIPELINE_AGREEMENT,
    ELEVATOR_JOINT_REVIEW,
    ELEVATOR_APPROVAL,
    SUPERVISION_CONTRACT,
    WORK_TIME,
    WORK_PLACE,
    HIRED_PARTY,
    WORK_CONTENT,
    SPECIAL_CERTS,
];

pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    apply(cx, RULES, |cx, r| a.documents.push(r.item(cx)));
}
