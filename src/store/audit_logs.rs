//! Audit-log reads: the page (every row built in ONE statement), the count and keyset
//! cursors. The SQL text of the filters is built in audit_query.rs.
//!
//! Plan shape (SQLite keeps unused LEFT JOINs, so nothing is joined that a filter does not
//! need): the inner query picks the page's `seq`s from `audit_logs` alone, in
//! `time DESC, seq DESC` order, through one of the `(column, time)` indexes (plus the rowid) — covering, so
//! OFFSET skips index entries without touching the table. Only the final page is then joined
//! to its row, user, organization, AI-seat EXISTS and the `is_deleted`/link look-ups.

use super::ai_seats::has_ai_seat_sql;
use super::audit_counts::Skip;
pub use super::audit_query::{choose_index, count_sql, page_ids_sql, Cursor, PageSpec, SORT_LIMIT};
use super::audit_query::{count_sql_via, dimension_terms, has_selective_term, page_ids_sql_via};
use super::{json_list, Params};
use crate::model::query::AuditFilter;
use crate::model::{MinimalOrganization, SlimRole, User, NIL_UUID};
use crate::params;
use crate::rbac::AuditScope;
use crate::store::sql::DbResult;
use crate::store::sql::OptionalExtension;
use crate::store::sql::Row;
use crate::store::sql::Tx;

/// The whole page statement: page ids, then each row with its user, organization, AI seat,
/// `is_deleted` and link owner.
pub fn page_sql(f: &AuditFilter, scope: &AuditScope, pg: &PageSpec) -> Option<(String, Params)> {
    page_sql_via(f, scope, pg, choose_index(f, scope, pg.sort_ok))
}

fn page_sql_via(
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
    index: &'static str,
) -> Option<(String, Params)> {
    let (inner, p) = page_ids_sql_via(f, scope, pg, index)?;
    Some((rows_sql(&inner, "a.time DESC, a.seq DESC"), p))
}

/// The index that drives a filter: `choose_index`'s fixed order, except for a filter of
/// several dimension terms only (organization, type/action, build reason), where the term
/// that holds the fewest rows drives, sized by the counters (microseconds): `organization:<a small org> resource_type:workspace` walks the small
/// organization's rows, not every workspace row.
pub fn pick_index(
    conn: &Tx,
    f: &AuditFilter,
    scope: &AuditScope,
    sort_ok: bool,
) -> DbResult<&'static str> {
    let fixed = choose_index(f, scope, sort_ok);
    if has_selective_term(f) {
        return Ok(fixed);
    }
    let terms = dimension_terms(f, scope);
    if terms.len() < 2 {
        return Ok(fixed);
    }
    let mut best: Option<(i64, &'static str)> = None;
    for term in &terms {
        // Sized over all time (the small `audit_log_counts`, microseconds), not the filter's
        // date range (the per-day counters, up to a millisecond a sum): only the order matters.
        if let Some(n) = super::audit_counts::count(conn, term, &AuditScope::All)? {
            if best.is_none_or(|(b, _)| n < b) {
                best = Some((n, choose_index(term, &AuditScope::All, true)));
            }
        }
    }
    Ok(best.map_or(fixed, |(_, index)| index))
}

/// Every column `read_row` reads, for the rows whose `seq` the `inner` query yields, in
/// `order`; then `a.seq` and `a.hash` (indices 32 and 33). The resource (a user, a workspace,
/// a build's workspace) and a workspace's owner are joined once per row by primary key, for
/// both `is_deleted` and the link (four subqueries a row made PostgreSQL's page 30% slower).
fn rows_sql(inner: &str, order: &str) -> String {
    format!(
        "SELECT a.id, a.request_id, a.time, a.ip, a.user_agent, a.resource_type, a.resource_id, \
         a.resource_target, a.resource_icon, a.action, a.diff, a.status_code, a.additional_fields, \
         a.organization_id, COALESCE(o.name, ''), COALESCE(o.display_name, ''), COALESCE(o.icon, ''), \
         a.user_id, u.username, u.name, u.avatar_url, u.email, u.created_at, u.updated_at, \
         u.last_seen_at, u.status, u.login_type, u.rbac_roles, u.is_service_account, \
         CASE WHEN u.id IS NULL THEN 0 ELSE {seat} END, \
         CASE WHEN a.resource_type = 'user' THEN COALESCE(ru.deleted, 1) \
           WHEN a.resource_type IN ('workspace', 'workspace_build') THEN COALESCE(rw.deleted, 1) \
           ELSE 0 END, \
         ou.username, \
         a.seq, a.hash \
         FROM ({inner}) pg \
         CROSS JOIN audit_logs a ON a.seq = pg.seq \
         LEFT JOIN users u ON u.id = a.user_id \
         LEFT JOIN organizations o ON o.id = a.organization_id \
         LEFT JOIN users ru ON a.resource_type = 'user' AND ru.id = a.resource_id \
         LEFT JOIN workspace_builds rb ON a.resource_type = 'workspace_build' AND rb.id = a.resource_id \
         LEFT JOIN workspaces rw ON a.resource_type IN ('workspace', 'workspace_build') \
           AND rw.id = (CASE a.resource_type WHEN 'workspace' THEN a.resource_id ELSE rb.workspace_id END) \
         LEFT JOIN users ou ON ou.id = rw.owner_id \
         ORDER BY {order}",
        seat = has_ai_seat_sql("u.id"),
    )
}

