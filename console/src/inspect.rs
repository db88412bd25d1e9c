//! Inspections, findings, rectification and referral as the console handles them (rules.md §9, §10;
//! issue 14), without DOM code: who may do what, the state of a finding in words, which findings an
//! item of the checklist offers, the order of the inspections list, and the body of a recorded
//! inspection with the problems the console can name before sending it. The screens are
//! `ui/inspections.rs`, `ui/record.rs` and `ui/findings.rs`.

use anbei_core::manage::{Finding, InspectionKind, handling};
use anbei_core::model::Kind;
use anbei_widget::json::{Json, obj, s};

/// May this role record an inspection of `kind` (rules.md §10; the API's `may_inspect`)? Officers,
/// communities and patrols any kind; a property company its property watches; a viewer nothing.
pub fn may_record(role: &str, kind: &str) -> bool {
    match role {
        "admin" | "officer" | "community" | "patrol" => true,
        "property" => kind == "INSPECTION_PROPERTY_WATCH",
        _ => false,
    }
}

/// May this role verify a rectification (accept or reject it)? Any 巡查人员 in scope (§9.3).
pub fn may_verify(role: &str) -> bool {
    matches!(role, "admin" | "officer" | "community" | "patrol")
}

/// The street office's own decisions: escalation and referral (第二十一条, 第三十六条).
pub fn may_refer(role: &str) -> bool {
    matches!(role, "admin" | "officer")
}

/// The kinds a person records on a registration (ad-hoc records of unregistered work are not
/// recorded against a registration).
pub const RECORDABLE: [&str; 5] = [
    "INSPECTION_HIGH_RISK",
    "INSPECTION_COMPLETION",
    "INSPECTION_PATROL",
    "INSPECTION_PROPERTY_WATCH",
    "INSPECTION_FOLLOW_UP",
];

/// Whether `s` is a kind the record screen takes from the address.
pub fn is_recordable(s: &str) -> bool {
    RECORDABLE.contains(&s)
}

/// A finding's state as the officer reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingState {
    /// Awaiting the applicant's rectification.
    Open,
    /// Open past its `rectify_by`.
    Overdue,
    /// The applicant answered; the street decides.
    Answered,
    /// The street rejected the last answer: open again.
    Rejected,
    /// The street accepted the rectification (closed).
    Accepted,
    Referred,
}

/// The state of a finding of the API (`status`, `overdue`, its rectifications' decisions).
pub fn finding_state(f: &Json) -> FindingState {
    let last_decision = match f.get("rectifications") {
        Some(Json::Arr(a)) => a.last().map(|r| r.str_at("decision").to_string()),
        _ => None,
    };
    match f.str_at("status") {
        "rectified" => FindingState::Answered,
        "closed" => FindingState::Accepted,
        "referred" => FindingState::Referred,
        _ if f.get("overdue").and_then(Json::as_bool) == Some(true) => FindingState::Overdue,
        _ if last_decision.as_deref() == Some("rejected") => FindingState::Rejected,
        _ => FindingState::Open,
    }
}

