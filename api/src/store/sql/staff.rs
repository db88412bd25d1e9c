//! The staff side's statements (accounts, sessions, tokens, the audit trail, the queue), under the rules
//! of `sql.rs`: written once in `$n` form, each with its arguments in placeholder order.

use super::{Arg, Query, Stmt};
use crate::store::staff::{
    AccountRow, AuditFilter, AuditRow, Coverage, QueueFilter, SessionRow, TokenRow,
};

query!(set_access_token(filing_no: &'a str, hash: &'a str) -> 2 = [
    "UPDATE filings SET access_token_hash = $2 WHERE filing_no = $1"
] [Arg::Text(filing_no), Arg::Text(hash)]);

query!(seal_totp_secret(login: &'a str, old: &'a str, new: &'a str) -> 3 = [
    "UPDATE accounts SET totp_secret = $3 WHERE login = $1 AND totp_secret = $2"
] [Arg::Text(login), Arg::Text(old), Arg::Text(new)]);

query!(seal_totp_pending(login: &'a str, old: &'a str, new: &'a str) -> 3 = [
    "UPDATE accounts SET totp_pending = $3 WHERE login = $1 AND totp_pending = $2"
] [Arg::Text(login), Arg::Text(old), Arg::Text(new)]);

/// `StaffOp::SealTotp`: the pending secret's statement or the confirmed one's.
pub fn seal_totp<'a>(login: &'a str, pending: bool, old: &'a str, new: &'a str) -> Query<'a, 3> {
    if pending {
        seal_totp_pending(login, old, new)
    } else {
        seal_totp_secret(login, old, new)
    }
}

query!(hash_idempotency_key(filing_no: &'a str, old: &'a str, new: &'a str, contractor: &'a str) -> 4 = [
    "UPDATE filings SET idempotency_key = $3, contractor_token_hash = $4 WHERE filing_no = $1 AND idempotency_key = $2"
] [Arg::Text(filing_no), Arg::Text(old), Arg::Text(new), Arg::Text(contractor)]);

query!(
    /// Filings whose Idempotency-Key is still in clear (stored before issue 16, item 5).
    legacy_idempotency_keys(limit: i64) -> 1 = [
        "SELECT filing_no, created_at, idempotency_key FROM filings WHERE idempotency_key NOT LIKE 'sha256:%' \
         ORDER BY filing_no LIMIT $1"
    ] [Arg::Int(limit)]
);

query!(
    /// A login taken already inserts nothing: 0 rows.
    insert_account(a: &'a AccountRow) -> 18 = [
        "INSERT INTO accounts (login, name, role, street, community, areas, department, password_hash, \
         must_change_password, totp_secret, totp_pending, totp_last_step, disabled, failed_count, locked_until_ms, \
         created_at, last_sign_in_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (login) DO NOTHING"
    ] [
        Arg::Text(&a.login), Arg::Text(&a.name), Arg::Text(&a.role), Arg::MaybeText(a.street.as_deref()),
        Arg::MaybeText(a.community.as_deref()), Arg::Text(&a.areas), Arg::MaybeText(a.department.as_deref()),
        Arg::MaybeText(a.password_hash.as_deref()), Arg::Flag(a.must_change_password),
        Arg::MaybeText(a.totp_secret.as_deref()), Arg::MaybeText(a.totp_pending.as_deref()),
        Arg::MaybeInt(a.totp_last_step), Arg::Flag(a.disabled), Arg::Int(a.failed_count),
        Arg::Int(a.locked_until_ms), Arg::Text(&a.created_at), Arg::MaybeText(a.last_sign_in_at.as_deref()),
        Arg::MaybeText(a.email.as_deref()),
    ]
);

query!(
    update_account(a: &'a AccountRow) -> 17 = [
        "UPDATE accounts SET name = $2, role = $3, street = $4, community = $5, areas = $6, department = $7, \
         password_hash = $8, must_change_password = $9, totp_secret = $10, totp_pending = $11, totp_last_step = $12, \
         disabled = $13, failed_count = $14, locked_until_ms = $15, last_sign_in_at = $16, email = $17 WHERE login = $1"
    ] [
        Arg::Text(&a.login), Arg::Text(&a.name), Arg::Text(&a.role), Arg::MaybeText(a.street.as_deref()),
        Arg::MaybeText(a.community.as_deref()), Arg::Text(&a.areas), Arg::MaybeText(a.department.as_deref()),
        Arg::MaybeText(a.password_hash.as_deref()), Arg::Flag(a.must_change_password),
        Arg::MaybeText(a.totp_secret.as_deref()), Arg::MaybeText(a.totp_pending.as_deref()),
        Arg::MaybeInt(a.totp_last_step), Arg::Flag(a.disabled), Arg::Int(a.failed_count),
        Arg::Int(a.locked_until_ms), Arg::MaybeText(a.last_sign_in_at.as_deref()),
        Arg::MaybeText(a.email.as_deref()),
    ]
);

