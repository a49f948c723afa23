//! Users lists: the search conditions (shared with the paginated members list), the keyset
//! and page clauses, and the page with its count in one snapshot.

use super::ai_seats::has_ai_seat_filter_sql;
use super::users::{user_columns, user_from_row};
use super::Params;
use crate::model::query::{Pagination, UsersFilter};
use crate::model::User;
use crate::rbac::UserScope;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;

/// The base of every users search: live, non-system users. A search that adds nothing to it
/// is counted from the indexes (`users_hidden`) instead of walking every user.
pub const LIVE_HUMANS: &str = "u.deleted = 0 AND u.is_system = 0";

/// Users excluded by `LIVE_HUMANS` (served by the partial index `users_hidden`).
pub const HIDDEN_USERS: &str = "u.deleted <> 0 OR u.is_system <> 0";

/// The number of users matching `LIVE_HUMANS`: the trigger-kept number of users minus the
/// few hidden ones (from `users_hidden`).
pub fn live_humans_count_sql() -> String {
    format!("(SELECT n FROM user_total) - (SELECT count(*) FROM users u WHERE {HIDDEN_USERS})")
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
        Some(true) => w.push(format!("{} = 1", has_ai_seat_filter_sql("u.id"))),
        Some(false) => w.push(format!("{} = 0", has_ai_seat_filter_sql("u.id"))),
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
    // No limit is the largest one (SQLite reads `LIMIT -1` as none; PostgreSQL refuses it).
    let limit = if page.limit > 0 { page.limit } else { i64::MAX };
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
        format!("SELECT {}", live_humans_count_sql())
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
    conn: &Tx,
    filter: &UsersFilter,
    scope: &UserScope,
    caller_id: &str,
    page: &Pagination,
) -> DbResult<(Vec<User>, i64)> {
    let q = list_sql(filter, scope, caller_id, page);
    super::in_savepoint(conn, "page_snapshot", || {
        let users = conn
            .prepare_cached(&q.page_sql)?
            .query_map(q.page_params.as_params(), |r| user_from_row(r, 0))?
            .collect::<DbResult<Vec<User>>>()?;
        if users.is_empty() {
            return Ok((users, 0));
        }
        let total = conn
            .prepare_cached(&q.count_sql)?
            .query_row(q.count_params.as_params(), |r| r.get(0))?;
        Ok((users, total))
    })
}
