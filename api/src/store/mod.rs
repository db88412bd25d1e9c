//! Durable storage behind one trait, with a SQLite and a PostgreSQL implementation. Both run the same
//! contract test suite (`tests/api.rs`). The store knows nothing of HTTP and little of the rules: it
//! allocates numbers, keeps filings, their history and receipts, and makes each change atomic.
//!
//! Where things are: every statement both backends run, and the order of its arguments, in `sql.rs`;
//! every record read back from a row, by column name, in `decode.rs`; each backend keeps only its
//! connections, numbering and batching ([`sqlite`]: group commit on one writer thread; [`postgres`] and
//! [`pg_batch`]: counter rows and `UNNEST` groups). Keys and signatures are not the store's: it asks a
//! [`Sealer`] (the service's signing key, `signing.rs`) to sign a receipt and to hash an access token.

/// SQL: "no stored row names the upload `<alias>.id`" (`upload_refs`, migration 0016) — a look-up per
/// upload (a scalar subquery with LIMIT, which neither database turns into a join): PostgreSQL made
/// `NOT EXISTS` a hash anti-join over every reference and every upload, for every batch of the purge.
/// One text for every statement that asks it (`sql/retention.rs`, `postgres.rs`).
macro_rules! upload_unnamed {
    ($alias:literal) => {
        concat!(
            "(SELECT r.upload_id FROM upload_refs r WHERE r.upload_id = ",
            $alias,
            ".id LIMIT 1) IS NULL"
        )
    };
}

/// SQL: the `upload_refs.owner` of a filing's own documents, for the filing number `<no>`
/// (`'f:' || filing_no`, migration 0016): written by both backends with a new filing
/// (`sql/retention.rs`, `pg_batch.rs`) and by the update trigger of a changed request.
macro_rules! filing_ref_owner {
    ($no:literal) => {
        concat!("'f:' || ", $no)
    };
}

pub mod blobs;
pub(crate) mod decode;
pub mod fieldcrypt;
pub mod manage;
pub mod migrate;
pub mod pg_batch;
pub mod pg_hosts;
pub mod postgres;
pub(crate) mod sql;
pub mod sqlite;
pub mod staff;
pub mod stats;

pub use manage::{
    FindingRow, InspectionFilter, InspectionRow, ManageOp, ManageRecord, RectificationRow,
    ReferralRow, SiteRecordRow,
};
pub use staff::{
    AccountRow, AuditDraft, AuditFilter, AuditRow, Coverage, QueueEntry, QueueFilter, SessionRow,
    StaffOp, TokenRow,
};

use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

#[derive(Debug)]
pub enum StoreError {
    /// Optimistic concurrency: the row changed since it was read.
    Conflict,
    NotFound,
    Db(String),
    /// A column holds a value this service does not know (a status no version of it wrote) or cannot
    /// read: reported, never guessed at (an unknown status is not read as `filed`).
    BadValue {
        column: &'static str,
        value: String,
    },
}

impl StoreError {
    /// [`StoreError::BadValue`] for `value` of `column`, cut to its first 80 characters.
    pub fn bad_value(column: &'static str, value: &str) -> StoreError {
        StoreError::BadValue {
            column,
            value: value.chars().take(80).collect(),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict => f.write_str("concurrent update"),
            StoreError::NotFound => f.write_str("not found"),
            StoreError::Db(d) => write!(f, "database: {d}"),
            StoreError::BadValue { column, value } => {
                write!(
                    f,
                    "database: column {column} holds an unknown value {value:?}"
                )
            }
        }
    }
}

/// A database error, as the driver describes it.
pub(crate) fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(e.to_string())
}

pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Lifecycle states stored (rules.md §7). `expired` is derived on read from `valid_until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Filed,
    Returned,
    Registered,
    Extended,
    /// 注销申报 made, awaiting the completion check (rules.md §7 v3).
    CompletionDeclared,
    Refused,
    Cancelled,
    Revoked,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Filed => "filed",
            Status::Returned => "returned",
            Status::Registered => "registered",
            Status::Extended => "extended",
            Status::CompletionDeclared => "completion_declared",
            Status::Refused => "refused",
            Status::Cancelled => "cancelled",
            Status::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "filed" => Status::Filed,
            "returned" => Status::Returned,
            "registered" => Status::Registered,
            "extended" => Status::Extended,
            "completion_declared" => Status::CompletionDeclared,
            "refused" => Status::Refused,
            "cancelled" => Status::Cancelled,
            "revoked" => Status::Revoked,
            _ => return None,
        })
    }
    /// A registration in force (unless past its `valid_until`).
    pub fn is_live(self) -> bool {
        matches!(self, Status::Registered | Status::Extended)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub receipt_no: String,
    pub filing_no: String,
    pub street: String,
    pub ruleset: String,
    pub scope: String,
    pub high_risk: bool,
    pub valid_until: String,
    pub issued_at: String,
    pub signature: String,
    pub kid: String,
    /// The payload version it was signed under (`signing::PAYLOAD_VERSION` for new receipts; 1 for
    /// receipts signed before version 2, which keep verifying under it).
    pub version: i64,
    /// `signing::site_hash` of its site (version 2; empty in version 1).
    pub site_hash: String,
}

impl Receipt {
    /// Signs the receipt as it now stands (number and fields) with `sealer`'s current key.
    fn seal_with(&mut self, sealer: &dyn Sealer) {
        let Seal { kid, signature } = sealer.seal(self);
        self.kid = kid;
        self.signature = signature;
    }
}

/// The key id and signature of a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    pub kid: String,
    pub signature: String,
}

/// What the store needs of the service's secrets, and no more: the store numbers receipts (inside its
/// transaction or group commit) and keeps them, the sealer signs them; the store keeps the hash of an
/// applicant's access token, the sealer derives it. Keys, their rotation and the signed payload live
/// behind this seam (`signing.rs` implements it for the service's key).
pub trait Sealer: Send + Sync {
    /// Signs `receipt` (every field but `signature` and `kid`, which are ignored).
    fn seal(&self, receipt: &Receipt) -> Seal;
    /// The stored form of the applicant's access token for a filing.
    fn access_token_hash(&self, filing_no: &str, idempotency_key: &str) -> String;
    /// The data key that encrypts personal fields now (`fieldcrypt.rs`); `None`: they are stored in
    /// clear (a store opened without a keyring).
    fn field_key(&self) -> Option<fieldcrypt::FieldKey> {
        None
    }
}

/// One entry of a registration's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub at: String,
    /// `applicant`, `officer`, `admin` or `system`.
    pub actor: crate::lifecycle::Actor,
    /// Officers only — never the applicant's personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// `filed`, `registered`, `returned`, `resubmitted`, `accepted`, `refused`, `extended`, `cancelled`, `revoked`.
    pub action: crate::lifecycle::Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

#[derive(Clone, Debug)]
pub struct FilingRecord {
    pub filing_no: String,
    pub street: String,
    pub status: Status,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Asia/Shanghai date of the (latest) filing, `YYYY-MM-DD`.
    pub filed_on: String,
    pub high_risk: bool,
    pub scope: String,
    pub acceptance_due: Option<String>,
    pub access_token_hash: String,
    /// `sha256:<hex>` of the client's Idempotency-Key (issue 16, item 5; see `signing::stored_idempotency_key`);
    /// the access codes are derived from this stored form.
    pub idempotency_key: String,
    /// The hash of the contractor's code of a filing stored before the key was hashed (its code was
    /// derived from the key in clear); `None`: derived from `idempotency_key`.
    pub contractor_token_hash: Option<String>,
    pub request_hash: String,
    /// The filing as accepted (normalised JSON).
    pub request: String,
    /// The §8 result the server decided (JSON).
    pub assessment: String,
    /// When returned: `[{field, message:{zh,en}}]` (JSON).
    pub requested_changes: Option<String>,
    pub receipt: Option<Receipt>,
    /// Filled by `get_filing` only.
    pub events: Vec<Event>,
    /// Community, area, departments and applicant name, as the scopes filter them.
    pub columns: FilterColumns,
}

/// What a new receipt says (the store adds number, signature and key id).
#[derive(Clone, Debug)]
pub struct ReceiptDraft {
    pub ruleset: String,
    pub scope: String,
    pub high_risk: bool,
    pub valid_until: String,
    pub issued_at: String,
    /// `yyyymmdd` of the issue date (Asia/Shanghai), part of the number.
    pub day: String,
    /// The site address as the notice prints it (`signing::site_text`), whose hash the signature covers.
    pub site: String,
}

#[derive(Clone, Debug)]
pub struct NewFiling {
    pub street: String,
    /// `yyyymmdd`, part of the filing number.
    pub day: String,
    pub created_at: String,
    pub filed_on: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status: Status,
    pub high_risk: bool,
    pub scope: String,
    pub acceptance_due: Option<String>,
    pub request: String,
    pub assessment: String,
    pub events: Vec<Event>,
    pub receipt: Option<ReceiptDraft>,
    /// Copied into columns for the queue and the roles' scopes.
    pub columns: FilterColumns,
    /// Written in the same transaction (the filing's audit entry).
    pub audit: Vec<AuditDraft>,
    /// Notification events, written in the same transaction (under the number the store allocates).
    pub outbox: Vec<OutboxDraft>,
    /// Where `request` holds personal values, and which uploads its documents name, as the request
    /// was written (`Filing::to_json_marking`): the store seals by these instead of reading the request
    /// again ([`fieldcrypt::seal_new`]). `None`: the store reads it.
    pub request_marks: Option<RequestMarks>,
}

/// See [`NewFiling::request_marks`].
#[derive(Clone, Debug, Default)]
pub struct RequestMarks {
    /// The personal values' string literals in `request`, in order ([`fieldcrypt::is_personal`]).
    pub marks: Vec<anbei_filing::schema::Marked>,
    /// The upload ids (`sha256:…`) the documents name, each once.
    pub documents: Vec<String>,
}

/// What the queue and the scoped roles filter a filing on, copied from it into columns when it is
/// stored (and again when a resubmission changes it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterColumns {
    pub community: String,
    /// The property-management area the filing names (`site.property_area`), or empty.
    pub area: String,
    /// ` primary… co… `: each department code between spaces.
    pub departments: String,
    pub applicant_name: String,
    /// The work's activity (`facts.activity`, rules.md §2): what the statistics group by.
    pub activity: String,
}

impl NewFiling {
    /// A new, registered-at-once filing in Bantian on 2026-11-23 with one `filed` event and a receipt:
    /// the fixture of the store's own tests (unit and integration), which need a valid row, not a
    /// decided filing.
    #[doc(hidden)]
    pub fn example(idempotency_key: &str) -> NewFiling {
        let at = "2026-11-23T10:00:00+08:00";
        NewFiling {
            street: "bantian".into(),
            day: "20261123".into(),
            created_at: at.into(),
            filed_on: "2026-11-23".into(),
            idempotency_key: idempotency_key.into(),
            request_hash: "hash-{}".into(),
            status: Status::Registered,
            high_risk: false,
            scope: "SCOPE_SMALL_PROJECT".into(),
            acceptance_due: None,
            request: "{}".into(),
            assessment: "{}".into(),
            events: vec![Event {
                at: at.into(),
                actor: crate::lifecycle::Actor::Applicant,
                actor_name: None,
                action: crate::lifecycle::Action::File,
                reason: None,
                data: None,
            }],
            receipt: Some(ReceiptDraft {
                ruleset: "longgang-2026.1-draft".into(),
                scope: "SCOPE_SMALL_PROJECT".into(),
                high_risk: false,
                valid_until: "2027-05-23".into(),
                issued_at: at.into(),
                day: "20261123".into(),
                site: "布吉街道 1 号".into(),
            }),
            columns: FilterColumns {
                community: "岗头社区".into(),
                area: String::new(),
                departments: " housing ".into(),
                applicant_name: "张三".into(),
                activity: "decoration_general".into(),
            },
            audit: vec![],
            outbox: vec![],
            request_marks: None,
        }
    }

    /// What the store holds once this filing is stored as `filing_no` (version 1, no changes requested).
    pub fn record(
        &self,
        filing_no: String,
        access_token_hash: String,
        receipt: Option<Receipt>,
    ) -> FilingRecord {
        FilingRecord {
            filing_no,
            street: self.street.clone(),
            status: self.status,
            version: 1,
            created_at: self.created_at.clone(),
            updated_at: self.created_at.clone(),
            filed_on: self.filed_on.clone(),
            high_risk: self.high_risk,
            scope: self.scope.clone(),
            acceptance_due: self.acceptance_due.clone(),
            access_token_hash,
            idempotency_key: self.idempotency_key.clone(),
            contractor_token_hash: None,
            request_hash: self.request_hash.clone(),
            request: self.request.clone(),
            assessment: self.assessment.clone(),
            requested_changes: None,
            receipt,
            events: self.events.clone(),
            columns: self.columns.clone(),
        }
    }
}

pub enum Created {
    New(Box<FilingRecord>),
    /// The Idempotency-Key was used before (possibly by a concurrent request on another instance).
    Existing {
        request_hash: String,
        filing_no: String,
    },
}

pub enum ReceiptOp {
    Keep,
    Issue(ReceiptDraft),
    /// Extension: same number, new `valid_until`, signed again.
    Resign {
        valid_until: String,
    },
}

/// A state change, applied only if the row is still at `expected_version`.
pub struct FilingUpdate {
    pub filing_no: String,
    pub expected_version: i64,
    pub status: Status,
    pub updated_at: String,
    pub filed_on: Option<String>,
    pub request: Option<String>,
    pub request_hash: Option<String>,
    pub assessment: Option<String>,
    pub high_risk: Option<bool>,
    pub scope: Option<String>,
    pub acceptance_due: Option<Option<String>>,
    pub requested_changes: Option<Option<String>>,
    /// Set when the filing itself changes (a resubmission).
    pub columns: Option<FilterColumns>,
    pub event: Event,
    pub receipt: ReceiptOp,
    /// Written in the same transaction.
    pub audit: Vec<AuditDraft>,
    /// Notification events, written in the same transaction.
    pub outbox: Vec<OutboxDraft>,
    /// Inspections the change makes due (a high-risk registration taking effect), in the same
    /// transaction.
    pub inspections: Vec<InspectionRow>,
    /// Management rows changed with it (the completion check that closes a registration), in the
    /// same transaction.
    pub manage: Vec<ManageOp>,
    /// The street's answer to the latest submission (accepted, returned or refused by staff), as the
    /// statistics measure it against the 3-working-day duty (第二十七条第（二）项).
    pub answered: Option<Answered>,
}

/// When a filing was answered, and how long the answer took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// `YYYY-MM-DD` (Asia/Shanghai).
    pub on: String,
    /// Minutes from the submission to the answer.
    pub minutes: i64,
    /// Working days after the submission's day up to the answer's day.
    pub days: i64,
}

impl FilingUpdate {
    pub fn new(
        rec: &FilingRecord,
        status: Status,
        updated_at: String,
        event: Event,
    ) -> FilingUpdate {
        FilingUpdate {
            filing_no: rec.filing_no.clone(),
            expected_version: rec.version,
            status,
            updated_at,
            filed_on: None,
            request: None,
            request_hash: None,
            assessment: None,
            high_risk: None,
            scope: None,
            acceptance_due: None,
            requested_changes: None,
            columns: None,
            event,
            receipt: ReceiptOp::Keep,
            audit: Vec::new(),
            outbox: Vec::new(),
            inspections: Vec::new(),
            manage: Vec::new(),
            answered: None,
        }
    }
}

/// What the ledger (台账) needs of one filing.
#[derive(Clone, Debug)]
pub struct LedgerEntry {
    pub filing_no: String,
    pub street: String,
    pub status: Status,
    pub filed_on: String,
    pub scope: String,
    pub high_risk: bool,
    pub acceptance_due: Option<String>,
    /// The filing as accepted (normalised JSON); the row's names and addresses come from it.
    pub request: String,
    pub receipt_no: Option<String>,
    pub valid_until: Option<String>,
    pub ruleset: Option<String>,
}

/// How many rows a ledger page returns at most (listing and CSV export). Small on purpose: on SQLite a
/// page holds a read snapshot, which keeps the WAL from starting over, until its last row is read.
pub const LEDGER_PAGE: u32 = 100;

/// How many filings a ledger page looks at at most, matching the filter or not, so that a filter few
/// rows match (a date range at the end of a long ledger) still reads in short steps; such a page returns
/// fewer rows and a cursor to go on from.
pub const LEDGER_SCAN: u32 = 1000;

/// One page of the ledger and where the next one starts.
#[derive(Clone, Debug, Default)]
pub struct LedgerPage {
    pub entries: Vec<LedgerEntry>,
    /// The cursor for the next page (`after`); `None` once the end of the ledger has been read.
    pub next: Option<String>,
}

impl LedgerPage {
    /// A page of `entries` read with `limit`, where the rows looked at ended at `window_end` (`None`:
    /// the end of the ledger). A full page goes on after its last row; a shorter one after its window.
    pub fn new(entries: Vec<LedgerEntry>, limit: u32, window_end: Option<String>) -> LedgerPage {
        let next = if entries.len() as u32 == limit {
            entries.last().map(|e| e.filing_no.clone())
        } else {
            window_end
        };
        LedgerPage { entries, next }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub street: Option<String>,
    /// Inclusive `YYYY-MM-DD` bounds on `filed_on`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A stored status (`expired` is derived, filtered after reading).
    pub status: Option<String>,
    pub community: Option<String>,
    /// `|a|b|`: the filing's property-management area is one of these (a property account's).
    pub areas: Option<String>,
    /// ` code `: one of the filing's departments (a viewer's).
    pub department: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UploadMeta {
    pub upload_id: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub created_at: String,
}

/// A notification event, stored with the change that causes it (rules.md §11; `notify.rs` makes
/// them and delivers them).
#[derive(Clone, Debug)]
pub struct OutboxDraft {
    /// `evt_…`: the delivery id, unique, reused by every redelivery.
    pub id: String,
    /// `filed`, `returned`, `registered`, … (`notify::Kind`).
    pub kind: String,
    pub occurred_at: String,
    pub street: String,
    pub status: Status,
    /// `zh-CN` or `en`.
    pub lang: String,
    /// JSON: what the event says beyond the filing (reason, article, requested changes, dates).
    pub payload: String,
    /// Not delivered before (ms since the epoch): a reminder's day, else when it occurred.
    pub deliver_after_ms: i64,
}

/// An outbox row as stored, with its delivery state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    /// The row's key (the order rows were written in).
    #[serde(skip)]
    pub seq: i64,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    pub filing_no: String,
    pub street: String,
    pub status: String,
    pub lang: String,
    #[serde(skip)]
    pub payload: String,
    /// `pending`, `done`, `dropped` (a reminder that no longer applies) or `failed` (gave up).
    pub state: String,
    /// `pending`, `sent` or `none` (no address, or no channel configured).
    pub email_state: String,
    pub webhook_state: String,
    pub attempts: i64,
    pub deliver_after_ms: i64,
    pub next_attempt_ms: i64,
    #[serde(skip)]
    pub lease_until_ms: i64,
    pub last_error: Option<String>,
}

/// What one delivery attempt of a claimed row came to. Applied only while the row is still at
/// `attempts` (the claim's fencing token): a worker whose lease expired and was claimed again writes
/// nothing.
#[derive(Clone, Debug)]
pub struct OutboxOutcome {
    pub seq: i64,
    /// The event's id (for logs).
    pub id: String,
    pub attempts: i64,
    pub state: String,
    pub email_state: String,
    pub webhook_state: String,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    /// A reminder sent: the row becomes the registration's next reminder (a new event, its own id).
    pub then: Option<OutboxNext>,
}

/// The next event a row becomes once sent (a reminder chain).
#[derive(Clone, Debug)]
pub struct OutboxNext {
    pub id: String,
    pub kind: String,
    pub deliver_after_ms: i64,
}

/// Which outbox rows to list.
#[derive(Clone, Debug, Default)]
pub struct OutboxFilter {
    pub state: Option<String>,
    pub filing_no: Option<String>,
    pub limit: u32,
}

pub trait Store: Send + Sync {
    /// The database answers.
    fn ping(&self) -> Fut<'_, ()>;
    /// A connection pool's (open, idle) connections, for `GET /metrics` (none: fixed connections).
    fn pool_stats(&self) -> Option<(u32, usize)> {
        None
    }
    /// PostgreSQL: (instances seen sharing the database, this one included; group commits of new
    /// filings this instance writes at once), for `GET /metrics` (`store/pg_batch.rs`).
    fn groups_in_flight(&self) -> Option<(usize, usize)> {
        None
    }
    /// Atomically: if the Idempotency-Key is new, allocate a filing number (and a receipt number when
    /// `receipt` is set), insert everything and commit; otherwise report the earlier filing.
    fn create_filing(&self, f: NewFiling) -> Fut<'_, Created>;
    fn find_idempotent(&self, key: &str) -> Fut<'_, Option<(String, String)>>;
    /// Whether [`Store::create_filing`] of an Idempotency-Key already stored gives its numbers back,
    /// so that a replay may go straight to it without a [`Store::find_idempotent`] first. Where it
    /// does not (PostgreSQL: a batch's numbers come from one counter statement), a replay sent to
    /// `create_filing` would leave a gap in the number series.
    fn replay_leaves_no_gap(&self) -> bool {
        false
    }
    /// The filing with its history and receipt.
    fn get_filing(&self, filing_no: &str) -> Fut<'_, Option<FilingRecord>>;
    fn get_by_receipt(&self, receipt_no: &str) -> Fut<'_, Option<FilingRecord>>;
    /// Applies `u` if the filing is still at `u.expected_version` (else `Conflict`).
    fn update_filing(&self, u: FilingUpdate) -> Fut<'_, FilingRecord>;
    /// One page of the ledger, ordered by filing number, after `after`: at most `limit` rows that match
    /// `filter`, with only the columns a ledger row shows (no assessment, history or secrets), so a
    /// 100,000-row export reads a fraction of each row. A page may hold fewer rows than `limit` (even
    /// none) and still have a `next`: read on until `next` is `None`.
    fn ledger_page(
        &self,
        filter: ListFilter,
        after: Option<String>,
        limit: u32,
    ) -> Fut<'_, LedgerPage>;
    fn put_upload(&self, u: UploadMeta) -> Fut<'_, ()>;
    fn get_upload(&self, id: &str) -> Fut<'_, Option<UploadMeta>>;
    /// Where the bytes of uploads live (`blobs.rs`): files under `dir` (`<data-dir>/uploads`), or, on a
    /// database several instances share, the database (with `dir` read for files not yet imported).
    fn blobs(&self, dir: &std::path::Path) -> std::sync::Arc<dyn blobs::BlobStore> {
        std::sync::Arc::new(blobs::FsBlobs::new(dir))
    }
    /// Applies `ops` and appends `audit` (numbered and chained) in one transaction.
    fn staff_write(&self, ops: Vec<StaffOp>, audit: Vec<AuditDraft>) -> Fut<'_, ()>;
    fn get_account(&self, login: &str) -> Fut<'_, Option<AccountRow>>;
    fn list_accounts(&self) -> Fut<'_, Vec<AccountRow>>;
    fn get_session(&self, id_hash: &str) -> Fut<'_, Option<SessionRow>>;
    fn token_by_hash(&self, hash: &str) -> Fut<'_, Option<TokenRow>>;
    fn tokens_of(&self, login: &str) -> Fut<'_, Vec<TokenRow>>;
    /// One page of the audit trail after `after` (a seq), oldest first.
    fn audit_page(&self, filter: AuditFilter, after: i64, limit: u32) -> Fut<'_, Vec<AuditRow>>;
    /// How many filings of each status `cover` covers.
    fn status_counts(&self, cover: Coverage) -> Fut<'_, Vec<(String, i64)>>;
    fn queue_page(&self, q: QueueFilter) -> Fut<'_, Vec<QueueEntry>>;
    /// Claims up to `limit` pending outbox rows due at `now_ms` whose lease has expired, leasing them
    /// until `lease_until_ms` and counting the attempt; several instances never claim the same row
    /// at once (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one writer).
    fn outbox_claim(&self, now_ms: i64, lease_until_ms: i64, limit: u32)
    -> Fut<'_, Vec<OutboxRow>>;
    /// Records the outcomes of attempts, in one transaction (nothing for a row claimed again meanwhile).
    fn outbox_finish(&self, o: Vec<OutboxOutcome>) -> Fut<'_, ()>;
    /// Outbox rows, oldest first.
    fn outbox_list(&self, f: OutboxFilter) -> Fut<'_, Vec<OutboxRow>>;
    /// Puts failed rows (one, or all with `None`) back to pending, due at `now_ms`; how many.
    fn outbox_retry(&self, id: Option<String>, now_ms: i64) -> Fut<'_, u64>;
    /// Applies `ops`, appends `audit` and inserts `outbox` (each event with its filing number) in one
    /// transaction; a failed op (`Conflict`, `NotFound`) changes nothing.
    fn manage_write(
        &self,
        ops: Vec<ManageOp>,
        audit: Vec<AuditDraft>,
        outbox: Vec<(String, OutboxDraft)>,
    ) -> Fut<'_, ()>;
    /// A registration's inspections, findings, rectification answers and referrals.
    fn manage_of(&self, filing_no: &str) -> Fut<'_, ManageRecord>;
    fn get_finding(&self, id: &str) -> Fut<'_, Option<FindingRow>>;
    /// Inspections an account covers, by due date.
    fn inspection_list(&self, f: InspectionFilter) -> Fut<'_, Vec<InspectionRow>>;
    /// The findings of the inspections `ids` (≤ 500) and their referrals: what the inspections list
    /// shows of each record.
    fn inspection_findings(&self, ids: Vec<String>)
    -> Fut<'_, (Vec<FindingRow>, Vec<ReferralRow>)>;
    /// The statistics' grouped counts for one period and coverage (`sql/stats.rs`).
    fn statistics(&self, f: stats::StatsFilter) -> Fut<'_, stats::StatsRows>;

    /// The keyring (`keyring.rs`): every entry, oldest `not_before` first.
    fn keyring_list(&self) -> Fut<'_, Vec<KeyRow>>;
    /// Up to `limit` filings whose Idempotency-Key is still stored in clear (issue 16, item 5).
    fn legacy_idempotency_keys(&self, limit: i64) -> Fut<'_, Vec<staff::LegacyKey>>;
    /// Adds an entry (kept as it is if its kid exists).
    fn keyring_insert(&self, k: KeyRow) -> Fut<'_, ()>;
    /// The first keys: writes `rows` only if the keyring holds no entry of any of their purposes,
    /// atomically — of instances starting together on a new database (or upgrading to a new purpose)
    /// exactly one fills it (true: these rows were written).
    fn keyring_init(&self, rows: Vec<KeyRow>) -> Fut<'_, bool>;
    /// Sets when an entry stops signing / deriving.
    fn keyring_retire(&self, kid: String, not_after: String) -> Fut<'_, ()>;
    /// KEK rotation: every entry of `rows` gets its `sealed` (by kid), with `audit` appended, in one
    /// transaction (`Conflict`, nothing written, if an entry is missing).
    fn keyring_reseal(&self, rows: Vec<KeyRow>, audit: Vec<AuditDraft>) -> Fut<'_, ()>;
    /// Up to `limit` filings after `after` (by number) with their request as stored — encrypted
    /// values not decrypted: the field encryption sweep's read (`fieldcrypt::sweep`).
    fn stored_requests(&self, after: String, limit: u32)
    -> Fut<'_, Vec<fieldcrypt::StoredRequest>>;
    /// Sets a filing's stored request to `new` if it is still `old` (true: written). Changes nothing
    /// else (not the version: the filing as the service sees it is the same).
    fn replace_request(&self, filing_no: String, old: String, new: String) -> Fut<'_, bool>;

    // Retention (issue 16, item 7; `retention.rs`).

    /// Up to `limit` registrations after filing number `after` that ended before `cutoff`
    /// (`YYYY-MM-DD`) and still hold personal data, oldest number first.
    fn purge_candidates(
        &self,
        cutoff: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<PurgeCandidate>>;
    /// Replaces each filing's request with the anonymised one given (if still at its version), marks it
    /// purged at `at`, clears its history's reasons and data, its site records, rectification notes and
    /// notification payloads, and adds a `purged` event — one short transaction for the lot. How many
    /// were purged (a row changed meanwhile is left for the next run).
    fn purge_apply(&self, rows: Vec<PurgeCandidate>, at: String) -> Fut<'_, u64>;
    /// Up to `limit` uploads after id `after`, stored before `before` (RFC 3339), that no stored row names.
    fn unreferenced_uploads(
        &self,
        before: String,
        after: String,
        limit: u32,
    ) -> Fut<'_, Vec<UploadMeta>>;
    /// Deletes the rows of those uploads `ids` still stored before `before` and named by no row (a
    /// filing may have named one meanwhile), in one transaction; the ids deleted (their bytes are then
    /// the caller's to remove).
    fn delete_uploads(&self, ids: Vec<String>, before: String) -> Fut<'_, Vec<String>>;
    /// The numbers of filings whose request may name the person with this (normalised) resident ID
    /// number; the caller checks each exactly. The one place a person is looked up (admin export and
    /// correction, rare): every stored request is read in pages and its encrypted fields opened
    /// (`fieldcrypt.rs`) — a full scan, O(filings). A value that does not open is an error, not a
    /// skipped filing: an export must not be silently incomplete. A keyed blind index would make this a
    /// look-up; it is not built.
    fn filings_naming(&self, id_number: String) -> Fut<'_, Vec<String>> {
        Box::pin(async move {
            let mut found = Vec::new();
            let mut after = String::new();
            loop {
                let page = self.stored_requests(after.clone(), 500).await?;
                let Some(last) = page.last() else {
                    return Ok(found);
                };
                after = last.filing_no.clone();
                for r in page {
                    let text = if r.request.contains(&id_number) {
                        r.request
                    } else {
                        fieldcrypt::open_request(&r.filing_no, r.request)?
                    };
                    if text.contains(&id_number) {
                        found.push(r.filing_no);
                    }
                }
            }
        })
    }
    /// Held while a purge runs, so that of several instances (and `anbei purge` beside them) one purges
    /// at a time: PostgreSQL's advisory lock, SQLite's lock file. `None`: another holds it.
    fn retention_lock(&self) -> Fut<'_, Option<RetentionLock>>;
}

/// A registration the purge reads: its number, version and request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeCandidate {
    pub filing_no: String,
    pub version: i64,
    pub request: String,
}

/// Held while a purge runs (see [`Store::retention_lock`]); released when dropped.
pub struct RetentionLock(#[allow(dead_code)] Box<dyn Send + Sync>);

impl RetentionLock {
    pub fn new(held: impl Send + Sync + 'static) -> RetentionLock {
        RetentionLock(Box::new(held))
    }
}

/// One keyring entry as stored (see `migrations/0008_keyring.sql`); the secret only sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub kid: String,
    /// `receipt` or `token`.
    pub purpose: String,
    pub public_key: String,
    pub sealed: String,
    pub not_before: String,
    pub not_after: Option<String>,
    pub created_at: String,
}

/// `drafts` with an empty target given `filing_no` (a new filing's entry, before it had a number).
pub(crate) fn with_target(drafts: &[AuditDraft], filing_no: &str) -> Vec<AuditDraft> {
    drafts
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if d.target.is_empty() {
                d.target = filing_no.to_owned();
            }
            d
        })
        .collect()
}

/// The audit rows `drafts` become after `head` (the last row's seq and hash, `None`: the first).
pub(crate) fn chained(head: Option<(i64, String)>, drafts: &[AuditDraft]) -> Vec<AuditRow> {
    let (mut seq, mut prev) = head.unwrap_or((0, crate::audit::GENESIS.to_owned()));
    drafts
        .iter()
        .map(|d| {
            seq += 1;
            let row = crate::audit::seal(seq, &prev, d);
            prev = row.hash.clone();
            row
        })
        .collect()
}

/// Makes the receipt for a newly allocated number and has it signed.
pub(crate) fn make_receipt(
    sealer: &dyn Sealer,
    filing_no: &str,
    street: &str,
    seq: i64,
    d: &ReceiptDraft,
) -> Receipt {
    let receipt_no = format!("LG-{street}-{}-{seq:06}", d.day);
    let mut r = Receipt {
        site_hash: crate::signing::site_hash(&receipt_no, &d.site),
        version: crate::signing::PAYLOAD_VERSION,
        receipt_no,
        filing_no: filing_no.to_owned(),
        street: street.to_owned(),
        ruleset: d.ruleset.clone(),
        scope: d.scope.clone(),
        high_risk: d.high_risk,
        valid_until: d.valid_until.clone(),
        issued_at: d.issued_at.clone(),
        signature: String::new(),
        kid: String::new(),
    };
    r.seal_with(sealer);
    r
}

/// An extension: the same receipt with a new `valid_until`, signed again (perhaps under a newer key).
pub(crate) fn resigned(
    sealer: &dyn Sealer,
    cur: &FilingRecord,
    valid_until: &str,
) -> Result<Receipt, StoreError> {
    let mut r = cur
        .receipt
        .clone()
        .ok_or_else(|| StoreError::Db("no receipt to extend".into()))?;
    r.valid_until = valid_until.to_owned();
    // Signed again, so under the current payload version: a version 1 receipt extended is bound to its
    // filing and site from now on (its site read from the filing as accepted).
    if r.version < crate::signing::PAYLOAD_VERSION {
        let f: serde_json::Value = serde_json::from_str(&cur.request)
            .map_err(|e| StoreError::Db(format!("filing {} unreadable: {e}", cur.filing_no)))?;
        let site = &f["site"];
        r.site_hash = crate::signing::site_hash(
            &r.receipt_no,
            &crate::signing::site_text(
                site["address"].as_str().unwrap_or_default(),
                site["community"].as_str().unwrap_or_default(),
            ),
        );
        r.version = crate::signing::PAYLOAD_VERSION;
    }
    r.seal_with(sealer);
    Ok(r)
}

pub fn filing_no(street: &str, day: &str, seq: i64) -> String {
    format!("F-{street}-{day}-{seq:06}")
}

/// Up to `max` items: `first`, then whatever `more` has ready without waiting — a group commit's group.
pub(crate) fn gather<T>(first: T, max: usize, mut more: impl FnMut() -> Option<T>) -> Vec<T> {
    let mut group = Vec::with_capacity(max);
    group.push(first);
    while group.len() < max {
        match more() {
            Some(x) => group.push(x),
            None => break,
        }
    }
    crate::ops::metrics::group_commit(group.len());
    group
}

/// Opens the configured store and applies its migrations.
pub async fn open(
    cfg: &crate::config::Config,
    sealer: std::sync::Arc<dyn Sealer>,
) -> Result<std::sync::Arc<dyn Store>, String> {
    match &cfg.database {
        crate::config::Database::Sqlite => {
            let path = cfg.data_dir.join("anbei.sqlite3");
            let s = sqlite::SqliteStore::open(&path, sealer, cfg.shared_access)
                .map_err(|e| format!("cannot open SQLite database {}: {e}", path.display()))?;
            Ok(std::sync::Arc::new(s))
        }
        crate::config::Database::Postgres { url, schema } => {
            let s = postgres::PgStore::connect_with(
                url,
                schema.as_deref(),
                sealer,
                cfg.pg_groups_in_flight,
                // a command beside a server (`anbei account …`) is not one of the serving instances
                !cfg.shared_access,
            )
            .await
            .map_err(|e| format!("cannot open PostgreSQL database: {e}"))?;
            Ok(std::sync::Arc::new(s))
        }
    }
}
