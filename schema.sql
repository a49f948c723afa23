-- coderlite schema. Applied at start-up in one transaction; versioned with PRAGMA user_version
-- (see src/db/migrate.rs). Conventions:
--   * ids are lower-case hyphenated UUID text (api_keys.id is Coder's 10-char key id);
--   * times are INTEGER microseconds since the Unix epoch, UTC; Go's zero time
--     ('0001-01-01T00:00:00Z') is -62135596800000000 and means "never";
--   * booleans are INTEGER 0/1; lists of role names are JSON arrays in TEXT.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    icon         TEXT NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX organizations_name_lower ON organizations (lower(name)) WHERE deleted = 0;
CREATE UNIQUE INDEX organizations_one_default ON organizations (is_default) WHERE is_default = 1;

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL,
    username             TEXT NOT NULL,
    name                 TEXT NOT NULL DEFAULT '',
    hashed_password      TEXT NOT NULL DEFAULT '',          -- argon2id PHC string; '' = no password
    avatar_url           TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'dormant'
                         CHECK (status IN ('active', 'dormant', 'suspended')),
    login_type           TEXT NOT NULL DEFAULT 'password'
                         CHECK (login_type IN ('password', 'github', 'oidc', 'token', 'none')),
    rbac_roles           TEXT NOT NULL DEFAULT '[]',         -- site roles, JSON array
    deleted              INTEGER NOT NULL DEFAULT 0,
    is_system            INTEGER NOT NULL DEFAULT 0,
    is_service_account   INTEGER NOT NULL DEFAULT 0,
    github_com_user_id   INTEGER,
    quiet_hours_schedule TEXT NOT NULL DEFAULT '',
    theme_preference     TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    last_seen_at         INTEGER NOT NULL DEFAULT -62135596800000000
);
-- Usernames and emails are unique among non-deleted users only (deleted ones become reusable).
CREATE UNIQUE INDEX users_username_lower ON users (lower(username)) WHERE deleted = 0;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)) WHERE deleted = 0 AND email <> '';
-- Users list / member pages: live users in username order with their id (member pages probe
-- memberships from the index alone), covering the search's base filter;
-- and the hidden (deleted or system) users, which the unfiltered counts subtract.
CREATE INDEX users_list ON users (is_system, lower(username), id) WHERE deleted = 0;
CREATE INDEX users_hidden ON users (id) WHERE deleted <> 0 OR is_system <> 0;
-- The audit `email:` filter matches deleted users too (as Coder's join does).
CREATE INDEX users_email_lower_all ON users (lower(email));

CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles           TEXT NOT NULL DEFAULT '[]',              -- organization roles, JSON array
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id)
) WITHOUT ROWID;
CREATE INDEX organization_members_user ON organization_members (user_id, organization_id);
-- The number of users, and of each organization's memberships, kept by the triggers below
-- (the unfiltered users and members pages subtract the few hidden users from these).
CREATE TABLE user_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO user_total VALUES (1, 0);
CREATE TABLE organization_member_counts (
    organization_id TEXT PRIMARY KEY,
    n               INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER user_total_insert AFTER INSERT ON users
BEGIN
    UPDATE user_total SET n = n + 1;
END;
CREATE TRIGGER user_total_delete AFTER DELETE ON users
BEGIN
    UPDATE user_total SET n = n - 1;
END;
CREATE TRIGGER organization_member_counts_insert AFTER INSERT ON organization_members
BEGIN
    INSERT INTO organization_member_counts VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER organization_member_counts_delete AFTER DELETE ON organization_members
BEGIN
    UPDATE organization_member_counts SET n = n - 1 WHERE organization_id = OLD.organization_id;
END;
CREATE TRIGGER organization_member_counts_update AFTER UPDATE OF organization_id
    ON organization_members
BEGIN
    UPDATE organization_member_counts SET n = n - 1 WHERE organization_id = OLD.organization_id;
    INSERT INTO organization_member_counts VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET n = n + 1;
END;

CREATE TABLE api_keys (
    id               TEXT PRIMARY KEY,                       -- the 10-character public key id
    hashed_secret    BLOB NOT NULL,                          -- SHA-256 of the 22-character secret
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type       TEXT NOT NULL,
    lifetime_seconds INTEGER NOT NULL,
    token_name       TEXT NOT NULL DEFAULT '',
    scopes           TEXT NOT NULL DEFAULT '["all"]',
    allow_list       TEXT NOT NULL DEFAULT '["*:*"]',
    ip_address       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_used        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_id);
CREATE UNIQUE INDEX api_keys_user_token_name ON api_keys (user_id, token_name) WHERE login_type = 'token';

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_used_at    INTEGER NOT NULL
);
-- Also serves the AI-seat EXISTS: live workspaces of one owner.
CREATE UNIQUE INDEX workspaces_owner_name_live ON workspaces (owner_id, lower(name)) WHERE deleted = 0;
CREATE INDEX workspaces_org ON workspaces (organization_id);

