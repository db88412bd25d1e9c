//! rules.md §5 — departments (第十五条—第二十一条, seed 000): the activity's primary and co-departments,
//! the venue's co-department (第十九条), FIRE for hot work (第十九条第（十四）项), MARKET for a public-safety
//! structure's special equipment. Also the hazards listed on the site's risk notice (第十条第（三）项
//! "风险告知书").

use super::Cx;
use crate::engine::Engine;
use crate::facts::Fact;
use crate::result::{Assessment, Code, Departments};

pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>) {
    let in_scope = cx.in_scope();
    let venue_known = cx.out(in_scope.and(cx.known(Fact::venue)));
    let fire = cx.out(in_scope.and(cx.b(Fact::hot_work)));
    if let Some(s) = a.scope {
        let e = cx.e;
        let mut d = Departments::default();
        let (first, rest) = cx
            .act
            .dept
            .split_first()
            .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        if s.is_in_scope()
            || matches!(
                s,
                Code::NEEDS_PERMIT | Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE
            )
        {
            if let Some(dep) = e.departments.iter().find(|x| x.code == first) {
                d.primary.push(dep.code.as_str());
            }
            for c in rest {
                push_co(e, &mut d, first, c);
            }
        }
        if s.is_in_scope() {
            if venue_known == Some(true) {
                if let Some(v) = cx.code(Fact::venue).and_then(|i| cx.rs.file.venues.get(i)) {
                    for c in &v.co {
                        push_co(e, &mut d, first, c);
                    }
                }
            }
            // 第十九条第（十四）项: the fire brigade supervises hot work (seed 000: small projects and odd jobs).
            if fire == Some(true) {
                push_co(e, &mut d, first, "FIRE");
            }
        }
        // 第二条第（六）项: boilers, pressure vessels and pressure pipelines follow special-equipment law.
        if s == Code::EXCLUDED_PUBLIC_SAFETY_STRUCTURE {
            push_co(e, &mut d, first, "MARKET");
        }
        a.departments = d;
    }
    let hazards = if cx.odd {
        &cx.rs.hazards_odd_job
    } else {
        &cx.rs.hazards_engineering
    };
    for &f in hazards {
        let present = in_scope.and(cx.hazard(f));
        if cx.out(present) == Some(true) {
            a.risk_factors.push(f.key());
        }
    }
}

fn push_co<'a>(e: &'a Engine, d: &mut Departments<'a>, primary: &str, code: &str) {
    if let Some(dep) = e.departments.iter().find(|x| x.code == code) {
        if dep.code != primary && !d.co.contains(&dep.code.as_str()) {
            d.co.push(dep.code.as_str());
        }
    }
}
