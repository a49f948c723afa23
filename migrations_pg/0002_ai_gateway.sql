-- coderlite on PostgreSQL, schema step 2: the AI Gateway's rows (interceptions' children)
-- and the sessions' kept rows, as schema.sql has them (migrations 0006, 0009-0011 there).
-- SQLite's statement triggers become PL/pgSQL: a session's refresh is one function, called
-- by the triggers of what changes it (SQLite queues it through a table).

CREATE INDEX aibridge_interceptions_session ON aibridge_interceptions
    (session_id, initiator_id, started_at, id, ended_at, thread_root_id, last_prompt_at,
     provider, provider_name, model, client) WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_thread_roots ON aibridge_interceptions
    (session_id, started_at, id) WHERE ended_at IS NOT NULL AND thread_root_id IS NULL;
CREATE INDEX aibridge_interceptions_thread_root ON aibridge_interceptions (thread_root_id)
    WHERE thread_root_id IS NOT NULL;
CREATE INDEX aibridge_interceptions_model ON aibridge_interceptions
    (model, session_id, initiator_id, started_at, ended_at, thread_root_id, last_prompt_at)
    WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_client ON aibridge_interceptions (client)
    WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_client_session ON aibridge_interceptions
    (COALESCE(client, 'Unknown'), session_id, initiator_id, started_at, ended_at,
     thread_root_id, last_prompt_at) WHERE ended_at IS NOT NULL;
CREATE INDEX aibridge_interceptions_provider_name ON aibridge_interceptions
    (provider_name, started_at, provider) WHERE ended_at IS NOT NULL;

CREATE TABLE aibridge_token_usages (
    id                       TEXT PRIMARY KEY,
    interception_id          TEXT NOT NULL,
    provider_response_id     TEXT NOT NULL DEFAULT '',
    input_tokens             BIGINT NOT NULL DEFAULT 0,
    output_tokens            BIGINT NOT NULL DEFAULT 0,
    cache_read_input_tokens  BIGINT NOT NULL DEFAULT 0,
    cache_write_input_tokens BIGINT NOT NULL DEFAULT 0,
    metadata                 TEXT NOT NULL DEFAULT '{}',
    created_at               BIGINT NOT NULL
);
CREATE INDEX aibridge_token_usages_interception ON aibridge_token_usages
    (interception_id, input_tokens, output_tokens, cache_read_input_tokens, cache_write_input_tokens);

CREATE TABLE aibridge_user_prompts (
    id                   TEXT PRIMARY KEY,
    interception_id      TEXT NOT NULL,
    provider_response_id TEXT NOT NULL DEFAULT '',
    prompt               TEXT NOT NULL,
    metadata             TEXT NOT NULL DEFAULT '{}',
    created_at           BIGINT NOT NULL
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
    injected              SMALLINT NOT NULL DEFAULT 0,
    invocation_error      TEXT,
    metadata              TEXT NOT NULL DEFAULT '{}',
    created_at            BIGINT NOT NULL
);
CREATE INDEX aibridge_tool_usages_interception ON aibridge_tool_usages
    (interception_id, created_at, id);