CREATE TABLE workspace_builds (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    build_number INTEGER NOT NULL,
    transition   TEXT NOT NULL CHECK (transition IN ('start', 'stop', 'delete')),
    initiator_id TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT 'initiator',
    has_ai_task  INTEGER,                                    -- NULL: recorded before the column existed
    job_id       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, build_number)
);
-- Partial index for the AI-seat EXISTS: only the (few) AI-task builds.
CREATE INDEX workspace_builds_ai_task ON workspace_builds (workspace_id) WHERE has_ai_task = 1;

CREATE TABLE aibridge_interceptions (
    id           TEXT PRIMARY KEY,
    initiator_id TEXT NOT NULL REFERENCES users (id),
    provider     TEXT NOT NULL,
    provider_name TEXT NOT NULL DEFAULT '',                 -- the configured provider's name
    model        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    metadata     TEXT,                                       -- JSON object or NULL
    api_key_id   TEXT,
    client       TEXT,
    -- AI Gateway sessions and threads (Coder's columns; the session id is derived as Coder's
    -- generated column: the client's session id, else the thread root, else the id).
    client_session_id TEXT,
    thread_parent_id TEXT,
    thread_root_id TEXT,
    credential_kind TEXT NOT NULL DEFAULT 'centralized',
    credential_hint TEXT NOT NULL DEFAULT '',
    agent_firewall_session_id TEXT,
    agent_firewall_sequence_number INTEGER,
    error_type TEXT,
    error_message TEXT,
    session_id TEXT
    GENERATED ALWAYS AS (COALESCE(client_session_id, thread_root_id, id)) VIRTUAL,
    last_prompt_at INTEGER                                   -- newest prompt (coderlite's own)
);
CREATE INDEX aibridge_interceptions_initiator ON aibridge_interceptions (initiator_id, started_at);
CREATE INDEX aibridge_interceptions_started ON aibridge_interceptions (started_at, id);
-- A session's interceptions in `started_at, id` order, covering what a sessions page reads
-- of them (times, threads, activity, providers, models) and every per-interception filter.
CREATE INDEX aibridge_interceptions_session ON aibridge_interceptions
    (session_id, initiator_id, started_at, id, ended_at, thread_root_id, last_prompt_at,
     provider, provider_name, model, client) WHERE ended_at IS NOT NULL;
-- A session's thread roots, oldest first (the threads page).
CREATE INDEX aibridge_interceptions_thread_roots ON aibridge_interceptions
    (session_id, started_at, id) WHERE ended_at IS NOT NULL AND thread_root_id IS NULL;
CREATE INDEX aibridge_interceptions_thread_root ON aibridge_interceptions (thread_root_id)
    WHERE thread_root_id IS NOT NULL;
-- The models, clients and providers pick-lists walk these in order.
CREATE INDEX aibridge_interceptions_model ON aibridge_interceptions
    (model, session_id, initiator_id, started_at, ended_at, thread_root_id, last_prompt_at)
    WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_client ON aibridge_interceptions (client)
    WHERE ended_at IS NOT NULL;
-- A sessions page filtered by model or client groups the matching interceptions from these
-- (session order, everything the grouping reads; migration 0009).
CREATE INDEX aibridge_interceptions_client_session ON aibridge_interceptions
    (COALESCE(client, 'Unknown'), session_id, initiator_id, started_at, ended_at,
     thread_root_id, last_prompt_at) WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_provider_name ON aibridge_interceptions
    (provider_name, started_at, provider) WHERE ended_at IS NOT NULL;

CREATE TABLE aibridge_token_usages (
    id                       TEXT PRIMARY KEY,
    interception_id          TEXT NOT NULL,
    provider_response_id     TEXT NOT NULL DEFAULT '',
    input_tokens             INTEGER NOT NULL DEFAULT 0,
    output_tokens            INTEGER NOT NULL DEFAULT 0,
    cache_read_input_tokens  INTEGER NOT NULL DEFAULT 0,
    cache_write_input_tokens INTEGER NOT NULL DEFAULT 0,
    metadata                 TEXT NOT NULL DEFAULT '{}',     -- JSON object
    created_at               INTEGER NOT NULL
);
-- Covers a session's token sums without reading the table.
CREATE INDEX aibridge_token_usages_interception ON aibridge_token_usages
    (interception_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens);

CREATE TABLE aibridge_user_prompts (
    id                   TEXT PRIMARY KEY,
    interception_id      TEXT NOT NULL,
    provider_response_id TEXT NOT NULL DEFAULT '',
    prompt               TEXT NOT NULL,
    metadata             TEXT NOT NULL DEFAULT '{}',
    created_at           INTEGER NOT NULL
);
CREATE INDEX aibridge_user_prompts_interception ON aibridge_user_prompts
    (interception_id, created_at, id);

CREATE TABLE aibridge_tool_usages (
    id                    TEXT PRIMARY KEY,
    interception_id       TEXT NOT NULL,
    provider_response_id  TEXT NOT NULL DEFAULT '',
    provider_tool_call_id TEXT,
    provider_item_id      TEXT,
    tool                  TEXT NOT NULL,
    server_url            TEXT,
    input                 TEXT NOT NULL DEFAULT '',
    injected              INTEGER NOT NULL DEFAULT 0,
    invocation_error      TEXT,
    metadata              TEXT NOT NULL DEFAULT '{}',
    created_at            INTEGER NOT NULL
);
CREATE INDEX aibridge_tool_usages_interception ON aibridge_tool_usages
    (interception_id, created_at, id);

CREATE TABLE aibridge_model_thoughts (
    interception_id TEXT NOT NULL,
    content         TEXT NOT NULL,
    metadata        TEXT NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL
);
CREATE INDEX aibridge_model_thoughts_interception ON aibridge_model_thoughts
    (interception_id, created_at);

-- The AI Gateway sessions pages read these kept rows (refreshed per session by triggers,
-- rebuilt from the rollup views after bulk loads; migration 0010).
-- The number of sessions (the unfiltered page's count), kept with the order.
CREATE TABLE aibridge_session_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO aibridge_session_total VALUES (1, 0);
-- One row per session (`session_id`, initiator) with a completed interception, over its
-- completed interceptions: `last_active_at` = the newest prompt, else the first start.
CREATE TABLE aibridge_session_order (
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at INTEGER NOT NULL,
    max_started_at INTEGER NOT NULL,
    max_ended_at   INTEGER NOT NULL,
    threads        INTEGER NOT NULL,
    max_prompt_at  INTEGER,
    last_active_at INTEGER GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) VIRTUAL,
    providers      TEXT NOT NULL,                            -- JSON array of the distinct values
    models         TEXT NOT NULL,
    client         TEXT,                                     -- of the earliest interception
    metadata       TEXT,                                     -- of the earliest interception
    token_sums     TEXT NOT NULL,                            -- JSON [input, output, cache read, cache write]
    last_prompt    TEXT,                                     -- the newest prompt's text
    PRIMARY KEY (session_id, initiator_id)
) WITHOUT ROWID;
CREATE INDEX aibridge_session_order_active ON aibridge_session_order
    (last_active_at, session_id, initiator_id);
CREATE INDEX aibridge_session_order_initiator ON aibridge_session_order
    (initiator_id, last_active_at, session_id);
-- Time filters: sessions by first and last start, with what a page orders and shows.
CREATE INDEX aibridge_session_order_started ON aibridge_session_order
    (min_started_at, max_started_at, max_prompt_at, max_ended_at, threads);
CREATE INDEX aibridge_session_order_last_start ON aibridge_session_order
    (max_started_at, min_started_at, max_prompt_at, max_ended_at, threads);
CREATE TRIGGER aibridge_session_total_insert AFTER INSERT ON aibridge_session_order
BEGIN
    UPDATE aibridge_session_total SET n = n + 1;
END;
CREATE TRIGGER aibridge_session_total_delete AFTER DELETE ON aibridge_session_order
BEGIN
    UPDATE aibridge_session_total SET n = n - 1;
END;

-- The sets of value filters, as bits: provider 1, provider_name 2, model 4, client 8.
CREATE TABLE aibridge_session_facet_kinds (mask INTEGER PRIMARY KEY);
INSERT INTO aibridge_session_facet_kinds (mask)
VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);
-- Each set's values once: the values in bit order, each JSON-quoted and followed by a comma
-- (`"gpt-5","Codex",` for model and client). Never deleted: a value no session has any more
-- matches nothing.
CREATE TABLE aibridge_session_facet_values (
    id    INTEGER PRIMARY KEY,
    mask  INTEGER NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (mask, value)
);
-- A session's times over its completed interceptions with one set's values (client
-- `Unknown` when none): what a page filtered on those values orders by.
CREATE TABLE aibridge_session_facets (
    value_id       INTEGER NOT NULL,                         -- aibridge_session_facet_values
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at INTEGER NOT NULL,
    max_started_at INTEGER NOT NULL,
    max_ended_at   INTEGER NOT NULL,
    threads        INTEGER NOT NULL,
    max_prompt_at  INTEGER,
    last_active_at INTEGER GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) VIRTUAL,
    PRIMARY KEY (value_id, session_id, initiator_id)
) WITHOUT ROWID;
CREATE INDEX aibridge_session_facets_active ON aibridge_session_facets
    (value_id, last_active_at, session_id, initiator_id);
