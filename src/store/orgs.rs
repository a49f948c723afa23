//! Organizations: look-ups and the default organization.

use crate::model::{MinimalOrganization, Organization};
use rusqlite::{params, Connection, OptionalExtension, Row};

pub const ORG_COLUMNS: &str =
    "o.id, o.name, o.display_name, o.description, o.icon, o.created_at, o.updated_at, o.is_default";

pub fn org_from_row(r: &Row) -> rusqlite::Result<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        description: r.get(3)?,
        icon: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        is_default: r.get(7)?,
    })
}

impl From<&Organization> for MinimalOrganization {
    fn from(o: &Organization) -> Self {
        MinimalOrganization {
            id: o.id.clone(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            icon: o.icon.clone(),
        }
    }
}

pub fn default_org(conn: &Connection) -> rusqlite::Result<Option<Organization>> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM organizations o WHERE o.is_default = 1 AND o.deleted = 0"
    );
    conn.prepare_cached(&sql)?
        .query_row([], org_from_row)
        .optional()
}

/// Resolves `{organization}`: `default` or the nil UUID → the default organization; a UUID →
/// by id; anything else → by name (case-insensitive). Non-deleted only.
pub fn resolve(conn: &Connection, value: &str) -> rusqlite::Result<Option<Organization>> {
    if value == "default" || value == crate::model::NIL_UUID {
        return default_org(conn);
    }
    if let Some(id) = crate::model::parse_uuid(value) {
        let sql =
            format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE o.id = ?1 AND o.deleted = 0");
        return conn
            .prepare_cached(&sql)?
            .query_row(params![id], org_from_row)
            .optional();
    }
    let sql = format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE lower(o.name) = lower(?1) AND o.deleted = 0");
    conn.prepare_cached(&sql)?
        .query_row(params![value], org_from_row)
        .optional()
}

/// Creates the default organization `coder` when there is none (first start).
pub fn ensure_default(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    if default_org(conn)?.is_some() {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO organizations (id, name, display_name, description, icon, is_default, created_at, updated_at) \
         VALUES (?1, 'coder', 'Coder', 'Builtin default organization.', '', 1, ?2, ?2)",
        params![crate::model::new_uuid(), now],
    )?;
    Ok(())
}

/// Adds a membership (no saved roles: `organization-member` is implicit).
pub fn add_member(
    conn: &Connection,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at) \
         VALUES (?1, ?2, '[]', ?3, ?3)",
    )?
    .execute(params![org_id, user_id, now])?;
    Ok(())
}
