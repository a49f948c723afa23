//! PostgreSQL's schema: the steps in `migrations_pg/`, applied in order, in one transaction,
//! under an advisory lock so that processes starting together on one database migrate it
//! once. The version is kept in `coderlite_schema`. A database written by a newer coderlite,
//! or holding tables of something else, is refused untouched.

use crate::store::sql::{PgConn, Tx};

/// Steps from version N-1 to N (index 0 = from nothing to 1).
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations_pg/0001_core.sql"),
    include_str!("../../migrations_pg/0002_ai_gateway.sql"),
    include_str!("../../migrations_pg/0003_connection_logs.sql"),
    include_str!("../../migrations_pg/0004_json_group_array.sql"),
    include_str!("../../migrations_pg/0005_users_list_cover.sql"),
    include_str!("../../migrations_pg/0006_user_and_member_counts.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock key of the migration ("cl-migr").
const LOCK: i64 = 0x0063_6c2d_6d69_6772;

pub fn migrate(conn: &PgConn) -> Result<(), String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    conn.batch("BEGIN")
        .map_err(|e| fail("cannot start migration", &e))?;
    let result = steps(conn);
    match result {
        Ok(()) => conn
            .batch("COMMIT")
            .map_err(|e| fail("cannot commit schema", &e)),
        Err(e) => {
            let _ = conn.batch("ROLLBACK");
            Err(e)
        }
    }
}

fn steps(conn: &PgConn) -> Result<(), String> {
    conn.batch(&format!("SELECT pg_advisory_xact_lock({LOCK})"))
        .map_err(|e| format!("cannot lock the schema: {e}"))?;
    let tx = Tx::postgres(conn);
    let exists: bool = tx
        .query_row(
            "SELECT to_regclass('coderlite_schema') IS NOT NULL",
            crate::params![],
            |r| r.get(0),
        )
        .map_err(|e| format!("cannot read schema version: {e}"))?;
    if !exists {
        conn.batch("CREATE TABLE coderlite_schema (version BIGINT NOT NULL)")
            .map_err(|e| format!("cannot create the schema version table: {e}"))?;
    }
    let version: i64 = tx
        .query_row(
            "SELECT COALESCE(max(version), 0) FROM coderlite_schema",
            crate::params![],
            |r| r.get(0),
        )
        .map_err(|e| format!("cannot read schema version: {e}"))?;
    if version > SCHEMA_VERSION {
        return Err(super::migrate::newer(version, SCHEMA_VERSION));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    if version == 0 {
        let others: i64 = tx
            .query_row(
                "SELECT count(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name <> 'coderlite_schema'",
                crate::params![],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if others > 0 {
            return Err("the database holds tables but no coderlite schema version; refusing to touch it (give coderlite a database of its own)".into());
        }
    } else {
        log::info!("upgrading the PostgreSQL schema from version {version} to {SCHEMA_VERSION}");
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        conn.batch(step)
            .map_err(|e| format!("PostgreSQL migration to version {} failed: {e}", i + 1))?;
    }
    conn.batch("DELETE FROM coderlite_schema")
        .map_err(|e| e.to_string())?;
    tx.execute(
        "INSERT INTO coderlite_schema VALUES (?1)",
        crate::params![SCHEMA_VERSION],
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}
