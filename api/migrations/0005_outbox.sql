-- 0005: the notification outbox (rules.md §11, issue 15). One row per notification event, inserted in
-- the same transaction as the state change that causes it, so an acknowledged change always has its
-- notification; the delivery worker (notify.rs) sends it at least once and records each channel. A
-- registration's reminders add no row: once its `registered` (or `extended`) event is sent, the row becomes
-- its `extension_window_opens` reminder, then its `valid_until_reached`, each under a new id.

CREATE TABLE outbox (
    seq               {id},                 -- the row's key: appended in order (a random key would dirty a
                                            -- different page per row in every group commit)
    id                TEXT NOT NULL,        -- evt_<32 hex>: the delivery id receivers de-duplicate on (128
                                            -- random bits: unique without an index)
    type              TEXT NOT NULL,        -- filed | returned | registered | refused | revoked | extended
                                            -- | cancelled | extension_window_opens | valid_until_reached
    occurred_at       TEXT NOT NULL,        -- RFC 3339, Asia/Shanghai
    filing_no         TEXT NOT NULL,
    street            TEXT NOT NULL,
    status            TEXT NOT NULL,        -- the registration's status the event left it in
    lang              TEXT NOT NULL,        -- zh-CN | en: the applicant's language
    payload           TEXT NOT NULL,        -- JSON: what the event says beyond the filing (reason, changes…)
    state             TEXT NOT NULL,        -- pending | done | dropped (a reminder no longer due) | failed
    email_state       TEXT NOT NULL,        -- pending | sent | none (no address or no SMTP)
    webhook_state     TEXT NOT NULL,        -- pending | sent | none (no webhook configured)
    attempts          {int} NOT NULL,       -- delivery attempts so far (claims)
    deliver_after_ms  {int} NOT NULL,       -- a reminder's day; else when it occurred
    next_attempt_ms   {int} NOT NULL,       -- not before (backoff)
    lease_until_ms    {int} NOT NULL,       -- claimed by a worker until then (0: free)
    last_error        TEXT                  -- the last failure, without bodies or tokens
);
-- The worker's claim. (No index on id or filing_no: `anbei outbox list/retry` may scan; every index here is
-- paid by every filing, inside its transaction.)
CREATE INDEX outbox_due ON outbox (state, next_attempt_ms);