CREATE INDEX aibridge_session_facets_session ON aibridge_session_facets
    (session_id, initiator_id);

-- What the two tables hold, computed from the rows (a `WHERE` on the session's key reads
-- only that session's interceptions).
CREATE VIEW aibridge_session_order_rollup AS
SELECT ai.session_id, ai.initiator_id, min(ai.started_at) AS min_started_at,
       max(ai.started_at) AS max_started_at, max(ai.ended_at) AS max_ended_at,
       sum(ai.thread_root_id IS NULL) AS threads, max(ai.last_prompt_at) AS max_prompt_at,
       (SELECT json_group_array(DISTINCT s.provider) FROM aibridge_interceptions s
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL) AS providers,
       (SELECT json_group_array(DISTINCT s.model) FROM aibridge_interceptions s
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL) AS models,
       (SELECT s.client FROM aibridge_interceptions s
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL ORDER BY s.started_at, s.id LIMIT 1) AS client,
       (SELECT s.metadata FROM aibridge_interceptions s
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL ORDER BY s.started_at, s.id LIMIT 1) AS metadata,
       (SELECT json_array(COALESCE(sum(tu.input_tokens), 0), COALESCE(sum(tu.output_tokens), 0),
               COALESCE(sum(tu.cache_read_input_tokens), 0),
               COALESCE(sum(tu.cache_write_input_tokens), 0))
        FROM aibridge_interceptions s JOIN aibridge_token_usages tu ON tu.interception_id = s.id
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL) AS token_sums,
       (SELECT up.prompt FROM aibridge_interceptions s
        JOIN aibridge_user_prompts up ON up.interception_id = s.id
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL
        ORDER BY up.created_at DESC, up.id DESC LIMIT 1) AS last_prompt
FROM aibridge_interceptions ai WHERE ai.ended_at IS NOT NULL
GROUP BY ai.session_id, ai.initiator_id;
-- Each completed interception once per set, with that set's values.
CREATE VIEW aibridge_interception_facets AS
SELECT k.mask AS mask,
       (CASE WHEN k.mask & 1 THEN json_quote(ai.provider) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 2 THEN json_quote(ai.provider_name) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 4 THEN json_quote(ai.model) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 8 THEN json_quote(COALESCE(ai.client, 'Unknown')) || ',' ELSE '' END)
           AS value,
       ai.session_id AS session_id, ai.initiator_id AS initiator_id, ai.started_at AS started_at,
       ai.ended_at AS ended_at, ai.thread_root_id AS thread_root_id,
       ai.last_prompt_at AS last_prompt_at, ai.id AS interception_id
FROM aibridge_interceptions ai CROSS JOIN aibridge_session_facet_kinds k
WHERE ai.ended_at IS NOT NULL;
-- What `aibridge_session_facets` holds (its values numbered first).
CREATE VIEW aibridge_session_facet_rollup AS
SELECT v.id AS value_id, f.session_id, f.initiator_id, min(f.started_at) AS min_started_at,
       max(f.started_at) AS max_started_at, max(f.ended_at) AS max_ended_at,
       sum(f.thread_root_id IS NULL) AS threads, max(f.last_prompt_at) AS max_prompt_at
FROM aibridge_interception_facets f
CROSS JOIN aibridge_session_facet_values v ON v.mask = f.mask AND v.value = f.value
GROUP BY v.id, f.session_id, f.initiator_id;

-- A row here recomputes that session's rows from the rollups (and goes away at once).
CREATE TABLE aibridge_session_refresh (
    session_id   TEXT NOT NULL,
    initiator_id TEXT NOT NULL
);
CREATE TRIGGER aibridge_session_refresh_run AFTER INSERT ON aibridge_session_refresh
BEGIN
    DELETE FROM aibridge_session_order
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
    INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_started_at,
        max_ended_at, threads, max_prompt_at, providers, models, client, metadata, token_sums,
        last_prompt)
    SELECT * FROM aibridge_session_order_rollup
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
    -- The facet rows in place: a value set the session no longer has goes, the others are
    -- written only where they change (most of them keep their index entries).
    INSERT OR IGNORE INTO aibridge_session_facet_values (mask, value)
    SELECT mask, value FROM aibridge_interception_facets
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
    DELETE FROM aibridge_session_facets
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id
      AND value_id NOT IN (SELECT v.id FROM aibridge_interception_facets f
                           JOIN aibridge_session_facet_values v ON v.mask = f.mask AND v.value = f.value
                           WHERE f.session_id = NEW.session_id AND f.initiator_id = NEW.initiator_id);
    INSERT INTO aibridge_session_facets (value_id, session_id, initiator_id, min_started_at,
        max_started_at, max_ended_at, threads, max_prompt_at)
    SELECT * FROM aibridge_session_facet_rollup
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id
    ON CONFLICT (value_id, session_id, initiator_id) DO UPDATE SET
        min_started_at = excluded.min_started_at, max_started_at = excluded.max_started_at,
        max_ended_at = excluded.max_ended_at, threads = excluded.threads,
        max_prompt_at = excluded.max_prompt_at
    WHERE min_started_at <> excluded.min_started_at OR max_started_at <> excluded.max_started_at
       OR max_ended_at <> excluded.max_ended_at OR threads <> excluded.threads
       OR max_prompt_at IS NOT excluded.max_prompt_at;
    DELETE FROM aibridge_session_refresh WHERE rowid = NEW.rowid;
