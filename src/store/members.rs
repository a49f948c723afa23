//! Organization memberships joined with their users (Coder's `OrganizationMembers` and
//! `PaginatedOrganizationMembers`), with `has_ai_seat` computed in the same statement.

use super::ai_seats::has_ai_seat_sql;
use super::{json_list, to_json_list, user_list, Params};
use crate::model::query::{MemberFilter, Pagination, UsersFilter};
use crate::model::{OrganizationMember, OrganizationMemberWithUserData, SlimRole};
use crate::params;
use crate::rbac::UserScope;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Tx;
use crate::store::sql::{Row, ToValue};

/// Columns read by `member_from_row`; aliases `m` (organization_members) and `u` (users).
fn member_columns() -> String {
    format!(
        "m.user_id, m.organization_id, m.created_at, m.updated_at, m.roles, u.username, u.name, \
         u.avatar_url, u.email, u.rbac_roles, {}, u.created_at, u.updated_at, u.last_seen_at, \
         u.status, u.login_type, u.is_service_account",
        has_ai_seat_sql("u.id")
    )
}

fn member_from_row(r: &Row) -> DbResult<OrganizationMemberWithUserData> {
    let org_id: String = r.get(1)?;
    let roles: String = r.get(4)?;
    let global: String = r.get(9)?;
    Ok(OrganizationMemberWithUserData {
        user_id: r.get(0)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        roles: SlimRole::org_list(&json_list(&roles), &org_id),
        organization_id: org_id,
        username: r.get(5)?,
        name: r.get(6)?,
        avatar_url: r.get(7)?,
        email: r.get(8)?,
        global_roles: SlimRole::site_list(&json_list(&global)),
        has_ai_seat: r.get(10)?,
        user_created_at: r.get(11)?,
        user_updated_at: r.get(12)?,
        last_seen_at: r.get(13)?,
        status: r.get(14)?,
        login_type: r.get(15)?,
        is_service_account: r.get(16)?,
    })
}

const FROM: &str = "FROM organization_members m JOIN users u ON u.id = m.user_id AND u.deleted = 0";

/// The statement of the deprecated list (see `list`). Only values travel as parameters.
pub fn list_sql(org_id: &str, filter: &MemberFilter, only_user: Option<&str>) -> (String, Params) {
    let mut p = Params::default();
    let mut sql = format!(
        "SELECT {} {FROM} WHERE m.organization_id = {}",
        member_columns(),
        p.push(org_id.to_string())
    );
    if let Some(uid) = &filter.user_id {
        sql.push_str(&format!(" AND m.user_id = {}", p.push(uid.clone())));
    }
    if let Some(uid) = only_user {
        sql.push_str(&format!(" AND m.user_id = {}", p.push(uid.to_string())));
    }
    if !filter.include_system {
        sql.push_str(" AND u.is_system = 0");
    }
    if let Some(gh) = filter.github_user_id {
        sql.push_str(&format!(" AND u.github_com_user_id = {}", p.push(gh)));
    }
    sql.push_str(" ORDER BY lower(u.username), u.id");
    (sql, p)
}

/// The deprecated list: members of `org_id` matching `filter`; `only_user` restricts the
/// rows to one user (a plain member reads only its own membership).
pub fn list(
    conn: &Tx,
    org_id: &str,
    filter: &MemberFilter,
    only_user: Option<&str>,
) -> DbResult<Vec<OrganizationMemberWithUserData>> {
    let (sql, p) = list_sql(org_id, filter, only_user);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), member_from_row)?;
    rows.collect()
}

/// One member with user data (non-system, non-deleted user), or None.
pub fn get(
    conn: &Tx,
    org_id: &str,
    user_id: &str,
) -> DbResult<Option<OrganizationMemberWithUserData>> {
    let sql = format!(
        "SELECT {} {FROM} WHERE m.organization_id = ?1 AND m.user_id = ?2 AND u.is_system = 0",
        member_columns()
    );
    conn.prepare_cached(&sql)?
        .query_row(params![org_id, user_id], member_from_row)
        .optional()
}

