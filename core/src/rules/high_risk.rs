//! rules.md §3.2 — high risk: 第三条 "存在以下情形之一的，判定为高风险小型工程", and 第四条's works managed by
//! reference "按照高风险小型工程". Engineering in scope only; every trigger that holds is listed. Odd jobs
//! have no high-risk grade (their hazards drive certificates, plans and notices); an officer may still
//! escalate a badly managed project (第三十条第（七）项) — an officer's action, not a self-check outcome.
//!
//! The criteria are published and updated by the city ("高风险小型工程的判定标准依照市建设工程主管部门定期发布
//! 更新"): thresholds are the rule set's parameters.

use super::{Cx, EMPTY, Rule, scopes};
use crate::assess::Tri::{F, T, U};
use crate::facts::Fact;
use crate::model::CodeText;
use crate::result::{Assessment, Code, Text};
use crate::text::{fmt_num, mid, render};

/// A trigger on a measured depth or height (第三条第（六）（七）项): engineering in scope where the fact is
/// at least the rule set's parameter; the reason gives the measure (the threshold is in the wording).
macro_rules! at_least {
    ($code:ident, $article:literal, $fact:ident, $param:ident) => {
        Rule {
            code: Code::$code,
            article: $article,
            when: |cx| cx.eng_in().and(cx.ge(Fact::$fact, cx.p().$param)),
            because: Some(|cx, ct| measured(cx, ct, Fact::$fact)),
        }
    };
}

/// 依据：第三条第（一）项 "施工承包合同金额＞100万元但施工区域建筑面积≤500平方米的限额以下小型工程；施工区域建筑
/// 面积＞500平方米但施工承包合同金额≤100万元的限额以下小型工程" — exactly one side over its limit (a work with
/// no building area has only one side).
const LIMIT_ONE_SIDE: Rule = Rule {
    code: Code::HR_LIMIT_ONE_SIDE,
    article: "第三条第（一）项",
    when: |cx| {
        let p = cx.p();
        cx.scope_in(const { scopes(&[Code::SMALL_PROJECT]) }).and(
            cx.gt(Fact::contract_amount_yuan, p.limit_contract_yuan)
                .xor(cx.gt(Fact::construction_area_m2, p.limit_area_m2)),
        )
    },
    because: Some(|cx, ct| {
        let contract_over = cx
            .gt(Fact::contract_amount_yuan, cx.p().limit_contract_yuan)
            .is_true();
        let detail = super::scope::size_word(
            cx,
            cx.word(if contract_over {
                "contract_over"
            } else {
                "area_over"
            }),
        );
        reason(
            ct,
            "detail",
            (detail.zh.into_owned(), detail.en.into_owned()),
        )
    }),
};

/// 依据：第三条第（二）项 "涉及变动建筑主体和承重结构，增加使用荷载、改变房屋使用功能进而影响房屋安全使用的限额以下
/// 小型工程" — read broadly: any of the three (N_STRUCTURE_BROAD; registering too much is harmless).
const STRUCTURE: Rule = Rule {
    code: Code::HR_STRUCTURE,
    article: "第三条第（二）项",
    when: |cx| cx.eng_in().and(cx.structure_change()),
    because: Some(|cx, ct| {
        let facts = cx.fact_list(&[
            Fact::structural_change,
            Fact::load_increase,
            Fact::use_change,
        ]);
        reason(ct, "facts", facts)
    }),
};

/// 依据：第三条第（三）项 "限额以下的电梯加装、改造、更换、拆除工程"
const ELEVATOR: Rule = Rule {
    code: Code::HR_ELEVATOR,
    article: "第三条第（三）项",
    when: |cx| cx.eng_in().and(cx.is_activity("elevator")),
    because: Some(|cx, ct| reason(ct, "work", cx.elevator_work_name())),
};

/// 依据：第三条第（四）项 "涉及人员密集场所动火作业的限额以下小型工程"; 第四十五条 defines both: "人员密集场所，
/// 是指公众聚集场所，医院的门诊楼、病房楼，学校的教学楼……" (the venues marked crowded) and "动火作业".
const HOT_WORK_CROWDED: Rule = Rule {
    code: Code::HR_HOT_WORK_CROWDED,
    article: "第三条第（四）项、第四十五条",
    when: |cx| cx.eng_in().and(cx.hot_work_crowded()),
    because: Some(|cx, ct| {
        let v = cx.code(Fact::venue).and_then(|i| cx.rs.file.venues.get(i));
        let venue = v
            .map(|v| (v.name.zh.clone(), mid(&v.name.en)))
            .unwrap_or_default();
        reason(ct, "venue", venue)
    }),
};

