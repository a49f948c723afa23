//! Users: the writes behind create, profile, status, roles, password and soft delete, and the
//! audit view of a user row (Coder's audited `database.User` fields).

use super::{to_json_list, Params};
use crate::model::Organization;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

/// The user row as the audit diff sees it (tracked fields plus the secret password hash);
/// deleted users included. None when the id is unknown.
pub fn audit_view(conn: &Connection, id: &str) -> rusqlite::Result<Option<Value>> {
    conn.prepare_cached(
        "SELECT id, email, username, status, rbac_roles, login_type, deleted, \
         quiet_hours_schedule, name, is_system, hashed_password FROM users WHERE id = ?1",
    )?
    .query_row(params![id], |r| {
        Ok(json!({
            "id": r.get::<_, String>(0)?,
            "email": r.get::<_, String>(1)?,
            "username": r.get::<_, String>(2)?,
            "status": r.get::<_, String>(3)?,
            "rbac_roles": super::json_list(&r.get::<_, String>(4)?),
            "login_type": r.get::<_, String>(5)?,
            "deleted": r.get::<_, bool>(6)?,
            "quiet_hours_schedule": r.get::<_, String>(7)?,
            "name": r.get::<_, String>(8)?,
            "is_system": r.get::<_, bool>(9)?,
            "hashed_password": r.get::<_, String>(10)?,
        }))
    })
    .optional()
}

/// Fields of a user needed by handlers before changing it.
#[derive(Debug, Clone)]
pub struct UserCore {
    pub id: String,
    pub username: String,
    pub email: String,
    pub status: String,
    pub login_type: String,
    pub rbac_roles: Vec<String>,
    pub hashed_password: String,
}

/// A non-deleted user's core fields.
pub fn core(conn: &Connection, id: &str) -> rusqlite::Result<Option<UserCore>> {
    conn.prepare_cached(
        "SELECT id, username, email, status, login_type, rbac_roles, hashed_password \
         FROM users WHERE id = ?1 AND deleted = 0",
    )?
    .query_row(params![id], |r| {
        Ok(UserCore {
            id: r.get(0)?,
            username: r.get(1)?,
            email: r.get(2)?,
            status: r.get(3)?,
            login_type: r.get(4)?,
            rbac_roles: super::json_list(&r.get::<_, String>(5)?),
            hashed_password: r.get(6)?,
        })
    })
    .optional()
}

/// The id of a non-deleted user whose username or email matches (case-insensitive), like
/// Coder's `GetUserByEmailOrUsername`. An empty email matches nothing.
pub fn find_by_username_or_email(
    conn: &Connection,
    username: &str,
    email: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT id FROM users WHERE deleted = 0 AND (lower(username) = lower(?1) \
         OR (?2 <> '' AND lower(email) = lower(?2))) LIMIT 1",
    )?
    .query_row(params![username, email], |r| r.get(0))
    .optional()
}

pub fn set_service_account(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET is_service_account = 1 WHERE id = ?1")?
        .execute(params![id])?;
    Ok(())
}

pub fn update_profile(
    conn: &Connection,
    id: &str,
    username: &str,
    name: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE users SET username = ?2, name = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, username, name, now])?;
    Ok(())
}

pub fn update_status(conn: &Connection, id: &str, status: &str, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET status = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, status, now])?;
    Ok(())
}

pub fn update_roles(
    conn: &Connection,
    id: &str,
    roles: &[String],
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET rbac_roles = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, to_json_list(roles), now])?;
    Ok(())
}

pub fn update_password(
    conn: &Connection,
    id: &str,
    hashed: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET hashed_password = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, hashed, now])?;
    Ok(())
}

/// Soft delete: the row stays (audit, workspaces history); username and email become free.
pub fn soft_delete(conn: &Connection, id: &str, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET deleted = 1, updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// Whether the user owns any non-deleted workspace.
pub fn owns_live_workspaces(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE owner_id = ?1 AND deleted = 0)",
    )?
    .query_row(params![id], |r| r.get(0))
}

/// Organizations the user is a member of (non-deleted), by name.
pub fn organizations_of(conn: &Connection, user_id: &str) -> rusqlite::Result<Vec<Organization>> {
    let sql = format!(
        "SELECT {} FROM organizations o JOIN organization_members m ON m.organization_id = o.id \
         WHERE m.user_id = ?1 AND o.deleted = 0 ORDER BY lower(o.name)",
        super::orgs::ORG_COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![user_id], super::orgs::org_from_row)?;
    rows.collect()
}

/// The user's saved organization roles: (organization id, roles), by organization id.
pub fn organization_roles(
    conn: &Connection,
    user_id: &str,
) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT organization_id, roles FROM organization_members WHERE user_id = ?1 \
         ORDER BY organization_id",
    )?;
    let rows = stmt.query_map(params![user_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            super::json_list(&r.get::<_, String>(1)?),
        ))
    })?;
    rows.collect()
}

/// Which of `ids` are existing, non-deleted organizations.
pub fn existing_orgs(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<String>> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT id FROM organizations WHERE deleted = 0 AND id IN {}",
        p.push_list(ids)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| r.get(0))?;
    rows.collect()
}

/// A user was seen (signed in, or used a key): `last_seen_at` is now, and a dormant account
/// wakes up as `active`, its `updated_at` bumped as a status change bumps it. The one place
/// of Coder's dormant rule (sign-in and per-request bookkeeping both call it).
pub fn mark_seen(conn: &Connection, id: &str, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE users SET last_seen_at = ?2, \
         updated_at = CASE WHEN status = 'dormant' THEN ?2 ELSE updated_at END, \
         status = CASE WHEN status = 'dormant' THEN 'active' ELSE status END WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}
