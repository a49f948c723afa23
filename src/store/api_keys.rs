//! API keys: only the SHA-256 of the secret is stored.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::{Row, Tx};

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

pub fn key_from_row(r: &Row) -> DbResult<ApiKeyRow> {
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

pub fn get(conn: &Tx, id: &str) -> DbResult<Option<ApiKeyRow>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row(params![id], key_from_row)
        .optional()
}

/// What a request's session check reads, in one statement (one round trip on PostgreSQL):
/// the key, its user when not deleted, and the user's roles in each organization.
pub struct Session {
    pub key: ApiKeyRow,
    pub user: Option<super::users::SessionUser>,
    /// The user's roles by organization id.
    pub org_roles: std::collections::BTreeMap<String, Vec<String>>,
}

pub fn session(conn: &Tx, id: &str) -> DbResult<Option<Session>> {
    // Each membership as "<organization id> <roles JSON>" (an id holds no space).
    conn.prepare_cached(
        "SELECT k.id, k.hashed_secret, k.user_id, k.login_type, k.lifetime_seconds, \
         k.token_name, k.scopes, k.ip_address, k.created_at, k.updated_at, k.last_used, \
         k.expires_at, u.id, u.username, u.email, u.status, u.rbac_roles, \
         (SELECT json_group_array(om.organization_id || ' ' || om.roles) \
          FROM organization_members om WHERE om.user_id = u.id) \
         FROM api_keys k LEFT JOIN users u ON u.id = k.user_id AND u.deleted = 0 \
         WHERE k.id = ?1",
    )?
    .query_row(params![id], |r| {
        let key = key_from_row(r)?;
        let user = match r.get::<Option<String>>(12)? {
            None => None,
            Some(_) => Some(super::users::SessionUser {
                username: r.get(13)?,
                email: r.get(14)?,
                status: r.get(15)?,
                site_roles: super::json_list(&r.get::<String>(16)?),
            }),
        };
        let org_roles = super::json_list(&r.get::<Option<String>>(17)?.unwrap_or_default())
            .into_iter()
            .filter_map(|m| {
                let (org, roles) = m.split_once(' ')?;
                Some((org.to_string(), super::json_list(roles)))
            })
            .collect();
        Ok(Session {
            key,
            user,
            org_roles,
        })
    })
    .optional()
}

pub fn insert(conn: &Tx, k: &ApiKeyRow) -> DbResult<()> {
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
pub fn touch(conn: &Tx, id: &str, now: i64, ip: &str, expires_at: i64) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE api_keys SET last_used = ?2, ip_address = ?3, expires_at = ?4, updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, now, ip, expires_at])?;
    Ok(())
}

pub fn delete(conn: &Tx, id: &str) -> DbResult<usize> {
    conn.prepare_cached("DELETE FROM api_keys WHERE id = ?1")?
        .execute(params![id])
}

pub fn delete_for_user(conn: &Tx, user_id: &str) -> DbResult<usize> {
    conn.prepare_cached("DELETE FROM api_keys WHERE user_id = ?1")?
        .execute(params![user_id])
}

/// A key with its allow list and owner's username, for `codersdk.APIKey(WithOwner)` output.
#[derive(Debug, Clone)]
pub struct KeyListing {
    pub key: ApiKeyRow,
    pub allow_list: String,
    pub username: String,
}

fn listing_sql(filter: &str) -> String {
    let cols: Vec<String> = KEY_COLUMNS.split(", ").map(|c| format!("k.{c}")).collect();
    format!(
        "SELECT {}, k.allow_list, COALESCE(u.username, '') FROM api_keys k \
         LEFT JOIN users u ON u.id = k.user_id WHERE {filter} ORDER BY k.created_at, k.id",
        cols.join(", ")
    )
}

fn listing_from_row(r: &Row) -> DbResult<KeyListing> {
    Ok(KeyListing {
        key: key_from_row(r)?,
        allow_list: r.get(12)?,
        username: r.get(13)?,
    })
}

/// Long-lived tokens (`login_type = 'token'`) of one user, or of everyone when `user_id` is
/// None, oldest first.
pub fn list_tokens(conn: &Tx, user_id: Option<&str>) -> DbResult<Vec<KeyListing>> {
    let mut stmt = conn.prepare_cached(&listing_sql(
        "k.login_type = 'token' AND (?1 IS NULL OR k.user_id = ?1)",
    ))?;
    let rows = stmt.query_map(params![user_id], listing_from_row)?;
    rows.collect()
}

/// A user's token by name.
pub fn get_token_by_name(conn: &Tx, user_id: &str, name: &str) -> DbResult<Option<KeyListing>> {
    conn.prepare_cached(&listing_sql(
        "k.login_type = 'token' AND k.user_id = ?1 AND k.token_name = ?2",
    ))?
    .query_row(params![user_id, name], listing_from_row)
    .optional()
}

/// Any key by id, with its listing fields.
pub fn get_listing(conn: &Tx, id: &str) -> DbResult<Option<KeyListing>> {
    conn.prepare_cached(&listing_sql("k.id = ?1"))?
        .query_row(params![id], listing_from_row)
        .optional()
}

pub fn set_allow_list(conn: &Tx, id: &str, allow_list: &str) -> DbResult<()> {
    conn.prepare_cached("UPDATE api_keys SET allow_list = ?2 WHERE id = ?1")?
        .execute(params![id, allow_list])?;
    Ok(())
}

/// Whether the user already has a token with this name.
pub fn token_name_taken(conn: &Tx, user_id: &str, name: &str) -> DbResult<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM api_keys WHERE user_id = ?1 AND token_name = ?2 \
         AND login_type = 'token')",
    )?
    .query_row(params![user_id, name], |r| r.get(0))
}
