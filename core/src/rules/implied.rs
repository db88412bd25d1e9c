//! rules.md §2 "implies": facts the work itself settles. The engine sets them and does not ask them; an
//! answer saying otherwise is overridden (the work is what it is) and the result says so in a note.

use super::{Cx, EMPTY};
use crate::facts::{Fact, Value};
use crate::model::I18n;
use crate::result::{Assessment, Note};
use crate::text::filled;

/// Facts implied by the activity (the activity table's `implies`: an external-wall job is work at
/// height in a public area, 第五条第（二）项) and by other facts (the hazards table's `implications`:
///
/// 依据：第四十五条 "所称动火作业是指……包括使用电焊、气焊（割）、喷灯、电钻、砂轮、喷砂机等进行的作业" —
/// welding and thermal cutting are hot work).
pub(crate) fn decide<'e>(cx: &mut Cx<'e>, a: &mut Assessment<'e>, by_activity: &[Fact]) {
    let (act, rs) = (cx.act, cx.rs);
    for &f in by_activity {
        if cx.v[f as usize] == Some(Value::Bool(false)) {
            let n = fact_name(cx, f);
            push_overridden(cx, a, n, &act.name);
        }
        cx.v[f as usize] = Some(Value::Bool(true));
    }
    for &(if_, then) in &rs.implications {
        if cx.v[if_ as usize] != Some(Value::Bool(true)) {
            continue;
        }
        if cx.v[then as usize] == Some(Value::Bool(false)) {
            let (n, r) = (fact_name(cx, then), fact_name(cx, if_));
            push_overridden(cx, a, n, r);
        }
        cx.v[then as usize] = Some(Value::Bool(true));
        if if_ == Fact::welding {
            a.notes.push(cx.note("N_WELDING_IS_HOT_WORK"));
        }
    }
}

fn fact_name<'e>(cx: &Cx<'e>, f: Fact) -> &'e I18n {
    cx.rs.texts.fact_names.get(f.key()).unwrap_or(&EMPTY)
}

/// N_IMPLIED_FACT: "`fact` taken as yes: `reason`".
fn push_overridden(cx: &Cx<'_>, a: &mut Assessment<'_>, fact: &I18n, reason: &I18n) {
    if let Some(t) = cx.rs.texts.notes.get("N_IMPLIED_FACT") {
        a.notes.push(Note {
            code: "N_IMPLIED_FACT",
            text: filled(
                t,
                &[("fact", &fact.zh), ("reason", &reason.zh)],
                &[("fact", &fact.en), ("reason", &reason.en)],
            ),
        });
    }
}