/// 依据：第三条第（五）项 "涉及有限空间作业的限额以下小型工程"
const CONFINED_SPACE: Rule = Rule::new(Code::HR_CONFINED_SPACE, "第三条第（五）项", |cx| {
    cx.eng_in().and(cx.b(Fact::confined_space))
});

/// 依据：第三条第（六）项 "涉及开挖深度超过3米（含3米）的基坑（槽）土方开挖的限额以下小型工程" — depth ≥
/// `deep_excavation_m`.
const DEEP_EXCAVATION: Rule = at_least!(
    HR_DEEP_EXCAVATION,
    "第三条第（六）项",
    excavation_depth_m,
    deep_excavation_m
);

/// 依据：第三条第（七）项 "涉及搭设高度24米及以上的落地式钢管脚手架工程（包括采光井、电梯井脚手架）的限额以下小型
/// 工程" — height ≥ `high_scaffold_m`.
const HIGH_SCAFFOLD: Rule = at_least!(
    HR_HIGH_SCAFFOLD,
    "第三条第（七）项",
    scaffold_height_m,
    high_scaffold_m
);

/// 依据：第三条第（八）项 "涉及起重吊装工程的限额以下小型工程"
const LIFTING: Rule = Rule::new(Code::HR_LIFTING, "第三条第（八）项", |cx| {
    cx.eng_in().and(cx.b(Fact::lifting))
});

/// 依据：第三条第（九）项 "涉及《广东省住房和城乡建设厅关于房屋市政工程危险性较大的分部分项工程安全管理的实施细则》
/// 明确的其他危险性较大的分部分项工程的限额以下小型工程"
const DANGEROUS_SUBPROJECT: Rule = Rule::new(
    Code::HR_DANGEROUS_SUBPROJECT,
    "第三条第（九）项",
    |cx| cx.eng_in().and(cx.b(Fact::other_dangerous_subproject)),
);

/// 依据：第四条 "限额以上但未纳入施工许可范围的建设工程，应参照本办法，按照高风险小型工程纳入限额以下小型工程管理"
const REFERENCE_MANAGED: Rule = Rule {
    code: Code::HR_REFERENCE_MANAGED,
    article: "第四条",
    when: |cx| cx.scope_in(const { scopes(&[Code::REFERENCE_MANAGED]) }),
    because: Some(|cx, ct| {
        let basis = super::scope::basis_text(cx);
        reason(ct, "basis", (basis.zh.into_owned(), basis.en.into_owned()))
    }),
};

/// §3.2 in the order of 第三条, then 第四条.
pub(crate) const RULES: &[Rule] = &[
    LIMIT_ONE_SIDE,
    STRUCTURE,
    ELEVATOR,
    HOT_WORK_CROWDED,
    CONFINED_SPACE,
    DEEP_EXCAVATION,
    HIGH_SCAFFOLD,
    LIFTING,
    DANGEROUS_SUBPROJECT,
    REFERENCE_MANAGED,
];

/// Lists the triggers that hold and decides `high_risk` (any trigger).
pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    let mut hr = F;
    for r in RULES {
        let t = (r.when)(cx);
        hr = hr.or(t);
        if cx.out(t) == Some(true) {
            a.high_risk_triggers.push(r.item(cx));
        }
    }
    if a.high_risk_triggers
        .iter()
        .any(|t| t.code == Code::HR_STRUCTURE)
    {
        a.notes.push(cx.note("N_STRUCTURE_BROAD"));
    }
    a.high_risk = match hr {
        T => Some(true),
        F => Some(false),
        U(_) => None,
    };
    cx.hr = hr;
}

/// The code's `because` with one value filled in.
fn reason(ct: &CodeText, name: &'static str, (zh, en): (String, String)) -> Text<'static> {
    render(
        ct.because.as_ref().unwrap_or(&EMPTY),
        &[(name, zh)],
        &[(name, en)],
    )
}

/// A measured depth or height (its threshold is in the text, from the rule set's parameters).
fn measured(cx: &Cx<'_>, ct: &CodeText, f: Fact) -> Text<'static> {
    let value = fmt_num(cx.num(f).unwrap_or(0.0));
    reason(ct, "value", (value.clone(), value))
}
