//! A database held busy by someone else (a long `BEGIN IMMEDIATE` in another process, e.g. an
//! admin's sqlite3 shell) makes writes answer 503 with `Retry-After` in Coder's error shape —
//! never a 500 or SQLite's "database is locked" — while reads keep working; nothing is
//! half-written, and the same request succeeds once the database is free.

use crate::common::*;
use serde_json::json;

#[test]
fn a_busy_database_answers_503_and_writes_nothing() {
    let s = TestServer::start();
    // Holds SQLite's write lock from a second connection.
    crate::sqlite_only!(s);
    let owner = s.owner();
    let (uid, _) = seed_user(&s, "busy", &[], &[]);
    let audit_rows = |s: &TestServer| -> i64 {
        s.sqlite()
            .query_row("SELECT count(*) FROM audit_logs", [], |r| r.get(0))
            .expect("count")
    };
    let before = audit_rows(&s);

    let holder = s.sqlite();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET key = key WHERE 1 = 0;")
        .expect("hold the write lock");
    // Reads are served from WAL snapshots meanwhile.
    owner.get(&format!("/api/v2/users/{uid}")).expect(200);
    let r = owner.put(
        &format!("/api/v2/users/{uid}/profile"),
        json!({"username": "busy", "name": "Renamed While Busy"}),
    );
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("1"), "{:?}", r.headers);
    assert_eq!(r.message(), "The server is busy. Please retry shortly.");
    assert!(!r.text.to_lowercase().contains("locked"), "{}", r.text);
    holder.execute_batch("ROLLBACK").expect("release");

    // Nothing was written: neither the change nor an audit row.
    let name: String = s
        .sqlite()
        .query_row("SELECT name FROM users WHERE id = ?1", [&uid], |r| r.get(0))
        .expect("name");
    assert_eq!(name, "");
    assert_eq!(audit_rows(&s), before);

    // The retry succeeds, with its one audit row.
    let r = owner
        .put(
            &format!("/api/v2/users/{uid}/profile"),
            json!({"username": "busy", "name": "Renamed While Busy"}),
        )
        .expect(200);
    assert_eq!(r.body["name"], "Renamed While Busy");
    assert_eq!(audit_rows(&s), before + 1);
}
