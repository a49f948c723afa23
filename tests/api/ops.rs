//! Operations: hash chain, retention, backup, streaming, metrics/health, configuration file.

use crate::common::*;
use crate::dbfix::AsTx;
use crate::receiver::{Received, Receiver};
use coderlite::params;
use serde_json::json;

fn count(conn: &impl AsTx, sql: &str) -> i64 {
    conn.as_tx()
        .query_row(sql, params![], |r| r.get(0))
        .expect("count")
}

/// Writes `n` audit rows through the API (failed logins are recorded).
fn audit_rows(s: &TestServer, n: usize) {
    for i in 0..n {
        s.client()
            .post(
                "/api/v2/users/login",
                json!({"email": OWNER_EMAIL, "password": format!("wrong-password-{i}")}),
            )
            .expect(401);
    }
}

#[test]
fn audit_chain_names_an_edited_row() {
    let s = TestServer::start();
    let owner = s.owner();
    audit_rows(&s, 5);
    let db = s.db();
    let total = count(&db, "SELECT count(*) FROM audit_logs");
    assert!(total >= 6);
    let r = owner.get("/api/v2/audit/verify").expect(200);
    assert_eq!(r.body["ok"], true, "{}", r.text);
    assert_eq!(r.body["rows_checked"], total);
    assert!(r.body["broken"].is_null());
    assert_eq!(r.body["head_hash"].as_str().map(str::len), Some(64));
    // Every row carries a hash linked to its predecessor.
    let unlinked = count(
        &db,
        "SELECT count(*) FROM audit_logs a JOIN audit_logs b ON b.seq = (SELECT max(seq) FROM audit_logs WHERE seq < a.seq) WHERE a.prev_hash <> b.hash",
    );
    assert_eq!(unlinked, 0);

    assert_eq!(coderlite::cli::verify(&s.db_path), Ok(true));

    // An attacker with access to the database lifts the trigger and rewrites one row.
    let conn = db;
    let (seq, id): (i64, String) = conn
        .query_row(
            "SELECT seq, id FROM audit_logs ORDER BY seq LIMIT 1 OFFSET 3",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    let err = conn.execute(
        "UPDATE audit_logs SET status_code = 200 WHERE seq = ?1",
        params![seq],
    );
    assert!(err.is_err(), "the append-only trigger must refuse UPDATE");
    conn.execute_batch(if conn.on_postgres() {
        "ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only"
    } else {
        "DROP TRIGGER audit_logs_append_only"
    })
    .expect("lift trigger");
    conn.execute(
        "UPDATE audit_logs SET status_code = 200 WHERE seq = ?1",
        params![seq],
    )
    .expect("tamper");
    let r = owner.get("/api/v2/audit/verify").expect(200);
    assert_eq!(r.body["ok"], false);
    assert_eq!(r.body["broken"]["seq"], seq);
    assert_eq!(r.body["broken"]["id"], id.as_str());
    assert_eq!(r.body["broken"]["reason"], "content_changed");
    assert_eq!(coderlite::cli::verify(&s.db_path), Ok(false));

    // Deleting a row breaks the link of the row after it.
    conn.execute(
        "UPDATE audit_logs SET status_code = 401 WHERE seq = ?1",
        params![seq],
    )
    .expect("restore");
    let next: i64 = conn
        .query_row(
            "SELECT min(seq) FROM audit_logs WHERE seq > ?1",
            params![seq],
            |r| r.get(0),
        )
        .expect("next");
    conn.execute("DELETE FROM audit_logs WHERE seq = ?1", params![seq])
        .expect("delete");
    let r = owner.get("/api/v2/audit/verify").expect(200);
    assert_eq!(r.body["broken"]["seq"], next);
    assert_eq!(r.body["broken"]["reason"], "link_broken");
}

#[test]
fn audit_verify_needs_owner_or_auditor() {
    let s = TestServer::start();
    let owner = s.owner();
    s.client().get("/api/v2/audit/verify").expect(401);
    owner.get("/api/v2/audit/verify").expect(200);
}

#[test]
fn chain_rebuild_links_bulk_loaded_rows() {
    let s = TestServer::start();
    // `rebuild` is what bulk loads into a SQLite file (import, seed) run; it lifts SQLite's
    // trigger through sqlite_master.
    crate::sqlite_only!(s);
    let _owner = s.owner();
    let conn = s.sqlite();
    // A bulk load writes rows without hashes.
    for i in 0..20 {
        conn.execute(
            "INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id, resource_target, action, status_code, request_id) \
             VALUES (?1, ?2, '00000000-0000-0000-0000-000000000000', 'user', ?1, 'bulk', 'create', 201, ?1)",
            rusqlite::params![format!("00000000-0000-4000-8000-{i:012}"), i],
        )
        .expect("bulk insert");
    }
    let report = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
        .expect("verify");
    assert_eq!(report.broken.map(|b| b.reason), Some("missing_hash"));
    let n = coderlite::store::audit_chain::rebuild(&coderlite::store::sql::Tx::sqlite(&conn))
        .expect("rebuild");
    assert_eq!(n, 20);
    let report = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
        .expect("verify");
    assert!(report.ok, "{report:?}");
    // The trigger is back.
    assert!(conn
        .execute("UPDATE audit_logs SET action = 'write'", [])
        .is_err());
    // New rows written by the server continue the rebuilt chain.
    audit_rows(&s, 2);
    let report = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
        .expect("verify");
    assert!(report.ok, "{report:?}");
}

// ---------------------------------------------------------------------------------------
// Helpers for servers that restart on one database file, and a tiny webhook receiver.

use coderlite::config::ServerConfig;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A server on a given database file (so a test can stop it and start another on the same file).
fn start_on(db: &Path, adjust: impl FnOnce(&mut ServerConfig)) -> Running {
    let mut config = ServerConfig::for_db(db);
    config.login_rate_limit = 0;
    adjust(&mut config);
    Running::start(config)
}

#[track_caller]
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn open(db: &Path) -> rusqlite::Connection {
    assert!(
        coderlite::db::Target::of(db) == coderlite::db::Target::Sqlite(db.to_path_buf()),
        "this test reads the SQLite file directly: not on PostgreSQL"
    );
    let c = rusqlite::Connection::open(db).expect("open db");
    c.busy_timeout(Duration::from_secs(10)).expect("busy");
    c
}

/// A fresh database with the schema and nothing else.
fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("coderlite.db");
    drop(coderlite::build_state(ServerConfig::for_db(&path)).expect("schema"));
    (dir, path)
}

