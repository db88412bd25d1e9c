//! The shared fixtures hold: the complete filing passes and names exactly the uploads its facts need,
//! and every corpus case gets exactly its expected problems from the shared check.

use crate::fixtures::{self, TODAY};
use crate::{Context, check, documents, ids};
use anbei_core::{Code, Date, Engine};
use serde_json::Value;

fn engine() -> Engine {
    Engine::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn today() -> Date {
    Date::parse(TODAY).unwrap_or_else(|| panic!("date"))
}

/// The problems of `body` as (field, rule), sorted.
fn problems(engine: &Engine, body: &Value) -> Vec<(String, String)> {
    let facts = body.get("facts");
    let parsed = facts.and_then(|f| engine.parse_json(&f.to_string(), today()).ok());
    let assessment = parsed.map(|f| engine.assess(&f));
    let c = Context {
        engine,
        today: today(),
        now: "2026-11-23T10:00:00.000+08:00",
        facts,
        decided: assessment.as_ref().filter(|a| a.is_decided()),
        normalise: ids::as_given,
    };
    let mut out: Vec<(String, String)> = check(body, &c)
        .problems
        .into_iter()
        .map(|p| (p.field, p.msg.rule().to_owned()))
        .collect();
    out.sort();
    out
}

/// The complete filing passes, and its documents are exactly the uploads of its facts (第二十八条): when
/// the rules change what is uploaded, this fails until `tests/fixtures/filings/complete.json` follows.
#[test]
fn the_complete_filing_is_complete() {
    let engine = engine();
    let body = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(problems(&engine, &body), vec![]);
    let facts = engine
        .parse_json(&body["facts"].to_string(), today())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let a = engine.assess(&facts);
    assert_eq!(a.scope, Some(Code::SMALL_PROJECT));
    assert_eq!(a.high_risk, Some(false));
    let want: Vec<&str> = documents::uploads(&a).map(|d| d.code.as_str()).collect();
    let mut have: Vec<&str> = body["documents"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    have.sort_unstable();
    assert_eq!(have, want_sorted);
    for f in ["ordinary", "high_risk", "odd_job"] {
        let facts = fixtures::facts(f).unwrap_or_else(|e| panic!("{e}"));
        let a = engine.assess(
            &engine
                .parse_json(&facts.to_string(), today())
                .unwrap_or_else(|e| panic!("{f}: {e:?}")),
        );
        assert!(a.is_decided(), "{f}: still needs {:?}", a.missing_facts);
    }
}

/// The complete filing is kept as it was sent — its texts are in their stored form already — with who
/// affirmed the pledge and when (依据：第二十七条第（四）项 "签署"); an agent who files signs it.
#[test]
fn the_complete_filing_is_kept_as_sent() {
    let engine = engine();
    let now = "2026-11-23T10:00:00.000+08:00";
    let mut body = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
    for via_agent in [false, true] {
        if via_agent {
            body["facts"]["via_agent"] = Value::Bool(true);
            body["agent"] = serde_json::json!(
                {"name": "李四", "id_number": "11010519491231002X", "mobile": "13600136000"}
            );
            body["documents"]["D_AGENT_AUTH"] = body["documents"]["D_CONTRACT"].clone();
        }
        let facts = engine
            .parse_json(&body["facts"].to_string(), today())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let a = engine.assess(&facts);
        let c = Context {
            engine: &engine,
            today: today(),
            now,
            facts: body.get("facts"),
            decided: Some(&a),
            normalise: ids::as_given,
        };
        let outcome = check(&body, &c);
        assert_eq!(outcome.problems, vec![]);
        let mut want = body.clone();
        want["facts"] = Value::Null;
        want["pledge"] = serde_json::json!({
            "version": body["pledge"]["version"],
            "signer": if via_agent { "agent" } else { "applicant" },
            "signed_at": now,
        });
        let want: crate::Filing<()> =
            serde_json::from_value(want).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.filing, Some(want), "via agent: {via_agent}");
    }
}

/// 依据：第二十三条第（一）项 (rules.md §10 `property`) — the property service company accepts filings in
/// its property-management areas, so a property-managed site names its area: refused without it, kept
/// with it; a site outside one keeps no area, whatever the body says.
#[test]
fn a_property_managed_site_names_its_area() {
    let engine = engine();
    let filed = |managed: bool, area: Option<&str>| {
        let mut body = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
        body["facts"]["property_managed"] = Value::Bool(managed);
        if let Some(a) = area {
            body["site"]["property_area"] = Value::String(a.into());
        }
        let facts = engine
            .parse_json(&body["facts"].to_string(), today())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let a = engine.assess(&facts);
        let c = Context {
            engine: &engine,
            today: today(),
            now: "2026-11-23T10:00:00.000+08:00",
            facts: body.get("facts"),
            decided: Some(&a),
            normalise: ids::as_given,
        };
        let o = check(&body, &c);
        let problems: Vec<(String, &str)> = o
            .problems
            .iter()
            .map(|p| (p.field.clone(), p.rule()))
            .collect();
        (problems, o.filing.map(|f| f.site.property_area))
    };
    let required = vec![("site.property_area".to_owned(), "required")];
    assert_eq!(filed(true, None), (required.clone(), None));
    assert_eq!(filed(true, Some("  ")), (required, None));
    assert_eq!(
        filed(true, Some("万科城")),
        (vec![], Some(Some("万科城".into())))
    );
    assert_eq!(filed(false, None), (vec![], Some(None)));
    assert_eq!(filed(false, Some("万科城")), (vec![], Some(None)));
}

/// The contractor may give a mobile and an e-mail for its notifications (rules.md §11 "and the
/// contractor's contact where named"), checked like the applicant's and masked like them in public.
#[test]
fn the_contractor_may_give_a_checked_contact() {
    let engine = engine();
    let with = |mobile: &str, email: &str| {
        let mut body = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
        body["contractor"]["mobile"] = Value::String(mobile.into());
        body["contractor"]["email"] = Value::String(email.into());
        body
    };
    let bad = problems(&engine, &with("1380013800", "not-an-address"));
    assert_eq!(
        bad,
        vec![
            ("contractor.email".to_owned(), "email".to_owned()),
            ("contractor.mobile".to_owned(), "mobile".to_owned()),
        ]
    );
    let body = with("13800138000", "Site@Example.COM");
    assert_eq!(problems(&engine, &body), vec![]);
    let facts = engine
        .parse_json(&body["facts"].to_string(), today())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let a = engine.assess(&facts);
    let c = Context {
        engine: &engine,
        today: today(),
        now: "2026-11-23T10:00:00.000+08:00",
        facts: body.get("facts"),
        decided: Some(&a),
        normalise: ids::as_given,
    };
    let f = check(&body, &c).filing.unwrap_or_else(|| panic!("refused"));
    assert_eq!(f.contractor.mobile.as_deref(), Some("13800138000"));
    let masked = f.masked();
    assert_ne!(masked.contractor.mobile, f.contractor.mobile);
    assert_ne!(masked.contractor.email, f.contractor.email);
    assert!(
        masked
            .contractor
            .email
            .as_deref()
            .is_some_and(|e| e.contains("***") && !e.to_lowercase().starts_with("site@"))
    );
    // Optional: the complete filing has neither.
    let plain = fixtures::complete_filing().unwrap_or_else(|e| panic!("{e}"));
    assert!(plain["contractor"].get("mobile").is_none());
}

/// Every case of the shared corpus gets exactly its problems, field by field.
#[test]
fn the_corpus_gets_its_verdicts() {
    let engine = engine();
    let cases = fixtures::corpus().unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for c in &cases {
        let mut want = c.expect.clone();
        want.sort();
        let got = problems(&engine, &c.body);
        if got != want {
            wrong.push(format!("{}:\n  want {want:?}\n  got  {got:?}", c.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn merge_patch_follows_rfc_7396() {
    let mut v = serde_json::json!({"a": {"b": 1, "c": 2}, "d": [1, 2], "e": 3});
    fixtures::merge_patch(
        &mut v,
        &serde_json::json!({"a": {"b": null, "x": 9}, "d": [3], "e": null}),
    );
    assert_eq!(v, serde_json::json!({"a": {"c": 2, "x": 9}, "d": [3]}));
}
