#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] functions
//! §3.7 deadlines: working days with 调休, Spring Festival, validity periods not moved for holidays,
//! month-end clamping, provisional counting for years without holiday data.

use anbei_core::calendar::Calendar;
use anbei_core::{Date, Engine};
use serde_json::{Value, json};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[track_caller]
fn deadlines(extra: Value) -> Value {
    let engine = Engine::embedded().unwrap();
    let mut facts = json!({
        "activity": "odd_equipment", "public_area": true, "illegal_addition": false, "earthwork": false,
        "lifting": false, "welding": false, "hot_work": false, "confined_space": false, "work_at_height": false,
        "electrical_work": false, "other_special_operation": false, "temporary_electricity": false,
        "suspended_work": false, "demolition": false, "other_dangerous_work": false, "hazardous_chemicals": false,
        "venue": "residential", "property_managed": false, "closed_managed_site": false, "street": "pingdi"
    });
    for (k, v) in extra.as_object().unwrap() {
        facts[k] = v.clone();
    }
    let f = engine
        .parse_json(&facts.to_string(), d("2026-01-05"))
        .unwrap();
    let r = serde_json::to_value(engine.assess(&f)).unwrap();
    assert_eq!(r["missing_facts"], json!([]));
    r["deadlines"].clone()
}

/// 依据：第二十七条第（二）项 — answer within 3 working days; 2026-05-09 (Sat) is an adjusted working day.
#[test]
fn adjusted_working_saturday_counts() {
    let dl = deadlines(json!({"registration_date": "2026-05-06"}));
    assert_eq!(dl["acceptance_due"], "2026-05-09");
    assert_eq!(dl["calendar_provisional"], false);
}

/// 依据：第二十七条第（二）项 — Spring Festival 2026 is Feb 15–23 (9 days); Feb 14 (Sat) is worked.
#[test]
fn spring_festival_crossing() {
    // Fri Feb 13 + 3 working days: Sat 14 (worked) = 1, holiday 15–23, Tue 24 = 2, Wed 25 = 3.
    assert_eq!(
        deadlines(json!({"registration_date": "2026-02-13"}))["acceptance_due"],
        "2026-02-25"
    );
    // Filed on the first holiday day: 24, 25, 26.
    assert_eq!(
        deadlines(json!({"registration_date": "2026-02-15"}))["acceptance_due"],
        "2026-02-26"
    );
    // 2025: Jan 28 – Feb 4 off, Jan 26 (Sun) worked. Fri Jan 24 → Sun 26 = 1, Mon 27 = 2, Wed Feb 5 = 3.
    assert_eq!(
        deadlines(json!({"registration_date": "2025-01-24"}))["acceptance_due"],
        "2025-02-05"
    );
}

/// 依据：第二十五条 — the six-month validity is not moved for holidays.
#[test]
fn validity_ending_on_a_holiday_is_not_moved() {
    let dl = deadlines(json!({"registration_date": "2026-04-01"}));
    assert_eq!(dl["valid_until"], "2026-10-01"); // National Day
    assert_eq!(dl["extension_window_start"], "2026-09-17"); // the 15 days ending on valid_until
}

/// 依据：第二十五条 — Aug 31 + 6 months is the last day of February.
#[test]
fn month_end_clamp() {
    let dl = deadlines(json!({"registration_date": "2026-08-31"}));
    assert_eq!(dl["valid_until"], "2027-02-28");
    assert_eq!(dl["extension_window_start"], "2027-02-14");
}