-- `rowid` is SQLite's implicit insertion order, which the thoughts of one instant keep.
CREATE TABLE aibridge_model_thoughts (
    interception_id TEXT NOT NULL,
    content         TEXT NOT NULL,
    metadata        TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL,
    rowid           BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX aibridge_model_thoughts_interception ON aibridge_model_thoughts
    (interception_id, created_at, rowid);

CREATE TABLE aibridge_session_total (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO aibridge_session_total VALUES (1, 0);
CREATE TABLE aibridge_session_order (
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at BIGINT NOT NULL,
    max_started_at BIGINT NOT NULL,
    max_ended_at   BIGINT NOT NULL,
    threads        BIGINT NOT NULL,
    max_prompt_at  BIGINT,
    last_active_at BIGINT GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) STORED,
    providers      TEXT NOT NULL,
    models         TEXT NOT NULL,
    client         TEXT,
    metadata       TEXT,
    token_sums     TEXT NOT NULL,
    last_prompt    TEXT,
    PRIMARY KEY (session_id, initiator_id)
);
CREATE INDEX aibridge_session_order_active ON aibridge_session_order
    (last_active_at, session_id, initiator_id);
CREATE INDEX aibridge_session_order_initiator ON aibridge_session_order
    (initiator_id, last_active_at, session_id);
CREATE INDEX aibridge_session_order_started ON aibridge_session_order
    (min_started_at, max_started_at, max_prompt_at, max_ended_at, threads);
CREATE INDEX aibridge_session_order_last_start ON aibridge_session_order
    (max_started_at, min_started_at, max_prompt_at, max_ended_at, threads);

CREATE FUNCTION aibridge_session_total_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE aibridge_session_total SET n = n + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    RETURN NULL;
END $$;
CREATE TRIGGER aibridge_session_total_count AFTER INSERT OR DELETE ON aibridge_session_order
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_total_count();

CREATE TABLE aibridge_session_facet_kinds (mask BIGINT PRIMARY KEY);
INSERT INTO aibridge_session_facet_kinds (mask)
VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);
CREATE TABLE aibridge_session_facet_values (
    id    BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    mask  BIGINT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (mask, value)
);
CREATE TABLE aibridge_session_facets (
    value_id       BIGINT NOT NULL,
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at BIGINT NOT NULL,
    max_started_at BIGINT NOT NULL,
    max_ended_at   BIGINT NOT NULL,
    threads        BIGINT NOT NULL,
    max_prompt_at  BIGINT,
    last_active_at BIGINT GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) STORED,
    PRIMARY KEY (value_id, session_id, initiator_id)
);
CREATE INDEX aibridge_session_facets_active ON aibridge_session_facets
    (value_id, last_active_at, session_id, initiator_id);
CREATE INDEX aibridge_session_facets_session ON aibridge_session_facets
    (session_id, initiator_id);

-- JSON for the kept rows, as SQLite's json_array(a, b, c, d) writes it.
CREATE FUNCTION json_array(a BIGINT, b BIGINT, c BIGINT, d BIGINT) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT json_build_array(a, b, c, d)::text $$;

-- A session's token sums over its completed interceptions: [input, output, cache read,
-- cache write] (the rollup view and the token refresh both write them).
CREATE FUNCTION aibridge_session_token_sums(sid TEXT, iid TEXT) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_array(COALESCE(sum(tu.input_tokens), 0)::bigint,
           COALESCE(sum(tu.output_tokens), 0)::bigint,
           COALESCE(sum(tu.cache_read_input_tokens), 0)::bigint,
           COALESCE(sum(tu.cache_write_input_tokens), 0)::bigint)
    FROM aibridge_interceptions s JOIN aibridge_token_usages tu ON tu.interception_id = s.id
    WHERE s.session_id = sid AND s.initiator_id = iid AND s.ended_at IS NOT NULL
$$;

CREATE VIEW aibridge_session_order_rollup AS
SELECT ai.session_id, ai.initiator_id, min(ai.started_at) AS min_started_at,
       max(ai.started_at) AS max_started_at, max(ai.ended_at) AS max_ended_at,
       count(*) FILTER (WHERE ai.thread_root_id IS NULL) AS threads,
       max(ai.last_prompt_at) AS max_prompt_at,
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
       aibridge_session_token_sums(ai.session_id, ai.initiator_id) AS token_sums,
       (SELECT up.prompt FROM aibridge_interceptions s
        JOIN aibridge_user_prompts up ON up.interception_id = s.id
        WHERE s.session_id = ai.session_id AND s.initiator_id = ai.initiator_id
          AND s.ended_at IS NOT NULL
        ORDER BY up.created_at DESC, up.id DESC LIMIT 1) AS last_prompt
FROM aibridge_interceptions ai WHERE ai.ended_at IS NOT NULL
GROUP BY ai.session_id, ai.initiator_id;

