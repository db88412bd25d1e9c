-- 0012 (issue 16, items 3 and 5): the payload version each receipt was signed under and the hash of its
-- site. Receipts signed before are version 1 (no site hash) and keep verifying under it; new ones are
-- signed under version 2, which covers the filing number and the site hash (api/src/signing.rs).
ALTER TABLE receipts ADD COLUMN payload_version {int} NOT NULL DEFAULT 1;
ALTER TABLE receipts ADD COLUMN site_hash TEXT NOT NULL DEFAULT '';

-- Item 5: the Idempotency-Key is stored only as `sha256:<hex>` (new filings from this version; rows
-- stored before are hashed in place at start, by the service: api/src/tokens.rs). The contractor's
-- access code of such a row was derived from the key in clear, which is then gone: its hash is kept here
-- so the code keeps working. NULL: the code is derived from the stored key (filings made since).
ALTER TABLE filings ADD COLUMN contractor_token_hash TEXT;
