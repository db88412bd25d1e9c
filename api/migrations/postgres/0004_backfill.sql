-- 0004 (PostgreSQL): fill 0003's filter columns of the filings stored before it, from their JSON, and turn
-- each officer token of `anbei officer add` into an account with that token (expiring 90 days from now).
UPDATE filings SET
    community = COALESCE(request::jsonb -> 'site' ->> 'community', ''),
    area = COALESCE(request::jsonb -> 'site' ->> 'property_area', ''),
    applicant_name = COALESCE(request::jsonb -> 'applicant' ->> 'name', ''),
    departments = ' ' || COALESCE((SELECT string_agg(value, ' ') FROM jsonb_array_elements_text(assessment::jsonb -> 'departments' -> 'primary')) || ' ', '')
      || COALESCE((SELECT string_agg(value, ' ') FROM jsonb_array_elements_text(assessment::jsonb -> 'departments' -> 'co')) || ' ', '');
INSERT INTO accounts (login, name, role, street, community, areas, department, password_hash, must_change_password,
                      disabled, failed_count, locked_until_ms, created_at)
SELECT 'token-' || substr(token_hash, 1, 10), name, role, CASE street WHEN '*' THEN NULL ELSE street END, NULL, '', NULL,
       NULL, TRUE, FALSE, 0, 0, created_at FROM officers;
INSERT INTO tokens (id, token_hash, login, label, created_at, expires_ms, revoked_at)
SELECT substr(token_hash, 1, 16), token_hash, 'token-' || substr(token_hash, 1, 10), 'anbei officer add', created_at,
       (extract(epoch FROM now()) * 1000)::bigint + 90::bigint * 86400000, NULL FROM officers;
