use super::*;
use std::str::FromStr;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

/// Every stored status (`statuses_are_all_there` checks none is missing).
const STATUSES: [Status; 8] = {
    use Status::*;
    [
        Filed,
        Returned,
        Registered,
        Extended,
        CompletionDeclared,
        Refused,
        Cancelled,
        Revoked,
    ]
};

const OFFICER: Actor = Actor::Staff(Role::Officer);
const ADMIN: Actor = Actor::Staff(Role::Admin);

/// A registration valid until 2027-05-23 (window from 2027-05-09), seen on `today`.
fn cx(today: &str, high_risk: bool, fast: bool) -> Context {
    Context {
        today: d(today),
        high_risk,
        street_fast_accept: fast,
        validity: Some(Validity {
            valid_until: d("2027-05-23"),
            window_days: 15,
        }),
    }
}

/// The contexts the walks try: every guard holding and failing.
fn contexts() -> Vec<Context> {
    let mut v = Vec::new();
    for today in ["2027-05-01", "2027-05-09", "2027-05-23", "2027-05-24"] {
        for (hr, fast) in [(false, true), (true, true), (false, false)] {
            v.push(cx(today, hr, fast));
        }
    }
    v.push(Context {
        validity: None,
        ..cx("2027-05-10", false, true)
    });
    v
}

fn origins() -> Vec<Option<Status>> {
    std::iter::once(None)
        .chain(STATUSES.into_iter().map(Some))
        .collect()
}

/// rules.md §7 written out independently of the table: who may do what from where, and to what, when
/// every condition holds (not high risk, 快速受理 on, inside the extension window).
fn expected(from: Option<Status>, action: Action, actor: Actor) -> Option<Status> {
    use Status::*;
    // rules.md §10: the street office decides; community workstations and property companies accept
    // and return (non-high-risk) filings; patrol staff and district departments take no lifecycle action.
    let staff = matches!(actor, Actor::Staff(Role::Officer | Role::Admin));
    let delegated = matches!(actor, Actor::Staff(Role::Community | Role::Property));
    let applicant = actor == Actor::Applicant;
    let contractor = actor == Actor::Contractor;
    // rules.md §10: the street office, community workstations and patrols record completion checks.
    let inspector = matches!(
        actor,
        Actor::Staff(Role::Officer | Role::Admin | Role::Community | Role::Patrol)
    );
    match (from, action) {
        (None, Action::File) if applicant => Some(Filed),
        (Some(Filed), Action::Register) if actor == Actor::System => Some(Registered),
        (Some(Filed), Action::Accept) if staff || delegated => Some(Registered),
        (Some(Filed), Action::Return) if staff || delegated => Some(Returned),
        (Some(Returned), Action::Resubmit) if applicant => Some(Registered),
        (Some(Filed | Returned), Action::Refuse) if staff => Some(Refused),
        (Some(Registered | Extended), Action::Extend) if applicant => Some(Extended),
        // §7 v3: 注销申报 by the applicant or the contractor; the completion check closes it.
        (Some(Registered | Extended), Action::DeclareCompletion) if applicant || contractor => {
            Some(CompletionDeclared)
        }
        (Some(CompletionDeclared), Action::Cancel) if inspector => Some(Cancelled),
        (Some(Registered | Extended | CompletionDeclared), Action::Revoke) if staff => {
            Some(Revoked)
        }
        _ => None,
    }
}

/// No combination of status, action and actor is allowed that rules.md §7 does not name, and every
/// one it names is.
#[test]
fn the_table_allows_exactly_the_lifecycle_of_rules_7() {
    let all_hold = cx("2027-05-10", false, true);
    for from in origins() {
        for action in Action::ALL {
            for actor in Actor::all() {
                assert_eq!(
                    decide(from, *action, actor, &all_hold).ok(),
                    expected(from, *action, actor),
                    "{from:?} {action:?} by {actor:?}"
                );
            }
        }
    }
}

