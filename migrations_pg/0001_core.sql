-- coderlite on PostgreSQL, schema step 1 (issue 16): the tables of users, organizations,
-- members, API keys, settings, workspaces and builds, the AI-seat sources, and the audit log
-- with its counters and append-only rule. Same names, columns and meanings as schema.sql, so
-- the store's SQL is one text for both engines:
--   * ids are UUID text; times are BIGINT microseconds since the Unix epoch, UTC;
--   * flags are SMALLINT 0/1 as on SQLite (the store compares them with 0 and 1);
--   * lists of role names are JSON arrays in TEXT.
-- Not yet here (later steps): the AI Gateway kept rows and child tables, connection logs.

-- SQLite's NOCASE collation (the audit `resource_target` filter compares with it): case-
-- insensitive equality, from ICU (which also folds non-ASCII case, where SQLite folds ASCII).
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    icon         TEXT NOT NULL DEFAULT '',
    is_default   SMALLINT NOT NULL DEFAULT 0,
    deleted      SMALLINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name_lower ON organizations (lower(name)) WHERE deleted = 0;
CREATE UNIQUE INDEX organizations_one_default ON organizations (is_default) WHERE is_default = 1;

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL,
    username             TEXT NOT NULL,
    name                 TEXT NOT NULL DEFAULT '',
    hashed_password      TEXT NOT NULL DEFAULT '',
    avatar_url           TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'dormant'
                         CHECK (status IN ('active', 'dormant', 'suspended')),
    login_type           TEXT NOT NULL DEFAULT 'password'
                         CHECK (login_type IN ('password', 'github', 'oidc', 'token', 'none')),
    rbac_roles           TEXT NOT NULL DEFAULT '[]',
    deleted              SMALLINT NOT NULL DEFAULT 0,
    is_system            SMALLINT NOT NULL DEFAULT 0,
    is_service_account   SMALLINT NOT NULL DEFAULT 0,
    github_com_user_id   BIGINT,
    quiet_hours_schedule TEXT NOT NULL DEFAULT '',
    theme_preference     TEXT NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL DEFAULT -62135596800000000
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username)) WHERE deleted = 0;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)) WHERE deleted = 0 AND email <> '';
-- PostgreSQL indexes do not end in the row id: the page order's tie-breaker is a column.
CREATE INDEX users_list ON users (is_system, lower(username), id) WHERE deleted = 0;
CREATE INDEX users_hidden ON users (id) WHERE deleted <> 0 OR is_system <> 0;
CREATE INDEX users_email_lower_all ON users (lower(email));

CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles           TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id, organization_id);

CREATE TABLE api_keys (
    id               TEXT PRIMARY KEY,
    hashed_secret    BYTEA NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type       TEXT NOT NULL,
    lifetime_seconds BIGINT NOT NULL,
    token_name       TEXT NOT NULL DEFAULT '',
    scopes           TEXT NOT NULL DEFAULT '["all"]',
    allow_list       TEXT NOT NULL DEFAULT '["*:*"]',
    ip_address       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_used        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_id);
CREATE UNIQUE INDEX api_keys_user_token_name ON api_keys (user_id, token_name) WHERE login_type = 'token';

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    deleted         SMALLINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_used_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX workspaces_owner_name_live ON workspaces (owner_id, lower(name)) WHERE deleted = 0;
CREATE INDEX workspaces_org ON workspaces (organization_id);

CREATE TABLE workspace_builds (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    build_number BIGINT NOT NULL,
    transition   TEXT NOT NULL CHECK (transition IN ('start', 'stop', 'delete')),
    initiator_id TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT 'initiator',
    has_ai_task  SMALLINT,
    job_id       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, build_number)
);
CREATE INDEX workspace_builds_ai_task ON workspace_builds (workspace_id) WHERE has_ai_task = 1;

