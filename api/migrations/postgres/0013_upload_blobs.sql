-- 0013 (PostgreSQL only; issue 17): the bytes of uploads in the database, so that every instance sharing
-- it serves and checks every upload and no instance keeps anything of its own on disk. Content-addressed
-- like the `uploads` rows: the name is the SHA-256 of the bytes (64 lowercase hex digits), a name is
-- written once and never changed or deleted. SQLite keeps the bytes as files under <data-dir>/uploads/.
-- Files an earlier version stored there are copied in by `anbei uploads import` (OPERATIONS.md).

CREATE TABLE upload_blobs (
    sha256   TEXT PRIMARY KEY,
    size     BIGINT NOT NULL,
    content  BYTEA NOT NULL
);

-- PDFs, JPEGs and PNGs are compressed already: store them out of line without trying to compress again.
ALTER TABLE upload_blobs ALTER COLUMN content SET STORAGE EXTERNAL;
