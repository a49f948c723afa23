//! Upgrading an existing database reaches the same schema as a new one, rows intact.

use coderlite::db::migrate::migrate;
use rusqlite::Connection;

/// `audit_logs` as schema version 3 shaped it: `id` unique by column constraint and the
/// filter indexes keyed `(column, time, id)`.
const AUDIT_LOGS_V3: &str = "
CREATE TABLE audit_logs (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    organization_id TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    ip TEXT, user_agent TEXT, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
    resource_target TEXT NOT NULL, action TEXT NOT NULL, diff TEXT NOT NULL DEFAULT '{}',
    status_code INTEGER NOT NULL, additional_fields TEXT NOT NULL DEFAULT '{}',
    request_id TEXT NOT NULL, resource_icon TEXT NOT NULL DEFAULT '', build_reason TEXT,
    prev_hash TEXT, hash TEXT);
CREATE INDEX audit_logs_time ON audit_logs (time, id);
CREATE INDEX audit_logs_user_time ON audit_logs (user_id, time, id);
CREATE INDEX audit_logs_type_action_time ON audit_logs (resource_type, action, time, id);
CREATE INDEX audit_logs_action_time ON audit_logs (action, time, id);
CREATE INDEX audit_logs_org_time ON audit_logs (organization_id, time, id);
CREATE INDEX audit_logs_type_time ON audit_logs (resource_type, time, id);
CREATE INDEX audit_logs_resource_id ON audit_logs (resource_id, time, id);
CREATE INDEX audit_logs_request_id ON audit_logs (request_id, time, id);
CREATE INDEX audit_logs_target_time ON audit_logs (resource_target COLLATE NOCASE, time, id);
CREATE INDEX audit_logs_build_reason_time ON audit_logs (build_reason, time, id)
    WHERE build_reason IS NOT NULL;";