-- The AI-seat source (the has_ai_seat EXISTS reads it); the AI Gateway's kept rows come later.
CREATE TABLE aibridge_interceptions (
    id           TEXT PRIMARY KEY,
    initiator_id TEXT NOT NULL REFERENCES users (id),
    provider     TEXT NOT NULL,
    provider_name TEXT NOT NULL DEFAULT '',
    model        TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    ended_at     BIGINT,
    metadata     TEXT,
    api_key_id   TEXT,
    client       TEXT,
    client_session_id TEXT,
    thread_parent_id TEXT,
    thread_root_id TEXT,
    credential_kind TEXT NOT NULL DEFAULT 'centralized',
    credential_hint TEXT NOT NULL DEFAULT '',
    agent_firewall_session_id TEXT,
    agent_firewall_sequence_number BIGINT,
    error_type TEXT,
    error_message TEXT,
    session_id TEXT GENERATED ALWAYS AS (COALESCE(client_session_id, thread_root_id, id)) STORED,
    last_prompt_at BIGINT
);
CREATE INDEX aibridge_interceptions_initiator ON aibridge_interceptions (initiator_id, started_at);
CREATE INDEX aibridge_interceptions_started ON aibridge_interceptions (started_at, id);

-- The audit log. `seq` is the insertion order the hash chain follows: taken from the
-- sequence inside the chain's lock (store::audit_chain), so it is one total order across
-- every process on the database.
CREATE TABLE audit_logs (
    seq               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id                TEXT NOT NULL,
    time              BIGINT NOT NULL,
    user_id           TEXT NOT NULL,
    organization_id   TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    ip                TEXT,
    user_agent        TEXT,
    resource_type     TEXT NOT NULL,
    resource_id       TEXT NOT NULL,
    resource_target   TEXT NOT NULL,
    action            TEXT NOT NULL,
    diff              TEXT NOT NULL DEFAULT '{}',
    status_code       BIGINT NOT NULL,
    additional_fields TEXT NOT NULL DEFAULT '{}',
    request_id        TEXT NOT NULL,
    resource_icon     TEXT NOT NULL DEFAULT '',
    build_reason      TEXT,
    prev_hash         TEXT,
    hash              TEXT
);
-- Every page index ends in `seq`, the order's tie-breaker (SQLite appends the rowid itself).
CREATE UNIQUE INDEX audit_logs_id ON audit_logs (id);
CREATE INDEX audit_logs_time ON audit_logs (time, seq);
CREATE INDEX audit_logs_user_time ON audit_logs
    (user_id, time, seq, organization_id, resource_type, action, build_reason);
CREATE INDEX audit_logs_type_action_time ON audit_logs (resource_type, action, time, seq);
CREATE INDEX audit_logs_action_time ON audit_logs (action, time, seq);
CREATE INDEX audit_logs_org_time ON audit_logs
    (organization_id, time, seq, resource_type, action, build_reason);
CREATE INDEX audit_logs_type_time ON audit_logs (resource_type, time, seq);
CREATE INDEX audit_logs_resource_id ON audit_logs (resource_id, time, seq);
CREATE INDEX audit_logs_request_id ON audit_logs (request_id, time, seq);
CREATE INDEX audit_logs_target_time ON audit_logs
    (resource_target COLLATE nocase, time, seq, organization_id, resource_type, action, build_reason);
CREATE INDEX audit_logs_build_reason_time ON audit_logs (build_reason, time, seq)
    WHERE build_reason IS NOT NULL;

CREATE TABLE audit_log_counts (
    organization_id TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    build_reason    TEXT NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (organization_id, resource_type, action, build_reason)
);
CREATE TABLE audit_log_day_counts (
    day             BIGINT NOT NULL,
    organization_id TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    build_reason    TEXT NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (day, organization_id, resource_type, action, build_reason)
);
CREATE TABLE audit_log_day_totals (
    day             BIGINT NOT NULL,
    organization_id TEXT NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (day, organization_id)
);