const HOUR_MICROS: i64 = 3_600_000_000;

/// Bulk-loads `n` audit rows aged `age_micros` (oldest first), then links them into the chain.
fn bulk_rows(db: &Path, n: usize, age_micros: i64) {
    let mut conn = open(db);
    let now = coderlite::timefmt::now_micros();
    let tx = conn.transaction().expect("tx");
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO audit_logs (id, time, user_id, resource_type, resource_id, resource_target, action, status_code, request_id) \
                 VALUES (?1, ?2, '00000000-0000-0000-0000-000000000000', 'user', ?1, 'bulk', 'create', 201, ?1)",
            )
            .expect("prepare");
        for i in 0..n {
            let id = uuid::Uuid::new_v4().to_string();
            stmt.execute(rusqlite::params![id, now - age_micros + i as i64])
                .expect("insert");
        }
    }
    coderlite::store::audit_chain::rebuild(&coderlite::store::sql::Tx::sqlite(&tx))
        .expect("rebuild");
    tx.commit().expect("commit");
}

/// The audit rows' ids in `seq` order, of a SQLite file or a server's database (its
/// `db_path`: a file or a PostgreSQL URL).
fn audit_ids(db: &Path) -> Vec<String> {
    let conn = crate::dbfix::open(db);
    let mut stmt = conn
        .prepare("SELECT id FROM audit_logs ORDER BY seq")
        .expect("prepare");
    stmt.query_map(params![], |r| r.get(0))
        .expect("query")
        .collect::<Result<Vec<String>, _>>()
        .expect("ids")
}

fn login_fail(url: &str, n: usize) {
    let c = Client::new(url, None);
    for i in 0..n {
        c.post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": format!("wrong-password-{i}")}),
        )
        .expect(401);
    }
}

