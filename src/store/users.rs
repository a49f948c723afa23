//! Users: the one SELECT every user object comes from (with `organization_ids`, `roles` and
//! `has_ai_seat` computed in the same statement), look-ups and the core writes.

use super::ai_seats::has_ai_seat_sql;
use super::{json_list, Params};
use crate::model::query::Pagination;
use crate::model::query::UsersFilter;
use crate::model::{SlimRole, User};
use crate::rbac::UserScope;
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

/// The base of every users search: live, non-system users. A search that adds nothing to it
/// is counted from the indexes (`users_hidden`) instead of walking every user.
pub const LIVE_HUMANS: &str = "u.deleted = 0 AND u.is_system = 0";

/// Users excluded by `LIVE_HUMANS` (served by the partial index `users_hidden`).
pub const HIDDEN_USERS: &str = "u.deleted <> 0 OR u.is_system <> 0";

/// Runs `f` inside a savepoint, so a page and its count read one snapshot (inside or outside
/// a transaction).
pub fn in_snapshot<T>(
    conn: &Connection,
    f: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.execute_batch("SAVEPOINT page_snapshot")?;
    let out = f();
    let end = if out.is_ok() {
        "RELEASE page_snapshot"
    } else {
        "ROLLBACK TO page_snapshot; RELEASE page_snapshot"
    };
    conn.execute_batch(end)?;
    out
}

/// WHERE fragment (no `WHERE`) over alias `u` for a users search: never deleted or system
/// users, the filter's conditions, and the caller's read scope (`scope` for `caller_id`).
/// Shared by `GET /users` and the paginated members list.
pub fn filter_sql(
    filter: &UsersFilter,
    scope: &UserScope,
    caller_id: &str,
    p: &mut Params,
) -> String {
    let mut w: Vec<String> = vec![LIVE_HUMANS.into()];
    if !filter.search.is_empty() {
        let t = &filter.search;
        let email = super::contains_sql("u.email", t, false, p);
        let username = super::contains_sql("u.username", t, false, p);
        w.push(format!("({email} OR {username})"));
    }
    if !filter.name.is_empty() {
        w.push(super::contains_sql("u.name", &filter.name, false, p));
    }
    if !filter.status.is_empty() {
        w.push(format!("u.status IN {}", p.push_list(&filter.status)));
    }
    if let Some(sa) = filter.service_account {
        w.push(format!("u.is_service_account = {}", p.push(sa)));
    }
    if let Some(roles) = filter.role_filter() {
        w.push(format!(
            "EXISTS (SELECT 1 FROM json_each(u.rbac_roles) r WHERE r.value IN {})",
            p.push_list(roles)
        ));
    }
    let bounds = [
        ("u.last_seen_at <=", filter.last_seen_before),
        ("u.last_seen_at >=", filter.last_seen_after),
        ("u.created_at <=", filter.created_before),
        ("u.created_at >=", filter.created_after),
    ];
    for (cond, v) in bounds {
        if let Some(v) = v {
            w.push(format!("{cond} {}", p.push(v)));
        }
    }
    if filter.github_com_user_id != 0 {
        w.push(format!(
            "u.github_com_user_id = {}",
            p.push(filter.github_com_user_id)
        ));
    }
    if !filter.login_type.is_empty() {
        w.push(format!(
            "u.login_type IN {}",
            p.push_list(&filter.login_type)
        ));
    }
    if let Some(name) = &filter.username {
        w.push(format!(
            "lower(u.username) = lower({})",
            p.push(name.clone())
        ));
    }
    if let Some(email) = &filter.email {
        w.push(format!("lower(u.email) = lower({})", p.push(email.clone())));
    }
    match filter.has_ai_seat {
        Some(true) => w.push(has_ai_seat_sql("u.id")),
        Some(false) => w.push(format!("NOT {}", has_ai_seat_sql("u.id"))),
        None => {}
    }
    if let UserScope::SelfAndOrgs(orgs) = scope {
        let me = p.push(caller_id.to_string());
        if orgs.is_empty() {
            w.push(format!("u.id = {me}"));
        } else {
            w.push(format!(
                "(u.id = {me} OR EXISTS (SELECT 1 FROM organization_members sm \
                 WHERE sm.user_id = u.id AND sm.organization_id IN {}))",
                p.push_list(orgs)
            ));
        }
    }
    w.join(" AND ")
}

/// Keyset condition over alias `u`: usernames strictly after the user `after_id`'s
/// (case-insensitive). A cursor naming no user matches nothing, as in Coder.
pub fn after_id_sql(after_id: &str, p: &mut Params) -> String {
    format!(
        "lower(u.username) > (SELECT lower(a.username) FROM users a WHERE a.id = {})",
        p.push(after_id.to_string())
    )
}

/// `LIMIT ... OFFSET ...` for Coder pagination (limit 0 = no limit).
pub fn limit_offset_sql(page: &Pagination, p: &mut Params) -> String {
    let limit = if page.limit > 0 { page.limit } else { -1 };
    format!("LIMIT {} OFFSET {}", p.push(limit), p.push(page.offset))
}

/// The statements of a users page: the page (`page_sql`, `page_params`) and its count
/// (`count_sql`, `count_params`). Only values travel as parameters.
#[derive(Debug)]
pub struct ListSql {
    pub page_sql: String,
    pub page_params: Params,
    pub count_sql: String,
    pub count_params: Params,
}

/// Builds the page and count statements of `list`.
pub fn list_sql(
    filter: &UsersFilter,
    scope: &UserScope,
    caller_id: &str,
    page: &Pagination,
) -> ListSql {
    let mut p = Params::default();
    let mut wh = filter_sql(filter, scope, caller_id, &mut p);
    if let Some(after) = &page.after_id {
        wh.push_str(" AND ");
        wh.push_str(&after_id_sql(after, &mut p));
    }
    let count_params = Params(p.0.clone());
    let count_sql = if wh == LIVE_HUMANS {
        format!("SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM users u WHERE {HIDDEN_USERS})")
    } else {
        format!("SELECT count(*) FROM users u WHERE {wh}")
    };
    let lim = limit_offset_sql(page, &mut p);
    let page_sql = format!(
        "WITH page AS (SELECT u.id AS id, lower(u.username) AS k \
         FROM users u WHERE {wh} ORDER BY lower(u.username) {lim}) \
         SELECT {} FROM page JOIN users u ON u.id = page.id ORDER BY page.k",
        user_columns()
    );
    ListSql {
        page_sql,
        page_params: p,
        count_sql,
        count_params,
    }
}

/// One page of users ordered by `lower(username)`, and the total count of matches (before
/// LIMIT/OFFSET, after `after_id`), read in one snapshot. An empty page counts 0 (as Coder's
/// `count(*) OVER ()`). The page walks the `users_list` index in order and stops at the
/// limit; the count is a separate statement so the page never materialises every match.
pub fn list(
    conn: &Connection,
    filter: &UsersFilter,
    scope: &UserScope,
    caller_id: &str,
    page: &Pagination,
) -> rusqlite::Result<(Vec<User>, i64)> {
    let q = list_sql(filter, scope, caller_id, page);
    in_snapshot(conn, || {
        let users = conn
            .prepare_cached(&q.page_sql)?
            .query_map(q.page_params.as_params(), |r| user_from_row(r, 0))?
            .collect::<rusqlite::Result<Vec<User>>>()?;
        if users.is_empty() {
            return Ok((users, 0));
        }
        let total = conn
            .prepare_cached(&q.count_sql)?
            .query_row(q.count_params.as_params(), |r| r.get(0))?;
        Ok((users, total))
    })
}
