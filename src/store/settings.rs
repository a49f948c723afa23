//! The `settings` key/value table: small pieces of server state (the audit chain's anchor,
//! streaming cursors, pending purge summaries).

use rusqlite::{params, Connection, OptionalExtension};

pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()
}

pub fn set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub fn delete(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM settings WHERE key = ?1")?
        .execute(params![key])?;
    Ok(())
}

/// An integer setting (a cursor); None when unset or not a number.
pub fn get_i64(conn: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    Ok(get(conn, key)?.and_then(|v| v.parse().ok()))
}

/// Raises an integer setting to `value`, never lowering it (two writers cannot move a cursor
/// backwards).
pub fn raise_i64(conn: &Connection, key: &str, value: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = \
         CAST(max(CAST(settings.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
    )?
    .execute(params![key, value.to_string()])?;
    Ok(())
}