CREATE VIEW aibridge_interception_facets AS
SELECT k.mask AS mask,
       (CASE WHEN k.mask & 1 <> 0 THEN json_quote(ai.provider) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 2 <> 0 THEN json_quote(ai.provider_name) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 4 <> 0 THEN json_quote(ai.model) || ',' ELSE '' END) ||
       (CASE WHEN k.mask & 8 <> 0 THEN json_quote(COALESCE(ai.client, 'Unknown')) || ',' ELSE '' END)
           AS value,
       ai.session_id AS session_id, ai.initiator_id AS initiator_id, ai.started_at AS started_at,
       ai.ended_at AS ended_at, ai.thread_root_id AS thread_root_id,
       ai.last_prompt_at AS last_prompt_at, ai.id AS interception_id
FROM aibridge_interceptions ai CROSS JOIN aibridge_session_facet_kinds k
WHERE ai.ended_at IS NOT NULL;

CREATE VIEW aibridge_session_facet_rollup AS
SELECT v.id AS value_id, f.session_id, f.initiator_id, min(f.started_at) AS min_started_at,
       max(f.started_at) AS max_started_at, max(f.ended_at) AS max_ended_at,
       count(*) FILTER (WHERE f.thread_root_id IS NULL) AS threads,
       max(f.last_prompt_at) AS max_prompt_at
FROM aibridge_interception_facets f
JOIN aibridge_session_facet_values v ON v.mask = f.mask AND v.value = f.value
GROUP BY v.id, f.session_id, f.initiator_id;

-- Recomputes one session's kept rows from the rollups (SQLite: aibridge_session_refresh_run).
CREATE FUNCTION aibridge_session_refresh(sid TEXT, iid TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF sid IS NULL OR iid IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM aibridge_session_order WHERE session_id = sid AND initiator_id = iid;
    INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_started_at,
        max_ended_at, threads, max_prompt_at, providers, models, client, metadata, token_sums,
        last_prompt)
    SELECT * FROM aibridge_session_order_rollup WHERE session_id = sid AND initiator_id = iid;
    INSERT INTO aibridge_session_facet_values (mask, value)
    SELECT DISTINCT mask, value FROM aibridge_interception_facets
    WHERE session_id = sid AND initiator_id = iid
    ON CONFLICT DO NOTHING;
    DELETE FROM aibridge_session_facets
    WHERE session_id = sid AND initiator_id = iid
      AND value_id NOT IN (SELECT v.id FROM aibridge_interception_facets f
                           JOIN aibridge_session_facet_values v ON v.mask = f.mask AND v.value = f.value
                           WHERE f.session_id = sid AND f.initiator_id = iid);
    INSERT INTO aibridge_session_facets AS sf (value_id, session_id, initiator_id, min_started_at,
        max_started_at, max_ended_at, threads, max_prompt_at)
    SELECT * FROM aibridge_session_facet_rollup WHERE session_id = sid AND initiator_id = iid
    ON CONFLICT (value_id, session_id, initiator_id) DO UPDATE SET
        min_started_at = excluded.min_started_at, max_started_at = excluded.max_started_at,
        max_ended_at = excluded.max_ended_at, threads = excluded.threads,
        max_prompt_at = excluded.max_prompt_at
    WHERE sf.min_started_at <> excluded.min_started_at OR sf.max_started_at <> excluded.max_started_at
       OR sf.max_ended_at <> excluded.max_ended_at OR sf.threads <> excluded.threads
       OR sf.max_prompt_at IS DISTINCT FROM excluded.max_prompt_at;
END $$;

CREATE FUNCTION aibridge_session_token_refresh(sid TEXT, iid TEXT) RETURNS void LANGUAGE sql AS $$
    UPDATE aibridge_session_order SET token_sums = aibridge_session_token_sums(sid, iid)
    WHERE session_id = sid AND initiator_id = iid;
$$;

