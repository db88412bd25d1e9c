-- 0018 (PostgreSQL only): the audit chain's lock and its head in one round trip.
-- Every transaction that appends to the chain (each group commit of new filings, every staff action)
-- takes the chain's advisory lock and then reads the last row, and holds the lock until it commits:
-- that stretch is the one part of the group commit that runs one at a time across all instances
-- (BENCHMARKS.md, issue 17). The two statements were two round trips; this function is one. A
-- VOLATILE function's every query takes a fresh snapshot under READ COMMITTED, so the head is read
-- after the lock is held and sees what its previous holder committed — what the second statement did.
-- The lock key is the caller's (audit::CHAIN_LOCK). Instances of the version before keep taking the
-- same lock with two statements, so they can run beside this one during a rolling upgrade.
CREATE FUNCTION anbei_audit_head(lock_key bigint) RETURNS TABLE (seq bigint, hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY SELECT a.seq, a.hash FROM audit a ORDER BY a.seq DESC LIMIT 1;
END
$$;
