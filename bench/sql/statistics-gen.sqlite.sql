-- bench/statistics.sh: 1,000,000 filings over 11 streets and two years (2025–2026), generated inside
-- SQLite (no client round trips), with their inspections, findings, rectifications and referrals.
-- i → h: a multiplicative hash whose digits pick the street, status, scope, risk, community, activity.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE st (n INTEGER PRIMARY KEY, code TEXT);
INSERT INTO st VALUES (0,'pinghu'),(1,'bantian'),(2,'buji'),(3,'nanwan'),(4,'jihua'),(5,'henggang'),
  (6,'yuanshan'),(7,'longgang'),(8,'longcheng'),(9,'baolong'),(10,'pingdi');
CREATE TEMP TABLE act (n INTEGER PRIMARY KEY, code TEXT);
INSERT INTO act VALUES (0,'nonresidential_decoration'),(1,'residential_decoration'),(2,'building_repair'),
  (3,'curtain_wall'),(4,'elevator'),(5,'pipeline'),(6,'road_works'),(7,'landscaping'),(8,'odd_equipment'),
  (9,'odd_advertising'),(10,'odd_cleaning'),(11,'odd_aircon');
BEGIN;
INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope,
  acceptance_due, access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes,
  community, area, departments, applicant_name, activity, answered_on, answer_minutes, answer_days)
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n),
g AS (SELECT i, (i * 2654435761) % 4294967296 AS h, date('2025-01-01', '+' || (i % 730) || ' days') AS d FROM s),
v AS (SELECT i, h, d, st.code AS street, act.code AS activity, h % 100 AS p, (h / 100) % 100 AS q,
        (h / 10000) % 100 AS r FROM g JOIN st ON st.n = (h / 7) % 11 JOIN act ON act.n = (h / 77) % 12),
w AS (SELECT *, CASE WHEN p < 2 THEN 'filed' WHEN p < 5 THEN 'returned' WHEN p < 80 THEN 'registered'
        WHEN p < 85 THEN 'extended' WHEN p < 87 THEN 'refused' WHEN p < 95 THEN 'cancelled' ELSE 'revoked' END AS status,
        CASE WHEN q < 70 THEN 'SMALL_PROJECT' WHEN q < 95 THEN 'SPORADIC_WORK' ELSE 'REFERENCE_MANAGED' END AS scope,
        CASE WHEN q >= 95 OR (q < 70 AND r < 18) THEN 1 ELSE 0 END AS hr FROM v)
SELECT 'F-' || street || '-' || replace(d, '-', '') || '-' || printf('%07d', i), street, status, 1,
  d || 'T10:00:00.000+08:00', d || 'T10:00:00.000+08:00', d, hr, scope, date(d, '+5 days'),
  'tok' || i, 'bench-' || i, 'h', '{"facts":{"activity":"' || activity || '"},"site":{"street":"' || street ||
  '","address":"深圳市龙岗区某某路' || (h % 997) || '号","community":"社区' || ((h / 1000000) % 6) ||
  '"},"applicant":{"name":"申报人","mobile":"13800000000"},"contractor":{"name":"某某建设工程有限公司"},"work_description":"' ||
  printf('%.400c', '工') || '"}', '{"scope":"' || scope || '"}', NULL,
  street || '社区' || ((h / 1000000) % 6), '', CASE WHEN h % 7 = 0 THEN ' HOUSING FIRE ' ELSE ' HOUSING ' END,
  '申报人', activity,
  CASE WHEN hr = 1 AND status <> 'filed' THEN date(d, '+' || ((h / 13) % 6) || ' days') END,
  CASE WHEN hr = 1 AND status <> 'filed' THEN (h / 17) % 7200 END,
  CASE WHEN hr = 1 AND status <> 'filed' THEN (h / 13) % 6 END
FROM w;
-- Site inspections of high-risk work (8 days after filing, most done), completion checks of the
-- cancelled ones, and routine patrols of one in twenty.
INSERT INTO inspections (id, filing_no, street, community, area, departments, address, kind, due, status,
  created_at, inspected_at, done_at, inspector_login, inspector_name, answers)