/// 依据：第二十七条第（二）项, 第三十二条第（一）项, 第二十五条 — acceptance counts from filing, inspection and
/// validity from the registration date.
#[test]
fn filing_and_registration_on_different_days() {
    let engine = Engine::embedded().unwrap();
    let facts = json!({
        "activity": "nonresidential_decoration", "contract_amount_yuan": 300000, "construction_area_m2": 100,
        "investment_yuan": 300000, "emergency_rescue": false, "temporary_building": false, "illegal_addition": false,
        "structural_change": false, "load_increase": false, "use_change": false, "excavation_depth_m": 0,
        "earthwork": false, "scaffold_height_m": 0, "lifting": true, "other_dangerous_subproject": false,
        "welding": false, "hot_work": false, "confined_space": false, "work_at_height": false,
        "electrical_work": false, "other_special_operation": false, "temporary_electricity": false,
        "suspended_work": false, "demolition": false, "other_dangerous_work": false,
        "gas_pipeline_alteration": false, "hazardous_chemicals": false, "venue": "office",
        "property_managed": false, "closed_managed_site": false, "applicant_is_owner": true, "via_agent": false,
        "street": "longgang", "registration_date": "2026-09-24", "registered_date": "2026-09-30",
        "completion_date": "2026-12-31"
    });
    let f = engine
        .parse_json(&facts.to_string(), d("2026-01-01"))
        .unwrap();
    let r = serde_json::to_value(engine.assess(&f)).unwrap();
    let dl = &r["deadlines"];
    // Thu Sep 24 → Fri 25 is Mid-Autumn (off), Sat 26/Sun 27 off, Mon 28 = 1, Tue 29 = 2, Wed 30 = 3.
    assert_eq!(dl["acceptance_due"], "2026-09-30");
    // Wed Sep 30 → Oct 1–7 off, Thu 8 = 1, Fri 9 = 2, Sat 10 (worked) = 3.
    assert_eq!(dl["inspection_due"], "2026-10-10");
    assert_eq!(dl["valid_until"], "2027-03-30");
    // Completion Thu Dec 31 2026 → Jan 2027 has no data: counted Mon–Fri and flagged.
    assert_eq!(dl["cancellation_due"], "2027-01-05");
    assert_eq!(dl["calendar_provisional"], true);
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "N_CALENDAR_PROVISIONAL"
                && n["text"]["en"].as_str().unwrap().contains("2027"))
    );
}

/// A year without holiday data is counted Monday–Friday and never silently.
#[test]
fn year_without_calendar_data_is_provisional() {
    let dl = deadlines(json!({"registration_date": "2027-01-29"})); // Fri
    assert_eq!(dl["acceptance_due"], "2027-02-03"); // Mon 1, Tue 2, Wed 3 — Spring Festival 2027 unknown
    assert_eq!(dl["calendar_provisional"], true);
    // A count wholly inside a known year is not provisional, even if the validity runs into an unknown one.
    let dl = deadlines(json!({"registration_date": "2026-11-23"}));
    assert_eq!(dl["valid_until"], "2027-05-23");
    assert_eq!(dl["calendar_provisional"], false);
}

#[test]
fn calendar_data_contradictions_are_refused() {
    let bad = anbei_core::model::CalendarYear {
        year: 2026,
        source: "test".into(),
        published: d("2025-11-04"),
        holidays: vec![],
        working_weekend_days: vec![d("2026-05-06")], // a Wednesday
    };
    assert!(Calendar::new(&[bad]).is_err());
}

#[test]
fn working_day_table() {
    let engine = Engine::embedded().unwrap();
    let cal = engine.calendar();
    for (day, working) in [
        ("2026-01-01", false),
        ("2026-01-04", true), // Sunday worked
        ("2026-02-14", true),
        ("2026-02-23", false),
        ("2026-02-28", true),
        ("2026-10-10", true),
        ("2026-10-07", false),
        ("2025-10-11", true),
        ("2025-10-08", false),
        ("2026-11-23", true),
        ("2026-11-22", false),
    ] {
        assert_eq!(cal.is_working_day(d(day)), (working, false), "{day}");
    }
    assert_eq!(
        cal.is_working_day(d("2027-01-01")),
        (true, true),
        "no 2027 data: Friday counted, provisional"
    );
}

/// 第二十一条第（二）项 statistics count an answer's working days the way the deadline is counted:
/// the working days after the filing day up to the answer's day, over 调休 and the Spring Festival.
#[test]
fn working_days_between_counts_like_the_deadline() {
    let cal = Engine::embedded().unwrap();
    let cal = cal.calendar();
    for (from, n) in [
        ("2026-05-06", 3),
        ("2026-02-12", 3),
        ("2026-11-23", 0),
        ("2026-11-23", 5),
    ] {
        let due = cal.add_working_days(d(from), n).date;
        assert_eq!(
            cal.working_days_between(d(from), due),
            (n, false),
            "{from} + {n}"
        );
    }
    // Answered during the holiday after the filing: the holiday days do not count.
    assert_eq!(
        cal.working_days_between(d("2026-02-13"), d("2026-02-23")).0,
        1
    );
    assert_eq!(
        cal.working_days_between(d("2026-11-26"), d("2026-11-23")),
        (0, false)
    );
    // 2027 has no holiday data: counted Monday–Friday, provisionally.
    assert_eq!(
        cal.working_days_between(d("2027-03-01"), d("2027-03-08")),
        (5, true)
    );
}
