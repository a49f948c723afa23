//! Users: the columns every user object is read with (`organization_ids`, `roles` and
//! `has_ai_seat` computed in the same statement), and the look-ups by id, name, email and
//! session. Lists are in user_list.rs, writes in user_updates.rs.

use super::ai_seats::has_ai_seat_sql;
use super::json_list;
use crate::model::{SlimRole, User};
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;
use serde_json::{json, Value};

/// Columns for `user_from_row`, reading table alias `u`. Append to any SELECT over users.
pub fn user_columns() -> String {
    format!(
        "u.id, u.username, u.name, u.avatar_url, u.email, u.created_at, u.updated_at, \
         u.last_seen_at, u.status, u.login_type, u.theme_preference, u.is_service_account, \
         u.rbac_roles, \
         (SELECT json_group_array(om.organization_id) FROM organization_members om WHERE om.user_id = u.id), \
         {}",
        has_ai_seat_sql("u.id")
    )
}

/// Number of columns `user_columns` yields.
pub const USER_COLUMN_COUNT: usize = 15;

/// Maps the `user_columns` starting at index `at`.
pub fn user_from_row(row: &Row, at: usize) -> DbResult<User> {
    let roles: String = row.get(at + 12)?;
    let orgs: Option<String> = row.get(at + 13)?;
    Ok(User {
        id: row.get(at)?,
        username: row.get(at + 1)?,
        name: row.get(at + 2)?,
        avatar_url: row.get(at + 3)?,
        email: row.get(at + 4)?,
        created_at: row.get(at + 5)?,
        updated_at: row.get(at + 6)?,
        last_seen_at: row.get(at + 7)?,
        status: row.get(at + 8)?,
        login_type: row.get(at + 9)?,
        theme_preference: row.get(at + 10)?,
        is_service_account: row.get(at + 11)?,
        roles: SlimRole::site_list(&json_list(&roles)),
        organization_ids: orgs.map(|o| json_list(&o)).unwrap_or_default(),
        has_ai_seat: row.get(at + 14)?,
    })
}

/// A non-deleted user by id, fully built.
pub fn get_by_id(conn: &Tx, id: &str) -> DbResult<Option<User>> {
    let sql = format!(
        "SELECT {} FROM users u WHERE u.id = ?1 AND u.deleted = 0",
        user_columns()
    );
    conn.prepare_cached(&sql)?
        .query_row(params![id], |r| user_from_row(r, 0))
        .optional()
}

/// Resolves a `{user}` path value that is not `me`: a UUID, else a username
/// (case-insensitive), among non-deleted users. Returns the id.
pub fn resolve_id(conn: &Tx, value: &str) -> DbResult<Option<String>> {
    if let Some(id) = crate::model::parse_uuid(value) {
        return conn
            .prepare_cached("SELECT id FROM users WHERE id = ?1 AND deleted = 0")?
            .query_row(params![id], |r| r.get(0))
            .optional();
    }
    conn.prepare_cached("SELECT id FROM users WHERE lower(username) = lower(?1) AND deleted = 0")?
        .query_row(params![value], |r| r.get(0))
        .optional()
}

/// Number of non-system users ever created and not deleted (for `GET /users/first`).
pub fn count_humans(conn: &Tx) -> DbResult<i64> {
    let sql = format!("SELECT {}", super::user_list::live_humans_count_sql());
    conn.prepare_cached(&sql)?
        .query_row(params![], |r| r.get(0))
}

/// Credentials for password login: (id, hashed_password, status, login_type), by email,
/// case-insensitive, non-deleted.
pub fn credentials_by_email(
    conn: &Tx,
    email: &str,
) -> DbResult<Option<(String, String, String, String)>> {
    conn.prepare_cached(
        "SELECT id, hashed_password, status, login_type FROM users \
         WHERE lower(email) = lower(?1) AND deleted = 0",
    )?
    .query_row(params![email], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .optional()
}

/// Whether `user_id` is a member of any of `orgs`.
pub fn is_member_of_any(conn: &Tx, user_id: &str, orgs: &[String]) -> DbResult<bool> {
    let mut p = super::Params::default();
    let uid = p.push(user_id.to_string());
    let list = p.push_list(orgs);
    let sql = format!("SELECT EXISTS (SELECT 1 FROM organization_members WHERE user_id = {uid} AND organization_id IN {list})");
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The user row as the audit diff sees it (tracked fields plus the secret password hash);
/// deleted users included. None when the id is unknown.
pub fn audit_view(conn: &Tx, id: &str) -> DbResult<Option<Value>> {
    conn.prepare_cached(
        "SELECT id, email, username, status, rbac_roles, login_type, deleted, \
         quiet_hours_schedule, name, is_system, hashed_password FROM users WHERE id = ?1",
    )?
    .query_row(params![id], |r| {
        Ok(json!({
            "id": r.get::<String>(0)?,
            "email": r.get::<String>(1)?,
            "username": r.get::<String>(2)?,
            "status": r.get::<String>(3)?,
            "rbac_roles": super::json_list(&r.get::<String>(4)?),
            "login_type": r.get::<String>(5)?,
            "deleted": r.get::<bool>(6)?,
            "quiet_hours_schedule": r.get::<String>(7)?,
            "name": r.get::<String>(8)?,
            "is_system": r.get::<bool>(9)?,
            "hashed_password": r.get::<String>(10)?,
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
pub fn core(conn: &Tx, id: &str) -> DbResult<Option<UserCore>> {
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
            rbac_roles: super::json_list(&r.get::<String>(5)?),
            hashed_password: r.get(6)?,
        })
    })
    .optional()
}

/// The id of a non-deleted user whose username or email matches (case-insensitive), like
/// Coder's `GetUserByEmailOrUsername`. An empty email matches nothing.
pub fn find_by_username_or_email(
    conn: &Tx,
    username: &str,
    email: &str,
) -> DbResult<Option<String>> {
    conn.prepare_cached(
        "SELECT id FROM users WHERE deleted = 0 AND (lower(username) = lower(?1) \
         OR (?2 <> '' AND lower(email) = lower(?2))) LIMIT 1",
    )?
    .query_row(params![username, email], |r| r.get(0))
    .optional()
}

/// Whether the user owns any non-deleted workspace.
pub fn owns_live_workspaces(conn: &Tx, id: &str) -> DbResult<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM workspaces WHERE owner_id = ?1 AND deleted = 0)",
    )?
    .query_row(params![id], |r| r.get(0))
}

/// What a request's session needs of its user: a non-deleted user's name, email, status and
/// site roles.
pub struct SessionUser {
    pub username: String,
    pub email: String,
    pub status: String,
    pub site_roles: Vec<String>,
}
