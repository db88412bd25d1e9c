//! rules.md §3.5 — obligations shown to the applicant: every in-scope case, engineering in scope,
//! hazard-driven (engineering and odd jobs), and out of scope.

use super::{Cx, Rule, apply, scopes};
use crate::facts::Fact;
use crate::result::{Assessment, Code, Obligation};

/// 依据：第九条 "建设单位或业主应在限额以下小型工程或零星作业开工前……办理安全生产信息登记手续"; 第二十五条
const REGISTER_BEFORE_START: Rule =
    Rule::in_scope(Code::O_REGISTER_BEFORE_START, "第九条、第二十五条");
/// 依据：第二十八条 "建设单位或业主应遵循诚信原则申报登记安全生产信息和材料，并对登记信息和材料的真实性负责";
/// 第十条第（三）项; 第二十五条 "凡涉及虚假申报……的，信息登记无效，予以撤销"
const TRUTHFUL_FILING: Rule = Rule::in_scope(
    Code::O_TRUTHFUL_FILING,
    "第二十八条、第十条第（三）项、第二十五条",
);
/// 依据：第八条 "安全生产信息登记为告知性登记……不视为对违法建设施工或违法生产作业的许可"; 第二十五条 "建设单位或者
/// 业主应当按照有关法律法规规定在施工作业前自行完善其他有关合法性手续"; 第五条 last paragraph
const OTHER_APPROVALS: Rule = Rule::in_scope(Code::O_OTHER_APPROVALS, "第八条、第二十五条、第五条");
/// 依据：第十三条第（十）项 "依法为从业人员缴纳工伤保险费……限额以下小型工程的施工单位应按照法律法规有关规定投保
/// 安全生产责任保险"
const INSURANCE: Rule = Rule::in_scope(Code::O_INSURANCE, "第十三条第（十）项");
/// 依据：第十三条第（十一）项 "通过合法途径开展清运消纳……在完工注销时录入建筑废弃物排放与处置信息"; 第三十条第（八）项
const WASTE_DISPOSAL: Rule = Rule::in_scope(
    Code::O_WASTE_DISPOSAL,
    "第十三条第（十一）项、第三十条第（八）项",
);
/// 依据：第三十三条 "建设单位或者业主应当在完工后3个工作日内及时申报注销" (`cancellation_working_days`)
const CANCEL_AFTER_COMPLETION: Rule = Rule::in_scope(Code::O_CANCEL_AFTER_COMPLETION, "第三十三条");
/// 依据：第二十五条 "信息登记有效期限为6个月，根据实际情况需要延期的，建设单位或者业主应在逾期前15日内申请延期"
/// (`validity_months`, `extension_window_days`)
const EXTEND_BEFORE_EXPIRY: Rule = Rule::in_scope(Code::O_EXTEND_BEFORE_EXPIRY, "第二十五条");

/// 依据：第十条第（一）项 "依法将限额以下小型工程委托给具备相应资质等级或者安全生产条件的生产经营单位进行施工"
const CAPABLE_CONTRACTOR: Rule = Rule::engineering(Code::O_CAPABLE_CONTRACTOR, "第十条第（一）项");

/// 依据：第十条第（三）项 "将限额以下小型工程信息登记回执、安全生产承诺书、风险告知书、施工人员信息等内容张贴在工程
/// 主要入口处醒目位置"
const POST_AT_ENTRANCE: Rule = Rule::engineering(Code::O_POST_AT_ENTRANCE, "第十条第（三）项");

/// 依据：第十条第（一）项 "高风险小型工程施工必须委托给具有相应资质的企业承担"
const QUALIFIED_CONTRACTOR: Rule =
    Rule::high_risk(Code::O_QUALIFIED_CONTRACTOR, "第十条第（一）项");

/// 依据：第十条第（二）项 "……应委托监理单位实施现场监督"
const SUPERVISION: Rule = Rule::new(Code::O_SUPERVISION, "第十条第（二）项", |cx| {
    cx.sup_req
});

/// 依据：第十条第（五）项 "对物业管理区域内的房屋装饰装修，应当与物业管理单位签订装饰装修管理服务协议"
const DECORATION_AGREEMENT: Rule = Rule::new(
    Code::O_DECORATION_AGREEMENT,
    "第十条第（五）项",
    |cx| {
        cx.eng_in()
            .and(cx.has_flag('D'))
            .and(cx.b(Fact::property_managed))
    },
);

