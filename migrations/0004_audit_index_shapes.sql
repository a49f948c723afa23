-- Version 3 → 4: audit pages order ties by `seq` instead of `id`, so every filter index
-- shrinks from `(column, time, id)` to `(column, time)` (SQLite appends the rowid, `seq`);
-- and the uniqueness of `id` moves from a column constraint (an index nobody can drop) to
-- the named index `audit_logs_id`, which bulk loads build once after the rows are in.
-- SQLite cannot drop a column constraint, so the table is rebuilt with its rows, `seq`
-- values (the hash chain follows them) and counters unchanged.
CREATE TABLE audit_logs_v4 (
    seq               INTEGER PRIMARY KEY,                   -- insertion order; the hash chain follows it
    id                TEXT NOT NULL,                         -- unique: audit_logs_id below
    time              INTEGER NOT NULL,
    user_id           TEXT NOT NULL,                         -- no FK: rows outlive users; nil UUID = system
    organization_id   TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    ip                TEXT,
    user_agent        TEXT,
    resource_type     TEXT NOT NULL,
    resource_id       TEXT NOT NULL,
    resource_target   TEXT NOT NULL,
    action            TEXT NOT NULL,
    diff              TEXT NOT NULL DEFAULT '{}',
    status_code       INTEGER NOT NULL,
    additional_fields TEXT NOT NULL DEFAULT '{}',
    request_id        TEXT NOT NULL,
    resource_icon     TEXT NOT NULL DEFAULT '',
    -- Denormalised at write time so the build_reason filter needs no join:
    -- the build's reason for workspace_build rows, build #1's for workspace create rows.
    build_reason      TEXT,
    prev_hash         TEXT,                                  -- tamper-evidence chain (hex SHA-256)
    hash              TEXT
);

INSERT INTO audit_logs_v4 (seq, id, time, user_id, organization_id, ip, user_agent, resource_type, resource_id, resource_target, action, diff, status_code, additional_fields, request_id, resource_icon, build_reason, prev_hash, hash)
    SELECT seq, id, time, user_id, organization_id, ip, user_agent, resource_type, resource_id, resource_target, action, diff, status_code, additional_fields, request_id, resource_icon, build_reason, prev_hash, hash FROM audit_logs ORDER BY seq;
DROP TABLE audit_logs;
ALTER TABLE audit_logs_v4 RENAME TO audit_logs;
CREATE UNIQUE INDEX audit_logs_id ON audit_logs (id);
CREATE INDEX audit_logs_time ON audit_logs (time);
CREATE INDEX audit_logs_user_time ON audit_logs (user_id, time);
CREATE INDEX audit_logs_type_action_time ON audit_logs (resource_type, action, time);
CREATE INDEX audit_logs_action_time ON audit_logs (action, time);
CREATE INDEX audit_logs_org_time ON audit_logs (organization_id, time);
CREATE INDEX audit_logs_type_time ON audit_logs (resource_type, time);
CREATE INDEX audit_logs_resource_id ON audit_logs (resource_id, time);
CREATE INDEX audit_logs_request_id ON audit_logs (request_id, time);
CREATE INDEX audit_logs_target_time ON audit_logs (resource_target COLLATE NOCASE, time);
CREATE INDEX audit_logs_build_reason_time ON audit_logs (build_reason, time) WHERE build_reason IS NOT NULL;
CREATE TRIGGER audit_logs_counts_insert AFTER INSERT ON audit_logs
BEGIN
    INSERT INTO audit_log_counts VALUES
        (NEW.organization_id, NEW.resource_type, NEW.action, COALESCE(NEW.build_reason, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO audit_log_day_counts VALUES
        (NEW.time / 86400000000 - (NEW.time < 0 AND NEW.time % 86400000000 <> 0),
         NEW.organization_id, NEW.resource_type, NEW.action, COALESCE(NEW.build_reason, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO audit_log_day_totals VALUES
        (NEW.time / 86400000000 - (NEW.time < 0 AND NEW.time % 86400000000 <> 0),
         NEW.organization_id, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER audit_logs_counts_delete AFTER DELETE ON audit_logs
BEGIN
    UPDATE audit_log_counts SET n = n - 1
        WHERE organization_id = OLD.organization_id AND resource_type = OLD.resource_type
          AND action = OLD.action AND build_reason = COALESCE(OLD.build_reason, '');
    UPDATE audit_log_day_counts SET n = n - 1
        WHERE day = OLD.time / 86400000000 - (OLD.time < 0 AND OLD.time % 86400000000 <> 0)
          AND organization_id = OLD.organization_id AND resource_type = OLD.resource_type
          AND action = OLD.action AND build_reason = COALESCE(OLD.build_reason, '');
    UPDATE audit_log_day_totals SET n = n - 1
        WHERE day = OLD.time / 86400000000 - (OLD.time < 0 AND OLD.time % 86400000000 <> 0)
          AND organization_id = OLD.organization_id;
END;
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs rows are append-only');
END;