END;

-- What refreshes a session: its completed interceptions coming, going or changing, and
-- their prompts and token usages (each prompt change also keeps the interception's
-- `last_prompt_at`).
CREATE TRIGGER aibridge_session_interception_insert AFTER INSERT ON aibridge_interceptions
WHEN NEW.ended_at IS NOT NULL
BEGIN
    INSERT INTO aibridge_session_refresh VALUES (NEW.session_id, NEW.initiator_id);
END;
CREATE TRIGGER aibridge_session_interception_delete AFTER DELETE ON aibridge_interceptions
WHEN OLD.ended_at IS NOT NULL
BEGIN
    INSERT INTO aibridge_session_refresh VALUES (OLD.session_id, OLD.initiator_id);
END;
CREATE TRIGGER aibridge_session_interception_update AFTER UPDATE OF
    initiator_id, provider, provider_name, model, started_at, ended_at, metadata, client,
    client_session_id, thread_root_id ON aibridge_interceptions
BEGIN
    INSERT INTO aibridge_session_refresh
    SELECT OLD.session_id, OLD.initiator_id UNION SELECT NEW.session_id, NEW.initiator_id;
END;
CREATE TRIGGER aibridge_session_prompt_insert AFTER INSERT ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = COALESCE(max(last_prompt_at, NEW.created_at), NEW.created_at)
    WHERE id = NEW.interception_id;
    -- A prompt as new as the session's newest: which is the last one takes the prompts' ids,
    -- so the session is recomputed. One newer than all moves only the newest prompt and time
    -- of the session and of its sets holding the prompt's interception; an older one, nothing.
    INSERT INTO aibridge_session_refresh
    SELECT so.session_id, so.initiator_id
    FROM aibridge_interceptions ai JOIN aibridge_session_order so
        ON so.session_id = ai.session_id AND so.initiator_id = ai.initiator_id
    WHERE ai.id = NEW.interception_id AND ai.ended_at IS NOT NULL
      AND so.max_prompt_at = NEW.created_at;
    UPDATE aibridge_session_order SET max_prompt_at = NEW.created_at, last_prompt = NEW.prompt
    WHERE (session_id, initiator_id) = (SELECT session_id, initiator_id FROM aibridge_interceptions
                                        WHERE id = NEW.interception_id AND ended_at IS NOT NULL)
      AND (max_prompt_at IS NULL OR max_prompt_at < NEW.created_at);
    UPDATE aibridge_session_facets SET max_prompt_at = NEW.created_at
    WHERE (session_id, initiator_id) = (SELECT session_id, initiator_id FROM aibridge_interceptions
                                        WHERE id = NEW.interception_id AND ended_at IS NOT NULL)
      AND value_id IN (SELECT v.id FROM aibridge_interception_facets f
                       JOIN aibridge_session_facet_values v ON v.mask = f.mask AND v.value = f.value
                       WHERE f.interception_id = NEW.interception_id)
      AND (max_prompt_at IS NULL OR max_prompt_at < NEW.created_at);
