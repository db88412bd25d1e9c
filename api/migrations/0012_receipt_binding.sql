-- 0012 (issue 16, items 3 and 5): the payload version each receipt was signed under and the hash of its
-- site. Receipts signed before are version 1 (no site hash) and keep verifying under it; new ones are
-- signed under version 2, which covers the filing number and the site hash (api/src/signing.rs).
ALTER TABLE receipts ADD COLUMN payload_version {int} NOT NULL DEFAULT 1;
ALTER TABLE receipts ADD COLUMN site_hash TEXT NOT NULL DEFAULT '';
