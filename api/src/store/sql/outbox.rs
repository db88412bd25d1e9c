//! The notification outbox's statements (`migrations/0005_outbox.sql`), for both backends. Only the
//! claim differs: PostgreSQL skips rows another instance has locked (`FOR UPDATE SKIP LOCKED`);
//! SQLite has one writer, which makes the claim atomic by itself.

use super::{Arg, Query, Stmt};
use crate::store::{OutboxDraft, OutboxFilter, OutboxNext, OutboxOutcome};

/// The columns of an [`crate::store::OutboxRow`].
macro_rules! outbox_columns {
    () => {
        "seq, id, type, occurred_at, filing_no, street, status, lang, payload, state, email_state, \
         webhook_state, attempts, deliver_after_ms, next_attempt_ms, lease_until_ms, last_error"
    };
}

query!(
    /// A new event, pending on both channels, due at `deliver_after_ms`.
    insert_outbox(d: &'a OutboxDraft, filing_no: &'a str) -> 9 = [
        "INSERT INTO outbox (id, type, occurred_at, filing_no, street, status, lang, payload, state, \
         email_state, webhook_state, attempts, deliver_after_ms, next_attempt_ms, lease_until_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 'pending', 'pending', 0, $9, $9, 0)"
    ] [
        Arg::Text(&d.id),
        Arg::Text(&d.kind),
        Arg::Text(&d.occurred_at),
        Arg::Text(filing_no),
        Arg::Text(&d.street),
        Arg::Text(d.status.as_str()),
        Arg::Text(&d.lang),
        Arg::Text(&d.payload),
        Arg::Int(d.deliver_after_ms),
    ]
);

/// The claim's statement with its row lock for `lock` (" FOR UPDATE SKIP LOCKED" or "").
macro_rules! claim {
    ($name:ident, $lock:literal) => {
        query!(
            /// Leases up to `limit` due rows whose lease has expired and counts the attempt.
            $name(now_ms: i64, lease_until_ms: i64, limit: u32) -> 3 = [
                "UPDATE outbox SET lease_until_ms = $1, attempts = attempts + 1 WHERE seq IN \
                 (SELECT seq FROM outbox WHERE state = 'pending' AND next_attempt_ms <= $2 \
                  AND lease_until_ms <= $2 ORDER BY next_attempt_ms LIMIT $3",
                $lock,
                ") RETURNING ",
                outbox_columns!()
            ] [Arg::Int(lease_until_ms), Arg::Int(now_ms), Arg::Int(i64::from(limit))]
        );
    };
}

claim!(claim_sqlite, "");
claim!(claim_postgres, " FOR UPDATE SKIP LOCKED");

query!(
    /// Applied only while the row is at the claim's attempt count (its fencing token).
    finish_outbox(o: &'a OutboxOutcome) -> 7 = [
        "UPDATE outbox SET state = $1, email_state = $2, webhook_state = $3, next_attempt_ms = $4, \
         last_error = $5, lease_until_ms = 0 WHERE seq = $6 AND attempts = $7"
    ] [
        Arg::Text(&o.state),
        Arg::Text(&o.email_state),
        Arg::Text(&o.webhook_state),
        Arg::Int(o.next_attempt_ms),
        Arg::MaybeText(o.last_error.as_deref()),
        Arg::Int(o.seq),
        Arg::Int(o.attempts),
    ]
);

query!(
    /// A reminder sent: the row becomes the next reminder, a new event (new id), pending on both channels.
    chain_outbox(o: &'a OutboxOutcome, n: &'a OutboxNext) -> 5 = [
        "UPDATE outbox SET id = $1, type = $2, deliver_after_ms = $3, next_attempt_ms = $3, state = 'pending', \
         email_state = 'pending', webhook_state = 'pending', attempts = 0, lease_until_ms = 0, last_error = NULL \
         WHERE seq = $4 AND attempts = $5"
    ] [
        Arg::Text(&n.id),
        Arg::Text(&n.kind),
        Arg::Int(n.deliver_after_ms),
        Arg::Int(o.seq),
        Arg::Int(o.attempts),
    ]
);

query!(
    list_outbox(f: &'a OutboxFilter) -> 3 = [
        "SELECT ", outbox_columns!(), " FROM outbox WHERE ($1 IS NULL OR state = $1) \
         AND ($2 IS NULL OR filing_no = $2) ORDER BY deliver_after_ms, seq LIMIT $3"
    ] [
        Arg::MaybeText(f.state.as_deref()),
        Arg::MaybeText(f.filing_no.as_deref()),
        Arg::Int(i64::from(f.limit)),
    ]
);

query!(
    /// Failed rows (one, or every one) back to pending, due now, their attempts counted afresh.
    retry_outbox(id: Option<&'a str>, now_ms: i64) -> 2 = [
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = $2, lease_until_ms = 0 \
         WHERE state = 'failed' AND ($1 IS NULL OR id = $1)"
    ] [Arg::MaybeText(id), Arg::Int(now_ms)]
);

query!(
    /// SQLite at start: the data directory's lock says no other instance runs, so a lease left by a
    /// process that died is free at once.
    release_leases() -> 0 = [
        "UPDATE outbox SET lease_until_ms = 0 WHERE state = 'pending' AND lease_until_ms <> 0"
    ] []
);

/// Checks each statement's placeholders (`sql.rs`'s test).
#[cfg(test)]
pub(crate) fn check_all(check: &mut dyn FnMut(&'static Stmt, usize)) {
    let d = OutboxDraft {
        id: "evt_1".into(),
        kind: "filed".into(),
        occurred_at: "t".into(),
        street: "bantian".into(),
        status: crate::store::Status::Filed,
        lang: "zh-CN".into(),
        payload: "{}".into(),
        deliver_after_ms: 0,
    };
    let o = OutboxOutcome {
        seq: 1,
        id: "evt_1".into(),
        attempts: 1,
        state: "done".into(),
        email_state: "sent".into(),
        webhook_state: "sent".into(),
        next_attempt_ms: 0,
        last_error: None,
        then: None,
    };
    let n = OutboxNext {
        id: "evt_2".into(),
        kind: "valid_until_reached".into(),
        deliver_after_ms: 0,
    };
    let q = chain_outbox(&o, &n);
    check(q.stmt, q.args.len());
    let f = OutboxFilter::default();
    let q = insert_outbox(&d, "F-1");
    check(q.stmt, q.args.len());
    let q = claim_sqlite(0, 0, 1);
    check(q.stmt, q.args.len());
    let q = claim_postgres(0, 0, 1);
    check(q.stmt, q.args.len());
    let q = finish_outbox(&o);
    check(q.stmt, q.args.len());
    let q = list_outbox(&f);
    check(q.stmt, q.args.len());
    let q = retry_outbox(None, 0);
    check(q.stmt, q.args.len());
    let q = release_leases();
    check(q.stmt, q.args.len());
}