/// The findings an item of the checklist offers, the most likely first (*product policy*: §9.2 and
/// §9.3 name no pairs; these follow the words of each item and finding). `F_MAJOR_HAZARD` — a major
/// hazard, or management so poor the risk is high — can be found on any site item.
pub fn findings_for(item: &str) -> Vec<&'static str> {
    let own: &[&str] = match item {
        "IC_WORKERS_MATCH" => &["F_WORKERS_MISMATCH", "F_UNCERTIFIED_PERSONNEL"],
        "IC_SPECIAL_CERTS" | "IC_SAFETY_MANAGERS" => {
            &["F_UNCERTIFIED_PERSONNEL", "F_UNSAFE_PRACTICE"]
        }
        "IC_POSTED_AT_ENTRANCE" => &["F_UNSAFE_PRACTICE", "F_REGISTRATION_MISMATCH"],
        "IC_SCOPE_MATCH" => &[
            "F_REGISTRATION_MISMATCH",
            "F_SERIOUS_VIOLATION",
            "F_ILLEGAL_CONSTRUCTION",
            "F_PERMIT_EVASION",
        ],
        "IC_GAS_WORK" | "IC_HAZARDOUS_CHEMICALS" => &["F_SERIOUS_VIOLATION", "F_UNSAFE_PRACTICE"],
        "IC_WASTE_AND_SITE" => &["F_WASTE_VIOLATION", "F_UNSAFE_PRACTICE"],
        "IC_WASTE_RECORD_MATCHES" => &["F_WASTE_VIOLATION"],
        "IC_WORK_COMPLETED" => &["F_REGISTRATION_MISMATCH", "F_SERIOUS_VIOLATION"],
        "IC_GAS_SAFETY_CHECK" => &["F_UNSAFE_PRACTICE", "F_SERIOUS_VIOLATION"],
        "IC_PROPERTY_WATCH" | "IC_PROPERTY_NOTIFIED" => {
            &["F_UNSAFE_PRACTICE", "F_UNCERTIFIED_PERSONNEL"]
        }
        _ => &["F_UNSAFE_PRACTICE"],
    };
    let mut out = own.to_vec();
    out.push("F_MAJOR_HAZARD");
    out
}

/// Does a finding on this kind of work ask for rectification by a date (§9.3)?
pub fn asks_rectification(code: &str, odd_job: bool) -> bool {
    Finding::from_code(code).is_some_and(|f| handling(f, kind(odd_job)).asks_rectification)
}

fn kind(odd_job: bool) -> Kind {
    if odd_job {
        Kind::OddJob
    } else {
        Kind::Engineering
    }
}

/// Is a finding's referral, once due, due the same day (第三十条 "于当日")?
pub fn same_day_referral(code: &str, odd_job: bool) -> bool {
    Finding::from_code(code).is_some_and(|f| handling(f, kind(odd_job)).referral.same_day())
}

/// The inspection kind of a code.
pub fn inspection_kind(code: &str) -> Option<InspectionKind> {
    InspectionKind::from_code(code)
}

/// The inspections list's order: overdue first, then by due date (none last), then as given.
pub fn sort_entries(items: &mut [Json]) {
    items.sort_by(|a, b| {
        let over = |j: &Json| j.get("overdue").and_then(Json::as_bool) != Some(true);
        let due = |j: &Json| {
            let d = j.str_at("due");
            (d.is_empty(), d.to_string())
        };
        (over(a), due(a)).cmp(&(over(b), due(b)))
    });
}

/// One item of the record form as the person answered it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemAnswer {
    /// `IC_*`.
    pub code: String,
    /// `ok`, `finding`, `not_applicable`, or "" (not yet answered).
    pub answer: String,
    pub note: String,
    /// Upload ids.
    pub photos: Vec<String>,
    /// The `F_*` chosen for a finding ("" until chosen).
    pub finding: String,
    /// YYYY-MM-DD; "" = the default (the API's: 3 working days, *product policy*).
    pub rectify_by: String,
}

/// A problem the console names before sending: the item's index and which of its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    Answer(usize),
    /// A finding or not-applicable answer without its note.
    Note(usize),
    FindingCode(usize),
}

/// What is missing from the answers (every item answered; a finding or "not applicable" needs its
/// note; a finding its kind), in the form's order.
pub fn missing(items: &[ItemAnswer]) -> Vec<Missing> {
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        match it.answer.as_str() {
            "ok" => {}
            "finding" | "not_applicable" => {
                if it.note.trim().is_empty() {
                    out.push(Missing::Note(i));
                }
                if it.answer == "finding" && it.finding.is_empty() {
                    out.push(Missing::FindingCode(i));
                }
            }
            _ => out.push(Missing::Answer(i)),
        }
    }
    out
}