-- What refreshes a session: its completed interceptions coming, going or changing.
CREATE FUNCTION aibridge_session_interceptions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.ended_at IS NOT NULL THEN
        PERFORM aibridge_session_refresh(OLD.session_id, OLD.initiator_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ended_at IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.session_id IS DISTINCT FROM OLD.session_id
            OR NEW.initiator_id IS DISTINCT FROM OLD.initiator_id OR OLD.ended_at IS NULL) THEN
        PERFORM aibridge_session_refresh(NEW.session_id, NEW.initiator_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER aibridge_session_interception_insert AFTER INSERT OR DELETE ON aibridge_interceptions
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_interceptions();
CREATE TRIGGER aibridge_session_interception_update AFTER UPDATE OF
    initiator_id, provider, provider_name, model, started_at, ended_at, metadata, client,
    client_session_id, thread_root_id ON aibridge_interceptions
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_interceptions();

-- Prompts keep their interception's `last_prompt_at` and the session's newest prompt.
CREATE FUNCTION aibridge_session_prompts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sid TEXT;
    iid TEXT;
    newest BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE aibridge_interceptions
        SET last_prompt_at = GREATEST(last_prompt_at, NEW.created_at)
        WHERE id = NEW.interception_id;
        SELECT session_id, initiator_id INTO sid, iid FROM aibridge_interceptions
        WHERE id = NEW.interception_id AND ended_at IS NOT NULL;
        IF sid IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT max_prompt_at INTO newest FROM aibridge_session_order
        WHERE session_id = sid AND initiator_id = iid;
        IF newest = NEW.created_at THEN
            -- A tie on the time: which prompt is the last takes the ids; recompute.
            PERFORM aibridge_session_refresh(sid, iid);
        ELSIF newest IS NULL OR newest < NEW.created_at THEN
            UPDATE aibridge_session_order SET max_prompt_at = NEW.created_at, last_prompt = NEW.prompt
            WHERE session_id = sid AND initiator_id = iid;
            UPDATE aibridge_session_facets SET max_prompt_at = NEW.created_at
            WHERE session_id = sid AND initiator_id = iid
              AND value_id IN (SELECT v.id FROM aibridge_interception_facets f
                               JOIN aibridge_session_facet_values v
                                 ON v.mask = f.mask AND v.value = f.value
                               WHERE f.interception_id = NEW.interception_id)
              AND (max_prompt_at IS NULL OR max_prompt_at < NEW.created_at);
        END IF;
        RETURN NULL;
    END IF;
    UPDATE aibridge_interceptions
    SET last_prompt_at = (SELECT max(p.created_at) FROM aibridge_user_prompts p
                          WHERE p.interception_id = aibridge_interceptions.id)
    WHERE id = OLD.interception_id OR (TG_OP = 'UPDATE' AND id = NEW.interception_id);
    FOR sid, iid IN
        SELECT DISTINCT session_id, initiator_id FROM aibridge_interceptions
        WHERE (id = OLD.interception_id OR (TG_OP = 'UPDATE' AND id = NEW.interception_id))
          AND ended_at IS NOT NULL
    LOOP
        PERFORM aibridge_session_refresh(sid, iid);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER aibridge_session_prompt_insert AFTER INSERT OR DELETE ON aibridge_user_prompts
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_prompts();
CREATE TRIGGER aibridge_session_prompt_change AFTER UPDATE OF interception_id, created_at, prompt
    ON aibridge_user_prompts FOR EACH ROW EXECUTE FUNCTION aibridge_session_prompts();

-- A token usage changes only its session's sums.
CREATE FUNCTION aibridge_session_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sid TEXT;
    iid TEXT;
BEGIN
    FOR sid, iid IN
        SELECT DISTINCT session_id, initiator_id FROM aibridge_interceptions
        WHERE (TG_OP <> 'INSERT' AND id = OLD.interception_id)
           OR (TG_OP <> 'DELETE' AND id = NEW.interception_id)
    LOOP
        PERFORM aibridge_session_token_refresh(sid, iid);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER aibridge_session_tokens_insert AFTER INSERT OR DELETE ON aibridge_token_usages
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_tokens();
CREATE TRIGGER aibridge_session_tokens_change AFTER UPDATE OF interception_id, input_tokens,
    output_tokens, cache_read_input_tokens, cache_write_input_tokens ON aibridge_token_usages
    FOR EACH ROW EXECUTE FUNCTION aibridge_session_tokens();
