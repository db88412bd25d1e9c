//! The staff side's statements (accounts, sessions, tokens, the audit trail, the queue), under the rules
//! of `sql.rs`: written once in `$n` form, each with its arguments in placeholder order.

use super::{Arg, Query, Stmt};
use crate::store::staff::{
    AccountRow, AuditFilter, AuditRow, Coverage, QueueFilter, SessionRow, TokenRow,
};

query!(
    /// A login taken already inserts nothing: 0 rows.
    insert_account(a: &'a AccountRow) -> 17 = [
        "INSERT INTO accounts (login, name, role, street, community, areas, department, password_hash, \
         must_change_password, totp_secret, totp_pending, totp_last_step, disabled, failed_count, locked_until_ms, \
         created_at, last_sign_in_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (login) DO NOTHING"
    ] [
        Arg::Text(&a.login), Arg::Text(&a.name), Arg::Text(&a.role), Arg::MaybeText(a.street.as_deref()),
        Arg::MaybeText(a.community.as_deref()), Arg::Text(&a.areas), Arg::MaybeText(a.department.as_deref()),
        Arg::MaybeText(a.password_hash.as_deref()), Arg::Flag(a.must_change_password),
        Arg::MaybeText(a.totp_secret.as_deref()), Arg::MaybeText(a.totp_pending.as_deref()),
        Arg::MaybeInt(a.totp_last_step), Arg::Flag(a.disabled), Arg::Int(a.failed_count),
        Arg::Int(a.locked_until_ms), Arg::Text(&a.created_at), Arg::MaybeText(a.last_sign_in_at.as_deref()),
    ]
);

query!(
    update_account(a: &'a AccountRow) -> 16 = [
        "UPDATE accounts SET name = $2, role = $3, street = $4, community = $5, areas = $6, department = $7, \
         password_hash = $8, must_change_password = $9, totp_secret = $10, totp_pending = $11, totp_last_step = $12, \
         disabled = $13, failed_count = $14, locked_until_ms = $15, last_sign_in_at = $16 WHERE login = $1"
    ] [
        Arg::Text(&a.login), Arg::Text(&a.name), Arg::Text(&a.role), Arg::MaybeText(a.street.as_deref()),
        Arg::MaybeText(a.community.as_deref()), Arg::Text(&a.areas), Arg::MaybeText(a.department.as_deref()),
        Arg::MaybeText(a.password_hash.as_deref()), Arg::Flag(a.must_change_password),
        Arg::MaybeText(a.totp_secret.as_deref()), Arg::MaybeText(a.totp_pending.as_deref()),
        Arg::MaybeInt(a.totp_last_step), Arg::Flag(a.disabled), Arg::Int(a.failed_count),
        Arg::Int(a.locked_until_ms), Arg::MaybeText(a.last_sign_in_at.as_deref()),
    ]
);

/// `SELECT <every account column> FROM accounts` and `tail`.
macro_rules! select_account {
    ($tail:literal) => {
        concat!(
            "SELECT login, name, role, street, community, areas, department, password_hash, \
             must_change_password, totp_secret, totp_pending, totp_last_step, disabled, failed_count, \
             locked_until_ms, created_at, last_sign_in_at FROM accounts ",
            $tail
        )
    };
}

