//! rules.md §3.3 — supervision and contractor (engineering in scope).

use super::{Cx, Rule};
use crate::facts::Fact;
use crate::result::{Assessment, Code};

/// 依据：第十条第（二）项 "对工程投资额≥300万元或建筑面积≥3000平方米的高风险小型工程，应委托监理单位实施现场
/// 监督" — `supervision_investment_yuan`, `supervision_area_m2`. A contract that reaches the investment
/// threshold settles it (the investment includes the contract), so `investment_yuan` is asked only when
/// nothing else settles it.
const SUPERVISION_REQUIRED: Rule = Rule::new(
    Code::SUPERVISION_REQUIRED,
    "第十条第（二）项",
    |cx| {
        let p = cx.p();
        cx.eng_in().and(cx.hr.and_then(|| {
            cx.ge(Fact::contract_amount_yuan, p.supervision_investment_yuan)
                .or_else(|| {
                    cx.ge(Fact::construction_area_m2, p.supervision_area_m2)
                        .or_else(|| cx.ge(Fact::investment_yuan, p.supervision_investment_yuan))
                })
        }))
    },
);

/// 依据：第十条第（二）项 "对其他类型的限额以下小型工程，支持和鼓励建设单位委托监理单位进行工程监理"
const SUPERVISION_ENCOURAGED: Rule = Rule::new(
    Code::SUPERVISION_ENCOURAGED,
    "第十条第（二）项",
    |cx| cx.eng_in().and((SUPERVISION_REQUIRED.when)(cx).not()),
);

/// 依据：第十条第（一）项 "高风险小型工程施工必须委托给具有相应资质的企业承担"; 第十三条第（二）项 "承接高风险小型
/// 工程的，必须具有相应资质等级的企业资质证书及安全生产许可证"
const QUALIFIED_CONTRACTOR_REQUIRED: Rule = Rule::high_risk(
    Code::QUALIFIED_CONTRACTOR_REQUIRED,
    "第十条第（一）项、第十三条第（二）项",
);

pub(crate) const RULES: &[Rule] = &[
    SUPERVISION_REQUIRED,
    SUPERVISION_ENCOURAGED,
    QUALIFIED_CONTRACTOR_REQUIRED,
];

/// `supervision` once engineering in scope is certain: required, or else encouraged.
pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    let engineering = cx.eng_in();
    let required = (SUPERVISION_REQUIRED.when)(cx);
    match (cx.out(engineering), cx.out(required)) {
        (Some(true), Some(true)) => a.supervision = Some(Code::SUPERVISION_REQUIRED),
        (Some(true), Some(false)) => a.supervision = Some(Code::SUPERVISION_ENCOURAGED),
        _ => {}
    }
    cx.sup_req = required;
    a.qualified_contractor_required = cx.out((QUALIFIED_CONTRACTOR_REQUIRED.when)(cx));
}
