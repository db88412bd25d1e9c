//! Who is calling, as extractors a handler cannot forget: it names the caller it needs in its signature
//! and gets the registration only through it.
//! - [`Officer`]: a staff account (rules.md §10), by its console session (cookie `anbei_session`, with
//!   `X-CSRF-Token` on every change) or by a bearer token issued to it (`anb_o_…`, machine clients).
//! - [`StreetOfficer`]: an account whose scope covers the registration in the path (`{filing_no}`).
//! - [`Applicant`]: the registration's access token; [`Reader`]: either.
//! - [`SessionAccount`]: the session alone, for `/api/v1/session/*` (a password still to change or a
//!   second factor still to enrol does not stop it).
//!
//! What an account's scope covers is decided in one place, [`Officer::covers`], and the same scope
//! filters the queue and the ledger ([`Officer::coverage`]).

use crate::accounts::session;
use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::lifecycle::{Actor, Role};
use crate::messages::Key;
use crate::signing::{ct_eq, sha256_hex};
use crate::store::{AccountRow, AuditDraft, Coverage, FilingRecord, SessionRow};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{Method, header, request::Parts};
use std::net::{IpAddr, SocketAddr};

/// Staff tokens start with this; anything else is an applicant's access token.
pub const OFFICER_TOKEN_PREFIX: &str = "anb_o_";
pub const SESSION_COOKIE: &str = "anbei_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a staff account covers (rules.md §10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every street (admin), or a viewer's department across streets.
    pub street: Option<String>,
    pub community: Option<String>,
    /// Property: `|a|b|`.
    pub areas: Option<String>,
    pub department: Option<String>,
}

/// A staff account, authenticated.
#[derive(Clone, Debug)]
pub struct Officer {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    /// The client's address, as the audit trail records it.
    pub client: String,
}

impl Officer {
    pub fn of(a: &AccountRow, client: String) -> Result<Officer, ApiError> {
        let role: Role = a
            .role
            .parse()
            .map_err(|e| ApiError::internal(format!("accounts table: {e}")))?;
        if a.street.is_none() && !matches!(role, Role::Admin | Role::Viewer) {
            return Err(ApiError::internal(
                "accounts table: only an admin or a department may cover every street",
            ));
        }
        Ok(Officer {
            login: a.login.clone(),
            name: a.name.clone(),
            role,
            scope: Scope {
                street: a.street.clone(),
                community: a.community.clone(),
                areas: (role == Role::Property).then(|| a.areas.clone()),
                department: a.department.as_ref().map(|d| format!(" {d} ")),
            },
            client,
        })
    }
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.role)
    }
    /// The name a history event records: two accounts with the same display name stay apart.
    pub fn signature(&self) -> String {
        format!("{}（{}）", self.name, self.login)
    }
    /// Whether this account may see the registration `rec` (and act on it, as its role allows).
    pub fn covers(&self, rec: &FilingRecord) -> bool {
        let sc = &self.scope;
        sc.street.as_ref().is_none_or(|s| *s == rec.street)
            && sc
                .community
                .as_ref()
                .is_none_or(|c| *c == rec.columns.community)
            && sc.areas.as_ref().is_none_or(|a| {
                !rec.columns.area.is_empty() && a.contains(&format!("|{}|", rec.columns.area))
            })
            && sc
                .department
                .as_ref()
                .is_none_or(|d| rec.columns.departments.contains(d.as_str()))
    }
    /// The filter of every listing this account reads (queue, ledger).
    pub fn coverage(&self) -> Coverage {
        Coverage {
            street: self.scope.street.clone(),
            community: self.scope.community.clone(),
            areas: self.scope.areas.clone(),
            department: self.scope.department.clone(),
        }
    }
    /// The street a listing reads: the one asked for, if this account covers it; else its own
    /// (`None`: every street it covers).
    pub fn listing_street(&self, asked: Option<String>) -> Result<Option<String>, ApiError> {
        match (asked, &self.scope.street) {
            (Some(st), Some(own)) if st != *own => Err(ApiError::forbidden(Key::ListOwnStreet)),
            (Some(st), _) => Ok(Some(st)),
            (None, own) => Ok(own.clone()),
        }
    }
    /// An audit entry for something this account did now.
    pub fn audit(
        &self,
        s: &AppState,
        action: &str,
        target: &str,
        outcome: &str,
        detail: Option<String>,
    ) -> AuditDraft {
        AuditDraft {
            at: s.now(),
            account: self.login.clone(),
            name: self.name.clone(),
            role: self.role.as_str().to_owned(),
            action: action.to_owned(),
            target: crate::audit::clean(target),
            client: self.client.clone(),
            outcome: outcome.to_owned(),
            detail: detail.map(|d| crate::audit::clean(&d)),
        }
    }
    /// This account as the doer of an account or token change (`accounts::manage` fills in the action
    /// and target).
    pub fn by(&self, s: &AppState) -> AuditDraft {
        self.audit(s, "", "", "ok", None)
    }
    /// Records `action` on `target` (its own transaction): for reads, which change nothing else.
    pub async fn record(
        &self,
        s: &AppState,
        action: &str,
        target: &str,
        detail: Option<String>,
    ) -> Result<(), ApiError> {
        s.store
            .staff_write(vec![], vec![self.audit(s, action, target, "ok", detail)])
            .await?;
        Ok(())
    }
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(Key::AdminOnly))
        }
    }
}

