//! The management screens' logic without DOM code (rules.md §9.3, 第二十五条, 第三十条, 第三十六条): the
//! referral's suggested target and departments (the API's when it sends them, else the core's from
//! the registration's determination), the revocation ground of a finding, and the body of a record of
//! work found without registration with the problems the console names before sending it. The
//! screens are `ui/unregistered.rs`, `ui/referral.rs` and `ui/findings.rs`.

use anbei_core::manage::{Finding, handling};
use anbei_core::model::Kind;
use anbei_widget::json::{Json, obj, s};

/// A finding's suggested referral: the target and the departments, suggested one first. The API's
/// `suggested_target` / `suggested_departments` (codes, or objects with a `code`) when the finding
/// carries them; otherwise `fallback` (the core's `referral_target` over the re-decided assessment).
pub fn referral_suggestion(f: &Json, fallback: Option<(&str, Vec<&str>)>) -> (String, Vec<String>) {
    let (fb_target, fb_depts) = fallback.unwrap_or(("REF_STREET_ENFORCEMENT", Vec::new()));
    let target = match f.get("suggested_target") {
        Some(Json::Str(t)) if !t.is_empty() => t.clone(),
        Some(o @ Json::Obj(_)) if !o.str_at("code").is_empty() => o.str_at("code").to_string(),
        _ => fb_target.to_string(),
    };
    let depts = match f.get("suggested_departments") {
        Some(Json::Arr(a)) => a
            .iter()
            .map(|d| d.as_str().unwrap_or_else(|| d.str_at("code")).to_string())
            .filter(|d| !d.is_empty())
            .collect(),
        _ => fb_depts.into_iter().map(str::to_string).collect(),
    };
    (target, depts)
}

/// The ground to revoke (第二十五条) a finding is once confirmed: `false_filing`, `permit_evasion`,
/// `beyond_scope` or `illegal_construction` — the API's names, the revocation's `ground`.
pub fn revocation_ground(code: &str, odd_job: bool) -> Option<&'static str> {
    let f = Finding::from_code(code)?;
    let kind = if odd_job {
        Kind::OddJob
    } else {
        Kind::Engineering
    };
    handling(f, kind).revocation_ground.map(|g| g.as_str())
}

/// One finding of the unregistered-work form, with its referral when the officer refers it at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrFinding {
    pub code: String,
    pub note: String,
    pub rectify_by: String,
    pub refer: bool,
    pub target: String,
    pub department: String,
    pub reason: String,
}

/// The record of work found without registration, as the form holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrDraft {
    pub street: String,
    pub community: String,
    pub address: String,
    pub found_on: String,
    pub note: String,
    pub findings: Vec<UrFinding>,
}

/// The form's id of a field (`ur-address`, `ur-f0-code`, `ur-f1-department`).
pub fn ur_id(part: &str, finding: Option<usize>) -> String {
    match finding {
        Some(i) => format!("ur-f{i}-{part}"),
        None => format!("ur-{part}"),
    }
}

/// What the form lacks, before sending: `(field id, what)` with `what` one of `street`, `address`,
/// `code`, `note`, `target`, `department`, `reason`. The API checks the same (and more) again.
pub fn ur_missing(d: &UrDraft) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    if d.street.is_empty() {
        out.push((ur_id("street", None), "street"));
    }
    if d.address.trim().is_empty() {
        out.push((ur_id("address", None), "address"));
    }
    for (i, f) in d.findings.iter().enumerate() {
        if Finding::from_code(&f.code).is_none() {
            out.push((ur_id("code", Some(i)), "code"));
        }
        if f.note.trim().is_empty() {
            out.push((ur_id("note", Some(i)), "note"));
        }
        if f.refer {
            if f.target.is_empty() {
                out.push((ur_id("target", Some(i)), "target"));
            }
            if f.target == "REF_DEPARTMENT" && f.department.is_empty() {
                out.push((ur_id("department", Some(i)), "department"));
            }
            if f.reason.trim().is_empty() {
                out.push((ur_id("reason", Some(i)), "reason"));
            }
        }
    }
    out
}

/// The body of `POST /api/v1/inspections` (`INSPECTION_UNREGISTERED`): the findings, and a referral of
/// each finding referred at once, naming it by its place.
pub fn ur_body(d: &UrDraft) -> Json {
    let mut body = vec![("street", s(&d.street)), ("address", s(d.address.trim()))];
    for (k, v) in [
        ("community", d.community.trim()),
        ("inspected_at", d.found_on.as_str()),
        ("note", d.note.trim()),
    ] {
        if !v.is_empty() {
            body.push((k, s(v)));
        }
    }
    let mut referrals = Vec::new();
    let findings = d
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.refer {
                let mut r = vec![
                    ("finding", Json::Num(i as f64)),
                    ("target", s(&f.target)),
                    ("reason", s(f.reason.trim())),
                ];
                if f.target == "REF_DEPARTMENT" && !f.department.is_empty() {
                    r.push(("department", s(&f.department)));
                }
                referrals.push(obj(r));
            }
            let mut o = vec![("code", s(&f.code)), ("note", s(f.note.trim()))];
            if !f.rectify_by.is_empty() {
                o.push(("rectify_by", s(&f.rectify_by)));
            }
            obj(o)
        })
        .collect();
    body.push(("findings", Json::Arr(findings)));
    body.push(("referrals", Json::Arr(referrals)));
    obj(body)
}

