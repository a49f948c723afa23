-- Version 6 → 7: connection logs (Coder's `connection_logs`, since mid-2025 the home of SSH,
-- IDE, web-terminal, app, port-forward and tunnel connections). Columns as Coder's
-- `BatchUpsertConnectionLogs` writes them; times in microseconds. coderlite adds `seq` (the
-- rowid, insertion order: the tie-breaker of `connect_time DESC` pages and of exports) and
-- `state`, the `status:` filter's bucket: `web` for coderd-recorded events (apps, ports,
-- tunnels: never ongoing nor completed), else `ongoing` until a disconnect is recorded.
CREATE TABLE connection_logs (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    connect_time       INTEGER NOT NULL,
    organization_id    TEXT NOT NULL,
    workspace_owner_id TEXT NOT NULL,
    workspace_id       TEXT NOT NULL,
    workspace_name     TEXT NOT NULL,
    agent_name         TEXT NOT NULL,
    type               TEXT NOT NULL,
    code               INTEGER,
    ip                 TEXT,
    user_agent         TEXT,
    user_id            TEXT,
    slug_or_port       TEXT,
    connection_id      TEXT,
    disconnect_reason  TEXT,
    disconnect_time    INTEGER,
    state              TEXT GENERATED ALWAYS AS (
        CASE WHEN type IN ('workspace_app', 'port_forwarding', 'tunnel') THEN 'web'
             WHEN disconnect_time IS NULL THEN 'ongoing'
             ELSE 'completed' END) VIRTUAL
);
-- The upsert key of agent-reported sessions (Coder's unique index).
CREATE UNIQUE INDEX connection_logs_connection_id ON connection_logs
    (connection_id, workspace_id, agent_name) WHERE connection_id IS NOT NULL;
-- The unfiltered page and every time-range filter; covering for the dimension filters.
CREATE INDEX connection_logs_time ON connection_logs
    (connect_time, organization_id, type, state);
CREATE INDEX connection_logs_org_time ON connection_logs (organization_id, connect_time);
CREATE INDEX connection_logs_type_time ON connection_logs (type, connect_time);
CREATE INDEX connection_logs_state_time ON connection_logs (state, connect_time);
CREATE INDEX connection_logs_owner_time ON connection_logs (workspace_owner_id, connect_time);
CREATE INDEX connection_logs_user_time ON connection_logs (user_id, connect_time)
    WHERE user_id IS NOT NULL;
CREATE INDEX connection_logs_workspace_time ON connection_logs (workspace_id, connect_time);

-- Exact counts without walking rows: matching rows per UTC day, organization, type and
-- state, kept by the triggers below in the writing transaction (as `audit_log_day_counts`).
CREATE TABLE connection_log_day_counts (
    day             INTEGER NOT NULL,
    organization_id TEXT NOT NULL,
    type            TEXT NOT NULL,
    state           TEXT NOT NULL,
    n               INTEGER NOT NULL,
    PRIMARY KEY (day, organization_id, type, state)
) WITHOUT ROWID;

CREATE TRIGGER connection_logs_counts_insert AFTER INSERT ON connection_logs
BEGIN
    INSERT INTO connection_log_day_counts VALUES
        (NEW.connect_time / 86400000000 - (NEW.connect_time < 0 AND NEW.connect_time % 86400000000 <> 0),
         NEW.organization_id, NEW.type, NEW.state, 1)
    ON CONFLICT (day, organization_id, type, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER connection_logs_counts_delete AFTER DELETE ON connection_logs
BEGIN
    UPDATE connection_log_day_counts SET n = n - 1
    WHERE day = OLD.connect_time / 86400000000 - (OLD.connect_time < 0 AND OLD.connect_time % 86400000000 <> 0)
      AND organization_id = OLD.organization_id AND type = OLD.type AND state = OLD.state;
    DELETE FROM connection_log_day_counts
    WHERE day = OLD.connect_time / 86400000000 - (OLD.connect_time < 0 AND OLD.connect_time % 86400000000 <> 0)
      AND organization_id = OLD.organization_id AND type = OLD.type AND state = OLD.state
      AND n <= 0;
END;

CREATE TRIGGER connection_logs_counts_update AFTER UPDATE OF
    connect_time, organization_id, type, disconnect_time ON connection_logs
BEGIN
    UPDATE connection_log_day_counts SET n = n - 1
    WHERE day = OLD.connect_time / 86400000000 - (OLD.connect_time < 0 AND OLD.connect_time % 86400000000 <> 0)
      AND organization_id = OLD.organization_id AND type = OLD.type AND state = OLD.state;
    DELETE FROM connection_log_day_counts
    WHERE day = OLD.connect_time / 86400000000 - (OLD.connect_time < 0 AND OLD.connect_time % 86400000000 <> 0)
      AND organization_id = OLD.organization_id AND type = OLD.type AND state = OLD.state
      AND n <= 0;
    INSERT INTO connection_log_day_counts VALUES
        (NEW.connect_time / 86400000000 - (NEW.connect_time < 0 AND NEW.connect_time % 86400000000 <> 0),
         NEW.organization_id, NEW.type, NEW.state, 1)
    ON CONFLICT (day, organization_id, type, state) DO UPDATE SET n = n + 1;
END;