/// High-risk acceptance stays with the street office (第二十一条第（四）项): a community workstation or a
/// property company may neither accept nor return a high-risk filing; an officer may.
#[test]
fn high_risk_filings_are_decided_by_the_street_office_only() {
    let high = cx("2027-05-10", true, true);
    for role in [Role::Community, Role::Property] {
        for action in [Action::Accept, Action::Return] {
            assert!(
                matches!(
                    decide(Some(Status::Filed), action, Actor::Staff(role), &high),
                    Err(Refusal::Condition { .. })
                ),
                "{role:?} {action:?}"
            );
        }
        assert!(matches!(
            decide(
                Some(Status::Filed),
                Action::Refuse,
                Actor::Staff(role),
                &high
            ),
            Err(Refusal::NotPermitted { .. })
        ));
    }
    assert_eq!(
        decide(Some(Status::Filed), Action::Accept, OFFICER, &high),
        Ok(Status::Registered)
    );
    for role in [Role::Patrol, Role::Viewer] {
        for action in Action::ALL {
            assert!(decide(Some(Status::Filed), *action, Actor::Staff(role), &high).is_err());
        }
    }
}

/// Every row decides something in some context: none is shadowed by an earlier row.
#[test]
fn every_row_is_reachable() {
    for (i, t) in TRANSITIONS.iter().enumerate() {
        let froms: Vec<Option<Status>> = if t.from.is_empty() {
            vec![None]
        } else {
            t.from.iter().copied().map(Some).collect()
        };
        for from in froms {
            for actor in t.by {
                let reached = contexts().iter().any(|c| {
                    row(from, t.action, *actor, c).is_ok_and(|r| std::ptr::eq(r, &TRANSITIONS[i]))
                });
                assert!(
                    reached,
                    "row {i} ({t:?}) never decides from {from:?} by {actor:?}"
                );
            }
        }
    }
}

/// A refusal says why: 403 for an actor who never takes the action, 409 naming the state otherwise.
#[test]
fn refusals_name_the_action_and_the_state() {
    let c = cx("2027-05-10", false, true);
    assert_eq!(
        decide(Some(Status::Filed), Action::Accept, Actor::Applicant, &c),
        Err(Refusal::NotPermitted {
            action: Action::Accept,
            actor: Actor::Applicant
        })
    );
    assert_eq!(
        decide(Some(Status::Refused), Action::Accept, OFFICER, &c),
        Err(Refusal::WrongState {
            action: Action::Accept,
            state: Some(State::Refused),
            allowed: vec![Status::Filed],
        })
    );
    // Past `valid_until` a registration shows as expired.
    let late = cx("2027-06-01", false, true);
    assert_eq!(
        decide(
            Some(Status::Registered),
            Action::Resubmit,
            Actor::Applicant,
            &late
        ),
        Err(Refusal::WrongState {
            action: Action::Resubmit,
            state: Some(State::Expired),
            allowed: vec![Status::Returned],
        })
    );
    let e = crate::error::ApiError::from(
        decide(Some(Status::Refused), Action::Accept, OFFICER, &c).unwrap_err(),
    );
    let crate::error::ApiError::State { msg } = e else {
        panic!("409 expected: {e:?}")
    };
    assert!(msg.zh.contains("不予登记") && msg.zh.contains("受理") && msg.zh.contains("待受理"));
    assert!(
        msg.en
            .contains("cannot accept a registration that is refused"),
        "{}",
        msg.en
    );
}

