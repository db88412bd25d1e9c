//! The console's session (`accounts/session.rs` does the work): sign in, see who is signed in, sign
//! out, change the password, turn on the TOTP second factor.

use crate::accounts::session::{self, SignIn, SignedIn};
use crate::accounts::{password, totp};
use crate::app::AppState;
use crate::auth::{ClientAddr, SessionAccount};
use crate::error::{ApiError, ApiJson, FieldProblem, Msg};
use crate::messages::Key;
use crate::routes::Routes;
use crate::store::{AuditDraft, StaffOp};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

pub fn routes(r: Routes) -> Routes {
    r.post("/api/v1/session", sign_in)
        .get("/api/v1/session", current)
        .delete("/api/v1/session", sign_out)
        .post("/api/v1/session/password", change_password)
        .post("/api/v1/session/totp", totp_begin)
        .post("/api/v1/session/totp/confirm", totp_confirm)
}

fn with_cookie(mut resp: Response, cookie: &str) -> Result<Response, ApiError> {
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(cookie).map_err(ApiError::internal)?,
    );
    Ok(resp)
}

/// What a session account did, for the audit trail.
fn entry(s: &AppState, sa: &SessionAccount, action: &str, detail: Option<String>) -> AuditDraft {
    AuditDraft {
        at: s.now(),
        account: sa.account.login.clone(),
        name: sa.account.name.clone(),
        role: sa.account.role.clone(),
        action: action.to_owned(),
        target: sa.account.login.clone(),
        client: sa.client.clone(),
        outcome: "ok".into(),
        detail,
    }
}

/// Sign in to the console with a login, a password and (when the account has one) a TOTP code. The
/// session cookie `anbei_session` comes back with it (`HttpOnly; SameSite=Strict`).
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body(content = SignIn),
    responses((status = 200, body = SignedIn),
              (status = 401, description = "SIGN_IN_FAILED (wrong, unknown, disabled or locked: alike) or TOTP_REQUIRED", body = crate::error::Problem)))]
pub async fn sign_in(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(b): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let (id, out) = session::sign_in(&s, &b, &client).await?;
    with_cookie(Json(out).into_response(), &session::cookie(&s, &id))
}

/// Who is signed in, with the session's CSRF token (a reloaded console page asks this first).
#[utoipa::path(get, path = "/api/v1/session", security(("session" = [])), tag = "session",
    responses((status = 200, body = SignedIn), (status = 401, body = crate::error::Problem)))]
pub async fn current(State(s): State<AppState>, sa: SessionAccount) -> Json<SignedIn> {
    Json(session::signed_in(&s, &sa.account, &sa.session))
}

/// Sign out: the session ends and its cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/session", security(("session" = [])), tag = "session",
    responses((status = 204, description = "signed out"), (status = 401, body = crate::error::Problem)))]
pub async fn sign_out(State(s): State<AppState>, sa: SessionAccount) -> Result<Response, ApiError> {
    s.store
        .staff_write(
            vec![StaffOp::EndSession {
                id_hash: sa.session.id_hash.clone(),
            }],
            vec![entry(&s, &sa, "sign_out", None)],
        )
        .await?;
    with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        &session::cleared(&s),
    )
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// The field problem of a new password the policy refuses.
pub fn password_problem(field: &str, rule: &'static str) -> FieldProblem {
    let msg = match rule {
        "length" => Msg::with(
            Key::PasswordLength,
            &[("min", &password::MIN_LEN), ("max", &password::MAX_LEN)],
        ),
        "same_as_current" => Msg::of(Key::PasswordSame),
        _ => Msg::of(Key::PasswordCommon),
    };
    FieldProblem::msg(field, rule, msg)
}

