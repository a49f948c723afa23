//! Retention, import and seed of connection logs.

use super::*;
use coderlite::config::ServerConfig;
use std::path::Path;
use std::time::{Duration, Instant};

const HOUR: i64 = 3_600_000_000;

/// RFC 3339 of `now - ago_micros`.
fn ago(ago_micros: i64) -> String {
    coderlite::timefmt::format_micros(coderlite::timefmt::now_micros() - ago_micros)
}

/// `event` with its `time` replaced.
fn timed(mut event: Value, time: &str) -> Value {
    event["time"] = json!(time);
    event
}

#[track_caller]
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn one(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// The trigger-kept day and key counters equal a fresh count of the table, group by group.
#[track_caller]
pub fn assert_counters_exact(conn: &rusqlite::Connection) {
    let fresh = "SELECT connect_time / 86400000000 - (connect_time < 0 AND connect_time % 86400000000 <> 0), \
                 organization_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3, 4";
    let kept = "SELECT day, organization_id, type, state, n FROM connection_log_day_counts";
    let fresh_keys = "SELECT 'o:' || workspace_owner_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3 \
         UNION ALL SELECT 'w:' || workspace_id, type, state, count(*) FROM connection_logs GROUP BY 1, 2, 3 \
         UNION ALL SELECT 'u:' || user_id, type, state, count(*) FROM connection_logs WHERE user_id IS NOT NULL GROUP BY 1, 2, 3";
    let kept_keys = "SELECT key, type, state, n FROM connection_log_key_counts";
    for (a, b) in [
        (fresh, kept),
        (kept, fresh),
        (fresh_keys, kept_keys),
        (kept_keys, fresh_keys),
    ] {
        let diff = one(
            conn,
            &format!("SELECT count(*) FROM (SELECT * FROM ({a}) EXCEPT SELECT * FROM ({b}))"),
        );
        assert_eq!(diff, 0, "counters differ from the rows:\n{a}\nEXCEPT\n{b}");
    }
}

/// Old rows (10 days): three agent sessions (connect and disconnect each) and two web events;
/// new rows (1 hour): one session and one tunnel. Returns (old, new) row counts.
fn old_and_new(w: &World) -> (i64, i64) {
    let old = ago(240 * HOUR);
    let new = ago(HOUR);
    let mut events = Vec::new();
    for (i, kind) in ["ssh", "vscode", "jetbrains"].into_iter().enumerate() {
        let c = i as u32 + 1;
        events.push(timed(session(&w.ws_alice, kind, c, "connected", 0), &old));
        events.push(timed(
            session(&w.ws_alice, kind, c, "disconnected", 0),
            &old,
        ));
    }
    events.push(timed(web(&w.ws_bob, "workspace_app", "bob", 200, 0), &old));
    events.push(timed(
        web(&w.ws_bob, "port_forwarding", "bob", 502, 0),
        &old,
    ));
    events.push(timed(session(&w.ws_bob, "ssh", 9, "connected", 0), &new));
    events.push(timed(web(&w.ws_alice, "tunnel", "alice", 101, 0), &new));
    record(&w.owner, events);
    (5, 2)
}

fn server_on(db: &Path, adjust: impl FnOnce(&mut ServerConfig)) -> Running {
    let mut config = ServerConfig::for_db(db);
    adjust(&mut config);
    Running::start(config)
}

#[test]
fn retention_purges_old_rows_and_keeps_counts_exact() {
    let w = World::new();
    let (old, new) = old_and_new(&w);
    assert_eq!(w.list("")["count"], old + new);
    let purger = server_on(&w.s.db_path, |c| {
        c.connection_log_retention = "1d".parse().expect("duration")
    });
    let conn = w.s.sqlite();
    wait_for("the purge's audit row", || {
        one(
            &conn,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'connection_log'",
        ) == 1
    });
    assert_eq!(w.rows("connection_logs"), new);
    let page = w.list("");
    assert_eq!(page["count"], new);
    assert_eq!(page["connection_logs"].as_array().map(Vec::len), Some(2));
    let kinds: Vec<&str> = page["connection_logs"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["type"].as_str())
        .collect();
    assert!(
        kinds.contains(&"ssh") && kinds.contains(&"tunnel"),
        "{kinds:?}"
    );
    assert_eq!(w.list("q=type%3Assh")["count"], 1);
    assert_eq!(w.list("q=status%3Acompleted")["count"], 0);
    assert_eq!(w.list("q=status%3Aongoing")["count"], 1);
    assert_counters_exact(&conn);
    assert_eq!(
        one(
            &conn,
            "SELECT count(*) FROM connection_log_day_counts WHERE n <= 0"
        ),
        0
    );

    let (user_id, action, target, fields): (String, String, String, String) = conn
        .query_row(
            "SELECT user_id, action, resource_target, additional_fields FROM audit_logs \
             WHERE resource_type = 'connection_log'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("purge row");
    assert_eq!(user_id, "00000000-0000-0000-0000-000000000000");
    assert_eq!(action, "delete");
    assert_eq!(target, "connection log retention");
    let fields: Value = serde_json::from_str(&fields).expect("json");
    assert_eq!(fields["purged_rows"], "5");
    assert_eq!(fields["retention"], "1d");
    assert!(fields["oldest_purged_time"].as_str().is_some());
    let audit = w
        .owner
        .get("/api/v2/audit?q=resource_type%3Aconnection_log")
        .expect(200)
        .body;
    assert_eq!(audit["count"], 1);
    assert_eq!(
        audit["audit_logs"][0]["description"],
        "{user} deleted connection log {target}"
    );
    let metrics = purger.client().get("/metrics").expect(200).text;
    assert!(
        metrics.contains("coderd_dbpurge_records_purged_total{record_type=\"connection_logs\"} 5"),
        "{metrics}"
    );
    // Nothing is pending once recorded.
    assert_eq!(
        one(
            &conn,
            "SELECT count(*) FROM settings WHERE key = 'connection_log_purge_pending'"
        ),
        0
    );
}

#[test]
fn retention_purges_in_batches() {
    let w = World::new();
    // 2,500 web events, more than two batches, over several old days.
    let events: Vec<Value> = (0..2_500)
        .map(|i| {
            let t = ago(240 * HOUR + i * 60_000_000);
            timed(web(&w.ws_alice, "workspace_app", "alice", 200, 0), &t)
        })
        .collect();
    record(&w.owner, events);
    record(
        &w.owner,
        vec![timed(
            session(&w.ws_bob, "ssh", 1, "connected", 0),
            &ago(HOUR),
        )],
    );
    let _purger = server_on(&w.s.db_path, |c| {
        c.connection_log_retention = "2d".parse().expect("duration")
    });
    let conn = w.s.sqlite();
    wait_for("the purge's audit row", || {
        one(
            &conn,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'connection_log'",
        ) == 1
    });
    assert_eq!(w.rows("connection_logs"), 1);
    assert_eq!(w.list("")["count"], 1);
    let fields: String = conn
        .query_row(
            "SELECT additional_fields FROM audit_logs WHERE resource_type = 'connection_log'",
            [],
            |r| r.get(0),
        )
        .expect("purge row");
    let fields: Value = serde_json::from_str(&fields).expect("json");
    assert_eq!(fields["purged_rows"], "2500");
    assert_counters_exact(&conn);
}

#[test]
fn retention_is_a_flag_and_a_config_file_key() {
    use crate::ops::{load, server_args};
    let loaded = load(&["server", "--connection-log-retention", "90d"]).expect("flag");
    assert_eq!(
        server_args(&loaded).config.connection_log_retention.secs,
        90 * 86_400
    );
    assert_eq!(loaded.sources["connection_log_retention"], "flag");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("coderlite.toml");
    std::fs::write(&file, "connection-log-retention = \"12w\"\n").expect("write");
    let loaded = load(&["server", "--config", file.to_str().expect("path")]).expect("file");
    assert_eq!(
        server_args(&loaded).config.connection_log_retention.secs,
        12 * 7 * 86_400
    );
    assert_eq!(loaded.sources["connection_log_retention"], "file");
    let unset = load(&["server"]).expect("default");
    assert!(server_args(&unset)
        .config
        .connection_log_retention
        .is_zero());
    assert!(load(&["server", "--connection-log-retention", "soon"]).is_err());
}

#[test]
fn retention_off_keeps_everything() {
    let w = World::new();
    let (old, new) = old_and_new(&w);
    // Unset (the default) and an explicit 0: no purge thread, and a run removes nothing.
    for keep in ["0", "0s"] {
        let retention: coderlite::config::duration::HumanDuration = keep.parse().expect("0");
        assert!(retention.is_zero());
        let state = coderlite::build_state(ServerConfig::for_db(&w.s.db_path)).expect("state");
        let purged = coderlite::ops::retention::run_once(
            &state.db,
            retention,
            &coderlite::ops::retention::ConnectionLogs,
            &coderlite::ops::Stop::default(),
            &std::sync::atomic::AtomicU64::new(0),
        )
        .expect("run");
        assert!(purged.is_none());
        let srv = server_on(&w.s.db_path, |c| c.connection_log_retention = retention);
        let metrics = srv.client().get("/metrics").expect(200).text;
        assert!(metrics
            .contains("coderd_dbpurge_records_purged_total{record_type=\"connection_logs\"} 0"));
    }
    let _unset = server_on(&w.s.db_path, |_| {});
    // The audit retention does not touch connection logs either.
    let _audit_only = server_on(&w.s.db_path, |c| {
        c.audit_retention = "1d".parse().expect("duration")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(w.rows("connection_logs"), old + new);
    assert_eq!(w.list("")["count"], old + new);
    assert_counters_exact(&w.s.sqlite());
    assert_eq!(
        one(
            &w.s.sqlite(),
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'connection_log'"
        ),
        0
    );
}

// ---------------------------------------------------------------------------------------
// Import

const ORG: &str = "0665a54f-0b77-4a58-94aa-59646fa38a74";
const ALICE: &str = "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa";
const BOB: &str = "b25103d6-902f-40d0-a9ad-e42700570719";
const WS: &str = "3c0b37c8-e58c-4980-b9a1-2732410480a5";
const CONN1: &str = "7a6fafdc-e3d0-43cb-a1b7-1f19802d7908";
const CONN2: &str = "8b7fafdc-e3d0-43cb-a1b7-1f19802d7909";

const CONN_HEADER: &str = "id,connect_time,organization_id,workspace_owner_id,workspace_id,workspace_name,agent_name,type,code,ip,user_agent,user_id,slug_or_port,connection_id,disconnect_reason,disconnect_time,extra\n";

/// A Coder dump: one organization, two users, alice's workspace and `connections` as the
/// rows of `connection_logs.csv`.
fn conn_dump(dir: &Path, connections: &str) {
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("csv");
    write(
        "organizations.csv",
        format!("id,name,display_name,is_default,created_at\n{ORG},coder,Coder,t,2023-07-12 00:00:00+00\n"),
    );
    write(
        "users.csv",
        format!(
            "id,email,username,name,status,rbac_roles,login_type,created_at,updated_at,last_seen_at\n\
             {ALICE},alice@example.com,alice,Alice A.,active,{{}},oidc,2025-01-10 10:00:00+00,2025-05-30 12:00:00+00,2025-06-16 08:15:00+00\n\
             {BOB},bob@example.com,bob,,active,{{}},password,2025-01-11 10:00:00+00,\\N,\\N\n"
        ),
    );
    write(
        "workspaces.csv",
        format!("id,owner_id,organization_id,name,deleted,created_at\n{WS},{ALICE},{ORG},dev,f,2025-02-01 00:00:00+00\n"),
    );
    write("connection_logs.csv", format!("{CONN_HEADER}{connections}"));
}

fn conn_rows() -> String {
    format!(
        "b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33,2025-06-16 08:15:04.123456+00,{ORG},{ALICE},{WS},dev,main,ssh,0,fd7a:115c:a1e0::1/128,\\N,\\N,\\N,{CONN1},client disconnected,2025-06-16 09:40:00+00,x\n\
         1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 10:15:05+02,{ORG},{ALICE},{WS},dev,main,vscode,\\N,fd7a:115c:a1e0::2,\\N,\\N,\\N,{CONN2},\\N,\\N,x\n\
         2e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 08:15:06+00,{ORG},{ALICE},{WS},dev,main,workspace_app,200,203.0.113.7/32,Mozilla/5.0,{BOB},code-server,\\N,\\N,\\N,x\n\
         3e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-16 08:15:07+00,{ORG},{ALICE},{WS},dev,main,tunnel,101,203.0.113.8,coder-cli/2.31.0,{ALICE},,\\N,\\N,\\N,x\n\
         4e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b,2025-06-15 23:59:59.999999+00,{ORG},{ALICE},{WS},dev,main,port_forwarding,502,\\N,\\N,\\N,8080,\\N,\\N,\\N,x\n"
    )
}

fn import_dump(dir: &Path, db: &Path) -> Result<(), String> {
    coderlite::import::run(&coderlite::import::ImportArgs {
        dir: dir.to_path_buf(),
        db: db.to_path_buf(),
        force: false,
    })
}

#[test]
fn import_loads_connection_logs_with_exact_counts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    conn_dump(tmp.path(), &conn_rows());
    let db = tmp.path().join("imported.db");
    import_dump(tmp.path(), &db).expect("import");
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        assert_eq!(one(&c, "SELECT count(*) FROM connection_logs"), 5);
        assert_counters_exact(&c);
        // The counting trigger and the upsert index are back after the load.
        assert_eq!(
            one(
                &c,
                "SELECT count(*) FROM sqlite_master WHERE name IN \
                 ('connection_logs_counts_insert', 'connection_logs_connection_id', 'connection_logs_time')"
            ),
            3
        );
    }
    coderlite::cli::create_admin_user(&db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let s = TestServer::start_with(|cfg| cfg.db = db.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    let get = |q: &str| owner.get(&format!("{PATH}{q}")).expect(200).body;
    let page = get("");
    assert_eq!(page["count"], 5);
    let rows = page["connection_logs"].as_array().expect("rows").clone();
    let types: Vec<&str> = rows.iter().filter_map(|r| r["type"].as_str()).collect();
    // connect_time DESC (the vscode row connected at 08:15:05Z, written with +02).
    assert_eq!(
        types,
        [
            "tunnel",
            "workspace_app",
            "vscode",
            "ssh",
            "port_forwarding"
        ]
    );
    let by = |t: &str| rows.iter().find(|r| r["type"] == t).expect(t).clone();
    let ssh = by("ssh");
    assert_eq!(ssh["connect_time"], "2025-06-16T08:15:04.123456Z");
    assert_eq!(ssh["ip"], "fd7a:115c:a1e0::1");
    assert_eq!(ssh["workspace_owner_username"], "alice");
    assert_eq!(ssh["workspace_name"], "dev");
    assert_eq!(ssh["organization"]["name"], "coder");
    assert_eq!(
        ssh["ssh_info"],
        json!({"connection_id": CONN1, "disconnect_time": "2025-06-16T09:40:00Z",
               "disconnect_reason": "client disconnected", "exit_code": 0})
    );
    assert!(ssh.get("web_info").is_none());
    let vscode = by("vscode");
    assert_eq!(vscode["connect_time"], "2025-06-16T08:15:05Z");
    assert_eq!(vscode["ssh_info"], json!({"connection_id": CONN2}));
    let app = by("workspace_app");
    assert!(app.get("ssh_info").is_none());
    assert_eq!(app["ip"], "203.0.113.7");
    assert_eq!(app["web_info"]["user"]["username"], "bob");
    assert_eq!(app["web_info"]["user_agent"], "Mozilla/5.0");
    assert_eq!(app["web_info"]["slug_or_port"], "code-server");
    assert_eq!(app["web_info"]["status_code"], 200);
    let tunnel = by("tunnel");
    assert_eq!(tunnel["web_info"]["status_code"], 101);
    assert_eq!(tunnel["web_info"]["slug_or_port"], "");
    assert_eq!(tunnel["web_info"]["user"]["name"], "Alice A.");
    let port = by("port_forwarding");
    assert_eq!(port["connect_time"], "2025-06-15T23:59:59.999999Z");
    assert!(port.get("ip").is_none());
    assert_eq!(
        port["web_info"],
        json!({"user_agent": "", "user": null, "slug_or_port": "8080", "status_code": 502})
    );
    // The counts behind the filters come from the loaded counters (and the day edges).
    let ws_tunnel = format!("workspace_id:{WS} type:tunnel");
    for (q, n) in [
        ("type:ssh", 1),
        ("status:ongoing", 1),
        ("status:completed", 1),
        ("username:bob", 1),
        ("workspace_owner:alice", 5),
        ("workspace_owner:alice type:vscode status:ongoing", 1),
        (
            "workspace_owner_email:alice@example.com status:completed",
            1,
        ),
        (ws_tunnel.as_str(), 1),
        ("username:alice", 1),
        ("username:nobody", 0),
        ("connected_after:\"2025-06-16T00:00:00Z\"", 4),
        (
            "connected_before:\"2025-06-16T08:15:05Z\" organization:coder",
            3,
        ),
    ] {
        assert_eq!(get(&format!("?q={}", url_encode(q)))["count"], n, "{q}");
    }
}

#[test]
fn import_rejects_bad_connection_rows_by_line() {
    let ws_row = |id: &str, kind: &str, conn: &str| {
        format!("{id},2025-06-16 08:15:04+00,{ORG},{ALICE},{WS},dev,main,{kind},\\N,\\N,\\N,\\N,\\N,{conn},\\N,\\N,x\n")
    };
    for (rows, want) in [
        (
            ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "telnet", CONN1),
            "connection_logs.csv line 2: type: \"telnet\" is not a connection type",
        ),
        (
            format!(
                "{}{}",
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1),
                ws_row("c3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1)
            ),
            "connection_logs.csv line 3: UNIQUE constraint failed",
        ),
        (
            format!(
                "{}{}",
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN1),
                ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", CONN2)
            ),
            "connection_logs.csv line 3: UNIQUE constraint failed: connection_logs.id",
        ),
        (
            ws_row("b3c7a9e0-6d2f-4c41-9b0e-5a7d2f1e8c33", "ssh", "not-a-uuid"),
            "connection_logs.csv line 2: column \"connection_id\"",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        conn_dump(tmp.path(), &rows);
        let db = tmp.path().join("imported.db");
        let err = import_dump(tmp.path(), &db).expect_err("bad row");
        assert!(err.contains(want), "{err}\nwanted {want}");
        assert!(!db.exists());
        assert!(!tmp.path().join("imported.db.tmp").exists());
    }
}

// ---------------------------------------------------------------------------------------
// Seed

fn seed(db: &Path, connection_logs: usize) {
    coderlite::seed::run(&coderlite::seed::SeedArgs {
        db: db.to_path_buf(),
        force: false,
        users: 40,
        audit_logs: 100,
        interceptions: 0,
        connection_logs,
        initiators: None,
        workspaces: None,
        builds: None,
        ai_build_fraction: 0.03,
        seed: 11,
    })
    .expect("seed");
}

#[test]
fn seed_makes_a_deterministic_mix_of_connection_logs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    seed(&a, 3_000);
    seed(&b, 3_000);
    let digest = |p: &Path| -> String {
        rusqlite::Connection::open(p)
            .expect("open")
            .query_row(
                "SELECT group_concat(id || connect_time || type || workspace_id || coalesce(user_id, '-') \
                 || coalesce(disconnect_time, '-') || coalesce(code, '-'), ',') FROM connection_logs",
                [],
                |r| r.get(0),
            )
            .expect("digest")
    };
    assert_eq!(digest(&a), digest(&b));
    let c = rusqlite::Connection::open(&a).expect("open");
    let n = |sql: &str| one(&c, sql);
    assert_eq!(n("SELECT count(*) FROM connection_logs"), 3_000);
    assert_counters_exact(&c);
    assert_eq!(n("SELECT count(DISTINCT type) FROM connection_logs"), 7);
    // Agent sessions: a connection id each, most closed with an exit code; web events: a user
    // and a status, never a disconnect.
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE state <> 'web' AND connection_id IS NULL"),
        0
    );
    assert!(n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'") > 0);
    assert!(
        n("SELECT count(*) FROM connection_logs WHERE state = 'completed'")
            > 10 * n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'")
    );
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE state = 'web' \
           AND (user_id IS NULL OR code IS NULL OR disconnect_time IS NOT NULL)"),
        0
    );
    assert!(n("SELECT count(*) FROM connection_logs WHERE type = 'tunnel' AND code = 403") > 0);
    // Rows belong to their workspace's owner and organization, inside the workspace's life.
    assert_eq!(
        n(
            "SELECT count(*) FROM connection_logs c JOIN workspaces w ON w.id = c.workspace_id \
           WHERE w.owner_id <> c.workspace_owner_id OR w.organization_id <> c.organization_id \
           OR w.name <> c.workspace_name"
        ),
        0
    );
    assert_eq!(
        n("SELECT count(*) FROM connection_logs WHERE workspace_id NOT IN (SELECT id FROM workspaces)"),
        0
    );
    // Spread over the 90 days, skewed towards busy workspaces.
    assert!(
        n("SELECT max(connect_time) - min(connect_time) > 80 * 86400000000 FROM connection_logs")
            == 1
    );
    let top =
        n("SELECT max(c) FROM (SELECT count(*) c FROM connection_logs GROUP BY workspace_id)");
    assert!(top > 100, "busiest workspace has {top} rows");

    coderlite::cli::create_admin_user(&a, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let s = TestServer::start_with(|cfg| cfg.db = a.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    let page = owner.get(&format!("{PATH}?limit=5")).expect(200).body;
    assert_eq!(page["count"], 3_000);
    assert_eq!(page["connection_logs"].as_array().map(Vec::len), Some(5));
    let ongoing = n("SELECT count(*) FROM connection_logs WHERE state = 'ongoing'");
    let got = owner
        .get(&format!("{PATH}?q={}", url_encode("status:ongoing")))
        .expect(200)
        .body;
    assert_eq!(got["count"], ongoing);
}

#[test]
fn seed_without_connection_logs_leaves_the_table_empty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("a.db");
    seed(&db, 0);
    let c = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(one(&c, "SELECT count(*) FROM connection_logs"), 0);
    assert_eq!(one(&c, "SELECT count(*) FROM connection_log_day_counts"), 0);
}

/// Deep offsets skip whole days through the day counters, and capped counts of filters the
/// counters answer come from them: both must give what a plain walk of the rows gives.
#[test]
fn seeded_deep_offsets_and_capped_counts_match_the_rows() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("a.db");
    seed(&db, 30_000);
    coderlite::cli::create_admin_user(&db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let c = rusqlite::Connection::open(&db).expect("open");
    let org: String = c
        .query_row(
            "SELECT o.name FROM organizations o JOIN connection_logs l ON l.organization_id = o.id \
             WHERE o.is_default = 0 GROUP BY o.id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("org");
    let newest = one(&c, "SELECT max(connect_time) FROM connection_logs");
    let mid = coderlite::timefmt::format_micros(newest - 30 * 86_400_000_000 - 7_777_777);
    let late = coderlite::timefmt::format_micros(newest - 60 * 86_400_000_000 + 3_333_333);
    // (q, SQL condition)
    let filters = [
        (String::new(), "1".to_string()),
        ("type:ssh".into(), "type = 'ssh'".into()),
        ("status:completed".into(), "state = 'completed'".into()),
        (
            format!("organization:{org}"),
            format!("organization_id = (SELECT id FROM organizations WHERE name = '{org}')"),
        ),
        (
            format!("connected_before:\"{mid}\""),
            format!(
                "connect_time <= {}",
                newest - 30 * 86_400_000_000 - 7_777_777
            ),
        ),
        (
            format!("connected_after:\"{late}\" connected_before:\"{mid}\" type:vscode"),
            format!(
                "connect_time >= {} AND connect_time <= {} AND type = 'vscode'",
                newest - 60 * 86_400_000_000 + 3_333_333,
                newest - 30 * 86_400_000_000 - 7_777_777
            ),
        ),
    ];
    // The busiest workspace owner, workspace and web user: counted by the key counters.
    let top = |col: &str| -> String {
        c.query_row(
            &format!(
                "SELECT {col} FROM connection_logs WHERE {col} IS NOT NULL \
                 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            [],
            |r| r.get(0),
        )
        .expect(col)
    };
    let name = |id: &str| -> String {
        c.query_row("SELECT username FROM users WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("username")
    };
    let email = |id: &str| -> String {
        c.query_row("SELECT email FROM users WHERE id = ?1", [id], |r| r.get(0))
            .expect("email")
    };
    let (owner_id, ws, user_id) = (
        top("workspace_owner_id"),
        top("workspace_id"),
        top("user_id"),
    );
    let mut filters = filters.to_vec();
    filters.extend([
        (
            format!("workspace_owner:{}", name(&owner_id)),
            format!("workspace_owner_id = '{owner_id}'"),
        ),
        (
            format!(
                "workspace_owner:{} type:vscode status:completed",
                name(&owner_id)
            ),
            format!(
                "workspace_owner_id = '{owner_id}' AND type = 'vscode' AND state = 'completed'"
            ),
        ),
        (
            format!("workspace_id:{ws} type:ssh"),
            format!("workspace_id = '{ws}' AND type = 'ssh'"),
        ),
        (
            format!("username:{} type:tunnel", name(&user_id)),
            format!("user_id = '{user_id}' AND type = 'tunnel'"),
        ),
        (
            format!("user_email:{}", email(&user_id)),
            format!("user_id = '{user_id}'"),
        ),
    ]);
    let s = TestServer::start_with(|cfg| cfg.db = db.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    for (q, cond) in &filters {
        let total = one(
            &c,
            &format!("SELECT count(*) FROM connection_logs WHERE {cond}"),
        );
        for offset in [10_000, 12_345, total - 3, total + 5] {
            let want: Vec<String> = c
                .prepare(&format!(
                    "SELECT id FROM connection_logs WHERE {cond} \
                     ORDER BY connect_time DESC, seq DESC LIMIT 25 OFFSET {offset}"
                ))
                .expect("prepare")
                .query_map([], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("ids");
            let page = owner
                .get(&format!(
                    "{PATH}?limit=25&offset={offset}&q={}",
                    url_encode(q)
                ))
                .expect(200)
                .body;
            assert_eq!(ids(&page), want, "q={q:?} offset {offset}");
            assert_eq!(page["count"], total, "q={q:?}");
        }
    }
    drop(s);
    let capped = TestServer::start_with(|cfg| {
        cfg.db = db.clone();
        cfg.connection_log_count_cap = 2000;
    });
    let owner = capped.login(OWNER_EMAIL, PASSWORD);
    for (q, cond) in &filters {
        let total = one(
            &c,
            &format!("SELECT count(*) FROM connection_logs WHERE {cond}"),
        );
        let page = owner
            .get(&format!("{PATH}?limit=5&q={}", url_encode(q)))
            .expect(200)
            .body;
        assert_eq!(page["count"], total.min(2001), "q={q:?}");
        assert_eq!(page["count_cap"], 2000);
    }
}
