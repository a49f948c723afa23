//! Applies `schema.sql` to a new database in one transaction and records the version in
//! `PRAGMA user_version`. A database written by a newer coderlite is refused untouched.

use rusqlite::Connection;

pub const SCHEMA: &str = include_str!("../../schema.sql");
/// Bump with every schema change and add a step to `MIGRATIONS`.
pub const SCHEMA_VERSION: i64 = 12;

/// Steps from version N-1 to N (index 0 = from 1 to 2).
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0002_audit_counts.sql"),
    include_str!("../../migrations/0003_user_list_indexes.sql"),
    include_str!("../../migrations/0004_audit_index_shapes.sql"),
    include_str!("../../migrations/0005_provider_name_and_covering_indexes.sql"),
    include_str!("../../migrations/0006_ai_gateway.sql"),
    include_str!("../../migrations/0007_connection_logs.sql"),
    include_str!("../../migrations/0008_connection_log_indexes_and_key_counts.sql"),
    include_str!("../../migrations/0009_ai_session_facet_indexes.sql"),
    include_str!("../../migrations/0010_ai_session_rollups.sql"),
    include_str!("../../migrations/0011_ai_session_facet_sets.sql"),
    include_str!("../../migrations/0012_user_and_member_counts.sql"),
];

/// The refusal of a database a newer coderlite wrote (either engine).
pub fn newer(version: i64, known: i64) -> String {
    format!(
        "the database was written by a newer coderlite (schema version {version}; this build knows up to {known}). Refusing to open it; upgrade coderlite."
    )
}

pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| format!("cannot read schema version: {e}"))?;
    if version > SCHEMA_VERSION {
        return Err(newer(version, SCHEMA_VERSION));
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)
        .map_err(|e| format!("cannot start migration: {e}"))?;
    if version == 0 {
        let has_tables: i64 = tx
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if has_tables > 0 {
            return Err("the database file holds tables but no coderlite schema version; refusing to touch it".into());
        }
        tx.execute_batch(SCHEMA)
            .map_err(|e| format!("cannot apply schema: {e}"))?;
    } else {
        // Some steps rebuild a table (version 4: `audit_logs`, ~20 s per million rows).
        log::info!("upgrading the database schema from version {version} to {SCHEMA_VERSION}");
        for (i, step) in MIGRATIONS.iter().enumerate().skip((version - 1) as usize) {
            tx.execute_batch(step)
                .map_err(|e| format!("migration to version {} failed: {e}", i + 2))?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(|e| e.to_string())?;
    tx.commit()
        .map_err(|e| format!("cannot commit schema: {e}"))?;
    if version > 0 {
        log::info!("database schema upgraded to version {SCHEMA_VERSION}");
    }
    Ok(())
}
