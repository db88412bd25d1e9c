//! rules.md §9 — management after registration (第五章 日常安全巡查检查, 第六章 执法查处): the inspection
//! kinds and when they fall due (§9.1), the checklist items and when each applies (§9.2), the handling of
//! each finding (§9.3, 第三十条, 第二十五条) and the referral targets (第三十六条). One named unit per code,
//! each beside the words of its article. Wording is `data/codes.json`; day counts are the rule set's
//! parameters. The functions that read these tables are in [`crate::manage`].

use crate::facts::Fact;
use crate::manage::{
    Finding, Group, Handling, InspectionKind, ReferralWhen, ReportTo, RevocationGround, StopWork,
    When,
};
use crate::model::Kind;
use crate::result::{Code, ManageCode as M};

// ── §9.1 inspection kinds ──────────────────────────────────────────────────────────────────────────

/// An inspection kind: its code, the article it cites, and the parameter that counts its due date
/// (`None`: no due date — patrols, watches, re-inspections and ad-hoc records are done when done).
pub(crate) struct KindRule {
    pub kind: InspectionKind,
    pub article: &'static str,
    pub due_parameter: Option<&'static str>,
}

/// 依据：第三十二条第（一）项 "高风险小型工程办理安全生产信息登记后，街道办事处应于3个工作日内组织开展现场检查";
/// 第二十一条第（四）项 (the street office accepts and manages high-risk works). Due: the registration's
/// effective date + `inspection_working_days`; for a work escalated by `F_MAJOR_HAZARD` (第三十条第（七）项
/// "提级参照高风险小型工程管理"), the escalation date + `escalation_inspection_working_days` (*product policy*).
const HIGH_RISK: KindRule = KindRule {
    kind: InspectionKind::HighRisk,
    article: "第三十二条第（一）项、第二十一条第（四）项",
    due_parameter: Some("inspection_working_days"),
};
/// 依据：第三十三条 "巡查人员应对完工情况予以现场核实确认，实现闭环管理". Due: the declaration (注销申报)
/// + `completion_inspection_working_days` (*product policy*: the article sets no period).
const COMPLETION: KindRule = KindRule {
    kind: InspectionKind::Completion,
    article: "第三十三条",
    due_parameter: Some("completion_inspection_working_days"),
};
/// 依据：第二十九条 "街道办事处应按照有关巡查指引，遵循分级分类纳管要求……开展日常安全巡查工作"; 第二十一条第（三）项.
const PATROL: KindRule = KindRule {
    kind: InspectionKind::Patrol,
    article: "第二十一条第（三）项、第二十九条",
    due_parameter: None,
};
/// 依据：第二十三条第（三）项 "涉及高空作业的，物业企业应派专人全程做好旁站监督，重点检查作业人员资质备案、防护
/// 用品佩戴、作业环境安全警示标识设置等情况，留存巡查台账备查".
const PROPERTY_WATCH: KindRule = KindRule {
    kind: InspectionKind::PropertyWatch,
    article: "第二十三条第（三）项",
    due_parameter: None,
};
/// 依据：第三十四条 "核实施工单位上传的隐患整改情况"; 第三十条. *Product policy*: an on-site re-inspection is
/// optional — the article asks only that the rectification be verified; when an officer schedules one for
/// a finding, it falls due by default `follow_up_working_days` after the finding's `rectify_by`.
const FOLLOW_UP: KindRule = KindRule {
    kind: InspectionKind::FollowUp,
    article: "第三十条、第三十四条",
    due_parameter: Some("follow_up_working_days"),
};
/// 依据：第三十条第（三）项 "发现未办理安全生产信息登记手续的，应督促指导建设单位或者业主按规定办理" — recorded
/// against the address; no registration, so no generated checklist.
const UNREGISTERED: KindRule = KindRule {
    kind: InspectionKind::Unregistered,
    article: "第三十条第（三）项",
    due_parameter: None,
};

/// §9.1 in its order.
pub(crate) const KINDS: &[KindRule] = &[
    HIGH_RISK,
    COMPLETION,
    PATROL,
    PROPERTY_WATCH,
    FOLLOW_UP,
    UNREGISTERED,
];

// ── §9.2 checklist items ───────────────────────────────────────────────────────────────────────────