/// The body of `POST /api/v1/registrations/{no}/inspections`: every item, and one finding per item
/// answered `finding` (its note the item's). Also returns, for each finding in the body, the index of
/// its item (the API names findings by their index: `findings.0.rectify_by`).
pub fn record_body(kind: &str, inspected_on: &str, items: &[ItemAnswer]) -> (Json, Vec<usize>) {
    let mut findings = Vec::new();
    let mut of_item = Vec::new();
    let answers = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let note = it.note.trim();
            if it.answer == "finding" {
                let mut f = vec![
                    ("code", s(&it.finding)),
                    ("item", s(&it.code)),
                    ("note", s(note)),
                ];
                if !it.rectify_by.is_empty() {
                    f.push(("rectify_by", s(&it.rectify_by)));
                }
                findings.push(obj(f));
                of_item.push(i);
            }
            obj(vec![
                ("code", s(&it.code)),
                ("answer", s(&it.answer)),
                ("note", if note.is_empty() { Json::Null } else { s(note) }),
                (
                    "photos",
                    Json::Arr(it.photos.iter().map(|p| s(p)).collect()),
                ),
            ])
        })
        .collect();
    let mut body = vec![("kind", s(kind))];
    if !inspected_on.is_empty() {
        body.push(("inspected_at", s(inspected_on)));
    }
    body.push(("items", Json::Arr(answers)));
    body.push(("findings", Json::Arr(findings)));
    (obj(body), of_item)
}

