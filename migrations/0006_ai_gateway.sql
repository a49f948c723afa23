-- Version 5 → 6: AI Gateway sessions, as Coder stores them. Interceptions carry the client's
-- session id and their thread lineage (root and parent interception), the credential they
-- used and how they failed; `session_id` is derived like Coder's generated column. Token
-- usages, user prompts, tool usages and model thoughts hang off an interception (no foreign
-- keys, as in Coder). Existing interceptions keep their rows: each is its own session and
-- thread (no client session id, no root), with Coder's defaults for the credential.
ALTER TABLE aibridge_interceptions ADD COLUMN client_session_id TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN thread_parent_id TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN thread_root_id TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN credential_kind TEXT NOT NULL DEFAULT 'centralized';
ALTER TABLE aibridge_interceptions ADD COLUMN credential_hint TEXT NOT NULL DEFAULT '';
ALTER TABLE aibridge_interceptions ADD COLUMN agent_firewall_session_id TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN agent_firewall_sequence_number INTEGER;
ALTER TABLE aibridge_interceptions ADD COLUMN error_type TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN error_message TEXT;
ALTER TABLE aibridge_interceptions ADD COLUMN session_id TEXT
    GENERATED ALWAYS AS (COALESCE(client_session_id, thread_root_id, id)) VIRTUAL;
-- coderlite's own: the newest prompt's `created_at`, kept by the prompt triggers below.
ALTER TABLE aibridge_interceptions ADD COLUMN last_prompt_at INTEGER;

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
CREATE INDEX aibridge_interceptions_model ON aibridge_interceptions (model)
    WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_client ON aibridge_interceptions (client)
    WHERE ended_at IS NOT NULL;
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

-- The sessions page's order, kept by the triggers below (and rebuilt after bulk loads): one
-- row per session (`session_id`, initiator) with a completed interception, and its
-- `last_active_at` = the newest prompt of its completed interceptions, else their first
-- start. Only the order and the count come from here; every field a page shows is read
-- from the interceptions and their usages.
CREATE TABLE aibridge_session_order (
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at INTEGER NOT NULL,
    max_prompt_at  INTEGER,
    last_active_at INTEGER GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) VIRTUAL,
    PRIMARY KEY (session_id, initiator_id)
) WITHOUT ROWID;
CREATE INDEX aibridge_session_order_active ON aibridge_session_order
    (last_active_at, session_id, initiator_id);
CREATE INDEX aibridge_session_order_initiator ON aibridge_session_order
    (initiator_id, last_active_at, session_id);
-- The number of sessions (the unfiltered page's count), kept with the order.
CREATE TABLE aibridge_session_total (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO aibridge_session_total VALUES (1, 0);
CREATE TRIGGER aibridge_session_total_insert AFTER INSERT ON aibridge_session_order
BEGIN
    UPDATE aibridge_session_total SET n = n + 1;
END;
CREATE TRIGGER aibridge_session_total_delete AFTER DELETE ON aibridge_session_order
BEGIN
    UPDATE aibridge_session_total SET n = n - 1;
END;

CREATE TRIGGER aibridge_session_order_interception_insert AFTER INSERT ON aibridge_interceptions
WHEN NEW.ended_at IS NOT NULL
BEGIN
    INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_prompt_at)
    VALUES (NEW.session_id, NEW.initiator_id, NEW.started_at, NEW.last_prompt_at)
    ON CONFLICT DO UPDATE SET
        min_started_at = min(min_started_at, excluded.min_started_at),
        max_prompt_at = COALESCE(max(max_prompt_at, excluded.max_prompt_at), max_prompt_at,
                                 excluded.max_prompt_at);
END;
CREATE TRIGGER aibridge_session_order_prompt_insert AFTER INSERT ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = COALESCE(max(last_prompt_at, NEW.created_at), NEW.created_at)
    WHERE id = NEW.interception_id;
    UPDATE aibridge_session_order
    SET max_prompt_at = COALESCE(max(max_prompt_at, NEW.created_at), NEW.created_at)
    WHERE (session_id, initiator_id) = (SELECT session_id, initiator_id FROM aibridge_interceptions
                                        WHERE id = NEW.interception_id AND ended_at IS NOT NULL);
END;
-- Deletes and edits (SQL by hand, retention) recompute the sessions they touch.
CREATE TRIGGER aibridge_session_order_interception_delete AFTER DELETE ON aibridge_interceptions
WHEN OLD.ended_at IS NOT NULL
BEGIN
    DELETE FROM aibridge_session_order
    WHERE session_id = OLD.session_id AND initiator_id = OLD.initiator_id;
    INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_prompt_at)
    SELECT ai.session_id, ai.initiator_id, min(ai.started_at),
           max(ai.last_prompt_at)
    FROM aibridge_interceptions ai
    WHERE ai.session_id = OLD.session_id AND ai.initiator_id = OLD.initiator_id
      AND ai.ended_at IS NOT NULL
    GROUP BY ai.session_id, ai.initiator_id;
