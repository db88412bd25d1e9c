//! Every record the store reads back, decoded once, by column NAME, from a row of either backend: each
//! backend only says how to read one named column of its rows ([`Columns`]). A value the service does
//! not know — an unknown status, unreadable event data — is [`StoreError::BadValue`] naming the column
//! and the value, never a guess.

use super::fieldcrypt::StoredRequest;
use super::manage::{FindingRow, InspectionRow, RectificationRow, ReferralRow, SiteRecordRow};
use super::staff::{AccountRow, AuditRow, LegacyKey, QueueEntry, SessionRow, TokenRow};
use super::stats::StatRow;
use super::{
    Event, FilingRecord, FilterColumns, KeyRow, LedgerEntry, OutboxRow, PurgeCandidate, Receipt,
    Status, StoreError, UploadMeta,
};
use crate::lifecycle::{Action, Actor};

/// Reads one named column of a row.
pub trait Columns {
    fn text(&self, col: &'static str) -> Result<String, StoreError>;
    fn maybe_text(&self, col: &'static str) -> Result<Option<String>, StoreError>;
    fn int(&self, col: &'static str) -> Result<i64, StoreError>;
    fn maybe_int(&self, col: &'static str) -> Result<Option<i64>, StoreError>;
    fn flag(&self, col: &'static str) -> Result<bool, StoreError>;

    /// A column that holds one of a fixed set of values (`parse` knows them); anything else is an
    /// error naming the column and the value.
    fn one_of<T>(
        &self,
        col: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        let v = self.text(col)?;
        parse(&v).ok_or_else(|| StoreError::bad_value(col, &v))
    }

    /// The filing's request (`filings.request`) in clear: its personal fields decrypted
    /// (`fieldcrypt.rs`), bound to the row's `filing_no`.
    fn request(&self, col: &'static str) -> Result<String, StoreError> {
        super::fieldcrypt::open_request(&self.text("filing_no")?, self.text(col)?)
    }

    /// A column of JSON text, or NULL.
    fn json(&self, col: &'static str) -> Result<Option<serde_json::Value>, StoreError> {
        match self.maybe_text(col)? {
            Some(t) => serde_json::from_str(&t)
                .map(Some)
                .map_err(|_| StoreError::bad_value(col, &t)),
            None => Ok(None),
        }
    }

    fn status(&self, col: &'static str) -> Result<Status, StoreError> {
        self.one_of(col, Status::parse)
    }

    fn actor(&self, col: &'static str) -> Result<Actor, StoreError> {
        self.one_of(col, |v| v.parse().ok())
    }

    fn action(&self, col: &'static str) -> Result<Action, StoreError> {
        self.one_of(col, |v| v.parse().ok())
    }
}

/// `Columns` for a backend's row type whose `$get(name)` reads any column type by name (both drivers'
/// getters do); their errors become [`StoreError::Db`].
macro_rules! columns_by_name {
    ($row:ty, $get:ident) => {
        impl $crate::store::decode::Columns for $row {
            fn text(&self, col: &'static str) -> Result<String, $crate::store::StoreError> {
                self.$get(col).map_err($crate::store::db)
            }
            fn maybe_text(
                &self,
                col: &'static str,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                self.$get(col).map_err($crate::store::db)
            }
            fn int(&self, col: &'static str) -> Result<i64, $crate::store::StoreError> {
                self.$get(col).map_err($crate::store::db)
            }
            fn maybe_int(
                &self,
                col: &'static str,
            ) -> Result<Option<i64>, $crate::store::StoreError> {
                self.$get(col).map_err($crate::store::db)
            }
            fn flag(&self, col: &'static str) -> Result<bool, $crate::store::StoreError> {
                self.$get(col).map_err($crate::store::db)
            }
        }
    };
}
pub(crate) use columns_by_name;

/// A record read from a row by column name.
pub trait Decode: Sized {
    fn decode<R: Columns + ?Sized>(r: &R) -> Result<Self, StoreError>;
}

impl Decode for FilingRecord {
    fn decode<R: Columns + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let filing_no = r.text("filing_no")?;
        let street = r.text("street")?;
        let receipt = match r.maybe_text("receipt_no")? {
            Some(receipt_no) => Some(Receipt {
                receipt_no,
                filing_no: filing_no.clone(),
                street: street.clone(),
                ruleset: r.text("ruleset")?,
                scope: r.text("receipt_scope")?,
                high_risk: r.flag("receipt_high_risk")?,
                valid_until: r.text("valid_until")?,
                issued_at: r.text("issued_at")?,
                signature: r.text("signature")?,
                kid: r.text("kid")?,
                version: r.int("payload_version")?,
                site_hash: r.text("site_hash")?,
            }),
            None => None,
        };
        Ok(FilingRecord {
            status: r.status("status")?,
            version: r.int("version")?,
            created_at: r.text("created_at")?,
            updated_at: r.text("updated_at")?,
            filed_on: r.text("filed_on")?,
            high_risk: r.flag("high_risk")?,
            scope: r.text("scope")?,
            acceptance_due: r.maybe_text("acceptance_due")?,
            access_token_hash: r.text("access_token_hash")?,
            idempotency_key: r.text("idempotency_key")?,
            contractor_token_hash: r.maybe_text("contractor_token_hash")?,
            request_hash: r.text("request_hash")?,
            request: super::fieldcrypt::open_request(&filing_no, r.text("request")?)?,
            assessment: r.text("assessment")?,
            requested_changes: r.maybe_text("requested_changes")?,
            columns: FilterColumns {
                community: r.text("community")?,
                area: r.text("area")?,
                departments: r.text("departments")?,
                applicant_name: r.text("applicant_name")?,
                activity: r.text("activity")?,
            },
            filing_no,
            street,
            receipt,
            events: vec![],
        })
    }
}

/// `Decode` for a record whose every field is one column: `field: how("column")`, `how` a method of
/// [`Columns`].
macro_rules! decode_columns {
    ($record:ident { $($field:ident: $how:ident($col:literal)),+ $(,)? }) => {
        impl Decode for $record {
            fn decode<R: Columns + ?Sized>(r: &R) -> Result<Self, StoreError> {
                Ok($record { $($field: r.$how($col)?),+ })
            }
        }
    };
}

decode_columns!(Event {
    at: text("at"),
    actor: actor("actor"),
    actor_name: maybe_text("actor_name"),
    action: action("action"),
    reason: maybe_text("reason"),
    data: json("data"),
});

decode_columns!(LedgerEntry {
    filing_no: text("filing_no"),
    street: text("street"),
    status: status("status"),
    filed_on: text("filed_on"),
    scope: text("scope"),
    high_risk: flag("high_risk"),
    acceptance_due: maybe_text("acceptance_due"),
    request: request("request"),
    receipt_no: maybe_text("receipt_no"),
    valid_until: maybe_text("valid_until"),
    ruleset: maybe_text("ruleset"),
});

decode_columns!(OutboxRow {
    seq: int("seq"),
    id: text("id"),
    kind: text("type"),
    occurred_at: text("occurred_at"),
    filing_no: text("filing_no"),
    street: text("street"),
    status: text("status"),
    lang: text("lang"),
    payload: text("payload"),
    state: text("state"),
    email_state: text("email_state"),
    webhook_state: text("webhook_state"),
    attempts: int("attempts"),
    deliver_after_ms: int("deliver_after_ms"),
    next_attempt_ms: int("next_attempt_ms"),
    lease_until_ms: int("lease_until_ms"),
    last_error: maybe_text("last_error"),
});

decode_columns!(InspectionRow {
    id: text("id"),
    filing_no: maybe_text("filing_no"),
    street: text("street"),
    community: text("community"),
    area: text("area"),
    departments: text("departments"),
    address: maybe_text("address"),
    kind: text("kind"),
    due: maybe_text("due"),
    status: text("status"),
    created_at: text("created_at"),
    inspected_at: maybe_text("inspected_at"),
    done_at: maybe_text("done_at"),
    inspector_login: maybe_text("inspector_login"),
    inspector_name: maybe_text("inspector_name"),
    answers: maybe_text("answers"),
    finding_id: maybe_text("finding_id"),
});

decode_columns!(FindingRow {
    id: text("id"),
    inspection_id: text("inspection_id"),
    filing_no: maybe_text("filing_no"),
    street: text("street"),
    code: text("code"),
    item: maybe_text("item"),
    note: text("note"),
    found_on: text("found_on"),
    rectify_by: maybe_text("rectify_by"),
    status: text("status"),
    escalation: maybe_text("escalation"),
    created_at: text("created_at"),
    updated_at: text("updated_at"),
    version: int("version"),
});

decode_columns!(RectificationRow {
    id: text("id"),
    finding_id: text("finding_id"),
    filing_no: text("filing_no"),
    at: text("at"),
    by_role: text("by_role"),
    note: text("note"),
    photos: text("photos"),
    decision: maybe_text("decision"),
    reason: maybe_text("reason"),
    decided_by: maybe_text("decided_by"),
    decided_at: maybe_text("decided_at"),
});

decode_columns!(ReferralRow {
    id: text("id"),
    finding_id: text("finding_id"),
    filing_no: maybe_text("filing_no"),
    target: text("target"),
    department: maybe_text("department"),
    reason: text("reason"),
    referred_on: text("referred_on"),
    at: text("at"),
    by_login: text("by_login"),
    by_name: text("by_name"),
    late: flag("late"),
});

decode_columns!(SiteRecordRow {
    id: text("id"),
    filing_no: text("filing_no"),
    kind: text("kind"),
    at: text("at"),
    by_role: text("by_role"),
    by_login: maybe_text("by_login"),
    by_name: maybe_text("by_name"),
    note: maybe_text("note"),
    documents: text("documents"),
});

decode_columns!(UploadMeta {
    upload_id: text("id"),
    sha256: text("sha256"),
    size: int("size"),
    content_type: text("content_type"),
    created_at: text("created_at"),
});

decode_columns!(LegacyKey {
    filing_no: text("filing_no"),
    created_at: text("created_at"),
    idempotency_key: text("idempotency_key"),
});

decode_columns!(KeyRow {
    kid: text("kid"),
    purpose: text("purpose"),
    public_key: text("public_key"),
    sealed: text("sealed"),
    not_before: text("not_before"),
    not_after: maybe_text("not_after"),
    created_at: text("created_at"),
});

decode_columns!(AccountRow {
    login: text("login"),
    name: text("name"),
    role: text("role"),
    street: maybe_text("street"),
    community: maybe_text("community"),
    areas: text("areas"),
    department: maybe_text("department"),
    password_hash: maybe_text("password_hash"),
    must_change_password: flag("must_change_password"),
    totp_secret: maybe_text("totp_secret"),
    totp_pending: maybe_text("totp_pending"),
    totp_last_step: maybe_int("totp_last_step"),
    disabled: flag("disabled"),
    failed_count: int("failed_count"),
    locked_until_ms: int("locked_until_ms"),
    created_at: text("created_at"),
    last_sign_in_at: maybe_text("last_sign_in_at"),
    email: maybe_text("email"),
});

decode_columns!(SessionRow {
    id_hash: text("id_hash"),
    login: text("login"),
    csrf_token: text("csrf_token"),
    created_ms: int("created_ms"),
    last_seen_ms: int("last_seen_ms"),
    ended: flag("ended"),
});

decode_columns!(TokenRow {
    id: text("id"),
    token_hash: text("token_hash"),
    login: text("login"),
    label: text("label"),
    created_at: text("created_at"),
    expires_ms: int("expires_ms"),
    revoked_at: maybe_text("revoked_at"),
});

decode_columns!(AuditRow {
    seq: int("seq"),
    at: text("at"),
    account: text("account"),
    name: text("name"),
    role: text("role"),
    action: text("action"),
    target: text("target"),
    client: text("client"),
    outcome: text("outcome"),
    detail: maybe_text("detail"),
    prev: text("prev"),
    hash: text("hash"),
});

decode_columns!(QueueEntry {
    filing_no: text("filing_no"),
    street: text("street"),
    status: status("status"),
    community: text("community"),
    scope: text("scope"),
    high_risk: flag("high_risk"),
    filed_on: text("filed_on"),
    acceptance_due: maybe_text("acceptance_due"),
    applicant_name: text("applicant_name"),
    receipt_no: maybe_text("receipt_no"),
    request: request("request"),
});

/// The last audit row's number and hash.
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

decode_columns!(AuditHead {
    seq: int("seq"),
    hash: text("hash"),
});

decode_columns!(StatRow {
    street: text("street"),
    g: text("g"),
    k: maybe_text("k"),
    j: maybe_text("j"),
    x: maybe_int("x"),
    y: maybe_int("y"),
    n: int("n"),
});

/// A status and how many filings have it.
pub struct StatusCount {
    pub status: String,
    pub n: i64,
}

decode_columns!(StatusCount {
    status: text("status"),
    n: int("n"),
});

/// The filing an Idempotency-Key was stored with.
pub struct Earlier {
    pub request_hash: String,
    pub filing_no: String,
}

decode_columns!(Earlier {
    request_hash: text("request_hash"),
    filing_no: text("filing_no"),
});

impl Earlier {
    pub fn pair(self) -> (String, String) {
        (self.request_hash, self.filing_no)
    }
}

impl From<Earlier> for super::Created {
    fn from(e: Earlier) -> Self {
        super::Created::Existing {
            request_hash: e.request_hash,
            filing_no: e.filing_no,
        }
    }
}

decode_columns!(StoredRequest {
    filing_no: text("filing_no"),
    request: text("request"),
});

/// A filing number alone.
pub struct FilingNo {
    pub filing_no: String,
}

decode_columns!(FilingNo {
    filing_no: text("filing_no"),
});

decode_columns!(PurgeCandidate {
    filing_no: text("filing_no"),
    version: int("version"),
    request: text("request"),
});

/// Rows as maps: the decoders tested without a database (both backends run them in tests/store.rs).
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, Option<&'static str>>);

    impl Columns for Map {
        fn maybe_text(&self, col: &'static str) -> Result<Option<String>, StoreError> {
            match self.0.get(col) {
                Some(v) => Ok(v.map(str::to_owned)),
                None => Err(StoreError::Db(format!("no column {col}"))),
            }
        }
        fn text(&self, col: &'static str) -> Result<String, StoreError> {
            self.maybe_text(col)?
                .ok_or_else(|| StoreError::Db(format!("{col} is NULL")))
        }
        fn int(&self, col: &'static str) -> Result<i64, StoreError> {
            self.text(col)?
                .parse()
                .map_err(|_| StoreError::Db(col.into()))
        }
        fn maybe_int(&self, col: &'static str) -> Result<Option<i64>, StoreError> {
            self.maybe_text(col)?
                .map(|t| t.parse().map_err(|_| StoreError::Db(col.into())))
                .transpose()
        }
        fn flag(&self, col: &'static str) -> Result<bool, StoreError> {
            Ok(self.int(col)? != 0)
        }
    }

    fn ledger_row(status: &'static str) -> Map {
        Map(HashMap::from([
            ("filing_no", Some("F-bantian-20261123-000001")),
            ("street", Some("bantian")),
            ("status", Some(status)),
            ("filed_on", Some("2026-11-23")),
            ("scope", Some("SCOPE_SMALL_PROJECT")),
            ("high_risk", Some("1")),
            ("acceptance_due", None),
            ("request", Some("{}")),
            ("receipt_no", None),
            ("valid_until", None),
            ("ruleset", None),
        ]))
    }

    #[test]
    fn columns_are_read_by_name_and_an_unknown_status_is_an_error() {
        let e = LedgerEntry::decode(&ledger_row("extended")).unwrap();
        assert_eq!(e.status, Status::Extended);
        assert!(e.high_risk);
        assert_eq!(e.receipt_no, None);
        match LedgerEntry::decode(&ledger_row("archived")) {
            Err(StoreError::BadValue { column, value }) => {
                assert_eq!((column, value.as_str()), ("status", "archived"));
            }
            other => panic!("an unknown status must be an error, got {other:?}"),
        }
    }

    #[test]
    fn unreadable_event_data_is_an_error_not_dropped() {
        let mut row = Map(HashMap::from([
            ("at", Some("2026-11-23T10:00:00+08:00")),
            ("actor", Some("officer")),
            ("actor_name", Some("王五")),
            ("action", Some("extended")),
            ("reason", None),
            ("data", Some("{\"days\":30}")),
        ]));
        let e = Event::decode(&row).unwrap();
        assert_eq!(e.data, Some(serde_json::json!({"days": 30})));
        row.0.insert("data", Some("{\"days\":"));
        assert!(matches!(
            Event::decode(&row),
            Err(StoreError::BadValue { column: "data", .. })
        ));
    }
}