/// Where a field the API names (`items.3.note`, `findings.0.rectify_by`, `items.2.photos.0`) is in
/// the form: the item's index and the part (`answer`, `note`, `finding`, `rectify_by`, `photos`).
pub fn field_of(field: &str, of_item: &[usize]) -> Option<(usize, &'static str)> {
    let mut p = field.split('.');
    let (Some(list), Some(n), part) = (p.next(), p.next(), p.next()) else {
        return None;
    };
    let n: usize = n.parse().ok()?;
    match list {
        "items" => Some((
            n,
            match part {
                Some("note") => "note",
                Some("photos") => "photos",
                _ => "answer",
            },
        )),
        "findings" => Some((
            *of_item.get(n)?,
            match part {
                Some("rectify_by") => "rectify_by",
                Some("note") => "note",
                _ => "finding",
            },
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anbei_widget::json::Json;

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
    fn roles_follow_section_10() {
        for k in RECORDABLE {
            assert!(
                may_record("patrol", k) && may_record("community", k) && may_record("officer", k)
            );
            assert!(!may_record("viewer", k), "a viewer records nothing");
            assert_eq!(
                may_record("property", k),
                k == "INSPECTION_PROPERTY_WATCH",
                "{k}"
            );
        }
        assert!(may_verify("patrol") && !may_verify("viewer") && !may_verify("property"));
        assert!(may_refer("officer") && may_refer("admin"));
        assert!(!may_refer("patrol") && !may_refer("community"));
    }

    #[test]
    fn a_finding_reads_as_its_state() {
        let cases = [
            (
                r#"{"status":"open","overdue":false,"rectifications":[]}"#,
                FindingState::Open,
            ),
            (
                r#"{"status":"open","overdue":true,"rectifications":[]}"#,
                FindingState::Overdue,
            ),
            (
                r#"{"status":"open","overdue":false,"rectifications":[{"decision":"rejected"}]}"#,
                FindingState::Rejected,
            ),
            (
                r#"{"status":"rectified","overdue":false,"rectifications":[{"decision":null}]}"#,
                FindingState::Answered,
            ),
            (
                r#"{"status":"closed","overdue":false}"#,
                FindingState::Accepted,
            ),
            (
                r#"{"status":"referred","overdue":true}"#,
                FindingState::Referred,
            ),
        ];
        for (t, want) in cases {
            assert_eq!(finding_state(&j(t)), want, "{t}");
        }
    }

    #[test]
    fn every_item_offers_real_findings_and_the_major_hazard() {
        for item in [
            "IC_WORKERS_MATCH",
            "IC_SCOPE_MATCH",
            "IC_PROTECTIVE_EQUIPMENT",
            "IC_WASTE_RECORD_MATCHES",
        ] {
            let f = findings_for(item);
            assert!(
                f.iter().all(|c| Finding::from_code(c).is_some()),
                "{item}: {f:?}"
            );
            assert_eq!(f.last(), Some(&"F_MAJOR_HAZARD"));
        }
        assert_eq!(findings_for("IC_WORKERS_MATCH")[0], "F_WORKERS_MISMATCH");
        assert!(findings_for("IC_SCOPE_MATCH").contains(&"F_PERMIT_EVASION"));
        assert!(asks_rectification("F_UNSAFE_PRACTICE", false));
        assert!(!asks_rectification("F_WASTE_VIOLATION", false));
        assert!(same_day_referral("F_WASTE_VIOLATION", false));
        assert!(!same_day_referral("F_WORKERS_MISMATCH", false));
    }

    #[test]
    fn overdue_first_then_by_due_date() {
        let mut v = vec![
            j(r#"{"id":"a","due":"2026-05-09","overdue":false}"#),
            j(r#"{"id":"b","due":null,"overdue":false}"#),
            j(r#"{"id":"c","due":"2026-05-10","overdue":true}"#),
            j(r#"{"id":"d","due":"2026-05-02","overdue":true}"#),
            j(r#"{"id":"e","due":"2026-05-07","overdue":false}"#),
        ];
        sort_entries(&mut v);
        let ids: Vec<&str> = v.iter().map(|x| x.str_at("id")).collect();
        assert_eq!(ids, ["d", "c", "e", "a", "b"]);
    }

    fn item(code: &str, answer: &str, note: &str, finding: &str) -> ItemAnswer {
        ItemAnswer {
            code: code.into(),
            answer: answer.into(),
            note: note.into(),
            finding: finding.into(),
            ..Default::default()
        }
    }

    #[test]
    fn what_is_missing_is_named_per_item() {
        let items = [
            item("IC_A", "ok", "", ""),
            item("IC_B", "", "", ""),
            item("IC_C", "not_applicable", " ", ""),
            item("IC_D", "finding", "no helmets", ""),
            item("IC_E", "finding", "", "F_UNSAFE_PRACTICE"),
        ];
        assert_eq!(
            missing(&items),
            [
                Missing::Answer(1),
                Missing::Note(2),
                Missing::FindingCode(3),
                Missing::Note(4)
            ]
        );
        assert!(missing(&items[..1]).is_empty());
    }

    #[test]
    fn the_body_has_every_item_and_one_finding_per_finding_item() {
        let mut items = vec![
            item("IC_A", "ok", "", ""),
            item("IC_B", "not_applicable", "no gas here", ""),
            item("IC_C", "finding", " no helmets ", "F_UNSAFE_PRACTICE"),
        ];
        items[2].photos = vec!["u1".into()];
        items[2].rectify_by = "2026-05-12".into();
        let (b, of_item) = record_body("INSPECTION_HIGH_RISK", "", &items);
        assert_eq!(
            b.text(),
            r#"{"kind":"INSPECTION_HIGH_RISK","items":[{"code":"IC_A","answer":"ok","note":null,"photos":[]},{"code":"IC_B","answer":"not_applicable","note":"no gas here","photos":[]},{"code":"IC_C","answer":"finding","note":"no helmets","photos":["u1"]}],"findings":[{"code":"F_UNSAFE_PRACTICE","item":"IC_C","note":"no helmets","rectify_by":"2026-05-12"}]}"#
        );
        assert_eq!(of_item, [2]);
        // the API's fields lead back to the item
        assert_eq!(
            field_of("findings.0.rectify_by", &of_item),
            Some((2, "rectify_by"))
        );
        assert_eq!(field_of("items.1.note", &of_item), Some((1, "note")));
        assert_eq!(field_of("items.2.photos.0", &of_item), Some((2, "photos")));
        assert_eq!(field_of("items.0.answer", &of_item), Some((0, "answer")));
        assert_eq!(field_of("findings.3.code", &of_item), None);
        assert_eq!(field_of("items", &of_item), None);
        // without a chosen date the API's default applies: no rectify_by is sent
        items[2].rectify_by.clear();
        let (b, _) = record_body("INSPECTION_PATROL", "2026-05-06", &items);
        assert!(
            !b.text().contains("rectify_by") && b.text().contains(r#""inspected_at":"2026-05-06""#)
        );
    }
}