fn strings(c: &Connection, sql: &str) -> Vec<String> {
    c.prepare(sql)
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// Indexes and triggers of `audit_logs` (name and SQL), and its columns.
fn audit_schema(c: &Connection) -> (Vec<String>, Vec<String>) {
    let objects = strings(
        c,
        "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master \
         WHERE tbl_name = 'audit_logs' AND type <> 'table' ORDER BY name",
    );
    let columns = strings(
        c,
        "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || COALESCE(dflt_value, '') \
         || ' ' || pk FROM pragma_table_info('audit_logs') ORDER BY cid",
    );
    (objects, columns)
}

fn dump(c: &Connection) -> Vec<String> {
    let mut rows = strings(
        c,
        "SELECT seq || ' ' || id || ' ' || time || ' ' || action || ' ' || COALESCE(build_reason, '-') \
         FROM audit_logs ORDER BY seq",
    );
    rows.extend(strings(
        c,
        "SELECT resource_type || ' ' || action || ' ' || n FROM audit_log_counts ORDER BY 1",
    ));
    rows
}

/// Takes a new (empty) database back to schema version 11: without version 12's user and
/// membership counters and their triggers (which belong to `users` and
/// `organization_members`, so dropping the counter tables leaves them).
fn back_to_version_11(c: &Connection) {
    c.execute_batch(
        "DROP TRIGGER user_total_insert; DROP TRIGGER user_total_delete;
         DROP TRIGGER organization_member_counts_insert;
         DROP TRIGGER organization_member_counts_delete;
         DROP TRIGGER organization_member_counts_update;
         DROP TABLE user_total; DROP TABLE organization_member_counts;",
    )
    .expect("drop version 12's counters");
}

/// Takes a new (empty) database back to schema version 5: without the connection logs of
/// versions 7 and 8 (dropping the tables drops 8's indexes) and the AI Gateway tables, indexes, triggers and interception columns of
/// version 6.
fn back_to_version_5(c: &Connection) {
    back_to_version_11(c);
    // Dropping the tables drops their indexes and triggers too.
    c.execute_batch(
        "DROP TABLE connection_logs; DROP TABLE connection_log_day_counts;
         DROP TABLE connection_log_key_counts;
         DROP VIEW aibridge_session_order_rollup; DROP VIEW aibridge_session_facet_rollup;
         DROP VIEW aibridge_interception_facets; DROP TABLE aibridge_session_facet_kinds;
         DROP TABLE aibridge_session_facet_values; DROP TABLE aibridge_session_token_refresh;
         DROP TABLE aibridge_session_facets; DROP TABLE aibridge_session_refresh;
         DROP TABLE aibridge_session_order; DROP TABLE aibridge_session_total;
         DROP TABLE aibridge_token_usages;
         DROP TABLE aibridge_user_prompts; DROP TABLE aibridge_tool_usages;
         DROP TABLE aibridge_model_thoughts;",
    )
    .expect("drop tables");
    // The (empty) table as version 5 defined it.
    c.execute_batch(
        "DROP TABLE aibridge_interceptions;
         CREATE TABLE aibridge_interceptions (
             id TEXT PRIMARY KEY, initiator_id TEXT NOT NULL REFERENCES users (id),
             provider TEXT NOT NULL, provider_name TEXT NOT NULL DEFAULT '', model TEXT NOT NULL,
             started_at INTEGER NOT NULL, ended_at INTEGER, metadata TEXT, api_key_id TEXT,
             client TEXT);
         CREATE INDEX aibridge_interceptions_initiator ON aibridge_interceptions (initiator_id, started_at);
         CREATE INDEX aibridge_interceptions_started ON aibridge_interceptions (started_at, id);",
    )
    .expect("v5 interceptions");
}

/// Takes the AI Gateway sessions' kept rows back to schema version 9: version 6's order
/// table and its triggers, without version 10's rollups, facets and refresh trigger (nor
/// version 11's sets of facets and token-sum refresh).
fn back_to_version_9_sessions(c: &Connection) {
    back_to_version_11(c);
    c.execute_batch(
        "DROP VIEW aibridge_session_order_rollup; DROP VIEW aibridge_session_facet_rollup;
         DROP VIEW aibridge_interception_facets; DROP TABLE aibridge_session_facet_kinds;
         DROP TABLE aibridge_session_facet_values; DROP TABLE aibridge_session_token_refresh;
         DROP TABLE aibridge_session_facets; DROP TABLE aibridge_session_refresh;
         DROP TABLE aibridge_session_order; DROP TABLE aibridge_session_total;
         DROP TRIGGER aibridge_session_interception_insert;
         DROP TRIGGER aibridge_session_interception_delete;
         DROP TRIGGER aibridge_session_interception_update;
         DROP TRIGGER aibridge_session_prompt_insert; DROP TRIGGER aibridge_session_prompt_change;
         DROP TRIGGER aibridge_session_prompt_delete; DROP TRIGGER aibridge_session_tokens_insert;
         DROP TRIGGER aibridge_session_tokens_change; DROP TRIGGER aibridge_session_tokens_delete;",
    )
    .expect("drop version 10's session rows");
    let v6 = include_str!("../../migrations/0006_ai_gateway.sql");
    let from = v6
        .find("CREATE TABLE aibridge_session_order")
        .expect("order table");
    let to = v6
        .rfind("INSERT INTO aibridge_session_order")
        .expect("initial rows");
    c.execute_batch(&v6[from..to])
        .expect("version 6's session order");
}

#[test]
fn version_3_audit_logs_upgrade_to_the_new_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Connection::open(dir.path().join("fresh.db")).expect("open");
    migrate(&mut fresh).expect("new schema");

    // A version-3 file: today's schema with `audit_logs` as version 3 had it.
    let mut old = Connection::open(dir.path().join("old.db")).expect("open");
    migrate(&mut old).expect("new schema");
    back_to_version_5(&old);
    let triggers = strings(
        &old,
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_logs'",
    );
    old.execute_batch("DROP TABLE audit_logs").expect("drop");
    old.execute_batch(AUDIT_LOGS_V3).expect("v3 table");
    for t in &triggers {
        old.execute_batch(t).expect("trigger");
    }
    old.execute_batch(
        "INSERT INTO audit_logs (seq, id, time, user_id, resource_type, resource_id,
             resource_target, action, status_code, request_id, build_reason) VALUES
         (5, 'b', 100, 'u', 'workspace', 'r', 't', 'create', 200, 'q', 'initiator'),
         (9, 'a', 100, 'u', 'user', 'r', 't', 'write', 200, 'q', NULL),
         (12, 'c', 50, 'u', 'user', 'r', 't', 'write', 200, 'q', NULL);
         ALTER TABLE aibridge_interceptions DROP COLUMN provider_name;
         PRAGMA user_version = 3;",
    )
    .expect("v3 rows");
    let before = dump(&old);
    assert_ne!(
        audit_schema(&old),
        audit_schema(&fresh),
        "the fixture is v3"
    );

    migrate(&mut old).expect("upgrade");
    let version: i64 = old
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(version, coderlite::db::migrate::SCHEMA_VERSION);
    assert_eq!(audit_schema(&old), audit_schema(&fresh));
    assert_eq!(dump(&old), before, "rows, seq values and counters kept");

    // The uniqueness of `id` and the counters' triggers survive the rebuild.
    let dup = old.execute_batch(
        "INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id,
             resource_target, action, status_code, request_id)
         VALUES ('a', 1, 'u', 'user', 'r', 't', 'write', 200, 'q')",
    );
    assert!(dup
        .expect_err("duplicate id")
        .to_string()
        .contains("audit_logs.id"),);
    old.execute_batch(
        "INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id,
             resource_target, action, status_code, request_id)
         VALUES ('d', 1, 'u', 'user', 'r', 't', 'write', 200, 'q')",
    )
    .expect("new row");
    let n: i64 = old
        .query_row(
            "SELECT n FROM audit_log_counts WHERE resource_type = 'user' AND action = 'write'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 3);
    let updated = old.execute_batch("UPDATE audit_logs SET action = 'x' WHERE id = 'd'");
    assert!(updated.is_err(), "still append-only");
}

