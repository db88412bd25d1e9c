//! Signing in and out of the console (OWASP ASVS 5.0 V6–V7): a password checked with argon2id, then a
//! TOTP code when the account has one; 5 failures in a row pause the login for 15 minutes, answered
//! exactly like a wrong password (and an unknown login takes as long to refuse: it is checked against
//! a decoy hash), so nothing tells whether a login exists. A session is a random id in an `HttpOnly`,
//! `SameSite=Strict` cookie (stored as its SHA-256) with its own CSRF token; it ends after the idle and
//! absolute limits of the configuration, at sign-out, and when its account is disabled or its
//! password changed.

use super::{AccountView, LOCK_AFTER, LOCK_MS, password, totp};
use crate::app::AppState;
use crate::auth::SESSION_COOKIE;
use crate::error::ApiError;
use crate::lifecycle::Role;
use crate::signing::{random_bytes, sha256_hex};
use crate::store::{AccountRow, AuditDraft, SessionRow, StaffOp};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// A session's last-seen time is written at most this often (not at every request).
const TOUCH_EVERY_MS: i64 = 60 * 1000;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub totp: Option<String>,
}

/// The answer to a sign-in, and to `GET /api/v1/session`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub account: AccountView,
    /// Send it as `X-CSRF-Token` with every change made with this session.
    pub csrf_token: String,
    pub must_change_password: bool,
    /// An admin without a second factor: enrol one (`POST /api/v1/session/totp`) before anything else.
    pub totp_enrolment_required: bool,
    pub idle_minutes: i64,
    /// When the session ends at the latest (RFC 3339).
    pub expires_at: String,
}

pub fn signed_in(s: &AppState, a: &AccountRow, sess: &SessionRow) -> SignedIn {
    SignedIn {
        account: AccountView::from(a),
        csrf_token: sess.csrf_token.clone(),
        must_change_password: a.must_change_password,
        totp_enrolment_required: a.role == Role::Admin.as_str() && a.totp_secret.is_none(),
        idle_minutes: s.cfg.session_idle_ms / 60_000,
        expires_at: crate::clock::rfc3339(sess.created_ms + s.cfg.session_absolute_ms),
    }
}

