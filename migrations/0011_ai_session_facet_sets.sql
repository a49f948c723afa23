-- Version 10 → 11: a session's times per value of every set of value filters, not only of
-- one. `aibridge_session_facets` held a row per (provider | provider_name | model | client
-- value, session); it now holds one per (set of those four with its values, session), so a
-- page filtered on any of them together (say a model and a client) reads its rows in order
-- as a page on one does. The sets and their values are numbered in
-- `aibridge_session_facet_values`, which keeps the rows narrow. A token usage's write
-- recomputes only its session's token sums (what it changes) instead of the whole session,
-- and a new prompt only the newest prompt and its time where it is the session's newest.
DROP TRIGGER aibridge_session_refresh_run;
DROP TRIGGER aibridge_session_tokens_insert;
DROP TRIGGER aibridge_session_tokens_change;
DROP TRIGGER aibridge_session_tokens_delete;
DROP TRIGGER aibridge_session_prompt_insert;
DROP VIEW aibridge_session_facet_rollup;
DROP TABLE aibridge_session_facets;

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

INSERT INTO aibridge_session_facet_values (mask, value)
SELECT DISTINCT mask, value FROM aibridge_interception_facets;
INSERT INTO aibridge_session_facets (value_id, session_id, initiator_id, min_started_at,
    max_started_at, max_ended_at, threads, max_prompt_at)
SELECT * FROM aibridge_session_facet_rollup;