// ---------------------------------------------------------------------------------------
// Retention

/// Creates the first owner on `srv` and reads `GET /api/v2/audit?q=...` as that owner.
fn s_owner_audit(srv: &Running, q: &str) -> serde_json::Value {
    let c = srv.client();
    let first = c.post(
        "/api/v2/users/first",
        json!({"email": OWNER_EMAIL, "username": OWNER_USERNAME, "password": PASSWORD}),
    );
    assert!(first.status == 201 || first.status == 409, "{}", first.text);
    let login = c
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": PASSWORD}),
        )
        .expect(201);
    let owner = c.with_token(login.body["session_token"].as_str().expect("token"));
    owner
        .get(&format!("/api/v2/audit?q={}", q.replace(':', "%3A")))
        .expect(200)
        .body
}

#[test]
fn retention_purges_in_batches_and_keeps_the_chain_verifiable() {
    let (_dir, db) = fresh_db();
    bulk_rows(&db, 2_500, 10 * 24 * HOUR_MICROS);
    bulk_rows(&db, 5, HOUR_MICROS);
    let srv = start_on(&db, |c| c.audit_retention = "1d".parse().expect("duration"));
    let conn = open(&db);
    wait_for("the purge's audit row", || {
        count(
            &conn,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'audit_log'",
        ) == 1
    });
    let cutoff = coderlite::timefmt::now_micros() - 24 * HOUR_MICROS;
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_logs WHERE time < ?1",
            [cutoff],
            |r| r.get(0),
        )
        .expect("old");
    assert_eq!(old, 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_logs"), 6);
    let (user_id, action, fields): (String, String, String) = conn
        .query_row(
            "SELECT user_id, action, additional_fields FROM audit_logs WHERE resource_type = 'audit_log'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("purge row");
    assert_eq!(user_id, "00000000-0000-0000-0000-000000000000");
    assert_eq!(action, "delete");
    let fields: serde_json::Value = serde_json::from_str(&fields).expect("json");
    assert_eq!(fields["purged_rows"], "2500");
    assert_eq!(fields["first_purged_seq"], "1");
    assert_eq!(fields["last_purged_seq"], "2500");
    assert_eq!(fields["retention"], "1d");
    let r = s_owner_audit(&srv, "resource_type:audit_log");
    assert_eq!(r["count"], 1);
    assert_eq!(
        r["audit_logs"][0]["description"],
        "{user} deleted audit log {target}"
    );
    assert!(fields["oldest_purged_time"].as_str().is_some());
    // The kept rows still verify, anchored at the oldest kept row, and new rows extend them.
    let report = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
        .expect("verify");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.anchor.map(|a| a.after_seq), Some(2_500));
    let before = count(&conn, "SELECT count(*) FROM audit_logs");
    login_fail(&srv.url, 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_logs"), before + 2);
    assert!(
        coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
            .expect("verify")
            .ok
    );
    let metrics = srv.client().get("/metrics").expect(200).text;
    assert!(
        metrics.contains("coderd_dbpurge_records_purged_total{record_type=\"audit_logs\"} 2500")
    );
}

#[test]
fn retention_keeps_rows_the_webhook_has_not_delivered() {
    let (_dir, db) = fresh_db();
    bulk_rows(&db, 10, 10 * 24 * HOUR_MICROS);
    // Rows 1..=4 were delivered; the receiver is down now.
    open(&db)
        .execute(
            "INSERT INTO settings (key, value) VALUES ('audit_stream_cursor.webhook', '4')",
            [],
        )
        .expect("cursor");
    let down = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = down.local_addr().expect("addr").port();
    drop(down);
    let _srv = start_on(&db, |c| {
        c.audit_retention = "1d".parse().expect("duration");
        c.audit_webhook = Some(format!("http://127.0.0.1:{port}/hook"));
    });
    let conn = open(&db);
    wait_for("the purge's audit row", || {
        count(
            &conn,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'audit_log'",
        ) == 1
    });
    assert_eq!(count(&conn, "SELECT min(seq) FROM audit_logs"), 5);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'user'"
        ),
        6
    );
    assert!(
        coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&conn))
            .expect("verify")
            .ok
    );
}

