//! `--connection-log-retention`: old rows purged in batches, new rows kept, counts exact
//! afterwards, one audit row and the purge metric; 0 or unset keeps everything.

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
    let db = w.s.db();
    let conn = db.tx();
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
            coderlite::params![],
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
    let db = w.s.db();
    let conn = db.tx();
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
            coderlite::params![],
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
    // Coder's spelling of the flag.
    let coder = load(&["server", "--connection-logs-retention", "30d"]).expect("alias");
    assert_eq!(
        server_args(&coder).config.connection_log_retention.secs,
        30 * 86_400
    );
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
    let db = w.s.db();
    assert_counters_exact(&db.tx());
    assert_eq!(
        one(
            &db.tx(),
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'connection_log'"
        ),
        0
    );
}