/// One checklist item: its code, the article it cites, which inspections carry it, and when it applies.
pub(crate) struct CheckRule {
    pub code: M,
    pub article: &'static str,
    pub group: Group,
    /// Also on a property watch (`INSPECTION_PROPERTY_WATCH`). *Product policy*, read from 第二十三条第
    /// （三）项: the watch checks 作业人员资质备案 (the workers and their certificates), 防护用品佩戴
    /// (protective equipment) and 安全警示标识 (in the watch item itself), and 第十一条第（二）项 (the company
    /// was told first).
    pub watch: bool,
    pub when: When,
}

const fn site(code: M, article: &'static str, when: When) -> CheckRule {
    CheckRule {
        code,
        article,
        group: Group::Site,
        watch: false,
        when,
    }
}
const fn watched(code: M, article: &'static str, when: When) -> CheckRule {
    CheckRule {
        code,
        article,
        group: Group::Site,
        watch: true,
        when,
    }
}
const fn completion(code: M, article: &'static str, when: When) -> CheckRule {
    CheckRule {
        code,
        article,
        group: Group::Completion,
        watch: false,
        when,
    }
}

/// 依据：第十条第（三）项 "将限额以下小型工程信息登记回执、安全生产承诺书、风险告知书、施工人员信息等内容张贴在工程
/// 主要入口处醒目位置" — a duty of small projects (engineering).
const POSTED_AT_ENTRANCE: CheckRule = site(
    M::IC_POSTED_AT_ENTRANCE,
    "第十条第（三）项",
    When::Engineering,
);
/// 依据：第三十条第（一）项 "发现施工人员到岗情况与登记情况不符的，应督促指导施工单位在纳管平台上变更人员信息";
/// 第二十三条第（三）项 "作业人员资质备案" (also on a property watch).
const WORKERS_MATCH: CheckRule = watched(M::IC_WORKERS_MATCH, "第三十条第（一）项", When::Always);
/// 依据：第十三条第（三）项 (the contractor's risk assessment and safety briefing to the workers before work).
const PRE_WORK_BRIEFING: CheckRule =
    site(M::IC_PRE_WORK_BRIEFING, "第十三条第（三）项", When::Always);
