-- 0016 (issue 16, item 7): retention (PIPL 第四十七条). PostgreSQL form of sqlite/0016_retention.sql (see
-- there for what each part is for).
ALTER TABLE filings ADD COLUMN purged_at TEXT;

CREATE TABLE upload_refs (
    upload_id  TEXT NOT NULL,
    owner      TEXT NOT NULL,
    PRIMARY KEY (upload_id, owner)
);
CREATE INDEX upload_refs_owner ON upload_refs (owner);
CREATE INDEX outbox_filing ON outbox (filing_no);

-- Every string value of a JSON text that is an upload id (sha256:...), at any depth.
CREATE FUNCTION anbei_upload_ids(doc TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT jsonb_build_array(v) ->> 0
    FROM jsonb_path_query(COALESCE(doc, 'null')::jsonb, 'strict $.**') AS v
    WHERE jsonb_typeof(v) = 'string' AND (jsonb_build_array(v) ->> 0) LIKE 'sha256:%'
$$;

CREATE FUNCTION anbei_refs_filing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.request IS NOT DISTINCT FROM OLD.request THEN
            RETURN NULL;
        END IF;
        DELETE FROM upload_refs WHERE owner = 'f:' || NEW.filing_no;
    END IF;
    INSERT INTO upload_refs (upload_id, owner)
        SELECT u, 'f:' || NEW.filing_no FROM anbei_upload_ids((NEW.request::jsonb -> 'documents')::text) AS u
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER upload_refs_filing AFTER INSERT OR UPDATE OF request ON filings
    FOR EACH ROW EXECUTE FUNCTION anbei_refs_filing();

CREATE FUNCTION anbei_refs_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO upload_refs (upload_id, owner)
        SELECT u, 'x:' || NEW.filing_no FROM anbei_upload_ids(NEW.data) AS u ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER upload_refs_event AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.data IS NOT NULL) EXECUTE FUNCTION anbei_refs_event();

CREATE FUNCTION anbei_refs_site_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO upload_refs (upload_id, owner)
        SELECT u, 'x:' || NEW.filing_no FROM anbei_upload_ids(NEW.documents) AS u ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER upload_refs_site_record AFTER INSERT ON site_records
    FOR EACH ROW EXECUTE FUNCTION anbei_refs_site_record();

CREATE FUNCTION anbei_refs_rectification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO upload_refs (upload_id, owner)
        SELECT u, 'x:' || NEW.filing_no FROM anbei_upload_ids(NEW.photos) AS u ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER upload_refs_rectification AFTER INSERT ON rectifications
    FOR EACH ROW EXECUTE FUNCTION anbei_refs_rectification();

CREATE FUNCTION anbei_refs_inspection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.answers IS NOT DISTINCT FROM OLD.answers THEN
            RETURN NULL;
        END IF;
        DELETE FROM upload_refs WHERE owner = 'i:' || NEW.id;
    END IF;
    INSERT INTO upload_refs (upload_id, owner)
        SELECT u, 'i:' || NEW.id FROM anbei_upload_ids(NEW.answers) AS u ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER upload_refs_inspection AFTER INSERT OR UPDATE OF answers ON inspections
    FOR EACH ROW EXECUTE FUNCTION anbei_refs_inspection();

-- What is stored already (once, at the upgrade).
INSERT INTO upload_refs (upload_id, owner)
    SELECT u, 'f:' || f.filing_no FROM filings f, anbei_upload_ids((f.request::jsonb -> 'documents')::text) AS u
    ON CONFLICT DO NOTHING;
INSERT INTO upload_refs (upload_id, owner)
    SELECT u, 'x:' || e.filing_no FROM events e, anbei_upload_ids(e.data) AS u WHERE e.data IS NOT NULL
    ON CONFLICT DO NOTHING;
INSERT INTO upload_refs (upload_id, owner)
    SELECT u, 'x:' || s.filing_no FROM site_records s, anbei_upload_ids(s.documents) AS u ON CONFLICT DO NOTHING;
INSERT INTO upload_refs (upload_id, owner)
    SELECT u, 'x:' || r.filing_no FROM rectifications r, anbei_upload_ids(r.photos) AS u ON CONFLICT DO NOTHING;
INSERT INTO upload_refs (upload_id, owner)
    SELECT u, 'i:' || i.id FROM inspections i, anbei_upload_ids(i.answers) AS u ON CONFLICT DO NOTHING;
