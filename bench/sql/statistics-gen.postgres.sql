-- bench/statistics.sh: 1,000,000 filings over 11 streets and two years (2025–2026), generated inside
-- PostgreSQL (generate_series), with their inspections, findings, rectifications and referrals — the
-- same distribution as statistics-gen.sqlite.sql. psql -v n=1000000.
SET synchronous_commit = off;
CREATE TEMP TABLE st (n int PRIMARY KEY, code text);
INSERT INTO st VALUES (0,'pinghu'),(1,'bantian'),(2,'buji'),(3,'nanwan'),(4,'jihua'),(5,'henggang'),
  (6,'yuanshan'),(7,'longgang'),(8,'longcheng'),(9,'baolong'),(10,'pingdi');
CREATE TEMP TABLE act (n int PRIMARY KEY, code text);
INSERT INTO act VALUES (0,'nonresidential_decoration'),(1,'residential_decoration'),(2,'building_repair'),
  (3,'curtain_wall'),(4,'elevator'),(5,'pipeline'),(6,'road_works'),(7,'landscaping'),(8,'odd_equipment'),
  (9,'odd_advertising'),(10,'odd_cleaning'),(11,'odd_aircon');
CREATE TEMP TABLE pad AS SELECT repeat('工', 400) AS t;
BEGIN;
INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope,
  acceptance_due, access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes,
  community, area, departments, applicant_name, activity, answered_on, answer_minutes, answer_days)
WITH g AS (SELECT i, (i * 2654435761) % 4294967296 AS h, date '2025-01-01' + (i % 730)::int AS dd
           FROM generate_series(1::bigint, :n::bigint) AS s(i)),
v AS (SELECT i, h, to_char(dd, 'YYYY-MM-DD') AS d, dd, st.code AS street, act.code AS activity, h % 100 AS p,
        (h / 100) % 100 AS q, (h / 10000) % 100 AS r FROM g JOIN st ON st.n = (h / 7) % 11 JOIN act ON act.n = (h / 77) % 12),
w AS (SELECT *, CASE WHEN p < 2 THEN 'filed' WHEN p < 5 THEN 'returned' WHEN p < 80 THEN 'registered'
        WHEN p < 85 THEN 'extended' WHEN p < 87 THEN 'refused' WHEN p < 95 THEN 'cancelled' ELSE 'revoked' END AS status,
        CASE WHEN q < 70 THEN 'SMALL_PROJECT' WHEN q < 95 THEN 'SPORADIC_WORK' ELSE 'REFERENCE_MANAGED' END AS scope,
        (q >= 95 OR (q < 70 AND r < 18)) AS hr FROM v)
SELECT 'F-' || street || '-' || replace(d, '-', '') || '-' || lpad(i::text, 7, '0'), street, status, 1,
  d || 'T10:00:00.000+08:00', d || 'T10:00:00.000+08:00', d, hr, scope, to_char(dd + 5, 'YYYY-MM-DD'),
  'tok' || i, 'bench-' || i, 'h', '{"facts":{"activity":"' || activity || '"},"site":{"street":"' || street ||
  '","address":"深圳市龙岗区某某路' || (h % 997) || '号","community":"社区' || ((h / 1000000) % 6) ||
  '"},"applicant":{"name":"申报人","mobile":"13800000000"},"contractor":{"name":"某某建设工程有限公司"},"work_description":"' ||
  (SELECT t FROM pad) || '"}', '{"scope":"' || scope || '"}', NULL,
  street || '社区' || ((h / 1000000) % 6), '', CASE WHEN h % 7 = 0 THEN ' HOUSING FIRE ' ELSE ' HOUSING ' END,
  '申报人', activity,
  CASE WHEN hr AND status <> 'filed' THEN to_char(dd + ((h / 13) % 6)::int, 'YYYY-MM-DD') END,
  CASE WHEN hr AND status <> 'filed' THEN (h / 17) % 7200 END,
  CASE WHEN hr AND status <> 'filed' THEN (h / 13) % 6 END
