//! Making and changing accounts and tokens — the same steps for an admin in the console or the API
//! (`routes/accounts.rs`) and for `anbei account …` on the server ([`super::cli`]). Each step is one
//! store transaction with its audit entry; `by` is who does it (its action and target are filled in).

use super::{AccountView, NewAccount, TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, password, validate};
use crate::app::AppState;
use crate::error::{ApiError, FieldProblem, Msg};
use crate::messages::Key;
use crate::signing::{new_officer_token, sha256_hex};
use crate::store::{AccountRow, AuditDraft, StaffOp, StoreError, TokenRow};

fn by_doing(by: &AuditDraft, action: &str, target: &str, detail: Option<String>) -> AuditDraft {
    AuditDraft {
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        ..by.clone()
    }
}

/// Creates the account `n` asks for with a password: `given` (checked against the policy), or a new
/// random one, which is returned to hand over once. The password must be changed at first sign-in.
pub async fn create(
    s: &AppState,
    n: &NewAccount,
    given: Option<&str>,
    by: &AuditDraft,
) -> Result<(AccountView, Option<String>), ApiError> {
    let mut row = validate(&s.engine, n, &s.now()).map_err(ApiError::invalid_request)?;
    let (pw, shown) = match given {
        Some(p) => {
            password::check(p, &row.login, None).map_err(|rule| {
                ApiError::invalid_request(vec![crate::routes::session::password_problem(
                    "password", rule,
                )])
            })?;
            (p.to_owned(), None)
        }
        None => {
            let p = password::generate().map_err(ApiError::internal)?;
            (p.clone(), Some(p))
        }
    };
    row.password_hash = Some(password::hash(&pw).map_err(ApiError::internal)?);
    let detail = format!("role {}", row.role);
    match s
        .store
        .staff_write(
            vec![StaffOp::AddAccount(row.clone())],
            vec![by_doing(by, "account_added", &row.login, Some(detail))],
        )
        .await
    {
        Err(StoreError::Conflict) => Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "login",
            "taken",
            Msg::of(Key::AccountExists),
        )])),
        other => other.map_err(ApiError::from),
    }?;
    Ok((AccountView::from(&row), shown))
}

pub async fn get(s: &AppState, login: &str) -> Result<AccountRow, ApiError> {
    s.store.get_account(login).await?.ok_or(ApiError::NotFound)
}

/// Disables (or enables again) an account. Disabling ends its sessions and revokes its tokens at once.
pub async fn set_disabled(
    s: &AppState,
    login: &str,
    disabled: bool,
    by: &AuditDraft,
) -> Result<AccountView, ApiError> {
    let mut a = get(s, login).await?;
    a.disabled = disabled;
    let mut ops = vec![StaffOp::PutAccount(a.clone())];
    if disabled {
        ops.push(StaffOp::EndSessionsOf {
            login: a.login.clone(),
        });
        ops.push(StaffOp::RevokeTokensOf {
            login: a.login.clone(),
            at: s.now(),
        });
    }
    let action = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    s.store
        .staff_write(ops, vec![by_doing(by, action, login, None)])
        .await?;
    Ok(AccountView::from(&a))
}

/// Sets (or, with `None` or a blank, clears) where the account's notifications are e-mailed (rules.md
/// §11): an address checked like the applicant's (`email`, its domain lower-cased).
pub async fn set_email(
    s: &AppState,
    login: &str,
    email: Option<&str>,
    by: &AuditDraft,
) -> Result<AccountView, ApiError> {
    let mut a = get(s, login).await?;
    a.email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(
            anbei_filing::ids::Email::parse(e)
                .map_err(|m| {
                    let i = crate::validate::Invalid::from(m);
                    ApiError::invalid_request(vec![FieldProblem::new("email", i.rule, i.zh, i.en)])
                })?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let detail = Some(if a.email.is_some() { "set" } else { "cleared" }.to_owned());
    s.store
        .staff_write(
            vec![StaffOp::PutAccount(a.clone())],
            vec![by_doing(by, "account_email_set", login, detail)],
        )
        .await?;
    Ok(AccountView::from(&a))
}

/// A new random password to hand over; the account must change it at its next sign-in, its sessions
/// end and a lock is lifted.
pub async fn reset_password(
    s: &AppState,
    login: &str,
    by: &AuditDraft,
) -> Result<String, ApiError> {
    let mut a = get(s, login).await?;
    let p = password::generate().map_err(ApiError::internal)?;
    a.password_hash = Some(password::hash(&p).map_err(ApiError::internal)?);
    a.must_change_password = true;
    a.failed_count = 0;
    a.locked_until_ms = 0;
    s.store
        .staff_write(
            vec![
                StaffOp::PutAccount(a.clone()),
                StaffOp::EndSessionsOf {
                    login: a.login.clone(),
                },
            ],
            vec![by_doing(by, "password_reset", login, None)],
        )
        .await?;
    Ok(p)
}

/// Issues a bearer token to `login` for `days` (default 90, at most 365): the row and the token,
/// shown once (only its SHA-256 is kept).
pub async fn issue_token(
    s: &AppState,
    login: &str,
    label: &str,
    days: Option<i64>,
    by: &AuditDraft,
) -> Result<(TokenRow, String), ApiError> {
    let days = days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "days",
            "range",
            Msg::of(Key::TokenDays),
        )]));
    }
    let label = crate::validate::text(label, 100).map_err(|e| {
        ApiError::invalid_request(vec![FieldProblem::new("label", e.rule, e.zh, e.en)])
    })?;
    let a = get(s, login).await?;
    let (token, hash) = new_officer_token().map_err(ApiError::internal)?;
    let row = TokenRow {
        id: sha256_hex(hash.as_bytes())[..16].to_owned(),
        token_hash: hash,
        login: a.login.clone(),
        label,
        created_at: s.now(),
        expires_ms: s.now_ms() + days * 86_400_000,
        revoked_at: None,
    };
    s.store
        .staff_write(
            vec![StaffOp::AddToken(row.clone())],
            vec![by_doing(
                by,
                "token_issued",
                login,
                Some(format!("token {}", row.id)),
            )],
        )
        .await?;
    Ok((row, token))
}

pub async fn revoke_token(
    s: &AppState,
    login: &str,
    id: &str,
    by: &AuditDraft,
) -> Result<(), ApiError> {
    s.store
        .staff_write(
            vec![StaffOp::RevokeToken {
                login: login.to_owned(),
                id: id.to_owned(),
                at: s.now(),
            }],
            vec![by_doing(
                by,
                "token_revoked",
                login,
                Some(format!("token {id}")),
            )],
        )
        .await?;
    Ok(())
}
