-- 0001: the registration ledger (rules.md §7).
-- One row per filing; its history in `events`; its registration receipt (登记回执) in `receipts`.
-- One schema for both backends: store/migrate.rs fills in the few words that differ (its `WORDS`).

-- Per street and day counters for filing (F) and receipt (R) numbers: LG-<street>-<yyyymmdd>-<seq>.
CREATE TABLE counters (
    kind   TEXT NOT NULL,
    street TEXT NOT NULL,
    day    TEXT NOT NULL,
    value  {int} NOT NULL,
    PRIMARY KEY (kind, street, day)
){without_rowid};

CREATE TABLE filings (
    filing_no          TEXT PRIMARY KEY,
    street             TEXT NOT NULL,
    status             TEXT NOT NULL,   -- filed | returned | registered | extended | refused | cancelled | revoked
    version            {int} NOT NULL, -- optimistic concurrency: every change bumps it
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    filed_on           TEXT NOT NULL,   -- Asia/Shanghai date of the latest (re)submission
    high_risk          {bool} NOT NULL,
    scope              TEXT NOT NULL,
    acceptance_due     TEXT,
    access_token_hash  TEXT NOT NULL,   -- SHA-256 of the applicant's token; the token itself is never stored
    idempotency_key    TEXT NOT NULL UNIQUE,
    request_hash       TEXT NOT NULL,   -- SHA-256 of the canonical request body
    request            TEXT NOT NULL,   -- the filing as accepted (JSON)
    assessment         TEXT NOT NULL,   -- the §8 result decided by the server (JSON)
    requested_changes  TEXT             -- when returned: every requested change (JSON)
);
CREATE INDEX filings_street_filed_on ON filings (street, filed_on);

CREATE TABLE receipts (
    receipt_no   TEXT PRIMARY KEY,
    filing_no    TEXT NOT NULL UNIQUE REFERENCES filings (filing_no),
    street       TEXT NOT NULL,
    ruleset      TEXT NOT NULL,  -- the rule set it was decided under
    scope        TEXT NOT NULL,
    high_risk    {bool} NOT NULL,
    valid_until  TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    signature    TEXT NOT NULL,  -- Ed25519, base64url, over the canonical payload
    kid          TEXT NOT NULL
);

CREATE TABLE events (
    id          {id},
    filing_no   TEXT NOT NULL REFERENCES filings (filing_no),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_name  TEXT,
    action      TEXT NOT NULL,
    reason      TEXT,
    data        TEXT
);
CREATE INDEX events_filing ON events (filing_no, id);

-- Documents, content-addressed: id = 'sha256:<hex>'; the bytes live under <data-dir>/uploads/.
CREATE TABLE uploads (
    id            TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL,
    size          {int} NOT NULL,
    content_type  TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Officer bearer tokens (SHA-256 only), created by `anbei officer add`.
CREATE TABLE officers (
    token_hash  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,  -- street code, or '*' for a district admin
    role        TEXT NOT NULL,  -- officer | admin
    created_at  TEXT NOT NULL
);