#[test]
fn version_4_interceptions_get_their_provider_as_provider_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut old = Connection::open(dir.path().join("v4.db")).expect("open");
    migrate(&mut old).expect("new schema");
    back_to_version_5(&old);
    old.execute_batch(
        "ALTER TABLE aibridge_interceptions DROP COLUMN provider_name;
         INSERT INTO users (id, email, username, hashed_password, created_at, updated_at)
             VALUES ('u', 'u@example.com', 'u', '', 1, 1);
         INSERT INTO aibridge_interceptions (id, initiator_id, provider, model, started_at)
             VALUES ('i', 'u', 'anthropic', 'claude', 1);
         PRAGMA user_version = 4;",
    )
    .expect("v4 file");
    migrate(&mut old).expect("upgrade");
    let name: String = old
        .query_row(
            "SELECT provider_name FROM aibridge_interceptions WHERE id = 'i'",
            [],
            |r| r.get(0),
        )
        .expect("provider_name");
    assert_eq!(name, "anthropic");
}

/// Every object of the AI Gateway tables: columns (with generated ones), indexes, triggers.
fn gateway_schema(c: &Connection) -> Vec<String> {
    let mut out = strings(
        c,
        "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master \
         WHERE (tbl_name LIKE 'aibridge_%' OR tbl_name LIKE 'connection_log%') \
         AND type <> 'table' ORDER BY name",
    );
    for t in strings(
        c,
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND (name LIKE 'aibridge_%' OR name LIKE 'connection_log%') ORDER BY name",
    ) {
        out.extend(strings(
            c,
            &format!(
                "SELECT '{t}.' || name || ' ' || type || ' ' || \"notnull\" || ' ' || \
                 COALESCE(dflt_value, '') || ' ' || pk || ' ' || hidden \
                 FROM pragma_table_xinfo('{t}') ORDER BY cid"
            ),
        ));
    }
    out
}