/// Change the password (required at first sign-in and after a reset). Every other session of the
/// account ends; this one is replaced by a new one (new cookie, new CSRF token).
#[utoipa::path(post, path = "/api/v1/session/password", security(("session" = [])), tag = "session", request_body(content = PasswordChange),
    responses((status = 200, body = SignedIn), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(s): State<AppState>,
    sa: SessionAccount,
    ApiJson(b): ApiJson<PasswordChange>,
) -> Result<Response, ApiError> {
    let current_ok = sa
        .account
        .password_hash
        .as_deref()
        .is_some_and(|h| password::verify(&b.current_password, h));
    if !current_ok {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "current_password",
            "wrong",
            Msg::of(Key::PasswordWrong),
        )]));
    }
    if let Err(rule) = password::check(
        &b.new_password,
        &sa.account.login,
        Some(&b.current_password),
    ) {
        return Err(ApiError::invalid_request(vec![password_problem(
            "new_password",
            rule,
        )]));
    }
    let mut a = sa.account.clone();
    a.password_hash = Some(password::hash(&b.new_password).map_err(ApiError::internal)?);
    a.must_change_password = false;
    let (id, sess) = session::new_session(&s, &a.login)?;
    s.store
        .staff_write(
            vec![
                StaffOp::PutAccount(a.clone()),
                StaffOp::EndSessionsOf {
                    login: a.login.clone(),
                },
                StaffOp::AddSession(sess.clone()),
            ],
            vec![entry(&s, &sa, "password_changed", None)],
        )
        .await?;
    with_cookie(
        Json(session::signed_in(&s, &a, &sess)).into_response(),
        &session::cookie(&s, &id),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpStart {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://totp/…`, for a QR code.
    pub otpauth_uri: String,
}

/// Start turning on the TOTP second factor: a new secret, kept pending until a code from it is
/// confirmed.
#[utoipa::path(post, path = "/api/v1/session/totp", security(("session" = [])), tag = "session",
    responses((status = 200, body = TotpStart), (status = 401, body = crate::error::Problem)))]
pub async fn totp_begin(
    State(s): State<AppState>,
    sa: SessionAccount,
) -> Result<Json<TotpStart>, ApiError> {
    let secret = totp::new_secret().map_err(ApiError::internal)?;
    let mut a = sa.account.clone();
    // stored encrypted; shown once, here
    a.totp_pending = Some(totp::seal(&*s.signer, &a.login, &secret).map_err(ApiError::internal)?);
    s.store
        .staff_write(
            vec![StaffOp::PutAccount(a)],
            vec![entry(&s, &sa, "totp_started", None)],
        )
        .await?;
    Ok(Json(TotpStart {
        otpauth_uri: totp::uri(&secret, &sa.account.login),
        secret,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TotpConfirm {
    pub code: String,
}

/// Confirm the pending secret with a code from it: from now on sign-in asks for a code.
#[utoipa::path(post, path = "/api/v1/session/totp/confirm", security(("session" = [])), tag = "session", request_body(content = TotpConfirm),
    responses((status = 204, description = "on"), (status = 422, body = crate::error::Problem)))]
pub async fn totp_confirm(
    State(s): State<AppState>,
    sa: SessionAccount,
    ApiJson(b): ApiJson<TotpConfirm>,
) -> Result<StatusCode, ApiError> {
    let Some(pending) = sa.account.totp_pending.clone() else {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "code",
            "not_started",
            Msg::of(Key::TotpNotStarted),
        )]));
    };
    let plain = totp::open(&sa.account.login, &pending).map_err(ApiError::internal)?;
    let Some(step) = totp::check(&plain, &b.code, s.now_ms(), None) else {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "code",
            "wrong",
            Msg::of(Key::TotpWrong),
        )]));
    };
    let mut a = sa.account.clone();
    a.totp_secret = Some(pending);
    a.totp_pending = None;
    a.totp_last_step = Some(step);
    s.store
        .staff_write(
            vec![StaffOp::PutAccount(a)],
            vec![entry(&s, &sa, "totp_enabled", None)],
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
