-- 0014: a re-inspection (`INSPECTION_FOLLOW_UP`, rules.md §9.1) scheduled to verify one finding's
-- rectification on site (第三十四条; issue 14) names that finding. NULL for every other inspection.
ALTER TABLE inspections ADD COLUMN finding_id TEXT;
-- At most one scheduled (still due) follow-up per finding: the service refuses a second one (409);
-- this index holds it against two officers at once.
CREATE UNIQUE INDEX inspections_follow_up_due ON inspections (finding_id) WHERE status = 'due' AND finding_id IS NOT NULL;