/// 依据：第十一条第（二）项 "应督促承揽业务的生产经营单位依法取得特种作业操作证"; 第十三条第（六）项 "涉及特种
/// 作业的，应安排依法取得特种作业操作证人员从事相关特种作业"; 第二十三条第（三）项 (also on a property watch).
const SPECIAL_CERTS: CheckRule = watched(
    M::IC_SPECIAL_CERTS,
    "第十一条第（二）项、第十三条第（六）项",
    When::SpecialOperation,
);
/// 依据：第三十二条第（二）项 "建设单位、施工单位必须配备现场安全管理人员".
const SAFETY_MANAGERS: CheckRule = site(
    M::IC_SAFETY_MANAGERS,
    "第三十二条第（二）项",
    When::HighRisk,
);
/// 依据：第三十二条第（三）项 "施工单位必须组织编制施工组织方案，明确施工计划、工艺技术、安全保证措施、人员保障、
/// 应急处置措施等内容。施工方案由施工单位技术负责人审核签字、加盖单位公章，报建设单位审批后存档。施工单位严格按照
/// 方案组织施工，不得擅自修改施工方案".
const ORGANISATION_PLAN: CheckRule = site(
    M::IC_ORGANISATION_PLAN,
    "第三十二条第（三）项",
    When::HighRisk,
);
/// 依据：第三十二条第（四）项 "进行书面安全技术交底……交底资料由双方共同签字确认，并留档备查"; 第（五）项 "施工单位
/// 应配备与所承接的小型工程专业、规模相符的注册建造师或者专业技术人员，施工作业前组织班前安全生产交底……并检查安全
/// 防护用品的穿戴使用".
const SAFETY_BRIEFING: CheckRule = site(
    M::IC_SAFETY_BRIEFING,
    "第三十二条第（四）（五）项",
    When::HighRisk,
);
/// 依据：第三十二条第（七）项 "施工单位应严格划定作业区域，施工区域与其他区域必须采用不燃材料进行防火分隔".
const FIRE_SEPARATION: CheckRule = site(
    M::IC_FIRE_SEPARATION,
    "第三十二条第（七）项",
    When::HighRisk,
);
/// 依据：第三十二条第（七）项 "实施动火作业的要严格遵守相关规定，严格落实人员密集场所动火作业安全管理的若干措施";
/// 第十条第（八）项; 第十三条第（七）项 — engineering or odd job (第四十五条: crowded places).
const HOT_WORK_CROWDED: CheckRule = site(
    M::IC_HOT_WORK_CROWDED,
    "第三十二条第（七）项、第十条第（八）项、第十三条第（七）项",
    When::HotWorkCrowded,
);
/// 依据：第十三条第（七）项 "应编制专项作业方案，经本单位主要技术负责人或者分管安全生产的负责人审查同意，确认现场
/// 符合安全作业条件和要求后方可作业" — where the result carries `O_DANGEROUS_WORK_PLAN`.
const DANGEROUS_WORK_PLAN: CheckRule = site(
    M::IC_DANGEROUS_WORK_PLAN,
    "第十三条第（七）项",
    When::Determination(Code::O_DANGEROUS_WORK_PLAN),
);
/// 依据：第十条第（二）项 "……应委托监理单位实施现场监督" — where the result is `SUPERVISION_REQUIRED`.
const SUPERVISOR_ON_SITE: CheckRule = site(
    M::IC_SUPERVISOR_ON_SITE,
    "第十条第（二）项",
    When::Determination(Code::SUPERVISION_REQUIRED),
);
/// 依据：第十三条第（五）项 (protective equipment provided and worn); 第二十三条第（三）项 "防护用品佩戴" (also on
/// a property watch).
const PROTECTIVE_EQUIPMENT: CheckRule = watched(
    M::IC_PROTECTIVE_EQUIPMENT,
    "第十三条第（五）项",
    When::Always,
);
/// 依据：第十条第（八）项 "涉及动土作业的，应查清地下管线情况，并按规定签订有关保护协议"; 第十三条第（八）项
/// "制定地下管线保护方案，落实保护措施" — earthwork, or any excavation.
const PIPELINE_PROTECTION: CheckRule = site(
    M::IC_PIPELINE_PROTECTION,
    "第十条第（八）项、第十三条第（八）项",
    When::AnyFact(&[Fact::earthwork, Fact::excavation_depth_m]),
);
/// 依据：第十条第（九）项 "涉及拆改燃气管道及设施的，应当事先征求管道燃气企业的意见，并委托具有相应资质的单位实施".
const GAS_WORK: CheckRule = site(
    M::IC_GAS_WORK,
    "第十条第（九）项",
    When::AnyFact(&[Fact::gas_pipeline_alteration]),
);
/// 依据：第十三条第（九）项 "施工现场涉及使用危险化学品的，应当严格按照危险化学品安全相关规定管理".
const HAZARDOUS_CHEMICALS: CheckRule = site(
    M::IC_HAZARDOUS_CHEMICALS,
    "第十三条第（九）项",
    When::AnyFact(&[Fact::hazardous_chemicals]),
);
/// 依据：第十三条第（十一）项 (closed management, noise and dust, waste sorted and removed through lawful
/// channels); 第三十条第（八）项.
const WASTE_AND_SITE: CheckRule = site(
    M::IC_WASTE_AND_SITE,
    "第十三条第（十一）项、第三十条第（八）项",
    When::Always,
);
/// 依据：第三十条第（三）（四）（五）（六）项 (site differs from the filing; beyond scope, load-bearing structure,
/// gas, hazardous chemicals; land and planning; construction permit); 第七条; 第二十五条.
const SCOPE_MATCH: CheckRule = site(
    M::IC_SCOPE_MATCH,
    "第三十条第（三）（四）（五）（六）项、第七条、第二十五条",
    When::Always,
);
/// 依据：第二十三条第（三）项 "涉及高空作业的，物业企业应派专人全程做好旁站监督"; 第十一条第（二）项 "并接受物业
/// 服务企业的现场监督". On a property watch it is the watch itself and always applies.
const PROPERTY_WATCH_ITEM: CheckRule = watched(
    M::IC_PROPERTY_WATCH,
    "第二十三条第（三）项、第十一条第（二）项",
    When::AllFacts(&[Fact::work_at_height, Fact::property_managed]),
);
/// 依据：第十一条第（二）项 "高处作业等特种作业地点在物业管理区域内的，在开展作业前应报物业服务企业知晓" — where
/// the result carries `O_NOTIFY_PROPERTY`.
const PROPERTY_NOTIFIED: CheckRule = watched(
    M::IC_PROPERTY_NOTIFIED,
    "第十一条第（二）项",
    When::Determination(Code::O_NOTIFY_PROPERTY),
);
/// 依据：第三十三条 "巡查人员应对完工情况予以现场核实确认，实现闭环管理".
const WORK_COMPLETED: CheckRule = completion(M::IC_WORK_COMPLETED, "第三十三条", When::Always);
/// 依据：第十三条第（十一）项 "在完工注销时录入建筑废弃物排放与处置信息"; 第三十三条.
const WASTE_RECORD_MATCHES: CheckRule = completion(
    M::IC_WASTE_RECORD_MATCHES,
    "第十三条第（十一）项、第三十三条",
    When::Always,
);
/// 依据：第十条第（九）项 "拆改施工完成后，经管道燃气企业安全检查合格后方可投入使用".
const GAS_SAFETY_CHECK: CheckRule = completion(
    M::IC_GAS_SAFETY_CHECK,
    "第十条第（九）项",
    When::AnyFact(&[Fact::gas_pipeline_alteration]),
);

