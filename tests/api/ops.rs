//! Operations: hash chain, retention, backup, streaming, metrics/health, configuration file.

use crate::common::*;
use serde_json::json;

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
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
    let total = count(&s.sqlite(), "SELECT count(*) FROM audit_logs");
    assert!(total >= 6);
    let r = owner.get("/api/v2/audit/verify").expect(200);
    assert_eq!(r.body["ok"], true, "{}", r.text);
    assert_eq!(r.body["rows_checked"], total);
    assert!(r.body["broken"].is_null());
    assert_eq!(r.body["head_hash"].as_str().map(str::len), Some(64));
    // Every row carries a hash linked to its predecessor.
    let unlinked = count(
        &s.sqlite(),
        "SELECT count(*) FROM audit_logs a JOIN audit_logs b ON b.seq = (SELECT max(seq) FROM audit_logs WHERE seq < a.seq) WHERE a.prev_hash <> b.hash",
    );
    assert_eq!(unlinked, 0);

    assert_eq!(coderlite::ops::cli::verify(&s.db_path), Ok(true));

    // An attacker with the file drops the trigger and rewrites one row.
    let conn = s.sqlite();
    let (seq, id): (i64, String) = conn
        .query_row(
            "SELECT seq, id FROM audit_logs ORDER BY seq LIMIT 1 OFFSET 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    let err = conn.execute(
        "UPDATE audit_logs SET status_code = 200 WHERE seq = ?1",
        [seq],
    );
    assert!(err.is_err(), "the append-only trigger must refuse UPDATE");
    conn.execute_batch("DROP TRIGGER audit_logs_append_only")
        .expect("drop trigger");
    conn.execute(
        "UPDATE audit_logs SET status_code = 200 WHERE seq = ?1",
        [seq],
    )
    .expect("tamper");
    let r = owner.get("/api/v2/audit/verify").expect(200);
    assert_eq!(r.body["ok"], false);
    assert_eq!(r.body["broken"]["seq"], seq);
    assert_eq!(r.body["broken"]["id"], id.as_str());
    assert_eq!(r.body["broken"]["reason"], "content_changed");
    assert_eq!(coderlite::ops::cli::verify(&s.db_path), Ok(false));

    // Deleting a row breaks the link of the row after it.
    conn.execute(
        "UPDATE audit_logs SET status_code = 401 WHERE seq = ?1",
        [seq],
    )
    .expect("restore");
    let next: i64 = conn
        .query_row(
            "SELECT min(seq) FROM audit_logs WHERE seq > ?1",
            [seq],
            |r| r.get(0),
        )
        .expect("next");
    conn.execute("DELETE FROM audit_logs WHERE seq = ?1", [seq])
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
    let report = coderlite::audit::chain::verify(&conn).expect("verify");
    assert_eq!(report.broken.map(|b| b.reason), Some("missing_hash"));
    let n = coderlite::audit::chain::rebuild(&conn).expect("rebuild");
    assert_eq!(n, 20);
    let report = coderlite::audit::chain::verify(&conn).expect("verify");
    assert!(report.ok, "{report:?}");
    // The trigger is back.
    assert!(conn
        .execute("UPDATE audit_logs SET action = 'write'", [])
        .is_err());
    // New rows written by the server continue the rebuilt chain.
    audit_rows(&s, 2);
    let report = coderlite::audit::chain::verify(&conn).expect("verify");
    assert!(report.ok, "{report:?}");
}
