//! The audit trail (OWASP ASVS 5.0 V16; rules.md §10: "every action and every read of personal data is
//! recorded with the account, time and client address"). Entries are appended by the store in the same
//! transaction as the change they record, numbered without gaps and chained: each row's `hash` is the
//! SHA-256 of the previous row's hash and every field of its own, so a row changed, inserted or
//! deleted in the middle breaks the chain at that row ([`verify`], `anbei audit verify`).
//!
//! What is recorded, by `action`: `sign_in` (ok / failed / denied), `sign_out`, `password_changed`,
//! `totp_enabled`, `account_added`, `account_disabled`, `account_enabled`, `password_reset`,
//! `token_issued`, `token_revoked`, `filed`, `resubmitted`, `accepted`, `returned`, `refused`,
//! `revoked`, `extended`, `cancelled`, `registration_read`, `document_opened`, `ledger_read`,
//! `ledger_exported`, `queue_read`, `audit_read`, `accounts_read`, `tokens_read` (an account's token
//! list, by the API or `anbei account token list`), `inspections_read`, `statistics_read`,
//! `checklist_read`, `backup_made` (`anbei backup`), `access_denied`; inspections (issue 14, each in the
//! transaction of its change): `inspection_recorded` (detail: inspection id and kind; target: the filing,
//! or the inspection id for work without registration), `finding_recorded` (one per finding),
//! `escalation_confirmed`, `follow_up_scheduled` (detail: inspection, finding, due), `rectification_submitted` (the applicant), `rectification_accepted`,
//! `rectification_rejected`, `referred` (detail: finding, target, `late`).

use crate::store::{AuditDraft, AuditRow};
use sha2::{Digest, Sha256};

/// The `prev` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The PostgreSQL advisory lock that orders appends to the chain across instances.
pub const CHAIN_LOCK: i64 = 0x616e_6265_6902;

/// The hash of row `seq` with fields `d` after a row whose hash is `prev`. Fields are separated by a
/// byte no field holds (0x1f, checked by [`clean`]), so no two different rows hash alike.
pub fn hash(seq: i64, prev: &str, d: &AuditDraft) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update([0x1e]);
    h.update(seq.to_string().as_bytes());
    for f in [
        &d.at, &d.account, &d.name, &d.role, &d.action, &d.target, &d.client, &d.outcome,
    ] {
        h.update([0x1f]);
        h.update(f.as_bytes());
    }
    h.update([0x1f]);
    match &d.detail {
        Some(x) => {
            h.update([1]);
            h.update(x.as_bytes());
        }
        None => h.update([0]),
    }
    hex(&h.finalize())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Row `seq` of `d`, chained after `prev`.
pub fn seal(seq: i64, prev: &str, d: &AuditDraft) -> AuditRow {
    AuditRow {
        seq,
        at: d.at.clone(),
        account: d.account.clone(),
        name: d.name.clone(),
        role: d.role.clone(),
        action: d.action.clone(),
        target: d.target.clone(),
        client: d.client.clone(),
        outcome: d.outcome.clone(),
        detail: d.detail.clone(),
        prev: prev.to_owned(),
        hash: hash(seq, prev, d),
    }
}

/// A field as recorded: control characters (which the hash uses as separators) become spaces, and
/// at most 500 characters are kept (a login tried at a failed sign-in is whatever was typed).
pub fn clean(s: &str) -> String {
    s.chars()
        .take(500)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Where the chain broke.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub why: &'static str,
}

/// Checks rows read in `seq` order, page after page: [`Chain::next`] each, then [`Chain::rows`].
pub struct Chain {
    seq: i64,
    prev: String,
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            seq: 0,
            prev: GENESIS.to_owned(),
        }
    }
}

impl Chain {
    /// The next row: numbered right after the last, pointing at its hash, and hashing to its own.
    pub fn next(&mut self, r: &AuditRow) -> Result<(), Broken> {
        let broken = |why| Err(Broken { seq: r.seq, why });
        if r.seq != self.seq + 1 {
            return broken("a row is missing before this one (numbers are not consecutive)");
        }
        if r.prev != self.prev {
            return broken("its link to the row before does not match that row's hash");
        }
        let d = AuditDraft {
            at: r.at.clone(),
            account: r.account.clone(),
            name: r.name.clone(),
            role: r.role.clone(),
            action: r.action.clone(),
            target: r.target.clone(),
            client: r.client.clone(),
            outcome: r.outcome.clone(),
            detail: r.detail.clone(),
        };
        if hash(r.seq, &r.prev, &d) != r.hash {
            return broken("its fields do not hash to its stored hash (the row was changed)");
        }
        self.seq = r.seq;
        self.prev = r.hash.clone();
        Ok(())
    }
    /// How many rows were checked.
    pub fn rows(&self) -> i64 {
        self.seq
    }
    /// The last row's hash (to compare with one noted elsewhere: cutting rows off the end leaves a
    /// chain that is intact but shorter).
    pub fn head(&self) -> &str {
        &self.prev
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::chained;

    fn draft(action: &str) -> AuditDraft {
        AuditDraft {
            at: "2026-12-02T10:00:00.000+08:00".into(),
            account: "li.wei".into(),
            name: "李伟".into(),
            role: "officer".into(),
            action: action.into(),
            target: "F-bantian-20261202-000001".into(),
            client: "127.0.0.1".into(),
            outcome: "ok".into(),
            detail: None,
        }
    }

    fn check(rows: &[AuditRow]) -> Result<i64, Broken> {
        let mut c = Chain::default();
        for r in rows {
            c.next(r)?;
        }
        Ok(c.rows())
    }

    #[test]
    fn an_intact_chain_verifies_and_any_change_breaks_it_at_that_row() {
        let drafts: Vec<AuditDraft> = ["sign_in", "registration_read", "accepted", "sign_out"]
            .iter()
            .map(|a| draft(a))
            .collect();
        let rows = chained(None, &drafts);
        assert_eq!(check(&rows), Ok(4));
        // appended later, after the head: still one chain
        let more = chained(Some((4, rows[3].hash.clone())), &[draft("sign_in")]);
        let all: Vec<AuditRow> = rows.iter().chain(&more).cloned().collect();
        assert_eq!(check(&all), Ok(5));

        let mut changed = all.clone();
        changed[2].outcome = "denied".into();
        assert_eq!(check(&changed).unwrap_err().seq, 3);

        let mut detail = all.clone();
        detail[1].detail = Some(String::new());
        assert_eq!(
            check(&detail).unwrap_err().seq,
            2,
            "None and Some(\"\") differ"
        );

        let mut deleted = all.clone();
        deleted.remove(1);
        assert_eq!(check(&deleted).unwrap_err().seq, 3);

        // a changed row re-hashed by whoever changed it: the next row's link breaks
        let mut rehashed = all.clone();
        rehashed[1].target = "F-other".into();
        rehashed[1] = seal(2, &rehashed[0].hash, &{
            let mut d = draft("registration_read");
            d.target = "F-other".into();
            d
        });
        assert_eq!(check(&rehashed).unwrap_err().seq, 3);
    }

    #[test]
    fn separators_cannot_be_smuggled_in() {
        assert_eq!(clean("a\u{1f}b\nc"), "a b c");
        let mut a = draft("x");
        a.account = "ab".into();
        a.name = "c".into();
        let mut b = draft("x");
        b.account = "a".into();
        b.name = "bc".into();
        assert_ne!(hash(1, GENESIS, &a), hash(1, GENESIS, &b));
    }
}
