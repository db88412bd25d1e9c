-- 0006: inspections, findings, rectification and referral (rules.md §9, issue 14). An inspection is
-- scheduled in the same transaction as the change that makes it due (a high-risk registration taking
-- effect: INSPECTION_HIGH_RISK) and completed when it is recorded; an ad-hoc one is inserted done. The
-- scope columns (street, community, area, departments) are copied from the filing, as the filings table
-- keeps them, so the roles' listings filter inspections the way they filter filings.

CREATE TABLE inspections (
    id               TEXT PRIMARY KEY,      -- ins_<32 hex>
    filing_no        TEXT,                  -- NULL: INSPECTION_UNREGISTERED (work without registration)
    street           TEXT NOT NULL,
    community        TEXT NOT NULL,
    area             TEXT NOT NULL,
    departments      TEXT NOT NULL,
    address          TEXT,                  -- INSPECTION_UNREGISTERED: where the work was found
    kind             TEXT NOT NULL,         -- INSPECTION_* (§9.1)
    due              TEXT,                  -- YYYY-MM-DD, NULL for kinds without a due date
    status           TEXT NOT NULL,         -- due | done
    created_at       TEXT NOT NULL,
    inspected_at     TEXT,                  -- when the inspector was on site (as recorded)
    done_at          TEXT,                  -- when it was recorded
    inspector_login  TEXT,
    inspector_name   TEXT,
    answers          TEXT                   -- JSON: one object per checklist item (code, answer, note, photos)
);
-- "Inspections due for a street by due date" (the list and the queue), and a registration's inspections.
CREATE INDEX inspections_street_due ON inspections (street, status, due);
CREATE INDEX inspections_filing ON inspections (filing_no);

CREATE TABLE findings (
    id               TEXT PRIMARY KEY,      -- fnd_<32 hex>
    inspection_id    TEXT NOT NULL REFERENCES inspections (id),
    filing_no        TEXT,
    street           TEXT NOT NULL,
    code             TEXT NOT NULL,         -- F_* (§9.3)
    item             TEXT,                  -- the IC_* item it was found on
    note             TEXT NOT NULL,
    found_on         TEXT NOT NULL,         -- YYYY-MM-DD (Asia/Shanghai)
    rectify_by       TEXT,                  -- YYYY-MM-DD when it asks for rectification
    status           TEXT NOT NULL,         -- open | rectified | closed | referred
    escalation       TEXT,                  -- F_MAJOR_HAZARD on engineering work: pending | confirmed
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          {int} NOT NULL         -- optimistic concurrency of the rectification loop
);
CREATE INDEX findings_filing ON findings (filing_no);

-- The applicant's (or contractor's) answers to a finding, and the decision on each (第三十四条).
CREATE TABLE rectifications (
    id               TEXT PRIMARY KEY,      -- rct_<32 hex>
    finding_id       TEXT NOT NULL REFERENCES findings (id),
    filing_no        TEXT NOT NULL,
    at               TEXT NOT NULL,
    by_role          TEXT NOT NULL,         -- applicant | contractor
    note             TEXT NOT NULL,
    photos           TEXT NOT NULL,         -- JSON [upload id]
    decision         TEXT,                  -- NULL (awaiting) | accepted | rejected
    reason           TEXT,
    decided_by       TEXT,                  -- name（login）
    decided_at       TEXT
);
CREATE INDEX rectifications_filing ON rectifications (filing_no);

-- 第三十六条: where a finding was referred, why, and when; `late` for a same-day referral made after
-- the finding's day (第三十条 "于当日").
CREATE TABLE referrals (
    id               TEXT PRIMARY KEY,      -- ref_<32 hex>
    finding_id       TEXT NOT NULL REFERENCES findings (id),
    filing_no        TEXT,
    target           TEXT NOT NULL,         -- REF_*
    department       TEXT,
    reason           TEXT NOT NULL,
    referred_on      TEXT NOT NULL,         -- YYYY-MM-DD
    at               TEXT NOT NULL,
    by_login         TEXT NOT NULL,
    by_name          TEXT NOT NULL,
    late             {bool} NOT NULL
);
CREATE INDEX referrals_filing ON referrals (filing_no);
