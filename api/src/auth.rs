//! Who is calling, as extractors a handler cannot forget: it names the caller it needs in its signature
//! and gets the registration only through it. [`Officer`]: a staff account's bearer token (`anb_o_…`);
//! per registration (the `{filing_no}` of the path): [`StreetOfficer`] (an officer whose scope covers
//! its street), [`Applicant`] (its access token) and [`Reader`] (either). Whether an account's scope
//! covers a street is decided in one place, [`Officer::covers`].

use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::lifecycle::{Actor, Role};
use crate::messages::Key;
use crate::signing::{ct_eq, sha256_hex};
use crate::store::FilingRecord;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

/// Officer tokens start with this; anything else is an applicant's access token.
pub const OFFICER_TOKEN_PREFIX: &str = "anb_o_";

/// What a staff account covers (rules.md §10): one street, or every street (admins only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Street(String),
    Every,
}

impl Scope {
    /// As stored: a street code, or `*`.
    pub fn parse(s: &str) -> Scope {
        if s == "*" {
            Scope::Every
        } else {
            Scope::Street(s.to_owned())
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Scope::Street(s) => s,
            Scope::Every => "*",
        }
    }
}

/// A staff account, authenticated.
#[derive(Clone, Debug)]
pub struct Officer {
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Officer {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.role)
    }
    /// Whether this account may see and act on the registrations of `street`.
    pub fn covers(&self, street: &str) -> bool {
        match &self.scope {
            Scope::Street(s) => s == street,
            Scope::Every => true,
        }
    }
    fn check(&self, street: &str, refused: Key) -> Result<(), ApiError> {
        if self.covers(street) {
            Ok(())
        } else {
            Err(ApiError::forbidden(refused))
        }
    }
    /// The street a ledger listing reads: the one asked for, if covered; else the account's own
    /// (`None`: every street).
    pub fn ledger_street(&self, asked: Option<String>) -> Result<Option<String>, ApiError> {
        match (asked, &self.scope) {
            (Some(st), _) => self.check(&st, Key::ListOwnStreet).map(|()| Some(st)),
            (None, Scope::Street(st)) => Ok(Some(st.clone())),
            (None, Scope::Every) => Ok(None),
        }
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

async fn officer_by_token(s: &AppState, token: &str) -> Result<Officer, ApiError> {
    if !token.starts_with(OFFICER_TOKEN_PREFIX) {
        return Err(ApiError::forbidden(Key::OfficersOnly));
    }
    let o = s
        .store
        .officer_by_token_hash(&sha256_hex(token.as_bytes()))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let role: Role = o
        .role
        .parse()
        .map_err(|e| ApiError::internal(format!("officers table: {e}")))?;
    let scope = Scope::parse(&o.street);
    if scope == Scope::Every && role != Role::Admin {
        return Err(ApiError::internal(
            "officers table: only an admin may cover every street",
        ));
    }
    Ok(Officer {
        name: o.name,
        role,
        scope,
    })
}

/// Any staff account (401 without a known token, 403 for an applicant's token).
impl FromRequestParts<AppState> for Officer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Officer, ApiError> {
        let t = bearer(parts).ok_or(ApiError::Unauthorized)?;
        officer_by_token(s, &t).await
    }
}

/// The registration named by the path's `{filing_no}` (404 when there is none).
async fn filing(parts: &mut Parts, s: &AppState) -> Result<FilingRecord, ApiError> {
    let ApiPath(no) = ApiPath::<String>::from_request_parts(parts, s).await?;
    s.store.get_filing(&no).await?.ok_or(ApiError::NotFound)
}

/// An officer of the street of the registration in the path, and that registration.
pub struct StreetOfficer {
    pub officer: Officer,
    pub rec: FilingRecord,
}

impl FromRequestParts<AppState> for StreetOfficer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let officer = Officer::from_request_parts(parts, s).await?;
        let rec = filing(parts, s).await?;
        officer.check(&rec.street, Key::OtherStreet)?;
        Ok(StreetOfficer { officer, rec })
    }
}

/// The applicant or an officer of its street, for the registration in the path.
async fn caller(parts: &Parts, s: &AppState, rec: &FilingRecord) -> Result<Actor, ApiError> {
    let t = bearer(parts).ok_or(ApiError::Unauthorized)?;
    if t.starts_with(OFFICER_TOKEN_PREFIX) {
        let o = officer_by_token(s, &t).await?;
        o.check(&rec.street, Key::OtherStreet)?;
        return Ok(o.actor());
    }
    if ct_eq(
        sha256_hex(t.as_bytes()).as_bytes(),
        rec.access_token_hash.as_bytes(),
    ) {
        Ok(Actor::Applicant)
    } else {
        Err(ApiError::Unauthorized)
    }
}

/// The registration in the path, read by its applicant or by an officer of its street.
pub struct Reader {
    pub rec: FilingRecord,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let rec = filing(parts, s).await?;
        let actor = caller(parts, s, &rec).await?;
        Ok(Reader { rec, actor })
    }
}

/// The registration in the path, opened by its applicant's access token (an officer of its street is
/// refused with 403: the action is the applicant's).
pub struct Applicant {
    pub rec: FilingRecord,
}

impl FromRequestParts<AppState> for Applicant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        match Reader::from_request_parts(parts, s).await? {
            Reader {
                rec,
                actor: Actor::Applicant,
            } => Ok(Applicant { rec }),
            _ => Err(ApiError::forbidden(Key::ApplicantOnly)),
        }
    }
}
