-- 0009: what the contractor named in a filing adds to its registration under management (rules.md §10,
-- by its own access code: site photos 第十三条第（一）项, worker changes 第三十条第（一）项, rectification
-- evidence 第三十四条, the waste-disposal record 第十三条第（十一）项), and a district department's
-- supervisory-check feedback to the street (第三十一条). Both are dated notes with documents, read with
-- the registration by the staff covering it; neither changes its state.
CREATE TABLE site_records (
    id               TEXT PRIMARY KEY,      -- srec_<32 hex>
    filing_no        TEXT NOT NULL,
    kind             TEXT NOT NULL,         -- site_photos | worker_changes | rectification_evidence | waste_disposal | feedback
    at               TEXT NOT NULL,
    by_role          TEXT NOT NULL,         -- contractor | viewer
    by_login         TEXT,                  -- the viewer's account (NULL for the contractor: no account)
    by_name          TEXT,
    note             TEXT,
    documents        TEXT NOT NULL          -- JSON [upload id]
);
CREATE INDEX site_records_filing ON site_records (filing_no, at);