#[test]
fn version_5_interceptions_become_sessions_of_their_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Connection::open(dir.path().join("fresh.db")).expect("open");
    migrate(&mut fresh).expect("new schema");
    let mut old = Connection::open(dir.path().join("v5.db")).expect("open");
    migrate(&mut old).expect("new schema");
    back_to_version_5(&old);
    old.execute_batch(
        "INSERT INTO users (id, email, username, hashed_password, created_at, updated_at)
             VALUES ('u', 'u@example.com', 'u', '', 1, 1);
         INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model,
             started_at, ended_at) VALUES
             ('done', 'u', 'anthropic', 'anthropic', 'claude', 10, 20),
             ('open', 'u', 'openai', 'openai', 'gpt', 30, NULL);
         PRAGMA user_version = 5;",
    )
    .expect("v5 file");
    migrate(&mut old).expect("upgrade");
    assert_eq!(gateway_schema(&old), gateway_schema(&fresh));
    let rows = strings(
        &old,
        "SELECT id || ' ' || session_id || ' ' || credential_kind || ' [' || credential_hint || ']' \
         FROM aibridge_interceptions ORDER BY id",
    );
    assert_eq!(
        rows,
        vec!["done done centralized []", "open open centralized []"]
    );
    // Only completed interceptions make sessions; prompts move `last_active_at`.
    assert_eq!(
        strings(
            &old,
            "SELECT session_id || ' ' || last_active_at FROM aibridge_session_order"
        ),
        vec!["done 10"]
    );
    old.execute_batch(
        "INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at)
             VALUES ('p', 'done', 'hi', 15);",
    )
    .expect("prompt");
    assert_eq!(
        strings(
            &old,
            "SELECT session_id || ' ' || last_active_at FROM aibridge_session_order"
        ),
        vec!["done 15"]
    );
    old.execute_batch("DELETE FROM aibridge_user_prompts")
        .expect("delete prompt");
    assert_eq!(
        strings(
            &old,
            "SELECT session_id || ' ' || last_active_at FROM aibridge_session_order"
        ),
        vec!["done 10"]
    );
    old.execute_batch(
        "UPDATE aibridge_interceptions SET client_session_id = 's' WHERE id = 'done'",
    )
    .expect("move");
    assert_eq!(
        strings(
            &old,
            "SELECT session_id || ' ' || last_active_at FROM aibridge_session_order"
        ),
        vec!["s 10"]
    );
    assert_eq!(
        strings(&old, "SELECT n || '' FROM aibridge_session_total"),
        vec!["1"]
    );
    old.execute_batch("DELETE FROM aibridge_interceptions WHERE id = 'done'")
        .expect("delete");
    assert!(strings(&old, "SELECT session_id FROM aibridge_session_order").is_empty());
    assert_eq!(
        strings(&old, "SELECT n || '' FROM aibridge_session_total"),
        vec!["0"]
    );
}

#[test]
fn version_7_connection_logs_get_covering_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Connection::open(dir.path().join("fresh.db")).expect("open");
    migrate(&mut fresh).expect("new schema");
    let mut old = Connection::open(dir.path().join("v7.db")).expect("open");
    migrate(&mut old).expect("new schema");
    // Version 7's indexes (and version 8's model index), and a row with its counter.
    old.execute_batch(
        "DROP INDEX connection_logs_time; DROP INDEX connection_logs_org_time;
         DROP INDEX connection_logs_type_time;
         DROP INDEX connection_logs_state_time; DROP INDEX connection_logs_owner_time;
         DROP INDEX connection_logs_user_time; DROP INDEX connection_logs_workspace_time;
         CREATE INDEX connection_logs_time ON connection_logs
             (connect_time, organization_id, type, state);
         CREATE INDEX connection_logs_org_time ON connection_logs (organization_id, connect_time);
         CREATE INDEX connection_logs_type_time ON connection_logs (type, connect_time);
         CREATE INDEX connection_logs_state_time ON connection_logs (state, connect_time);
         CREATE INDEX connection_logs_owner_time ON connection_logs (workspace_owner_id, connect_time);
         CREATE INDEX connection_logs_user_time ON connection_logs (user_id, connect_time)
             WHERE user_id IS NOT NULL;
         CREATE INDEX connection_logs_workspace_time ON connection_logs (workspace_id, connect_time);
         INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id,
             workspace_id, workspace_name, agent_name, type, connection_id)
             VALUES ('r', 86400000001, 'o', 'u', 'w', 'dev', 'main', 'ssh', 'c');
         DROP TRIGGER connection_logs_key_counts_insert;
         DROP TRIGGER connection_logs_key_counts_delete;
         DROP TRIGGER connection_logs_key_counts_update;
         DROP TABLE connection_log_key_counts;
         DROP INDEX aibridge_interceptions_client_session;
         DROP INDEX aibridge_interceptions_model;
         CREATE INDEX aibridge_interceptions_model ON aibridge_interceptions (model)
             WHERE ended_at IS NOT NULL;
         PRAGMA user_version = 7;",
    )
    .expect("v7 file");
    back_to_version_9_sessions(&old);
    assert_ne!(
        gateway_schema(&old),
        gateway_schema(&fresh),
        "the fixture is v7"
    );
    migrate(&mut old).expect("upgrade");
    assert_eq!(gateway_schema(&old), gateway_schema(&fresh));
    assert_eq!(
        strings(
            &old,
            "SELECT id || ' ' || state FROM connection_logs INDEXED BY connection_logs_owner_time \
             WHERE workspace_owner_id = 'u'"
        ),
        vec!["r ongoing"]
    );
    assert_eq!(
        strings(
            &old,
            "SELECT day || ' ' || type || ' ' || state || ' ' || n FROM connection_log_day_counts"
        ),
        vec!["1 ssh ongoing 1"]
    );
    // The key counters start from the rows already there.
    assert_eq!(
        strings(
            &old,
            "SELECT key || ' ' || type || ' ' || state || ' ' || n FROM connection_log_key_counts ORDER BY 1"
        ),
        vec!["o:u ssh ongoing 1", "w:w ssh ongoing 1"]
    );
    old.execute_batch("UPDATE connection_logs SET disconnect_time = 86400000002")
        .expect("disconnect");
    assert_eq!(
        strings(
            &old,
            "SELECT key || ' ' || state || ' ' || n FROM connection_log_key_counts ORDER BY 1"
        ),
        vec!["o:u completed 1", "w:w completed 1"]
    );
    old.execute_batch("DELETE FROM connection_logs")
        .expect("delete");
    assert!(strings(&old, "SELECT key FROM connection_log_key_counts").is_empty());
}

