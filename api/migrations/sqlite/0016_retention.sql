-- 0016 (issue 16, item 7): retention (PIPL 第四十七条). SQLite form; postgres/0016_retention.sql is the same
-- schema in PostgreSQL's words.
--
-- `purged_at`: when `anbei purge` removed the registration's personal data after the retention period
-- (NULL: not purged). The row stays in the ledger, anonymised; its receipt stays verifiable.
ALTER TABLE filings ADD COLUMN purged_at TEXT;

-- Which stored rows name which upload, kept by the triggers below as rows are written, so that an
-- upload no row names (an orphan older than 24 h, or a document of purged registrations only) is found
-- by one index look-up instead of a search through every filing. `owner`:
--   'f:' || filing_no   the filing's own documents (filings.request -> documents; replaced on update)
--   'x:' || filing_no   its other records: history events, site records, rectification photos
--   'i:' || id          an inspection's photos (inspections.answers)
CREATE TABLE upload_refs (
    upload_id  TEXT NOT NULL,
    owner      TEXT NOT NULL,
    PRIMARY KEY (upload_id, owner)
) WITHOUT ROWID;
CREATE INDEX upload_refs_owner ON upload_refs (owner);
-- The purge clears a registration's notification payloads by filing number.
CREATE INDEX outbox_filing ON outbox (filing_no);

CREATE TRIGGER upload_refs_filing_insert AFTER INSERT ON filings BEGIN
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'f:' || NEW.filing_no FROM json_each(NEW.request, '$.documents')
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_filing_update AFTER UPDATE OF request ON filings
WHEN OLD.request IS NOT NEW.request BEGIN
    DELETE FROM upload_refs WHERE owner = 'f:' || NEW.filing_no;
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'f:' || NEW.filing_no FROM json_each(NEW.request, '$.documents')
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_event_insert AFTER INSERT ON events WHEN NEW.data IS NOT NULL BEGIN
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'x:' || NEW.filing_no FROM json_tree(NEW.data)
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_site_record_insert AFTER INSERT ON site_records BEGIN
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'x:' || NEW.filing_no FROM json_tree(NEW.documents)
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_rectification_insert AFTER INSERT ON rectifications BEGIN
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'x:' || NEW.filing_no FROM json_tree(NEW.photos)
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_inspection_insert AFTER INSERT ON inspections WHEN NEW.answers IS NOT NULL BEGIN
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'i:' || NEW.id FROM json_tree(NEW.answers)
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;
CREATE TRIGGER upload_refs_inspection_update AFTER UPDATE OF answers ON inspections
WHEN OLD.answers IS NOT NEW.answers BEGIN
    DELETE FROM upload_refs WHERE owner = 'i:' || NEW.id;
    INSERT OR IGNORE INTO upload_refs (upload_id, owner)
        SELECT value, 'i:' || NEW.id FROM json_tree(COALESCE(NEW.answers, 'null'))
        WHERE type = 'text' AND value LIKE 'sha256:%';
END;

-- What is stored already (once, at the upgrade).
INSERT OR IGNORE INTO upload_refs (upload_id, owner)
    SELECT j.value, 'f:' || f.filing_no FROM filings f, json_each(f.request, '$.documents') j
    WHERE j.type = 'text' AND j.value LIKE 'sha256:%';
INSERT OR IGNORE INTO upload_refs (upload_id, owner)
    SELECT j.value, 'x:' || e.filing_no FROM events e, json_tree(e.data) j
    WHERE e.data IS NOT NULL AND j.type = 'text' AND j.value LIKE 'sha256:%';
INSERT OR IGNORE INTO upload_refs (upload_id, owner)
    SELECT j.value, 'x:' || s.filing_no FROM site_records s, json_tree(s.documents) j
    WHERE j.type = 'text' AND j.value LIKE 'sha256:%';
INSERT OR IGNORE INTO upload_refs (upload_id, owner)
    SELECT j.value, 'x:' || r.filing_no FROM rectifications r, json_tree(r.photos) j
    WHERE j.type = 'text' AND j.value LIKE 'sha256:%';
INSERT OR IGNORE INTO upload_refs (upload_id, owner)
    SELECT j.value, 'i:' || i.id FROM inspections i, json_tree(i.answers) j
    WHERE i.answers IS NOT NULL AND j.type = 'text' AND j.value LIKE 'sha256:%';