/// Live members of `?1`: the trigger-kept number of memberships minus hidden users' ones
/// (from indexes).
fn live_members_sql() -> String {
    format!(
        "COALESCE((SELECT n FROM organization_member_counts WHERE organization_id = ?1), 0) - \
         (SELECT count(*) FROM users u CROSS JOIN organization_members m \
          ON m.organization_id = ?1 AND m.user_id = u.id WHERE {})",
        user_list::HIDDEN_USERS
    )
}

/// A page of members ordered by `lower(username)`, filtered with the users search (never
/// deleted or system users), and the number of matches before LIMIT/OFFSET (after the
/// `after_id` cursor), read in one snapshot; an empty page counts 0. `has_ai_seat` is
/// computed for the page's rows only.
///
/// Usernames live in `users`, so the page is found one of three ways, chosen from the
/// organization's live-member count `m` and the live-user count `u` (both from indexes):
/// * every live user is a member (`m = u`, the default organization typically): the members
///   matching a search are the users matching it, so the page and count come from `users`
///   alone and memberships are read for the page's rows only;
/// * few members, or a deep page: the members are read and sorted (~1.5 µs each);
/// * else live users are walked in username order and each is probed for membership
///   (~0.5 µs each, `u / m` walked per member on the page and before it).
///
/// Without a search the count is `m`.
pub fn paginated(
    conn: &Tx,
    org_id: &str,
    filter: &UsersFilter,
    page: &Pagination,
) -> DbResult<(Vec<OrganizationMemberWithUserData>, i64)> {
    let mut p = Params::default();
    let mut wh = user_list::filter_sql(filter, &UserScope::All, "", &mut p);
    if let Some(after) = &page.after_id {
        wh.push_str(" AND ");
        wh.push_str(&user_list::after_id_sql(after, &mut p));
    }
    let user_params = Params(p.0.clone());
    let org = p.push(org_id.to_string());
    let member_params = Params(p.0.clone());
    let org_params = Params(vec![org_id.to_value()]);
    let live_sql = format!(
        "SELECT {}, {}",
        user_list::live_humans_count_sql(),
        live_members_sql()
    );
    let plain = wh == user_list::LIVE_HUMANS;
    let member_count = format!(
        "SELECT count(*) FROM organization_members m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = {org} AND {wh}"
    );
    let user_count = format!("SELECT count(*) FROM users u WHERE {wh}");
    let lim = user_list::limit_offset_sql(page, &mut p);
    // The page's rows, the page outer.
    let outer = |org: &str| {
        format!(
            "SELECT {} FROM page \
             CROSS JOIN organization_members m ON m.organization_id = {org} AND m.user_id = page.id \
             CROSS JOIN users u ON u.id = m.user_id ORDER BY page.k",
            member_columns()
        )
    };
    // The FROM clause fixes the plan (SQLite keeps the left side of a CROSS JOIN outer):
    // users outer walk `users_list` in username order and probe memberships; memberships
    // outer are read by organization, then sorted.
    const PROBE: &str = "users u CROSS JOIN organization_members m ON m.user_id = u.id";
    const SORT: &str = "organization_members m CROSS JOIN users u ON u.id = m.user_id";
    let via_members = |from: &str| {
        format!(
            "WITH page AS (SELECT m.user_id AS id, lower(u.username) AS k FROM {from} \
             WHERE m.organization_id = {org} AND {wh} ORDER BY lower(u.username) {lim}) {}",
            outer(&org)
        )
    };
    let via_users = format!(
        "WITH page AS (SELECT u.id AS id, lower(u.username) AS k \
         FROM users u WHERE {wh} ORDER BY lower(u.username) {lim}) {}",
        outer(&org)
    );
    super::in_savepoint(conn, "page_snapshot", || {
        let (live_users, live_members): (i64, i64) = conn
            .prepare_cached(&live_sql)?
            .query_row(org_params.as_params(), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let everyone = live_users == live_members;
        let sql = if everyone {
            via_users
        } else {
            // Probing walks ~(offset + limit) * u / m users at ~0.5 µs each; sorting reads
            // and sorts the m members at ~1.5 µs each (measured on 10,000 users): probe while
            // that is cheaper.
            let limit = if page.limit > 0 {
                page.limit
            } else {
                live_members
            };
            let walked = (page.offset + limit).saturating_mul(live_users);
            let sorted = 3i64.saturating_mul(live_members.saturating_mul(live_members));
            via_members(if walked > sorted { SORT } else { PROBE })
        };
        let mut members = Vec::new();
        {
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(p.as_params())?;
            while let Some(r) = rows.next()? {
                members.push(member_from_row(&r)?);
            }
        }
        if members.is_empty() {
            return Ok((members, 0));
        }
        if plain {
            return Ok((members, live_members));
        }
        let (count_sql, count_params) = if everyone {
            (&user_count, &user_params)
        } else {
            (&member_count, &member_params)
        };
        let count = conn
            .prepare_cached(count_sql)?
            .query_row(count_params.as_params(), |r| r.get(0))?;
        Ok((members, count))
    })
}

/// The raw membership row (Coder's `OrganizationMember`), or None.
pub fn membership(conn: &Tx, org_id: &str, user_id: &str) -> DbResult<Option<OrganizationMember>> {
    conn.prepare_cached(
        "SELECT user_id, organization_id, created_at, updated_at, roles FROM organization_members \
         WHERE organization_id = ?1 AND user_id = ?2",
    )?
    .query_row(params![org_id, user_id], |r| {
        let org: String = r.get(1)?;
        let roles: String = r.get(4)?;
        Ok(OrganizationMember {
            user_id: r.get(0)?,
            created_at: r.get(2)?,
            updated_at: r.get(3)?,
            roles: SlimRole::org_list(&json_list(&roles), &org),
            organization_id: org,
        })
    })
    .optional()
}

/// Replaces the saved organization roles of a membership.
pub fn set_roles(
    conn: &Tx,
    org_id: &str,
    user_id: &str,
    roles: &[String],
    now: i64,
) -> DbResult<usize> {
    conn.prepare_cached(
        "UPDATE organization_members SET roles = ?3, updated_at = ?4 \
         WHERE organization_id = ?1 AND user_id = ?2",
    )?
    .execute(params![org_id, user_id, to_json_list(roles), now])
}

pub fn delete(conn: &Tx, org_id: &str, user_id: &str) -> DbResult<usize> {
    conn.prepare_cached(
        "DELETE FROM organization_members WHERE organization_id = ?1 AND user_id = ?2",
    )?
    .execute(params![org_id, user_id])
}

/// The user's saved organization roles: (organization id, roles), by organization id.
pub fn organization_roles(conn: &Tx, user_id: &str) -> DbResult<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT organization_id, roles FROM organization_members WHERE user_id = ?1 \
         ORDER BY organization_id",
    )?;
    let rows = stmt.query_map(params![user_id], |r| {
        Ok((r.get::<String>(0)?, super::json_list(&r.get::<String>(1)?)))
    })?;
    rows.collect()
}

/// Memberships for a loaded dump without `organization_members`: every live user belongs to
/// the default organization, and to each organization where they own a workspace.
pub fn derive_for_load(conn: &Tx) -> DbResult<()> {
    conn.execute_batch(
        "INSERT OR IGNORE INTO organization_members (organization_id, user_id, roles, created_at, updated_at)
         SELECT o.id, u.id, '[]', u.created_at, u.created_at
         FROM users u JOIN organizations o ON o.is_default = 1 AND o.deleted = 0
         WHERE u.deleted = 0;
         INSERT OR IGNORE INTO organization_members (organization_id, user_id, roles, created_at, updated_at)
         SELECT w.organization_id, w.owner_id, '[]', min(w.created_at), min(w.created_at)
         FROM workspaces w JOIN users u ON u.id = w.owner_id AND u.deleted = 0
         JOIN organizations o ON o.id = w.organization_id AND o.deleted = 0
         GROUP BY w.organization_id, w.owner_id;",
    )
}
