//! Every statement both backends run, written once, each inside the function that lists its arguments
//! in placeholder order — so a statement, its numbering and its binding cannot drift apart between the
//! backends. Statements are written with PostgreSQL's `$n` placeholders; SQLite runs the same text with
//! `?n` (rendered once per statement and process). Where the dialects genuinely differ (the ledger page
//! plan) both forms stand here side by side. What only one backend does — numbering (SQLite in memory,
//! PostgreSQL's counter rows) and PostgreSQL's `UNNEST` group inserts — stays with that backend.

use super::{Event, FilingUpdate, KeyRow, ListFilter, NewFiling, Receipt, UploadMeta};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One argument of a statement, borrowed from the record it comes from (no copy on the hot path).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    Text(&'a str),
    MaybeText(Option<&'a str>),
    Int(i64),
    MaybeInt(Option<i64>),
    Flag(bool),
    MaybeFlag(Option<bool>),
}

/// A statement in `$n` form, with its SQLite rendering made on first use.
pub struct Stmt {
    text: &'static str,
    sqlite: OnceLock<String>,
}

impl Stmt {
    pub const fn new(text: &'static str) -> Stmt {
        Stmt {
            text,
            sqlite: OnceLock::new(),
        }
    }

    pub fn text(&'static self, d: Dialect) -> &'static str {
        match d {
            Dialect::Postgres => self.text,
            Dialect::Sqlite => self.sqlite.get_or_init(|| sqlite_placeholders(self.text)),
        }
    }
}

/// `$1` → `?1` (SQLite would take `$1` as a *named* parameter, numbered by first appearance).
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// A statement with its arguments, ready for either backend.
pub struct Query<'a, const N: usize> {
    pub stmt: &'static Stmt,
    pub args: [Arg<'a>; N],
}

/// `pub fn $name(args) -> Query` whose statement is the concatenation of `$text`.
macro_rules! query {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $n:literal = [$($text:expr),+] [$($value:expr),* $(,)?]) => {
        $(#[$doc])*
        pub fn $name<'a>($($arg: $ty),*) -> Query<'a, $n> {
            static STMT: Stmt = Stmt::new(concat!($($text),+));
            Query { stmt: &STMT, args: [$($value),*] }
        }
    };
}

/// The columns [`super::decode`] reads into a [`super::FilingRecord`] (receipt columns that share a
/// name with a filing column are renamed `receipt_…`).
macro_rules! select_filing {
    () => {
        "SELECT f.filing_no, f.street, f.status, f.version, f.created_at, f.updated_at, f.filed_on, \
         f.high_risk, f.scope, f.acceptance_due, f.access_token_hash, f.idempotency_key, f.contractor_token_hash, f.request_hash, \
         f.request, f.assessment, f.requested_changes, f.community, f.area, f.departments, f.applicant_name, f.activity, r.receipt_no, r.ruleset, r.scope AS receipt_scope, \
         r.high_risk AS receipt_high_risk, r.valid_until, r.issued_at, r.signature, r.kid, r.payload_version, r.site_hash \
         FROM filings f LEFT JOIN receipts r ON r.filing_no = f.filing_no"
    };
}

/// The columns of a [`super::LedgerEntry`].
macro_rules! select_ledger {
    () => {
        "SELECT f.filing_no, f.street, f.status, f.filed_on, f.scope, f.high_risk, f.acceptance_due, \
         f.request, r.receipt_no, r.valid_until, r.ruleset FROM filings f"
    };
}

pub mod manage;
pub mod outbox;
pub mod retention;
pub mod staff;
pub mod stats;

query!(ping() -> 0 = ["SELECT 1"] []);

query!(filing_by_no(filing_no: &'a str) -> 1 =
    [select_filing!(), " WHERE f.filing_no = $1"] [Arg::Text(filing_no)]);

query!(filing_by_receipt(receipt_no: &'a str) -> 1 =
    [select_filing!(), " WHERE r.receipt_no = $1"] [Arg::Text(receipt_no)]);

query!(events_of(filing_no: &'a str) -> 1 =
    ["SELECT at, actor, actor_name, action, reason, data FROM events WHERE filing_no = $1 ORDER BY id"]
    [Arg::Text(filing_no)]);

query!(find_idempotent(key: &'a str) -> 1 =
    ["SELECT request_hash, filing_no FROM filings WHERE idempotency_key = $1"] [Arg::Text(key)]);

query!(
    /// A key stored before (perhaps by a concurrent request or instance) inserts nothing: 0 rows.
    /// `request`: the filing as stored, its personal fields encrypted (`fieldcrypt::seal_request`).
    insert_filing(filing_no: &'a str, access_token_hash: &'a str, f: &'a NewFiling, request: &'a str) -> 18 = [
        "INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, \
         high_risk, scope, acceptance_due, access_token_hash, idempotency_key, request_hash, request, \
         assessment, requested_changes, community, area, departments, applicant_name, activity) \
         VALUES ($1, $2, $3, 1, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $15, $16, $17, $18) \
         ON CONFLICT (idempotency_key) DO NOTHING"
    ] [
        Arg::Text(filing_no),
        Arg::Text(&f.street),
        Arg::Text(f.status.as_str()),
        Arg::Text(&f.created_at),
        Arg::Text(&f.filed_on),
        Arg::Flag(f.high_risk),
        Arg::Text(&f.scope),
        Arg::MaybeText(f.acceptance_due.as_deref()),
        Arg::Text(access_token_hash),
        Arg::Text(&f.idempotency_key),
        Arg::Text(&f.request_hash),
        Arg::Text(request),
        Arg::Text(&f.assessment),
        Arg::Text(&f.columns.community),
        Arg::Text(&f.columns.area),
        Arg::Text(&f.columns.departments),
        Arg::Text(&f.columns.applicant_name),
        Arg::Text(&f.columns.activity),
    ]
);

query!(
    /// `data`: the event's data as JSON text.
    insert_event(filing_no: &'a str, e: &'a Event, data: Option<&'a str>) -> 7 = [
        "INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ] [
        Arg::Text(filing_no),
        Arg::Text(&e.at),
        Arg::Text(e.actor.as_str()),
        Arg::MaybeText(e.actor_name.as_deref()),
        Arg::Text(e.action.as_str()),
        Arg::MaybeText(e.reason.as_deref()),
        Arg::MaybeText(data),
    ]
);

query!(
    insert_receipt(r: &'a Receipt) -> 12 = [
        "INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, high_risk, valid_until, \
         issued_at, signature, kid, payload_version, site_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ] [
        Arg::Text(&r.receipt_no),
        Arg::Text(&r.filing_no),
        Arg::Text(&r.street),
        Arg::Text(&r.ruleset),
        Arg::Text(&r.scope),
        Arg::Flag(r.high_risk),
        Arg::Text(&r.valid_until),
        Arg::Text(&r.issued_at),
        Arg::Text(&r.signature),
        Arg::Text(&r.kid),
        Arg::Int(r.version),
        Arg::Text(&r.site_hash),
    ]
);

query!(
    /// An extension: the receipt's new `valid_until`, signed again.
    resign_receipt(r: &'a Receipt) -> 6 =
        ["UPDATE receipts SET valid_until = $1, signature = $2, kid = $3, payload_version = $5, site_hash = $6 WHERE receipt_no = $4"]
        [Arg::Text(&r.valid_until), Arg::Text(&r.signature), Arg::Text(&r.kid), Arg::Text(&r.receipt_no),
         Arg::Int(r.version), Arg::Text(&r.site_hash)]
);

/// The new value of a column an update may set (`Some(None)`: set it to NULL).
fn set_to(v: &Option<Option<String>>) -> Option<&str> {
    v.as_ref().and_then(|v| v.as_deref())
}

query!(
    /// Applied only at the expected version (0 rows: changed meanwhile). The argument types come with
    /// the arguments (sqlx declares them), so PostgreSQL needs no casts on COALESCE/CASE parameters.
    update_filing(u: &'a FilingUpdate) -> 22 = [
        "UPDATE filings SET status = $1, version = version + 1, updated_at = $2, \
         filed_on = COALESCE($3, filed_on), request = COALESCE($4, request), \
         community = COALESCE($15, community), area = COALESCE($16, area), \
         departments = COALESCE($17, departments), applicant_name = COALESCE($18, applicant_name), \
         activity = COALESCE($19, activity), answered_on = COALESCE($20, answered_on), \
         answer_minutes = COALESCE($21, answer_minutes), answer_days = COALESCE($22, answer_days), \
         request_hash = COALESCE($5, request_hash), assessment = COALESCE($6, assessment), \
         high_risk = COALESCE($7, high_risk), scope = COALESCE($8, scope), \
         acceptance_due = CASE WHEN $9 THEN $10 ELSE acceptance_due END, \
         requested_changes = CASE WHEN $11 THEN $12 ELSE requested_changes END \
         WHERE filing_no = $13 AND version = $14"
    ] [
        Arg::Text(u.status.as_str()),
        Arg::Text(&u.updated_at),
        Arg::MaybeText(u.filed_on.as_deref()),
        Arg::MaybeText(u.request.as_deref()),
        Arg::MaybeText(u.request_hash.as_deref()),
        Arg::MaybeText(u.assessment.as_deref()),
        Arg::MaybeFlag(u.high_risk),
        Arg::MaybeText(u.scope.as_deref()),
        Arg::Flag(u.acceptance_due.is_some()),
        Arg::MaybeText(set_to(&u.acceptance_due)),
        Arg::Flag(u.requested_changes.is_some()),
        Arg::MaybeText(set_to(&u.requested_changes)),
        Arg::Text(&u.filing_no),
        Arg::Int(u.expected_version),
        Arg::MaybeText(u.columns.as_ref().map(|c| c.community.as_str())),
        Arg::MaybeText(u.columns.as_ref().map(|c| c.area.as_str())),
        Arg::MaybeText(u.columns.as_ref().map(|c| c.departments.as_str())),
        Arg::MaybeText(u.columns.as_ref().map(|c| c.applicant_name.as_str())),
        Arg::MaybeText(u.columns.as_ref().map(|c| c.activity.as_str())),
        Arg::MaybeText(u.answered.as_ref().map(|a| a.on.as_str())),
        Arg::MaybeInt(u.answered.as_ref().map(|a| a.minutes)),
        Arg::MaybeInt(u.answered.as_ref().map(|a| a.days)),
    ]
);

query!(
    /// The same bytes uploaded again renew `created_at`: their 24 hours to be named by a filing before
    /// the orphan sweep removes them (`retention.rs`) start again.
    insert_upload(u: &'a UploadMeta) -> 5 = [
        "INSERT INTO uploads (id, sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at"
    ] [
        Arg::Text(&u.upload_id),
        Arg::Text(&u.sha256),
        Arg::Int(u.size),
        Arg::Text(&u.content_type),
        Arg::Text(&u.created_at),
    ]
);

query!(upload_by_id(id: &'a str) -> 1 =
    ["SELECT id, sha256, size, content_type, created_at FROM uploads WHERE id = $1"] [Arg::Text(id)]);

query!(
    /// A keyring entry; an entry another instance wrote first (same kid) is kept.
    insert_key(k: &'a KeyRow) -> 7 = [
        "INSERT INTO keyring (kid, purpose, public_key, sealed, not_before, not_after, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kid) DO NOTHING"
    ] [
        Arg::Text(&k.kid),
        Arg::Text(&k.purpose),
        Arg::Text(&k.public_key),
        Arg::Text(&k.sealed),
        Arg::Text(&k.not_before),
        Arg::MaybeText(k.not_after.as_deref()),
        Arg::Text(&k.created_at),
    ]
);

query!(retire_key(kid: &'a str, not_after: &'a str) -> 2 =
    ["UPDATE keyring SET not_after = $2 WHERE kid = $1"] [Arg::Text(kid), Arg::Text(not_after)]);

query!(
    /// KEK rotation: an entry sealed again under the new KEK.
    reseal_key(kid: &'a str, sealed: &'a str) -> 2 =
    ["UPDATE keyring SET sealed = $2 WHERE kid = $1"] [Arg::Text(kid), Arg::Text(sealed)]);

query!(
    /// The field encryption sweep (`fieldcrypt::sweep`): filings' requests as stored, in number order.
    stored_requests(after: &'a str, limit: u32) -> 2 =
    ["SELECT filing_no, request FROM filings WHERE filing_no > $1 ORDER BY filing_no LIMIT $2"]
    [Arg::Text(after), Arg::Int(i64::from(limit))]);

query!(
    /// The sweep's write: only if the request is still what was read.
    replace_request(filing_no: &'a str, old: &'a str, new: &'a str) -> 3 =
    ["UPDATE filings SET request = $3 WHERE filing_no = $1 AND request = $2"]
    [Arg::Text(filing_no), Arg::Text(old), Arg::Text(new)]);

query!(any_key_of(purpose: &'a str) -> 1 =
    ["SELECT kid FROM keyring WHERE purpose = $1 LIMIT 1"] [Arg::Text(purpose)]);

query!(all_keys() -> 0 =
    ["SELECT kid, purpose, public_key, sealed, not_before, not_after, created_at FROM keyring \
      ORDER BY not_before, created_at, kid"] []);

query!(migration_done(version: i64) -> 1 =
    ["SELECT version FROM anbei_migrations WHERE version = $1"] [Arg::Int(version)]);

query!(record_migration(version: i64, name: &'a str) -> 2 =
    ["INSERT INTO anbei_migrations (version, name, applied_at) VALUES ($1, $2, CURRENT_TIMESTAMP)"]
    [Arg::Int(version), Arg::Text(name)]);

// The ledger page: the one read whose plan differs by backend (see each store's `ledger_page`).

query!(
    /// SQLite: where a page's window ends — the `scan`-th filing after the cursor (an index walk).
    ledger_window_end(after: &'a str, scan: u32) -> 2 = [
        "SELECT filing_no FROM filings WHERE filing_no > $1 ORDER BY filing_no LIMIT 1 OFFSET $2"
    ] [Arg::Text(after), Arg::Int(i64::from(scan) - 1)]
);

query!(
    /// SQLite: one page of at most `limit` rows of `filter` after `after`, up to the window's end
    /// (one prepared statement whatever the filter).
    ledger_window(filter: &'a ListFilter, after: &'a str, end: Option<&'a str>, limit: u32) -> 10 = [
        select_ledger!(),
        " LEFT JOIN receipts r ON r.filing_no = f.filing_no WHERE f.filing_no > $4 \
         AND ($5 IS NULL OR f.filing_no <= $5) AND ($1 IS NULL OR f.street = $1) \
         AND ($2 IS NULL OR f.filed_on >= $2) AND ($3 IS NULL OR f.filed_on <= $3) \
         AND ($7 IS NULL OR f.community = $7) AND ($8 IS NULL OR $8 LIKE '%|' || f.area || '|%') \
         AND ($9 IS NULL OR f.departments LIKE '%' || $9 || '%') AND ($10 IS NULL OR f.status = $10) \
         ORDER BY f.filing_no LIMIT $6"
    ] [
        Arg::MaybeText(filter.street.as_deref()),
        Arg::MaybeText(filter.from.as_deref()),
        Arg::MaybeText(filter.to.as_deref()),
        Arg::Text(after),
        Arg::MaybeText(end),
        Arg::Int(i64::from(limit)),
        Arg::MaybeText(filter.community.as_deref()),
        Arg::MaybeText(filter.areas.as_deref()),
        Arg::MaybeText(filter.department.as_deref()),
        Arg::MaybeText(filter.status.as_deref()),
    ]
);

/// PostgreSQL: only the filters that are set, so that a street's page is one ordered range of the
/// (street, filing_no) index whatever the planner's statistics say; the receipts side carries the
/// cursor too (a merge join otherwise scans receipts from the first filing on every page).
pub fn ledger_range<'a>(
    filter: &'a ListFilter,
    after: &'a str,
    limit: u32,
) -> (String, Vec<Arg<'a>>) {
    let mut sql = concat!(
        select_ledger!(),
        " LEFT JOIN receipts r ON r.filing_no = f.filing_no AND r.filing_no > $1 WHERE f.filing_no > $1"
    )
    .to_owned();
    let mut args = vec![Arg::Text(after)];
    for (cond, v) in [
        ("f.street = $", &filter.street),
        ("f.filed_on >= $", &filter.from),
        ("f.filed_on <= $", &filter.to),
        ("f.community = $", &filter.community),
        ("f.status = $", &filter.status),
    ] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND {cond}{}", args.len()));
        }
    }
    if let Some(v) = &filter.areas {
        args.push(Arg::Text(v));
        sql.push_str(&format!(" AND ${} LIKE '%|' || f.area || '|%'", args.len()));
    }
    if let Some(v) = &filter.department {
        args.push(Arg::Text(v));
        sql.push_str(&format!(
            " AND f.departments LIKE '%' || ${} || '%'",
            args.len()
        ));
    }
    args.push(Arg::Int(i64::from(limit)));
    sql.push_str(&format!(" ORDER BY f.filing_no LIMIT ${}", args.len()));
    (sql, args)
}

/// The placeholders a statement uses, as a sorted set of numbers (the statement tests here and in
/// the submodules check them against the arguments).
#[cfg(test)]
pub(crate) fn placeholders(sql: &str) -> Vec<usize> {
    let mut out: Vec<usize> = sql
        .split('$')
        .skip(1)
        .filter_map(|s| {
            let n: String = s.chars().take_while(char::is_ascii_digit).collect();
            n.parse().ok()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ReceiptOp, Status};

    fn check<const N: usize>(q: Query<'_, N>) {
        check_stmt(q.stmt, N);
    }

    fn check_stmt(stmt: &'static Stmt, n: usize) {
        let sql = stmt.text(Dialect::Postgres);
        assert_eq!(
            placeholders(sql),
            (1..=n).collect::<Vec<_>>(),
            "{sql}: every argument is used, none is missing"
        );
        let lite = stmt.text(Dialect::Sqlite);
        assert!(!lite.contains('$'), "{lite}");
        assert_eq!(lite.matches('?').count(), sql.matches('$').count());
    }

    /// Each statement takes exactly the arguments its function lists ($1..$N, each at least once),
    /// on both dialects — a statement and its binding are checked together.
    #[test]
    fn every_statement_uses_exactly_its_arguments() {
        let f = NewFiling::example("k");
        let e = &f.events[0];
        let rec = f.record("F-1".into(), "h".into(), None);
        let u = FilingUpdate::new(&rec, Status::Filed, "t".into(), e.clone());
        assert!(matches!(u.receipt, ReceiptOp::Keep));
        let r = Receipt {
            receipt_no: "LG-1".into(),
            filing_no: "F-1".into(),
            street: "bantian".into(),
            ruleset: "r".into(),
            scope: "s".into(),
            high_risk: true,
            valid_until: "v".into(),
            issued_at: "i".into(),
            signature: "sig".into(),
            kid: "kid".into(),
            version: 2,
            site_hash: "h".into(),
        };
        let up = UploadMeta {
            upload_id: "u".into(),
            sha256: "0".into(),
            size: 1,
            content_type: "application/pdf".into(),
            created_at: "t".into(),
        };
        let filter = ListFilter::default();
        check(ping());
        check(filing_by_no("F-1"));
        check(filing_by_receipt("LG-1"));
        check(events_of("F-1"));
        check(find_idempotent("k"));
        check(insert_filing("F-1", "h", &f, "{}"));
        check(reseal_key("k", "v1:"));
        check(any_key_of("field"));
        check(stored_requests("", 10));
        check(replace_request("F-1", "{}", "{}"));
        check(insert_event("F-1", e, None));
        check(insert_receipt(&r));
        check(resign_receipt(&r));
        check(update_filing(&u));
        check(insert_upload(&up));
        check(upload_by_id("u"));
        check(migration_done(1));
        check(record_migration(1, "init"));
        check(ledger_window_end("", 1000));
        check(ledger_window(&filter, "", None, 100));
        staff::check_all(&mut check_stmt);
        outbox::check_all(&mut check_stmt);
        manage::check_all(&mut check_stmt);
        retention::check_all(&mut check_stmt);
    }

    #[test]
    fn the_postgres_ledger_numbers_only_the_filters_that_are_set() {
        let all = ListFilter {
            street: Some("bantian".into()),
            from: Some("2026-11-01".into()),
            ..ListFilter::default()
        };
        let (sql, args) = ledger_range(&all, "F-1", 100);
        assert_eq!(placeholders(&sql), vec![1, 2, 3, 4]);
        assert!(sql.ends_with("f.street = $2 AND f.filed_on >= $3 ORDER BY f.filing_no LIMIT $4"));
        assert_eq!(
            args,
            [
                Arg::Text("F-1"),
                Arg::Text("bantian"),
                Arg::Text("2026-11-01"),
                Arg::Int(100)
            ]
        );
        let none = ListFilter::default();
        let (sql, args) = ledger_range(&none, "", 7);
        assert_eq!(placeholders(&sql), vec![1, 2]);
        assert_eq!(args.len(), 2);
    }

    #[test]
    fn sqlite_placeholders_keep_their_numbers() {
        assert_eq!(
            sqlite_placeholders("VALUES ($1, $12, '$', $4, $4)"),
            "VALUES (?1, ?12, '$', ?4, ?4)"
        );
    }
}