SELECT 'ins_' || filing_no || k.kind, filing_no, street, community, area, departments, NULL, k.kind,
  CASE k.kind WHEN 'INSPECTION_HIGH_RISK' THEN date(filed_on, '+8 days') WHEN 'INSPECTION_COMPLETION'
    THEN date(filed_on, '+100 days') END,
  CASE WHEN k.kind = 'INSPECTION_PATROL' OR (date(filed_on, '+8 days') < '2026-12-01' AND g % 100 < 96) THEN 'done' ELSE 'due' END,
  created_at, NULL,
  CASE WHEN k.kind = 'INSPECTION_PATROL' OR (date(filed_on, '+8 days') < '2026-12-01' AND g % 100 < 96)
    THEN date(filed_on, '+' || (5 + g % 6) || ' days') || 'T15:00:00.000+08:00' END,
  'patrol-1', '巡查员', '[]'
FROM (SELECT *, CAST(substr(idempotency_key, 7) AS INTEGER) * 40503 % 65536 AS g FROM filings) f
JOIN (SELECT 'INSPECTION_HIGH_RISK' AS kind UNION ALL SELECT 'INSPECTION_COMPLETION' UNION ALL SELECT 'INSPECTION_PATROL') k
  ON (k.kind = 'INSPECTION_HIGH_RISK' AND f.high_risk = 1 AND f.status IN ('registered', 'extended', 'cancelled', 'revoked'))
  OR (k.kind = 'INSPECTION_COMPLETION' AND f.status = 'cancelled')
  OR (k.kind = 'INSPECTION_PATROL' AND g % 20 = 0);
-- A finding at three in ten inspections done; seven in ten of them rectified and accepted, one in
-- fifty referred.
INSERT INTO findings (id, inspection_id, filing_no, street, code, item, note, found_on, rectify_by, status,
  escalation, created_at, updated_at, version)
SELECT 'fnd_' || id, id, filing_no, street,
  CASE g % 6 WHEN 0 THEN 'F_UNSAFE_PRACTICE' WHEN 1 THEN 'F_UNCERTIFIED_PERSONNEL' WHEN 2 THEN 'F_WORKERS_MISMATCH'
    WHEN 3 THEN 'F_WASTE_VIOLATION' WHEN 4 THEN 'F_REGISTRATION_MISMATCH' ELSE 'F_SERIOUS_VIOLATION' END,
  NULL, '现场发现问题', substr(done_at, 1, 10), date(substr(done_at, 1, 10), '+3 days'),
  CASE WHEN g % 10 < 7 THEN 'closed' WHEN g % 50 = 9 THEN 'referred' ELSE 'open' END, NULL, done_at, done_at, 1
FROM (SELECT *, (abs(random()) % 1000) AS g FROM inspections WHERE status = 'done') i WHERE g % 10 < 3 OR g % 50 = 9;
INSERT INTO rectifications (id, finding_id, filing_no, at, by_role, note, photos, decision, reason, decided_by, decided_at)
SELECT 'rct_' || id, id, filing_no, created_at, 'applicant', '已整改', '[]', 'accepted', NULL, '王五（officer-1）',
  date(found_on, '+' || (1 + abs(random()) % 7) || ' days') || 'T11:00:00.000+08:00'
FROM findings WHERE status = 'closed';
INSERT INTO referrals (id, finding_id, filing_no, target, department, reason, referred_on, at, by_login, by_name, late)
SELECT 'ref_' || id, id, filing_no, CASE WHEN code = 'F_WASTE_VIOLATION' THEN 'REF_DEPARTMENT' ELSE 'REF_STREET_ENFORCEMENT' END,
  NULL, '拒不整改', found_on, created_at, 'officer-1', '王五', abs(random()) % 4 = 0
FROM findings WHERE status = 'referred';
COMMIT;
ANALYZE;
