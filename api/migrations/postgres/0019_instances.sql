-- 0019 (PostgreSQL only): the instances sharing this database, so each knows how many there are.
-- Every group commit of new filings ends on the audit chain's lock, so groups commit one at a time
-- across all instances: about two groups in flight in all keep the lock busy, and more only split the
-- queue into smaller groups waiting on it (BENCHMARKS.md, issue 17). An instance writes its row every
-- few seconds and, unless told a number (ANBEI_PG_GROUPS_IN_FLIGHT), writes two groups at once when it
-- is alone and one when others are live. `seen_ms` is the database's clock, so the instances' clocks
-- need not agree. Rows of instances gone for an hour are removed by the others.
CREATE TABLE instances (
    id         TEXT PRIMARY KEY,   -- random, new at every start
    started_ms BIGINT NOT NULL,
    seen_ms    BIGINT NOT NULL
);