// ---------------------------------------------------------------------------------------
// Metrics and health

#[test]
fn metrics_and_healthz() {
    let s = TestServer::start();
    let owner = s.owner();
    let me = owner.get("/api/v2/users/me").expect(200);
    let id = me.body["id"].as_str().expect("id").to_string();
    owner.get(&format!("/api/v2/users/{id}")).expect(200);
    s.client().get("/api/v2/nope").expect(404);
    let h = s.client().get("/healthz").expect(200);
    assert_eq!(h.text, "ok\n");
    s.client().request("HEAD", "/healthz", None).expect(200);
    let m = s.client().get("/metrics").expect(200);
    assert!(m
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/plain; version=0.0.4"));
    let t = &m.text;
    assert!(
        t.contains(
            "coderd_api_requests_processed_total{code=\"200\",method=\"GET\",path=\"/api/v2/users/{user}\"} 2"
        ),
        "{t}"
    );
    assert!(!t.contains(&id), "raw ids must not become labels");
    assert!(t.contains("coderd_api_request_latencies_seconds_bucket{method=\"GET\",path=\"/api/v2/users/{user}\",le=\"+Inf\"} 2"));
    assert!(t.contains("coderd_api_requests_processed_total{code=\"404\""));
    assert!(t.contains("coderlite_db_pool_connections{pool=\"read\",state=\"idle\"}"));
    assert!(t.contains("coderlite_db_pool_wait_seconds_count{pool=\"write\"}"));
    assert!(t.contains("coderlite_ai_seats_in_use 0"));
    let written = count(&s.db(), "SELECT max(seq) FROM audit_logs");
    assert!(t.contains(&format!("coderlite_audit_rows_written_total {written}")));
}

#[test]
fn metrics_token_guards_metrics() {
    let s = TestServer::start_with(|c| c.metrics_token = Some("s3cret-scrape".into()));
    let c = s.client();
    c.get("/metrics").expect(401);
    c.raw("GET", "/metrics", None, &[("Authorization", "Bearer nope")])
        .expect(401);
    let r = c
        .raw(
            "GET",
            "/metrics",
            None,
            &[("Authorization", "Bearer s3cret-scrape")],
        )
        .expect(200);
    assert!(r.text.contains("coderd_api_concurrent_requests"));
    c.get("/healthz").expect(200);
}

// ---------------------------------------------------------------------------------------
// Streaming

#[test]
fn webhook_delivers_every_row_across_outage_and_restart() {
    let (_dir, db) = fresh_db();
    // Rows written before the stream existed are delivered too (`--audit-stream-start oldest`).
    bulk_rows(&db, 3, HOUR_MICROS);
    let got = Arc::new(Mutex::new(Vec::new()));
    let (receiver, port) = Receiver::start(0, got.clone());
    let hook = format!("http://127.0.0.1:{port}/audit");
    let srv = start_on(&db, |c| c.audit_webhook = Some(hook.clone()));
    let c = srv.client();
    c.post(
        "/api/v2/users/first",
        json!({"email": OWNER_EMAIL, "username": OWNER_USERNAME, "password": PASSWORD}),
    )
    .expect(201);
    login_fail(&srv.url, 3);
    let delivered = |got: &Arc<Mutex<Vec<Received>>>| -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for r in got.lock().expect("lock").iter() {
            let id = r.body["id"].as_str().unwrap_or("").to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    wait_for("first rows", || delivered(&got) == audit_ids(&db));
    {
        let g = got.lock().expect("lock");
        let create = g
            .iter()
            .find(|r| r.body["action"] == "create" && r.body["resource_target"] == OWNER_USERNAME)
            .expect("create row");
        assert_eq!(create.body["resource_type"], "user");
        assert_eq!(create.body["resource_target"], OWNER_USERNAME);
        assert_eq!(create.body["description"], "{user} created user {target}");
        assert_eq!(create.body["user"]["username"], OWNER_USERNAME);
        assert!(create.body["time"].as_str().is_some());
        assert_eq!(create.hash.len(), 64);
        assert!(create.seq >= 1);
        let failed = g
            .iter()
            .find(|r| r.body["status_code"] == 401)
            .expect("failed login row");
        assert_eq!(failed.body["user"]["username"], OWNER_USERNAME);
        assert_eq!(
            failed.body["description"],
            "{user} unsuccessfully attempted to login"
        );
    }

    // The receiver goes down; rows keep coming; the server restarts meanwhile.
    drop(receiver);
    login_fail(&srv.url, 2);
    wait_for("a failed delivery", || {
        srv.client().get("/metrics").text.lines().any(|l| {
            l.starts_with("coderlite_audit_stream_failures_total{sink=\"webhook\"}")
                && !l.ends_with(" 0")
        })
    });
    let backlog = srv.client().get("/metrics").text;
    assert!(!backlog.contains("coderlite_audit_stream_backlog_rows{sink=\"webhook\"} 0"));
    drop(srv);
    let srv = start_on(&db, |c| c.audit_webhook = Some(hook.clone()));
    login_fail(&srv.url, 2);
    let (_receiver, _) = Receiver::start(port, got.clone());
    wait_for("every row after the outage", || {
        delivered(&got) == audit_ids(&db)
    });
    // In order: first deliveries follow seq (redeliveries after a restart may repeat rows).
    let mut firsts: Vec<i64> = Vec::new();
    for r in got.lock().expect("lock").iter() {
        if !firsts.contains(&r.seq) {
            firsts.push(r.seq);
        }
    }
    assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    wait_for("the cursor to be saved", || {
        count(
            &open(&db),
            "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'audit_stream_cursor.webhook'",
        ) == count(&open(&db), "SELECT max(seq) FROM audit_logs")
    });
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn stdout_sink_writes_one_json_line_per_row() {
    use coderlite::ops::{stream, Stop};
    let s = TestServer::start();
    let _owner = s.owner();
    let state = coderlite::build_state(ServerConfig::for_db(&s.db_path)).expect("state");
    let stats = Arc::new(stream::SinkStats::new("stdout"));
    // Start from the beginning of the log.
    stats.cursor.store(0, Ordering::SeqCst);
    let buf = Buffer::default();
    let stop = Stop::default();
    let (db, st, sp, out) = (state.db.clone(), stats.clone(), stop.clone(), buf.clone());
    let t = std::thread::spawn(move || {
        stream::run(db, Box::new(stream::LineSink::new(Box::new(out))), st, sp)
    });
    audit_rows(&s, 2);
    let want = audit_ids(&s.db_path);
    let lines = || -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&buf.0.lock().expect("lock"))
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    };
    wait_for("every row on stdout", || lines().len() == want.len());
    stop.stop();
    t.join().expect("join");
    let got: Vec<String> = lines()
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        count(
            &s.db(),
            "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'audit_stream_cursor.stdout'"
        ),
        count(&s.db(), "SELECT max(seq) FROM audit_logs")
    );
}

