//! The statements of retention (issue 16, item 7; `migrations/*/0016_retention.sql`): the registrations
//! past their retention period, their anonymisation, and uploads no stored row names. Under the rules
//! of `sql.rs`.

use super::{Arg, Query, Stmt};

query!(
    /// Up to `limit` registrations after `after` (by number) that ended before `cutoff` (a
    /// `YYYY-MM-DD` date) and are not purged yet. Ended: cancelled, revoked or refused — on the day of
    /// that last change (`updated_at`, which only a lifecycle step moves) — or registered / extended and
    /// expired — on its `valid_until`.
    ///
    /// The test is one CASE, not an OR of two status tests: SQLite answered the OR by reading every
    /// filing of those statuses through the queue's index and sorting them, for every batch (2 s a
    /// batch at 1,000,000 filings: 20 registrations purged a second). And the receipt's expiry is a
    /// look-up per candidate, not a join: PostgreSQL merge-joined the receipts from the first one on,
    /// for every batch (0.6 s a batch by the end). So both databases walk the filing numbers from
    /// `after` in order and stop at `limit`: one pass over the ledger in all.
    purge_candidates(after: &'a str, cutoff: &'a str, limit: i64) -> 3 = [
        "SELECT f.filing_no, f.version, f.request FROM filings f \
         WHERE f.filing_no > $1 AND f.purged_at IS NULL AND CASE \
           WHEN f.status IN ('cancelled', 'revoked', 'refused') THEN f.updated_at < $2 \
           WHEN f.status IN ('registered', 'extended') THEN \
             (SELECT r.valid_until FROM receipts r WHERE r.filing_no = f.filing_no) < $2 \
           ELSE FALSE END \
         ORDER BY f.filing_no LIMIT $3"
    ] [Arg::Text(after), Arg::Text(cutoff), Arg::Int(limit)]
);

query!(
    /// The anonymised filing replaces the stored one, if still at `version` and not purged. `updated_at`
    /// is left alone: it is the day the registration ended.
    purge_filing(filing_no: &'a str, version: i64, request: &'a str, at: &'a str) -> 4 = [
        "UPDATE filings SET request = $3, applicant_name = '', purged_at = $4, version = version + 1 \
         WHERE filing_no = $1 AND version = $2 AND purged_at IS NULL"
    ] [Arg::Text(filing_no), Arg::Int(version), Arg::Text(request), Arg::Text(at)]
);

query!(
    /// The history keeps who did what when; the reasons and data (free text, requested changes, the
    /// waste-disposal record) go.
    purge_events(filing_no: &'a str) -> 1 = [
        "UPDATE events SET reason = NULL, data = NULL WHERE filing_no = $1 \
         AND (reason IS NOT NULL OR data IS NOT NULL)"
    ] [Arg::Text(filing_no)]
);

query!(
    purge_site_records(filing_no: &'a str) -> 1 = [
        "UPDATE site_records SET note = NULL, documents = '[]' WHERE filing_no = $1"
    ] [Arg::Text(filing_no)]
);

query!(
    purge_rectifications(filing_no: &'a str) -> 1 = [
        "UPDATE rectifications SET note = '', photos = '[]' WHERE filing_no = $1"
    ] [Arg::Text(filing_no)]
);

query!(
    /// Notifications: what they said goes; one still waiting is dropped.
    purge_outbox(filing_no: &'a str) -> 1 = [
        "UPDATE outbox SET payload = '{}', last_error = NULL, \
         state = CASE WHEN state = 'pending' THEN 'dropped' ELSE state END WHERE filing_no = $1"
    ] [Arg::Text(filing_no)]
);

query!(
    /// The registration's other records name no upload any more.
    purge_refs(filing_no: &'a str) -> 1 = [
        "DELETE FROM upload_refs WHERE owner = 'x:' || $1"
    ] [Arg::Text(filing_no)]
);

query!(
    /// Uploads after `after` (by id) stored before `before` that no row names ([`upload_unnamed`]).
    unreferenced_uploads(after: &'a str, before: &'a str, limit: i64) -> 3 = [
        "SELECT id, sha256, size, content_type, created_at FROM uploads u \
         WHERE u.id > $1 AND u.created_at < $2 \
         AND ", upload_unnamed!("u"), " ORDER BY u.id LIMIT $3"
    ] [Arg::Text(after), Arg::Text(before), Arg::Int(limit)]
);

query!(
    /// Deletes the upload's row if it is still unnamed and old (a filing may have named it meanwhile).
    delete_upload(id: &'a str, before: &'a str) -> 2 = [
        "DELETE FROM uploads WHERE id = $1 AND created_at < $2 AND ", upload_unnamed!("uploads")
    ] [Arg::Text(id), Arg::Text(before)]
);

query!(
    /// A new filing's document names an upload (`'f:' || filing_no`): written by the store with the
    /// filing — not by a trigger, which would read the whole request again (migration 0017).
    insert_filing_ref(upload_id: &'a str, filing_no: &'a str) -> 2 = [
        "INSERT INTO upload_refs (upload_id, owner) VALUES ($1, ", filing_ref_owner!("$2"),
        ") ON CONFLICT DO NOTHING"
    ] [Arg::Text(upload_id), Arg::Text(filing_no)]
);

#[cfg(test)]
pub(super) fn check_all(check: &mut dyn FnMut(&'static Stmt, usize)) {
    let q = purge_candidates("", "2023-01-01", 1);
    check(q.stmt, q.args.len());
    let q = purge_filing("f", 1, "{}", "t");
    check(q.stmt, q.args.len());
    let q = purge_events("f");
    check(q.stmt, q.args.len());
    let q = purge_site_records("f");
    check(q.stmt, q.args.len());
    let q = purge_rectifications("f");
    check(q.stmt, q.args.len());
    let q = purge_outbox("f");
    check(q.stmt, q.args.len());
    let q = purge_refs("f");
    check(q.stmt, q.args.len());
    let q = unreferenced_uploads("", "t", 1);
    check(q.stmt, q.args.len());
    let q = delete_upload("u", "t");
    check(q.stmt, q.args.len());
    let q = insert_filing_ref("sha256:a", "F-1");
    check(q.stmt, q.args.len());
}
