//! The referral's department (第三十六条第（三）项, §5): a select of every department, grouped — the
//! ones suggested for this finding first (the API's `suggested_departments`, or the core's from the
//! work's departments), then the usual ones (`core/data/departments.json` `usual_referral`), then the
//! rest. Used by the filing's referral form and the unregistered-work form.

use super::ctx::Ctx;
use super::form::{described_by, hint_and_error};
use crate::i18n::fill;
use crate::i18n::manage::mg;
use yew::prelude::*;

/// The department select: `id`, the chosen `value` (a code, or "" for none yet).
pub fn department_select(
    ctx: &Ctx,
    id: &str,
    value: &str,
    suggested: &[String],
    onchange: Callback<String>,
    error: Option<String>,
) -> Html {
    let (lang, engine) = (ctx.lang, ctx.engine());
    let m = mg(lang);
    let first: Vec<&str> = suggested.iter().map(String::as_str).collect();
    let all = engine.referral_departments(&first);
    let usual = engine.usual_referral();
    let group = |d: &&anbei_core::model::Department| {
        if first.contains(&d.code.as_str()) {
            0
        } else if usual.contains(&d.code) {
            1
        } else {
            2
        }
    };
    let name = |d: &anbei_core::model::Department| lang.pick(&d.name.zh, &d.name.en).to_string();
    let option = |d: &&anbei_core::model::Department, suggested: bool| {
        let label = if suggested {
            fill(m.ref_department_suggested, &[("department", &name(d))])
        } else {
            name(d)
        };
        html! { <option value={d.code.clone()} selected={d.code == value}>{ label }</option> }
    };
    let (hint, err) = hint_and_error(id, Some(m.ref_department_hint), &error);
    let onchange = Callback::from(move |e: Event| {
        onchange.emit(
            e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value(),
        )
    });
    let groups: [(&str, u8); 2] = [(m.ref_department_usual, 1), (m.ref_department_other, 2)];
    html! {
        <div class={classes!("cn-field", error.is_some().then_some("cn-invalid"))}>
            <label for={id.to_string()}>{ m.ref_department }</label>
            { hint }{ err }
            <select id={id.to_string()} name={id.to_string()} {onchange}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={described_by(id, true, error.is_some())}>
                <option value="" selected={value.is_empty()}>{ m.ur_choose }</option>
                { for all.iter().filter(|d| group(d) == 0).map(|d| option(d, true)) }
                { for groups.iter().map(|(label, g)| html! {
                    <optgroup label={label.to_string()}>
                        { for all.iter().filter(|d| group(d) == *g).map(|d| option(d, false)) }
                    </optgroup>
                }) }
            </select>
        </div>
    }
}