// ---------------------------------------------------------------------------------------
// Backup

#[test]
fn online_backup_under_write_load_is_consistent() {
    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("nested");
    let dir2 = dir.clone();
    let s = TestServer::start_with(move |c| {
        c.backup_dir = Some(dir2);
        c.login_rate_limit = 0;
    });
    // SQLite's online backup API copies the file while the server writes.
    crate::sqlite_only!(s);
    let owner = s.owner();
    let (_, member) = create_user(&s, &owner, "bob", &[]);
    let (_, auditor) = create_user(&s, &owner, "carol", &["auditor"]);
    auditor.get("/api/v2/audit/verify").expect(200);
    member.get("/api/v2/audit/verify").expect(403);
    member.post("/api/v2/backup", json!({})).expect(403);

    // Write load: API requests that write audit rows, and raw transactions on another table.
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    {
        let (stop1, url) = (stop.clone(), s.url.clone());
        load.push(std::thread::spawn(move || {
            let mut n = 0;
            while !stop1.load(Ordering::SeqCst) {
                login_fail(&url, 1);
                n += 1;
            }
            n
        }));
        let (stop2, path) = (stop.clone(), s.db_path.clone());
        load.push(std::thread::spawn(move || {
            let conn = open(&path);
            let mut n = 0;
            while !stop2.load(Ordering::SeqCst) {
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, 'x')",
                    [format!("load.{n:08}")],
                )
                .expect("load insert");
                n += 1;
                // Pace it: a tight external write loop would starve the server's own writer.
                std::thread::sleep(Duration::from_millis(5));
            }
            n
        }));
    }
    std::thread::sleep(Duration::from_millis(300));
    let r = owner
        .post("/api/v2/backup", json!({"name": "api-copy.db"}))
        .expect(201);
    assert_eq!(r.body["name"], "api-copy.db");
    assert_eq!(r.body["integrity_check"], "ok");
    let api_copy = dir.join("api-copy.db");
    assert_eq!(r.body["path"], api_copy.display().to_string());
    let cli_copy = backups.path().join("cli-copy.db");
    coderlite::cli::backup(&s.db_path, &cli_copy).expect("cli backup");
    let r = owner.post("/api/v2/backup", json!(null)).expect(201);
    let default_name = r.body["name"].as_str().expect("name").to_string();
    assert!(default_name.starts_with("coderlite-") && default_name.ends_with(".db"));
    stop.store(true, Ordering::SeqCst);
    let counts: Vec<i64> = load.into_iter().map(|t| t.join().expect("load")).collect();
    assert!(counts.iter().all(|n| *n > 0), "load ran: {counts:?}");

    for copy in [&api_copy, &cli_copy, &dir.join(&default_name)] {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(copy).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "backups are private: {mode:o}");
        }
        let c = rusqlite::Connection::open(copy).expect("open copy");
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
        assert_eq!(
            count(
                &c,
                "SELECT count(*) FROM users WHERE username IN ('admin', 'bob', 'carol')"
            ),
            3
        );
        // A consistent snapshot: the raw inserts form a gap-free prefix, the chain verifies.
        let (n, max): (i64, Option<String>) = c
            .query_row(
                "SELECT count(*), max(key) FROM settings WHERE key LIKE 'load.%'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("load rows");
        if let Some(max) = max {
            let last: i64 = max.trim_start_matches("load.").parse().expect("n");
            assert_eq!(n, last + 1);
        }
        assert!(count(&c, "SELECT count(*) FROM audit_logs") > 3);
        let report = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&c))
            .expect("verify copy");
        assert!(report.ok, "{report:?}");
        assert_eq!(
            c.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
                .expect("mode"),
            "delete"
        );
    }
    // No leftovers.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Names are plain file names; existing files are never replaced.
    for bad in ["../escape.db", "/etc/x.db", ".hidden", "a/b.db", "x\\y.db"] {
        let r = owner
            .post("/api/v2/backup", json!({"name": bad}))
            .expect(400);
        assert_eq!(r.body["validations"][0]["field"], "name");
    }
    assert!(!backups.path().join("escape.db").exists());
    let r = owner
        .post("/api/v2/backup", json!({"name": "api-copy.db"}))
        .expect(409);
    assert_eq!(r.message(), "A backup with that name already exists.");
    assert!(coderlite::cli::backup(&s.db_path, &cli_copy).is_err());
    // Each attempt that reached the backup is audited: two copies and the refused duplicate.
    let audited = count(
        &s.sqlite(),
        "SELECT count(*) FROM audit_logs WHERE resource_type = 'database_backup' AND action = 'create'",
    );
    assert_eq!(audited, 3);
    assert_eq!(
        count(
            &s.sqlite(),
            "SELECT count(*) FROM audit_logs WHERE resource_type = 'database_backup' AND status_code = 409",
        ),
        1
    );
}

