//! Which checklist items (rules.md §3.4, 第二十八条) a filing must upload. Since spec v3 the form itself
//! satisfies four of them — the online form is the basic form, the workers list is `D_WORKER_LIST`,
//! the waste-disposal site is `D_WASTE_DESTINATION` and the affirmed pledge is `D_SAFETY_PLEDGE` —
//! so nothing is asked twice; every other `D_*` item is one upload. (`S_*` items of odd jobs are
//! filled in by the form as well.)

use anbei_core::result::Item;
use anbei_core::{Assessment, Code};

/// The part of the filing that satisfies a checklist item without an upload (`""`: the whole form).
pub fn in_form(code: Code) -> Option<&'static str> {
    match code {
        Code::D_BASIC_FORM => Some(""),
        Code::D_WORKER_LIST => Some("workers"),
        Code::D_WASTE_DESTINATION => Some("waste_disposal_site"),
        Code::D_SAFETY_PLEDGE => Some("pledge"),
        _ => None,
    }
}

/// Whether the item is an upload: a `D_*` item the form does not satisfy.
pub fn needs_upload(code: Code) -> bool {
    code.as_str().starts_with("D_") && in_form(code).is_none()
}

/// The uploads an assessment requires, in checklist order.
pub fn uploads<'a, 'e>(a: &'a Assessment<'e>) -> impl Iterator<Item = &'a Item<'e>> {
    a.documents.iter().filter(|d| needs_upload(d.code))
}

/// Whether the assessment asks for the pledge (every in-scope case does).
pub fn needs_pledge(a: &Assessment<'_>) -> bool {
    a.documents.iter().any(|d| d.code == Code::D_SAFETY_PLEDGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 依据：第二十八条 and spec v3 §3.4 — the worker list, the disposal site and the pledge are filled in,
    /// not uploaded; drawings still are.
    #[test]
    fn the_form_satisfies_four_items() {
        for c in [
            Code::D_BASIC_FORM,
            Code::D_WORKER_LIST,
            Code::D_WASTE_DESTINATION,
            Code::D_SAFETY_PLEDGE,
            Code::S_SPECIAL_CERTS,
            Code::O_INSURANCE,
        ] {
            assert!(!needs_upload(c), "{c:?}");
        }
        for c in [Code::D_APPLICANT_ID, Code::D_DRAWINGS, Code::D_CONTRACT] {
            assert!(needs_upload(c), "{c:?}");
        }
    }
}