END;
CREATE TRIGGER aibridge_session_prompt_change AFTER UPDATE OF interception_id, created_at, prompt
    ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = (SELECT max(p.created_at) FROM aibridge_user_prompts p
                          WHERE p.interception_id = aibridge_interceptions.id)
    WHERE id IN (OLD.interception_id, NEW.interception_id);
    INSERT INTO aibridge_session_refresh
    SELECT DISTINCT session_id, initiator_id FROM aibridge_interceptions
    WHERE id IN (OLD.interception_id, NEW.interception_id) AND ended_at IS NOT NULL;
END;
CREATE TRIGGER aibridge_session_prompt_delete AFTER DELETE ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = (SELECT max(p.created_at) FROM aibridge_user_prompts p
                          WHERE p.interception_id = OLD.interception_id)
    WHERE id = OLD.interception_id;
    INSERT INTO aibridge_session_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = OLD.interception_id AND ended_at IS NOT NULL;
END;
-- A token usage changes only its session's sums: a row here recomputes them alone.
CREATE TABLE aibridge_session_token_refresh (
    session_id   TEXT NOT NULL,
    initiator_id TEXT NOT NULL
);
CREATE TRIGGER aibridge_session_token_refresh_run AFTER INSERT ON aibridge_session_token_refresh
BEGIN
    UPDATE aibridge_session_order SET token_sums = (
        SELECT json_array(COALESCE(sum(tu.input_tokens), 0), COALESCE(sum(tu.output_tokens), 0),
               COALESCE(sum(tu.cache_read_input_tokens), 0),
               COALESCE(sum(tu.cache_write_input_tokens), 0))
        FROM aibridge_interceptions s JOIN aibridge_token_usages tu ON tu.interception_id = s.id
        WHERE s.session_id = NEW.session_id AND s.initiator_id = NEW.initiator_id
          AND s.ended_at IS NOT NULL)
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
    DELETE FROM aibridge_session_token_refresh WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER aibridge_session_tokens_insert AFTER INSERT ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_token_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = NEW.interception_id AND ended_at IS NOT NULL;