/// The client's address: the peer, or `X-Forwarded-For` from a trusted proxy.
pub fn client(parts: &Parts, s: &AppState) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let xff = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    crate::ratelimit::client_ip(peer, xff, &s.cfg.trusted_proxies).to_string()
}

/// The client's address, for handlers without an account (sign-in).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        Ok(ClientAddr(client(parts, s)))
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// The value of the session cookie, if the request has one.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_owned())
        })
}

/// The account a staff bearer token was issued to: unknown, revoked and expired tokens and disabled
/// accounts all answer 401.
async fn by_token(s: &AppState, token: &str, client: String) -> Result<Officer, ApiError> {
    let t = s
        .store
        .token_by_hash(&sha256_hex(token.as_bytes()))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if t.revoked_at.is_some() || t.expires_ms <= s.now_ms() {
        return Err(ApiError::Unauthorized);
    }
    let a = s
        .store
        .get_account(&t.login)
        .await?
        .filter(|a| !a.disabled)
        .ok_or(ApiError::Unauthorized)?;
    Officer::of(&a, client)
}

/// A live session of an enabled account, its CSRF token checked on every change.
async fn by_session(
    parts: &Parts,
    s: &AppState,
    cookie: &str,
) -> Result<(SessionRow, AccountRow), ApiError> {
    let (sess, account) = session::live(s, cookie).await?;
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct_eq(sent.as_bytes(), sess.csrf_token.as_bytes()) {
            return Err(ApiError::csrf());
        }
    }
    Ok((sess, account))
}

/// Any staff account (401 without valid credentials, 403 for an applicant's token).
impl FromRequestParts<AppState> for Officer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Officer, ApiError> {
        let client = client(parts, s);
        if let Some(t) = bearer(parts) {
            if !t.starts_with(OFFICER_TOKEN_PREFIX) {
                return Err(ApiError::forbidden(Key::OfficersOnly));
            }
            return by_token(s, &t, client).await;
        }
        let cookie = session_cookie(parts).ok_or(ApiError::Unauthorized)?;
        let (_, a) = by_session(parts, s, &cookie).await?;
        if a.must_change_password {
            return Err(ApiError::password_change_required());
        }
        if a.role == Role::Admin.as_str() && a.totp_secret.is_none() {
            return Err(ApiError::totp_enrolment_required());
        }
        Officer::of(&a, client)
    }
}

/// The console session itself (for `/api/v1/session/*`).
pub struct SessionAccount {
    pub session: SessionRow,
    pub account: AccountRow,
    pub client: String,
}

impl FromRequestParts<AppState> for SessionAccount {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let cookie = session_cookie(parts).ok_or(ApiError::Unauthorized)?;
        let (session, account) = by_session(parts, s, &cookie).await?;
        Ok(SessionAccount {
            session,
            account,
            client: client(parts, s),
        })
    }
}

