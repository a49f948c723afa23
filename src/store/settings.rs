//! The `settings` key/value table: small pieces of server state (the audit chain's anchor,
//! streaming cursors, pending purge summaries).

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Tx;

pub fn get(conn: &Tx, key: &str) -> DbResult<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()
}

pub fn set(conn: &Tx, key: &str, value: &str) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub fn delete(conn: &Tx, key: &str) -> DbResult<()> {
    conn.prepare_cached("DELETE FROM settings WHERE key = ?1")?
        .execute(params![key])?;
    Ok(())
}

/// An integer setting (a cursor); None when unset or not a number.
pub fn get_i64(conn: &Tx, key: &str) -> DbResult<Option<i64>> {
    Ok(get(conn, key)?.and_then(|v| v.parse().ok()))
}

/// Raises an integer setting to `value`, never lowering it (two writers cannot move a cursor
/// backwards).
pub fn raise_i64(conn: &Tx, key: &str, value: i64) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = \
         CAST(max(CAST(settings.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
    )?
    .execute(params![key, value.to_string()])?;
    Ok(())
}
