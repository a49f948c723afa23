//! API keys: only the SHA-256 of the secret is stored.

use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone)]
pub struct ApiKeyRow {
    pub id: String,
    pub hashed_secret: Vec<u8>,
    pub user_id: String,
    pub login_type: String,
    pub lifetime_seconds: i64,
    pub token_name: String,
    pub scopes: String,
    pub ip_address: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_used: i64,
    pub expires_at: i64,
}

pub const KEY_COLUMNS: &str =
    "id, hashed_secret, user_id, login_type, lifetime_seconds, token_name, \
     scopes, ip_address, created_at, updated_at, last_used, expires_at";

pub fn key_from_row(r: &rusqlite::Row) -> rusqlite::Result<ApiKeyRow> {
    Ok(ApiKeyRow {
        id: r.get(0)?,
        hashed_secret: r.get(1)?,
        user_id: r.get(2)?,
        login_type: r.get(3)?,
        lifetime_seconds: r.get(4)?,
        token_name: r.get(5)?,
        scopes: r.get(6)?,
        ip_address: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        last_used: r.get(10)?,
        expires_at: r.get(11)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<ApiKeyRow>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row(params![id], key_from_row)
        .optional()
}

pub fn insert(conn: &Connection, k: &ApiKeyRow) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO api_keys (id, hashed_secret, user_id, login_type, lifetime_seconds, token_name, \
         scopes, ip_address, created_at, updated_at, last_used, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        k.id,
        k.hashed_secret,
        k.user_id,
        k.login_type,
        k.lifetime_seconds,
        k.token_name,
        k.scopes,
        k.ip_address,
        k.created_at,
        k.updated_at,
        k.last_used,
        k.expires_at
    ])?;
    Ok(())
}

/// Records use: last_used, ip, and a new expiry (sliding sessions).
pub fn touch(
    conn: &Connection,
    id: &str,
    now: i64,
    ip: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE api_keys SET last_used = ?2, ip_address = ?3, expires_at = ?4, updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, now, ip, expires_at])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM api_keys WHERE id = ?1")?
        .execute(params![id])
}

pub fn delete_for_user(conn: &Connection, user_id: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM api_keys WHERE user_id = ?1")?
        .execute(params![user_id])
}