/// 依据：第十条第（六）项 "确需变动的，应当在施工前委托原设计单位或者具有相应资质等级的设计单位提出设计方案……涉及
/// 增加使用荷载、改变房屋使用功能……应当在施工前后委托鉴定机构开展房屋安全鉴定……经建设单位验收后投入使用";
/// 第十条第（七）项 (lift additions and alterations outside the guidance case)
const STRUCTURAL_PROCEDURE: Rule = Rule::new(
    Code::O_STRUCTURAL_PROCEDURE,
    "第十条第（六）（七）项",
    |cx| cx.structural_procedure(),
);

/// 依据：第十条第（七）项 "应依法依规落实工程规划、特种设备管理有关规定……对于电梯更换、拆除工程，应当依法依规落实
/// 特种设备管理等有关规定"
const ELEVATOR_SPECIAL_EQUIPMENT: Rule = Rule::new(
    Code::O_ELEVATOR_SPECIAL_EQUIPMENT,
    "第十条第（七）项",
    |cx| cx.eng_in().and(cx.is_activity("elevator")),
);

/// 依据：第十条第（八）项 "涉及人员密集场所动火作业的，应严格落实人员密集场所动火作业安全管理的若干措施";
/// 第十三条第（七）项 (the same, for the contractor)
const HOT_WORK_CROWDED_MEASURES: Rule = Rule::new(
    Code::O_HOT_WORK_CROWDED_MEASURES,
    "第十条第（八）项、第十三条第（七）项",
    |cx| cx.eng_in().and(cx.hot_work_crowded()),
);

/// 依据：第十条第（八）项 "涉及动土作业的，应查清地下管线情况，并按规定签订有关保护协议"; 第十三条第（八）项
/// "涉及动土作业的，施工单位应根据查明的地下管线情况制定地下管线保护方案，落实保护措施"
const PIPELINE_SURVEY: Rule = Rule::new(
    Code::O_PIPELINE_SURVEY,
    "第十条第（八）项、第十三条第（八）项",
    |cx| cx.eng_in().and(cx.b(Fact::earthwork)),
);

/// 依据：第十条第（九）项 "涉及拆改燃气管道及设施的，应当事先征求管道燃气企业的意见，并委托具有相应资质的单位实施；
/// 拆改施工完成后，经管道燃气企业安全检查合格后方可投入使用"
const GAS_COMPANY: Rule = Rule::new(Code::O_GAS_COMPANY, "第十条第（九）项", |cx| {
    cx.eng_in().and(cx.b(Fact::gas_pipeline_alteration))
});

/// 依据：第三十二条第（一）至（七）项 "高风险小型工程施工应遵照以下管理要求：（一）高风险小型工程办理安全生产信息登记
/// 后，街道办事处应于3个工作日内组织开展现场检查；（二）建设单位、施工单位必须配备现场安全管理人员；（三）施工单位
/// 必须组织编制施工组织方案，明确施工计划、工艺技术、安全保证措施、人员保障、应急处置措施等内容……报建设单位审批后
/// 存档……不得擅自修改施工方案；（四）……书面安全技术交底……交底资料由双方共同签字确认，并留档备查；（五）施工单位
/// 应配备与所承接的小型工程专业、规模相符的注册建造师或者专业技术人员，施工作业前组织班前安全生产交底……并检查安全
/// 防护用品的穿戴使用；（六）……发生危及人身安全的险情时……立即组织施工人员停止作业、撤离危险区域；（七）施工单位
/// 应严格划定作业区域，施工区域与其他区域必须采用不燃材料进行防火分隔；实施动火作业的要严格遵守相关规定……"
/// (v3: all seven items; also for works escalated to high-risk management, 第三十条第（七）项).
const HIGH_RISK_SITE_MANAGEMENT: Rule = Rule::high_risk(
    Code::O_HIGH_RISK_SITE_MANAGEMENT,
    "第三十二条第（一）至（七）项",
);

/// 依据：第十条第（十一）项 "不得违法分解工程，规避申请办理施工许可证" — for works that need a permit, and (*product
/// policy*, N_NEAR_LIMIT_POLICY) for small projects within `near_limit_fraction` below a limit.
const NO_SPLITTING: Rule = Rule::new(Code::O_NO_SPLITTING, "第十条第（十一）项", |cx| {
    cx.scope_in(const { scopes(&[Code::NEEDS_PERMIT]) })
        .or(near_limit_policy(cx))
});