-- The UTC day of a time in microseconds (floor division, as on SQLite).
CREATE FUNCTION coderlite_day(t BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
$$ SELECT div(t, 86400000000) - CASE WHEN t < 0 AND t % 86400000000 <> 0 THEN 1 ELSE 0 END $$;

CREATE FUNCTION audit_logs_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log_counts VALUES
            (NEW.organization_id, NEW.resource_type, NEW.action, COALESCE(NEW.build_reason, ''), 1)
            ON CONFLICT (organization_id, resource_type, action, build_reason)
            DO UPDATE SET n = audit_log_counts.n + 1;
        INSERT INTO audit_log_day_counts VALUES
            (coderlite_day(NEW.time), NEW.organization_id, NEW.resource_type, NEW.action,
             COALESCE(NEW.build_reason, ''), 1)
            ON CONFLICT (day, organization_id, resource_type, action, build_reason)
            DO UPDATE SET n = audit_log_day_counts.n + 1;
        INSERT INTO audit_log_day_totals VALUES (coderlite_day(NEW.time), NEW.organization_id, 1)
            ON CONFLICT (day, organization_id) DO UPDATE SET n = audit_log_day_totals.n + 1;
        RETURN NEW;
    END IF;
    UPDATE audit_log_counts SET n = n - 1
        WHERE organization_id = OLD.organization_id AND resource_type = OLD.resource_type
          AND action = OLD.action AND build_reason = COALESCE(OLD.build_reason, '');
    UPDATE audit_log_day_counts SET n = n - 1
        WHERE day = coderlite_day(OLD.time) AND organization_id = OLD.organization_id
          AND resource_type = OLD.resource_type AND action = OLD.action
          AND build_reason = COALESCE(OLD.build_reason, '');
    UPDATE audit_log_day_totals SET n = n - 1
        WHERE day = coderlite_day(OLD.time) AND organization_id = OLD.organization_id;
    RETURN OLD;
END $$;
CREATE TRIGGER audit_logs_counts AFTER INSERT OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_counts();

CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs rows are append-only';
END $$;
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();

-- SQLite's functions that the store's SQL uses, defined here with SQLite's meaning, so a
-- statement is one text for both engines (store::sql also rewrites `LIKE` to `ILIKE`:
-- SQLite's LIKE ignores ASCII case).
CREATE FUNCTION coderlite_json_append(acc text[], v text) RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT array_append(acc, v) $$;
CREATE FUNCTION coderlite_json_final(acc text[]) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT array_to_json(acc)::text $$;
-- json_group_array(x): the JSON array of the group's values ('[]' for none).
CREATE AGGREGATE json_group_array(text) (
    SFUNC = coderlite_json_append, STYPE = text[], FINALFUNC = coderlite_json_final,
    INITCOND = '{}'
);
-- json_each(array): one row per element, its text in `value`.
CREATE FUNCTION json_each(t text) RETURNS TABLE (value text) LANGUAGE sql IMMUTABLE
    AS $$ SELECT json_array_elements_text(t::json) $$;
CREATE FUNCTION json_quote(t text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_json(t)::text $$;
CREATE FUNCTION instr(haystack text, needle text) RETURNS integer LANGUAGE sql IMMUTABLE
    AS $$ SELECT strpos(haystack, needle) $$;
-- SQLite's min(a, b) and max(a, b) of two values (NULL when either is NULL).
CREATE FUNCTION min(a BIGINT, b BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT LEAST(a, b) $$;
CREATE FUNCTION max(a BIGINT, b BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT GREATEST(a, b) $$;
-- sum(condition): how many rows it holds for (SQLite sums booleans as 0/1).
CREATE FUNCTION coderlite_sum_bool(acc BIGINT, v BOOLEAN) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS $$ SELECT acc + CASE WHEN v THEN 1 ELSE 0 END $$;
CREATE AGGREGATE sum(BOOLEAN) (SFUNC = coderlite_sum_bool, STYPE = BIGINT, INITCOND = '0');
