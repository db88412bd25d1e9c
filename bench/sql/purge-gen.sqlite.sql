-- bench/purge.sh: :n registrations of 2021 in Bantian, each naming an applicant and two workers (their ID
-- numbers, mobile and certificate stored as field encryption stores them, `enc:v1:…`, so that a start's
-- sweep of rows in clear leaves them alone — only their length matters to the purge, which never decrypts) and
-- with one document of its own (an `uploads` row; no file: removing a missing file is a no-op), its
-- receipt and history. By n % 10: 0–5 revoked and 8 cancelled in 2021, 6–7 expired at the end of 2021
-- (all past a 3-year retention), 9 in force until 2099 (never purged). sqlite3 … ".parameter set :n N".
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE g AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n)
SELECT i, printf('%064x', i) AS hex, printf('%07d', i) AS seq,
  CASE WHEN i % 10 < 6 THEN 'revoked' WHEN i % 10 < 8 THEN 'registered' WHEN i % 10 = 8 THEN 'cancelled'
       ELSE 'registered' END AS status,
  CASE WHEN i % 10 = 9 THEN '2099-12-31' ELSE '2021-12-31' END AS valid_until
FROM s;
INSERT INTO uploads (id, sha256, size, content_type, created_at)
SELECT 'sha256:' || hex, hex, 1000, 'application/pdf', '2021-01-01T09:00:00.000+08:00' FROM g;
INSERT INTO filings (filing_no, street, status, version, created_at, updated_at, filed_on, high_risk, scope,
  acceptance_due, access_token_hash, idempotency_key, request_hash, request, assessment, requested_changes,
  community, area, departments, applicant_name, activity)
SELECT 'F-bantian-20210101-' || seq, 'bantian', status, 2, '2021-01-01T10:00:00.000+08:00',
  '2021-06-01T10:00:00.000+08:00', '2021-01-01', 0, 'SCOPE_SMALL_PROJECT', NULL, 'tok' || i,
  'sha256:bench-' || i, 'h',
  '{"facts":{"activity":"residential_decoration"},"applicant":{"name":"张三' || i ||
  '","id_number":"enc:v1:fld_bench:A' || hex || '","mobile":"enc:v1:fld_bench:M' || hex ||
  '"},"site":{"address":"深圳市龙岗区坂田街道某某路' || (i % 997) || '号","street":"bantian","community":"岗头社区"},' ||
  '"contractor":{"name":"深圳市某某装饰工程有限公司","credit_code":"91440300MA5F123452"},' ||
  '"workers":[{"name":"钱七","id_number":"enc:v1:fld_bench:QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"},{"name":"孙八","id_number":"enc:v1:fld_bench:QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",' ||
  '"operation":"electrical_work","certificate_no":"enc:v1:fld_bench:QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ","certificate_valid_until":"2029-06-30"}],' ||
  '"planned_start":"2021-01-05","planned_end":"2021-03-05","waste_disposal_site":"龙岗区某某建筑废弃物综合利用厂",' ||
  '"documents":{"D_CONTRACT":"sha256:' || hex || '"},' ||
  '"pledge":{"version":"2026.1","signer":"applicant","signed_at":"2021-01-01T10:00:00.000+08:00"},"lang":"zh-CN"}',
  '{"scope":"SCOPE_SMALL_PROJECT"}', NULL, '岗头社区', '', ' housing ', '张三' || i, 'residential_decoration'
FROM g;
-- what the store writes with each filing (migration 0017): the upload its document names
INSERT INTO upload_refs (upload_id, owner) SELECT 'sha256:' || hex, 'f:F-bantian-20210101-' || seq FROM g;
INSERT INTO receipts (receipt_no, filing_no, street, ruleset, scope, high_risk, valid_until, issued_at,
  signature, kid, payload_version, site_hash)
SELECT 'LG-bantian-20210101-' || seq, 'F-bantian-20210101-' || seq, 'bantian', 'longgang-2026.1-draft',
  'SCOPE_SMALL_PROJECT', 0, valid_until, '2021-01-01T10:00:00.000+08:00', 'sig', 'kid', 2, 'h'
FROM g;
INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data)
SELECT 'F-bantian-20210101-' || seq, '2021-01-01T10:00:00.000+08:00', 'applicant', NULL, 'filed', NULL, NULL FROM g;
INSERT INTO events (filing_no, at, actor, actor_name, action, reason, data)
SELECT 'F-bantian-20210101-' || seq, '2021-06-01T10:00:00.000+08:00', 'officer', '王五（officer-1）', 'revoked',
  '虚假申报：申报人张三' || i || '的证件不符', '{"ground":"false_filing"}' FROM g WHERE status = 'revoked';
COMMIT;