/// §9.2 in its order.
pub(crate) const CHECKLIST: &[CheckRule] = &[
    POSTED_AT_ENTRANCE,
    WORKERS_MATCH,
    PRE_WORK_BRIEFING,
    SPECIAL_CERTS,
    SAFETY_MANAGERS,
    ORGANISATION_PLAN,
    SAFETY_BRIEFING,
    FIRE_SEPARATION,
    HOT_WORK_CROWDED,
    DANGEROUS_WORK_PLAN,
    SUPERVISOR_ON_SITE,
    PROTECTIVE_EQUIPMENT,
    PIPELINE_PROTECTION,
    GAS_WORK,
    HAZARDOUS_CHEMICALS,
    WASTE_AND_SITE,
    SCOPE_MATCH,
    PROPERTY_WATCH_ITEM,
    PROPERTY_NOTIFIED,
    WORK_COMPLETED,
    WASTE_RECORD_MATCHES,
    GAS_SAFETY_CHECK,
];

// ── §9.3 findings ──────────────────────────────────────────────────────────────────────────────────

const fn row(finding: Finding, article: &'static str) -> Handling {
    Handling {
        finding,
        article,
        applies_to: None,
        stop_work: StopWork::No,
        report_to: None,
        asks_rectification: false,
        updates_workers: false,
        referral: ReferralWhen::Never,
        revocation_ground: None,
        escalates: false,
    }
}

