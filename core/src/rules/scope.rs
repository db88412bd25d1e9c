//! rules.md §3.1 — scope: exactly one code, the first whose condition holds, in this order.
//!
//! While a condition is unknown, the scopes after it stay possible too: the result's `scope` is set only
//! once one scope is certain, and the facts that would settle it are asked.

use super::{Cx, Rule};
use crate::assess::Tri::{self, F, T, U};
use crate::facts::{Fact, Value};
use crate::model::{CodeText, I18n};
use crate::result::{Assessment, Code, Text};
use crate::text::{fill, filled, m2, mid, render, yuan};
use std::borrow::Cow;

/// 依据：第六条第（三）项 "不适用本实施细则的情形：……（三）抢险救灾工程。"
const EXCLUDED_EMERGENCY: Rule =
    Rule::new(Code::EXCLUDED_EMERGENCY, "第六条第（三）项", |cx| {
        Tri::of(!cx.odd).and(cx.b(Fact::emergency_rescue))
    });

/// 依据：第六条第（二）项 "临时建筑工程依据《深圳市临时用地和临时建筑管理规定》（深圳市人民政府令第149 号）等
/// 相关规定进行监督管理"
const EXCLUDED_TEMPORARY: Rule =
    Rule::new(Code::EXCLUDED_TEMPORARY, "第六条第（二）项", |cx| {
        Tri::of(!cx.odd).and(cx.b(Fact::temporary_building))
    });

/// 依据：第七条 "禁止非法加建、改建、扩建房屋，如擅自增加层数、扩建地下室、在屋顶违章搭建等"; 第二十七条第（三）项
/// "对于依法依规应予禁止……的违法建设活动……依法告知登记申请人不得开工建设和生产作业，并转街道相关执法机构跟进处理"
const PROHIBITED: Rule = Rule::new(
    Code::PROHIBITED,
    "第七条、第二十七条第（三）项",
    |cx| cx.b(Fact::illegal_addition),
);

/// 依据：第六条第（一）项 "在居民住宅、生产经营单位内部（不涉及公共区域）进行的零星作业安全监管，按照有关法律法规执行"
const EXCLUDED_PRIVATE_ODD_JOB: Rule = Rule::new(
    Code::EXCLUDED_PRIVATE_ODD_JOB,
    "第六条第（一）项",
    |cx| Tri::of(cx.odd).and(cx.b(Fact::public_area).not()),
);

/// 依据：第五条 "零星作业，是指在公共区域进行的存在高处坠落、触电、物体打击、坍塌、窒息等特定安全风险且依法无需
/// 许可审批的非工程建设类生产作业经营活动" (the item is the activity's: 第五条第（一）至（八）项, 分类表 第14行).
const SPORADIC_WORK: Rule = Rule {
    code: Code::SPORADIC_WORK,
    article: "第五条",
    when: |cx| Tri::of(cx.odd),
    because: Some(|cx, ct| {
        let t = ct.because.as_ref().unwrap_or(&super::EMPTY);
        render(
            t,
            &[("activity", cx.act.name.zh.clone())],
            &[("activity", mid(&cx.act.name.en))],
        )
    }),
};

/// 依据：第二条第（四）项 "限额以下属于工程建设类（非局部且涉及土建、安装等复杂工序）的房屋保修、修缮、改造、加固" —
/// a local, simple repair is not engineering-class work.
const EXCLUDED_MINOR_REPAIR: Rule = Rule::new(
    Code::EXCLUDED_MINOR_REPAIR,
    "第二条第（四）项",
    |cx| {
        cx.is_activity("building_repair")
            .and(cx.b(Fact::repair_is_complex).not())
    },
);

/// 依据：第二条第（六）项 "限额以下的各类市政基础设施工程（涉及公共安全的桥梁、隧道、地下通道、锅炉、压力容器和压力
/// 管道等建设工程除外）" — asked only of the activities flagged `P` (第二条第（六）项's municipal works).
const EXCLUDED_PUBLIC_SAFETY_STRUCTURE: Rule = Rule::new(
    Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE,
    "第二条第（六）项",
    |cx| cx.has_flag('P').and(cx.b(Fact::public_safety_structure)),
);

