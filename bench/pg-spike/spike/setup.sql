-- coderlite design structures, written for PostgreSQL 15 (throwaway spike)
CREATE SCHEMA IF NOT EXISTS cl;
-- keyset / page-order indexes: (filter columns, time DESC, id DESC); id breaks ties (no seq column in PG)
CREATE INDEX IF NOT EXISTS cl_audit_time_id ON audit_logs ("time" DESC, id DESC);
CREATE INDEX IF NOT EXISTS cl_audit_user_time_id ON audit_logs (user_id, "time" DESC, id DESC);
CREATE INDEX IF NOT EXISTS cl_audit_type_action_time_id ON audit_logs (resource_type, action, "time" DESC, id DESC);
-- users list: live humans (LIVE_HUMANS = not deleted, not system), username order in byte order
CREATE INDEX IF NOT EXISTS cl_users_list ON users ((lower(username) COLLATE "C"), id) WHERE NOT deleted AND NOT is_system;
CREATE INDEX IF NOT EXISTS cl_users_hidden ON users (id) WHERE deleted OR is_system;
-- AI seat: builds with an AI task (partial); interceptions by initiator and workspaces by
-- live owner are Coder's own idx_aibridge_interceptions_initiator_id / workspaces_owner_id_lower_idx
CREATE INDEX IF NOT EXISTS cl_workspace_builds_ai_task ON workspace_builds (workspace_id) WHERE has_ai_task;
-- counters (computed once; coderlite keeps them by triggers, not written here)
DROP TABLE IF EXISTS cl.audit_log_counts, cl.audit_log_day_counts, cl.organization_members;
CREATE TABLE cl.audit_log_counts (
    organization_id uuid NOT NULL, resource_type resource_type NOT NULL, action audit_action NOT NULL,
    n bigint NOT NULL, PRIMARY KEY (organization_id, resource_type, action));
INSERT INTO cl.audit_log_counts SELECT organization_id, resource_type, action, count(*)
  FROM audit_logs GROUP BY 1, 2, 3;
CREATE TABLE cl.audit_log_day_counts (
    day integer NOT NULL, organization_id uuid NOT NULL, resource_type resource_type NOT NULL,
    action audit_action NOT NULL, n bigint NOT NULL,
    PRIMARY KEY (day, organization_id, resource_type, action));
INSERT INTO cl.audit_log_day_counts
  SELECT floor(extract(epoch FROM "time") / 86400)::int, organization_id, resource_type, action, count(*)
  FROM audit_logs GROUP BY 1, 2, 3, 4;
-- memberships as coderlite's importer derives them (members.rs): every live user in the
-- default organization, plus each workspace owner in the workspace's organization
CREATE TABLE cl.organization_members (
    user_id uuid NOT NULL, organization_id uuid NOT NULL, created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL, roles text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (organization_id, user_id));
INSERT INTO cl.organization_members
  SELECT u.id, o.id, u.created_at, u.created_at, '{}' FROM users u
  JOIN organizations o ON o.is_default AND NOT o.deleted WHERE NOT u.deleted;
INSERT INTO cl.organization_members
  SELECT w.owner_id, w.organization_id, min(w.created_at), min(w.created_at), '{}'
  FROM workspaces w JOIN users u ON u.id = w.owner_id AND NOT u.deleted
  JOIN organizations o ON o.id = w.organization_id AND NOT o.deleted
  GROUP BY 1, 2 ON CONFLICT DO NOTHING;
CREATE INDEX cl_organization_members_user ON cl.organization_members (user_id, organization_id);
VACUUM (ANALYZE) audit_logs;
VACUUM (ANALYZE) users;
VACUUM (ANALYZE) workspace_builds;
VACUUM (ANALYZE) cl.audit_log_counts;
VACUUM (ANALYZE) cl.audit_log_day_counts;
VACUUM (ANALYZE) cl.organization_members;