#[test]
fn api_backup_needs_a_backup_dir() {
    let s = TestServer::start();
    let owner = s.owner();
    let r = owner.post("/api/v2/backup", json!({})).expect(400);
    assert_eq!(r.message(), "Online backups over the API are disabled.");
}

// ---------------------------------------------------------------------------------------
// Configuration file

pub(crate) fn cli() -> clap::Command {
    use clap::Args;
    clap::Command::new("coderlite").subcommand(coderlite::config::file::ServerArgs::augment_args(
        clap::Command::new("server"),
    ))
}

pub(crate) fn load(args: &[&str]) -> Result<coderlite::config::file::Loaded, String> {
    let argv = std::iter::once("coderlite")
        .chain(args.iter().copied())
        .map(std::ffi::OsString::from)
        .collect();
    coderlite::config::file::load(cli(), argv).map_err(|e| format!("{e:?}"))
}

pub(crate) fn server_args(
    l: &coderlite::config::file::Loaded,
) -> coderlite::config::file::ServerArgs {
    use clap::FromArgMatches;
    let (_, sub) = l.matches.subcommand().expect("server");
    coderlite::config::file::ServerArgs::from_arg_matches(sub).expect("args")
}

#[test]
fn config_file_precedence_and_print_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("coderlite.toml");
    std::fs::write(
        &file,
        r#"
listen = "0.0.0.0:8080"
read-pool-size = 4
audit_retention = "12w"
first_user_password = "hunter2hunter2"
audit_webhook = "https://siem:pa55word@siem.example.com/in?token=abc"
metrics_token = "scrape-me"
audit_log_stdout = true
synchronous = "normal"
login_rate_limit = 50
ai_seat_limit = 9
"#,
    )
    .expect("write");
    let path = file.to_str().expect("path");
    // flag > env > file > default
    std::env::set_var("CODERLITE_LOGIN_RATE_LIMIT", "7");
    let loaded = load(&["server", "--config", path, "--read-pool-size", "3"]);
    std::env::remove_var("CODERLITE_LOGIN_RATE_LIMIT");
    let loaded = loaded.expect("load");
    let args = server_args(&loaded);
    let c = &args.config;
    assert_eq!(c.read_pool_size, 3);
    assert_eq!(c.login_rate_limit, 7);
    assert_eq!(c.listen, "0.0.0.0:8080");
    assert_eq!(c.audit_retention.secs, 12 * 7 * 86_400);
    assert!(c.audit_log_stdout);
    assert_eq!(c.synchronous, coderlite::config::Synchronous::Normal);
    assert_eq!(c.ai_seat_limit, 9);
    assert_eq!(c.audit_count_cap, 0);
    assert_eq!(loaded.sources["read_pool_size"], "flag");
    assert_eq!(loaded.sources["login_rate_limit"], "env");
    assert_eq!(loaded.sources["listen"], "file");
    assert_eq!(loaded.sources["audit_count_cap"], "default");

    let text = coderlite::config::file::render(&cli(), &loaded, c);
    for secret in ["hunter2", "pa55word", "abc", "scrape-me"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    assert!(text.contains("first_user_password = \"<redacted>\""));
    assert!(text.contains("siem.example.com"));
    assert!(text.contains("read_pool_size = 3  # flag"));
    assert!(text.contains("audit_retention = \"12w\"  # file"));
    // The printed configuration is itself a valid file giving the same settings.
    let again = dir.path().join("again.toml");
    let clean: String = text
        .lines()
        .filter(|l| !l.contains("<redacted>"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&again, clean).expect("write");
    let reloaded = load(&["server", "--config", again.to_str().expect("path")]).expect("reload");
    let c2 = server_args(&reloaded).config;
    assert_eq!(c2.read_pool_size, 3);
    assert_eq!(c2.listen, "0.0.0.0:8080");
    assert_eq!(c2.audit_retention.secs, c.audit_retention.secs);

    // Bad files are refused with the file named.
    std::fs::write(&file, "bogus = 1\n").expect("write");
    let e = load(&["server", "--config", path])
        .err()
        .expect("unknown key");
    assert!(e.contains("unknown setting") && e.contains("bogus"), "{e}");
    std::fs::write(&file, "read_pool_size = \"many\"\n").expect("write");
    let e = load(&["server", "--config", path])
        .err()
        .expect("bad value");
    assert!(e.contains("coderlite.toml") && e.contains("many"), "{e}");
    std::fs::write(&file, "audit_retention = \"5x\"\n").expect("write");
    assert!(load(&["server", "--config", path]).is_err());
    std::fs::write(&file, "secure_cookies = \"yes\"\n").expect("write");
    assert!(load(&["server", "--config", path]).is_err());
    assert!(load(&["server", "--config", "/nonexistent/coderlite.toml"]).is_err());
    // A bad flag stays a command-line error.
    let e = load(&["server", "--audit-retention", "forever"])
        .err()
        .expect("bad flag");
    assert!(e.starts_with("Cli"), "{e}");
}

#[test]
fn webhook_urls_are_checked_at_start() {
    let (_dir, db) = fresh_db();
    let dir = tempfile::tempdir().expect("tempdir");
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "no certificates here\n").expect("write");
    let cases = [
        ("siem.example.com", None),
        ("http://", None),
        ("ftp://siem.example.com/in", None),
        (
            "https://siem.example.com/in",
            Some(dir.path().join("missing.pem")),
        ),
        ("https://siem.example.com/in", Some(not_pem)),
    ];
    for (bad, ca) in cases {
        let mut config = ServerConfig::for_db(&db);
        config.audit_webhook = Some(bad.into());
        config.audit_webhook_ca = ca;
        let state = coderlite::build_state(config).expect("state");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let e = actix_web::rt::System::new()
            .block_on(async move { coderlite::serve(state, listener).err() })
            .expect("refused");
        assert!(e.to_string().contains("--audit-webhook"), "{e}");
    }
}

