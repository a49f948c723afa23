-- Version 9 → 10: every AI Gateway sessions page reads kept rows instead of grouping
-- interceptions. `aibridge_session_order` now holds all a page shows of a session (times,
-- threads, activity, providers, models, client, metadata, token sums, last prompt), and
-- `aibridge_session_facets` the same times per provider, provider name, model and client,
-- for the filters on single interceptions. Both are refreshed per session by one trigger
-- from the `*_rollup` views, which bulk loads use to rebuild them.
DROP TRIGGER aibridge_session_order_interception_insert;
DROP TRIGGER aibridge_session_order_prompt_insert;
DROP TRIGGER aibridge_session_order_interception_delete;
DROP TRIGGER aibridge_session_order_interception_update;
DROP TRIGGER aibridge_session_order_prompt_change;
DROP TRIGGER aibridge_session_order_prompt_delete;
DROP TABLE aibridge_session_order;

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

-- A session's times over its completed interceptions with one provider, provider name,
-- model or client (`Unknown` when none): what a page filtered on that value orders by.
CREATE TABLE aibridge_session_facets (
    facet          TEXT NOT NULL,                            -- provider, provider_name, model, client
    value          TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    initiator_id   TEXT NOT NULL,
    min_started_at INTEGER NOT NULL,
    max_started_at INTEGER NOT NULL,
    max_ended_at   INTEGER NOT NULL,
    threads        INTEGER NOT NULL,
    max_prompt_at  INTEGER,
    last_active_at INTEGER GENERATED ALWAYS AS (COALESCE(max_prompt_at, min_started_at)) VIRTUAL,
    PRIMARY KEY (facet, value, session_id, initiator_id)
) WITHOUT ROWID;
CREATE INDEX aibridge_session_facets_active ON aibridge_session_facets
    (facet, value, last_active_at, session_id, initiator_id);
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
CREATE VIEW aibridge_session_facet_rollup AS
SELECT 'provider' AS facet, provider AS value, session_id, initiator_id,
       min(started_at) AS min_started_at, max(started_at) AS max_started_at,
       max(ended_at) AS max_ended_at, sum(thread_root_id IS NULL) AS threads,
       max(last_prompt_at) AS max_prompt_at
FROM aibridge_interceptions WHERE ended_at IS NOT NULL GROUP BY provider, session_id, initiator_id
UNION ALL
SELECT 'provider_name', provider_name, session_id, initiator_id, min(started_at), max(started_at),
       max(ended_at), sum(thread_root_id IS NULL), max(last_prompt_at)
FROM aibridge_interceptions WHERE ended_at IS NOT NULL
GROUP BY provider_name, session_id, initiator_id
UNION ALL
SELECT 'model', model, session_id, initiator_id, min(started_at), max(started_at),
       max(ended_at), sum(thread_root_id IS NULL), max(last_prompt_at)
FROM aibridge_interceptions WHERE ended_at IS NOT NULL GROUP BY model, session_id, initiator_id
UNION ALL
SELECT 'client', COALESCE(client, 'Unknown'), session_id, initiator_id, min(started_at),
       max(started_at), max(ended_at), sum(thread_root_id IS NULL), max(last_prompt_at)
FROM aibridge_interceptions WHERE ended_at IS NOT NULL
GROUP BY COALESCE(client, 'Unknown'), session_id, initiator_id;

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
    DELETE FROM aibridge_session_facets
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
    INSERT INTO aibridge_session_facets (facet, value, session_id, initiator_id, min_started_at,
        max_started_at, max_ended_at, threads, max_prompt_at)
    SELECT * FROM aibridge_session_facet_rollup
    WHERE session_id = NEW.session_id AND initiator_id = NEW.initiator_id;
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
    INSERT INTO aibridge_session_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = NEW.interception_id AND ended_at IS NOT NULL;
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
CREATE TRIGGER aibridge_session_tokens_insert AFTER INSERT ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = NEW.interception_id AND ended_at IS NOT NULL;
END;
CREATE TRIGGER aibridge_session_tokens_change AFTER UPDATE OF interception_id, input_tokens,
    output_tokens, cache_read_input_tokens, cache_write_input_tokens ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_refresh
    SELECT DISTINCT session_id, initiator_id FROM aibridge_interceptions
    WHERE id IN (OLD.interception_id, NEW.interception_id) AND ended_at IS NOT NULL;
END;
CREATE TRIGGER aibridge_session_tokens_delete AFTER DELETE ON aibridge_token_usages
BEGIN
    INSERT INTO aibridge_session_refresh
    SELECT session_id, initiator_id FROM aibridge_interceptions
    WHERE id = OLD.interception_id AND ended_at IS NOT NULL;
END;

INSERT INTO aibridge_session_order (session_id, initiator_id, min_started_at, max_started_at,
    max_ended_at, threads, max_prompt_at, providers, models, client, metadata, token_sums,
    last_prompt)
SELECT * FROM aibridge_session_order_rollup;
INSERT INTO aibridge_session_facets (facet, value, session_id, initiator_id, min_started_at,
    max_started_at, max_ended_at, threads, max_prompt_at)
SELECT * FROM aibridge_session_facet_rollup;
UPDATE aibridge_session_total SET n = (SELECT count(*) FROM aibridge_session_order);
