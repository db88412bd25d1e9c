-- 0008: the keyring (issue 16, item 4). Every key the service has used: the Ed25519 keys that sign
-- receipts (purpose `receipt`) and the secrets the access codes are derived from (purpose `token`),
-- each with its validity. Private parts are stored only sealed (AES-256-GCM) under the key-encryption
-- key (`keyring.kek` in the data directory or --kek-file), which is never in the database: a copy of
-- the database alone signs nothing and derives no access code. Rows are never deleted: a retired key
-- still verifies the receipts it signed.

CREATE TABLE keyring (
    kid         TEXT PRIMARY KEY,      -- receipt keys: 16 hex digits of SHA-256(public key); token secrets: tok_<hex>
    purpose     TEXT NOT NULL,         -- receipt | token
    public_key  TEXT NOT NULL,         -- receipt keys: the Ed25519 public key, hex; token secrets: ''
    sealed      TEXT NOT NULL,         -- v1:<base64(nonce ‖ AES-256-GCM(secret) ‖ tag)>, AAD "<kid>;<purpose>"
    not_before  TEXT NOT NULL,         -- RFC 3339 (+08:00); '' = since the beginning
    not_after   TEXT,                  -- NULL: not retired; else it signs (receipts) / derives (tokens) no more from then
    created_at  TEXT NOT NULL
);
