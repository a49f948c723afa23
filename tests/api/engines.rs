//! The store's handle (`store::sql::Tx`) on both engines: the same statements, written once
//! with `?N` placeholders, run on a SQLite file and on PostgreSQL and must give the same
//! values, errors and savepoint behaviour. PostgreSQL comes from `CODERLITE_TEST_PG` (a
//! libpq-style connection string; `./scripts/test` starts a throwaway server and sets it).

use coderlite::params;
use coderlite::store::sql::{DbError, OptionalExtension, PgConn, Tx, Value};

/// One DDL for both: SQLite gives these type names the affinities the values need.
const TABLE: &str = "CREATE TABLE seam (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, \
     flag BOOLEAN NOT NULL, score DOUBLE PRECISION, data BYTEA, note TEXT)";

fn seam_behaves(tx: &Tx) {
    tx.execute_batch(TABLE).expect("create");
    let n = tx
        .execute(
            "INSERT INTO seam (id, name, flag, score, data, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![1i64, "one", true, 1.5f64, vec![0u8, 255], None::<String>],
        )
        .expect("insert");
    assert_eq!(n, 1);
    // Bare `?` are numbered in order; a repeated `?N` binds once.
    tx.execute(
        "INSERT INTO seam (id, name, flag, score) VALUES (?, ?, ?, ?)",
        params![2i64, "two", false, 2i64],
    )
    .expect("insert bare");
    tx.execute(
        "INSERT INTO seam (id, name, flag, note) VALUES (?1, ?2, ?3, ?2)",
        params![3i64, "three", 1i64],
    )
    .expect("insert repeated");

    let (id, name, flag, score, data, note): (i64, String, bool, f64, Vec<u8>, Option<String>) = tx
        .query_row(
            "SELECT id, name, flag, score, data, note FROM seam WHERE name = ?1",
            params!["one"],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .expect("read back");
    assert_eq!((id, name.as_str(), flag), (1, "one", true));
    assert_eq!((score, data, note), (1.5, vec![0, 255], None));
    // An integer bound to a floating-point column reads back as a number on both.
    let two: f64 = tx
        .query_row("SELECT score FROM seam WHERE id = ?1", params![2i64], |r| {
            r.get(0)
        })
        .expect("score");
    assert_eq!(two, 2.0);
    let note: Option<String> = tx
        .query_row("SELECT note FROM seam WHERE id = ?1", params![3i64], |r| {
            r.get(0)
        })
        .expect("note");
    assert_eq!(note.as_deref(), Some("three"));

    // Booleans compare and aggregate the same way; counts are integers.
    let live: i64 = tx
        .query_row(
            "SELECT count(*) FROM seam WHERE flag = ?1",
            params![true],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(live, 2);

    // Rows in order through a cached statement, twice (the second run reuses it).
    for _ in 0..2 {
        let names: Vec<String> = tx
            .prepare_cached("SELECT name FROM seam WHERE id >= ?1 ORDER BY id")
            .expect("prepare")
            .query_map(params![2i64], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(names, ["two", "three"]);
    }

    // No row is `NoRows`, and `optional` makes it `None`.
    let missing = tx
        .query_row("SELECT name FROM seam WHERE id = ?1", params![99i64], |r| {
            r.get::<String>(0)
        })
        .optional()
        .expect("optional");
    assert_eq!(missing, None);

    // A wrong column type is a decoding error naming the column, not a panic.
    let bad = tx.query_row("SELECT name FROM seam WHERE id = 1", params![], |r| {
        r.get::<i64>(0)
    });
    assert!(
        matches!(bad, Err(DbError::Decode { idx: 0, .. })),
        "{bad:?}"
    );

    // A duplicate is a constraint violation, answered as 409 by `db::is_unique_violation`.
    tx.execute_batch("SAVEPOINT dup").expect("savepoint");
    let dup = tx
        .execute(
            "INSERT INTO seam (id, name, flag) VALUES (?1, ?2, ?3)",
            params![4i64, "one", false],
        )
        .expect_err("duplicate name");
    assert!(dup.is_constraint_violation(), "{dup}");
    assert!(!dup.is_busy());
    assert!(coderlite::db::is_unique_violation(
        &coderlite::error::ApiError::from(dup)
    ));
    tx.execute_batch("ROLLBACK TO dup; RELEASE dup")
        .expect("rollback to");

    // A failed unit of work inside a savepoint leaves nothing behind; the outer work goes on.
    let r: Result<(), DbError> = coderlite::store::in_savepoint(tx, "seam_work", || {
        tx.execute(
            "INSERT INTO seam (id, name, flag) VALUES (?1, ?2, ?3)",
            params![5i64, "five", true],
        )?;
        Err(DbError::Other("refused".into()))
    });
    assert!(r.is_err());
    let ids: Vec<Value> = tx
        .prepare("SELECT id FROM seam ORDER BY id")
        .expect("prepare")
        .query_map(params![], |r| r.value(0))
        .expect("ids")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        ids,
        [Value::Integer(1), Value::Integer(2), Value::Integer(3)]
    );

    // Rows read one at a time.
    let mut stmt = tx
        .prepare("SELECT id, note FROM seam ORDER BY id DESC")
        .expect("prepare");
    let mut rows = stmt.query(params![]).expect("query");
    let mut seen = Vec::new();
    while let Some(r) = rows.next().expect("next") {
        seen.push((
            r.get::<i64>(0).expect("id"),
            r.get::<Option<String>>(1).expect("note"),
        ));
    }
    assert_eq!(seen, [(3, Some("three".into())), (2, None), (1, None)]);
}

#[test]
fn seam_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let conn = rusqlite::Connection::open(dir.path().join("seam.db")).expect("open");
    conn.execute_batch("BEGIN").expect("begin");
    seam_behaves(&Tx::sqlite(&conn));
}

/// A connection to the test server in a schema of its own (dropped afterwards), so tests can
/// share one server.
pub struct PgSchema {
    pub conn: PgConn,
    name: String,
}

impl PgSchema {
    pub fn new(prefix: &str) -> PgSchema {
        let url = std::env::var("CODERLITE_TEST_PG").expect(
            "CODERLITE_TEST_PG is not set: ./scripts/test starts a throwaway PostgreSQL and sets it",
        );
        let conn = PgConn::connect(&url).expect("connect to CODERLITE_TEST_PG");
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        conn.batch(&format!("CREATE SCHEMA {name}; SET search_path TO {name}"))
            .expect("schema");
        PgSchema { conn, name }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = self.conn.batch("ROLLBACK");
        let _ = self
            .conn
            .batch(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
    }
}

#[test]
#[ignore = "needs PostgreSQL: run by ./scripts/test, or set CODERLITE_TEST_PG"]
fn seam_on_postgres() {
    let pg = PgSchema::new("seam");
    pg.conn.batch("BEGIN").expect("begin");
    seam_behaves(&Tx::postgres(&pg.conn));
}