query!(account_by_login(login: &'a str) -> 1 = [select_account!("WHERE login = $1")] [Arg::Text(login)]);

query!(all_accounts() -> 0 = [select_account!("ORDER BY login")] []);

query!(
    insert_session(s: &'a SessionRow) -> 6 = [
        "INSERT INTO sessions (id_hash, login, csrf_token, created_ms, last_seen_ms, ended) VALUES ($1, $2, $3, $4, $5, $6)"
    ] [
        Arg::Text(&s.id_hash), Arg::Text(&s.login), Arg::Text(&s.csrf_token), Arg::Int(s.created_ms),
        Arg::Int(s.last_seen_ms), Arg::Flag(s.ended),
    ]
);

query!(session_by_hash(id_hash: &'a str) -> 1 = [
    "SELECT id_hash, login, csrf_token, created_ms, last_seen_ms, ended FROM sessions WHERE id_hash = $1"
] [Arg::Text(id_hash)]);

query!(touch_session(id_hash: &'a str, last_seen_ms: i64) -> 2 = [
    "UPDATE sessions SET last_seen_ms = $2 WHERE id_hash = $1 AND last_seen_ms < $2"
] [Arg::Text(id_hash), Arg::Int(last_seen_ms)]);

query!(end_session(id_hash: &'a str) -> 1 = ["UPDATE sessions SET ended = TRUE WHERE id_hash = $1"] [Arg::Text(id_hash)]);

query!(end_sessions_of(login: &'a str) -> 1 = [
    "UPDATE sessions SET ended = TRUE WHERE login = $1 AND NOT ended"
] [Arg::Text(login)]);

query!(
    insert_token(t: &'a TokenRow) -> 7 = [
        "INSERT INTO tokens (id, token_hash, login, label, created_at, expires_ms, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ] [
        Arg::Text(&t.id), Arg::Text(&t.token_hash), Arg::Text(&t.login), Arg::Text(&t.label),
        Arg::Text(&t.created_at), Arg::Int(t.expires_ms), Arg::MaybeText(t.revoked_at.as_deref()),
    ]
);

/// `SELECT <every token column> FROM tokens` and `tail`.
macro_rules! select_token {
    ($tail:literal) => {
        concat!(
            "SELECT id, token_hash, login, label, created_at, expires_ms, revoked_at FROM tokens ",
            $tail
        )
    };
}

query!(token_by_hash(hash: &'a str) -> 1 = [select_token!("WHERE token_hash = $1")] [Arg::Text(hash)]);

query!(tokens_of(login: &'a str) -> 1 = [select_token!("WHERE login = $1 ORDER BY created_at, id")] [Arg::Text(login)]);

query!(revoke_token(login: &'a str, id: &'a str, at: &'a str) -> 3 = [
    "UPDATE tokens SET revoked_at = $3 WHERE login = $1 AND id = $2 AND revoked_at IS NULL"
] [Arg::Text(login), Arg::Text(id), Arg::Text(at)]);

query!(revoke_tokens_of(login: &'a str, at: &'a str) -> 2 = [
    "UPDATE tokens SET revoked_at = $2 WHERE login = $1 AND revoked_at IS NULL"
] [Arg::Text(login), Arg::Text(at)]);

query!(
    /// PostgreSQL: one writer of the audit chain at a time, until its transaction ends (several
    /// instances share the table); SQLite has one writer already.
    lock_audit(key: i64) -> 1 = ["SELECT pg_advisory_xact_lock($1)"] [Arg::Int(key)]
);

query!(audit_head() -> 0 = ["SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"] []);

query!(
    insert_audit(r: &'a AuditRow) -> 12 = [
        "INSERT INTO audit (seq, at, account, name, role, action, target, client, outcome, detail, prev, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ] [
        Arg::Int(r.seq), Arg::Text(&r.at), Arg::Text(&r.account), Arg::Text(&r.name), Arg::Text(&r.role),
        Arg::Text(&r.action), Arg::Text(&r.target), Arg::Text(&r.client), Arg::Text(&r.outcome),
        Arg::MaybeText(r.detail.as_deref()), Arg::Text(&r.prev), Arg::Text(&r.hash),
    ]
);

query!(
    /// One page of the audit trail, oldest first, after `after` (a seq), filtered.
    audit_page(f: &'a AuditFilter, after: i64, limit: u32) -> 6 = [
        "SELECT seq, at, account, name, role, action, target, client, outcome, detail, prev, hash FROM audit \
         WHERE seq > $1 AND ($2 IS NULL OR account = $2) AND ($3 IS NULL OR action = $3) \
         AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR substr(at, 1, 10) <= $5) ORDER BY seq LIMIT $6"
    ] [
        Arg::Int(after), Arg::MaybeText(f.account.as_deref()), Arg::MaybeText(f.action.as_deref()),
        Arg::MaybeText(f.from.as_deref()), Arg::MaybeText(f.to.as_deref()), Arg::Int(i64::from(limit)),
    ]
);

/// The conditions of a [`Coverage`] on `filings f`, as `$first..$first+3`.
macro_rules! covered {
    ($a:literal, $b:literal, $c:literal, $d:literal) => {
        concat!(
            "($",
            $a,
            " IS NULL OR f.street = $",
            $a,
            ") AND ($",
            $b,
            " IS NULL OR f.community = $",
            $b,
            ") AND ($",
            $c,
            " IS NULL OR $",
            $c,
            " LIKE '%|' || f.area || '|%') AND ($",
            $d,
            " IS NULL OR f.departments LIKE '%' || $",
            $d,
            " || '%')"
        )
    };
}

fn cover_args(c: &Coverage) -> [Arg<'_>; 4] {
    [
        Arg::MaybeText(c.street.as_deref()),
        Arg::MaybeText(c.community.as_deref()),
        Arg::MaybeText(c.areas.as_deref()),
        Arg::MaybeText(c.department.as_deref()),
    ]
}

query!(
    /// How many filings of each status an account covers.
    status_counts(c: &'a Coverage) -> 4 = [
        "SELECT status, COUNT(*) AS n FROM filings f WHERE ", covered!("1", "2", "3", "4"), " GROUP BY status"
    ] [cover_args(c)[0], cover_args(c)[1], cover_args(c)[2], cover_args(c)[3]]
);

query!(
    /// One page of the queue: by acceptance due date (none last), then filing number.
    queue_page(q: &'a QueueFilter) -> 14 = [
        "SELECT f.filing_no, f.street, f.status, f.community, f.scope, f.high_risk, f.filed_on, f.acceptance_due, \
         f.applicant_name, f.request, r.receipt_no FROM filings f LEFT JOIN receipts r ON r.filing_no = f.filing_no \
         WHERE ", covered!("1", "2", "3", "4"), " AND f.status = $5 \
         AND ($6 IS NULL OR f.community = $6) AND ($7 IS NULL OR f.scope = $7) AND ($8 IS NULL OR f.high_risk = $8) \
         AND ($9 IS NULL OR f.filed_on >= $9) AND ($10 IS NULL OR f.filed_on <= $10) \
         AND ($11 IS NULL OR f.filing_no = $11 OR r.receipt_no = $11 OR f.applicant_name = $11) \
         AND (COALESCE(f.acceptance_due, '9999') > $12 OR (COALESCE(f.acceptance_due, '9999') = $12 AND f.filing_no > $13)) \
         ORDER BY COALESCE(f.acceptance_due, '9999'), f.filing_no LIMIT $14"
    ] [
        cover_args(&q.cover)[0], cover_args(&q.cover)[1], cover_args(&q.cover)[2], cover_args(&q.cover)[3],
        Arg::Text(&q.status), Arg::MaybeText(q.community.as_deref()), Arg::MaybeText(q.scope.as_deref()),
        Arg::MaybeFlag(q.high_risk), Arg::MaybeText(q.from.as_deref()), Arg::MaybeText(q.to.as_deref()),
        Arg::MaybeText(q.q.as_deref()), Arg::Text(&q.after_due), Arg::Text(&q.after_no), Arg::Int(i64::from(q.limit)),
    ]
);

#[cfg(test)]
pub(super) fn check_all(check: &mut dyn FnMut(&'static Stmt, usize)) {
    let a = AccountRow {
        login: "l".into(),
        name: "n".into(),
        role: "officer".into(),
        street: None,
        community: None,
        areas: String::new(),
        department: None,
        password_hash: None,
        must_change_password: false,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: None,
        disabled: false,
        failed_count: 0,
        locked_until_ms: 0,
        created_at: "t".into(),
        last_sign_in_at: None,
    };
    let s = SessionRow {
        id_hash: "h".into(),
        login: "l".into(),
        csrf_token: "c".into(),
        created_ms: 0,
        last_seen_ms: 0,
        ended: false,
    };
    let t = TokenRow {
        id: "i".into(),
        token_hash: "h".into(),
        login: "l".into(),
        label: "x".into(),
        created_at: "t".into(),
        expires_ms: 0,
        revoked_at: None,
    };
    let r = AuditRow {
        seq: 1,
        at: "t".into(),
        account: "a".into(),
        name: "n".into(),
        role: "r".into(),
        action: "x".into(),
        target: "t".into(),
        client: "c".into(),
        outcome: "ok".into(),
        detail: None,
        prev: "p".into(),
        hash: "h".into(),
    };
    let f = AuditFilter::default();
    let c = Coverage::default();
    let q = QueueFilter::default();
    macro_rules! each {
        ($($q:expr),*) => {$( { let q = $q; check(q.stmt, q.args.len()); } )*};
    }
    each!(
        insert_account(&a),
        update_account(&a),
        account_by_login("l"),
        all_accounts(),
        insert_session(&s),
        session_by_hash("h"),
        touch_session("h", 1),
        end_session("h"),
        end_sessions_of("l"),
        insert_token(&t),
        token_by_hash("h"),
        tokens_of("l"),
        revoke_token("l", "i", "t"),
        revoke_tokens_of("l", "t"),
        lock_audit(1),
        audit_head(),
        insert_audit(&r),
        audit_page(&f, 0, 10),
        status_counts(&c),
        queue_page(&q)
    );
}