#[test]
fn a_new_stream_can_start_now() {
    let (_dir, db) = fresh_db();
    bulk_rows(&db, 4, HOUR_MICROS);
    let down = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = down.local_addr().expect("addr").port();
    drop(down);
    let srv = start_on(&db, |c| {
        c.audit_webhook = Some(format!("http://127.0.0.1:{port}/hook"));
        c.audit_stream_start = coderlite::config::StreamStart::Now;
    });
    let cursor = count(
        &open(&db),
        "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'audit_stream_cursor.webhook'",
    );
    assert_eq!(cursor, 4);
    let m = srv.client().get("/metrics").expect(200).text;
    assert!(m.contains("coderlite_audit_stream_backlog_rows{sink=\"webhook\"} 0"));
}

#[test]
fn webhook_over_tls_trusts_only_its_ca() {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("siem-ca.pem");
    std::fs::write(&ca, key.cert.pem()).expect("write ca");
    let tls = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![key.cert.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.key_pair.serialize_der().into()),
        )
        .expect("tls config");
    let got = Arc::new(Mutex::new(Vec::new()));
    let (_receiver, port) = Receiver::start_tls(0, got.clone(), Some(Arc::new(tls)));
    let hook = format!("https://localhost:{port}/audit");
    let delivered = || -> Vec<String> {
        got.lock()
            .expect("lock")
            .iter()
            .map(|r| r.body["id"].as_str().unwrap_or("").to_string())
            .collect()
    };

    // Trusting the built-in roots only, the self-signed receiver is refused: nothing is
    // delivered, the failures show in /metrics, and the rows wait in the backlog.
    let (_d1, db1) = fresh_db();
    let srv = start_on(&db1, |c| c.audit_webhook = Some(hook.clone()));
    srv.client()
        .post(
            "/api/v2/users/first",
            json!({"email": OWNER_EMAIL, "username": OWNER_USERNAME, "password": PASSWORD}),
        )
        .expect(201);
    wait_for("a refused delivery", || {
        let m = srv.client().get("/metrics").expect(200).text;
        m.lines().any(|l| {
            l.starts_with("coderlite_audit_stream_failures_total{sink=\"webhook\"}")
                && !l.ends_with(" 0")
        })
    });
    assert!(delivered().is_empty());
    drop(srv);

    // With --audit-webhook-ca naming the receiver's CA, every row arrives over TLS.
    let (_d2, db2) = fresh_db();
    let srv = start_on(&db2, |c| {
        c.audit_webhook = Some(hook.clone());
        c.audit_webhook_ca = Some(ca.clone());
    });
    srv.client()
        .post(
            "/api/v2/users/first",
            json!({"email": OWNER_EMAIL, "username": OWNER_USERNAME, "password": PASSWORD}),
        )
        .expect(201);
    login_fail(&srv.url, 2);
    wait_for("rows over TLS", || {
        let ids = audit_ids(&db2);
        ids.len() == 3 && delivered() == ids
    });
    let g = got.lock().expect("lock");
    assert_eq!(g[0].body["resource_target"], OWNER_USERNAME);
    assert_eq!(g[0].hash.len(), 64);
}
