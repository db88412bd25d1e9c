//! Named staff accounts (rules.md §10): who they are, what their role covers, and how one is made.
//! A person, never a shared login: sign-in with a password (argon2id, [`password`]) and, for admins
//! always, a TOTP code ([`totp`]); machine clients use bearer tokens issued per account, with an
//! expiry. Sessions and sign-in: [`session`]; the HTTP side: `routes/session.rs`, `routes/accounts.rs`;
//! the command line: [`cli`].

pub mod cli;
pub mod manage;
pub mod password;
pub mod session;
pub mod totp;

use crate::error::{FieldProblem, Msg};
use crate::lifecycle::Role;
use crate::messages::Key;
use crate::store::{AccountRow, TokenRow};
use anbei_core::Engine;
use serde::{Deserialize, Serialize};

/// How long a bearer token lives unless asked otherwise, and at most (days).
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
pub const TOKEN_DAYS_MAX: i64 = 365;
/// Failed sign-ins in a row that lock a login, and for how long.
pub const LOCK_AFTER: i64 = 5;
pub const LOCK_MS: i64 = 15 * 60 * 1000;

/// An account as the API shows it (never its secrets).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, utoipa::ToSchema)]
pub struct AccountView {
    pub login: String,
    pub name: String,
    pub role: String,
    /// `null`: every street (admins only).
    pub street: Option<String>,
    pub community: Option<String>,
    pub areas: Vec<String>,
    pub department: Option<String>,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    /// Where its notifications are e-mailed (rules.md §11), if set.
    pub email: Option<String>,
}

impl From<&AccountRow> for AccountView {
    fn from(a: &AccountRow) -> AccountView {
        AccountView {
            login: a.login.clone(),
            name: a.name.clone(),
            role: a.role.clone(),
            street: a.street.clone(),
            community: a.community.clone(),
            areas: areas_list(&a.areas),
            department: a.department.clone(),
            disabled: a.disabled,
            totp_enabled: a.totp_secret.is_some(),
            must_change_password: a.must_change_password,
            created_at: a.created_at.clone(),
            last_sign_in_at: a.last_sign_in_at.clone(),
            email: a.email.clone(),
        }
    }
}

/// A token as listed (its secret is shown once, when issued).
#[derive(Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

impl TokenView {
    pub fn of(t: &TokenRow) -> TokenView {
        TokenView {
            id: t.id.clone(),
            label: t.label.clone(),
            created_at: t.created_at.clone(),
            expires_at: crate::clock::rfc3339(t.expires_ms),
            revoked_at: t.revoked_at.clone(),
        }
    }
}

/// A new account, as an admin (console or API) or `anbei account add` asks for it.
#[derive(Deserialize, Clone, Debug, Default, utoipa::ToSchema)]
pub struct NewAccount {
    pub login: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub community: Option<String>,
    #[serde(default)]
    pub areas: Option<Vec<String>>,
    #[serde(default)]
    pub department: Option<String>,
}

/// `|a|b|` — how the areas are stored (so that one is found with `LIKE '%|a|%'`).
pub fn areas_field(areas: &[String]) -> String {
    if areas.is_empty() {
        String::new()
    } else {
        format!("|{}|", areas.join("|"))
    }
}