/// The form's id of a field the API names (`address`, `findings.1.note`, `referrals.0.department`).
pub fn ur_field_id(field: &str) -> String {
    let mut p = field.split('.');
    match (
        p.next(),
        p.next().and_then(|n| n.parse::<usize>().ok()),
        p.next(),
    ) {
        (Some("findings"), Some(i), Some(part)) => ur_id(part, Some(i)),
        (Some("findings"), Some(i), None) => ur_id("code", Some(i)),
        (Some("referrals"), Some(i), Some("finding") | None) => ur_id("code", Some(i)),
        (Some("referrals"), Some(i), Some(part)) => ur_id(part, Some(i)),
        (Some(f), None, None) => ur_id(f, None),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(t: &str) -> Json {
        fn conv(v: serde_json::Value) -> Json {
            match v {
                serde_json::Value::Null => Json::Null,
                serde_json::Value::Bool(b) => Json::Bool(b),
                serde_json::Value::Number(n) => Json::Num(n.as_f64().unwrap()),
                serde_json::Value::String(s) => Json::Str(s),
                serde_json::Value::Array(a) => Json::Arr(a.into_iter().map(conv).collect()),
                serde_json::Value::Object(m) => {
                    Json::Obj(m.into_iter().map(|(k, v)| (k, conv(v))).collect())
                }
            }
        }
        conv(serde_json::from_str(t).unwrap())
    }

    #[test]
    fn the_apis_suggestion_wins_and_the_cores_stands_in() {
        let fb = || Some(("REF_DEPARTMENT", vec!["HOUSING", "FIRE"]));
        let bare = j(r#"{"code":"F_WASTE_VIOLATION"}"#);
        assert_eq!(
            referral_suggestion(&bare, fb()),
            (
                "REF_DEPARTMENT".into(),
                vec!["HOUSING".into(), "FIRE".into()]
            )
        );
        let api = j(
            r#"{"suggested_target":"REF_LAND_PLANNING","suggested_departments":["URBAN",{"code":"PLANNING"}]}"#,
        );
        assert_eq!(
            referral_suggestion(&api, fb()),
            (
                "REF_LAND_PLANNING".into(),
                vec!["URBAN".into(), "PLANNING".into()]
            )
        );
        assert_eq!(
            referral_suggestion(&bare, None),
            ("REF_STREET_ENFORCEMENT".into(), vec![])
        );
    }

    /// 第二十五条: false filing, permit evasion, beyond scope, illegal construction — nothing else.
    #[test]
    fn revocation_grounds_are_article_25s() {
        assert_eq!(
            revocation_ground("F_PERMIT_EVASION", false),
            Some("permit_evasion")
        );
        assert_eq!(
            revocation_ground("F_ILLEGAL_CONSTRUCTION", false),
            Some("illegal_construction")
        );
        assert_eq!(
            revocation_ground("F_REGISTRATION_MISMATCH", false),
            Some("false_filing")
        );
        assert_eq!(
            revocation_ground("F_SERIOUS_VIOLATION", false),
            Some("beyond_scope")
        );
        for f in [
            "F_UNSAFE_PRACTICE",
            "F_WASTE_VIOLATION",
            "F_MAJOR_HAZARD",
            "nonsense",
        ] {
            assert_eq!(revocation_ground(f, false), None, "{f}");
        }
    }

    #[test]
    fn an_unregistered_record_names_what_it_lacks_and_sends_its_referrals() {
        let mut d = UrDraft {
            street: "bantian".into(),
            address: " ".into(),
            findings: vec![UrFinding {
                code: "F_WASTE_VIOLATION".into(),
                refer: true,
                target: "REF_DEPARTMENT".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let missing: Vec<String> = ur_missing(&d).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            missing,
            vec![
                "ur-address",
                "ur-f0-note",
                "ur-f0-department",
                "ur-f0-reason"
            ]
        );
        d.address = "坂田街道 1 号".into();
        d.findings[0].note = "堆放".into();
        d.findings[0].department = "URBAN".into();
        d.findings[0].reason = "移交".into();
        d.findings.push(UrFinding {
            code: "F_UNREGISTERED".into(),
            note: "未登记".into(),
            rectify_by: "2026-11-30".into(),
            ..Default::default()
        });
        assert!(ur_missing(&d).is_empty());
        let b = ur_body(&d);
        assert_eq!(b.str_at("address"), "坂田街道 1 号");
        assert!(b.get("community").is_none());
        let Some(Json::Arr(r)) = b.get("referrals") else {
            panic!("referrals")
        };
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].get("finding").and_then(Json::as_f64), Some(0.0));
        assert_eq!(r[0].str_at("department"), "URBAN");
        let Some(Json::Arr(f)) = b.get("findings") else {
            panic!("findings")
        };
        assert_eq!(f[1].str_at("rectify_by"), "2026-11-30");
        assert!(f[0].get("rectify_by").is_none());
    }

    #[test]
    fn the_apis_fields_lead_to_the_forms() {
        assert_eq!(ur_field_id("address"), "ur-address");
        assert_eq!(ur_field_id("findings.1.note"), "ur-f1-note");
        assert_eq!(ur_field_id("referrals.0.department"), "ur-f0-department");
        assert_eq!(ur_field_id("referrals.2.finding"), "ur-f2-code");
        assert_eq!(ur_field_id("x.y.z"), "");
    }
}