/// 依据：第二条 "按规定可以不申请办理施工许可证的施工承包合同金额≤100万元或者施工区域建筑面积≤500平方米（以下统称
/// “限额以下”）的小型工程" (the limits are the rule set's `limit_contract_yuan` and `limit_area_m2`: "相关法律、法规、
/// 规章对施工许可限额予以调整的，本细则的限额相应予以调整"; the item is the activity's, 第二条第（一）至（八）项).
/// With no building area (`null`, activities flagged `L`) the contract alone decides.
const SMALL_PROJECT: Rule = Rule {
    code: Code::SMALL_PROJECT,
    article: "第二条",
    when: |cx| cx.below_limit(),
    because: Some(size_and_activity),
};

/// 依据：第四条 "限额以上但未纳入施工许可范围的建设工程，应参照本办法，按照高风险小型工程纳入限额以下小型工程管理"
/// — the activities 第四条第（一）至（三）项 list expressly (the activity's `art4`) without asking (a reading:
/// N_REFERENCE_BY_LIST); any other only when the permit does not apply, 第四条第（四）项 "其他限额以上但未纳入
/// 施工许可范围的建设工程". While the size is unknown, `permit_not_applicable` is not asked.
const REFERENCE_MANAGED: Rule = Rule {
    code: Code::REFERENCE_MANAGED,
    article: "第四条",
    when: |cx| match cx.below_limit() {
        F if cx.act.art4.is_some() => T,
        F => cx.b(Fact::permit_not_applicable),
        _ => U(0),
    },
    because: Some(|cx, ct| {
        let t = ct.because.as_ref().unwrap_or(&super::EMPTY);
        let size = size_text(cx);
        let basis = basis_text(cx);
        render(
            t,
            &[
                ("size", size.zh.into_owned()),
                ("basis", basis.zh.into_owned()),
            ],
            &[
                ("size", size.en.into_owned()),
                ("basis", basis.en.into_owned()),
            ],
        )
    }),
};

/// 依据：第二条 (above the limit: not a small project); 第十条第（十一）项 "对于应当申请办理施工许可证的工程，应按规定
/// 办理施工许可报建手续，不得违法分解工程，规避申请办理施工许可证"
const NEEDS_PERMIT: Rule = Rule {
    code: Code::NEEDS_PERMIT,
    article: "第二条、第十条第（十一）项",
    when: |_| T,
    because: Some(size_and_activity),
};

/// §3.1 in order. The order of this list is the order of the codes in `Code` (a test checks it).
pub(crate) const RULES: &[Rule] = &[
    EXCLUDED_EMERGENCY,
    EXCLUDED_TEMPORARY,
    PROHIBITED,
    EXCLUDED_PRIVATE_ODD_JOB,
    SPORADIC_WORK,
    EXCLUDED_MINOR_REPAIR,
    EXCLUDED_PUBLIC_SAFETY_STRUCTURE,
    SMALL_PROJECT,
    REFERENCE_MANAGED,
    NEEDS_PERMIT,
];

/// Decides the scope; sets the scope, its article, its reason and the notes that go with it.
pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    let (mut possible, mut unknown) = (0u16, 0u64);
    for r in RULES {
        let bit = 1u16 << (r.code as u16);
        match (r.when)(cx) {
            T => {
                possible |= bit;
                break;
            }
            F => {}
            U(m) => {
                unknown |= m;
                possible |= bit;
            }
        }
    }
    cx.scope_possible = possible;
    cx.scope_unknown = unknown;
    let scope = match (unknown, possible.count_ones()) {
        (0, 1) => RULES.get(possible.trailing_zeros() as usize),
        _ => None,
    };
    let Some(rule) = scope else {
        cx.need |= unknown;
        note_odd_other(cx, a);
        return;
    };
    let s = rule.code;
    let act = cx.act;
    a.scope = Some(s);
    a.scope_article = Some(match s {
        Code::SMALL_PROJECT | Code::SPORADIC_WORK => &act.art2,
        Code::REFERENCE_MANAGED => match &act.art4 {
            Some(x) if cx.via_art4_list() => x,
            _ => "第四条第（四）项",
        },
        _ => rule.article,
    });
    if cx.rs.code_text(s).because.is_some() {
        a.scope_because = Some(rule.item(cx).because);
    }
    if s == Code::REFERENCE_MANAGED && cx.via_art4_list() {
        a.notes.push(cx.note("N_REFERENCE_BY_LIST"));
    }
    // 第七条 still prohibits an illegal addition the Rules do not otherwise cover.
    if matches!(s, Code::EXCLUDED_EMERGENCY | Code::EXCLUDED_TEMPORARY)
        && cx.b(Fact::illegal_addition).is_true()
    {
        a.notes.push(cx.note("N_ILLEGAL_ADDITION"));
    }
    if s == Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE {
        a.notes.push(cx.note("N_PUBLIC_SAFETY_SPECIAL_EQUIPMENT"));
    }
    note_odd_other(cx, a);
}

