-- 0007 (SQLite): what the statistics (第二十一条第（二）项, GET /api/v1/statistics) read of a filing, as
-- columns: its activity (group_by=activity) and the street's answer to its latest submission (the date,
-- and how long it took in minutes and in working days, against the 3-working-day duty of
-- 第二十七条第（二）项), set when an officer or community accepts, returns or refuses it. Filings answered
-- at once (fast acceptance) keep NULL: no answer was waited for.
ALTER TABLE filings ADD COLUMN activity TEXT NOT NULL DEFAULT '';
ALTER TABLE filings ADD COLUMN answered_on TEXT;
ALTER TABLE filings ADD COLUMN answer_minutes INTEGER;
ALTER TABLE filings ADD COLUMN answer_days INTEGER;
UPDATE filings SET activity = COALESCE(json_extract(request, '$.facts.activity'), '');
-- Answers given before this version: their date from the history (minutes and working days unknown).
UPDATE filings SET answered_on = (
    SELECT substr(MAX(e.at), 1, 10) FROM events e
    WHERE e.filing_no = filings.filing_no AND e.action IN ('accepted', 'returned', 'refused'));
-- One street's period read from the index alone (a covering index): every column the statistics group
-- and count filings by, in the order the period is walked. See BENCHMARKS.md (Session 9).
CREATE INDEX filings_stats ON filings (street, filed_on, status, scope, high_risk, community, activity,
    acceptance_due, answered_on, answer_days, answer_minutes, area, departments);
-- Inspections by due date, findings by the day found (the statistics' periods), covering too: what
-- the statements count, group and scope by is in the index.
CREATE INDEX inspections_stats ON inspections (street, due, status, kind, done_at, inspected_at, community, area,
    departments, filing_no);
CREATE INDEX findings_stats ON findings (street, found_on, code, status, rectify_by, inspection_id, id, filing_no);
CREATE INDEX rectifications_finding ON rectifications (finding_id, decision, decided_at);
CREATE INDEX referrals_finding ON referrals (finding_id, target, late);
-- group_by=activity: an inspection's or finding's registration's activity, from an index too.
CREATE INDEX filings_activity ON filings (filing_no, activity);
