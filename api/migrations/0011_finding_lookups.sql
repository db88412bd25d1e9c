-- 0011: the inspections list shows each record's findings and their referrals (issue 14) — read by
-- inspection, not by filing (work found without registration has none): findings by their inspection.
-- Referrals by their finding already have `referrals_finding` (0007).
CREATE INDEX findings_inspection ON findings (inspection_id);
