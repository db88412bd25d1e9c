//! Role by endpoint (issue 13, rules.md §10): every route of the service, called by every kind of
//! caller — no credentials, the filing's applicant, its contractor's code, and a token of each staff role in and out of its
//! scope — answers 401/403 exactly where the table below says the caller may not. A route missing from
//! the table fails the test, so a new endpoint cannot ship without its row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;
mod calls;

use anbei_api::accounts::NewAccount;
use calls::Method;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

both_backends!(every_route_refuses_exactly_the_callers_rules_10_refuses);

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Nobody,
    /// The access token of the filing in the path.
    Applicant,
    /// The contractor's access code of the filing in the path (rules.md §10, *product policy*).
    Contractor,
    Admin,
    Officer,
    /// An officer of another street (Pinghu).
    OfficerElsewhere,
    /// The community workstation of the filing's community.
    Community,
    /// A community workstation of another community of the same street.
    CommunityElsewhere,
    /// A property company whose areas do not include the filing.
    PropertyElsewhere,
    Patrol,
    /// The district department that is the filing's primary department.
    Viewer,
    /// A district department the filing does not concern.
    ViewerElsewhere,
}

use Caller::*;

const EVERYONE: &[Caller] = &[
    Nobody,
    Applicant,
    Contractor,
    Admin,
    Officer,
    OfficerElsewhere,
    Community,
    CommunityElsewhere,
    PropertyElsewhere,
    Patrol,
    Viewer,
    ViewerElsewhere,
];
/// Who may accept or return the (non-high-risk) filing: the street office and its community.
const DECIDING: &[Caller] = &[Admin, Officer, Community];
const STREET_OFFICE: &[Caller] = &[Admin, Officer];
/// Who lists: every staff account but patrol (its own scope only).
const LISTING: &[Caller] = &[
    Admin,
    Officer,
    OfficerElsewhere,
    Community,
    CommunityElsewhere,
    PropertyElsewhere,
    Viewer,
    ViewerElsewhere,
];
/// Who works a queue of decisions.
const QUEUE: &[Caller] = &[
    Admin,
    Officer,
    OfficerElsewhere,
    Community,
    CommunityElsewhere,
    PropertyElsewhere,
];
const ADMIN: &[Caller] = &[Admin];
/// Who records inspections and verifies rectifications of the (Bantian, 岗头社区) filing (rules.md §10);
/// the property company outside its areas and the viewer may not.
const INSPECTING: &[Caller] = &[Admin, Officer, Community, Patrol];
/// Who records work found without registration (against an address in the street it covers).
const RECORDING_UNREGISTERED: &[Caller] = &[
    Admin,
    Officer,
    OfficerElsewhere,
    Community,
    CommunityElsewhere,
    Patrol,
];
/// Who lists inspections: every staff account, each within its own scope.
const STAFF: &[Caller] = &[
    Admin,
    Officer,
    OfficerElsewhere,
    Community,
    CommunityElsewhere,
    PropertyElsewhere,
    Patrol,
    Viewer,
    ViewerElsewhere,
];
const APPLICANT: &[Caller] = &[Applicant];
/// What the contractor named in the filing may do too: declare completion, answer a finding (§10).
const APPLICANT_OR_CONTRACTOR: &[Caller] = &[Applicant, Contractor];
const READERS: &[Caller] = &[
    Applicant, Contractor, Admin, Officer, Community, Patrol, Viewer,
];
/// The staff covering the filing: read what its inspections need (the checklist).
const STAFF_READERS: &[Caller] = &[Admin, Officer, Community, Patrol, Viewer];
/// The contractor's own side (rules.md §10): site photos, worker changes, evidence, waste record.
const CONTRACTOR: &[Caller] = &[Contractor];
/// The district department concerned: supervisory-check feedback (第三十一条).
const DEPARTMENT: &[Caller] = &[Viewer];
/// Only a console session (cookie): no bearer token opens these.
const SESSION_ONLY: &[Caller] = &[];