/// `SELECT <every account column> FROM accounts` and `tail`.
macro_rules! select_account {
    ($tail:literal) => {
        concat!(
            "SELECT login, name, role, street, community, areas, department, password_hash, \
             must_change_password, totp_secret, totp_pending, totp_last_step, disabled, failed_count, \
             locked_until_ms, created_at, last_sign_in_at, email FROM accounts ",
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

query!(audit_head() -> 0 = ["SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"] []);

query!(
    /// PostgreSQL: one writer of the audit chain at a time, until its transaction ends (several
    /// instances share the table; SQLite has one writer already), and the chain's last row, read once
    /// the lock is held — one round trip (migration 0018's function; before it, two statements).
    lock_audit_head(key: i64) -> 1 = ["SELECT seq, hash FROM anbei_audit_head($1)"] [Arg::Int(key)]
);

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

/// Appends what an account's [`Coverage`] asks of `filings f`: equalities first (the index's columns),
/// then its areas (property) and department (viewer).
fn covered<'a>(c: &'a Coverage, sql: &mut String, args: &mut Vec<Arg<'a>>) {
    for (cond, v) in [
        ("f.street = $", &c.street),
        ("f.community = $", &c.community),
    ] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND {cond}{}", args.len()));
        }
    }
    if let Some(a) = &c.areas {
        args.push(Arg::Text(a));
        sql.push_str(&format!(" AND ${} LIKE '%|' || f.area || '|%'", args.len()));
    }
    if let Some(d) = &c.department {
        args.push(Arg::Text(d));
        sql.push_str(&format!(
            " AND f.departments LIKE '%' || ${} || '%'",
            args.len()
        ));
    }
}

/// One page of the queue, by due date (none last), then filing number: only the filters that are set,
/// each as an equality or range the planner walks an index with (`filings_queue` for one street,
/// `filings_queue_all` across streets) — `($n IS NULL OR …)` would make SQLite scan the street.
/// PostgreSQL `$n` numbering (SQLite renders it).
pub fn queue_page(q: &QueueFilter) -> (String, Vec<Arg<'_>>) {
    let mut sql = String::from(
        "SELECT f.filing_no, f.street, f.status, f.community, f.scope, f.high_risk, f.filed_on, f.acceptance_due, \
         f.applicant_name, f.request, r.receipt_no FROM filings f LEFT JOIN receipts r ON r.filing_no = f.filing_no \
         WHERE f.status = $1",
    );
    let mut args = vec![Arg::Text(&q.status)];
    covered(&q.cover, &mut sql, &mut args);
    for (cond, v) in [
        ("f.community = $", &q.community),
        ("f.scope = $", &q.scope),
        ("f.filed_on >= $", &q.from),
        ("f.filed_on <= $", &q.to),
    ] {
        if let Some(v) = v {
            args.push(Arg::Text(v));
            sql.push_str(&format!(" AND {cond}{}", args.len()));
        }
    }
    if let Some(h) = q.high_risk {
        args.push(Arg::Flag(h));
        sql.push_str(&format!(" AND f.high_risk = ${}", args.len()));
    }
    if let Some(x) = &q.q {
        args.push(Arg::Text(x));
        let n = args.len();
        sql.push_str(&format!(
            " AND (f.filing_no = ${n} OR f.applicant_name = ${n} OR r.receipt_no = ${n})"
        ));
    }
    if !q.after_no.is_empty() {
        args.push(Arg::Text(&q.after_due));
        args.push(Arg::Text(&q.after_no));
        let (d, n) = (args.len() - 1, args.len());
        sql.push_str(&format!(
            " AND (COALESCE(f.acceptance_due, '9999-12-31') > ${d} \
             OR (COALESCE(f.acceptance_due, '9999-12-31') = ${d} AND f.filing_no > ${n}))"
        ));
    }
    args.push(Arg::Int(i64::from(q.limit)));
    sql.push_str(&format!(
        " ORDER BY COALESCE(f.acceptance_due, '9999-12-31'), f.filing_no LIMIT ${}",
        args.len()
    ));
    (sql, args)
}

/// How many filings of each status an account covers (the same index, counted).
pub fn status_counts(c: &Coverage) -> (String, Vec<Arg<'_>>) {
    let mut sql = String::from("SELECT status, COUNT(*) AS n FROM filings f WHERE TRUE");
    let mut args = Vec::new();
    covered(c, &mut sql, &mut args);
    sql.push_str(" GROUP BY status");
    (sql, args)
}

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
        email: None,
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
        set_access_token("f", "h"),
        seal_totp_secret("l", "o", "n"),
        seal_totp_pending("l", "o", "n"),
        hash_idempotency_key("f", "o", "n", "c"),
        legacy_idempotency_keys(1),
        audit_head(),
        lock_audit_head(1),
        insert_audit(&r),
        audit_page(&f, 0, 10)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every filter set, the queue's statement numbers its arguments 1..n, once each, in order.
    #[test]
    fn the_queue_numbers_exactly_the_filters_that_are_set() {
        let every = QueueFilter {
            cover: Coverage {
                street: Some("bantian".into()),
                community: Some("岗头社区".into()),
                areas: Some("|万科城|".into()),
                department: Some(" housing ".into()),
            },
            status: "filed".into(),
            community: Some("岗头社区".into()),
            scope: Some("SCOPE_SMALL_PROJECT".into()),
            high_risk: Some(false),
            from: Some("2026-11-01".into()),
            to: Some("2026-12-01".into()),
            q: Some("张三".into()),
            after_due: "2026-12-03".into(),
            after_no: "F-1".into(),
            limit: 50,
        };
        let (none, nobody) = (QueueFilter::default(), Coverage::default());
        for (sql, n) in [
            {
                let (s, a) = queue_page(&every);
                (s, a.len())
            },
            {
                let (s, a) = queue_page(&none);
                (s, a.len())
            },
            {
                let (s, a) = status_counts(&every.cover);
                (s, a.len())
            },
            {
                let (s, a) = status_counts(&nobody);
                (s, a.len())
            },
        ] {
            assert_eq!(
                crate::store::sql::placeholders(&sql),
                (1..=n).collect::<Vec<_>>(),
                "{sql}"
            );
        }
        assert_eq!(
            queue_page(&QueueFilter::default()).1.len(),
            2,
            "status and limit"
        );
    }
}