/// The `Set-Cookie` value of a new session.
pub fn cookie(s: &AppState, id: &str) -> String {
    format!(
        "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        s.cfg.session_absolute_ms / 1000,
        if s.cfg.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared(s: &AppState) -> String {
    format!(
        "{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        if s.cfg.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    )
}

/// A new session of `login`: the cookie's value (shown once) and the row stored.
pub fn new_session(s: &AppState, login: &str) -> Result<(String, SessionRow), ApiError> {
    let id = URL_SAFE_NO_PAD.encode(random_bytes::<32>().map_err(ApiError::internal)?);
    let csrf = URL_SAFE_NO_PAD.encode(random_bytes::<32>().map_err(ApiError::internal)?);
    let now = s.now_ms();
    let row = SessionRow {
        id_hash: sha256_hex(id.as_bytes()),
        login: login.to_owned(),
        csrf_token: csrf,
        created_ms: now,
        last_seen_ms: now,
        ended: false,
    };
    Ok((id, row))
}

/// An audit entry about a sign-in of `login` (which may not exist).
fn entry(
    s: &AppState,
    a: Option<&AccountRow>,
    login: &str,
    client: &str,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
) -> AuditDraft {
    AuditDraft {
        at: s.now(),
        account: crate::audit::clean(login),
        name: a.map(|a| a.name.clone()).unwrap_or_default(),
        role: a.map(|a| a.role.clone()).unwrap_or_default(),
        action: action.to_owned(),
        target: crate::audit::clean(login),
        client: client.to_owned(),
        outcome: outcome.to_owned(),
        detail: detail.map(str::to_owned),
    }
}

/// Signs `b.login` in: the cookie value and the session's description, or 401 (`SIGN_IN_FAILED`, or
/// `TOTP_REQUIRED` once the password was right). Every attempt is recorded.
pub async fn sign_in(
    s: &AppState,
    b: &SignIn,
    client: &str,
) -> Result<(String, SignedIn), ApiError> {
    let login = b.login.trim().to_lowercase();
    let now = s.now_ms();
    let fail = |a: Option<&AccountRow>, outcome: &str, detail: &str| {
        entry(s, a, &login, client, "sign_in", outcome, Some(detail))
    };
    let account = if super::login_ok(&login) {
        s.store.get_account(&login).await?
    } else {
        None
    };
    let Some(mut a) = account else {
        password::verify(&b.password, password::decoy());
        s.store
            .staff_write(vec![], vec![fail(None, "failed", "unknown login")])
            .await?;
        return Err(ApiError::sign_in_failed());
    };
    if a.disabled || a.locked_until_ms > now {
        password::verify(&b.password, password::decoy());
        let why = if a.disabled {
            "account disabled"
        } else {
            "login locked"
        };
        s.store
            .staff_write(vec![], vec![fail(Some(&a), "denied", why)])
            .await?;
        return Err(ApiError::sign_in_failed());
    }
    let good = match &a.password_hash {
        Some(h) => password::verify(&b.password, h),
        None => {
            password::verify(&b.password, password::decoy());
            false
        }
    };
    let mut second = None;
    let failure = if !good {
        Some("wrong password")
    } else if let Some(secret) = &a.totp_secret {
        match b.totp.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            // asked for, not a failure
            None => return Err(ApiError::totp_required()),
            Some(code) => match totp::check(
                &totp::open(&a.login, secret).map_err(ApiError::internal)?,
                code,
                now,
                a.totp_last_step,
            ) {
                Some(step) => {
                    second = Some(step);
                    None
                }
                None => Some("wrong verification code"),
            },
        }
    } else {
        None
    };
    if let Some(why) = failure {
        a.failed_count += 1;
        let mut detail = why.to_owned();
        if a.failed_count >= LOCK_AFTER {
            a.failed_count = 0;
            a.locked_until_ms = now + LOCK_MS;
            detail.push_str("; login locked for 15 minutes");
        }
        s.store
            .staff_write(
                vec![StaffOp::PutAccount(a.clone())],
                vec![fail(Some(&a), "failed", &detail)],
            )
            .await?;
        return Err(if why == "wrong verification code" {
            ApiError::totp_required()
        } else {
            ApiError::sign_in_failed()
        });
    }
    a.failed_count = 0;
    a.locked_until_ms = 0;
    a.last_sign_in_at = Some(s.now());
    if second.is_some() {
        a.totp_last_step = second;
    }
    let (id, sess) = new_session(s, &a.login)?;
    s.store
        .staff_write(
            vec![
                StaffOp::PutAccount(a.clone()),
                StaffOp::AddSession(sess.clone()),
            ],
            vec![entry(s, Some(&a), &login, client, "sign_in", "ok", None)],
        )
        .await?;
    Ok((id, signed_in(s, &a, &sess)))
}

/// The live session of cookie value `id` and its enabled account, or 401. Its last-seen time is
/// moved on (at most once a minute).
pub async fn live(s: &AppState, id: &str) -> Result<(SessionRow, AccountRow), ApiError> {
    let mut sess = s
        .store
        .get_session(&sha256_hex(id.as_bytes()))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let now = s.now_ms();
    if sess.ended
        || now - sess.last_seen_ms > s.cfg.session_idle_ms
        || now - sess.created_ms > s.cfg.session_absolute_ms
    {
        return Err(ApiError::Unauthorized);
    }
    let a = s
        .store
        .get_account(&sess.login)
        .await?
        .filter(|a| !a.disabled)
        .ok_or(ApiError::Unauthorized)?;
    if now - sess.last_seen_ms >= TOUCH_EVERY_MS {
        s.store
            .staff_write(
                vec![StaffOp::TouchSession {
                    id_hash: sess.id_hash.clone(),
                    last_seen_ms: now,
                }],
                vec![],
            )
            .await?;
        sess.last_seen_ms = now;
    }
    Ok((sess, a))
}