FROM w;
INSERT INTO inspections (id, filing_no, street, community, area, departments, address, kind, due, status,
  created_at, inspected_at, done_at, inspector_login, inspector_name, answers)
SELECT 'ins_' || filing_no || k.kind, filing_no, street, community, area, departments, NULL, k.kind,
  CASE k.kind WHEN 'INSPECTION_HIGH_RISK' THEN to_char(filed_on::date + 8, 'YYYY-MM-DD')
    WHEN 'INSPECTION_COMPLETION' THEN to_char(filed_on::date + 100, 'YYYY-MM-DD') END,
  CASE WHEN k.kind = 'INSPECTION_PATROL' OR (filed_on::date + 8 < date '2026-12-01' AND g % 100 < 96) THEN 'done' ELSE 'due' END,
  created_at, NULL,
  CASE WHEN k.kind = 'INSPECTION_PATROL' OR (filed_on::date + 8 < date '2026-12-01' AND g % 100 < 96)
    THEN to_char(filed_on::date + (5 + g % 6)::int, 'YYYY-MM-DD') || 'T15:00:00.000+08:00' END,
  'patrol-1', '巡查员', '[]'
FROM (SELECT *, substr(idempotency_key, 7)::bigint * 40503 % 65536 AS g FROM filings) f
JOIN (VALUES ('INSPECTION_HIGH_RISK'), ('INSPECTION_COMPLETION'), ('INSPECTION_PATROL')) k (kind)
  ON (k.kind = 'INSPECTION_HIGH_RISK' AND f.high_risk AND f.status IN ('registered', 'extended', 'cancelled', 'revoked'))
  OR (k.kind = 'INSPECTION_COMPLETION' AND f.status = 'cancelled')
  OR (k.kind = 'INSPECTION_PATROL' AND g % 20 = 0);
INSERT INTO findings (id, inspection_id, filing_no, street, code, item, note, found_on, rectify_by, status,
  escalation, created_at, updated_at, version)
SELECT 'fnd_' || id, id, filing_no, street,
  CASE g % 6 WHEN 0 THEN 'F_UNSAFE_PRACTICE' WHEN 1 THEN 'F_UNCERTIFIED_PERSONNEL' WHEN 2 THEN 'F_WORKERS_MISMATCH'
    WHEN 3 THEN 'F_WASTE_VIOLATION' WHEN 4 THEN 'F_REGISTRATION_MISMATCH' ELSE 'F_SERIOUS_VIOLATION' END,
  NULL, '现场发现问题', substr(done_at, 1, 10), to_char(substr(done_at, 1, 10)::date + 3, 'YYYY-MM-DD'),
  CASE WHEN g % 10 < 7 THEN 'closed' WHEN g % 50 = 9 THEN 'referred' ELSE 'open' END, NULL, done_at, done_at, 1
FROM (SELECT *, (random() * 1000)::int AS g FROM inspections WHERE status = 'done') i WHERE g % 10 < 3 OR g % 50 = 9;
INSERT INTO rectifications (id, finding_id, filing_no, at, by_role, note, photos, decision, reason, decided_by, decided_at)
SELECT 'rct_' || id, id, filing_no, created_at, 'applicant', '已整改', '[]', 'accepted', NULL, '王五（officer-1）',
  to_char(found_on::date + (1 + (random() * 6)::int), 'YYYY-MM-DD') || 'T11:00:00.000+08:00'
FROM findings WHERE status = 'closed';
INSERT INTO referrals (id, finding_id, filing_no, target, department, reason, referred_on, at, by_login, by_name, late)
SELECT 'ref_' || id, id, filing_no, CASE WHEN code = 'F_WASTE_VIOLATION' THEN 'REF_DEPARTMENT' ELSE 'REF_STREET_ENFORCEMENT' END,
  NULL, '拒不整改', found_on, created_at, 'officer-1', '王五', random() < 0.25
FROM findings WHERE status = 'referred';
COMMIT;
-- (VACUUM ANALYZE: bench/statistics.sh, until the visibility map covers the tables)