/// 依据：第五条第（八）项 "其他由市、区政府决定予以安全生产纳管的零星作业活动" — only where such a decision exists.
fn note_odd_other<'e>(cx: &Cx<'e>, a: &mut Assessment<'e>) {
    if cx.act.code == "odd_other" {
        a.notes.push(cx.note("N_ODD_OTHER_DECISION"));
    }
}

impl Cx<'_> {
    /// Above the limit and listed in 第四条第（一）至（三）项.
    pub(crate) fn via_art4_list(&self) -> bool {
        self.below_limit() == F && self.act.art4.is_some()
    }
}

/// SMALL_PROJECT, NEEDS_PERMIT: the size against the limit, and the activity.
fn size_and_activity<'a>(cx: &Cx<'a>, ct: &'a CodeText) -> Text<'a> {
    let t = ct.because.as_ref().unwrap_or(&super::EMPTY);
    let size = size_text(cx);
    render(
        t,
        &[
            ("size", size.zh.into_owned()),
            ("activity", cx.act.name.zh.clone()),
        ],
        &[
            ("size", size.en.into_owned()),
            ("activity", mid(&cx.act.name.en)),
        ],
    )
}

/// The contract amount and the area against the limits (a word of `codes.json` with the case's values).
pub(crate) fn size_word(cx: &Cx<'_>, word: &I18n) -> Text<'static> {
    let contract = cx
        .num(Fact::contract_amount_yuan)
        .map(yuan)
        .unwrap_or_default();
    let (area_zh, area_en): (Cow<'_, str>, Cow<'_, str>) =
        match cx.v[Fact::construction_area_m2 as usize] {
            Some(Value::Num(x)) => {
                let s = m2(x);
                (Cow::Owned(s.clone()), Cow::Owned(s))
            }
            Some(Value::NoArea) => {
                let w = cx.word("no_area");
                (Cow::Borrowed(w.zh.as_str()), Cow::Borrowed(w.en.as_str()))
            }
            _ => (Cow::Borrowed(""), Cow::Borrowed("")),
        };
    filled(
        word,
        &[("contract", &contract), ("area", &area_zh)],
        &[("contract", &contract), ("area", &area_en)],
    )
}

/// Which limit the work is within, or that it is above both.
fn size_text(cx: &Cx<'_>) -> Text<'static> {
    let area = cx.v[Fact::construction_area_m2 as usize];
    let key = match (cx.contract_within_limit(), cx.area_within_limit(), area) {
        (T, _, _) => "size_contract_within",
        (_, T, _) => "size_area_within",
        (F, _, Some(Value::NoArea)) => "size_contract_over_no_area",
        (F, F, _) => "size_both_over",
        _ => {
            return Text {
                zh: Cow::Borrowed(""),
                en: Cow::Borrowed(""),
            };
        }
    };
    size_word(cx, cx.word(key))
}

/// Why an above-limit work is managed by reference: listed in 第四条, or the permit does not apply.
pub(crate) fn basis_text(cx: &Cx<'_>) -> Text<'static> {
    let t = cx.word(if cx.via_art4_list() {
        "basis_art4_listed"
    } else {
        "basis_permit_not_applicable"
    });
    let act = cx.act;
    Text {
        zh: Cow::Owned(fill(&t.zh, &[("activity", &act.name.zh)])),
        en: Cow::Owned(fill(&t.en, &[("activity", &mid(&act.name.en))])),
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::result::Code;

    /// The scope bit sets rely on the scope codes being the first codes, in the order of §3.1.
    #[test]
    fn scope_rules_are_the_first_codes_in_order() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code as usize, i, "{:?}", r.code);
            assert_eq!(Code::ALL[i], r.code);
        }
    }
}