END;
CREATE TRIGGER aibridge_session_tokens_change AFTER UPDATE OF interception_id, input_tokens,
    output_tokens, cache_read_input_tokens, cache_write_input_tokens ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_token_refresh
    SELECT DISTINCT session_id, initiator_id FROM aibridge_interceptions
    WHERE id IN (OLD.interception_id, NEW.interception_id) AND ended_at IS NOT NULL;
END;
CREATE TRIGGER aibridge_session_tokens_delete AFTER DELETE ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_token_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = OLD.interception_id AND ended_at IS NOT NULL;
END;

CREATE TABLE audit_logs (
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
-- Pages come in `time DESC, seq DESC` order. Every filter index is `(column, time)`: SQLite
-- appends the rowid (`seq`), so its entries are in page order and a page or OFFSET walks
-- index entries only. The unique index on `id` is a named index, not a column constraint,
-- so bulk loads can drop it and build it once after the rows are in.
CREATE UNIQUE INDEX audit_logs_id ON audit_logs (id);
CREATE INDEX audit_logs_time ON audit_logs (time);
-- The user, target and organization indexes also carry the dimension columns (after `seq`,
-- so entries stay in page order): a user's or target's rows filtered by organization, type,
-- action or build reason, and an organization's by type, action or build reason, are
-- checked in the index without reading the rows (~14 µs a row otherwise).
CREATE INDEX audit_logs_user_time ON audit_logs
    (user_id, time, seq, organization_id, resource_type, action, build_reason);
CREATE INDEX audit_logs_type_action_time ON audit_logs (resource_type, action, time);
CREATE INDEX audit_logs_action_time ON audit_logs (action, time);
CREATE INDEX audit_logs_org_time ON audit_logs
    (organization_id, time, seq, resource_type, action, build_reason);
CREATE INDEX audit_logs_type_time ON audit_logs (resource_type, time);
CREATE INDEX audit_logs_resource_id ON audit_logs (resource_id, time);
CREATE INDEX audit_logs_request_id ON audit_logs (request_id, time);
CREATE INDEX audit_logs_target_time ON audit_logs
    (resource_target COLLATE NOCASE, time, seq, organization_id, resource_type, action, build_reason);
CREATE INDEX audit_logs_build_reason_time ON audit_logs (build_reason, time) WHERE build_reason IS NOT NULL;

-- Exact counts for `GET /audit` without walking up to a million index entries: rows per
-- (organization, resource type, action, build reason), all time and per UTC day (day =
-- floor(time / 86400 s)), kept by triggers in the same transaction as every insert and
-- delete. store/audit_counts.rs answers counts from them when only these columns (and
-- whole-day date bounds) are filtered; the per-day totals let a deep OFFSET skip whole
-- days. Bulk loaders may drop the triggers and call
-- `store::audit_counts::rebuild` afterwards.
CREATE TABLE audit_log_counts (
    organization_id TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    action          TEXT NOT NULL,
    build_reason    TEXT NOT NULL,                           -- '' for NULL
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

-- The audit log is append-only: rows are never edited in place (retention deletes whole rows).
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs rows are append-only');
END;

-- Connection logs (migration 0007).
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
-- Every index holds `seq` right after `connect_time` (page order: no sort), then the
-- columns the other filters check in the index (migration 0008). `connection_logs_time`:
-- the unfiltered page and every time-range filter, covering for the counters' columns.
CREATE INDEX connection_logs_time ON connection_logs
    (connect_time, seq, organization_id, type, state);
CREATE INDEX connection_logs_org_time ON connection_logs
    (organization_id, connect_time, seq, type, state);
CREATE INDEX connection_logs_type_time ON connection_logs (type, connect_time, seq, state);
CREATE INDEX connection_logs_state_time ON connection_logs (state, connect_time, seq, type);
CREATE INDEX connection_logs_owner_time ON connection_logs
    (workspace_owner_id, connect_time, seq, type, state);
CREATE INDEX connection_logs_user_time ON connection_logs
    (user_id, connect_time, seq, type, state) WHERE user_id IS NOT NULL;
CREATE INDEX connection_logs_workspace_time ON connection_logs
    (workspace_id, connect_time, seq, type, state);

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

-- Exact counts for one workspace owner, workspace or user (with type and status): rows per
-- key (`o:` owner id, `w:` workspace id, `u:` user id), type and state, kept by the triggers
-- below. A count of the busiest owner's 30,000 rows read the index in 3.5 ms; this is one
-- short range of a small table.
CREATE TABLE connection_log_key_counts (
    key   TEXT NOT NULL,
    type  TEXT NOT NULL,
    state TEXT NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (key, type, state)
) WITHOUT ROWID;

CREATE TRIGGER connection_logs_key_counts_insert AFTER INSERT ON connection_logs
BEGIN
    INSERT INTO connection_log_key_counts (key, type, state, n)
    SELECT k, NEW.type, NEW.state, 1 FROM (
        SELECT 'o:' || NEW.workspace_owner_id AS k
        UNION ALL SELECT 'w:' || NEW.workspace_id
        UNION ALL SELECT 'u:' || NEW.user_id WHERE NEW.user_id IS NOT NULL) WHERE true
    ON CONFLICT (key, type, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER connection_logs_key_counts_delete AFTER DELETE ON connection_logs
BEGIN
    UPDATE connection_log_key_counts SET n = n - 1
    WHERE type = OLD.type AND state = OLD.state
      AND key IN ('o:' || OLD.workspace_owner_id, 'w:' || OLD.workspace_id, 'u:' || OLD.user_id);
    DELETE FROM connection_log_key_counts
    WHERE type = OLD.type AND state = OLD.state AND n <= 0
      AND key IN ('o:' || OLD.workspace_owner_id, 'w:' || OLD.workspace_id, 'u:' || OLD.user_id);
END;

CREATE TRIGGER connection_logs_key_counts_update AFTER UPDATE OF
    workspace_owner_id, workspace_id, user_id, type, disconnect_time ON connection_logs
BEGIN
    UPDATE connection_log_key_counts SET n = n - 1
    WHERE type = OLD.type AND state = OLD.state
      AND key IN ('o:' || OLD.workspace_owner_id, 'w:' || OLD.workspace_id, 'u:' || OLD.user_id);
    DELETE FROM connection_log_key_counts
    WHERE type = OLD.type AND state = OLD.state AND n <= 0
      AND key IN ('o:' || OLD.workspace_owner_id, 'w:' || OLD.workspace_id, 'u:' || OLD.user_id);
    INSERT INTO connection_log_key_counts (key, type, state, n)
    SELECT k, NEW.type, NEW.state, 1 FROM (
        SELECT 'o:' || NEW.workspace_owner_id AS k
        UNION ALL SELECT 'w:' || NEW.workspace_id
        UNION ALL SELECT 'u:' || NEW.user_id WHERE NEW.user_id IS NOT NULL) WHERE true
    ON CONFLICT (key, type, state) DO UPDATE SET n = n + 1;
END;

