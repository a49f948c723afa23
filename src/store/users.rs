//! Users: the one SELECT every user object comes from (with `organization_ids`, `roles` and
//! `has_ai_seat` computed in the same statement), look-ups and the core writes.

use super::ai_seats::has_ai_seat_sql;
use super::json_list;
use crate::model::{SlimRole, User};
use rusqlite::{params, Connection, OptionalExtension, Row};

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
pub fn user_from_row(row: &Row, at: usize) -> rusqlite::Result<User> {
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
pub fn get_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
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
pub fn resolve_id(conn: &Connection, value: &str) -> rusqlite::Result<Option<String>> {
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
pub fn count_humans(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM users WHERE is_system = 0 AND deleted = 0")?
        .query_row([], |r| r.get(0))
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

pub fn insert(conn: &Connection, u: &NewUser) -> rusqlite::Result<()> {
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

/// Credentials for password login: (id, hashed_password, status, login_type), by email,
/// case-insensitive, non-deleted.
pub fn credentials_by_email(
    conn: &Connection,
    email: &str,
) -> rusqlite::Result<Option<(String, String, String, String)>> {
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
pub fn is_member_of_any(
    conn: &Connection,
    user_id: &str,
    orgs: &[String],
) -> rusqlite::Result<bool> {
    let mut p = super::Params::default();
    let uid = p.push(user_id.to_string());
    let list = p.push_list(orgs);
    let sql = format!("SELECT EXISTS (SELECT 1 FROM organization_members WHERE user_id = {uid} AND organization_id IN {list})");
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}