/// rules.md §10 as a table: (method, route) → who may.
fn table() -> BTreeMap<(&'static str, &'static str), &'static [Caller]> {
    BTreeMap::from([
        (("GET", "/healthz"), EVERYONE),
        (("GET", "/readyz"), EVERYONE),
        (("GET", "/api/v1/ruleset"), EVERYONE),
        (("GET", "/api/v1/pledge"), EVERYONE),
        (("GET", "/api/v1/keys"), EVERYONE),
        (("GET", "/api/openapi.json"), EVERYONE),
        // Not a role's: without --metrics-token, any direct request from this machine (as the test's
        // are) and none through a proxy; with one, its bearer only (api/tests/ops.rs).
        (("GET", "/metrics"), EVERYONE),
        (("POST", "/api/v1/assessments"), EVERYONE),
        (("POST", "/api/v1/uploads"), EVERYONE),
        (("POST", "/api/v1/registrations"), EVERYONE),
        (("GET", "/api/v1/receipts/{receipt_no}/verify"), EVERYONE),
        (("GET", "/receipts/{receipt_no}"), EVERYONE),
        (("GET", "/receipts/{receipt_no}/notice"), EVERYONE),
        // The inspector's scan page (issue 15): public, like the verification it shows.
        (("GET", "/v/{receipt_no}"), EVERYONE),
        (("POST", "/api/v1/session"), EVERYONE),
        (("GET", "/api/v1/registrations"), LISTING),
        (("GET", "/api/v1/registrations/{filing_no}"), READERS),
        (
            (
                "GET",
                "/api/v1/registrations/{filing_no}/documents/{upload_id}",
            ),
            READERS,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/resubmission"),
            APPLICANT,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/acceptance"),
            DECIDING,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/return"),
            DECIDING,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/refusal"),
            STREET_OFFICE,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/revocation"),
            STREET_OFFICE,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/extension"),
            APPLICANT,
        ),
        // Issue 16, item 5: an officer re-issues a lost access code after an identity check (the
        // matrix's body has no ID number: 422 for those allowed, nothing re-issued).
        (
            ("POST", "/api/v1/registrations/{filing_no}/access-token"),
            STREET_OFFICE,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/cancellation"),
            APPLICANT_OR_CONTRACTOR,
        ),
        (("GET", "/api/v1/queue"), QUEUE),
        // 第二十一条第（二）项: the street's and district's statistics, each in its scope; not patrols.
        (("GET", "/api/v1/statistics"), LISTING),
        (("GET", "/api/v1/session"), SESSION_ONLY),
        (("DELETE", "/api/v1/session"), SESSION_ONLY),
        (("POST", "/api/v1/session/password"), SESSION_ONLY),
        (("POST", "/api/v1/session/totp"), SESSION_ONLY),
        (("POST", "/api/v1/session/totp/confirm"), SESSION_ONLY),
        (("GET", "/api/v1/accounts"), ADMIN),
        (("POST", "/api/v1/accounts"), ADMIN),
        (("POST", "/api/v1/accounts/{login}/disable"), ADMIN),
        (("POST", "/api/v1/accounts/{login}/enable"), ADMIN),
        (("POST", "/api/v1/accounts/{login}/password"), ADMIN),
        // An account sets its own notification address; an admin anyone's (the matrix's login is
        // another account's).
        (("POST", "/api/v1/accounts/{login}/email"), ADMIN),
        (("GET", "/api/v1/accounts/{login}/tokens"), ADMIN),
        (("POST", "/api/v1/accounts/{login}/tokens"), ADMIN),
        (("DELETE", "/api/v1/accounts/{login}/tokens/{id}"), ADMIN),
        (("GET", "/api/v1/audit"), ADMIN),
        // Issue 16, item 7: one person's data, exported or corrected by an admin (the matrix's body has
        // no ID number: 400/422 for the admin, nothing read or changed).
        (("POST", "/api/v1/personal-data/export"), ADMIN),
        (("POST", "/api/v1/personal-data/correction"), ADMIN),
        (("GET", "/api/v1/inspections"), STAFF),
        (("POST", "/api/v1/inspections"), RECORDING_UNREGISTERED),
        (
            ("POST", "/api/v1/registrations/{filing_no}/inspections"),
            INSPECTING,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/escalation"),
            STREET_OFFICE,
        ),
        (
            (
                "POST",
                "/api/v1/registrations/{filing_no}/findings/{id}/rectification",
            ),
            APPLICANT_OR_CONTRACTOR,
        ),
        (
            (
                "POST",
                "/api/v1/registrations/{filing_no}/findings/{id}/decision",
            ),
            INSPECTING,
        ),
        (
            (
                "POST",
                "/api/v1/registrations/{filing_no}/findings/{id}/referral",
            ),
            STREET_OFFICE,
        ),
        // Issue 14: the street office schedules a re-inspection of a finding (§9.1, 第三十四条).
        (
            (
                "POST",
                "/api/v1/registrations/{filing_no}/findings/{id}/follow-up",
            ),
            STREET_OFFICE,
        ),
        (
            ("GET", "/api/v1/registrations/{filing_no}/checklist"),
            STAFF_READERS,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/site-records"),
            CONTRACTOR,
        ),
        (
            ("POST", "/api/v1/registrations/{filing_no}/feedback"),
            DEPARTMENT,
        ),
    ])
}