#[test]
fn version_9_sessions_get_their_rows_and_facets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Connection::open(dir.path().join("fresh.db")).expect("open");
    migrate(&mut fresh).expect("new schema");
    let mut old = Connection::open(dir.path().join("v9.db")).expect("open");
    migrate(&mut old).expect("new schema");
    back_to_version_9_sessions(&old);
    old.execute_batch(
        "INSERT INTO users (id, email, username, created_at, updated_at)
             VALUES ('u', 'u@x.io', 'u', 0, 0);
         INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model,
             started_at, ended_at, client, client_session_id) VALUES
             ('a', 'u', 'openai', 'oa', 'gpt-5', 10, 20, 'Codex', 's'),
             ('b', 'u', 'anthropic', 'an', 'claude', 30, 40, NULL, 's'),
             ('open', 'u', 'openai', 'oa', 'gpt-5', 50, NULL, NULL, NULL);
         INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at)
             VALUES ('p1', 'a', 'first', 15), ('p2', 'b', 'second', 35);
         INSERT INTO aibridge_token_usages (id, interception_id, input_tokens, output_tokens,
             created_at) VALUES ('t1', 'a', 5, 6, 16), ('t2', 'b', 1, 1, 36);
         PRAGMA user_version = 9;",
    )
    .expect("v9 file");
    assert_ne!(
        gateway_schema(&old),
        gateway_schema(&fresh),
        "the fixture is v9"
    );
    migrate(&mut old).expect("upgrade");
    assert_eq!(gateway_schema(&old), gateway_schema(&fresh));
    let order = "SELECT session_id || ' ' || min_started_at || ' ' || max_ended_at || ' ' || \
                 threads || ' ' || last_active_at || ' ' || providers || ' ' || models || ' ' || \
                 COALESCE(client, '-') || ' ' || token_sums || ' ' || COALESCE(last_prompt, '-') \
                 FROM aibridge_session_order ORDER BY 1";
    assert_eq!(
        strings(&old, order),
        vec![r#"s 10 40 2 35 ["openai","anthropic"] ["gpt-5","claude"] Codex [6,7,0,0] second"#]
    );
    // Every set of the four values, for each of the two interceptions (they differ in all).
    let facets = "SELECT v.mask || ' ' || v.value || ' ' || min_started_at || ' ' || \
                  last_active_at FROM aibridge_session_facets f \
                  JOIN aibridge_session_facet_values v ON v.id = f.value_id ORDER BY 1";
    let spelled = |mask: u8, values: [&str; 4], times: &str| {
        let set: String = (0..4)
            .filter(|bit| mask & (1 << bit) != 0)
            .map(|bit| format!("\"{}\",", values[bit]))
            .collect();
        format!("{mask} {set} {times}")
    };
    let mut want: Vec<String> = (1..16u8)
        .flat_map(|m| {
            [
                spelled(m, ["openai", "oa", "gpt-5", "Codex"], "10 15"),
                spelled(m, ["anthropic", "an", "claude", "Unknown"], "30 35"),
            ]
        })
        .collect();
    want.sort();
    assert!(want.contains(&r#"12 "gpt-5","Codex", 10 15"#.to_string()));
    assert_eq!(strings(&old, facets), want);
    assert_eq!(
        strings(&old, "SELECT n || '' FROM aibridge_session_total"),
        vec!["1"]
    );
    // The triggers keep them from then on: a prompt gone, a session completed, tokens moved.
    old.execute_batch(
        "DELETE FROM aibridge_user_prompts WHERE id = 'p2';
         UPDATE aibridge_interceptions SET ended_at = 60 WHERE id = 'open';
         UPDATE aibridge_token_usages SET interception_id = 'open' WHERE id = 't1';",
    )
    .expect("writes");
    assert_eq!(
        strings(&old, order),
        vec![
            r#"open 50 60 1 50 ["openai"] ["gpt-5"] - [5,6,0,0] -"#,
            r#"s 10 40 2 15 ["openai","anthropic"] ["gpt-5","claude"] Codex [1,1,0,0] first"#,
        ]
    );
    assert_eq!(
        strings(&old, "SELECT n || '' FROM aibridge_session_total"),
        vec!["2"]
    );
    assert!(strings(&old, "SELECT session_id FROM aibridge_session_refresh").is_empty());
}

/// The user and membership counters' objects (name and SQL).
fn counter_schema(c: &Connection) -> Vec<String> {
    strings(
        c,
        "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master \
         WHERE name IN ('user_total', 'organization_member_counts') \
            OR name LIKE 'user_total_%' OR name LIKE 'organization_member_counts_%' ORDER BY name",
    )
}

fn counters(c: &Connection) -> Vec<String> {
    let mut rows = strings(c, "SELECT 'users ' || n FROM user_total");
    rows.extend(strings(
        c,
        "SELECT organization_id || ' ' || n FROM organization_member_counts \
         WHERE n <> 0 ORDER BY 1",
    ));
    rows
}

#[test]
fn version_11_users_and_memberships_get_their_counters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fresh = Connection::open(dir.path().join("fresh.db")).expect("open");
    migrate(&mut fresh).expect("new schema");
    let mut old = Connection::open(dir.path().join("v11.db")).expect("open");
    migrate(&mut old).expect("new schema");
    back_to_version_11(&old);
    old.execute_batch(
        "INSERT INTO organizations (id, name, display_name, is_default, created_at, updated_at)
             VALUES ('o1', 'one', 'One', 0, 0, 0), ('o2', 'two', 'Two', 0, 0, 0);
         INSERT INTO users (id, email, username, created_at, updated_at, deleted) VALUES
             ('a', 'a@x.io', 'a', 0, 0, 0), ('b', 'b@x.io', 'b', 0, 0, 0),
             ('c', 'c@x.io', 'c', 0, 0, 1);
         INSERT INTO organization_members (organization_id, user_id, created_at, updated_at)
             VALUES ('o1', 'a', 0, 0), ('o1', 'b', 0, 0), ('o2', 'a', 0, 0);
         PRAGMA user_version = 11;",
    )
    .expect("v11 file");
    assert_ne!(
        counter_schema(&old),
        counter_schema(&fresh),
        "the fixture is v11"
    );

    migrate(&mut old).expect("upgrade");
    assert_eq!(counter_schema(&old), counter_schema(&fresh));
    // Every user row counts (deleted ones too: the pages subtract the hidden ones).
    assert_eq!(counters(&old), vec!["users 3", "o1 2", "o2 1"]);

    // The triggers keep them: a new user and membership, a removed membership, a user
    // removed with its memberships (the cascade), a membership moved.
    old.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO users (id, email, username, created_at, updated_at)
             VALUES ('d', 'd@x.io', 'd', 0, 0);
         INSERT INTO organization_members (organization_id, user_id, created_at, updated_at)
             VALUES ('o2', 'd', 0, 0);
         DELETE FROM organization_members WHERE organization_id = 'o1' AND user_id = 'b';
         DELETE FROM users WHERE id = 'a';
         UPDATE organization_members SET organization_id = 'o1' WHERE user_id = 'd';",
    )
    .expect("writes");
    assert_eq!(counters(&old), vec!["users 3", "o1 1"]);
}