/// 依据：第十一条第（二）项 "应督促承揽业务的生产经营单位依法取得特种作业操作证"; 第十三条第（六）项 "涉及特种作业的，
/// 应安排依法取得特种作业操作证人员从事相关特种作业"
const SPECIAL_CERTIFICATES: Rule = Rule::new(
    Code::O_SPECIAL_CERTIFICATES,
    "第十一条第（二）项、第十三条第（六）项",
    |cx| cx.in_scope().and(cx.special_operation()),
);

/// 依据：第十一条第（二）项 "高处作业等特种作业地点在物业管理区域内的，在开展作业前应报物业服务企业知晓，并接受物业
/// 服务企业的现场监督"; 第二十三条第（三）项 (the property company's watch)
const NOTIFY_PROPERTY: Rule = Rule::new(
    Code::O_NOTIFY_PROPERTY,
    "第十一条第（二）项、第二十三条第（三）项",
    |cx| {
        cx.in_scope()
            .and(cx.special_operation())
            .and(cx.b(Fact::property_managed))
    },
);

/// 依据：第十三条第（七）项 "涉及……吊装、动火、临时用电、悬吊、挖掘、拆除作业，有限空间作业，高处作业以及其他危险
/// 作业的，应编制专项作业方案，经本单位主要技术负责人或者分管安全生产的负责人审查同意，确认现场符合安全作业条件和
/// 要求后方可作业"
const DANGEROUS_WORK_PLAN: Rule = Rule::new(
    Code::O_DANGEROUS_WORK_PLAN,
    "第十三条第（七）项",
    |cx| cx.in_scope().and(cx.dangerous_work()),
);

/// 依据：第十三条第（九）项 "施工现场涉及使用危险化学品的，应当严格按照危险化学品安全相关规定管理"
const HAZARDOUS_CHEMICALS: Rule = Rule::new(
    Code::O_HAZARDOUS_CHEMICALS,
    "第十三条第（九）项",
    |cx| cx.in_scope().and(cx.b(Fact::hazardous_chemicals)),
);

/// 依据：第二十七条第（三）项 "对于应当申请办理施工许可证的，告知其向有关部门申请办理施工许可手续"; 第十条第（十一）项
/// — also for a public-safety structure (第二条第（六）项).
const APPLY_FOR_PERMIT: Rule = Rule::new(
    Code::O_APPLY_FOR_PERMIT,
    "第二十七条第（三）项、第十条第（十一）项",
    |cx| {
        cx.scope_in(const { scopes(&[Code::NEEDS_PERMIT, Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE]) })
    },
);

/// §3.5 in its order.
pub(crate) const RULES: &[Rule] = &[
    REGISTER_BEFORE_START,
    TRUTHFUL_FILING,
    OTHER_APPROVALS,
    INSURANCE,
    WASTE_DISPOSAL,
    CANCEL_AFTER_COMPLETION,
    EXTEND_BEFORE_EXPIRY,
    CAPABLE_CONTRACTOR,
    POST_AT_ENTRANCE,
    QUALIFIED_CONTRACTOR,
    SUPERVISION,
    DECORATION_AGREEMENT,
    STRUCTURAL_PROCEDURE,
    ELEVATOR_SPECIAL_EQUIPMENT,
    HOT_WORK_CROWDED_MEASURES,
    PIPELINE_SURVEY,
    GAS_COMPANY,
    HIGH_RISK_SITE_MANAGEMENT,
    NO_SPLITTING,
    SPECIAL_CERTIFICATES,
    NOTIFY_PROPERTY,
    DANGEROUS_WORK_PLAN,
    HAZARDOUS_CHEMICALS,
    APPLY_FOR_PERMIT,
];

/// *Product policy*: a small project whose contract or area is within `near_limit_fraction` below its
/// limit is reminded not to split the work.
fn near_limit_policy(cx: &Cx<'_>) -> crate::assess::Tri {
    let p = cx.p();
    let near = 1.0 - p.near_limit_fraction;
    let near_limit = cx
        .within(
            Fact::contract_amount_yuan,
            p.limit_contract_yuan * near,
            p.limit_contract_yuan,
        )
        .or(cx.within(
            Fact::construction_area_m2,
            p.limit_area_m2 * near,
            p.limit_area_m2,
        ));
    cx.scope_in(const { scopes(&[Code::SMALL_PROJECT]) })
        .and(near_limit)
}

pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    apply(cx, RULES, |_, r| {
        a.obligations.push(Obligation {
            code: r.code,
            article: r.article,
        })
    });
    if near_limit_policy(cx).is_true() {
        a.notes.push(cx.note("N_NEAR_LIMIT_POLICY"));
    }
}