/// A filing awaiting a decision (快速受理 is off in Bantian here), its token and its document.
struct Filed {
    no: String,
    token: String,
    contractor: String,
    document: String,
}

async fn file(app: &TestApp, key: &str) -> Filed {
    let body = app.filing(ordinary_facts()).await;
    let document = body["documents"]
        .as_object()
        .and_then(|d| d.values().next())
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let (st, v) = app.file(key, &body).await;
    assert_eq!(st, 201, "{v}");
    Filed {
        no: v["filing_no"].as_str().unwrap().into(),
        token: v["access_token"].as_str().unwrap().into(),
        contractor: v["contractor_access_token"].as_str().unwrap().into(),
        document,
    }
}

async fn every_route_refuses_exactly_the_callers_rules_10_refuses(b: Backend) {
    let app = spawn_with(b, |c| {
        c.fast_accept_disabled_streets.insert("bantian".into());
    })
    .await;
    // A registered filing elsewhere gives the receipt routes a number.
    let registered = {
        let mut facts = ordinary_facts();
        facts["street"] = json!("pinghu");
        let mut body = app.filing(facts).await;
        body["site"]["street"] = json!("pinghu");
        body["site"]["community"] = json!("平湖社区");
        let (st, v) = app.file("matrix-receipt", &body).await;
        assert_eq!(st, 201, "{v}");
        v["receipt"]["receipt_no"].as_str().unwrap().to_owned()
    };
    let shared = file(&app, "matrix-shared").await;
    let (_, view) = app
        .get(
            &format!("/api/v1/registrations/{}", shared.no),
            Some(&shared.token),
        )
        .await;
    let department = view["assessment"]["departments"]["primary"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let other_department = app
        .state
        .engine
        .departments()
        .iter()
        .map(|d| d.code.clone())
        .find(|d| {
            !view["assessment"]["departments"]
                .to_string()
                .contains(&format!("\"{d}\""))
        })
        .unwrap();
    let mut tokens: BTreeMap<Caller, String> = BTreeMap::new();
    let mk = |role: &str, street: Option<&str>| NewAccount {
        name: "矩阵".into(),
        role: role.into(),
        street: street.map(Into::into),
        ..NewAccount::default()
    };
    tokens.insert(Admin, app.account(mk("admin", Some("*"))).await);
    tokens.insert(Officer, app.account(mk("officer", Some("bantian"))).await);
    tokens.insert(
        OfficerElsewhere,
        app.account(mk("officer", Some("pinghu"))).await,
    );
    tokens.insert(
        Community,
        app.account(NewAccount {
            community: Some("岗头社区".into()),
            ..mk("community", Some("bantian"))
        })
        .await,
    );
    tokens.insert(
        CommunityElsewhere,
        app.account(NewAccount {
            community: Some("五和社区".into()),
            ..mk("community", Some("bantian"))
        })
        .await,
    );
    tokens.insert(
        PropertyElsewhere,
        app.account(NewAccount {
            areas: Some(vec!["某某花园".into()]),
            ..mk("property", Some("bantian"))
        })
        .await,
    );
    tokens.insert(Patrol, app.account(mk("patrol", Some("bantian"))).await);
    tokens.insert(
        Viewer,
        app.account(NewAccount {
            department: Some(department),
            ..mk("viewer", None)
        })
        .await,
    );
    tokens.insert(
        ViewerElsewhere,
        app.account(NewAccount {
            department: Some(other_department),
            ..mk("viewer", None)
        })
        .await,
    );
    anbei_api::accounts::cli::add(
        &app.state,
        &NewAccount {
            login: "target.user".into(),
            ..mk("officer", Some("bantian"))
        },
        None,
    )
    .await
    .unwrap();

    let table = table();
    let routes: Vec<(String, &'static str)> = anbei_api::routes::all()
        .list()
        .iter()
        .map(|(m, p)| (m.to_string(), *p))
        .collect();
    for (m, p) in &routes {
        assert!(
            table.contains_key(&(m.as_str(), *p)),
            "{m} {p} has no row in the role table"
        );
    }
    let mut n = 0;
    let mut wrong = Vec::new();
    for ((method, route), allowed) in &table {
        assert!(
            routes.iter().any(|(m, p)| m == method && p == route),
            "{method} {route}: no such route"
        );
        for caller in EVERYONE {
            // A change to a registration gets a filing of its own; reads share one.
            let changes = *method != "GET" && route.contains("{filing_no}");
            let f = if changes {
                file(&app, &format!("matrix-{n}")).await
            } else {
                Filed { ..clone(&shared) }
            };
            n += 1;
            let path = route
                .replace("{filing_no}", &f.no)
                .replace("{upload_id}", &f.document)
                .replace("{receipt_no}", &registered)
                .replace("{login}", "target.user")
                .replace("{id}", "0000000000000000");
            let body = match route.rsplit('/').next().unwrap() {
                "return" => {
                    json!({ "changes": [{ "field": "site.address", "message": { "zh": "地址不完整" } }] })
                }
                "refusal" => json!({ "reason": "需办理施工许可" }),
                "revocation" => json!({ "reason": "虚假申报", "ground": "false_filing" }),
                "extension" => json!({ "new_valid_until": "2027-06-01" }),
                "cancellation" => {
                    json!({ "completion_date": TODAY, "waste_disposal_record": f.document })
                }
                "accounts" => {
                    json!({ "login": format!("new.{n}"), "name": "新账户", "role": "officer", "street": "bantian" })
                }
                "tokens" => json!({ "label": "portal" }),
                "session" => json!({ "login": "target.user", "password": "wrong password here" }),
                "assessments" => ordinary_facts(),
                _ => json!({}),
            };
            let mut r = app
                .http
                .request(method.parse::<Method>().unwrap(), app.url(&path));
            r = match caller {
                Nobody => r,
                Applicant => r.bearer_auth(&f.token),
                Contractor => r.bearer_auth(&f.contractor),
                c => r.bearer_auth(&tokens[c]),
            };
            if *method != "GET" && *method != "DELETE" {
                r = if *route == "/api/v1/uploads" {
                    r.body(b"%PDF-1.4 matrix\n%%EOF\n".to_vec())
                } else if *route == "/api/v1/registrations" {
                    r.header("Idempotency-Key", format!("matrix-post-{n}"))
                        .json(&app.filing(ordinary_facts()).await)
                } else {
                    r.json(&body)
                };
            }
            let st = r.send().await.unwrap().status().as_u16();
            let may = allowed.contains(caller);
            // Sign-in with a wrong password is 401 by design, whoever asks.
            let refused = if *route == "/api/v1/session" && *method == "POST" {
                st == 403
            } else {
                st == 401 || st == 403
            };
            if may == refused {
                wrong.push(format!(
                    "{method} {route} by {caller:?}: {st} ({})",
                    if may {
                        "should be allowed"
                    } else {
                        "should be refused"
                    }
                ));
            }
            if !may
                && *caller == Nobody
                && st != 401
                && !EVERYONE.is_empty()
                && allowed != &EVERYONE
            {
                wrong.push(format!(
                    "{method} {route} without credentials: {st}, not 401"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {n} calls disagree with the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(n >= 38 * 12, "{n} calls");
}

fn clone(f: &Filed) -> Filed {
    Filed {
        no: f.no.clone(),
        token: f.token.clone(),
        contractor: f.contractor.clone(),
        document: f.document.clone(),
    }
}