/// The registration named by the path's `{filing_no}` (404 when there is none).
/// What a registration that does not exist answers, so that the answer says nothing about which
/// numbers exist (issue 16, item 9): to a caller without staff credentials the same 401 a wrong access
/// code gets; to a staff account the same 403 a registration of another street gets when the number
/// names another street (the street is part of the number), else 404.
async fn missing(parts: &mut Parts, s: &AppState) -> ApiError {
    let no = ApiPath::<std::collections::HashMap<String, String>>::from_request_parts(parts, s)
        .await
        .ok()
        .and_then(|ApiPath(p)| p.get("filing_no").cloned())
        .unwrap_or_default();
    let officer = match bearer(parts) {
        Some(t) if !t.starts_with(OFFICER_TOKEN_PREFIX) => return ApiError::Unauthorized,
        Some(t) => by_token(s, &t, client(parts, s)).await,
        None => Officer::from_request_parts(parts, s).await,
    };
    match officer {
        Err(e) => e,
        Ok(o) => missing_for(&o, &no),
    }
}

/// [`missing`] for an authenticated staff account.
fn missing_for(o: &Officer, filing_no: &str) -> ApiError {
    let street = street_of_number(filing_no);
    match (&o.scope.street, street) {
        (Some(own), Some(st)) if own != st => ApiError::forbidden(Key::OtherStreet),
        _ => ApiError::NotFound,
    }
}

/// The street code in a filing number `F-<street>-<YYYYMMDD>-<seq>`.
pub fn street_of_number(filing_no: &str) -> Option<&str> {
    let rest = filing_no.strip_prefix("F-")?;
    let (head, _seq) = rest.rsplit_once('-')?;
    let (street, _day) = head.rsplit_once('-')?;
    (!street.is_empty()).then_some(street)
}

async fn filing(parts: &mut Parts, s: &AppState) -> Result<FilingRecord, ApiError> {
    let ApiPath(params) =
        ApiPath::<std::collections::HashMap<String, String>>::from_request_parts(parts, s).await?;
    let no = params
        .get("filing_no")
        .ok_or_else(|| ApiError::internal("route without {filing_no}"))?;
    s.store.get_filing(no).await?.ok_or(ApiError::NotFound)
}

/// Refuses `o` the registration `rec` unless its scope covers it; a refusal is recorded.
async fn check(s: &AppState, o: &Officer, rec: &FilingRecord) -> Result<(), ApiError> {
    if o.covers(rec) {
        return Ok(());
    }
    s.store
        .staff_write(
            vec![],
            vec![o.audit(s, "access_denied", &rec.filing_no, "denied", None)],
        )
        .await?;
    let other_street = o.scope.street.as_ref().is_some_and(|st| *st != rec.street);
    Err(ApiError::forbidden(if other_street {
        Key::OtherStreet
    } else {
        Key::OutsideScope
    }))
}

/// A staff account whose scope covers the registration in the path, and that registration.
pub struct StreetOfficer {
    pub officer: Officer,
    pub rec: FilingRecord,
}

impl FromRequestParts<AppState> for StreetOfficer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let officer = Officer::from_request_parts(parts, s).await?;
        let rec = match filing(parts, s).await {
            Err(ApiError::NotFound) => {
                let ApiPath(p) =
                    ApiPath::<std::collections::HashMap<String, String>>::from_request_parts(
                        parts, s,
                    )
                    .await?;
                let no = p.get("filing_no").cloned().unwrap_or_default();
                return Err(missing_for(&officer, &no));
            }
            r => r?,
        };
        check(s, &officer, &rec).await?;
        Ok(StreetOfficer { officer, rec })
    }
}

/// Who reads a registration: its applicant, or a staff account covering it.
#[derive(Clone, Debug)]
pub enum Caller {
    Applicant {
        client: String,
    },
    /// The contractor named in the filing, by its own access code (rules.md §10, *product policy*).
    Contractor {
        client: String,
    },
    Staff(Officer),
}

impl Caller {
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Applicant { .. } => Actor::Applicant,
            Caller::Contractor { .. } => Actor::Contractor,
            Caller::Staff(o) => o.actor(),
        }
    }
}

