-- 0004 (SQLite): fill 0003's filter columns of the filings stored before it, from their JSON, and turn
-- each officer token of `anbei officer add` into an account with that token (expiring 90 days from now).
UPDATE filings SET
    community = COALESCE(json_extract(request, '$.site.community'), ''),
    area = COALESCE(json_extract(request, '$.site.property_area'), ''),
    applicant_name = COALESCE(json_extract(request, '$.applicant.name'), ''),
    departments = ' ' || COALESCE((SELECT group_concat(value, ' ') || ' ' FROM json_each(assessment, '$.departments.primary')), '')
      || COALESCE((SELECT group_concat(value, ' ') || ' ' FROM json_each(assessment, '$.departments.co')), '');
INSERT INTO accounts (login, name, role, street, community, areas, department, password_hash, must_change_password,
                      disabled, failed_count, locked_until_ms, created_at)
SELECT 'token-' || substr(token_hash, 1, 10), name, role, CASE street WHEN '*' THEN NULL ELSE street END, NULL, '', NULL,
       NULL, 1, 0, 0, 0, created_at FROM officers;
INSERT INTO tokens (id, token_hash, login, label, created_at, expires_ms, revoked_at)
SELECT substr(token_hash, 1, 16), token_hash, 'token-' || substr(token_hash, 1, 10), 'anbei officer add', created_at,
       CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) + 90 * 86400000, NULL FROM officers;
