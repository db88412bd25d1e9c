//! Accounts and their tokens, for admins (rules.md §10: "manage accounts"). The console's accounts page
//! uses these; `anbei account …` does the same on the server (`accounts/cli.rs`).

use crate::accounts::{AccountView, NewAccount, TokenView, manage};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{ApiError, ApiJson, ApiPath, FieldProblem, Msg};
use crate::messages::Key;
use crate::routes::Routes;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/accounts", list)
        .post("/api/v1/accounts", create)
        .post("/api/v1/accounts/{login}/disable", disable)
        .post("/api/v1/accounts/{login}/enable", enable)
        .post("/api/v1/accounts/{login}/password", reset_password)
        .post("/api/v1/accounts/{login}/email", set_email)
        .get("/api/v1/accounts/{login}/tokens", tokens)
        .post("/api/v1/accounts/{login}/tokens", issue_token)
        .delete("/api/v1/accounts/{login}/tokens/{id}", revoke_token)
}

/// An admin, or 403.
fn admin(o: &Officer) -> Result<(), ApiError> {
    o.require_admin()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountView>,
}

/// Every account (admins).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = AccountList), (status = 403, body = crate::error::Problem)))]
pub async fn list(State(s): State<AppState>, o: Officer) -> Result<Json<AccountList>, ApiError> {
    admin(&o)?;
    let items = s
        .store
        .list_accounts()
        .await?
        .iter()
        .map(AccountView::from)
        .collect();
    o.record(&s, "accounts_read", "accounts", None).await?;
    Ok(Json(AccountList { items }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub account: AccountView,
    /// Shown once: hand it over; it must be changed at first sign-in.
    pub initial_password: String,
}

/// Add an account (admins): its initial password is in the answer, once.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = []), ("session" = [])), request_body(content = NewAccount),
    responses((status = 201, body = Created), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    o: Officer,
    ApiJson(n): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    admin(&o)?;
    let by = o.by(&s);
    let (account, pw) = manage::create(&s, &n, None, &by).await?;
    let initial_password = pw.ok_or_else(|| ApiError::internal("no password generated"))?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            account,
            initial_password,
        }),
    ))
}

/// Disable an account: its sessions end and its tokens stop at once (admins).
#[utoipa::path(post, path = "/api/v1/accounts/{login}/disable", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path)),
    responses((status = 200, body = AccountView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn disable(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
) -> Result<Json<AccountView>, ApiError> {
    admin(&o)?;
    if login == o.login {
        return Err(ApiError::invalid_request(vec![FieldProblem::msg(
            "login",
            "own",
            Msg::of(Key::OwnAccount),
        )]));
    }
    let by = o.by(&s);
    Ok(Json(manage::set_disabled(&s, &login, true, &by).await?))
}

/// Enable a disabled account again (admins).
#[utoipa::path(post, path = "/api/v1/accounts/{login}/enable", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path)),
    responses((status = 200, body = AccountView), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn enable(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
) -> Result<Json<AccountView>, ApiError> {
    admin(&o)?;
    let by = o.by(&s);
    Ok(Json(manage::set_disabled(&s, &login, false, &by).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Reset {
    /// Shown once; it must be changed at the next sign-in.
    pub initial_password: String,
}

/// A new password for an account (admins): shown once, to be changed at the next sign-in.
#[utoipa::path(post, path = "/api/v1/accounts/{login}/password", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path)),
    responses((status = 200, body = Reset), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn reset_password(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
) -> Result<Json<Reset>, ApiError> {
    admin(&o)?;
    let by = o.by(&s);
    let initial_password = manage::reset_password(&s, &login, &by).await?;
    Ok(Json(Reset { initial_password }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenView>,
}

/// The bearer tokens of an account (admins; never the tokens themselves). Audited (`tokens_read`).
#[utoipa::path(get, path = "/api/v1/accounts/{login}/tokens", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path)),
    responses((status = 200, body = TokenList), (status = 403, body = crate::error::Problem)))]
pub async fn tokens(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
) -> Result<Json<TokenList>, ApiError> {
    admin(&o)?;
    manage::get(&s, &login).await?;
    let items = s
        .store
        .tokens_of(&login)
        .await?
        .iter()
        .map(TokenView::of)
        .collect();
    o.record(&s, "tokens_read", &login, None).await?;
    Ok(Json(TokenList { items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    pub label: String,
    /// Days until it expires (1–365, default 90).
    #[serde(default)]
    pub days: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub id: String,
    /// Shown once (only its SHA-256 is kept).
    pub token: String,
    pub expires_at: String,
}

/// Issue a bearer token to an account, for a machine client (admins).
#[utoipa::path(post, path = "/api/v1/accounts/{login}/tokens", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path)), request_body(content = NewToken),
    responses((status = 201, body = Issued), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn issue_token(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
    ApiJson(b): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    admin(&o)?;
    let by = o.by(&s);
    let (row, token) = manage::issue_token(&s, &login, &b.label, b.days, &by).await?;
    Ok((
        StatusCode::CREATED,
        Json(Issued {
            id: row.id.clone(),
            token,
            expires_at: crate::clock::rfc3339(row.expires_ms),
        }),
    ))
}

/// Revoke a token: it stops at once (admins).
#[utoipa::path(delete, path = "/api/v1/accounts/{login}/tokens/{id}", tag = "accounts", security(("bearer" = []), ("session" = [])),
    params(("login" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "revoked"), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    o: Officer,
    ApiPath((login, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    admin(&o)?;
    let by = o.by(&s);
    manage::revoke_token(&s, &login, &id, &by).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EmailIn {
    /// `name@example.com`; `null` or empty clears it.
    #[serde(default)]
    pub email: Option<String>,
}

/// Where an account's notifications are e-mailed (rules.md §11: a filing awaiting acceptance, an
/// inspection due or overdue, a finding, …): the account itself or an admin sets it. Audited
/// (`account_email_set`).
#[utoipa::path(post, path = "/api/v1/accounts/{login}/email", tag = "accounts",
    params(("login" = String, Path)), security(("bearer" = []), ("session" = [])), request_body(content = EmailIn),
    responses((status = 200, body = AccountView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_email(
    State(s): State<AppState>,
    o: Officer,
    ApiPath(login): ApiPath<String>,
    ApiJson(b): ApiJson<EmailIn>,
) -> Result<Json<AccountView>, ApiError> {
    if o.login != login {
        admin(&o)?;
    }
    Ok(Json(
        manage::set_email(&s, &login, b.email.as_deref(), &o.by(&s)).await?,
    ))
}
