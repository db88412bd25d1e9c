//! `anbei account …` and `anbei audit verify`, run on the server beside a running service (the data
//! directory or database opened in shared mode). What they change is recorded in the audit trail as
//! the account `cli` with the operating-system user's name.

use super::{AccountView, NewAccount, TokenView, manage};
use crate::app::AppState;
use crate::audit::Chain;
use crate::error::ApiError;
use crate::store::{AuditDraft, AuditFilter};

/// Who runs the command, for the audit trail.
pub fn by(s: &AppState) -> AuditDraft {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    AuditDraft {
        at: s.now(),
        account: "cli".into(),
        name: crate::audit::clean(&user),
        role: "admin".into(),
        action: String::new(),
        target: String::new(),
        client: "local".into(),
        outcome: "ok".into(),
        detail: None,
    }
}

/// A problem as one line per field, for a terminal.
pub fn say(e: ApiError) -> String {
    let p = e.problem();
    if p.errors.is_empty() {
        format!("{} — {}", p.title, p.detail)
    } else {
        p.errors
            .iter()
            .map(|f| format!("{}: {} / {}", f.field, f.message.en, f.message.zh))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `anbei account add`: the new account and, unless a password was given, its initial password.
pub async fn add(
    s: &AppState,
    n: &NewAccount,
    password: Option<&str>,
) -> Result<(AccountView, Option<String>), String> {
    manage::create(s, n, password, &by(s)).await.map_err(say)
}

pub async fn set_disabled(
    s: &AppState,
    login: &str,
    disabled: bool,
) -> Result<AccountView, String> {
    manage::set_disabled(s, login, disabled, &by(s))
        .await
        .map_err(say)
}

/// `anbei account email`: sets (or, empty, clears) the account's notification address.
pub async fn set_email(s: &AppState, login: &str, email: &str) -> Result<AccountView, String> {
    manage::set_email(s, login, Some(email), &by(s))
        .await
        .map_err(say)
}

pub async fn reset_password(s: &AppState, login: &str) -> Result<String, String> {
    manage::reset_password(s, login, &by(s)).await.map_err(say)
}

/// Records a read by the command (its own transaction), as the API records an admin's.
async fn record_read(s: &AppState, action: &str, target: &str) -> Result<(), String> {
    let entry = AuditDraft {
        action: action.to_owned(),
        target: crate::audit::clean(target),
        ..by(s)
    };
    s.store
        .staff_write(vec![], vec![entry])
        .await
        .map_err(|e| e.to_string())
}

/// `anbei account list` (audited `accounts_read`, as `GET /api/v1/accounts`).
pub async fn list(s: &AppState) -> Result<Vec<AccountView>, String> {
    let items = s
        .store
        .list_accounts()
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(AccountView::from)
        .collect();
    record_read(s, "accounts_read", "accounts").await?;
    Ok(items)
}

pub async fn issue_token(
    s: &AppState,
    login: &str,
    label: &str,
    days: Option<i64>,
) -> Result<(TokenView, String), String> {
    let (row, token) = manage::issue_token(s, login, label, days, &by(s))
        .await
        .map_err(say)?;
    Ok((TokenView::of(&row), token))
}

/// `anbei account token list` (audited `tokens_read`, as `GET /api/v1/accounts/{login}/tokens`).
pub async fn tokens(s: &AppState, login: &str) -> Result<Vec<TokenView>, String> {
    manage::get(s, login).await.map_err(say)?;
    let items = s
        .store
        .tokens_of(login)
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(TokenView::of)
        .collect();
    record_read(s, "tokens_read", login).await?;
    Ok(items)
}

/// `anbei backup` made a copy of every registration (audited `backup_made`; detail: the file).
pub async fn backup_made(s: &AppState, file: &str) -> Result<(), String> {
    let entry = AuditDraft {
        action: "backup_made".into(),
        target: "backup".into(),
        detail: Some(crate::audit::clean(file)),
        ..by(s)
    };
    s.store
        .staff_write(vec![], vec![entry])
        .await
        .map_err(|e| e.to_string())
}

pub async fn revoke_token(s: &AppState, login: &str, id: &str) -> Result<(), String> {
    manage::revoke_token(s, login, id, &by(s))
        .await
        .map_err(say)
}

/// What `anbei audit verify` found.
pub struct Verified {
    pub rows: i64,
    pub head: String,
}

/// Walks the whole audit trail in order: `Ok` with the number of rows and the last hash when every row
/// is intact, else where and why it broke.
pub async fn verify(s: &AppState) -> Result<Verified, String> {
    let mut chain = Chain::default();
    let mut after = 0;
    loop {
        let page = s
            .store
            .audit_page(AuditFilter::default(), after, 5000)
            .await
            .map_err(|e| e.to_string())?;
        for r in &page {
            chain
                .next(r)
                .map_err(|b| format!("audit trail broken at entry {}: {}", b.seq, b.why))?;
        }
        match page.last() {
            Some(r) if page.len() == 5000 => after = r.seq,
            _ => break,
        }
    }
    Ok(Verified {
        rows: chain.rows(),
        head: chain.head().to_owned(),
    })
}
