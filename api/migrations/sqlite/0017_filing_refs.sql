-- 0017: a new filing's upload references (`upload_refs`, owner 'f:' || filing_no) are written by the
-- store in the filing's own transaction (store/sqlite.rs, store/pg_batch.rs): it has just read the
-- request's documents while encrypting its personal fields. The insert trigger read the whole request
-- again (json_each over several KB) inside the single writer thread, for every filing: ~10 % of
-- receipts/s (BENCHMARKS.md, "field encryption"). A changed request (a resubmission) is still followed
-- by the update trigger of 0016.
DROP TRIGGER upload_refs_filing_insert;
