//! User writes: create, profile, status, roles, password, soft delete, service-account flag
//! and `mark_seen` (Coder's dormant rule).

use super::to_json_list;
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;

pub fn set_service_account(conn: &Tx, id: &str) -> DbResult<()> {
    conn.prepare_cached("UPDATE users SET is_service_account = 1 WHERE id = ?1")?
        .execute(params![id])?;
    Ok(())
}

pub fn update_profile(conn: &Tx, id: &str, username: &str, name: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE users SET username = ?2, name = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, username, name, now])?;
    Ok(())
}

pub fn update_status(conn: &Tx, id: &str, status: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, status, now])?;
    Ok(())
}

pub fn update_roles(conn: &Tx, id: &str, roles: &[String], now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE users SET rbac_roles = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, to_json_list(roles), now])?;
    Ok(())
}

pub fn update_password(conn: &Tx, id: &str, hashed: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE users SET hashed_password = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, hashed, now])?;
    Ok(())
}

/// Soft delete: the row stays (audit, workspaces history); username and email become free.
pub fn soft_delete(conn: &Tx, id: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached("UPDATE users SET deleted = 1, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// A user was seen (signed in, or used a key): `last_seen_at` is now, and a dormant account
/// wakes up as `active`, its `updated_at` bumped as a status change bumps it. The one place
/// of Coder's dormant rule (sign-in and per-request bookkeeping both call it).
pub fn mark_seen(conn: &Tx, id: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE users SET last_seen_at = ?2, \
         updated_at = CASE WHEN status = 'dormant' THEN ?2 ELSE updated_at END, \
         status = CASE WHEN status = 'dormant' THEN 'active' ELSE status END WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Fields for inserting a user.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub username: &'a str,
    pub name: &'a str,
    pub hashed_password: &'a str,
    pub status: &'a str,
    pub login_type: &'a str,
    pub rbac_roles: &'a [String],
    pub now: i64,
}

pub fn insert(conn: &Tx, u: &NewUser) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO users (id, email, username, name, hashed_password, status, login_type, \
         rbac_roles, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        u.id,
        u.email,
        u.username,
        u.name,
        u.hashed_password,
        u.status,
        u.login_type,
        super::to_json_list(u.rbac_roles),
        u.now
    ])?;
    Ok(())
}
