-- 0017 (PostgreSQL form; sqlite/0017_filing_refs.sql is the same change):
-- 1. A new filing's upload references (`upload_refs`, owner 'f:' || filing_no) are written by the
--    store in the group commit's own statement (store/pg_batch.rs): the insert half of the trigger
--    parsed every request into jsonb again, ~13 % of receipts/s. A changed request (a resubmission) is
--    still followed by the trigger, now on UPDATE only.
DROP TRIGGER upload_refs_filing ON filings;
CREATE TRIGGER upload_refs_filing AFTER UPDATE OF request ON filings
    FOR EACH ROW EXECUTE FUNCTION anbei_refs_filing();
-- 2. The filing's request and assessment (several KB of JSON each, so TOASTed) are compressed with lz4
--    instead of pglz: pglz_compress was the largest single cost inside PostgreSQL per receipt (6.5 % of
--    the machine's CPU under load), lz4 compresses JSON nearly as well at a fraction of the cost. Rows
--    already stored keep their pglz form (both read back transparently); new values use lz4.
ALTER TABLE filings ALTER COLUMN request SET COMPRESSION lz4, ALTER COLUMN assessment SET COMPRESSION lz4;
