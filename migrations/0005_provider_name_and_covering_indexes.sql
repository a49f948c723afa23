-- Version 4 → 5. Interceptions carry the configured provider's name beside the provider type
-- (Coder's `provider_name`, in its types since v2.32.0). Older rows name their provider type,
-- as Coder's own backfill does.
ALTER TABLE aibridge_interceptions ADD COLUMN provider_name TEXT NOT NULL DEFAULT '';
UPDATE aibridge_interceptions SET provider_name = provider;

-- Filter combinations: the user, target and organization indexes carry the dimension
-- columns, so `username:X action:Y` or `resource_target:X organization:Y` is checked in the
-- index instead of reading each row (about 6 s per million audit rows to rebuild).
DROP INDEX audit_logs_user_time;
CREATE INDEX audit_logs_user_time ON audit_logs
    (user_id, time, seq, organization_id, resource_type, action, build_reason);
DROP INDEX audit_logs_org_time;
CREATE INDEX audit_logs_org_time ON audit_logs
    (organization_id, time, seq, resource_type, action, build_reason);
DROP INDEX audit_logs_target_time;
CREATE INDEX audit_logs_target_time ON audit_logs
    (resource_target COLLATE NOCASE, time, seq, organization_id, resource_type, action, build_reason);
