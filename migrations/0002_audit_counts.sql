-- Version 1 → 2: audit-log indexes for every filter and exact counters for the count.
DROP INDEX IF EXISTS audit_logs_resource_id;
DROP INDEX IF EXISTS audit_logs_request_id;
CREATE INDEX IF NOT EXISTS audit_logs_type_time ON audit_logs (resource_type, time, id);
CREATE INDEX IF NOT EXISTS audit_logs_resource_id ON audit_logs (resource_id, time, id);
CREATE INDEX IF NOT EXISTS audit_logs_request_id ON audit_logs (request_id, time, id);
CREATE INDEX IF NOT EXISTS users_email_lower_all ON users (lower(email));

CREATE TABLE audit_log_counts (
    organization_id TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    build_reason    TEXT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (organization_id, resource_type, action, build_reason)
) WITHOUT ROWID;
CREATE TABLE audit_log_day_counts (
    day             INTEGER NOT NULL,
    organization_id TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    build_reason    TEXT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (day, organization_id, resource_type, action, build_reason)
) WITHOUT ROWID;
CREATE TABLE audit_log_day_totals (
    day             INTEGER NOT NULL,
    organization_id TEXT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (day, organization_id)
) WITHOUT ROWID;
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
INSERT INTO audit_log_counts
    SELECT organization_id, resource_type, action, COALESCE(build_reason, ''), count(*)
    FROM audit_logs GROUP BY 1, 2, 3, 4;
INSERT INTO audit_log_day_counts
    SELECT time / 86400000000 - (time < 0 AND time % 86400000000 <> 0),
           organization_id, resource_type, action, COALESCE(build_reason, ''), count(*)
    FROM audit_logs GROUP BY 1, 2, 3, 4, 5;
INSERT INTO audit_log_day_totals
    SELECT time / 86400000000 - (time < 0 AND time % 86400000000 <> 0), organization_id, count(*)
    FROM audit_logs GROUP BY 1, 2;