pub fn areas_list(field: &str) -> Vec<String> {
    field
        .split('|')
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

fn problem(field: &str, rule: &str, msg: Msg) -> FieldProblem {
    FieldProblem::msg(field, rule, msg)
}

/// Whether a login is well formed: 3–40 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn login_ok(login: &str) -> bool {
    (3..=40).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && login
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// The account `n` asks for, checked against the role's scope (rules.md §10) — every problem at once.
/// No password yet: the caller sets one.
pub fn validate(
    engine: &Engine,
    n: &NewAccount,
    now: &str,
) -> Result<AccountRow, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if !login_ok(&n.login) {
        problems.push(problem("login", "format", Msg::of(Key::LoginFormat)));
    }
    let name = crate::validate::text(&n.name, 50)
        .map_err(|e| problems.push(FieldProblem::new("name", e.rule, e.zh, e.en)))
        .ok();
    let role: Option<Role> = n.role.parse().ok();
    if role.is_none() {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        problems.push(problem(
            "role",
            "code",
            Msg::with(Key::UnknownRole, &[("roles", &roles.join(", "))]),
        ));
    }
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let street = given(&n.street).filter(|s| s != "*");
    let every = given(&n.street).as_deref() == Some("*");
    if let Some(st) = &street {
        if engine.street_index(st).is_none() {
            let known: Vec<&str> = engine.streets().iter().map(|s| s.code.as_str()).collect();
            problems.push(problem(
                "street",
                "code",
                Msg::with(Key::UnknownStreet, &[("streets", &known.join(", "))]),
            ));
        }
    }
    let community = given(&n.community);
    let areas: Vec<String> = n
        .areas
        .iter()
        .flatten()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let department = given(&n.department);
    if let Some(role) = role {
        let needs_street = !matches!(role, Role::Admin | Role::Viewer);
        if needs_street && street.is_none() {
            problems.push(problem(
                "street",
                "required",
                Msg::with(Key::StreetRequired, &[("role", &role.as_str())]),
            ));
        }
        if every && role != Role::Admin {
            problems.push(problem(
                "street",
                "scope",
                Msg::of(Key::EveryStreetAdminOnly),
            ));
        }
        if role == Role::Community && community.is_none() {
            problems.push(problem(
                "community",
                "required",
                Msg::of(Key::CommunityRequired),
            ));
        }
        let bad_area = |a: &String| a.contains(['|', '%', '_']) || a.chars().count() > 50;
        if role == Role::Property && (areas.is_empty() || areas.iter().any(bad_area)) {
            problems.push(problem("areas", "required", Msg::of(Key::AreasRequired)));
        }
        if role == Role::Viewer {
            match &department {
                None => problems.push(problem(
                    "department",
                    "required",
                    Msg::of(Key::DepartmentRequired),
                )),
                Some(d) if !engine.departments().iter().any(|x| &x.code == d) => {
                    let known: Vec<&str> = engine
                        .departments()
                        .iter()
                        .map(|x| x.code.as_str())
                        .collect();
                    problems.push(problem(
                        "department",
                        "code",
                        Msg::with(
                            Key::UnknownDepartment,
                            &[("departments", &known.join(", "))],
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    match (problems.is_empty(), name, role) {
        (true, Some(name), Some(role)) => Ok(AccountRow {
            login: n.login.clone(),
            name,
            role: role.as_str().to_owned(),
            // a community, property, patrol account keeps only what its role uses
            community: matches!(role, Role::Community | Role::Patrol)
                .then_some(community)
                .flatten(),
            areas: if role == Role::Property {
                areas_field(&areas)
            } else {
                String::new()
            },
            department: (role == Role::Viewer).then_some(department).flatten(),
            street: if role == Role::Viewer { None } else { street },
            password_hash: None,
            must_change_password: true,
            totp_secret: None,
            totp_pending: None,
            totp_last_step: None,
            disabled: false,
            failed_count: 0,
            locked_until_ms: 0,
            created_at: now.to_owned(),
            last_sign_in_at: None,
            email: None,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::embedded().unwrap()
    }

    fn ask(role: &str, street: Option<&str>) -> NewAccount {
        NewAccount {
            login: "li.wei".into(),
            name: "李伟".into(),
            role: role.into(),
            street: street.map(Into::into),
            ..NewAccount::default()
        }
    }

    fn rules(r: Result<AccountRow, Vec<FieldProblem>>) -> Vec<(String, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.field, p.rule))
            .collect()
    }

    /// rules.md §10: each role's scope is asked for, and nothing it does not use is kept.
    #[test]
    fn each_role_needs_its_scope() {
        let e = engine();
        let now = "2026-12-02T10:00:00.000+08:00";
        assert!(validate(&e, &ask("officer", Some("bantian")), now).is_ok());
        assert_eq!(
            rules(validate(&e, &ask("officer", None), now)),
            [("street".into(), "required".into())]
        );
        assert_eq!(
            rules(validate(&e, &ask("officer", Some("*")), now)),
            [
                ("street".into(), "required".into()),
                ("street".into(), "scope".into())
            ]
        );
        assert_eq!(
            validate(&e, &ask("admin", Some("*")), now).unwrap().street,
            None
        );
        assert_eq!(
            rules(validate(&e, &ask("community", Some("bantian")), now)),
            [("community".into(), "required".into())]
        );
        let mut p = ask("property", Some("bantian"));
        assert_eq!(
            rules(validate(&e, &p, now)),
            [("areas".into(), "required".into())]
        );
        p.areas = Some(vec!["万科城".into(), " 星河丹堤 ".into()]);
        let row = validate(&e, &p, now).unwrap();
        assert_eq!(row.areas, "|万科城|星河丹堤|");
        assert_eq!(areas_list(&row.areas), ["万科城", "星河丹堤"]);
        p.areas = Some(vec!["50%_off".into()]);
        assert_eq!(
            rules(validate(&e, &p, now)),
            [("areas".into(), "required".into())]
        );
        let mut v = ask("viewer", None);
        v.department = Some("no-such".into());
        assert_eq!(
            rules(validate(&e, &v, now)),
            [("department".into(), "code".into())]
        );
        v.department = Some(e.departments()[0].code.clone());
        assert!(validate(&e, &v, now).is_ok());
        let mut bad = ask("chief", Some("nowhere"));
        bad.login = "Li Wei".into();
        let r = rules(validate(&e, &bad, now));
        assert!(r.contains(&("login".into(), "format".into())), "{r:?}");
        assert!(r.contains(&("role".into(), "code".into())), "{r:?}");
        assert!(r.contains(&("street".into(), "code".into())), "{r:?}");
        let row = validate(&e, &ask("patrol", Some("bantian")), now).unwrap();
        assert!(row.must_change_password && row.password_hash.is_none());
    }
}
