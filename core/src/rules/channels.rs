//! rules.md §3.6 — where to register (第二十一条, 第二十二条, 第二十三条, 第二十六条, 第二十七条), preferred first.
//! Out of scope, prohibited or needing a permit: no channel; the result says where to go instead.

use super::{Cx, Rule, apply};
use crate::facts::Fact;
use crate::result::{Assessment, Code};

/// 依据：第二十六条第（一）项 "网上安全生产信息登记：通过……登记申报平台提交电子信息材料"; 第二十七条第（二）项
/// "通过网上申报或在街道设立的其他受理点现场申报的，原则上应在3个工作日内受理反馈" (`acceptance_working_days`)
const ONLINE: Rule = Rule::in_scope(Code::C_ONLINE, "第二十六条第（一）项、第二十七条第（二）项");

/// 依据：第二十六条第（二）项 "高风险小型工程前往属地街道办事处提交纸质信息材料"; 第二十七条第（二）项 "在街道办事处
/// 现场申报的，原则上应当场受理反馈"; 第二十一条第（四）项 (high-risk filings are the street office's)
const STREET_OFFICE: Rule = Rule::high_risk(
    Code::C_STREET_OFFICE,
    "第二十六条第（二）项、第二十七条第（二）项",
);

/// 依据：第二十六条第（二）项 "非高风险小型工程和零星作业前往属地街道办事处设立的现场受理点提交纸质信息材料";
/// 第二十二条第（一）项 (the community work station's desk)
const COMMUNITY: Rule = Rule::new(
    Code::C_COMMUNITY,
    "第二十六条第（二）项、第二十七条第（二）项",
    |cx| cx.in_scope().and(cx.hr.not()),
);

/// 依据：第二十三条第（一）项 "根据所在街道办事处委托，负责物业管理区域内限额以下小型工程和零星作业的安全生产登记
/// 服务" — where the street office has delegated it.
const PROPERTY: Rule = Rule::new(
    Code::C_PROPERTY,
    "第二十三条第（一）项、第二十七条第（二）项",
    |cx| {
        cx.in_scope()
            .and(cx.hr.not())
            .and(cx.b(Fact::property_managed))
    },
);

/// 依据：第十九条第（十八）项 "……以及其他依法实施封闭式管理的场所内实施的限额以下小型工程或者零星作业由其管理单位
/// 依法自行履行安全生产统一协调、管理职责" — registration is still required (N_CLOSED_SITE).
const FACILITY_MANAGER: Rule = Rule::new(
    Code::C_FACILITY_MANAGER,
    "第十九条第（十八）项",
    |cx| cx.in_scope().and(cx.b(Fact::closed_managed_site)),
);

pub(crate) const RULES: &[Rule] = &[ONLINE, STREET_OFFICE, COMMUNITY, PROPERTY, FACILITY_MANAGER];

/// The channels, and the street office that registers the work (第二十一条: the street is always the
/// territorial authority).
pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    apply(cx, RULES, |_, r| a.channels.push(r.code));
    if (FACILITY_MANAGER.when)(cx).is_true() {
        a.notes.push(cx.note("N_CLOSED_SITE"));
    }
    let street_known = cx.in_scope().and(cx.known(Fact::street));
    if cx.out(street_known) == Some(true) {
        a.street_office = cx
            .code(Fact::street)
            .and_then(|i| cx.e.streets.get(i))
            .map(|s| s.code.as_str());
    }
}