/// 依据：第三十条第（一）项 "发现施工人员到岗情况与登记情况不符的，应督促指导施工单位在纳管平台上变更人员信息" —
/// the worker list is updated (a registration change); no referral.
const WORKERS_MISMATCH: Handling = Handling {
    updates_workers: true,
    ..row(Finding::WorkersMismatch, "第三十条第（一）项")
};
/// 依据：第三十条第（一）项 "……未经安全教育培训或者未经考核合格……即从事相关工作的，责令整改，并按有关规定进行
/// 处置"; 第三十六条 "对于拒不执行制止或整改要求的……转至相关部门予以查处".
const UNCERTIFIED_PERSONNEL: Handling = Handling {
    stop_work: StopWork::UncertifiedWork,
    asks_rectification: true,
    referral: ReferralWhen::OnRefusal,
    ..row(Finding::UncertifiedPersonnel, "第三十条第（一）项")
};
/// 依据：第三十条第（二）项 "应立即制止，并督促整改，并向本单位报告；对拒不执行的应上报街道相关执法机构依法查处"
/// (*product policy*: a rectification past `rectify_by` counts as refusal).
const UNSAFE_PRACTICE: Handling = Handling {
    stop_work: StopWork::AtOnce,
    report_to: Some(ReportTo::OwnUnit),
    asks_rectification: true,
    referral: ReferralWhen::OnRefusal,
    ..row(Finding::UnsafePractice, "第三十条第（二）项")
};
/// 依据：第三十条第（三）项 "发现未办理安全生产信息登记手续的，应督促指导建设单位或者业主按规定办理……对未补办或者
/// 拒不登记的，于当日上报街道相关执法机构依法查处" (*product policy*: registration asked by `rectify_by`).
const UNREGISTERED_WORK: Handling = Handling {
    asks_rectification: true,
    referral: ReferralWhen::SameDayWhenOverdueOrRefused,
    ..row(Finding::Unregistered, "第三十条第（三）项")
};
/// 依据：第三十条第（三）项 "发现现场小型工程与申报登记的信息不符的，应督促指导建设单位按要求补充完善有关信息和
/// 条件；对未补办或者拒不登记的，于当日上报" ("未补办": not supplemented in time also goes the same day — the
/// regulation is wider than rules.md §9.3's "refusal"); 第二十五条 "凡涉及虚假申报……信息登记无效，予以撤销".
const REGISTRATION_MISMATCH: Handling = Handling {
    asks_rectification: true,
    referral: ReferralWhen::SameDayWhenOverdueOrRefused,
    revocation_ground: Some(RevocationGround::FalseFiling),
    ..row(
        Finding::RegistrationMismatch,
        "第三十条第（三）项、第二十五条",
    )
};
/// 依据：第三十条第（四）项 "发现超范围施工、破坏承重结构、擅自拆改燃气管道、违规使用危险化学品……应立即制止，督促
/// 整改，并按规定上报；对未按期整改或者现场存在重大安全隐患的，于当日上报街道相关执法机构依法查处"; 第二十五条
/// "超出登记范围施工……予以撤销".
const SERIOUS_VIOLATION: Handling = Handling {
    stop_work: StopWork::AtOnce,
    report_to: Some(ReportTo::Street),
    asks_rectification: true,
    referral: ReferralWhen::SameDayWhenOverdueOrMajorHazard,
    revocation_ground: Some(RevocationGround::BeyondScope),
    ..row(Finding::SeriousViolation, "第三十条第（四）项、第二十五条")
};
/// 依据：第三十条第（五）项 "发现违反土地、规划法律法规的违法建设活动，应立即制止，并上报街道综合行政执法部门依法
/// 查处"; 第三十六条第（四）项; 第二十五条 "违法建设……予以撤销".
const ILLEGAL_CONSTRUCTION: Handling = Handling {
    stop_work: StopWork::AtOnce,
    referral: ReferralWhen::SameDay,
    revocation_ground: Some(RevocationGround::IllegalConstruction),
    ..row(
        Finding::IllegalConstruction,
        "第三十条第（五）项、第三十六条第（四）项、第二十五条",
    )
};
/// 依据：第三十条第（六）项 "发现应当办理施工许可手续而未办理擅自开工建设或为规避办理施工许可证将工程分解后擅自施工
/// 的违法建设行为，应立即制止，报送街道综合行政执法部门查处"; 第二十五条 "刻意规避施工许可证办理……予以撤销".
const PERMIT_EVASION: Handling = Handling {
    stop_work: StopWork::AtOnce,
    referral: ReferralWhen::SameDay,
    revocation_ground: Some(RevocationGround::PermitEvasion),
    ..row(Finding::PermitEvasion, "第三十条第（六）项、第二十五条")
};
/// 依据：第三十条第（七）项 "发现存在重大事故隐患或者管理特别差存在较大安全风险的限额以下小型工程，应上报街道并
/// 提级参照高风险小型工程管理" — small projects (engineering) only.
const MAJOR_HAZARD: Handling = Handling {
    applies_to: Some(Kind::Engineering),
    report_to: Some(ReportTo::Street),
    escalates: true,
    ..row(Finding::MajorHazard, "第三十条第（七）项")
};
/// 依据：第三十条第（四）项 "现场存在重大安全隐患的，于当日上报街道相关执法机构依法查处" — an odd job cannot be
/// escalated (第三十条第（七）项 speaks of 小型工程 only): it is stopped and referred the same day.
const MAJOR_HAZARD_ODD_JOB: Handling = Handling {
    applies_to: Some(Kind::OddJob),
    stop_work: StopWork::AtOnce,
    referral: ReferralWhen::SameDay,
    ..row(Finding::MajorHazard, "第三十条第（四）（七）项")
};
/// 依据：第三十条第（八）项 "发现未将建筑废弃物通过合法途径开展清运消纳；单位或个人非法倾倒或者违法处置……装修
/// 废弃物、将装修废弃物与生活垃圾混投等行为的，于当日上报街道相关执法机构依法查处".
const WASTE_VIOLATION: Handling = Handling {
    referral: ReferralWhen::SameDay,
    ..row(Finding::WasteViolation, "第三十条第（八）项")
};

