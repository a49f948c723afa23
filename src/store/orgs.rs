//! Organizations: look-ups and the default organization.

use super::Params;
use crate::model::{MinimalOrganization, Organization};
use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

pub const ORG_COLUMNS: &str =
    "o.id, o.name, o.display_name, o.description, o.icon, o.created_at, o.updated_at, o.is_default";

pub fn org_from_row(r: &Row) -> DbResult<Organization> {
    Ok(Organization {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        description: r.get(3)?,
        icon: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        is_default: r.get(7)?,
        default_org_member_roles: Vec::new(),
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

pub fn default_org(conn: &Tx) -> DbResult<Option<Organization>> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM organizations o WHERE o.is_default = 1 AND o.deleted = 0"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![], org_from_row)
        .optional()
}

/// Resolves `{organization}`: `default` or the nil UUID → the default organization; a UUID →
/// by id; anything else → by name (case-insensitive). Non-deleted only.
pub fn resolve(conn: &Tx, value: &str) -> DbResult<Option<Organization>> {
    if value == "default" || value == crate::model::NIL_UUID {
        return default_org(conn);
    }
    match crate::model::parse_uuid(value) {
        Some(id) => by_id(conn, &id),
        None => by_name(conn, value),
    }
}

/// Creates the default organization `coder` when there is none (first start).
pub fn ensure_default(conn: &Tx, now: i64) -> DbResult<()> {
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
pub fn add_member(conn: &Tx, org_id: &str, user_id: &str, now: i64) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO organization_members (organization_id, user_id, roles, created_at, updated_at) \
         VALUES (?1, ?2, '[]', ?3, ?3)",
    )?
    .execute(params![org_id, user_id, now])?;
    Ok(())
}

/// Every live organization, oldest first (the default organization comes first).
pub fn list(conn: &Tx) -> DbResult<Vec<Organization>> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM organizations o WHERE o.deleted = 0 \
         ORDER BY o.created_at, o.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![], org_from_row)?;
    rows.collect()
}

/// A live organization by name (case-insensitive, like the unique index).
pub fn by_name(conn: &Tx, name: &str) -> DbResult<Option<Organization>> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM organizations o \
         WHERE lower(o.name) = lower(?1) AND o.deleted = 0"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![name], org_from_row)
        .optional()
}

/// A live organization by id.
pub fn by_id(conn: &Tx, id: &str) -> DbResult<Option<Organization>> {
    let sql =
        format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE o.id = ?1 AND o.deleted = 0");
    conn.prepare_cached(&sql)?
        .query_row(params![id], org_from_row)
        .optional()
}

/// Inserts a (non-default) organization.
pub fn insert(conn: &Tx, org: &Organization) -> DbResult<()> {
    conn.prepare_cached(
        "INSERT INTO organizations (id, name, display_name, description, icon, is_default, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7)",
    )?
    .execute(params![
        org.id,
        org.name,
        org.display_name,
        org.description,
        org.icon,
        org.created_at,
        org.updated_at
    ])?;
    Ok(())
}

/// Writes name, display name, description, icon and updated_at of a live organization.
pub fn update(conn: &Tx, org: &Organization) -> DbResult<()> {
    conn.prepare_cached(
        "UPDATE organizations SET name = ?2, display_name = ?3, description = ?4, icon = ?5, \
         updated_at = ?6 WHERE id = ?1 AND deleted = 0",
    )?
    .execute(params![
        org.id,
        org.name,
        org.display_name,
        org.description,
        org.icon,
        org.updated_at
    ])?;
    Ok(())
}

/// What still lives in an organization (Coder's `GetOrganizationResourceCountByID`): live
/// workspaces and members who are not deleted users.
pub struct ResourceCounts {
    pub workspaces: i64,
    pub members: i64,
}

pub fn resource_counts(conn: &Tx, org_id: &str) -> DbResult<ResourceCounts> {
    conn.prepare_cached(
        "SELECT \
           (SELECT count(*) FROM workspaces w WHERE w.organization_id = ?1 AND w.deleted = 0), \
           (SELECT count(*) FROM organization_members m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = ?1 AND u.deleted = 0)",
    )?
    .query_row(params![org_id], |r| {
        Ok(ResourceCounts {
            workspaces: r.get(0)?,
            members: r.get(1)?,
        })
    })
}

/// Soft-deletes a non-default organization (its name becomes free again).
pub fn soft_delete(conn: &Tx, org_id: &str, now: i64) -> DbResult<usize> {
    conn.prepare_cached(
        "UPDATE organizations SET deleted = 1, updated_at = ?2 \
         WHERE id = ?1 AND is_default = 0 AND deleted = 0",
    )?
    .execute(params![org_id, now])
}

/// Organizations the user is a member of (non-deleted), by name.
pub fn organizations_of(conn: &Tx, user_id: &str) -> DbResult<Vec<Organization>> {
    let sql = format!(
        "SELECT {} FROM organizations o JOIN organization_members m ON m.organization_id = o.id \
         WHERE m.user_id = ?1 AND o.deleted = 0 ORDER BY lower(o.name)",
        super::orgs::ORG_COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![user_id], super::orgs::org_from_row)?;
    rows.collect()
}

/// Which of `ids` are existing, non-deleted organizations.
pub fn existing_orgs(conn: &Tx, ids: &[String]) -> DbResult<Vec<String>> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT id FROM organizations WHERE deleted = 0 AND id IN {}",
        p.push_list(ids)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(p.as_params(), |r| r.get(0))?;
    rows.collect()
}
