-- Version 7 → 8: the connection-log dimension indexes carry the other filter columns after
-- `connect_time`, so a page or count that combines a key (organization, type, status,
-- workspace owner, user, workspace) with type or status checks them in the index instead of
-- reading every candidate row (measured on 1M rows: `status:ongoing organization:X` page
-- 4.3 → 0.3 ms, `username:X type:tunnel` count 30 → 1.5 ms). `connection_logs_time` already
-- covers organization, type and state.
DROP INDEX connection_logs_org_time;
DROP INDEX connection_logs_type_time;
DROP INDEX connection_logs_state_time;
DROP INDEX connection_logs_owner_time;
DROP INDEX connection_logs_user_time;
DROP INDEX connection_logs_workspace_time;
CREATE INDEX connection_logs_org_time ON connection_logs
    (organization_id, connect_time, type, state);
CREATE INDEX connection_logs_type_time ON connection_logs (type, connect_time, state);
CREATE INDEX connection_logs_state_time ON connection_logs (state, connect_time, type);
CREATE INDEX connection_logs_owner_time ON connection_logs
    (workspace_owner_id, connect_time, type, state);
CREATE INDEX connection_logs_user_time ON connection_logs (user_id, connect_time, type, state)
    WHERE user_id IS NOT NULL;
CREATE INDEX connection_logs_workspace_time ON connection_logs
    (workspace_id, connect_time, type, state);