/// 依据：第二十五条、第二十六条 (申报登记), 第二十七条第（三）项 (快速受理): a filing is `filed`; the system
/// registers it at once only when it is not high risk and the street has 快速受理 on.
#[test]
fn filing_and_fast_acceptance_article_27() {
    assert!(Action::File.article().contains("第二十五条"));
    assert!(Action::Register.article().contains("第二十七条"));
    let new = |hr, fast| {
        decide(
            None,
            Action::File,
            Actor::Applicant,
            &cx("2026-11-23", hr, fast),
        )
    };
    assert_eq!(new(true, false), Ok(Status::Filed));
    let fast = |hr, fast| {
        decide(
            Some(Status::Filed),
            Action::Register,
            Actor::System,
            &cx("2026-11-23", hr, fast),
        )
    };
    assert_eq!(fast(false, true), Ok(Status::Registered));
    assert!(
        matches!(fast(true, true), Err(Refusal::Condition { .. })),
        "high risk waits"
    );
    assert!(
        matches!(fast(false, false), Err(Refusal::Condition { .. })),
        "street off"
    );
}

/// 依据：第二十七条第（二）（三）项: an officer of the street accepts, returns (一次性告知) or refuses a filing;
/// the applicant answers a return, registered at once where 快速受理 applies.
#[test]
fn officers_decide_filings_article_27() {
    for a in [
        Action::Accept,
        Action::Return,
        Action::Resubmit,
        Action::Refuse,
    ] {
        assert!(a.article().contains("第二十七条"), "{a:?}");
    }
    let c = cx("2026-11-23", true, true);
    for by in [OFFICER, ADMIN] {
        assert_eq!(
            decide(Some(Status::Filed), Action::Accept, by, &c),
            Ok(Status::Registered)
        );
        assert_eq!(
            decide(Some(Status::Filed), Action::Return, by, &c),
            Ok(Status::Returned)
        );
        assert_eq!(
            decide(Some(Status::Returned), Action::Refuse, by, &c),
            Ok(Status::Refused)
        );
        assert!(decide(Some(Status::Returned), Action::Accept, by, &c).is_err());
    }
    let resubmit = |c: &Context| {
        decide(
            Some(Status::Returned),
            Action::Resubmit,
            Actor::Applicant,
            c,
        )
    };
    assert_eq!(
        resubmit(&c),
        Ok(Status::Filed),
        "high risk: back to an officer"
    );
    assert_eq!(
        resubmit(&cx("2026-11-23", false, true)),
        Ok(Status::Registered)
    );
}

/// 依据：第二十五条 ("应在逾期前15日内申请延期"): an extension is asked in the 15 days ending on `valid_until`.
#[test]
fn extension_only_inside_the_window_article_25() {
    assert!(Action::Extend.article().contains("第二十五条"));
    let extend = |today: &str| {
        decide(
            Some(Status::Registered),
            Action::Extend,
            Actor::Applicant,
            &cx(today, true, false),
        )
    };
    assert_eq!(
        extend("2027-05-09"),
        Ok(Status::Extended),
        "first day of the window"
    );
    assert_eq!(extend("2027-05-23"), Ok(Status::Extended), "last day");
    let Err(Refusal::Condition { why, .. }) = extend("2027-05-08") else {
        panic!("before the window")
    };
    assert!(why.zh.contains("2027-05-09 至 2027-05-23") && why.zh.contains("第二十五条"));
    let Err(Refusal::Condition { why, .. }) = extend("2027-05-24") else {
        panic!("after expiry")
    };
    assert!(why.en.contains("expired on 2027-05-23"), "{}", why.en);
    assert_eq!(
        decide(
            Some(Status::Extended),
            Action::Extend,
            Actor::Applicant,
            &cx("2027-05-10", true, false)
        ),
        Ok(Status::Extended)
    );
}

/// 依据：第二十五条 ("信息登记无效，予以撤销"): an officer revokes a registration in force, on one of its grounds.
#[test]
fn revocation_article_25() {
    assert!(Action::Revoke.article().contains("第二十五条"));
    let c = cx("2027-06-30", false, true);
    for from in [Status::Registered, Status::Extended] {
        assert_eq!(
            decide(Some(from), Action::Revoke, OFFICER, &c),
            Ok(Status::Revoked)
        );
    }
    assert!(decide(Some(Status::Filed), Action::Revoke, OFFICER, &c).is_err());
    let grounds: Vec<&str> = RevocationGround::ALL.iter().map(|g| g.as_str()).collect();
    assert_eq!(
        grounds,
        [
            "false_filing",
            "permit_evasion",
            "beyond_scope",
            "illegal_construction"
        ]
    );
}

