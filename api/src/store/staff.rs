//! What the store keeps of the street office's side (issue 13): accounts, sessions, bearer tokens and
//! the audit trail, as rows; and the queue of filings awaiting a decision. Rules about them (who may
//! sign in, what a role covers, how the chain is hashed) are not here: `accounts/` and `audit.rs`.

use serde::Serialize;

/// An account as stored (its secrets included: never serialised as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    pub login: String,
    pub name: String,
    pub role: String,
    /// `None`: every street (admins only).
    pub street: Option<String>,
    pub community: Option<String>,
    /// `|a|b|`, or empty.
    pub areas: String,
    pub department: Option<String>,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_last_step: Option<i64>,
    pub disabled: bool,
    pub failed_count: i64,
    pub locked_until_ms: i64,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    /// Where its notifications are e-mailed (rules.md §11); `None`: none.
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub id_hash: String,
    pub login: String,
    pub csrf_token: String,
    pub created_ms: i64,
    pub last_seen_ms: i64,
    pub ended: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TokenRow {
    pub id: String,
    #[serde(skip)]
    pub token_hash: String,
    #[serde(skip)]
    pub login: String,
    pub label: String,
    pub created_at: String,
    pub expires_ms: i64,
    pub revoked_at: Option<String>,
}

/// One audit entry before the store numbers and chains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditDraft {
    pub at: String,
    pub account: String,
    pub name: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub client: String,
    pub outcome: String,
    pub detail: Option<String>,
}

/// An audit entry as stored: numbered (no gaps) and chained to the one before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub account: String,
    pub name: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub client: String,
    pub outcome: String,
    pub detail: Option<String>,
    pub prev: String,
    pub hash: String,
}

/// A change to the staff side, applied with its audit entries in one transaction.
#[derive(Clone, Debug)]
pub enum StaffOp {
    /// Fails with `Conflict` when the login is taken.
    AddAccount(AccountRow),
    /// Every mutable column of the account, as given.
    PutAccount(AccountRow),
    AddSession(SessionRow),
    TouchSession {
        id_hash: String,
        last_seen_ms: i64,
    },
    EndSession {
        id_hash: String,
    },
    /// Every session of an account (disabled, password changed).
    EndSessionsOf {
        login: String,
    },
    AddToken(TokenRow),
    /// `NotFound` unless the account has this token, not yet revoked.
    RevokeToken {
        login: String,
        id: String,
        at: String,
    },
    /// Every token of an account (disabled).
    RevokeTokensOf {
        login: String,
        at: String,
    },
    /// An applicant's access token re-issued by an officer (issue 16, item 5): its new hash.
    /// `NotFound` when there is no such filing.
    SetAccessToken {
        filing_no: String,
        hash: String,
    },
    /// A filing stored before Idempotency-Keys were hashed: its key hashed in place, and the hash of
    /// the contractor's code derived from the key in clear kept. A row changed meanwhile (another
    /// instance did it) is left alone.
    HashIdempotencyKey {
        filing_no: String,
        old: String,
        new: String,
        contractor_token_hash: String,
    },
    /// An account's TOTP secret (or the one pending confirmation) stored again, encrypted
    /// (`accounts/totp.rs`): only if it is still `old`, so a change made meanwhile (a new enrolment, a
    /// reset) is never overwritten; `NotFound` otherwise.
    SealTotp {
        login: String,
        pending: bool,
        old: String,
        new: String,
    },
}

/// A filing whose Idempotency-Key is still stored in clear (before issue 16, item 5).
#[derive(Clone, Debug)]
pub struct LegacyKey {
    pub filing_no: String,
    pub created_at: String,
    pub idempotency_key: String,
}

/// What the audit page is filtered on (each `None`: any).
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub account: Option<String>,
    pub action: Option<String>,
    /// Inclusive bounds on `at` (`YYYY-MM-DD` compares as a prefix of the timestamp).
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Which filings a scoped account's reads cover, as the queue and ledger filter them (`None`: any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub street: Option<String>,
    pub community: Option<String>,
    /// `|a|b|`: the filing's area must be one of these.
    pub areas: Option<String>,
    /// ` code `: one of the filing's departments.
    pub department: Option<String>,
}

/// The console's queue: filings of one status within an account's coverage, by acceptance due date.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub cover: Coverage,
    pub status: String,
    /// The account's own filter on top of its coverage.
    pub community: Option<String>,
    pub scope: Option<String>,
    pub high_risk: Option<bool>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// A filing number, receipt number or applicant name (exact).
    pub q: Option<String>,
    /// Continue after (acceptance_due, filing_no).
    pub after_due: String,
    pub after_no: String,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub filing_no: String,
    pub street: String,
    pub status: super::Status,
    pub community: String,
    pub scope: String,
    pub high_risk: bool,
    pub filed_on: String,
    pub acceptance_due: Option<String>,
    pub applicant_name: String,
    pub receipt_no: Option<String>,
    /// The filing (JSON): the queue shows its site address.
    pub request: String,
}
