-- 0003: named staff accounts, their sessions and bearer tokens, the hash-chained audit trail (issue 13,
-- rules.md §10), and the columns the console's queue and the roles' scopes filter on.

-- A person, never a shared login (rules.md §10). street NULL: every street (admin only).
CREATE TABLE accounts (
    login                 TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    role                  TEXT NOT NULL,   -- admin | officer | community | property | patrol | viewer
    street                TEXT,
    community             TEXT,            -- community: its community; patrol: optionally one
    areas                 TEXT NOT NULL,   -- property: its property-management areas, '|a|b|' ('' for none)
    department            TEXT,            -- viewer: its department code (rules.md §5)
    password_hash         TEXT,            -- argon2id PHC string; NULL: tokens only (a migrated officer token)
    must_change_password  {bool} NOT NULL,
    totp_secret           TEXT,            -- base32, once confirmed
    totp_pending          TEXT,            -- base32, while enrolling
    totp_last_step        {int},           -- the last 30-second step a code was accepted for (never twice)
    disabled              {bool} NOT NULL,
    failed_count          {int} NOT NULL,  -- failed sign-ins since the last success or lock
    locked_until_ms       {int} NOT NULL,  -- 0: not locked
    created_at            TEXT NOT NULL,
    last_sign_in_at       TEXT
);

-- Browser sessions (the console): the cookie holds a random id, the table its SHA-256.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    login         TEXT NOT NULL REFERENCES accounts (login),
    csrf_token    TEXT NOT NULL,
    created_ms    {int} NOT NULL,
    last_seen_ms  {int} NOT NULL,
    ended         {bool} NOT NULL
);
CREATE INDEX sessions_login ON sessions (login);

-- Bearer tokens for machine clients (portals, scripts), per account, with an expiry; SHA-256 only.
CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    login       TEXT NOT NULL REFERENCES accounts (login),
    label       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_ms  {int} NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX tokens_login ON tokens (login);

-- The audit trail: append-only; each row's hash covers its fields and the previous row's hash, so a
-- changed or deleted row breaks the chain (`anbei audit verify`). seq has no gaps.
CREATE TABLE audit (
    seq      {int} PRIMARY KEY,
    at       TEXT NOT NULL,
    account  TEXT NOT NULL,   -- login, or applicant / system / the login tried at a failed sign-in
    name     TEXT NOT NULL,   -- the account's display name then ('' for applicant and system)
    role     TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    client   TEXT NOT NULL,   -- client IP address
    outcome  TEXT NOT NULL,   -- ok | denied | failed
    detail   TEXT,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX audit_account ON audit (account, seq);

-- What the console's queue and the scoped roles filter on, copied from the filing when it is stored.
ALTER TABLE filings ADD COLUMN community TEXT NOT NULL DEFAULT '';
ALTER TABLE filings ADD COLUMN area TEXT NOT NULL DEFAULT '';
ALTER TABLE filings ADD COLUMN departments TEXT NOT NULL DEFAULT '';
ALTER TABLE filings ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
-- The queue: one street's filings of one status by due date (none last), walked in order from the index;
-- and the same across streets (admins, departments).
CREATE INDEX filings_queue ON filings (street, status, (COALESCE(acceptance_due, '9999-12-31')), filing_no);
CREATE INDEX filings_queue_all ON filings (status, (COALESCE(acceptance_due, '9999-12-31')), filing_no);