/// The applicant (by the registration's access token), its contractor (by the contractor's code,
/// derived again and compared: it is stored in no form), or a staff account covering it.
async fn caller(parts: &mut Parts, s: &AppState, rec: &FilingRecord) -> Result<Caller, ApiError> {
    let client = client(parts, s);
    match bearer(parts) {
        Some(t) if t.starts_with(crate::signing::CONTRACTOR_TOKEN_PREFIX) => {
            // A filing stored before keys were hashed keeps its code's hash (its key in clear is gone).
            let ok = match &rec.contractor_token_hash {
                Some(h) => ct_eq(sha256_hex(t.as_bytes()).as_bytes(), h.as_bytes()),
                None => {
                    let expected = s.signer.contractor_token(
                        &rec.created_at,
                        &rec.filing_no,
                        &rec.idempotency_key,
                    );
                    ct_eq(t.as_bytes(), expected.as_bytes())
                }
            };
            if ok {
                Ok(Caller::Contractor { client })
            } else {
                Err(ApiError::Unauthorized)
            }
        }
        Some(t) if !t.starts_with(OFFICER_TOKEN_PREFIX) => {
            if ct_eq(
                sha256_hex(t.as_bytes()).as_bytes(),
                rec.access_token_hash.as_bytes(),
            ) {
                Ok(Caller::Applicant { client })
            } else {
                Err(ApiError::Unauthorized)
            }
        }
        Some(t) => {
            let o = by_token(s, &t, client).await?;
            check(s, &o, rec).await?;
            Ok(Caller::Staff(o))
        }
        None => {
            let o = Officer::from_request_parts(parts, s).await?;
            check(s, &o, rec).await?;
            Ok(Caller::Staff(o))
        }
    }
}

/// The registration in the path, read by its applicant or by a staff account covering it.
pub struct Reader {
    pub rec: FilingRecord,
    pub caller: Caller,
}

impl Reader {
    pub fn actor(&self) -> Actor {
        self.caller.actor()
    }
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let rec = match filing(parts, s).await {
            Err(ApiError::NotFound) => return Err(missing(parts, s).await),
            r => r?,
        };
        let caller = caller(parts, s, &rec).await?;
        Ok(Reader { rec, caller })
    }
}

/// The registration in the path, opened by its applicant's access token (a staff account is refused
/// with 403: the action is the applicant's).
pub struct Applicant {
    pub rec: FilingRecord,
    pub client: String,
}

impl FromRequestParts<AppState> for Applicant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        match Reader::from_request_parts(parts, s).await? {
            Reader {
                rec,
                caller: Caller::Applicant { client },
            } => Ok(Applicant { rec, client }),
            _ => Err(ApiError::forbidden(Key::ApplicantOnly)),
        }
    }
}

/// The registration in the path, opened by its applicant's or its contractor's access code — what
/// either may do (a declaration of completion, an answer to a finding: rules.md §10). A staff account
/// is refused with 403.
pub struct Party {
    pub rec: FilingRecord,
    pub client: String,
    /// [`Actor::Applicant`] or [`Actor::Contractor`].
    pub actor: Actor,
}

impl Party {
    /// The audit entry of `action` by this party.
    pub fn audit(&self, s: &AppState, action: &str) -> AuditDraft {
        party_audit(s, &self.client, self.actor, action, &self.rec.filing_no)
    }
}

impl FromRequestParts<AppState> for Party {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let Reader { rec, caller } = Reader::from_request_parts(parts, s).await?;
        let actor = caller.actor();
        match caller {
            Caller::Applicant { client } | Caller::Contractor { client } => {
                Ok(Party { rec, client, actor })
            }
            Caller::Staff(_) => Err(ApiError::forbidden(Key::ApplicantOrContractorOnly)),
        }
    }
}

/// The audit entry of something the applicant of `filing_no` did.
pub fn applicant_audit(s: &AppState, client: &str, action: &str, filing_no: &str) -> AuditDraft {
    party_audit(s, client, Actor::Applicant, action, filing_no)
}

/// The audit entry of something the applicant or the contractor (`who`) of `filing_no` did: the
/// account and role are `applicant` or `contractor` (no personal name).
pub fn party_audit(
    s: &AppState,
    client: &str,
    who: Actor,
    action: &str,
    filing_no: &str,
) -> AuditDraft {
    AuditDraft {
        at: s.now(),
        account: who.as_str().into(),
        name: String::new(),
        role: who.as_str().into(),
        action: action.to_owned(),
        target: filing_no.to_owned(),
        client: client.to_owned(),
        outcome: "ok".into(),
        detail: None,
    }
}