/// 依据：第三十三条 (完工后申报注销, "现场核实确认，实现闭环管理"): the applicant or the contractor declares
/// completion of a registration in force; only the street's completion check closes it; the contractor
/// may never extend.
#[test]
fn cancellation_article_33() {
    assert!(Action::Cancel.article().contains("第三十三条"));
    assert!(Action::DeclareCompletion.article().contains("第三十三条"));
    let c = cx("2027-05-01", false, true);
    for who in [Actor::Applicant, Actor::Contractor] {
        assert_eq!(
            decide(Some(Status::Extended), Action::DeclareCompletion, who, &c),
            Ok(Status::CompletionDeclared)
        );
        assert!(matches!(
            decide(Some(Status::CompletionDeclared), Action::Cancel, who, &c),
            Err(Refusal::NotPermitted { .. })
        ));
    }
    assert!(matches!(
        decide(Some(Status::Registered), Action::Cancel, OFFICER, &c),
        Err(Refusal::WrongState { .. })
    ));
    assert_eq!(
        decide(
            Some(Status::CompletionDeclared),
            Action::Cancel,
            OFFICER,
            &c
        ),
        Ok(Status::Cancelled)
    );
    assert!(matches!(
        decide(
            Some(Status::Registered),
            Action::Extend,
            Actor::Contractor,
            &cx("2027-05-10", false, true)
        ),
        Err(Refusal::NotPermitted { .. })
    ));
    // A declared completion is no longer in force (the receipt admits no new work), and it does not
    // expire while the street's check is pending.
    assert!(!State::from(Status::CompletionDeclared).in_force());
    assert_eq!(
        State::on(
            Status::CompletionDeclared,
            Some(d("2027-05-23")),
            d("2027-06-01")
        ),
        State::CompletionDeclared
    );
    for terminal in [Status::Cancelled, Status::Revoked, Status::Refused] {
        for action in Action::ALL {
            for actor in Actor::all() {
                assert!(
                    decide(Some(terminal), *action, actor, &c).is_err(),
                    "{terminal:?}"
                );
            }
        }
    }
}

/// Stored names read back as themselves; any other name is an error, never a default.
#[test]
fn names_round_trip_and_unknown_names_are_errors() {
    for a in Action::ALL {
        assert_eq!(Action::from_str(a.as_str()), Ok(*a));
        assert_eq!(
            serde_json::to_value(a).ok(),
            Some(serde_json::json!(a.as_str()))
        );
    }
    for a in Actor::all() {
        assert_eq!(Actor::from_str(a.as_str()), Ok(a));
    }
    for s in State::ALL {
        assert_eq!(State::from_str(s.as_str()), Ok(*s));
        assert_eq!(
            serde_json::to_value(s).ok(),
            Some(serde_json::json!(s.as_str()))
        );
    }
    for s in STATUSES {
        assert_eq!(State::from(s).as_str(), s.as_str());
    }
    assert!(Action::from_str("approved").is_err());
    assert!(Actor::from_str("root").is_err());
    assert!(State::from_str("Filed").is_err());
}

/// `STATUSES` holds every stored status: each shown state but `expired` comes from exactly one.
#[test]
fn statuses_are_all_there() {
    for st in State::ALL.iter().copied() {
        let from: Vec<Status> = STATUSES
            .into_iter()
            .filter(|s| State::from(*s) == st)
            .collect();
        assert_eq!(from.len(), usize::from(st != State::Expired), "{st:?}");
    }
}