/// §9.3 in its order (F_MAJOR_HAZARD has a row per kind of work).
pub(crate) const FINDINGS: &[Handling] = &[
    WORKERS_MISMATCH,
    UNCERTIFIED_PERSONNEL,
    UNSAFE_PRACTICE,
    UNREGISTERED_WORK,
    REGISTRATION_MISMATCH,
    SERIOUS_VIOLATION,
    ILLEGAL_CONSTRUCTION,
    PERMIT_EVASION,
    MAJOR_HAZARD,
    MAJOR_HAZARD_ODD_JOB,
    WASTE_VIOLATION,
];

// ── 第三十六条 referral targets ───────────────────────────────────────────────────────────────────────

/// A referral target and the article it cites.
pub(crate) struct RefRule {
    pub code: M,
    pub article: &'static str,
}

/// 依据：第三十六条第（一）项 "限额以下小型工程安全生产违法行为，转街道综合执法机构……进行查处"; 第三十五条;
/// 第三十条第（六）项 "报送街道综合行政执法部门查处" (permit evasion).
const STREET_ENFORCEMENT: RefRule = RefRule {
    code: M::REF_STREET_ENFORCEMENT,
    article: "第三十六条第（一）项、第三十五条",
};
/// 依据：第三十六条第（二）项 "零星作业安全生产违法行为，按执法事权分工转负有行业安全监管职责的机构依据安全生产、
/// 消防等法律法规进行查处"; 第三十八条 (街道应急办、消防监管机构); 第十九条第（十四）项 (FIRE).
const INDUSTRY_SAFETY: RefRule = RefRule {
    code: M::REF_INDUSTRY_SAFETY,
    article: "第三十六条第（二）项、第三十八条",
};
/// 依据：第三十六条第（三）项 "其他违法行为，按执法事权分工转街道相关行业管理部门依法查处。超出街道相关行业管理部门
/// 权限的，按事权分工上报区……部门".
const DEPARTMENT: RefRule = RefRule {
    code: M::REF_DEPARTMENT,
    article: "第三十六条第（三）项",
};
/// 依据：第三十六条第（四）项 "对违法占有、使用土地等土地违法行为，以及……规划违法行为，由区城管和综合执法部门统筹
/// 组织各街道综合执法机构依法进行查处"; 第三十条第（五）项.
const LAND_PLANNING: RefRule = RefRule {
    code: M::REF_LAND_PLANNING,
    article: "第三十六条第（四）项、第三十条第（五）项",
};

pub(crate) const REFERRALS: &[RefRule] = &[
    STREET_ENFORCEMENT,
    INDUSTRY_SAFETY,
    DEPARTMENT,
    LAND_PLANNING,
];

/// The article a §9 code cites (its rule's).
pub(crate) fn article_of(code: M) -> Option<&'static str> {
    KINDS
        .iter()
        .find(|k| k.kind.code() == code)
        .map(|k| k.article)
        .or_else(|| CHECKLIST.iter().find(|r| r.code == code).map(|r| r.article))
        .or_else(|| {
            // A finding cites its (engineering) row's article.
            FINDINGS
                .iter()
                .find(|h| h.finding.code() == code)
                .map(|h| h.article)
        })
        .or_else(|| REFERRALS.iter().find(|r| r.code == code).map(|r| r.article))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every §9 code has exactly one rule, which cites an article.
    #[test]
    fn every_manage_code_has_one_rule_with_its_article() {
        for c in M::ALL {
            let n = KINDS.iter().filter(|k| k.kind.code() == *c).count()
                + CHECKLIST.iter().filter(|r| r.code == *c).count()
                + REFERRALS.iter().filter(|r| r.code == *c).count()
                + usize::from(FINDINGS.iter().any(|h| h.finding.code() == *c));
            assert_eq!(n, 1, "{c:?}");
            assert!(article_of(*c).is_some_and(|a| a.starts_with('第')), "{c:?}");
        }
        // F_MAJOR_HAZARD: one row per kind of work; every other finding one row for both.
        for f in Finding::ALL {
            let rows: Vec<_> = FINDINGS.iter().filter(|h| h.finding == *f).collect();
            let kinds: Vec<_> = rows.iter().map(|h| h.applies_to).collect();
            if *f == Finding::MajorHazard {
                assert_eq!(kinds, [Some(Kind::Engineering), Some(Kind::OddJob)]);
            } else {
                assert_eq!(kinds, [None], "{f:?}");
            }
        }
    }
}