END;
CREATE TRIGGER aibridge_session_order_interception_update AFTER UPDATE OF
    initiator_id, started_at, ended_at, client_session_id, thread_root_id ON aibridge_interceptions
BEGIN
    DELETE FROM aibridge_session_order
    WHERE (session_id = OLD.session_id AND initiator_id = OLD.initiator_id)
       OR (session_id = NEW.session_id AND initiator_id = NEW.initiator_id);
    INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_prompt_at)
    SELECT ai.session_id, ai.initiator_id, min(ai.started_at),
           max(ai.last_prompt_at)
    FROM aibridge_interceptions ai
    WHERE ((ai.session_id = OLD.session_id AND ai.initiator_id = OLD.initiator_id)
        OR (ai.session_id = NEW.session_id AND ai.initiator_id = NEW.initiator_id))
      AND ai.ended_at IS NOT NULL
    GROUP BY ai.session_id, ai.initiator_id;
END;
CREATE TRIGGER aibridge_session_order_prompt_change AFTER UPDATE OF interception_id, created_at
    ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = (SELECT max(p.created_at) FROM aibridge_user_prompts p
                          WHERE p.interception_id = aibridge_interceptions.id)
    WHERE id IN (OLD.interception_id, NEW.interception_id);
    UPDATE aibridge_session_order
    SET max_prompt_at = (SELECT max(ai.last_prompt_at) FROM aibridge_interceptions ai
                         WHERE ai.session_id = aibridge_session_order.session_id
                           AND ai.initiator_id = aibridge_session_order.initiator_id
                           AND ai.ended_at IS NOT NULL)
    WHERE (session_id, initiator_id) IN (SELECT session_id, initiator_id FROM aibridge_interceptions
                                         WHERE id IN (OLD.interception_id, NEW.interception_id));
END;
CREATE TRIGGER aibridge_session_order_prompt_delete AFTER DELETE ON aibridge_user_prompts
BEGIN
    UPDATE aibridge_interceptions
    SET last_prompt_at = (SELECT max(p.created_at) FROM aibridge_user_prompts p
                          WHERE p.interception_id = OLD.interception_id)
    WHERE id = OLD.interception_id;
    UPDATE aibridge_session_order
    SET max_prompt_at = (SELECT max(ai.last_prompt_at) FROM aibridge_interceptions ai
                         WHERE ai.session_id = aibridge_session_order.session_id
                           AND ai.initiator_id = aibridge_session_order.initiator_id
                           AND ai.ended_at IS NOT NULL)
    WHERE (session_id, initiator_id) IN (SELECT session_id, initiator_id FROM aibridge_interceptions
                                         WHERE id = OLD.interception_id);
END;

INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_prompt_at)
SELECT session_id, initiator_id, min(started_at), NULL
FROM aibridge_interceptions WHERE ended_at IS NOT NULL
GROUP BY session_id, initiator_id;