/// One stored audit row with what its page needs joined to it: the user, the organization,
/// the seat, whether the resource is deleted and a workspace's owner. `audit::present::log`
/// turns it into the API's `AuditLog`.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub request_id: String,
    pub time: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub resource_type: String,
    pub resource_id: String,
    pub resource_target: String,
    pub resource_icon: String,
    pub action: String,
    /// The stored JSON text.
    pub diff: String,
    pub status_code: i32,
    /// The stored JSON text.
    pub additional_fields: String,
    pub organization_id: String,
    pub organization: Option<MinimalOrganization>,
    pub user: Option<User>,
    pub is_deleted: bool,
    /// The owner's username of a workspace or build resource.
    pub link_owner: Option<String>,
}

fn read_row(r: &Row) -> DbResult<AuditRow> {
    let organization_id: String = r.get(13)?;
    let organization = (organization_id != NIL_UUID).then(|| MinimalOrganization {
        id: organization_id.clone(),
        name: r.get(14).unwrap_or_default(),
        display_name: r.get(15).unwrap_or_default(),
        icon: r.get(16).unwrap_or_default(),
    });
    let username: Option<String> = r.get(18)?;
    let user = match username {
        None => None,
        Some(username) => Some(User {
            id: r.get(17)?,
            username,
            name: r.get(19)?,
            avatar_url: r.get(20)?,
            email: r.get(21)?,
            created_at: r.get(22)?,
            updated_at: r.get(23)?,
            last_seen_at: r.get(24)?,
            status: r.get(25)?,
            login_type: r.get(26)?,
            theme_preference: String::new(),
            is_service_account: r.get(28)?,
            organization_ids: Vec::new(),
            roles: SlimRole::site_list(&json_list(&r.get::<String>(27)?)),
            has_ai_seat: r.get(29)?,
        }),
    };
    Ok(AuditRow {
        seq: r.get(32)?,
        id: r.get(0)?,
        request_id: r.get(1)?,
        time: r.get(2)?,
        ip: r.get(3)?,
        user_agent: r.get(4)?,
        resource_type: r.get(5)?,
        resource_id: r.get(6)?,
        resource_target: r.get(7)?,
        resource_icon: r.get(8)?,
        action: r.get(9)?,
        diff: r.get(10)?,
        status_code: r.get(11)?,
        additional_fields: r.get(12)?,
        organization_id,
        organization,
        user,
        is_deleted: r.get(30)?,
        link_owner: r.get(31)?,
    })
}

/// One page of rows, each joined to what it shows. A deep OFFSET first skips whole days using the per-day
/// totals when they can count the filter exactly.
pub fn page(
    conn: &Tx,
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> DbResult<Vec<AuditRow>> {
    if pg.after.is_none() {
        match super::audit_counts::skip_days(conn, f, scope, pg.offset)? {
            Skip::Walk => {}
            Skip::PastEnd => return Ok(Vec::new()),
            Skip::To { before, offset } => {
                let f = AuditFilter {
                    date_to_before: Some(f.date_to_before.map_or(before, |t| t.min(before))),
                    ..f.clone()
                };
                let pg = PageSpec {
                    offset,
                    ..pg.clone()
                };
                return page_rows(conn, &f, scope, &pg);
            }
        }
    }
    page_rows(conn, f, scope, pg)
}

fn page_rows(
    conn: &Tx,
    f: &AuditFilter,
    scope: &AuditScope,
    pg: &PageSpec,
) -> DbResult<Vec<AuditRow>> {
    let index = pick_index(conn, f, scope, pg.sort_ok)?;
    let Some((sql, p)) = page_sql_via(f, scope, pg, index) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.as_params(), read_row)?;
    rows.collect()
}

/// Up to `limit` committed rows after `after_seq`, in `seq` (insertion) order, each with its
/// chain hash: the audit streams' outbox read.
pub fn after_seq(
    conn: &Tx,
    after_seq: i64,
    limit: i64,
) -> DbResult<Vec<(Option<String>, AuditRow)>> {
    let sql = rows_sql(
        "SELECT seq FROM audit_logs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        "a.seq",
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![after_seq, limit], |r| {
        Ok((r.get(33)?, read_row(r)?))
    })?;
    rows.collect()
}

/// Matching rows (exact, or at most `cap + 1` when `cap` > 0): from the counters when they
/// can answer, else by counting the rows.
pub fn count(conn: &Tx, f: &AuditFilter, scope: &AuditScope, cap: i64) -> DbResult<i64> {
    if let Some(n) = super::audit_counts::count(conn, f, scope)? {
        return Ok(if cap > 0 { n.min(cap + 1) } else { n });
    }
    let index = pick_index(conn, f, scope, true)?;
    let Some((sql, p)) = count_sql_via(f, scope, cap, index) else {
        return Ok(0);
    };
    conn.prepare_cached(&sql)?
        .query_row(p.as_params(), |r| r.get(0))
}

/// The cursor of a row the caller may see, by id.
pub fn cursor(conn: &Tx, id: &str, scope: &AuditScope) -> DbResult<Option<Cursor>> {
    let row: Option<(i64, i64, String)> = conn
        .prepare_cached("SELECT time, seq, organization_id FROM audit_logs WHERE id = ?1")?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(time, seq, org)| {
        let visible = match scope {
            AuditScope::All => true,
            AuditScope::Orgs(orgs) => orgs.contains(&org),
            AuditScope::None => false,
        };
        visible.then_some(Cursor { time, seq })
    }))
}
